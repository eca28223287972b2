"""Benchmark: validate, compute and build at four scales, with peak memory, against plain Frictionless.

Run from the repository root: `make bench` (or `.venv/bin/python bench/run.py [--quick]`).
Writes build/bench/results.md and build/bench/results.json. Timings live here, not in the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.pop("JUNHENG_CACHE", None)       # cold builds are cold: each output folder keeps its own cache
OUT = ROOT / "build" / "bench"
PY = sys.executable


def run(args: list[str], label: str) -> dict:
    """Run a command in a fresh process; wall time and that process's peak memory."""
    script = ("import resource,subprocess,sys,time,json;t=time.perf_counter();r=subprocess.run(sys.argv[1:],capture_output=True);"
              "print(json.dumps(dict(rc=r.returncode,s=time.perf_counter()-t,"
              "mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,err=r.stderr.decode()[-500:])))")
    out = subprocess.run([PY, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    res = json.loads(out.stdout)
    res["label"] = label
    if res["rc"] not in (0,):
        print(f"  ! {label} exited {res['rc']}: {res['err']}", file=sys.stderr)
    print(f"  {label}: {res['s']:.2f} s, peak {res['mb']:.0f} MB", file=sys.stderr)
    return res


def junheng(*args: str) -> list[str]:
    return [PY, "-m", "pipeline", *args]


def dataset(units: int) -> Path:
    d = OUT / "data" / f"units-{units}"
    if not (d / "datapackage.json").exists():
        from pipeline.synth import generate_scaled

        generate_scaled(d, units)
    return d


def table(rows: int, errors: dict | None = None, tag: str = "") -> Path:
    d = OUT / "data" / f"rows-{rows}{tag}"
    if not (d / "school_levels.csv").exists():
        from pipeline.synth import school_levels_rows

        school_levels_rows(d, rows, errors=errors)
    return d / "school_levels.csv"


def validate_one(path: Path) -> list[str]:
    code = ("import sys;from pathlib import Path;from pipeline.validate import validate_table;"
            "v=validate_table('school_levels',Path(sys.argv[1]));print(len(v.report.errors))")
    return [PY, "-c", code, str(path)]


def frictionless_one(path: Path) -> list[str]:
    code = ("import sys,frictionless;from pipeline.schemas import load;"
            "d={k:v for k,v in load('school_levels').descriptor.items() if k!='foreignKeys'};"
            "r=frictionless.validate(frictionless.Resource(path=sys.argv[1].split('/')[-1],basepath=sys.argv[1].rsplit('/',1)[0],"
            "schema=frictionless.Schema.from_descriptor(d)),limit_errors=10**9);print(len(r.flatten(['type'])))")
    return [PY, "-c", code, str(path)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller scales (for a smoke run)")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    print("sample county (datasets/)", file=sys.stderr)
    results.append(run(junheng("validate"), "sample: validate"))
    results.append(run(junheng("compute", "--out", str(OUT / "sample-out")), "sample: validate + compute"))
    subprocess.run(["rm", "-rf", str(OUT / "sample-build")])
    results.append(run(junheng("build", "--out", str(OUT / "sample-build")), "sample: build (cold)"))
    results.append(run(junheng("build", "--out", str(OUT / "sample-build")), "sample: build (unchanged rebuild)"))
    results.append(run(junheng("build", "--force", "--out", str(OUT / "sample-build")), "sample: build --force (caches warm)"))
    district = 60 if a.quick else 300
    d = dataset(district)
    print(f"district ({district} units)", file=sys.stderr)
    results.append(run(junheng("validate", "--data-dir", str(d)), f"{district} units: validate"))
    results.append(run(junheng("compute", "--data-dir", str(d), "--out", str(OUT / "d-out")), f"{district} units: validate + compute"))
    subprocess.run(["rm", "-rf", str(OUT / "d-build")])
    results.append(run(junheng("build", "--data-dir", str(d), "--out", str(OUT / "d-build")), f"{district} units: build (cold)"))
    province = 1500 if a.quick else 15000
    p = dataset(province)
    print(f"province ({province} units)", file=sys.stderr)
    results.append(run(junheng("validate", "--data-dir", str(p)), f"{province} units: validate"))
    results.append(run(junheng("compute", "--data-dir", str(p), "--out", str(OUT / "p-out")), f"{province} units: validate + compute"))
    sizes = [10_000, 100_000] + ([] if a.quick else [1_000_000])
    scaling = []
    for n in sizes:
        path = table(n)
        r = run(validate_one(path), f"{n:,} rows: junheng validation")
        scaling.append((n, r["s"]))
        results.append(r)
    big = sizes[-1]
    base = run(frictionless_one(table(big)), f"{big:,} rows: plain Frictionless")
    results.append(base)
    ours = next(r for r in results if r["label"] == f"{big:,} rows: junheng validation")
    # fit on the two largest sizes: at the smallest, the fixed start-up cost (imports) would flatten the slope
    slope = (math.log(scaling[-1][1]) - math.log(scaling[-2][1])) / (math.log(scaling[-1][0]) - math.log(scaling[-2][0]))
    summary = dict(ratio_vs_frictionless=base["s"] / ours["s"], fitted_exponent=slope)
    by = {r["label"]: r for r in results}
    targets = [] if a.quick else [
        ("示例县 validate < 1 秒", by["sample: validate"]["s"], lambda x: x < 1, "{:.2f} 秒"),
        ("示例县 build（冷启动）< 15 秒", by["sample: build (cold)"]["s"], lambda x: x < 15, "{:.2f} 秒"),
        ("示例县无改动重建 < 5 秒", by["sample: build (unchanged rebuild)"]["s"], lambda x: x < 5, "{:.2f} 秒"),
        (f"{district} 个学校单位完整构建 < 60 秒", by[f"{district} units: build (cold)"]["s"], lambda x: x < 60, "{:.2f} 秒"),
        (f"{province} 个学校单位 validate + compute < 10 秒", by[f"{province} units: validate + compute"]["s"], lambda x: x < 10, "{:.2f} 秒"),
        (f"{big:,} 行校验比 Frictionless 快 ≥ 10 倍", summary["ratio_vs_frictionless"], lambda x: x >= 10, "{:.1f} 倍"),
        (f"{big:,} 行校验峰值内存 < 4 GB", ours["mb"], lambda x: x < 4096, "{:.0f} MB"),
        ("随行数增长不超过线性（拟合指数 ≤ 1）", slope, lambda x: x <= 1, "{:.2f}"),
    ]
    summary["targets"] = [dict(target=t, measured=m, met=bool(ok(m))) for t, m, ok, _ in targets]
    lines = ["| 步骤 | 时间（秒） | 峰值内存（MB） |", "|---|---|---|"]
    lines += [f"| {r['label']} | {r['s']:.2f} | {r['mb']:.0f} |" for r in results]
    lines += ["", f"- {big:,} 行：比 plain Frictionless 快 {summary['ratio_vs_frictionless']:.1f} 倍",
              f"- 校验时间随行数增长的拟合指数：{slope:.2f}（1 为线性）"]
    if targets:
        lines += ["", "| 目标 | 实测 | 达到 |", "|---|---|---|"]
        lines += [f"| {t} | {fmt.format(m)} | {'是' if ok(m) else '**否**'} |" for t, m, ok, fmt in targets]
    (OUT / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(dict(results=results, **summary), ensure_ascii=False, indent=2), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

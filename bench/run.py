"""Benchmark: validate, compute and build at four scales, with peak memory, against plain Frictionless.

Run from the repository root: `make bench` (or `.venv/bin/python bench/run.py [--quick]`).
Writes build/bench/results.md and build/bench/results.json. Timings live here, not in the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
    results.append(run(junheng("compute", "--out", str(OUT / "sample-out")), "sample: compute"))
    subprocess.run(["rm", "-rf", str(OUT / "sample-build")])
    results.append(run(junheng("build", "--out", str(OUT / "sample-build")), "sample: build (cold)"))
    results.append(run(junheng("build", "--out", str(OUT / "sample-build")), "sample: build (unchanged rebuild)"))
    district = 60 if a.quick else 300
    d = dataset(district)
    print(f"district ({district} units)", file=sys.stderr)
    results.append(run(junheng("validate", "--data-dir", str(d)), f"{district} units: validate"))
    results.append(run(junheng("compute", "--data-dir", str(d), "--out", str(OUT / "d-out")), f"{district} units: compute"))
    subprocess.run(["rm", "-rf", str(OUT / "d-build")])
    results.append(run(junheng("build", "--data-dir", str(d), "--out", str(OUT / "d-build")), f"{district} units: build (cold)"))
    province = 1500 if a.quick else 15000
    p = dataset(province)
    print(f"province ({province} units)", file=sys.stderr)
    results.append(run(junheng("validate", "--data-dir", str(p)), f"{province} units: validate"))
    results.append(run(junheng("compute", "--data-dir", str(p), "--out", str(OUT / "p-out")), f"{province} units: compute"))
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
    lines = ["| 步骤 | 时间（秒） | 峰值内存（MB） |", "|---|---|---|"]
    lines += [f"| {r['label']} | {r['s']:.2f} | {r['mb']:.0f} |" for r in results]
    lines += ["", f"- {big:,} 行：比 plain Frictionless 快 {summary['ratio_vs_frictionless']:.1f} 倍",
              f"- 校验时间随行数增长的拟合指数：{slope:.2f}（1 为线性）"]
    (OUT / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(dict(results=results, **summary), ensure_ascii=False, indent=2), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

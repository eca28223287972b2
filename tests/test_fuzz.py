"""Fuzzing: mutated copies of the data either pass or fail with a located message; never a traceback, never a half-built site.

A bounded run is part of the suite; `tools/fuzz.sh N` runs N examples per test (see its output for the figures).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL
from pipeline.cli import main

N = int(os.environ.get("JUNHENG_FUZZ_EXAMPLES", "20"))
FILES = sorted(p.name for p in MINIMAL.glob("*.csv"))
NASTY = ["", " ", "=1+1", "-", "@x", "１２", "1,234", "1e308", "-0", "NaN", "inf", "9" * 40, "true", "\x00", "\u202e",
         "<script>", "\"", "\n", "2137039999", "小学", "2025-02-30", "110105194912310021"]

mutation = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 400), st.integers(0, 30), st.one_of(st.sampled_from(NASTY), st.text(max_size=20))),
    st.tuples(st.just("del_row"), st.integers(0, 400)),
    st.tuples(st.just("dup_row"), st.integers(0, 400)),
    st.tuples(st.just("del_col"), st.integers(0, 30)),
    st.tuples(st.just("dup_col"), st.integers(0, 30)),
    st.tuples(st.just("encoding"), st.sampled_from(["gbk", "utf-16", "utf-8-sig", "latin-1"])),
    st.tuples(st.just("truncate"), st.integers(0, 100_000)),
    st.tuples(st.just("flip"), st.integers(0, 100_000), st.integers(0, 255)),
    st.tuples(st.just("empty"),),
    st.tuples(st.just("huge"), st.integers(0, 400), st.integers(0, 30)),
)


def apply(path: Path, m: tuple) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="surrogateescape")   # mutations stack, even on a file already re-encoded
    lines = text.split("\n")
    grid = [ln.split(",") for ln in lines]
    kind = m[0]
    if kind == "cell":
        r, c = m[1] % len(grid), m[2] % max(1, len(grid[m[1] % len(grid)]))
        grid[r][c] = m[3].replace(",", "，")
    elif kind == "huge":
        r = m[1] % len(grid)
        grid[r][m[2] % max(1, len(grid[r]))] = "9" * 400
    elif kind == "del_row" and len(grid) > 1:
        del grid[m[1] % len(grid)]
    elif kind == "dup_row":
        i = m[1] % len(grid)
        grid.insert(i, list(grid[i]))
    elif kind in ("del_col", "dup_col"):
        for row in grid:
            if row and row != [""]:
                i = m[1] % len(row)
                if kind == "del_col":
                    del row[i]
                else:
                    row.insert(i, row[i])
    if kind in ("cell", "huge", "del_row", "dup_row", "del_col", "dup_col"):
        path.write_bytes("\n".join(",".join(r) for r in grid).encode("utf-8", errors="surrogateescape"))
    elif kind == "encoding":
        path.write_bytes(text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace").encode(m[1], errors="replace"))
    elif kind == "truncate":
        path.write_bytes(raw[: m[1] % (len(raw) + 1)])
    elif kind == "flip" and raw:
        b = bytearray(raw)
        b[m[1] % len(b)] = m[2]
        path.write_bytes(bytes(b))
    elif kind == "empty":
        path.write_bytes(b"")


def check(result, allowed=(0, 1)):
    assert "Traceback" not in result.output
    assert result.exit_code in allowed, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def mutated_copy(tmp: str, name: str, mutations: list) -> Path:
    data = Path(tmp) / "data"
    shutil.copytree(MINIMAL, data)
    for m in mutations:
        apply(data / name, m)
    return data


@settings(max_examples=N, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.sampled_from(FILES), st.lists(mutation, min_size=1, max_size=3))
def test_validate_and_compute_never_crash(name, mutations):
    with tempfile.TemporaryDirectory() as tmp:
        data = mutated_copy(tmp, name, mutations)
        r = CliRunner().invoke(main, ["validate", "--data-dir", str(data), "--format", "json"])
        check(r)
        report = json.loads(r.output)
        if r.exit_code == 1:
            errors = [f for f in report["findings"] if f["severity"] == "error"]
            assert errors and all(f["file"] and f["message"] and f["fix"] for f in errors)
        r = CliRunner().invoke(main, ["compute", "--data-dir", str(data), "--out", str(Path(tmp) / "out")])
        check(r)
        if r.exit_code == 1:
            assert not (Path(tmp) / "out" / "data").exists() or report["valid"]


@settings(max_examples=max(2, N // 10), deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.sampled_from(FILES), st.lists(mutation, min_size=1, max_size=2))
def test_build_never_leaves_a_partial_site(name, mutations):
    with tempfile.TemporaryDirectory() as tmp:
        data = mutated_copy(tmp, name, mutations)
        out = Path(tmp) / "out"
        r = CliRunner().invoke(main, ["build", "--data-dir", str(data), "--out", str(out)])
        check(r)
        if r.exit_code == 0:
            assert (out / "site" / "index.html").is_file() and (out / "site" / "downloads" / "junheng-data.zip").is_file()
        else:
            assert not (out / "site").exists()
        assert not list(out.glob(".staging-*")) if out.exists() else True

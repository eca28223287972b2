"""Nothing lost, nothing changed, nothing half-built: commands never write sources, killed builds keep the old site."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT, copy_build, kill_at, tree_hash
from pipeline import read
from pipeline.cli import main
from pipeline.site import reusable
from pipeline.validate import validate

JUNHENG = [sys.executable, "-m", "pipeline"]


def test_commands_never_write_to_data_or_schemas(minimal_copy, tmp_path):
    data_before, schemas_before = tree_hash(minimal_copy), tree_hash(ROOT / "pipeline" / "schemas")
    for args in (["validate"], ["compute", "--out", tmp_path / "c"], ["build", "--out", tmp_path / "b"],
                 ["template", "--out", tmp_path / "t.xlsx"], ["template", "--year", "2026", "--out", tmp_path / "t2.xlsx"]):
        r = CliRunner().invoke(main, [str(a) for a in args] + ["--data-dir", str(minimal_copy)])
        assert r.exit_code == 0, (args, r.output)
    assert tree_hash(minimal_copy) == data_before
    assert tree_hash(ROOT / "pipeline" / "schemas") == schemas_before


def test_sigkill_during_build_keeps_the_previous_site(built_minimal, tmp_path):
    # a complete earlier build of the minimal data, killed over at each stage in turn, each build starting over what
    # the one before left behind
    out = copy_build(built_minimal, tmp_path / "out")
    site_before, data_before = tree_hash(out / "site"), tree_hash(out / "data")
    for stage in ("compute", "pages", "generator"):
        status = kill_at([*JUNHENG, "build", "--force", "--data-dir", str(MINIMAL), "--out", str(out)], stage, cwd=ROOT)
        assert status == -signal.SIGKILL, stage
        assert tree_hash(out / "site") == site_before and (out / "site" / "index.html").is_file(), stage
        assert tree_hash(out / "data") == data_before, stage
        assert list(out.glob(".staging-*")), stage              # it was killed mid-way, its half-made build left
    # the next build cleans up after the killed ones and succeeds
    r = CliRunner().invoke(main, ["build", "--data-dir", str(MINIMAL), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "网站已生成" in r.output                               # a real build: the killed ones left no stamp to reuse
    assert not list(out.glob(".staging-*"))
    assert tree_hash(out / "site") == site_before and tree_hash(out / "data") == data_before


def _processes() -> dict[int, tuple[int, str]]:
    """Every process (Linux /proc): its parent's id and its state (R, S, Z...)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue                      # ended meanwhile
        found[int(stat.parent.name)] = (int(ppid), state)
    return found


def test_a_killed_build_leaves_no_worker_process_behind(tmp_path):
    # an empty cache of its own: the chart font is made in two worker processes, still at work when the build is killed
    env = dict(os.environ, JUNHENG_CACHE=str(tmp_path / "cache"), JUNHENG_WORKERS="2", JUNHENG_PAUSE_AT="archive")
    p = subprocess.Popen([*JUNHENG, "build", "--data-dir", str(MINIMAL), "--out", str(tmp_path / "out")], cwd=ROOT, env=env,
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert any("JUNHENG-PAUSED-AT archive" in line for line in p.stderr)
    workers = {pid for pid, (ppid, _) in _processes().items() if ppid == p.pid}
    assert len(workers) >= 2, workers             # the pool's two workers (and multiprocessing's resource tracker)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    for _ in range(100):                          # a zombie has ended; only its parent has not yet collected it
        alive = {w for w, (_, state) in _processes().items() if w in workers and state != "Z"}
        if not alive:
            break
        time.sleep(0.1)
    for w in alive:
        os.kill(w, signal.SIGKILL)       # not left running if the test fails
    assert not alive


def test_two_builds_are_byte_identical(tmp_path, built_minimal):
    # The shared build of the minimal data was made in a test worker, with the worker pool, a second MkDocs process for
    # the English edition and the run's build cache (which other builds fill). This one is made by the command, cold,
    # in a cache of its own (OUT/cache), rendering charts and workbooks and making both editions in its own process
    # (JUNHENG_WORKERS=0), but for two things made before from the same
    # inputs: the chart font, which only measures text and never reaches the output
    # (test_chart_font_subset_gives_the_same_svg), and vl-convert's Vega bundle, shipped as vl-convert gives it.
    shared = Path(os.environ["JUNHENG_CACHE"])
    seed = tmp_path / "cold" / "cache"
    seed.mkdir(parents=True)
    for made in [shared / "font", *shared.glob("vega-bundle-*.js")]:
        if made.is_dir():
            shutil.copytree(made, seed / made.name)
        elif made.is_file():
            shutil.copy2(made, seed / made.name)
    env = dict(os.environ, JUNHENG_WORKERS="0")
    env.pop("JUNHENG_CACHE")
    r = subprocess.run([*JUNHENG, "build", "--data-dir", str(MINIMAL), "--out", str(tmp_path / "cold")], cwd=ROOT,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert len(list((seed / "svg").glob("*.svg"))) > 10          # its charts were rendered here, not reused
    assert len(list((seed / "jinja").iterdir())) > 40             # and its templates compiled here
    for sub in ("data", "site"):
        a, b = tree_hash(built_minimal[0] / sub), tree_hash(tmp_path / "cold" / sub)
        assert a == b, sorted(k for k in a if a.get(k) != b.get(k))[:5]


@pytest.mark.parametrize("path", ["/etc/hostname", "../towns.csv", "https://example.com/towns.csv", "C:\\towns.csv", "sub/../../x.csv"])
def test_descriptor_paths_cannot_escape_the_data_folder(minimal_copy, path):
    d = json.loads((minimal_copy / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"][1]["path"] = path
    (minimal_copy / "datapackage.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy), "--format", "json"])
    assert r.exit_code == 1
    assert any(f["code"] == "unsafe-path" for f in json.loads(r.output)["findings"])


def test_symlink_out_of_the_folder_is_refused(minimal_copy, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes((minimal_copy / "towns.csv").read_bytes())
    (minimal_copy / "towns.csv").unlink()
    (minimal_copy / "towns.csv").symlink_to(outside)
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)])
    assert r.exit_code == 1 and "链接" in r.output


def test_data_dir_itself_may_be_anywhere(tmp_path):
    import shutil

    elsewhere = tmp_path / "另一个县" / "datasets"
    shutil.copytree(MINIMAL, elsewhere)
    assert CliRunner().invoke(main, ["validate", "--data-dir", str(elsewhere)]).exit_code == 0


def test_huge_file_is_refused_before_reading(minimal_copy):
    big = minimal_copy / "special_rooms.csv"
    with big.open("r+b") as fh:
        fh.truncate(2 * 1024**3 + 5)               # a sparse 2 GB file: nothing is read
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)])
    assert r.exit_code == 1 and "超过单个表格" in r.output and "MB" in r.output


def test_too_many_rows_is_refused(minimal_copy, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 10)
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)])
    assert r.exit_code == 1 and "行的上限" in r.output and "JUNHENG_MAX_ROWS" in r.output


def test_an_unchanged_rebuild_reuses_the_site_and_any_change_rebuilds(minimal_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"

    def build(*extra):
        r = CliRunner().invoke(main, ["build", *extra, "--data-dir", str(minimal_copy), "--out", str(out)])
        assert r.exit_code == 0, r.output
        return r.output

    assert "网站已生成" in build()
    first = tree_hash(out / "site")
    assert "沿用已有网站" in build()                              # nothing changed: reused as it is
    assert tree_hash(out / "site") == first
    (out / "site" / "tasks" / "index.html").write_text("tampered", encoding="utf-8")
    assert not reusable(validate(minimal_copy), out)              # a touched site is not trusted: the next build
    assert "网站已生成" in build()                                # rebuilds it
    assert tree_hash(out / "site") == first                       # and a real rebuild gives the same bytes
    assert reusable(validate(minimal_copy), out)
    called = []
    monkeypatch.setattr("pipeline.site.build", lambda v, o, force=False, engine="mkdocs": called.append(force) or o / "site")
    assert "网站已生成" in build("--force") and called == [True]  # an unchanged site is built again when asked
    levels = minimal_copy / "school_levels.csv"
    text = levels.read_text(encoding="utf-8")
    row = text.splitlines()[1].split(",")
    header = text.splitlines()[0].split(",")
    i = header.index("key_teachers")
    changed = ",".join(row[:i] + [str(int(row[i]) + 1)] + row[i + 1:])
    levels.write_text(text.replace(text.splitlines()[1], changed, 1), encoding="utf-8")
    assert not reusable(validate(minimal_copy), out)              # one changed number: a real rebuild

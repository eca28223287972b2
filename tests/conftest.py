"""Shared fixtures: the repository, the frozen sample and minimal data, and one computed sample.

The tests never depend on what datasets/ holds (a real county replaces it): the illustrative sample is frozen in
tests/fixtures/sample/, and only tests/test_datasets.py looks at datasets/ itself.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the data folder test_datasets.py checks: datasets/ unless JUNHENG_DATASETS names another (test_other_county.py does)
DATASETS = Path(os.environ.get("JUNHENG_DATASETS") or ROOT / "datasets")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
SAMPLE = FIXTURES / "sample"          # the illustrative county as shipped when the tests were written (`make sample`)


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class NoJobs:
    """A worker pool for pages.Site that runs nothing: for tests that read the pages, not the charts' pictures or the
    workbooks (a Site given no pool renders them at once)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future

        return Future()


def read_rows(path: Path) -> list[dict]:
    """A CSV's rows as dicts, by header."""
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict]) -> None:
    """Write rows (dicts with the same keys, the first one's order) as a CSV, as staff files are written."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def edit(folder: Path, name: str, row: int, col: str, value: str) -> None:
    """Set one cell of a CSV; row as a spreadsheet numbers it (header = 1)."""
    path = folder / name
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(col)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# a test repository's commits at a fixed time: the same test makes the same commits on every run, so a build cache
# kept between runs (`make check`) finds the releases it archived from them before
_GIT_TIME = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00+08:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+08:00"}


def git(repo: Path, *args: str) -> None:
    """git in a test repository, as a fixed test author at a fixed time."""
    import subprocess

    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=repo, check=True,
                   capture_output=True, env={**os.environ, **_GIT_TIME})


def data_repo(root: Path, source: Path) -> Path:
    """A git repository at `root` whose first commit ("base", branch main) holds `source` as datasets/; returns it."""
    shutil.copytree(source, root / "datasets")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def kill_at(cmd: list, stage: str, **popen) -> int:
    """Run a junheng command with the fault hook JUNHENG_PAUSE_AT=stage, SIGKILL it there; returns its exit status."""
    import signal
    import subprocess

    env = dict(os.environ, JUNHENG_PAUSE_AT=stage)
    p = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, **popen)
    for line in p.stderr:
        if f"JUNHENG-PAUSED-AT {stage}" in line:
            break
    else:
        pytest.fail(f"the command never reached the checkpoint {stage}")
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    return p.returncode


def set_row(df, where: dict, **values) -> None:
    """Set columns of the one row of a frame that matches `where`."""
    import pandas as pd

    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    assert mask.sum() == 1, (where, mask.sum())
    for k, v in values.items():
        df.loc[mask, k] = v


# modules whose tests are each a slow build of their own and share no costly module fixture: `make check`
# (-n auto --dist loadscope) hands their tests to the workers one by one; every other module goes whole to one worker,
# so its module fixtures are made once
SPREAD = {"test_hardening.py"}


# how long each scope took in the last `make check` (pytest's cache, .pytest_cache/): the workers are handed the longest
# first, so that no worker is left with a long module at the end while the other waits. Only the order changes.
SCOPE_SECONDS = "junheng/scope-seconds"


def _scope(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return nodeid if module.rsplit("/", 1)[-1] in SPREAD else module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """loadscope, with each test of a SPREAD module a scope of its own, the longest scopes of the last run first (xdist's
    documented extension point); scopes the last run did not time go first, by their number of tests, as xdist orders."""
    if config.getoption("dist", "no") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    seconds = config.cache.get(SCOPE_SECONDS, {}) if getattr(config, "cache", None) else {}

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if seconds:
                longest = max(self.workqueue, key=lambda s: seconds.get(s, float("inf")))
                self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

    return Scheduling(config, log)


_TOOK: dict[str, float] = {}     # scope -> seconds of this run, summed in xdist's controller under --dist loadscope


def _timing(config) -> bool:
    return config.getoption("dist", "no") == "loadscope" and not hasattr(config, "workerinput")


def pytest_runtest_logreport(report) -> None:
    """Sum each scope's time (setup, call and teardown); xdist's controller hears every worker's reports."""
    _TOOK[_scope(report.nodeid)] = _TOOK.get(_scope(report.nodeid), 0.0) + report.duration


def pytest_sessionfinish(session) -> None:
    if _timing(session.config) and _TOOK and getattr(session.config, "cache", None):
        cache = session.config.cache
        cache.set(SCOPE_SECONDS, {**cache.get(SCOPE_SECONDS, {}), **{k: round(v, 2) for k, v in sorted(_TOOK.items())}})


def _run_root(tmp_path_factory) -> Path:
    """A folder of this whole run, shared by the xdist workers of `make check`."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _run_lock(tmp_path_factory, name: str):
    """Hold a lock of this whole run: one worker makes a shared thing while the others wait for it."""
    import fcntl

    with open(_run_root(tmp_path_factory) / f"{name}.lock", "w") as fh:      # closing the file releases the lock
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session", autouse=True)
def shared_build_cache(tmp_path_factory):
    """One build cache for the whole run (JUNHENG_CACHE), shared by the xdist workers of `make check`: the many builds
    of the suite render each chart, workbook and font subset once. Entries are keyed by what they are made from, so
    sharing changes no output (test_two_builds_are_byte_identical builds cold, in caches of their own). A run started
    by a test (tests/test_other_county.py) is handed its parent's cache in JUNHENG_TEST_CACHE."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUNHENG_CACHE", os.environ.get("JUNHENG_TEST_CACHE") or str(_run_root(tmp_path_factory) / "junheng-cache"))
        yield


@pytest.fixture(scope="module")
def minimal_tables():
    """The minimal fixture's typed tables, validated once per module."""
    from pipeline.validate import validate

    v = validate(MINIMAL)
    assert v.valid
    return v.tables


@pytest.fixture
def t(minimal_tables):
    """A private copy of the minimal tables, to edit in one test."""
    import copy

    return copy.deepcopy(minimal_tables)


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(MINIMAL, dst)
    return dst


@pytest.fixture(scope="session")
def sample_validated():
    from pipeline.validate import validate

    v = validate(SAMPLE)
    assert v.valid, "the frozen sample must be valid"
    return v


@pytest.fixture(scope="session")
def sample_outputs(sample_validated):
    from pipeline.compute import compute_tables

    return compute_tables(sample_validated.tables)


def _shared_build(tmp_path_factory, name: str, v, pooled: bool = False) -> tuple[Path, Path]:
    """`v` built once for the whole run into a folder of the run (the first worker builds, the others wait and reuse
    it as an unchanged rebuild): (out, site). Tests read it and never change it; copy it (`copy_build`) to change it.

    `pooled`: built as `junheng build` builds by default, with worker processes (a pool for the charts and workbooks, a
    second MkDocs process for the English edition), even where the run asks the builds for none (JUNHENG_WORKERS=0, as
    `make check` does, its test workers using every core already)."""
    from pipeline.site import build

    out = _run_root(tmp_path_factory) / name
    with pytest.MonkeyPatch.context() as mp, _run_lock(tmp_path_factory, name):
        if pooled:
            mp.setenv("JUNHENG_WORKERS", "2")
        site = build(v, out)
    return out, site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, sample_validated):
    """The frozen sample built once into a temporary folder: (out, site)."""
    return _shared_build(tmp_path_factory, "sample-build", sample_validated)


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory):
    """The minimal fixture built once (`junheng build --data-dir tests/fixtures/minimal`): (out, site). Built with worker
    processes: test_two_builds_are_byte_identical compares it with a build made without them."""
    from pipeline.validate import validate

    return _shared_build(tmp_path_factory, "minimal-build", validate(MINIMAL), pooled=True)


def copy_build(built: tuple[Path, Path], dst: Path) -> Path:
    """A private copy of a shared build's output folder (site, data, source and the build's stamp), to change."""
    out, _ = built
    shutil.copytree(out, dst, ignore=shutil.ignore_patterns(".staging-*", ".*-old"))
    return dst


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site served on localhost (a real HTTP server, as a static host would)."""
    from pipeline.site.serve import serve_in_background

    _, site = built_site
    httpd, url = serve_in_background(site)
    yield url
    httpd.shutdown()


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("JUNHENG_CHROMIUM") or shutil.which("chromium")
    assert exe, "Debian's chromium is required for the browser tests: apt-get install chromium (.ci/run installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()

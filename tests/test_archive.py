"""The release archive: every release rebuilt from the commit that first listed it, never altered by later data,
and the corrections a later release made to published figures listed in the changelog and the feed.

The repository is made here: release 2025.1 (2024 data) is committed; then a school's 2024 figure is corrected and
release 2026.1 added, in a second commit. The archived files of 2025.1 must stay byte for byte as they were.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import zipfile
from pathlib import Path

import pytest

from conftest import MINIMAL, data_repo, git, read_rows, write_rows
from pipeline import archive
from pipeline.compute import compute_tables
from pipeline.site import build
from pipeline.site.context import make_state
from pipeline.site.pages import Site
from pipeline.validate import validate


class _Warnings(logging.Handler):
    """What the site generator warns about while it builds (MkDocs logs under "mkdocs")."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record):
        self.seen.append(record.getMessage())


@contextlib.contextmanager
def _watching(logger: str):
    handler = _Warnings()
    logging.getLogger(logger).addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger(logger).removeHandler(handler)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp, _watching("mkdocs") as warned:
        mp.setenv("JUNHENG_WORKERS", "0")        # both editions made here, so the warnings of both are seen
        yield (*_two_releases(tmp_path_factory), warned.seen)


def _two_releases(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(MINIMAL, root / "src")
    releases = read_rows(root / "src" / "releases.csv")
    write_rows(root / "src" / "releases.csv", [r for r in releases if r["release"] != "2026.1"])
    repo = data_repo(root / "repo", root / "src")          # its first commit publishes up to 2025.1
    data = repo / "datasets"
    first = build(validate(data), root / "out1")
    before = {p.relative_to(first).as_posix(): p.read_bytes() for p in (first / "releases" / "2025.1").iterdir() if p.is_file()}
    # a correction of a 2024 figure (published in 2025.1), and the next release saying why
    levels = read_rows(data / "school_levels.csv")
    row = next(r for r in levels if r["year"] == "2024" and r["level"] == "小学")
    row["key_teachers"] = "0"
    write_rows(data / "school_levels.csv", levels)
    write_rows(data / "releases.csv", releases[:-1] + [dict(releases[-1], summary="发布 2025 年度数据；更正 2024 年骨干教师数（原报表录入有误）。")])
    git(repo, "commit", "-qam", "release 2026.1 with a correction")
    second = build(validate(data), root / "out2")
    return first, second, before, row["school_id"]


def test_each_release_has_a_permanent_page_and_downloads(two_releases):
    _, site, _, _, _ = two_releases
    for version in ("2025.1", "2026.1"):
        page = (site / "releases" / version / "index.html").read_text(encoding="utf-8")
        assert f"数据版本 {version}" in page and "当前版本" in page
        for name in ("datapackage.json", "verdict.csv", "county_items.csv", "balance.csv", "school_verdicts.csv",
                     f"junheng-data-{version}.zip"):
            assert (site / "releases" / version / name).is_file(), (version, name)
    old = (site / "releases" / "2025.1" / "index.html").read_text(encoding="utf-8")
    assert "这是存档版本" in old and "releases/2026.1/" in old          # says which release is current
    index = (site / "releases" / "index.html").read_text(encoding="utf-8")
    assert "2025.1" in index and "2026.1" in index
    assert "releases/" in (site / "changelog" / "index.html").read_text(encoding="utf-8")     # the current site links it


def test_the_site_generator_finds_every_link_of_the_release_pages(two_releases):
    # MkDocs checks each Markdown link to a file against the documentation's files and warns of any it cannot find;
    # a clerk running `junheng build` reads those warnings as errors. Both builds, both editions, none to give.
    *_, warned = two_releases
    assert warned == []


def test_a_later_data_change_never_alters_an_archived_release(two_releases):
    _, site, before, _, _ = two_releases
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "releases" / "2025.1").iterdir() if p.is_file()}
    files = {k: v for k, v in after.items() if not k.endswith("index.html")}
    assert files and files == {k: v for k, v in before.items() if not k.endswith("index.html")}
    with zipfile.ZipFile(io.BytesIO(files["releases/2025.1/junheng-data-2025.1.zip"])) as z:
        levels = z.read("inputs/school_levels.csv").decode("utf-8")
        assert {r["year"] for r in csv.DictReader(io.StringIO(levels))} <= {"2024"}       # nothing after its data year


def test_the_correction_is_listed_old_to_new_with_its_reason(two_releases):
    _, site, _, school, _ = two_releases
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "更正" in changelog and "2025.1" in changelog and "→" in changelog
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "更正：" in feed and "→" in feed
    index = (site / "releases" / "index.html").read_text(encoding="utf-8")
    assert "原报表录入有误" in index and "R2" in index
    assert "学校指标数值" in index          # the value itself, old and new, beside the flipped verdicts


def _release_pages(v) -> tuple[dict, dict]:
    """The Chinese pages (Markdown) and other files the build writes for V's archive, before the site generator runs
    (the two_releases tests above check the generated site)."""
    cache = Path(os.environ["JUNHENG_CACHE"])
    state = make_state(v, compute_tables(v.tables), cache / "svg")
    state.archive = archive.rebuild(v, cache)
    return Site(state).build(), state.extra_files


def test_outside_git_the_archive_says_why_it_is_empty(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "data")
    pages, files = _release_pages(validate(tmp_path / "data"))
    assert "不在 git 仓库中" in pages["releases/2026.1.md"]
    assert not [f for f in files if f.startswith("releases/")]


def test_a_recorded_commit_is_used_and_an_older_file_may_lack_the_column(tmp_path):
    import subprocess

    import shutil

    shutil.copytree(MINIMAL, tmp_path / "src")
    write_rows(tmp_path / "src" / "releases.csv", [{k: v for k, v in r.items() if k != "commit"}
                                                for r in read_rows(tmp_path / "src" / "releases.csv")])
    repo = data_repo(tmp_path / "repo", tmp_path / "src")    # releases.csv without the commit column: still valid
    data = repo / "datasets"
    assert "commit" not in (data / "releases.csv").read_text(encoding="utf-8") and validate(data).valid
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    rows = read_rows(data / "releases.csv")
    for r in rows:
        r["commit"] = base[:12] if r["release"] != "2022.1" else "deadbeef0000"
    write_rows(data / "releases.csv", rows)
    git(repo, "commit", "-qam", "record the commits")
    pages, files = _release_pages(validate(data))
    assert base[:12] in pages["releases/2025.1.md"] and "releases/2025.1/verdict.csv" in files
    assert "无法取出提交" in pages["releases/2022.1.md"] and "releases/2022.1/verdict.csv" not in files

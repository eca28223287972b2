"""`junheng diff` on a temporary git repository with two commits: a flipped verdict, a moved CV, an unchanged case."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, data_repo, git
from pipeline import inert
from pipeline.cli import main


def set_cell(path, match: dict, col: str, value: str):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    h = rows[0]
    hits = 0
    for r in rows[1:]:
        if all(r[h.index(k)] == v for k, v in match.items()):
            r[h.index(col)] = value
            hits += 1
    assert hits == 1
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


@pytest.fixture
def repo(tmp_path):
    r = data_repo(tmp_path / "repo", MINIMAL)
    # the second commit: 索镇实验学校 (primary part) loses key teachers in 2025 (R2 fails → its verdict flips, the R2 CV moves)
    set_cell(r / "datasets" / "school_levels.csv", {"year": "2025", "school_id": "2137032109", "level": "小学"}, "key_teachers", "5")
    git(r, "commit", "-qam", "fewer key teachers")
    return r


def run(repo, *args):
    return CliRunner().invoke(main, ["diff", "--data-dir", str(repo / "datasets"), *args])


def test_flip_and_moved_cv(repo):
    r = run(repo, "--base", "HEAD~1", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert any(f["kind"] == "学校指标" and "R2" in f["what"] and f["before"] == "达标" and f["after"] == "未达标" for f in d["flips"])
    assert any(f["kind"] == "学校达标" and "索镇实验学校" in f["what"] for f in d["flips"])
    assert any(c["what"] == "小学 R2" and c["year"] == 2025 and c["before"] != c["after"] for c in d["cvs"])
    assert len(d["rows"]) == 1 and d["rows"][0]["key"] == "2025 / 2137032109 / 小学" and d["rows"][0]["columns"].endswith("→ 5")


def test_unchanged_case(repo):
    r = run(repo, "--base", "HEAD")
    assert r.exit_code == 0 and "没有变化" in r.output


def test_default_base_is_main(repo):
    git(repo, "checkout", "-qb", "topic")
    set_cell(repo / "datasets" / "school_levels.csv", {"year": "2025", "school_id": "2137032109", "level": "小学"}, "key_teachers", "4")
    r = run(repo, "--format", "markdown")
    assert r.exit_code == 0 and "与 main 比较" in r.output and inert.md("key_teachers: 5 → 4") in r.output


def test_markdown_summary_names_the_flip(repo):
    md = run(repo, "--base", "HEAD~1", "--format", "markdown").output
    assert "#### 结论变化" in md and "索镇实验学校" in md and "**未达标**" in md and "#### 差异系数的变化" in md


def test_bad_revision_is_a_usage_error(repo):
    r = run(repo, "--base", "no-such-rev")
    assert r.exit_code == 2 and "no-such-rev" in r.output and "Traceback" not in r.output


def test_invalid_working_tree_exits_1(repo):
    (repo / "datasets" / "towns.csv").write_text("", encoding="utf-8")
    r = run(repo, "--base", "HEAD")
    assert r.exit_code == 1 and "towns.csv" in r.output

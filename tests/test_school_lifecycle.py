"""A school closed before the data's year (schools.csv closed_year) or opening after it (opened_year) is not counted
as one of the year's schools, says why on its page and in the lists, and its remediation items are never called
closable, nor shown as met, on data the year does not have."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from conftest import MINIMAL, NoJobs, read_rows, write_rows


def _text(markdown: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markdown)))


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    """The minimal data with one primary school closed after the year before the last (its last year's rows taken
    out) and one new school opening the year after the last: the pages of both editions, and what was changed."""
    from pipeline.compute import compute_tables
    from pipeline.site.context import make_state
    from pipeline.site.pages import Site
    from pipeline.validate import validate

    data = tmp_path_factory.mktemp("lifecycle") / "data"
    shutil.copytree(MINIMAL, data)
    levels = read_rows(data / "school_levels.csv")
    year = max(int(r["year"]) for r in levels)
    ledger = {r["school_id"] for r in read_rows(data / "remediation.csv")}
    schools = read_rows(data / "schools.csv")
    only_primary = {r["school_id"] for r in levels if r["level"] == "小学"} - {r["school_id"] for r in levels if r["level"] != "小学"}
    closed = next(r for r in schools if r["school_type"] == "小学" and r["school_id"] in ledger & only_primary
                  and not any(s["parent_school_id"] == r["school_id"] for s in schools))
    closed["closed_year"] = str(year - 1)
    new = dict(schools[0], school_id="2137039999", school_name="新建第九小学（示例）", opened_year=str(year + 1), closed_year="")
    write_rows(data / "schools.csv", [*schools, new])
    for name in ("school_levels.csv", "school_facilities.csv", "school_finance.csv", "special_rooms.csv"):
        rows = read_rows(data / name)
        write_rows(data / name, [r for r in rows if not (r["school_id"] == closed["school_id"] and r["year"] == str(year))])
    v = validate(data)
    assert v.valid, [f.sentence() for f in v.report.errors][:5]
    outputs = compute_tables(v.tables)
    pages = {lang: Site(make_state(v, outputs, None), pool=NoJobs(), lang=lang).build() for lang in ("zh", "en")}
    town_code = next(r["town_code"] for r in read_rows(data / "towns.csv") if r["town_name"] == closed["town"])
    return dict(pages=pages, outputs=outputs, year=year, closed=closed, new=new, town=town_code, schools=len(schools) + 1)


def test_a_closed_school_says_so_and_is_not_counted(lifecycle):
    zh, en, year, closed = lifecycle["pages"]["zh"], lifecycle["pages"]["en"], lifecycle["year"], lifecycle["closed"]
    sid = closed["school_id"]
    page = _text(zh[f"schools/{sid}.md"])
    assert f"已撤并（最后有在校生的年份：{year - 1} 年）" in page and f"本校不在 {year} 年的数据中" in page
    assert f"Closed (last students in {year - 1})" in _text(en[f"schools/{sid}.md"])
    listing = _text(zh["schools/index.md"])
    assert f"全县 {lifecycle['schools'] - 2} 所学校" in listing and "表中另列 2 所已撤并或尚未开办的学校" in listing
    assert "已撤并（最后有在校生的年份" in listing and f"尚未开办（{year + 1} 年开办）" in listing
    assert f"not yet open (opens in {year + 1})" in _text(en["schools/index.md"])
    town = _text(zh[f"towns/{lifecycle['town']}.md"])
    shown = int(re.search(r"共有 (\d+) 所学校", town).group(1))
    listed, gone = town.count("（示例）"), town.count("已撤并") + town.count("尚未开办")
    assert gone >= 1 and listed - gone == shown           # every school of the town listed; the closed one not counted
    assert "已撤并" in town and "不参加资源配置计算" not in town.split(closed["school_name"])[1][:40]


def test_a_closed_schools_remediation_items_are_not_checked_against_data_it_has_not(lifecycle):
    lc = lifecycle["outputs"]["ledger_checks"]
    mine = lc[lc["school_id"] == lifecycle["closed"]["school_id"]]
    assert len(mine) >= 1
    assert not (mine["check"] == "可销号").any()
    assert mine["detail"].str.contains("无法核对").all() and mine["detail_en"].str.contains("cannot be checked").all()
    page = lifecycle["pages"]["zh"][f"schools/{lifecycle['closed']['school_id']}.md"]
    cells = re.findall(r'<td data-label="核对">(.*?)</td>', page)
    assert len(cells) == len(mine)
    assert all(">达标<" not in c and "jh-status--ok" not in c or "已完成" in c for c in cells), cells


def test_a_remediation_items_check_is_never_shown_as_met(built_site):
    """On every school page the check of a remediation item is named in the ledger's own words (on track, overdue, can
    be closed…), never as 达标: an item in progress is often for an indicator still below its threshold."""
    _, site = built_site
    words = {"正常", "逾期", "可销号", "已销号但未达标", "未建台账"}
    seen = set()
    for page in sorted((site / "schools").glob("*/index.html")):
        for cell in re.findall(r'data-label="核对">(.*?)</td>', page.read_text(encoding="utf-8"), re.S):
            badge = re.search(r'<span class="jh-status jh-status--(\w+)">(.*?)</span>', cell)
            assert badge and badge.group(2) in words, (page, cell)
            seen.add(badge.group(2))
            if badge.group(2) == "逾期":
                assert badge.group(1) == "bad", (page, cell)
    assert {"正常", "逾期"} <= seen

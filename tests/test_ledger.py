"""The remediation ledger (整改台账): drafts, the four consistency checks, the progress watch, pages and CLI."""

from __future__ import annotations

import copy
import csv

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import MINIMAL
from pipeline.cli import main
from pipeline.compute import compute_tables
from pipeline.indicators.ledger import as_of, checks, draft, failing, watch
from pipeline.schemas import load
from pipeline.validate import validate

KEY = ["school_id", "level", "item_id"]


@pytest.fixture(scope="module")
def base():
    v = validate(MINIMAL)
    assert v.valid
    return v.tables, compute_tables(v.tables)


def keys(df):
    return set(map(tuple, df[KEY].astype(str).to_numpy().tolist()))


def test_draft_is_one_row_per_failing_item_without_an_open_item(base):
    t, o = base
    t = copy.deepcopy(t)
    t["remediation"] = t["remediation"].iloc[0:0]
    f = failing(o, 2025)
    d = draft(t, o, 2025)
    assert len(d) == len(f) > 0 and keys(d) == keys(f)
    assert list(d.columns) == load("remediation").names
    assert d["item_no"].is_unique and d["item_no"].str.fullmatch(r"ZG-2025-\d{3}").all()
    assert (d["status"] == "未开始").all() and (d["measure"] == "").all()
    r5 = d[d["item_id"] == "R5"].iloc[0]
    assert r5["gap_unit"] == "平方米" and r5["gap_at_open"] > 0
    # an open item for one of them: that one is not drafted again; a finished one is
    one = d.iloc[[0]].assign(status="整改中", measure="x", departments="县教育体育局", due="2026-12-31")
    t["remediation"] = one
    assert keys(draft(t, o, 2025)) == keys(f) - keys(one)
    t["remediation"] = one.assign(status="已完成", done_on="2025-01-01")
    assert keys(draft(t, o, 2025)) == keys(f)


def _item(row: dict, **kw) -> pd.DataFrame:
    base = dict(item_no="ZG-2024-900", opened_year=2024, town="索镇街道", problem="p", measure="m", gap_at_open=1.0, gap_unit="",
                departments="县教育体育局", planned_investment_yuan=None, due="2030-12-31", status="整改中", done_on=None, evidence_url=None)
    return pd.DataFrame([{**base, **row, **kw}])


def test_the_four_consistency_statuses(base):
    t, o = base
    t = copy.deepcopy(t)
    f = failing(o, 2025)
    fail = f[f["item_id"].str.startswith("R")].iloc[0]
    si = o["school_indicators"]
    ok = si[(si["year"] == 2025) & (si["profile"] == "county") & si["meets"]].iloc[0]
    ok_key = dict(school_id=ok["school_id"], level=ok["level"], item_id=ok["indicator_id"])
    fail_key = dict(school_id=fail["school_id"], level=fail["level"], item_id=fail["item_id"])
    today = as_of(t)
    t["remediation"] = pd.concat([
        _item(fail_key, item_no="ZG-2024-901", due="2024-06-30"),                                   # open, past due, failing → 逾期
        _item(fail_key, item_no="ZG-2024-902", status="已完成", done_on="2024-06-30"),                # done, still failing
        _item(ok_key, item_no="ZG-2024-903"),                                                       # open, but met now
        _item(fail_key, item_no="ZG-2024-904", due="2099-12-31"),                                   # open, failing, not yet due
    ], ignore_index=True)
    c = checks(t, o, 2025).set_index("item_no", drop=False)
    assert today == "2026-03-31"
    assert c.at["ZG-2024-901", "check"] == "逾期"
    assert c.at["ZG-2024-902", "check"] == "已销号但未达标"
    assert c.at["ZG-2024-903", "check"] == "可销号" and c.at["ZG-2024-903", "gap_now"] == 0
    assert c.at["ZG-2024-904", "check"] == "正常" and c.at["ZG-2024-904", "gap_now"] > 0
    no = checks(t, o, 2025)
    no = no[no["check"] == "未建台账"]
    assert keys(no) == keys(f) - {tuple(str(fail_key[k]) for k in KEY)}
    assert no["item_no"].isna().all() and (no["detail"].str.contains("junheng ledger")).all()


def _watch(values: list[tuple[int, float]], threshold=1.0) -> pd.DataFrame:
    rows = [dict(year=y, profile="county", school_id="2137030001", level="小学", indicator_id="R2", value=v, threshold=threshold,
                 meets=v >= threshold, gap=0, gap_unit="", ratio=v / threshold, students=100) for y, v in values]
    o = {"school_indicators": pd.DataFrame(rows)}
    t = {"schools": pd.DataFrame({"school_id": ["2137030001"], "town": ["某镇"]})}
    w = watch(t, o)
    return w[w["kind"] == "学校指标"]


def test_two_years_without_improvement_boundaries():
    assert _watch([(2021, 0.5)]).empty                                          # one year failing: no flag
    assert _watch([(2021, 0.5), (2022, 0.6)]).empty                             # two years, improving: no flag
    w = _watch([(2021, 0.5), (2022, 0.5)])                                      # two years, not improving: flag
    assert len(w) == 1 and w.iloc[0]["years_failing"] == 2 and "不高于上一年" in w.iloc[0]["reason"]
    assert len(_watch([(2021, 0.5), (2022, 0.4)])) == 1                         # worse: flag
    assert _watch([(2021, 0.5), (2022, 1.0), (2023, 0.5)]).empty                # met in between: the run restarts
    assert _watch([(2021, 0.5), (2023, 0.4)]).empty                             # not consecutive years
    w = _watch([(2021, 0.5), (2022, 0.5), (2023, 0.5)])
    assert list(w["years_failing"]) == [2, 3]


def test_towns_are_ranked_by_gaps_closed(base):
    t, o = base
    w = watch(t, o)
    towns = w[(w["kind"] == "镇街") & (w["year"] == 2025)].sort_values("rank")
    assert len(towns) == t["towns"]["town_name"].nunique()
    assert towns["gaps_closed"].is_monotonic_decreasing and towns["rank"].iloc[0] == 1


def test_every_failing_item_of_the_sample_is_in_the_ledger_or_drafted(sample_validated, sample_outputs):
    t, o = sample_validated.tables, sample_outputs
    year = int(t["school_levels"]["year"].max())
    f = keys(failing(o, year))
    assert f
    assert f <= keys(t["remediation"]) | keys(draft(t, o, year))
    c = o["ledger_checks"]
    assert {"逾期", "已销号但未达标", "可销号", "正常"} <= set(c["check"])


def test_ledger_cli_writes_csv_and_xlsx(tmp_path):
    r = CliRunner().invoke(main, ["ledger", "--data-dir", str(MINIMAL), "--year", "2025", "--out", str(tmp_path / "d.csv")])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8")))
    assert rows and list(rows[0].keys()) == load("remediation").names
    r = CliRunner().invoke(main, ["ledger", "--data-dir", str(MINIMAL), "--year", "2024", "--out", str(tmp_path / "d.xlsx")])
    assert r.exit_code == 0, r.output
    wb = load_workbook(tmp_path / "d.xlsx")
    ws = wb[wb.sheetnames[1]]
    assert ws["A2"].value == "item_no" and ws["A3"].value.startswith("ZG-2024-")
    assert CliRunner().invoke(main, ["ledger", "--data-dir", str(MINIMAL), "--year", "1999"]).exit_code == 2


def test_pages_show_the_ledger(built_site):
    _, site = built_site
    html = (site / "ledger/index.html").read_text(encoding="utf-8")
    overdue = html.split('id="逾期"')[1].split("<h2")[0]
    assert "<tbody>" in overdue and "已过" in overdue
    assert "已销号但未达标" in html and "按责任部门" in html and "进展预警" in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "项未完成" in home and "逾期" in home
    school = (site / "schools/2137032101/index.html").read_text(encoding="utf-8")
    assert "整改事项" in school and "ZG-2021-" in school
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "立项" in feed and "销号" in feed


def test_draft_takes_departments_from_the_plans_tasks():
    """No department is written in code: each item's come from the tasks whose `items` name it (tasks.csv)."""
    import pandas as pd

    from conftest import MINIMAL
    from pipeline.compute import compute_tables
    from pipeline.indicators.ledger import departments, draft
    from pipeline.validate import validate

    tasks = pd.DataFrame(dict(task_id=[2, 1, 3], departments=["乙局、甲局", "甲局、丙办", "丁委"], items=["R4 G3", "R4", "Q4"]))
    assert departments(tasks) == {"R4": "甲局、丙办、乙局", "G3": "乙局、甲局", "Q4": "丁委"}
    t = validate(MINIMAL).tables
    t["tasks"] = t["tasks"].assign(departments="某某县测试局、某某镇政府")
    out = compute_tables(t)
    year = int(out["school_indicators"]["year"].max())
    d = draft(t, out, year)
    named = set(" ".join(t["tasks"]["items"].astype(str)).split())
    assert len(d) and set(d.loc[d["item_id"].isin(named), "departments"]) == {"某某县测试局、某某镇政府"}
    assert set(d.loc[~d["item_id"].isin(named), "departments"]) <= {""}

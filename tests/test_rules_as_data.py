"""Every threshold, count and weight a page states comes from standards.csv: change them in a copy of the data and
the engine, every page that states them and the charts follow (issue 14, §3)."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

from conftest import MINIMAL

NEW = {  # rule (both profiles) -> a value no page or chart would print by itself
    ("P.min_met", "全部"): "5", ("P.floor", "全部"): "0.8", ("CV", "小学"): "0.42", ("CV", "初中"): "0.41",
    ("P.tp_cutoff", "全部"): "40", ("P.w_junior", "全部"): "1.25", ("P.w_senior", "全部"): "1.5",
    ("P.w_senior_complete", "全部"): "1.3", ("Q9.diff", "全部"): "0.12", ("S1", "全部"): "88", ("S1.confidence", "全部"): "0.9",
}


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    from pipeline.compute import compute_tables
    from pipeline.site import build
    from pipeline.validate import validate

    root = tmp_path_factory.mktemp("rules")
    data = root / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "standards.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    hit = set()
    for r in rows:
        key = (r["rule_id"], r["level"])
        if key in NEW:
            r["threshold"] = NEW[key]
            hit.add(key)
    assert hit == set(NEW)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    v = validate(data)
    assert v.valid, [f.sentence() for f in v.report.errors][:3]
    return v, compute_tables(v.tables), build(v, root / "out")


def _page(site, path):
    return (site / path / "index.html").read_text(encoding="utf-8") if path else (site / "index.html").read_text(encoding="utf-8")


def test_the_engine_follows(changed):
    v, out, _ = changed
    b = out["balance"][out["balance"]["profile"] == "national"]
    assert set(b.loc[b["level"] == "小学", "threshold"]) == {0.42} and set(b.loc[b["level"] == "初中", "threshold"]) == {0.41}
    u = out["school_units"]
    u = u[(u["profile"] == "national") & (u["school_id"] == "2137032109") & (u["year"] == 2025)].set_index("level")
    lv = v.tables["school_levels"]
    n = lv[(lv["school_id"] == "2137032109") & (lv["year"] == 2025)].set_index("level")["students"]
    assert u.loc["小学", "share"] == pytest.approx(n["小学"] / (n["小学"] + 1.25 * n["初中"]))
    sv = out["school_verdicts"]
    assert set(sv.loc[sv["profile"] == "national", "reason"].str.extract(r"要求至少 (\d) 项")[0].dropna()) <= {"5"}
    s1 = out["county_items"]
    s1 = s1[(s1["item_id"] == "S1") & (s1["profile"] == "national")]
    assert set(s1["threshold"]) == {88.0} and "90% 置信区间" in s1["evidence"].iloc[-1]


def test_every_page_that_states_a_rule_follows(changed):
    _, _, site = changed
    resources, home, method = _page(site, "resources"), _page(site, ""), _page(site, "method")
    r4, sat = _page(site, "resources/R4"), _page(site, "satisfaction")
    assert "至少 5 项" in resources and "80%" in resources and "0.42" in resources and "0.41" in resources and "不足 40 人" in resources
    assert "至少 6 项" not in resources and "不足 50 人" not in resources
    assert not any(t in resources for t in ("不超过 0.50", "不超过 0.45", "≤ 0.50", "≤ 0.45"))
    assert "至少 5 项" in home and "80%" in home and "至少 6 项" not in home and "85%" not in home
    assert "1.25B" in method and "1.5C" in method and "1.3C" in method and "至少 5 项" in method
    assert "1.32C" not in method and "1.1B" not in method
    assert "初中 1.25 : 高中 1.5" in r4 and "高中 1.3" in r4 and "1.32" not in r4
    assert "≥ 88" in sat and "90% 置信区间" in sat and "95%" not in sat


def test_the_school_trend_chart_draws_the_floor_from_the_data(changed):
    _, _, site = changed
    page = next(p for p in sorted((site / "schools").glob("*/index.html")) if 'id="chart-school-' in p.read_text(encoding="utf-8"))
    specs = [json.loads(m) for m in re.findall(r'id="chart-school-[^"]*".*?<script type="application/json">(.*?)</script>',
                                              page.read_text(encoding="utf-8"), re.S)]
    assert specs
    for spec in specs:
        floors = [row["p"] for data in spec["datasets"].values() for row in data if "p" in row]
        assert sorted(floors) == [80.0, 100]


def test_validation_accepts_exactly_the_rules_the_engine_reads(monkeypatch, sample_validated):
    """pipeline/indicators/known.py, which validation checks standards.csv against, names every rule the engine reads
    besides the items judged on evidence, and no other: a rule it missed would be refused though computed, a rule it
    named that the engine never reads would be accepted and silently do nothing."""
    from pipeline.compute import compute_tables
    from pipeline.indicators import known
    from pipeline.indicators.rules import Rules
    from pipeline.validate import validate

    read = set()
    for name in ("get", "need", "levels_of", "param"):
        original = getattr(Rules, name)
        monkeypatch.setattr(Rules, name, lambda self, rid, *a, _f=original, **k: read.add(rid) or _f(self, rid, *a, **k))
    judged = set()
    for v in (sample_validated, validate(MINIMAL)):
        compute_tables(v.tables)
        st = v.tables["standards"]
        judged |= set(st[st["comparator"] == "judged"]["rule_id"])
        assert all(known.problem(r.rule_id, r.comparator) is None for r in st.itertuples())
    assert read - judged == set(known.COMPUTED)
    # each computed rule that is not an item of its own is asked for by validation: always, or with the item that reads it
    # (tests/test_validate_domain.py drops each and sees the engine fail without it)
    parts = {r for r in known.COMPUTED if not known.JUDGED_ITEM.fullmatch(r)}
    assert parts == {r for r in known.ALWAYS if not known.JUDGED_ITEM.fullmatch(r)} | {n for ns in known.NEEDS.values() for n in ns}
    assert set(known.JUDGED_PARTS) <= judged and all(known.JUDGED_ITEM.fullmatch(j) for j in judged - set(known.JUDGED_PARTS))

"""Verdicts exact at every edge: a value equal to its threshold in decimal arithmetic meets it, and pages show the side.

The cases are built by hand so that the exact value is known: a 九年一贯制 school with 263 primary and 670 junior
students has 263 + 1.1 × 670 = 1000 weighted students, so its primary part gets 263/1000 of every shared resource and
4,500 m² of teaching rooms give exactly 4.5 m² a primary student, which binary floating point computes as
4.499999999999999.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from conftest import set_row as _set
from pipeline.compute import compute_tables
from pipeline.indicators import exact
from pipeline.indicators.balance import balance
from pipeline.indicators.rules import Rules

NINE, TWELVE, COMPLETE = "2137032109", "2137032112", "2137032110"


def _school(t, sid, students: dict, *, above=30, key=10, arts=10, aux, indoor=0.0, ground, equip, mm, year=2025):
    for level, n in students.items():
        _set(t["school_levels"], dict(year=year, school_id=sid, level=level), students=n, teachers_above_degree=above,
             key_teachers=key, pe_arts_teachers=arts)
    _set(t["school_facilities"], dict(year=year, school_id=sid), teaching_aux_area_m2=aux, indoor_sports_area_m2=indoor,
         sports_ground_area_m2=ground, equipment_value_yuan=equip, multimedia_classrooms=mm)


def _rows(out, sid, level, profile="national", year=2025):
    si = out["school_indicators"]
    r = si[(si["school_id"] == sid) & (si["level"] == level) & (si["profile"] == profile) & (si["year"] == year)]
    sv = out["school_verdicts"]
    v = sv[(sv["school_id"] == sid) & (sv["level"] == level) & (sv["profile"] == profile) & (sv["year"] == year)]
    assert len(r) == 7 and len(v) == 1
    return r.set_index("indicator_id"), v.iloc[0]


def test_the_float_arithmetic_really_misses_the_threshold():
    # the premise of this file: without the exact path the school fails R4, R6 and R7
    share = 263 / (263 + 1.1 * 670)
    assert 4500 * share / 263 < 4.5 and 2_000_000 * share / 263 < 2000 and 23 * share * 100 / 263 < 2.3


def test_nine_year_primary_part_exactly_at_r4_r6_r7_meets_all_seven(t):
    _school(t, NINE, {"小学": 263, "初中": 670}, aux=4500.0, ground=7500.0, equip=2_000_000.0, mm=23)
    rows, verdict = _rows(compute_tables(t), NINE, "小学")
    assert rows.loc["R4", "value"] == 4.5 and rows.loc["R6", "value"] == 2000.0 and rows.loc["R7", "value"] == 2.3
    assert rows["meets"].all() and rows["gap"].eq(0).all()
    assert verdict["indicators_met"] == 7 and verdict["meets"]


def test_one_square_centimetre_short_fails(t):
    _school(t, NINE, {"小学": 263, "初中": 670}, aux=4499.99, ground=7500.0, equip=2_000_000.0, mm=23)
    rows, _ = _rows(compute_tables(t), NINE, "小学")
    assert not rows.loc["R4", "meets"]
    assert rows.loc["R4", "value"] == pytest.approx(4.49999, abs=1e-12)
    assert exact.shown(rows.loc["R4", "value"], 4.5) == "4.49999"        # never "4.50" beside 未达标


def test_twelve_year_primary_part_exact(t):
    # 824 + 1.1 × 100 + 1.32 × 50 = 1000 weighted students
    _school(t, TWELVE, {"小学": 824, "初中": 100, "高中": 50}, above=40, key=10, arts=10,
            aux=4500.0, ground=7500.0, equip=2_000_000.0, mm=23)
    rows, verdict = _rows(compute_tables(t), TWELVE, "小学")
    assert rows.loc[["R4", "R6", "R7"], "value"].tolist() == [4.5, 2000.0, 2.3]
    assert rows["meets"].all() and verdict["meets"]


def test_complete_secondary_junior_part_exact(t):
    # junior 400 : senior 1.2 × 500 = 1000 weighted students; the junior part gets 400/1000
    _school(t, COMPLETE, {"初中": 400, "高中": 500}, aux=5800.0, ground=10200.0, equip=2_500_000.0, mm=24)
    rows, verdict = _rows(compute_tables(t), COMPLETE, "初中")
    assert rows.loc[["R4", "R5", "R6", "R7"], "value"].tolist() == [5.8, 10.2, 2500.0, 2.4]
    assert rows["meets"].all() and verdict["meets"]


def test_a_ratio_exactly_at_the_85_percent_floor_passes(t):
    # R6 = 1,700,000 × 263/1000 ÷ 263 = 1700 = 85% of 2000 exactly; the other six are met
    _school(t, NINE, {"小学": 263, "初中": 670}, aux=4500.0, ground=7500.0, equip=1_700_000.0, mm=23)
    rows, verdict = _rows(compute_tables(t), NINE, "小学")
    assert not rows.loc["R6", "meets"] and verdict["indicators_met"] == 6
    assert verdict["meets"], verdict["reason"]
    _school(t, NINE, {"小学": 263, "初中": 670}, aux=4500.0, ground=7500.0, equip=1_699_999.0, mm=23)
    assert not _rows(compute_tables(t), NINE, "小学")[1]["meets"]


def _units(values, students=(100, 100)):
    return pd.DataFrame(dict(year=2025, profile="national", level="小学", school_id=["a", "b"][: len(values)],
                             students=list(students), **{f"R{i}": list(values) for i in range(1, 8)}))


def test_a_cv_exactly_at_the_limit_meets(minimal_tables):
    rules = Rules(minimal_tables["standards"])
    limit = rules.need("CV", "national", "小学").threshold
    # two equal units at m·(1 − L) and m·(1 + L): the weighted CV is exactly L
    m = Fraction(1, 5)
    lo, hi = m * (1 - exact.dec(limit)), m * (1 + exact.dec(limit))
    floats = [float(lo), float(hi)]
    bl, _ = balance(_units(floats), rules, lambda r, ind, p: lo if r.school_id == "a" else hi)
    row = bl[(bl["indicator_id"] == "R1") & (bl["profile"] == "national")].iloc[0]
    assert row["meets"] and row["status"] == "达标" and row["cv"] == limit
    # a hair above the limit fails
    hi2 = hi + Fraction(1, 10**12)
    bl, _ = balance(_units([float(lo), float(hi2)]), rules, lambda r, ind, p: lo if r.school_id == "a" else hi2)
    assert bl[bl["profile"] == "national"].iloc[0]["status"] == "未达标"


@pytest.mark.parametrize("value,threshold,expected", [
    (0.5004, 0.50, "0.5004"), (0.49996, 0.5, "0.49996"), (0.5, 0.5, "0.50"), (4.4999, 4.5, "4.4999"),
    (4.5, 4.5, "4.50"), (0.812, 0.5, "0.81"), (1234.5, None, "1,234.50")])
def test_shown_never_hides_the_side(value, threshold, expected):
    assert exact.shown(value, threshold) == expected


def test_compare_takes_the_decimal_a_data_value_was_written_as():
    assert exact.compare(0.15, "<", 0.15) is False and exact.compare(0.15, "<=", 0.15) is True
    assert exact.compare(2.3, ">=", 2.3) and not exact.compare(2.2999999999, ">=", 2.3)


def test_charts_never_round_a_value_across_its_threshold_in_tooltips_or_tables():
    from pipeline.site.charts import Renderer, cv_lines, indicator_bars

    df = pd.DataFrame(dict(school_name=["甲", "乙"], value=[4.49999, 4.5], status=["未达标", "达标"]))
    c = indicator_bars("t-bars", df, "t", "平方米/生", 4.5, "s")
    assert c.data["value_text"].tolist() == ["4.49999", "4.50"]
    html = Renderer(None).html(c, "")
    assert "<td class=\"num\">4.49999</td>" in html and "4.500" not in html
    cv = pd.DataFrame(dict(year=[2025], level=["小学"], cv=[0.50004], threshold=[0.5], status=["未达标"]))
    c = cv_lines("t-cv", cv, "t", "s")
    assert c.data["cv_text"].tolist() == ["0.50004"]
    assert any(t.get("field") == "cv_text" for layer in c.spec["layer"] for t in layer.get("encoding", {}).get("tooltip", []))

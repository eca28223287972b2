"""Hand-computed cases for each rule of the indicator engine, and an independent recomputation from the CSVs."""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import pandas as pd
import pytest

from conftest import SAMPLE, set_row
from pipeline.compute import compute_tables
from pipeline.indicators.balance import weighted_cv
from pipeline.indicators.county import wilson
from pipeline.indicators.resources import gap, named, unit_verdict


def out_of(t):
    return compute_tables(t)


# ---------------------------------------------------------------- the weighted CV

def test_weighted_cv_by_hand_and_differs_from_unweighted():
    # P = 400; X̄ = (100·2 + 300·4)/400 = 3.5; S² = (100·1.5² + 300·0.5²)/400 = 0.75
    mean, cv = weighted_cv([100, 300], [2, 4])
    assert mean == pytest.approx(3.5, abs=1e-15)
    assert cv == pytest.approx(math.sqrt(0.75) / 3.5, abs=1e-15)
    assert cv == pytest.approx(0.24743582965269675, abs=1e-15)
    unweighted = (pd.Series([2, 4]).std(ddof=0) / 3, pd.Series([2, 4]).std(ddof=1) / 3)
    assert all(abs(cv - u) > 0.05 for u in unweighted)


def test_weighted_cv_edge_cases():
    assert weighted_cv([], []) == (None, None)
    assert weighted_cv([10, 20], [0, 0]) == (0.0, None)        # a zero mean: no CV, not inf
    assert weighted_cv([10, 20], [3, 3])[1] == 0.0


# ---------------------------------------------------------------- splitting combined schools

def _unit(out, sid, level, profile="national", year=2025):
    u = out["school_units"]
    r = u[(u["school_id"] == sid) & (u["level"] == level) & (u["profile"] == profile) & (u["year"] == year)]
    assert len(r) == 1
    return r.iloc[0]


def _set_school(t, sid, students: dict, aux=10000.0, indoor=1000.0, ground=20000.0, equip=3_000_000.0, mm=30):
    for level, n in students.items():
        set_row(t["school_levels"], dict(year=2025, school_id=sid, level=level), students=n)
    set_row(t["school_facilities"], dict(year=2025, school_id=sid), teaching_aux_area_m2=aux, indoor_sports_area_m2=indoor,
            sports_ground_area_m2=ground, equipment_value_yuan=equip, multimedia_classrooms=mm)


def test_nine_year_school_split(t):
    sid = "2137032109"                       # 九年一贯制
    _set_school(t, sid, {"小学": 600, "初中": 400})
    out = out_of(t)
    p, j = _unit(out, sid, "小学"), _unit(out, sid, "初中")
    assert p["share"] == pytest.approx(600 / (600 + 1.1 * 400))
    assert j["share"] == pytest.approx(440 / 1040)
    assert p["R4"] == pytest.approx(9000 * (600 / 1040) / 600)          # (aux − indoor) × share ÷ students
    assert j["R5"] == pytest.approx(21000 * (440 / 1040) / 400)         # (ground + indoor) × share ÷ students
    assert j["R6"] == pytest.approx(3_000_000 * (440 / 1040) / 400)
    assert p["R7"] == pytest.approx(30 * (600 / 1040) * 100 / 600)
    # teachers are counted per level, not apportioned
    lv = t["school_levels"]
    row = lv[(lv["year"] == 2025) & (lv["school_id"] == sid) & (lv["level"] == "初中")].iloc[0]
    assert j["R1"] == pytest.approx(row["teachers_above_degree"] * 100 / 400)


def test_twelve_year_school_split(t):
    sid = "2137032112"                       # 十二年一贯制
    _set_school(t, sid, {"小学": 500, "初中": 300, "高中": 200})
    out = out_of(t)
    den = 500 + 1.1 * 300 + 1.32 * 200
    assert _unit(out, sid, "小学")["share"] == pytest.approx(500 / den)
    assert _unit(out, sid, "初中")["share"] == pytest.approx(330 / den)
    assert _unit(out, sid, "初中")["R4"] == pytest.approx(9000 * 330 / den / 300)


def test_complete_secondary_school_split(t):
    sid = "2137032110"                       # 完全中学: junior 1 : senior 1.2
    _set_school(t, sid, {"初中": 900, "高中": 1000})
    out = out_of(t)
    assert _unit(out, sid, "初中")["share"] == pytest.approx(900 / (900 + 1.2 * 1000))
    assert _unit(out, sid, "初中")["R6"] == pytest.approx(3_000_000 * 900 / 2100 / 900)


def test_split_weights_are_data(t):
    st = t["standards"]
    st.loc[st["rule_id"] == "P.w_junior", "threshold"] = 2.0
    sid = "2137032109"
    _set_school(t, sid, {"小学": 600, "初中": 400})
    assert _unit(out_of(t), sid, "小学")["share"] == pytest.approx(600 / 1400)


# ---------------------------------------------------------------- the per-school rule

def _flags(failing_ratio: float | None, n_failing: int = 1):
    names = [f"R{i}" for i in range(1, 8)]
    met = {k: True for k in names}
    ratios = {k: 1.2 for k in names}
    for k in names[-n_failing:] if failing_ratio is not None else []:
        met[k], ratios[k] = False, failing_ratio
    return met, ratios


def test_six_of_seven_with_the_85_percent_floor():
    assert unit_verdict(*_flags(None), 6, 0.85)[1] is True
    assert unit_verdict(*_flags(0.8501), 6, 0.85)[1] is True        # just above the floor
    assert unit_verdict(*_flags(0.85), 6, 0.85)[1] is True          # at the floor
    assert unit_verdict(*_flags(0.8499), 6, 0.85)[1] is False       # just below
    assert unit_verdict(*_flags(0.99, 2), 6, 0.85)[1] is False      # two missed: only 5 of 7
    assert unit_verdict(*_flags(0.8499), 6, 0.80)[1] is True        # the floor is data


def test_a_units_reason_names_each_indicator_it_is_about():
    # "R5 低于阈值的 85%" told a parent nothing; the reason names the indicator too, in both languages
    below = unit_verdict(*_flags(0.5), 6, 0.85)[2]
    assert below.zh == "6 项达标，但 R7（网络多媒体教室）低于阈值的 85%"
    assert below.en == "6 met, but R7 (multimedia classrooms) is below 85% of the threshold"
    two = unit_verdict(*_flags(0.99, 2), 6, 0.85)[2]
    assert two.zh == "仅 5 项达标（要求至少 6 项）：R6（教学仪器设备值）、R7（网络多媒体教室）未达标"
    above = unit_verdict(*_flags(0.9), 6, 0.85)[2]
    assert above.zh == "6 项达标，未达标的 R7（网络多媒体教室）不低于阈值的 85%"
    assert "R6 (teaching equipment), R7 (multimedia classrooms) not met" in two.en
    assert named(["R3"]).en == "R3 (PE and arts teachers)"                # an initialism keeps its capitals


def test_floor_through_the_data(t):
    sid = "2137032101"                                                # a single-level primary school
    set_row(t["school_levels"], dict(year=2025, school_id=sid, level="小学"), students=1000, teachers=200,
            teachers_above_degree=100, key_teachers=20, pe_arts_teachers=20, certified_teachers=200)
    # R7 threshold 2.3 per hundred: 23 rooms needed; 20 rooms = 87.0% (above 85%), 19 = 82.6% (below)
    for rooms, expected in ((20, True), (19, False), (23, True)):
        set_row(t["school_facilities"], dict(year=2025, school_id=sid), teaching_aux_area_m2=9000.0, indoor_sports_area_m2=0.0,
                sports_ground_area_m2=12000.0, equipment_value_yuan=3e6, multimedia_classrooms=rooms)
        sv = out_of(t)["school_verdicts"]
        r = sv[(sv["school_id"] == sid) & (sv["year"] == 2025) & (sv["profile"] == "national")].iloc[0]
        assert bool(r["meets"]) is expected, (rooms, r["reason"])
        si = out_of(t)["school_indicators"]
        g = si[(si["school_id"] == sid) & (si["year"] == 2025) & (si["profile"] == "national") & (si["indicator_id"] == "R7")]
        assert g["gap"].iloc[0] == 23 - rooms


# ---------------------------------------------------------------- teaching points and exclusions

@pytest.mark.parametrize("students,included", [(49, False), (50, True)])
def test_teaching_point_cutoff(t, students, included):
    sid = "2137032149"
    set_row(t["school_levels"], dict(year=2025, school_id=sid, level="小学"), students=students, classes=2, max_class_size=25)
    out = out_of(t)
    u = out["school_units"]
    assert ((u["school_id"] == sid) & (u["year"] == 2025)).any() == included
    ex = out["exclusions"]
    left = ex[(ex["school_id"] == sid) & (ex["year"] == 2025)]
    assert left.empty == included
    if not included:
        assert "少于 50 人" in left["reason"].iloc[0]


def test_special_school_is_left_out_with_a_reason(minimal_tables):
    ex = out_of(minimal_tables)["exclusions"]
    assert (ex[ex["school_id"] == "2137032111"]["reason"] == "特殊教育学校不参加资源配置评估").all()


# ---------------------------------------------------------------- gaps in natural units

def test_gaps_round_up_to_whole_teachers_and_rooms():
    assert gap("R2", 8 * 100 / 950, 1.0, 950) == 2          # 9.5 needed, 8 have → 2 teachers
    assert gap("R1", 4.2, 4.2, 1000) == 0
    assert gap("R7", 19 * 100 / 1000, 2.3, 1000) == 4       # 23 needed, 19 have
    assert gap("R5", 6.0, 7.5, 1000) == pytest.approx(1500.0)   # m², not rounded
    assert gap("R6", 1500.0, 2000, 800) == pytest.approx(400000.0)


# ---------------------------------------------------------------- county items and profiles

def _item(out, item, year, profile):
    ci = out["county_items"]
    r = ci[(ci["item_id"] == item) & (ci["year"] == year) & (ci["profile"] == profile)]
    assert len(r) == 1
    return r.iloc[0]


@pytest.mark.parametrize("item", ["G6", "G14", "Q2"])
def test_profiles_disagree_where_the_plan_is_stricter(sample_outputs, item):
    assert _item(sample_outputs, item, 2021, "national")["status"] == "达标"
    assert _item(sample_outputs, item, 2021, "county")["status"] == "未达标"


def test_q1_in_a_5_4_county_national_is_not_applicable_and_county_uses_4_years(sample_validated, sample_outputs):
    assert int(sample_validated.tables["county"]["junior_years"].iloc[0]) == 4
    c = sample_validated.tables["cohorts"]
    assert set(c["cohort_years"]) == {4}                    # no made-up 3-year cohort in the sample
    r = c[(c["graduation_year"] == 2022) & (c["cohort_years"] == 4)].iloc[0]
    expected = (r["graduates"] - r["transferred_in"] + r["transferred_out"]) * 100 / (r["entrants"] - r["deaths"])
    assert _item(sample_outputs, "Q1", 2022, "county")["value"] == pytest.approx(float(expected), abs=1e-12)
    national = _item(sample_outputs, "Q1", 2022, "national")
    assert national["status"] == "不适用" and "没有 3 年的初中队列" in national["evidence"] and pd.isna(national["value"])


def test_q1_follows_the_countys_school_system(t):
    # a 6-3 county: the national 3-year cohort is computed, the 4-year target cannot apply
    t["county"] = t["county"].assign(junior_years=3)
    out = out_of(t)
    c = t["cohorts"]
    r = c[(c["graduation_year"] == 2025) & (c["cohort_years"] == 3)].iloc[0]
    expected = (r["graduates"] - r["transferred_in"] + r["transferred_out"]) * 100 / (r["entrants"] - r["deaths"])
    assert _item(out, "Q1", 2025, "national")["value"] == pytest.approx(float(expected), abs=1e-12)
    assert _item(out, "Q1", 2025, "county")["status"] == "不适用"
    # 不适用 neither passes nor fails its part: the part's status is that of the other items
    v = out["verdict"]
    q = v[(v["year"] == 2025) & (v["profile"] == "county") & (v["part"] == "教育质量")].iloc[0]
    assert "Q1" not in q["reasons"]


def test_g6_floor_by_hand(t):
    sid = "2137032140"          # 南营小学, 乡村 primary
    set_row(t["school_levels"], dict(year=2025, school_id=sid, level="小学"), students=150, classes=6, max_class_size=26)
    rate = float(t["funding_baselines"].query("year == 2025 and level == '小学' and area_type == '乡村'")["per_student_yuan"].iloc[0])
    set_row(t["school_finance"], dict(year=2025, school_id=sid), public_funds_granted_yuan=rate * 150)
    out = out_of(t)
    assert _item(out, "G6", 2025, "national")["status"] == "达标"        # 150 ≥ 100: not a small school nationally
    assert _item(out, "G6", 2025, "county")["status"] == "未达标"        # under 200, funded as 150, not 200
    set_row(t["school_finance"], dict(year=2025, school_id=sid), public_funds_granted_yuan=rate * 200)
    assert _item(out_of(t), "G6", 2025, "county")["status"] == "达标"


def test_g3_rooms_per_twelve_classes(t):
    sid = "2137032101"
    classes = int(t["school_levels"].query("year == 2025 and school_id == @sid")["classes"].iloc[0])
    need = math.ceil(classes / 12)
    rooms = t["special_rooms"]
    mine = rooms[(rooms["year"] == 2025) & (rooms["school_id"] == sid) & (rooms["room_type"] == "音乐")]
    assert len(mine) == need
    t["special_rooms"] = rooms.drop(mine.index[-1:])
    out = out_of(t)
    chk = out["school_checks"].query("item_id == 'G3' and school_id == @sid and year == 2025 and profile == 'national'").iloc[0]
    assert not chk["meets"] and f"音乐教室达标 {need - 1}/{need} 间" in chk["detail"]
    # a room under 96 m² does not count
    t["special_rooms"] = rooms.copy()
    t["special_rooms"].loc[mine.index[0], "area_m2"] = 95.9
    chk = out_of(t)["school_checks"].query("item_id == 'G3' and school_id == @sid and year == 2025 and profile == 'national'").iloc[0]
    assert not chk["meets"] and "不足 96 平方米" in chk["detail"]


def test_judged_item_without_record_is_pending_not_passed(t):
    j = t["judged_items"]
    t["judged_items"] = j[~((j["year"] == 2025) & (j["item_id"] == "G1"))]
    assert _item(out_of(t), "G1", 2025, "national")["status"] == "待评估"


def _satisfaction(t, responded: int, satisfied: list[int]):
    sv = t["satisfaction"]
    rows = sv.index[sv["year"] == 2025]
    assert len(rows) == len(satisfied)
    sv.loc[rows, "responded"] = responded
    sv.loc[rows, "satisfied"] = satisfied
    return out_of(t)


def test_satisfaction_is_judged_by_the_plain_rate_the_interval_is_context(t):
    lo, hi = wilson(850, 1000, 0.95)
    # by hand: z = 1.959964, centre = 0.848661, half-width = 0.022129
    assert lo == pytest.approx(0.826532, abs=2e-6) and hi == pytest.approx(0.870790, abs=2e-6)
    n = int((t["satisfaction"]["year"] == 2025).sum())
    out = _satisfaction(t, 100, [86] * n)                  # 86%: its interval straddles 85%, the rate meets it
    r = _item(out, "S1", 2025, "national")
    assert r["status"] == "达标" and r["value"] == pytest.approx(86.0)
    assert "置信区间" in r["evidence"] and "抽样误差可能改变结论" in r["evidence"]


def test_satisfaction_below_the_threshold_fails_and_vetoes(t):
    # 84.81% of 3,200 (the case) spread over the groups: below 85%, so 未达标 and the county fails by veto
    n = int((t["satisfaction"]["year"] == 2025).sum())
    responded = 3200 // n
    sat = round(0.8481 * responded * n)
    per = [sat // n + (1 if i < sat % n else 0) for i in range(n)]
    out = _satisfaction(t, responded, per)
    r = _item(out, "S1", 2025, "national")
    assert r["value"] < 85 and r["status"] == "未达标"
    v = out["verdict"]
    v = v[(v["year"] == 2025) & (v["profile"] == "national")].set_index("part")
    assert v.loc["一票否决", "status"] == "未达标" and v.loc["总体", "status"] == "未达标"


def test_satisfaction_exactly_at_the_threshold_passes(t):
    n = int((t["satisfaction"]["year"] == 2025).sum())
    out = _satisfaction(t, 20, [17] * n)                   # 17/20 = 85% exactly
    r = _item(out, "S1", 2025, "national")
    assert r["value"] == 85.0 and r["status"] == "达标"


def test_q4_a_school_without_a_budget_is_no_data_and_the_item_cannot_pass(t):
    fin = t["school_finance"]
    y25 = fin["year"] == 2025
    fin.loc[y25, "training_spend_yuan"] = fin.loc[y25, "public_funds_budget_yuan"] * 0.06      # every school meets 5%
    assert _item(out_of(t), "Q4", 2025, "national")["status"] == "达标"
    sid = fin.loc[y25, "school_id"].iloc[0]
    fin.loc[y25 & (fin["school_id"] == sid), "public_funds_budget_yuan"] = 0
    out = out_of(t)
    r = _item(out, "Q4", 2025, "national")
    ch = out["school_checks"]
    ch = ch[(ch["item_id"] == "Q4") & (ch["year"] == 2025) & (ch["profile"] == "national")]
    n_schools = ch["school_id"].nunique()
    assert r["status"] == "无数据" and f"{n_schools - 1}/{n_schools} 所学校达标" in r["evidence"] and "无数据" in r["evidence"]
    row = ch[ch["school_id"] == sid].iloc[0]
    assert pd.isna(row["meets"]) and pd.isna(row["value"]) and row["detail"].startswith("无数据")
    # a school that has no finance row at all is listed too, not dropped
    t["school_finance"] = fin[~(y25 & (fin["school_id"] == sid))]
    ch = out_of(t)["school_checks"]
    assert sid in set(ch[(ch["item_id"] == "Q4") & (ch["year"] == 2025)]["school_id"])


def test_missing_year_and_zero_denominators_give_a_status_not_nan(t):
    t["satisfaction"] = t["satisfaction"][t["satisfaction"]["year"] != 2025]
    tw = t["teacher_workforce"]
    tw.loc[tw["year"] == 2025, "rotation_eligible"] = 0
    tw.loc[tw["year"] == 2025, "rotated"] = 0
    tw.loc[tw["year"] == 2025, "key_rotated"] = 0
    out = out_of(t)
    assert _item(out, "S1", 2025, "national")["status"] == "无数据"
    assert _item(out, "G11", 2025, "national")["status"] == "无数据"
    assert _item(out, "B1", 2024, "county")["status"] == "无数据"          # no 2023 in the fixture
    for name, df in out.items():
        for col in df.select_dtypes("number"):
            assert not df[col].isin([math.inf, -math.inf]).any(), (name, col)


def test_a_level_with_no_students_is_left_out(t):
    sid = "2137032109"
    set_row(t["school_levels"], dict(year=2025, school_id=sid, level="初中"), students=0, classes=0, max_class_size=0,
            teachers=0, teachers_above_degree=0, key_teachers=0, pe_arts_teachers=0, certified_teachers=0, entrants=0, entrants_nearby=0)
    out = out_of(t)
    ex = out["exclusions"].query("school_id == @sid and year == 2025 and level == '初中'")
    assert ex["reason"].iloc[0] == "该学段当年无在校生"
    assert _unit(out, sid, "小学")["share"] == pytest.approx(1.0)


def test_thresholds_live_in_data(t):
    before = out_of(t)["school_indicators"].query("indicator_id == 'R1' and level == '小学'")["meets"].sum()
    st = t["standards"]
    st.loc[(st["rule_id"] == "R1") & (st["level"] == "小学"), "threshold"] = 1000.0
    after = out_of(t)["school_indicators"].query("indicator_id == 'R1' and level == '小学'")["meets"].sum()
    assert before > 0 and after == 0


def test_a_veto_fails_the_whole(t):
    set_row(t["judged_items"], dict(year=2025, item_id="V1"), status="未达标")
    v = out_of(t)["verdict"].query("year == 2025 and profile == 'national'").set_index("part")
    assert v.at["一票否决", "status"] == "未达标" and v.at["总体", "status"] == "未达标"
    assert "V1" in v.at["一票否决", "reasons"]


def test_cv_shares_sum_to_one(sample_outputs):
    c = sample_outputs["balance_contributions"]
    sums = c.groupby(["year", "profile", "level", "indicator_id"])["variance_share"].sum()
    assert sums.between(1 - 1e-9, 1 + 1e-9).all()


# ---------------------------------------------------------------- independent recomputation from the CSVs

def _csv(name):
    with (SAMPLE / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _independent_units(year: int):
    """R1 and R4 per unit, written from STANDARDS.md without the pipeline's code."""
    schools = {r["school_id"]: r for r in _csv("schools")}
    fac = {r["school_id"]: r for r in _csv("school_facilities") if int(r["year"]) == year}
    by_school = defaultdict(dict)
    for r in _csv("school_levels"):
        if int(r["year"]) == year:
            by_school[r["school_id"]][r["level"]] = r
    units = []
    for sid, levels in by_school.items():
        stype = schools[sid]["school_type"]
        if stype == "特殊教育学校":
            continue
        w = {"初中": 1.0, "高中": 1.2} if stype == "完全中学" else {"小学": 1.0, "初中": 1.1, "高中": 1.32}
        den = sum(w[l] * int(r["students"]) for l, r in levels.items())
        for level in ("小学", "初中"):
            if level not in levels:
                continue
            n = int(levels[level]["students"])
            if n == 0 or (stype == "教学点" and n < 50):
                continue
            share = w[level] * n / den
            area = float(fac[sid]["teaching_aux_area_m2"]) - float(fac[sid]["indoor_sports_area_m2"])
            units.append(dict(level=level, P=n, R1=int(levels[level]["teachers_above_degree"]) * 100 / n, R4=area * share / n))
    return units


@pytest.mark.parametrize("year,level,ind", [(2025, "小学", "R1"), (2021, "初中", "R4"), (2023, "小学", "R4")])
def test_one_cv_recomputed_by_hand_from_the_shipped_csvs(sample_outputs, year, level, ind):
    us = [u for u in _independent_units(year) if u["level"] == level]
    P = sum(u["P"] for u in us)
    mean = sum(u["P"] * u[ind] for u in us) / P
    cv = math.sqrt(sum(u["P"] * (u[ind] - mean) ** 2 for u in us) / P) / mean
    b = sample_outputs["balance"].query("year == @year and level == @level and indicator_id == @ind and profile == 'national'").iloc[0]
    assert b["units"] == len(us) and b["students"] == P
    assert b["mean"] == pytest.approx(mean, rel=1e-12)
    assert b["cv"] == pytest.approx(cv, rel=1e-12)


def test_every_units_seven_values_and_verdict_recomputed_from_the_csvs(sample_outputs):
    """R1–R7 of every unit of every year, each unit's verdict in both profiles and each CV, written again from STANDARDS.md
    with exact fractions and none of the pipeline's code: the split of combined schools by weighted students, the indoor
    sports hall moved from R4 to R5, the teaching-point cut-off, at least 6 of 7 met and the rest at 85% of threshold.
    The weights, cut-off, floor and thresholds are read from the sample's standards.csv."""
    from fractions import Fraction as F

    std = {(r["rule_id"], r["profile"], r["level"]): r["threshold"] for r in _csv("standards")}
    param = lambda rule, profile="national": F(std[(rule, profile, "全部")])      # noqa: E731
    schools = {r["school_id"]: r["school_type"] for r in _csv("schools")}
    fac = {(r["year"], r["school_id"]): r for r in _csv("school_facilities")}
    levels = defaultdict(dict)
    for r in _csv("school_levels"):
        levels[(r["year"], r["school_id"])][r["level"]] = r
    mine, students = {}, {}
    for (year, sid), lv in levels.items():
        kind = schools[sid]
        if kind == "特殊教育学校":
            continue
        n = {k: int(lv[k]["students"]) if k in lv else 0 for k in ("小学", "初中", "高中")}
        if kind == "完全中学":
            weighted = {"初中": F(n["初中"]), "高中": param("P.w_senior_complete") * n["高中"]}
        else:
            weighted = {"小学": F(n["小学"]), "初中": param("P.w_junior") * n["初中"], "高中": param("P.w_senior") * n["高中"]}
        f = fac[(year, sid)]
        indoor = F(f["indoor_sports_area_m2"])
        shared = {"R4": F(f["teaching_aux_area_m2"]) - indoor, "R5": F(f["sports_ground_area_m2"]) + indoor,
                  "R6": F(f["equipment_value_yuan"]), "R7": F(f["multimedia_classrooms"]) * 100}
        for level in ("小学", "初中"):
            P = n[level]
            if level not in lv or P == 0 or (kind == "教学点" and P < param("P.tp_cutoff")):
                continue
            share = weighted[level] / sum(weighted.values())
            row = lv[level]
            values = {"R1": F(int(row["teachers_above_degree"]) * 100, P), "R2": F(int(row["key_teachers"]) * 100, P),
                      "R3": F(int(row["pe_arts_teachers"]) * 100, P), **{k: v * share / P for k, v in shared.items()}}
            mine[(int(year), sid, level)] = values
            students[(int(year), sid, level)] = P

    si = sample_outputs["school_indicators"]
    si = si[si["profile"] == "national"]
    theirs = {(int(r.year), r.school_id, r.level, r.indicator_id): r.value for r in si.itertuples()}
    assert len(theirs) == 7 * len(mine) > 1000
    for (year, sid, level), values in mine.items():
        for ind, v in values.items():
            assert theirs[(year, sid, level, ind)] == pytest.approx(float(v), rel=1e-12), (year, sid, level, ind)

    sv = sample_outputs["school_verdicts"]
    verdicts = {(r.profile, int(r.year), r.school_id, r.level): (int(r.indicators_met), bool(r.meets)) for r in sv.itertuples()}
    for profile in ("national", "county"):
        floor, need = param("P.floor", profile), int(param("P.min_met", profile))
        for (year, sid, level), values in mine.items():
            th = {ind: F(std[(ind, profile, level)]) for ind in values}
            met = sum(values[i] >= th[i] for i in values)
            rest = all(values[i] >= floor * th[i] for i in values if values[i] < th[i])
            assert verdicts[(profile, year, sid, level)] == (met, met >= need and rest), (profile, year, sid, level)

    # every student-weighted CV (each year, level and indicator) from these values: the divisor is all students
    b = sample_outputs["balance"]
    cvs = {(int(r.year), r.level, r.indicator_id): r.cv for r in b[b["profile"] == "national"].itertuples()}
    units = defaultdict(list)
    for (year, sid, level), values in mine.items():
        units[(year, level)].append((students[(year, sid, level)], values))
    for (year, level), us in units.items():
        P = sum(n for n, _ in us)
        for ind in ("R1", "R2", "R3", "R4", "R5", "R6", "R7"):
            mean = sum(n * v[ind] for n, v in us) / P
            cv = math.sqrt(sum(n * (v[ind] - mean) ** 2 for n, v in us) / P) / mean
            assert cvs[(year, level, ind)] == pytest.approx(float(cv), rel=1e-12), (year, level, ind)
    assert len(cvs) == 7 * len(units)


def test_every_schools_g3_g4_g5_recomputed_from_the_csvs(sample_outputs):
    """G3 (a music and an art room of the least area per 12 classes, at least one), G4 (school size, a higher limit for a
    九年/十二年一贯制 school) and G5 (the largest class of each level) for every school, year and profile, written again
    from STANDARDS.md with none of the pipeline's code; the limits are read from the sample's standards.csv."""
    from fractions import Fraction as F

    std = {(r["rule_id"], r["profile"], r["level"]): F(r["threshold"]) for r in _csv("standards") if r["threshold"]}
    kind = {r["school_id"]: r["school_type"] for r in _csv("schools")}
    levels = defaultdict(list)
    for r in _csv("school_levels"):
        if r["level"] in ("小学", "初中"):
            levels[(int(r["year"]), r["school_id"])].append(r)
    rooms = defaultdict(list)
    for r in _csv("special_rooms"):
        rooms[(int(r["year"]), r["school_id"])].append(r)
    checks = sample_outputs["school_checks"]
    got = {(r.profile, r.item_id, int(r.year), r.school_id): (r.value, r.meets) for r in checks.itertuples()}
    compared = 0
    for profile in ("national", "county"):
        th = lambda rule, level="全部": std[(rule, profile, level)]          # noqa: E731
        for (year, sid), lv in levels.items():
            students, classes = sum(int(r["students"]) for r in lv), sum(int(r["classes"]) for r in lv)
            combined = kind[sid] in ("九年一贯制学校", "十二年一贯制学校")
            need = max(1, math.ceil(F(classes) / th("G3.classes_per_room")))
            big_enough = lambda room, rule: sum(r["room_type"] == room and F(r["area_m2"]) >= th(rule)      # noqa: E731
                                                for r in rooms[(year, sid)])
            largest = [(int(r["max_class_size"]), th("G5", r["level"])) for r in lv]
            expect = {"G3": (classes, big_enough("音乐", "G3.music_area") >= need and big_enough("美术", "G3.art_area") >= need),
                      "G4": (students, students <= th("G4.combined" if combined else "G4")),
                      "G5": (None, all(size <= limit for size, limit in largest))}
            for item, (value, meets) in expect.items():
                v, m = got[(profile, item, year, sid)]
                assert m == meets and (value is None or v == value), (profile, item, year, sid)
                compared += 1
            assert got[(profile, "G5", year, sid)][0] in [size for size, _ in largest]
    assert compared == len([k for k in got if k[1] in ("G3", "G4", "G5")]) > 1000


def test_vectorised_gaps_equal_the_scalar_rule(sample_outputs):
    si = sample_outputs["school_indicators"]
    for r in si.sample(n=min(3000, len(si)), random_state=1).itertuples():
        assert r.gap == gap(r.indicator_id, r.value, r.threshold, r.students), r


@pytest.mark.parametrize("rules, county, word", [
    (["G3.music_area"], 10_000, "不足 10,000 平方米"), (["G4", "G4.combined"], 1, "上限 1 人"), (["G5"], 1, "上限 1）"),
    (["Q4"], 100, None)])
def test_each_profile_checks_every_school_by_its_own_threshold(t, rules, county, word):
    # the two profiles share their per-school work where their rules agree; where the plan's threshold differs, each
    # school is checked, and its check worded, by the profile's own
    item = rules[0].split(".")[0]
    st = t["standards"]
    st.loc[st["rule_id"].isin(rules) & (st["profile"] == "county"), "threshold"] = county
    checks = out_of(t)["school_checks"]
    for profile in ("national", "county"):
        mine = checks[(checks["item_id"] == item) & (checks["profile"] == profile) & checks["meets"].notna()]
        assert len(mine) >= 3, profile
        if profile == "national":
            assert mine["meets"].astype(bool).any() and not (word and mine["detail"].str.contains(word, regex=False).any())
        else:
            assert not mine["meets"].astype(bool).any(), mine[["school_id", "detail"]]
            assert word is None or mine["detail"].str.contains(word, regex=False).any()

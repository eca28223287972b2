"""Turn school tables into 资源配置 values R1–R7 per school unit, the 6-of-7 verdict and each gap.

A unit is one school at one level (小学 or 初中). 九年一贯制, 十二年一贯制 and 完全中学 schools are
split into parts: teachers are counted per level, and shared physical resources (R4–R7) are
apportioned by weighted students (primary 1 : junior 1.1 : senior 1.32; in a 完全中学 junior 1 :
senior 1.2), the weights read from standards.csv (P.w_junior, P.w_senior, P.w_senior_complete).
Special-education schools are not units; 教学点 under P.tp_cutoff students are left out.
"""

from __future__ import annotations

import math

import pandas as pd

from .rules import PROFILES, Rules

INDICATORS = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
LEVELS = ("小学", "初中")
# how a gap is counted: whole teachers and rooms are rounded up; areas and money are not
GAP_UNIT = {"R1": "名教师", "R2": "名骨干教师", "R3": "名体育艺术教师", "R4": "平方米", "R5": "平方米", "R6": "元", "R7": "间"}
_WHOLE = {"R1", "R2", "R3", "R7"}
_COUNT_COL = {"R1": "teachers_above_degree", "R2": "key_teachers", "R3": "pe_arts_teachers"}


def _weights(school_type: str, rules: Rules, profile: str) -> dict[str, float]:
    if school_type == "完全中学":
        return {"初中": 1.0, "高中": rules.param("P.w_senior_complete", profile)}
    return {"小学": 1.0, "初中": rules.param("P.w_junior", profile), "高中": rules.param("P.w_senior", profile)}


def units(t: dict, rules: Rules, profile: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """School units with their students, resource shares and R1–R7 values; and who was left out, why."""
    schools = t["schools"].set_index("school_id")
    lv = t["school_levels"].drop(columns="_row").copy()
    fac = t["school_facilities"].drop(columns="_row").set_index(["year", "school_id"])
    lv["school_type"] = lv["school_id"].map(schools["school_type"])
    cutoff = rules.param("P.tp_cutoff", profile)
    rows, left_out = [], []
    for (year, sid), g in lv.groupby(["year", "school_id"], sort=True):
        stype = g["school_type"].iloc[0]
        name = schools.at[sid, "school_name"]
        by_level = g.set_index("level")
        if stype == "特殊教育学校":
            left_out.append(dict(year=year, school_id=sid, level="特殊教育", students=int(by_level["students"].sum()),
                                 reason="特殊教育学校不参加资源配置评估"))
            continue
        w = _weights(stype, rules, profile)
        weighted = {l: w.get(l, 1.0) * int(by_level.at[l, "students"]) for l in by_level.index}
        total_w = sum(weighted.values())
        for level in LEVELS:
            if level not in by_level.index:
                continue
            r = by_level.loc[level]
            students = int(r["students"])
            if stype == "教学点" and students < cutoff:
                left_out.append(dict(year=year, school_id=sid, level=level, students=students,
                                     reason=f"教学点在校生 {students} 人，少于 {cutoff:g} 人，不纳入资源配置计算"))
                continue
            if students == 0:
                left_out.append(dict(year=year, school_id=sid, level=level, students=0, reason="该学段当年无在校生"))
                continue
            share = weighted[level] / total_w if total_w else 0.0
            f = fac.loc[(year, sid)]
            aux = float(f["teaching_aux_area_m2"]) - float(f["indoor_sports_area_m2"])
            sport = float(f["sports_ground_area_m2"]) + float(f["indoor_sports_area_m2"])
            rows.append(dict(
                year=int(year), school_id=sid, school_name=name, level=level, school_type=stype, students=students,
                share=share,
                R1=int(r["teachers_above_degree"]) * 100 / students,
                R2=int(r["key_teachers"]) * 100 / students,
                R3=int(r["pe_arts_teachers"]) * 100 / students,
                R4=aux * share / students,
                R5=sport * share / students,
                R6=float(f["equipment_value_yuan"]) * share / students,
                R7=int(f["multimedia_classrooms"]) * share * 100 / students,
            ))
    cols = ["year", "school_id", "school_name", "level", "school_type", "students", "share", *INDICATORS]
    u = pd.DataFrame(rows, columns=cols)
    lo = pd.DataFrame(left_out, columns=["year", "school_id", "level", "students", "reason"])
    return u, lo


def gap(indicator: str, value: float, threshold: float, students: int) -> float:
    """What is missing, in the indicator's natural unit (0 when met)."""
    if value >= threshold:
        return 0.0
    if indicator in ("R1", "R2", "R3", "R7"):
        missing = (threshold - value) * students / 100
        return float(math.ceil(missing - 1e-9))
    return (threshold - value) * students


def unit_verdict(met: dict[str, bool], ratios: dict[str, float], min_met: float, floor: float) -> tuple[int, bool, str]:
    """The per-unit rule: at least `min_met` indicators met, and every one not met at least `floor` of its threshold."""
    n = sum(met.values())
    failing = [k for k, ok in met.items() if not ok]
    above_floor = all(ratios[k] >= floor for k in failing)
    meets = n >= min_met and above_floor
    if meets:
        reason = f"{len(met)} 项全部达标" if not failing else f"{n} 项达标，未达标的 {'、'.join(failing)} 不低于阈值的 {floor:.0%}"
    elif n < min_met:
        reason = f"仅 {n} 项达标（要求至少 {min_met:g} 项）：{'、'.join(failing)} 未达标"
    else:
        low = [k for k in failing if ratios[k] < floor]
        reason = f"{n} 项达标，但 {'、'.join(low)} 低于阈值的 {floor:.0%}"
    return n, meets, reason


def school_indicators(t: dict, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long table of R1–R7 per unit and profile, the per-unit verdicts, the units and the exclusions."""
    long_rows, verdict_rows, all_units, all_out = [], [], [], []
    for profile in PROFILES:
        u, lo = units(t, rules, profile)
        u.insert(1, "profile", profile)
        lo.insert(1, "profile", profile)
        all_units.append(u)
        all_out.append(lo)
        min_met = rules.param("P.min_met", profile)
        floor = rules.param("P.floor", profile)
        for r in u.itertuples(index=False):
            met_flags, ratios = {}, {}
            for ind in INDICATORS:
                rule = rules.need(ind, profile, r.level)
                value = getattr(r, ind)
                ok = rule.meets(value)
                ratio = value / rule.threshold if rule.threshold else math.inf
                met_flags[ind], ratios[ind] = ok, ratio
                long_rows.append(dict(year=r.year, profile=profile, school_id=r.school_id, level=r.level, indicator_id=ind,
                                      value=value, threshold=rule.threshold, meets=ok,
                                      gap=gap(ind, value, rule.threshold, r.students), gap_unit=GAP_UNIT[ind],
                                      ratio=ratio, students=r.students))
            met, meets, reason = unit_verdict(met_flags, ratios, min_met, floor)
            failing = [k for k, v in met_flags.items() if not v]
            verdict_rows.append(dict(year=r.year, profile=profile, school_id=r.school_id, level=r.level,
                                     indicators_met=met, meets=meets, failing=" ".join(failing), reason=reason))
    return (pd.DataFrame(long_rows), pd.DataFrame(verdict_rows), pd.concat(all_units, ignore_index=True),
            pd.concat(all_out, ignore_index=True))

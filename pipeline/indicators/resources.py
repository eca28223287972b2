"""Turn school tables into 资源配置 values R1–R7 per school unit, the 6-of-7 verdict and each gap.

A unit is one school at one level (小学 or 初中). 九年一贯制, 十二年一贯制 and 完全中学 schools are
split into parts: teachers are counted per level, and shared physical resources (R4–R7) are
apportioned by weighted students (primary 1 : junior 1.1 : senior 1.32; in a 完全中学 junior 1 :
senior 1.2), the weights read from standards.csv (P.w_junior, P.w_senior, P.w_senior_complete).
Special-education schools are not units; 教学点 under P.tp_cutoff students are left out.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from ..i18n import Say, split
from . import exact
from .rules import PROFILES, Rules

INDICATORS = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
# the national standard's seven indicators by a short name, for readers who do not know them by number
SHORT = {"R1": "高学历教师", "R2": "骨干教师", "R3": "体育艺术教师", "R4": "教学及辅助用房", "R5": "体育运动场馆",
         "R6": "教学仪器设备值", "R7": "网络多媒体教室"}
SHORT_EN = {"R1": "Highly qualified teachers", "R2": "Key teachers", "R3": "PE and arts teachers", "R4": "Teaching floor area",
            "R5": "Sports grounds and halls", "R6": "Teaching equipment", "R7": "Multimedia classrooms"}

LEVELS = ("小学", "初中")
# how a gap is counted: whole teachers and rooms are rounded up; areas and money are not
GAP_UNIT = {"R1": "名教师", "R2": "名骨干教师", "R3": "名体育艺术教师", "R4": "平方米", "R5": "平方米", "R6": "元", "R7": "间"}
WHOLE_GAPS = {"R1", "R2", "R3", "R7"}
_COUNT_COL = {"R1": "teachers_above_degree", "R2": "key_teachers", "R3": "pe_arts_teachers"}


def named(ids: list[str]) -> Say:
    """Indicators by number and name, inside a sentence: R2（骨干教师）、R7（网络多媒体教室）; R2 (key teachers), R3 (PE
    and arts teachers)."""
    def en(name: str) -> str:
        return name[:1].lower() + name[1:] if name[1:2].islower() else name
    return Say("、".join(f"{k}（{SHORT[k]}）" if k in SHORT else k for k in ids),
               ", ".join(f"{k} ({en(SHORT_EN[k])})" if k in SHORT_EN else k for k in ids))


def units(t: dict, rules: Rules, profile: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """School units with their students, resource shares and R1–R7 values; and who was left out, why."""
    schools = t["schools"].set_index("school_id")
    lv = t["school_levels"].drop(columns="_row").copy()
    lv["school_type"] = lv["school_id"].map(schools["school_type"])
    lv["students"] = lv["students"].astype(int)
    cutoff = rules.param("P.tp_cutoff", profile)
    w_junior, w_senior = rules.param("P.w_junior", profile), rules.param("P.w_senior", profile)
    w_senior_complete = rules.param("P.w_senior_complete", profile)
    complete = lv["school_type"] == "完全中学"
    weight = np.select([lv["level"] == "小学", lv["level"] == "初中", (lv["level"] == "高中") & complete, lv["level"] == "高中"],
                       [1.0, np.where(complete, 1.0, w_junior), w_senior_complete, w_senior], 1.0)
    lv["weighted"] = weight * lv["students"]
    # the denominator in the formula's own order, A + 1.1·B + 1.32·C (a plain left-to-right sum, as anyone
    # recomputing by hand would write it), not a library sum whose rounding may differ in the last digit
    by_level = lv.pivot_table(index=["year", "school_id"], columns="level", values="weighted", aggfunc="first")
    total = pd.Series(0.0, index=by_level.index)
    for level in ("小学", "初中", "高中", "特殊教育"):
        if level in by_level.columns:
            total = total + by_level[level].fillna(0.0)
    lv["total_weighted"] = lv.join(total.rename("total_weighted"), on=["year", "school_id"])["total_weighted"] if len(lv) else 0.0
    special = lv["school_type"] == "特殊教育学校"
    small_tp = (lv["school_type"] == "教学点") & (lv["students"] < cutoff) & lv["level"].isin(LEVELS)
    empty = (lv["students"] == 0) & lv["level"].isin(LEVELS) & ~special & ~small_tp
    sp = lv[special].groupby(["year", "school_id"], as_index=False)["students"].sum()
    left_out = [sp.assign(level="特殊教育", reason="特殊教育学校不参加资源配置评估",
                          reason_en="special education schools are not assessed on resource allocation")]
    tp = lv[small_tp][["year", "school_id", "level", "students"]]
    left_out.append(tp.assign(**split([Say(f"教学点在校生 {n} 人，少于 {cutoff:g} 人，不纳入资源配置计算",
                                           f"a teaching point with {n} students, fewer than {cutoff:g}: left out of the calculation")
                                       for n in tp["students"]], "reason")))
    left_out.append(lv[empty][["year", "school_id", "level", "students"]].assign(reason="该学段当年无在校生",
                                                                                  reason_en="no students at this level this year"))
    lo = pd.concat(left_out, ignore_index=True)[["year", "school_id", "level", "students", "reason", "reason_en"]]
    u = lv[lv["level"].isin(LEVELS) & ~special & ~small_tp & ~empty].copy()
    fac = t["school_facilities"].drop(columns="_row")
    u = u.merge(fac, on=["year", "school_id"], how="left", validate="many_to_one")
    n = u["students"].astype(float)
    share = (u["weighted"] / u["total_weighted"]).where(u["total_weighted"] > 0, 0.0).astype(float)
    aux = u["teaching_aux_area_m2"].astype(float) - u["indoor_sports_area_m2"].astype(float)
    sport = u["sports_ground_area_m2"].astype(float) + u["indoor_sports_area_m2"].astype(float)
    out = pd.DataFrame({
        "year": u["year"].astype(int), "school_id": u["school_id"], "school_name": u["school_id"].map(schools["school_name"]),
        "level": u["level"], "school_type": u["school_type"], "students": u["students"].astype(int), "share": share,
        "R1": u["teachers_above_degree"].astype(int) * 100 / n,
        "R2": u["key_teachers"].astype(int) * 100 / n,
        "R3": u["pe_arts_teachers"].astype(int) * 100 / n,
        "R4": aux * share / n,
        "R5": sport * share / n,
        "R6": u["equipment_value_yuan"].astype(float) * share / n,
        "R7": u["multimedia_classrooms"].astype(int) * share * 100 / n,
    })
    order = out["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    out = out.assign(_o=order).sort_values(["year", "school_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return out, lo


class Exact:
    """R1–R7 of one unit as exact fractions, recomputed from the raw tables by the same formulas as `units`.

    Used only for the few values that sit on a threshold (see exact.py); built lazily on first use."""

    def __init__(self, t: dict, rules: Rules):
        self.t, self.rules = t, rules
        self._levels = self._fac = None

    _LEVEL_COLS = ("students", *_COUNT_COL.values())
    _FAC_COLS = ("teaching_aux_area_m2", "indoor_sports_area_m2", "sports_ground_area_m2", "equipment_value_yuan",
                 "multimedia_classrooms")

    def _load(self):
        def rows(df, cols):            # plain lists: iterating Arrow-backed columns one value at a time is slow
            return [dict(zip(cols, vals)) for vals in zip(*(df[c].tolist() for c in cols))]

        lv = self.t["school_levels"]
        self._levels = {}
        for y, sid, lvl, row in zip(lv["year"].tolist(), lv["school_id"].tolist(), lv["level"].tolist(), rows(lv, self._LEVEL_COLS)):
            self._levels.setdefault((int(y), sid), {})[lvl] = row
        fac = self.t["school_facilities"]
        self._fac = {(int(y), sid): row for y, sid, row in zip(fac["year"].tolist(), fac["school_id"].tolist(), rows(fac, self._FAC_COLS))}
        self._types = dict(zip(self.t["schools"]["school_id"].tolist(), self.t["schools"]["school_type"].tolist()))

    def _weight(self, level: str, school_type: str, profile: str) -> Fraction:
        param = lambda rid: exact.dec(self.rules.param(rid, profile))
        complete = school_type == "完全中学"
        if level == "初中":
            return Fraction(1) if complete else param("P.w_junior")
        if level == "高中":
            return param("P.w_senior_complete") if complete else param("P.w_senior")
        return Fraction(1)

    def value(self, year: int, school_id: str, level: str, indicator: str, profile: str) -> Fraction:
        if self._levels is None:
            self._load()
        levels = self._levels[(int(year), school_id)]
        stype = self._types[school_id]
        row = levels[level]
        n = int(row["students"])
        if indicator in _COUNT_COL:
            return Fraction(int(row[_COUNT_COL[indicator]]) * 100, n)
        total = sum(self._weight(lv, stype, profile) * int(r["students"]) for lv, r in levels.items())
        share = self._weight(level, stype, profile) * n / total
        f = self._fac[(int(year), school_id)]
        d = {k: exact.dec(f[k]) for k in self._FAC_COLS}
        resource = {"R4": d["teaching_aux_area_m2"] - d["indoor_sports_area_m2"],
                    "R5": d["sports_ground_area_m2"] + d["indoor_sports_area_m2"],
                    "R6": d["equipment_value_yuan"], "R7": d["multimedia_classrooms"] * 100}[indicator]
        return resource * share / n


def gap(indicator: str, value: float, threshold: float, students: int) -> float:
    """What is missing, in the indicator's natural unit (0 when met)."""
    if value >= threshold:
        return 0.0
    if indicator in WHOLE_GAPS:
        missing = (threshold - value) * students / 100
        return float(math.ceil(missing - 1e-9))
    return (threshold - value) * students


def unit_verdict(met: dict[str, bool], ratios: dict[str, float], min_met: float, floor: float) -> tuple[int, bool, Say]:
    """The per-unit rule: at least `min_met` indicators met, and every one not met at least `floor` of its threshold."""
    n = sum(met.values())
    failing = [k for k, ok in met.items() if not ok]
    above_floor = all(exact.compare(ratios[k], ">=", floor) for k in failing)
    meets = n >= min_met and above_floor
    if meets and not failing:
        reason = Say(f"{len(met)} 项全部达标", f"all {len(met)} met")
    elif meets:
        f = named(failing)
        reason = Say(f"{n} 项达标，未达标的 {f.zh}不低于阈值的 {floor:.0%}",
                     f"{n} met; {f.en}, not met, {'is' if len(failing) == 1 else 'are'} at least {floor:.0%} of the threshold")
    elif n < min_met:
        f = named(failing)
        reason = Say(f"仅 {n} 项达标（要求至少 {min_met:g} 项）：{f.zh}未达标",
                     f"only {n} met (at least {min_met:g} required): {f.en} not met")
    else:
        low = [k for k in failing if not exact.compare(ratios[k], ">=", floor)]
        f = named(low)
        reason = Say(f"{n} 项达标，但 {f.zh}低于阈值的 {floor:.0%}",
                     f"{n} met, but {f.en} {'is' if len(low) == 1 else 'are'} below {floor:.0%} of the threshold")
    return n, meets, reason


def _gaps(ind: pd.Series, value: pd.Series, threshold: pd.Series, students: pd.Series, met: pd.Series) -> pd.Series:
    """gap() for whole columns (tests check that both agree on every row)."""
    deficit = (threshold - value) * students
    whole = np.ceil(deficit / 100 - 1e-9)
    g = np.where(ind.isin(list(WHOLE_GAPS)), whole, deficit)
    return pd.Series(np.where(met, 0.0, g), index=value.index, dtype=float)


def _exact_edges(long: pd.DataFrame, u: pd.DataFrame, ex: Exact, rules: Rules, profile: str, floor: float) -> pd.Series:
    """Judge the values that sit on their threshold (or on the floor) exactly; store them correctly rounded, in the
    long table and in the units. Returns each row's ratio to its threshold (a Fraction where it sits on the edge)."""
    ratio = (long["value"] / long["threshold"]).astype(object)
    known: dict = {}
    value, thr = long["value"].to_numpy(dtype=float), long["threshold"].to_numpy(dtype=float)
    edge = exact.near_array(value, thr) | exact.near_array(value / thr, floor)
    for i in np.flatnonzero(edge):
        r = long.iloc[i]
        key = (int(r["year"]), r["school_id"], r["level"], r["indicator_id"])
        x = ex.value(*key, profile)
        known[key] = x
        t_exact = exact.dec(r["threshold"])
        long.iat[i, long.columns.get_loc("value")] = float(x)
        long.iat[i, long.columns.get_loc("meets")] = exact.compare(x, rules.need(key[3], profile, key[2]).comparator, t_exact)
        ratio.iat[i] = x / t_exact
    if known:       # the units table carries the same, correctly rounded, figures
        idx = {k: j for j, k in enumerate(zip(u["year"].astype(int).tolist(), u["school_id"].tolist(), u["level"].tolist()))}
        for (y, sid, lvl, ind), x in known.items():
            u.iat[idx[(y, sid, lvl)], u.columns.get_loc(ind)] = float(x)
    return ratio


def school_indicators(t: dict, rules: Rules, ex: Exact | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long table of R1–R7 per unit and profile, the per-unit verdicts, the units and the exclusions."""
    ex = ex or Exact(t, rules)
    longs, verdicts, all_units, all_out = [], [], [], []
    for profile in PROFILES:
        u, lo = units(t, rules, profile)
        u.insert(1, "profile", profile)
        lo.insert(1, "profile", profile)
        all_units.append(u)
        all_out.append(lo)
        min_met = rules.param("P.min_met", profile)
        floor = rules.param("P.floor", profile)
        long = u.melt(id_vars=["year", "profile", "school_id", "level", "students"], value_vars=list(INDICATORS),
                      var_name="indicator_id", value_name="value")
        long["threshold"] = np.nan
        long["meets"] = False
        for ind in INDICATORS:
            for level in LEVELS:
                rule = rules.need(ind, profile, level)
                m = (long["indicator_id"] == ind) & (long["level"] == level)
                long.loc[m, "threshold"] = rule.threshold
                long.loc[m, "meets"] = rule.meets_series(long.loc[m, "value"]).to_numpy()
        long["meets"] = long["meets"].astype(bool)
        ratio = _exact_edges(long, u, ex, rules, profile, floor)
        long["gap"] = _gaps(long["indicator_id"], long["value"], long["threshold"], long["students"], long["meets"])
        long["gap_unit"] = long["indicator_id"].map(GAP_UNIT)
        long["ratio"] = long["value"] / long["threshold"]
        longs.append(long)
        wide_met = long.pivot(index=["year", "school_id", "level"], columns="indicator_id", values="meets")
        wide_ratio = long.assign(ratio=ratio).pivot(index=["year", "school_id", "level"], columns="indicator_id", values="ratio")
        met = wide_met[list(INDICATORS)].to_numpy(dtype=bool)
        ratios = wide_ratio[list(INDICATORS)].to_numpy()
        n_met, meets, failing, reasons = met.sum(axis=1).tolist(), [], [], []
        # a unit meeting all seven reads the same every time; the others go through unit_verdict one by one
        all_met = unit_verdict(dict.fromkeys(INDICATORS, True), dict.fromkeys(INDICATORS, 1.0), min_met, floor)
        for i, row in enumerate(met):
            if n_met[i] == len(INDICATORS):
                _, ok, reason = all_met
            else:
                _, ok, reason = unit_verdict(dict(zip(INDICATORS, map(bool, row))), dict(zip(INDICATORS, ratios[i])), min_met, floor)
            meets.append(ok)
            reasons.append(reason)
            failing.append(" ".join(k for k, v in zip(INDICATORS, row) if not v))
        keys = wide_met.index
        verdicts.append(pd.DataFrame(dict(year=keys.get_level_values(0).astype(int), profile=profile,
                                          school_id=keys.get_level_values(1), level=keys.get_level_values(2),
                                          indicators_met=n_met, meets=meets, failing=failing, **split(reasons, "reason"))))
    cols = ["year", "profile", "school_id", "level", "indicator_id", "value", "threshold", "meets", "gap", "gap_unit", "ratio", "students"]
    return (pd.concat(longs, ignore_index=True)[cols], pd.concat(verdicts, ignore_index=True),
            pd.concat(all_units, ignore_index=True), pd.concat(all_out, ignore_index=True))

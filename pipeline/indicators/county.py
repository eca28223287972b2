"""Turn county and school tables into the G (政府保障程度), Q (教育质量), S (社会认可度) and V (veto) items.

Each item is a rule in standards.csv (threshold, comparator, source, label) plus one small
function here, registered by its id. Items with comparator `judged` are read from
judged_items.csv and are 待评估 when no record exists, never a silent pass. Percentages are
computed from raw counts and kept unrounded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from statistics import NormalDist

import pandas as pd

from ..i18n import Say, join, split, term
from . import exact
from .rules import PROFILES, Rule, Rules

MET, NOT_MET, PENDING, NO_DATA, NOT_APPLICABLE = "达标", "未达标", "待评估", "无数据", "不适用"
PART_OF = {"G": "政府保障程度", "B": "政府保障程度", "Q": "教育质量", "S": "社会认可度", "V": "一票否决"}
_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4}
_LEVEL_NAME = {v: k for k, v in _ROMAN.items()}


@dataclass
class Item:
    status: str
    value: float | None = None
    evidence: Say = Say("", "")
    evidence_url: str = ""
    checks: pd.DataFrame | None = None                 # per-school rows for school_checks (CHECK_COLUMNS)


def _fmt(x: float, digits: int = 2, vs: float | None = None) -> str:
    """A figure for evidence text; beside its threshold `vs`, with as many digits as its side needs (exact.shown)."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return exact.shown(x, vs, digits)


def _pct(num: float, den: float) -> float | None:
    """A percentage of raw counts, exact at the threshold (an exact.Ratio); None for a zero denominator."""
    return exact.ratio(num, den, 100)


_SEMI = Say("；", "; ")


def _req(rules: list[Rule], conditions: list[Rule] = ()) -> str:
    """What an item asks, as a short phrase: its own rows' requirement (one a level), then each further condition its
    verdict checks, by name (学校规模（一贯制学校义务教育阶段） ≤ 2,500人), so the figure a reader sees is never the only one."""
    def one(rule: Rule, named: bool = False) -> str:
        if rule.comparator == "judged":
            return f"{rule.name}：依据材料认定" if named else "依据材料认定"
        if rule.comparator == "composite":
            return "每所学校均达到各分项要求"
        unit = rule.unit if rule.unit not in ("", "倍") else ""
        text = f"{rule.comparator.replace('>=', '≥').replace('<=', '≤')} {_fmt(rule.threshold)}{unit}"
        text = f"{rule.name} {text}" if named else text
        return text if rule.level == "全部" else f"{rule.level} {text}"
    return "；".join([*(one(r) for r in rules), *(one(r, named=True) for r in conditions)])


def _all_of(*oks: bool | None) -> str:
    """The status of an item of several conditions: 未达标 as soon as one of them is surely not met (what cannot be
    computed cannot save it), else 无数据 when one cannot be computed, else 达标: as _per_school and the parts do."""
    return NOT_MET if any(ok is not None and not ok for ok in oks) else (NO_DATA if any(ok is None for ok in oks) else MET)


def _no_finance_row(y: int) -> Say:
    return Say(f"无数据：school_finance.csv 中没有该校 {y} 年的经费记录", f"no data: school_finance.csv has no {y} row for this school")


def _row_of(df: pd.DataFrame, year: int, col: str = "year") -> pd.Series | None:
    r = df[df[col] == year]
    return None if r.empty else r.iloc[0]


class _Ctx:
    def __init__(self, t: dict, rules: Rules):
        self.t, self.rules = t, rules
        self.schools = t["schools"].set_index("school_id")
        lv = t["school_levels"].copy()
        lv["school_type"] = lv["school_id"].map(self.schools["school_type"])
        self.levels = lv
        self.judged = t["judged_items"].set_index(["year", "item_id"])
        self.names = self.schools["school_name"].to_dict()
        self.types = self.schools["school_type"].to_dict()
        self.areas = self.schools["area_type"].to_dict()
        self._memo: dict = {}

    def once(self, key, make):
        """make() computed once per key: per-year facts the two profiles share (the rules differ, the data do not)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def name(self, sid: str) -> str:
        return self.names[sid]


def _judged(ctx: _Ctx, y: int, p: str, item: str) -> Item:
    key = (y, item)
    if key not in ctx.judged.index:
        return Item(PENDING, evidence=Say("尚无认定记录（待评估）。", "No judgement recorded yet (pending)."))
    r = ctx.judged.loc[key]
    url = "" if pd.isna(r["evidence_url"]) else str(r["evidence_url"])
    return Item(MET if r["status"] == "达标" else NOT_MET, evidence=Say(f"{r['judged_by']}于 {r['judged_on']} 认定：{r['evidence']}",
                                                                        f"Judged by {r['judged_by']} on {r['judged_on']}: {r['evidence']}"),
                evidence_url=url)


CHECK_COLUMNS = ["year", "profile", "item_id", "school_id", "school_name", "level", "value", "threshold", "meets", "detail", "detail_en"]


def _checks(ctx, y, p, item, sids: list, values: list, thresholds, meets: list, details: list[Say], levels="全部") -> pd.DataFrame:
    """Per-school check rows for one item, year and profile (one column per list; scalars apply to every row).
    A school without data has value and meets None (null in the output)."""
    if not sids:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    return pd.DataFrame(dict(year=y, profile=p, item_id=item, school_id=sids, school_name=[ctx.names.get(s, s) for s in sids],
                             level=levels, value=[None if v is None else float(v) for v in values], threshold=thresholds,
                             meets=[None if m is None else bool(m) for m in meets], **split(details, "detail")), columns=CHECK_COLUMNS)


def _names(names: list) -> Say:
    more = len(names) > 8
    return Say("、".join(names[:8]) + (f" 等 {len(names)} 所" if more else ""), ", ".join(names[:8]) + (f" ({len(names)} in all)" if more else ""))


def _as_key(rule: Rule) -> tuple:
    """What a rule's verdicts and wording depend on: the two profiles share per-school work where these agree."""
    return rule.comparator, rule.threshold, rule.unit


def _per_school(checks: pd.DataFrame) -> Item:
    """未达标 if any school fails; 无数据 if none fails but any lacks data; 达标 only when every school has data and meets."""
    if checks.empty:
        return Item(MET, 0, evidence=Say("没有适用的学校。", "No school this applies to."), checks=checks)
    missing = checks["meets"].isna()
    failing = checks.loc[~missing & (checks["meets"] == False), "school_name"].tolist()     # noqa: E712 (object column)
    lacking = checks.loc[missing, "school_name"].tolist()
    ok = len(checks) - len(failing) - len(lacking)
    ev = Say(f"{ok}/{len(checks)} 所学校达标", f"{ok} of {len(checks)} schools meet it") \
        + (Say("；未达标：", "; not met: ") + _names(failing) if failing else "") \
        + (Say("；无数据：", "; no data: ") + _names(lacking) + Say("（数据补齐前本项不能判定为达标）",
                                                                 " (the item cannot be met until the data is complete)") if lacking else "") \
        + ("" if failing or lacking else Say("。", "."))
    status = NOT_MET if failing else (NO_DATA if lacking else MET)
    return Item(status, float(len(failing)), evidence=ev, checks=checks)


def _compulsory(ctx: _Ctx, y: int) -> pd.DataFrame:
    """The year's 小学 and 初中 rows of school_levels."""
    return ctx.once(("compulsory", y), lambda: ctx.levels[(ctx.levels["year"] == y) & ctx.levels["level"].isin(["小学", "初中"])])


def _sum_by_school(ctx: _Ctx, y: int, column: str = "students") -> tuple[list, list]:
    """Compulsory-education (小学 + 初中) sums per school, in school-id order: (school ids, integer sums)."""
    def make():
        sums = _compulsory(ctx, y).groupby("school_id", sort=True)[column].sum()
        return sums.index.astype(object).tolist(), [int(v) for v in sums.tolist()]
    return ctx.once(("sum", y, column), make)


# ------------------------------------------------------------------ G items

def g3(ctx: _Ctx, y: int, p: str) -> Item:
    per = ctx.rules.param("G3.classes_per_room", p)
    music, art = ctx.rules.need("G3.music_area", p), ctx.rules.need("G3.art_area", p)

    def make():
        rooms = ctx.t["special_rooms"]
        rooms = rooms[rooms["year"] == y]
        counts = {}
        for rtype, rule in (("音乐", music), ("美术", art)):
            r = rooms[rooms["room_type"] == rtype]
            ok = rule.meets_series(r["area_m2"])
            counts[rtype] = (ok.groupby(r["school_id"]).sum(), (~ok).groupby(r["school_id"]).sum())
        sids, classes = _sum_by_school(ctx, y, "classes")
        needs = [max(1, math.ceil(c / per)) for c in classes]
        oks = [True] * len(sids)
        parts: list[list[Say]] = [[] for _ in sids]
        for rtype, rule in (("音乐", music), ("美术", art)):
            good = [int(v) for v in pd.Series(counts[rtype][0], dtype="float64").reindex(sids, fill_value=0).tolist()]
            small = [int(v) for v in pd.Series(counts[rtype][1], dtype="float64").reindex(sids, fill_value=0).tolist()]
            limit, rtype_en = _fmt(rule.threshold), term(rtype)
            for i, need in enumerate(needs):
                oks[i] &= good[i] >= need
                parts[i].append(Say(f"{rtype}教室达标 {good[i]}/{need} 间", f"{rtype_en} rooms large enough: {good[i]} of {need}")
                                + (Say(f"（另有 {small[i]} 间不足 {limit} 平方米）", f" (and {small[i]} under {limit} m²)") if small[i] else ""))
        details = [Say(f"{c} 个班，需音乐、美术教室各 {need} 间：", f"{c} classes, needs {need} music and {need} art room{'s' if need > 1 else ''}: ")
                   + join(_SEMI, pt) for c, need, pt in zip(classes, needs, parts)]
        return sids, classes, needs, oks, details
    sids, classes, needs, oks, details = ctx.once(("g3", y, per, _as_key(music), _as_key(art)), make)
    return _per_school(_checks(ctx, y, p, "G3", sids, classes, [float(n) for n in needs], oks, details))


def g4(ctx: _Ctx, y: int, p: str) -> Item:
    sids, students = _sum_by_school(ctx, y)
    plain, combined = ctx.rules.need("G4", p), ctx.rules.need("G4.combined", p)
    rules = [combined if ctx.types[s] in ("九年一贯制学校", "十二年一贯制学校") else plain for s in sids]

    def make():
        limit = {False: _fmt(plain.threshold), True: _fmt(combined.threshold)}      # by "a 一贯制 school"
        details = [Say(f"义务教育阶段在校生 {n:,} 人（上限 {limit[r is combined]} 人{'，一贯制学校' if r is combined else ''}）",
                       f"{n:,} students in compulsory education (limit {limit[r is combined]}{', a through-train school' if r is combined else ''})")
                   for n, r in zip(students, rules)]
        return [r.meets(n) for n, r in zip(students, rules)], details
    meets, details = ctx.once(("g4", y, _as_key(plain), _as_key(combined)), make)
    return _per_school(_checks(ctx, y, p, "G4", sids, students, [r.threshold for r in rules], meets, details))


def g5(ctx: _Ctx, y: int, p: str) -> Item:
    def make():
        lv = _compulsory(ctx, y)
        lv = lv.assign(_o=lv["level"].map({"小学": 0, "初中": 1})).sort_values(["school_id", "_o"])
        sizes: dict[str, list] = {}
        for sid, lvl, m in zip(lv["school_id"].astype(object).tolist(), lv["level"].astype(object).tolist(), lv["max_class_size"].tolist()):
            sizes.setdefault(sid, []).append((lvl, int(m)))
        return sizes
    rule_of = {lvl: ctx.rules.need("G5", p, lvl) for lvl in ("小学", "初中")}

    def checked():
        by_school = {sid: [(lvl, m, rule_of[lvl]) for lvl, m in levels] for sid, levels in ctx.once(("g5", y), make).items()}
        sids = sorted(by_school)
        worst = [max(by_school[s], key=lambda t: t[1] - t[2].threshold) for s in sids]
        oks = [all(rule.meets(m) for _, m, rule in by_school[s]) for s in sids]
        said = {lvl: (_fmt(rule.threshold), term(lvl)) for lvl, rule in rule_of.items()}
        details = [join(_SEMI, (Say(f"{lvl}最大班额 {m} 人（上限 {said[lvl][0]}）",
                                    f"largest {said[lvl][1]} class {m} students (limit {said[lvl][0]})") for lvl, m, _ in by_school[s]))
                   for s in sids]
        return sids, worst, oks, details
    sids, worst, oks, details = ctx.once(("g5 checks", y, *(_as_key(r) for r in rule_of.values())), checked)
    return _per_school(_checks(ctx, y, p, "G5", sids, [w[1] for w in worst], [w[2].threshold for w in worst], oks, details,
                               levels=[w[0] for w in worst]))


def g6(ctx: _Ctx, y: int, p: str) -> Item:
    """Every village primary school (乡村 小学) and every teaching point (教学点, wherever it is) with fewer students
    than the floor is granted public funds of at least the floor's students at its area's primary base rate."""
    rule = ctx.rules.need("G6", p)
    floor = rule.threshold
    base = ctx.t["funding_baselines"]
    base = base[(base["year"] == y) & (base["level"] == "小学")]
    rates = dict(zip(base["area_type"].astype(object), base["per_student_yuan"]))
    fin = ctx.t["school_finance"]
    granted_of = dict(zip(fin.loc[fin["year"] == y, "school_id"].astype(object), fin.loc[fin["year"] == y, "public_funds_granted_yuan"]))
    picked = [(sid, n) for sid, n in zip(*_sum_by_school(ctx, y))
              if (ctx.types[sid] == "教学点" or (ctx.types[sid] == "小学" and ctx.areas[sid] == "乡村")) and n < floor]
    sids, values, details = [], [], []
    for sid, n in picked:
        area = ctx.areas[sid]
        sids.append(sid)
        if sid not in granted_of or area not in rates:      # never dropped: the item cannot pass without it
            values.append(None)
            details.append(Say(f"无数据：缺少该校 {y} 年拨付的公用经费或{area}小学的生均公用经费基准定额",
                               f"no data: this school's {y} public funds granted, or the {term(area)} primary base rate, is missing"))
            continue
        granted, rate = float(granted_of[sid]), float(rates[area])
        funded_as = exact.ratio(granted, rate)
        values.append(funded_as)
        details.append(Say(f"在校生 {n:,} 人，拨付公用经费 {_fmt(granted)} 元 ÷ 定额 {_fmt(rate)} 元 = 按 {_fmt(funded_as, vs=floor)} 人核定（应不少于 {_fmt(floor)} 人）",
                           f"{n:,} students; public funds granted {_fmt(granted)} yuan ÷ base rate {_fmt(rate)} yuan = funded as "
                           f"{_fmt(funded_as, vs=floor)} students (at least {_fmt(floor)} required)"))
    return _per_school(_checks(ctx, y, p, "G6", sids, values, floor, [rule.meets(v) for v in values], details))


def g7(ctx: _Ctx, y: int, p: str) -> Item:
    rule = ctx.rules.need("G7", p)
    fin = ctx.t["school_finance"]
    fin = fin[fin["year"] == y].set_index("school_id")
    lv = ctx.levels[(ctx.levels["year"] == y) & (ctx.levels["school_type"] == "特殊教育学校")]
    sids, values, details = [], [], []
    for sid, g in lv.groupby("school_id", sort=True):
        n = int(g["students"].sum())
        if not n:
            continue
        sids.append(sid)
        if sid not in fin.index:                # never dropped: the item cannot pass without it
            values.append(None)
            details.append(_no_finance_row(y))
            continue
        per = exact.ratio(float(fin.at[sid, "public_funds_granted_yuan"]), n)
        values.append(per)
        details.append(Say(f"生均公用经费 {_fmt(per, vs=rule.threshold)} 元（{n} 名学生）",
                           f"public funds {_fmt(per, vs=rule.threshold)} yuan per student ({n} students)"))
    if not sids:
        return Item(NO_DATA, evidence=Say("当年没有特殊教育学校的经费与学生数据。", "No special school's funding and student figures this year."))
    it = _per_school(_checks(ctx, y, p, "G7", sids, values, rule.threshold, [rule.meets(v) for v in values], details))
    known = [v for v in values if v is not None]
    it.value = min(known) if known else None
    return it


_MISSING_TEACHERS = Say("缺少当年教师队伍数据。", "This year's teacher workforce data is missing.")


def g8(ctx: _Ctx, y: int, p: str) -> Item:
    r = _row_of(ctx.t["teacher_workforce"], y)
    if r is None:
        return Item(NO_DATA, evidence=_MISSING_TEACHERS)
    rule = ctx.rules.need("G8", p)
    ratio = exact.ratio(float(r["teacher_avg_pay_yuan"]), float(r["civil_servant_avg_pay_yuan"]))
    full = bool(r["is_performance_pay_full"])
    ok = rule.meets(ratio)
    ev = Say(f"教师年平均工资 {_fmt(r['teacher_avg_pay_yuan'])} 元 ÷ 公务员 {_fmt(r['civil_servant_avg_pay_yuan'])} 元 = "
             f"{_fmt(ratio, 3, vs=rule.threshold)}；绩效工资总量{'已' if full else '未'}足额核定",
             f"teachers' average pay {_fmt(r['teacher_avg_pay_yuan'])} yuan ÷ civil servants' {_fmt(r['civil_servant_avg_pay_yuan'])} yuan = "
             f"{_fmt(ratio, 3, vs=rule.threshold)}; the performance-pay total {'is' if full else 'is not'} fully set")
    return Item(_all_of(ok, full), ratio, ev)


def _ratio_item(ctx, y, p, item, table, num, den, what: Say) -> Item:
    r = _row_of(ctx.t[table], y)
    if r is None:
        return Item(NO_DATA, evidence=Say(f"缺少当年 {table}.csv 数据。", f"This year's {table}.csv data is missing."))
    rule = ctx.rules.need(item, p)
    v = _pct(float(r[num]), float(r[den]))
    ok = rule.meets(v)
    return Item(NO_DATA if ok is None else (MET if ok else NOT_MET), v,
                what + Say("：", ": ") + f"{_fmt(r[num])} ÷ {_fmt(r[den])} = {_fmt(v, 2, vs=rule.threshold)}%")


def g9(ctx, y, p):
    return _ratio_item(ctx, y, p, "G9", "teacher_workforce", "training_done", "training_due", Say("完成 360 学时培训的教师 ÷ 应培训教师",
                                                                                               "teachers who completed 360 hours of training ÷ teachers due"))


def g11(ctx: _Ctx, y: int, p: str) -> Item:
    r = _row_of(ctx.t["teacher_workforce"], y)
    if r is None:
        return Item(NO_DATA, evidence=_MISSING_TEACHERS)
    share = _pct(float(r["rotated"]), float(r["rotation_eligible"]))
    key = _pct(float(r["key_rotated"]), float(r["rotated"]))
    a, b = ctx.rules.need("G11", p).meets(share), ctx.rules.need("G11.key", p).meets(key)
    need, need_key = ctx.rules.param("G11", p), ctx.rules.param("G11.key", p)
    ev = Say(f"交流轮岗 {_fmt(r['rotated'])} ÷ 符合条件 {_fmt(r['rotation_eligible'])} = {_fmt(share, vs=need)}%"
             f"（要求 ≥ {_fmt(need)}%）；其中骨干教师 {_fmt(r['key_rotated'])} 人，占 {_fmt(key, vs=need_key)}%（要求 ≥ {_fmt(need_key)}%）",
             f"rotated {_fmt(r['rotated'])} ÷ eligible {_fmt(r['rotation_eligible'])} = {_fmt(share, vs=need)}% (≥ {_fmt(need)}% required); "
             f"of them {_fmt(r['key_rotated'])} key teachers, {_fmt(key, vs=need_key)}% (≥ {_fmt(need_key)}% required)")
    return Item(_all_of(a, b), share, ev)


def g12(ctx: _Ctx, y: int, p: str) -> Item:
    lv = ctx.levels[(ctx.levels["year"] == y) & (ctx.levels["level"] != "高中")]
    v = _pct(float(lv["certified_teachers"].sum()), float(lv["teachers"].sum()))
    rule = ctx.rules.need("G12", p)
    ok = rule.meets(v)
    return Item(NO_DATA if ok is None else (MET if ok else NOT_MET), v,
                Say(f"持证专任教师 {_fmt(lv['certified_teachers'].sum())} ÷ 专任教师 {_fmt(lv['teachers'].sum())} = {_fmt(v, vs=rule.threshold)}%（义务教育阶段）",
                    f"certified full-time teachers {_fmt(lv['certified_teachers'].sum())} ÷ full-time teachers {_fmt(lv['teachers'].sum())} = "
                    f"{_fmt(v, vs=rule.threshold)}% (compulsory education)"))


def g13(ctx: _Ctx, y: int, p: str) -> Item:
    lv = ctx.levels[(ctx.levels["year"] == y) & ctx.levels["level"].isin(["小学", "初中"])]
    s = ctx.schools
    pick = lv["school_id"].map(s["area_type"]).isin(["城区", "镇区"]) & lv["school_id"].map(s["ownership"]).eq("公办") \
        & ~lv["school_id"].map(s["is_boarding"]).astype(bool)
    lv = lv[pick]
    parts, oks, worst = [], [], None
    for level in ("小学", "初中"):
        g = lv[lv["level"] == level]
        v = _pct(float(g["entrants_nearby"].sum()), float(g["entrants"].sum()))
        rule = ctx.rules.need("G13", p, level)
        oks.append(rule.meets(v))
        worst = v if worst is None or (v is not None and v < worst) else worst
        figures = f"{_fmt(g['entrants_nearby'].sum())}/{_fmt(g['entrants'].sum())} = {_fmt(v, vs=rule.threshold)}%"
        parts.append(Say(f"{level} {figures}（要求 ≥ {_fmt(rule.threshold)}%）", f"{term(level)} {figures} (≥ {_fmt(rule.threshold)}% required)"))
    ev = Say("城区和镇区公办非寄宿制学校就近划片入学：", "entrants to urban and town public day schools admitted in their catchment: ") + join(_SEMI, parts)
    return Item(_all_of(*oks), worst, ev)


def g14(ctx: _Ctx, y: int, p: str) -> Item:
    r = _row_of(ctx.t["access"], y)
    if r is None:
        return Item(NO_DATA, evidence=Say("缺少当年招生数据。", "This year's admissions data is missing."))
    v = _pct(float(r["quota_allocated"]), float(r["quota_total"]))
    rural_alloc = _pct(float(r["quota_allocated_rural"]), float(r["quota_allocated"]))
    rural_grads = _pct(float(r["junior_graduates_rural"]), float(r["junior_graduates"]))
    rule = ctx.rules.need("G14", p)
    ok = rule.meets(v)
    lean = None if rural_alloc is None or rural_grads is None else exact.compare(rural_alloc, ">=", rural_grads.exact)
    ev = Say(f"分配名额 {_fmt(r['quota_allocated'])} ÷ 招生计划 {_fmt(r['quota_total'])} = {_fmt(v, vs=rule.threshold)}%；"
             f"农村初中获得名额占 {_fmt(rural_alloc, vs=rural_grads)}%，农村毕业生占 {_fmt(rural_grads)}%（{'无法判断是否向农村倾斜' if lean is None else '向农村倾斜' if lean else '未向农村倾斜'}）",
             f"places allocated {_fmt(r['quota_allocated'])} ÷ enrolment plan {_fmt(r['quota_total'])} = {_fmt(v, vs=rule.threshold)}%; "
             f"rural junior secondary schools got {_fmt(rural_alloc, vs=rural_grads)}% of the places and have {_fmt(rural_grads)}% of the graduates "
             f"({'cannot tell whether weighted towards rural schools' if lean is None else 'weighted towards rural schools' if lean else 'not weighted towards rural schools'})")
    return Item(_all_of(ok, lean), v, ev)


def g15(ctx: _Ctx, y: int, p: str) -> Item:
    r = _row_of(ctx.t["access"], y)
    if r is None:
        return Item(NO_DATA, evidence=Say("缺少当年随迁子女数据。", "This year's data on migrant children is missing."))
    num = float(r["migrant_in_public"]) + float(r["migrant_in_purchased"])
    v = _pct(num, float(r["migrant_eligible"]))
    rule = ctx.rules.need("G15", p)
    ok = rule.meets(v)
    care = _judged(ctx, y, p, "G15b")
    ev = Say(f"公办学校与政府购买服务民办学校就读的随迁子女 {_fmt(num)} ÷ 符合条件 {_fmt(r['migrant_eligible'])} = {_fmt(v, vs=rule.threshold)}%；"
             f"留守儿童关爱体系：{care.status}。",
             f"migrant children in public schools and in private schools with government-bought places {_fmt(num)} ÷ eligible "
             f"{_fmt(r['migrant_eligible'])} = {_fmt(v, vs=rule.threshold)}%; care system for left-behind children: {term(care.status)}. ") + care.evidence
    status = _all_of(ok, {MET: True, NOT_MET: False}.get(care.status))
    if status == NO_DATA and ok is not None:        # the rate is met, the care system not yet judged
        status = PENDING
    return Item(status, v, ev, care.evidence_url)


def b1(ctx: _Ctx, y: int, p: str) -> Item:
    cur, prev = _row_of(ctx.t["county_finance"], y), _row_of(ctx.t["county_finance"], y - 1)
    if cur is None or prev is None:
        return Item(NO_DATA, evidence=Say("需要当年和上一年的教育经费数据才能判断“只增不减”。",
                                          "This year's and last year's education spending are both needed to tell whether it only rose."))
    rule = ctx.rules.need("B1", p)
    cols = {"edu_expenditure_yuan": Say("一般公共预算教育支出", "general public budget spending on education"),
            "primary_per_student_yuan": Say("小学生均", "per primary student"), "junior_per_student_yuan": Say("初中生均", "per junior secondary student")}
    changes = {c: float(cur[c]) - float(prev[c]) for c in cols}
    ok = all(rule.meets(v) for v in changes.values())
    ev = join(_SEMI, (cols[c] + Say(f" {_fmt(prev[c])} → {_fmt(cur[c])} 元（{'+' if d >= 0 else ''}{_fmt(d)}）",
                                     f" {_fmt(prev[c])} → {_fmt(cur[c])} yuan ({'+' if d >= 0 else ''}{_fmt(d)})") for c, d in changes.items()))
    return Item(MET if ok else NOT_MET, min(changes.values()), ev)


# ------------------------------------------------------------------ Q items

def q1(ctx: _Ctx, y: int, p: str) -> Item:
    years = int(ctx.rules.param("Q1.cohort_years", p))
    junior = int(ctx.t["county"]["junior_years"].iloc[0])
    if years != junior:        # e.g. the national 3-year cohort in a 5-4 county: no such cohort exists
        return Item(NOT_APPLICABLE, evidence=Say(f"本县初中学制为 {junior} 年，没有 {years} 年的初中队列，这一口径的 {years} 年巩固率不适用；"
                                                 f"巩固率按 {junior} 年队列计算的结果见另一口径。",
                                                 f"Junior secondary school lasts {junior} years in this county, so there is no {years}-year cohort and "
                                                 f"this profile's {years}-year retention rate does not apply; the other profile gives the rate for the "
                                                 f"{junior}-year cohort."))
    c = ctx.t["cohorts"]
    r = c[(c["graduation_year"] == y) & (c["cohort_years"] == years)]
    if r.empty:
        return Item(NO_DATA, evidence=Say(f"缺少 {y} 年毕业的 {years} 年队列数据。", f"The data of the {years}-year cohort graduating in {y} is missing."))
    r = r.iloc[0]
    den = float(r["entrants"]) - float(r["deaths"])
    v = _pct(float(r["graduates"]) - float(r["transferred_in"]) + float(r["transferred_out"]), den)
    rule = ctx.rules.need("Q1", p)
    ok = rule.meets(v)
    ev = Say(f"{years} 年巩固率 =（毕业生 {_fmt(r['graduates'])} − 转入 {_fmt(r['transferred_in'])} + 转出 {_fmt(r['transferred_out'])}）"
             f" ÷（{int(r['entry_year'])} 年入学 {_fmt(r['entrants'])} − 死亡 {_fmt(r['deaths'])}）= {_fmt(v, vs=rule.threshold)}%",
             f"{years}-year retention = (graduates {_fmt(r['graduates'])} − transferred in {_fmt(r['transferred_in'])} + transferred out "
             f"{_fmt(r['transferred_out'])}) ÷ (entrants in {int(r['entry_year'])} {_fmt(r['entrants'])} − deaths {_fmt(r['deaths'])}) = "
             f"{_fmt(v, vs=rule.threshold)}%")
    return Item(NO_DATA if ok is None else (MET if ok else NOT_MET), v, ev)


def q2(ctx: _Ctx, y: int, p: str) -> Item:
    r = _row_of(ctx.t["disabled_children"], y)
    if r is None:
        return Item(NO_DATA, evidence=Say("缺少当年残疾儿童少年数据。", "This year's data on children with disabilities is missing."))
    enrolled = sum(float(r[c]) for c in ("in_regular_class", "in_special_class", "in_special_school", "home_taught"))
    v = _pct(enrolled, float(r["children_of_age"]))
    rule = ctx.rules.need("Q2", p)
    ok = rule.meets(v)
    return Item(NO_DATA if ok is None else (MET if ok else NOT_MET), v,
                Say(f"入学（含随班就读、特教班、特教学校、送教上门）{_fmt(enrolled)} ÷ 适龄 {_fmt(r['children_of_age'])} = {_fmt(v, vs=rule.threshold)}%",
                    f"enrolled (in regular classes, special classes, special schools or taught at home) {_fmt(enrolled)} ÷ of school age "
                    f"{_fmt(r['children_of_age'])} = {_fmt(v, vs=rule.threshold)}%"))


def q4(ctx: _Ctx, y: int, p: str) -> Item:
    """Every school spends at least the threshold share of its 公用经费 budget on teacher training. A school of the
    year with no finance row, or a zero or blank budget, is 无数据: never dropped, and the item cannot pass."""
    rule = ctx.rules.need("Q4", p)

    def make():
        fin = ctx.t["school_finance"]
        fin = fin[fin["year"] == y]
        rows = dict(zip(fin["school_id"].astype(object).tolist(), zip(fin["training_spend_yuan"].tolist(),
                                                                        fin["public_funds_budget_yuan"].tolist())))
        sids = sorted(set(_sum_by_school(ctx, y)[0]) | set(rows))
        values, meets, details = [], [], []
        for sid in sids:
            spend, budget = rows.get(sid, (None, None))
            v = None if spend is None or pd.isna(spend) else _pct(float(spend), None if pd.isna(budget) else float(budget))
            values.append(v)
            meets.append(rule.meets(v))
            if sid not in rows:
                details.append(_no_finance_row(y))
            elif v is None:
                b, s_ = (_fmt(budget) if not pd.isna(budget) else None), (_fmt(spend) if not pd.isna(spend) else None)
                details.append(Say(f"无数据：公用经费预算为 {b or '空'}、教师培训经费为 {s_ or '空'}，无法计算比例",
                                   f"no data: the public funds budget is {b or 'blank'} and training spending {s_ or 'blank'}, so no share can be computed"))
            else:
                sp, bu, sh = _fmt(spend), _fmt(budget), _fmt(v, vs=rule.threshold)
                details.append(Say(f"教师培训经费 {sp} 元 ÷ 公用经费预算 {bu} 元 = {sh}%",
                                   f"teacher training {sp} yuan ÷ public funds budget {bu} yuan = {sh}%"))
        return sids, values, meets, details
    sids, values, meets, details = ctx.once(("q4", y, _as_key(rule)), make)
    return _per_school(_checks(ctx, y, p, "Q4", sids, values, rule.threshold, meets, details))


def q9(ctx: _Ctx, y: int, p: str) -> Item:
    qm = ctx.t["quality_monitoring"]
    done = qm[qm["year"] <= y]
    if done.empty:
        return Item(NO_DATA, evidence=Say("截至当年尚无国家义务教育质量监测结果。", "No national compulsory-education quality monitoring result yet."))
    last = int(done["year"].max())
    g = done[done["year"] == last]
    lvl_rule, diff_rule = ctx.rules.need("Q9", p), ctx.rules.need("Q9.diff", p)
    bad = [Say(f"{r.subject}{r.grade}年级（{r.level_reached}级，差异率 {_fmt(r.school_diff_rate)}）",
               f"{term(r.subject)}, grade {r.grade} (level {r.level_reached}, difference rate {_fmt(r.school_diff_rate)})")
           for r in g.itertuples(index=False) if not (lvl_rule.meets(_ROMAN[r.level_reached]) and diff_rule.meets(float(r.school_diff_rate)))]
    level = _LEVEL_NAME.get(int(lvl_rule.threshold), lvl_rule.threshold)
    ev = Say(f"采用 {last} 年监测结果（{len(g)} 个科目年级）", f"the {last} monitoring results ({len(g)} subject-grades)") + (
        Say("；未达要求：", "; not met: ") + join(Say("、", ", "), bad) if bad else
        Say(f"：全部达到{level}级以上且校际差异率低于 {_fmt(diff_rule.threshold)}",
            f": all at level {level} or above, with a difference rate between schools below {_fmt(diff_rule.threshold)}"))
    return Item(NOT_MET if bad else MET, float(min(_ROMAN[v] for v in g["level_reached"])), ev)


# ------------------------------------------------------------------ S items

def wilson(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval for a proportion."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def s1(ctx: _Ctx, y: int, p: str) -> Item:
    sv = ctx.t["satisfaction"]
    g = sv[sv["year"] == y]
    n, k = int(g["responded"].sum()), int(g["satisfied"].sum())
    if not n:
        return Item(NO_DATA, evidence=Say("当年没有社会认可度调查数据。", "No public-recognition survey this year."))
    rule = ctx.rules.need("S1", p)
    conf = ctx.rules.param("S1.confidence", p)
    lo, hi = wilson(k, n, conf)
    v = _pct(k, n)
    # the method's rule is the plain rate against the threshold; the interval is context, never the verdict
    status = MET if rule.meets(v) else NOT_MET
    straddles = rule.meets(hi * 100) and not rule.meets(lo * 100)
    ev = Say(f"满意 {k:,} ÷ 有效问卷 {n:,} = {_fmt(v, vs=rule.threshold)}%（按办法以满意率本身判定）；"
             f"供参考：{conf:.0%} 置信区间 {lo * 100:.1f}%–{hi * 100:.1f}%（抽样 {int(g['sampled'].sum()):,} 人，{len(g)} 个群体）"
             + ("，区间跨过阈值，抽样误差可能改变结论" if straddles else ""),
             f"satisfied {k:,} ÷ valid questionnaires {n:,} = {_fmt(v, vs=rule.threshold)}% (judged on the rate itself, as the method says); "
             f"for reference: {conf:.0%} confidence interval {lo * 100:.1f}%–{hi * 100:.1f}% ({int(g['sampled'].sum()):,} sampled, {len(g)} groups)"
             + (", the interval crosses the threshold, so sampling error could change the verdict" if straddles else ""))
    return Item(status, v, ev)


ITEMS = {"G3": g3, "G4": g4, "G5": g5, "G6": g6, "G7": g7, "G8": g8, "G9": g9, "G11": g11, "G12": g12, "G13": g13,
         "G14": g14, "G15": g15, "B1": b1, "Q1": q1, "Q2": q2, "Q4": q4, "Q9": q9, "S1": s1}


def item_order(item: str) -> tuple:
    """The method's order of items: G, B, Q, S, V, each by number (G2 before G10)."""
    return ({"G": 0, "B": 1, "Q": 2, "S": 3, "V": 4}[item[0]], int(re.sub(r"\D", "", item) or 0))


def county_items(t: dict, rules: Rules, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per year × profile × item; and per-school check rows."""
    ctx = _Ctx(t, rules)
    rows, checks = [], []
    for p in PROFILES:
        ids = [i for i in set(rules.items(p, "G") + rules.items(p, "B") + rules.items(p, "Q") + rules.items(p, "S") + rules.items(p, "V"))
               if not re.fullmatch(r"[A-Z]\d+[a-z]", i)]   # sub-items such as G15b are folded into their item
        for item in sorted(ids, key=item_order):
            level_rules = rules.levels_of(item, p)
            rule = level_rules[-1]
            for y in years:
                fn = ITEMS.get(item)
                if fn is None and rule.comparator == "judged":
                    res = _judged(ctx, y, p, item)
                elif fn is None:
                    raise NotImplementedError(f"规则 {item} 没有计算函数（pipeline/indicators/county.py 的 ITEMS）。")
                else:
                    res = fn(ctx, y, p)
                if item.startswith("V") and res.status == NOT_MET:
                    res.evidence = Say("触发一票否决：", "Veto triggered: ") + res.evidence
                rows.append(dict(year=y, profile=p, part=PART_OF[item[0]], item_id=item, name=rule.name, value=res.value,
                                 threshold=rule.threshold if len(level_rules) == 1 else None, requirement=_req(level_rules, ctx.rules.conditions(item, p)), unit=rule.unit, status=res.status,
                                 evidence=res.evidence.zh, evidence_en=res.evidence.en, evidence_url=res.evidence_url, label=rule.label, source=rule.source))
                if res.checks is not None and not res.checks.empty:
                    checks.append(((y, p, item), res.checks))
    checks.sort(key=lambda c: c[0])     # the output's order (year, profile, item), so its final sort moves nothing
    return pd.DataFrame(rows), (pd.concat([c for _, c in checks], ignore_index=True) if checks else pd.DataFrame(columns=CHECK_COLUMNS))

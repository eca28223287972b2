"""The rules of standards.csv the engine computes from the data, each with the kind of rule it must be; every other
rule is an item judged on evidence.

Validation reads this (it imports nothing heavy) to refuse, before anything is computed, a rule the tool would
silently ignore or could not compute: a misspelt id (G11.kye), a numeric item it has no method for (G16 ≥ 90%), a
computed item marked judged or a threshold given as a parameter. tests/test_rules_as_data.py checks this list against
the rules the engine actually reads.
"""

from __future__ import annotations

import re

PROFILES = ("national", "county")
PROFILE_ZH = {"national": "国家标准", "county": "本县目标"}

PARAM, COMPOSITE, COMPARE = "param", "composite", "compare"
COMPARATORS = {PARAM: ("param",), COMPOSITE: ("composite",), COMPARE: (">=", "<=", ">", "<", "==")}

# computed for every profile, whatever items it lists: the seven indicators and their CV, each with a row for 小学 and
# for 初中 (or one for 全部), and the parameters
BY_LEVEL = (*(f"R{i}" for i in range(1, 8)), "CV")
ALWAYS = (*BY_LEVEL, "P.floor", "P.min_met", "P.tp_cutoff", "P.w_junior", "P.w_senior", "P.w_senior_complete")

COMPUTED: dict[str, str] = {
    **{rid: COMPARE if rid in BY_LEVEL else PARAM for rid in ALWAYS},
    "G3": COMPOSITE, "G3.art_area": COMPARE, "G3.music_area": COMPARE, "G3.classes_per_room": PARAM,
    "G4": COMPARE, "G4.combined": COMPARE, "G5": COMPARE, "G6": COMPARE, "G7": COMPARE, "G8": COMPARE, "G9": COMPARE,
    "G11": COMPARE, "G11.key": COMPARE, "G12": COMPARE, "G13": COMPARE, "G14": COMPARE, "G15": COMPARE,
    "B1": COMPARE,
    "Q1": COMPARE, "Q1.cohort_years": PARAM, "Q2": COMPARE, "Q4": COMPARE, "Q9": COMPARE, "Q9.diff": COMPARE,
    "S1": COMPARE, "S1.confidence": PARAM,
}

# what an item's verdict reads besides its own row: a profile that lists the item needs these too
NEEDS = {"G3": ("G3.art_area", "G3.music_area", "G3.classes_per_room"), "G4": ("G4.combined",), "G11": ("G11.key",),
         "Q1": ("Q1.cohort_years",), "Q9": ("Q9.diff",), "S1": ("S1.confidence",)}

# judged on evidence, and read by another item's verdict: G15b, the care system for left-behind children (in G15)
JUDGED_PARTS = ("G15b",)

# an item judged on evidence: a G, B, Q, S or V and a number; a county may add its own (V4, G16)
JUDGED_ITEM = re.compile(r"[GBQSV][1-9][0-9]*")


def problem(rule_id: str, comparator: str) -> tuple[str, str] | None:
    """Why the engine cannot use this rule of standards.csv as written, and how to fix it (in Chinese); None when it can."""
    kind = COMPUTED.get(rule_id)
    if kind is not None:
        if comparator in COMPARATORS[kind]:
            return None
        want = {PARAM: "param（计算参数）", COMPOSITE: "composite（由分项组成）", COMPARE: "大小比较（>=、<=、>、< 或 ==）"}[kind]
        return (f"规则 {rule_id} 由本工具按数据计算，比较方式不能是 {comparator}。",
                f"请把比较方式改为 {want}，阈值按方法说明填写。")
    if comparator == "judged":
        if JUDGED_ITEM.fullmatch(rule_id) or rule_id in JUDGED_PARTS:
            return None
        return (f"依据材料认定（judged）的事项编号应为 G、B、Q、S 或 V 加数字，{rule_id} 不是，这一行不会被使用。",
                "请检查编号是否写错；本县自己增加的认定事项请编为 G16、V4 这样的编号。")
    if JUDGED_ITEM.fullmatch(rule_id):
        return (f"本工具没有事项 {rule_id} 的计算方法，不能按数据判断它。",
                "如果这是依据材料认定的事项，请把比较方式改为 judged 并清空阈值；否则请检查编号是否写错（各事项的编号见网站的方法说明页）。")
    return (f"本工具不使用规则 {rule_id}，这一行不会起任何作用。",
            "请检查编号是否写错（本工具使用的每条规则及其编号见网站的方法说明页）。")


def missing(rules: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """The rules the engine will read that standards.csv lacks, given its (rule_id, profile, level) rows: each as
    (rule_id, profile, the rule as a reader names it, what needs it), in Chinese."""
    have = set(rules)
    ids = {(rid, p) for rid, p, _ in rules}
    out = []
    for profile in PROFILES:
        for rid in ALWAYS:
            for lv in (("小学", "初中") if rid in BY_LEVEL else ("全部",)):
                if (rid, profile, lv) not in have and (rid, profile, "全部") not in have:
                    out.append((rid, profile, f"{rid}（{lv}）" if rid in BY_LEVEL else rid, "每个口径都要按它计算"))
        for item, needs in NEEDS.items():
            if (item, profile) in ids:
                out += [(rid, profile, rid, f"{item} 的结论要用到它") for rid in needs if (rid, profile) not in ids]
    return out


def unused(rules: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The further conditions standards.csv gives for a profile that lacks their item (G11.key without G11), which
    nothing reads: each as (rule_id, profile, item)."""
    ids = {(rid, p) for rid, p, _ in rules}
    return [(rid, p, item) for item, needs in NEEDS.items() for rid in needs for p in PROFILES
            if (rid, p) in ids and (item, p) not in ids]

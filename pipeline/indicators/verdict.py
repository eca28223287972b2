"""Turn school verdicts, CVs and county items into each part's status and the whole verdict, with reasons.

The county passes only when every school unit meets the 6-of-7 rule, every CV is within its
limit, every G and Q item is met, 社会认可度 is met, and no veto is triggered (STANDARDS.md §5).
"""

from __future__ import annotations

import pandas as pd

from ..i18n import Say, join, term
from . import exact
from .county import MET, NO_DATA, NOT_APPLICABLE, NOT_MET, PENDING
from .rules import PROFILES

PARTS = ("资源配置", "政府保障程度", "教育质量", "社会认可度", "一票否决")
WHOLE = "总体"
_SEMI = Say("；", "; ")


def _combine(statuses: list[str]) -> str:
    statuses = [s for s in statuses if s != NOT_APPLICABLE]      # an item that cannot apply here neither passes nor fails
    if not statuses:
        return NO_DATA
    if NOT_MET in statuses:
        return NOT_MET
    if any(s in (PENDING, NO_DATA) for s in statuses):
        return PENDING
    return MET


def verdicts(school_verdicts: pd.DataFrame, balance: pd.DataFrame, items: pd.DataFrame, names: dict, years: list[int]) -> pd.DataFrame:
    rows = []
    for p in PROFILES:
        for y in years:
            sv = school_verdicts[(school_verdicts["year"] == y) & (school_verdicts["profile"] == p)]
            bl = balance[(balance["year"] == y) & (balance["profile"] == p)]
            it = items[(items["year"] == y) & (items["profile"] == p)]
            reasons: dict[str, list[Say]] = {k: [] for k in PARTS}
            st: dict[str, str] = {}
            # 资源配置: every unit, every CV
            failing = sv[~sv["meets"]]
            for sid, level, reason, reason_en in zip(*(failing[c].tolist() for c in ("school_id", "level", "reason", "reason_en"))):
                name = names.get(sid, sid)
                reasons["资源配置"].append(Say(f"{name}（{level}）：{reason}", f"{name} ({term(level)}): {reason_en}"))
            for r in bl[bl["status"] != MET].itertuples(index=False):
                cv = Say("无法计算", "cannot be computed") if pd.isna(r.cv) else Say.same(exact.shown(r.cv, r.threshold, 3))
                reasons["资源配置"].append(Say(f"{r.level} {r.indicator_id} 差异系数 {cv.zh}（上限 {r.threshold:.2f}）",
                                             f"{term(r.level)} {r.indicator_id} CV {cv.en} (limit {r.threshold:.2f})"))
            st["资源配置"] = NO_DATA if sv.empty else _combine(
                [MET if m else NOT_MET for m in sv["meets"].tolist()] + list(bl["status"].replace({NO_DATA: PENDING})))
            for part in ("政府保障程度", "教育质量", "社会认可度"):
                g = it[it["part"] == part]
                st[part] = _combine(list(g["status"]))
                for r in g[~g["status"].isin([MET, NOT_APPLICABLE])].itertuples(index=False):
                    reasons[part].append(Say(f"{r.item_id} {r.name}：{r.status}", f"{r.item_id} {term(r.name)}: {term(r.status)}"))
            v = it[it["part"] == "一票否决"]
            s1 = it[it["item_id"] == "S1"]
            veto_statuses = list(v["status"]) + [MET if s != NOT_MET else NOT_MET for s in s1["status"]]
            st["一票否决"] = _combine(veto_statuses)
            for r in v[v["status"] != MET].itertuples(index=False):
                status = "触发" if r.status == NOT_MET else r.status
                reasons["一票否决"].append(Say(f"{r.item_id} {r.name}：{status}", f"{r.item_id} {term(r.name)}: {term(status)}"))
            if (s1["status"] == NOT_MET).any():
                reasons["一票否决"].append(Say("社会认可度未达标（一票否决）", "public recognition not met (a veto)"))
            for part in PARTS:
                why = join(_SEMI, reasons[part])
                rows.append(dict(year=y, profile=p, part=part, status=st[part], reasons=why.zh, reasons_en=why.en))
            whole = _combine([st[k] for k in PARTS])
            why = join(_SEMI, (Say(f"{k}{st[k]}", f"{term(k)}: {term(st[k])}") for k in PARTS if st[k] != MET))
            rows.append(dict(year=y, profile=p, part=WHOLE, status=whole, reasons=why.zh, reasons_en=why.en))
    return pd.DataFrame(rows)

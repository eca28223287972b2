"""Turn `standards.csv` into rule lookups: every threshold and parameter is data, with its source."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import exact, known

PROFILES, PROFILE_ZH = known.PROFILES, known.PROFILE_ZH      # the engine's two profiles, defined where validation reads them
# how firm a rule's source is (standards.csv `label`; STANDARDS.md): the code the tables and downloads keep, and the
# words the Chinese pages show for it (the method page gives both; the English pages take the glossary's)
CONFIDENCE_ZH = {"official": "政府文件原文", "secondary": "转载或培训材料", "unverified": "未经核实"}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    profile: str
    level: str
    comparator: str
    threshold: float | None
    unit: str
    label: str
    source: str
    name: str

    def meets(self, value, exact_value=None) -> bool | None:
        """Compare an unrounded value with the threshold in exact decimal arithmetic (see exact.py); None when
        there is no value. A computed value passes its exact form (a Fraction, or a function returning one)."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        if type(value) in (int, float) and exact_value is None:       # the usual case, inline: far from the threshold
            t = self.threshold
            if abs(value - t) > exact.BAND * max(abs(value), abs(t), 1e-300):
                return bool(exact._OPS[self.comparator](value, t))
        return exact.compare(value, self.comparator, self.threshold, exact_value)

    def meets_series(self, values: pd.Series) -> pd.Series:
        """The same comparison for a whole column of values read from the data; a row at the edge is judged as the
        decimal it prints as (computed values are judged at the edge by their callers, e.g. resources._exact_edges)."""
        v = values.astype(float)
        out = pd.Series(np.asarray(exact._OPS[self.comparator](v.to_numpy(), self.threshold), dtype=bool), index=values.index)
        edge = exact.near_array(v.to_numpy(), self.threshold)
        for label in values.index[edge]:
            out.at[label] = exact.compare(v.at[label], self.comparator, self.threshold)
        return out


class Rules:
    def __init__(self, standards: pd.DataFrame):
        self._by = {}
        for r in standards.itertuples(index=False):
            thr = None if pd.isna(r.threshold) else float(r.threshold)
            self._by[(r.rule_id, r.profile, r.level)] = Rule(r.rule_id, r.profile, r.level, r.comparator, thr,
                                                             "" if pd.isna(r.unit) else str(r.unit), r.label, r.source, r.name)

    def get(self, rule_id: str, profile: str, level: str = "全部") -> Rule | None:
        return self._by.get((rule_id, profile, level)) or self._by.get((rule_id, profile, "全部"))

    def need(self, rule_id: str, profile: str, level: str = "全部") -> Rule:
        r = self.get(rule_id, profile, level)
        if r is None:
            raise MissingRule(f"standards.csv 中缺少规则 {rule_id}（口径 {profile}，学段 {level}）：请补上这一行（阈值、来源与可信度）。")
        return r

    def levels_of(self, rule_id: str, profile: str) -> list[Rule]:
        """All rows of one rule in one profile (one per level, or the single 全部 row)."""
        found = [r for k, r in self._by.items() if k[0] == rule_id and k[1] == profile]
        if not found:
            raise MissingRule(f"standards.csv 中缺少规则 {rule_id}（口径 {profile}）：请补上（阈值、来源与可信度）。")
        return sorted(found, key=lambda r: ("小学", "初中", "全部").index(r.level))

    def conditions(self, item: str, profile: str) -> list[Rule]:
        """The further conditions an item's verdict checks besides its own rows: its dotted rules that compare
        (G4.combined, G11.key, Q9.diff; not parameters such as Q1.cohort_years) and its lettered sub-items (G15b)."""
        found = [r for (rid, p, _), r in self._by.items() if p == profile and (
            (rid.startswith(item + ".") and r.comparator in known.COMPARATORS[known.COMPARE]) or re.fullmatch(re.escape(item) + "[a-z]", rid))]
        return sorted(found, key=lambda r: (r.rule_id, ("小学", "初中", "全部").index(r.level)))

    def param(self, rule_id: str, profile: str) -> float:
        return self.need(rule_id, profile).threshold

    def items(self, profile: str, prefix: str) -> list[str]:
        """Item ids (rule ids without a dotted suffix) of one profile that start with `prefix`."""
        ids = {k[0].split(".")[0] for k in self._by if k[1] == profile and k[0].startswith(prefix)}
        return sorted(ids, key=lambda s: (s[0], int("".join(c for c in s[1:] if c.isdigit()) or 0), s))


class MissingRule(RuntimeError):
    pass

"""Turn unit values into the student-weighted 差异系数 (CV) per indicator and level, and who drives it.

For one indicator and level over n units, with P_i students and X_i values:
    P = Σ P_i;  X̄ = Σ P_i·X_i / P;  S = sqrt(Σ P_i·(X_i − X̄)² / P);  CV = S / X̄
weighted by students with divisor P (not n, not n−1), as in STANDARDS.md §1. There is no
composite coefficient (the 2012 basic-balance method averaged eight; not used here).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .resources import INDICATORS, LEVELS
from .rules import PROFILES, Rules


def weighted_cv(students: list[float], values: list[float]) -> tuple[float | None, float | None]:
    """Return (mean, cv); cv is None when the mean is zero or there are no students."""
    p = sum(students)
    if p <= 0:
        return None, None
    mean = sum(pi * xi for pi, xi in zip(students, values)) / p
    if mean == 0:
        return mean, None
    s = math.sqrt(sum(pi * (xi - mean) ** 2 for pi, xi in zip(students, values)) / p)
    return mean, s / mean


def balance(units: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CV rows (year × profile × level × indicator) and each unit's share of the weighted variance."""
    rows, contrib = [], []
    for profile in PROFILES:
        up = units[units["profile"] == profile]
        for year in sorted(up["year"].unique()):
            for level in LEVELS:
                g = up[(up["year"] == year) & (up["level"] == level)]
                rule = rules.need("CV", profile, level)
                for ind in INDICATORS:
                    P, X = g["students"].astype(float).tolist(), g[ind].astype(float).tolist()
                    mean, cv = weighted_cv(P, X)
                    status = "无数据" if cv is None else ("达标" if rule.meets(cv) else "未达标")
                    rows.append(dict(year=int(year), profile=profile, level=level, indicator_id=ind, units=len(g),
                                     students=int(sum(P)), mean=mean, cv=cv, threshold=rule.threshold,
                                     meets=rule.meets(cv), status=status))
                    if cv is None:
                        continue
                    # the squares in Python, as in weighted_cv (C pow() and NumPy's x*x differ in the last bit now
                    # and then); the rest element by element, which is the same IEEE arithmetic
                    square_list = [p * (x - mean) ** 2 for p, x in zip(P, X)]
                    total = sum(square_list)
                    students, values, squares = np.asarray(P), np.asarray(X), np.asarray(square_list)
                    deviation = values - mean
                    contrib.append(pd.DataFrame(dict(
                        year=int(year), profile=profile, level=level, indicator_id=ind, school_id=g["school_id"].to_numpy(dtype=object),
                        students=students.astype("int64"), value=values, deviation=deviation,
                        variance_share=squares / total if total else np.zeros(len(values)))))
    columns = ["year", "profile", "level", "indicator_id", "school_id", "students", "value", "deviation", "variance_share"]
    return pd.DataFrame(rows), (pd.concat(contrib, ignore_index=True) if contrib else pd.DataFrame(columns=columns))

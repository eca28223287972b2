"""Turn unit values into the student-weighted 差异系数 (CV) per indicator and level, and who drives it.

For one indicator and level over n units, with P_i students and X_i values:
    P = Σ P_i;  X̄ = Σ P_i·X_i / P;  S = sqrt(Σ P_i·(X_i − X̄)² / P);  CV = S / X̄
weighted by students with divisor P (not n, not n−1), as in STANDARDS.md §1. There is no
composite coefficient (the 2012 basic-balance method averaged eight; not used here).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from . import exact
from .resources import INDICATORS, LEVELS
from .rules import PROFILES, Rule, Rules


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


def exact_cv_meets(students: list[int], values: list[Fraction], rule: Rule) -> tuple[bool, float]:
    """A CV on its limit, judged exactly: CV ≤ L ⟺ S² ≤ L²·X̄² (both sides ≥ 0), with every term a fraction.

    Returns the verdict and the CV correctly rounded from its exact square."""
    p = sum(Fraction(int(n)) for n in students)
    mean = sum(Fraction(int(n)) * x for n, x in zip(students, values)) / p
    var = sum(Fraction(int(n)) * (x - mean) ** 2 for n, x in zip(students, values)) / p
    cv_squared = var / mean ** 2
    limit = exact.dec(rule.threshold)
    return exact.compare(cv_squared, rule.comparator, limit * limit), exact.sqrt(cv_squared)


def balance(units: pd.DataFrame, rules: Rules, exact_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CV rows (year × profile × level × indicator) and each unit's share of the weighted variance.

    `exact_of(unit_row, indicator, profile)` gives a unit's value as a Fraction, for a CV that sits on its limit
    (resources.Exact.value); without it each value is taken as the decimal it prints as."""
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
                    meets = None
                    if cv is not None and exact.near(cv, rule.threshold):
                        xs = [exact.dec(x) if exact_of is None else exact_of(r, ind, profile)
                              for r, x in zip(g.itertuples(index=False), X)]
                        meets, cv = exact_cv_meets([int(n) for n in P], xs, rule)
                    elif cv is not None:
                        meets = rule.meets(cv)
                    status = "无数据" if cv is None else ("达标" if meets else "未达标")
                    rows.append(dict(year=int(year), profile=profile, level=level, indicator_id=ind, units=len(g),
                                     students=int(sum(P)), mean=mean, cv=cv, threshold=rule.threshold,
                                     meets=meets, status=status))
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

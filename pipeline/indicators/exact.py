"""Turn floating-point indicator values into exact verdicts: a value equal to its threshold in decimal arithmetic meets it.

Every input is a decimal written in a CSV (integers, areas, money, rates: at most 15 significant digits), so
`Fraction(repr(x))` gives it back exactly. Values are computed in binary floating point, which is fast and
vectorised but carries a relative error of about 1e-15 after a handful of operations (a 九年一贯制 primary part
exactly at 4.5 m² comes out as 4.499999999999999). So every comparison goes through `compare`:

- a value farther than BAND (1e-9, relative) from its threshold is judged by its float: the float's error is a
  million times smaller than that distance, so the verdict is certain;
- a value within BAND is recomputed as an exact fraction from the raw inputs (the caller supplies it) and judged
  in exact arithmetic; the figure stored for it is that fraction correctly rounded to a float.

Real inputs cannot sit closer to a threshold than BAND without being equal to it in the few places that matter
(a difference of two decimals with ≤ 15 digits over a student count), so the exact path is taken only at the edge.
`shown` formats a value with as many digits as it takes to show which side of its threshold it is on.
"""

from __future__ import annotations

import math
import numbers
import operator
from decimal import Decimal, localcontext
from fractions import Fraction

BAND = 1e-9
_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


def dec(x) -> Fraction:
    """The exact decimal a number was written as (an int, a Fraction, or a float holding a CSV decimal)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    f = float(x)
    return Fraction(int(f)) if f.is_integer() and abs(f) < 2**53 else Fraction(repr(f))


def near(a: float, b: float) -> bool:
    """True when two floats are too close for their own arithmetic to tell them apart with certainty."""
    return abs(a - b) <= BAND * max(abs(a), abs(b), 1e-300)


def near_array(a, b):
    """`near` for NumPy arrays (element by element)."""
    import numpy as np
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) <= BAND * np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)


class Ratio(float):
    """num × scale ÷ den as a float that can give its exact value (`exact`, a Fraction of the data's decimals), so
    `compare` can judge it at the edge. The fraction is made only when asked for (at the edge, rarely)."""

    __slots__ = ("num", "den", "scale")

    def __new__(cls, num, den, scale: int = 1):
        obj = super().__new__(cls, float(num) * scale / float(den))
        obj.num, obj.den, obj.scale = num, den, scale
        return obj

    @property
    def exact(self) -> Fraction:
        return dec(self.num) * self.scale / dec(self.den)


def ratio(num, den, scale: int = 1) -> Ratio | None:
    """num × scale ÷ den as a Ratio (None when den is zero or missing): the data's decimals divided exactly."""
    if den is None or (isinstance(den, float) and not math.isfinite(den)) or not den:
        return None
    return Ratio(num, den, scale)


def compare(value, comparator: str, threshold, exact=None) -> bool:
    """value `comparator` threshold, exactly: floats far apart by their floats; otherwise by exact fractions.

    `exact` is the value as a Fraction (or a function returning it) for a computed value; without it a float value
    is taken as the decimal it prints as, which is right for a value read straight from the data."""
    op = _OPS[comparator]
    if not isinstance(value, Fraction) and not isinstance(threshold, Fraction):
        v, t = float(value), float(threshold)
        if abs(v - t) > BAND * max(abs(v), abs(t), 1e-300):          # the usual case: the float decides
            return bool(op(v, t))
    if exact is None and isinstance(value, Ratio):
        exact = value.exact
    ex = exact() if callable(exact) else exact
    return bool(op(dec(value) if ex is None else ex, dec(threshold)))


def sqrt(x: Fraction) -> float:
    """The square root of a non-negative fraction, correctly rounded to a float (via 40-digit decimals)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return float((Decimal(x.numerator) / Decimal(x.denominator)).sqrt())


def figure(x) -> str:
    """A threshold as the data gives it, with thousands separators and no trailing zeros: 2,000, 7.5, 1,000,000
    (where `:g` would give 2000 and 1e+06)."""
    return f"{float(x):,.6f}".rstrip("0").rstrip(".")


def shown(value, threshold=None, digits: int = 2) -> str:
    """`value` to `digits` decimals, or more when rounding would hide which side of `threshold` it is on.

    0.5004 against an upper limit of 0.50 shows as 0.5004, not 0.50; 4.4999 against 4.5 as 4.4999, never 4.50.
    A value exactly at its threshold shows as the threshold."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    x = float(value)
    if threshold is None or (isinstance(threshold, float) and not math.isfinite(threshold)):
        return f"{x:,.{digits}f}"
    t = float(threshold)
    side = (x > t) - (x < t)
    for d in range(digits, 16):
        text = f"{x:,.{d}f}"
        r = float(text.replace(",", ""))
        if (r > t) - (r < t) == side:
            return text
    return repr(x)

"""Turn typed tables into canonical CSV text: the schema's column order, sorted by primary key, UTF-8, "\\n".

Numbers are written with at most 15 significant digits (Excel's precision; whole numbers without ".0"), booleans as
true/false, missing values as empty cells. `junheng import` and the sample generator both write
through here, so the same data always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import os
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .schemas import load


def cell(value, ftype: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if ftype == "boolean":
        return "true" if bool(value) else "false"
    if ftype == "integer":
        return str(int(value))
    if ftype == "number":
        x = float(value)
        if x.is_integer() and abs(x) < 2**53:
            return str(int(x))
        # 15 significant digits: what Excel keeps, so a workbook round trip is exact; written out in full, never
        # with an exponent (1e-05), which validation refuses
        return format(Decimal(format(x, ".15g")), "f")
    return str(value)


def to_csv(name: str, df: pd.DataFrame) -> str:
    schema = load(name)
    pk = [k for k in schema.primary_key if k in df.columns]
    d = df.sort_values(pk, kind="stable") if pk else df
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(schema.names)
    types = [f.type for f in schema.fields]
    for row in d[schema.names].itertuples(index=False):
        w.writerow([cell(v, t) for v, t in zip(row, types)])
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def rewrite(path: Path, name: str) -> None:
    """Rewrite one valid CSV in canonical form (used by the sample generator)."""
    from .validate import validate_table

    v = validate_table(name, path)
    if not v.valid:
        raise ValueError(f"{path} is not valid: {[f.sentence() for f in v.report.errors][:3]}")
    write_atomic(path, to_csv(name, v.tables[name]))

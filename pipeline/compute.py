"""Turn validated tables into the indicator tables of DESIGN.md, written as Parquet with explicit schemas.

The output schemas are defined once, in `schemas/outputs/*.json` (Table Schema); the pyarrow
schema (with each column's description) is derived from them. Outputs keep full precision and
hold no NaN or inf: a figure that cannot be computed is null with a status saying why.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import i18n
from .indicators import balance as _balance
from .indicators import county as _county
from .indicators import ledger as _ledger
from .indicators import resources as _resources
from .indicators import verdict as _verdict
from .indicators.rules import Rules
from .schemas import SCHEMA_DIR
from .validate import Validated

OUTPUT_DIR = SCHEMA_DIR / "outputs"
OUTPUTS = ("school_indicators", "school_verdicts", "school_units", "exclusions", "balance", "balance_contributions",
           "county_items", "school_checks", "verdict", "ledger_checks", "watch")
_PA = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
_PANDAS = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "object"}


def output_schema(name: str) -> dict:
    return json.loads((OUTPUT_DIR / f"{name}.json").read_text(encoding="utf-8"))


def arrow_schema(name: str) -> pa.Schema:
    d = output_schema(name)
    fields = [pa.field(f["name"], _PA[f["type"]], metadata={"description": f["description"], "title": f["title"]})
              for f in d["fields"]]
    return pa.schema(fields, metadata={"title": d["title"], "description": d["description"]})


def _years(t: dict) -> list[int]:
    return sorted(int(y) for y in t["school_levels"]["year"].dropna().unique())


def _with_change(df: pd.DataFrame, keys: list[str], value: str, prev: str) -> pd.DataFrame:
    """Add the previous year's figure and the change, matching on keys (year − 1)."""
    if df.empty:
        df[prev] = pd.Series(dtype=float)
        df["change"] = pd.Series(dtype=float)
        return df
    before = df[keys + ["year", value]].copy()
    before["year"] = before["year"] + 1
    before = before.rename(columns={value: prev})
    out = df.merge(before, on=keys + ["year"], how="left")
    out["change"] = out[value] - out[prev]
    return out


def no_data(t: dict[str, pd.DataFrame]) -> bool:
    """A county with no school year yet (a folder just made by `junheng init`): nothing to compute or judge."""
    return not _years(t)


def compute_tables(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The library API: typed input tables in, output tables (DataFrames) out (empty ones while `no_data`)."""
    i18n.use_translations(t.get("translations"))      # the county's own words in the English sentences
    if no_data(t):
        return {name: pd.DataFrame({f["name"]: pd.Series(dtype=_PANDAS[f["type"]]) for f in output_schema(name)["fields"]})
                for name in OUTPUTS}
    rules = Rules(t["standards"])
    years = _years(t)
    ex = _resources.Exact(t, rules)
    indicators, school_verdicts, units, exclusions = _resources.school_indicators(t, rules, ex)
    balance, contributions = _balance.balance(
        units, rules, lambda r, ind, profile: ex.value(r.year, r.school_id, r.level, ind, profile))
    balance = _with_change(balance, ["profile", "level", "indicator_id"], "cv", "previous_cv")
    items, checks = _county.county_items(t, rules, years)
    items = _with_change(items, ["profile", "item_id"], "value", "previous_value")
    names = dict(zip(t["schools"]["school_id"], t["schools"]["school_name"]))
    verdict = _verdict.verdicts(school_verdicts, balance, items, names, years)
    out = dict(school_indicators=indicators, school_verdicts=school_verdicts, school_units=units, exclusions=exclusions,
               balance=balance, balance_contributions=contributions, county_items=items, school_checks=checks, verdict=verdict)
    out["ledger_checks"] = _ledger.checks(t, out, years[-1])
    out["watch"] = _ledger.watch(t, out)
    for name, df in out.items():
        d = output_schema(name)
        cols = [f["name"] for f in d["fields"]]
        for c in cols:
            if c not in df.columns:
                df[c] = None
        out[name] = _sorted(df[cols], order_of(name))
    return out


def order_of(name: str) -> list[str]:
    """How an output table is ordered: by its primary key (schemas/outputs), or, for a list ordered by severity
    with no null-free key (ledger_checks, watch), by its declared orderBy (the engine's order within it kept)."""
    d = output_schema(name)
    return list(d.get("primaryKey") or d["orderBy"])


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`df.sort_values(keys, kind="stable")`, by Arrow's sort (also stable, missing values last as in pandas); a
    frame already in order is not copied. Same order, same Parquet bytes (checked on the bench datasets)."""
    try:
        order = pc.sort_indices(pa.table({k: pa.array(df[k], from_pandas=True) for k in keys}),
                                sort_keys=[(k, "ascending", "at_end") for k in keys])
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return df.sort_values(keys, kind="stable").reset_index(drop=True)
    order = order.to_numpy()
    if (order == np.arange(len(order))).all():     # already in order (school_checks is built so): no copy
        return df.reset_index(drop=True)
    return df.take(order).reset_index(drop=True)


def to_arrow(name: str, df: pd.DataFrame) -> pa.Table:
    """One output table as Arrow with its declared schema; NaN and None become null, inf is refused."""
    schema = arrow_schema(name)
    arrays = []
    for f in schema:
        col = df[f.name]
        try:
            arr = pa.array(col, type=f.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            # mixed objects pyarrow will not convert in one go: None for every missing value, then convert
            arr = pa.array(col.astype(object).where(col.notna(), None).tolist(), type=f.type)
        if isinstance(arr, pa.ChunkedArray):     # one chunk per column: the Parquet bytes never depend on how the frame was built
            arr = arr.combine_chunks()
        if pa.types.is_floating(f.type) and pc.any(pc.is_inf(arr)).as_py():
            raise ValueError(f"{name}.{f.name} 含有无穷大（inf），计算有误。")
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=schema)


def compute(v: Validated, out_dir: Path) -> list[Path]:
    """Compute every output table and write it atomically as Parquet into out_dir."""
    return write_tables(compute_tables(v.tables), out_dir)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in OUTPUTS:
        target = out_dir / f"{name}.parquet"
        tmp = out_dir / f".{name}.parquet.tmp"
        pq.write_table(to_arrow(name, tables[name]), tmp, compression="zstd", write_statistics=True)
        os.replace(tmp, target)
        written.append(target)
    return written

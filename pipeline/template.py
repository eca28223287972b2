"""Turn the schemas and the current data into an Excel workbook staff can edit and import back.

Everything in the workbook is derived from `schemas/`: one sheet per table, Chinese headers with
each field's description as a note, the field names in a second header row, drop-down lists for
every enum and boolean, number ranges as data validation. With a year, the yearly tables get
that year's rows pre-filled from the year before (highlighted) for staff to edit.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .canonical import cell as canonical_cell
from .read import ROW
from .schemas import TABLES, TableSchema, load

HEADER_ROWS = 2                 # row 1: Chinese titles; row 2: field names
EXTRA_ROWS = 300                # validation also covers this many empty rows for additions
# yearly tables whose rows are carried forward to a new year (judgements and survey results are not)
CARRY = ("school_levels", "school_facilities", "special_rooms", "school_finance", "funding_baselines", "county_finance",
         "teacher_workforce", "access", "disabled_children")
_NEW = PatternFill("solid", fgColor="FFF2CC")
_HEAD = PatternFill("solid", fgColor="DDEBF7")


def sheet_title(schema: TableSchema) -> str:
    bad = '[]:*?/\\'
    t = "".join(c for c in schema.title if c not in bad)
    return t[:31]


def _carry_forward(tables: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    schools = tables["schools"]
    closed = schools.set_index("school_id")["closed_year"]
    out = {}
    for name in CARRY:
        df = tables[name]
        if df.empty or year in set(df["year"]):
            continue
        last = df[df["year"] == df["year"].max()].copy()
        if "school_id" in last.columns:
            c = last["school_id"].map(closed)
            last = last[c.isna() | (c >= year)]
        last["year"] = year
        out[name] = last
    return out


def _note(f) -> str:
    c = f.constraints
    parts = [f.description, f"字段名：{f.name}"]
    if c.get("required"):
        parts.append("必填")
    if "enum" in c:
        parts.append("取值：" + "、".join(map(str, c["enum"])))
    if "minimum" in c or "maximum" in c:
        parts.append(f"范围：{c.get('minimum', '')} 至 {c.get('maximum', '')}")
    if f.type == "date":
        parts.append("日期格式：YYYY-MM-DD（按文本输入）")
    return "\n".join(p for p in parts if p)


def _validation(ws, f, col: str, last_row: int) -> None:
    c = f.constraints
    rng = f"{col}{HEADER_ROWS + 1}:{col}{last_row}"
    dv = None
    if "enum" in c:
        dv = DataValidation(type="list", formula1='"' + ",".join(map(str, c["enum"])) + '"', allow_blank=not c.get("required"))
    elif f.type == "boolean":
        dv = DataValidation(type="list", formula1='"true,false"', allow_blank=not c.get("required"))
    elif f.type in ("integer", "number") and ("minimum" in c or "maximum" in c):
        kind = "whole" if f.type == "integer" else "decimal"
        lo, hi = c.get("minimum", -1e15), c.get("maximum", 1e15)
        dv = DataValidation(type=kind, operator="between", formula1=str(lo), formula2=str(hi), allow_blank=not c.get("required"))
    if dv is None:
        return
    dv.error = f"{f.title}：请按说明填写（{_note(f).splitlines()[-1]}）"
    dv.errorTitle = "取值不符合要求"
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(rng)


def _write_value(c, value, ftype: str) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return
    if ftype in ("integer", "number"):
        x = float(value)
        c.value = int(x) if ftype == "integer" or (x.is_integer() and abs(x) < 2**53) else x
    else:
        c.value = canonical_cell(value, ftype)
        c.data_type = TYPE_STRING          # text stays text: never a formula, never a date
        c.number_format = "@"


def _sheet(wb, name: str, df: pd.DataFrame, fresh: pd.DataFrame | None = None) -> None:
    """One table as a sheet: Chinese headers with notes, field names, rows, validation from the schema."""
    schema = load(name)
    ws = wb.create_sheet(sheet_title(schema))
    for i, f in enumerate(schema.fields, start=1):
        col = get_column_letter(i)
        h = ws.cell(row=1, column=i, value=f.title)
        h.font, h.fill = Font(bold=True), _HEAD
        h.alignment = Alignment(wrap_text=True, vertical="top")
        h.comment = Comment(_note(f), "junheng")
        n = ws.cell(row=2, column=i, value=f.name)
        n.font = Font(color="808080", size=9)
        ws.column_dimensions[col].width = max(10, min(40, len(f.title) * 2 + 2))
    df = df.drop(columns=[ROW], errors="ignore")
    pk = [k for k in schema.primary_key if k in df.columns]
    if pk:
        df = df.sort_values(pk, kind="stable")
    r = HEADER_ROWS
    for block, highlight in ((df, False), (fresh, True)):
        if block is None:
            continue
        for row in block[schema.names].itertuples(index=False):
            r += 1
            for i, (f, v) in enumerate(zip(schema.fields, row), start=1):
                c = ws.cell(row=r, column=i)
                _write_value(c, v, f.type)
                if highlight:
                    c.fill = _NEW
    for i, f in enumerate(schema.fields, start=1):
        _validation(ws, f, get_column_letter(i), r + EXTRA_ROWS)
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"


def table_workbook(name: str, df: pd.DataFrame, note: str) -> bytes:
    """A workbook with one table (used for ledger drafts)."""
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.active.append([note])
    wb.active.column_dimensions["A"].width = 110
    _sheet(wb, name, df.iloc[0:0], df)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook(tables: dict[str, pd.DataFrame], year: int | None = None, illustrative: bool = False) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = "填写说明"
    lines = ["均衡（junheng）数据模板：每个工作表对应 datasets/ 中的一张表，由 schemas/ 自动生成。",
             "第 1 行是中文列名（鼠标停在列名上可看说明），第 2 行是字段名：两行都不要修改，也不要改工作表名称。",
             "有下拉列表的列请从列表中选择；数字列只填阿拉伯数字（不要写单位、千位分隔符）；日期按 YYYY-MM-DD 填写。",
             "填好后运行 junheng import 本文件.xlsx：数据通过校验才会写入 CSV，并列出改动了哪些行。"]
    if year:
        lines.append(f"黄色底色的行是按上一年数据预填的 {year} 年数据，请逐项核对修改。")
    if illustrative:
        lines.insert(0, "注意：当前数据是示例数据（虚构），仅用于演示。")
    for line in lines:
        info.append([line])
    info.column_dimensions["A"].width = 110
    extra = _carry_forward(tables, year) if year else {}
    for name in TABLES:
        _sheet(wb, name, tables[name], extra.get(name))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(tables: dict[str, pd.DataFrame], out: Path, year: int | None, illustrative: bool) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(workbook(tables, year, illustrative))
    tmp.replace(out)
    return out

"""Turn a data folder into typed tables and a report: schema checks first, then domain checks.

Field checks follow the Table Schemas in `schemas/` (types, required, minimum/maximum, enum,
pattern, unique, primary and foreign keys) column by column in Arrow's compute kernels, so that a
million rows take about a second; `tests/test_validate_frictionless.py` checks that they find the
same errors as Frictionless. The domain checks are what a schema cannot say. Nothing here imports
pandas: `Validated.tables` converts to pandas only when the indicator engine asks for the tables.
"""

from __future__ import annotations

import importlib.abc
import math
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import inert, personal, read
from .read import ROW, Package, col_letter, display_path
from .report import ERROR, WARNING, Finding, Report
from .schemas import TABLES, TableSchema, load

_INT = re.compile(r"[+-]?[0-9]+")
# no exponent (1.23E+07): Excel writes a number it shows that way into a CSV as shown, its last digits lost
_MANTISSA = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_NUM = re.compile(_MANTISSA)
_SCIENTIFIC = re.compile(_MANTISSA + r"[eE][+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}
_BOOL_WORDS = {**dict.fromkeys(["是", "有", "对", "√", "✓", "y", "yes", "t", "真"], "true"),
               **dict.fromkeys(["否", "无", "没有", "不是", "×", "✗", "n", "no", "f", "假"], "false")}
_FULLWIDTH = re.compile(r"[０-９．，－＋]")
_TYPE_ZH = {"integer": "整数", "number": "数字", "boolean": "true 或 false", "date": "日期（YYYY-MM-DD）", "string": "文本"}
# Arrow's regex engine (RE2) reads \s \d \w \b as ASCII and has no look-around; patterns using them run in Python's re
_PYTHON_ONLY = re.compile(r"\\[sSdDwWbB]|\(\?<?[=!]")
_NULL_STR = pa.nulls(1, pa.string())[0]     # (pa.scalar would import pandas; see _pandas_deferred)
# characters no text cell may hold (RE2): C0 controls but tab and line breaks, DEL, C1 controls, the line and
# paragraph separators and the non-characters U+FFFE/FFFF. They break page front matter, charts and workbooks.
_CONTROL = inert.re2_class(inert.CONTROL_CHARS)
# characters that reorder or hide text (direction marks, embeddings, overrides and isolates, zero-width characters,
# the byte-order mark): a name holding them can be made to look like another
_SPOOF = inert.re2_class(inert.HIDDEN_CHARS)
_ANY_BAD = _CONTROL[:-1] + _SPOOF[1:-1] + r"\r\n]"


def to_pandas(tbl: pa.Table):
    """One typed Arrow table as the pandas frame the indicator engine reads (nullable dtypes; ROW first)."""
    import pandas as pd

    types = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
             pa.string(): pd.StringDtype("pyarrow")}
    df = tbl.drop_columns([ROW]).to_pandas(types_mapper=types.get)
    df.insert(0, ROW, tbl[ROW].to_numpy())
    return df


@dataclass
class Validated:
    report: Report
    arrow: dict[str, pa.Table] = field(default_factory=dict)
    package: Package | None = None
    _frames: dict | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.report.valid

    @property
    def tables(self) -> dict:
        """The typed tables as pandas DataFrames (made on first use)."""
        if self._frames is None:
            self._frames = {name: to_pandas(t) for name, t in self.arrow.items()}
        return self._frames


class _RefusePandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            raise ImportError("pandas is not needed while validating")
        return None


@contextmanager
def _pandas_deferred():
    """pyarrow imports pandas (0.7 s, most of `junheng validate`) the first time it checks whether an object is
    a pandas Series. Validation never hands it one, so while validating that import is refused and pyarrow notes
    "no pandas"; its shim imports pandas for real on the first `to_pandas` (see `to_pandas` below)."""
    if "pandas" in sys.modules:
        yield
        return
    finder = _RefusePandas()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def validate(data_dir: Path) -> Validated:
    """Validate every table of the data folder; return typed tables and the report."""
    with _pandas_deferred():
        return _validate(Path(data_dir))


def _validate(data_dir: Path) -> Validated:
    report = Report()
    pkg = read.load_package(Path(data_dir), report)
    out = Validated(report, package=pkg)
    if pkg is None:
        return out
    raw: dict[str, pa.Table] = {}
    shown: dict[str, str] = {}
    misread: set[str] = set()
    for name in TABLES:
        if name not in pkg.paths:
            continue
        schema = load(name)
        shown[name] = display_path(pkg.paths[name])
        before = len(report.errors)
        tbl = read.read_table(name, pkg.paths[name], schema, report)
        if tbl is not None:
            raw[name] = tbl
        if len(report.errors) != before:
            misread.add(name)                # a row it could not read (misaligned, blank) is not in the table
    clean: set[str] = set()
    for name, tbl in raw.items():
        before = len(report.errors)
        _scan_text(tbl, load(name), shown[name], report)
        out.arrow[name] = _typed(tbl, load(name), shown[name], report)
        if len(report.errors) == before and name not in misread:
            clean.add(name)
    unclean = frozenset(shown) - clean       # a table with errors of its own may have lost or shifted the row a key names
    for name in list(out.arrow):
        before = len(report.errors)
        _keys(name, out.arrow, shown, report, unclean)
        if len(report.errors) != before:
            clean.discard(name)
    _Domain(out.arrow, shown, report, clean).run()
    return out


def validate_table(name: str, path: Path) -> Validated:
    """Validate one table on its own (types, constraints, primary key; no cross-table checks): for very large tables."""
    with _pandas_deferred():
        return _validate_table(name, Path(path))


def _validate_table(name: str, path: Path) -> Validated:
    report = Report()
    schema = load(name)
    shown = display_path(path)
    tbl = read.read_table(name, path, schema, report)
    out = Validated(report)
    if tbl is not None:
        _scan_text(tbl, schema, shown, report)
        out.arrow[name] = _typed(tbl, schema, shown, report)
        _keys(name, out.arrow, {name: shown}, report)
    return out


# ---------------------------------------------------------------- Arrow helpers

def _where(mask) -> list[int]:
    """Positions where a boolean array is true (null counts as false)."""
    if isinstance(mask, list):
        mask = pa.array(mask, type=pa.bool_())
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return []
    return pc.indices_nonzero(mask).to_pylist()


def _at(mask, *cols) -> list[list]:
    """The cells of `cols` where `mask` is true, as Python lists."""
    idx = _where(mask)
    if not idx:
        return [[] for _ in cols]
    pos = pa.array(idx, type=pa.int64())
    return [c.take(pos).to_pylist() for c in cols]


def _fullmatch(s, pattern: str):
    """Whole-cell match, in RE2 where it reads the pattern as Python's re does, else in Python."""
    if _PYTHON_ONLY.search(pattern):
        rx = re.compile(pattern)
        return pa.array([v is not None and rx.fullmatch(v) is not None for v in s.to_pylist()], type=pa.bool_())
    return pc.match_substring_regex(s, f"^(?:{pattern})$")


def _merged(empty, rows) -> set[int]:
    """The rows of empty cells that run two or more deep under a filled one, as cells merged in Excel come out in a CSV
    (the value in the first row only)."""
    out: set[int] = set()
    run: list[int] = []
    filled_above = False
    for is_empty, row in zip(empty.to_pylist(), rows.to_pylist()):
        if is_empty:
            run.append(row)
            continue
        if filled_above and len(run) >= 2:
            out.update(run)
        run, filled_above = [], True
    if filled_above and len(run) >= 2:
        out.update(run)
    return out


def _shift(arr: pa.Array) -> pa.Array:
    """The previous element of each position (null for the first)."""
    return pa.concat_arrays([pa.nulls(1, arr.type), arr.slice(0, len(arr) - 1)]) if len(arr) else arr


# ---------------------------------------------------------------- field checks

def _excel_shown(what: str = "数字", fmt: str = "“数值”（小数位数按需要）或“文本”") -> str:
    return (f"这是 Excel 的科学计数法（如 1.23E+07），另存为 CSV 时末尾的数字已经丢失。请在 Excel 中把这一列的单元格格式设为"
            f"{fmt}，按原始资料重新填写完整的{what}。")


def _number_hint(v: str, integer: bool) -> str:
    if _FULLWIDTH.search(v):
        return "其中有全角数字或符号（如 １２３、，），请改为半角数字（切换输入法到英文状态后重新输入）。"
    if re.fullmatch(r"[+-]?[\d,，]+(\.\d+)?", v) and ("," in v or "，" in v):
        return f"请去掉千位分隔符，写成 {re.sub('[,，]', '', v)}。"
    if _SCIENTIFIC.fullmatch(v):
        return _excel_shown()
    if v.endswith(("%", "％")):
        return "请去掉百分号，只填写数字。"
    if "万" in v:
        return "请换算成基本单位后填写数字（例如 12.5万元 写成 125000）。"
    if integer and _NUM.fullmatch(v):
        return "这一列只能填写整数，请去掉小数部分。"
    return "请只填写阿拉伯数字（不要写单位、文字或空格）。"


_DATE_WRITTEN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _date_hint(v: str) -> str:
    """The date a clerk most likely meant, when it is plain: 2025/9/1 or 2025年9月1日, or an Excel date serial."""
    m = _DATE_WRITTEN.fullmatch(v)
    try:
        if m:
            return f"是否应为 {date(*map(int, m.groups())).isoformat()}？"
        if v.isascii() and v.isdigit() and 20000 <= int(v) <= 80000:     # Excel's day count from 1899-12-30 (1954–2119)
            return f"这像是 Excel 的日期序号，对应 {(date(1899, 12, 30) + timedelta(days=int(v))).isoformat()}。"
    except ValueError:
        pass                                                              # 2025/2/30: no such day
    return ""


def _add(report: Report, sev: str, code: str, file: str, schema: TableSchema, col: str | None, rows, values,
         message: str, fix: str) -> None:
    letter = col_letter(schema.names.index(col)) if col in schema.names else None
    title = schema.field(col).title if col in schema.names else None
    for r, v in zip(rows, values):
        report.add(Finding(sev, code, file, message, fix, row=int(r), column=col, column_letter=letter,
                           column_title=title, value=None if v is None else personal.mask(str(v))))


def _numbers(s, mask) -> pa.Array:
    """The masked cells (already checked against the number pattern) as float64, the rest null."""
    kept = pc.if_else(mask, s, _NULL_STR)
    try:
        return pc.cast(kept, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else float(v) for v in kept.to_pylist()], type=pa.float64())


def _typed(tbl: pa.Table, schema: TableSchema, file: str, report: Report) -> pa.Table:
    rows = tbl[ROW]
    out = {ROW: rows}
    for f in schema.fields:
        raw = tbl[f.name]
        s = pc.utf8_trim_whitespace(raw)   # surrounding spaces are forgiven; a cell of only spaces is not
        empty = pc.equal(s, "")
        filled = pc.invert(empty)
        r, v = _at(pc.and_(pc.not_equal(raw, ""), empty), rows, raw)
        _add(report, ERROR, "type", file, schema, f.name, r, v, "单元格里只有空格。",
             "请清空这个单元格（删除其中的空格），或填写正确的值。")
        c = f.constraints
        if c.get("required"):
            (r,) = _at(empty, rows)
            merged = _merged(empty, rows) if r else set()
            for under, fix in ((False, ""), (True, "如果在 Excel 中合并了这几个单元格，只有第一行算有值：请取消合并，把值填到每一行。")):
                rs = [x for x in r if (x in merged) == under]
                _add(report, ERROR, "required", file, schema, f.name, rs, [""] * len(rs),
                     f"{f.title}是必填项，不能为空。", f"请填写{f.title}（{_TYPE_ZH.get(f.type, '')}）。" + fix)
        if f.type in ("integer", "number"):
            rx = _INT if f.type == "integer" else _NUM
            ok = pc.or_(pc.ascii_is_decimal(s), empty)      # plain digits match either pattern: the usual case, fast
            if not pc.all(ok).as_py():
                ok = pc.or_(_fullmatch(s, rx.pattern), empty)
            for r, v in zip(*_at(pc.invert(ok), rows, s)):
                _add(report, ERROR, "type", file, schema, f.name, [r], [v], f"应为{_TYPE_ZH[f.type]}。",
                     _number_hint(v, f.type == "integer"))
            vals = _numbers(s, pc.and_(ok, filled))
            if f.type == "integer":
                big = pc.greater(pc.abs(vals), 2**53)
                r, v = _at(big, rows, s)
                if r:
                    _add(report, ERROR, "maximum", file, schema, f.name, r, v, "数值大得不合理。", "请检查是否多输入了数字。")
                    vals = pc.if_else(pc.fill_null(big, False), pa.scalar(None, pa.float64()), vals)
                col = pc.cast(vals, pa.int64())
            else:
                col = vals
            _range(col, f, rows, s, schema, file, report)
        elif f.type == "boolean":
            yes = pc.is_in(s, value_set=pa.array(sorted(_TRUE)))
            no = pc.is_in(s, value_set=pa.array(sorted(_FALSE)))
            for row, value in zip(*_at(pc.invert(pc.or_(pc.or_(yes, no), empty)), rows, s)):
                meant = _BOOL_WORDS.get(value.strip().lower())
                _add(report, ERROR, "type", file, schema, f.name, [row], [value], "应为 true 或 false。",
                     (f"是否应为 {meant}？" if meant else "") + "是/有 请填 true，否/无 请填 false。")
            col = pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, pa.bool_())))
        elif f.type == "date":
            good = []
            for v in s.to_pylist():
                try:
                    good.append(v == "" or (bool(_DATE.fullmatch(v)) and bool(date.fromisoformat(v))))
                except ValueError:
                    good.append(False)
            ok = pa.array(good, type=pa.bool_())
            for row, value in zip(*_at(pc.invert(ok), rows, s)):
                _add(report, ERROR, "type", file, schema, f.name, [row], [value], "不是有效的日期。", _date_hint(value)
                     + "请按 YYYY-MM-DD 填写，例如 2025-09-01（Excel 中可把单元格格式设为“文本”后输入）。")
            col = pc.if_else(pc.and_(ok, filled), s, _NULL_STR)
        else:
            col = pc.if_else(filled, s, _NULL_STR)
            _text_rules(s, filled, f, rows, schema, file, report)
            if "pattern" in c:
                r, v = _at(pc.and_(filled, pc.invert(_fullmatch(s, c["pattern"]))), rows, s)
                fix = "应为 10 位数字的学校标识码，请与教育事业统计报表核对。" if f.name.endswith("school_id") else f"格式应符合：{_pattern_zh(c['pattern'])}。"
                for row, value in zip(r, v):
                    _add(report, ERROR, "pattern", file, schema, f.name, [row], [value], f"{f.title}的格式不对。",
                         _excel_shown(f.title, "“文本”") if _SCIENTIFIC.fullmatch(value) else fix)
        if "enum" in c:
            allowed = [str(x) for x in c["enum"]]
            for r, v in zip(*_at(pc.and_(filled, pc.invert(pc.is_in(s, value_set=pa.array(allowed)))), rows, s)):
                guess = [a for a in allowed if a in v or v in a]
                hint = f"是否应为「{guess[0]}」？" if len(guess) == 1 else ""      # 城区（镇区）: two, so no guess
                _add(report, ERROR, "enum", file, schema, f.name, [r], [v], "不是允许的取值。",
                     f"{hint}只能填写：{'、'.join(allowed)}。")
        if c.get("unique"):
            counts = pc.value_counts(pc.filter(s, filled))
            again = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
            if len(again):
                groups: dict[str, list[int]] = {}
                for r, v in zip(*_at(pc.and_(filled, pc.is_in(s, value_set=again)), rows, s)):
                    groups.setdefault(v, []).append(r)
                for v in sorted(groups):
                    first, *later = groups[v]
                    _add(report, ERROR, "unique", file, schema, f.name, later, [v] * len(later),
                         f"与第 {first} 行重复，{f.title}必须唯一。", "请删除重复的行，或更正其中一行的值。")
        out[f.name] = col
    return pa.table(out)


# the same two classes in Python's re, to say where the character is
_PY_CLASS = {_CONTROL: inert.CONTROL, _SPOOF: inert.HIDDEN}


def _first_bad(v: str, rx: str) -> str:
    """Where the first character of class `rx` sits in `v`, as a clerk can find it."""
    m = _PY_CLASS[rx].search(v)
    return f"第 {m.start() + 1} 个字符是 U+{ord(m.group(0)):04X}" if m else ""


def _text_rules(s, filled, f, rows, schema: TableSchema, file: str, report: Report) -> None:
    """What a text cell may hold: no control characters, no line break in a one-line field, no characters that
    reorder or hide text, and at most the schema's maxLength characters."""
    limit = f.constraints.get("maxLength")
    if limit and len(s) and (pc.max(pc.utf8_length(s)).as_py() or 0) > int(limit):
        long = pc.and_(filled, pc.greater(pc.utf8_length(s), int(limit)))
        for row, val in zip(*_at(long, rows, s)):
            _add(report, ERROR, "max-length", file, schema, f.name, [row], [val],
                 f"长度为 {len(val)} 个字，超过上限 {limit} 个字。", "请精简这段文字；详细材料请放在证明材料链接中。")
    # one pass finds any cell with a character of the three kinds below; the usual column has none
    if not pc.any(pc.match_substring_regex(s, _ANY_BAD)).as_py():
        return
    r, v = _at(pc.and_(filled, pc.match_substring_regex(s, _CONTROL)), rows, s)
    for row, val in zip(r, v):
        _add(report, ERROR, "control-character", file, schema, f.name, [row], [val],
             f"含有不可见的控制字符（{_first_bad(val, _CONTROL)}），它会破坏网页和表格的生成。",
             "请删除这个字符：重新输入这个单元格，不要从网页或其他软件中直接粘贴。")
    if not f.multiline:
        r, v = _at(pc.and_(filled, pc.match_substring_regex(s, r"[\r\n]")), rows, s)
        _add(report, ERROR, "line-break", file, schema, f.name, r, v, f"{f.title}只能写一行，单元格里有换行。",
             "请删除单元格中的换行（Excel 中按 Alt+Enter 输入的换行），把内容写在一行里。")
    r, v = _at(pc.and_(filled, pc.match_substring_regex(s, _SPOOF)), rows, s)
    for row, val in zip(r, v):
        _add(report, ERROR, "hidden-character", file, schema, f.name, [row], [val],
             f"含有改变文字方向或看不见的字符（{_first_bad(val, _SPOOF)}），可能使名称看起来与实际不同。",
             "请删除这个字符：重新输入这个单元格，不要从网页、PDF 或聊天软件中直接粘贴。")


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _pattern_zh(p: str) -> str:
    return {"[0-9]{6}": "6 位数字", "[0-9]{9}": "9 位数字", r"https?://\S+": "以 http:// 或 https:// 开头的网址",
            ".*[A-Za-z].*": "英文（至少含有英文字母；请填写这条用语的英文译文）"}.get(p, p)


def _range(col, f, rows, s, schema, file, report) -> None:
    c = f.constraints
    if "minimum" in c:
        r, v = _at(pc.less(col, c["minimum"]), rows, s)
        _add(report, ERROR, "minimum", file, schema, f.name, r, v, f"不能小于 {c['minimum']}。", "请检查是否填错了符号或数字。")
    if "maximum" in c:
        r, v = _at(pc.greater(col, c["maximum"]), rows, s)
        _add(report, ERROR, "maximum", file, schema, f.name, r, v, f"不能大于 {c['maximum']}。", "请检查是否填错了数字。")


def _scan_text(tbl: pa.Table, schema: TableSchema, file: str, report: Report) -> None:
    """Personal data never published; no text cell a spreadsheet would run as a formula."""
    rows = tbl[ROW]
    for f in schema.fields:
        s = tbl[f.name]
        nonempty = pc.not_equal(s, "")
        if not pc.any(nonempty).as_py():
            continue
        # only a cell of six characters or more can hold an e-mail address (a@b.cn), and only one of eleven or more
        # a phone or an ID number; most cells are shorter, so the quick tests run on few of them, personal.find on
        # fewer: an @ of any width, or eleven digits of any script anywhere in the cell (personal.find reads those)
        length = pc.utf8_length(s)
        six, eleven = (pc.indices_nonzero(pc.greater_equal(length, n)) for n in (6, 11))
        at = pc.filter(six, pc.match_substring_regex(s.take(six), personal.AT_RE2))
        digits = pc.filter(eleven, pc.greater_equal(pc.count_substring_regex(s.take(eleven), r"\p{Nd}"), 11))
        pos = pa.array(sorted(set(at.to_pylist()).union(digits.to_pylist())), type=pa.int64())
        for r, v in zip(rows.take(pos).to_pylist(), s.take(pos).to_pylist()):
            what = personal.find(v)
            if what:
                _add(report, ERROR, "personal-data", file, schema, f.name, [r], [v],
                     f"含有个人信息（{what}），个人信息不得公开发布。", "请删除该信息；如需联系方式，请填写单位公开电话或不填。")
        if f.type == "string":
            # the value as stored and as a spreadsheet reads it: after leading white space (inert.FORMULA)
            r, v = _at(pc.and_(nonempty, pc.match_substring_regex(s, inert.FORMULA_RE2)), rows, s)
            _add(report, ERROR, "formula", file, schema, f.name, r, v,
                 "文本以 =、+、- 或 @ 开头，在 Excel 中打开时可能被当作公式执行。",
                 "请删除开头的符号，或在前面加上文字说明（例如把“-待补充”改为“待补充”）。")


def _complete(tbl: pa.Table, cols) -> pa.ChunkedArray | pa.Array:
    ok = pc.is_valid(tbl[cols[0]])
    for c in cols[1:]:
        ok = pc.and_(ok, pc.is_valid(tbl[c]))
    return ok


def _keys(name: str, tables: dict, shown: dict, report: Report, unclean: frozenset = frozenset()) -> None:
    schema = load(name)
    tbl = tables[name]
    file = shown[name]
    pk = list(schema.primary_key)
    if pk and len(pk) > 1:
        full = tbl.select([*pk, ROW])
        if any(full[k].null_count for k in pk):
            full = full.filter(_complete(full, pk))
        # quick test first: as many distinct joined keys as rows means no duplicate (a separator inside a cell
        # can only merge two keys, never split one, so "as many" is exact); otherwise group to find them
        joined = pc.binary_join_element_wise(*(pc.cast(full[k], pa.string()) for k in pk), "\x1f")
        if full.num_rows and len(pc.unique(joined)) == full.num_rows:
            return _foreign_keys(schema, tbl, tables, shown, report, unclean)
        groups = full.group_by(pk).aggregate([(ROW, "count"), (ROW, "min")])
        twice = groups.filter(pc.greater(groups[f"{ROW}_count"], 1))
        if twice.num_rows:
            dups = full.join(twice, keys=pk, join_type="inner").sort_by(ROW)
            for r in dups.to_pylist():
                f0 = r[f"{ROW}_min"]
                if r[ROW] != f0:
                    key = tuple(r[k] for k in pk)
                    desc = "、".join(f"{schema.field(k).title} {r[k]}" for k in pk)
                    _add(report, ERROR, "primary-key", file, schema, pk[-1], [r[ROW]], [" / ".join(map(str, key))],
                         f"与第 {f0} 行重复（{desc}）：同一组合只能有一行。", "请删除重复的行，或更正年份、学校等关键列。")
    _foreign_keys(schema, tbl, tables, shown, report, unclean)


def _foreign_keys(schema: TableSchema, tbl: pa.Table, tables: dict, shown: dict, report: Report,
                  unclean: frozenset = frozenset()) -> None:
    """Every key value must be in the table it refers to. When that table has errors of its own (a misaligned row, a
    bad cell), the value may be in a row it could not read: the fix says to correct that file first."""
    file = shown[schema.name]
    for fk in schema.foreign_keys:
        ref = fk["reference"]
        target = tables.get(ref["resource"]) if ref["resource"] else tbl
        if target is None:
            continue
        cols, rcols = fk["fields"], ref["fields"]
        complete = _complete(tbl, cols)
        if len(cols) == 1:   # the common case, column-wise
            known = pc.cast(pc.drop_null(target[rcols[0]]), pa.string())
            bad = _where(pc.and_(complete, pc.invert(pc.is_in(pc.cast(tbl[cols[0]], pa.string()), value_set=known))))
        else:
            have = set(zip(*(pc.cast(target[c], pa.string()).to_pylist() for c in rcols)))
            have = {k for k in have if None not in k}
            keys = zip(*(pc.cast(tbl[c], pa.string()).to_pylist() for c in cols))
            bad = [i for i, (k, ok) in enumerate(zip(keys, complete.to_pylist())) if ok and k not in have]
        tshown = shown.get(ref["resource"], file).split("/")[-1]
        first = f"{tshown} 本身有错误（见该文件的提示），这个值可能就在出错的那一行：请先改正 {tshown}，再看这里是否仍然报错；" \
            if (ref["resource"] or schema.name) in unclean else ""
        flagged = {f.row for f in report.errors if f.file == file and f.column == cols[0]} if bad else set()
        for i in bad:
            r = tbl.slice(i, 1).to_pylist()[0]
            if r[ROW] in flagged:
                continue             # the cell has its message already (a wrong format, say): no second one
            v = " / ".join(str(r[c]) for c in cols)
            title = schema.field(cols[0]).title
            _add(report, ERROR, "foreign-key", file, schema, cols[0], [r[ROW]], [v],
                 f"{title} {v} 在 {tshown} 中不存在。",
                 first + f"{'如果仍然报错，请' if first else '请先'}在 {tshown} 中添加它，或更正为 {tshown} 中已有的值。")


# ---------------------------------------------------------------- domain checks

_LEVELS_OF = {
    "小学": {"小学"}, "教学点": {"小学"}, "初中": {"初中"}, "九年一贯制学校": {"小学", "初中"},
    "十二年一贯制学校": {"小学", "初中", "高中"}, "完全中学": {"初中", "高中"}, "特殊教育学校": {"特殊教育"},
}


class _Domain:
    """Checks a schema cannot express; each runs only when the tables it reads are clean."""

    def __init__(self, tables: dict, shown: dict, report: Report, clean: set):
        self.t, self.shown, self.report, self.clean = tables, shown, report, clean

    def need(self, *names: str) -> bool:
        return all(n in self.clean for n in names)

    def flag(self, name: str, mask, col: str | None, message, fix: str, sev: str = ERROR, value=None) -> None:
        """One finding per row where `mask` is true; a callable message or value gets the row as a dict
        (with its position under "_i")."""
        idx = _where(mask)
        if not idx:
            return
        tbl = self.t[name]
        schema = load(name)
        for i, r in zip(idx, tbl.take(pa.array(idx, type=pa.int64())).to_pylist()):
            r["_i"] = i
            msg = message(r) if callable(message) else message
            v = value(r) if callable(value) else (r[col] if col else None)
            _add(self.report, sev, "domain", self.shown[name], schema, col, [r[ROW]],
                 [None if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))], msg, fix)

    def run(self) -> None:
        for check in (self.parts_of_whole, self.levels_and_years, self.class_sizes, self.jumps, self.parents,
                      self.county_rows, self.judged, self.standards_complete, self.milestones, self.baselines,
                      self.cohort_lengths):
            check()

    def parts_of_whole(self) -> None:
        gt = pc.greater
        if self.need("school_levels"):
            d = self.t["school_levels"]
            for col in ("teachers_above_degree", "key_teachers", "pe_arts_teachers", "certified_teachers"):
                title = load("school_levels").field(col).title.split("（")[0]
                self.flag("school_levels", gt(d[col], d["teachers"]), col,
                          lambda r, t=title: f"{t}多于专任教师总数 {r['teachers']}。",
                          "部分不能超过整体：请核对这两个数，它们应来自同一张统计表。")
            self.flag("school_levels", gt(d["entrants_nearby"], d["entrants"]), "entrants_nearby",
                      lambda r: f"就近划片入学人数多于起始年级新生数 {r['entrants']}。", "请核对两列数字。")
        if self.need("school_facilities"):
            d = self.t["school_facilities"]
            self.flag("school_facilities", gt(d["indoor_sports_area_m2"], d["teaching_aux_area_m2"]), "indoor_sports_area_m2",
                      lambda r: f"室内体育用房面积大于教学及辅助用房面积 {r['teaching_aux_area_m2']}（后者按统计口径包含前者）。",
                      "请核对：教学及辅助用房面积应包含室内体育用房。")
        if self.need("access"):
            d = self.t["access"]
            self.flag("access", gt(d["quota_allocated"], d["quota_total"]), "quota_allocated", "分配名额多于招生计划总数。", "请核对两列。")
            self.flag("access", gt(d["quota_allocated_rural"], d["quota_allocated"]), "quota_allocated_rural", "农村初中名额多于分配名额总数。", "请核对两列。")
            self.flag("access", gt(d["junior_graduates_rural"], d["junior_graduates"]), "junior_graduates_rural", "农村毕业生多于毕业生总数。", "请核对两列。")
            self.flag("access", gt(pc.add(d["migrant_in_public"], d["migrant_in_purchased"]), d["migrant_eligible"]), "migrant_in_public",
                      "公办学校与购买服务学校就读的随迁子女之和多于符合条件的随迁子女数。", "请核对三列。")
        if self.need("teacher_workforce"):
            d = self.t["teacher_workforce"]
            self.flag("teacher_workforce", gt(d["training_done"], d["training_due"]), "training_done", "已完成培训人数多于应培训人数。", "请核对两列。")
            self.flag("teacher_workforce", gt(d["rotated"], d["rotation_eligible"]), "rotated", "交流轮岗人数多于符合交流条件人数。", "请核对两列。")
            self.flag("teacher_workforce", gt(d["key_rotated"], d["rotated"]), "key_rotated", "交流的骨干教师多于交流教师总数。", "请核对两列。")
        if self.need("satisfaction"):
            d = self.t["satisfaction"]
            self.flag("satisfaction", gt(d["responded"], d["sampled"]), "responded", "有效回收人数多于抽样人数。", "请核对两列。")
            self.flag("satisfaction", gt(d["satisfied"], d["responded"]), "satisfied", "满意人数多于有效回收人数。", "请核对两列。")
        if self.need("disabled_children"):
            d = self.t["disabled_children"]
            tot = pc.add(pc.add(d["in_regular_class"], d["in_special_class"]), pc.add(d["in_special_school"], d["home_taught"]))
            self.flag("disabled_children", gt(tot, d["children_of_age"]), "children_of_age",
                      lambda r: "各种形式入学人数之和多于适龄残疾儿童少年数。", "请核对各列。")
        if self.need("cohorts"):
            d = self.t["cohorts"]
            self.flag("cohorts", pc.not_equal(d["entry_year"], pc.subtract(d["graduation_year"], d["cohort_years"])), "entry_year",
                      lambda r: f"入学年份应等于毕业年份 {r['graduation_year']} 减去队列年限 {r['cohort_years']}。", "请更正入学年份。")
            self.flag("cohorts", gt(d["deaths"], d["entrants"]), "deaths", "死亡人数多于入学人数。", "请核对两列。")
        if self.need("school_finance"):
            d = self.t["school_finance"]
            self.flag("school_finance", gt(d["training_spend_yuan"], d["public_funds_budget_yuan"]), "training_spend_yuan",
                      "教师培训经费大于公用经费预算总额。", "请核对两列的单位（都应为元）。")
            self.flag("school_finance", pc.equal(d["public_funds_budget_yuan"], 0), "public_funds_budget_yuan",
                      "公用经费预算为 0：无法计算该校教师培训经费占公用经费的比例，该校在教育质量“教师培训经费”一项记为无数据，"
                      "本项在补齐前不能判定为达标。", "请填写该校当年的公用经费预算（元）；如确实为 0，请在拉取请求中说明原因。", sev=WARNING)

    def levels_and_years(self) -> None:
        if not self.need("schools", "school_levels"):
            return
        sch = self.t["schools"]
        lv = self.t["school_levels"]
        years = sorted(y for y in pc.unique(lv["year"]).to_pylist() if y is not None)
        if not years:
            return
        info = {r["school_id"]: r for r in sch.to_pylist()}
        pos = pc.index_in(lv["school_id"], value_set=sch["school_id"])     # each row's school in schools.csv
        stype = pc.take(sch["school_type"], pos)
        allowed = sorted(f"{st}|{lvl}" for st, levels in _LEVELS_OF.items() for lvl in levels)
        pair = pc.binary_join_element_wise(pc.fill_null(stype, ""), pc.fill_null(lv["level"], ""), "|")
        self.flag("school_levels", pc.invert(pc.is_in(pair, value_set=pa.array(allowed))), "level",
                  lambda r: f"{info[r['school_id']]['school_type']}不应有「{r['level']}」学段的数据。",
                  "请更正学段，或在 schools.csv 中更正该校的办学类型。")
        opened = {sid: years[0] if r["opened_year"] is None else r["opened_year"] for sid, r in info.items()}
        closed = {sid: years[-1] if r["closed_year"] is None else r["closed_year"] for sid, r in info.items()}
        first = pc.take(pc.fill_null(sch["opened_year"], years[0]), pos)
        last = pc.take(pc.fill_null(sch["closed_year"], years[-1]), pos)
        outside = pc.or_kleene(pc.less(lv["year"], first), pc.greater(lv["year"], last))
        self.flag("school_levels", outside, "year", lambda r: f"{info[r['school_id']]['school_name']}在这一年尚未开办或已撤并（见 schools.csv 的 opened_year、closed_year）。",
                  "请删除这一行，或更正 schools.csv 中的开办/撤并年份。")
        have = set(zip(lv["year"].to_pylist(), lv["school_id"].to_pylist(), lv["level"].to_pylist()))
        rows_of = {}
        for tname in ("school_facilities", "school_finance"):
            if self.need(tname):
                rows_of[tname] = set(zip(self.t[tname]["year"].to_pylist(), self.t[tname]["school_id"].to_pylist()))
        # find the gaps with set arithmetic first; walk school by school (for messages in order) only if there are any
        want_levels, want_rows = set(), set()
        for sid, r in info.items():
            for y in years:
                if opened[sid] <= y <= closed[sid]:
                    want_rows.add((y, sid))
                    want_levels.update((y, sid, level) for level in _LEVELS_OF.get(r["school_type"], ()))
        if want_levels <= have and all(want_rows <= keys for keys in rows_of.values()):
            return
        for sid, r in info.items():
            for y in years:
                if y < opened[sid] or y > closed[sid]:
                    continue
                for level in sorted(_LEVELS_OF.get(r["school_type"], set())):
                    if (y, sid, level) not in have:
                        self.report.add(Finding(ERROR, "missing-year", self.shown["school_levels"],
                                                f"{r['school_name']}（{sid}）缺少 {y} 年「{level}」学段的数据行。",
                                                f"请在 school_levels.csv 中补上 {y} 年该校{level}的一行；若学校已撤并，请在 schools.csv 填写 closed_year。"))
                for tname, keys in rows_of.items():
                    if (y, sid) not in keys:
                        self.report.add(Finding(ERROR, "missing-year", self.shown[tname],
                                                f"{r['school_name']}（{sid}）缺少 {y} 年的数据行。",
                                                f"请在 {tname}.csv 中补上 {y} 年该校的一行。"))

    def class_sizes(self) -> None:
        if not self.need("school_levels"):
            return
        d = self.t["school_levels"]
        students, classes, biggest = d["students"], d["classes"], d["max_class_size"]
        has_classes = pc.greater(classes, 0)
        self.flag("school_levels", pc.and_(pc.greater(students, 0), pc.equal(classes, 0)), "classes", "有在校生却没有班级。", "请填写班级数。")
        f64 = pa.float64()
        avg = pc.ceil(pc.divide(pc.cast(students, f64), pc.cast(pc.if_else(has_classes, classes, pa.scalar(None, classes.type)), f64)))
        self.flag("school_levels", pc.and_(has_classes, pc.less(biggest, avg)), "max_class_size",
                  lambda r: f"最大班额 {r['max_class_size']} 小于平均班额 {math.ceil(r['students'] / r['classes'])}（{r['students']} 人 ÷ {r['classes']} 个班）。",
                  "在校生数、班级数和最大班额三者不一致，请核对。")
        self.flag("school_levels", pc.greater(biggest, students), "max_class_size",
                  lambda r: f"最大班额大于该学段在校生总数 {r['students']}。", "请核对最大班额。")
        self.flag("school_levels", pc.and_(pc.greater(classes, students), pc.greater(students, 0)), "classes",
                  lambda r: f"班级数多于在校生数 {r['students']}。", "请核对班级数。")

    def jumps(self) -> None:
        if not self.need("school_facilities"):
            return
        d = self.t["school_facilities"]
        if not d.num_rows:
            return
        order = pc.sort_indices(d, sort_keys=[("school_id", "ascending"), ("year", "ascending")])
        back = pc.sort_indices(order)                 # sorted position of each original row
        srt = d.take(order).combine_chunks()
        sid, year = srt["school_id"].chunk(0), srt["year"].chunk(0)
        same = pc.equal(sid, _shift(sid))             # the row before is the same school (null for the first row)
        prev_year = pc.if_else(same, _shift(year), pa.scalar(None, year.type))
        follows = pc.equal(prev_year, pc.subtract(year, 1))
        f64 = pa.float64()
        for col in ("teaching_aux_area_m2", "sports_ground_area_m2", "equipment_value_yuan"):
            cur = srt[col].chunk(0)
            prev = pc.if_else(same, _shift(cur), pa.scalar(None, cur.type))
            base = pc.if_else(pc.greater(prev, 0), prev, pa.scalar(None, cur.type))
            change = pc.divide(pc.cast(pc.subtract(cur, prev), f64), pc.cast(base, f64))
            mask = pc.and_(pc.greater(pc.abs(change), 0.5), follows)
            before = pc.take(prev, back).to_pylist()
            title = load("school_facilities").field(col).title.split("（")[0]
            self.flag("school_facilities", pc.take(mask, back), col,
                      lambda r, t=title, p=before: f"{t}比上一年变化超过 50%（上一年 {_fmt(p[r['_i']])}）。",
                      "如确为新建、撤并或统计口径变化，可忽略此警告并在拉取请求中说明；否则请检查单位（如万元与元）。", sev=WARNING)

    def parents(self) -> None:
        if not self.need("schools"):
            return
        d = self.t["schools"]
        stype, parent = d["school_type"], d["parent_school_id"]
        point = pc.equal(stype, "教学点")
        parent_type = pc.take(stype, pc.index_in(parent, value_set=d["school_id"]))
        self.flag("schools", pc.and_(point, pc.is_null(parent)), "parent_school_id",
                  "教学点必须填写所属学校标识码。", "请填写该教学点所属完全小学的学校标识码。")
        self.flag("schools", pc.and_(pc.invert(point), pc.is_valid(parent)), "parent_school_id",
                  "只有教学点需要填写所属学校。", "请清空这一格。")
        self.flag("schools", pc.equal(parent_type, "教学点"), "parent_school_id",
                  "所属学校本身也是教学点。", "请填写其所属的完全小学。")
        self.flag("schools", pc.less(d["closed_year"], d["opened_year"]), "closed_year", "撤并年份早于开办年份。", "请核对两列。")

    def county_rows(self) -> None:
        if self.need("county") and self.t["county"].num_rows != 1:
            self.report.add(Finding(ERROR, "county-rows", self.shown["county"], f"county.csv 应只有 1 行，现在有 {self.t['county'].num_rows} 行。",
                                    "请只保留本县的一行。"))

    def judged(self) -> None:
        if not self.need("judged_items", "standards"):
            return
        st = self.t["standards"]
        judged_ids = set(st["rule_id"].filter(pc.equal(st["comparator"], "judged")).to_pylist())
        d = self.t["judged_items"]
        self.flag("judged_items", pc.invert(pc.is_in(d["item_id"], value_set=pa.array(sorted(judged_ids), pa.string()))), "item_id",
                  "不是 standards.csv 中需认定（judged）的事项编号。", f"可用的编号：{'、'.join(sorted(judged_ids))}。")
        if self.need("tasks"):
            ids = {r.split(".")[0] for r in st["rule_id"].to_pylist()}
            bad = [v is not None and any(x not in ids for x in v.split()) for v in self.t["tasks"]["items"].to_pylist()]
            self.flag("tasks", bad, "items", "含有 standards.csv 中不存在的指标编号。", "请用空格分隔已有的编号，如 “G6 G7 Q4”。")

    def standards_complete(self) -> None:
        if not self.need("standards"):
            return
        d = self.t["standards"]
        from .indicators.known import PROFILE_ZH, missing, problem, unused

        found = [problem(rid, comp) for rid, comp in zip(d["rule_id"].to_pylist(), d["comparator"].to_pylist())]
        for why in dict.fromkeys(f for f in found if f):             # each distinct problem once, on each row it is on
            self.flag("standards", pa.array([f == why for f in found]), "rule_id", why[0], why[1])
        listed = list(zip(d["rule_id"].to_pylist(), d["profile"].to_pylist(), d["level"].to_pylist()))
        for rid, profile, item in unused(listed):
            self.flag("standards", pa.array([r == rid and p == profile for r, p, _ in listed]), "rule_id",
                      f"{PROFILE_ZH[profile]}（{profile}）中没有事项 {item}，只在 {item} 的结论中使用的规则 {rid} 不会起任何作用。",
                      f"如果{PROFILE_ZH[profile]}要评估 {item}，请补上 {item} 的一行；否则可以删除这一行。", sev=WARNING)
        for rid, profile, named, why in missing(listed):
            self.report.add(Finding(ERROR, "missing-rule", self.shown["standards"], f"缺少{PROFILE_ZH[profile]}（{profile}）的规则 {named}：{why}。",
                                    f"请在 standards.csv 中补上 {rid} 的这一行（阈值、来源与可信度）；每条规则的写法见网站的方法说明页。"))
        no_threshold = pc.is_in(d["comparator"], value_set=pa.array(["judged", "composite"]))
        self.flag("standards", pc.and_(pc.invert(no_threshold), pc.is_null(d["threshold"])), "threshold",
                  "数值规则和参数必须有阈值。", "请填写阈值，或把比较方式改为 judged。")
        self.flag("standards", pc.and_(no_threshold, pc.is_valid(d["threshold"])), "threshold",
                  "judged（依据材料认定）和 composite（由分项组成）的规则不应有阈值。", "请清空阈值。")

    def cohort_lengths(self) -> None:
        """A cohort of another length than the county's junior school cannot exist there (a 3-year cohort in a 5-4
        county): it is never used, and keeping it suggests numbers that were made up."""
        if not self.need("county", "cohorts") or not len(self.t["county"]):
            return
        junior = self.t["county"]["junior_years"][0].as_py()
        d = self.t["cohorts"]
        self.flag("cohorts", pc.not_equal(d["cohort_years"], junior), "cohort_years",
                  lambda r: f"本县初中学制为 {junior} 年（county.csv 的 junior_years），{r['cohort_years']} 年的队列在本县不存在，计算中不会使用这一行。",
                  f"请删除这一行；巩固率只需要 {junior} 年队列的数据。", sev=WARNING)

    def milestones(self) -> None:
        if not self.need("milestones"):
            return
        d = self.t["milestones"]
        done = pc.equal(d["status"], "已完成")
        self.flag("milestones", pc.and_(done, pc.is_null(d["done_on"])), "done_on", "状态为已完成，但没有填写完成日期。", "请填写完成日期（YYYY-MM-DD）。")
        self.flag("milestones", pc.and_(pc.invert(done), pc.is_valid(d["done_on"])), "done_on", "尚未完成的节点不应有完成日期。", "请清空完成日期或把状态改为已完成。")

    def baselines(self) -> None:
        if not self.need("funding_baselines", "school_levels"):
            return
        b = self.t["funding_baselines"]
        have = set(zip(b["year"].to_pylist(), b["level"].to_pylist(), b["area_type"].to_pylist()))
        areas = load("funding_baselines").field("area_type").constraints["enum"]
        for y in sorted(y for y in pc.unique(self.t["school_levels"]["year"]).to_pylist() if y is not None):
            for lv in ("小学", "初中"):
                missing = [a for a in areas if (y, lv, a) not in have]
                if missing:
                    self.report.add(Finding(ERROR, "missing-year", self.shown["funding_baselines"],
                                            f"缺少 {y} 年{lv}（{'、'.join(missing)}）的生均公用经费基准定额。",
                                            f"请补上 {y} 年{lv}在{'、'.join(missing)}的定额各一行（城乡统一时数值相同）。"))

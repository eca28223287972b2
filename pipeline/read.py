"""Turn a data folder (descriptor + CSV files) into Arrow tables of text cells, reporting every unreadable file.

Only pyarrow is used here and in validation (no pandas), so that `junheng validate` starts and runs fast."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from . import inert, personal
from .report import ERROR, Finding, Report
from . import schemas
from .schemas import TABLES, TableSchema

MAX_BYTES = int(os.environ.get("JUNHENG_MAX_BYTES", 512 * 1024 * 1024))   # one CSV; larger ones are refused
MAX_ROWS = int(os.environ.get("JUNHENG_MAX_ROWS", 5_000_000))            # rows in one CSV
DESCRIPTOR = "datapackage.json"
ROW = "_row"          # the spreadsheet row number of each record (header = row 1)


DEFAULTS = Path(__file__).resolve().parent / "defaults"     # tables a county may leave to the tool (standards)


@dataclass
class Package:
    root: Path
    descriptor: dict
    paths: dict[str, Path]
    defaults: frozenset = frozenset()      # tables read from the tool's own defaults, not from the data folder

    @property
    def illustrative(self) -> bool:
        return bool(self.descriptor.get("illustrative"))


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


IMPORT_JOURNAL = ".junheng-import.json"      # written by junheng import while it swaps files in (importer.py)


def load_package(root: Path, report: Report) -> Package | None:
    """Read the descriptor; refuse table paths that leave the data folder."""
    dp = root / DESCRIPTOR
    shown = display_path(dp)
    if not root.is_dir():
        report.add(Finding(ERROR, "no-data-dir", display_path(root), "数据文件夹不存在。", "请检查 --data-dir 参数。"))
        return None
    if (root / IMPORT_JOURNAL).is_file():
        report.add(Finding(ERROR, "import-interrupted", display_path(root / IMPORT_JOURNAL),
                           "上次 junheng import 在写入文件的途中被中断，数据文件可能一部分是新的、一部分是旧的。",
                           "运行任一 junheng 命令（例如 junheng validate）会自动恢复到导入前的状态，然后请重新导入。"))
    if not dp.is_file():
        report.add(Finding(ERROR, "no-descriptor", shown, "数据文件夹中缺少 datapackage.json（数据包描述文件）。",
                           "请从仓库的 datasets/datapackage.json 复制一份并按实际表格修改。"))
        return None
    try:
        desc = _json(dp)
        resources = desc["resources"]
        assert isinstance(resources, list)
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError, RecursionError) as e:
        report.add(Finding(ERROR, "bad-descriptor", shown, f"datapackage.json 不是有效的数据包描述文件（{type(e).__name__}）。",
                           "请用 JSON 校验工具检查括号和逗号，或从仓库恢复该文件。"))
        return None
    _descriptor_text(desc, shown, report)        # errors block; the tables are still read, so all is reported at once
    paths: dict[str, Path] = {}
    overrides: dict[str, Path] = {}
    for i, res in enumerate(resources):
        name = res.get("name") if isinstance(res, dict) else None
        rel = res.get("path") if isinstance(res, dict) else None
        where = f"resources 第 {i + 1} 项"
        if name not in TABLES:
            report.add(Finding(ERROR, "unknown-resource", shown, f"{where} 的表名「{name}」不是已定义的表。",
                               f"表名必须是以下之一：{'、'.join(TABLES)}。"))
            continue
        if not isinstance(rel, str) or not rel:
            report.add(Finding(ERROR, "bad-path", shown, f"{where}（{name}）缺少 path。", f"请写成 \"{name}.csv\"。"))
            continue
        escape = _escapes(root, rel)
        if escape == "outside":
            report.add(Finding(ERROR, "unsafe-path", shown, f"{where}（{name}）的路径「{rel}」指向数据文件夹之外（网址、绝对路径或 ..）。",
                               f"表格必须放在数据文件夹内，请写成 \"{name}.csv\"。"))
            continue
        if escape == "link":
            report.add(Finding(ERROR, "unsafe-path", shown, f"{where}（{name}）的路径「{rel}」是指向数据文件夹之外的链接。",
                               "请把真实文件复制到数据文件夹内，不要使用符号链接。"))
            continue
        target = root / rel
        if name in paths:
            report.add(Finding(ERROR, "duplicate-resource", shown, f"表「{name}」在 resources 中出现了两次。", "请删除重复的一项。"))
            continue
        paths[name] = target
        if "schema" in res:
            own = _own_schema(root, name, res["schema"], shown, where, report)
            if own is not None:
                overrides[name] = own
    schemas.use(overrides)
    defaults = frozenset(n for n in TABLES if n not in paths and (DEFAULTS / f"{n}.csv").is_file())
    paths.update({n: DEFAULTS / f"{n}.csv" for n in defaults})
    for name in TABLES:
        if name not in paths and not any(f.code in ("unsafe-path", "bad-path") for f in report.findings):
            report.add(Finding(ERROR, "missing-resource", shown, f"datapackage.json 中没有列出表「{name}」。",
                               f"请在 resources 中加入 {{\"name\": \"{name}\", \"path\": \"{name}.csv\"}}。"))
    return Package(root, desc, paths, defaults)


def _escapes(root: Path, rel: str) -> str | None:
    """Whether a path named in the descriptor leaves the data folder: "outside" (a URL, an absolute path, a drive or
    ..), "link" (a symbolic link out of it), or None."""
    if "://" in rel or rel.startswith(("/", "\\")) or (len(rel) > 1 and rel[1] == ":") or ".." in Path(rel).parts:
        return "outside"
    target = root / rel
    if target.exists() and not str(target.resolve()).startswith(str(root.resolve()) + os.sep):
        return "link"
    return None


def _json(path: Path):
    """A small JSON file (the descriptor, a schema); ValueError when it is larger than any real one could be."""
    if path.stat().st_size > _DESCRIPTOR_MAX:
        raise ValueError("too large")
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _own_schema(root: Path, name: str, rel, shown: str, where: str, report: Report) -> Path | None:
    """A county's own schema for one table (a resource's "schema"): it may change titles, descriptions and
    constraints, but must keep the tool's fields, in order and of the same types, which the computation reads."""
    hint = f"请写成数据文件夹内的相对路径，例如 \"schemas/{name}.json\"，或删去 schema 使用工具自带的表结构。"
    escape = _escapes(root, rel) if isinstance(rel, str) and rel else "outside"
    if escape == "outside":
        report.add(Finding(ERROR, "bad-schema", shown, f"{where}（{name}）的 schema「{inert.text(str(rel))}」不是数据文件夹内的文件。", hint))
        return None
    if escape == "link":
        report.add(Finding(ERROR, "bad-schema", shown, f"{where}（{name}）的 schema「{inert.text(rel)}」是指向数据文件夹之外的链接。",
                           "请把表结构文件复制到数据文件夹内，不要使用符号链接。"))
        return None
    path = root / rel
    try:
        own = _json(path)
        fields = [(f["name"], f.get("type", "string")) for f in own["fields"]]
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as e:
        report.add(Finding(ERROR, "bad-schema", display_path(path), f"{where}（{name}）的表结构文件无法读取（{type(e).__name__}）。", hint))
        return None
    tool = [(f.name, f.type) for f in schemas.load(name, schemas.SCHEMA_DIR, own=False).fields]
    if fields != tool:
        report.add(Finding(ERROR, "bad-schema", display_path(path),
                           f"{where}（{name}）的表结构必须保留工具定义的全部字段（顺序与类型相同）：{'、'.join(n for n, _ in tool)}。",
                           "只可修改字段的中文名称、说明和取值约束；需要新增字段请联系维护者。"))
        return None
    return path


_DESCRIPTOR_MAX = 1_000_000          # bytes; the real one is a few KB
_DESC_MULTILINE = {"description", "illustrative_note"}
_DESC_TEXT_MAX = 2000


def _descriptor_text(desc: dict, shown: str, report: Report) -> bool:
    """The descriptor's own text (title, licences, notes: printed on every page and in every citation) follows the
    same rules as a text cell; a licence needs a name and a web address. False when anything is wrong."""
    ok = True

    def bad(where: str, value, message: str, fix: str) -> None:
        nonlocal ok
        ok = False
        report.add(Finding(ERROR, "bad-descriptor-text", shown, f"字段 {where}：{message}", fix,
                           value=None if value is None else str(value)))

    def walk(node, where: str, depth: int = 0) -> None:
        if depth > 20:
            bad(where, None, "嵌套层次过深。", "请从仓库恢复 datapackage.json，只修改其中的文字。")
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "resources":
                    walk(v, f"{where}.{k}" if where else str(k), depth + 1)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]", depth + 1)
        elif isinstance(node, str):
            key = where.rsplit(".", 1)[-1]
            if inert.CONTROL.search(node):
                bad(where, node, "含有不可见的控制字符。", "请删除这个字符，重新输入这段文字。")
            if inert.HIDDEN.search(node):
                bad(where, node, "含有改变文字方向或看不见的字符。", "请删除这个字符，重新输入这段文字。")
            if key not in _DESC_MULTILINE and ("\n" in node or "\r" in node):
                bad(where, node, "只能写一行，其中有换行。", "请把这段文字写在一行里。")
            what = personal.find(node)
            if what:
                bad(where, personal.mask(node), f"含有个人信息（{what}），个人信息不得公开发布。", "请删除该信息。")
            if len(node) > _DESC_TEXT_MAX:
                bad(where, node, f"长度为 {len(node)} 个字，超过上限 {_DESC_TEXT_MAX} 个字。", "请精简这段文字。")

    walk(desc, "")
    lic = desc.get("licenses")
    if lic is not None:
        if not isinstance(lic, list) or not lic:
            bad("licenses", None, "应为至少一项许可的列表。", '请写成 [{"name": "CC-BY-4.0", "title": "…", "path": "https://…"}]。')
        else:
            for i, item in enumerate(lic):
                if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item.get("name"):
                    bad(f"licenses[{i}]", None, "许可缺少名称（name）。", '请填写许可的标准名称，例如 "name": "CC-BY-4.0"。')
                elif "path" in item and not (isinstance(item["path"], str) and re.fullmatch(r"https?://[^\s<>\"']+", item["path"])):
                    bad(f"licenses[{i}].path", item.get("path"), "许可的网址应以 http:// 或 https:// 开头。", "请填写许可文本的网址。")
    return ok


def _decode(raw: bytes, shown: str, report: Report) -> str | None:
    if raw.startswith(b"PK\x03\x04"):
        report.add(Finding(ERROR, "xlsx-as-csv", shown, "这个文件实际上是 Excel 工作簿（.xlsx），只是扩展名改成了 .csv。",
                           "请在 Excel 或 WPS 中打开它，选择“另存为”→“CSV UTF-8（逗号分隔）”，或运行 junheng import 导入工作簿。"))
        return None
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        report.add(Finding(ERROR, "xls-as-csv", shown, "这个文件实际上是旧版 Excel 文件（.xls），只是扩展名改成了 .csv。",
                           "请在 Excel 或 WPS 中打开它，选择“另存为”→“CSV UTF-8（逗号分隔）”。"))
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add(Finding(ERROR, "utf16", shown, "文件是 UTF-16 编码（Excel 的“Unicode 文本”格式）。",
                           "请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”。"))
        return None
    if b"\x00" in raw:
        row = raw[: raw.index(b"\x00")].count(b"\n") + 1
        report.add(Finding(ERROR, "binary", shown, "文件中含有空字节（NUL），不是文本格式的 CSV。",
                           "请确认上传的是 CSV 文本文件；可在 Excel 中另存为“CSV UTF-8（逗号分隔）”。", row=row))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        row = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            report.add(Finding(ERROR, "gbk", shown, "文件是 GBK（GB2312/GB18030）编码，不是 UTF-8。中文版 Excel 直接“另存为 CSV”就会得到这种编码。",
                               "请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”，或在 WPS/记事本中另存为 UTF-8 编码；也可运行 junheng import 自动转换。",
                               row=row))
        except UnicodeDecodeError:
            report.add(Finding(ERROR, "encoding", shown, f"文件不是 UTF-8 编码，第 {row} 行附近有无法识别的字节。",
                               "请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”。", row=row))
        return None


def read_table(name: str, path: Path, schema: TableSchema, report: Report) -> pa.Table | None:
    """Read one CSV into an Arrow table of raw text cells (column ROW = spreadsheet row)."""
    shown = display_path(path)
    if not path.is_file():
        report.add(Finding(ERROR, "missing-file", shown, f"找不到表「{name}」（{schema.title}）的文件。",
                           f"请把 {path.name} 放进数据文件夹，或更正 datapackage.json 中的 path。"))
        return None
    size = path.stat().st_size
    if size > MAX_BYTES:
        report.add(Finding(ERROR, "too-large", shown, f"文件有 {size / 2**20:,.0f} MB，超过单个表格 {MAX_BYTES / 2**20:,.0f} MB 的上限。",
                           "请确认没有误传其他文件；如确需处理超大表格，请设置环境变量 JUNHENG_MAX_BYTES 提高上限。"))
        return None
    raw = path.read_bytes()
    lines = raw.count(b"\n")
    if lines > MAX_ROWS + 1:
        report.add(Finding(ERROR, "too-many-rows", shown, f"文件有约 {lines:,} 行，超过单个表格 {MAX_ROWS:,} 行的上限。",
                           "请确认没有误传其他文件；如确需处理更大的表格，请设置环境变量 JUNHENG_MAX_ROWS 提高上限。"))
        return None
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        report.add(Finding(ERROR, "empty-file", shown, "文件是空的，连表头都没有。",
                           f"请至少保留第 1 行表头：{','.join(schema.names)}"))
        return None
    text = _decode(raw, shown, report)
    if text is None:
        return None
    first = text[: text.find("\n")] if "\n" in text else text
    if "," not in first and ("\t" in first or ";" in first or "；" in first):
        sep = "制表符（Tab）" if "\t" in first else "分号"
        report.add(Finding(ERROR, "delimiter", shown, f"文件用{sep}分隔各列，而不是英文逗号。", "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。", row=1))
        return None
    try:
        first_record = text[: text.find("\n") + 1 if "\n" in text else len(text)]
        records = list(csv.reader(io.StringIO(first_record, newline="")))
        if not records:
            records = [[]]
    except csv.Error as e:
        report.add(Finding(ERROR, "csv-syntax", shown, f"CSV 格式错误：{e}。", "请检查引号是否成对出现。"))
        return None
    header = [h.strip() for h in records[0]]
    ok = _check_header(header, schema, shown, report)
    if not ok:
        return None
    fast = _read_arrow(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw, header)   # bytes already checked as UTF-8
    if fast is not None:
        return _without_totals(_with_later_columns(fast, header, schema), schema, shown, report)
    width = len(header)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        report.add(Finding(ERROR, "csv-syntax", shown, f"CSV 格式错误：{e}。", "请检查引号是否成对出现。"))
        return None
    rows, rownums = [], []
    for i, rec in enumerate(records[1:], start=2):
        if not rec or all(not c.strip() for c in rec):
            if i == len(records) and not rec:
                continue
            report.add(Finding(ERROR, "blank-row", shown, "这一行是空行。", "请删除空行（数据之间不能有空行）。", row=i))
            continue
        if len(rec) != width:
            report.add(Finding(ERROR, "row-width", shown,
                               f"这一行有 {len(rec)} 个单元格，而表头有 {width} 列，整行可能错位了。",
                               "请检查是否有单元格中多了英文逗号（含逗号的内容需用英文双引号括起来）、多了或少了一格。",
                               row=i, value=personal.mask(",".join(rec))))
            continue
        rows.append(rec)
        rownums.append(i)
    cols = {h: pa.array([r[j] for r in rows], type=pa.string()) for j, h in enumerate(header)}
    cols[ROW] = pa.array(rownums, type=pa.int64())
    return _without_totals(_with_later_columns(pa.table(cols), header, schema), schema, shown, report)


# a text cell that is only a total's label: 合计, 小计, 总计, 全县合计, "合 计：" (a spreadsheet's totals row)
_TOTAL = r"^\s*(全县|全市|全区|全镇|本县|各校)?\s*(合\s*计|小\s*计|总\s*计)\s*[:：]?\s*$"


def _without_totals(tbl: pa.Table, schema: TableSchema, shown: str, report: Report) -> pa.Table:
    """A totals row pasted under the data (合计, 小计) is one error, named once, and left out of the table: the site
    sums the rows itself, and the row's empty key cells would otherwise give a message each."""
    import pyarrow.compute as pc

    text = [f.name for f in schema.fields if f.type == "string" and f.name in tbl.column_names]
    if not text or not tbl.num_rows:
        return tbl
    if not any(pc.any(pc.match_substring(tbl[name], "计")).as_py() for name in text):
        return tbl                   # the usual case, found by a plain substring search (a third of the regex's time)
    hit = None
    for name in text:
        m = pc.match_substring_regex(tbl[name], _TOTAL)
        hit = m if hit is None else pc.or_(hit, m)
    hit = pc.fill_null(hit, False)
    if not pc.any(hit).as_py():
        return tbl
    for row in tbl.filter(hit).to_pylist():
        cell = next(n for n in text if re.match(_TOTAL, row[n]))
        report.add(Finding(ERROR, "total-row", shown, f"这一行像是合计行（{schema.field(cell).title}填的是「{inert.text(row[cell].strip(), 20)}」）。"
                           "数据表只填逐校、逐项的原始数据，合计、小计由本站计算。", "请删除这一行。", row=row[ROW], column=cell,
                           column_letter=col_letter(schema.names.index(cell)), column_title=schema.field(cell).title,
                           value=personal.mask(row[cell])))
    return tbl.filter(pc.invert(hit))


def _with_later_columns(tbl: pa.Table, header: list[str], schema: TableSchema) -> pa.Table:
    """A column added to the schema later ("optionalColumn") and absent from an older file reads as empty cells."""
    for f in schema.fields:
        if f.name not in header:
            tbl = tbl.append_column(f.name, pa.array([""] * tbl.num_rows, type=pa.string()))
    return tbl


def _read_arrow(data: bytes, header: list[str]) -> pa.Table | None:
    """Parse a well-formed CSV with Arrow (fast, all cells as text); None when Arrow cannot, so the exact
    Python reader runs instead and reports blank, shifted or malformed rows by their spreadsheet row."""
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    if len(set(header)) != len(header):
        return None
    try:
        tbl = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            # a cell can hold a line break only inside quotes; without any quote the faster parser is exact
            parse_options=pcsv.ParseOptions(newlines_in_values=b'"' in data, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in header}, strings_can_be_null=False,
                                                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if tbl.num_rows and tbl.num_columns:
        blank = pc.equal(tbl.column(0), "")
        for col in tbl.columns[1:]:
            blank = pc.and_(blank, pc.equal(col, ""))
        if pc.any(blank).as_py():
            return None                              # a row of empty cells: let the exact reader name it
    import numpy as np                               # pyarrow has imported it already

    tbl = tbl.combine_chunks()
    return tbl.append_column(ROW, pa.array(np.arange(2, tbl.num_rows + 2, dtype=np.int64)))


def _check_header(header: list[str], schema: TableSchema, shown: str, report: Report) -> bool:
    names = schema.names
    by_title = {f.title: f.name for f in schema.fields}
    by_title.update({f.title.split("（")[0]: f.name for f in schema.fields})
    ok = True
    seen = set()
    for i, h in enumerate(header):
        letter = col_letter(i)
        if h in seen and h:                       # (columns with no name are each named below)
            report.add(Finding(ERROR, "duplicate-column", shown, f"列名「{h}」出现了不止一次。", "请删除重复的列。",
                               row=1, column=h, column_letter=letter))
            ok = False
        seen.add(h)
        if h in names:
            continue
        ok = False
        if h in by_title:
            report.add(Finding(ERROR, "chinese-header", shown, f"表头使用了中文名称「{h}」。",
                               f"第 1 行必须使用英文字段名：请把它改为 {by_title[h]}（中文名称只用于说明，见数据字典）。",
                               row=1, column=h, column_letter=letter))
        elif not h:
            report.add(Finding(ERROR, "empty-header", shown, "这一列没有列名。",
                               "请删除这一列（包括下面的所有单元格；Excel 另存时常在右边多出这样的空列），或填写正确的英文字段名。",
                               row=1, column_letter=letter))
        else:
            close = [n for n in names if n not in header and (n.replace("_", "") == h.lower().replace("_", "").replace(" ", "") or h.lower() in n)]
            hint = f"是否应为 {close[0]}？" if close else f"本表的列应为：{', '.join(names)}。"
            report.add(Finding(ERROR, "unknown-column", shown, f"列名「{h}」不是本表（{schema.title}）定义的字段。",
                               hint + " 如需新增字段，请先在 schemas/ 中定义。", row=1, column=h, column_letter=letter))
    for n in names:
        if n not in header and not schema.field(n).optional_column:      # an older file may lack a later column
            fld = schema.field(n)
            renamed = any(h in by_title and by_title[h] == n for h in header)
            if not renamed:
                report.add(Finding(ERROR, "missing-column", shown, f"缺少列 {n}（{fld.title}）。",
                                   f"请在第 1 行加上列名 {n}，并在每一行填写{fld.title}。", row=1, column=n, column_title=fld.title))
            ok = False
    return ok

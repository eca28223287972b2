"""Turn an edited workbook (or a GBK or UTF-8 CSV) into the data folder's CSVs, only when the result is valid.

The import is staged in a scratch copy of the data folder and validated there; errors are
reported by sheet, row and column of the workbook. Only a valid import is written, in canonical
form, each file replaced atomically; uncommitted edits in the data folder are not overwritten
unless asked (--force).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import cell as canonical_cell
from .canonical import to_csv
from .journal import replace_all
from .read import col_letter
from .report import ERROR, Finding, Report
from .schemas import TABLES, load
from .template import sheet_title


@dataclass
class Source:
    table: str
    label: str                    # how the user knows it: 工作簿 x.xlsx 的工作表「学校名录」
    header: list[str]
    rows: list[list[str]]
    sheet_rows: list[int]         # where each row sits in the user's file


@dataclass
class ImportResult:
    report: Report
    changed: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    refused: str = ""


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return canonical_cell(v, "number")
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _table_for(name: str) -> str | None:
    for t in TABLES:
        if name in (t, sheet_title(load(t)), load(t).title):
            return t
    return None


def _map_header(table: str, row1: list[str], row2: list[str] | None) -> tuple[list[str], int]:
    """Field names of the columns, and how many header rows there are."""
    names = load(table).names
    if row2 and all((c or "") in names or not c for c in row2) and any(c in names for c in row2):
        return [c or "" for c in row2], 2
    by_title = {f.title: f.name for f in load(table).fields}
    return [by_title.get(c or "", c or "") for c in row1], 1


# what a workbook may hold: far above any county's data (the 15,000-unit benchmark has 45,000 level rows a year),
# far below what would exhaust the machine. A workbook past them is refused before anything is parsed or written.
MAX_ROWS = 300_000                 # filled rows in one sheet
MAX_COLS = 200                     # columns read in a sheet (every table has fewer than 40)
MAX_UNZIPPED = 256 * 2**20         # bytes of the workbook's parts once unzipped (zipfile enforces the declared sizes)
MAX_PARTS = 5_000
MAX_CSV = 256 * 2**20              # bytes of a CSV


def _refuse(report: Report, code: str, file: str, message: str, fix: str) -> list:
    report.add(Finding(ERROR, code, file, message, fix))
    return []


def _check_zip(path: Path, report: Report) -> bool:
    """The workbook's parts, before any is parsed: a bounded size, no links to other files."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True                        # load_workbook says it cannot open it, in its own message
    size = sum(p.file_size for p in parts)
    if len(parts) > MAX_PARTS or size > MAX_UNZIPPED:
        _refuse(report, "workbook-too-large", path.name,
                f"工作簿解压后有 {size / 2**20:,.0f} MB、{len(parts)} 个部件，超过导入的上限（{MAX_UNZIPPED // 2**20} MB、{MAX_PARTS} 个）。",
                "请确认文件是由 junheng template 生成的模板填写而成；可把数据复制到新的模板中再导入。")
        return False
    if any(p.filename.startswith("xl/externalLinks/") for p in parts):
        _refuse(report, "external-link", path.name, "工作簿中有指向其他文件的外部链接，导入只接受填写的值。",
                "请在 Excel 中“数据”→“编辑链接”→“断开链接”，或把数据复制到新的模板中再导入。")
        return False
    return True


def read_workbook(path: Path, report: Report) -> list[Source]:
    from openpyxl import load_workbook

    if not _check_zip(path, report):
        return []
    try:
        wb = load_workbook(path, data_only=False, read_only=True)
    except Exception as e:  # noqa: BLE001 — any unreadable workbook gets the same clear message
        report.add(Finding(ERROR, "bad-workbook", path.name, f"无法打开这个 Excel 工作簿（{type(e).__name__}）。",
                           "请确认文件是 .xlsx 格式（不是 .xls 或 .et），可在 Excel 或 WPS 中“另存为”.xlsx 后重试。"))
        return []
    try:
        return _read_sheets(wb, path, report)
    finally:
        wb.close()


def _read_sheets(wb, path: Path, report: Report) -> list[Source]:
    out, seen = [], {}
    for ws in wb.worksheets:
        if ws.title == "填写说明":
            continue
        table = _table_for(ws.title)
        label = f"{path.name} 的工作表「{ws.title}」"
        if table is None:
            report.add(Finding(ERROR, "unknown-sheet", path.name, f"工作表「{ws.title}」不对应任何数据表。",
                               "请不要修改工作表名称；多余的工作表请删除。"))
            continue
        if table in seen:
            report.add(Finding(ERROR, "duplicate-sheet", path.name, f"工作表「{seen[table]}」和「{ws.title}」都对应表 {table}。",
                               "每张表只能有一个工作表：请把数据合并到其中一个，删除另一个。"))
            continue
        seen[table] = ws.title
        head = [[_text(c.value) for c in r] for r in ws.iter_rows(min_row=1, max_row=2, max_col=MAX_COLS)]
        if not head:
            continue
        if len(head[0]) >= MAX_COLS and head[0][MAX_COLS - 1]:
            report.add(Finding(ERROR, "too-many-columns", label, f"表头超过 {MAX_COLS} 列。", "请删除多余的列，只保留模板中的列。"))
            continue
        width = max((i + 1 for row in head for i, v in enumerate(row) if v), default=0)
        row1 = head[0][:width]
        row2 = head[1][:width] if len(head) > 1 else None
        header, skip = _map_header(table, row1, row2)
        rows, where = [], []
        for i, r in enumerate(ws.iter_rows(min_row=skip + 1, max_col=max(width, 1)), start=skip + 1):
            values = []
            for j, c in enumerate(r[: len(header)]):
                if c.data_type == "f":
                    report.add(Finding(ERROR, "formula", label, "单元格里是公式，导入只接受填写的值。",
                                       "请把公式改为数值（复制后“选择性粘贴”→“数值”）。", row=i, column=header[j] or None,
                                       column_letter=col_letter(j), value=str(c.value)))
                values.append(_text(c.value))
            values += [""] * (len(header) - len(values))
            if all(v == "" for v in values):
                continue                      # empty rows (and everything after the last filled one) are left out
            if len(rows) >= MAX_ROWS:
                report.add(Finding(ERROR, "too-many-rows", label, f"数据超过 {MAX_ROWS:,} 行（第 {i} 行仍有内容）。",
                                   "请确认没有误填到远处的单元格；确实这么多行时，请分成几个工作簿分别导入。"))
                return out
            rows.append(values)
            where.append(i)
        out.append(Source(table, label, header, rows, where))
    return out


def read_csv(path: Path, report: Report, table: str | None) -> list[Source]:
    if path.stat().st_size > MAX_CSV:
        return _refuse(report, "file-too-large", path.name, f"文件超过 {MAX_CSV // 2**20} MB，不像是一张数据表。", "请检查是否选错了文件。")
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        report.add(Finding(ERROR, "encoding", path.name, "无法识别文件编码（既不是 UTF-8 也不是 GBK）。", "请用 Excel 另存为“CSV UTF-8（逗号分隔）”。"))
        return []
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        report.add(Finding(ERROR, "empty-file", path.name, "文件是空的。", "请检查文件。"))
        return []
    table = table or _table_for(path.stem)
    if table is None:
        report.add(Finding(ERROR, "unknown-table", path.name, f"无法从文件名「{path.stem}」判断是哪张表。",
                           f"请把文件命名为表名（如 schools.csv），或用 --table 指定：{'、'.join(TABLES)}。"))
        return []
    header, _ = _map_header(table, [h.strip() for h in records[0]], None)
    rows, where = [], []
    for i, r in enumerate(records[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        rows.append(r)
        where.append(i)
    return [Source(table, path.name, header, rows, where)]


def _dirty(data_dir: Path) -> str:
    try:
        r = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=data_dir, capture_output=True, text=True, timeout=20)
    except OSError:
        return ""
    return r.stdout.strip() if r.returncode == 0 else ""


def run_import(path: Path, data_dir: Path, force: bool = False, table: str | None = None) -> ImportResult:
    from .diff import row_changes
    from .validate import validate

    report = Report()
    result = ImportResult(report)
    if path.suffix.lower() in (".xlsx", ".xlsm") or path.read_bytes()[:4] == b"PK\x03\x04":
        sources = read_workbook(path, report)
    else:
        sources = read_csv(path, report, table)
    if not sources:
        if report.valid:
            report.add(Finding(ERROR, "nothing", path.name, "文件中没有可导入的数据表。", "请使用 junheng template 生成的模板。"))
        return result
    before = validate(data_dir)
    with tempfile.TemporaryDirectory(prefix="junheng-import-") as tmp:
        stage = Path(tmp) / "data"
        shutil.copytree(data_dir, stage, ignore=shutil.ignore_patterns(".*"))
        defaulted = sorted({s.table for s in sources} & (before.package.defaults if before.package else frozenset()))
        if defaulted:        # read the sheet's version of a table the county leaves to the tool, to see if it differs
            desc = json.loads((stage / "datapackage.json").read_text(encoding="utf-8-sig"))
            desc["resources"] += [{"name": t, "path": f"{t}.csv"} for t in defaulted]
            (stage / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
        by_file = {}
        for s in sources:
            target = stage / before.package.paths[s.table].name if before.package else stage / f"{s.table}.csv"
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(s.header)
            w.writerows(s.rows)
            target.write_text(buf.getvalue(), encoding="utf-8")
            by_file[target.name] = s
        staged = validate(stage)
        for f in staged.report.findings:
            name = Path(f.file).name
            s = by_file.get(name)
            if s is None:
                report.add(f)
                continue
            row = s.sheet_rows[f.row - 2] if f.row and f.row >= 2 and f.row - 2 < len(s.sheet_rows) else f.row
            report.add(dataclasses.replace(f, file=s.label, row=row))
        if not staged.valid or not report.valid:
            return result
        new_text = {s.table: to_csv(s.table, staged.tables[s.table]) for s in sources}
    targets = {t: (before.package.paths[t] if before.package else data_dir / f"{t}.csv") for t in new_text}
    changed = [t for t, text in new_text.items() if not targets[t].is_file() or targets[t].read_text(encoding="utf-8") != text]
    for t in sorted(set(changed) & set(defaulted)):
        report.add(Finding(ERROR, "default-table", f"{path.name}：{t}",
                           f"本县的「{load(t).title}」用的是工具自带的一份，不在数据文件夹中，导入不能修改它。",
                           f"请先把工具自带的 {t}.csv 复制到数据文件夹（junheng init 新建的县已带有这份文件），在 datapackage.json 的 "
                           f"resources 中加入 {{\"name\": \"{t}\", \"path\": \"{t}.csv\"}}，再导入。"))
    if not report.valid:
        return result
    result.changed = changed
    if not changed:
        return result
    dirty = _dirty(data_dir)
    if dirty and not force:
        result.refused = dirty
        return result
    if before.valid:
        result.changes = row_changes({t: before.tables[t] for t in changed}, {t: staged.tables[t] for t in changed})
    replace_all({targets[t]: new_text[t] for t in changed})
    return result

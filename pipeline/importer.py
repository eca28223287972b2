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
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import cell as canonical_cell
from .canonical import to_csv
from .read import col_letter
from .report import ERROR, Finding, Report
from .schemas import TABLES, load
from .template import HEADER_ROWS, sheet_title


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


def read_workbook(path: Path, report: Report) -> list[Source]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=False, read_only=False)
    except Exception as e:  # noqa: BLE001 — any unreadable workbook gets the same clear message
        report.add(Finding(ERROR, "bad-workbook", path.name, f"无法打开这个 Excel 工作簿（{type(e).__name__}）。",
                           "请确认文件是 .xlsx 格式（不是 .xls 或 .et），可在 Excel 或 WPS 中“另存为”.xlsx 后重试。"))
        return []
    out = []
    for ws in wb.worksheets:
        if ws.title == "填写说明":
            continue
        table = _table_for(ws.title)
        label = f"{path.name} 的工作表「{ws.title}」"
        if table is None:
            report.add(Finding(ERROR, "unknown-sheet", path.name, f"工作表「{ws.title}」不对应任何数据表。",
                               "请不要修改工作表名称；多余的工作表请删除。"))
            continue
        grid = [list(r) for r in ws.iter_rows()]
        if not grid:
            continue
        row1 = [_text(c.value) for c in grid[0]]
        row2 = [_text(c.value) for c in grid[1]] if len(grid) > 1 else None
        header, skip = _map_header(table, row1, row2)
        rows, where = [], []
        for i, r in enumerate(grid[skip:], start=skip + 1):
            values = []
            for j, c in enumerate(r[: len(header)]):
                if c.data_type == "f":
                    report.add(Finding(ERROR, "formula", label, "单元格里是公式，导入只接受填写的值。",
                                       "请把公式改为数值（复制后“选择性粘贴”→“数值”）。", row=i, column=header[j] or None,
                                       column_letter=col_letter(j), value=str(c.value)))
                values.append(_text(c.value))
            values += [""] * (len(header) - len(values))
            if all(v == "" for v in values):
                continue                      # empty rows in a workbook are left out, not errors
            rows.append(values)
            where.append(i)
        out.append(Source(table, label, header, rows, where))
    return out


def read_csv(path: Path, report: Report, table: str | None) -> list[Source]:
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
    result.changed = changed
    if not changed:
        return result
    dirty = _dirty(data_dir)
    if dirty and not force:
        result.refused = dirty
        return result
    if before.valid:
        result.changes = row_changes({t: before.tables[t] for t in changed}, {t: staged.tables[t] for t in changed})
    _replace_all({targets[t]: new_text[t] for t in changed})
    return result


def _replace_all(files: dict[Path, str]) -> None:
    """Write every file completely first, then swap each in; if any swap fails, put every original back."""
    staged = {p: p.with_name(f".{p.name}.import") for p in files}
    backups = {p: p.with_name(f".{p.name}.backup") for p in files}
    try:
        for p, text in files.items():
            staged[p].write_text(text, encoding="utf-8", newline="")
        for p in files:
            if p.exists():
                shutil.copy2(p, backups[p])
        done = []
        try:
            for p in files:
                staged[p].replace(p)
                done.append(p)
        except BaseException:
            for p in done:
                if backups[p].exists():
                    backups[p].replace(p)
            raise
    finally:
        for tmp in (*staged.values(), *backups.values()):
            tmp.unlink(missing_ok=True)


"""Turn input and output tables into the site's downloads: CSV (UTF-8 with BOM), XLSX, Parquet, a data package and a zip.

While the data is flagged illustrative, every download says so: a note column in every CSV,
XLSX and Parquet table, a 说明 sheet first in every workbook, the flag in datapackage.json and
Parquet metadata, and the README of the zip. Files are byte-identical for the same inputs.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from .. import inert
from ..compute import OUTPUTS, arrow_schema, output_schema
from ..schemas import TABLES, load
from ..i18n import column_title_en, description_en, table_title_en

NOTE_COL = "illustrative_note"
NOTE = "示例数据（虚构，仅用于演示）"
_FIXED = (1980, 1, 1, 0, 0, 0)
_PA_IN = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string(), "date": pa.string()}


def schema_fields(name: str, kind: str) -> list[dict]:
    """A table's field descriptors: an input's from its schema, an output's from compute's."""
    return load(name).descriptor["fields"] if kind == "inputs" else output_schema(name)["fields"]


def _frame(df: pd.DataFrame, fields: list[dict], illustrative: bool) -> pd.DataFrame:
    out = df[[f["name"] for f in fields]].copy()
    if illustrative:
        out[NOTE_COL] = NOTE
    return out


def _csv(df: pd.DataFrame) -> bytes:
    return ("\ufeff" + inert.csv_frame(df).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def _xlsx(name: str, title: str, df: pd.DataFrame, fields: list[dict], meta: dict) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    lines = [f"表：{name}（{title}）", f"数据版本：{meta['release']}（{meta['data_year']} 年数据）", f"来源：{meta['site_name']}",
             f"许可：{meta['license']}"]
    if meta["illustrative"]:
        lines.insert(0, "示例数据：本表中的学校、数字和认定结果均为虚构，仅用于演示，不代表任何真实学校或部门。")
    for line in lines:
        info.append([line])
    ws = wb.create_sheet("数据")
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if (v is None or (not isinstance(v, str) and pd.isna(v))) else (v.item() if hasattr(v, "item") else v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING      # never a formula, whatever the text starts with
    dic = wb.create_sheet("字段说明")
    dic.append(["字段", "中文名称", "类型", "说明"])
    for f in fields:
        dic.append([f["name"], f["title"], f["type"], f["description"]])
    if meta["illustrative"]:
        dic.append([NOTE_COL, "示例数据标注", "string", "数据为示例时每行都有此列。"])
    for sheet in (info, dic):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
    fixed = datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "junheng"
    buf = io.BytesIO()
    wb.save(buf)
    return _rezip(buf.getvalue())


def zip_bytes(entries) -> bytes:
    """A zip of (path, bytes) entries in the order given, with fixed timestamps and modes: same content, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in entries:
            zi = zipfile.ZipInfo(path, date_time=_FIXED)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()


def _rezip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order, so the same content gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))

    def entries():
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps "modified" with the wall clock on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            yield info.filename, data
    return zip_bytes(entries())


def _parquet(name: str, kind: str, df: pd.DataFrame, meta: dict) -> bytes:
    if kind == "outputs":
        schema = arrow_schema(name)
    else:
        schema = pa.schema([pa.field(f["name"], _PA_IN[f["type"]], metadata={"description": f["description"], "title": f["title"]})
                            for f in schema_fields(name, kind)])
    if meta["illustrative"]:
        schema = schema.append(pa.field(NOTE_COL, pa.string(), metadata={"description": "示例数据标注"}))
    md = dict(schema.metadata or {})
    md[b"illustrative"] = b"true" if meta["illustrative"] else b"false"
    md[b"release"] = meta["release"].encode()
    schema = schema.with_metadata(md)
    clean = df.astype(object).where(df.notna(), None)
    table = pa.Table.from_pandas(clean, schema=schema, preserve_index=False)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _maker() -> str:
    """What a cached workbook or Parquet file depends on besides its table, title, fields and release: this module's
    code and the versions of openpyxl and pyarrow that write them (a cache kept between runs must not serve a file an
    older writer made)."""
    from importlib.metadata import version

    return json.dumps([hashlib.sha256(Path(__file__).read_bytes()).hexdigest(), version("openpyxl"), version("pyarrow")])


_MAKER = _maker()


def _cache_path(cache_dir, key_parts: tuple):
    key = hashlib.sha256(b"\0".join(p if isinstance(p, bytes) else str(p).encode() for p in key_parts)).hexdigest()[:32]
    return cache_dir / key


def _cached_job(cache_dir, key_parts: tuple, pool, fn, *args):
    """Reuse an artifact made from the same bytes in an earlier build (keyed by a hash of its inputs); a miss
    runs `fn(*args)` on the worker pool (here, at once, without one) and returns a pending result that caches it."""
    from .workers import INLINE, Pending

    path = _cache_path(cache_dir, key_parts) if cache_dir is not None else None
    if path is not None and path.is_file():
        return path.read_bytes()
    return Pending((pool or INLINE).submit(fn, *args), path)


def build(inputs: dict[str, pd.DataFrame], outputs: dict[str, pd.DataFrame], meta: dict,
          cache_dir=None, pool=None) -> tuple[dict[str, bytes], list[dict]]:
    """Return {site path: bytes} for every download, and a listing for the downloads page.

    With a worker pool (workers.Pool) the Excel workbooks are made there and arrive as pending results."""
    from .workers import make_xlsx

    files: dict[str, bytes] = {}
    listing = []
    resources = []
    for kind, names, frames in (("inputs", TABLES, inputs), ("outputs", OUTPUTS, outputs)):
        for name in names:
            fields = schema_fields(name, kind)
            title = load(name).title if kind == "inputs" else output_schema(name)["title"]
            df = _frame(frames[name].drop(columns=["_row"], errors="ignore"), fields, meta["illustrative"])
            base = f"downloads/{kind}/{name}"
            files[f"{base}.csv"] = csv_bytes = _csv(df)
            key = (_MAKER, kind, name, title, csv_bytes, json.dumps([fields, meta], sort_keys=True, ensure_ascii=False, default=str))
            files[f"{base}.xlsx"] = _cached_job(cache_dir, key + (b"xlsx",), pool, make_xlsx, name, title, df, fields, meta)
            files[f"{base}.parquet"] = _cached_job(cache_dir, key + (b"parquet",), None, _parquet, name, kind, df, meta)   # quick: here
            listing.append(dict(kind=kind, name=name, title=title, rows=len(df), base=base))
            schema = {"fields": _titled(name, fields + ([{"name": NOTE_COL, "type": "string", "title": "示例数据标注",
                                                           "description": "数据为示例时每行都有此列。"}] if meta["illustrative"] else []))}
            if kind == "inputs" and load(name).primary_key:
                schema["primaryKey"] = list(load(name).primary_key)
            resources.append({"name": f"{name}" if kind == "inputs" else f"{name}_output", "path": f"{kind}/{name}.csv",
                              "title": title, "titles": _in_both(title, table_title_en(name)),
                              "descriptions": _in_both(load(name).description if kind == "inputs" else output_schema(name)["description"],
                                                      description_en(name)),
                              "format": "csv", "encoding": "utf-8-sig", "schema": schema})
    package = {
        "name": meta["package_name"], "title": meta["package_title"],
        "titles": _in_both(meta["package_title"], f"{meta['county']}: data of the high-quality balanced compulsory education monitor"),
        "description": meta["package_description"],
        "version": meta["release"], "illustrative": meta["illustrative"],
        "licenses": meta["licenses"], "resources": resources,
    }
    pkg_bytes = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["downloads/datapackage.json"] = pkg_bytes
    readme = _readme(meta, listing)
    files["downloads/junheng-data.zip"] = zip_bytes([
        ("README.md", readme.encode("utf-8")), ("LICENSE.txt", meta["license_text"].encode("utf-8")), ("datapackage.json", pkg_bytes),
        *((f"{item['kind']}/{item['name']}.csv", files[f"{item['base']}.csv"]) for item in listing)])
    return files, listing


def _in_both(zh: str, en: str | None) -> dict:
    """A title or description in both languages: `title`/`description` stay the Chinese ones; `titles`/`descriptions` add
    the English (issue 16) for readers and tools beyond Chinese. Custom properties like this are allowed by the Data Package specification."""
    return {"zh-CN": zh, **({"en": en} if en else {})}


def _titled(table: str, fields: list[dict]) -> list[dict]:
    """Each field with its title and description in both languages (`titles`, `descriptions`; i18n/*.csv)."""
    return [{**f, "titles": _in_both(f.get("title", f["name"]), column_title_en(table, f["name"])),
             "descriptions": _in_both(f.get("description", ""), description_en(table, f["name"]))} for f in fields]


def _readme(meta: dict, listing: list[dict]) -> str:
    lines = [f"# {meta['package_title']}", ""]
    if meta["illustrative"]:
        lines += ["**示例数据**：本数据包中的学校、数字和认定结果均为虚构，仅用于演示计算方法，不代表任何真实学校或部门。", ""]
    lines += [f"数据版本 {meta['release']}，包含截至 {meta['data_year']} 年的数据，构建自提交 {meta['commit']}。", "",
              "- `inputs/`：工作人员维护的原始表格（输入）。", "- `outputs/`：按《评估办法》和本县方案计算出的指标与结论（输出）。",
              "- `datapackage.json`：每张表的字段定义（Frictionless Data Package）。", "",
              "CSV 为 UTF-8（带 BOM）编码，可直接用中文版 Excel 打开。", "", "## 表格", ""]
    lines += [f"- `{i['kind']}/{i['name']}.csv`：{i['title']}（{i['rows']} 行）" for i in listing]
    lines += ["", "## 引用", "", meta["cite_gbt"], "", meta["cite_apa"], "", f"许可：{meta['license']}", ""]
    lines += ["## English", ""]
    if meta["illustrative"]:
        lines += ["**Illustrative data**: the schools, figures and verdicts in this package are made up to show the method.", ""]
    lines += [f"Release {meta['release']}, data up to {meta['data_year']}, built from commit {meta['commit']}. `inputs/` holds the "
              "tables the county's staff keep; `outputs/` the indicators and verdicts computed from them. In `datapackage.json` "
              "every table and column has its English title and description under `titles.en` and `descriptions.en` (`title` and "
              "`description` are the Chinese ones); generated sentences have English twins in the `*_en` columns. The CSV files are "
              "UTF-8 with a BOM.", ""]
    lines += [f"- `{i['kind']}/{i['name']}.csv`: {table_title_en(i['name']) or i['title']} ({i['rows']} rows)" for i in listing]
    return "\n".join(lines) + "\n"

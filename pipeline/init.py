"""Start a new county: a folder that validates, builds and serves at once, before any data is in it.

    DIR/datasets/          every table's CSV with its header (county.csv with the county's one row), the national
                           standards and the county's (the same until the county's plan says otherwise), datapackage.json
    DIR/mkdocs.yml         the site's settings (the tool's default)
    DIR/.github/           the pull-request check and the deploy workflow, both pinned to this version of the tool,
                           and the pull-request template
    DIR/README.md, DIR/.gitignore

The county's own texts come from pipeline/county/ (string.Template: $county_name, $version, $tool_source).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from importlib.metadata import PackageNotFoundError, metadata, version
from pathlib import Path
from string import Template

from .read import DEFAULTS, DESCRIPTOR
from .schemas import TABLES, load
from .site.project import DEFAULT_CONFIG

HERE = Path(__file__).resolve().parent / "county"
TODO = "待填写"


class InitError(Exception):
    """A folder that cannot be started here; the message says why, in Chinese."""


def tool_version() -> str:
    try:
        return version("junheng")
    except PackageNotFoundError:
        return "0.0.0"


def tool_source() -> str:
    """Where the workflows install the tool from (the package's Source URL), as a pip VCS requirement."""
    try:
        urls = metadata("junheng").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    url = next((u.split(",", 1)[1].strip() for u in urls if u.lower().startswith("source")), "")
    return f"git+{url}" if url else "git+https://github.com/OWNER/junheng"


def county_row(name: str, code: str, target_year: int, **more) -> dict:
    """county.csv's one row: the given values, and 待填写 where staff still have to write the county's own."""
    row = {f.name: "" for f in load("county").fields}
    row.update(county_code=code, county_name=name, city_name=TODO, province_name=TODO, plan_doc_no=TODO,
               plan_title=f"{name}义务教育优质均衡发展县创建实施方案（{TODO}）", publisher=TODO,
               target_year=str(target_year), junior_years="3")
    row.update({k: str(v) for k, v in more.items() if v not in (None, "")})
    return row


def _csv(header: list[str], rows: list[dict] = ()) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def start(folder: Path, name: str, code: str, target_year: int, **more) -> list[Path]:
    """Write a new county's folder; return the files written. Refuses a folder that already holds files."""
    folder = Path(folder)
    if not re.fullmatch(r"[0-9]{6}", code):
        raise InitError(f"县级行政区划代码「{code}」应为 6 位数字（例如 370321）。")
    if not name.strip() or len(name) > 50 or any(c in name for c in "<>&\"'\\/\n\r\t"):
        raise InitError(f"县名「{name}」不可用：请写县（区）的正式名称，例如“桓台县”。")
    if folder.exists() and any(folder.iterdir()):
        raise InitError(f"文件夹 {folder} 已有文件；为了不覆盖任何内容，请指定一个新的或空的文件夹。")
    values = dict(county_name=name, version=tool_version(), tool_source=tool_source())
    files: dict[str, str] = {}
    data = "datasets"
    for table in TABLES:
        header = [f.name for f in load(table).fields]
        if table == "county":
            files[f"{data}/county.csv"] = _csv(header, [county_row(name, code, target_year, **more)])
        elif (DEFAULTS / f"{table}.csv").is_file():
            files[f"{data}/{table}.csv"] = (DEFAULTS / f"{table}.csv").read_text(encoding="utf-8")
        else:
            files[f"{data}/{table}.csv"] = _csv(header)
    files[f"{data}/{DESCRIPTOR}"] = json.dumps({
        "name": f"junheng-{code}",
        "title": f"{name}义务教育优质均衡发展监测数据",
        "description": f"{name}义务教育优质均衡发展创建的学校与县级监测数据。",
        "illustrative": False,
        "licenses": [{"name": "CC-BY-4.0", "title": "知识共享 署名 4.0 国际", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [{"name": t, "path": f"{t}.csv"} for t in TABLES],
    }, ensure_ascii=False, indent=2) + "\n"
    files["mkdocs.yml"] = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for src, dst in (("README.md", "README.md"), ("gitignore", ".gitignore"),
                     ("pull_request_template.md", ".github/pull_request_template.md"),
                     ("workflows/check.yml", ".github/workflows/check.yml"),
                     ("workflows/deploy.yml", ".github/workflows/deploy.yml")):
        files[dst] = Template((HERE / src).read_text(encoding="utf-8")).substitute(values)
    staging = folder.with_name(f".{folder.name}.init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel, content in sorted(files.items()):
            p = staging / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(content, encoding="utf-8")
        if folder.exists():
            folder.rmdir()          # empty (checked above)
        staging.replace(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / rel for rel in sorted(files)]

"""Turn command-line arguments into calls of the pipeline's library API (validate, compute, build, serve)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

# Arrow's memory pool: the system allocator, not the mimalloc pyarrow picks by default. Computing 15,000 school units
# took about a second longer with mimalloc, most of it in the kernel (memory handed back and faulted in again); the
# other steps take the same time with either. Set before pyarrow is first imported; a value already set wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

CONTEXT = dict(help_option_names=["-h", "--help"], max_content_width=100)
# exit codes: 0 done (data valid), 1 the data has errors, 2 a usage or environment problem, 3 a defect of the program
DEFECT = 3
DEFECT_LOG = Path("build") / "junheng-error.log"


def _write_defect(exc: BaseException) -> Path:
    """The traceback of an unexpected exception, for the maintainers; returns where it was written."""
    import tempfile
    import traceback

    text = f"junheng {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc))
    try:
        DEFECT_LOG.parent.mkdir(parents=True, exist_ok=True)
        DEFECT_LOG.write_text(text, encoding="utf-8")
        return DEFECT_LOG.resolve()
    except OSError:
        fd, name = tempfile.mkstemp(prefix="junheng-error-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return Path(name)


class _Main(click.Group):
    """The command group; an unexpected exception (a defect, never the data's fault) becomes a short Chinese message
    and exit code 3, with the details written to a file, instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 — the one place that turns defects into a message
            where = _write_defect(e)
            click.echo(f"junheng 出现程序错误（{type(e).__name__}），这不是数据的问题，已有的文件没有改动。"
                       f"详细信息已写入 {where}，请把这个文件发给维护者。", err=True)
            sys.exit(DEFECT)


def _table_name(ctx, param, value):
    from .schemas import TABLES

    if value is not None and value not in TABLES:
        raise click.BadParameter(f"「{value}」不是已定义的表。可用的表名：{'、'.join(TABLES)}。")
    return value


def _revision(ctx, param, value):
    """A git revision only: nothing that git could read as an option."""
    import re

    if value is not None and (value.startswith("-") or not re.fullmatch(r"[\w./~^@{}:+-]{1,200}", value)):
        raise click.BadParameter(f"「{value}」不是 git 版本名（例如 main、origin/main、HEAD~1 或提交号）。")
    return value


def _recovered(ctx, param, value: Path) -> Path:
    """Before any command reads the data folder: roll back an import that was interrupted, and say so."""
    from .journal import recover

    said = recover(value) if value.is_dir() else ""
    if said:
        click.echo(said, err=True)
    return value


def _data_dir(f):
    return click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("datasets"),
                        show_default=True, callback=_recovered, help="数据文件夹（含 datapackage.json 与各 CSV）。")(f)


def _out(f):
    return click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("build"),
                        show_default=True, help="输出文件夹。")(f)


def _print_report(report, fmt: str) -> None:
    from .report import RENDERERS

    click.echo(RENDERERS[fmt](report))


def _validated(data_dir: Path, fmt: str = "text", quiet_if_valid: bool = True):
    from .validate import validate

    v = validate(data_dir)
    if not v.valid or not quiet_if_valid or v.report.warnings:
        _print_report(v.report, fmt)
    return v


@click.group(cls=_Main, context_settings=CONTEXT)
@click.version_option(package_name="junheng", prog_name="junheng")
def main() -> None:
    """均衡（junheng）：县域义务教育优质均衡发展监测数据的校验、计算与发布。

    \b
    示例：
      junheng validate                 校验 datasets/ 中的数据
      junheng compute                  计算全部指标，写入 build/data/
      junheng build                    校验、计算并生成网站到 build/site/
      junheng init 新县文件夹           为一个新的县新建文件夹（数据表、标准、网站设置、工作流）
      junheng serve                    本地预览网站
    """


@main.command(context_settings=CONTEXT)
@_data_dir
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "markdown"]), default="text",
              show_default=True, help="text 供人阅读（中文）；json 供程序；github 为拉取请求行内标注；markdown 为作业摘要。")
def validate(data_dir: Path, fmt: str) -> None:
    """校验数据：表结构（类型、必填、范围、取值、主键与外键）和逻辑关系。

    退出码：0 通过（可有警告），1 数据有错误，2 用法错误。

    \b
    示例：
      junheng validate
      junheng validate --data-dir 其他县/datasets --format markdown
    """
    v = _validated(data_dir, fmt, quiet_if_valid=False)
    sys.exit(0 if v.valid else 1)


@main.command(context_settings=CONTEXT)
@_data_dir
@_out
def compute(data_dir: Path, out: Path) -> None:
    """先校验，再计算全部指标与结论，写入 OUT/data/*.parquet。数据有错误时退出码为 1。

    \b
    示例：
      junheng compute
      junheng compute --out /tmp/junheng
    """
    from .compute import compute as run
    from .indicators.rules import MissingRule

    v = _validated(data_dir)
    if not v.valid:
        sys.exit(1)
    try:
        written = run(v, out / "data")
    except MissingRule as e:       # standards.csv lacks a rule: the data's to fix
        click.echo(f"计算失败：{e} 已有的输出未改动。", err=True)
        sys.exit(1)
    click.echo(f"已写入 {len(written)} 个表到 {out / 'data'}：{'、'.join(p.name for p in written)}")


@main.command(context_settings=CONTEXT)
@_data_dir
@_out
@click.option("--force", is_flag=True, help="即使数据、代码和配置都没有变化，也重新生成整个网站。")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="网站生成器：mkdocs（MkDocs 与 Material 主题）或 zensical（Material 作者的后继工具）。")
def build(data_dir: Path, out: Path, force: bool, engine: str) -> None:
    """校验、计算并生成网站到 OUT/site/。构建失败时保留原有网站不变。

    先把网站的全部页面写成文件（OUT/source/，含 mkdocs.yml），再由网站生成器生成网站。网站设置取当前文件夹的
    mkdocs.yml，没有时用工具自带的。数据、代码和配置都与上次生成时相同（且网站未被改动）时，直接沿用上次的结果。

    \b
    示例：
      junheng build
      junheng build --force
      junheng build --engine zensical
      junheng build --data-dir tests/fixtures/minimal --out /tmp/site-test
    """
    from .site import build as run
    from .site import reusable

    v = _validated(data_dir)
    if not v.valid:
        sys.exit(1)
    if not force and reusable(v, out, engine=engine):
        click.echo(f"数据、代码和配置与上次生成时相同，沿用已有网站：{out / 'site'}（加 --force 可重新生成）")
        return
    try:
        site = run(v, out, force=True, engine=engine)
    except RuntimeError as e:  # the builder reports in Chinese; the previous site stays (any other exception is a
        click.echo(str(e), err=True)          # defect: _Main says so, exit 3, and the previous site stays too)
        sys.exit(1)
    click.echo(f"网站已生成：{site}")


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", prompt="县（区）名称，例如 桓台县", help="县（区）的正式名称。")
@click.option("--code", prompt="县级行政区划代码（6 位数字）", help="县级行政区划代码，6 位数字。")
@click.option("--target-year", type=click.IntRange(2017, 2100), prompt="力争通过国家认定的年份", help="力争通过国家认定的年份。")
@click.option("--city", default=None, help="所属地级市（可稍后在 county.csv 中填写）。")
@click.option("--province", default=None, help="所属省份（可稍后填写）。")
@click.option("--publisher", default=None, help="发布单位，例如 某某县教育局（可稍后填写）。")
@click.option("--junior-years", type=click.Choice(["3", "4"]), default="3", show_default=True, help="初中学制年限（五四学制为 4）。")
def init(folder: Path, name: str, code: str, target_year: int, city, province, publisher, junior_years) -> None:
    """新建一个县的文件夹：数据表（只有表头）、国家标准与本县标准、网站设置、两个工作流、拉取请求模板和说明。

    新文件夹立即可以校验、生成网站和预览（没有数据的页面写明“暂无数据”）；工作流固定使用当前版本的 junheng。

    \b
    示例：
      junheng init 清河县 --name 清河县 --code 130534 --target-year 2027
      cd 清河县 && junheng build && junheng serve
    """
    from .init import InitError, start

    try:
        written = start(folder, name.strip(), code.strip(), target_year, city_name=city, province_name=province,
                        publisher=publisher, junior_years=junior_years)
    except InitError as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    click.echo(f"已新建 {folder}（{len(written)} 个文件）。下一步：cd {folder}，填写 datasets/county.csv 中标为“待填写”的项，"
               f"按本县创建方案修改 datasets/standards.csv 的本县目标，然后运行 junheng validate 和 junheng build。")


@main.command(context_settings=CONTEXT)
@_data_dir
@click.option("--base", "base", default=None, callback=_revision, help="比较的 git 版本（默认 origin/main，没有时用 main）。")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown 用于拉取请求的作业摘要。")
def diff(data_dir: Path, base: str | None, fmt: str) -> None:
    """比较当前数据与另一个 git 版本：行的增删改、每一项翻转的结论、接近阈值的数值和新增警告。

    \b
    示例：
      junheng diff
      junheng diff --base HEAD~1 --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from .diff import RENDERERS, DiffError
    from .diff import diff as run

    try:
        d, head = run(data_dir, base)
    except DiffError as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    if not head.valid:
        _print_report(head.report, "markdown" if fmt == "markdown" else "text")
        sys.exit(1)
    click.echo(RENDERERS[fmt](d))


@main.command(context_settings=CONTEXT)
@_data_dir
@click.option("--year", type=int, default=None, help="预填这一年的数据行（按上一年的数据，供修改）。")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="工作簿路径（默认 build/junheng-模板.xlsx，或 build/junheng-模板-YEAR.xlsx）。")
def template(data_dir: Path, year: int | None, out_file: Path | None) -> None:
    """生成 Excel 数据模板：每张表一个工作表，中文列名、下拉列表和数值范围都来自 schemas/。

    \b
    示例：
      junheng template
      junheng template --year 2026 --out 2026年数据.xlsx
    """
    from .template import write

    v = _validated(data_dir)
    if not v.valid:
        sys.exit(1)
    out_file = out_file or Path("build") / (f"junheng-模板-{year}.xlsx" if year else "junheng-模板.xlsx")
    write(v.tables, out_file, year, v.package.illustrative if v.package else False)
    click.echo(f"模板已生成：{out_file}")


@main.command("import", context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_data_dir
@click.option("--table", type=str, default=None, callback=_table_name, help="导入单个 CSV 时指定表名（默认按文件名判断）。")
@click.option("--force", is_flag=True, help="数据文件夹中有未提交的修改时仍然写入（会覆盖这些修改）。")
def import_(source: Path, data_dir: Path, table: str | None, force: bool) -> None:
    """导入填好的 Excel 模板（或 GBK/UTF-8 编码的 CSV）：校验通过才写入，并列出改动的行。

    \b
    示例：
      junheng import 2026年数据.xlsx
      junheng import 从Excel另存的schools.csv
    """
    import shlex

    from .importer import run_import
    from .report import render_text

    r = run_import(source, data_dir, force=force, table=table)
    if not r.report.valid:
        given = str(source)                                 # as typed; quoted only where a shell needs it (not 2026年数据.xlsx)
        given = shlex.quote(given) if any(c.isspace() or c in "'\"$`\\!*?&;|<>()[]{}#~" for c in given) else given
        click.echo(render_text(r.report, again=f"junheng import {given}"))
        click.echo("没有写入任何文件。", err=True)
        sys.exit(1)
    if r.refused:
        click.echo(f"数据文件夹中有尚未提交的修改，为避免覆盖，没有写入：\n{r.refused}\n"
                   "请先提交（或撤销）这些修改；确需覆盖时加上 --force。", err=True)
        sys.exit(1)
    if not r.changed:
        click.echo("导入的数据与现有数据相同，没有改动任何文件。")
        return
    click.echo(f"已写入 {len(r.changed)} 个文件：{'、'.join(t + '.csv' for t in r.changed)}")
    for c in r.changes[:200]:
        click.echo(f"  {c['table']} {c['change']} {c['key']} {c['columns']}")
    if len(r.changes) > 200:
        click.echo(f"  另有 {len(r.changes) - 200} 行改动。")


@main.command(context_settings=CONTEXT)
@_data_dir
@click.option("--year", type=int, default=None, help="按这一年的数据起草（默认最新一年）。")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="起草结果的路径：.csv 或 .xlsx（默认 build/整改台账草稿-YEAR.csv）。")
def ledger(data_dir: Path, year: int | None, out_file: Path | None) -> None:
    """起草整改台账：当年每个未达标、且还没有未完成整改事项的学校指标一行，缺口已填好，措施、部门和时限留给工作人员填写。

    \b
    示例：
      junheng ledger
      junheng ledger --year 2025 --out 整改台账草稿.xlsx
    """
    from .compute import compute_tables
    from .indicators.ledger import draft
    from .template import table_workbook

    v = _validated(data_dir)
    if not v.valid:
        sys.exit(1)
    years = sorted(int(y) for y in v.tables["school_levels"]["year"].unique())
    year = year or years[-1]
    if year not in years:
        click.echo(f"数据中没有 {year} 年（现有 {years[0]}—{years[-1]} 年）。", err=True)
        sys.exit(2)
    rows = draft(v.tables, compute_tables(v.tables), year)
    out_file = out_file or Path("build") / f"整改台账草稿-{year}.csv"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    if out_file.suffix.lower() == ".xlsx":
        note = (f"{year} 年未达标、尚无未完成整改事项的学校指标，共 {len(rows)} 项。请填写整改措施、责任部门、计划投入和完成时限，"
                "再把这些行加入 datasets/remediation.csv（或用 junheng import 导入）。")
        out_file.write_bytes(table_workbook("remediation", rows, note))
    else:
        from .canonical import to_csv
        from .inert import csv_frame

        out_file.write_text(to_csv("remediation", csv_frame(rows)), encoding="utf-8")
    click.echo(f"已起草 {len(rows)} 项整改事项：{out_file}")


@main.command(context_settings=CONTEXT)
@_out
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口（0 为任一空闲端口）。")
def serve(out: Path, port: int) -> None:
    """在本机预览已生成的网站（先运行 junheng build）。

    \b
    示例：
      junheng serve --port 8080
    """
    from pipeline.site.serve import make_server

    root = out / "site"
    if not (root / "index.html").is_file():
        click.echo(f"{root} 中还没有网站，请先运行 junheng build。", err=True)
        sys.exit(2)
    try:
        httpd = make_server(root, port, quiet=False)
    except OSError as e:
        click.echo(f"无法在端口 {port} 上启动预览（{e.strerror or e}）：端口可能已被占用，请换一个端口，例如 --port 8080。", err=True)
        sys.exit(2)
    click.echo(f"预览地址：http://127.0.0.1:{httpd.server_address[1]}/ （按 Ctrl+C 停止）")      # --port 0: any free port
    with httpd:
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass

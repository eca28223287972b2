"""The Excel route: a template generated from the schemas, and an import that writes only valid data, atomically."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import tree_hash
from pipeline.cli import main
from pipeline.schemas import TABLES, load
from pipeline.template import sheet_title


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def workbook(minimal_copy, tmp_path):
    out = tmp_path / "模板.xlsx"
    r = cli("template", "--data-dir", minimal_copy, "--out", out)
    assert r.exit_code == 0, r.output
    return out


def test_round_trip_changes_nothing(minimal_copy, workbook):
    before = tree_hash(minimal_copy)
    r = cli("import", workbook, "--data-dir", minimal_copy)
    assert r.exit_code == 0, r.output
    assert "没有改动任何文件" in r.output
    assert tree_hash(minimal_copy) == before


def test_template_is_generated_from_the_schemas(workbook):
    wb = load_workbook(workbook)
    assert wb.sheetnames[0] == "填写说明"
    assert wb.sheetnames[1:] == [sheet_title(load(t)) for t in TABLES]
    ws = wb[sheet_title(load("schools"))]
    schema = load("schools")
    assert [c.value for c in ws[1]] == [f.title for f in schema.fields]
    assert [c.value for c in ws[2]] == schema.names
    assert schema.field("school_type").description in ws["D1"].comment.text
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("九年一贯制学校" in dv.formula1 for dv in lists)
    assert any(dv.formula1 == '"true,false"' for dv in lists)
    lv = wb[sheet_title(load("school_levels"))]
    assert any(dv.type == "whole" and dv.formula1 == "0" for dv in lv.data_validations.dataValidation)
    assert ws["B3"].data_type == "s"


def test_year_prefills_rows_from_the_year_before(minimal_copy, tmp_path):
    out = tmp_path / "y.xlsx"
    assert cli("template", "--data-dir", minimal_copy, "--year", 2026, "--out", out).exit_code == 0
    ws = load_workbook(out)[sheet_title(load("school_levels"))]
    years = [r[0].value for r in ws.iter_rows(min_row=3)]
    assert years.count(2026) == years.count(2025) > 0
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == 2026)
    assert row[0].fill.fgColor.rgb.endswith("FFF2CC")          # pre-filled rows are highlighted
    r = cli("import", out, "--data-dir", minimal_copy)
    assert r.exit_code == 0 and "新增 2026 /" in r.output


def test_bad_value_reports_sheet_row_column_and_writes_nothing(minimal_copy, workbook):
    wb = load_workbook(workbook)
    ws = wb[sheet_title(load("school_levels"))]
    ws["D5"] = "约1200人"
    ws["G6"] = "=SUM(1,2)"
    wb.save(workbook)
    before = tree_hash(minimal_copy)
    r = cli("import", workbook, "--data-dir", minimal_copy)
    assert r.exit_code == 1
    assert "工作表「学校分学段情况」" in r.output and "第 5 行" in r.output and "D 列 students" in r.output
    assert "第 6 行" in r.output and "公式" in r.output
    assert "没有写入任何文件" in r.output and "Traceback" not in r.output
    assert f"修改对应文件后重新运行 junheng import {workbook}。" in r.output      # the command the clerk ran
    assert tree_hash(minimal_copy) == before


def test_gbk_csv_is_imported_as_canonical_utf8(minimal_copy, tmp_path):
    text = (minimal_copy / "towns.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[0] = "镇街代码,镇街名称,镇街类别"            # Chinese headers are mapped back to field names
    src = tmp_path / "towns.csv"
    src.write_bytes(("\r\n".join(lines[:1] + lines[:0:-1]) + "\r\n").encode("gbk"))   # reversed order, CRLF, GBK
    r = cli("import", src, "--data-dir", minimal_copy)
    assert r.exit_code == 0, r.output
    assert "没有改动任何文件" in r.output                  # same data: canonical form is identical


def test_import_never_leaves_a_partial_write(minimal_copy, tmp_path, monkeypatch):
    out = tmp_path / "y.xlsx"
    cli("template", "--data-dir", minimal_copy, "--year", 2026, "--out", out)
    before = tree_hash(minimal_copy)
    calls = {"n": 0}
    real = Path.replace

    def flaky(self, target):
        if self.name.endswith(".import"):
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("disk full")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(OSError):
        from pipeline.importer import run_import

        run_import(out, minimal_copy)
    monkeypatch.undo()
    assert tree_hash(minimal_copy) == before


def test_refuses_to_overwrite_uncommitted_edits(minimal_copy, tmp_path):
    git = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=minimal_copy, check=True)
    subprocess.run([*git, "add", "-A"], cwd=minimal_copy, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=minimal_copy, check=True)
    out = tmp_path / "y.xlsx"
    cli("template", "--data-dir", minimal_copy, "--year", 2026, "--out", out)
    p = minimal_copy / "towns.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("果里镇", "果里镇 "), encoding="utf-8")   # an uncommitted edit
    r = cli("import", out, "--data-dir", minimal_copy)
    assert r.exit_code == 1 and "尚未提交的修改" in r.output
    assert "2026" not in (minimal_copy / "school_levels.csv").read_text(encoding="utf-8")
    r = cli("import", out, "--data-dir", minimal_copy, "--force")
    assert r.exit_code == 0 and "2026" in (minimal_copy / "school_levels.csv").read_text(encoding="utf-8")


def test_round_trip_of_the_shipped_data_is_exact(tmp_path):
    import shutil

    from conftest import SAMPLE

    data = tmp_path / "datasets"
    shutil.copytree(SAMPLE, data)
    before = tree_hash(data)
    assert cli("template", "--data-dir", data, "--out", tmp_path / "t.xlsx").exit_code == 0
    r = cli("import", tmp_path / "t.xlsx", "--data-dir", data)
    assert r.exit_code == 0 and "没有改动任何文件" in r.output, r.output
    assert tree_hash(data) == before


def test_a_tiny_number_in_a_workbook_is_written_out_in_full(minimal_copy, workbook):
    # Python writes 0.00005 as 5e-05; validation refuses exponents (Excel's 1.23E+07 has lost digits), so the import
    # must write the digits out
    wb = load_workbook(workbook)
    ws = wb[sheet_title(load("quality_monitoring"))]
    col = [c.value for c in ws[2]].index("school_diff_rate") + 1
    ws.cell(row=3, column=col).value = 0.00005
    wb.save(workbook)
    r = cli("import", workbook, "--data-dir", minimal_copy)
    assert r.exit_code == 0, r.output
    text = (minimal_copy / "quality_monitoring.csv").read_text(encoding="utf-8")
    assert ",0.00005" in text and "e-05" not in text

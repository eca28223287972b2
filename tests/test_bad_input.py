"""Every bad-input category gets a located Chinese message, exit 1, no traceback, and no file changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, edit, tree_hash
from pipeline.cli import main

CASES = sorted(p.name for p in (FIXTURES / "bad_input").iterdir() if p.is_dir())


def test_there_are_many_categories():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_located(case: str, minimal_copy: Path):
    folder = FIXTURES / "bad_input" / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    for name in expected["delete"]:
        (minimal_copy / name).unlink()
    for f in folder.iterdir():
        if f.name != "expected.json":
            shutil.copyfile(f, minimal_copy / f.name)
    before = tree_hash(minimal_copy)
    result = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert tree_hash(minimal_copy) == before, "validate must not modify any file"
    report = json.loads(result.output)
    hits = [f for f in report["findings"] if f["code"] == expected["code"] and f["file"].endswith(expected["file"])]
    assert hits, f"no {expected['code']} finding for {expected['file']}: {[f['text'] for f in report['findings']]}"
    if expected["row"] is not None:
        hits = [f for f in hits if f["row"] == expected["row"]]
        assert hits, "the message must name the spreadsheet row"
    if expected["column"] is not None:
        assert any(f["column"] == expected["column"] for f in hits), "the message must name the column"
    text = hits[0]["text"]
    if expected.get("says"):                 # e.g. where a column with no name is: "D 列"
        assert expected["says"] in text, text
    for code in expected.get("absent", []):  # no second, confusing message about the same thing
        assert not [f for f in report["findings"] if f["code"] == code], code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), "the message must be in Chinese"
    assert hits[0]["fix"], "the message must say how to fix it"
    # the human format names the file too
    human = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)])
    assert expected["file"] in human.output and "Traceback" not in human.output


def validate_folder(folder: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["validate", "--data-dir", str(folder), "--format", "json"])
    return json.loads(result.output)["findings"]


def _fk_fixes(folder: Path) -> list[str]:
    return [f["fix"] for f in validate_folder(folder) if f["code"] == "foreign-key" and f["file"].endswith("schools.csv")]


def test_a_missing_key_points_first_at_errors_in_the_file_it_refers_to(minimal_copy: Path):
    # a misaligned row in towns.csv (a tab for the first comma): its town is not read, so schools.csv's rows in that
    # town refer to a town that seems missing; their messages send the clerk to towns.csv first
    path = minimal_copy / "towns.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",", "\t", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fixes = _fk_fixes(minimal_copy)
    assert fixes and all(f.startswith("towns.csv 本身有错误") and "如果仍然报错，请在 towns.csv 中添加它" in f for f in fixes)
    # and the clerk reads towns.csv's own error first: the files with errors in the order validation came to them
    # (reading, then cells, then keys), not by name; a file with warnings only after them
    out = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)]).output
    heads = [(m[1], int(m[2]) > 0) for m in re.finditer(r"([^/\n]+\.csv)：(\d+) 个错误，\d+ 个警告", out)]
    names = [n for n, _ in heads]
    assert names.index("towns.csv") < names.index("schools.csv"), names
    assert [e for _, e in heads] == sorted((e for _, e in heads), reverse=True), heads      # errors before warnings only
    assert not heads[-1][1], heads                                     # (the minimal data has warnings of its own)
    # the same missing town with towns.csv in order: only the plain advice
    path.write_text("\n".join(ln for i, ln in enumerate(lines) if i != 1) + "\n", encoding="utf-8")
    fixes = _fk_fixes(minimal_copy)
    assert fixes and all(f == "请先在 towns.csv 中添加它，或更正为 towns.csv 中已有的值。" for f in fixes), fixes


@pytest.mark.parametrize("written,hint", [("2022/3/10", "是否应为 2022-03-10？"), ("2022年3月10日", "是否应为 2022-03-10？"),
                                          ("2022.3.10", "是否应为 2022-03-10？"), ("45901", "Excel 的日期序号，对应 2025-09-01"),
                                          ("2022/2/30", None), ("上月", None)])
def test_a_date_written_another_way_gets_the_date_it_most_likely_means(minimal_copy: Path, written, hint):
    edit(minimal_copy, "task_updates.csv", 2, "date", written)
    (f,) = [f for f in validate_folder(minimal_copy) if f["file"].endswith("task_updates.csv") and f["row"] == 2]
    assert f["value"] == written and f["fix"].endswith("请按 YYYY-MM-DD 填写，例如 2025-09-01（Excel 中可把单元格格式设为“文本”后输入）。")
    assert (hint in f["fix"]) if hint else f["fix"].startswith("请按")


@pytest.mark.parametrize("column,written,guess", [("is_boarding", "否", "是否应为 false？"), ("is_boarding", "Yes", "是否应为 true？"),
                                                  ("is_boarding", "寄宿", None), ("area_type", "乡村地区", "是否应为「乡村」？"),
                                                  ("area_type", "城区（镇区）", None)])
def test_a_near_miss_gets_a_guess_only_when_one_value_fits(minimal_copy: Path, column, written, guess):
    edit(minimal_copy, "schools.csv", 2, column, written)
    (f,) = [f for f in validate_folder(minimal_copy) if f["file"].endswith("schools.csv") and f["row"] == 2]
    assert (f["fix"].startswith(guess)) if guess else "是否应为" not in f["fix"], f["fix"]


@pytest.mark.parametrize("blank_row", [False, True])       # a blank row sends the file to the exact reader
def test_a_totals_row_is_one_message_whichever_reader_reads_the_file(minimal_copy: Path, blank_row):
    path = minimal_copy / "schools.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = [""] * len(lines[0].split(","))
    cells[1] = "全县 合 计："                           # school_name, a text column
    lines += ([""] if blank_row else []) + [",".join(cells)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [f for f in validate_folder(minimal_copy) if f["file"].endswith("schools.csv")]
    total = len(lines)
    assert [(f["code"], f["row"]) for f in found if f["row"] == total] == [("total-row", total)], found
    assert ("blank-row" in {f["code"] for f in found}) == blank_row


def test_blank_cells_under_a_filled_one_are_named_as_cells_merged_in_excel(minimal_copy: Path):
    for row in (3, 4, 5, 10):                           # rows 3–5 under a filled row 2 (a merge), row 10 alone
        edit(minimal_copy, "school_levels.csv", row, "year", "")
    found = {f["row"]: f["fix"] for f in validate_folder(minimal_copy) if f["code"] == "required" and f["column"] == "year"}
    assert sorted(found) == [3, 4, 5, 10]
    assert all("合并" in found[r] for r in (3, 4, 5)) and "合并" not in found[10], found

"""No text cell reaches a spreadsheet as a formula: validation reads the value as stored, public CSVs neutralise it."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from conftest import edit
from pipeline import inert
from pipeline.site.downloads import _csv
from pipeline.validate import validate

FORMULAS = [" =HYPERLINK(\"http://x.example\",\"点此\")", "\t=cmd|' /C calc'!A0", "\u00a0=1+1", "\u3000@SUM(A1)",
            "\u200b+1", "-2+3", "=1", "\r=1"]
TEXT = ["索镇中心小学", "2025-12-01 完成", "电话 0533-1234567 转", "a=b", "－全角减号开头"]


@pytest.mark.parametrize("value", [v for v in FORMULAS if not v.startswith("\r")])
def test_validation_reads_the_value_after_leading_white_space(minimal_copy, value):
    edit(minimal_copy, "task_updates.csv", 2, "summary", value)
    found = [f for f in validate(minimal_copy).report.errors if f.code == "formula"]
    assert len(found) == 1 and found[0].row == 2 and found[0].column == "summary"


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_like_cell_is_written_as_text(value):
    assert inert.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", TEXT)
def test_ordinary_text_is_unchanged(value):
    assert inert.csv_cell(value) == value


def test_download_csv_neutralises_every_text_column_and_leaves_numbers():
    df = pd.DataFrame({"name": FORMULAS + TEXT, "n": range(len(FORMULAS) + len(TEXT)), "x": [-1.5] * (len(FORMULAS) + len(TEXT))})
    back = pd.read_csv(io.BytesIO(_csv(df)), encoding="utf-8-sig", keep_default_na=False)
    assert back["name"].tolist()[: len(FORMULAS)] == ["'" + v for v in FORMULAS]
    assert back["name"].tolist()[len(FORMULAS):] == TEXT
    assert back["x"].tolist() == [-1.5] * len(df) and back["n"].tolist() == list(range(len(df)))


def test_download_csv_with_empty_and_arrow_backed_text_columns():
    df = pd.DataFrame({"a": pd.array([None, None], dtype="string[pyarrow]"), "b": pd.array(["=1", "x"], dtype="string[pyarrow]")})
    back = pd.read_csv(io.BytesIO(_csv(df)), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert back["b"].tolist() == ["'=1", "x"] and back["a"].tolist() == ["", ""]

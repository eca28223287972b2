"""Personal data is found however it is written, in cells and in the descriptor, and never printed unmasked."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import edit
from pipeline import personal
from pipeline.site.pages import plain
from pipeline.validate import validate

DISGUISED = [
    ("联系电话１３８００１３８０００", "手机号码"),          # full-width digits
    ("电话 138 0013 8000", "手机号码"),                    # spaces
    ("电话 138-0013-8000", "手机号码"),                    # dashes
    ("电话 1\u200b3800138000", "手机号码"),                # a zero-width space
    ("+86 13800138000", "手机号码"),
    ("0086-13800138000", "手机号码"),
    ("身份证 110105491231002", "居民身份证号码"),          # a 15-digit ID
    ("身份证 11010519491231002X", "居民身份证号码"),
    ("邮箱 zhang＠example.cn", "电子邮箱地址"),            # a full-width at sign
]
ORDINARY = ["学生 1,350 人、教师 83 人", "2025-12-01 完成", "预算 12,345,678.90 元", "电话 0533-8212345（办公室）",
            "110101199003077777"]                         # 18 digits with a wrong check digit: not an ID


@pytest.mark.parametrize("text,kind", DISGUISED)
def test_disguised_personal_data_is_found_and_masked(text, kind):
    assert personal.find(text) == kind
    shown = personal.mask(text)
    assert "0013" not in shown and "491231" not in shown[6:] and "zhang" not in shown


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_are_not_personal_data(text):
    assert personal.find(text) is None and personal.mask(text) == text


@pytest.mark.parametrize("text,kind", DISGUISED)
def test_validation_refuses_it_in_a_cell_without_printing_it(minimal_copy, text, kind):
    edit(minimal_copy, "task_updates.csv", 2, "summary", text)
    errors = [f for f in validate(minimal_copy).report.errors if f.code == "personal-data"]
    assert len(errors) == 1 and kind in errors[0].message and errors[0].row == 2
    assert "0013" not in (errors[0].value or "") and "zhang" not in (errors[0].value or "")


@pytest.mark.parametrize("text,kind", [("13800138000", "手机号码"), ("１３８００１３８０００", "手机号码"), ("a@b.cn", "电子邮箱地址"),
                                       ("邮箱 zhang@example.cn 电话 13800138000", "手机号码")])
def test_the_shortest_cells_that_can_hold_it_are_read_and_a_cell_is_named_once(minimal_copy, text, kind):
    # the quick scan reads only cells long enough: an @ in six characters or more, eleven digits in eleven or more
    edit(minimal_copy, "task_updates.csv", 2, "summary", text)
    errors = [f for f in validate(minimal_copy).report.errors if f.code == "personal-data"]
    assert [(e.row, kind in e.message) for e in errors] == [(2, True)]


def test_the_descriptor_text_is_checked_too(minimal_copy):
    p = minimal_copy / "datapackage.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    d["description"] = "联系人电话 138 0013 8000"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    errors = validate(minimal_copy).report.errors
    assert any("字段 description" in f.message and "手机号码" in f.message and "0013" not in (f.value or "") for f in errors)


def test_a_misaligned_row_is_shown_masked(minimal_copy):
    path = minimal_copy / "towns.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",138 0013 8000"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    f = next(f for f in validate(minimal_copy).report.errors if f.code == "row-width")
    assert "138****8000" in f.value and "0013" not in f.value


@pytest.mark.parametrize("title", ["学校\x7f[点我](javascript:alert(1))", "a\u2028b\u202ec", "x\"\\\n: y", "<b>&'"])
def test_a_page_title_is_plain_one_line_yaml_whatever_it_holds(title):
    t = plain(title)
    front = yaml.safe_load("title: " + json.dumps(t, ensure_ascii=False))
    assert front["title"] == t and "\n" not in t and not set("<>&\"'\\`\x7f\u202e") & set(t)

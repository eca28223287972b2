"""Unit tests for each domain check (what a schema cannot express), one cell edit each on the minimal fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, read_rows, write_rows
from pipeline.validate import validate


def drop_row(folder: Path, name: str, row: int) -> None:
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    del lines[row - 1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def findings(folder: Path, severity: str = "error"):
    return [f for f in validate(folder).report.findings if f.severity == severity]


# (table, row, column, value, a fragment the message must contain)
CASES = [
    ("school_levels.csv", 2, "teachers_above_degree", "999", "多于专任教师总数"),
    ("school_levels.csv", 2, "key_teachers", "999", "多于专任教师总数"),
    ("school_levels.csv", 2, "pe_arts_teachers", "999", "多于专任教师总数"),
    ("school_levels.csv", 2, "certified_teachers", "999", "多于专任教师总数"),
    ("school_levels.csv", 2, "entrants_nearby", "9999", "就近划片入学人数多于"),
    ("school_facilities.csv", 2, "indoor_sports_area_m2", "999999", "室内体育用房面积大于"),
    ("access.csv", 2, "quota_allocated", "9999", "分配名额多于"),
    ("access.csv", 2, "quota_allocated_rural", "9999", "农村初中名额多于"),
    ("access.csv", 2, "junior_graduates_rural", "99999", "农村毕业生多于"),
    ("access.csv", 2, "migrant_in_public", "99999", "随迁子女之和多于"),
    ("teacher_workforce.csv", 2, "training_done", "999999", "已完成培训人数多于"),
    ("teacher_workforce.csv", 2, "rotated", "999999", "交流轮岗人数多于"),
    ("teacher_workforce.csv", 2, "key_rotated", "99999", "骨干教师多于"),
    ("satisfaction.csv", 2, "responded", "99999", "有效回收人数多于"),
    ("satisfaction.csv", 2, "satisfied", "99999", "满意人数多于"),
    ("disabled_children.csv", 2, "home_taught", "9999", "各种形式入学人数之和多于"),
    ("cohorts.csv", 2, "entry_year", "2000", "入学年份应等于"),
    ("cohorts.csv", 2, "deaths", "99999", "死亡人数多于"),
    ("school_finance.csv", 2, "training_spend_yuan", "999999999", "教师培训经费大于"),
    ("school_levels.csv", 2, "level", "初中", "不应有「初中」学段"),
    ("school_levels.csv", 2, "classes", "0", "有在校生却没有班级"),
    ("school_levels.csv", 2, "max_class_size", "10", "小于平均班额"),
    ("school_levels.csv", 2, "max_class_size", "99999", "大于该学段在校生总数"),
    ("schools.csv", 2, "opened_year", "2025", "尚未开办或已撤并"),
    ("schools.csv", 2, "parent_school_id", "2137032109", "只有教学点需要填写所属学校"),
    ("schools.csv", 13, "parent_school_id", "", "教学点必须填写所属学校"),
    ("schools.csv", 13, "parent_school_id", "2137032149", "所属学校本身也是教学点"),
    ("judged_items.csv", 2, "item_id", "G4", "不是 standards.csv 中需认定"),
    ("tasks.csv", 2, "items", "G6 X99", "不存在的指标编号"),
    ("standards.csv", 2, "threshold", "", "必须有阈值"),
    ("milestones.csv", 2, "done_on", "", "没有填写完成日期"),
    ("milestones.csv", 6, "done_on", "2025-01-01", "尚未完成的节点不应有完成日期"),
]


# where a message is located when the edited table is not the one that is now wrong
REPORTED_IN = {"尚未开办或已撤并": "school_levels.csv"}   # a later opening year makes the earlier rows wrong


@pytest.mark.parametrize("table,row,col,value,fragment", CASES, ids=[f"{c[0]}:{c[2]}:{c[4]}" for c in CASES])
def test_domain_check(minimal_copy: Path, table, row, col, value, fragment):
    assert not findings(minimal_copy), "the fixture starts valid"
    edit(minimal_copy, table, row, col, value)
    hits = [f for f in findings(minimal_copy) if fragment in f.message]
    assert hits, [f.sentence() for f in findings(minimal_copy)]
    assert hits[0].file.endswith(REPORTED_IN.get(fragment, table))


def test_closed_before_opened(minimal_copy: Path):
    edit(minimal_copy, "schools.csv", 2, "opened_year", "2010")
    edit(minimal_copy, "schools.csv", 2, "closed_year", "2005")
    assert any("撤并年份早于开办年份" in f.message for f in findings(minimal_copy))


def test_missing_rows_for_a_year(minimal_copy: Path):
    drop_row(minimal_copy, "school_facilities.csv", 2)
    hits = [f for f in findings(minimal_copy) if f.code == "missing-year"]
    assert hits and "school_facilities.csv" in hits[0].fix


def test_missing_funding_baseline(minimal_copy: Path):
    drop_row(minimal_copy, "funding_baselines.csv", 2)
    assert any("基准定额" in f.message for f in findings(minimal_copy))


def test_county_has_one_row(minimal_copy: Path):
    p = minimal_copy / "county.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join(lines + [lines[1].replace("370321", "370322")]) + "\n", encoding="utf-8")
    assert any(f.code == "county-rows" for f in findings(minimal_copy))


def test_jump_over_half_is_a_warning_not_an_error(minimal_copy: Path):
    edit(minimal_copy, "school_facilities.csv", 3, "equipment_value_yuan", "99999999")   # 2025 row of the first school
    assert not findings(minimal_copy)
    warns = findings(minimal_copy, "warning")
    assert any(f.column == "equipment_value_yuan" and "50%" in f.message for f in warns)
    assert validate(minimal_copy).valid


def test_negative_number_is_not_a_formula(minimal_copy: Path):
    edit(minimal_copy, "school_levels.csv", 2, "students", "-5")
    codes = {f.code for f in findings(minimal_copy)}
    assert "minimum" in codes and "formula" not in codes


def test_id_number_with_wrong_check_digit_is_not_flagged(minimal_copy: Path):
    edit(minimal_copy, "task_updates.csv", 2, "summary", "编号 110105194912310021 的文件")   # check digit should be X
    assert not [f for f in findings(minimal_copy) if f.code == "personal-data"]


def test_personal_data_is_masked_in_messages(minimal_copy: Path):
    edit(minimal_copy, "task_updates.csv", 2, "summary", "电话 13912345678")
    hit = next(f for f in findings(minimal_copy) if f.code == "personal-data")
    assert "13912345678" not in hit.sentence() and "139****5678" in hit.sentence()


def test_domain_checks_wait_for_clean_tables(minimal_copy: Path):
    """A type error in a table skips the domain checks that read it, instead of cascading."""
    edit(minimal_copy, "school_levels.csv", 2, "teachers", "abc")
    codes = [f.code for f in findings(minimal_copy)]
    assert codes.count("type") == 1 and "domain" not in codes


def test_a_zero_training_budget_is_a_warning_naming_the_row_and_the_consequence(minimal_copy):
    edit(minimal_copy, "school_finance.csv", 4, "training_spend_yuan", "0")
    edit(minimal_copy, "school_finance.csv", 4, "public_funds_budget_yuan", "0")
    v = validate(minimal_copy)
    assert v.valid
    warn = [f for f in v.report.findings if f.severity == "warning" and "公用经费预算为 0" in f.message]
    assert len(warn) == 1 and warn[0].row == 4 and "无数据" in warn[0].message


def _standards_row(folder: Path, rule_id: str, profile: str = "national") -> int:
    """The spreadsheet row (header = 1) of a rule in standards.csv."""
    rows = read_rows(folder / "standards.csv")
    return next(i for i, r in enumerate(rows, start=2) if r["rule_id"] == rule_id and r["profile"] == profile)


def _drop_standards(folder: Path, gone) -> None:
    """Delete the rows of standards.csv for which `gone(row)` is true."""
    path = folder / "standards.csv"
    write_rows(path, [r for r in read_rows(path) if not gone(r)])


# (rule, its new id, its new comparator and threshold, a fragment the message must contain)
RULE_CASES = [
    ("G11.key", "G11.kye", None, "本工具不使用规则 G11.kye"),            # a misspelt condition would be silently ignored
    ("G12", "G16", None, "没有事项 G16 的计算方法"),                    # a numeric item the tool has no method for
    ("G4", None, ("judged", ""), "由本工具按数据计算，比较方式不能是 judged"),
    ("P.floor", None, (">=", "0.85"), "比较方式不能是 >="),
    ("G1", "G1x", None, "应为 G、B、Q、S 或 V 加数字"),
]


@pytest.mark.parametrize("rule,new_id,new_rule,fragment", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_a_rule_the_engine_cannot_use_is_refused_where_it_is_written(minimal_copy: Path, rule, new_id, new_rule, fragment):
    row = _standards_row(minimal_copy, rule)
    if new_id:
        edit(minimal_copy, "standards.csv", row, "rule_id", new_id)
    if new_rule:
        edit(minimal_copy, "standards.csv", row, "comparator", new_rule[0])
        edit(minimal_copy, "standards.csv", row, "threshold", new_rule[1])
    hits = [f for f in findings(minimal_copy) if fragment in f.message]
    assert hits, [f.sentence() for f in findings(minimal_copy)]
    assert hits[0].file.endswith("standards.csv") and hits[0].column == "rule_id" and hits[0].row == row
    assert hits[0].value == (new_id or rule) and hits[0].fix


def test_a_countys_own_item_judged_on_evidence_is_accepted_and_appears(minimal_copy: Path):
    """A county may add an item of its own judged on evidence (G16): validation accepts it, and it is listed."""
    from pipeline.compute import compute_tables

    row = _standards_row(minimal_copy, "G1", "county")
    with (minimal_copy / "standards.csv").open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    lines.append(lines[row - 1].replace("G1,", "G16,", 1))
    (minimal_copy / "standards.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    v = validate(minimal_copy)
    assert v.valid, [f.sentence() for f in v.report.findings]
    items = compute_tables(v.tables)["county_items"]
    assert set(items[items["item_id"] == "G16"]["status"]) == {"待评估"}       # judged, but with no record yet


def _needed():
    """(rule, level) of each rule an item's verdict reads besides its own, and of some the engine always reads."""
    from pipeline.indicators import known

    return [*((need, "全部") for needs in known.NEEDS.values() for need in needs), ("R3", "初中"), ("CV", "小学"), ("P.floor", "全部")]


@pytest.mark.parametrize("rule,level", _needed(), ids=[f"{r}-{lv}" for r, lv in _needed()])
def test_a_rule_the_engine_needs_is_asked_for_by_validation_not_missed_by_compute(minimal_copy: Path, minimal_tables, rule, level):
    """Without the national row of RULE at LEVEL, the engine cannot compute (it raises), and validation says so first,
    naming the rule and the profile, instead of passing a folder the build then fails on."""
    from pipeline.compute import compute_tables
    from pipeline.indicators.rules import MissingRule

    _drop_standards(minimal_copy, lambda r: r["rule_id"] == rule and r["profile"] == "national" and r["level"] in (level, "全部"))
    hits = [f for f in findings(minimal_copy) if f.code == "missing-rule"]
    assert [f.file.endswith("standards.csv") and rule in f.message and "national" in f.message for f in hits] == [True], \
        [f.sentence() for f in hits]
    st = minimal_tables["standards"]
    keep = ~((st["rule_id"] == rule) & (st["profile"] == "national") & st["level"].isin([level, "全部"]))
    with pytest.raises(MissingRule):
        compute_tables({**minimal_tables, "standards": st[keep].reset_index(drop=True)})


def test_a_further_condition_without_its_item_is_a_warning_at_its_row(minimal_copy: Path):
    """A profile that drops G11 but keeps G11.key: nothing reads G11.key there, and the clerk is told so, at its row;
    a warning, since the rest can still be computed."""
    _drop_standards(minimal_copy, lambda r: r["rule_id"] == "G11" and r["profile"] == "county")
    row = _standards_row(minimal_copy, "G11.key", "county")
    warns = [f for f in findings(minimal_copy, "warning") if f.file.endswith("standards.csv")]
    assert [(f.row, f.value) for f in warns] == [(row, "G11.key")] and "不会起任何作用" in warns[0].message
    assert validate(minimal_copy).valid

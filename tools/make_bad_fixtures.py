"""Turn tests/fixtures/minimal into one overlay folder per bad-input category under tests/fixtures/bad_input/.

Each folder holds the broken file(s) and expected.json: the file, row, column and code the
validator's message must name. Run: `python tools/make_bad_fixtures.py` (after the minimal fixture).
"""

import json
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tests" / "fixtures" / "minimal"
DST = ROOT / "tests" / "fixtures" / "bad_input"


def lines(name):
    return (SRC / name).read_text(encoding="utf-8").splitlines()


def cells(line):
    return line.split(",")


def set_cell(name, row, col, value):
    """row as a spreadsheet numbers it (header = 1); col by field name."""
    ls = lines(name)
    header = cells(ls[0])
    c = cells(ls[row - 1])
    c[header.index(col)] = value
    ls[row - 1] = ",".join(c)
    return "\n".join(ls) + "\n"


CASES = {}


def case(name, files, file, code, row=None, column=None, delete=()):
    CASES[name] = (files, dict(file=file, code=code, row=row, column=column, delete=list(delete)))


L = "school_levels.csv"
case("gbk_encoded", {"schools.csv": (SRC / "schools.csv").read_text(encoding="utf-8").encode("gbk")}, "schools.csv", "gbk", row=2)
case("fullwidth_digits", {L: set_cell(L, 3, "students", "２４２０")}, L, "type", 3, "students")
case("thousands_separator", {L: set_cell(L, 2, "students", '"2,420"')}, L, "type", 2, "students")
case("text_in_number_column", {L: set_cell(L, 4, "teachers", "约150人")}, L, "type", 4, "teachers")
case("decimal_in_integer", {L: set_cell(L, 5, "classes", "12.5")}, L, "type", 5, "classes")
case("negative_count", {L: set_cell(L, 6, "key_teachers", "-3")}, L, "minimum", 6, "key_teachers")
ls = lines(L); ls.insert(4, ""); case("blank_row", {L: "\n".join(ls) + "\n"}, L, "blank-row", 5)
ls = lines(L); ls[6] = ls[6].replace(",", ",,", 1); case("shifted_row", {L: "\n".join(ls) + "\n"}, L, "row-width", 7)
ls = lines("schools.csv"); ls.append(ls[3]); case("duplicate_school_id", {"schools.csv": "\n".join(ls) + "\n"}, "schools.csv", "unique", len(ls), "school_id")
ls = lines(L); dup = ls[2]; ls.append(dup); case("duplicate_key_row", {L: "\n".join(ls) + "\n"}, L, "primary-key", len(ls), "level")
case("unknown_school_id", {L: set_cell(L, 8, "school_id", "2137039999")}, L, "foreign-key", 8, "school_id")
case("unknown_town", {"schools.csv": set_cell("schools.csv", 3, "town", "索镇")}, "schools.csv", "foreign-key", 3, "town")
case("bad_enum", {"schools.csv": set_cell("schools.csv", 4, "school_type", "完小")}, "schools.csv", "enum", 4, "school_type")
case("yes_no_boolean", {"schools.csv": set_cell("schools.csv", 5, "is_boarding", "否")}, "schools.csv", "type", 5, "is_boarding")
case("short_school_id", {"school_facilities.csv": set_cell("school_facilities.csv", 3, "school_id", "213703210")}, "school_facilities.csv", "pattern", 3, "school_id")
case("bad_date", {"milestones.csv": set_cell("milestones.csv", 2, "due", "2021/12/31")}, "milestones.csv", "type", 2, "due")
case("required_blank", {L: set_cell(L, 3, "teachers", "")}, L, "required", 3, "teachers")
ls = lines("school_facilities.csv"); ls[0] = ls[0].replace("teaching_aux_area_m2", "教学及辅助用房面积")
case("chinese_header", {"school_facilities.csv": "\n".join(ls) + "\n"}, "school_facilities.csv", "chinese-header", 1, "教学及辅助用房面积")
ls = lines("school_facilities.csv"); ls[0] = ls[0].replace("equipment_value_yuan", "equipment_value")
case("renamed_header", {"school_facilities.csv": "\n".join(ls) + "\n"}, "school_facilities.csv", "unknown-column", 1, "equipment_value")
case("empty_file", {"towns.csv": ""}, "towns.csv", "empty-file")
case("semicolon_separated", {"towns.csv": "\n".join(l.replace(",", ";") for l in lines("towns.csv")) + "\n"}, "towns.csv", "delimiter", 1)
case("tab_separated", {"towns.csv": "\n".join(l.replace(",", "\t") for l in lines("towns.csv")) + "\n"}, "towns.csv", "delimiter", 1)
case("xlsx_renamed", {"access.csv": "XLSX"}, "access.csv", "xlsx-as-csv")
case("resident_id_number", {"judged_items.csv": set_cell("judged_items.csv", 3, "judged_by", "张三 11010519491231002X")}, "judged_items.csv", "personal-data", 3, "judged_by")
case("mobile_number", {"task_updates.csv": set_cell("task_updates.csv", 4, "summary", "联系人电话 13912345678")}, "task_updates.csv", "personal-data", 4, "summary")
case("email_address", {"task_updates.csv": set_cell("task_updates.csv", 5, "summary", "请联系 zhang.san@example.com")}, "task_updates.csv", "personal-data", 5, "summary")
case("formula_injection", {"judged_items.csv": set_cell("judged_items.csv", 2, "evidence", "=HYPERLINK(\"http://x\")")}, "judged_items.csv", "formula", 2, "evidence")
case("part_exceeds_whole", {L: set_cell(L, 2, "key_teachers", "999")}, L, "domain", 2, "key_teachers")
case("indoor_exceeds_aux", {"school_facilities.csv": set_cell("school_facilities.csv", 2, "indoor_sports_area_m2", "99999")}, "school_facilities.csv", "domain", 2, "indoor_sports_area_m2")
case("class_size_inconsistent", {L: set_cell(L, 2, "max_class_size", "20")}, L, "domain", 2, "max_class_size")
ls = lines(L); del ls[1]; case("missing_year_row", {L: "\n".join(ls) + "\n"}, L, "missing-year")
case("missing_file", {}, "county_finance.csv", "missing-file", delete=["county_finance.csv"])
desc = json.loads((SRC / "datapackage.json").read_text(encoding="utf-8"))
desc["resources"][1]["path"] = "../../../etc/passwd"
case("path_escape", {"datapackage.json": json.dumps(desc, ensure_ascii=False)}, "datapackage.json", "unsafe-path")

if DST.exists():
    shutil.rmtree(DST)
for name, (files, expected) in CASES.items():
    d = DST / name
    d.mkdir(parents=True)
    for fname, content in files.items():
        if content == "XLSX":
            with zipfile.ZipFile(d / fname, "w") as z:
                z.writestr("[Content_Types].xml", "<Types/>")
        elif isinstance(content, bytes):
            (d / fname).write_bytes(content)
        else:
            (d / fname).write_text(content, encoding="utf-8")
    (d / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(CASES), "cases")

"""The benchmark's generators: valid by construction, and errors injected in known numbers are all found (as Frictionless finds them)."""

from __future__ import annotations

import json

import frictionless

from conftest import edit
from pipeline.schemas import load
from pipeline.synth import generate_scaled, school_levels_rows
from pipeline.validate import validate, validate_table


def test_scaled_dataset_validates(tmp_path):
    generate_scaled(tmp_path / "d", 40)
    v = validate(tmp_path / "d")
    assert v.valid, [f.sentence() for f in v.report.errors][:3]
    units = v.tables["school_levels"]
    assert units[units["level"].isin(["小学", "初中"])].groupby("year").size().min() >= 40


def test_injected_errors_are_found_exactly_and_match_frictionless(tmp_path):
    errors = {"text": 7, "negative": 5, "fullwidth": 3, "blank": 4, "decimal": 6}
    path = school_levels_rows(tmp_path, 3000, errors=errors)
    where = json.loads((tmp_path / "injected.json").read_text())
    v = validate_table("school_levels", path)
    found = {(f.row, f.column) for f in v.report.errors}
    expected = {(r, "classes" if k == "decimal" else "students") for k, rows in where.items() for r in rows}
    assert found == expected
    descriptor = {k: v for k, v in load("school_levels").descriptor.items() if k != "foreignKeys"}
    rep = frictionless.validate(frictionless.Resource(path=path.name, basepath=str(path.parent),
                                                      schema=frictionless.Schema.from_descriptor(descriptor)), limit_errors=10**6)
    theirs = {(r, c) for r, c, t in rep.flatten(["rowNumber", "fieldName", "type"]) if r}
    fullwidth = {(r, "students") for r in where["fullwidth"]}     # the one intended difference (see test_validate_frictionless)
    assert theirs == expected - fullwidth


def _run(code: str) -> str:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_command_gives_arrow_the_system_allocator_unless_told_otherwise(monkeypatch):
    # mimalloc, pyarrow's own default, made computing 15,000 school units about a second slower (`make bench`)
    code = "import pipeline.cli, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert _run(code).strip() == "system"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    assert _run(code).strip() == "jemalloc"


def test_validate_command_never_imports_pandas():
    """pandas takes most of a second to import; `junheng validate` works on Arrow tables only."""
    out = _run("import sys\nfrom pipeline.cli import main\n"
               "try:\n    main(['validate'], standalone_mode=False)\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
               "print('pandas' in sys.modules)")
    assert out.strip().splitlines()[-1] == "False"


def test_tables_after_a_pandas_free_validation_are_the_engines_frames():
    """After validating without pandas, the typed tables still convert (nullable dtypes) and pyarrow again
    recognises pandas objects."""
    out = _run("import sys\nfrom pipeline.validate import validate\nv = validate('tests/fixtures/sample')\n"
               "assert 'pandas' not in sys.modules\n"
               "t = v.tables['schools']\nimport pandas as pd, pyarrow as pa\n"
               "print(sorted({str(x) for x in t.dtypes}))\n"
               "print(pa.array(pd.Series([1, None], dtype='Int64')).type)")
    dtypes, arrow_type = out.strip().splitlines()[-2:]
    assert dtypes == "['Int64', 'boolean', 'int64', 'string']"
    assert arrow_type == "int64"


def test_quoted_cells_with_line_breaks_and_commas_are_read_whole(minimal_copy):
    # plan_text is a long text that may hold line breaks ("multiline" in its schema)
    edit(minimal_copy, "tasks.csv", 2, "plan_text", "第一行\n第二行，含逗号, 和英文逗号")     # the writer quotes it
    assert '"第一行\n第二行' in (minimal_copy / "tasks.csv").read_text(encoding="utf-8")
    v = validate(minimal_copy)
    assert v.valid, [f.sentence() for f in v.report.errors][:3]
    assert v.tables["tasks"]["plan_text"].iloc[0] == "第一行\n第二行，含逗号, 和英文逗号"


def test_duplicate_keys_are_named_against_their_first_row(tmp_path):
    path = school_levels_rows(tmp_path, 50)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += [lines[3], lines[7], lines[3]]        # rows 52, 53, 54 repeat rows 4, 8 and 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [(f.row, f.message[:9]) for f in validate_table("school_levels", path).report.errors]
    assert found == [(52, "与第 4 行重复（"), (53, "与第 8 行重复（"), (54, "与第 4 行重复（")]


def test_a_row_with_a_blank_key_part_is_not_a_duplicate_but_the_others_still_are(tmp_path):
    path = school_levels_rows(tmp_path, 50)
    lines = path.read_text(encoding="utf-8").splitlines()
    blank = lines[5].split(",")
    blank[2] = ""                                  # level, a part of the key, left blank in rows 52 and 53
    lines += [",".join(blank), ",".join(blank), lines[7]]          # row 54 repeats row 8
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = validate_table("school_levels", path).report.errors
    assert [(f.row, f.message[:9]) for f in errors if "重复" in f.message] == [(54, "与第 8 行重复（")]
    assert {f.row for f in errors if f.code == "required"} == {52, 53}

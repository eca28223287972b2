"""The benchmark's generators: valid by construction, and errors injected in known numbers are all found (as Frictionless finds them)."""

from __future__ import annotations

import json

import frictionless

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

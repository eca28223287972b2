"""Differential test: the column-wise field checks find the same errors as Frictionless on seeded corrupt tables."""

from __future__ import annotations

import random
import shutil

import frictionless
import pytest

from conftest import MINIMAL, edit
from pipeline.schemas import load
from pipeline.validate import validate

_CONSTRAINT = {"minimum", "maximum", "enum", "pattern", "required"}


def _frictionless_cells(path, schema_name):
    descriptor = {k: v for k, v in load(schema_name).descriptor.items() if k != "foreignKeys"}   # cross-table keys need a package
    schema = frictionless.Schema.from_descriptor(descriptor)
    res = frictionless.Resource(path=path.name, basepath=str(path.parent), schema=schema)
    rep = frictionless.validate(res, limit_errors=10000)
    out = set()
    assert not [e for e in rep.flatten(["type"]) if e[0] == "resource-error"], rep.flatten(["note"])
    for row, field, typ in rep.flatten(["rowNumber", "fieldName", "type"]):
        if typ in ("type-error", "constraint-error", "missing-cell") and row:
            out.add((row, field))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_cell_errors_as_frictionless(tmp_path, seed):
    rng = random.Random(seed)
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    name = "school_levels"
    path = data / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    # not here: full-width digits and integers beyond 2**53, both refused by us and accepted by Frictionless
    bad_values = ["abc", "-4", "1.5", "", "2,0", "1e3", " ", "12 ", "+5"]
    for _ in range(12):
        r = rng.randrange(1, len(lines))
        c = rng.randrange(3, len(header))          # numeric columns
        cells = lines[r].split(",")
        v = rng.choice(bad_values)
        cells[c] = f'"{v}"' if "," in v else v
        lines[r] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ours = {(f.row, f.column) for f in validate(data).report.findings
            if f.file.endswith(f"{name}.csv") and f.code in {"type", *_CONSTRAINT}}
    theirs = _frictionless_cells(path, name)
    assert ours == theirs


def test_the_one_intended_difference_fullwidth_digits(tmp_path):
    """Frictionless parses full-width digits as numbers (Python's int("１２") == 12); the data contract
    refuses them, because staff pasting from Chinese input methods should fix the cell, not rely on it."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "school_levels.csv"
    edit(data, path.name, 2, "classes", "１２")
    assert (2, "classes") in {(f.row, f.column) for f in validate(data).report.errors}
    assert (2, "classes") not in _frictionless_cells(path, "school_levels")


def test_the_second_intended_difference_a_number_with_an_exponent(tmp_path):
    """Frictionless reads 1.23E+07 as 12,300,000; the data contract refuses it: a number Excel shows that way is
    written into the CSV as shown, with its last digits gone (12,345,678.9 becomes 1.23E+07)."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "school_facilities.csv"
    edit(data, path.name, 2, "equipment_value_yuan", "1.23E+07")
    errors = [f for f in validate(data).report.errors if (f.row, f.column) == (2, "equipment_value_yuan")]
    assert errors and "科学计数法" in errors[0].fix
    assert (2, "equipment_value_yuan") not in _frictionless_cells(path, "school_facilities")

"""Metadata and conventions tested as code: every field documented, every key resolvable, every threshold sourced."""

from __future__ import annotations

import csv
import json
import re

import frictionless
import pytest

from conftest import ROOT, SAMPLE
from pipeline.compute import OUTPUTS, arrow_schema, output_schema
from pipeline.schemas import TABLES, load

SCHEMAS = sorted((ROOT / "pipeline" / "schemas").glob("*.json"))
# naming grammar (STYLE.md §5): snake_case; unit suffixes; _id for identifiers; is_ for booleans
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")


def test_one_schema_per_table():
    assert sorted(p.stem for p in SCHEMAS) == sorted(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_input_schema_is_complete_and_valid(name):
    d = json.loads((ROOT / "pipeline" / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    frictionless.Schema.from_descriptor(d)   # raises on an invalid Table Schema
    assert d.get("title") and d.get("description")
    for f in d["fields"]:
        assert f.get("title"), f"{name}.{f['name']} has no title"
        assert f.get("description"), f"{name}.{f['name']} has no description"
        assert _SNAKE.fullmatch(f["name"]), f"{name}.{f['name']} is not snake_case"
        if f["type"] == "boolean":
            assert f["name"].startswith(("is_", "has_")), f"{name}.{f['name']}: booleans start with is_/has_"
        if f["name"].endswith("_yuan"):
            assert "元" in f["title"]
        if f["name"].endswith("_m2"):
            assert "平方米" in f["title"]


@pytest.mark.parametrize("name", TABLES)
def test_every_defined_field_is_used_and_every_column_defined(name):
    with (SAMPLE / f"{name}.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == load(name).names


@pytest.mark.parametrize("name", TABLES)
def test_foreign_keys_resolve(name):
    s = load(name)
    for fk in s.foreign_keys:
        target = load(fk["reference"]["resource"] or name)
        for col in fk["fields"]:
            assert col in s.names
        for col in fk["reference"]["fields"]:
            assert col in target.names
            assert col in target.primary_key or target.field(col).constraints.get("unique"), \
                f"{name} → {target.name}.{col} must be a key"


def test_primary_keys_name_fields():
    for name in TABLES:
        s = load(name)
        assert s.primary_key, f"{name} has no primary key"
        assert set(s.primary_key) <= set(s.names)


def test_every_threshold_is_sourced_and_labelled():
    with (SAMPLE / "standards.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        assert r["source"].strip() and r["name"].strip(), r
        assert r["label"] in {"official", "secondary", "unverified"}
        if r["comparator"] not in {"judged", "composite"}:
            assert r["threshold"] != "", r


def test_standards_cover_both_profiles():
    with (SAMPLE / "standards.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    national = {r["rule_id"] for r in rows if r["profile"] == "national"}
    county = {r["rule_id"] for r in rows if r["profile"] == "county"}
    # the county profile adds the budget rule and the unfilled-posts veto; otherwise they match
    assert county - national == {"B1", "V4"}
    assert national <= county


@pytest.mark.parametrize("name", OUTPUTS)
def test_output_schema_documented_and_derived(name):
    d = output_schema(name)
    a = arrow_schema(name)
    assert [f["name"] for f in d["fields"]] == a.names
    for f, af in zip(d["fields"], a):
        assert f["title"] and f["description"], f"{name}.{f['name']}"
        assert af.metadata[b"description"].decode() == f["description"]


def test_descriptor_is_flagged_and_frictionless_reads_it():
    d = json.loads((SAMPLE / "datapackage.json").read_text(encoding="utf-8"))
    assert d["illustrative"] is True and "示例" in d["title"]
    pkg = frictionless.Package(str(SAMPLE / "datapackage.json"))
    assert sorted(r.name for r in pkg.resources) == sorted(TABLES)


def test_sample_school_names_are_marked():
    with (SAMPLE / "schools.csv").open(encoding="utf-8") as fh:
        names = [r["school_name"] for r in csv.DictReader(fh)]
    assert names and all(n.endswith("（示例）") for n in names)


def test_every_text_field_has_a_maximum_length():
    """Over-long text breaks builds and pages; every string field without an enum declares maxLength (issue 18)."""
    from pipeline.schemas import TABLES, load

    missing = [f"{t}.{f.name}" for t in TABLES for f in load(t).fields
               if f.type == "string" and "enum" not in f.constraints and not f.constraints.get("maxLength")]
    assert missing == []
    multiline = {(t, f.name) for t in TABLES for f in load(t).fields if f.multiline}
    assert multiline and all(load(t).field(n).constraints["maxLength"] >= 1000 for t, n in multiline)

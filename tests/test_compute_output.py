"""`junheng compute` writes every output table as Parquet with its documented schema, deterministically."""

from __future__ import annotations

import pyarrow.parquet as pq
from click.testing import CliRunner

from conftest import MINIMAL, tree_hash
from pipeline.cli import main
from pipeline.compute import OUTPUTS, arrow_schema


def test_compute_writes_documented_parquet(tmp_path):
    r = CliRunner().invoke(main, ["compute", "--data-dir", str(MINIMAL), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    for name in OUTPUTS:
        table = pq.read_table(tmp_path / "data" / f"{name}.parquet")
        assert table.schema.equals(arrow_schema(name), check_metadata=False)
        assert table.schema.field(0).metadata[b"description"]
        assert table.num_rows > 0, name
        for col in table.column_names:
            arr = table[col]
            if arr.type in ("double", "float"):
                assert not any(x is not None and x != x for x in arr.to_pylist()), f"NaN in {name}.{col}"
    assert not list((tmp_path / "data").glob(".*tmp")), "no temporary files left behind"


def test_compute_is_byte_identical_across_runs(tmp_path):
    for d in ("a", "b"):
        assert CliRunner().invoke(main, ["compute", "--data-dir", str(MINIMAL), "--out", str(tmp_path / d)]).exit_code == 0
    assert tree_hash(tmp_path / "a") == tree_hash(tmp_path / "b")


def test_fixed_columns_of_design(tmp_path):
    fixed = {
        "school_indicators": ["year", "school_id", "level", "indicator_id", "value", "threshold", "meets", "gap"],
        "school_verdicts": ["year", "school_id", "level", "indicators_met", "meets"],
        "balance": ["year", "level", "indicator_id", "units", "students", "mean", "cv", "threshold", "meets"],
        "county_items": ["year", "profile", "part", "item_id", "value", "threshold", "status", "evidence"],
        "verdict": ["year", "profile", "part", "status"],
    }
    for name, cols in fixed.items():
        assert set(cols) <= set(arrow_schema(name).names), name


def test_outputs_are_ordered_by_the_key_their_schema_declares(sample_outputs):
    """The order of every output table is declared once, in schemas/outputs (primaryKey, or orderBy for the two
    severity-ordered lists); a primary key is unique and never null."""
    from pipeline.compute import OUTPUTS, order_of, output_schema

    for name in OUTPUTS:
        df = sample_outputs[name]
        keys = order_of(name)
        assert df[keys].equals(df.sort_values(keys, kind="stable")[keys].reset_index(drop=True)), name
        if "primaryKey" in output_schema(name):
            assert not df[keys].isna().any().any() and not df.duplicated(keys).any(), name

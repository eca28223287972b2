"""The illustrative sample (frozen in tests/fixtures/sample): valid, complete, reproducible from its seeded script,
and tells its story. datasets/ itself is tested only in test_datasets.py, so a real county can replace it."""

from __future__ import annotations

from conftest import SAMPLE
from pipeline import synth


def test_shipped_data_is_valid(sample_validated):
    assert sample_validated.valid
    assert not sample_validated.report.warnings


def test_sample_has_the_required_schools(sample_validated):
    s = sample_validated.tables["schools"]
    counts = s["school_type"].value_counts().to_dict()
    assert counts["小学"] >= 25 and counts["初中"] >= 10 and counts["九年一贯制学校"] >= 3
    assert counts["完全中学"] >= 1 and counts["特殊教育学校"] >= 1 and counts["教学点"] >= 2
    assert set(s["town"]) == set(sample_validated.tables["towns"]["town_name"])
    assert len(set(s["town"])) == 9
    lv = sample_validated.tables["school_levels"]
    tp = s[s["school_type"] == "教学点"]["school_id"]
    tp_students = lv[lv["school_id"].isin(tp)].groupby("school_id")["students"].max()
    assert (tp_students < 50).any() and (tp_students >= 50).any()


def test_every_year_2021_to_2025_is_filled(sample_validated):
    t = sample_validated.tables
    for name in ("school_levels", "school_facilities", "school_finance", "county_finance", "teacher_workforce", "access",
                 "disabled_children", "satisfaction", "judged_items"):
        assert sorted(t[name]["year"].unique()) == [2021, 2022, 2023, 2024, 2025], name


def test_generator_reproduces_the_committed_csvs(tmp_path):
    synth.generate(tmp_path)
    for f in sorted(tmp_path.glob("*.csv")):
        assert f.read_bytes() == (SAMPLE / f.name).read_bytes(), f"{f.name} differs from the generator: refreeze the sample"


def test_the_story_has_passes_and_failures(sample_outputs):
    sv = sample_outputs["school_verdicts"]
    nat = sv[sv["profile"] == "national"]
    share = nat.groupby("year")["meets"].mean()
    assert share[2021] < 0.5 < share[2025] < 1.0          # most gaps close, a few remain
    bal = sample_outputs["balance"]
    b21 = bal[(bal["year"] == 2021) & (bal["profile"] == "national")]
    assert (b21["status"] == "未达标").any()             # 2021 imbalance above the limits

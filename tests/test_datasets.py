"""datasets/ itself, whatever county it holds: it validates, computes, builds, and is flagged illustrative iff it says so.

These are the only tests that read datasets/ (everything else runs on tests/fixtures/), so a real county can replace
the folder and keep a green check.
"""

from __future__ import annotations

import json
import zipfile

import pytest

from conftest import DATASETS


@pytest.fixture(scope="module")
def validated():
    from pipeline.validate import validate

    return validate(DATASETS)


def test_datasets_validate(validated):
    assert validated.valid, [f.sentence() for f in validated.report.errors][:10]


def test_datasets_compute(validated):
    from pipeline.compute import compute_tables

    out = compute_tables(validated.tables)
    years = sorted(int(y) for y in validated.tables["school_levels"]["year"].unique())
    whole = out["verdict"][out["verdict"]["part"] == "总体"]
    assert sorted(whole["year"].unique()) == years and set(whole["profile"]) == {"national", "county"}


def test_datasets_build_and_say_illustrative_iff_flagged(validated, tmp_path):
    from pipeline.site import build

    site = build(validated, tmp_path)
    flagged = bool(json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8-sig")).get("illustrative"))
    pages = [site / "index.html", site / "downloads" / "index.html", *sorted((site / "schools").glob("*/index.html"))[:3]]
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert ('class="jh-illustrative"' in html) == flagged, p
    with zipfile.ZipFile(site / "downloads" / "junheng-data.zip") as z:
        readme = z.read("README.md").decode("utf-8")
    assert ("示例数据" in readme) == flagged

"""`junheng init DIR` starts a new county whose folder validates, builds and serves at once, with honest empty pages.

Also: a county may leave the standards to the tool (the default national + county rows ship in the package) and may
override a table's schema (titles, descriptions, constraints) from its own datapackage.json.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import MINIMAL
from pipeline.cli import main
from pipeline.init import tool_version
from pipeline.schemas import TABLES, load

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("new") / "清河县"
    r = CliRunner().invoke(main, ["init", str(folder), "--code", "130534", "--target-year", "2027"], input="清河县\n")
    assert r.exit_code == 0, r.output
    assert "县（区）名称" in r.output          # asked for, as it was not given
    return folder


def run(folder, *args):
    return subprocess.run([str(BIN / "junheng"), *args], cwd=folder, capture_output=True, text=True, timeout=600)


def test_the_folder_has_every_table_the_standards_and_the_site_settings(county):
    for t in TABLES:
        with (county / "datasets" / f"{t}.csv").open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == [f.name for f in load(t).fields], t
    with (county / "datasets" / "county.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (row["county_name"], row["county_code"], row["target_year"]) == ("清河县", "130534", "2027")
    with (county / "datasets" / "standards.csv").open(encoding="utf-8") as fh:
        st = list(csv.DictReader(fh))
    assert {r["profile"] for r in st} == {"national", "county"}
    national = {(r["rule_id"], r["level"]) for r in st if r["profile"] == "national"}
    assert national <= {(r["rule_id"], r["level"]) for r in st if r["profile"] == "county"}
    assert not any("桓台" in r["source"] for r in st)
    desc = json.loads((county / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["illustrative"] is False and [r["name"] for r in desc["resources"]] == list(TABLES)
    for name in ("mkdocs.yml", "README.md", ".gitignore", ".github/pull_request_template.md"):
        assert (county / name).is_file(), name


def test_it_validates_builds_and_serves_at_once_with_an_honest_empty_site(county):
    r = run(county, "validate")
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(county, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    home = (county / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert "暂无数据" in home and "清河县" in home and "jh-illustrative" not in home
    assert (county / "build" / "site" / "guide" / "index.html").is_file()
    assert not (county / "build" / "site" / "schools").exists()        # no empty tables dressed up as pages
    server = subprocess.Popen([str(BIN / "junheng"), "serve", "--port", "0"], cwd=county, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        for _ in range(20):
            line = server.stdout.readline()
            if "http://" in line:
                break
        url = re.search(r"http://[\d.:]+/", line).group(0)
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and "暂无数据" in resp.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_its_workflows_pin_this_version_and_pass_the_workflow_checks(county):
    flows = sorted((county / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in flows] == ["check.yml", "deploy.yml"]
    for p in flows:
        text = p.read_text(encoding="utf-8")
        assert re.search(r'pip install "junheng @ git\+https://\S+@v' + re.escape(tool_version()) + '"', text), p.name
        assert "make " not in text and yaml.safe_load(text)["permissions"] == {}
    r = subprocess.run([str(BIN / "zizmor"), "--offline", "--persona=pedantic", "--no-progress", *map(str, flows)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "No findings" in r.stdout + r.stderr, r.stdout + r.stderr
    r = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, flows)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_init_refuses_a_folder_with_files_and_a_bad_code(tmp_path):
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    r = CliRunner().invoke(main, ["init", str(tmp_path), "--name", "清河县", "--code", "130534", "--target-year", "2027"])
    assert r.exit_code == 2 and "已有文件" in r.output and (tmp_path / "x.txt").read_text(encoding="utf-8") == "keep"
    r = CliRunner().invoke(main, ["init", str(tmp_path / "n"), "--name", "清河县", "--code", "13053", "--target-year", "2027"])
    assert r.exit_code == 2 and "6 位数字" in r.output and not (tmp_path / "n").exists()


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_a_county_without_standards_uses_the_tools_own(minimal_copy):
    from pipeline.read import DEFAULTS
    from pipeline.validate import validate

    desc = _descriptor(minimal_copy)
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "standards"]
    (minimal_copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    (minimal_copy / "standards.csv").unlink()
    v = validate(minimal_copy)
    assert v.valid, v.report.findings
    assert v.package.defaults == {"standards", "translations"} and v.package.paths["standards"] == DEFAULTS / "standards.csv"
    assert len(v.tables["standards"]) == sum(1 for _ in (DEFAULTS / "standards.csv").open(encoding="utf-8")) - 1


def test_a_county_may_override_a_schema_but_not_its_fields(minimal_copy):
    from pipeline.validate import validate

    own = json.loads(json.dumps(load("schools", own=False).descriptor))
    for f in own["fields"]:
        if f["name"] == "school_name":
            f["title"] = "学校全称"
            f["constraints"]["maxLength"] = 3
    (minimal_copy / "schemas").mkdir()
    (minimal_copy / "schemas" / "schools.json").write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    desc = _descriptor(minimal_copy)
    for r in desc["resources"]:
        if r["name"] == "schools":
            r["schema"] = "schemas/schools.json"
    (minimal_copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    v = validate(minimal_copy)
    long_names = [f for f in v.report.findings if f.code == "max-length" and f.column_title == "学校全称"]
    assert not v.valid and long_names, v.report.findings
    own["fields"] = own["fields"][:-1]                       # dropping a field the computation reads is refused
    (minimal_copy / "schemas" / "schools.json").write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    v = validate(minimal_copy)
    assert any(f.code == "bad-schema" and "必须保留" in f.message for f in v.report.findings)
    outside = minimal_copy.parent / "outside.json"           # nor may a link lead out of the data folder
    outside.write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    (minimal_copy / "schemas" / "schools.json").unlink()
    (minimal_copy / "schemas" / "schools.json").symlink_to(outside)
    v = validate(minimal_copy)
    assert any(f.code == "bad-schema" and "链接" in f.message for f in v.report.findings)
    v = validate(MINIMAL)                                    # another folder: the tool's schema again
    assert v.valid and load("schools").field("school_name").constraints.get("maxLength") != 3

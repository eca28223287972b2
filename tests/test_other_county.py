"""A county that is not 桓台 takes the repository, replaces datasets/, and gets a green check and a correct site.

The other county is generated from the minimal fixture: another name, city, province, plan, publisher, towns and
departments, stricter thresholds of its own, `illustrative` false and no （示例） in any name. Then, with it in place of
datasets/: the datasets checks of the suite (tests/test_datasets.py) pass, among them its build, and `junheng diff` passes;
no page of that build names 桓台 or shows the illustrative banner.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT, data_repo
from conftest import git as _git
from pipeline.cli import main

RENAME = [("桓台", "清河"), ("淄博", "邢台"), ("山东", "河北"), ("桓政办字", "清政办发"),
          ("索镇街道", "葛仙庄镇"), ("少海街道", "连庄镇"), ("起凤镇", "油坊镇"), ("田庄镇", "谢炉镇"), ("荆家镇", "王官庄镇"),
          ("马桥镇", "坝营镇"), ("新城镇", "黄金庄镇"), ("唐山镇", "东高庄乡"), ("果里镇", "马屯镇"),
          ("索镇", "葛仙庄"), ("少海", "连庄"), ("起凤", "油坊"), ("田庄", "谢炉"), ("荆家", "王官庄"), ("马桥", "坝营"),
          ("县教育体育局", "县教育局"), ("县人力资源社会保障局", "县人社局"), ("（示例）", "")]
STRICTER = {("G14", "county"): "60", ("CV", "county", "小学"): "0.48"}


def make_other_county(dst):
    shutil.copytree(MINIMAL, dst)
    for p in sorted(dst.iterdir()):
        text = p.read_text(encoding="utf-8")
        for old, new in RENAME:
            text = text.replace(old, new)
        p.write_text(text, encoding="utf-8")
    desc = json.loads((dst / "datapackage.json").read_text(encoding="utf-8"))
    desc.update(illustrative=False, title="清河县义务教育优质均衡发展监测数据", name="qinghe-balance")
    desc.pop("illustrative_note", None)
    (dst / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")

    def rows(name):
        with (dst / f"{name}.csv").open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def write(name, data):
        with (dst / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(data[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(data)

    county = rows("county")
    county[0].update(county_code="130534", publisher="清河县教育局")
    write("county", county)
    standards = rows("standards")
    for r in standards:
        for key, value in STRICTER.items():
            if (r["rule_id"], r["profile"]) == key[:2] and (len(key) == 2 or r["level"] == key[2]):
                r["threshold"] = value
                r["source"] = "清河县创建实施方案（示意）"
    write("standards", standards)
    return dst


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return make_other_county(tmp_path_factory.mktemp("other") / "datasets")


def test_nothing_of_the_sample_county_is_left_in_its_data(county):
    for p in county.iterdir():
        text = p.read_text(encoding="utf-8")
        assert "桓台" not in text and "（示例）" not in text and "县教育体育局" not in text, p.name


@pytest.fixture(scope="module")
def suite_run(county, tmp_path_factory):
    """The datasets checks of the suite (tests/test_datasets.py), run on this county as a run of its own (not a worker of
    this one), sharing this run's build cache; its temporary folder, with the site its build test made, is kept."""
    base = tmp_path_factory.mktemp("suite") / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    env.update(JUNHENG_DATASETS=str(county), JUNHENG_TEST_CACHE=os.environ["JUNHENG_CACHE"])
    r = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", "--basetemp", str(base),
                        "tests/test_datasets.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    return r, base


def test_the_suites_data_checks_pass_on_it(suite_run):
    r, _ = suite_run
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "3 passed" in r.stdout and "failed" not in r.stdout and "skipped" not in r.stdout


def test_its_site_names_only_this_county(suite_run):
    _, base = suite_run
    built = sorted({p.parent.resolve() for p in base.glob("*/site/index.html")})      # (pytest adds a link "…current")
    assert len(built) == 1, built                  # the site test_datasets.py built from this county's data
    site = built[0]
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".json", ".csv", ".md")]
    assert len(pages) > 30
    for p in pages:
        text = p.read_text(encoding="utf-8-sig")
        assert "桓台" not in text and "淄博" not in text, p
        assert 'class="jh-illustrative"' not in text, p
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "清河县" in home
    downloads = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "清河县教育局. 清河县义务教育优质均衡发展监测数据" in downloads
    assert "60%" in (site / "government" / "index.html").read_text(encoding="utf-8")      # its own G14 target


def test_diff_works_on_its_repository(county, tmp_path):
    repo = data_repo(tmp_path / "repo", county)
    from conftest import edit

    edit(repo / "datasets", "school_levels.csv", 2, "key_teachers", "0")
    _git(repo, "commit", "-qam", "change")
    r = CliRunner().invoke(main, ["diff", "--data-dir", str(repo / "datasets"), "--base", "HEAD~1", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["rows"] and d["flips"] and "桓台" not in r.output

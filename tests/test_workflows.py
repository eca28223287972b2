"""The GitHub workflows pass zizmor (offline, pedantic) and the workflow JSON schema, with least privilege."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_are_workflows_for_pull_requests_and_deploys():
    names = {p.name for p in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml"} <= names


def test_zizmor_finds_nothing():
    r = subprocess.run([str(BIN / "zizmor"), "--offline", "--persona=pedantic", "--no-progress", *map(str, WORKFLOWS)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No findings" in r.stdout + r.stderr


def test_workflow_schema():
    r = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(ROOT / ".github/dependabot.yml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_least_privilege_and_pinning():
    for p in WORKFLOWS:
        text = p.read_text(encoding="utf-8")
        wf = yaml.safe_load(text)
        assert "pull_request_target" not in text
        assert wf["permissions"] == {}, f"{p.name}: top-level permissions must be empty"
        assert "concurrency" in wf
        for job in wf["jobs"].values():
            assert "permissions" in job, f"{p.name}: every job sets its permissions"
        for ref in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), f"{p.name}: {ref} is not pinned to a full commit SHA"
        assert "secrets." not in text


def test_pull_request_runs_validate_diff_tests_and_preview():
    text = (ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")
    for step in ("junheng validate --format github", "junheng diff", "GITHUB_STEP_SUMMARY", "make test", "make site", "upload-artifact"):
        assert step in text


def test_deploy_uses_the_official_pages_actions_from_main_only():
    wf = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    on = wf[True] if True in wf else wf["on"]
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    text = (ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert "actions/upload-pages-artifact@" in text and "actions/deploy-pages@" in text


def test_the_site_is_made_without_npm():
    """The deploy job runs `make site`; npm packages' install scripts must not run where the Pages artifact is made."""
    r = subprocess.run(["make", "-n", "-B", "site"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "junheng build" in r.stdout and "pip install" in r.stdout
    assert "npm" not in r.stdout
    deploy = (ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert "npm" not in deploy and "make env" not in deploy and "make test" not in deploy
    test = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "npm ci" in test          # the audit tools are still installed for the tests


def test_dependabot_watches_every_lock_and_codeowners_cover_code_and_workflows():
    dep = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert {u["package-ecosystem"] for u in dep["updates"]} >= {"pip", "npm", "github-actions"}
    owned = {line.split()[0] for line in (ROOT / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    assert {"/datasets/", "/pipeline/schemas/", "/pipeline/", "/.github/"} <= owned

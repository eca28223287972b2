"""The CLI is thin, documented, and agrees with the library API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT
from pipeline.cli import main
from pipeline.report import render_text
from pipeline.validate import validate

COMMANDS = sorted(main.commands)


def test_fixed_verbs_exist():
    assert {"validate", "compute", "build", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_is_documented_with_an_example(cmd):
    for flag in ("-h", "--help"):
        r = CliRunner().invoke(main, [cmd, flag])
        assert r.exit_code == 0
        assert "示例" in r.output and f"junheng {cmd}" in r.output


def test_usage_error_exits_2():
    r = CliRunner().invoke(main, ["validate", "--format", "xml"])
    assert r.exit_code == 2


def test_cli_and_api_agree():
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(MINIMAL)])
    assert r.exit_code == 0
    assert r.output.strip() == render_text(validate(MINIMAL).report).strip()


def test_formats(minimal_copy):
    p = minimal_copy / "school_levels.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",小学,", ",小學,")          # row 2 as a spreadsheet numbers it
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = lambda fmt: CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy), "--format", fmt])  # noqa: E731
    j = run("json")
    assert j.exit_code == 1 and json.loads(j.output)["valid"] is False
    gh = run("github").output.splitlines()
    assert gh[0].startswith("::error file=") and ",line=2," in gh[0]
    md = run("markdown").output
    assert md.startswith("### ❌") and "| 错误 | 2 |" in md


def test_python_m_pipeline_runs_without_traceback():
    r = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--data-dir", str(MINIMAL)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0 and "Traceback" not in r.stderr


def test_compute_refuses_invalid_data(minimal_copy, tmp_path):
    (minimal_copy / "towns.csv").write_text("", encoding="utf-8")
    r = CliRunner().invoke(main, ["compute", "--data-dir", str(minimal_copy), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and not (tmp_path / "o" / "data").exists()

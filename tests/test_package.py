"""`pip install .` (not editable) gives a working `junheng` that carries its schemas, standards and site sources.

The wheel is built from a copy of the package's sources and installed with no dependencies into a fresh virtual
environment; the libraries come from the test environment by a path entry (never this checkout's `pipeline`).
The installed command then starts a county outside the repository, builds the minimal fixture in it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
                        str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    wheel, = (tmp / "dist").glob("junheng-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps", "--no-index",
                        str(wheel)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv, tmp


def test_the_installed_package_is_not_this_checkout(installed):
    venv, _ = installed
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import pipeline; print(pipeline.__file__)"],
                           capture_output=True, text=True, check=True, cwd=venv).stdout.strip()
    assert where.startswith(str(venv)), where
    for part in ("schemas/schools.json", "schemas/outputs/verdict.json", "defaults/standards.csv", "site/mkdocs.yml",
                 "site/templates/home.md.j2", "site/sources/docs/guide.md", "site/sources/overrides/main.html",
                 "site/sources/docs/assets/vendor/katex/katex.min.js", "county/workflows/check.yml"):
        assert (Path(where).parent / part).is_file(), part


def test_the_installed_command_starts_validates_and_builds_a_county(installed):
    venv, tmp = installed
    junheng = str(venv / "bin" / "junheng")
    r = subprocess.run([junheng, "init", str(tmp / "县"), "--name", "清河县", "--code", "130534", "--target-year", "2027"],
                       capture_output=True, text=True, timeout=120, cwd=tmp)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp / "县" / "datasets" / "standards.csv").read_bytes() == (ROOT / "pipeline/defaults/standards.csv").read_bytes()
    shutil.rmtree(tmp / "县" / "datasets")
    shutil.copytree(MINIMAL, tmp / "县" / "datasets")
    r = subprocess.run([junheng, "build"], capture_output=True, text=True, timeout=900, cwd=tmp / "县")
    assert r.returncode == 0, r.stdout + r.stderr
    html = (tmp / "县" / "build" / "site" / "resources" / "R1" / "index.html").read_text(encoding="utf-8")
    assert "差异系数" in html and (tmp / "县" / "build" / "data" / "verdict.parquet").is_file()

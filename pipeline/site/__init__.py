"""Turn validated data into the public site under OUT/site (and its Parquet under OUT/data), atomically.

Everything is built in a staging folder beside the old output and swapped in only when the
whole build succeeded: a failed or killed build leaves the previous site complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .context import ROOT, make_state, set_state


def checkpoint(stage: str) -> None:
    """Fault injection for tests: with JUNHENG_PAUSE_AT=stage the build announces the stage and waits to be killed."""
    if os.environ.get("JUNHENG_PAUSE_AT") == stage:
        import sys
        import time

        print(f"JUNHENG-PAUSED-AT {stage}", file=sys.stderr, flush=True)
        time.sleep(120)


def _swap(staged: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    if old.exists():
        shutil.rmtree(old)


def recover(out: Path) -> None:
    """If a previous build was killed between the two renames of a swap, put the old output back."""
    for name in ("site", "data"):
        old = out / f".{name}-old"
        if old.exists() and not (out / name).exists():
            os.replace(old, out / name)


# libraries whose version changes what the site looks like (a new version means a real rebuild)
_LIBRARIES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "jinja2", "altair", "vl-convert-python",
              "pandas", "pyarrow", "openpyxl", "jieba")


def _hash_tree(h, folder: Path) -> None:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())


def fingerprint(v, config_file: Path) -> str:
    """Everything a build depends on: the data, schemas, code and templates, site sources, config, library
    versions, the site URL and the git commit (shown in the footer)."""
    from importlib.metadata import PackageNotFoundError, version

    from .context import git_commit

    h = hashlib.sha256()
    for folder in (Path(v.package.root), ROOT / "schemas", ROOT / "pipeline", ROOT / "site"):
        h.update(str(folder).encode())
        _hash_tree(h, folder)
    h.update(Path(config_file).read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(lib.encode())
    h.update(repr((os.environ.get("JUNHENG_SITE_URL", ""), git_commit())).encode())
    return h.hexdigest()


def _outputs_hash(out: Path) -> str:
    h = hashlib.sha256()
    for sub in ("site", "data"):
        _hash_tree(h, out / sub)
    return h.hexdigest()


def reusable(v, out: Path, config_file: Path = ROOT / "mkdocs.yml") -> bool:
    """True when OUT holds a complete build of exactly these inputs, untouched since (an unchanged rebuild)."""
    stamp = Path(out) / "cache" / "build.json"
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (Path(out) / "site" / "index.html").is_file():
        return False
    return saved.get("inputs") == fingerprint(v, config_file) and saved.get("outputs") == _outputs_hash(Path(out))


def build(v, out: Path, config_file: Path = ROOT / "mkdocs.yml", force: bool = False) -> Path:
    """Compute, write Parquet and build the site; return the site folder. Raises RuntimeError in Chinese on failure.

    When OUT already holds a build of exactly the same inputs (see `fingerprint`) and nobody has touched it, the
    build is reused as it is, unless `force`.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ..compute import compute_tables, write_tables

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    if not force and reusable(v, out, config_file):
        return out / "site"
    inputs = fingerprint(v, config_file)
    stamp = out / "cache" / "build.json"
    stamp.unlink(missing_ok=True)
    staging = out / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    for stale in out.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging.mkdir()
    try:
        outputs = compute_tables(v.tables)
        write_tables(outputs, staging / "data")
        checkpoint("compute")
        state = make_state(v, outputs, out / "cache" / "svg")
        set_state(state)
        if state.meta["commit_time"]:
            os.environ["SOURCE_DATE_EPOCH"] = str(state.meta["commit_time"])   # sitemap dates from git, not the clock
        cfg = load_config(config_file=str(config_file), site_dir=str((staging / "site").resolve()))
        try:
            mkdocs_build(cfg)
        except MkDocsException as e:
            raise RuntimeError(f"网站生成失败：{e}。原有网站未改动。") from e
        _swap(staging / "data", out / "data")
        _swap(staging / "site", out / "site")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"inputs": inputs, "outputs": _outputs_hash(out)}), encoding="utf-8")
    finally:
        set_state(None)
        shutil.rmtree(staging, ignore_errors=True)
    return out / "site"

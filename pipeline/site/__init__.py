"""Turn validated data into the public site under OUT/site (and its Parquet under OUT/data), atomically.

Everything is built in a staging folder beside the old output and swapped in only when the
whole build succeeded: a failed or killed build leaves the previous site complete.
"""

from __future__ import annotations

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


def build(v, out: Path, config_file: Path = ROOT / "mkdocs.yml") -> Path:
    """Compute, write Parquet and build the site; return the site folder. Raises RuntimeError in Chinese on failure."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ..compute import compute_tables, write_tables

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
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
    finally:
        set_state(None)
        shutil.rmtree(staging, ignore_errors=True)
    return out / "site"

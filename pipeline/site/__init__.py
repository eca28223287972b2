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

from .context import make_state


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
    for name in ("site", "data", "source"):
        old = out / f".{name}-old"
        if old.exists() and not (out / name).exists():
            os.replace(old, out / name)


# libraries whose version changes what the site looks like (a new version means a real rebuild)
_LIBRARIES = ("mkdocs", "mkdocs-material", "zensical", "pymdown-extensions", "markdown", "jinja2", "altair",
              "vl-convert-python", "pandas", "pyarrow", "openpyxl", "jieba", "pypinyin")
PACKAGE = Path(__file__).resolve().parent.parent      # the pipeline package: code, schemas, templates, site sources


def _hash_tree(h, folder: Path) -> None:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())


def fingerprint(v, config_file: Path, engine: str = "mkdocs") -> str:
    """Everything a build depends on: the data, the package (code, schemas, templates, site sources), the config,
    the engine and library versions, the site URL, the git commit (shown in the footer) and the installed chart font."""
    from importlib.metadata import PackageNotFoundError, version

    from .context import git_commit

    h = hashlib.sha256()
    for folder in (Path(v.package.root), PACKAGE):
        h.update(str(folder).encode())
        _hash_tree(h, folder)
    h.update(Path(config_file).read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(lib.encode())
    h.update(repr((engine, os.environ.get("JUNHENG_SITE_URL", ""), git_commit(Path(v.package.root)))).encode())
    from .charts import renderer_id

    h.update(renderer_id().encode())           # the installed chart font the static SVGs were measured with
    return h.hexdigest()


def _outputs_hash(out: Path) -> str:
    h = hashlib.sha256()
    for sub in ("site", "data", "source"):
        _hash_tree(h, out / sub)
    return h.hexdigest()


def reusable(v, out: Path, config_file: Path | None = None, engine: str = "mkdocs") -> bool:
    """True when OUT holds a complete build of exactly these inputs, untouched since (an unchanged rebuild)."""
    from .project import config_of

    config_file = config_file or config_of()
    stamp = Path(out) / "cache" / "build.json"
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (Path(out) / "site" / "index.html").is_file():
        return False
    return saved.get("inputs") == fingerprint(v, config_file, engine) and saved.get("outputs") == _outputs_hash(Path(out))


def cache_of(out: Path) -> Path:
    """The build cache: rendered charts, workbooks, the chart font, the Vega bundle and compiled templates, each stored
    under a key of what it was made from. OUT/cache, or the folder JUNHENG_CACHE names (kept between CI runs, or shared by the
    many builds of a test session)."""
    return Path(os.environ.get("JUNHENG_CACHE") or Path(out) / "cache")


def build(v, out: Path, config_file: Path | None = None, force: bool = False, engine: str = "mkdocs") -> Path:
    """Compute, write Parquet, write the site source as files (OUT/source) and make the site from it with ENGINE;
    return the site folder. Raises RuntimeError in Chinese on failure.

    `config_file`: the county's mkdocs.yml (default: ./mkdocs.yml, else the tool's own). When OUT already holds a
    build of exactly the same inputs (see `fingerprint`) and nobody has touched it, the build is reused as it is,
    unless `force`.
    """
    from .. import archive
    from ..compute import compute_tables, write_tables
    from . import project
    from .workers import Pool

    config_file = Path(config_file or project.config_of())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    if not force and reusable(v, out, config_file, engine):
        return out / "site"
    inputs = fingerprint(v, config_file, engine)
    stamp = out / "cache" / "build.json"
    stamp.unlink(missing_ok=True)
    staging = out / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    for stale in out.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging.mkdir()
    pool = Pool()
    try:
        outputs = compute_tables(v.tables)
        write_tables(outputs, staging / "data")
        checkpoint("compute")
        state = make_state(v, outputs, cache_of(out) / "svg")
        started = project.start(state, pool)     # the chart font and the Vega bundle, on other cores during the archive
        state.archive = archive.rebuild(v, cache_of(out))
        checkpoint("archive")
        project.write(state, staging / "source", config_file, pool, started)
        pool.close()
        checkpoint("generator")
        site = project.generate(staging / "source", engine, state.meta["commit_time"], cache_of(out))
        os.replace(site, staging / "site")
        _swap(staging / "data", out / "data")
        _swap(staging / "source", out / "source")
        _swap(staging / "site", out / "site")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"inputs": inputs, "outputs": _outputs_hash(out)}), encoding="utf-8")
    finally:
        pool.close()
        shutil.rmtree(staging, ignore_errors=True)
    return out / "site"

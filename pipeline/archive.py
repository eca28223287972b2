"""Turn the repository's history into the release archive: every release in releases.csv rebuilt from the commit
it was published from, with its own downloads, and the corrections a later release made to figures it published.

A release's commit is the one its row records (the `commit` column), or else the first commit whose releases.csv
lists it (git itself records that; nothing to fill in).
The data folder as it was at that commit, up to the release's data year, is validated and computed again with
this tool, so a later change to the data never alters an archived release. A release whose data no longer passes
the current schemas (the tables changed since) is listed with the reason instead of figures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import inert, schemas
from .diff import DiffError, by_key, checkout_data, cv_moves, verdict_flips
from .i18n import Say
from .indicators.rules import PROFILE_ZH

KEY_TABLES = ("verdict", "county_items", "balance", "school_verdicts")     # the outputs archived as CSV
_VERSION = "archive-2"       # bump when the archived files' layout changes


@dataclass
class Release:
    release: str
    released_on: str
    data_year: int
    summary: str
    commit: str | None = None              # its recorded commit, else the first whose releases.csv lists it
    problem: Say | None = None             # why it could not be rebuilt, or None
    files: dict[str, bytes] = field(default_factory=dict)        # its downloads, by file name
    outputs: dict[str, pd.DataFrame] = field(default_factory=dict)


def _git(args: list[str], cwd: Path) -> str | None:
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None


def first_commits(data_dir: Path, releases_file: Path) -> tuple[dict[str, str], Say | None]:
    """{release: the first commit whose releases.csv lists it}, and a reason when there is no history to read."""
    data_dir = data_dir.resolve()
    top = _git(["rev-parse", "--show-toplevel"], data_dir)
    if top is None:
        return {}, Say("数据文件夹不在 git 仓库中，没有可以重建的历史版本。",
                       "The data folder is not in a git repository, so there is no history to rebuild releases from.")
    top_dir = Path(top.strip())
    try:
        rel = releases_file.resolve().relative_to(top_dir).as_posix()
    except ValueError:
        return {}, Say("releases.csv 不在数据文件夹的 git 仓库中。", "releases.csv is not in the data folder's git repository.")
    log = _git(["log", "--reverse", "--format=%H", "--", rel], top_dir) or ""
    found: dict[str, str] = {}
    for commit in log.split():
        text = _git(["show", f"{commit}:{rel}"], top_dir)
        if text is None:
            continue
        for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
            version = (row.get("release") or "").strip()
            if version and version not in found:
                found[version] = commit
    return found, None


def _restricted(tables: dict[str, pd.DataFrame], r: Release) -> dict[str, pd.DataFrame]:
    """The tables as they stood for release R: rows of years after its data year, and later releases, left out."""
    out = {}
    for name, df in tables.items():
        if "year" in df.columns:
            df = df[pd.to_numeric(df["year"], errors="coerce") <= r.data_year]
        if name == "releases":
            df = df[df["released_on"].astype(str) <= r.released_on]
        out[name] = df.reset_index(drop=True)
    return out


def _csv(df: pd.DataFrame, illustrative: bool) -> bytes:
    """A table as the site's downloads write it (UTF-8 with BOM, formulas neutralised, the illustrative note)."""
    from .site.downloads import NOTE, NOTE_COL
    from .site.downloads import _csv as csv_bytes

    df = df.drop(columns=["_row"], errors="ignore").copy()
    if illustrative:
        df[NOTE_COL] = NOTE
    return csv_bytes(df)


def _files(r: Release, v, outputs: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """The archived downloads: the data package as it was (zip), its descriptor, and the key output tables."""
    from .canonical import to_csv
    from .site.downloads import zip_bytes

    desc = json.loads(json.dumps(v.package.descriptor, ensure_ascii=False))
    desc["version"] = r.release
    desc["archived_from_commit"] = r.commit
    illustrative = bool(desc.get("illustrative"))
    tables = _restricted(v.tables, r)
    inputs = {f"{name}.csv": to_csv(name, df).encode("utf-8") for name, df in sorted(tables.items())}
    note = ("示例数据：本数据包中的学校、数字和认定结果均为虚构，仅用于演示，不代表任何真实学校或部门。\n\n" if illustrative else "")
    readme = (f"# {desc.get('title', '')} 版本 {r.release}\n\n{note}"
              f"{r.released_on} 发布，包含截至 {r.data_year} 年的数据；从提交 {r.commit} 中的数据重建。\n\n"
              "- `inputs/`：当时的原始表格。\n- `outputs/`：按当时的数据计算的结论与指标。\n\n"
              f"## English\n\n{'Illustrative data: the schools, figures and verdicts in this package are made up. ' if illustrative else ''}"
              f"Release {r.release}, published {r.released_on}, with data up to {r.data_year}; rebuilt from the data of commit {r.commit}.\n\n"
              "- `inputs/`: the tables as they were.\n- `outputs/`: the verdicts and indicators computed from them.\n")
    pkg = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    out = {f"outputs/{name}.csv": _csv(outputs[name], illustrative) for name in KEY_TABLES}
    files = {"datapackage.json": pkg, **{f"{name}.csv": out[f"outputs/{name}.csv"] for name in KEY_TABLES}}
    files[f"junheng-data-{r.release}.zip"] = zip_bytes(sorted({"README.md": readme.encode("utf-8"), "datapackage.json": pkg,
                                                              **{f"inputs/{k}": b for k, b in inputs.items()}, **out}.items()))
    return files


def _code_key() -> str:
    """What the rebuilt files depend on besides the data: this package's code and schemas, and the versions of the
    libraries that compute and write them."""
    from importlib.metadata import version

    h = hashlib.sha256(_VERSION.encode())
    h.update(repr([version(lib) for lib in ("pandas", "numpy", "pyarrow")]).encode())
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".json", ".csv") and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode() + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def rebuild(v, cache: Path | None = None) -> list[Release]:
    """Every release of the data folder validated in V, rebuilt from its commit (oldest first)."""
    from .compute import OUTPUTS, compute_tables
    from .validate import validate

    rows = v.tables["releases"].sort_values("released_on")
    releases = [Release(str(r["release"]), str(r["released_on"]), int(r["data_year"]), str(r["summary"]))
                for _, r in rows.iterrows()]
    recorded = {str(r["release"]): str(r["commit"]) for _, r in rows.iterrows()
                if "commit" in rows.columns and isinstance(r["commit"], str) and r["commit"]}
    if not releases:
        return []
    commits, why = first_commits(Path(v.package.root), Path(v.package.paths["releases"]))
    saved = schemas.own()
    code = _code_key() if cache is not None else ""
    top = _git(["rev-parse", "--show-toplevel"], Path(v.package.root).resolve())
    read_before: dict = {}       # commit -> its validated data and the schemas it brought: several releases, one reading
    try:
        for r in releases:
            r.commit = recorded.get(r.release) or commits.get(r.release)
            if r.commit is None:
                r.problem = why or Say("这一行还没有提交到仓库：提交后才有存档。",
                                       "This row is not committed to the repository yet: the archive is made once it is.")
                continue
            entry = cache / "archive" / hashlib.sha256(f"{code}\0{r.commit}\0{r.release}\0{_rel(v, top)}".encode()).hexdigest()[:32] \
                if cache is not None else None
            if entry is not None and (entry / "done.json").is_file():
                _load(r, entry)
                continue
            if r.commit in read_before:
                ov, own = read_before[r.commit]
                schemas.use(own)
            else:
                with tempfile.TemporaryDirectory(prefix="junheng-archive-") as tmp:
                    try:
                        old = checkout_data(r.commit, Path(v.package.root), Path(tmp))
                    except DiffError as e:
                        r.problem = Say(f"无法取出提交 {r.commit[:7]} 中的数据：{e}", f"The data of commit {r.commit[:7]} could not be read: ") + str(e)
                        continue
                    ov = validate(old)
                read_before[r.commit] = ov, schemas.own()
            if not ov.valid:
                first = ov.report.errors[0]
                where = Path(first.file).name if first.file else ""
                r.problem = Say(f"提交 {r.commit[:7]} 中的数据不符合当前版本 junheng 的表结构（之后表格有过改动），无法用当前的计算方法重建。"
                                f"第一处问题：{where} {inert.text(first.message)}",
                                f"The data of commit {r.commit[:7]} does not fit this version of junheng's tables (they have changed since), "
                                f"so it cannot be recomputed with the current method. The first problem: {where} ") + inert.text(first.message)
            else:
                outputs = compute_tables(_restricted(ov.tables, r))
                r.outputs = {name: outputs[name] for name in OUTPUTS}
                r.files = _files(r, ov, outputs)
            if entry is not None:
                _store(r, entry)
    finally:
        schemas.use(saved)          # the old folders' own schemas, if any, were in use while they were read
    return releases


def _rel(v, top: str | None) -> str:
    try:
        return Path(v.package.root).resolve().relative_to(Path((top or "").strip())).as_posix()
    except ValueError:
        return str(v.package.root)


def _store(r: Release, entry: Path) -> None:
    from .site.workers import store

    for name, data in r.files.items():
        store(entry / "files" / name, data)
    for name, df in r.outputs.items():
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        store(entry / "outputs" / f"{name}.parquet", buf.getvalue())
    store(entry / "done.json", json.dumps({"problem": r.problem and [r.problem.zh, r.problem.en], "files": sorted(r.files), "outputs": sorted(r.outputs)},
                                          ensure_ascii=False))


def _load(r: Release, entry: Path) -> None:
    done = json.loads((entry / "done.json").read_text(encoding="utf-8"))
    r.problem = Say(*done["problem"]) if done["problem"] else None
    r.files = {name: (entry / "files" / name).read_bytes() for name in done["files"]}
    r.outputs = {name: pd.read_parquet(entry / "outputs" / f"{name}.parquet") for name in done["outputs"]}


def value_moves(a: dict, b: dict, names: dict) -> list[dict]:
    """Every school indicator value and county item value that changed at the precision the site shows (2 decimals);
    a school's value is the same under both profiles, so it is listed once."""
    out = []

    def scan(table, keys, label, kind, profiles=True):
        x, y = (by_key(t[table].drop_duplicates(keys), keys, "value") for t in (a, b))
        for k in sorted(x.keys() & y.keys(), key=str):
            o = "—" if pd.isna(x[k]) else f"{x[k]:,.2f}"
            n = "—" if pd.isna(y[k]) else f"{y[k]:,.2f}"
            if o != n:
                d = dict(zip(keys, k))
                out.append(dict(kind=kind, year=int(d["year"]), what=label(d), before=o, after=n,
                                profile=PROFILE_ZH[d["profile"]] if profiles else "两种口径"))

    scan("school_indicators", ["year", "school_id", "level", "indicator_id"],
         lambda d: f"{names.get(d['school_id'], d['school_id'])}（{d['level']}）{d['indicator_id']}", "学校指标数值", profiles=False)
    scan("county_items", ["year", "profile", "item_id"], lambda d: d["item_id"], "县级事项数值")
    return out


def corrections(releases: list[Release], names: dict) -> list[dict]:
    """For each release, what it changed in figures an earlier release had published: every verdict that flipped and
    every CV that moved, for the years both cover, old → new, with the later release's notes as the reason."""
    out = []
    built = [r for r in releases if r.outputs]
    for before, after in zip(built, built[1:]):
        a, b = ({k: df[df["year"] <= before.data_year] for k, df in o.items()} for o in (before.outputs, after.outputs))
        changes = list(verdict_flips(a, b, names))
        changes += [dict(c, kind="差异系数数值") for c in cv_moves(a, b)]
        changes += value_moves(a, b, names)
        for c in changes:
            out.append(dict(c, corrected_in=after.release, corrected_on=after.released_on, published_in=before.release,
                            reason=after.summary))
    return out

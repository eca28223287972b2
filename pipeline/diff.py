"""Turn two versions of the data (a git revision and the working tree) into what the change does to every verdict.

Both versions are validated and computed in full; the report lists input rows added, removed
and changed (by primary key), every verdict that flips (a school's indicator, a school's 6-of-7
verdict, a CV, a county item, a part, the whole, under each profile), values that moved to
within 5% of a threshold, and new validation warnings.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from . import inert
from .indicators.rules import PROFILE_ZH
from .read import ROW
from .schemas import TABLES, load

NEAR = 0.05          # "within 5% of a threshold"


class DiffError(RuntimeError):
    pass


@dataclass
class Diff:
    base: str
    rows: list[dict] = field(default_factory=list)        # input rows added / removed / changed
    flips: list[dict] = field(default_factory=list)       # verdicts that changed
    moved: list[dict] = field(default_factory=list)       # values now within 5% of a threshold
    cvs: list[dict] = field(default_factory=list)         # every CV that moved (at 3 decimals)
    warnings: list[str] = field(default_factory=list)     # warnings new in the working tree
    base_invalid: bool = False

    @property
    def empty(self) -> bool:
        return not (self.rows or self.flips or self.moved or self.cvs or self.warnings)


def _git(args: list[str], cwd: Path) -> bytes:
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    if r.returncode != 0:
        raise DiffError(r.stderr.decode("utf-8", "replace").strip())
    return r.stdout


def default_base(cwd: Path) -> str:
    for rev in ("origin/main", "main"):
        if subprocess.run(["git", "rev-parse", "--verify", "--quiet", rev], cwd=cwd, capture_output=True).returncode == 0:
            return rev
    raise DiffError("找不到 origin/main 或 main 分支，请用 --base 指定要比较的版本。")


def checkout_data(rev: str, data_dir: Path, into: Path) -> Path:
    """Extract data_dir as it was at `rev` into `into`; return the extracted folder."""
    data_dir = data_dir.resolve()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], data_dir).decode().strip())
    except DiffError as e:
        raise DiffError(f"{data_dir} 不在 git 仓库中，无法比较：{e}") from e
    rel = data_dir.relative_to(top).as_posix()
    try:      # the revision resolved to a commit first, with end-of-options: nothing reaches git as an option
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], top).decode().strip()
    except DiffError as e:
        raise DiffError(f"找不到版本「{rev}」：请检查版本名（例如 main、origin/main、HEAD~1）。") from e
    try:
        blob = _git(["archive", "--format=tar", commit, "--", rel], top)
    except DiffError as e:
        raise DiffError(f"无法取出版本 {rev} 中的 {rel}：{e}") from e
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / rel


def _key_frame(df: pd.DataFrame, name: str) -> pd.DataFrame:
    pk = list(load(name).primary_key)
    out = df.drop(columns=[ROW], errors="ignore").astype(object).where(df.drop(columns=[ROW], errors="ignore").notna(), None)
    out = out.map(lambda v: "" if v is None else (format(v, "g") if isinstance(v, float) else str(v)))
    return out.set_index(pk)


def row_changes(base: dict, head: dict) -> list[dict]:
    """Rows added, removed and changed per input table, keyed by primary key."""
    out = []
    for name in TABLES:
        if name not in base or name not in head:
            continue
        b, h = _key_frame(base[name], name), _key_frame(head[name], name)
        bk, hk = set(b.index), set(h.index)
        for k in sorted(hk - bk, key=str):
            out.append(dict(table=name, change="新增", key=_k(k), columns=""))
        for k in sorted(bk - hk, key=str):
            out.append(dict(table=name, change="删除", key=_k(k), columns=""))
        common = sorted(bk & hk, key=str)
        if common:
            bb, hh = b.loc[common], h.loc[common]
            cols = [c for c in h.columns if c in b.columns]
            diff = (bb[cols] != hh[cols])
            for k in diff.index[diff.any(axis=1)]:
                changed = [f"{c}: {bb.at[k, c]} → {hh.at[k, c]}" for c in cols if diff.at[k, c]]
                out.append(dict(table=name, change="修改", key=_k(k), columns="；".join(changed)))
    return out


def _k(k) -> str:
    return " / ".join(map(str, k)) if isinstance(k, tuple) else str(k)


def _status(meets) -> str:
    return {True: "达标", False: "未达标"}.get(bool(meets) if meets is not None and not pd.isna(meets) else None, "无数据")


def by_key(df: pd.DataFrame, keys: list[str], col: str) -> dict:
    """COL by the tuple of KEYS (a plain dict: looking a key up in a Series with a MultiIndex costs 100 times more)."""
    s = df.set_index(keys)[col]
    return dict(zip(s.index, s.tolist()))


def verdict_flips(base: dict, head: dict, names: dict) -> list[dict]:
    flips = []

    def compare(table, keys, col, what, label, to_status=lambda v: v):
        b, h = by_key(base[table], keys, col), by_key(head[table], keys, col)
        for k in sorted(b.keys() | h.keys(), key=str):
            old = to_status(b[k]) if k in b else "（无）"
            new = to_status(h[k]) if k in h else "（无）"
            if old != new:
                d = dict(zip(keys, k if isinstance(k, tuple) else (k,)))
                flips.append(dict(kind=what, year=int(d["year"]), profile=PROFILE_ZH[d["profile"]], what=label(d), before=old, after=new))

    compare("verdict", ["year", "profile", "part"], "status", "结论", lambda d: f"{d['part']}")
    compare("county_items", ["year", "profile", "item_id"], "status", "县级事项", lambda d: d["item_id"])
    compare("balance", ["year", "profile", "level", "indicator_id"], "status", "差异系数", lambda d: f"{d['level']} {d['indicator_id']}")
    compare("school_verdicts", ["year", "profile", "school_id", "level"], "meets", "学校达标",
            lambda d: f"{names.get(d['school_id'], d['school_id'])}（{d['level']}）", _status)
    compare("school_indicators", ["year", "profile", "school_id", "level", "indicator_id"], "meets", "学校指标",
            lambda d: f"{names.get(d['school_id'], d['school_id'])}（{d['level']}）{d['indicator_id']}", _status)
    order = {"结论": 0, "县级事项": 1, "差异系数": 2, "学校达标": 3, "学校指标": 4}
    return sorted(flips, key=lambda f: (order[f["kind"]], -f["year"], f["profile"], f["what"]))


def near_threshold(base: dict, head: dict, names: dict) -> list[dict]:
    out = []

    def scan(table, keys, value, thr, label, fmt):
        b, h, th = by_key(base[table], keys, value), by_key(head[table], keys, value), by_key(head[table], keys, thr)
        for k in [k for k in h if k in b]:
            nv, ov, t = h[k], b[k], th[k]
            if any(x is None or pd.isna(x) for x in (nv, ov, t)) or not t or nv == ov:
                continue
            if abs(nv / t - 1) <= NEAR:
                d = dict(zip(keys, k))
                out.append(dict(year=int(d["year"]), profile=PROFILE_ZH[d["profile"]], what=label(d),
                                before=fmt(ov), after=fmt(nv), threshold=fmt(t)))

    scan("balance", ["year", "profile", "level", "indicator_id"], "cv", "threshold", lambda d: f"{d['level']} {d['indicator_id']} 差异系数",
         lambda x: f"{x:.3f}")
    scan("school_indicators", ["year", "profile", "school_id", "level", "indicator_id"], "value", "threshold",
         lambda d: f"{names.get(d['school_id'], d['school_id'])}（{d['level']}）{d['indicator_id']}", lambda x: f"{x:,.2f}")
    scan("county_items", ["year", "profile", "item_id"], "value", "threshold", lambda d: d["item_id"], lambda x: f"{x:,.2f}")
    return sorted(out, key=lambda r: (-r["year"], r["profile"], r["what"]))


def cv_moves(base: dict, head: dict) -> list[dict]:
    """Every CV whose 3-decimal value changed; one row per profile unless both profiles agree."""
    keys = ["year", "level", "indicator_id"]
    out = []
    b, h = by_key(base["balance"], ["profile", *keys], "cv"), by_key(head["balance"], ["profile", *keys], "cv")
    seen = {}
    for k in [k for k in h if k in b]:
        old, new = b[k], h[k]
        o = "—" if pd.isna(old) else f"{old:.3f}"
        n = "—" if pd.isna(new) else f"{new:.3f}"
        if o != n:
            seen.setdefault(k[1:], []).append((k[0], o, n))
    for (year, level, ind), rows in sorted(seen.items(), key=lambda kv: (-kv[0][0], kv[0][1], kv[0][2])):
        same = len({(o, n) for _, o, n in rows}) == 1 and len(rows) == 2
        for profile, o, n in rows[:1] if same else rows:
            out.append(dict(year=int(year), profile="两种口径" if same else PROFILE_ZH[profile], what=f"{level} {ind}", before=o, after=n))
    return out


def diff(data_dir: Path, base_rev: str | None = None) -> tuple[Diff, object]:
    """Compare the data folder with the same folder at base_rev; returns (diff, head validation)."""
    from .compute import compute_tables
    from .validate import validate

    data_dir = Path(data_dir)
    rev = base_rev or default_base(data_dir.resolve())
    head_v = validate(data_dir)
    result = Diff(base=rev)
    if not head_v.valid:
        return result, head_v
    with tempfile.TemporaryDirectory(prefix="junheng-base-") as tmp:
        base_dir = checkout_data(rev, data_dir, Path(tmp))
        base_v = validate(base_dir)
        result.rows = row_changes(base_v.tables, head_v.tables)
        head_warn = {f.sentence().replace(str(data_dir), "") for f in head_v.report.warnings}
        base_warn = {f.sentence().replace(str(base_dir), "") for f in base_v.report.warnings}
        result.warnings = sorted(head_warn - base_warn)
        if not base_v.valid:
            result.base_invalid = True
            return result, head_v
        hb, hh = compute_tables(base_v.tables), compute_tables(head_v.tables)
    names = dict(zip(head_v.tables["schools"]["school_id"], head_v.tables["schools"]["school_name"]))
    result.flips = verdict_flips(hb, hh, names)
    result.moved = near_threshold(hb, hh, names)
    result.cvs = cv_moves(hb, hh)
    return result, head_v


# ------------------------------------------------------------------ renderers

def render_json(d: Diff) -> str:
    return inert.json_dumps(asdict(d), indent=2)


_md = inert.md          # every value from the data, the revision name included, is inert Markdown


def verdict_line(d: Diff) -> str:
    """The summary's own verdict, from computed results only (a data value cannot write it: see inert.md)."""
    if d.base_invalid:
        return "**junheng 核对结论：基准版本的数据未通过校验，无法比较结论。**"
    whole = [f for f in d.flips if f["kind"] == "结论"]
    if whole:
        return f"**junheng 核对结论：⚠️ 有 {len(whole)} 项部分或总体结论发生变化，合并前请逐项核实。**"
    if d.flips:
        return f"**junheng 核对结论：部分与总体结论不变；学校、差异系数或县级事项有 {len(d.flips)} 项结论变化。**"
    return "**junheng 核对结论：所有结论均未变化。**"


def render_markdown(d: Diff, limit: int = 200) -> str:
    lines = [f"### 数据变更对结论的影响（与 {_md(d.base)} 比较）", "", verdict_line(d), ""]
    if d.empty:
        return "\n".join(lines + ["数据没有变化，结论不变。", ""])
    whole = [f for f in d.flips if f["kind"] == "结论"]
    lines.append(f"- 输入表：{len(d.rows)} 行有变化\n- 结论变化：{len(d.flips)} 项（其中部分与总体结论 {len(whole)} 项）\n"
                 f"- 差异系数变化：{len(d.cvs)} 项\n- 接近阈值（±5%）的新数值：{len(d.moved)} 项\n- 新增警告：{len(d.warnings)} 条")
    lines.append("")
    if d.base_invalid:
        lines += ["> 比较的基准版本数据未通过校验，只列出行的变化。", ""]
    if d.flips:
        lines += ["#### 结论变化", "", "| 类别 | 年份 | 口径 | 对象 | 变更前 | 变更后 |", "|---|---|---|---|---|---|"]
        lines += [f"| {f['kind']} | {f['year']} | {f['profile']} | {_md(f['what'])} | {_md(f['before'])} | **{_md(f['after'])}** |" for f in d.flips[:limit]]
        if len(d.flips) > limit:
            lines.append(f"\n另有 {len(d.flips) - limit} 项，见 JSON 输出。")
        lines.append("")
    if d.cvs:
        lines += ["#### 差异系数的变化", "", "| 年份 | 口径 | 指标 | 变更前 | 变更后 |", "|---|---|---|---|---|"]
        lines += [f"| {c['year']} | {c['profile']} | {_md(c['what'])} | {_md(c['before'])} | {_md(c['after'])} |" for c in d.cvs[:limit]]
        lines.append("")
    if d.moved:
        lines += ["#### 接近阈值的数值", "", "| 年份 | 口径 | 对象 | 变更前 | 变更后 | 阈值 |", "|---|---|---|---|---|---|"]
        lines += [f"| {m['year']} | {m['profile']} | {_md(m['what'])} | {_md(m['before'])} | {_md(m['after'])} | {_md(m['threshold'])} |" for m in d.moved[:limit]]
        lines.append("")
    if d.warnings:
        lines += ["#### 新增警告", ""] + [f"- {_md(w, inert.SENTENCE)}" for w in d.warnings[:limit]] + [""]
    if d.rows:
        lines += ["<details><summary>输入表的行变化（" + str(len(d.rows)) + " 行）</summary>", "",
                  "| 表 | 变化 | 主键 | 修改的列 |", "|---|---|---|---|"]
        lines += [f"| {_md(r['table'])} | {r['change']} | {_md(r['key'])} | {_md(r['columns'], inert.SENTENCE)} |" for r in d.rows[:limit]]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def render_text(d: Diff, limit: int = 200) -> str:
    t = inert.text
    if d.empty:
        return f"与 {t(d.base)} 相比，数据没有变化，结论不变。"
    out = [f"与 {t(d.base)} 相比：输入表 {len(d.rows)} 行有变化，结论变化 {len(d.flips)} 项，接近阈值 {len(d.moved)} 项，新增警告 {len(d.warnings)} 条。"]
    if d.flips:
        out.append("\n结论变化：")
        out += [f"  [{f['kind']}] {f['year']} 年 {f['profile']} {t(f['what'])}：{f['before']} → {f['after']}" for f in d.flips[:limit]]
    if d.cvs:
        out.append("\n差异系数的变化：")
        out += [f"  {c['year']} 年 {c['profile']} {t(c['what'])}：{c['before']} → {c['after']}" for c in d.cvs[:limit]]
    if d.moved:
        out.append("\n接近阈值（±5%）：")
        out += [f"  {m['year']} 年 {m['profile']} {t(m['what'])}：{m['before']} → {m['after']}（阈值 {m['threshold']}）" for m in d.moved[:limit]]
    if d.warnings:
        out.append("\n新增警告：")
        out += [f"  {t(w, inert.SENTENCE)}" for w in d.warnings[:limit]]
    if d.rows:
        out.append("\n输入表的行变化：")
        out += [f"  {t(r['table'])} {r['change']} {t(r['key'])} {t(r['columns'], inert.SENTENCE)}" for r in d.rows[:limit]]
    return "\n".join(out)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

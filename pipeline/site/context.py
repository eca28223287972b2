"""Turn validated tables and computed outputs into the one state the site's pages are generated from."""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class SiteState:
    tables: dict[str, pd.DataFrame]
    outputs: dict[str, pd.DataFrame]
    meta: dict
    cache_dir: Path | None = None
    extra_files: dict[str, bytes] = field(default_factory=dict)
    archive: list = field(default_factory=list)        # archive.Release, oldest first (the release archive)

    @functools.cached_property
    def corrections(self) -> list[dict]:
        """What each release changed in figures an earlier one had published (archive.corrections): worked out once a
        build, for both editions."""
        from ..archive import corrections

        return corrections(self.archive, self.tables["schools"].set_index("school_id")["school_name"].to_dict())


def git_commit(root: Path) -> tuple[str, int | None]:
    """The short commit of the repository holding ROOT (the data folder) and its time (for SOURCE_DATE_EPOCH), or
    ("未知", None) outside git."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%h %ct"], cwd=root, capture_output=True, text=True, timeout=10)
        short, ts = out.stdout.split()
        return short, int(ts)
    except (OSError, ValueError, subprocess.SubprocessError):
        return "未知", None


def make_state(v, outputs: dict, cache_dir: Path | None) -> SiteState:
    t = v.tables
    county = t["county"].iloc[0]
    releases = t["releases"].sort_values("released_on")
    rel = releases.iloc[-1] if len(releases) else {"release": "未发布", "released_on": "", "data_year": None}
    commit, ts = git_commit(Path(v.package.root))
    desc = v.package.descriptor if v.package else {}
    illustrative = bool(desc.get("illustrative"))
    name = f"{county['county_name']}义务教育优质均衡发展监测"
    lic = desc.get("licenses") or [{"name": "CC-BY-4.0", "title": "知识共享 署名 4.0 国际", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    year = str(rel["released_on"])[:4] or "n.d."
    title = desc.get("title") or f"{name}数据"
    meta = dict(
        county=county["county_name"], city=county["city_name"], province=county["province_name"], plan_doc=county["plan_doc_no"],
        plan_title=county["plan_title"], target_year=int(county["target_year"]), release=str(rel["release"]),
        released_on=str(rel["released_on"]), data_year=None if rel["data_year"] is None else int(rel["data_year"]), commit=commit, commit_time=ts,
        illustrative=illustrative, site_name=name, package_name=desc.get("name", "junheng"), package_title=title,
        package_description=desc.get("description", ""), licenses=lic, license=f"{lic[0].get('title', lic[0]['name'])}（{lic[0]['name']}）",
        license_text=f"本数据以 {lic[0]['name']}（{lic[0].get('title', '')}）许可发布：{lic[0].get('path', '')}\n"
                     "使用时请注明来源。示例数据为虚构，不得作为真实情况引用。\n" if illustrative else
                     f"本数据以 {lic[0]['name']}（{lic[0].get('title', '')}）许可发布：{lic[0].get('path', '')}\n使用时请注明来源。\n",
        publisher=county["publisher"],
        cite_gbt=f"{county['publisher']}. {title}[DS/OL]. 版本 {rel['release']}. {year}.",
        cite_apa=f"{county['publisher']}. ({year}). {title} (Version {rel['release']}) [Data set].",
    )
    return SiteState(t, outputs, meta, cache_dir)

"""Turn the site state into a complete site source as files, then make the site from it with a site generator.

The source is an ordinary MkDocs project (build/source/ after a build):

    mkdocs.yml      inherits base.yml and adds what comes from the data: the site's name, footer, page list
    base.yml        the county's mkdocs.yml (or the tool's default, pipeline/site/mkdocs.yml), copied as it was
    docs/           every page as Markdown, with its charts, downloads, feed and the static assets
    overrides/      the theme overrides

Nothing is created inside a generator's hooks, so any builder that reads mkdocs.yml builds the same pages:
MkDocs with Material (the default engine) or Zensical (`junheng build --engine zensical`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import compiled
from .context import SiteState
from .workers import configured

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DEFAULT_CONFIG = HERE / "mkdocs.yml"
ENGINES = ("mkdocs", "zensical")

# the site's menu (pages not listed here, one per school and town, are linked from their lists)
NAV = [
    {"首页": "index.md"},
    {"资源配置": ["resources/index.md", {"R1 高学历教师": "resources/R1.md"}, {"R2 骨干教师": "resources/R2.md"},
              {"R3 体育艺术教师": "resources/R3.md"}, {"R4 教学用房": "resources/R4.md"}, {"R5 体育场馆": "resources/R5.md"},
              {"R6 仪器设备": "resources/R6.md"}, {"R7 多媒体教室": "resources/R7.md"}]},
    {"学校": "schools/index.md"},
    {"镇街": "towns/index.md"},
    {"政府保障程度": "government.md"},
    {"教育质量": "quality.md"},
    {"社会认可度": "satisfaction.md"},
    {"创建任务": "tasks.md"},
    {"整改台账": "ledger.md"},
    {"数据下载": "downloads.md"},
    {"方法说明": "method.md"},
    {"更新记录": "changelog.md"},
    {"历史版本": "releases/index.md"},
    {"数据更新指南": "guide.md"},
]
# the English edition's menu (its project is en/ beside the Chinese one, its site /en/)
NAV_EN = [
    {"Home": "index.md"},
    {"Resource allocation": ["resources/index.md", {"R1 Highly qualified teachers": "resources/R1.md"}, {"R2 Key teachers": "resources/R2.md"},
                             {"R3 PE and arts teachers": "resources/R3.md"}, {"R4 Teaching floor area": "resources/R4.md"},
                             {"R5 Sports grounds and halls": "resources/R5.md"}, {"R6 Teaching equipment": "resources/R6.md"},
                             {"R7 Multimedia classrooms": "resources/R7.md"}]},
    {"Schools": "schools/index.md"},
    {"Towns": "towns/index.md"},
    {"Government assurance": "government.md"},
    {"Education quality": "quality.md"},
    {"Public recognition": "satisfaction.md"},
    {"Tasks": "tasks.md"},
    {"Remediation ledger": "ledger.md"},
    {"Data downloads": "downloads.md"},
    {"Method": "method.md"},
    {"Changelog": "changelog.md"},
    {"Release archive": "releases/index.md"},
    {"Guide to updating the data": "guide.md"},
    {"Glossary": "glossary.md"},
    {"About this edition": "about.md"},
]


def config_of(folder: Path = Path(".")) -> Path:
    """The county's mkdocs.yml when its folder has one, else the tool's default."""
    own = Path(folder) / "mkdocs.yml"
    return own if own.is_file() else DEFAULT_CONFIG


def _nav(pages: set[str], nav: list = NAV) -> list:
    """NAV without the pages this build did not make (an empty county has fewer)."""
    out = []
    for entry in nav:
        (title, target), = entry.items()
        if isinstance(target, list):
            kept = [t for t in target if (t if isinstance(t, str) else next(iter(t.values()))) in pages]
            if kept:
                out.append({title: kept})
        elif target in pages:
            out.append(entry)
    return out


def start(state: SiteState, pool) -> tuple[str | None, object]:
    """Start the two slow jobs every page waits on, before the pages: the chart font (a chart rendered before it is
    ready takes three times as long) and vl-convert's Vega bundle. The build starts them before it rebuilds the
    archive, which keeps one core busy, so they are usually done when the first chart is drawn.
    Returns the chart font's folder (None without the source font) and the bundle (text, or a Pending)."""
    from . import chartfont
    from .workers import Pending, make_chart_font, vega_bundle

    font_dir = None
    files = chartfont.sources()
    if files is not None and state.cache_dir is not None:
        chars = chartfont.chars_of(*_chart_texts(state))
        out = state.cache_dir.parent / "font" / chartfont.subset_key(files, chars)
        for weight, path in sorted(files.items()):      # one face per worker
            if not (out / f"covered-{weight}.txt").is_file():
                pool.submit(make_chart_font, weight, path, chars, str(out))
        font_dir = str(out)
    import vl_convert

    cached = state.cache_dir.parent / f"vega-bundle-{vl_convert.__version__}.js" if state.cache_dir is not None else None
    bundle = cached.read_text(encoding="utf-8") if cached is not None and cached.is_file() else \
        Pending(pool.submit(vega_bundle), cached)
    return font_dir, bundle


def _pages_and_files(state: SiteState, pool, started) -> tuple[dict[str, str], dict[str, bytes | str], dict[str, str], dict[str, bytes | str]]:
    """Every page (Markdown) and every other generated file, the slow ones made on every core (see workers); then
    the English edition's pages and files (none for a county with no data yet). `started`: what `start` gave."""
    from . import checkpoint
    from .pages import Site
    from .workers import result

    font_dir, bundle = started
    site = Site(state, pool, font_dir)       # static SVGs and Excel workbooks render on every core while the pages are written
    pages = site.build()
    en = Site(state, pool, font_dir, lang="en")
    en_pages = en.build() if site.years else {}
    state.meta["county_en"] = en.county_en()           # the English edition's name (settings_en)
    checkpoint("pages")
    extra = site.files()
    en_extra = en.files() if en_pages else {}
    extra["assets/vendor/vega/vega-bundle.js"] = result(bundle)
    return pages, extra, en_pages, en_extra


def _chart_texts(state: SiteState) -> list[str]:
    """The text charts may show: the short text cells of the tables and outputs, and the code that writes chart
    titles. A chart with any other character goes through the full font instead (see chartfont)."""
    texts = [json.dumps(state.meta, ensure_ascii=False, default=str)]
    for df in [*state.tables.values(), *state.outputs.values()]:
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in ("string", "str"):
                texts.extend(v for v in map(str, df[col].dropna().unique()) if len(v) <= 40)   # no chart shows long text
    texts += [p.read_text(encoding="utf-8") for p in sorted([*HERE.glob("*.py"), *HERE.parent.glob("indicators/*.py"),
                                                             HERE.parent / "i18n" / "glossary.csv"])]
    return texts


ALTERNATE = {"zh": [{"name": "中文", "link": "", "lang": "zh"}, {"name": "English", "link": "en/", "lang": "en"}],
             "en": [{"name": "中文", "link": "../", "lang": "zh"}, {"name": "English", "link": "", "lang": "en"}]}


def _alternate(lang: str, site_url: str) -> list[dict]:
    """The language switch's entries: `link` relative to this site's root; `url` each language's absolute root, only
    when the site's address is known (the hreflang links in <head> must be absolute)."""
    roots = {"zh": site_url.rstrip("/") + "/", "en": site_url.rstrip("/") + "/en/"}
    return [dict(a, **({"url": roots[a["lang"]]} if site_url else {})) for a in ALTERNATE[lang]]


def _site_url(base_config: Path) -> str:
    """The site's address as the county's settings give it (site_url, or JUNHENG_SITE_URL in the default ones)."""
    from mkdocs.utils.yaml import yaml_load

    with open(base_config, encoding="utf-8") as f:
        return (yaml_load(f) or {}).get("site_url") or ""


def settings(state: SiteState, pages: set[str], translated: set[str] = frozenset(), site_url: str = "") -> dict:
    """What the data decides in the site's configuration."""
    from .pages import plain

    m = state.meta
    note = " · 示例数据（虚构）" if m["illustrative"] else ""
    alternate = {"alternate": _alternate("zh", site_url), "translated": sorted(translated)} if translated else {}
    return {
        "INHERIT": "base.yml",
        "docs_dir": "docs",
        "site_dir": "site",
        # Material prints site_name both raw and escaped, so it must hold no HTML-special character at all:
        # plain() turns them into their full-width forms, which read the same and can never be markup.
        "site_name": plain(m["site_name"]),
        "copyright": plain((f"数据版本 {m['release']}（{m['data_year']} 年数据，{m['released_on']} 发布）" if m["data_year"] is not None
                            else "暂无数据") + f" · 构建自提交 {m['commit']}{note}"),
        "theme": {"custom_dir": "overrides"},
        "extra": {"illustrative": bool(m["illustrative"]), "release": m["release"], "commit": m["commit"], **alternate},
        "nav": _nav(pages),
    }


def settings_en(state: SiteState, pages: set[str], zh_pages: set[str], site_url: str = "") -> dict:
    """The English edition's configuration: it inherits the county's settings, in English, its site under /en/."""
    from .pages import plain

    m = state.meta
    note = " · illustrative data (made up)" if m["illustrative"] else ""
    return {
        "INHERIT": "../base.yml",
        **({"site_url": site_url.rstrip("/") + "/en/"} if site_url else {}),
        "docs_dir": "docs",
        "site_dir": "site",
        "site_name": plain(f"{m.get('county_en') or m['county']}: high-quality balanced compulsory education"),
        "site_description": "The indicators, verdicts and data of a county's compulsory education under the national method.",
        "copyright": plain(f"Release {m['release']} ({m['data_year']} data, published {m['released_on']}) · built from commit {m['commit']}{note}"),
        "theme": {"language": "en", "custom_dir": "../overrides"},
        "plugins": [{"search": {"lang": "en"}}],
        "extra": {"illustrative": bool(m["illustrative"]), "release": m["release"], "commit": m["commit"],
                  "alternate": _alternate("en", site_url), "translated": sorted(pages & zh_pages)},
        "nav": _nav(pages, NAV_EN),
    }


def _write_files(docs: Path, files: dict) -> None:
    for path, content in sorted(files.items()):
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def write(state: SiteState, dest: Path, base_config: Path, pool, started) -> None:
    """The whole site source under DEST (which must not exist yet), its slow parts made on POOL (a workers.Pool);
    STARTED: what `start` gave with that pool."""
    pages, extra, en_pages, en_extra = _pages_and_files(state, pool, started)
    shutil.copytree(SOURCES / "docs", dest / "docs")
    shutil.copytree(SOURCES / "overrides", dest / "overrides")
    _write_files(dest / "docs", {**extra, **pages})
    shutil.copyfile(base_config, dest / "base.yml")
    head = ("# Generated by junheng build from the data; edit base.yml's original (the county's mkdocs.yml) instead.\n"
            "# Build it with `mkdocs build -f mkdocs.yml` or `zensical build -f mkdocs.yml`.\n")
    site_url = _site_url(base_config)
    zh_pages = set(pages) | {"guide.md"}          # the guide is a hand-written page of the sources
    conf = yaml.safe_dump(settings(state, zh_pages, set(en_pages) & zh_pages, site_url), allow_unicode=True,
                          sort_keys=False, width=1000)
    (dest / "mkdocs.yml").write_text(head + conf, encoding="utf-8")
    if en_pages:       # the English edition: its own project in en/, made into site/en/ (see generate)
        shutil.copytree(SOURCES / "docs", dest / "en" / "docs", ignore=shutil.ignore_patterns("guide.md", "vendor"))
        _write_files(dest / "en" / "docs", {**en_extra, **en_pages})
        conf = yaml.safe_dump(settings_en(state, set(en_pages), zh_pages, site_url), allow_unicode=True, sort_keys=False, width=1000)
        (dest / "en" / "mkdocs.yml").write_text(head + conf, encoding="utf-8")


def generate(project: Path, engine: str = "mkdocs", epoch: int | None = None, cache: Path | None = None) -> Path:
    """Make the site from the source in PROJECT with ENGINE into PROJECT/site. Raises RuntimeError in Chinese.

    `cache`: the build cache, where MkDocs run in this process keeps its theme's templates compiled (see compiled)."""
    env = dict(os.environ)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)     # sitemap dates from git, not the clock
    if engine not in ENGINES:
        raise RuntimeError(f"不支持的网站生成器「{engine}」，可选：{'、'.join(ENGINES)}。")
    en = (project / "en").resolve()          # absolute: the second process runs in that folder
    has_en = (en / "mkdocs.yml").is_file()
    if engine == "mkdocs":
        # the English edition is made by a second MkDocs process on another core while this one makes the Chinese site,
        # or after it, here, when the build is to start no other process (JUNHENG_WORKERS=0)
        here = has_en and configured() == 0
        other = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(en / "mkdocs.yml")], cwd=en, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) if has_en and not here else None
        try:
            _mkdocs(project, epoch, cache=cache)
            if here:
                _mkdocs(en, epoch, "英文版网站", cache)
        finally:
            log = other.communicate(timeout=1800)[0] if other else ""
        if other and (other.returncode != 0 or not (en / "site" / "index.html").is_file()):
            tail = "\n".join(log.strip().splitlines()[-15:])
            raise RuntimeError(f"英文版网站生成失败（退出码 {other.returncode}）。原有网站未改动。\n{tail}")
        for folder in [project, *([en] if has_en else [])]:
            _compact_search_index(folder / "site")
    else:
        for folder in [project, *([en] if has_en else [])]:
            _zensical(folder, env)
    site = project / "site"
    if (en / "site").is_dir():
        (en / "site").rename(site / "en")
    return site


def _mkdocs(project: Path, epoch: int | None, what: str = "网站", cache: Path | None = None) -> None:
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        import jieba   # Material's search segments Chinese with jieba; keep its progress chatter out of the build log

        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        config = load_config(config_file=str(project / "mkdocs.yml"))
        theme, make_env = config.theme, config.theme.get_env
        theme.get_env = lambda: compiled.attach(make_env(), compiled.folder_of(cache))
        build(config)
    except MkDocsException as e:
        raise RuntimeError(f"{what}生成失败：{e}。原有网站未改动。") from e
    finally:
        if epoch is not None:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved


def _zensical(project: Path, env: dict) -> None:
    exe = Path(sys.executable).with_name("zensical")
    if not exe.is_file():
        found = shutil.which("zensical")
        if found is None:
            raise RuntimeError("未安装 Zensical，无法用它生成网站：请先运行 pip install zensical（或 make env），"
                               "或去掉 --engine zensical 使用默认的 MkDocs。原有网站未改动。")
        exe = Path(found)
    r = subprocess.run([str(exe), "build", "--clean", "-f", "mkdocs.yml"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=1800)
    if r.returncode != 0 or not (project / "site" / "index.html").is_file():
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"Zensical 生成网站失败（退出码 {r.returncode}）。原有网站未改动。\n{tail}")


def _compact_search_index(site: Path) -> None:
    """Rewrite Material's search index as UTF-8 text instead of \\u escapes: the same JSON, half the bytes.

    Every page fetches this index, and a Chinese index written with `ensure_ascii` spends six bytes on each
    character instead of three.
    """
    path = site / "search" / "search_index.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)

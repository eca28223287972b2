"""Turn the site state into MkDocs files during the build (an MkDocs hook; nothing is written into site/).

Referenced from mkdocs.yml as `hooks: [pipeline/site/hooks.py]`.
"""

from __future__ import annotations

import json

from mkdocs.structure.files import File, Files

from pipeline.site.context import get_state
from pipeline.site.pages import Site, plain


def on_config(config):
    import logging

    import jieba   # Material's search segments Chinese with jieba; keep its progress chatter out of the build log

    jieba.setLogLevel(logging.WARNING)
    state = get_state()
    m = state.meta
    # Material prints site_name both raw and escaped, so it must hold no HTML-special character at all:
    # plain() turns them into their full-width forms, which read the same and can never be markup.
    config.site_name = plain(m["site_name"])
    note = " · 示例数据（虚构）" if m["illustrative"] else ""
    config.copyright = plain(f"数据版本 {m['release']}（{m['data_year']} 年数据，{m['released_on']} 发布） · 构建自提交 {m['commit']}{note}")
    config.extra["illustrative"] = m["illustrative"]
    config.extra["release"] = m["release"]
    config.extra["commit"] = m["commit"]
    return config


def _vega_bundle(cache_dir, pool):
    """Vega, Vega-Lite and Vega-Embed in one script, from vl-convert (cached per vl-convert version); a pending
    result while a worker makes it."""
    import vl_convert

    from pipeline.site.workers import Pending, vega_bundle

    path = cache_dir.parent / f"vega-bundle-{vl_convert.__version__}.js" if cache_dir is not None else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8")
    return Pending(pool.submit(vega_bundle), path)


def _chart_font(state, pool) -> str | None:
    """The folder of the chart-font subset (see chartfont), its faces made first thing by the workers unless the
    cache has them; None when the machine lacks the font or the build has no cache folder. The characters are
    those of the short text cells of the tables and outputs and of the code that writes chart titles; a chart
    with any other character, or rendered before the subset is finished, goes through the full font instead."""
    from pathlib import Path

    from pipeline.site import chartfont
    from pipeline.site.workers import make_chart_font

    files = chartfont.sources()
    if files is None or state.cache_dir is None:
        return None
    texts = [json.dumps(state.meta, ensure_ascii=False, default=str)]
    for df in [*state.tables.values(), *state.outputs.values()]:
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in ("string", "str"):
                texts.extend(v for v in map(str, df[col].dropna().unique()) if len(v) <= 40)   # no chart shows long text
    here = Path(__file__).resolve().parent
    texts += [p.read_text(encoding="utf-8") for p in sorted([*here.glob("*.py"), *here.parent.glob("indicators/*.py")])]
    chars = chartfont.chars_of(*texts)
    out = state.cache_dir.parent / "font" / chartfont.subset_key(files, chars)
    for weight, path in sorted(files.items()):      # one face per worker
        if not (out / f"covered-{weight}.txt").is_file():
            pool.submit(make_chart_font, weight, path, chars, str(out))
    return str(out)


def on_files(files: Files, config) -> Files:
    from pipeline.site import checkpoint
    from pipeline.site.workers import Pool, result

    state = get_state()
    pool = Pool()      # static SVGs and Excel workbooks render on every core while the pages are written
    try:
        font_dir = _chart_font(state, pool)
        bundle = _vega_bundle(state.cache_dir, pool)
        site = Site(state, pool, font_dir)
        pages = site.build()
        for path, content in sorted(pages.items()):
            files.append(File.generated(config, path, content=content))
        checkpoint("mkdocs")
        extra = site.files()
        extra["assets/vendor/vega/vega-bundle.js"] = result(bundle)
    finally:
        pool.close()
    for path, content in sorted(extra.items()):
        files.append(File.generated(config, path, content=content))
    return files


def on_post_build(config) -> None:
    """Rewrite Material's search index as UTF-8 text instead of \\u escapes: the same JSON, half the bytes.

    Every page fetches this index, and a Chinese index written with `ensure_ascii` spends six bytes on each
    character instead of three. Hooks run after the search plugin, so the index is already on disk here.
    """
    import json
    from pathlib import Path

    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

"""Turn the site state into MkDocs files during the build (an MkDocs hook; nothing is written into site/).

Referenced from mkdocs.yml as `hooks: [pipeline/site/hooks.py]`.
"""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from pipeline.site.context import get_state
from pipeline.site.pages import Site

_generated: dict = {}


def on_config(config):
    state = get_state()
    m = state.meta
    config.site_name = m["site_name"]
    note = " · 示例数据（虚构）" if m["illustrative"] else ""
    config.copyright = f"数据版本 {m['release']}（{m['data_year']} 年数据，{m['released_on']} 发布） · 构建自提交 {m['commit']}{note}"
    config.extra["illustrative"] = m["illustrative"]
    config.extra["release"] = m["release"]
    config.extra["commit"] = m["commit"]
    return config


def on_files(files: Files, config) -> Files:
    import vl_convert

    state = get_state()
    site = Site(state)
    pages = site.build()
    for path, content in sorted(pages.items()):
        files.append(File.generated(config, path, content=content))
    extra = site.files()
    extra["assets/vendor/vega/vega-bundle.js"] = vl_convert.javascript_bundle()
    for path, content in sorted(extra.items()):
        files.append(File.generated(config, path, content=content))
    return files

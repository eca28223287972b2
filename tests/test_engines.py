"""The pages exist as files before any site generator runs, so Zensical builds the same site as MkDocs-Material.

`junheng build --engine zensical` is compared with the default build of the frozen sample: the same set of pages,
and the same numbers, in the same order, in the article of the home page, a resource page and a school page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml

from pipeline.site import build
from pipeline.site.project import DEFAULT_CONFIG, NAV


class _Article(HTMLParser):
    """The visible text of a page's <article> (the content, without the theme's header, menu and footer)."""

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.text = 0, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif tag == "article":
            self.depth = 1
        if self.depth and tag in ("script", "style", "svg"):
            self.skip += 1

    def handle_endtag(self, tag):
        if self.depth and tag in ("script", "style", "svg"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)


def numbers(page) -> list[str]:
    a = _Article()
    a.feed(page.read_text(encoding="utf-8"))
    text = " ".join(a.text)
    assert len(text) > 100, f"{page} has no article text"
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


def pages(site) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory, sample_validated):
    out = tmp_path_factory.mktemp("zensical")
    return out, build(sample_validated, out, engine="zensical")


def test_zensical_builds_the_same_pages_with_the_same_numbers(built_site, zensical_site):
    (_, mk), (_, zs) = built_site, zensical_site
    assert pages(mk) == pages(zs)
    school = sorted(p for p in pages(mk) if re.fullmatch(r"schools/[^/]+/index\.html", p) and p != "schools/index.html")[0]
    for page in ("index.html", "resources/R1/index.html", school):
        got, want = numbers(zs / page), numbers(mk / page)
        assert len(want) > 20 and got == want, page
    assert 'class="jh-illustrative"' in (zs / "index.html").read_text(encoding="utf-8")     # the banner (theme override)


def test_the_source_is_plain_files_any_builder_can_read(built_site):
    """build/source holds the pages as Markdown and a mkdocs.yml with no hooks, inheriting the county's settings."""
    out, _ = built_site
    conf = yaml.safe_load((out / "source" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert conf["INHERIT"] == "base.yml" and "hooks" not in conf and "plugins" not in conf
    assert (out / "source" / "base.yml").read_bytes() == DEFAULT_CONFIG.read_bytes()
    assert "hooks" not in DEFAULT_CONFIG.read_text(encoding="utf-8")
    listed = [next(iter(e.values())) for e in NAV]
    for target in listed:
        for path in (target if isinstance(target, list) else [target]):
            path = path if isinstance(path, str) else next(iter(path.values()))
            assert (out / "source" / "docs" / path).is_file(), path
    assert (out / "source" / "docs" / "assets" / "vendor" / "vega" / "vega-bundle.js").is_file()


def test_an_unknown_engine_or_a_missing_one_is_a_chinese_error(tmp_path, monkeypatch, sample_validated):
    from pipeline.site import project

    with pytest.raises(RuntimeError, match="不支持的网站生成器"):
        project.generate(tmp_path, "hugo")
    monkeypatch.setattr(project.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="未安装 Zensical"):
        project.generate(tmp_path, "zensical")

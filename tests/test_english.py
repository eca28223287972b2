"""The English edition (issue 16): every English page in English with a language switch to the same page in Chinese,
the same figures as the Chinese pages, the official terms from the glossary, and charts labelled in English."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.i18n import glossary, has_term

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def _article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article"):text.index("</article>")]


def _english_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "en").rglob("index.html") if p.parent.name not in ("search",))


def test_the_english_edition_has_its_pages_in_english(built_site):
    _, site = built_site
    pages = _english_pages(site)
    names = {p.relative_to(site / "en").parent.as_posix() for p in pages}
    assert {".", "resources", "resources/R5", "schools", "towns", "government", "quality", "satisfaction", "tasks", "ledger",
            "method", "downloads", "changelog", "releases", "glossary", "about"} <= names
    schools = {p.parent.name for p in (site / "schools").glob("*/index.html")}
    assert schools and {p.parent.name for p in (site / "en" / "schools").glob("*/index.html")} == schools   # every school
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="en"' in text, page
        art = _article(page)
        for cell in re.findall(r"<thead>.*?</thead>", art, flags=re.S):      # every column title
            assert not CJK.search(html.unescape(cell)), (page, cell)
        for badge in re.findall(r'<span class="jh-status[^"]*">(.*?)</span>', art):     # every verdict
            assert not CJK.search(badge), (page, badge)
        for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", art, flags=re.S):
            if not {"schools", "towns"} & set(page.parts):                    # a school's or town's name heads its page
                h = re.sub(r'<span lang="zh-CN">.*?</span>', "", h)          # quoted Chinese, marked as such
                assert not CJK.search(re.sub(r"<[^>]+>", "", h)), (page, h)


def test_a_language_switch_on_every_page_leads_to_the_same_page_in_the_other_language(built_site):
    _, site = built_site
    pairs = 0
    for page in [*_english_pages(site), *sorted(site.glob("**/index.html"))]:
        text = page.read_text(encoding="utf-8")
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]*)" hreflang="(zh|en)" lang="\2" class="md-select__link"', text))
        if "search" in page.parts or page.parent.name == "search":
            continue
        assert set(links) == {"zh", "en"}, page
        for lang, href in links.items():
            target = (page.parent / href).resolve() / "index.html"
            assert target.is_file(), (page, href)
        zh, en = ((page.parent / links[k]).resolve() for k in ("zh", "en"))
        if zh.relative_to(site.resolve()).as_posix() != "." and en != (site / "en").resolve():
            assert en.relative_to((site / "en").resolve()) == zh.relative_to(site.resolve()), page    # the same page
            pairs += 1
    assert pairs > 20


def _numbers(page: Path) -> list[str]:
    """The figure of every number cell, in order (its unit words, "per 100 students" or 人/百生, follow it)."""
    return [(re.findall(r"[-−]?\d[\d,]*(?:\.\d+)?|—", re.sub(r"<[^>]+>", "", cell)) or [""])[0]
            for cell in re.findall(r'<td class="num"[^>]*>(.*?)</td>', _article(page))]


def test_the_same_figures_in_both_editions(built_site):
    _, site = built_site
    compared = 0
    for en in _english_pages(site):
        rel = en.relative_to(site / "en")
        zh = site / rel
        if rel.parts[:1] in (("resources",), ("schools",)) and zh.is_file():
            assert _numbers(en) == _numbers(zh), rel
            compared += len(_numbers(en))
    assert compared > 1000


def test_every_term_the_data_uses_is_in_the_glossary_and_the_glossary_page_lists_them(built_site):
    out, site = built_site
    used = set()
    for name, cols in (("school_verdicts", ["level"]), ("balance", ["level", "status"]), ("school_indicators", ["status"]),
                       ("county_items", ["status", "part"]), ("verdict", ["status", "part"])):
        path = out / "data" / f"{name}.parquet"
        if path.is_file():
            d = pd.read_parquet(path)
            used |= {v for c in cols if c in d for v in d[c].dropna().unique()}
    assert {"达标", "小学", "初中"} <= used
    assert [v for v in sorted(used) if not has_term(v)] == []
    page = html.unescape((site / "en" / "glossary" / "index.html").read_text(encoding="utf-8"))
    for row in glossary():
        assert f'<th scope="row" lang="zh-CN">{row["zh"]}</th><td data-label="English">{row["en"]}</td>' in page, row
    assert len({r["zh"] for r in glossary()}) == len(glossary())          # one English word for each term


def test_english_charts_are_labelled_in_english(built_site):
    _, site = built_site
    specs = 0
    for page in [site / "en" / "resources" / "R5" / "index.html", site / "en" / "resources" / "index.html"]:
        for raw in re.findall(r'<script type="application/json">(.*?)</script>', page.read_text(encoding="utf-8"), flags=re.S):
            titles = list(_titles(json.loads(raw)))                            # the chart's, its axes', legends' and tooltips'
            assert len(titles) >= 4 and not any(CJK.search(str(s)) for s in titles), (page, titles)
            specs += 1
    assert specs >= 4
    csv = (site / "en" / "charts" / "R5-cv.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "Year,Level,CV,Limit,Meets?" and "primary" in csv and not CJK.search(csv)


def _titles(node):
    """Every title in a Vega-Lite spec (its data, with the schools' Chinese names, is not a title)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "title" and isinstance(v, str):
                yield v
            elif k not in ("datasets", "data", "sort"):
                yield from _titles(v)
    elif isinstance(node, list):
        for v in node:
            yield from _titles(v)


@pytest.mark.parametrize("page", ["", "resources/R5/", "glossary/"])
def test_english_pages_say_the_data_is_illustrative(built_site, page):
    _, site = built_site
    text = (site / "en" / page / "index.html").read_text(encoding="utf-8")
    assert "<strong>Illustrative data</strong>" in text


def test_downloads_carry_english_titles_for_every_table_and_column(built_site):
    _, site = built_site
    pkg = json.loads((site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    county, _, words = pkg["titles"]["en"].partition(": ")
    assert county and "data" in words and not CJK.search(words)             # the county's name stays Chinese
    columns = 0
    for res in pkg["resources"]:
        assert res["titles"]["zh-CN"] == res["title"] and not CJK.search(res["titles"]["en"]), res["name"]
        for f in res["schema"]["fields"]:
            assert f["titles"]["zh-CN"] == f["title"], (res["name"], f["name"])
            assert f["titles"]["en"] and not CJK.search(f["titles"]["en"]), (res["name"], f["name"])
            columns += 1
    assert columns > 250
    readme = zipfile.ZipFile(io.BytesIO((site / "downloads" / "junheng-data.zip").read_bytes())).read("README.md").decode()
    assert "## English" in readme and "titles.en" in readme


def test_every_english_column_title_names_a_real_table_and_column():
    import csv

    from pipeline.compute import OUTPUTS, output_schema
    from pipeline.schemas import TABLES, load

    real = {n: {f.name for f in load(n).fields} for n in TABLES}
    real.update({n: {f["name"] for f in output_schema(n)["fields"]} for n in OUTPUTS})
    every = set().union(*real.values()) | {"illustrative_note"}
    with open(Path(__file__).resolve().parents[1] / "pipeline" / "i18n" / "columns.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["table"]:
            assert r["table"] in real, r
            assert r["name"] == "" or r["name"] in real[r["table"]], r
        else:
            assert r["name"] in every, r
    assert len({(r["table"], r["name"]) for r in rows}) == len(rows)


def test_every_rule_of_the_tools_standards_has_its_english_name_and_unit():

    st = pd.read_csv(Path(__file__).resolve().parents[1] / "pipeline" / "defaults" / "standards.csv", dtype=str)
    assert [n for n in st["name"].unique() if not has_term(n)] == []
    assert [u for u in st["unit"].dropna().unique() if u != "%" and not has_term(u)] == []
    assert [lab for lab in st["label"].unique() if not has_term(lab)] == []


def test_hreflang_links_in_head_are_absolute_or_absent(built_site):
    from pipeline.site.project import _alternate

    _, site = built_site
    for page in [site / "index.html", site / "resources" / "R5" / "index.html", site / "en" / "resources" / "R5" / "index.html"]:
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert "hreflang" not in head, page              # no site_url in this build: a relative hreflang would be invalid
    zh, en = _alternate("en", "https://example.org/jh")
    assert (zh["url"], en["url"], zh["link"], en["link"]) == ("https://example.org/jh/", "https://example.org/jh/en/", "../", "")
    assert all("url" not in a for a in _alternate("zh", ""))

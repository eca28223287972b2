"""The English edition (issue 16): every English page in English with a language switch to the same page in Chinese,
the same figures as the Chinese pages, the official terms from the glossary, charts labelled in English, every sentence
the tool writes in English (the outputs' `_en` columns), Chinese left in an English page marked as Chinese, names in
pinyin, and the release archive and feed in English."""

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
    assert {".", "resources", "resources/R5", "schools", "towns", "government", "quality", "satisfaction", "tasks", "ledger", "guide",
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
    page = re.sub(r'<span lang="zh-CN">(.*?)</span>', r"\1", page)                # the Chinese term, marked as such
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
        assert res["descriptions"]["en"] and res["descriptions"]["zh-CN"], res["name"]
        for f in res["schema"]["fields"]:
            assert f["titles"]["zh-CN"] == f["title"], (res["name"], f["name"])
            assert f["descriptions"]["zh-CN"] == f.get("description", "") and len(f["descriptions"]["en"]) > 5, (res["name"], f["name"])
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


def _data_text(t: dict) -> list[str]:
    """The text an English sentence may quote as written: names, the county's own wording, the rules' own names."""
    texts = [*t["schools"]["school_name"], *t["schools"]["town"], *t["towns"]["town_name"], *t["standards"]["name"],
             *t["judged_items"]["judged_by"], *t["judged_items"]["evidence"]]
    return sorted({str(x) for x in texts if isinstance(x, str)}, key=len, reverse=True)


def test_every_sentence_the_tool_writes_has_its_english_twin_with_no_chinese_of_its_own(built_site, sample_validated):
    out, _ = built_site
    quoted = _data_text(sample_validated.tables)
    twins = 0
    for path in sorted((out / "data").glob("*.parquet")):
        d = pd.read_parquet(path)
        for col in [c for c in d.columns if c.endswith("_en") and c[:-3] in d.columns]:
            for zh, en in zip(d[col[:-3]].fillna(""), d[col].fillna("")):
                assert bool(zh) == bool(en), (path.name, col, zh)           # a sentence in one language has the other
                left = en
                for q in quoted:
                    left = left.replace(q, "")
                assert not re.search(r"[\u3400-\u9fff]", left), (path.name, col, en)
                twins += bool(en)
    assert twins > 500


def test_english_pages_mark_every_piece_of_chinese_as_chinese(built_site):
    from html.parser import HTMLParser

    _, site = built_site

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.bare = [], []

        def handle_starttag(self, tag, attrs):
            if tag not in ("br", "img", "meta", "link", "input", "hr", "source", "wbr"):
                a = dict(attrs)
                self.stack.append((tag, a.get("lang", ""), a.get("class", "")))

        def handle_endtag(self, tag):
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break

        def handle_data(self, data):
            inside = {t for t, _, _ in self.stack}
            if {"script", "style", "title", "header", "nav"} & inside:      # Material's own header, title and menus
                return
            if any(lang.startswith("zh") for _, lang, _ in self.stack):
                return
            if CJK.search(data):
                self.bare.append(data.strip())

    checked = 0
    for page in _english_pages(site):
        p = Text()
        p.feed(page.read_text(encoding="utf-8"))
        assert p.bare == [], (page, p.bare[:5])
        checked += 1
    assert checked > 50


def test_pinyin_spells_names_by_word_with_tone_marks():
    from pipeline.i18n.pinyin import pinyin

    assert pinyin("索镇第一小学", ("索镇",)) == "Suǒ Zhèn Dìyī Xiǎoxué"
    assert pinyin("少海街道", ("少海街道",)) == "Shǎohǎi Jiēdào"
    assert pinyin("重庆市第一中学（示例）") == "Chóngqìngshì Dìyī Zhōngxué (Shìlì)"     # 重 read chóng here, not zhòng
    assert pinyin("Hope School") == "" and pinyin(None) == ""
    assert pinyin("桓台县", ("桓台县",)) == "Huántái Xiàn" and pinyin("张店区", ("张店区",)) == "Zhāngdiàn Qū"


def test_english_school_and_town_pages_and_the_home_page_give_names_in_pinyin(built_site):
    _, site = built_site
    for page in [*sorted((site / "en" / "schools").glob("*/index.html"))[:5], *sorted((site / "en" / "towns").glob("*/index.html"))[:3],
                 site / "en" / "index.html"]:
        art = _article(page)
        py = re.search(r'<p class="jh-pinyin" lang="zh-Latn-pinyin">(.*?)</p>', art)
        assert py and re.fullmatch(r"[A-Za-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ()\-,.0-9]+", html.unescape(py.group(1))), page
        assert re.search("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", py.group(1)), page        # with tone marks


def test_every_school_an_english_page_names_is_followed_by_its_pinyin_and_no_chinese_page_is(built_site):
    """A school named on an English page (a verdict's reasons, an item's evidence, a table, a list) is a link followed by
    the pinyin its own page gives (after a line break in a table cell); a Chinese page shows the name alone."""
    _, site = built_site
    own = {}
    followed = pages = 0
    for page in _english_pages(site):
        art = _article(page)
        links = re.findall(r'<a href="(?:\.\./)*schools/(\d+)/">.*?</a>((?: |<br>)<span class="jh-pinyin" lang="zh-Latn-pinyin">(.*?)</span>)?', art)
        for sid, after, spelled in links:
            if sid not in own:
                own[sid] = re.search(r'<p class="jh-pinyin" lang="zh-Latn-pinyin">(.*?)</p>', _article(site / "en" / "schools" / sid / "index.html")).group(1)
            assert after and html.unescape(spelled) == html.unescape(own[sid]), (page, sid, spelled)
            followed += 1
        pages += bool(links)
    assert followed > 100 and pages > 10
    for page in ("index.html", "government/index.html", "resources/R5/index.html", "ledger/index.html"):
        assert 'class="jh-pinyin"' not in _article(site / page), page


def test_every_release_has_an_english_archive_page_linking_the_same_files(built_site):
    _, site = built_site
    archived = sorted(p.parent.name for p in (site / "releases").glob("*/index.html"))
    assert archived and archived == sorted(p.parent.name for p in (site / "en" / "releases").glob("*/index.html"))
    for v in archived:
        page = site / "en" / "releases" / v / "index.html"
        art = _article(page)
        assert f"Release {v}" in art and ("current release" in art or "archived release" in art)
        links = re.findall(r'href="(\.\./\.\./\.\./releases/[^"]+)"', art)
        for href in links:                                             # the files are the Chinese site's, one copy
            assert (page.parent / href).resolve().is_file(), href
        zh = sorted(n.name for n in (site / "releases" / v).iterdir() if n.name != "index.html")
        assert sorted(Path(h).name for h in links) == zh
        assert not list((site / "en" / "releases" / v).glob("*.zip"))


def test_the_english_feed_is_atom_in_english(built_site):
    import xml.etree.ElementTree as ET

    _, site = built_site
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(site / "en" / "feed.xml").getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    zh_ids = {e.findtext("a:id", namespaces=ns) for e in ET.parse(site / "feed.xml").getroot().findall("a:entry", ns)}
    entries = root.findall("a:entry", ns)
    assert len(entries) == len(zh_ids) and not zh_ids & {e.findtext("a:id", namespaces=ns) for e in entries}
    for e in entries:
        title = e.findtext("a:title", namespaces=ns)
        assert title.startswith(("Data release ", "Remediation item ")), title
    head = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="Changelog" href="feed.xml">' in head


def test_every_english_description_names_a_real_table_and_column_and_every_column_has_one():
    import csv

    from pipeline.compute import OUTPUTS, output_schema
    from pipeline.i18n import description_en
    from pipeline.schemas import TABLES, load

    real = {n: {f.name for f in load(n).fields} for n in TABLES}
    real.update({n: {f["name"] for f in output_schema(n)["fields"]} for n in OUTPUTS})
    every = set().union(*real.values()) | {"illustrative_note", ""}
    with open(Path(__file__).resolve().parents[1] / "pipeline" / "i18n" / "descriptions.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        assert r["name"] in every and (not r["table"] or r["table"] in real), r
        assert not r["table"] or not r["name"] or r["name"] in real[r["table"]], r
        # English words; Chinese only as a quoted data value with its English in brackets, as in 达标 (meets)
        assert r["en"] and not CJK.search(re.sub(r"[\u3400-\u9fff（）、；/]+ \([^)]*\)|[\u3400-\u9fff（）]+(?=[,.;:)'])|[、；（）]", "", r["en"])), r
    assert [(t, n) for t, names in real.items() for n in ["", *sorted(names)] if not description_en(t, n)] == []


def test_the_countys_own_translations_reach_the_english_pages_and_sentences(built_site, sample_validated):
    from pipeline.i18n import terms, use_translations

    out, site = built_site
    t = sample_validated.tables
    use_translations(t["translations"])                        # as the build did (it may have run in another worker)
    words = dict(zip(t["translations"]["zh"], t["translations"]["en"]))
    tasks = html.unescape(_article(site / "en" / "tasks" / "index.html"))
    titled = [w for w in t["tasks"]["title"] if w in words]
    assert titled
    for zh in titled:                                          # the county's English for its task titles, not the Chinese
        assert words[zh] in tasks and f">{zh}<" not in tasks, zh
    depts = t["tasks"]["departments"].iloc[0]
    assert terms(depts) != depts and terms(depts) in tasks     # each department of a list, in the county's English
    names = set(t["standards"].loc[t["standards"]["profile"] == "county", "name"])
    v = pd.read_parquet(out / "data" / "verdict.parquet")
    county_named = [n for n in names if n in words and v["reasons"].str.contains(n, regex=False).any()]
    assert county_named
    for n in county_named:                                     # a county rule name inside a generated English sentence
        assert v["reasons_en"].str.contains(words[n], regex=False).any() and not v["reasons_en"].str.contains(n, regex=False).any()


def test_a_bad_translation_row_is_named_in_chinese(minimal_copy):
    from click.testing import CliRunner

    from pipeline.cli import main

    (minimal_copy / "translations.csv").write_text("zh,en,note\n强化教育经费保障,强化经费,\n强化教育经费保障,Secure funding,\n",
                                                   encoding="utf-8")
    desc = json.loads((minimal_copy / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"].append({"name": "translations", "path": "translations.csv"})
    (minimal_copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(minimal_copy)])
    assert r.exit_code != 0
    assert "第 2 行，B 列 en（英文），值「强化经费」" in r.output and "请填写这条用语的英文译文" in r.output
    assert "第 3 行，A 列 zh（中文原文），值「强化教育经费保障」：与第 2 行重复" in r.output


def test_every_chinese_page_has_its_english_page(built_site):
    _, site = built_site
    zh = {p.relative_to(site).parent.as_posix() for p in site.rglob("index.html") if p.relative_to(site).parts[0] not in ("en", "search")}
    en = {p.relative_to(site / "en").parent.as_posix() for p in _english_pages(site)}
    assert len(zh) > 80 and zh <= en and en - zh == {"glossary", "about"}       # two pages of the English edition's own


def test_names_are_spelled_once_and_then_read_from_the_build_cache(tmp_path, monkeypatch):
    from pipeline.i18n import pinyin as py

    first = py.spell_all(["索镇第一小学", "少海街道"], ("索镇", "少海街道"), tmp_path)
    assert first == {"索镇第一小学": "Suǒ Zhèn Dìyī Xiǎoxué", "少海街道": "Shǎohǎi Jiēdào"}
    assert len(list((tmp_path / "pinyin").glob("*.json"))) == 1

    def refuse(*a, **k):
        raise AssertionError("spelled again")

    monkeypatch.setattr(py, "pinyin", refuse)
    assert py.spell_all(["少海街道", "索镇第一小学"], ("少海街道", "索镇"), tmp_path) == first      # same names: the cache
    with pytest.raises(AssertionError):
        py.spell_all(["索镇第二小学"], ("索镇",), tmp_path)                                      # new names: spelled


def test_the_english_edition_is_named_by_the_countys_own_english_else_its_pinyin(built_site, sample_validated):
    """The English edition's name (its header and every page's title) gives the county's name as the county writes it
    in English (translations.csv), else in pinyin; never only in Chinese characters an English reader cannot read."""
    import pandas as pd

    from conftest import MINIMAL, NoJobs
    from pipeline.compute import compute_tables
    from pipeline.i18n.pinyin import pinyin
    from pipeline.site.context import make_state
    from pipeline.site.pages import Site
    from pipeline.validate import validate

    _, site = built_site
    county = sample_validated.tables["county"]["county_name"].iloc[0]
    own = dict(zip(sample_validated.tables["translations"]["zh"], sample_validated.tables["translations"]["en"])).get(county)
    name = own or pinyin(county, (county,))
    assert name and not re.search("[\u4e00-\u9fff]", name)
    for page in (site / "en" / "index.html", site / "en" / "schools" / "index.html"):
        assert f"{name}: high-quality balanced compulsory education</title>" in page.read_text(encoding="utf-8"), page
    v = validate(MINIMAL)
    county = v.tables["county"]["county_name"].iloc[0]
    v.tables["translations"] = pd.DataFrame({"zh": [county], "en": ["Somewhere County"], "note": [""]})
    en = Site(make_state(v, compute_tables(v.tables), None), pool=NoJobs(), lang="en")
    assert en.county_en() == "Somewhere County"
    assert "Somewhere County: monitoring" in en.build()["index.md"].split("\n---", 1)[0]       # the home page's title


def test_an_english_school_page_names_the_indicators_a_unit_misses(built_site):
    # "not met: R5" told an English reader nothing: each indicator a unit misses is named beside its number
    from pipeline.indicators.resources import SHORT_EN

    _, site = built_site
    seen = 0
    for page in sorted(site.glob("en/schools/*/index.html")):
        for missed in re.findall(r"indicators meet their thresholds; not met: ([^.]*)\.", page.read_text(encoding="utf-8")):
            for part in missed.split(", "):
                code, _, name = part.partition(" ")
                assert name == f"({html.escape(SHORT_EN[code])})", (page, missed)
                seen += 1
    assert seen >= 2


def test_english_item_names_as_headings_and_labels_start_with_a_capital(built_site):
    # the glossary's names are lower case, to sit inside sentences; as a heading, a table's row label or a link they
    # were "G4 school size" beside "R5 Sports grounds and halls"
    _, site = built_site
    labels = []
    for page in ("government", "quality", "method", "ledger", "tasks"):
        text = (site / "en" / page / "index.html").read_text(encoding="utf-8")
        labels += re.findall(r'<h3 id="[A-Z]\w*">[A-Z]\w* ([^<])', text)
        labels += re.findall(r'<(?:th scope="row"|a href="[^"]*")>[GQBVS]\d+\w* ([^<&])', text)
    assert len(labels) > 40
    assert [c for c in labels if c.isalpha() and c.isascii() and not c.isupper()] == []


def test_a_requirements_confidence_is_said_as_what_it_is(built_site):
    """Under each requirement in a part page's items table, its confidence reads "confidence: official", not a bare
    "official" (a phone shows the cells as cards, with no column heading)."""
    _, site = built_site
    words = [r["en"] for r in glossary() if r["kind"] == "confidence"]
    notes = 0
    for part in ("government", "quality"):
        text = (site / "en" / part / "index.html").read_text(encoding="utf-8")
        table = text[text.index("<table"):text.index("</table>")]
        for note in re.findall(r'<br\s*/?><span class="jh-muted">(.*?)</span>', table):
            assert re.fullmatch(f"confidence: (?:{'|'.join(map(re.escape, words))})", html.unescape(note)), (part, note)
            notes += 1
    assert notes > 10

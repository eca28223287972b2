"""Page generation: golden pages and chart specs, the structure of the built HTML, downloads, atomic builds."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from conftest import MINIMAL, copy_build, tree_hash
from pipeline.compute import compute_tables
from pipeline.indicators.rules import CONFIDENCE_ZH
from pipeline.site.context import make_state
from pipeline.site.pages import Site, md
from pipeline.validate import validate

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("JUNHENG_UPDATE_GOLDEN") == "1"   # regenerate with: JUNHENG_UPDATE_GOLDEN=1 make test


def _normalise(text: str) -> str:
    return re.sub(r"构建自提交 \w+", "构建自提交 <commit>", text)


@pytest.fixture(scope="module")
def minimal_site(built_minimal):
    """The minimal data's pages, made here: chart specs afresh, static SVGs from the run's build cache (keyed by the
    spec, so the same bytes; built_minimal has drawn them, with the chart font that makes drawing 4x faster)."""
    from pipeline.site import charts

    v = validate(MINIMAL)
    state = make_state(v, compute_tables(v.tables), Path(os.environ["JUNHENG_CACHE"]) / "svg")
    state.meta["commit"] = "<commit>"
    site = Site(state)
    charts.use_cache(None)                          # no chart spec from the cache: the golden specs are made now
    return site, site.build()


@pytest.mark.parametrize("page", ["index.md", "resources/R2.md", "schools/2137032109.md", "government.md", "tasks.md"])
def test_golden_pages(minimal_site, page):
    _, pages = minimal_site
    got = _normalise(pages[page])
    golden = GOLDEN / "pages" / page
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}: run JUNHENG_UPDATE_GOLDEN=1 make test and review the diff"
    assert got == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("chart", ["R2-primary-2025", "cv-junior", "satisfaction"])
def test_golden_chart_specs(minimal_site, chart):
    site, pages = minimal_site
    found = None
    for text in pages.values():
        m = re.search(rf'id="chart-{re.escape(chart)}".*?<script type="application/json">(.*?)</script>', text, re.S)
        if m:
            found = json.loads(m.group(1))
            break
    assert found, chart
    got = json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    golden = GOLDEN / "charts" / f"{chart}.json"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
    # every indicator chart has a threshold rule, and pass/fail is also a shape
    text = json.dumps(found)
    assert '"rule"' in text
    if chart != "satisfaction":
        assert '"shape"' in text and "cross" in text


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "*粗体* _斜体_ `代码`", "| a | b |", "[链接](javascript:alert(1))",
                                  "# 标题", "1. 列表", "- 列表", "{{ x }} {% y %}", "a & b &amp; c", "\u200f右到左\u202e", "<img src=x onerror=alert(1)>"])
def test_markdown_escaping_keeps_text_literal(text):
    import markdown

    html = markdown.markdown(f"# {md(text)}", extensions=["tables", "attr_list", "md_in_html"])
    parser = _Links()
    parser.feed(html)
    # shown as written, except direction overrides, which the site drops (validation refuses them in the data)
    assert "".join(parser.text).strip() == re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).strip()
    assert "<script" not in html and "<img" not in html and "href" not in html


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.text = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.refs.append((tag, a.get("rel"), a[key]))

    def handle_data(self, data):
        self.text.append(data)


def _pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_every_page_is_flagged_and_footed(built_site):
    _, site = built_site
    pages = _pages(site)
    assert len(pages) > 60
    for p in pages:
        html = p.read_text(encoding="utf-8")
        if p.relative_to(site).parts[0] == "en":         # the English edition says the same in English
            assert "<strong>Illustrative data</strong>" in html, p
            assert re.search(r"Release \d{4}\.\d+.*built from commit \w+.*illustrative data", html), p
            assert re.search(r"Made with\s*<a [^>]*>\s*Material for MkDocs", html), p
            continue
        assert "示例数据" in html, p
        assert re.search(r"数据版本 \d{4}\.\d+.*构建自提交 \w+", html), p
        assert re.search(r"本站使用\s*<a [^>]*>\s*Material for MkDocs\s*</a>\s*生成", html) and "Made with" not in html, p


def test_the_not_found_page_speaks_the_pages_language_and_leads_home(built_site):
    """Hosts serve the root's 404.html for every missing address: in Chinese, with the home page, the search and a line
    in English leading to the English edition; the English edition's own 404 page is in English."""
    _, site = built_site
    zh, en = (_Visible(), _Visible())
    zh.feed((site / "404.html").read_text(encoding="utf-8"))
    en.feed((site / "en" / "404.html").read_text(encoding="utf-8"))
    zt, et = "".join(zh.text), "".join(en.text)
    assert "找不到这个页面（404）" in zt and "返回首页" in zt and "搜索" in zt
    assert "404 - Not found" not in zt and zt.index("Page not found") > zt.index("返回首页")   # the one English line
    zh_html = (site / "404.html").read_text(encoding="utf-8")
    assert re.search(r'<p lang="en">Page not found\. <a href="/en/" hreflang="en">', zh_html)
    assert re.search(r'<a href="/\.?">返回首页</a>', zh_html)
    assert "Page not found (404)" in et and "Go to the home page" in et and "找不到" not in et
    assert "<title>找不到这个页面（404） - " in zh_html                       # the tab and the history say it too
    assert "<title>Page not found (404) - " in (site / "en" / "404.html").read_text(encoding="utf-8")


def test_nothing_loads_from_another_host(built_site):
    _, site = built_site
    for p in _pages(site):
        parser = _Links()
        parser.feed(p.read_text(encoding="utf-8"))
        for tag, rel, ref in parser.refs:
            if tag == "a":
                continue            # links a reader may follow are fine; nothing is loaded from them
            assert not re.match(r"(https?:)?//", ref), f"{p}: <{tag} {rel}> loads {ref}"
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            assert not re.match(r"['\"]?(https?:)?//", url), f"{css}: {url}"


def test_vega_only_on_chart_pages(built_site):
    _, site = built_site
    assert (site / "assets/vendor/vega/vega-bundle.js").stat().st_size > 500_000
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "jh-vega" not in home and "vega-bundle" not in home
    assert "jh-vega" in (site / "resources/R5/index.html").read_text(encoding="utf-8")


def test_each_chart_has_title_summary_table_csv_and_svg(built_site):
    _, site = built_site
    html = (site / "resources/R5/index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="jh-chart".*?</figure>', html, re.S)
    assert figures
    for f in figures:
        assert "<figcaption><strong>" in f and "<table" in f and ".csv" in f and ".svg" in f
        svg = re.search(r'<img src="[./]*(charts/[^"]+\.svg)"', f).group(1)
        assert (site / svg).read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_school_page_shows_gaps(built_site):
    _, site = built_site
    html = (site / "schools/2137032101/index.html").read_text(encoding="utf-8")
    assert "未达标" in html and "体育场地缺" in html and "平方米" in html


@pytest.mark.parametrize("edition", ["", "en/"])
def test_a_schools_shortfall_in_words_is_the_figure_its_table_gives(built_site, edition):
    """The sentence under a school's verdict names each shortfall with the figure of its table's 缺口 column, not a
    rounder one (3,510.20 m², not 3,510)."""
    _, site = built_site
    label = "Gap" if edition else "缺口"
    said = 0
    for page in (site / edition / "schools").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        cells = {html.unescape(c).split()[0] for c in re.findall(rf'data-label="{label}">([^<]+)</td>', text)}
        for sentence in re.findall(r"<strong>(?:缺口|Gaps)</strong>[:：]\s*(.+?)</p>", text):
            for figure in re.findall(r"\d[\d,]*(?:\.\d+)?", html.unescape(re.sub(r"<[^>]+>", "", sentence))):
                said += 1
                assert figure in cells, (page, figure, sorted(cells))
    assert said > 0


def test_downloads(built_site):
    _, site = built_site
    d = site / "downloads"
    for kind, name in (("inputs", "schools"), ("outputs", "balance")):
        raw = (d / kind / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows and all(r["illustrative_note"].startswith("示例数据") for r in rows)
        wb = openpyxl.load_workbook(d / kind / f"{name}.xlsx")
        assert wb.sheetnames[0] == "说明" and "示例数据" in wb["说明"]["A1"].value
        for row in wb["数据"].iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    pkg = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["illustrative"] is True and len(pkg["resources"]) >= 30
    with zipfile.ZipFile(d / "junheng-data.zip") as z:
        names = z.namelist()
        assert {"README.md", "LICENSE.txt", "datapackage.json"} <= set(names)
        assert "示例数据" in z.read("README.md").decode("utf-8")
    html = (site / "downloads/index.html").read_text(encoding="utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Dataset" and "示例数据" in ld["description"]
    assert "GB/T 7714" in html and "APA" in html
    assert "学校标识码" in html          # the data dictionary, from the schemas


def test_feed_is_atom(built_site):
    _, site = built_site
    root = ElementTree.fromstring((site / "feed.xml").read_bytes())
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    releases = [e for e in entries if ":release:" in e.find("{http://www.w3.org/2005/Atom}id").text]
    assert len(releases) == 5 and "示例数据" in releases[0].find("{http://www.w3.org/2005/Atom}summary").text
    assert all("示例数据" in e.find("{http://www.w3.org/2005/Atom}summary").text for e in entries)


def test_method_page_lists_every_threshold_with_source(built_site, sample_validated):
    _, site = built_site
    html = (site / "method/index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    for src in set(sample_validated.tables["standards"]["source"]):
        assert str(src).replace("&", "&amp;").replace("“", "“")[:20] in html


def test_failed_build_leaves_previous_site(built_minimal, tmp_path):
    from pipeline.site import build

    out = copy_build(built_minimal, tmp_path / "out")
    before = tree_hash(out / "site")
    bad = tmp_path / "bad.yml"
    from pipeline.site.project import DEFAULT_CONFIG

    bad.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), encoding="utf-8")
    with pytest.raises(Exception):
        build(validate(MINIMAL), out, config_file=bad)
    assert tree_hash(out / "site") == before
    assert not list(out.glob(".staging-*"))


def test_charts_are_valid_vega_lite(minimal_site):
    """The build skips Altair's per-chart validation for speed; every chart kind is validated here instead."""
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    site, pages = minimal_site
    kinds = {}
    for text in pages.values():
        for cid, spec in re.findall(r'id="chart-([^"]+)".*?<script type="application/json">(.*?)</script>', text, re.S):
            kind = re.sub(r"\d+|primary|junior", "", cid)
            kinds.setdefault(kind, json.loads(spec))
    assert len(kinds) >= 5, kinds.keys()
    for kind, spec in kinds.items():
        jsonschema.validate(spec, schema)


@pytest.mark.parametrize("title", [
    "Multimedia classrooms of each junior secondary unit, 2025 (rooms per 100 students)",
    "桓台县第一中学附属初中（示例） (junior secondary): the seven indicators over time",
    "桓台县第一中学附属初中（示例）（初中）七项指标的变化",
    "索镇第一小学（示例）（小学）七项指标的变化", "R1 差异系数的变化（2021—2025）", "长" * 80, "Suǒzhèn " * 12, "Suǒzhèn" * 12])
def test_a_long_chart_title_is_broken_into_even_lines_between_words(title):
    """A chart's title wider than a phone is set in lines (Vega-Lite's list of lines): they give the title back, none
    is over the limit (but a single word longer than it), a Latin word or a short bracketed group is never cut, and a
    title that fits stays one string."""
    from pipeline.site.charts import CONFIG, TITLE_WIDTH, title_lines

    def width(text):       # the estimate: a Chinese character one em, any other character 0.6 em, a space 0.3 em
        return sum(1 if "\u2e80" <= c <= "\uffef" else 0.3 if c == " " else 0.6 for c in text.rstrip()) * CONFIG["title"]["fontSize"]

    lines = title_lines(title)
    if width(title) <= TITLE_WIDTH or " " not in title and "\u2e80" > title[0]:      # it fits, or it is one word
        assert lines == title
        return
    assert isinstance(lines, list) and len(lines) >= 2 and "".join(lines) == title
    for a, b in zip(lines, lines[1:]):
        assert not (re.search(r"[A-Za-zǎǒè]$", a) and re.match(r"[A-Za-zǎǒè]", b)), (a, b)      # no word cut
        assert not a.endswith(("（", "（示", "（示例")), (a, b)
    assert all(width(line) <= TITLE_WIDTH for line in lines if " " in line.strip() or len(line) > 1 and "\u2e80" <= line[0])
    assert max(map(width, lines)) - min(map(width, lines)) < TITLE_WIDTH / 2 or len(lines) > 2      # even, no orphan


def test_reused_trend_charts_equal_altairs_own(minimal_site):
    """School trend charts after the first are copied from one Altair spec with their data swapped in
    (charts._reuse); each must equal the spec Altair itself builds from the same data and title."""
    import pandas as pd

    from pipeline.site.charts import _ratio_trend_spec, trend_labels

    site, pages = minimal_site
    checked = 0
    for text in pages.values():
        for cid, title, spec in re.findall(r'id="chart-(school-[^"]+)">\s*<figcaption><strong>(.*?)</strong>.*?'
                                           r'<script type="application/json">(.*?)</script>', text, re.S):
            spec = json.loads(spec)
            lines = spec["title"] if isinstance(spec["title"], list) else [spec["title"]]
            assert "".join(lines) == html.unescape(title), cid
            data = [v for v in spec["datasets"].values() if v and "indicator" in v[0]]
            assert len(data) == 1, cid
            d = pd.DataFrame(data[0])[["year", "indicator", "pct", "status"]]
            years = sorted(d["year"].unique().tolist())
            floor = max(r["p"] for v in spec["datasets"].values() for r in v if "p" in r and r["p"] != 100) / 100
            d, top = trend_labels(d, floor)
            assert spec == _ratio_trend_spec(d, html.unescape(title), years, floor, "zh", top), cid
            checked += 1
    assert checked >= 4


def test_a_chart_shape_is_kept_in_the_build_cache_and_read_back_the_same(tmp_path, monkeypatch):
    """A trend chart's shape built through Altair once is kept in the build cache; a later build (another process: the
    in-memory copies are gone) reads it back instead of asking Altair again, and gets Altair's own spec. A damaged entry
    is made again, and the key changes with the county's translations."""
    import pandas as pd

    from pipeline.i18n import term, use_translations
    from pipeline.site import charts

    def school(years, pcts):
        return pd.DataFrame([{"year": y, "indicator": f"R{i + 1}", "pct": p + y % 7, "status": "达标" if p >= 100 else "未达标"}
                             for y in years for i, p in enumerate(pcts)])

    # two shapes: three years up to 140%, two years up to 120%
    frames = [school([2023, 2024, 2025], [90, 120, 130]), school([2024, 2025], [80, 110, 100]),
              school([2023, 2024, 2025], [101, 99, 131]), school([2024, 2025], [70, 115, 105])]
    made = []
    altair_spec = charts._ratio_trend_spec
    monkeypatch.setattr(charts, "_ratio_trend_spec", lambda *a, **k: made.append(1) or altair_spec(*a, **k))
    monkeypatch.setattr(charts, "_MEMO", tmp_path / "charts")

    def specs():
        monkeypatch.setattr(charts, "_SHAPES", {})
        made.clear()
        return [charts.ratio_trend(f"c{i}", d, f"学校{i}的指标", "", 0.85, lang=lang).spec
                for lang in ("zh", "en") for i, d in enumerate(frames)]

    first = specs()
    kept = sorted((tmp_path / "charts").glob("shape-*.json"))
    assert len(made) == len(kept) == 4                        # two shapes in each language
    assert specs() == first and made == []
    kept[0].write_text('{"spec": "{', encoding="utf-8")
    assert specs() == first and made == [1]
    kept[0].write_text('{"spec": "{\\"a\\": 1}", "name": ""}', encoding="utf-8")    # no data name to swap: made again
    assert specs() == first and made == [1]
    assert json.loads(kept[0].read_text(encoding="utf-8"))["name"]
    for k, spec in enumerate(first):                                         # each is Altair's own
        lang, i = ("zh", "en")[k // 4], k % 4
        labelled, top = charts.trend_labels(frames[i].assign(status=frames[i]["status"].map(lambda s: term(s, lang))), 0.85)
        assert spec == altair_spec(labelled, f"学校{i}的指标", sorted(frames[i]["year"].unique().tolist()), 0.85, lang, top)

    shape = ("ratio_trend", (2024, 2025), 0.85, "en", 120)
    try:
        before = charts._shape_key(shape)
        use_translations(pd.DataFrame({"zh": ["体育场馆"], "en": ["Sports venues"]}))
        assert charts._shape_key(shape) != before
    finally:
        use_translations(None)


def test_trend_end_labels_stand_apart_near_their_lines_inside_the_plot(minimal_site):
    """Two of a school's indicators that end the trend at about the same share printed their labels one over the other
    (R1 over R3 at 121% and 122%). Each end label is now at least LABEL_GAP px from the next, inside the plot, and as
    near its own line's end as that allows: where the ends are far apart, exactly at it."""
    import pandas as pd

    from pipeline.site.charts import LABEL_GAP, TREND_HEIGHT, trend_labels

    def labels(ends: dict, floor=0.85):
        d = pd.DataFrame([dict(year=y, indicator=k, pct=v if y == 2025 else 50.0, status="达标")
                          for k, v in ends.items() for y in (2024, 2025)])
        out, top = trend_labels(d, floor)
        last = out[out["year"] == 2025].set_index("indicator")
        assert out.loc[out["year"] == 2024, "label_y"].isna().all()         # a label for the last year only
        return {k: y / top * TREND_HEIGHT for k, y in last["label_y"].items()}, top

    apart, top = labels({"R1": 160.0, "R2": 40.0, "R3": 100.0})
    assert top == 160 and apart == pytest.approx({"R1": 260, "R2": 65, "R3": 162.5})       # far apart: at their ends
    close, top = labels({"R1": 121.0, "R3": 122.0, "R5": 30.0})
    assert top == 140
    assert close["R3"] - close["R1"] == pytest.approx(LABEL_GAP)                            # apart, lower end lower
    assert (close["R1"] + close["R3"]) / 2 == pytest.approx((121 + 122) / 2 / 140 * TREND_HEIGHT)    # centred on the ends
    assert close["R5"] == pytest.approx(30 / 140 * TREND_HEIGHT)
    crowd, top = labels({f"R{i}": 99.5 + i / 10 for i in range(1, 8)})       # seven ends at the top: all inside
    ys = sorted(crowd.values())
    assert max(ys) <= TREND_HEIGHT and min(ys) >= 0
    assert all(b - a >= LABEL_GAP - 1e-9 for a, b in zip(ys, ys[1:]))
    no_data, _ = labels({"R1": float("nan"), "R2": 80.0})
    assert math.isnan(no_data["R1"]) and no_data["R2"] == pytest.approx(0.8 * TREND_HEIGHT)     # no value: no label

    site, pages = minimal_site                       # and in every school's trend chart the site draws
    seen = 0
    for text in pages.values():
        for spec in re.findall(r'id="chart-school-[^"]+">.*?<script type="application/json">(.*?)</script>', text, re.S):
            spec = json.loads(spec)
            rows = next(v for v in spec["datasets"].values() if v and "indicator" in v[0])
            last = max(r["year"] for r in rows)
            top = next(layer["encoding"]["y"]["scale"]["domain"][1] for layer in spec["layer"] if "scale" in layer["encoding"]["y"])
            ys = sorted(r["label_y"] / top * TREND_HEIGHT for r in rows if r["year"] == last and r["pct"] is not None)
            assert ys and 0 <= ys[0] and ys[-1] <= TREND_HEIGHT
            assert all(b - a >= LABEL_GAP - 1e-9 for a, b in zip(ys, ys[1:]))
            assert max(r["pct"] for r in rows if r["pct"] is not None) <= top
            seen += 1
    assert seen >= 4


def test_chart_font_subset_gives_the_same_svg(tmp_path, minimal_site):
    """Static SVGs are rendered with a subset of the chart font (chartfont): one chart of each kind must come out
    byte for byte as rendering with the installed font gives it, and the subset must hold every character."""
    import vl_convert

    from pipeline.site import chartfont
    from pipeline.site.workers import make_chart_font

    files = chartfont.sources()
    assert files is not None, "Noto Sans CJK (Debian fonts-noto-cjk, installed by .ci/run) is needed to build the charts"
    _, pages = minimal_site
    kinds = {}
    for text in pages.values():
        for cid, spec in re.findall(r'id="chart-([^"]+)".*?<script type="application/json">(.*?)</script>', text, re.S):
            kinds.setdefault(re.sub(r"\d+|primary|junior", "", cid), json.loads(spec))
    assert len(kinds) >= 5
    specs = list(kinds.values())
    full = [vl_convert.vegalite_to_svg(spec) for spec in specs]
    folder = str(tmp_path / "font")
    # before the subset is finished (a job picked up early), a chart goes through the full font
    assert chartfont.covered(folder) is None and chartfont.render(specs[0], folder) == full[0]
    chars = chartfont.chars_of(*(json.dumps(s, ensure_ascii=False) for s in specs))
    for weight, path in sorted(files.items()):
        make_chart_font(weight, path, chars, folder)
    have = chartfont.covered(folder)
    for spec, svg in zip(specs, full):
        assert set(json.dumps(spec, ensure_ascii=False)) <= set(have)
        fast = chartfont.render(spec, folder)
        assert chartfont.FAMILY not in fast
        assert fast == svg
    # a character outside the subset: rendered through the full font, same as ever
    odd = dict(specs[0], title="鑫淼犇")
    assert not set("鑫淼犇") <= set(have)
    assert chartfont.render(odd, folder) == vl_convert.vegalite_to_svg(odd)


def test_item_pages_give_each_profile_its_own_source_and_confidence(minimal_site):
    """G1: the national method (secondary) and the county plan's 任务 2 (official) each under their own requirement."""
    import csv as _csv

    _, pages = minimal_site
    page = html.unescape(re.sub(r"<[^>]+>", "", pages["government.md"]))
    with (MINIMAL / "standards.csv").open(encoding="utf-8") as fh:
        rules = {(r["rule_id"], r["profile"]): r for r in _csv.DictReader(fh)}
    national, county = rules[("G1", "national")], rules[("G1", "county")]
    assert national["source"] != county["source"] and national["label"] != county["label"]
    assert f"依据：{national['source']}（可信度：{CONFIDENCE_ZH[national['label']]}）" in page
    assert f"依据：{county['source']}（可信度：{CONFIDENCE_ZH[county['label']]}）" in page


class _Visible(HTMLParser):
    """A page's text as a reader sees it (no script or style)."""

    def __init__(self):
        super().__init__()
        self.skip, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def test_chinese_pages_say_how_firm_each_rule_is_in_chinese(built_site):
    """Every rule's confidence label (official, secondary, unverified) shows beside it in Chinese words. The codes,
    which the tables and downloads keep, are named only on the method page, beside their words, and in the downloads'
    data dictionary."""
    _, site = built_site
    codes = re.compile(r"\b(?:" + "|".join(CONFIDENCE_ZH) + r")\b")
    shown = 0
    for page in _pages(site):
        where = page.relative_to(site).as_posix()
        if where.startswith("en/") or where == "downloads/index.html":
            continue
        reader = _Visible()
        reader.feed(page.read_text(encoding="utf-8"))
        text = " ".join(reader.text)
        if where == "method/index.html":
            assert all(re.search(f"{words}.{{0,12}}{code}", text) for code, words in CONFIDENCE_ZH.items()), text[:400]
        else:
            assert not codes.search(text), (where, codes.findall(text)[:3])
            # said as what it is, not a bare "转载或培训材料" under a requirement (a phone shows no column heading)
            for words in CONFIDENCE_ZH.values():
                assert text.count(words) == text.count(f"可信度：{words}"), (where, words)
        shown += sum(text.count(words) for words in CONFIDENCE_ZH.values())
    assert shown > 30


def test_a_cached_chart_follows_the_countys_translations(tmp_path):
    """A chart's spec kept in the build cache is not served once the county's translations (read by term()) change."""
    import pandas as pd

    from pipeline.i18n import use_translations
    from pipeline.site import charts

    df = pd.DataFrame({"year": [2024, 2025], "town": ["某镇", "某镇"], "cv": [0.41, 0.39], "threshold": [0.5, 0.5],
                       "status": ["达标", "达标"]})
    charts.use_cache(tmp_path)
    try:
        made = []
        for en in ("Mou Town", "Mou Township", "Mou Township"):
            use_translations(pd.DataFrame({"zh": ["某镇"], "en": [en], "note": [""]}))
            made.append(charts.cv_lines("cv-town", df, "CV", "summary", series="town", series_title="Town", lang="en"))
        assert list(made[0].data["town"]) == ["Mou Town"] * 2
        assert list(made[1].data["town"]) == ["Mou Township"] * 2 and "Mou Township" in json.dumps(made[1].spec)
        assert made[2].spec == made[1].spec and len(list(tmp_path.glob("*.json"))) == 2     # the same words: read back
    finally:
        charts.use_cache(None)
        use_translations(None)


def test_a_cached_workbook_follows_the_tables_field_descriptions(tmp_path, monkeypatch):
    """A workbook kept in the build cache is not served once its table's field descriptions change (a county may
    describe its fields in a schema of its own)."""
    from pipeline.site import downloads
    from pipeline.site.workers import resolve

    v = validate(MINIMAL)
    out = compute_tables(v.tables)
    meta = make_state(v, out, None).meta

    def towns_sheet(files):
        wb = openpyxl.load_workbook(io.BytesIO(resolve(files)["downloads/inputs/towns.xlsx"]))
        return [[c.value for c in row] for row in wb["字段说明"].iter_rows()]

    first = towns_sheet(downloads.build(v.tables, out, meta, tmp_path)[0])
    fields = downloads.schema_fields
    changed = lambda name, kind: [dict(f, description="本县自己的说明") for f in fields(name, kind)] if name == "towns" else fields(name, kind)
    monkeypatch.setattr(downloads, "schema_fields", changed)
    second = towns_sheet(downloads.build(v.tables, out, meta, tmp_path)[0])
    assert first != second and all(row[3] == "本县自己的说明" for row in second[1:] if row[0] != downloads.NOTE_COL)
    assert len(list(tmp_path.iterdir())) > 2          # both were made through the cache


def test_a_compiled_template_is_reused_only_for_the_same_text_and_options(tmp_path):
    """The build cache keeps each template compiled (pipeline/site/compiled.py): a later build, made in another
    staging folder, reuses it; a changed template or a changed option is compiled anew, never served stale."""
    import jinja2

    from pipeline.site import compiled

    class Counted(jinja2.Environment):
        made = 0

        def compile(self, *a, **k):
            Counted.made += 1
            return super().compile(*a, **k)

    def render(folder, text, **options):
        (folder / "page.md.j2").parent.mkdir(parents=True, exist_ok=True)
        (folder / "page.md.j2").write_text(text, encoding="utf-8")
        env = compiled.attach(Counted(loader=jinja2.FileSystemLoader(folder), autoescape=True, **options), tmp_path / "cache")
        return env.get_template("page.md.j2").render(name="<b>")

    def fresh(text, **options):            # the same template compiled by Jinja itself, with no cache
        return jinja2.Environment(autoescape=True, **options).from_string(text).render(name="<b>")

    text = "{% if name %}\n  名称：{{ name }}\n{% endif %}\n"
    first = render(tmp_path / "staging-1", text)
    assert Counted.made == 1 and first == fresh(text) == "\n  名称：&lt;b&gt;\n"
    assert render(tmp_path / "staging-2", text) == first and Counted.made == 1       # another folder: reused
    assert render(tmp_path / "staging-3", text + "完") == fresh(text + "完") != first and Counted.made == 2   # new text
    trimmed = render(tmp_path / "staging-4", text, trim_blocks=True, lstrip_blocks=True)    # new options
    assert trimmed == fresh(text, trim_blocks=True, lstrip_blocks=True) != first and Counted.made == 3
    assert len(list((tmp_path / "cache").iterdir())) == 3


def test_milestones_show_their_own_status_and_whether_their_date_has_passed(built_site, sample_validated):
    """The milestones, on the home page and the tasks page, say 未开始 / 进行中 / 已完成 (a milestone is not a standard,
    so never 达标); one not done by the release date of the data (not the wall clock) is marked as past its date."""
    from pipeline.indicators.ledger import as_of

    _, site = built_site
    today = as_of(sample_validated.tables)
    ms = sample_validated.tables["milestones"].sort_values("due", kind="stable")
    home = (site / "index.html").read_text(encoding="utf-8")
    tasks = (site / "tasks" / "index.html").read_text(encoding="utf-8")
    listed = tasks[tasks.index('id="时间节点"'):tasks.index('id="各项任务"')]
    for cells in (re.findall(r'<td data-label="状态">(<span class="jh-status jh-status--(\w+)">(.*?)</span>)([^<]*)</td>', home),
                  re.findall(r'(<span class="jh-status jh-status--(\w+)">(.*?)</span>)([^<]*)', listed)):
        assert len(cells) == len(ms)
        late = 0
        for (_, kind, word, after), m in zip(cells, ms.to_dict("records")):
            assert word == m["status"] and word != "达标"
            past = m["status"] != "已完成" and str(m["due"]) < today
            late += past
            assert kind == ("ok" if m["status"] == "已完成" else "bad" if past else "wait"), m
            assert ("已过截止日期" in after) == past, m
        assert late >= 1          # the frozen sample has one milestone past its date, so both branches are seen


def test_remediation_entries_name_their_item_and_link_to_where_it_is_explained(built_site):
    """A ledger entry said only "G4" or "R5（小学）"; it now gives the item's name too, linked to the page that explains
    it (an indicator's page, or the item on its part's page), on the ledger and on every school's page, and so do a
    school's checks, a part page's items and its failing schools, in both editions. Every such link leads to a page of the site, and to a place that is on it."""
    from urllib.parse import urljoin, urlparse

    _, site = built_site
    pages = [site / "ledger" / "index.html", site / "en" / "ledger" / "index.html", site / "government" / "index.html",
             site / "en" / "government" / "index.html", site / "quality" / "index.html", site / "en" / "quality" / "index.html",
             *sorted(site.glob("schools/*/index.html")), *sorted(site.glob("en/schools/*/index.html"))]
    short = {"R5": ("体育运动场馆", "Sports grounds and halls")}
    seen, named, anchored = 0, 0, 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        en = "/en/" in page.as_posix()
        if "schools/" in page.as_posix():      # a school's entries: the item heads each; and its checks by item
            entries = re.findall(r'<td data-label="(?:编号|No\.)">[^<]*</td><th scope="row">(.*?)</th>', text)
            entries += re.findall(r'<tr><td>(<a href=.*?)</td>', text)
        else:                       # the ledger's column, a part's items and the schools failing them
            entries = re.findall(r'<td data-label="(?:指标|Indicator|事项|Item)">(.*?)</td>', text)
            entries += re.findall(r'<tr><th scope="row">(<a href="[^"]*#[^"]+">.*?)</th>', text)
            assert entries, page
        for entry in entries:
            href, shown = re.match(r'<a href="([^"]+)">([^<]+)</a>', entry).groups()
            item_id = shown.split()[0]
            assert re.fullmatch(r"[A-Z]\w*", item_id) and len(shown) > len(item_id) + 1, (page, entry)
            url = urlparse(urljoin(page.relative_to(site).as_posix(), href))
            target = site / url.path / "index.html"
            assert target.is_file(), (page, href)
            if url.fragment:
                assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), (page, href)
                assert url.fragment == item_id
                anchored += 1
            if item_id in short:
                assert short[item_id][1 if en else 0] in shown, (page, shown)
                named += 1
            seen += 1
    assert seen > 50 and named >= 2 and anchored >= 2


def test_a_tasks_related_indicators_are_named_and_linked(built_site, sample_validated):
    """The tasks table lists each task's indicators by number (a link to where each is explained, its name in the
    link's title); the task's own section names them in full, each with its verdict. In both editions. (An id the
    outputs do not know, such as a sub-item, stays as written.)"""
    import pandas as pd

    out, site = built_site
    t = sample_validated.tables
    known = {*pd.read_parquet(out / "data" / "county_items.parquet")["item_id"], *(f"R{i}" for i in range(1, 8))}
    subs = {r for r in t["standards"]["rule_id"] if re.fullmatch(r"[A-Z]\d+[a-z]", r) and r[:-1] in known}
    assert subs                                  # the sample has a judged sub-item (G15b)
    known |= subs
    tasks = t["tasks"]
    related = {str(r["task_id"]): [i for i in str(r["items"] or "").split() if i in known] for r in tasks.to_dict("records")}
    assert subs & {i for ids in related.values() for i in ids}
    year = int(t["releases"].sort_values("released_on")["data_year"].iloc[-1])
    judged = t["judged_items"][t["judged_items"]["year"] == year].set_index("item_id")["status"].to_dict()
    assert sum(map(len, related.values())) >= 14
    for page in (site / "tasks" / "index.html", site / "en" / "tasks" / "index.html"):
        text = page.read_text(encoding="utf-8")
        table = text[:text.index("</table>")]
        codes = re.findall(r'<a href="([^"]+)" title="([^"]+)">([A-Z]\w*)</a>', table)
        assert [c[2] for c in codes] == [i for ids in related.values() for i in ids], page
        for sub in subs:                         # a sub-item shows its own judged verdict, never "no data" when judged
            shown = re.findall(rf'>{sub}</a> <span class="jh-status jh-status--\w+">([^<]+)</span>', table)
            assert shown and "无数据" not in shown and "no data" not in shown, (sub, shown)
            if "/en/" not in page.as_posix():
                assert shown == [judged[sub]] * len(shown), (sub, shown)
        assert all(title.startswith(code + " ") and len(title) > len(code) + 1 for _, title, code in codes)
        for task_id, ids in related.items():
            start = text.index(f'id="task-{task_id}"')
            section = text[start:text.index("</details>", start)]
            named = re.findall(r'<li><a href="[^"]+">([A-Z]\w*) [^<]+</a> <span class="jh-status', section)
            assert named == ids, (page, task_id)


class _NamesOutsideLinks(HTMLParser):
    """Each school name a page shows (not in a script, a style or a chart, whose data table lists every school) that is
    not inside a link to that school's page."""

    def __init__(self, names: dict[str, str]):
        super().__init__()
        self.names, self.skip, self.link, self.loose = names, 0, [], []
        self.pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "figure")
        if tag == "a":
            self.link.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "figure")
        if tag == "a" and self.link:
            self.link.pop()

    def handle_data(self, data):
        for m in self.pattern.finditer("" if self.skip else data):
            if not (self.link and self.link[-1].endswith(f"schools/{self.names[m.group()]}/")):
                self.loose.append(m.group())


def test_a_verdicts_reasons_and_an_items_evidence_link_each_school_they_name(built_site, sample_validated):
    """"未达标：某某小学" on the home page or a part page: the school is a link to its page, in both editions."""
    schools = sample_validated.tables["schools"]
    names = {n: str(s) for n, s in zip(schools["school_name"], schools["school_id"])
             if (schools["school_name"] == n).sum() == 1}
    _, site = built_site
    linked = 0
    for edition in ("", "en/"):
        for page in ("", "government/", "resources/", "quality/"):
            text = (site / f"{edition}{page}index.html").read_text(encoding="utf-8")
            article = text[text.index("<article"):text.index("</article>")]
            reader = _NamesOutsideLinks(names)
            reader.feed(article)
            assert not reader.loose, (edition + page, reader.loose[:3])
            linked += len(re.findall(r'href="(?:\.\./)*schools/\d+/"', article))
    assert linked > 10
    # the home page's reasons name items too ("G4 学校规模（小学、初中）：未达标"): each a link to its place
    for edition, heading in (("", "哪些没有达标，为什么"), ("en/", "What is not met, and why")):
        text = (site / f"{edition}index.html").read_text(encoding="utf-8")
        text = text[text.index("<article"):]
        why = text[text.index(heading):]
        why = why[:why.index("<h2", 10)]
        items = re.findall(r'<a href="([a-z]+/#([GQ]\d+)|[a-z]+/)">([GQ]\d+) ', why)
        assert items and all(page.endswith(f"#{code}") for page, _, code in items if page.startswith("government")), items
        unlinked = re.sub(r"<a [^>]*>.*?</a>", "", why)
        assert not re.search(r"(?<![\w#])[GQ]\d+ ", html.unescape(re.sub(r"<[^>]+>", "", unlinked))), edition


def test_a_name_two_schools_share_is_left_unlinked_and_the_longest_name_is_taken():
    """Site.linked on sentences the tool writes: schools by unique name (the longest that fits), text escaped as any
    text of the page, and an indicator's CV to its page."""
    import pandas as pd

    from conftest import NoJobs

    v = validate(MINIMAL)
    state = make_state(v, compute_tables(v.tables), None)
    site = Site(state, NoJobs())
    site.schools = pd.DataFrame({"school_name": ["城关小学", "城关小学分校", "实验中学", "实验中学", "<b>*x*</b>"]},
                                index=["1", "2", "3", "4", "5"])
    out = str(site.linked("未达标：城关小学分校、城关小学；实验中学；<b>*x*</b>", "../"))
    assert out == ('未达标：<a href="../schools/2/">城关小学分校</a>、<a href="../schools/1/">城关小学</a>；实验中学；'
                   f'<a href="../schools/5/">{md("<b>*x*</b>")}</a>')
    assert site.linked("", "../") == "" and site.linked(None, "../") is None
    # a CV above its limit names its indicator's page; English too
    assert str(site.linked("小学 R5 差异系数 0.523（上限 0.50）", "")) == '小学 <a href="resources/R5/">R5 差异系数</a> 0.523（上限 0.50）'
    en = Site(state, NoJobs(), lang="en")
    assert str(en.linked("primary R5 CV 0.523 (limit 0.50)", "../")) == 'primary <a href="../resources/R5/">R5 CV</a>' + str(md(" 0.523 (limit 0.50)"))


def test_an_items_requirement_names_every_further_condition_its_verdict_checks(built_site, sample_validated, sample_outputs):
    """G4's requirement is not just ≤ 2,000 when a through-train school may have 2,500; G11's not just ≥ 10% when the key
    teachers' share must also reach 20%: each item's requirement names every further condition of standards.csv (its
    dotted rules that compare, its lettered sub-items), in both editions; the English one in English."""
    from pipeline.indicators.county import PART_OF

    std = sample_validated.tables["standards"]
    ci = sample_outputs["county_items"]
    seen = 0
    for r in ci.drop_duplicates(["profile", "item_id"]).itertuples():
        further = std[(std["profile"] == r.profile) & (std["rule_id"].str.fullmatch(re.escape(r.item_id) + r"(\.\w+|[a-z])"))
                      & std["comparator"].isin([">=", "<=", ">", "<", "judged"])]
        for c in further.itertuples():
            seen += 1
            assert c.name in r.requirement, (r.item_id, c.rule_id, r.requirement)
            if c.comparator != "judged":
                assert re.search(rf"{re.escape(c.name)} [≥≤<>] {float(c.threshold):g}", r.requirement.replace(",", "")), r.requirement
    assert seen >= 5
    _, site = built_site
    for part, letter in (("government", "G"), ("quality", "Q")):
        zh = html.unescape((site / part / "index.html").read_text(encoding="utf-8"))
        en = html.unescape((site / "en" / part / "index.html").read_text(encoding="utf-8"))
        cells = re.findall(r'data-label="[^"]*: requirement">(.*?)<br>', en)
        assert cells and not any(re.search(r"[\u4e00-\u9fff]", c) for c in cells), cells
        for req in ci[ci["part"] == PART_OF[letter]]["requirement"]:            # B1 too, on the government page
            assert req in zh


def test_counts_and_thresholds_are_written_with_thousands_separators(built_site, sample_validated):
    """A number of students, questionnaires or rows reads 2,115 on every page, as the sentences around it write it;
    only a year is written without a separator."""
    from pipeline.indicators import exact
    from pipeline.site.pages import whole

    assert (whole(2115), whole(2115.0), whole(45), whole(None), whole(float("nan"))) == ("2,115", "2,115", "45", "—", "—")
    assert (exact.figure(2000.0), exact.figure(7.5), exact.figure(1e6), exact.figure(0.15)) == ("2,000", "7.5", "1,000,000", "0.15")
    _, site = built_site
    years = {str(y) for y in sample_validated.tables["school_levels"]["year"].unique()}
    bare = {}
    for page in site.rglob("*.html"):
        for cell in re.findall(r'<td class="num"[^>]*>(\d{4,})</td>', page.read_text(encoding="utf-8")):
            if cell not in years:
                bare.setdefault(cell, page)
    assert not bare, list(bare.items())[:5]

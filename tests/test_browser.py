"""Browser tests in headless Chromium (Debian's `chromium`, driven by Playwright) against the built site on localhost."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, served_site):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.outside = []
    pg.errors = []
    host = urlparse(served_site).netloc
    pg.on("request", lambda r: pg.outside.append(r.url) if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != host else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.outside == [], f"requests left localhost: {pg.outside}"
    assert pg.errors == [], pg.errors
    ctx.close()


def test_home_shows_the_verdict(page, served_site):
    page.goto(served_site, wait_until="networkidle")
    text = page.inner_text("article")
    assert "国家标准" in text and "本县目标" in text and "总体" in text
    assert page.locator(".jh-status").count() >= 10
    assert "示例数据" in page.inner_text("body")


def test_a_chart_renders(page, served_site):
    page.goto(served_site + "resources/R5/", wait_until="networkidle")
    page.locator(".jh-vega").first.hover()           # Vega loads when a reader points at a chart
    page.wait_for_selector(".jh-vega[data-rendered] svg", timeout=15000)
    assert page.locator(".jh-vega[data-rendered] svg .mark-rule").count() >= 1     # the threshold line
    assert page.locator(".jh-vega[data-rendered] svg").first.bounding_box()["height"] > 100


def test_search_finds_the_sports_ground_page(page, served_site):
    page.goto(served_site, wait_until="networkidle")
    page.locator('label[for="__search"]:visible').first.click()     # the search icon in the phone header
    page.fill("input.md-search__input", "体育")
    page.keyboard.press("End")          # Material waits for a keyup, which filling Chinese text does not fire
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    assert any("/resources/R5/" in h for h in hrefs[:3]), hrefs[:5]


def test_every_download_link_answers(page, served_site):
    page.goto(served_site + "downloads/", wait_until="networkidle")
    hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
    files = sorted({h for h in hrefs if re.search(r"\.(csv|xlsx|parquet|json|zip|xml)$", h)})
    assert len(files) >= 90
    for h in files:
        with urllib.request.urlopen(h) as r:
            assert r.status == 200 and len(r.read()) > 0, h


def test_school_page_shows_its_gaps(page, served_site):
    page.goto(served_site + "schools/2137032101/", wait_until="networkidle")
    text = page.inner_text("article")
    assert "缺口" in text and "体育场地缺" in text and "R5" in text


def test_every_internal_link_resolves(page, served_site):
    seen, todo, broken = set(), [served_site], []
    while todo and len(seen) < 400:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url) as r:
            if "html" not in r.headers.get("Content-Type", ""):
                continue
            html = r.read().decode("utf-8")
        for ref in re.findall(r'(?:href|src)="([^"#]+)"', html):
            target = urljoin(url, ref)
            if urlparse(target).netloc != urlparse(served_site).netloc:
                continue
            if target.endswith("/") or target.endswith(".html"):
                todo.append(target)
            elif target not in seen:
                seen.add(target)
                try:
                    urllib.request.urlopen(target).close()
                except Exception as e:  # noqa: BLE001
                    broken.append((url, target, str(e)))
    assert not broken, broken[:5]
    assert len(seen) > 100


def test_pages_read_without_javascript(browser, served_site):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(served_site + "schools/2137032101/")
    assert "体育场地缺" in pg.inner_text("body")
    img = pg.locator(".jh-vega img").first
    assert img.get_attribute("src").endswith(".svg")
    assert pg.evaluate("(i) => i.complete && i.naturalWidth > 0", img.element_handle())
    ctx.close()


def test_formulas_render_with_the_vendored_katex(page, served_site):
    page.goto(served_site + "method/", wait_until="networkidle")
    page.wait_for_selector(".arithmatex .katex", timeout=15000)
    assert page.locator(".arithmatex .katex").count() >= 5


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_every_school_page_prints_as_one_a4_page(browser, served_site, built_site):
    _, site = built_site
    ids = sorted(p.parent.name for p in (site / "schools").glob("*/index.html"))
    assert len(ids) >= 40
    pg = browser.new_page()
    for sid in ids:
        pg.goto(served_site + f"schools/{sid}/", wait_until="networkidle")
        assert _pdf_pages(pg.pdf(format="A4", print_background=True)) == 1, sid
    pg.emulate_media(media="print")
    assert pg.locator(".jh-illustrative").is_visible()          # the printed card still says 示例数据
    assert pg.locator(".jh-status").count() >= 1 and not pg.locator(".md-header").is_visible()
    pg.close()


def test_data_dictionary_prints_cleanly(browser, served_site):
    pg = browser.new_page()
    pg.goto(served_site + "downloads/", wait_until="networkidle")
    pages = _pdf_pages(pg.pdf(format="A4"))
    assert 1 < pages < 30
    pg.emulate_media(media="print")
    width = pg.evaluate("document.documentElement.clientWidth")
    widths = pg.eval_on_selector_all("table.jh-table", "ts => ts.map(t => t.getBoundingClientRect().right)")
    assert widths and max(widths) <= width + 1, (max(widths), width)
    pg.close()

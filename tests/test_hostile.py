"""Hostile text in names, notes and evidence shows as plain text everywhere: pages, tooltips, JSON-LD, the feed."""

from __future__ import annotations

import csv
import json
import re
import shutil
from xml.etree import ElementTree

import pytest

from conftest import ARGS, MINIMAL
from pipeline.site.serve import serve_in_background

HOSTILE = [
    "<script>window.__pwned=1</script>",
    "</script><script>window.__pwned=2</script>",
    '"><img src=x onerror="window.__pwned=3">',
    "{{ 7*7 }}{% raw %}{# x #}",
    "| 表格 | 管道 |\n|---|---|",
    "[点我](javascript:window.__pwned=4)",
    "\u202e右到左\u200f标记",
    "长" * 3000,
    "</title><script>window.__pwned=5</script>",
    "<svg onload=window.__pwned=6>",
]


def _edit(path, fn):
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0].keys())
    for i, r in enumerate(rows):
        fn(i, r)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make_hostile(dst):
    shutil.copytree(MINIMAL, dst)
    h = HOSTILE
    _edit(dst / "schools.csv", lambda i, r: r.update(school_name=f"学校{i}{h[i % len(h)]}（示例）") if i < len(h) else None)
    town = "索镇" + h[2]
    _edit(dst / "towns.csv", lambda i, r: r.update(town_name=town) if r["town_name"] == "索镇街道" else None)
    _edit(dst / "schools.csv", lambda i, r: r.update(town=town) if r["town"] == "索镇街道" else None)
    _edit(dst / "remediation.csv", lambda i, r: r.update(town=town, measure="措施" + h[i % len(h)]) if r["town"] == "索镇街道" else
          r.update(measure="措施" + h[i % len(h)]))
    _edit(dst / "task_updates.csv", lambda i, r: r.update(summary="进展" + h[i % len(h)]))
    _edit(dst / "tasks.csv", lambda i, r: r.update(title="任务" + h[i % len(h)]) if i < 5 else None)
    _edit(dst / "judged_items.csv", lambda i, r: r.update(evidence="证据" + h[i % len(h)], judged_by="单位" + h[0]))
    _edit(dst / "milestones.csv", lambda i, r: r.update(title="节点" + h[i % len(h)]))
    _edit(dst / "releases.csv", lambda i, r: r.update(summary="发布" + h[i % len(h)]))
    _edit(dst / "county.csv", lambda i, r: r.update(county_name="桓台县" + h[8], plan_title="方案" + h[1]))
    return dst


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from pipeline.site import build
    from pipeline.validate import validate

    root = tmp_path_factory.mktemp("hostile")
    v = validate(make_hostile(root / "data"))
    assert v.valid, [f.sentence() for f in v.report.errors][:5]
    site = build(v, root / "out")
    httpd, url = serve_in_background(site)
    yield site, url
    httpd.shutdown()


def test_feed_and_json_ld_carry_the_text_literally(hostile_site):
    site, _ = hostile_site
    feed = ElementTree.fromstring((site / "feed.xml").read_bytes())
    text = "".join(feed.itertext())
    assert "<script>window.__pwned=1</script>" in text
    html = (site / "downloads/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1 and "</script" not in blocks[0].lower()
    ld = json.loads(blocks[0])
    assert "</title><script>" in ld["spatialCoverage"]


def test_no_raw_hostile_markup_in_any_html(hostile_site):
    site, _ = hostile_site
    for p in site.rglob("*.html"):
        html = p.read_text(encoding="utf-8")
        for bad in ("<script>window.__pwned", "<img src=x", "<svg onload", 'href="javascript:'):
            assert bad not in html, f"{p}: {bad}"


@pytest.mark.browser
def test_pages_show_hostile_text_as_text_and_run_nothing(hostile_site):
    from playwright.sync_api import sync_playwright
    import os

    site, base = hostile_site
    pages = ["", "schools/", "towns/", "tasks/", "government/", "quality/", "downloads/", "changelog/", "resources/R5/",
             "resources/", "satisfaction/", "method/"]
    pages += [f"schools/{p.parent.name}/" for p in sorted((site / "schools").glob("*/index.html"))]
    pages += [f"towns/{p.parent.name}/" for p in sorted((site / "towns").glob("*/index.html"))]
    exe = os.environ.get("JUNHENG_CHROMIUM") or shutil.which("chromium")
    assert exe, "Debian's chromium is required"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        page = b.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        seen_text = set()
        for path in pages:
            page.goto(base + path, wait_until="networkidle")
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator('img[src="x"]').count() == 0, path
            assert page.locator("svg[onload]").count() == 0, path
            assert page.locator('a[href^="javascript:"]').count() == 0, path
            body = page.inner_text("body")
            seen_text |= {h for h in HOSTILE if h.split("\n")[0] in body}
        # a chart tooltip shows the name as text
        page.goto(base + "resources/R5/", wait_until="networkidle")
        page.locator(".jh-vega").first.hover()
        page.wait_for_selector(".jh-vega[data-rendered] svg", timeout=15000)
        pt = page.locator(".jh-vega[data-rendered] svg path[aria-roledescription='point'], .jh-vega[data-rendered] svg .mark-symbol path").first
        pt.hover()
        page.wait_for_timeout(300)
        tip = page.locator("#vg-tooltip-element")
        assert tip.count() == 1 and "学校" in tip.inner_text()          # the tooltip is shown, as text
        assert page.locator("#vg-tooltip-element img, #vg-tooltip-element script").count() == 0
        assert page.evaluate("window.__pwned") is None
        b.close()
    assert not dialogs
    assert {"<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=3">', "{{ 7*7 }}{% raw %}{# x #}"} <= seen_text

"""Turn output tables into Altair charts: a Vega-Lite spec, a static SVG fallback, its data table and CSV.

Each chart is embedded as inline JSON and rendered by the site's own Vega bundle; the SVG
(made by vl-convert at build time, cached by the spec's hash) shows when JavaScript is off.
Pass and fail are told apart by shape and label as well as colour.

Every encoding is given as a channel object (alt.X("value:Q"), alt.YValue(0)), never as a shorthand string or dict:
Altair turns those through from_dict, which searches all its schema classes again on each call (about 4 ms each;
vega/altair#3547), and gives the same spec.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
from markupsafe import Markup, escape

from .. import inert
from ..indicators import exact
from ..i18n import mark_chinese, term, translations_digest

FONT = "system-ui, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"
# Pass, fail and pending (the same three as --jh-ok/--jh-bad/--jh-wait in junheng.css): blue, red and grey, each
# ≥ 4.5:1 on white and told apart under simulated protanopia, deuteranopia and tritanopia (tests/test_reach.py);
# shapes and labels differ too, so no reader depends on colour alone.
OK, BAD, WAIT = "#1565c0", "#b71c1c", "#616161"
# the words a chart itself shows, by language (its data values go through the glossary, i18n.term)
LABELS = {
    "zh": dict(met="是否达标", school="学校", year="年份", cv="差异系数", limit="上限", level="学段", indicator="指标",
               pct="达到阈值的百分比（%）", pct_tip="达到阈值（%）", threshold="阈值", verdict="结论", rate="满意率",
               rate_pct="满意率（%）", low="区间下限", high="区间上限", low_ref="{} 区间下限（参考）", high_ref="{} 区间上限（参考）"),
    "en": dict(met="Meets?", school="School", year="Year", cv="CV", limit="Limit", level="Level", indicator="Indicator",
               pct="Share of the threshold reached (%)", pct_tip="Of the threshold (%)", threshold="threshold", verdict="Verdict",
               rate="Satisfied", rate_pct="Satisfied (%)", low="Interval low", high="Interval high",
               low_ref="Low end, {} CI", high_ref="High end, {} CI"),
}
CONFIG = {"font": FONT, "axis": {"labelFontSize": 11, "titleFontSize": 12},
          "legend": {"labelFontSize": 11, "orient": "top", "columns": 2, "columnPadding": 20},
          "title": {"fontSize": 14, "anchor": "start"}, "view": {"stroke": None}}
# Plot widths (px) sized for a phone, where most readers see the static SVG: with its labels, title and legends a chart
# is at most about 400 px wide, so on a 360 px screen it is shown at 80% or more of its size and its 11 px text stays
# readable (a 520 px plot made a chart 700 to 900 px wide, its text 4 to 5 px there); a wide screen shows it as it is.
BARS_WIDTH, LINES_WIDTH, TITLE_WIDTH = 200, 260, 330


@dataclass
class Chart:
    chart_id: str          # file-safe id, unique in the site
    title: str
    summary: str           # one sentence in words: what the chart shows
    spec: dict
    data: pd.DataFrame     # the table shown beside it and offered as CSV
    columns: dict          # data column -> Chinese header
    display: dict = field(default_factory=dict)   # data column -> a column of its text for reading (exact.shown), used in
                                                  # the tooltip and the HTML table; the CSV keeps the full value


_MEMO: Path | None = None      # the build cache's folder of chart specs (use_cache), or None: always build


def use_cache(folder: Path | None) -> None:
    global _MEMO
    _MEMO = folder


@functools.cache
def _code() -> str:
    """A digest of what the chart builders run besides their arguments: this module, the number formats
    (indicators/exact.py), inert.py, and the i18n package with its glossary and tables."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in [Path(__file__), root / "indicators" / "exact.py", root / "inert.py", *sorted((root / "i18n").iterdir())]:
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _memo(fn):
    """Keep a chart builder's result in the build cache, keyed by its inputs, the code and words it uses (_code) and
    the county's translations that term() reads, and Altair's, pyarrow's and pandas' versions.

    Altair takes about a quarter of a second a chart (most of it checking each encoding against the Vega-Lite
    schema); an unchanged chart, in a rebuild or in the many builds of the tests, is read back instead: its spec and
    texts as JSON, its data table as Parquet (exact values and types; nothing in the cache is ever executed)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    code = _code()

    @functools.wraps(fn)
    def wrapper(chart_id: str, df: pd.DataFrame, *args, **kw) -> Chart:
        if _MEMO is None:
            return fn(chart_id, df, *args, **kw)
        h = hashlib.sha256(json.dumps([fn.__name__, code, translations_digest(), alt.__version__, pa.__version__, pd.__version__, chart_id,
                                       list(map(str, df.columns)),
                                       list(map(str, df.dtypes)), args, kw], ensure_ascii=False, default=str).encode())
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
        head, table = _MEMO / f"{h.hexdigest()[:32]}.json", _MEMO / f"{h.hexdigest()[:32]}.parquet"
        if head.is_file() and table.is_file():
            try:
                d = json.loads(head.read_text(encoding="utf-8"))
                return Chart(d["chart_id"], d["title"], d["summary"], d["spec"], pq.read_table(table).to_pandas(),
                             d["columns"], d["display"])
            except (OSError, ValueError, KeyError, pa.ArrowException):     # a damaged entry is made again
                pass
        chart = fn(chart_id, df, *args, **kw)
        from .workers import store

        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(chart.data), buf)
        store(table, buf.getvalue())                                  # the table first: the head marks a whole entry
        store(head, json.dumps(dict(chart_id=chart.chart_id, title=chart.title, summary=chart.summary, spec=chart.spec,
                                    columns=chart.columns, display=chart.display), ensure_ascii=False))
        return chart
    return wrapper


def _spec(chart: alt.TopLevelMixin) -> dict:
    # schema validation is done once per chart kind in tests (test_charts_are_valid_vega_lite), not per chart here
    spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    spec["config"] = CONFIG
    if isinstance(spec.get("title"), str):
        spec["title"] = title_lines(spec["title"])
    return spec


_WIDE = re.compile(r"[\u2e80-\uffef]")
# a piece no line breaks inside: a short bracketed group, opening brackets with what follows, closing punctuation
# with what precedes, a word; and the spaces after it
_PIECE = re.compile(r"(?:[（(][^（）()]{1,8}[）)]|[（《“(]*(?:[\u2e80-\uffef]|[^\s\u2e80-\uffef（《“(]+))[）》”)，。、：；,.:;]*\s*|\s+")


def title_lines(title: str, limit: float = TITLE_WIDTH) -> str | list[str]:
    """A chart's title in lines of about LIMIT px or less at the title's font size, as even as they can be (a word, a
    Chinese character or a short bracketed group is never cut), so a long title, an English one above all, does not
    make the chart wider than the phone it is read on. The lines joined give the title back; the figure's caption
    holds it on one line."""
    size = CONFIG["title"]["fontSize"]
    pieces = [(p, sum(size if _WIDE.match(c) else 0.6 * size for c in p.rstrip()) + 0.3 * size * (len(p) - len(p.rstrip())))
              for p in _PIECE.findall(title)]
    total = sum(w for _, w in pieces)
    if total <= limit:
        return title

    def fill(target: float) -> tuple[list[str], list[float]]:
        """Lines of about TARGET px: a piece goes on a line where most of it fits."""
        lines, widths, line, width = [], [], "", 0.0
        for piece, w in pieces:
            if line and width + w / 2 > target:
                lines.append(line)
                widths.append(width)
                line, width = "", 0.0
            line += piece
            width += w
        return [*lines, line], [*widths, width]

    n = int(-(-total // limit))             # the fewest lines, of even width, none over the limit
    while True:
        lines, widths = fill(total / n)
        if (len(lines) <= n and max(widths) <= limit) or n >= len(pieces):
            break
        n += 1
    return lines[0] if len(lines) == 1 else lines


def status_scale(domain=("达标", "未达标"), lang: str = "zh") -> tuple[alt.Scale, alt.Scale]:
    domain = [term(s, lang) for s in domain]
    return (alt.Scale(domain=list(domain), range=[OK, BAD]), alt.Scale(domain=list(domain), range=["circle", "cross"]))


@_memo
def indicator_bars(chart_id: str, df: pd.DataFrame, title: str, unit: str, threshold: float, summary: str,
                   lang: str = "zh") -> Chart:
    """Every unit's value against the threshold (horizontal bars sorted by value, marks shaped by status)."""
    L = LABELS[lang]
    d = df[["school_name", "value", "status"]].copy()
    d["status"] = d["status"].map(lambda s: term(s, lang))
    d["value_text"] = [exact.shown(v, threshold) for v in d["value"]]       # never rounded across the threshold
    order = d.sort_values("value")["school_name"].tolist()
    color, shape = status_scale(lang=lang)
    base = alt.Chart(d).encode(y=alt.Y("school_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)))
    bars = base.mark_bar(opacity=0.35).encode(x=alt.X("value:Q", title=unit),
                                             color=alt.Color("status:N", scale=color, legend=None))
    points = base.mark_point(size=60, filled=True).encode(
        x=alt.X("value:Q"), color=alt.Color("status:N", scale=color, title=L["met"]), shape=alt.Shape("status:N", scale=shape, title=L["met"]),
        tooltip=[alt.Tooltip("school_name:N", title=L["school"]), alt.Tooltip("value_text:N", title=unit),
                 alt.Tooltip("status:N", title=L["met"])])
    rule = alt.Chart(pd.DataFrame({"t": [threshold]})).mark_rule(strokeDash=[4, 3], color="#333").encode(x=alt.X("t:Q"))
    label = alt.Chart(pd.DataFrame({"t": [threshold], "l": [f"{L['threshold']} {exact.figure(threshold)}"]})).mark_text(
        align="left", dx=4, dy=-4, fontSize=11, color="#333").encode(x=alt.X("t:Q"), y=alt.YValue(0), text=alt.Text("l:N"))
    ch = (bars + points + rule + label).properties(width=BARS_WIDTH, height=max(120, 16 * len(d)), title=title)
    return Chart(chart_id, title, summary, _spec(ch), d, {"school_name": L["school"], "value": unit, "status": L["met"]},
                 {"value": "value_text"})


@_memo
def cv_lines(chart_id: str, df: pd.DataFrame, title: str, summary: str, series: str = "level", series_title: str | None = None,
             lang: str = "zh") -> Chart:
    """CVs over the years with each level's limit as a dashed line; points shaped by status."""
    L = LABELS[lang]
    series_title = series_title or L["level"]
    d = df[["year", series, "cv", "threshold", "status"]].dropna(subset=["cv"]).copy()
    d["year"] = d["year"].astype(int)
    d["status"] = d["status"].map(lambda s: term(s, lang))
    d[series] = d[series].map(lambda s: term(s, lang))
    d["cv_text"] = [exact.shown(v, t, 3) for v, t in zip(d["cv"], d["threshold"])]
    color, shape = status_scale(lang=lang)
    years = sorted(d["year"].unique().tolist())
    base = alt.Chart(d).encode(x=alt.X("year:O", title=L["year"], sort=years, axis=alt.Axis(labelAngle=0)))
    line = base.mark_line().encode(y=alt.Y("cv:Q", title=L["cv"]), detail=alt.Detail(f"{series}:N"),
                                   strokeDash=alt.StrokeDash(f"{series}:N", title=series_title))
    pts = base.mark_point(size=70, filled=True).encode(
        # the pass/fail legend below the chart, the series' legend above it: side by side they were too wide for a phone
        y=alt.Y("cv:Q"), color=alt.Color("status:N", scale=color, title=L["met"], legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("status:N", scale=shape, title=L["met"]),
        tooltip=[alt.Tooltip("year:O", title=L["year"]), alt.Tooltip(f"{series}:N", title=series_title),
                 alt.Tooltip("cv_text:N", title=L["cv"]), alt.Tooltip("threshold:Q", title=L["limit"])])
    limits = d[[series, "threshold"]].drop_duplicates()
    rule = alt.Chart(limits).mark_rule(strokeDash=[4, 3], color="#555").encode(y=alt.Y("threshold:Q"), detail=alt.Detail(f"{series}:N"))
    ch = (line + pts + rule).properties(width=LINES_WIDTH, height=260, title=title)
    return Chart(chart_id, title, summary, _spec(ch), d,
                 {"year": L["year"], series: series_title, "cv": L["cv"], "threshold": L["limit"], "status": L["met"]}, {"cv": "cv_text"})


_SHAPES: dict = {}     # chart shape's key (_shape_key) -> (its spec as JSON text, the name of its data in that spec)


def _shape_key(shape: tuple) -> str:
    """A chart shape's key: the shape, the code and words the spec is made from and the county's translations (term()
    reads them), and Altair's version."""
    return hashlib.sha256(json.dumps([shape, _code(), translations_digest(), alt.__version__],
                                     ensure_ascii=False, default=str).encode()).hexdigest()[:32]


def _reuse(shape: tuple, d: pd.DataFrame, title: str, make) -> dict:
    """Altair builds each chart shape once; later charts of the same shape (one per school and level, 4 s of the
    build when each went through Altair) get a copy with their own data and title, the data named as Altair names
    it. `shape` must hold everything but the data and the title that the spec depends on. A shape made once is kept
    in the build cache (its JSON text; nothing there is executed), so a rebuild builds none through Altair.
    tests/test_site.py checks that this gives Altair's own dict for every school."""
    from altair.vegalite.v6.api import _dataset_name

    values = alt.data_transformers.get()(d)["values"]
    name, lines = _dataset_name(values), title_lines(title)
    key = _shape_key(shape)
    stored = _MEMO / f"shape-{key}.json" if _MEMO is not None else None
    if key not in _SHAPES and stored is not None and stored.is_file():
        try:                                   # a damaged entry (no data name, a spec that is not JSON) is made again
            kept = json.loads(stored.read_text(encoding="utf-8"))
            text, first = kept["spec"], kept["name"]
            if isinstance(text, str) and isinstance(first, str) and first and first in text and json.loads(text):
                _SHAPES[key] = (text, first)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    if key not in _SHAPES:
        spec = make()
        if name in spec.get("datasets", {}) and spec.get("title") == lines:
            _SHAPES[key] = (json.dumps(spec, ensure_ascii=False), name)
            if stored is not None:
                from .workers import store

                store(stored, json.dumps({"spec": _SHAPES[key][0], "name": name}, ensure_ascii=False))
        return spec
    text, first = _SHAPES[key]
    spec = json.loads(text.replace(first, name))
    spec["datasets"][name] = values
    spec["title"] = lines
    return spec


def ratio_trend(chart_id: str, df: pd.DataFrame, title: str, summary: str, floor: float, reuse: bool = True,
                lang: str = "zh") -> Chart:
    """A school's seven indicators over the years as a share of their thresholds (100% = met; the floor, P.floor)."""
    L = LABELS[lang]
    d = df[["year", "indicator", "pct", "status"]].copy()
    d["year"] = d["year"].astype(int)
    d["status"] = d["status"].map(lambda s: term(s, lang))
    years = sorted(d["year"].unique().tolist())
    d, top = trend_labels(d, floor)
    make = lambda: _ratio_trend_spec(d, title, years, floor, lang, top)   # noqa: E731
    spec = _reuse(("ratio_trend", tuple(years), floor, lang, top), d, title, make) if reuse else make()
    return Chart(chart_id, title, summary, spec, d, {"year": L["year"], "indicator": L["indicator"], "pct": L["pct"], "status": L["met"]})


TREND_HEIGHT, LABEL_GAP = 260, 11      # px: a trend chart's plot, and the least distance between two end labels (10 px text)


def trend_labels(d: pd.DataFrame, floor: float) -> tuple[pd.DataFrame, float]:
    """The top of a trend chart's scale (a multiple of 20, at least 100% and the floor) and, for the last year, where
    each line's label goes (`label_y`, in the scale's units): beside its line's end, but moved apart where ends are
    close (two indicators at 120% and 121% would print one label over the other), the least distance apart and
    centred on the ends they stand for, inside the plot."""
    top = 20 * math.ceil(max([100, floor * 100, *d["pct"].dropna()]) / 20)
    d = d.copy()
    d["label_y"] = float("nan")
    last = d[(d["year"] == d["year"].max()) & d["pct"].notna()].sort_values(["pct", "indicator"])
    px = last["pct"].to_numpy() / top * TREND_HEIGHT
    groups: list[list[int]] = []                   # runs of labels placed together, lowest first

    def placed(g: list[int]) -> list[float]:
        mid = sum(px[i] for i in g) / len(g)
        low = min(max(mid - LABEL_GAP * (len(g) - 1) / 2, 0), TREND_HEIGHT - LABEL_GAP * (len(g) - 1))
        return [low + LABEL_GAP * k for k in range(len(g))]

    for i in range(len(px)):
        groups.append([i])
        while len(groups) > 1 and placed(groups[-2])[-1] + LABEL_GAP > placed(groups[-1])[0]:
            groups[-2:] = [groups[-2] + groups[-1]]
    ys = [y for g in groups for y in placed(g)]
    d.loc[last.index, "label_y"] = [y / TREND_HEIGHT * top for y in ys]
    return d, top


def _ratio_trend_spec(d: pd.DataFrame, title: str, years: list[int], floor: float, lang: str = "zh", top: float = 100) -> dict:
    L = LABELS[lang]
    color, shape = status_scale(lang=lang)
    y_scale = alt.Scale(domain=[0, top], nice=False)
    base = alt.Chart(d).encode(x=alt.X("year:O", title=L["year"], sort=years, axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(color="#888").encode(y=alt.Y("pct:Q", title=L["pct"], scale=y_scale), detail=alt.Detail("indicator:N"))
    pts = base.mark_point(size=60, filled=True).encode(
        y=alt.Y("pct:Q"), color=alt.Color("status:N", scale=color, title=L["met"]), shape=alt.Shape("status:N", scale=shape, title=L["met"]),
        tooltip=[alt.Tooltip("year:O", title=L["year"]), alt.Tooltip("indicator:N", title=L["indicator"]),
                 alt.Tooltip("pct:Q", title=L["pct_tip"], format=".0f")])
    text = base.transform_filter(alt.datum.year == max(years)).mark_text(align="left", dx=6, fontSize=10).encode(
        y=alt.Y("label_y:Q"), text=alt.Text("indicator:N"))
    rules = alt.Chart(pd.DataFrame({"p": [100, floor * 100], "l": [f"{L['threshold']} 100%", f"{floor * 100:g}%"]})).mark_rule(strokeDash=[4, 3], color="#555").encode(y=alt.Y("p:Q"))
    ch = (line + pts + text + rules).properties(width=LINES_WIDTH, height=TREND_HEIGHT, title=title)
    return _spec(ch)


@_memo
def interval_chart(chart_id: str, df: pd.DataFrame, title: str, threshold: float, summary: str, confidence: float,
                   lang: str = "zh") -> Chart:
    """Satisfaction per year (the verdict is the rate's) with its sampling interval as context, and the threshold."""
    L = LABELS[lang]
    d = df[["year", "rate", "low", "high", "status"]].copy()
    d["year"] = d["year"].astype(int)
    d["status"] = d["status"].map(lambda s: term(s, lang))
    d["rate_text"] = [exact.shown(r, threshold, 1) + "%" for r in d["rate"]]      # never rounds across the threshold
    dom = [term(s, lang) for s in ("达标", "无数据", "未达标")]
    color = alt.Scale(domain=dom, range=[OK, WAIT, BAD])
    shape = alt.Scale(domain=dom, range=["circle", "diamond", "cross"])
    years = sorted(d["year"].unique().tolist())
    base = alt.Chart(d).encode(x=alt.X("year:O", title=L["year"], sort=years, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_rule(strokeWidth=2).encode(y=alt.Y("low:Q", title=L["rate_pct"], scale=alt.Scale(zero=False)), y2=alt.Y2("high:Q"))
    pts = base.mark_point(size=80, filled=True).encode(
        y=alt.Y("rate:Q"), color=alt.Color("status:N", scale=color, title=L["verdict"]), shape=alt.Shape("status:N", scale=shape, title=L["verdict"]),
        tooltip=[alt.Tooltip("year:O", title=L["year"]), alt.Tooltip("rate_text:N", title=L["rate"]),
                 alt.Tooltip("low:Q", title=L["low"], format=".1f"), alt.Tooltip("high:Q", title=L["high"], format=".1f")])
    rule = alt.Chart(pd.DataFrame({"t": [threshold]})).mark_rule(strokeDash=[4, 3], color="#333").encode(y=alt.Y("t:Q"))
    ch = (bars + pts + rule).properties(width=LINES_WIDTH, height=260, title=title)
    level = f"{confidence:.0%}"
    return Chart(chart_id, title, summary, _spec(ch), d,
                 {"year": L["year"], "rate": L["rate_pct"], "low": L["low_ref"].format(level), "high": L["high_ref"].format(level),
                  "status": L["verdict"]},
                 {"rate": "rate_text"})


def renderer_id() -> str:
    """What a static SVG depends on besides its spec: vl-convert's version and the installed chart font it measures
    text with (a cache kept between CI runs must not serve an SVG an older vl-convert or font drew)."""
    import vl_convert

    from .chartfont import sources

    fonts = sorted((w, p.name, p.stat().st_size) for w, p in (sources() or {}).items())
    return json.dumps([vl_convert.__version__, fonts])


class Renderer:
    """Makes each chart's files (SVG, CSV) and its HTML; SVGs are cached across builds by spec hash (and
    renderer_id)."""

    WORDS = {"zh": ("：", "图表数据（表格）", "下载图表数据（CSV）"), "en": (": ", "The chart's data (table)", "Download the chart's data (CSV)")}

    def __init__(self, cache_dir: Path | None, pool=None, font_dir: str | None = None, lang: str = "zh"):
        self.cache_dir = cache_dir
        self.lang = lang
        self.pool = pool              # workers.Pool: render in worker processes; None: here, one by one (INLINE)
        self.font_dir = font_dir      # the chart-font subset's folder (chartfont), or None
        self.files: dict[str, bytes | str] = {}
        self._id = renderer_id() if cache_dir else ""

    def svg(self, spec: dict):
        """The static SVG of a spec: text from the cache, or a pending job (workers.Pending) that caches it."""
        from .workers import INLINE, Pending, render_svg

        key = hashlib.sha256((self._id + json.dumps(spec, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()[:32]
        cached = self.cache_dir / f"{key}.svg" if self.cache_dir else None
        if cached and cached.is_file():
            return cached.read_text(encoding="utf-8")
        return Pending((self.pool or INLINE).submit(render_svg, spec, self.font_dir), cached)

    def html(self, c: Chart, prefix: str) -> Markup:
        """`prefix` is the relative path from the page to the site root."""
        self.files[f"charts/{c.chart_id}.svg"] = self.svg(c.spec)
        table = c.data.rename(columns=c.columns)[list(c.columns.values())]
        self.files[f"charts/{c.chart_id}.csv"] = "\ufeff" + inert.csv_frame(table).to_csv(index=False, lineterminator="\n")
        spec_json = json.dumps(c.spec, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in table.columns)
        # on an English page each run of Chinese (a name) is marked lang="zh-CN" in the caption and the table
        shown_text = (lambda t: mark_chinese(str(t), lambda p: str(escape(p)))) if self.lang == "en" else escape
        shown = c.data[[c.display.get(k, k) for k in c.columns]]
        body = "".join("<tr>" + "".join(f'<td class="num">{escape(v)}</td>' if k in c.display else _td(v, shown_text)
                                        for k, v in zip(c.columns, row)) + "</tr>" for row in shown.itertuples(index=False))
        colon, table_words, csv_words = self.WORDS[self.lang]
        return Markup(
            f'<figure class="jh-chart" id="chart-{escape(c.chart_id)}">\n'
            f'<figcaption><strong>{shown_text(c.title)}</strong><br>{shown_text(c.summary)}</figcaption>\n'
            f'<div class="jh-vega" data-spec="1" data-alt="{escape(c.title + colon + c.summary)}">'
            f'<img src="{prefix}charts/{escape(c.chart_id)}.svg" alt="{escape(c.title + colon + c.summary)}" loading="lazy">'
            f'<script type="application/json">{spec_json}</script></div>\n'
            f'<details><summary>{table_words}</summary><div class="jh-table-wrap" tabindex="0"><table class="jh-table">'
            f'<caption>{shown_text(c.title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>\n'
            f'<p class="jh-muted"><a href="{prefix}charts/{escape(c.chart_id)}.csv" download>{csv_words}</a></p>\n'
            f'</figure>')


def _td(v, text=escape) -> str:
    if isinstance(v, float):
        return f'<td class="num">{v:,.3f}</td>' if abs(v) < 10 else f'<td class="num">{v:,.1f}</td>'
    if isinstance(v, int):
        return f'<td class="num">{v}</td>'
    return f"<td>{text(v)}</td>"

"""Turn the site state into Markdown pages (from Jinja2 templates), chart files, downloads and the Atom feed.

All text from the data is escaped for the context it lands in: HTML-escaped everywhere, and
Markdown-escaped where Markdown is parsed (headings, paragraphs), so a school name can never
become markup, a link or a script.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import inert
from ..indicators import exact
from ..indicators.resources import GAP_UNIT, INDICATORS, LEVELS, SHORT, SHORT_EN, WHOLE_GAPS
from ..indicators.ledger import CLOSABLE, DONE_TOO_EARLY, NO_LEDGER, ON_TRACK, OVERDUE, as_of
from ..indicators.rules import CONFIDENCE_ZH, PROFILE_ZH
from ..schemas import TABLES, load
from . import charts, compiled, downloads
from .context import SiteState
from ..i18n import CJK, glossary, mark_chinese, phrase, term, terms, use_translations
from ..i18n.pinyin import pinyin, spell_all

def plain(text: str) -> str:
    """A title Material can print unescaped (inert.title)."""
    return inert.title(text)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# each part's page: where its items are explained, and where the home page leads
PART_PAGES = {"资源配置": "resources/", "政府保障程度": "government/", "教育质量": "quality/", "社会认可度": "satisfaction/",
              "一票否决": "government/"}
_STATUS_CLASS = {"达标": "ok", "未达标": "bad", "待评估": "wait", "无数据": "wait", "不适用": "wait", True: "ok", False: "bad"}
_UNIT = {"R1": "人/百生", "R2": "人/百生", "R3": "人/百生", "R4": "平方米/生", "R5": "平方米/生", "R6": "元/生", "R7": "间/百生"}
_UNIT_EN = {"R1": "per 100 students", "R2": "per 100 students", "R3": "per 100 students", "R4": "m² per student",
            "R5": "m² per student", "R6": "yuan per student", "R7": "rooms per 100 students"}


def md(text) -> Markup:
    """Any value in any template context: shows exactly as written, starts no Markdown or HTML (inert.site).
    It is the environment's `finalize`, so every {{ … }} goes through it; a Markup value is the tool's own HTML."""
    return text if isinstance(text, Markup) else Markup(inert.site(text))


def _join(items, sep: str = "") -> Markup:
    """Jinja's join, with every item through `md` (the built-in returns Markup that would skip finalize)."""
    return Markup(md(sep)).join(md(i) for i in items)


def badge(status, lang: str = "zh") -> Markup:
    label = {True: "达标", False: "未达标"}.get(status, status) if isinstance(status, bool) else status
    return _word_badge(label, _STATUS_CLASS.get(status, "wait"), lang)


def ledger_badge(check: str, status, lang: str = "zh") -> Markup:
    """A remediation item's check in words, coloured by what it asks of the reader: bad when overdue, closed too early or
    with no ledger item; good when it can be closed or is done and on track; grey while work is in progress. It never
    says 达标: an item in progress is often for an indicator still below its threshold."""
    done = status == "已完成"
    kind = "bad" if check in (OVERDUE, DONE_TOO_EARLY, NO_LEDGER) else "ok" if check == CLOSABLE or done else "wait"
    return _word_badge(check, kind, lang)


def milestone_badge(m: dict, today: str, lang: str = "zh") -> Markup:
    """A milestone's status in its own words (未开始, 进行中, 已完成): good when done, bad when its date has passed by the
    release date of the data (never the wall clock), grey otherwise; a milestone is not a standard, so never 达标."""
    done = m["status"] == "已完成"
    late = not done and str(m["due"]) < today
    badge = _word_badge(m["status"], "ok" if done else "bad" if late else "wait", lang)
    return badge + (Markup(" ") + escape(term("已过截止日期", lang)) if late else "")


def _word_badge(word: str, kind: str, lang: str) -> Markup:
    return Markup(f'<span class="jh-status jh-status--{kind}">{escape(term(word, lang))}</span>')


def num(x, digits: int = 2, vs=None) -> str:
    """A figure for reading; beside its threshold `vs`, with as many digits as it takes to show its side."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) or x is pd.NA:
        return "—"
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return f"{int(x):,}"
    x = float(x)
    if x.is_integer() and abs(x) >= 1000:
        return f"{x:,.0f}"
    if vs is not None and not (isinstance(vs, float) and math.isnan(vs)):
        return exact.shown(x, vs, digits)
    return f"{x:,.{digits}f}"


_GAP_UNIT_EN = {"R1": "teachers", "R2": "key teachers", "R3": "PE and arts teachers", "R7": "multimedia classrooms"}


def whole(x) -> str:
    """A count (students, classes, questionnaires) as a whole number with thousands separators: 2,115, never 2115."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{int(x):,}"


def gap_figure(ind: str, gap) -> str:
    """A school's shortfall on indicator IND as a figure: whole teachers and rooms as whole numbers, areas and money to
    the cent or square metre's hundredth, never rounded down to nothing."""
    return whole(gap) if ind in WHOLE_GAPS else num(gap, vs=0)


def gap_text(ind: str, gap: float, lang: str = "zh") -> str:
    """A school's shortfall on one indicator in words, with the same figure as its table's 缺口 column."""
    if lang == "en":
        if ind in WHOLE_GAPS:
            return f"short of {gap_figure(ind, gap)} {_GAP_UNIT_EN[ind]}"
        if ind == "R6":
            return f"short of {gap_figure(ind, gap)} yuan of equipment"
        return f"short of {gap_figure(ind, gap)} m² of {'teaching floor area' if ind == 'R4' else 'sports grounds'}"
    if ind in WHOLE_GAPS:
        return f"缺 {gap_figure(ind, gap)} {GAP_UNIT[ind]}"
    if ind == "R6":
        return f"设备值缺 {gap_figure(ind, gap)} 元"
    what = "教学及辅助用房" if ind == "R4" else "体育场地"
    return f"{what}缺 {gap_figure(ind, gap)} 平方米"


def params(standards: pd.DataFrame, profile: str = "national") -> dict:
    """The rules a page's text states (6 of 7, the 85% floor, the CV limits, the split weights, the 教学点 cut-off,
    the Q9 level and gap, the survey's threshold and interval level), read from standards.csv as text for reading."""
    from ..indicators.rules import Rules

    rules = Rules(standards)
    g = lambda rid, level="全部": rules.need(rid, profile, level).threshold      # noqa: E731
    t = lambda x: f"{x:g}"                                                      # noqa: E731
    return dict(min_met=t(g("P.min_met")), floor=g("P.floor"), floor_pct=f"{g('P.floor') * 100:g}%",
                cv_primary=f"{g('CV', '小学'):.2f}", cv_junior=f"{g('CV', '初中'):.2f}", tp_cutoff=t(g("P.tp_cutoff")),
                w_junior=t(g("P.w_junior")), w_senior=t(g("P.w_senior")), w_senior_complete=t(g("P.w_senior_complete")),
                n_indicators=len(INDICATORS), s1=t(g("S1")), s1_confidence=f"{g('S1.confidence') * 100:g}%")


def confidence(code: str, lang: str) -> str:
    """A rule's confidence label (official, secondary, unverified) in words: Chinese on the Chinese pages, the
    glossary's English on the English ones."""
    return _marked(term(code, lang), lang) if lang == "en" else CONFIDENCE_ZH.get(code, code)


def prefix_for(path: str) -> str:
    parts = path.split("/")
    depth = len(parts) - 1 + (0 if parts[-1] == "index.md" else 1)
    return "../" * depth


class Site:
    def __init__(self, state: SiteState, pool=None, font_dir=None, lang: str = "zh"):
        self.s = state
        self.lang = lang
        self.t, self.meta = state.tables, state.meta
        self.o = {k: _in_english(df) for k, df in state.outputs.items()} if lang == "en" else state.outputs
        use_translations(self.t.get("translations"))     # the county's own words for the English pages (term)
        self.years = sorted(int(y) for y in self.t["school_levels"]["year"].unique())
        self.year = self.years[-1] if self.years else None
        self.schools = self.t["schools"].set_index("school_id")
        self.pool = pool
        self.renderer = charts.Renderer(state.cache_dir, pool, font_dir, lang)
        self.cache = state.cache_dir.parent if state.cache_dir is not None else None      # the build cache (OUT/cache)
        charts.use_cache(self.cache / "charts" if self.cache is not None else None)
        self.pages: dict[str, str] = {}
        self._spelled: dict | None = None
        self.env = Environment(loader=FileSystemLoader(TEMPLATES / "en" if lang == "en" else TEMPLATES), autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                               finalize=(lambda v: md(_marked(v, "en"))) if lang == "en" else md)
        compiled.attach(self.env, compiled.folder_of(self.cache))
        self.env.filters.update(md=md, num=num, whole=whole, join=_join, term=lambda s: _marked(term(s, lang), lang), capfirst=_capfirst,
                                pinyin=self._pinyin, spelled=self.spelled, confidence=lambda s: confidence(s, lang),
                                phrase=lambda s: _marked(phrase(s, lang), lang), terms=lambda s: _marked(terms(s, lang), lang))
        self.P = params(state.tables["standards"])
        en = lang == "en"
        self.short, self.unit = (SHORT_EN, _UNIT_EN) if en else (SHORT, _UNIT)
        self.env.globals.update(badge=lambda s: badge(s, lang), gap=gap_figure, ledger_badge=lambda c, s: ledger_badge(c, s, lang),
                                milestone_badge=lambda m: milestone_badge(m, self.today, lang), num=num, P=self.P,
                                SHORT=self.short, UNIT=self.unit, PROFILE_ZH={k: term(v, lang) for k, v in PROFILE_ZH.items()})

    def _pinyin(self, name) -> str:
        """A school's, town's or the county's name in pinyin (English pages), all of them spelled once a build or read from
        the cache."""
        if self._spelled is None:
            names = [*self.t["schools"]["school_name"], *self._places]
            self._spelled = spell_all(names, self._places, self.cache)
        if name not in self._spelled:
            self._spelled[name] = pinyin(name, self._places)
        return self._spelled[name]

    def spelled(self, name, br: bool = False) -> Markup:
        """On an English page, a school's name in a sentence, a list or a table is followed by its pinyin (after a line
        break in a table cell: `br`), so a reader of English can say it; nothing on a Chinese page."""
        if self.lang != "en" or not isinstance(name, str) or not name:
            return Markup("")
        return Markup('{}<span class="jh-pinyin" lang="zh-Latn-pinyin">{}</span>').format(Markup("<br>") if br else " ",
                                                                                       md(self._pinyin(name)))

    @functools.cached_property
    def _places(self) -> tuple[str, ...]:
        """The names pinyin splits into proper name and kind: the towns' and the county's."""
        return (*self.t["towns"]["town_name"].astype(str), *([self.meta["county"]] if self.meta.get("county") else []))

    @functools.cached_property
    def today(self) -> str:
        """The release date of the latest data: what "overdue" and "past its date" are judged against, never the clock."""
        return as_of(self.t)

    def county_en(self) -> str:
        """The county's name for English readers: the county's own English (translations.csv), else its pinyin."""
        county = self.meta.get("county") or ""
        own = term(county, "en")
        return own if own != county else (self._pinyin(county) or county)

    def tr(self, zh: str, en: str) -> str:
        """The page code's words in this site's language (both written here, in the repository)."""
        return en if self.lang == "en" else zh

    # ------------------------------------------------------------ helpers
    def render(self, path: str, template: str, page_title: str, **kw) -> None:
        """Render a page; its title goes in front matter as plain text (Material prints titles unescaped)."""
        prefix = prefix_for(path)
        front = "---\ntitle: " + json.dumps(plain(page_title), ensure_ascii=False) + "\n---\n\n"
        self.pages[path] = front + self.env.get_template(template).render(meta=self.meta, year=self.year, years=self.years, prefix=prefix,
                                                                   chart=lambda c: self.renderer.html(c, prefix),
                                                                   item=lambda i, named=True: self.item(i, prefix, named),
                                                                   linked=lambda text: self.linked(text, prefix), **kw)

    @functools.cached_property
    def _linkable(self) -> tuple[re.Pattern | None, dict[str, tuple[str, str]]]:
        """What a sentence the tool wrote may name, each as ("page", path) or ("item", id): every school name that names
        one school only, every item as the reasons name it ("G4 学校规模（小学、初中）") and each indicator's CV
        ("R5 差异系数"). Longest first, so a name inside a longer one is not taken for it."""
        ids: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for sid, name in zip(self.schools.index, self.schools["school_name"]):
            if isinstance(name, str) and len(name.strip()) >= 2:
                ids[name].append(("page", f"schools/{sid}/"))
        for r in self.s.outputs["county_items"].drop_duplicates("item_id").itertuples():     # the names as verdict.py says them
            if self._item_pages.get(r.item_id, (None, None))[1]:
                ids[f"{r.item_id} {term(r.name, self.lang)}"].append(("item", r.item_id))
        for ind in INDICATORS:                         # a CV above its limit: "小学 R5 差异系数 0.523（上限 0.50）"
            ids[f"{ind} {self.tr('差异系数', 'CV')}"].append(("page", f"resources/{ind}/"))
        one = {text: to[0] for text, to in ids.items() if len(set(to)) == 1}
        if not one:
            return None, {}
        return re.compile("|".join(re.escape(n) for n in sorted(one, key=lambda n: (-len(n), n)))), one

    def linked(self, text, prefix: str):
        """A sentence the tool wrote (a verdict's reasons, an item's evidence) as the page shows it, each school and item
        it names a link to its page, so a reader goes from "未达标：某某小学" or "G4 学校规模：未达标" to the figures in one
        step; on an English page a school's name is followed by its pinyin."""
        pattern, target = self._linkable
        if not isinstance(text, str) or not text or pattern is None or isinstance(text, Markup):
            return text
        piece = lambda t: md(_marked(t, self.lang))       # noqa: E731 (as finalize shows any text of this page)
        out, at = [], 0
        for m in pattern.finditer(text):
            kind, to = target[m.group()]               # an item as item() shows it (an English name with its capital)
            out += [piece(text[at:m.start()]), self.item(to, prefix) if kind == "item" else
                    Markup('<a href="{}">{}</a>').format(prefix + to, piece(m.group()))]
            if to.startswith("schools/"):
                out.append(self.spelled(m.group()))
            at = m.end()
        return Markup("").join([*out, piece(text[at:])]) if out else text

    @functools.cached_property
    def _item_pages(self) -> dict[str, tuple[str, str | None]]:
        """Each item a remediation entry can be about, by id: its name in this language, and the page (and the place on
        it) that explains it: an indicator's page, or the item under 依据 on its part's page."""
        out: dict[str, tuple[str, str | None]] = {k: (v, f"resources/{k}/") for k, v in self.short.items()}
        for r in self.o["county_items"].drop_duplicates("item_id").itertuples():
            page = PART_PAGES.get(r.part)
            out.setdefault(r.item_id, (_capfirst(term(r.name, self.lang)), None if page is None else page if r.part == "社会认可度" else
                                       f"{page}#{r.item_id}"))
        st = self.t["standards"].sort_values("profile")          # county before national: the county's own wording
        for rule_id, name in zip(st["rule_id"], st["name"]):
            parent = re.fullmatch(r"([A-Z]\d+)[a-z]", str(rule_id))   # a sub-item (G15b): its own name, explained with its item
            if parent and parent.group(1) in out and rule_id not in out:
                out[rule_id] = (_capfirst(term(name, self.lang)), out[parent.group(1)][1])
        return out

    def item(self, item_id, prefix: str, named: bool = True) -> Markup:
        """An item by number and name (G4 学校规模（小学、初中）), a link to where it is explained; an unknown id as it is.
        Not `named`: the number alone (a list of many), the name in the link's title."""
        name, page = self._item_pages.get(item_id, (None, None))
        text = md(_marked(f"{item_id} {name}" if name and named else str(item_id), self.lang))
        title = f' title="{escape(f"{item_id} {name}")}"' if name and not named else ""
        return Markup(f'<a href="{escape(prefix + page)}"{title}>{text}</a>') if page else text

    def verdict(self, year: int, profile: str) -> pd.DataFrame:
        v = self.o["verdict"]
        return v[(v["year"] == year) & (v["profile"] == profile)].set_index("part")

    def items(self, year: int, part: str) -> pd.DataFrame:
        """One part's items of a year in the method's order (G1 … G15, B1, Q1 …; the table itself is in key order)."""
        from ..indicators.county import item_order

        ci = self.o["county_items"]
        ci = ci[(ci["year"] == year) & (ci["part"] == part)]
        return ci.iloc[sorted(range(len(ci)), key=lambda i: (item_order(ci["item_id"].iloc[i]), ci["profile"].iloc[i]))]

    def rule(self, rule_id: str, profile: str = "national", level: str = "全部") -> dict:
        st = self.t["standards"]
        r = st[(st["rule_id"] == rule_id) & (st["profile"] == profile)]
        if level != "全部":
            r = r[r["level"].isin([level, "全部"])]
        return r.iloc[0].to_dict()

    # ------------------------------------------------------------ pages
    def build(self) -> dict[str, str]:
        if not self.years:           # a county with no school year yet: one honest page instead of empty tables
            self.render("index.md", "empty.md.j2", self.meta["site_name"], tables=[(n, load(n)) for n in TABLES],
                        standards=len(self.t["standards"]))
            return self.pages
        if self.lang == "zh":
            self.downloads_page()  # first: its Excel workbooks are the longest worker jobs, made while the pages are written
        self.home()
        self.resources()
        for ind in INDICATORS:
            self.indicator(ind)
        self.school_pages()
        self.towns()
        for part, path in (("政府保障程度", "government.md"), ("教育质量", "quality.md")):
            self.part_page(part, path, self.tr(part, term(part).capitalize()))
        self.satisfaction()
        self.tasks()
        self.method()
        self.ledger()
        self.releases()
        self.changelog()
        if self.lang == "en":
            self.downloads_en()
            self.about_en()
        return self.pages

    def about_en(self) -> None:
        """The English edition's own pages: the glossary, and what this edition is (and which pages are Chinese only)."""
        self.render("glossary.md", "glossary.md.j2", "Glossary", terms=glossary())
        self.render("guide.md", "guide.md.j2", "Guide to updating the data")
        self.render("about.md", "about.md.j2", "About the English edition")

    def home(self) -> None:
        parts = ["资源配置", "政府保障程度", "教育质量", "社会认可度", "一票否决"]
        links = {**PART_PAGES, "一票否决": "government/#一票否决"}
        verdicts = {p: self.verdict(self.year, p) for p in PROFILE_ZH}
        sv = self.o["school_verdicts"]
        latest = sv[(sv["year"] == self.year) & (sv["profile"] == "national")]
        ms = self.t["milestones"].sort_values("due")
        self.render("index.md", "home.md.j2", self.tr(f"{self.meta['county']}义务教育优质均衡发展监测",
                                                      f"{self.county_en()}: monitoring high-quality balanced compulsory education"),
                    ledger=self.ledger_counts(), parts=parts, links=links, verdicts=verdicts, units_met=int(latest["meets"].sum()),
                    units=len(latest), milestones=ms.to_dict("records"))

    def resources(self) -> None:
        b = self.o["balance"]
        bn = b[b["profile"] == "national"]
        latest = bn[bn["year"] == self.year]
        sv = self.o["school_verdicts"]
        by_year = sv[sv["profile"] == "national"].groupby(["year", "level"])["meets"].agg(["sum", "count"]).reset_index()
        cvs = []
        for level in LEVELS:
            d = bn[bn["level"] == level].copy()
            d["indicator"] = d["indicator_id"].map(lambda i: f"{i} {self.short[i]}")
            worst = latest[latest["level"] == level].sort_values("cv", ascending=False).iloc[0]
            worst_cv = exact.shown(worst['cv'], worst['threshold'], 3)
            cvs.append(charts.cv_lines(
                f"cv-{'primary' if level == '小学' else 'junior'}", d,
                self.tr(f"{level}七项指标的差异系数（{self.years[0]}—{self.year}）",
                        f"CVs of the seven indicators, {term(level)} ({self.years[0]}–{self.year})"),
                self.tr(f"{self.year} 年{level}差异系数最高的是 {worst['indicator_id']}（{worst_cv}，上限 {worst['threshold']:.2f}）。",
                        f"In {self.year} the highest {term(level)} CV is {worst['indicator_id']}'s ({worst_cv}, limit {worst['threshold']:.2f})."),
                series="indicator", series_title=self.tr("指标", "Indicator"), lang=self.lang))
        ex = self.o["exclusions"]
        ex = ex[(ex["year"] == self.year) & (ex["profile"] == "national")].copy()
        ex["school_name"] = ex["school_id"].map(self.schools["school_name"])
        self.render("resources/index.md", "resources.md.j2", self.tr("资源配置", "Resource allocation"), latest=latest.to_dict("records"), by_year=by_year.to_dict("records"),
                    cv_charts=cvs, exclusions=ex.to_dict("records"))

    def indicator(self, ind: str) -> None:
        si = self.o["school_indicators"]
        d = si[(si["indicator_id"] == ind) & (si["profile"] == "national")].copy()
        d["school_name"] = d["school_id"].map(self.schools["school_name"])
        d["status"] = d["meets"].map({True: "达标", False: "未达标"})
        latest = d[d["year"] == self.year]
        b = self.o["balance"]
        bl = b[(b["indicator_id"] == ind) & (b["profile"] == "national")]
        contrib = self.o["balance_contributions"]
        contrib = contrib[(contrib["indicator_id"] == ind) & (contrib["year"] == self.year) & (contrib["profile"] == "national")].copy()
        contrib["school_name"] = contrib["school_id"].map(self.schools["school_name"])
        sections = []
        for level in LEVELS:
            ld = latest[latest["level"] == level].sort_values("value")
            if ld.empty:
                continue
            thr = float(ld["threshold"].iloc[0])
            n_fail = int((~ld["meets"]).sum())
            bar = charts.indicator_bars(
                f"{ind}-{'primary' if level == '小学' else 'junior'}-{self.year}", ld,
                self.tr(f"{self.year} 年各{level}的{SHORT[ind]}（{_UNIT[ind]}）", f"{SHORT_EN[ind]} of each {term(level)} unit, {self.year} ({_UNIT_EN[ind]})"),
                self.unit[ind], thr,
                self.tr(f"{len(ld)} 个{level}学校单位中 {len(ld) - n_fail} 个达到阈值 {exact.figure(thr)}，{n_fail} 个未达到。",
                        f"Of {len(ld)} {term(level)} school units, {len(ld) - n_fail} reach the threshold {exact.figure(thr)} and {n_fail} do not."),
                lang=self.lang)
            drivers = contrib[contrib["level"] == level].sort_values("variance_share", ascending=False).head(5)
            sections.append(dict(level=level, chart=bar, rows=ld.sort_values("school_name").to_dict("records"), threshold=thr,
                                 drivers=drivers.to_dict("records"), cv=bl[(bl["level"] == level) & (bl["year"] == self.year)].iloc[0].to_dict()))
        ends = bl[bl["year"].isin([self.years[0], self.year])].itertuples()
        cv = charts.cv_lines(f"{ind}-cv", bl, self.tr(f"{ind} 差异系数的变化（{self.years[0]}—{self.year}）", f"{ind} CV over time ({self.years[0]}–{self.year})"),
                             self.tr("；".join(f"{r.level} {r.year} 年 {exact.shown(r.cv, r.threshold, 3)}" for r in ends) + "。",
                                     "; ".join(f"{term(r.level)} {r.year}: {exact.shown(r.cv, r.threshold, 3)}" for r in ends) + "."),
                             lang=self.lang)
        name = term(self.rule(ind)["name"], self.lang)
        self.render(f"resources/{ind}.md", "indicator.md.j2", f"{ind} {name}", ind=ind, name=name, rule_p=self.rule(ind, level="小学"),
                    rule_j=self.rule(ind, level="初中"), sections=sections, cv_chart=cv)

    def school_pages(self) -> None:
        si = self.o["school_indicators"]
        si = si[si["profile"] == "national"]
        sv = self.o["school_verdicts"]
        sv = sv[sv["profile"] == "national"]
        checks = self.o["school_checks"]
        checks = checks[(checks["profile"] == "national") & (checks["year"] == self.year)]
        b = self.o["balance"]
        means = b[(b["profile"] == "national") & (b["year"] == self.year)].set_index(["level", "indicator_id"])["mean"]
        ex = self.o["exclusions"]
        ex = ex[(ex["profile"] == "national") & (ex["year"] == self.year)]
        lv = self.t["school_levels"]
        rooms = self.t["special_rooms"]
        # each table split by school once (a school's rows in their table order), not filtered again for every school
        si_of, sv_of = _by_school(si), _by_school(sv)
        checks_of, ex_of, ledger_of = _records_by_school(checks), _records_by_school(ex), _records_by_school(self.o["ledger_checks"])
        lv_of = _records_by_school(lv[lv["year"] == self.year])
        rooms_of = _records_by_school(rooms[rooms["year"] == self.year].sort_values(["room_type", "room_no"], kind="stable"))
        index_rows = []
        for sid, s in self.schools.iterrows():
            mine = si_of(sid)
            parts = []
            for level in LEVELS:
                cur = mine[(mine["level"] == level) & (mine["year"] == self.year)]
                if cur.empty:
                    continue
                v = sv_of(sid)
                verdict = v[(v["level"] == level) & (v["year"] == self.year)].iloc[0]
                rows = [dict(r, mean=means.get((level, r["indicator_id"])), short=self.short[r["indicator_id"]], unit=self.unit[r["indicator_id"]])
                        for r in cur.to_dict("records")]
                gaps = [gap_text(r["indicator_id"], r["gap"], self.lang) for r in rows if not r["meets"]]
                hist = mine[mine["level"] == level].copy()
                hist["pct"] = hist["ratio"] * 100
                hist["indicator"] = hist["indicator_id"]
                hist["status"] = hist["meets"].map({True: "达标", False: "未达标"})
                trend = charts.ratio_trend(f"school-{sid}-{'primary' if level == '小学' else 'junior'}", hist,
                                           self.tr(f"{s['school_name']}（{level}）七项指标的变化",
                                                   f"{s['school_name']} ({term(level)}): the seven indicators over time"),
                                           _trend_summary(hist, self.year, self.lang), floor=self.P["floor"], lang=self.lang)
                parts.append(dict(level=level, rows=rows, verdict=verdict.to_dict(), gaps=gaps, trend=trend))
            facts = sorted(lv_of(sid), key=lambda r: ("小学", "初中", "高中", "特殊教育").index(r["level"]))
            my_checks = checks_of(sid)
            my_rooms = rooms_of(sid)
            left = ex_of(sid)
            items = ledger_of(sid)
            gone = self.not_open(s)
            self.render(f"schools/{sid}.md", "school.md.j2", s["school_name"], sid=sid, s=s.to_dict(), parts=parts, facts=facts, checks=my_checks,
                        ledger=items, rooms=my_rooms, left_out=left, town_code=self._town_code(s["town"]), gone=gone)
            index_rows.append(dict(sid=sid, s=s.to_dict(), parts=parts, left=left, town_code=self._town_code(s["town"]), gone=gone))
        self.render("schools/index.md", "schools.md.j2", self.tr("学校", "Schools"), rows=index_rows)

    def _town_code(self, town: str) -> str:
        if not hasattr(self, "_town_codes"):
            t = self.t["towns"]
            self._town_codes = dict(zip(t["town_name"], t["town_code"]))
        return self._town_codes[town]

    def not_open(self, s) -> str | None:
        """Why a school is not in this year's figures at all, when it is closed (closed_year, its last year with
        students, before this year) or not yet open (opened_year after it); None for a school open this year."""
        closed, opened = s.get("closed_year"), s.get("opened_year")
        if closed is not None and not pd.isna(closed) and int(closed) < self.year:
            return self.tr(f"已撤并（最后有在校生的年份：{int(closed)} 年）", f"closed (last students in {int(closed)})")
        if opened is not None and not pd.isna(opened) and int(opened) > self.year:
            return self.tr(f"尚未开办（{int(opened)} 年开办）", f"not yet open (opens in {int(opened)})")
        return None

    def towns(self) -> None:
        sv = self.o["school_verdicts"]
        sv = sv[(sv["profile"] == "national")]
        overview = []
        for town in self.t["towns"].to_dict("records"):
            ids = self.schools[self.schools["town"] == town["town_name"]].index
            mine = sv[sv["school_id"].isin(ids)]
            trend = mine.groupby("year")["meets"].agg(["sum", "count"]).reset_index().to_dict("records")
            latest = mine[mine["year"] == self.year]
            rows = []
            for sid in ids:
                s = self.schools.loc[sid]
                v = latest[latest["school_id"] == sid]
                rows.append(dict(sid=sid, s=s.to_dict(), verdicts=v.to_dict("records"), gone=self.not_open(s)))
            met, units, open_ = int(latest["meets"].sum()), len(latest), sum(not r["gone"] for r in rows)
            self.render(f"towns/{town['town_code']}.md", "town.md.j2", town["town_name"], town=town, rows=rows, trend=trend,
                        met=met, units=units, outside=sum(not r["verdicts"] and not r["gone"] for r in rows), open=open_)
            overview.append(dict(town=town, schools=open_, met=met, units=units))
        self.render("towns/index.md", "towns.md.j2", self.tr("镇街", "Towns"), overview=overview)

    def part_page(self, part: str, path: str, title: str) -> None:
        items = {p: self.items(self.year, part)[lambda d: d["profile"] == p].to_dict("records") for p in PROFILE_ZH}
        ci = self.o["county_items"]
        hist = ci[ci["part"] == part]
        history = {}
        for r in hist.itertuples():
            history.setdefault((r.item_id, r.name), {})[(r.year, r.profile)] = r.status
        from ..indicators.county import item_order

        history = dict(sorted(history.items(), key=lambda kv: item_order(kv[0][0])))
        checks = self.o["school_checks"]
        checks = checks[(checks["year"] == self.year) & (~checks["meets"].astype(bool))]
        ids = {r["item_id"] for rows in items.values() for r in rows}
        checks = checks[checks["item_id"].isin(ids)]
        vetoes = {p: self.items(self.year, "一票否决")[lambda d: d["profile"] == p].to_dict("records") for p in PROFILE_ZH} if part == "政府保障程度" else None
        self.render(path, "part.md.j2", title, part=part, title=title, items=items, history=history, checks=checks.to_dict("records"),
                    vetoes=vetoes, verdicts={p: self.verdict(self.year, p) for p in PROFILE_ZH})

    def satisfaction(self) -> None:
        ci = self.o["county_items"]
        s1 = ci[(ci["item_id"] == "S1") & (ci["profile"] == "national")].copy()
        rows = []
        from ..indicators.county import wilson

        conf = float(self.rule("S1.confidence")["threshold"])
        sv = self.t["satisfaction"]
        for y in self.years:
            g = sv[sv["year"] == y]
            n, k = int(g["responded"].sum()), int(g["satisfied"].sum())
            if not n:
                continue
            lo, hi = wilson(k, n, conf)
            status = s1[s1["year"] == y]["status"].iloc[0]
            rows.append(dict(year=y, rate=k * 100 / n, low=lo * 100, high=hi * 100, status=status, n=n, sampled=int(g["sampled"].sum())))
        d = pd.DataFrame(rows)
        thr = float(self.rule("S1")["threshold"])
        last = rows[-1]
        rate = exact.shown(last['rate'], thr, 1)
        ch = charts.interval_chart(
            "satisfaction", d, self.tr(f"社会认可度与 {conf:.0%} 置信区间（{self.years[0]}—{self.year}）",
                                       f"Public recognition with its {conf:.0%} confidence interval ({self.years[0]}–{self.year})"), thr,
            self.tr(f"{self.year} 年满意率 {rate}%（结论：{last['status']}），抽样区间 {last['low']:.1f}%—{last['high']:.1f}%（供参考）。",
                    f"In {self.year}, {rate}% satisfied (verdict: {term(last['status'])}); sampling interval "
                    f"{last['low']:.1f}%–{last['high']:.1f}% (for context)."), conf, lang=self.lang)
        groups = sv[sv["year"] == self.year].to_dict("records")
        self.render("satisfaction.md", "satisfaction.md.j2", self.tr("社会认可度", "Public recognition"), sat_chart=ch, rows=rows, groups=groups, threshold=thr, conf=conf,
                    rule=self.rule("S1"))

    def tasks(self) -> None:
        tk = self.t["tasks"].sort_values("task_id")
        up = self.t["task_updates"].sort_values(["task_id", "date"])
        ci = self.o["county_items"]
        ci = ci[(ci["year"] == self.year) & (ci["profile"] == "county")].set_index("item_id")["status"].to_dict()
        b = self.o["balance"]
        bl = b[(b["year"] == self.year) & (b["profile"] == "county")]
        r_status = {ind: ("达标" if (bl[bl["indicator_id"] == ind]["status"] == "达标").all() else "未达标") for ind in INDICATORS}
        ci.update(r_status)
        ji = self.t["judged_items"]      # a judged sub-item (G15b, folded into its item in the outputs): its own verdict
        judged = ji[ji["year"] == self.year].set_index("item_id")["status"].to_dict()
        rows, by_dept = [], defaultdict(list)
        for t in tk.to_dict("records"):
            ups = up[up["task_id"] == t["task_id"]].to_dict("records")
            items = [(i, ci.get(i, judged.get(i, "无数据"))) for i in str(t["items"] or "").split()]
            row = dict(t=t, updates=ups, latest=ups[-1] if ups else None, related=items, depts=[d for d in t["departments"].split("、") if d])
            rows.append(row)
            for d in row["depts"]:
                by_dept[d].append(row)
        ms = self.t["milestones"].sort_values("due").to_dict("records")
        self.render("tasks.md", "tasks.md.j2", self.tr("创建任务", "Tasks of the plan"), rows=rows, by_dept=sorted(by_dept.items(), key=lambda kv: -len(kv[1])), milestones=ms)

    def ledger_counts(self) -> dict:
        lc = self.o["ledger_checks"]
        led = self.t["remediation"]
        return dict(open=int((led["status"] != "已完成").sum()), done=int((led["status"] == "已完成").sum()),
                    overdue=int((lc["check"] == OVERDUE).sum()), no_ledger=int((lc["check"] == NO_LEDGER).sum()),
                    too_early=int((lc["check"] == DONE_TOO_EARLY).sum()), closable=int((lc["check"] == CLOSABLE).sum()))

    def ledger(self) -> None:
        lc = self.o["ledger_checks"]
        names = self.schools["school_name"].to_dict()
        sections = [(c, lc[lc["check"] == c].to_dict("records"), self.tr(*note)) for c, note in (
            (OVERDUE, ("已过完成时限仍未完成的事项，排在最前。", "Items past their deadline and not done, first.")),
            (DONE_TOO_EARLY, ("台账上已完成，但最新数据仍显示缺口，需要核实。",
                              "Done in the ledger, but the latest data still shows a gap: to be checked.")),
            (NO_LEDGER, ("最新数据未达标、但台账中没有对应事项的学校指标。",
                         "School indicators below their threshold in the latest data with no ledger item.")),
            (CLOSABLE, ("最新数据已达标、台账上尚未完成的事项，可以核实后销号。",
                        "Items the latest data shows met but the ledger still has open: they can be checked and closed.")),
            (ON_TRACK, ("按计划推进或已完成的事项。", "Items on schedule or done.")))]
        led = self.t["remediation"]
        w = self.o["watch"]
        towns = w[(w["kind"] == "镇街") & (w["year"] == self.year)].set_index("town")
        by_town = []
        for t in self.t["towns"]["town_name"]:
            mine = lc[lc["town"] == t]
            by_town.append(dict(town=t, n_items=int((led["town"] == t).sum()), open=int(((led["town"] == t) & (led["status"] != "已完成")).sum()),
                                overdue=int((mine["check"] == "逾期").sum()),
                                closed=int(towns.at[t, "gaps_closed"]) if t in towns.index else None,
                                rank=int(towns.at[t, "rank"]) if t in towns.index else None))
        by_town.sort(key=lambda r: (r["rank"] if r["rank"] is not None else 999, r["town"]))
        depts = defaultdict(lambda: dict(n_items=0, open=0, overdue=0))
        overdue_nos = set(lc[lc["check"] == "逾期"]["item_no"])
        for r in led.to_dict("records"):
            for d in str(r["departments"]).split("、"):
                depts[d]["n_items"] += 1
                depts[d]["open"] += r["status"] != "已完成"
                depts[d]["overdue"] += r["item_no"] in overdue_nos
        by_dept = sorted(({"dept": k, **v} for k, v in depts.items()), key=lambda r: (-r["overdue"], -r["open"], r["dept"]))
        flags = w[w["kind"] == "学校指标"].sort_values(["year", "school_id"], ascending=[False, True]).to_dict("records")
        self.render("ledger.md", "ledger.md.j2", self.tr("整改台账", "Remediation ledger"), counts=self.ledger_counts(), sections=sections, names=names,
                    by_town=by_town, by_dept=by_dept, flags=flags, as_of=self.today)

    def method(self) -> None:
        st = self.t["standards"].sort_values(["rule_id", "level", "profile"])
        self.render("method.md", "method.md.j2", self.tr("方法说明", "Method"), rules=st.to_dict("records"))

    def downloads_en(self) -> None:
        """The English downloads page: the Chinese site's files (one set for both), titled and described in English."""
        from ..compute import OUTPUTS
        from ..i18n import column_title_en, description_en, table_title_en

        listing, dictionary = [], []
        for kind, names, frames in (("inputs", TABLES, self.t), ("outputs", OUTPUTS, self.o)):
            for name in names:
                title_en = table_title_en(name) or name
                listing.append(dict(kind=kind, name=name, title_en=title_en, rows=len(frames[name]), base=f"downloads/{kind}/{name}"))
                fields = [dict(name=f["name"], title=f.get("title", ""), type=f["type"], en=column_title_en(name, f["name"]) or f["name"],
                               desc=description_en(name, f["name"]) or "—",
                               required=f.get("constraints", {}).get("required", False)) for f in downloads.schema_fields(name, kind)]
                dictionary.append(dict(name=name, output=kind == "outputs", title_en=title_en, desc=description_en(name) or "", fields=fields))
        zip_size = len(self.s.extra_files.get("downloads/junheng-data.zip", b""))
        self.render("downloads.md", "downloads.md.j2", "Data downloads", listing=listing, dictionary=dictionary, zip_size=zip_size)

    def downloads_page(self) -> None:
        cache = self.cache / "downloads" if self.cache is not None else None
        files, listing = downloads.build(self.t, self.o, self.meta, cache, self.pool)
        self.s.extra_files.update(files)
        dictionary = [dict(name=n, schema=load(n)) for n in TABLES]
        from ..compute import OUTPUTS, output_schema

        out_dict = [dict(name=n, schema=output_schema(n)) for n in OUTPUTS]
        jsonld = {"@context": "https://schema.org/", "@type": "Dataset", "name": self.meta["package_title"],
                  "description": self.meta["package_description"], "version": self.meta["release"],
                  "license": self.meta["licenses"][0].get("path", ""), "inLanguage": "zh-CN",
                  "temporalCoverage": f"{self.years[0]}/{self.year}",
                  "spatialCoverage": f"{self.meta['province']}{self.meta['city']}{self.meta['county']}",
                  "creator": {"@type": "GovernmentOrganization", "name": self.meta["publisher"]},
                  "distribution": [{"@type": "DataDownload", "encodingFormat": "application/zip", "contentUrl": "downloads/junheng-data.zip"}]}
        if self.meta["illustrative"]:
            jsonld["description"] = "示例数据（虚构）。" + jsonld["description"]
        ld = json.dumps(jsonld, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        self.render("downloads.md", "downloads.md.j2", "数据下载", listing=listing, dictionary=dictionary, out_dict=out_dict,
                    zip_size=len(files["downloads/junheng-data.zip"]), jsonld=Markup(ld))

    def releases(self) -> None:
        """The release archive: a page a release, its archived downloads beside it, and the corrections."""
        from ..indicators.verdict import PARTS

        arch = self.s.archive
        current = str(self.t["releases"].sort_values("released_on")["release"].iloc[-1]) if len(self.t["releases"]) else ""
        self.corrections = self.s.corrections
        self.render("releases/index.md", "releases.md.j2", self.tr("历史版本", "Release archive"), rows=arch, current=current,
                    corrections=self.corrections)
        for r in arch:
            verdicts = []
            v = r.outputs.get("verdict")
            if v is not None and len(v):
                mine = v[v["year"] == r.data_year]
                for part in [p for p in (*PARTS, "总体") if p in set(mine["part"])]:
                    by = mine[mine["part"] == part].set_index("profile")["status"].to_dict()
                    verdicts.append((part, {p: by.get(p) for p in PROFILE_ZH}))
            fixes = [c for c in self.corrections if c["published_in"] == r.release]
            notice = (self.tr(f"本页是当前版本 {r.release} 的存档，固定不变；本站其他各页显示的也是这个版本的数据。",
                              f"This page is the archive of the current release, {r.release}, and does not change; the other pages of this "
                              f"site show the same release's figures.") if r.release == current else
                      self.tr(f"本页是 {r.release} 版本发布时的数字，固定不变。当前版本是 {current}，最新的数字见首页。",
                              f"This page keeps the figures as release {r.release} published them, and does not change. The current release "
                              f"is {current}; the home page has the latest figures."))
            self.render(f"releases/{r.release}.md", "release.md.j2", self.tr(f"数据版本 {r.release}", f"Release {r.release}"), r=r,
                        current=current, verdicts=verdicts, profiles=list(PROFILE_ZH), fixes=fixes, notice=notice)
            if self.lang == "zh":      # one copy of the archived files, the Chinese site's; the English pages link to them
                for name, data in r.files.items():
                    self.s.extra_files[f"releases/{r.release}/{name}"] = data

    def changelog(self) -> None:
        rel = self.t["releases"].sort_values("released_on", ascending=False).to_dict("records")
        sv = self.o["school_verdicts"]
        v = self.o["verdict"]
        entries = []
        for r in rel:
            y = int(r["data_year"])
            mine = sv[(sv["year"] == y) & (sv["profile"] == "national")]
            whole = v[(v["year"] == y) & (v["part"] == "总体")].set_index("profile")["status"].to_dict()
            facts = [self.tr(f"学校单位达标 {int(mine['meets'].sum())}/{len(mine)}", f"School units that meet the rule: {int(mine['meets'].sum())}/{len(mine)}")]
            facts += [self.tr(f"{PROFILE_ZH[p]}总体结论：{whole.get(p, '无数据')}",
                              f"Overall verdict, {term(PROFILE_ZH[p])}: {term(whole.get(p, '无数据'))}") for p in PROFILE_ZH]
            fixes = [c for c in self.corrections if c["corrected_in"] == r["release"]]
            entries.append(dict(r, facts=facts, corrections=fixes))
        self.render("changelog.md", "changelog.md.j2", self.tr("更新记录", "Changelog"), entries=entries)
        released = {int(r["data_year"]): r["released_on"] for r in rel}
        names = self.schools["school_name"].to_dict()
        ledger_entries = []
        for r in self.t["remediation"].to_dict("records"):
            who = names.get(r["school_id"], r["town"]) if isinstance(r["school_id"], str) else r["town"]
            if r["opened_year"] in released:
                ledger_entries.append(dict(id=f"{r['item_no']}:opened", date=released[r["opened_year"]], text=r["problem"],
                                           title=self.tr(f"整改事项 {r['item_no']} 立项：{who} {r['item_id']}",
                                                         f"Remediation item {r['item_no']} opened: {who} {r['item_id']}")))
            if r["status"] == "已完成" and isinstance(r["done_on"], str):
                ledger_entries.append(dict(id=f"{r['item_no']}:closed", date=r["done_on"], text=r["measure"],
                                           title=self.tr(f"整改事项 {r['item_no']} 销号：{who} {r['item_id']}",
                                                         f"Remediation item {r['item_no']} closed: {who} {r['item_id']}")))
        feed = _atom(entries, self.meta, ledger_entries, self.lang).encode("utf-8")
        if self.lang == "zh":
            self.s.extra_files["feed.xml"] = feed
        else:
            self.renderer.files["feed.xml"] = feed         # the English edition's own files sit beside its charts

    def files(self) -> dict[str, bytes | str]:
        """Every non-page file (charts, downloads, feed), waiting for the worker pool's results."""
        from .workers import resolve

        out = dict(self.renderer.files)
        if self.lang == "zh":          # the downloads, feed and archive are the Chinese site's (the state's extra files)
            out.update(self.s.extra_files)
        return resolve(out)


def _by_school(df: pd.DataFrame):
    """A lookup of a table's rows by school (in the table's order; no rows: an empty table of the same columns)."""
    groups = dict(tuple(df.groupby("school_id", sort=False))) if len(df) else {}
    empty = df.iloc[0:0]
    return lambda sid: groups.get(sid, empty)


def _records_by_school(df: pd.DataFrame):
    """A lookup of a table's rows by school as dicts (one conversion for the whole table), in the table's order."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in df.to_dict("records"):
        groups[r["school_id"]].append(r)
    return lambda sid: groups.get(sid, [])


def _capfirst(text):
    """An English name as a heading or a label: its first letter a capital (the glossary's are lower case, to sit inside
    sentences); the rest as it is, so PE and CV stay. Chinese, or marked-up text, is unchanged."""
    return text[:1].upper() + text[1:] if isinstance(text, str) and not isinstance(text, Markup) else text


def _marked(text, lang: str):
    """On an English page, each run of text left in Chinese (a name, the county's own wording, quoted inside an English
    sentence or standing alone) is marked as Chinese for screen readers and browsers (lang="zh-CN"); the rest as it is."""
    if lang != "en" or not isinstance(text, str) or isinstance(text, Markup) or not CJK.search(text):
        return text                                     # a Markup value is the tool's own HTML, marked where it was made
    return Markup(mark_chinese(text, lambda t: str(md(t))))


def _in_english(df: pd.DataFrame) -> pd.DataFrame:
    """An output table as the English pages read it: each generated sentence column (evidence, detail, reason…) is its
    `_en` twin, written beside it by the indicator that made it."""
    twins = {c[:-3]: df[c] for c in df.columns if c.endswith("_en") and c[:-3] in df.columns}
    return df.assign(**twins) if twins else df


def _trend_summary(hist: pd.DataFrame, year: int, lang: str = "zh") -> str:
    cur = hist[hist["year"] == year]
    bad = cur[~cur["meets"]]["indicator_id"].tolist()
    if lang == "en":
        return f"In {year}, {7 - len(bad)} of 7 indicators reach their thresholds" + (f"; {', '.join(bad)} do not." if bad else ".")
    return f"{year} 年 7 项中 {7 - len(bad)} 项达到阈值" + (f"，{'、'.join(bad)} 未达到。" if bad else "。")


def correction_text(c: dict) -> str:
    """One correction notice, as in official statistics: what, which release published it, old → new."""
    return f"{c['kind']} {c['what']}（{c['year']} 年，{c['profile']}，{c['published_in']} 版发布）{c['before']} → {c['after']}"


def correction_text_en(c: dict) -> str:
    """One correction notice in English (the glossary's words for its kind, standard and values)."""
    return (f"{term(c['kind']).capitalize()} {phrase(c['what'])} ({c['year']}, {term(c['profile'])}, published in {c['published_in']}) "
            f"{term(c['before'])} → {term(c['after'])}")


def _atom(entries: list[dict], meta: dict, ledger_entries: list[dict] = (), lang: str = "zh") -> str:
    """An Atom feed of data releases; ids and dates come from the data, not the clock. The English feed has its own ids
    (…:en:…), its entries' own words in English and the county's wording (release notes, ledger text) as written."""
    en = lang == "en"
    site = meta["site_name"]
    ns = f"urn:junheng:{xml_escape(meta['package_name'])}" + (":en" if en else "")
    illustrative = ("Illustrative data: " if en else "示例数据：") if meta["illustrative"] else ""
    updated = entries[0]["released_on"] + "T00:00:00Z" if entries else "2000-01-01T00:00:00Z"
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{"en" if en else "zh-CN"}">',
             f"<title>{xml_escape(site)} · {'Changelog' if en else '更新记录'}</title>", f"<id>{ns}:releases</id>",
             f"<updated>{updated}</updated>", f"<author><name>{xml_escape(meta['publisher'])}</name></author>",
             '<link rel="alternate" href="changelog/"/>']
    for e in entries:
        if en:
            text = term(e["summary"]) + " (" + "; ".join(e["facts"]) + ")"
            if e.get("corrections"):
                text += " Corrections: " + "; ".join(correction_text_en(c) for c in e["corrections"])
            title = f"Data release {xml_escape(e['release'])} ({int(e['data_year'])} data)"
        else:
            text = e["summary"] + "（" + "；".join(e["facts"]) + "）"
            if e.get("corrections"):
                text += " 更正：" + "；".join(correction_text(c) for c in e["corrections"])
            title = f"数据版本 {xml_escape(e['release'])}（{int(e['data_year'])} 年数据）"
        text = illustrative + text
        parts += ["<entry>", f"<title>{title}</title>",
                  f"<id>{ns}:release:{xml_escape(e['release'])}</id>",
                  f"<updated>{e['released_on']}T00:00:00Z</updated>", '<link rel="alternate" href="changelog/"/>',
                  f'<summary type="text">{xml_escape(text)}</summary>', "</entry>"]
    for e in sorted(ledger_entries, key=lambda e: (e["date"], e["id"]), reverse=True):
        text = illustrative + e["text"]
        parts += ["<entry>", f"<title>{xml_escape(e['title'])}</title>",
                  f"<id>{ns}:ledger:{xml_escape(e['id'])}</id>",
                  f"<updated>{e['date']}T00:00:00Z</updated>", '<link rel="alternate" href="ledger/"/>',
                  f'<summary type="text">{xml_escape(text)}</summary>', "</entry>"]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"

"""The languages: Chinese at the root, English under /en/.

Every English string lives in this repository (no machine translation at build time): the English page templates
(templates/en/), the English words the page code writes (WORDS below, and the `en=` side of each `Site.tr` call), and
the glossary (glossary.csv: each official term and data value in Chinese, its English, and what it means). Data text
that has no entry (school, town and department names, a county's own wording) stays in Chinese.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
_C = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
CJK = re.compile(f"[{_C}]")
# a run of Chinese: from a Chinese character to the last one reachable through figures, spaces, punctuation and item ids
# such as G1 or G15b (an English word ends it)
_RUN = re.compile(rf"[{_C}](?:(?:[^A-Za-z{_C}]|[A-Z]\d+[a-z]?)*?[{_C}])*")


def mark_chinese(text: str, escape) -> str:
    """TEXT as HTML for an English page (each piece through ESCAPE), each run of Chinese in it (a name, the county's
    own wording) in <span lang="zh-CN">, for screen readers and browsers."""
    out, at = [], 0
    for m in _RUN.finditer(text):
        out += [escape(text[at:m.start()]), '<span lang="zh-CN">', escape(m.group()), "</span>"]
        at = m.end()
    return "".join([*out, escape(text[at:])])


@functools.cache
def glossary() -> tuple[dict, ...]:
    """The glossary's rows in file order: zh, en, kind, note."""
    with open(HERE / "glossary.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@functools.cache
def _terms() -> dict[str, str]:
    return {r["zh"]: r["en"] for r in glossary()}


def _digest(words: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(words.items()), ensure_ascii=False).encode()).hexdigest()


_county: dict[str, str] = {}          # the county's own words in English (its translations table), see use_translations
_county_digest = _digest(_county)


def use_translations(table) -> None:
    """Take the county's translations table (zh, en: its own wording, such as task titles and departments, in English)
    for term() from now on; None or an empty table: none. The tool's glossary comes first for the official terms."""
    global _county, _county_digest
    _county = {} if table is None or not len(table) else dict(zip(table["zh"].astype(str), table["en"].astype(str)))
    _county_digest = _digest(_county)


def translations_digest() -> str:
    """A digest of the county's translations term() uses now (for cache keys of what term() helped make)."""
    return _county_digest


def term(text, lang: str = "en"):
    """A term or data value in LANG: the glossary's English, else the county's own (use_translations), else the text
    itself (names stay Chinese)."""
    if lang == "zh" or not isinstance(text, str):
        return text
    return _terms().get(text) or _county.get(text, text)


def terms(text, lang: str = "en", sep: str = "、"):
    """A list written with 、 (departments) in LANG, each item through term()."""
    if lang == "zh" or not isinstance(text, str):
        return text
    return ", ".join(term(p, lang) for p in text.split(sep))


def has_term(text: str) -> bool:
    return text in _terms()


@functools.cache
def _columns() -> dict[tuple[str, str], str]:
    with open(HERE / "columns.csv", encoding="utf-8", newline="") as f:
        return {(r["table"], r["name"]): r["en"] for r in csv.DictReader(f)}


def table_title_en(table: str) -> str | None:
    """A table's English title (i18n/columns.csv), or None."""
    return _columns().get((table, ""))


def column_title_en(table: str, name: str) -> str | None:
    """A column's English title: the table's own entry, else the field's shared one (i18n/columns.csv), or None."""
    c = _columns()
    return c.get((table, name)) or c.get(("", name))


def phrase(text, lang: str = "en"):
    """A short requirement such as 小学 ≤ 45人；初中 ≤ 50人 or ≥ 10%；骨干教师占交流轮岗教师的比例 ≥ 20% in LANG: its
    glossary words (levels, units, rules' names, set phrases) replaced, longest first; the text
    itself when anything Chinese would be left (it is then shown as written, marked as Chinese)."""
    if lang == "zh" or not isinstance(text, str):
        return text
    if text in _terms():
        return _terms()[text]
    out = text.replace("；", "; ").replace("：", ": ")
    words = sorted(((r["zh"], r["kind"]) for r in glossary() if r["kind"] in ("level", "unit", "indicator", "phrase")),
                   key=lambda w: len(w[0]), reverse=True)      # a rule's name before the words inside it
    for zh, kind in words:
        out = out.replace(zh, (" " if kind == "unit" else "") + _terms()[zh])    # a unit follows its figure: "45 people"
    return text if CJK.search(out) else out.replace("  ", " ").strip()


@dataclass(frozen=True)
class Say:
    """A generated sentence in Chinese and English, both written where it is made (indicators/*.py), so the outputs keep
    both (a column and its `_en` twin) and each page and download reads its own language. Data text inside it (names,
    the county's own wording) is the same on both sides. `+` joins sentences; a plain str joins as itself."""
    zh: str
    en: str

    @classmethod
    def same(cls, text) -> "Say":
        """Text that reads the same in both languages: a figure, a name, data as written."""
        return cls(str(text), str(text))

    def __add__(self, other) -> "Say":
        o = other if isinstance(other, Say) else Say.same(other)
        return Say(self.zh + o.zh, self.en + o.en)

    def __radd__(self, other) -> "Say":
        return Say.same(other) + self

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)


def join(sep: Say, parts) -> Say:
    """The parts joined by sep in each language (sep: a Say, e.g. Say("；", "; "))."""
    parts = list(parts)
    return Say(sep.zh.join(p.zh for p in parts), sep.en.join(p.en for p in parts))


def split(items, column: str) -> dict:
    """{column: [zh…], column_en: [en…]} of a list of Say, for a table's two columns."""
    return {column: [s.zh for s in items], column + "_en": [s.en for s in items]}


@functools.cache
def _descriptions() -> dict[tuple[str, str], str]:
    with open(HERE / "descriptions.csv", encoding="utf-8", newline="") as f:
        return {(r["table"], r["name"]): r["en"] for r in csv.DictReader(f)}


def description_en(table: str, name: str = "") -> str | None:
    """A column's English description (a table's when NAME is ""): the table's own entry, else the field's shared one
    (i18n/descriptions.csv), or None."""
    d = _descriptions()
    return d.get((table, name)) or (d.get(("", name)) if name else None)

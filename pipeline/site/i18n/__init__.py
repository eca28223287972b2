"""The site's languages: Chinese at the root, English under /en/.

Every English string lives in this repository (no machine translation at build time): the English page templates
(templates/en/), the English words the page code writes (WORDS below, and the `en=` side of each `Site.tr` call), and
the glossary (glossary.csv: each official term and data value in Chinese, its English, and what it means). Data text
that has no entry (school, town and department names, a county's own wording) stays in Chinese.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@functools.cache
def glossary() -> tuple[dict, ...]:
    """The glossary's rows in file order: zh, en, kind, note."""
    with open(HERE / "glossary.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@functools.cache
def _terms() -> dict[str, str]:
    return {r["zh"]: r["en"] for r in glossary()}


def term(text, lang: str = "en"):
    """A term or data value in LANG: its glossary English, or the text itself when it has none (names stay Chinese)."""
    if lang == "zh" or not isinstance(text, str):
        return text
    return _terms().get(text, text)


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
    """A short requirement such as 小学 ≤ 45人；初中 ≤ 50人 in LANG: its glossary words replaced, longest first; the text
    itself when anything Chinese would be left (it is then shown as written, marked as Chinese)."""
    if lang == "zh" or not isinstance(text, str):
        return text
    if text in _terms():
        return _terms()[text]
    out = text.replace("；", "; ")
    words = sorted(((r["zh"], r["kind"]) for r in glossary() if r["kind"] in ("level", "unit")), key=lambda w: len(w[0]), reverse=True)
    for zh, kind in words:
        out = out.replace(zh, (" " if kind == "unit" else "") + _terms()[zh])    # a unit follows its figure: "45 people"
    return text if CJK.search(out) else out.replace("  ", " ").strip()

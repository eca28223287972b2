"""Turn a text into the personal data it holds (ID card and mobile numbers, e-mail addresses), however it is written.

Personal data must never be published (《个人信息保护法》), and a contributor may write it so that a plain pattern
misses it: full-width digits (１３８…), spaces or dashes inside the number (138 0013 8000, 138-0013-8000), zero-width
characters between digits, a +86 or 0086 prefix, the old 15-digit ID card numbers, a full-width ＠ in an e-mail
address. `find` reads the text the way a person would (NFKC, separators between digits dropped) before matching.
Names of people cannot be recognised this way; the staff guide says so.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \t\u00a0\u3000\-‐‑‒–—―_]+(?=\d)")
_PREFIX = re.compile(r"(?<!\d)(?:\+|00)?86(?=1[3-9]\d{9}(?!\d))")
_ID18 = re.compile(r"(?<![0-9])([1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])([1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d{9})(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# with "11 digits of any script", the quick test that a cell could hold any of it (validate.py, in Arrow)
AT_RE2 = "[@＠﹫]"


def _id18_ok(s: str) -> bool:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(a) * b for a, b in zip(s[:17], w)) % 11] == s[17].upper()


def normal(text: str) -> str:
    """The text as a person reads it: ASCII digits and @, no invisible characters, no separators inside numbers."""
    t = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    t = _BETWEEN_DIGITS.sub("", t)
    return _PREFIX.sub("", t)


def find(text: str) -> str | None:
    """The kind of personal data in `text` (in Chinese), or None."""
    t = normal(text)
    if any(_id18_ok(m) for m in _ID18.findall(t)) or _ID15.search(t):
        return "居民身份证号码"
    if _MOBILE.search(t):
        return "手机号码"
    if _EMAIL.search(t):
        return "电子邮箱地址"
    return None


def mask(text: str) -> str:
    """`text` fit to show in a public report: any personal data in it masked (the text is shown normalised then)."""
    if find(text) is None:
        return text
    t = normal(text)
    t = _ID18.sub(lambda m: m.group(1)[:6] + "********" + m.group(1)[-4:], t)
    t = _ID15.sub(lambda m: m.group(1)[:6] + "*****" + m.group(1)[-4:], t)
    t = _MOBILE.sub(lambda m: m.group(1)[:3] + "****" + m.group(1)[-4:], t)
    return _EMAIL.sub("***@***", t)

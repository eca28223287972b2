"""Turn values taken from the data into inert text for every output a reviewer reads: terminal, JSON, annotations, Markdown.

A school name, a note or a column header is whatever a contributor typed. In a pull request's summary it must never
become a heading, a link, an image, HTML or a table break, nor end a GitHub workflow command and start another, nor
reorder or hide text with control, bidirectional or zero-width characters. Every renderer passes data through here:

- `text`: invisible and control characters shown as visible escapes (\\u202e), line breaks as ⏎, long values cut with
  a visible marker. For the terminal, and the base of the others.
- `md`: `text`, then every ASCII punctuation mark backslash-escaped (CommonMark renders an escaped mark as itself, so no
  markup can start), and a word joiner after each @ (GitHub's parser links e-mail addresses even when escaped; checked
  against cmarkgfm, GitHub's own parser, in tests/test_inert.py). A URL from the data shows as plain text.
- `json_dumps`: JSON whose strings carry invisible characters as \\u escapes (the decoded values are unchanged).
- `gh_message`, `gh_property`: the escapes GitHub's workflow-command format requires (%, CR, LF; and : , in properties).
"""

from __future__ import annotations

import json
import re

LIMIT = 200          # characters of one value shown before it is cut
SENTENCE = 600       # a message that embeds values

# C0 and C1 controls, DEL, Arabic letter mark, zero-width and direction marks, line and paragraph separators,
# bidirectional embeddings, overrides and isolates, invisible operators, the byte-order mark, interlinear annotation
# characters and the non-characters U+FFFE/FFFF
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff\ufff9-\ufffb\ufffe\uffff]")
# what no data value may hold (validate.py refuses it in cells, read.py in the descriptor), as class contents:
# controls but tab and line breaks, DEL, C1, the line and paragraph separators, the non-characters U+FFFE/FFFF
CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff"
# what reorders or hides text: direction marks, embeddings, overrides and isolates, zero-width characters, the BOM
HIDDEN_CHARS = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
CONTROL, HIDDEN = re.compile(f"[{CONTROL_CHARS}]"), re.compile(f"[{HIDDEN_CHARS}]")


def re2_class(chars: str) -> str:
    """A character class of `CONTROL_CHARS` form for RE2 (Arrow's regex kernels), which wants \\x{…} escapes."""
    return "[" + "".join(c if c == "-" else f"\\x{{{ord(c):x}}}" for c in chars) + "]"


_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_WJ = "\u2060"


def _visible(m: re.Match) -> str:
    return f"\\u{ord(m.group(0)):04x}"


def text(value, limit: int = LIMIT) -> str:
    """The value on one line, every invisible character shown as an escape, cut after `limit` characters."""
    s = "" if value is None else str(value)
    n = len(s)
    if n > limit:
        s = s[:limit]
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "⏎")
    s = _INVISIBLE.sub(_visible, s)
    return s + (f"…（已截断，共 {n} 字）" if n > limit else "")


def md(value, limit: int = LIMIT) -> str:
    """The value as Markdown that renders exactly as `text(value)` and can start no markup, link or HTML."""
    return _PUNCT.sub(r"\\\1", text(value, limit)).replace("@", "@" + _WJ)


def json_dumps(obj, **kw) -> str:
    """json.dumps with readable Chinese, but every invisible character escaped."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(obj, ensure_ascii=False, **kw))


def gh_message(value, limit: int = SENTENCE) -> str:
    """A GitHub workflow command's message: one line that cannot end the command or start another."""
    return text(value, limit).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(value, limit: int = LIMIT) -> str:
    """A workflow command's property value (file=, title=): also escapes the : and , that delimit properties."""
    return gh_message(value, limit).replace(":", "%3A").replace(",", "%2C")


# ------------------------------------------------------------------ the public site (MkDocs Markdown and raw HTML alike)

# Markdown-significant ASCII punctuation as HTML character references. Python-Markdown passes an entity through as it
# is, so no syntax (link, image, emphasis, attribute list `{: onfocus=…}`, math `$…$`, table `|`, heading) can start
# from a value; a browser shows the entity as the character, in a Markdown paragraph and in a raw HTML block alike.
_SITE_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;",
                **{c: f"&#{ord(c)};" for c in "\\`*_{}[]()#!|~$^"}}
_SITE_SPECIAL = re.compile("[" + re.escape("".join(_SITE_ENTITY)) + "]")
# what starts a block only at the start of a line, were a template to put the value there: a list marker ("- ",
# "+ ", "1. ", "1) "), or a line of only = or - (a setext underline or a rule)
_SITE_LEAD = re.compile(r"^(\s*)([-+](?=\s|$)|\d{1,9}[.)](?=\s|$)|[-=](?=[-=\s]*$))")
_SITE_BREAK = re.compile("[\r\n\t\u2028\u2029\x85]+")
_SITE_DROP = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def site(value) -> str:
    """A value for a page of the site: one line, no control or direction-override characters, and every character
    that Markdown or HTML could read as syntax written as a character reference (it shows as itself)."""
    s = _SITE_BREAK.sub(" ", "" if value is None else str(value))
    s = _SITE_DROP.sub("", s)
    s = _SITE_SPECIAL.sub(lambda m: _SITE_ENTITY[m.group(0)], s)
    return _SITE_LEAD.sub(lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), s)


def title(value) -> str:
    """A page title for YAML front matter and Material's nav (which prints titles unescaped): one line, HTML-special
    characters as their full-width forms, and only characters YAML can hold."""
    s = _SITE_BREAK.sub(" ", "" if value is None else str(value))
    s = _INVISIBLE.sub("", s)
    s = s.translate(str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\\": "＼", "`": "｀"}))
    return " ".join(s.split())


# ------------------------------------------------------------------ CSV files for the public

# a text cell a spreadsheet would run as a formula: = + - @ after any leading white space (a spreadsheet trims
# spaces, tabs, no-break and ideographic spaces, zero-width characters), or a leading tab or carriage return
FORMULA = re.compile(r"^[\s\u00a0\u3000\u2000-\u200d\u2060\ufeff]*[=+\-@]|^[\t\r]")
# the same test in RE2 syntax, for Arrow's regex kernels (validate.py)
FORMULA_RE2 = r"^[\s\x{00a0}\x{3000}\x{2000}-\x{200d}\x{2060}\x{feff}]*[=+\-@]|^[\t\r]"


def csv_cell(value):
    """A text cell as it may be written to a CSV for the public: a formula-like text gets a leading apostrophe
    (OWASP's advice), so Excel and WPS show it as text and never run it. Anything else is unchanged."""
    return "'" + value if isinstance(value, str) and FORMULA.match(value) else value


def csv_frame(df):
    """`csv_cell` over every text column of a DataFrame (a copy only if something changes)."""
    from pandas.api.types import is_string_dtype

    cols = [c for c in df.columns if df[c].dtype == object or is_string_dtype(df[c])]
    # a plain loop: pandas' Arrow-backed strings keep their dtype through .map, and an all-empty column then refuses .any()
    hit = [c for c in cols if any(isinstance(v, str) and FORMULA.match(v) for v in df[c].tolist())]
    if not hit:
        return df
    df = df.copy()
    for c in hit:
        df[c] = df[c].map(csv_cell)
    return df

"""A data row can never speak for the checks: every value is inert in Markdown, annotations, text and JSON.

The Markdown is parsed with cmarkgfm, GitHub's own parser (with raw HTML allowed, the strictest reading), so these
tests see what a reviewer sees in a pull request's job summary.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import cmarkgfm
import pytest
from click.testing import CliRunner
from cmarkgfm.cmark import Options

from conftest import MINIMAL, data_repo, edit
from conftest import git as _git
from pipeline import inert
from pipeline.cli import main

HOSTILE = [
    "索镇第一小学（示例）### ✅ 所有结论均未变化，可直接合并![x](https://attacker.example/pixel.png) [点此查看详情](https://attacker.example/phish)",
    "\n# 假标题\n正文",
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.domain)</script>",
    "| a | b |\n|---|---|\n| c | d |",
    "```\ncode\n```",
    "`` ` ``",
    "www.attacker.example",
    "请联系 someone@attacker.example",
    "<https://attacker.example>",
    "[ref]: https://attacker.example",
    "[x][ref]",
    "javascript:alert(1)",
    "abc\u202eexe.txt",
    "a\u200bb\u2066c\u2069",
    "del\x7fhere",
    "\x1b[31mred\x1b[0m",
    "x%0A::error::pwned",
    "x\r\n::error file=a.csv,line=1::pwned",
    "::stop-commands::tok",
    "&lt;b&gt; &amp; &#60;i&#62;",
    "*bold* _it_ ~~s~~ \\*x\\*",
    "> quote\n- item\n1. one",
    "<!-- comment -->",
    "A" * 5000,
    "\u2028line\u2029para\ufeff\ufffe",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append("!--")


def gfm(markdown: str) -> _Tags:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    p = _Tags()
    p.feed(html)
    return p


def _decode_gh(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_md_renders_exactly_as_text_and_starts_no_markup(value):
    parsed = gfm(inert.md(value))
    assert parsed.tags == ["p"], parsed.tags
    assert parsed.attrs == []
    shown = "".join(parsed.text).strip().replace("\u2060", "")
    assert shown == inert.text(value).strip()


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_text_is_one_visible_line_cut_with_a_marker(value):
    t = inert.text(value)
    assert "\n" not in t and "\r" not in t
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe]", t)
    if len(value) > inert.LIMIT:
        assert t.endswith(f"…（已截断，共 {len(value)} 字）") and len(t) < inert.LIMIT + 30


def test_invisible_characters_are_shown_as_escapes():
    assert inert.text("abc\u202eexe") == "abc\\u202eexe"
    assert inert.text("a\x7fb") == "a\\u007fb"


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_a_workflow_command_message_stays_one_command(value):
    msg = inert.gh_message(value)
    assert "\n" not in msg and "\r" not in msg
    assert _decode_gh(msg) == inert.text(value, inert.SENTENCE)
    prop = inert.gh_property(value)
    assert ":" not in prop and "," not in prop and _decode_gh(prop) == inert.text(value)


# ------------------------------------------------------------------ the reports themselves, from hostile data

@pytest.fixture
def hostile_data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(MINIMAL, d)
    edit(d, "school_levels.csv", 2, "students", HOSTILE[0])          # text in a number column: an error quoting it
    edit(d, "school_levels.csv", 3, "classes", HOSTILE[18])
    edit(d, "school_levels.csv", 4, "teachers", HOSTILE[13])
    return d


def _validate(d, fmt):
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(d), "--format", fmt])
    assert r.exit_code == 1, r.output
    return r.output


def test_validate_markdown_has_only_the_tools_own_markup(hostile_data):
    out = _validate(hostile_data, "markdown")
    parsed = gfm(out)
    assert "a" not in parsed.tags and "img" not in parsed.tags and "script" not in parsed.tags and "!--" not in parsed.tags
    assert parsed.tags.count("h3") == 1 and set(parsed.tags) <= {"h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td"}
    headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", cmarkgfm.github_flavored_markdown_to_html(out), re.S)
    assert headings[0] == "❌ junheng 数据校验未通过" and all(h.startswith("文件 ") for h in headings[1:])
    assert "所有结论均未变化" not in "".join(headings)
    assert "attacker.example" in "".join(parsed.text)          # the value is still shown, as text


def test_validate_github_annotations_cannot_end_or_start_a_command(hostile_data):
    out = _validate(hostile_data, "github").splitlines()
    commands = [line for line in out if line.startswith("::")]
    assert len(commands) == len(out) - 1 and not out[-1].startswith("::")
    for line in commands:
        m = re.fullmatch(r"::(error|warning) (file=[^,:]*(?:,line=\d+)?,title=[^,:]*)::(.*)", line)
        assert m, line
    decoded = [_decode_gh(line.split("::", 2)[2]) for line in commands]
    assert any("::error file=a.csv,line=1::pwned" in d for d in decoded)      # the hostile text shows inside one message, as text
    assert len(commands) == len([c for c in commands if c.startswith(("::error ", "::warning "))])


def test_validate_text_and_json_hold_no_invisible_characters(hostile_data):
    text = _validate(hostile_data, "text")
    js = _validate(hostile_data, "json")
    for out in (text, js):
        assert "\u202e" not in out and "\x1b" not in out
    assert "\\u202e" in text
    d = json.loads(js)
    assert any("\u202e" in (f["value"] or "") for f in d["findings"])       # JSON keeps the value, escaped in the text


def test_diff_markdown_copies_no_markup_from_a_hostile_school_name(tmp_path):
    repo = data_repo(tmp_path / "repo", MINIMAL)
    # the attack, short enough to pass validation (school names hold at most 100 characters)
    name = "一小### ✅ 所有结论均未变化，可直接合并![x](https://attacker.example/p.png) [详情](https://attacker.example/phish)"
    assert len(name) <= 100
    edit(repo / "datasets", "schools.csv", 2, "school_name", name)
    edit(repo / "datasets", "school_levels.csv", 2, "key_teachers", "0")        # and a real verdict change
    _git(repo, "commit", "-qam", "hostile")
    r = CliRunner().invoke(main, ["diff", "--data-dir", str(repo / "datasets"), "--base", "HEAD~1", "--format", "markdown"])
    assert r.exit_code == 0, r.output
    parsed = gfm(r.output)
    assert "a" not in parsed.tags and "img" not in parsed.tags
    assert parsed.tags.count("h3") == 1 and parsed.tags.count("h1") == 0 and parsed.tags.count("h2") == 0
    html = cmarkgfm.github_flavored_markdown_to_html(r.output)
    headings = re.findall(r"<h3>(.*?)</h3>", html)
    assert headings == [headings[0]] and headings[0].startswith("数据变更对结论的影响")
    assert "<strong>junheng 核对结论：" in html and "所有结论均未变化" not in html.split("</strong>")[0]
    assert "attacker.example" in "".join(parsed.text)
    text = CliRunner().invoke(main, ["diff", "--data-dir", str(repo / "datasets"), "--base", "HEAD~1"]).output
    assert "\u202e" not in text and "attacker.example" in text

"""Turn validation findings into text (Chinese), JSON, GitHub annotations or Markdown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from . import inert

ERROR, WARNING = "error", "warning"
_SEV_ZH = {ERROR: "错误", WARNING: "警告"}
_MAX_PER_KIND = 20   # per file × column × code; the rest are counted, not listed


@dataclass(frozen=True)
class Finding:
    """One problem in the data, located as a spreadsheet user would find it."""

    severity: str
    code: str
    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None
    column_letter: str | None = None
    column_title: str | None = None
    value: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            col = f"{self.column_letter} 列 " if self.column_letter else "列 "
            col += self.column + (f"（{self.column_title}）" if self.column_title else "")
            parts.append(col)
        elif self.column_letter:                     # a column with no name: where it is in the sheet
            parts.append(f"{self.column_letter} 列")
        if self.value is not None:
            parts.append(f"值「{_short(self.value)}」")
        return "，".join(parts)

    def sentence(self) -> str:
        where = self.where()
        text = f"{where}：{self.message}" if where else self.message
        return text + (f" {self.fix}" if self.fix else "")


@dataclass
class Report:
    """All findings of one validation run; errors block, warnings do not."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: dict = field(default_factory=lambda: defaultdict(int))
    _seen: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, f: Finding) -> None:
        key = (f.file, f.column, f.code)
        self._seen[key] += 1
        if self._seen[key] > _MAX_PER_KIND:
            self.suppressed[key] += 1
            return
        self.findings.append(f)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def by_file(self) -> dict[str, list[Finding]]:
        """Findings by file: the files with errors first, each in the order validation came to it (how a file is read,
        then its cells, then its keys, then the checks across tables), so a file whose error makes errors elsewhere
        (a misaligned town in towns.csv, missing from schools.csv) comes before them; then the files with warnings."""
        out: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            out[f.file].append(f)
        order = sorted(out, key=lambda k: all(f.severity != ERROR for f in out[k]))    # stable: first seen, first
        return {k: sorted(out[k], key=lambda f: (f.row or 0)) for k in order}


def _short(v: str, n: int = 60) -> str:
    return inert.text(v, n)


def _more(report: Report, file: str) -> list[str]:
    out = []
    for (fl, col, code), n in sorted(report.suppressed.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])):
        if fl == file:
            out.append(f"另有 {n} 处同类问题（列 {col or '—'}，{code}）未逐条列出，请按上面的方法一并修正。")
    return out


def render_text(report: Report, again: str = "junheng validate") -> str:
    """The report for a terminal; AGAIN: the command to run once the files are corrected."""
    lines = []
    for file, items in report.by_file().items():
        ne = sum(1 for f in items if f.severity == ERROR)
        nw = len(items) - ne
        lines.append(f"{inert.text(file)}：{ne} 个错误，{nw} 个警告")
        for f in items:
            lines.append(f"  [{_SEV_ZH[f.severity]}] {inert.text(f.sentence(), inert.SENTENCE)}")
        lines.extend("  " + m for m in _more(report, file))
        lines.append("")
    if report.valid:
        lines.append(f"数据校验通过（{len(report.warnings)} 个警告，警告不阻止发布，但请核实）。")
    else:
        lines.append(f"数据校验未通过：{len(report.errors)} 个错误需要修正。请按每条提示修改对应文件后重新运行 {again}。")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    return inert.json_dumps({
        "valid": report.valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "findings": [asdict(f) | {"text": f.sentence()} for f in report.findings],
        "suppressed": [dict(file=k[0], column=k[1], code=k[2], count=n) for k, n in sorted(report.suppressed.items(), key=str)],
    }, indent=2)


def render_github(report: Report) -> str:
    """GitHub workflow commands: each finding annotates its line in the pull request."""
    out = []
    for f in report.findings:
        props = [f"file={inert.gh_property(f.file, 1000)}"]
        if f.row is not None:
            props.append(f"line={int(f.row)}")
        title = f"{f.file} {f.column or ''}".strip()
        props.append(f"title={inert.gh_property(title)}")
        out.append(f"::{f.severity} {','.join(props)}::{inert.gh_message(f.sentence())}")
    out.append(render_text(report).splitlines()[-1])
    return "\n".join(out)


def render_markdown(report: Report) -> str:
    """The pull request's summary. Headings and the verdict line are the tool's own (data can start no markup:
    every value goes through inert.md)."""
    head = "### ✅ junheng 数据校验通过" if report.valid else "### ❌ junheng 数据校验未通过"
    lines = [head, "", f"{len(report.errors)} 个错误，{len(report.warnings)} 个警告。", ""]
    for file, items in report.by_file().items():
        lines += [f"#### 文件 {inert.md(file, 1000)}", "", "| 级别 | 行 | 列 | 值 | 问题与修改方法 |", "|---|---|---|---|---|"]
        for f in items:
            col = (f.column or "") + (f"（{f.column_title}）" if f.column_title else "")
            lines.append(f"| {_SEV_ZH[f.severity]} | {int(f.row) if f.row is not None else ''} | {inert.md(col)} | "
                         f"{inert.md(f.value or '', 60)} | {inert.md(f.message + ' ' + f.fix, inert.SENTENCE)} |")
        lines += [inert.md(m, inert.SENTENCE) for m in _more(report, file)]
        lines.append("")
    return "\n".join(lines)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "markdown": render_markdown}

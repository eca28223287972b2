"""Turn validation findings into text (Chinese), JSON, GitHub annotations or Markdown."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

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
        out: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            out[f.file].append(f)
        return {k: sorted(v, key=lambda f: (f.row or 0)) for k, v in sorted(out.items())}


def _short(v: str, n: int = 60) -> str:
    v = v.replace("\n", "⏎").replace("\r", "")
    return v if len(v) <= n else v[: n - 1] + "…"


def _more(report: Report, file: str) -> list[str]:
    out = []
    for (fl, col, code), n in sorted(report.suppressed.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])):
        if fl == file:
            out.append(f"另有 {n} 处同类问题（列 {col or '—'}，{code}）未逐条列出，请按上面的方法一并修正。")
    return out


def render_text(report: Report) -> str:
    lines = []
    for file, items in report.by_file().items():
        ne = sum(1 for f in items if f.severity == ERROR)
        nw = len(items) - ne
        lines.append(f"{file}：{ne} 个错误，{nw} 个警告")
        for f in items:
            lines.append(f"  [{_SEV_ZH[f.severity]}] {f.sentence()}")
        lines.extend("  " + m for m in _more(report, file))
        lines.append("")
    if report.valid:
        lines.append(f"数据校验通过（{len(report.warnings)} 个警告，警告不阻止发布，但请核实）。")
    else:
        lines.append(f"数据校验未通过：{len(report.errors)} 个错误需要修正。请按每条提示修改对应文件后重新运行 junheng validate。")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    return json.dumps({
        "valid": report.valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "findings": [asdict(f) | {"text": f.sentence()} for f in report.findings],
        "suppressed": [dict(file=k[0], column=k[1], code=k[2], count=n) for k, n in sorted(report.suppressed.items(), key=str)],
    }, ensure_ascii=False, indent=2)


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def render_github(report: Report) -> str:
    """GitHub workflow commands: each finding annotates its line in the pull request."""
    out = []
    for f in report.findings:
        props = [f"file={_gh_escape(f.file, True)}"]
        if f.row is not None:
            props.append(f"line={f.row}")
        title = f"{f.file} {f.column or ''}".strip()
        props.append(f"title={_gh_escape(title, True)}")
        out.append(f"::{f.severity} {','.join(props)}::{_gh_escape(f.sentence())}")
    out.append(render_text(report).splitlines()[-1])
    return "\n".join(out)


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(report: Report) -> str:
    head = "### ✅ 数据校验通过" if report.valid else "### ❌ 数据校验未通过"
    lines = [head, "", f"{len(report.errors)} 个错误，{len(report.warnings)} 个警告。", ""]
    for file, items in report.by_file().items():
        lines += [f"#### `{file}`", "", "| 级别 | 行 | 列 | 值 | 问题与修改方法 |", "|---|---|---|---|---|"]
        for f in items:
            col = (f.column or "") + (f"（{f.column_title}）" if f.column_title else "")
            lines.append(f"| {_SEV_ZH[f.severity]} | {f.row or ''} | {_md_cell(col)} | {_md_cell(_short(f.value or ''))} | "
                         f"{_md_cell(f.message + ' ' + f.fix)} |")
        lines += [_md_cell(m) for m in _more(report, file)]
        lines.append("")
    return "\n".join(lines)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "markdown": render_markdown}

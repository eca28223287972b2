"""Turn a data folder into typed tables and a report: schema checks first, then domain checks.

Field checks follow the Table Schemas in `schemas/` (types, required, minimum/maximum, enum,
pattern, unique, primary and foreign keys) column by column, so that a million rows take
seconds; `tests/test_validate_frictionless.py` checks that they find the same errors as
Frictionless. The domain checks are what a schema cannot say.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import read
from .read import ROW, Package, col_letter, display_path
from .report import ERROR, WARNING, Finding, Report
from .schemas import TABLES, TableSchema, load

_INT = re.compile(r"[+-]?[0-9]+")
_NUM = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}
_FULLWIDTH = re.compile(r"[０-９．，－＋]")
_ID_CARD = re.compile(r"(?<![0-9])([1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d{9})(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TYPE_ZH = {"integer": "整数", "number": "数字", "boolean": "true 或 false", "date": "日期（YYYY-MM-DD）", "string": "文本"}


@dataclass
class Validated:
    report: Report
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    package: Package | None = None

    @property
    def valid(self) -> bool:
        return self.report.valid


def validate(data_dir: Path) -> Validated:
    """Validate every table of the data folder; return typed tables and the report."""
    report = Report()
    pkg = read.load_package(Path(data_dir), report)
    out = Validated(report, package=pkg)
    if pkg is None:
        return out
    raw: dict[str, pd.DataFrame] = {}
    shown: dict[str, str] = {}
    for name in TABLES:
        if name not in pkg.paths:
            continue
        schema = load(name)
        shown[name] = display_path(pkg.paths[name])
        df = read.read_table(name, pkg.paths[name], schema, report)
        if df is not None:
            raw[name] = df
    clean: set[str] = set()
    for name, df in raw.items():
        before = len(report.errors)
        _scan_text(df, load(name), shown[name], report)
        out.tables[name] = _typed(df, load(name), shown[name], report)
        if len(report.errors) == before:
            clean.add(name)
    for name in list(out.tables):
        before = len(report.errors)
        _keys(name, out.tables, shown, report)
        if len(report.errors) != before:
            clean.discard(name)
    _Domain(out.tables, shown, report, clean).run()
    return out


def validate_table(name: str, path: Path) -> Validated:
    """Validate one table on its own (types, constraints, primary key; no cross-table checks): for very large tables."""
    report = Report()
    schema = load(name)
    shown = display_path(path)
    df = read.read_table(name, path, schema, report)
    out = Validated(report)
    if df is not None:
        _scan_text(df, schema, shown, report)
        out.tables[name] = _typed(df, schema, shown, report)
        _keys(name, out.tables, {name: shown}, report)
    return out


# ---------------------------------------------------------------- field checks

def _number_hint(v: str, integer: bool) -> str:
    if _FULLWIDTH.search(v):
        return "其中有全角数字或符号（如 １２３、，），请改为半角数字（切换输入法到英文状态后重新输入）。"
    if re.fullmatch(r"[+-]?[\d,，]+(\.\d+)?", v) and ("," in v or "，" in v):
        return f"请去掉千位分隔符，写成 {re.sub('[,，]', '', v)}。"
    if v.endswith(("%", "％")):
        return "请去掉百分号，只填写数字。"
    if "万" in v:
        return "请换算成基本单位后填写数字（例如 12.5万元 写成 125000）。"
    if integer and _NUM.fullmatch(v):
        return "这一列只能填写整数，请去掉小数部分。"
    return "请只填写阿拉伯数字（不要写单位、文字或空格）。"


def _add(report: Report, sev: str, code: str, file: str, schema: TableSchema, col: str | None, rows, values,
         message: str, fix: str) -> None:
    letter = col_letter(schema.names.index(col)) if col in schema.names else None
    title = schema.field(col).title if col in schema.names else None
    for r, v in zip(rows, values):
        report.add(Finding(sev, code, file, message, fix, row=int(r), column=col, column_letter=letter,
                           column_title=title, value=None if v is None else _mask(str(v))))


def _text(s: pd.Series) -> pd.Series:
    """Cells as Arrow-backed text, so string checks run in Arrow's compute kernels."""
    return s if isinstance(s.dtype, pd.StringDtype) else s.astype("string[pyarrow]")


def _numbers(s: pd.Series, mask: pd.Series) -> pd.Series:
    """Parse the masked cells as float64 with Arrow (already checked against the number pattern)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.chunked_array(pa.array(s, type=pa.string()))
        kept = pc.if_else(pa.array(mask.to_numpy(dtype=bool)), arr.combine_chunks(), pa.scalar(None, pa.string()))
        vals = pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(vals, index=s.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return pd.to_numeric(s.where(mask), errors="coerce").astype("float64")


def _typed(df: pd.DataFrame, schema: TableSchema, file: str, report: Report) -> pd.DataFrame:
    out = pd.DataFrame({ROW: df[ROW].to_numpy()})
    for f in schema.fields:
        raw = _text(df[f.name])
        s = raw.str.strip()             # surrounding spaces are forgiven; a cell of only spaces is not
        blank = (raw != "") & (s == "")
        _add(report, ERROR, "type", file, schema, f.name, df[ROW][blank], raw[blank], "单元格里只有空格。",
             "请清空这个单元格（删除其中的空格），或填写正确的值。")
        empty = s == ""
        c = f.constraints
        if c.get("required") and empty.any():
            _add(report, ERROR, "required", file, schema, f.name, df[ROW][empty], [""] * int(empty.sum()),
                 f"{f.title}是必填项，不能为空。", f"请填写{f.title}（{_TYPE_ZH.get(f.type, '')}）。")
        if f.type in ("integer", "number"):
            rx = _INT if f.type == "integer" else _NUM
            ok = s.str.fullmatch(rx.pattern) | empty
            for r, v in zip(df[ROW][~ok], s[~ok]):
                _add(report, ERROR, "type", file, schema, f.name, [r], [v], f"应为{_TYPE_ZH[f.type]}。",
                     _number_hint(v, f.type == "integer"))
            vals = _numbers(s, (ok & ~empty).astype(bool))
            if f.type == "integer":
                big = vals.abs() > 2**53
                if big.any():
                    _add(report, ERROR, "maximum", file, schema, f.name, df[ROW][big], s[big], "数值大得不合理。", "请检查是否多输入了数字。")
                    vals = vals.where(~big)
                col = vals.astype("Int64")
            else:
                col = vals.astype("Float64")
            _range(col, f, df, s, schema, file, report)
        elif f.type == "boolean":
            ok = s.isin(_TRUE | _FALSE) | empty
            _add(report, ERROR, "type", file, schema, f.name, df[ROW][~ok], s[~ok], "应为 true 或 false。",
                 "是/有 请填 true，否/无 请填 false。")
            col = pd.Series(pd.NA, index=s.index, dtype="boolean")
            col[s.isin(_TRUE)] = True
            col[s.isin(_FALSE)] = False
        elif f.type == "date":
            ok = empty.copy()
            for i, v in s[~empty].items():
                try:
                    ok[i] = bool(_DATE.fullmatch(v)) and bool(date.fromisoformat(v))
                except ValueError:
                    ok[i] = False
            _add(report, ERROR, "type", file, schema, f.name, df[ROW][~ok], s[~ok], "不是有效的日期。",
                 "请按 YYYY-MM-DD 填写，例如 2025-09-01（Excel 中可把单元格格式设为“文本”后输入）。")
            col = s.where(ok & ~empty).astype("string")
        else:
            col = s.where(~empty).astype("string")
            if "pattern" in c:
                bad = ~empty & ~s.str.fullmatch(c["pattern"])
                fix = "应为 10 位数字的学校标识码，请与教育事业统计报表核对。" if f.name.endswith("school_id") else f"格式应符合：{_pattern_zh(c['pattern'])}。"
                _add(report, ERROR, "pattern", file, schema, f.name, df[ROW][bad], s[bad], f"{f.title}的格式不对。", fix)
        if "enum" in c:
            allowed = [str(x) for x in c["enum"]]
            bad = ~empty & ~s.isin(allowed)
            for r, v in zip(df[ROW][bad], s[bad]):
                guess = [a for a in allowed if a in v or v in a]
                hint = f"是否应为「{guess[0]}」？" if guess else ""
                _add(report, ERROR, "enum", file, schema, f.name, [r], [v], f"不是允许的取值。",
                     f"{hint}只能填写：{'、'.join(allowed)}。")
        if c.get("unique"):
            dup = ~empty & s.duplicated(keep=False)
            for v, grp in df[ROW][dup].groupby(s[dup]):
                rows = list(grp)
                _add(report, ERROR, "unique", file, schema, f.name, rows[1:], [v] * (len(rows) - 1),
                     f"与第 {rows[0]} 行重复，{f.title}必须唯一。", "请删除重复的行，或更正其中一行的值。")
        out[f.name] = col
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _pattern_zh(p: str) -> str:
    return {"[0-9]{6}": "6 位数字", "[0-9]{9}": "9 位数字", r"https?://\S+": "以 http:// 或 https:// 开头的网址"}.get(p, p)


def _range(col: pd.Series, f, df, s, schema, file, report) -> None:
    c = f.constraints
    if "minimum" in c:
        bad = (col < c["minimum"]).fillna(False).astype(bool)
        _add(report, ERROR, "minimum", file, schema, f.name, df[ROW][bad], s[bad], f"不能小于 {c['minimum']}。", "请检查是否填错了符号或数字。")
    if "maximum" in c:
        bad = (col > c["maximum"]).fillna(False).astype(bool)
        _add(report, ERROR, "maximum", file, schema, f.name, df[ROW][bad], s[bad], f"不能大于 {c['maximum']}。", "请检查是否填错了数字。")


def _scan_text(df: pd.DataFrame, schema: TableSchema, file: str, report: Report) -> None:
    """Personal data never published; no text cell a spreadsheet would run as a formula."""
    for f in schema.fields:
        s = _text(df[f.name])
        nonempty = s[s != ""]
        if nonempty.empty:
            continue
        # only a cell of six characters or more can hold a phone number, an ID number or an e-mail address
        # (a@b.cn); most numeric cells are shorter, so the regex runs on few of them
        longish = nonempty[nonempty.str.len() >= 6]
        joined = longish.str.contains(r"\d{11}|@", regex=True)
        for i in longish.index[joined]:
            v = s[i]
            ids = [m for m in _ID_CARD.findall(v) if _id_check_ok(m)]
            what = "居民身份证号码" if ids else "手机号码" if _MOBILE.search(v) else "电子邮箱地址" if _EMAIL.search(v) else None
            if what:
                _add(report, ERROR, "personal-data", file, schema, f.name, [df[ROW][i]], [v],
                     f"含有个人信息（{what}），个人信息不得公开发布。", "请删除该信息；如需联系方式，请填写单位公开电话或不填。")
        if f.type == "string":
            bad = nonempty.str.match(r"[=+\-@]").astype(bool)     # an anchored regex runs in Arrow; a tuple would not
            _add(report, ERROR, "formula", file, schema, f.name, df[ROW][bad.index[bad]], nonempty[bad],
                 "文本以 =、+、- 或 @ 开头，在 Excel 中打开时可能被当作公式执行。",
                 "请删除开头的符号，或在前面加上文字说明（例如把“-待补充”改为“待补充”）。")


def _id_check_ok(s: str) -> bool:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(a) * b for a, b in zip(s[:17], w))
    return "10X98765432"[total % 11] == s[17].upper()


def _mask(v: str) -> str:
    v = _ID_CARD.sub(lambda m: m.group(1)[:6] + "********" + m.group(1)[-4:], v)
    v = _MOBILE.sub(lambda m: m.group(1)[:3] + "****" + m.group(1)[-4:], v)
    return _EMAIL.sub("***@***", v)


def _keys(name: str, tables: dict, shown: dict, report: Report) -> None:
    schema = load(name)
    df = tables[name]
    file = shown[name]
    pk = list(schema.primary_key)
    if pk and len(pk) > 1:
        complete = df[pk].notna().all(axis=1)
        dup = complete & df.duplicated(pk, keep=False)
        if dup.any():
            first = df[dup].groupby(pk, dropna=False)[ROW].min()
            for _, r in df[dup].iterrows():
                key = tuple(r[k] for k in pk)
                f0 = int(first.loc[key])
                if int(r[ROW]) != f0:
                    desc = "、".join(f"{schema.field(k).title} {r[k]}" for k in pk)
                    _add(report, ERROR, "primary-key", file, schema, pk[-1], [r[ROW]], [" / ".join(map(str, key))],
                         f"与第 {f0} 行重复（{desc}）：同一组合只能有一行。", "请删除重复的行，或更正年份、学校等关键列。")
    for fk in schema.foreign_keys:
        ref = fk["reference"]
        target = tables.get(ref["resource"]) if ref["resource"] else df
        if target is None:
            continue
        cols, rcols = fk["fields"], ref["fields"]
        sub = df[df[cols].notna().all(axis=1)]
        if len(cols) == 1:   # the common case, column-wise
            known = target[rcols[0]].dropna().astype(str)
            bad = sub.index[~sub[cols[0]].astype(str).isin(known)].tolist()
        else:
            have = set(map(tuple, target[rcols].dropna().astype(str).to_numpy().tolist()))
            keys = list(map(tuple, sub[cols].astype(str).to_numpy().tolist()))
            bad = [i for i, k in zip(sub.index, keys) if k not in have]
        tshown = shown.get(ref["resource"], file).split("/")[-1]
        for i in bad:
            v = " / ".join(str(df.at[i, c]) for c in cols)
            title = schema.field(cols[0]).title
            _add(report, ERROR, "foreign-key", file, schema, cols[0], [df.at[i, ROW]], [v],
                 f"{title} {v} 在 {tshown} 中不存在。",
                 f"请先在 {tshown} 中添加它，或更正为 {tshown} 中已有的值。")


# ---------------------------------------------------------------- domain checks

_LEVELS_OF = {
    "小学": {"小学"}, "教学点": {"小学"}, "初中": {"初中"}, "九年一贯制学校": {"小学", "初中"},
    "十二年一贯制学校": {"小学", "初中", "高中"}, "完全中学": {"初中", "高中"}, "特殊教育学校": {"特殊教育"},
}


class _Domain:
    """Checks a schema cannot express; each runs only when the tables it reads are clean."""

    def __init__(self, tables: dict, shown: dict, report: Report, clean: set):
        self.t, self.shown, self.report, self.clean = tables, shown, report, clean

    def need(self, *names: str) -> bool:
        return all(n in self.clean for n in names)

    def flag(self, name: str, mask, col: str | None, message, fix: str, sev: str = ERROR, value=None) -> None:
        df = self.t[name]
        mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
        schema = load(name)
        for i in df.index[mask]:
            msg = message(df.loc[i]) if callable(message) else message
            v = value(df.loc[i]) if callable(value) else (df.at[i, col] if col else None)
            _add(self.report, sev, "domain", self.shown[name], schema, col, [df.at[i, ROW]],
                 [None if v is None or v is pd.NA else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))], msg, fix)

    def run(self) -> None:
        for check in (self.parts_of_whole, self.levels_and_years, self.class_sizes, self.jumps, self.parents,
                      self.county_rows, self.judged, self.standards_complete, self.milestones, self.baselines):
            check()

    def parts_of_whole(self) -> None:
        if self.need("school_levels"):
            d = self.t["school_levels"]
            for col in ("teachers_above_degree", "key_teachers", "pe_arts_teachers", "certified_teachers"):
                title = load("school_levels").field(col).title.split("（")[0]
                self.flag("school_levels", d[col] > d["teachers"], col,
                          lambda r, t=title: f"{t}多于专任教师总数 {r['teachers']}。",
                          "部分不能超过整体：请核对这两个数，它们应来自同一张统计表。")
            self.flag("school_levels", d["entrants_nearby"] > d["entrants"], "entrants_nearby",
                      lambda r: f"就近划片入学人数多于起始年级新生数 {r['entrants']}。", "请核对两列数字。")
        if self.need("school_facilities"):
            d = self.t["school_facilities"]
            self.flag("school_facilities", d["indoor_sports_area_m2"] > d["teaching_aux_area_m2"], "indoor_sports_area_m2",
                      lambda r: f"室内体育用房面积大于教学及辅助用房面积 {r['teaching_aux_area_m2']}（后者按统计口径包含前者）。",
                      "请核对：教学及辅助用房面积应包含室内体育用房。")
        if self.need("access"):
            d = self.t["access"]
            self.flag("access", d["quota_allocated"] > d["quota_total"], "quota_allocated", "分配名额多于招生计划总数。", "请核对两列。")
            self.flag("access", d["quota_allocated_rural"] > d["quota_allocated"], "quota_allocated_rural", "农村初中名额多于分配名额总数。", "请核对两列。")
            self.flag("access", d["junior_graduates_rural"] > d["junior_graduates"], "junior_graduates_rural", "农村毕业生多于毕业生总数。", "请核对两列。")
            self.flag("access", d["migrant_in_public"] + d["migrant_in_purchased"] > d["migrant_eligible"], "migrant_in_public",
                      "公办学校与购买服务学校就读的随迁子女之和多于符合条件的随迁子女数。", "请核对三列。")
        if self.need("teacher_workforce"):
            d = self.t["teacher_workforce"]
            self.flag("teacher_workforce", d["training_done"] > d["training_due"], "training_done", "已完成培训人数多于应培训人数。", "请核对两列。")
            self.flag("teacher_workforce", d["rotated"] > d["rotation_eligible"], "rotated", "交流轮岗人数多于符合交流条件人数。", "请核对两列。")
            self.flag("teacher_workforce", d["key_rotated"] > d["rotated"], "key_rotated", "交流的骨干教师多于交流教师总数。", "请核对两列。")
        if self.need("satisfaction"):
            d = self.t["satisfaction"]
            self.flag("satisfaction", d["responded"] > d["sampled"], "responded", "有效回收人数多于抽样人数。", "请核对两列。")
            self.flag("satisfaction", d["satisfied"] > d["responded"], "satisfied", "满意人数多于有效回收人数。", "请核对两列。")
        if self.need("disabled_children"):
            d = self.t["disabled_children"]
            tot = d["in_regular_class"] + d["in_special_class"] + d["in_special_school"] + d["home_taught"]
            self.flag("disabled_children", tot > d["children_of_age"], "children_of_age",
                      lambda r: "各种形式入学人数之和多于适龄残疾儿童少年数。", "请核对各列。")
        if self.need("cohorts"):
            d = self.t["cohorts"]
            self.flag("cohorts", d["entry_year"] != d["graduation_year"] - d["cohort_years"], "entry_year",
                      lambda r: f"入学年份应等于毕业年份 {r['graduation_year']} 减去队列年限 {r['cohort_years']}。", "请更正入学年份。")
            self.flag("cohorts", d["deaths"] > d["entrants"], "deaths", "死亡人数多于入学人数。", "请核对两列。")
        if self.need("school_finance"):
            d = self.t["school_finance"]
            self.flag("school_finance", d["training_spend_yuan"] > d["public_funds_budget_yuan"], "training_spend_yuan",
                      "教师培训经费大于公用经费预算总额。", "请核对两列的单位（都应为元）。")

    def levels_and_years(self) -> None:
        if not self.need("schools", "school_levels"):
            return
        sch = self.t["schools"].set_index("school_id")
        lv = self.t["school_levels"]
        years = sorted(int(y) for y in lv["year"].dropna().unique())
        if not years:
            return
        stype = lv["school_id"].map(sch["school_type"])
        pairs = pd.DataFrame([(st, lvl) for st, levels in _LEVELS_OF.items() for lvl in levels], columns=["school_type", "level"])
        allowed = set(pairs["school_type"] + "|" + pairs["level"])
        bad = ~(stype.astype("string").fillna("") + "|" + lv["level"].astype("string").fillna("")).isin(allowed)
        self.flag("school_levels", bad, "level", lambda r: f"{sch.at[r['school_id'], 'school_type']}不应有「{r['level']}」学段的数据。",
                  "请更正学段，或在 schools.csv 中更正该校的办学类型。")
        opened = sch["opened_year"].fillna(years[0]).astype(int)
        closed = sch["closed_year"].fillna(years[-1]).astype(int)
        outside = (lv["year"] < lv["school_id"].map(opened)) | (lv["year"] > lv["school_id"].map(closed))
        self.flag("school_levels", outside, "year", lambda r: f"{sch.at[r['school_id'], 'school_name']}在这一年尚未开办或已撤并（见 schools.csv 的 opened_year、closed_year）。",
                  "请删除这一行，或更正 schools.csv 中的开办/撤并年份。")
        have = set(zip(lv["year"].astype(int), lv["school_id"].astype(object), lv["level"].astype(object)))
        rows_of = {}
        for tname in ("school_facilities", "school_finance"):
            if self.need(tname):
                rows_of[tname] = set(zip(self.t[tname]["year"].astype(int), self.t[tname]["school_id"].astype(object)))
        # find the gaps with set arithmetic first; walk school by school (for messages in order) only if there are any
        grid = pd.DataFrame({"school_id": sch.index, "school_type": sch["school_type"].to_numpy(),
                             "opened": opened.to_numpy(), "closed": closed.to_numpy()}).merge(pd.DataFrame({"year": years}), how="cross")
        grid = grid[(grid["year"] >= grid["opened"]) & (grid["year"] <= grid["closed"])]
        wanted = grid.merge(pairs, on="school_type")
        want_levels = set(zip(wanted["year"].astype(int), wanted["school_id"], wanted["level"]))
        want_rows = set(zip(grid["year"].astype(int), grid["school_id"]))
        if want_levels <= have and all(want_rows <= keys for keys in rows_of.values()):
            return
        for sid, r in sch.iterrows():
            for y in years:
                if y < opened[sid] or y > closed[sid]:
                    continue
                for level in sorted(_LEVELS_OF.get(r["school_type"], set())):
                    if (y, sid, level) not in have:
                        self.report.add(Finding(ERROR, "missing-year", self.shown["school_levels"],
                                                f"{r['school_name']}（{sid}）缺少 {y} 年「{level}」学段的数据行。",
                                                f"请在 school_levels.csv 中补上 {y} 年该校{level}的一行；若学校已撤并，请在 schools.csv 填写 closed_year。"))
                for tname, keys in rows_of.items():
                    if (y, sid) not in keys:
                        self.report.add(Finding(ERROR, "missing-year", self.shown[tname],
                                                f"{r['school_name']}（{sid}）缺少 {y} 年的数据行。",
                                                f"请在 {tname}.csv 中补上 {y} 年该校的一行。"))

    def class_sizes(self) -> None:
        if not self.need("school_levels"):
            return
        d = self.t["school_levels"]
        self.flag("school_levels", (d["students"] > 0) & (d["classes"] == 0), "classes", "有在校生却没有班级。", "请填写班级数。")
        avg = np.ceil(d["students"].astype(float) / d["classes"].where(d["classes"] > 0).astype(float))
        self.flag("school_levels", (d["classes"] > 0) & (d["max_class_size"] < avg), "max_class_size",
                  lambda r: f"最大班额 {r['max_class_size']} 小于平均班额 {math.ceil(r['students'] / r['classes'])}（{r['students']} 人 ÷ {r['classes']} 个班）。",
                  "在校生数、班级数和最大班额三者不一致，请核对。")
        self.flag("school_levels", d["max_class_size"] > d["students"], "max_class_size",
                  lambda r: f"最大班额大于该学段在校生总数 {r['students']}。", "请核对最大班额。")
        self.flag("school_levels", (d["classes"] > d["students"]) & (d["students"] > 0), "classes",
                  lambda r: f"班级数多于在校生数 {r['students']}。", "请核对班级数。")

    def jumps(self) -> None:
        if not self.need("school_facilities"):
            return
        d = self.t["school_facilities"].sort_values(["school_id", "year"])
        for col in ("teaching_aux_area_m2", "sports_ground_area_m2", "equipment_value_yuan"):
            prev = d.groupby("school_id")[col].shift(1)
            prev_year = d.groupby("school_id")["year"].shift(1)
            change = (d[col] - prev) / prev.where(prev > 0)
            mask = (change.abs() > 0.5) & (prev_year == d["year"] - 1)
            title = load("school_facilities").field(col).title.split("（")[0]
            self.flag("school_facilities", mask.reindex(self.t["school_facilities"].index), col,
                      lambda r, c=col, t=title, p=prev: f"{t}比上一年变化超过 50%（上一年 {_fmt(p[r.name])}）。",
                      "如确为新建、撤并或统计口径变化，可忽略此警告并在拉取请求中说明；否则请检查单位（如万元与元）。", sev=WARNING)

    def parents(self) -> None:
        if not self.need("schools"):
            return
        d = self.t["schools"]
        types = d.set_index("school_id")["school_type"]
        self.flag("schools", (d["school_type"] == "教学点") & d["parent_school_id"].isna(), "parent_school_id",
                  "教学点必须填写所属学校标识码。", "请填写该教学点所属完全小学的学校标识码。")
        self.flag("schools", (d["school_type"] != "教学点") & d["parent_school_id"].notna(), "parent_school_id",
                  "只有教学点需要填写所属学校。", "请清空这一格。")
        self.flag("schools", d["parent_school_id"].map(types).eq("教学点").fillna(False), "parent_school_id",
                  "所属学校本身也是教学点。", "请填写其所属的完全小学。")
        self.flag("schools", d["closed_year"].notna() & d["opened_year"].notna() & (d["closed_year"] < d["opened_year"]),
                  "closed_year", "撤并年份早于开办年份。", "请核对两列。")

    def county_rows(self) -> None:
        if self.need("county") and len(self.t["county"]) != 1:
            self.report.add(Finding(ERROR, "county-rows", self.shown["county"], f"county.csv 应只有 1 行，现在有 {len(self.t['county'])} 行。",
                                    "请只保留本县的一行。"))

    def judged(self) -> None:
        if not self.need("judged_items", "standards"):
            return
        st = self.t["standards"]
        judged_ids = set(st.loc[st["comparator"] == "judged", "rule_id"])
        d = self.t["judged_items"]
        self.flag("judged_items", ~d["item_id"].isin(judged_ids), "item_id",
                  "不是 standards.csv 中需认定（judged）的事项编号。", f"可用的编号：{'、'.join(sorted(judged_ids))}。")
        if self.need("tasks"):
            ids = {r.split(".")[0] for r in st["rule_id"]}
            tk = self.t["tasks"]
            bad = [any(x not in ids for x in str(v).split()) if v is not pd.NA else False for v in tk["items"]]
            self.flag("tasks", bad, "items", "含有 standards.csv 中不存在的指标编号。", "请用空格分隔已有的编号，如 “G6 G7 Q4”。")

    def standards_complete(self) -> None:
        if not self.need("standards"):
            return
        d = self.t["standards"]
        no_threshold = d["comparator"].isin(["judged", "composite"])
        self.flag("standards", ~no_threshold & d["threshold"].isna(), "threshold",
                  "数值规则和参数必须有阈值。", "请填写阈值，或把比较方式改为 judged。")
        self.flag("standards", no_threshold & d["threshold"].notna(), "threshold",
                  "judged（依据材料认定）和 composite（由分项组成）的规则不应有阈值。", "请清空阈值。")

    def milestones(self) -> None:
        if not self.need("milestones"):
            return
        d = self.t["milestones"]
        self.flag("milestones", (d["status"] == "已完成") & d["done_on"].isna(), "done_on", "状态为已完成，但没有填写完成日期。", "请填写完成日期（YYYY-MM-DD）。")
        self.flag("milestones", (d["status"] != "已完成") & d["done_on"].notna(), "done_on", "尚未完成的节点不应有完成日期。", "请清空完成日期或把状态改为已完成。")

    def baselines(self) -> None:
        if not self.need("funding_baselines", "school_levels"):
            return
        b = self.t["funding_baselines"]
        have = set(zip(b["year"].astype(int), b["level"], b["area_type"]))
        areas = load("funding_baselines").field("area_type").constraints["enum"]
        for y in sorted(self.t["school_levels"]["year"].dropna().astype(int).unique()):
            for lv in ("小学", "初中"):
                missing = [a for a in areas if (y, lv, a) not in have]
                if missing:
                    self.report.add(Finding(ERROR, "missing-year", self.shown["funding_baselines"],
                                            f"缺少 {y} 年{lv}（{'、'.join(missing)}）的生均公用经费基准定额。",
                                            f"请补上 {y} 年{lv}在{'、'.join(missing)}的定额各一行（城乡统一时数值相同）。"))

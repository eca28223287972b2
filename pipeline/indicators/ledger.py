"""Turn the remediation ledger (整改台账) and the computed gaps into ledger checks, drafts and the progress watch.

Gaps are read under the county profile (the plan's own targets; its 资源配置 thresholds equal the
national ones, and its other targets are the stricter). "Overdue" is judged against the release
date of the latest data, never the wall clock, so the same data always gives the same result.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import Say

PROFILE = "county"
NO_LEDGER, OVERDUE, DONE_TOO_EARLY, CLOSABLE, ON_TRACK = "未建台账", "逾期", "已销号但未达标", "可销号", "正常"
_KEY = ["school_id", "level", "item_id"]


def as_of(tables: dict) -> str:
    return str(tables["releases"].sort_values("released_on")["released_on"].iloc[-1])


def failing(outputs: dict, year: int) -> pd.DataFrame:
    """School items failing in `year`: R1–R7 per school unit, and the per-school checks (G3–G7, Q4)."""
    si = outputs["school_indicators"]
    si = si[(si["year"] == year) & (si["profile"] == PROFILE) & (~si["meets"].astype(bool))]
    r = si.rename(columns={"indicator_id": "item_id"})[["school_id", "level", "item_id", "value", "threshold", "gap", "gap_unit"]]
    sc = outputs["school_checks"]
    sc = sc[(sc["year"] == year) & (sc["profile"] == PROFILE) & (~sc["meets"].astype(bool))]
    c = sc.assign(level="全部", gap=None, gap_unit="")[["school_id", "level", "item_id", "value", "threshold", "gap", "gap_unit", "detail"]]
    out = pd.concat([r.assign(detail=""), c], ignore_index=True)
    return out.sort_values(_KEY, kind="stable").reset_index(drop=True)


def _problem(row, names: dict, rule_names: dict) -> str:
    name = names.get(row["school_id"], row["school_id"])
    what = rule_names.get(row["item_id"], row["item_id"])
    if row["item_id"].startswith("R"):
        return f"{name}（{row['level']}）{row['item_id']} {what} {row['value']:.2f}，低于阈值 {row['threshold']:g}"
    return f"{name} {row['item_id']} {what}：{row['detail']}"


def departments(tasks: pd.DataFrame) -> dict[str, str]:
    """Each item's responsible departments, from the plan's tasks (tasks.csv) whose `items` name it, in task order;
    an item no task names gets none (the staff fill it in)."""
    out: dict[str, list[str]] = {}
    for r in tasks.sort_values("task_id").itertuples(index=False):
        for item in str(r.items or "").split():
            for d in str(r.departments or "").split("、"):
                if d and d not in out.setdefault(item, []):
                    out[item].append(d)
    return {k: "、".join(v) for k, v in out.items()}


def draft(tables: dict, outputs: dict, year: int) -> pd.DataFrame:
    """Ledger rows for every failing school item of `year` that has no open ledger item yet."""
    led = tables["remediation"]
    open_keys = set(map(tuple, led[led["status"] != "已完成"][_KEY].astype(str).to_numpy().tolist()))
    f = failing(outputs, year)
    f = f[[tuple(k) not in open_keys for k in f[_KEY].astype(str).to_numpy().tolist()]]
    names = dict(zip(tables["schools"]["school_id"], tables["schools"]["school_name"]))
    towns = dict(zip(tables["schools"]["school_id"], tables["schools"]["town"]))
    st = tables["standards"]
    rule_names = dict(zip(st["rule_id"], st["name"]))
    depts = departments(tables["tasks"])
    used = [int(n.split("-")[2]) for n in led["item_no"] if n.startswith(f"ZG-{year}-")]
    start = max(used, default=0)
    rows = []
    for i, r in enumerate(f.to_dict("records"), start=start + 1):
        rows.append(dict(item_no=f"ZG-{year}-{i:03d}", opened_year=year, school_id=r["school_id"], town=towns.get(r["school_id"], ""),
                         level=r["level"], item_id=r["item_id"], problem=_problem(r, names, rule_names), measure="",
                         gap_at_open=None if pd.isna(r["gap"]) else round(float(r["gap"]), 2), gap_unit=r["gap_unit"], departments=depts.get(r["item_id"], ""),
                         planned_investment_yuan=None, due="", status="未开始", done_on="", evidence_url=""))
    cols = [c for c in led.columns if c != "_row"]
    return pd.DataFrame(rows, columns=cols)


def checks(tables: dict, outputs: dict, year: int) -> pd.DataFrame:
    """Each ledger item against the data of `year`, and every failing school item with no ledger item."""
    led = tables["remediation"]
    today = as_of(tables)
    f = failing(outputs, year)
    now = {tuple(k): g for k, g in zip(f[_KEY].astype(str).to_numpy().tolist(), f[["gap", "gap_unit"]].to_dict("records"))}
    units = outputs["school_units"]
    units = units[units["year"] == year]
    present = set(zip(units["school_id"].tolist(), units["level"].tolist()))
    sc = outputs["school_checks"]
    sc = sc[(sc["year"] == year) & (sc["profile"] == PROFILE)]
    checked = set(zip(sc["school_id"].tolist(), sc["item_id"].tolist()))            # the per-school items (G3–G7, Q4) the data checks
    towns = dict(zip(tables["schools"]["school_id"], tables["schools"]["town"]))
    rows = []
    covered = set()
    for r in led.sort_values("item_no").to_dict("records"):
        sid = r["school_id"] if isinstance(r["school_id"], str) else None
        key = (sid, r["level"], r["item_id"]) if sid else None
        if key:
            covered.add(key)
        failing_now = key in now if key else None
        # the year's data has the item for this school: its unit (R1–R7) or its per-school check; a closed school, or an
        # item the data does not check school by school, has none, and its item is never called closable
        in_data = bool(sid) and ((sid, r["level"]) in present if r["item_id"][0] == "R" else (sid, r["item_id"]) in checked)
        gap = now[key]["gap"] if failing_now else (0.0 if in_data else None)
        done = r["status"] == "已完成"
        overdue = (not done) and str(r["due"]) < today
        if done and failing_now:
            check, detail = DONE_TOO_EARLY, Say(f"已于 {r['done_on']} 销号，但 {year} 年数据仍未达标",
                                                f"closed on {r['done_on']}, but the {year} data still does not meet it")
        elif not done and failing_now is False and in_data:
            check, detail = CLOSABLE, Say(f"{year} 年数据已达标，可以销号", f"the {year} data meets it: the item can be closed")
        elif overdue:
            check, detail = OVERDUE, Say(f"完成时限 {r['due']} 已过（截至 {today}），仍未完成", f"due {r['due']}, past (as of {today}), not done")
        else:
            check, detail = ON_TRACK, Say("已完成", "done") if done else Say(f"整改中，时限 {r['due']}", f"in progress, due {r['due']}")
        if sid and not in_data:
            detail = Say(f"{detail.zh}；{year} 年数据中没有该校的这一项，无法核对",
                         f"{detail.en}; the {year} data has no figure for it at this school, so it cannot be checked")
        rows.append(dict(year=year, check=check, item_no=r["item_no"], school_id=sid, town=r["town"], level=r["level"],
                         item_id=r["item_id"], status=r["status"], due=str(r["due"]), departments=r["departments"],
                         gap_now=gap, gap_unit=r["gap_unit"] if isinstance(r["gap_unit"], str) else "", detail=detail.zh, detail_en=detail.en))
    for k, g in now.items():
        if k in covered:
            continue
        sid, level, item = k
        rows.append(dict(year=year, check=NO_LEDGER, item_no=None, school_id=sid, town=towns.get(sid, ""), level=level, item_id=item,
                         status=None, due=None, departments=None, gap_now=g["gap"], gap_unit=g["gap_unit"] or "",
                         detail=f"{year} 年未达标，尚未列入整改台账（可用 junheng ledger 起草）",
                         detail_en=f"not met in {year}, and not yet in the remediation ledger (junheng ledger drafts the item)"))
    order = {OVERDUE: 0, DONE_TOO_EARLY: 1, NO_LEDGER: 2, CLOSABLE: 3, ON_TRACK: 4}
    out = pd.DataFrame(rows, columns=["year", "check", "item_no", "school_id", "town", "level", "item_id", "status", "due",
                                      "departments", "gap_now", "gap_unit", "detail", "detail_en"])
    return out.assign(_o=out["check"].map(order)).sort_values(["_o", "town", "school_id", "item_id"], kind="stable").drop(columns="_o")


def watch(tables: dict, outputs: dict) -> pd.DataFrame:
    """Indicators failing two or more years in a row without improving; towns ranked by gaps closed per year."""
    si = outputs["school_indicators"]
    si = si[si["profile"] == PROFILE].sort_values(["school_id", "level", "indicator_id", "year"]).reset_index(drop=True)
    towns = dict(zip(tables["schools"]["school_id"], tables["schools"]["town"]))
    g = si.groupby(["school_id", "level", "indicator_id"], sort=False)
    prev_year, prev_value, prev_meets = g["year"].shift(), g["value"].shift(), g["meets"].shift()
    fail = ~si["meets"].astype(bool)
    # a failing streak continues while the previous row is the same unit's previous year and failed too
    continues = fail & (prev_year == si["year"] - 1) & (prev_meets == False)  # noqa: E712 (NaN-safe comparison)
    streak = (~continues).cumsum()
    run = fail.astype(int).groupby(streak).cumsum().where(fail, 0)
    flag = fail & (run >= 2) & (si["value"] <= prev_value)
    rows = []
    for r, n, pv in zip(si[flag].itertuples(index=False), run[flag], prev_value[flag]):
        rows.append(dict(year=int(r.year), kind="学校指标", town=towns.get(r.school_id, ""), school_id=r.school_id, level=r.level,
                         item_id=r.indicator_id, years_failing=int(n), gaps_open=None, gaps_closed=None, rank=None,
                         reason=f"{r.indicator_id} 连续 {int(n)} 年未达标，{r.year} 年 {r.value:.2f} 不高于上一年 {pv:.2f}（阈值 {r.threshold:g}）",
                         reason_en=f"{r.indicator_id} below its threshold {int(n)} years running; {r.value:.2f} in {r.year}, no higher than "
                                   f"{pv:.2f} the year before (threshold {r.threshold:g})"))
    years = sorted(si["year"].unique())
    key = ["school_id", "level", "indicator_id"]
    all_towns = sorted(tables["towns"]["town_name"]) if "towns" in tables else sorted(set(towns.values()))
    for y0, y1 in zip(years, years[1:]):
        a = si[si["year"] == y0].set_index(key)["meets"]
        b = si[si["year"] == y1].set_index(key)["meets"]
        both = a.index.intersection(b.index)
        closed = (~a[both].astype(bool)) & b[both].astype(bool)
        town_of = pd.Series(b.index.get_level_values("school_id").map(towns), index=b.index).fillna("")
        n_closed = closed[closed].groupby(town_of.reindex(closed[closed].index)).size()
        still = ~b.astype(bool)
        n_open = still[still].groupby(town_of[still]).size()
        per = {t: (int(n_closed.get(t, 0)), int(n_open.get(t, 0))) for t in all_towns}
        ranked = sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0]))
        rank, last = 0, None
        for i, (t, (c, o)) in enumerate(ranked, start=1):
            if c != last:
                rank, last = i, c
            rows.append(dict(year=int(y1), kind="镇街", town=t, school_id=None, level=None, item_id=None, years_failing=None,
                             gaps_open=o, gaps_closed=c, rank=rank, reason=f"{y1} 年消除 {c} 个学校指标缺口，尚余 {o} 个",
                             reason_en=f"{c} school indicator gap{'' if c == 1 else 's'} closed in {y1}, {o} still open"))
    return pd.DataFrame(rows, columns=["year", "kind", "town", "school_id", "level", "item_id", "years_failing", "gaps_open",
                                       "gaps_closed", "rank", "reason", "reason_en"])

"""Turn a seed into an illustrative county dataset laid out like `datasets/`.

The shipped sample data is written by this module and committed as CSV; staff edit the CSVs,
never this script. Every school name ends in （示例） and the descriptor is flagged
illustrative. The story: in 2021 big town-centre schools are short of sports ground and have
oversized classes, village schools lack key teachers and music rooms; most gaps close by 2025,
a few remain.

Run: ``python -m pipeline.synth --out datasets`` (rewrites the illustrative tables only).
"""

from __future__ import annotations

import csv
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from . import canonical

YEARS = list(range(2021, 2026))
SEED = 20211130
MARK = "（示例）"
EVIDENCE_URL = "https://example.org/junheng-sample/"

# thresholds used only to place sample values around them (the engine reads standards.csv)
_THR = {
    "小学": dict(R1=4.2, R2=1.0, R3=0.9, R4=4.5, R5=7.5, R6=2000, R7=2.3),
    "初中": dict(R1=5.3, R2=1.0, R3=0.9, R4=5.8, R5=10.2, R6=2500, R7=2.4),
    "高中": dict(R1=6.0, R2=1.2, R3=1.0, R4=6.5, R5=11.0, R6=3000, R7=2.5),
}
_TOWNS = [
    ("370321001", "索镇街道", "街道"), ("370321002", "少海街道", "街道"),
    ("370321101", "起凤镇", "镇"), ("370321102", "田庄镇", "镇"), ("370321103", "荆家镇", "镇"),
    ("370321104", "马桥镇", "镇"), ("370321105", "新城镇", "镇"), ("370321106", "唐山镇", "镇"),
    ("370321107", "果里镇", "镇"),
]
_LEVELS_OF = {
    "小学": ["小学"], "教学点": ["小学"], "初中": ["初中"], "九年一贯制学校": ["小学", "初中"],
    "十二年一贯制学校": ["小学", "初中", "高中"], "完全中学": ["初中", "高中"], "特殊教育学校": ["特殊教育"],
}


@dataclass
class _School:
    school_id: str
    name: str
    town: str
    school_type: str
    area_type: str
    ownership: str = "公办"
    is_boarding: bool = False
    parent_school_id: str = ""
    opened_year: int | None = None
    role: str = "normal"          # story role: big, village, normal, new, lagging...
    students: dict = field(default_factory=dict)   # level -> 2021 students
    m: dict = field(default_factory=dict)           # indicator -> (m2021, m2025) multiple of threshold


def _id(n: int) -> str:
    return f"21370321{n:02d}"


def _schools(rng: random.Random) -> list[_School]:
    s: list[_School] = []
    n = iter(range(1, 100))
    # 索镇街道 (城区): big primary schools, the county's crowded core
    for k, stu in enumerate([2350, 2180, 1960, 1720, 1480], start=1):
        s.append(_School(_id(next(n)), f"索镇第{'一二三四五'[k-1]}小学{MARK}", "索镇街道", "小学", "城区", role="big", students={"小学": stu}))
    s.append(_School(_id(next(n)), f"桓台县第一中学附属初中{MARK}", "索镇街道", "初中", "城区", role="big", students={"初中": 1850}))
    s.append(_School(_id(next(n)), f"索镇实验初中{MARK}", "索镇街道", "初中", "城区", role="normal", students={"初中": 1380}))
    s.append(_School(_id(next(n)), f"索镇第二初中{MARK}", "索镇街道", "初中", "城区", role="normal", students={"初中": 1120}))
    s.append(_School(_id(next(n)), f"索镇实验学校{MARK}", "索镇街道", "九年一贯制学校", "城区", role="big", students={"小学": 1500, "初中": 760}))
    s.append(_School(_id(next(n)), f"桓台县渔洋中学{MARK}", "索镇街道", "完全中学", "城区", role="normal", students={"初中": 980, "高中": 1250}))
    s.append(_School(_id(next(n)), f"桓台县特殊教育学校{MARK}", "索镇街道", "特殊教育学校", "城区", is_boarding=True, role="special", students={"特殊教育": 126}))
    s.append(_School(_id(next(n)), f"桓台县华文学校{MARK}", "索镇街道", "十二年一贯制学校", "城区", ownership="民办", is_boarding=True, role="normal", students={"小学": 640, "初中": 420, "高中": 380}))
    # 少海街道 (城区)
    for k, stu in enumerate([2120, 1640, 1260], start=1):
        s.append(_School(_id(next(n)), f"少海第{'一二三'[k-1]}小学{MARK}", "少海街道", "小学", "城区", role="big" if stu > 1500 else "normal", students={"小学": stu}))
    s.append(_School(_id(next(n)), f"少海第四小学{MARK}", "少海街道", "小学", "城区", role="new", opened_year=2023, students={"小学": 0}))
    s.append(_School(_id(next(n)), f"少海初级中学{MARK}", "少海街道", "初中", "城区", role="big", students={"初中": 1560}))
    s.append(_School(_id(next(n)), f"少海实验学校{MARK}", "少海街道", "九年一贯制学校", "城区", role="normal", students={"小学": 980, "初中": 540}))
    # the seven towns: a big centre primary (镇区), two village primaries (乡村), a junior school
    villages = {
        "起凤镇": ["华沟", "东营"], "田庄镇": ["荆家铺", "王茂"], "荆家镇": ["夏庄", "刘茂"],
        "马桥镇": ["北营", "陈庄"], "新城镇": ["城南", "后金"], "唐山镇": ["南营", "西孙"], "果里镇": ["前七", "房家"],
    }
    for code, town, kind in _TOWNS[2:]:
        short = town[:-1]
        s.append(_School(_id(next(n)), f"{short}镇中心小学{MARK}", town, "小学", "镇区", role="big", students={"小学": rng.randint(1300, 1900)}))
        for v in villages[town]:
            s.append(_School(_id(next(n)), f"{short}镇{v}小学{MARK}", town, "小学", "乡村", role="village", students={"小学": rng.randint(150, 420)}))
        s.append(_School(_id(next(n)), f"{short}镇中学{MARK}", town, "初中", "镇区", role="normal", students={"初中": rng.randint(700, 1300)}))
    s.append(_School(_id(next(n)), f"荆家镇夏庄学校{MARK}", "荆家镇", "九年一贯制学校", "乡村", role="village", students={"小学": 310, "初中": 260}))
    parent_gl = next(x for x in s if x.name.startswith("果里镇前七"))
    parent_ts = next(x for x in s if x.name.startswith("唐山镇南营"))
    s.append(_School(_id(next(n)), f"果里镇前七小学东庄教学点{MARK}", "果里镇", "教学点", "乡村", parent_school_id=parent_gl.school_id, role="village", students={"小学": 38}))
    s.append(_School(_id(next(n)), f"唐山镇南营小学西村教学点{MARK}", "唐山镇", "教学点", "乡村", parent_school_id=parent_ts.school_id, role="village", students={"小学": 64}))
    # two village schools stay behind on purpose, so 2025 shows failures too
    next(x for x in s if x.name.startswith("马桥镇陈庄")).role = "lagging"
    next(x for x in s if x.name.startswith("索镇第一小学")).role = "landlocked"
    small = next(x for x in s if x.name.startswith("新城镇后金"))
    small.students = {"小学": 168}   # under 200, over 100: the G6 floor differs by profile
    return s


def _multiples(sc: _School, rng: random.Random) -> dict:
    """Each indicator's value as a multiple of its threshold, in 2021 and in 2025."""
    u = rng.uniform
    # 2021 spreads as wide as real counties before passing (STANDARDS.md §6), converging by 2025
    spread21 = dict(R1=1.9, R2=3.4, R3=2.8, R4=2.2, R5=2.4, R6=1.5, R7=3.2)
    base = {k: (u(1.0, hi), u(1.1, 1.7)) for k, hi in spread21.items()}
    if sc.role in ("big", "landlocked"):
        base["R5"] = (u(0.55, 0.8), u(0.98, 1.25))
        base["R4"] = (u(0.8, 0.95), u(1.02, 1.2))
        base["R7"] = (u(0.85, 1.0), u(1.05, 1.3))
    if sc.role == "landlocked":      # no land in the old town: sports ground stays short
        base["R5"] = (0.58, 0.79)
    if sc.role in ("village", "lagging"):
        base["R2"] = (u(0.15, 0.6), u(1.05, 1.5))
        base["R7"] = (u(0.4, 0.8), u(1.1, 1.5))
        base["R6"] = (u(0.7, 0.95), u(1.1, 1.6))
        base["R4"] = (u(1.6, 3.2), u(1.4, 2.2))
        base["R5"] = (u(2.0, 4.0), u(1.6, 2.6))
    if sc.role == "lagging":
        base["R2"] = (0.3, 0.55)
        base["R7"] = (0.8, 0.77)            # stalls: the progress watch should flag it
    if sc.role == "new":
        base = {k: (v[1], v[1]) for k, v in base.items()}
    return base


def _lerp(pair: tuple, year: int, rng: random.Random) -> float:
    a, b = pair
    t = (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
    return (a + (b - a) * t) * rng.uniform(0.98, 1.02)


def _students(sc: _School, level: str, year: int) -> int:
    s0 = sc.students[level]
    if sc.role == "new":
        return 0 if year < 2023 else {2023: 620, 2024: 1080, 2025: 1460}[year]
    if sc.role in ("big",) and level == "小学" and sc.town == "少海街道":
        return int(s0 * (1, 1.02, 0.86, 0.8, 0.78)[year - 2021])  # relieved by 少海第四小学
    if sc.role in ("big", "landlocked") and level == "小学":
        return int(s0 * (1, 1.01, 0.97, 0.93, 0.9)[year - 2021])
    if sc.role in ("village", "lagging"):
        return max(1, int(s0 * (1, 0.97, 0.95, 0.93, 0.91)[year - 2021]))
    return int(s0 * (1, 1.01, 1.02, 1.02, 1.03)[year - 2021])


def generate(out: Path, seed: int = SEED) -> dict[str, int]:
    """Write the illustrative tables into `out`; return rows written per table."""
    rng = random.Random(seed)
    schools = _schools(rng)
    for sc in schools:
        sc.m = _multiples(sc, rng)
    t: dict[str, list[dict]] = {k: [] for k in (
        "county", "towns", "schools", "school_levels", "school_facilities", "special_rooms",
        "school_finance", "funding_baselines", "county_finance", "teacher_workforce", "access",
        "cohorts", "disabled_children", "quality_monitoring", "judged_items", "satisfaction",
        "task_updates", "releases")}
    t["county"].append(dict(county_code="370321", county_name="桓台县", city_name="淄博市", province_name="山东省",
                            plan_doc_no="桓政办字〔2021〕46号", plan_title="桓台县义务教育优质均衡发展县创建实施工作方案",
                            publisher="桓台县教育和体育局", target_year=2025, basic_balance_year=2015, junior_years=4))
    _fill(t, _TOWNS, schools, rng)
    _county_tables(rng, t, schools)
    for name, rows in t.items():
        _write(out / f"{name}.csv", rows)
        canonical.rewrite(out / f"{name}.csv", name)
    t["remediation"] = _ledger(out)
    return {k: len(v) for k, v in t.items()}


_HAND_KEPT = ("standards.csv", "tasks.csv", "milestones.csv", "translations.csv", "datapackage.json")


def generate_scaled(out: Path, units: int, seed: int = SEED) -> dict[str, int]:
    """A synthetic county (or roll-up) in the layout of datasets/ with about `units` school units; valid by construction.

    Used by the benchmark (bench/run.py): the same per-school story as the sample, repeated over more schools and towns.
    """
    import shutil

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_towns = max(9, units // 40)
    towns = [(f"{370321001 + i:09d}", f"第{i + 1}镇（示例）", "镇") for i in range(n_towns)]
    schools: list[_School] = []
    k = 0
    while sum(len([lv for lv in sc.students if lv in ("小学", "初中")]) for sc in schools) < units:
        k += 1
        town = towns[k % n_towns][1]
        kind = rng.random()
        if kind < 0.62:
            sc = _School(f"{2100000000 + k:010d}", f"学校{k}（示例）", town, "小学", rng.choice(["城区", "镇区", "乡村"]),
                         role=rng.choice(["big", "village", "normal"]), students={"小学": rng.randint(150, 2200)})
        elif kind < 0.92:
            sc = _School(f"{2100000000 + k:010d}", f"学校{k}（示例）", town, "初中", rng.choice(["城区", "镇区"]),
                         role=rng.choice(["big", "normal"]), students={"初中": rng.randint(400, 1800)})
        else:
            sc = _School(f"{2100000000 + k:010d}", f"学校{k}（示例）", town, "九年一贯制学校", "乡村", role="village",
                         students={"小学": rng.randint(200, 600), "初中": rng.randint(150, 500)})
        sc.m = _multiples(sc, rng)
        schools.append(sc)
    t: dict[str, list[dict]] = {k2: [] for k2 in (
        "county", "towns", "schools", "school_levels", "school_facilities", "special_rooms", "school_finance",
        "funding_baselines", "county_finance", "teacher_workforce", "access", "cohorts", "disabled_children",
        "quality_monitoring", "judged_items", "satisfaction", "task_updates", "releases")}
    t["county"].append(dict(county_code="370321", county_name="示例县", city_name="示例市", province_name="示例省",
                            plan_doc_no="示例〔2021〕1号", plan_title="示例县创建实施方案", publisher="示例县教育局",
                            target_year=2025, basic_balance_year=2015, junior_years=4))
    _fill(t, towns, schools, rng)
    _county_tables(rng, t, schools)
    for name, rows in t.items():
        _write(out / f"{name}.csv", rows)
    src = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sample"     # never datasets/ (a real county's)
    for name in _HAND_KEPT:
        shutil.copyfile(src / name, out / name)
    (out / "remediation.csv").write_text((src / "remediation.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return {k2: len(v) for k2, v in t.items()}


def school_levels_rows(out: Path, rows: int, seed: int = SEED, errors: dict | None = None) -> Path:
    """A school_levels.csv of `rows` rows (national scale), vectorised; `errors` injects a known number of each kind.

    Kinds: text (text in a number column), negative, fullwidth, blank (missing required), decimal.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n_schools = max(1, rows // 5)
    year = np.tile(np.arange(2021, 2026), n_schools)[:rows]
    sid = np.repeat(np.arange(n_schools) + 2100000000, 5)[:rows].astype(str)
    students = rng.integers(30, 2500, rows)
    classes = np.maximum(1, students // 40)
    size = np.minimum(students, -(-students // classes) + rng.integers(0, 4, rows))
    teachers = np.maximum(1, students // 15)
    cols = {"year": year, "school_id": sid, "level": np.full(rows, "小学"), "students": students, "classes": classes,
            "max_class_size": size, "teachers": teachers, "teachers_above_degree": teachers * 7 // 10,
            "key_teachers": teachers // 8, "pe_arts_teachers": teachers // 9, "certified_teachers": teachers,
            "entrants": students // 5, "entrants_nearby": students // 5}
    text = {k: v.astype(str) for k, v in cols.items()}
    bad = {"text": "约100", "negative": "-5", "fullwidth": "１２", "blank": "", "decimal": "1.5"}
    where: dict[str, list[int]] = {}
    for kind, count in (errors or {}).items():
        idx = rng.choice(rows, size=count, replace=False)
        col = "students" if kind != "decimal" else "classes"
        text[col][idx] = bad[kind]
        where[kind] = sorted(int(i) + 2 for i in idx)
    path = out / "school_levels.csv"
    out.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(cols) + "\n")
        for start in range(0, rows, 200_000):
            block = np.column_stack([text[c][start:start + 200_000] for c in cols])
            fh.write("\n".join(",".join(r) for r in block.tolist()) + "\n")
    (out / "injected.json").write_text(json.dumps(where), encoding="utf-8")
    return path


# the illustrative county's departments for each kind of gap (sample content; the engine takes them from tasks.csv)
_SAMPLE_DEPTS = {"R1": "县教育体育局、县委编办", "R2": "县教育体育局", "R3": "县教育体育局、县委编办",
                 "R4": "县教育体育局、县自然资源局、各镇人民政府", "R5": "县教育体育局、县自然资源局、各镇人民政府",
                 "R6": "县教育体育局、县财政局", "R7": "县教育体育局、县财政局", "G3": "县教育体育局、县财政局",
                 "G4": "县教育体育局、县自然资源局", "G5": "县教育体育局", "G6": "县财政局、县教育体育局",
                 "G7": "县财政局、县教育体育局", "Q4": "县教育体育局"}


def _ledger(out: Path) -> list[dict]:
    """A believable 整改台账 made from the engine's own 2021 gaps: most have items, some done, a few overdue,
    two closable, and one marked done while the data still shows the gap."""
    import shutil

    from .compute import compute_tables
    from .indicators.ledger import draft, failing
    from .schemas import load
    from .validate import validate

    src = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sample"     # never datasets/ (a real county's)
    for name in _HAND_KEPT:                      # hand-kept tables come from the repository
        if not (out / name).exists():
            shutil.copyfile(src / name, out / name)
    path = out / "remediation.csv"
    path.write_text(",".join(load("remediation").names) + "\n", encoding="utf-8")
    v = validate(out)
    assert v.valid, [f.sentence() for f in v.report.errors][:3]
    o = compute_tables(v.tables)
    rng = random.Random(SEED + 9)
    rows = draft(v.tables, o, 2021).to_dict("records")
    rows = [r for r in rows if rng.random() < 0.85]          # a few gaps never got an item
    still = failing(o, YEARS[-1])
    still_keys = set(zip(still["school_id"], still["level"], still["item_id"]))
    measures = {"R1": "招聘本科及以上学历教师并组织学历提升", "R2": "通过交流轮岗和骨干评选补足骨干教师", "R3": "补充体育、音乐、美术专任教师",
                "R4": "改扩建教学及辅助用房", "R5": "新建或改造运动场地、风雨操场", "R6": "按标准补充教学仪器设备", "R7": "新建网络多媒体教室",
                "G3": "新建或改造音乐、美术专用教室", "G4": "新建学校分流学生，控制招生规模", "G5": "增设班级、化解大班额", "Q4": "按公用经费 5% 足额安排培训经费"}
    early_done = False
    for i, r in enumerate(rows):
        key = (r["school_id"], r["level"], r["item_id"])
        r["measure"] = "示例：" + measures.get(r["item_id"], "制定专项整改方案")
        r["departments"] = _SAMPLE_DEPTS.get(r["item_id"], "县教育体育局")
        r["planned_investment_yuan"] = {"R4": 2_400_000, "R5": 3_600_000, "R6": 450_000, "R7": 300_000, "G3": 380_000}.get(r["item_id"], 0)
        if key in still_keys:
            if not early_done and r["item_id"] == "R5":
                r.update(status="已完成", due="2024-08-31", done_on="2024-08-30")      # 销号 too early: the data still shows the gap
                early_done = True
            else:
                r.update(status="整改中", due=("2024-12-31" if i % 2 else "2026-12-31"))   # some overdue, some not yet due
        elif i % 9 == 4:
            r.update(status="整改中", due="2026-08-31")                           # closed in the data, not yet 销号: closable
        else:
            year = 2022 + i % 3
            r.update(status="已完成", due=f"{year}-12-31", done_on=f"{year}-{8 + i % 4:02d}-{10 + i % 15:02d}")
        r["evidence_url"] = f"{EVIDENCE_URL}ledger/{r['item_no']}" if r["status"] == "已完成" else ""
    clean = [{k: ("" if v is None or (isinstance(v, float) and math.isnan(v)) or v == 0 and k == "planned_investment_yuan" else v)
              for k, v in r.items()} for r in rows]
    if clean:
        _write(path, clean)
    canonical.rewrite(path, "remediation")
    return rows


def _fill(t: dict, towns: list[tuple], schools: list[_School], rng: random.Random) -> None:
    """Towns, schools, funding baselines and every school-year's rows (shared by the sample and the scaled data)."""
    t["towns"] = [dict(town_code=c, town_name=n, town_kind=k) for c, n, k in towns]
    for sc in schools:
        t["schools"].append(dict(school_id=sc.school_id, school_name=sc.name, town=sc.town, school_type=sc.school_type,
                                 area_type=sc.area_type, ownership=sc.ownership, is_boarding=str(sc.is_boarding).lower(),
                                 parent_school_id=sc.parent_school_id, opened_year=sc.opened_year or "", closed_year=""))
    rates = {"小学": [720, 760, 800, 820, 850], "初中": [940, 980, 1020, 1050, 1080]}
    for y in YEARS:
        for lv in ("小学", "初中"):
            for area in ("城区", "镇区", "乡村"):
                t["funding_baselines"].append(dict(year=y, level=lv, area_type=area, per_student_yuan=rates[lv][y - 2021]))
    for sc in schools:
        for y in YEARS:
            if sc.opened_year and y < sc.opened_year:
                continue
            _school_year(sc, y, rng, t, rates)


def _school_year(sc: _School, y: int, rng: random.Random, t: dict, rates: dict) -> None:
    levels = _LEVELS_OF[sc.school_type]
    parts = {}
    total_classes = 0
    for lv in levels:
        stu = _students(sc, lv, y) if lv in sc.students else 0
        # a new school is built for its full size: facilities do not grow with its first intakes
        stu_fac = _students(sc, lv, YEARS[-1]) if sc.role == "new" else stu
        thr = _THR.get(lv, _THR["小学"])
        if lv == "特殊教育":
            avg = 10
        elif sc.role in ("big", "landlocked") and lv == "小学":
            avg = (49, 48, 46, 44, 42)[y - 2021]
        elif sc.role == "big":
            avg = (53, 52, 50, 48, 46)[y - 2021]
        elif sc.role in ("village", "lagging"):
            avg = 26 if lv == "小学" else 34
        else:
            avg = 40 if lv == "小学" else 45
        classes = max(1, math.ceil(stu / avg))
        spread = 0 if stu < 60 else rng.randint(1, 4)
        size = min(stu, math.ceil(stu / classes) + spread)
        if sc.role in ("big", "landlocked") and y <= 2022:
            size += rng.randint(3, 8)   # a few crowded classes in 2021–2022
        if stu <= 60:
            size = stu if classes == 1 else size
        ratio = {"小学": 15.5, "初中": 12.0, "高中": 12.5, "特殊教育": 3.5}[lv]
        teachers = max(1, round(stu / ratio * rng.uniform(0.95, 1.08)))
        val = lambda k: _lerp(sc.m[k], y, rng) * thr[k]   # noqa: E731
        above = min(teachers, round(val("R1") * stu / 100))
        key = min(teachers, math.floor(val("R2") * stu / 100 + 0.5))
        pe = min(teachers, max(1, round(val("R3") * stu / 100)))
        cert = teachers - (1 if (y == 2021 and rng.random() < 0.15) else 0)
        row = dict(year=y, school_id=sc.school_id, level=lv, students=stu, classes=classes, max_class_size=size,
                   teachers=teachers, teachers_above_degree=above, key_teachers=key, pe_arts_teachers=pe,
                   certified_teachers=cert, entrants="", entrants_nearby="")
        if lv in ("小学", "初中"):
            grades = 5 if lv == "小学" else 4           # 淄博 uses the 5+4 system
            ent = round(stu / grades * rng.uniform(0.95, 1.05))
            nearby = ent
            if sc.area_type in ("城区", "镇区") and not sc.is_boarding and sc.ownership == "公办":
                if lv == "初中":
                    nearby = round(ent * (0.93 if y == 2021 else rng.uniform(0.96, 1.0)))
                elif y == 2021 and sc.role == "big":
                    nearby = ent - rng.randint(1, 6)
            elif sc.ownership == "民办":
                nearby = 0
            row.update(entrants=ent, entrants_nearby=nearby)
        t["school_levels"].append(row)
        parts[lv] = (stu_fac, val, stu)
        if lv in ("小学", "初中"):
            total_classes += classes
    # shared resources: sum what each part should get, then attach hall and ground
    stu_all = sum(p[0] for p in parts.values())
    area4 = sum(p[0] * p[1]("R4") for lv, p in parts.items() if lv in _THR) or stu_all * 12.0
    area5 = sum(p[0] * p[1]("R5") for lv, p in parts.items() if lv in _THR) or stu_all * 15.0
    equip = sum(p[0] * p[1]("R6") for lv, p in parts.items() if lv in _THR) or stu_all * 9000.0
    mm = sum(p[0] * p[1]("R7") / 100 for lv, p in parts.items() if lv in _THR) or 8
    indoor = 0.0 if sc.role in ("village", "lagging") or stu_all < 500 else round(min(area5 * 0.15, 1400.0), 1)
    t["school_facilities"].append(dict(
        year=y, school_id=sc.school_id,
        teaching_aux_area_m2=round(area4 + indoor, 1), indoor_sports_area_m2=indoor,
        sports_ground_area_m2=round(max(area5 - indoor, 0.0), 1),
        equipment_value_yuan=round(equip, 2), multimedia_classrooms=max(1, math.floor(mm + 0.5))))
    # music and art rooms: villages short in 2021–2022, small rooms rebuilt by 2024
    need = max(1, math.ceil(total_classes / 12)) if total_classes else 1
    for rtype, minimum in (("音乐", 96), ("美术", 90)):
        have = need
        if sc.role in ("village", "lagging") and y <= 2022:
            have = max(0, need - 1) if rtype == "音乐" else need
        if sc.role == "lagging" and rtype == "音乐" and y <= 2024:
            have = max(0, need - 1)
        if sc.school_type == "教学点":
            have = 1 if y >= 2023 else 0
        for k in range(1, have + 1):
            small_room = sc.role in ("village",) and y <= 2023 and k == 1 and rng.random() < 0.4
            area = round(rng.uniform(70, 88) if small_room else rng.uniform(minimum + 2, minimum + 40), 1)
            t["special_rooms"].append(dict(year=y, school_id=sc.school_id, room_type=rtype, room_no=k, area_m2=area))
    # funding: small village schools funded at the 100-pupil floor until 2022, at 200 from 2023
    compulsory = sum(p[2] for lv, p in parts.items() if lv in ("小学", "初中"))
    floor = 100 if y <= 2022 else 200
    if sc.school_type == "特殊教育学校":
        budget = sum(p[2] for p in parts.values()) * (6200 + 150 * (y - 2021))
    else:
        funded = {lv: p[2] for lv, p in parts.items() if lv in ("小学", "初中")}
        if sc.area_type == "乡村" and compulsory < floor:
            funded = {"小学": floor}
        budget = sum(rates[lv][y - 2021] * n for lv, n in funded.items())
    train_share = 0.042 if (y == 2021 and sc.role == "big" and rng.random() < 0.5) else rng.uniform(0.052, 0.075)
    t["school_finance"].append(dict(year=y, school_id=sc.school_id, public_funds_budget_yuan=round(budget, 2),
                                    public_funds_granted_yuan=round(budget, 2), training_spend_yuan=round(budget * train_share, 2)))


def _county_tables(rng: random.Random, t: dict, schools: list[_School]) -> None:
    for y in YEARS:
        i = y - 2021
        t["county_finance"].append(dict(year=y, edu_expenditure_yuan=[1.182e9, 1.236e9, 1.291e9, 1.338e9, 1.372e9][i],
                                        primary_per_student_yuan=[11820, 12310, 12960, 13420, 13980][i],
                                        junior_per_student_yuan=[16240, 16110, 16980, 17650, 18200][i]))
        teachers = sum(r["teachers"] for r in t["school_levels"] if r["year"] == y and r["level"] in ("小学", "初中"))
        eligible = round(teachers * 0.62)
        rotated = round(eligible * [0.083, 0.104, 0.112, 0.118, 0.121][i])
        t["teacher_workforce"].append(dict(
            year=y, teacher_avg_pay_yuan=[98600, 103900, 109200, 112800, 116400][i],
            civil_servant_avg_pay_yuan=[101200, 103100, 107300, 110900, 114200][i],
            is_performance_pay_full="true" if y >= 2022 else "false",
            training_due=teachers, training_done=round(teachers * [0.912, 0.947, 0.972, 0.991, 1.0][i]),
            rotation_eligible=eligible, rotated=rotated, key_rotated=round(rotated * [0.17, 0.21, 0.23, 0.24, 0.26][i])))
        grads = 6520 + 40 * i
        rural = round(grads * 0.28)
        quota = 2400
        alloc = round(quota * [0.56, 0.62, 0.66, 0.71, 0.73][i])
        t["access"].append(dict(year=y, quota_total=quota, quota_allocated=alloc, quota_allocated_rural=round(alloc * 0.33),
                                junior_graduates=grads, junior_graduates_rural=rural,
                                migrant_eligible=2310 + 35 * i, migrant_in_public=round((2310 + 35 * i) * [0.82, 0.85, 0.88, 0.9, 0.91][i]),
                                migrant_in_purchased=round((2310 + 35 * i) * 0.04)))
        for years, rate in ((4, [0.943, 0.948, 0.956, 0.962, 0.967][i]),):     # 5-4 system: no 3-year junior cohort exists
            entrants = 6700 + 30 * i
            tin, tout, deaths = 180 + i, 150 + 2 * i, 3
            graduates = round(rate * (entrants - deaths)) + tin - tout
            t["cohorts"].append(dict(graduation_year=y, cohort_years=years, entry_year=y - years, entrants=entrants,
                                     transferred_in=tin, transferred_out=tout, deaths=deaths, graduates=graduates))
        of_age = 412 - 3 * i
        enrolled = round(of_age * [0.962, 0.971, 0.979, 0.984, 0.988][i])
        t["disabled_children"].append(dict(year=y, children_of_age=of_age, in_regular_class=round(enrolled * 0.46),
                                           in_special_class=round(enrolled * 0.08), in_special_school=round(enrolled * 0.31),
                                           home_taught=enrolled - round(enrolled * 0.46) - round(enrolled * 0.08) - round(enrolled * 0.31)))
        for group, n, rate in (("学生", 900, 0.0), ("家长", 1400, 0.0), ("教师", 600, 0.0), ("校长", 45, 0.0),
                               ("人大代表", 40, 0.0), ("政协委员", 40, 0.0), ("其他群众", 300, 0.0)):
            base = [0.828, 0.846, 0.879, 0.896, 0.907][i]
            responded = round(n * rng.uniform(0.9, 0.98))
            t["satisfaction"].append(dict(year=y, group=group, sampled=n, responded=responded,
                                          satisfied=round(responded * min(0.99, base + rng.uniform(-0.015, 0.015)))))
        judged = {"G1": "达标", "G2": "未达标" if y == 2021 else "达标", "G10": "达标", "G15b": "达标",
                  "Q3": "未达标" if y <= 2022 else "达标", "Q5": "达标", "Q6": "达标", "Q7": "未达标" if y == 2021 else "达标",
                  "Q8": "达标", "V1": "达标", "V2": "达标", "V3": "达标", "V4": "达标"}
        if y == 2025:
            judged.pop("Q8")          # not judged yet this year: shows 待评估
        for item, status in judged.items():
            t["judged_items"].append(dict(year=y, item_id=item, status=status,
                                          evidence=f"示例证据：{y} 年县教育督导室对事项 {item} 的认定材料摘要（示例数据，非真实认定）。",
                                          evidence_url=f"{EVIDENCE_URL}{y}/{item}", judged_by="县人民政府教育督导室（示例）",
                                          judged_on=f"{y}-12-15"))
    for y, subjects in ((2021, [("数学", "Ⅲ", 0.12), ("体育与健康", "Ⅱ", 0.16)]), (2022, [("语文", "Ⅲ", 0.11), ("艺术", "Ⅲ", 0.13)]),
                        (2023, [("数学", "Ⅲ", 0.11), ("科学", "Ⅲ", 0.12)]), (2024, [("德育", "Ⅲ", 0.09), ("体育与健康", "Ⅲ", 0.13)]),
                        (2025, [("语文", "Ⅳ", 0.08), ("英语", "Ⅲ", 0.12)])):
        for subject, level, diff in subjects:
            for grade in (4, 8):
                t["quality_monitoring"].append(dict(year=y, subject=subject, grade=grade, level_reached=level,
                                                    school_diff_rate=round(diff + (0.01 if grade == 8 else 0), 2)))
    updates = [(1, "2022-03-10", "推进中", "县财政局与县教育体育局联合印发生均公用经费拨付细则。"),
               (1, "2023-03-15", "已完成", "不足 200 名学生的农村小学自 2023 年起按 200 名学生核定公用经费。"),
               (2, "2022-05-20", "推进中", "完成全县学校办学条件逐校排查，列出运动场地与专用教室缺口清单。"),
               (2, "2023-09-01", "推进中", "少海第四小学建成招生，缓解城区大校额。"),
               (2, "2025-06-30", "滞后", "索镇第一小学受老城区用地限制，运动场地仍未达标。"),
               (3, "2023-06-30", "已完成", "网络多媒体教室配备达到每百生 2.3 间以上。"),
               (4, "2022-09-01", "推进中", "实施“县管校聘”，首批骨干教师向乡村学校交流。"),
               (4, "2025-09-01", "推进中", "交流轮岗比例连续三年超过 10%，个别乡村学校骨干教师仍不足。"),
               (5, "2024-12-20", "推进中", "360 学时培训完成率达到 99.1%。"), (6, "2023-01-10", "已完成", "教师平均工资收入不低于公务员平均工资收入。"),
               (7, "2022-09-01", "已完成", "全县学校开设劳动课，劳动实践时间达到综合实践活动课时的 50% 以上。"),
               (8, "2024-10-15", "推进中", "参加国家义务教育质量监测，组织结果解读。"), (9, "2022-08-30", "已完成", "公办初中就近划片入学比例达到 95% 以上。"),
               (10, "2023-12-01", "已完成", "所有学校完成章程制定与核准。"), (11, "2024-06-01", "推进中", "开展文明校园创建。"),
               (12, "2024-09-01", "推进中", "优质高中名额分配比例提高到 71%。"), (13, "2023-05-01", "推进中", "城镇社区家长学校覆盖率 80%。"),
               (14, "2024-12-30", "推进中", "完成年度教育满意度调查，总体满意度 89.6%。")]
    t["task_updates"] = [dict(task_id=a, date=b, status=c, summary="示例：" + d, evidence_url=f"{EVIDENCE_URL}tasks/{a}") for a, b, c, d in updates]
    t["releases"] = [dict(release=f"{y + 1}.1", released_on=f"{y + 1}-03-31", data_year=y,
                          summary=f"示例数据：发布 {y} 年度监测数据。", commit="") for y in YEARS]


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="生成示例数据（illustrative sample data）")
    ap.add_argument("--out", type=Path, default=Path("datasets"))
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    print(generate(a.out, a.seed))

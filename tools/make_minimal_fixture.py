"""Turn the shipped sample into tests/fixtures/minimal: two years, ten schools covering every school type.

Run after `make sample` when the sample's layout changes: `python tools/make_minimal_fixture.py`.
"""

import csv
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC, DST = ROOT / "datasets", ROOT / "tests" / "fixtures" / "minimal"
YEARS = {"2024", "2025"}
NAMES = ("索镇第一小学", "索镇实验学校", "桓台县渔洋中学", "桓台县特殊教育学校", "桓台县华文学校", "荆家镇中心小学",
         "荆家镇夏庄小学", "荆家镇中学", "荆家镇夏庄学校", "果里镇前七小学", "果里镇前七小学东庄教学点", "唐山镇南营小学",
         "唐山镇南营小学西村教学点")


def rows(name):
    with (SRC / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(name, data, fields):
    with (DST / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(data)


if DST.exists():
    shutil.rmtree(DST)
DST.mkdir(parents=True)
desc = json.loads((SRC / "datapackage.json").read_text(encoding="utf-8"))
desc["name"] = "junheng-minimal-fixture"
(DST / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
schools = [r for r in rows("schools") if r["school_name"].removesuffix("（示例）") in NAMES]
ids = {r["school_id"] for r in schools}
for res in desc["resources"]:
    name = res["name"]
    data = rows(name)
    fields = list(data[0].keys()) if data else []
    if name == "schools":
        data = schools
    elif "school_id" in fields:
        data = [r for r in data if r["school_id"] in ids]
    if "year" in fields and name != "quality_monitoring":
        data = [r for r in data if r["year"] in YEARS]
    if name == "cohorts":
        data = [r for r in data if r["graduation_year"] in YEARS]
    write(name, data, fields)
print(f"wrote {DST}")

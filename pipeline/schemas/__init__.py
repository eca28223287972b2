"""Turn `pipeline/schemas/*.json` (the one definition of every field) into field lookups for the pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent

# the order tables are validated, computed and listed in downloads
TABLES = (
    "county", "towns", "schools", "school_levels", "school_facilities", "special_rooms", "school_finance",
    "funding_baselines", "county_finance", "teacher_workforce", "access", "cohorts", "disabled_children",
    "quality_monitoring", "judged_items", "satisfaction", "tasks", "task_updates", "milestones", "standards",
    "releases", "remediation", "translations",
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict
    multiline: bool = False          # a long text that may hold line breaks ("multiline": true in the schema)
    optional_column: bool = False    # added to the schema later: older files may lack the column ("optionalColumn": true)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class TableSchema:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict, ...]
    descriptor: dict

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


_own: dict[str, Path] = {}      # a county's own schemas (datapackage.json: a resource's "schema"), by table


def use(own: dict[str, Path]) -> None:
    """Make these files the schemas `load` returns for their tables (checked by read.load_package first)."""
    global _own
    if own != _own:
        _own = dict(own)
        load.cache_clear()


def own() -> dict[str, Path]:
    """The county schemas in use now (to put back with `use` after reading another folder)."""
    return dict(_own)


@cache
def load(name: str, schema_dir: Path = SCHEMA_DIR, own: bool = True) -> TableSchema:
    """A table's schema: the county's own when it has one (see `use`), else the tool's."""
    path = _own.get(name) if own and schema_dir == SCHEMA_DIR else None
    d = json.loads((path or schema_dir / f"{name}.json").read_text(encoding="utf-8-sig"))
    fields = tuple(Field(f["name"], f.get("type", "string"), f.get("title", ""), f.get("description", ""),
                         f.get("constraints", {}), bool(f.get("multiline")), bool(f.get("optionalColumn"))) for f in d["fields"])
    pk = d.get("primaryKey", [])
    return TableSchema(name, d.get("title", name), d.get("description", ""), fields,
                       tuple([pk] if isinstance(pk, str) else pk), tuple(d.get("foreignKeys", [])), d)

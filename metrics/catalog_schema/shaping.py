"""The catalog file as tables: which table each TOML entry becomes, what it may hold, what it
inherits from its indicator, and its defaults; `shape` turns parsed TOML into the tables' rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from i18n import Message
from metrics.catalog_schema import entries, mappings, targets
from metrics.catalog_schema.entries import label
from metrics.catalog_schema.problems import Problem
from metrics.periods import DEFAULT_FREQUENCY


@dataclass(frozen=True)
class CatalogTables:
    """The catalog file as tables of plain Python values (object columns), one row per entry."""

    goals: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    area_targets: pd.DataFrame
    baselines: pd.DataFrame
    breaks: pd.DataFrame
    areas: pd.DataFrame
    bra_mappings: pd.DataFrame
    bra_ignored_regions: pd.DataFrame
    scb_ignored_regions: pd.DataFrame
    kolada_mappings: pd.DataFrame
    kolada_areas: pd.DataFrame
    handled_mappings: pd.DataFrame
    handled_ignored: pd.DataFrame


@dataclass(frozen=True)
class Table:
    schema: pa.DataFrameSchema
    entity: str  # whose entries the rows belong to
    key: str  # the column that names the entry
    prefix: str = ""  # how the TOML file spells the table's fields, e.g. "target."


TABLES = {
    "goals": Table(entries.GOAL_TABLE, "goals", "id"),
    "indicators": Table(entries.INDICATOR_TABLE, "indicators", "id"),
    "targets": Table(targets.TARGET_TABLE, "indicators", "indicator_id", "target."),
    "area_targets": Table(targets.AREA_TARGET_TABLE, "indicators", "indicator_id", "area_targets."),
    "baselines": Table(targets.BASELINE_TABLE, "indicators", "indicator_id", "baseline."),
    "breaks": Table(targets.BREAK_TABLE, "indicators", "indicator_id", "breaks."),
    "areas": Table(entries.AREA_TABLE, "areas", "code"),
    "bra_mappings": Table(mappings.BRA_MAPPING_TABLE, "bra_mapping", "brott"),
    "bra_ignored_regions": Table(
        mappings.BRA_IGNORED_REGION_TABLE, "bra_ignored_regions", "region"
    ),
    "scb_ignored_regions": Table(mappings.SCB_IGNORED_REGION_TABLE, "scb_ignored_regions", "code"),
    "kolada_mappings": Table(mappings.KOLADA_MAPPING_TABLE, "kolada_mapping", "kpi"),
    "kolada_areas": Table(mappings.KOLADA_AREA_TABLE, "kolada_area", "municipality"),
    "handled_mappings": Table(mappings.HANDLED_MAPPING_TABLE, "handled_mapping", "underkategori"),
    "handled_ignored": Table(mappings.HANDLED_IGNORED_TABLE, "handled_ignored", "underkategori"),
}

_DEFAULTS = {
    "indicators": {
        "rare": False,
        "fix_after_n_points": None,
        "delivery_delay_days": None,
        "population_base": "all",
        "frequency": DEFAULT_FREQUENCY,
    },
    "targets": {"note_sv": "", "note_en": "", "illustrative": False},
    "area_targets": {"note_sv": "", "note_en": "", "illustrative": False},
    "baselines": {"illustrative": False},
    "bra_mappings": {"note_sv": ""},
    "kolada_mappings": {"gender": "T", "note_sv": ""},
    "kolada_areas": {"note_sv": ""},
    "handled_mappings": {"note_sv": ""},
    "areas": {"spans": []},
}
# Columns of the nested tables that are copied from the parent entry, not written in the TOML.
_INHERITED = {
    "targets": {"indicator_id", "kind", "direction", "frequency"},
    "area_targets": {"indicator_id", "kind", "direction", "frequency"},
    "baselines": {"indicator_id", "kind", "frequency"},
    "breaks": {"indicator_id", "frequency"},
}
_NESTED = {"indicators": ("target", "baseline", "breaks", "area_targets")}
# Optional top-level arrays of tables: TOML key -> table, and the column that names an entry.
_MAPPING_ARRAYS = (
    ("bra_mapping", "bra_mappings", "brott"),
    ("kolada_mapping", "kolada_mappings", "kpi"),
    ("kolada_area", "kolada_areas", "municipality"),
    ("handled_mapping", "handled_mappings", "underkategori"),
    ("handled_ignored", "handled_ignored", "underkategori"),
)
# Optional top-level lists of plain values: TOML key -> table, its column, what each item is.
_LISTS = (
    ("bra_ignored_regions", "region", "catalog_list_of_region_names"),
    ("scb_ignored_regions", "code", "catalog_list_of_scb_codes"),
)


def _columns(table: str) -> tuple[str, ...]:
    return tuple(TABLES[table].schema.columns)


def _allowed_keys(table: str) -> set[str]:
    return (set(_columns(table)) - _INHERITED.get(table, set())) | set(_NESTED.get(table, ()))


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A table's rows as a frame of its columns (object dtype), defaults filled in."""
    columns = _columns(table)
    defaults = _DEFAULTS.get(table, {})
    records = [[row.get(c, defaults.get(c)) for c in columns] for row in rows]
    return pd.DataFrame(records, columns=list(columns), dtype=object)


class Shaper:
    """Turns parsed TOML into row dicts per table, noting what does not have the expected shape."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.problems: list[Problem] = []

    def note(self, entity: str, entry: str, field: str, key: str, **values: object) -> None:
        self.problems.append(Problem(entity, entry, field, Message(key, **values)))

    def entries(self, raw: Mapping[str, Any], entity: str) -> list[tuple[int, dict[str, Any]]]:
        value = raw.get(entity)
        if value is None:
            self.note("catalog", "", entity, "catalog_missing")
            return []
        if not _array_of_tables(value):
            self.note("catalog", "", entity, "catalog_array_of_tables", name=entity)
            return []
        return list(enumerate(value))

    def unknown_keys(
        self, entity: str, label: str, keys: set[str], allowed: set[str], prefix: str = ""
    ) -> None:
        for key in sorted(keys - allowed):
            self.note(entity, label, prefix + key, "catalog_unknown_field")

    def nested_table(
        self, entity: str, label: str, entry: Mapping[str, Any], name: str
    ) -> dict[str, Any] | None:
        value = entry.get(name)
        if value is None or isinstance(value, dict):
            return value
        self.note(entity, label, name, "catalog_not_a_table")
        return None

    def shape(self, raw: Mapping[str, Any]) -> None:
        optional = {key for key, _, _ in _MAPPING_ARRAYS} | {key for key, _, _ in _LISTS}
        for key in sorted(set(raw) - {"goals", "indicators", "areas"} - optional):
            self.note("catalog", "", key, "catalog_unknown_field")
        for position, goal in self.entries(raw, "goals"):
            named = label(goal, "id", position)
            self.unknown_keys("goals", named, set(goal), _allowed_keys("goals"))
            self.rows["goals"].append(goal)
        for position, indicator in self.entries(raw, "indicators"):
            self.indicator(label(indicator, "id", position), indicator)
        for position, area in self.entries(raw, "areas"):
            named = label(area, "code", position)
            self.unknown_keys("areas", named, set(area), _allowed_keys("areas"))
            self.rows["areas"].append(area)
        for key, table, first in _MAPPING_ARRAYS:
            for position, entry in self.entries(raw, key) if key in raw else ():
                named = label(entry, first, position)
                self.unknown_keys(key, named, set(entry), _allowed_keys(table))
                self.rows[table].append(entry)
        for key, column, items in _LISTS:
            values = raw.get(key, [])
            if isinstance(values, list):
                self.rows[key] += [{column: value} for value in values]
            else:
                self.note("catalog", "", key, items)

    def indicator(self, named: str, indicator: dict[str, Any]) -> None:
        self.unknown_keys("indicators", named, set(indicator), _allowed_keys("indicators"))
        self.rows["indicators"].append(indicator)
        inherited = {
            "indicator_id": named,
            "kind": indicator.get("kind"),
            "direction": indicator.get("direction"),
            "frequency": indicator.get("frequency", DEFAULT_FREQUENCY),
        }
        for name, table in (("target", "targets"), ("baseline", "baselines")):
            nested = self.nested_table("indicators", named, indicator, name)
            if nested is not None:
                self.unknown_keys(
                    "indicators", named, set(nested), _allowed_keys(table), name + "."
                )
                self.rows[table].append(nested | inherited)
        for name, table, columns in (
            ("area_targets", "area_targets", inherited),
            ("breaks", "breaks", {"indicator_id": named, "frequency": inherited["frequency"]}),
        ):
            listed = indicator.get(name, [])
            if not _array_of_tables(listed):
                self.note(
                    "indicators", named, name, "catalog_array_of_tables", name=f"indicators.{name}"
                )
                continue
            for entry in listed:
                self.unknown_keys("indicators", named, set(entry), _allowed_keys(table), name + ".")
                self.rows[table].append(entry | columns)


def _array_of_tables(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(e, dict) for e in value)

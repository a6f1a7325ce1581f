"""`validate_catalog`: the parsed catalog file shaped into tables, and every problem in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import pandas as pd
from pandera.errors import SchemaErrors

from i18n import Message
from metrics.catalog_schema.cells import SHORT_LABEL_MAX, is_id
from metrics.catalog_schema.entries import (
    DIRECTIONS,
    KINDS,
    LEVELS,
    MAX_DELIVERY_DELAY_DAYS,
    POPULATION_BASES,
    entry_problems,
    label,
    show,
)
from metrics.catalog_schema.mappings import Known, mapping_problems
from metrics.catalog_schema.problems import Problem
from metrics.catalog_schema.shaping import TABLES, CatalogTables, Shaper, frame
from metrics.catalog_schema.targets import area_target_problems
from metrics.periods import FREQUENCIES
from metrics.spc import MIN_FIX_POINTS

_ALLOWED = {
    "catalog_kind": ", ".join(KINDS),
    "catalog_direction": ", ".join(DIRECTIONS),
    "catalog_levels": ", ".join(LEVELS),
    "catalog_level": ", ".join(LEVELS),
    "catalog_frequency": ", ".join(FREQUENCIES),
    "catalog_population_base": ", ".join(POPULATION_BASES),
}
CHECK_MESSAGES: dict[str, tuple[str, str | None]] = {
    # check name -> (its message's key, the column a check across a row is reported on)
    "not_nullable": ("catalog_missing", None),
    "unique": ("catalog_unique", None),
    "id": ("catalog_id", None),
    "text": ("catalog_text", None),
    "optional_text": ("catalog_optional_text", None),
    "short_text": ("catalog_short_text", None),
    "flag": ("catalog_flag", None),
    "family": ("catalog_family", None),
    "positive_whole": ("catalog_positive_whole", None),
    "number_unique": ("catalog_number_unique", "number"),
    "kind": ("catalog_kind", None),
    "direction": ("catalog_direction", None),
    "levels": ("catalog_levels", None),
    "goal_ids": ("catalog_goal_ids", None),
    "non_negative": ("catalog_non_negative", None),
    "month": ("catalog_period", None),
    "period_frequency": ("catalog_period_frequency", "period"),
    "frequency": ("catalog_frequency", None),
    "target_needs_direction": ("catalog_target_needs_direction", "value"),
    "share_range": ("catalog_share_range", "value"),
    "area_target_unique": ("catalog_area_target_unique", "area_code"),
    "break_unique": ("catalog_break_unique", "period"),
    "level": ("catalog_level", None),
    "area_code": ("catalog_area_code", "code"),
    "police_area_code": ("catalog_police_area_code", None),
    "police_area_for_municipality": ("catalog_police_area_for_municipality", "police_area"),
    "spans": ("catalog_spans", None),
    "spans_for_shared_municipality": ("catalog_spans_for_shared_municipality", "spans"),
    "fix_after_n_points": ("catalog_fix_after_n_points", None),
    "delivery_delay_days": ("catalog_delivery_delay_days", None),
    "population_base": ("catalog_population_base", None),
    "bra_source_unique": ("catalog_bra_source_unique", "brott"),
    "bra_target_unique": ("catalog_bra_target_unique", "indicator_id"),
    "handled_row_unique": ("catalog_handled_row_unique", "underkategori"),
}
"""What each check says when a value fails it; a check not listed (pandera's own, e.g.
str_matches) says `catalog_invalid_value` with its name."""


def _what(check: str, value: object) -> Message:
    key, _ = CHECK_MESSAGES.get(check, ("catalog_invalid_value", None))
    return Message(
        key,
        value=show(value),
        check=check,
        allowed=_ALLOWED.get(key, ""),
        limit=SHORT_LABEL_MAX,
        minimum=MIN_FIX_POINTS,
        maximum=MAX_DELIVERY_DELAY_DAYS,
    )


def _schema_problems(name: str, table: pd.DataFrame) -> list[Problem]:
    layout = TABLES[name]
    try:
        layout.schema.validate(table, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    problems = []
    positions = pd.to_numeric(cases["index"], errors="coerce")
    for case in (
        cases.assign(position=positions).sort_values("position", kind="stable").itertuples()
    ):
        column = CHECK_MESSAGES.get(case.check, ("", None))[1] or case.column
        if pd.isna(case.position):
            entry, value = "", case.failure_case
        else:
            row = table.loc[int(case.position)]
            entry = label(row, layout.key, int(case.position))
            value = row[column]
        problems.append(
            Problem(layout.entity, entry, layout.prefix + column, _what(case.check, value))
        )
    return problems


def validate_catalog(raw: Mapping[str, Any]) -> tuple[CatalogTables, tuple[Problem, ...]]:
    """Shape parsed catalog TOML into tables and list every problem found, not only the first.

    The tables are only safe to build a catalog from when the problems are empty. Optional
    fields get their defaults here: `rare` false, `fix_after_n_points` and
    `delivery_delay_days` none, `population_base` "all", target notes "" and `illustrative`
    false.
    """
    shaper = Shaper()
    shaper.shape(raw)
    tables = CatalogTables(
        **{f.name: frame(f.name, shaper.rows[f.name]) for f in fields(CatalogTables)}
    )
    problems = list(shaper.problems)
    for name in TABLES:
        problems += _schema_problems(name, getattr(tables, name))
    indicators, areas = tables.indicators, tables.areas
    problems += entry_problems(tables.goals, indicators, areas)
    known = Known(
        indicators={
            i: (kind, frequency, levels)
            for i, kind, frequency, levels in zip(
                indicators["id"],
                indicators["kind"],
                indicators["frequency"],
                indicators["levels"],
                strict=True,
            )
            if is_id(i)
        },
        areas={
            code: level
            for code, level in zip(areas["code"], areas["level"], strict=True)
            if isinstance(code, str)  # other codes are reported by the area checks
        },
    )
    problems += mapping_problems(tables, known)
    levels = {
        i: lv
        for i, lv in zip(indicators["id"], indicators["levels"], strict=True)
        if isinstance(i, str)
    }
    problems += area_target_problems(tables.area_targets, levels, known.areas)
    return tables, tuple(dict.fromkeys(problems))

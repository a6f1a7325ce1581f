"""The catalog's own entries: goals, indicators and areas, their tables and the rules across them."""

from __future__ import annotations

import re

import pandas as pd

from i18n import Message
from metrics.catalog_schema.cells import (
    FLAG,
    ID,
    POSITIVE_WHOLE,
    SHORT_TEXT,
    TEXT,
    UNIQUE,
    cell,
    is_id,
    is_set_of,
    is_whole,
    repeated_together,
    rows,
    table,
)
from metrics.catalog_schema.problems import Problem
from metrics.periods import FREQUENCIES
from metrics.spc import MIN_FIX_POINTS

KINDS = ("count", "stock", "proportion", "median_days")
DIRECTIONS = ("increase", "decrease", "neutral")
LEVELS = ("region", "police_area", "municipality")
POPULATION_BASES = ("all", "women_18plus", "children_0_17")
"""Whom a rate of the indicator counts per 100 000 of: everyone, women 18+, children 0–17."""
FAMILIES = ("county", "gryning")
"""Goal families: the county strategy's goals and Initiativ Gryning's areas. How many goals a
family has is the catalog's to say (numbers are positive and unique in the family), never a
constant."""
MAX_DELIVERY_DELAY_DAYS = 400
"""The longest expected delay of delivery (a yearly figure published in the spring of the year
after, with a margin): a larger number is a typo, not a plan."""

# The brief fixes the area codes: STHLM for the region, PO_* for the police areas and official
# four-digit municipality codes as text so that the leading zero survives. A municipality code is
# SCB's: the county (01-25) then two digits, so a national catalog (the benchmark's 290
# municipalities) passes too; the real catalog holds Stockholm county (01xx) and Gotland (0980).
AREA_CODE = {
    "region": re.compile(r"STHLM"),
    "police_area": re.compile(r"PO_[A-Z]+"),
    "municipality": re.compile(r"(?:0[1-9]|1\d|2[0-5])\d\d"),
}


def _is_police_code(value: object) -> bool:
    return isinstance(value, str) and AREA_CODE["police_area"].fullmatch(value) is not None


def _area_code(areas: pd.DataFrame) -> pd.Series:
    def fits(code: object, level: object) -> bool:
        if level not in AREA_CODE:
            return True  # reported by the level check
        return isinstance(code, str) and AREA_CODE[level].fullmatch(code) is not None

    return pd.Series(map(fits, areas["code"], areas["level"]), index=areas.index)


GOAL_TABLE = table(
    {
        "id": [ID, UNIQUE],
        "family": [cell("family", lambda value: value in FAMILIES)],
        "number": [POSITIVE_WHOLE],
        "label_sv": [TEXT],
        "label_en": [TEXT],
        "short_sv": [SHORT_TEXT],
        "short_en": [SHORT_TEXT],
        "description_sv": [TEXT],
        "description_en": [TEXT],
        "headline_indicator": [ID],
    },
    [rows("number_unique", repeated_together("family", "number"))],
)
"""One row per [[goals]] entry."""

INDICATOR_TABLE = table(
    {
        "id": [ID, UNIQUE],
        # Two indicators with one label cannot be told apart in a table, a list or the pack.
        "label_sv": [TEXT, UNIQUE],
        "label_en": [TEXT, UNIQUE],
        "kind": [cell("kind", lambda value: value in KINDS)],
        "direction": [cell("direction", lambda value: value in DIRECTIONS)],
        "unit_sv": [TEXT],
        "unit_en": [TEXT],
        "definition_sv": [TEXT],
        "definition_en": [TEXT],
        "source": [TEXT],
        "owner": [TEXT],
        "levels": [cell("levels", lambda value: is_set_of(value, lambda lv: lv in LEVELS))],
        "goals": [cell("goal_ids", lambda value: is_set_of(value, is_id))],
        "context_sv": [TEXT],
        "context_en": [TEXT],
        "rare": [FLAG],
        "disclosure": [FLAG],
        "fix_after_n_points": [
            cell("fix_after_n_points", lambda value: is_whole(value) and value >= MIN_FIX_POINTS)
        ],
        "delivery_delay_days": [
            cell(
                "delivery_delay_days",
                lambda value: is_whole(value) and 1 <= value <= MAX_DELIVERY_DELAY_DAYS,
            )
        ],
        "population_base": [cell("population_base", lambda value: value in POPULATION_BASES)],
        "frequency": [cell("frequency", lambda value: value in FREQUENCIES)],
    },
    nullable=("fix_after_n_points", "delivery_delay_days"),
)
"""One row per [[indicators]] entry; its target, baseline and breaks have their own tables
(metrics/catalog_schema/targets.py). `fix_after_n_points` (optional): each XmR period's limits
come from its first n months (n >= 12, as NHSRplotthedots requires) and are held for the rest of
the period. `delivery_delay_days` (optional): days after a period's last day by which its figures
are expected in Lägesbild (Rapporteringsläge); without it the indicator's delivery is not
followed. `frequency` (optional, "monthly" by default; "quarterly", "yearly"): the period its
figures are reported per (metrics/periods.py); its target, baseline and breaks write their periods
at it ("2026-03", "2025K3", "2025")."""

AREA_TABLE = table(
    {
        "code": [UNIQUE],
        "name_sv": [TEXT],
        "name_en": [TEXT],
        "level": [cell("level", lambda value: value in LEVELS)],
        "police_area": [cell("police_area_code", _is_police_code)],
        "spans": [cell("spans", lambda value: value == [] or is_set_of(value, _is_police_code))],
    },
    [
        rows("area_code", _area_code),
        rows(
            "police_area_for_municipality",
            lambda areas: areas["police_area"].isna() | (areas["level"] == "municipality"),
        ),
        rows(
            "spans_for_shared_municipality",
            lambda areas: (
                (areas["spans"].map(len) == 0)
                | ((areas["level"] == "municipality") & areas["police_area"].isna())
            ),
        ),
    ],
    nullable=("police_area",),
)
"""One row per [[areas]] entry."""


def label(entry: object, key: str, position: int) -> str:
    """How a problem names an entry: its id or code, or "#n" (its position) when that is unusable."""
    value = entry.get(key)  # type: ignore[attr-defined]
    return value if isinstance(value, str) and value.strip() else f"#{position + 1}"


def show(value: object) -> str:
    """A value as a problem quotes it: a text in quotes ('x'), anything else as Python writes it."""
    return repr(value) if isinstance(value, str) else str(value)


def entry_problems(
    goals: pd.DataFrame, indicators: pd.DataFrame, areas: pd.DataFrame
) -> list[Problem]:
    """Rules across entries: named goals, headline indicators and police areas exist, and
    every goal has at least one indicator."""
    problems = []
    goal_ids = {g for g in goals["id"] if is_id(g)}
    indicator_ids = {i for i in indicators["id"] if is_id(i)}
    members: dict[str, set[str]] = {goal: set() for goal in goal_ids}
    for indicator, its_goals in zip(indicators["id"], indicators["goals"], strict=True):
        if not (is_id(indicator) and is_set_of(its_goals, is_id)):
            continue  # reported by the indicator table checks
        for goal in its_goals:
            if goal in members:
                members[goal].add(indicator)
            else:
                problems.append(
                    Problem(
                        "indicators",
                        indicator,
                        "goals",
                        Message("catalog_unknown_goal", value=show(goal)),
                    )
                )
    for goal, headline in zip(goals["id"], goals["headline_indicator"], strict=True):
        if not is_id(goal):
            continue  # reported by the goal table checks
        if not members[goal]:
            problems.append(Problem("goals", goal, "id", Message("catalog_goal_without_indicator")))
        if is_id(headline) and headline not in indicator_ids:
            what = Message("catalog_unknown_indicator", value=show(headline))
            problems.append(Problem("goals", goal, "headline_indicator", what))
        elif is_id(headline) and headline not in members[goal]:
            what = Message("catalog_headline_not_in_goal", value=show(headline))
            problems.append(Problem("goals", goal, "headline_indicator", what))
    police_areas = {
        c
        for c, level in zip(areas["code"], areas["level"], strict=True)
        if level == "police_area" and isinstance(c, str)
    }
    for position, area in areas.iterrows():
        named = label(area, "code", position)
        spans = area["spans"] if isinstance(area["spans"], list) else []
        for field, code in [("police_area", area["police_area"])] + [("spans", c) for c in spans]:
            if isinstance(code, str) and code not in police_areas:
                what = Message("catalog_unknown_police_area", value=show(code))
                problems.append(Problem("areas", named, field, what))
    return problems

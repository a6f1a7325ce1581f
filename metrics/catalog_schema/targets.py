"""What an indicator aims at and where its series starts again: targets (the region's and an
area's own), baselines and series breaks, each a table of its own."""

from __future__ import annotations

import pandas as pd

from i18n import Message
from metrics.catalog_schema.cells import (
    AT_FREQUENCY,
    FLAG,
    NON_NEGATIVE,
    OPTIONAL_TEXT,
    PERIOD,
    TEXT,
    is_number,
    is_text,
    repeated_together,
    rows,
    table,
)
from metrics.catalog_schema.entries import show
from metrics.catalog_schema.problems import Problem


def _share_in_range(targets: pd.DataFrame) -> pd.Series:
    """Proportions are shares 0..1; values of other kinds only need to be numbers."""

    def fits(kind: object, value: object) -> bool:
        return kind != "proportion" or not is_number(value) or 0 <= value <= 1

    return pd.Series(map(fits, targets["kind"], targets["value"]), index=targets.index)


_NEEDS_DIRECTION = rows("target_needs_direction", lambda targets: targets["direction"] != "neutral")
_SHARE_RANGE = rows("share_range", _share_in_range)
_TARGET_COLUMNS = {
    "value": [NON_NEGATIVE],
    "period": [PERIOD],
    "note_sv": [OPTIONAL_TEXT],
    "note_en": [OPTIONAL_TEXT],
    "illustrative": [FLAG],
}
# Columns copied from the indicator (metrics/catalog_schema/shaping.py), checked there.
_INHERITED = ("indicator_id", "kind", "direction", "frequency")

TARGET_TABLE = table(
    {**dict.fromkeys(_INHERITED, []), **_TARGET_COLUMNS},
    [_NEEDS_DIRECTION, _SHARE_RANGE, AT_FREQUENCY],
)
"""One row per indicator with a target; kind and direction are copied from the indicator."""

AREA_TARGET_TABLE = table(
    {**dict.fromkeys(_INHERITED, []), "area_code": [TEXT], **_TARGET_COLUMNS},
    [
        _NEEDS_DIRECTION,
        _SHARE_RANGE,
        AT_FREQUENCY,
        rows("area_target_unique", repeated_together("indicator_id", "area_code")),
    ],
)
"""One row per [[indicators.area_targets]] entry: a target set for one area (a municipality's
own goal, say), read only for that area; the indicator's `target` is the region's."""

BASELINE_TABLE = table(
    {
        "indicator_id": [],
        "kind": [],
        "frequency": [],
        "value": [NON_NEGATIVE],
        "period": [PERIOD],
        "illustrative": [FLAG],
    },
    [_SHARE_RANGE, AT_FREQUENCY],
)
"""One row per indicator with a baseline; kind is copied from the indicator."""

BREAK_TABLE = table(
    {
        "indicator_id": [],
        "frequency": [],
        "period": [PERIOD],
        "reason_sv": [TEXT],
        "reason_en": [TEXT],
    },
    [rows("break_unique", repeated_together("indicator_id", "period")), AT_FREQUENCY],
)
"""One row per series break: the first month of the new series and why it broke."""


def area_target_problems(
    area_targets: pd.DataFrame, levels: dict[str, object], area_levels: dict[str, object]
) -> list[Problem]:
    """An area's own target names a known area (`area_levels`: code -> level) at one of the
    indicator's levels (`levels`: indicator id -> its levels)."""
    problems = []
    for row in area_targets.to_dict("records"):
        indicator, area = row["indicator_id"], row["area_code"]
        if not is_text(area):
            continue  # the table's own check names it
        if area not in area_levels:
            what = Message("catalog_unknown_area", value=show(area))
        elif isinstance(levels.get(indicator), list) and area_levels[area] not in levels[indicator]:
            what = Message(
                "catalog_area_target_level", level=show(area_levels[area]), area=show(area)
            )
        else:
            continue
        problems.append(Problem("indicators", indicator, "area_targets.area_code", what))
    return problems

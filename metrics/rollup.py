"""A goal's readings counted by category (never an average score): the roll-ups the overview and
the goal pages show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from metrics.reading import ASSURANCE_CATEGORIES, VARIATION_CATEGORIES, Reading

if TYPE_CHECKING:
    from metrics.catalog import Catalog


@dataclass(frozen=True)
class GoalRollup:
    """How many indicators of a goal show each reading: counts, never an average score."""

    n_indicators: int
    variation: dict[str, int]
    assurance: dict[str, int]


def rollup_goal(readings: Iterable[Reading] | Mapping[str, Reading]) -> GoalRollup:
    """Count a goal's readings by variation category and by assurance category.

    Every key of VARIATION_CATEGORIES and ASSURANCE_CATEGORIES is present (0 when none), in that
    order. An empty input gives all zeros.
    """
    items = list(readings.values()) if isinstance(readings, Mapping) else list(readings)
    variation = Counter(a.category for a in items)
    assurance = Counter(a.assurance_category for a in items)
    return GoalRollup(
        len(items),
        {key: variation.get(key, 0) for key in VARIATION_CATEGORIES},
        {key: assurance.get(key, 0) for key in ASSURANCE_CATEGORIES},
    )


def rollup_by_goal(readings: Mapping[str, Reading], catalog: Catalog) -> pd.DataFrame:
    """One row per goal in catalog order (county_1..8, then the Gryning areas): goal_id,
    n_indicators, a column per variation category and per assurance category (``assurance_``
    prefix). Indicators without an assessment are left out of the counts."""
    rows = []
    for goal in catalog.goals:
        members = [readings[i.id] for i in catalog.indicators_for_goal(goal.id) if i.id in readings]
        rollup = rollup_goal(members)
        rows.append(
            {
                "goal_id": goal.id,
                "n_indicators": rollup.n_indicators,
                **rollup.variation,
                **{f"assurance_{k}": v for k, v in rollup.assurance.items()},
            }
        )
    return pd.DataFrame(rows)

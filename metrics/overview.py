"""The overview's content per goal: headline indicator, latest value, year-on-year, readings — pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from metrics.aggregate import AreaSeries, YearOnYear, area_series, year_on_year
from metrics.catalog import Catalog, Goal, Indicator
from metrics.reading import (
    REGION,
    GoalRollup,
    Reading,
    read_area_series,
    rebase_months,
    rollup_goal,
)

__all__ = ["REGION", "GoalCard", "build_overview", "reading_area"]


@dataclass(frozen=True)
class GoalCard:
    """One card of the overview.

    area_code: where the headline is read; the selected area when the headline indicator is
    reported there, otherwise the region (``fallback`` True, so the card can say so).
    series: the headline's monthly series (aggregate_areas shape) up to the period, as the
    mode shows it (hidden cells hidden in briefing mode).
    """

    goal: Goal
    headline: Indicator
    area_code: str
    fallback: bool
    reading: Reading
    series: pd.DataFrame
    yoy: YearOnYear
    rollup: GoalRollup


def build_overview(
    obs: pd.DataFrame,
    catalog: Catalog,
    area_code: str,
    period: pd.Timestamp | None,
    *,
    shown: pd.DataFrame | None = None,
    process_changes: Mapping[str, Sequence[pd.Timestamp]] | None = None,
) -> tuple[dict[str, Reading], list[GoalCard]]:
    """Read every indicator at `area_code` (region for indicators not reported there) for the
    month `period` (None: the latest with data) and build one card per goal in catalog order.

    obs: the stored rows (the readings are made on them, whatever the mode).
    shown: the rows as the mode shows them (briefing mode: disclosure control applied, hidden
        cells flagged ``suppressed``); they decide which readings are withheld and what the
        cards' sparklines and year-on-year show. Default: ``obs``.
    process_changes: indicator id → months of recorded process changes; with the catalog's
        series breaks they are where the limits start again (``rebase_months``).
    """
    # Indicators not reported for this area are read at the region, so a goal card is never
    # empty just because its indicators are regional. All are read in one pass over the rows.
    areas = {i.id: reading_area(catalog, i.id, area_code) for i in catalog.indicators}
    table = area_series(obs, catalog.indicators, [areas[i.id] for i in catalog.indicators])
    shown_table = table
    if shown is not None and shown is not obs:
        shown_table = area_series(
            shown, catalog.indicators, [areas[i.id] for i in catalog.indicators]
        )
        table = replace(table, hidden=_hidden_on(table, shown_table))
    changes = process_changes or {}
    readings = read_area_series(
        table,
        catalog.indicators,
        areas,
        rebases={i.id: rebase_months(i, changes.get(i.id, ())) for i in catalog.indicators},
        as_of=period,
        fallbacks=[
            i.id for i in catalog.indicators if areas[i.id] is not None and areas[i.id] != area_code
        ],
    )
    cards = []
    for goal in catalog.goals:
        headline = catalog.indicator(goal.headline_indicator)
        fallback = not _reported_at(catalog, headline, area_code)
        where = REGION if fallback else area_code
        series = shown_table.series(headline.id)
        if period is not None and not series.empty:
            series = series[series.index <= period]
        members = [readings[i.id] for i in catalog.indicators_for_goal(goal.id)]
        cards.append(
            GoalCard(
                goal=goal,
                headline=headline,
                area_code=where,
                fallback=fallback,
                reading=readings[headline.id],
                series=series,
                # At the reading's month: when disclosure control hid the latest month, the
                # change is not known, rather than one of an older month.
                yoy=year_on_year(series, headline, readings[headline.id].period),
                rollup=rollup_goal(members),
            )
        )
    return readings, cards


def _hidden_on(table: AreaSeries, shown: AreaSeries) -> np.ndarray:
    """``shown``'s hidden cells on ``table``'s months (both read the same indicators)."""
    hidden = np.zeros_like(table.hidden)
    if len(shown.months) == 0 or len(table.months) == 0:
        return hidden
    at = table.months.get_indexer(shown.months)
    inside = at >= 0
    hidden[:, at[inside]] = shown.hidden[:, inside]
    return hidden


def reading_area(catalog: Catalog, indicator_id: str, area_code: str) -> str | None:
    """Where an indicator is read for `area_code`: there when it is reported there, else at the
    region; None when neither reports it."""
    indicator = catalog.indicator(indicator_id)
    if _reported_at(catalog, indicator, area_code):
        return area_code
    return REGION if area_code != REGION and _reported_at(catalog, indicator, REGION) else None


def _reported_at(catalog: Catalog, indicator: Indicator, area_code: str) -> bool:
    """`area_code in catalog.valid_areas(indicator.id)`, without listing every area of the
    catalog (a national catalog has hundreds, and an overview asks for every indicator)."""
    try:
        return catalog.area(area_code).level in indicator.levels
    except KeyError:
        return False

"""The overview's content per goal: headline indicator, latest value, year-on-year, readings — pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from metrics.aggregate import AreaSeries, YearOnYear, area_series, year_on_year
from metrics.catalog import Catalog, Goal, Indicator
from metrics.reader import read_area_series, rebase_months
from metrics.reading import REGION, Reading
from metrics.rollup import GoalRollup, rollup_goal

__all__ = [
    "REGION",
    "GoalCard",
    "build_overview",
    "overview_cards",
    "read_overview",
    "reading_area",
]


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
    readings, series = read_overview(
        obs,
        catalog,
        area_code,
        period,
        catalog.indicators,
        shown=shown,
        process_changes=process_changes,
    )
    return readings, overview_cards(catalog, area_code, period, readings, series)


def read_overview(
    obs: pd.DataFrame,
    catalog: Catalog,
    area_code: str,
    period: pd.Timestamp | None,
    indicators: Sequence[Indicator],
    *,
    shown: pd.DataFrame | None = None,
    process_changes: Mapping[str, Sequence[pd.Timestamp]] | None = None,
) -> tuple[dict[str, Reading], dict[str, pd.DataFrame]]:
    """The overview's part for some of the catalog's indicators: each one's reading at
    `area_code` (the region's where it is not reported there), and for those that head a goal
    their series as the mode shows it, up to `period`. Each indicator's part depends only on its
    own rows, so a part made on other rows of other indicators is the same (a cache keeps parts
    per indicator, and an upload makes only its indicators' parts stale). Arguments as
    ``build_overview``; ``obs`` and ``shown`` need hold only these indicators' rows."""
    # Indicators not reported for this area are read at the region, so a goal card is never
    # empty just because its indicators are regional. All are read in one pass over the rows.
    indicators = list(indicators)
    areas = {i.id: reading_area(catalog, i.id, area_code) for i in indicators}
    table = area_series(obs, indicators, [areas[i.id] for i in indicators])
    shown_table = table
    if shown is not None and shown is not obs:
        shown_table = area_series(shown, indicators, [areas[i.id] for i in indicators])
        table = replace(table, hidden=_hidden_on(table, shown_table))
    changes = process_changes or {}
    readings = read_area_series(
        table,
        indicators,
        areas,
        rebases={i.id: rebase_months(i, changes.get(i.id, ())) for i in indicators},
        as_of=period,
        fallbacks=[
            i.id for i in indicators if areas[i.id] is not None and areas[i.id] != area_code
        ],
    )
    headlines = {goal.headline_indicator for goal in catalog.goals}
    series = {}
    for indicator in indicators:
        if indicator.id in headlines:
            frame = shown_table.series(indicator.id)
            if period is not None and not frame.empty:
                frame = frame[frame.index <= period]
            series[indicator.id] = frame
    return readings, series


def overview_cards(
    catalog: Catalog,
    area_code: str,
    period: pd.Timestamp | None,
    readings: Mapping[str, Reading],
    series: Mapping[str, pd.DataFrame],
) -> list[GoalCard]:
    """One card per goal in catalog order, from every indicator's reading and the goals'
    headline series (``read_overview``)."""
    cards = []
    for goal in catalog.goals:
        headline = catalog.indicator(goal.headline_indicator)
        fallback = not _reported_at(catalog, headline, area_code)
        where = REGION if fallback else area_code
        members = [readings[i.id] for i in catalog.indicators_for_goal(goal.id)]
        cards.append(
            GoalCard(
                goal=goal,
                headline=headline,
                area_code=where,
                fallback=fallback,
                reading=readings[headline.id],
                series=series[headline.id],
                # At the reading's month: when disclosure control hid the latest month, the
                # change is not known, rather than one of an older month.
                yoy=year_on_year(series[headline.id], headline, readings[headline.id].period),
                rollup=rollup_goal(members),
            )
        )
    return cards


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

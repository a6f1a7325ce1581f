"""The overview's content per goal: headline indicator, latest value, year-on-year, signals — pure."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.aggregate import YearOnYear, area_series, year_on_year
from metrics.catalog import Catalog, Goal, Indicator
from metrics.progress import Assessment, GoalRollup, assess_area_series, rollup_goal

REGION = "STHLM"


@dataclass(frozen=True)
class GoalCard:
    """One card of the overview.

    area_code: where the headline is read; the selected area when the headline indicator is
    reported there, otherwise the region (``fallback`` True, so the card can say so).
    series: the headline's monthly series (aggregate_areas shape) up to the period.
    """

    goal: Goal
    headline: Indicator
    area_code: str
    fallback: bool
    assessment: Assessment
    series: pd.DataFrame
    yoy: YearOnYear
    rollup: GoalRollup


def build_overview(
    obs: pd.DataFrame, catalog: Catalog, area_code: str, period: pd.Timestamp | None
) -> tuple[dict[str, Assessment], list[GoalCard]]:
    """Assess every indicator at `area_code` (region for indicators not reported there) and
    build one card per goal in catalog order. `period` None means the latest month with data."""
    # Indicators not reported for this area are read at the region, so a goal card is never
    # empty just because its indicators are regional. All are read in one pass over the rows.
    areas = [reading_area(catalog, i.id, area_code) for i in catalog.indicators]
    table = area_series(obs, catalog.indicators, areas)
    assessments = assess_area_series(table, catalog.indicators, period=period)
    cards = []
    for goal in catalog.goals:
        headline = catalog.indicator(goal.headline_indicator)
        fallback = not _reported_at(catalog, headline, area_code)
        where = REGION if fallback else area_code
        series = table.series(headline.id)
        if period is not None and not series.empty:
            series = series[series.index <= period]
        members = [assessments[i.id] for i in catalog.indicators_for_goal(goal.id)]
        cards.append(
            GoalCard(
                goal=goal,
                headline=headline,
                area_code=where,
                fallback=fallback,
                assessment=assessments[headline.id],
                series=series,
                # At the assessment's month: when disclosure control hid the latest month, the
                # change is not known, rather than one of an older month.
                yoy=year_on_year(series, headline, assessments[headline.id].period),
                rollup=rollup_goal(members),
            )
        )
    return assessments, cards


def reading_area(catalog: Catalog, indicator_id: str, area_code: str) -> str | None:
    """Where the overview reads an indicator for `area_code`: there when it is reported there,
    else at the region; None when neither reports it."""
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

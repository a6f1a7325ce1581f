"""The overview's content per goal: headline indicator, latest value, year-on-year, signals — pure."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.aggregate import YearOnYear, aggregate_areas, split_by_indicator, year_on_year
from metrics.catalog import Catalog, Goal, Indicator
from metrics.progress import Assessment, GoalRollup, assess_catalog, rollup_goal

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
    assessments = assess_catalog(obs, catalog, area_code, period=period)
    if area_code != REGION:
        # Indicators not reported for this area are read at the region, so a goal card is never
        # empty just because its indicators are regional.
        regional = [i for i in catalog.indicators if area_code not in catalog.valid_areas(i.id)]
        if regional:
            sub = obs[obs["indicator_id"].isin([i.id for i in regional])]
            region_reading = assess_catalog(sub, catalog, REGION, period=period)
            for indicator in regional:
                assessments[indicator.id] = region_reading[indicator.id]
    parts = split_by_indicator(obs)
    cards = []
    for goal in catalog.goals:
        headline = catalog.indicator(goal.headline_indicator)
        fallback = area_code not in catalog.valid_areas(headline.id)
        where = REGION if fallback else area_code
        series = aggregate_areas(parts.get(headline.id, obs.iloc[0:0]), headline, [where])
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
                yoy=year_on_year(series, headline),
                rollup=rollup_goal(members),
            )
        )
    return assessments, cards

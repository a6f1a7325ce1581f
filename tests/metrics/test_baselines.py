"""Rebase points (series breaks and recorded process changes) and shifts that no rebase explains."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from metrics.baselines import Shift, detect_shift, rebase_points
from metrics.reader import read_indicator, rebase_months
from metrics.spc import ShortPeriodWarning, xmr

MONTHS = pd.date_range("2021-01-01", periods=48, freq="MS")


def step_series(step_at: int = 24, low: float = 8.0, high: float = 45.0) -> pd.DataFrame:
    """A count that moves from about `low` to about `high` a month at `step_at`."""
    wiggle = np.array([0.0, 1.0, -1.0, 2.0, -2.0, 1.0] * 8)
    values = np.where(np.arange(48) < step_at, low, high) + wiggle
    return pd.DataFrame({"value": values}, index=MONTHS)


def points(values, rebase_at=()) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        result = xmr(values["value"], rebase_at=list(rebase_at))
    return result.points


def changes(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "indicator_id", "goal_id"])


def test_rebase_points_join_breaks_and_changes_per_indicator(catalog):
    recorded = changes(
        (pd.Timestamp("2023-01-01"), "perpetrator_programme_starts", None),
        (pd.Timestamp("2022-07-01"), None, "county_3"),  # reported_rape's break month too
        (pd.Timestamp("2024-02-01"), "retired_indicator", None),
        (pd.Timestamp("2024-02-01"), None, "county_99"),
    )
    points_by_id = rebase_points(catalog, recorded)
    assert set(points_by_id) == {i.id for i in catalog.indicators}
    assert points_by_id["perpetrator_programme_starts"] == (pd.Timestamp("2023-01-01"),)
    assert points_by_id["reported_rape"] == (pd.Timestamp("2022-07-01"),)
    for indicator in catalog.indicators_for_goal("county_3"):
        assert pd.Timestamp("2022-07-01") in points_by_id[indicator.id]
    assert points_by_id["support_line_calls"] == ()
    assert rebase_points(catalog) == rebase_points(catalog, changes())


def test_a_step_without_a_rebase_is_read_between_the_levels_and_with_one_on_the_new_level(
    catalog,
):
    indicator = catalog.indicator("perpetrator_programme_starts")
    series = step_series()
    before = read_indicator(series, indicator, rebases=rebase_months(indicator))
    assert 20 < before.spc.periods["mean"].iloc[-1] < 33  # between the two levels
    after = read_indicator(
        series, indicator, rebases=rebase_months(indicator, [pd.Timestamp("2023-01-01")])
    )
    last = after.spc.periods.iloc[-1]
    assert (last["start"], last["n"]) == (24, 24)
    assert last["mean"] == pytest.approx(45.0 + np.mean([0, 1, -1, 2, -2, 1]))
    assert last["lpl"] > 30  # the old level is far below the new limits
    assert after.spc.points["mean"].iloc[-1] == last["mean"]


def test_a_shift_of_seven_months_or_more_is_found_at_its_start():
    shift = detect_shift(points(step_series(step_at=41)))
    assert shift == Shift(
        start=MONTHS[41],
        latest=MONTHS[-1],
        months=7,
        side=1,
        mean=pytest.approx(step_series(step_at=41)["value"].mean()),
    )
    assert detect_shift(points(step_series(step_at=42))) is None  # six months: not yet


def test_a_shift_below_the_mean_is_found_too():
    shift = detect_shift(points(step_series(step_at=30, low=45.0, high=8.0)))
    assert (shift.start, shift.side, shift.months) == (MONTHS[30], -1, 18)


def test_a_rebase_at_the_shift_explains_it():
    series = step_series(step_at=30)
    assert detect_shift(points(series)).start == MONTHS[30]
    assert detect_shift(points(series, rebase_at=[30])) is None
    # a rebase given but not yet applied (e.g. one being previewed) explains it as well
    assert detect_shift(points(series), rebases=[MONTHS[30]]) is None
    assert detect_shift(points(series), rebases=[MONTHS[10]]).start == MONTHS[30]


def test_a_gap_or_a_point_on_the_mean_ends_the_run_and_an_old_shift_is_not_offered():
    series = step_series(step_at=30)
    gapped = series.copy()
    gapped.iloc[44] = np.nan
    assert detect_shift(points(gapped)) is None  # only 3 months since the gap
    back = step_series(step_at=30)
    back.iloc[-2:] = 8.0  # back down in the latest two months
    assert detect_shift(points(back)) is None
    assert detect_shift(points(pd.DataFrame({"value": []}, index=MONTHS[:0]))) is None


def test_a_run_filling_its_whole_period_is_no_shift():
    # Limits fixed on the first 12 months; everything after lies above: a run that starts at the
    # period's start would be "rebased" to where it already starts.
    values = pd.Series([20.0] * 6 + [10.0] * 6 + [30.0] * 10, index=MONTHS[:22])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        fixed = xmr(values, fix_after_n_points=12).points
    shift = detect_shift(fixed)
    assert shift.start == MONTHS[12] and shift.months == 10
    only_high = pd.Series([30.0] * 13, index=MONTHS[:13])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        assert detect_shift(xmr(only_high).points) is None


def test_the_catalogs_fix_after_n_points_holds_each_periods_limits(catalog):
    indicator = dataclasses.replace(
        catalog.indicator("perpetrator_programme_starts"), fix_after_n_points=12
    )
    reading = read_indicator(
        step_series(), indicator, rebases=rebase_months(indicator, [MONTHS[24]])
    )
    assert reading.spc.periods["n_baseline"].tolist() == [12, 12]
    assert reading.spc.points["in_baseline"].sum() == 24

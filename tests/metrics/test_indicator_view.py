"""What an indicator's chart draws, made in metrics (metrics/indicator_view.py): the XmR points
as drawn (icons by direction, limits within what the data can be), the target's path and the
rolling line; the view is None where there is nothing to draw."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.catalog import load_catalog
from metrics.indicator_view import (
    SIGNAL_COLUMNS,
    offers_rolling,
    signal_icon,
    signal_points,
    target_path,
    view_indicator,
)
from metrics.reader import read_indicator, rebase_months
from metrics.spc import xmr

CATALOG = load_catalog()
STEADY = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100, 102, 98, 100, 101, 99, 100]


def monthly(values, start="2024-01"):
    index = pd.date_range(start, periods=len(values), freq="MS", name="period")
    return pd.DataFrame({"value": np.asarray(values, dtype="float64"), "status": "final"}, index)


def points(series, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xmr(series["value"], **kwargs).points


def test_a_spike_gets_the_icon_of_its_direction():
    series = monthly([*STEADY, 160, 100])
    spc = points(series, improvement="increase")
    drawn = signal_points(spc, series, "increase")
    assert tuple(drawn.columns) == SIGNAL_COLUMNS
    assert drawn["icon"].iloc[18] == "improvement_high"
    assert pd.isna(drawn["icon"].iloc[19])  # common cause: no icon
    assert signal_points(spc, series, "neutral")["icon"].iloc[18] == "neutral_high"
    low = monthly([*STEADY, 40, 100])
    spc_low = points(low, improvement="decrease")
    assert signal_points(spc_low, low, "decrease")["icon"].iloc[18] == "improvement_low"


def test_a_hidden_month_gets_no_icon():
    series = monthly([*STEADY, 160, 100]).assign(suppressed=False)
    spc = points(series, improvement="increase")
    shown = signal_points(spc, series, "increase")["icon"]
    series.loc[series.index[18], "suppressed"] = True
    hidden = signal_points(spc, series, "increase")["icon"]
    assert shown.iloc[18] == "improvement_high" and pd.isna(hidden.iloc[18])
    assert hidden.drop(hidden.index[18]).equals(shown.drop(shown.index[18]))


def test_limits_are_drawn_within_what_the_data_can_be():
    counts = monthly([2, 9, 1, 8, 3, 7, 2, 9, 1, 8, 3, 7])
    spc = points(counts)
    assert spc["lpl"].iloc[0] < 0
    drawn = signal_points(spc, counts, "neutral")
    assert (drawn["lower"] == 0).all() and (drawn["mean"] == spc["mean"]).all()
    shares = monthly([0.9, 0.99, 0.85, 0.97, 0.88, 0.99, 0.86, 0.98, 0.9, 0.99, 0.87, 0.96])
    spc = points(shares)
    assert spc["upl"].iloc[0] > 1
    assert (signal_points(spc, shares, "increase", percent=True)["upper"] == 1).all()


def test_no_reading_draws_nothing_and_misaligned_points_are_refused():
    series = monthly(STEADY)
    assert signal_points(None, series, "neutral") is None
    assert signal_points(points(monthly([])), series, "neutral") is None
    with pytest.raises(ValueError, match="aligned"):
        signal_points(points(series).iloc[:-1], series, "neutral")


def _obs(indicator_id, values, start="2022-01"):
    months = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "area_code": "STHLM",
            "period": months,
            "value": np.asarray(values, dtype="float64"),
            "denominator": np.nan,
            "status": "final",
            "note": "",
            "suppressed": False,
        }
    )


def _view(obs, indicator, **kwargs):
    series = obs.set_index("period")[["value", "status"]]
    reading = read_indicator(
        series.assign(denominator=np.nan, suppressed=False),
        indicator,
        "STHLM",
        rebases=rebase_months(indicator),
        as_of=obs["period"].max(),
    )
    kwargs.setdefault("start", None)
    kwargs.setdefault("end", None)
    return view_indicator(obs, indicator, "STHLM", reading=reading, **kwargs)


def test_the_view_holds_the_months_shown_and_the_rolling_line_only_when_asked():
    indicator = CATALOG.indicator("reported_rape")
    obs = _obs(indicator.id, np.arange(36) + 100)
    start = pd.Timestamp("2023-06-01")
    plain = _view(obs, indicator, start=start)
    assert plain.series.index.min() == start and plain.rolling is None
    assert plain.points is not None and len(plain.points) == len(plain.series)
    rolling = _view(obs, indicator, start=start, rolling=True)
    # made on the whole series: the first month shown already has a full year behind it
    assert rolling.rolling.iloc[0] == obs["value"].iloc[6:18].sum()
    assert _view(obs, indicator, start=pd.Timestamp("2030-01-01")) is None


def test_the_target_path_is_held_at_the_target_after_its_month():
    indicator = next(i for i in CATALOG.indicators if i.target is not None and i.baseline)
    months = pd.date_range("2020-01-01", "2031-12-01", freq="MS")
    path = target_path(indicator, "STHLM", months)
    target_month = pd.Timestamp(indicator.target.period + "-01")
    assert path.index.max() == months.max()
    assert (path[path.index >= target_month] == indicator.target.value).all()
    assert target_path(indicator, "STHLM", months[:0]) is None


def test_the_rolling_line_is_offered_for_monthly_counts_and_shares_only():
    for indicator in CATALOG.indicators:
        expected = indicator.kind in ("count", "proportion") and indicator.frequency == "monthly"
        assert offers_rolling(indicator) == expected, indicator.id
    stock = CATALOG.indicator("gryning_staff_recruited")
    obs = _obs(stock.id, np.arange(30) + 10)
    assert _view(obs, stock, rolling=True).rolling is None


POINT_TYPES = [
    None,
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(-5, 5, allow_nan=False)),  # value
            st.booleans(),  # suppressed
            st.floats(-2, 2, allow_nan=False),  # mean
            st.sampled_from(POINT_TYPES),
        ),
        min_size=1,
        max_size=40,
    ),
    direction=st.sampled_from(["increase", "decrease", "neutral"]),
)
def test_signal_points_give_each_point_its_own_icon(rows, direction):
    """Every point's icon is signal_icon of that point alone (a value, not hidden), as the
    per-point rule says, whatever the column types and the mix of point types."""
    index = pd.date_range("2020-01-01", periods=len(rows), freq="MS")
    series = pd.DataFrame(
        {
            "value": pd.array([r[0] for r in rows], dtype="Float64"),
            "suppressed": [r[1] for r in rows],
        },
        index=index,
    )
    spc = pd.DataFrame(
        {
            "mean": [r[2] for r in rows],
            "lpl": [r[2] - 1 for r in rows],
            "upl": [r[2] + 1 for r in rows],
            "period": 1,
            "point_type": pd.Categorical([r[3] for r in rows]),
        },
        index=index,
    )
    points = signal_points(spc, series, direction)
    expected = [
        None if value is None or hidden else signal_icon(kind, direction, bool(value >= mean))
        for value, hidden, mean, kind in rows
    ]
    assert [None if pd.isna(icon) else icon for icon in points["icon"]] == expected
    assert list(points["mean"]) == [r[2] for r in rows]

"""Tests for metrics.aggregate: aggregation by kind, rolling sums, year on year, rates."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.aggregate import (
    SERIES_COLUMNS,
    add_rate_per_100k,
    aggregate_areas,
    aggregate_period,
    rate_per_100k,
    rolling_12,
    share,
    year_on_year,
)
from metrics.catalog import load_catalog

CATALOG = load_catalog()
TEMPLATE = CATALOG.indicator("clearance_rape")


def indicator(kind: str, id_: str = "x"):
    return replace(TEMPLATE, id=id_, kind=kind, breaks=())


COUNT, STOCK = indicator("count"), indicator("stock")
PROPORTION, MEDIAN = indicator("proportion"), indicator("median_days")


def obs(rows):
    """Observation frame from (area, "YYYY-MM", value, denominator, status) tuples."""
    frame = pd.DataFrame(rows, columns=["area_code", "period", "value", "denominator", "status"])
    frame.insert(0, "indicator_id", "x")
    frame["period"] = pd.to_datetime(frame["period"])
    return frame.astype({"value": "float64", "denominator": "float64"})


def test_proportion_is_sum_over_sum_not_mean_of_percentages():
    # A: 1 of 2 (50 %), B: 9 of 90 (10 %): mean of shares 30 %, pooled share 10/92
    frame = obs([("A", "2026-01", 1, 2, "final"), ("B", "2026-01", 9, 90, "final")])
    series = aggregate_areas(frame, PROPORTION, ["A", "B"])
    assert series.loc["2026-01-01", "value"] == pytest.approx(10 / 92)
    assert series.loc["2026-01-01", "value"] != pytest.approx((0.5 + 0.1) / 2)
    assert series.loc["2026-01-01", "numerator"] == 10
    assert series.loc["2026-01-01", "denominator"] == 92


def test_count_and_stock_sum_over_areas_and_status_is_preliminary_if_any_row_is():
    frame = obs(
        [
            ("A", "2026-01", 3, None, "final"),
            ("B", "2026-01", 4, None, "preliminary"),
            ("A", "2026-02", 5, None, "final"),
        ]
    )
    for kind in (COUNT, STOCK):
        series = aggregate_areas(frame, kind, ["A", "B"])
        assert list(series.columns) == list(SERIES_COLUMNS)
        assert series["value"].tolist() == [7, 5]
        assert series["status"].tolist() == ["preliminary", "final"]


def test_other_areas_and_indicators_are_ignored():
    frame = obs([("A", "2026-01", 3, None, "final"), ("C", "2026-01", 100, None, "final")])
    other = frame.assign(indicator_id="y")
    series = aggregate_areas(pd.concat([frame, other]), COUNT, ["A"])
    assert series["value"].tolist() == [3]


def test_medians_are_never_combined():
    frame = obs(
        [
            ("A", "2026-01", 40, None, "final"),
            ("B", "2026-01", 80, None, "final"),
            ("A", "2026-02", 50, None, "final"),
        ]
    )
    series = aggregate_areas(frame, MEDIAN, ["A", "B"])
    assert math.isnan(series.loc["2026-01-01", "value"])
    assert series.loc["2026-02-01", "value"] == 50
    assert aggregate_areas(frame, MEDIAN, ["B"])["value"].tolist() == [80]


def test_zero_denominator_gives_nan_not_inf():
    frame = obs([("A", "2026-01", 0, 0, "final"), ("A", "2026-02", 1, 4, "final")])
    series = aggregate_areas(frame, PROPORTION, ["A"])
    assert math.isnan(series.loc["2026-01-01", "value"])
    assert not np.isinf(series["value"]).any()
    assert math.isnan(share(1.0, 0.0))
    assert share(pd.Series([1.0, 2.0]), pd.Series([0.0, 4.0])).tolist()[1] == 0.5


def test_missing_months_become_nan_rows():
    frame = obs([("A", "2026-01", 3, None, "final"), ("A", "2026-04", 5, None, "final")])
    series = aggregate_areas(frame, COUNT, ["A"], start="2025-12")
    assert series.index.tolist() == list(pd.date_range("2025-12-01", "2026-04-01", freq="MS"))
    assert series["value"].isna().tolist() == [True, False, True, True, False]
    assert series.index.name == "period"
    assert series["status"].isna().sum() == 3


def test_require_all_blanks_months_where_an_area_is_missing():
    frame = obs(
        [
            ("A", "2026-01", 3, None, "final"),
            ("B", "2026-01", 4, None, "final"),
            ("A", "2026-02", 5, None, "final"),
        ]
    )
    series = aggregate_areas(frame, COUNT, ["A", "B"], require_all=True)
    assert series["value"].iloc[0] == 7
    assert math.isnan(series["value"].iloc[1])


def test_empty_input_gives_empty_series():
    frame = obs([])
    for kind in (COUNT, STOCK, PROPORTION, MEDIAN):
        series = aggregate_areas(frame, kind, ["A"])
        assert series.empty
        assert list(series.columns) == list(SERIES_COLUMNS)
        assert rolling_12(series, kind).empty
        result = aggregate_period(series, kind, ["2026-01"])
        assert math.isnan(result["value"])
        assert year_on_year(series, kind).value is None


def test_duplicate_rows_are_refused():
    frame = obs([("A", "2026-01", 3, None, "final"), ("A", "2026-01", 3, None, "final")])
    with pytest.raises(ValueError):
        aggregate_areas(frame, COUNT, ["A"])


def monthly(values, kind=COUNT, denominators=None, start="2025-01"):
    rows = [
        ("A", str(p.date()), v, None if denominators is None else denominators[i], "final")
        for i, (p, v) in enumerate(
            zip(pd.date_range(start, periods=len(values), freq="MS"), values, strict=True)
        )
        if v is not None
    ]
    return aggregate_areas(obs(rows), kind, ["A"], start=start)


def test_aggregate_period_by_kind():
    months = pd.date_range("2025-01", periods=3, freq="MS")
    counts = monthly([1, 2, 3])
    assert aggregate_period(counts, COUNT, months)["value"] == 6
    assert aggregate_period(monthly([10, 12, 11], STOCK), STOCK, months)["value"] == 11
    shares = monthly([1, 9, 0], PROPORTION, denominators=[2, 90, 0])
    result = aggregate_period(shares, PROPORTION, months)
    assert result["value"] == pytest.approx(10 / 92)
    assert result["months_missing"] == 0  # 0 of 0 is a reported month
    medians = monthly([40, 50, 60], MEDIAN)
    assert math.isnan(aggregate_period(medians, MEDIAN, months)["value"])
    assert aggregate_period(medians, MEDIAN, months[:1])["value"] == 40


def test_aggregate_period_with_a_missing_month():
    months = pd.date_range("2025-01", periods=3, freq="MS")
    gappy = monthly([1, None, 3])
    assert math.isnan(aggregate_period(gappy, COUNT, months)["value"])
    partial = aggregate_period(gappy, COUNT, months, complete=False)
    assert partial["value"] == 4
    assert partial["months_missing"] == 1
    stock = monthly([10, 12, None], STOCK)
    assert math.isnan(aggregate_period(stock, STOCK, months)["value"])
    assert aggregate_period(stock, STOCK, months, complete=False)["value"] == 12


def test_rolling_12_by_kind():
    counts = monthly(list(range(1, 15)))
    rolled = rolling_12(counts, COUNT)
    assert rolled["value"].iloc[:11].isna().all()
    assert rolled["value"].iloc[11] == sum(range(1, 13))
    assert rolled["value"].iloc[13] == sum(range(3, 15))

    nums, dens = [1] * 13, [10] * 12 + [0]
    rolled = rolling_12(monthly(nums, PROPORTION, dens), PROPORTION)
    assert rolled["value"].iloc[11] == pytest.approx(12 / 120)
    assert rolled["value"].iloc[12] == pytest.approx(12 / 110)

    stock = monthly([5, 6, 7], STOCK)
    assert rolling_12(stock, STOCK)["value"].tolist() == [5, 6, 7]
    assert rolling_12(monthly([40] * 13, MEDIAN), MEDIAN)["value"].isna().all()


def test_rolling_12_is_nan_when_a_month_is_missing():
    values = list(range(1, 15))
    values[5] = None
    rolled = rolling_12(monthly(values), COUNT)
    assert rolled["value"].iloc[:17].isna().all()


def test_year_on_year():
    values = [10] * 12 + [12]
    result = year_on_year(monthly(values), COUNT)
    assert result.period == pd.Timestamp("2026-01-01")
    assert result.previous_period == pd.Timestamp("2025-01-01")
    assert (result.value, result.previous_value) == (12, 10)
    assert result.change == 2
    assert result.change_relative == pytest.approx(0.2)

    zero_base = year_on_year(monthly([0] * 12 + [3]), COUNT)
    assert zero_base.change == 3
    assert zero_base.change_relative is None

    no_base = year_on_year(monthly([5, 6]), COUNT)
    assert no_base.previous_value is None
    assert no_base.change is None and no_base.change_relative is None


def test_rate_per_100k():
    assert rate_per_100k(25, 50_000) == pytest.approx(50.0)
    assert rate_per_100k(25, None) is None
    assert rate_per_100k(25, 0) is None
    assert rate_per_100k(math.nan, 1000) is None


def _population(rows):
    from metrics.population import COLUMNS, Population

    return Population(pd.DataFrame(rows, columns=list(COLUMNS)))


POPULATION_ROWS = [
    ("0980", 2025, "all", "all", 60_000, False, "test"),
    ("0980", 2025, "women", "18+", 24_000, True, "test"),
    ("0114", 2024, "all", "all", 50_000, False, "test"),
    ("0115", 2024, "all", "all", 35_000, False, "test"),
    ("0115", 2025, "all", "all", 36_000, False, "test"),
]


def test_add_rate_per_100k_on_observations_uses_the_base_and_the_latest_earlier_year():
    frame = pd.DataFrame(
        {
            "indicator_id": [
                "reported_rape",
                "reported_partner_violence_women",
                "reported_rape",
                "clearance_rape",
            ],
            "area_code": ["0980", "0980", "PO_NORD", "STHLM"],
            "period": pd.to_datetime(["2026-01-01"] * 4),
            "value": [6.0, 12.0, 10.0, 3.0],
            "denominator": [np.nan, np.nan, np.nan, 10.0],
            "status": ["final"] * 4,
        }
    )
    out = add_rate_per_100k(frame, CATALOG, _population(POPULATION_ROWS))
    assert out["rate_per_100k"].iloc[0] == pytest.approx(6 / 60_000 * 100_000)
    assert out["population_year"].iloc[0] == 2025  # 2026 is not known: the year before
    assert out["rate_per_100k"].iloc[1] == pytest.approx(12 / 24_000 * 100_000)  # women 18+
    assert math.isnan(out["rate_per_100k"].iloc[2])  # no figure for the police area here
    assert math.isnan(out["rate_per_100k"].iloc[3])  # a share gets no rate
    assert "rate_per_100k" not in frame.columns


def test_add_rate_per_100k_on_a_series_sums_population_over_areas():
    series = monthly([10, 20], start="2025-01")
    population = _population(POPULATION_ROWS)
    out = add_rate_per_100k(
        series, CATALOG, population, indicator=COUNT, area_codes=["0114", "0115"]
    )
    assert out["rate_per_100k"].iloc[1] == pytest.approx(20 / (50_000 + 36_000) * 100_000)
    assert out["population_year"].iloc[1] == 2024  # the oldest figure in the sum
    with pytest.raises(ValueError):
        add_rate_per_100k(series, CATALOG, population)


cells = st.tuples(st.integers(0, 50), st.integers(0, 60)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(cells, min_size=1, max_size=8))
def test_proportion_aggregate_equals_pooled_share(pairs):
    rows = [(f"A{i}", "2026-01", n, d, "final") for i, (n, d) in enumerate(pairs)]
    series = aggregate_areas(obs(rows), PROPORTION, [r[0] for r in rows])
    num, den = sum(n for n, _ in pairs), sum(d for _, d in pairs)
    value = series["value"].iloc[0]
    if den == 0:
        assert math.isnan(value)
    else:
        assert value == pytest.approx(num / den)
        assert 0 <= value <= 1


@given(st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=1, max_size=30))
def test_count_series_keeps_every_month_and_sums_agree(values):
    series = monthly(values)
    assert len(series) == len(values) - _trailing_none(values)
    assert series.index.is_monotonic_increasing
    assert (series.index.to_series().diff().dropna().dt.days.between(28, 31)).all()
    total = aggregate_period(series, COUNT, series.index, complete=False)["value"]
    present = [v for v in values if v is not None]
    if present:
        assert total == sum(present)


def _trailing_none(values):
    n = 0
    for v in reversed(values):
        if v is not None:
            break
        n += 1
    return n

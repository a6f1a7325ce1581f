"""XmR limits and Making Data Count signals, by example (many from NHSRplotthedots' own tests) and by invariant."""

import math
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from metrics.spc import (
    POINT_TYPES,
    ShortPeriodWarning,
    XmrResult,
    rebase_positions,
    xmr,
    xmr_batch,
)

pytestmark = pytest.mark.filterwarnings("error::metrics.spc.ShortPeriodWarning")

# set.seed(123); rnorm(20) in R: the series behind the package's ptd_spc_standard snapshots.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip

# Twelve points alternating 9/11: mean 10, every moving range 2, so with fix_after_n_points=12
# the limits are held at 10 ± 5.32 (4.68 .. 15.32) and "close" starts beyond 10 ± 3.5467.
BASE = [9.0, 11.0] * 6
C, IMP, CON = "common_cause", "special_cause_improvement", "special_cause_concern"
HIGH, LOW = "special_cause_neutral_high", "special_cause_neutral_low"


def held(tail: list[float], **kwargs):
    """Chart BASE + tail with limits held from BASE."""
    return xmr(BASE + tail, fix_after_n_points=12, **kwargs)


def tail_types(result) -> list[str]:
    return result.points["point_type"].iloc[len(BASE) :].tolist()


def quiet_xmr(values, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        return xmr(values, **kwargs)


# --- limits -------------------------------------------------------------------------------------


def test_limits_match_the_package_snapshot():
    r = xmr(RNORM_123)
    (period,) = r.periods.itertuples()
    assert period.mean == pytest.approx(0.1416238, abs=5e-8)
    assert period.lpl == pytest.approx(-3.01138, abs=5e-6)
    assert period.upl == pytest.approx(3.294627, abs=5e-7)
    assert r.points["relative_to_mean"].tolist()[:15] == [
        -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1,
    ]  # fmt: skip
    assert set(r.points["point_type"]) == {C}
    assert r.variation == C


def test_outlier_screening_drops_large_moving_ranges_as_in_the_package_snapshot():
    values = list(RNORM_123)
    values[14] = 10.0
    screened = xmr(values)
    raw = xmr(values, screen_outliers=False)

    assert screened.periods["mean"].iloc[0] == pytest.approx(0.6694159, abs=5e-8)
    assert screened.periods["lpl"].iloc[0] == pytest.approx(-2.383666, abs=5e-7)
    assert screened.periods["upl"].iloc[0] == pytest.approx(3.722497, abs=5e-7)
    assert raw.periods["lpl"].iloc[0] == pytest.approx(-4.596625, abs=5e-7)
    assert raw.periods["upl"].iloc[0] == pytest.approx(5.935457, abs=5e-7)
    # the two moving ranges into and out of the outlier are the ones screened out
    dropped = screened.points.index[~screened.points["moving_range_used"]].tolist()
    assert dropped == [0, 14, 15]
    assert raw.points["moving_range_used"].sum() == 19
    assert screened.periods["mrbar"].iloc[0] < raw.periods["mrbar"].iloc[0]
    assert screened.points.loc[14, "point_type"] == "special_cause_improvement"


def test_limits_are_mean_plus_minus_2_66_mrbar_and_close_zone_is_two_thirds_of_the_way():
    r = xmr([1.0, 3.0, 2.0, 6.0, 4.0, 4.0, 5.0, 2.0, 3.0, 1.0, 2.0, 4.0, 3.0])
    p = r.periods.iloc[0]
    mrbar = np.mean([2, 1, 4, 2, 0, 1, 3, 1, 2, 1, 2, 1])
    assert p["mrbar"] == pytest.approx(mrbar)
    assert p["mean"] == pytest.approx(40 / 13)
    assert p["upl"] == pytest.approx(40 / 13 + 2.66 * mrbar)
    assert p["lpl"] == pytest.approx(40 / 13 - 2.66 * mrbar)
    assert p["near_upl"] == pytest.approx(40 / 13 + 2 / 3 * 2.66 * mrbar)
    assert p["near_lpl"] == pytest.approx(40 / 13 - 2 / 3 * 2.66 * mrbar)


def test_rebase_gives_each_period_its_own_limits_as_the_package_facet_snapshot():
    with pytest.warns(ShortPeriodWarning):
        r = xmr(RNORM_123, rebase_at=[10])
    first, second = r.periods.itertuples()
    assert (first.start, first.end, first.n) == (0, 9, 10)
    assert (second.start, second.end, second.n) == (10, 19, 10)
    assert (round(first.mean, 4), round(first.lpl, 2), round(first.upl, 2)) == (0.0746, -2.60, 2.75)
    assert (round(second.mean, 3), round(second.lpl, 2), round(second.upl, 2)) == (
        0.209,
        -3.28,
        3.70,
    )
    assert r.points["period"].tolist() == [0] * 10 + [1] * 10
    assert r.points.loc[9, "upl"] == first.upl and r.points.loc[10, "upl"] == second.upl
    # no moving range bridges the break
    assert math.isnan(r.points.loc[10, "moving_range"])


def test_rules_do_not_look_across_a_rebase():
    rising = [float(v) for v in range(1, 11)]
    assert quiet_xmr(rising).points["rule_trend"].all()
    assert not quiet_xmr(rising, rebase_at=[4]).points["rule_trend"].any()


def test_fix_after_n_points_holds_the_limits_of_the_first_n_points():
    r = held([10.0, 16.0])
    assert r.periods["n_baseline"].iloc[0] == 12
    assert r.points["upl"].unique().tolist() == [pytest.approx(15.32)]
    assert r.points["in_baseline"].tolist() == [True] * 12 + [False] * 2
    assert tail_types(r) == [C, IMP]
    with pytest.raises(ValueError, match=">= 12"):
        xmr(BASE, fix_after_n_points=11)


def test_constant_series_has_undefined_limits_when_screening_as_in_the_package():
    # every moving range is 0, and the package keeps only ranges strictly below 3.267 × 0
    screened = xmr([5.0] * 13)
    assert math.isnan(screened.periods["upl"].iloc[0])
    assert set(screened.points["point_type"]) == {C}
    raw = xmr([5.0] * 13, screen_outliers=False)
    assert raw.periods["upl"].iloc[0] == 5.0


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [("increase", IMP, CON), ("decrease", CON, IMP), ("neutral", HIGH, LOW)],
)
def test_a_point_outside_the_limits_in_each_direction(improvement, high, low):
    r = held([16.0, 10.0, 4.0], improvement=improvement)
    assert tail_types(r) == [high, C, low]
    rules = r.points["special_cause_rule"].iloc[12:]
    assert rules.isna().tolist() == [False, True, False]
    assert rules.dropna().eq("outside_limits").all()
    assert r.variation == low


def test_seven_on_one_side_of_the_mean_flags_all_seven_and_six_flags_none():
    seven = held([9.0] + [10.5] * 7 + [9.0])
    assert tail_types(seven) == [C] + [IMP] * 7 + [C]
    assert seven.points["special_cause_rule"].iloc[13:20].eq("run").all()
    six = held([9.0] + [10.5] * 6 + [9.0])
    assert tail_types(six) == [C] * 8


def test_a_value_equal_to_the_mean_stays_on_it_as_in_r():
    # a plain float mean of twenty 0.7s is 0.6999999999999998, which would put every point
    # above the mean and make a run; R's mean (and ours) is 0.7, so nothing signals
    r = xmr([0.7] * 20)
    assert r.periods["mean"].iloc[0] == 0.7
    assert r.points["relative_to_mean"].eq(0).all()
    assert set(r.points["point_type"]) == {C}


def test_seven_below_the_mean_is_concern_when_increase_is_better():
    r = held([11.0] + [9.5] * 7 + [11.0])
    assert tail_types(r) == [C] + [CON] * 7 + [C]


def test_a_point_on_the_mean_or_a_missing_month_breaks_a_run():
    on_mean = held([9.0] + [10.5] * 3 + [10.0] + [10.5] * 4 + [9.0])
    assert set(tail_types(on_mean)) == {C}
    gap = held([9.0] + [10.5] * 3 + [math.nan] + [10.5] * 4 + [9.0])
    assert set(tail_types(gap)) == {C}


def test_a_trend_of_seven_is_flagged_even_where_it_crosses_the_mean():
    r = held([8.0, 8.5, 9.0, 9.5, 10.5, 11.0, 11.5, 9.0])
    assert tail_types(r) == [IMP] * 7 + [C]
    assert r.points["rule_trend"].iloc[12:19].all()
    assert held([8.0, 8.5, 9.0, 9.5, 10.5, 11.0, 11.5, 9.0], improvement="decrease").variation == C
    assert tail_types(
        held([8.0, 8.5, 9.0, 9.5, 10.5, 11.0, 11.5, 9.0], improvement="decrease")
    ) == [CON] * 7 + [C]


def test_a_tie_breaks_a_trend_and_six_points_are_not_a_trend():
    tie = held([8.0, 8.5, 9.0, 9.0, 9.5, 10.5, 11.0, 9.0])
    assert set(tail_types(tie)) == {C}
    six = held([8.0, 8.5, 9.0, 9.5, 10.5, 11.0, 9.0])
    assert set(tail_types(six)) == {C}


def test_a_trend_outranks_a_run_on_the_other_side():
    # seven rising points then one falling, all eight below the mean: the trend (improvement)
    # outranks the run (concern) on its seven points; the eighth is in the run only
    r = held([6.6, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 9.2, 11.0])
    assert tail_types(r) == [IMP] * 7 + [CON, C]
    assert r.points["rule_run"].iloc[12:20].all()
    assert r.points["special_cause_rule"].iloc[12:20].tolist() == ["trend"] * 7 + ["run"]


def test_the_peak_shared_by_a_rising_and_a_falling_trend_takes_the_falling_one():
    r = held([7.0, 8.0, 9.0, 10.5, 11.0, 12.0, 13.0, 12.0, 11.0, 10.5, 9.0, 8.0, 7.0, 9.0])
    assert tail_types(r) == [IMP] * 6 + [CON] * 7 + [C]


def test_two_of_three_close_to_the_same_limit_flags_the_close_points():
    r = held([9.0, 14.0, 12.0, 14.0, 9.0])
    assert tail_types(r) == [C, IMP, C, IMP, C]
    assert r.points["close_to_limits"].iloc[12:].tolist() == [False, True, False, True, False]
    assert r.points["special_cause_rule"].iloc[13] == "two_in_three"


def test_two_of_three_close_to_opposite_limits_is_common_cause():
    assert set(tail_types(held([9.0, 14.0, 6.0, 9.0]))) == {C}


def test_two_of_three_needs_the_third_point_on_the_same_side_too():
    assert set(tail_types(held([11.0, 14.0, 9.0, 14.0, 9.0]))) == {C}


def test_a_point_beyond_the_limit_does_not_count_as_close():
    r = held([11.0, 16.0, 14.0, 11.0])
    assert tail_types(r) == [C, IMP, C, C]
    assert r.points["close_to_limits"].iloc[12:].tolist() == [False, False, True, False]


def test_package_example_two_of_three_on_opposite_sides_of_symmetric_data():
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    r = xmr(values)
    assert r.points["point_type"].iloc[-2:].tolist() == [C, C]


# --- missing values -----------------------------------------------------------------------------


def test_a_missing_month_keeps_its_place_and_takes_no_part_in_the_limits():
    values = [9.0, 11.0, 9.0, 11.0, math.nan, 11.0, 9.0, 11.0, 9.0, 11.0, 9.0, 11.0, 9.0, 11.0]
    r = xmr(values)
    p = r.points
    assert len(p) == len(values)
    assert p.loc[4, "point_type"] == C and math.isnan(p.loc[4, "relative_to_mean"])
    assert math.isnan(p.loc[4, "moving_range"]) and math.isnan(p.loc[5, "moving_range"])
    assert r.periods["mean"].iloc[0] == pytest.approx(np.nanmean(values))
    assert r.periods["mrbar"].iloc[0] == pytest.approx(2.0)
    assert r.periods["n_values"].iloc[0] == 13


def test_variation_is_the_last_non_missing_point():
    r = held([16.0, math.nan])
    assert r.points["point_type"].iloc[-1] == C
    assert r.variation == IMP


def test_series_index_is_kept():
    months = pd.period_range("2023-01", periods=13, freq="M")
    r = xmr(pd.Series(BASE + [10.0], index=months))
    assert r.points.index.equals(months)
    assert r.points["position"].tolist() == list(range(13))


# --- assurance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 3.0, "consistent_pass"),
        ("increase", 20.0, "consistent_fail"),
        ("increase", 10.0, "inconsistent"),
        ("decrease", 3.0, "consistent_fail"),
        ("decrease", 20.0, "consistent_pass"),
        ("decrease", 15.0, "inconsistent"),
        ("neutral", 3.0, None),
        ("increase", None, None),
        ("increase", math.nan, None),
    ],
)
def test_assurance_compares_the_target_with_the_limits(improvement, target, expected):
    assert held([10.0], improvement=improvement, target=target).assurance == expected


def test_assurance_uses_the_last_period():
    values = [9.0, 11.0] * 7 + [29.0, 31.0] * 7
    r = xmr(values, rebase_at=[14], target=20.0)
    assert r.periods["upl"].iloc[0] < 20.0 < r.periods["lpl"].iloc[1]
    assert r.assurance == "consistent_pass"
    assert xmr(values[:14], target=20.0).assurance == "consistent_fail"


# --- warnings and edge cases --------------------------------------------------------------------


def test_a_period_of_twelve_values_warns_and_thirteen_does_not():
    with pytest.warns(ShortPeriodWarning, match="12 values, fewer than 13"):
        r = xmr(BASE)
    assert len(r.warnings) == 1 and "positions 0-11" in r.warnings[0]
    assert r.periods["short"].tolist() == [True]
    assert xmr(BASE + [10.0]).warnings == []


def test_only_the_short_period_warns_after_a_rebase():
    with pytest.warns(ShortPeriodWarning) as caught:
        r = xmr(BASE * 2 + [10.0] * 5, rebase_at=[24])
    assert len(caught) == 1 and len(r.warnings) == 1
    assert "period 1 (positions 24-28) has 5 values" in r.warnings[0]


@pytest.mark.parametrize("values", [[], [math.nan, math.nan], pd.Series([], dtype=float)])
def test_empty_or_all_missing_input_gives_an_empty_chart(values):
    r = xmr(values, target=1.0)
    assert r.points.empty and r.periods.empty
    assert {"value", "mean", "lpl", "upl", "point_type"} <= set(r.points.columns)
    assert (r.variation, r.assurance, r.warnings) == (None, None, [])


def test_a_single_value_has_a_mean_but_no_limits():
    with pytest.warns(ShortPeriodWarning, match="1 value,"):
        r = xmr([4.2])
    p = r.points.iloc[0]
    assert p["mean"] == 4.2 and math.isnan(p["lpl"]) and math.isnan(p["upl"])
    assert r.variation == C


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"improvement": "up"}, "improvement"),
        ({"rebase_at": [13]}, "outside the series"),
        ({"rebase_at": [-1]}, "outside the series"),
        ({"fix_after_n_points": 12.5}, "integer"),
    ],
)
def test_invalid_arguments_raise(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        xmr(BASE + [10.0], **kwargs)


def test_infinite_values_raise():
    with pytest.raises(ValueError, match="finite"):
        xmr([1.0, math.inf, 2.0])


def test_integers_give_float_columns():
    r = xmr(list(range(13)))
    for column in ("value", "mean", "lpl", "upl", "moving_range", "mrbar", "relative_to_mean"):
        assert r.points[column].dtype == np.float64


# --- invariants ---------------------------------------------------------------------------------

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def series(draw, min_size=0):
    """Integer-valued monthly series with the odd missing month (about 1 in 10) and rebase."""
    drawn = draw(st.lists(st.integers(-50, 55), min_size=min_size, max_size=40))
    values = [float(v) if v <= 50 else math.nan for v in drawn]
    rebase = draw(st.sets(st.integers(0, len(values) - 1), max_size=2)) if values else set()
    return values, sorted(rebase)


def clear_of_boundaries(result, tolerance: float, on_mean_ok: bool) -> bool:
    """No value within ``tolerance`` of a limit or close-zone edge, nor of the mean (where being
    exactly on it is allowed if ``on_mean_ok``): away from knife edges where rounding in a shifted
    or scaled copy could tip a comparison."""
    p = result.points.dropna(subset=["value"])
    values = p["value"].to_numpy()[:, None]
    edges = np.abs(p[["lpl", "upl", "near_lpl", "near_upl"]].to_numpy() - values)
    to_mean = np.abs(p[["mean"]].to_numpy() - values)
    edges_clear = np.all(np.isnan(edges) | (edges > tolerance))
    mean_clear = np.all((to_mean > tolerance) | ((to_mean == 0) & on_mean_ok))
    return bool(edges_clear and mean_clear)


@SETTINGS
@given(series(), st.sampled_from(["increase", "decrease", "neutral"]))
def test_every_point_gets_a_valid_type_and_limits_are_symmetric(data, improvement):
    values, rebase = data
    r = quiet_xmr(values, improvement=improvement, rebase_at=rebase)
    if all(math.isnan(v) for v in values):
        assert r.points.empty
        return
    p = r.points
    assert len(p) == len(values) and set(p["point_type"]) <= set(POINT_TYPES)
    assert (p["special_cause"] == (p["point_type"] != C)).all()
    assert np.allclose(p["upl"] - p["mean"], p["mean"] - p["lpl"], equal_nan=True)
    assert np.allclose(p["near_upl"] - p["mean"], p["mean"] - p["near_lpl"], equal_nan=True)
    assert (p["upl"].dropna() >= p["near_upl"].dropna()).all()
    assert r.variation == p["point_type"][p["value"].notna()].iloc[-1]


@SETTINGS
@given(series(min_size=1), st.integers(-10_000, 10_000))
def test_shifting_all_values_shifts_mean_and_limits_and_keeps_point_types(data, shift):
    values, rebase = data
    r = quiet_xmr(values, rebase_at=rebase)
    moved = quiet_xmr([v + shift for v in values], rebase_at=rebase)
    assume(not r.points.empty and clear_of_boundaries(r, 1e-6, on_mean_ok=True))
    for column in ("mean", "lpl", "upl"):
        assert np.allclose(moved.points[column], r.points[column] + shift, equal_nan=True)
    assert np.allclose(moved.points["mrbar"], r.points["mrbar"], equal_nan=True)
    assert moved.points["point_type"].tolist() == r.points["point_type"].tolist()


@SETTINGS
@given(series(min_size=1), st.floats(1e-3, 1e3))
def test_scaling_by_a_positive_constant_keeps_point_types(data, factor):
    values, rebase = data
    r = quiet_xmr(values, rebase_at=rebase)
    scaled = quiet_xmr([v * factor for v in values], rebase_at=rebase)
    # a value exactly on the mean may round off it once scaled, so keep clear of the mean too
    assume(not r.points.empty and clear_of_boundaries(r, 1e-6, on_mean_ok=False))
    assert np.allclose(scaled.points["upl"], r.points["upl"] * factor, equal_nan=True)
    assert scaled.points["point_type"].tolist() == r.points["point_type"].tolist()


@SETTINGS
@given(series(min_size=1))
def test_reversing_the_improvement_direction_swaps_improvement_and_concern(data):
    values, rebase = data
    up = quiet_xmr(values, improvement="increase", rebase_at=rebase).points["point_type"]
    down = quiet_xmr(values, improvement="decrease", rebase_at=rebase).points["point_type"]
    neutral = quiet_xmr(values, improvement="neutral", rebase_at=rebase).points["point_type"]
    swap = {IMP: CON, CON: IMP, C: C}
    assert down.tolist() == [swap[t] for t in up]
    assert neutral.tolist() == [{IMP: HIGH, CON: LOW, C: C}[t] for t in up]


# --- many series at once ------------------------------------------------------------------------


def same_chart(batch, alone) -> None:
    """Two XmR results are the same to the last bit: frames, dtypes, index, icons and warnings."""
    pd.testing.assert_frame_equal(batch.points, alone.points, check_exact=True)
    pd.testing.assert_frame_equal(batch.periods, alone.periods, check_exact=True)
    assert (batch.variation, batch.assurance, batch.warnings) == (
        alone.variation,
        alone.assurance,
        alone.warnings,
    )


@st.composite
def charts(draw):
    """Several series as an overview passes them (with an index of months) or as lists, each
    with its own direction, target and rebase; sometimes limits held after 12+ points."""
    drawn = draw(st.lists(series(), min_size=1, max_size=6))
    dated = draw(st.booleans())
    values = [
        pd.Series(v, index=pd.date_range("2020-01-01", periods=len(v), freq="MS"), dtype=float)
        if dated
        else v
        for v, _ in drawn
    ]
    improvements = draw(
        st.lists(st.sampled_from(["increase", "decrease", "neutral"]), min_size=len(drawn),
                 max_size=len(drawn))
    )  # fmt: skip
    targets = draw(
        st.lists(st.none() | st.integers(-60, 60).map(float), min_size=len(drawn),
                 max_size=len(drawn))
    )  # fmt: skip
    fix = draw(st.none() | st.integers(12, 20))
    screen = draw(st.booleans())
    return values, improvements, targets, [r for _, r in drawn], fix, screen


@SETTINGS
@given(charts())
def test_a_batch_gives_exactly_what_each_series_gives_alone(chart):
    values, improvements, targets, rebases, fix, screen = chart
    with warnings.catch_warnings(record=True) as batch_warnings:
        warnings.simplefilter("always")
        batch = xmr_batch(values, improvements, targets, fix, rebases, screen)
    with warnings.catch_warnings(record=True) as alone_warnings:
        warnings.simplefilter("always")
        alone = [
            xmr(v, improvements[k], targets[k], fix, rebases[k], screen)
            for k, v in enumerate(values)
        ]
    assert len(batch) == len(values)
    for one, other in zip(batch, alone, strict=True):
        same_chart(one, other)
    assert [str(w.message) for w in batch_warnings] == [str(w.message) for w in alone_warnings]


def test_a_batch_takes_one_direction_and_target_for_all_and_keeps_the_order():
    values = [RNORM_123, [], BASE + [16.0], [math.nan] * 3, list(range(13))]
    batch = quiet_batch(values, improvement="decrease", target=0.5)
    for result, v in zip(batch, values, strict=True):
        same_chart(result, quiet_xmr(v, improvement="decrease", target=0.5))
    assert batch[1].points.empty and batch[3].variation is None
    assert quiet_batch([]) == []


def quiet_batch(values, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        return xmr_batch(values, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"improvement": ["increase"]}, "one value per series"),
        ({"target": [1.0, 2.0, 3.0]}, "one value per series"),
        ({"rebase_at": [None]}, "one entry per series"),
        ({"rebase_at": [None, [13]]}, "outside the series"),
        ({"improvement": ["increase", "up"]}, "improvement"),
        ({"fix_after_n_points": 11}, ">= 12"),
    ],
)
def test_a_batch_checks_its_arguments_as_xmr_does(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xmr_batch([BASE + [10.0], BASE + [10.0]], **kwargs)


def test_a_batch_warns_for_each_short_period_in_series_order():
    with pytest.warns(ShortPeriodWarning) as caught:
        batch = xmr_batch([BASE + [10.0], [1.0, 2.0], BASE * 2 + [10.0] * 5], rebase_at=[
            None, None, [24]])  # fmt: skip
    assert [str(w.message) for w in caught] == batch[1].warnings + batch[2].warnings
    assert batch[0].warnings == [] and "positions 24-28" in batch[2].warnings[0]


def test_a_batch_result_is_an_xmr_result_that_survives_pickling():
    (result,) = xmr_batch([BASE + [16.0]], target=[20.0])
    assert isinstance(result, XmrResult)
    same_chart(pickle.loads(pickle.dumps(result)), xmr(BASE + [16.0], target=20.0))


# --- rebases by month and limits fixed per segment (NHSRplotthedots' rebase semantics) -----------


def test_rebase_months_become_positions_as_the_package_sets_its_rebase_column():
    # ptd_add_rebase_column: ten dates, rebase at the 2nd and 7th -> rebase 0,1,0,0,0,0,1,0,0,0.
    months = pd.date_range("2020-02-01", periods=10, freq="MS")
    assert rebase_positions(months, [pd.Timestamp("2020-03-01"), "2020-08-15"]) == [1, 6]
    # at or before the first month, after the last, or repeated: no new period
    assert rebase_positions(months, ["2019-05", "2020-02", "2021-01", "2020-03", "2020-03"]) == [1]
    # a rebase month the series lacks starts the period at the next month it has
    assert rebase_positions(months.delete(1), ["2020-03"]) == [1]
    assert rebase_positions(months, []) == []


def test_a_rebase_sets_the_period_as_the_package_sets_rebase_group():
    # ptd_spc_standard "it sets the rebase_group field": rebase at row 11 of 20
    r = xmr(
        RNORM_123 * 2,
        rebase_at=rebase_positions(pd.date_range("2020-01", periods=40, freq="MS"), ["2021-09"]),
    )
    assert r.points["period"].tolist() == [0] * 20 + [1] * 20


def test_fixing_after_n_points_changes_the_limits_as_in_the_package():
    # ptd_spc_standard "setting fix_after_n_points changes the calculations" (20 points, n = 12)
    fixed = xmr(RNORM_123, fix_after_n_points=12)
    unfixed = xmr(RNORM_123)
    assert fixed.points["lpl"].iloc[0] != unfixed.points["lpl"].iloc[0]
    assert fixed.points["upl"].iloc[0] != unfixed.points["upl"].iloc[0]
    assert fixed.periods["mean"].iloc[0] == pytest.approx(np.mean(RNORM_123[:12]))


def test_each_segment_fixes_its_limits_on_its_own_first_n_points():
    # The package numbers rows within each rebase group: fix_y = y where row_number() <= n.
    second = [30.0, 34.0] * 6 + [50.0] * 3
    r = xmr(BASE * 2 + second, fix_after_n_points=12, rebase_at=[24])
    first_period, second_period = r.periods.itertuples()
    assert (first_period.n_baseline, second_period.n_baseline) == (12, 12)
    assert (first_period.mean, second_period.mean) == (10.0, 32.0)
    assert second_period.upl == pytest.approx(32 + 2.66 * 4)
    assert r.points["in_baseline"].tolist() == ([True] * 12 + [False] * 12) + (
        [True] * 12 + [False] * 3
    )
    assert r.points["point_type"].iloc[-3:].tolist() == [IMP] * 3


def test_a_batch_takes_fix_after_n_points_per_series():
    series = [BASE + [10.0, 16.0], RNORM_123, BASE * 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        batch = xmr_batch(series, fix_after_n_points=[12, None, 13], rebase_at=[None, [10], None])
        alone = [
            xmr(series[0], fix_after_n_points=12),
            xmr(series[1], rebase_at=[10]),
            xmr(series[2], fix_after_n_points=13),
        ]
    for got, expected in zip(batch, alone, strict=True):
        pd.testing.assert_frame_equal(got.points, expected.points)
        pd.testing.assert_frame_equal(got.periods, expected.periods)
        assert got.variation == expected.variation
    with pytest.raises(ValueError, match="one value per series"):
        xmr_batch(series, fix_after_n_points=[12, None])
    with pytest.raises(ValueError, match=">= 12"):
        xmr_batch(series, fix_after_n_points=[12, None, 5])

"""Tests for metrics.progress: progress to target, icons, assessments, rare events, roll-ups."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.aggregate import aggregate_areas
from metrics.catalog import Baseline, SeriesBreak, Target, load_catalog
from metrics.progress import (
    ASSURANCE_ICONS,
    PROGRESS_STATUSES,
    VARIATION_ICONS,
    assurance_icon,
    compute_progress,
    expected_at,
    rare_event_summary,
    trajectory,
    variation_icon,
)
from metrics.reader import read_catalog, read_indicator, rebase_months
from metrics.reading import ASSURANCE_CATEGORIES, MIN_POINTS, VARIATION_CATEGORIES, Reading
from metrics.rollup import rollup_by_goal, rollup_goal

CATALOG = load_catalog()
TEMPLATE = CATALOG.indicator("clearance_rape")


def indicator(direction="increase", baseline=(0.2, "2022-12"), target=(0.4, "2024-12"), **changes):
    return replace(
        TEMPLATE,
        id=changes.pop("id", "x"),
        direction=direction,
        baseline=None if baseline is None else Baseline(*baseline),
        target=None if target is None else Target(target[0], target[1], "", "", True),
        breaks=changes.pop("breaks", ()),
        **changes,
    )


def series(values, start="2024-01"):
    index = pd.date_range(start, periods=len(values), freq="MS", name="period")
    return pd.DataFrame(
        {
            "value": pd.Series(values, index=index, dtype="float64"),
            "numerator": np.nan,
            "denominator": np.nan,
            "status": "final",
        }
    )


# --- progress -------------------------------------------------------------------------------


def test_progress_is_zero_at_baseline_and_exactly_one_at_target():
    up = indicator("increase", (0.2, "2022-12"), (0.4, "2024-12"))
    assert compute_progress(up, 0.2).raw == 0.0
    assert compute_progress(up, 0.4).raw == 1.0
    assert compute_progress(up, 0.3).raw == pytest.approx(0.5)
    down = indicator("decrease", (120, "2022-12"), (90, "2026-12"))
    assert compute_progress(down, 120).raw == 0.0
    assert compute_progress(down, 90).raw == 1.0
    assert compute_progress(down, 100).raw == pytest.approx(2 / 3)


def test_progress_share_is_clipped_but_raw_is_kept():
    up = indicator()
    beyond = compute_progress(up, 0.5)
    assert beyond.raw == pytest.approx(1.5)
    assert beyond.share == 1.0
    assert beyond.status == "target_met"
    behind = compute_progress(up, 0.1)
    assert behind.raw == pytest.approx(-0.5)
    assert behind.share == 0.0
    assert behind.status == "moving_away"


def test_progress_status_against_the_trajectory():
    up = indicator("increase", (0.2, "2022-12"), (0.4, "2024-12"))
    # halfway in time is 2023-12, where the line is at 0.3
    assert expected_at(up, "2023-12") == pytest.approx(0.3)
    assert compute_progress(up, 0.31, period="2023-12").status == "on_track"
    assert compute_progress(up, 0.29, period="2023-12").status == "behind"
    assert compute_progress(up, 0.29).status == "in_progress"
    assert compute_progress(up, 0.35, period="2030-01").expected == 0.4


def test_neutral_never_gets_good_or_bad():
    neutral = indicator("neutral")
    for value in (0.0, 0.2, 0.4, 1.0):
        assert compute_progress(neutral, value).status == "neutral"
    assert compute_progress(neutral, None).status == "no_data"


def test_progress_without_target_or_value():
    assert compute_progress(indicator(target=None), 0.3).status == "no_target"
    assert compute_progress(indicator(target=None), 0.3).share is None
    assert compute_progress(indicator(), None).status == "no_data"
    assert compute_progress(indicator(), math.nan).status == "no_data"
    zero = indicator("decrease", baseline=None, target=(0, "2026-12"))
    assert compute_progress(zero, 0).status == "target_met"
    assert compute_progress(zero, 2).status == "target_not_met"
    assert compute_progress(zero, 2).raw is None


def test_target_equal_to_baseline():
    flat = indicator("decrease", (0, "2020-01"), (0, "2026-12"))
    assert compute_progress(flat, 0).raw == 1.0
    assert compute_progress(flat, 0).status == "target_met"
    assert compute_progress(flat, 1).raw == 0.0
    assert compute_progress(flat, 1).status == "moving_away"


def test_every_status_has_swedish_and_english_words():
    for status in PROGRESS_STATUSES:
        progress = replace(compute_progress(indicator(), 0.4), status=status)
        assert progress.words("sv") and progress.words("en")
        assert progress.words("sv") != progress.words("en")
    assert compute_progress(indicator(), 0.4).words("sv") == "Målet är nått"
    assert compute_progress(indicator(), 0.4).words("en") == "Target reached"


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(
    st.sampled_from(["increase", "decrease"]),
    finite,
    st.floats(0.001, 1e5),
    finite,
    finite,
)
def test_progress_is_monotone_in_the_indicators_direction(direction, base, gap, a, b):
    target = base + gap if direction == "increase" else base - gap
    ind = indicator(direction, (base, "2022-12"), (target, "2026-12"))
    worse, better = sorted((a, b)) if direction == "increase" else sorted((a, b), reverse=True)
    p_worse, p_better = compute_progress(ind, worse), compute_progress(ind, better)
    assert p_worse.raw <= p_better.raw
    assert p_worse.share <= p_better.share
    assert 0.0 <= p_worse.share <= 1.0
    assert compute_progress(ind, target).raw == 1.0
    assert compute_progress(ind, base).raw == 0.0


def test_trajectory_is_linear_monthly_from_baseline_to_target():
    line = trajectory(indicator("increase", (0.2, "2022-12"), (0.4, "2024-12")))
    assert len(line) == 25
    assert line.index[0] == pd.Timestamp("2022-12-01")
    assert line.index[-1] == pd.Timestamp("2024-12-01")
    assert line.iloc[0] == 0.2 and line.iloc[-1] == pytest.approx(0.4)
    assert np.allclose(np.diff(line.to_numpy()), 0.2 / 24)
    assert trajectory(indicator(baseline=None)).empty
    assert trajectory(indicator(baseline=(0.2, "2025-01"), target=(0.4, "2024-01"))).empty
    same = trajectory(indicator(baseline=(0.2, "2024-01"), target=(0.4, "2024-01")))
    assert same.tolist() == [0.4]


@given(
    st.integers(0, 40),
    st.integers(-6, 40),
    st.integers(-10, 60),
    st.sampled_from([(0.2, 0.4), (1 / 3, 2 / 3), (100.0, 0.0), (17.0, 17.0)]),
)
def test_expected_at_reads_the_trajectory_in_every_month(start, length, at, values):
    """expected_at computes one month's value of the line: exactly what the drawn line has there
    (None before it, the last value after it, None without a line)."""
    first = pd.Timestamp("2022-01-01") + pd.DateOffset(months=start)
    last = first + pd.DateOffset(months=length)
    month = pd.Timestamp("2022-01-01") + pd.DateOffset(months=at)
    ind = indicator("increase", (values[0], f"{first:%Y-%m}"), (values[1], f"{last:%Y-%m}"))
    line = trajectory(ind)
    if line.empty or month < line.index[0]:
        expected = None
    else:
        expected = float(line.iloc[-1] if month > line.index[-1] else line.loc[month])
    assert expected_at(ind, month) == expected
    assert expected_at(ind, f"{month:%Y-%m}") == expected


# --- icons ----------------------------------------------------------------------------------


def test_icons_are_complete_data_with_words_in_both_languages():
    assert set(VARIATION_ICONS) == {
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neutral_high",
        "neutral_low",
        "common_cause",
    }
    assert set(ASSURANCE_ICONS) == {"pass", "fail", "hit_and_miss"}
    for icon in [*VARIATION_ICONS.values(), *ASSURANCE_ICONS.values()]:
        assert icon.text("sv") and icon.text("en") and icon.text("sv") != icon.text("en")
    assert VARIATION_ICONS["common_cause"].text("sv") == "Slumpmässig variation"
    assert VARIATION_ICONS["improvement_high"].text("sv") == "Särskild orsak – förbättring (högre)"
    assert ASSURANCE_ICONS["pass"].text("sv") == "Målet nås konsekvent"
    assert ASSURANCE_ICONS["fail"].text("sv") == "Målet missas konsekvent"
    assert ASSURANCE_ICONS["hit_and_miss"].text("sv") == "Osäkert om målet nås"


def test_variation_icon_follows_direction():
    assert variation_icon("special_cause_improvement", "increase").id == "improvement_high"
    assert variation_icon("special_cause_improvement", "decrease").id == "improvement_low"
    assert variation_icon("special_cause_concern", "increase").id == "concern_low"
    assert variation_icon("special_cause_concern", "decrease").id == "concern_high"
    assert variation_icon("special_cause_neutral_high", "neutral").id == "neutral_high"
    assert variation_icon("common_cause", "neutral").id == "common_cause"
    assert variation_icon(None, "increase") is None
    assert assurance_icon("consistent_fail").id == "fail"
    assert assurance_icon(None) is None


# --- assessment -----------------------------------------------------------------------------


def test_read_indicator_reads_a_shift_as_improvement_with_icons():
    values = [0.20, 0.21, 0.19, 0.20, 0.22, 0.18, 0.20, 0.21, 0.19, 0.20, 0.21, 0.19]
    values += [0.45] * 3
    result = read_indicator(
        series(values),
        indicator(target=(0.3, "2026-12")),
        "STHLM",
        rebases=rebase_months(indicator(target=(0.3, "2026-12"))),
    )
    assert result.category == "improvement"
    assert result.variation == "special_cause_improvement"
    assert result.variation_icon.id == "improvement_high"
    assert result.period == pd.Timestamp("2025-03-01")
    assert result.value == 0.45
    assert result.n_points == 15
    assert result.spc is not None
    assert result.progress.current == 0.45


def test_read_indicator_common_cause_and_assurance_fail():
    rng = np.random.default_rng(3)
    values = list(0.20 + rng.normal(0, 0.005, 24))
    result = read_indicator(
        series(values),
        indicator(target=(0.4, "2026-12")),
        "STHLM",
        rebases=rebase_months(indicator(target=(0.4, "2026-12"))),
    )
    assert result.category == "common_cause"
    assert result.assurance == "consistent_fail"
    assert result.assurance_icon.id == "fail"
    assert result.assurance_category == "fail"


def test_assurance_is_withheld_when_the_latest_value_contradicts_it():
    # a cumulative level that climbed past its target: the limits of the whole history lie
    # below the target ("consistently fails"), yet the latest value meets it
    values = [float(v) for v in range(0, 120, 5)]
    staff = indicator("increase", (0, "2024-01"), (100, "2025-06"))
    result = read_indicator(series(values), staff, "STHLM", rebases=rebase_months(staff))
    assert result.spc.assurance == "consistent_fail"
    assert result.assurance is None and result.assurance_icon is None
    assert result.assurance_category == "no_assurance"
    assert any("left the limits" in w for w in result.warnings)
    assert result.progress.status == "target_met"


def test_short_series_counts_as_too_little_data_with_a_warning():
    result = read_indicator(
        series([0.2, 0.3, 0.25, 0.9]), indicator(), "STHLM", rebases=rebase_months(indicator())
    )
    assert result.category == "too_little_data"
    assert result.n_points == 4 < MIN_POINTS
    assert any("fewer than" in w for w in result.warnings)
    assert result.assurance_category == "no_assurance"


def test_read_indicator_without_data():
    empty = read_indicator(series([]), indicator(), "STHLM", rebases=rebase_months(indicator()))
    assert empty.category == "no_data"
    assert empty.period is None
    gaps = read_indicator(
        series([math.nan] * 5), indicator(), "STHLM", rebases=rebase_months(indicator())
    )
    assert gaps.category == "no_data"


def test_read_indicator_ignores_months_after_period_and_trailing_gaps():
    values = [0.2] * 14 + [math.nan, math.nan]
    result = read_indicator(
        series(values), indicator(), "STHLM", rebases=rebase_months(indicator())
    )
    assert result.period == pd.Timestamp("2025-02-01")
    cut = read_indicator(
        series(values), indicator(), "STHLM", rebases=rebase_months(indicator()), as_of="2024-06"
    )
    assert cut.period == pd.Timestamp("2024-06-01")
    assert cut.n_points == 6


def test_series_break_rebases_the_xmr_chart():
    values = [10.0, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9] + [30.0, 31, 29, 30, 31, 29] * 2
    broken = indicator(
        direction="neutral",
        target=None,
        breaks=(SeriesBreak("2025-01", "lagändring", "law change"),),
    )
    result = read_indicator(series(values), broken, "STHLM", rebases=rebase_months(broken))
    assert result.spc.periods["period"].tolist() == [0, 1]
    assert result.category == "common_cause"
    unbroken = read_indicator(
        series(values),
        replace(broken, breaks=()),
        "STHLM",
        rebases=rebase_months(replace(broken, breaks=())),
    )
    assert unbroken.category == "neutral"


def test_rare_indicator_is_not_read_on_xmr():
    lethal = CATALOG.indicator("lethal_violence_close_relations")
    values = [0.0] * 30
    values[3], values[20] = 1.0, 2.0
    result = read_indicator(
        series(values, start="2024-01"), lethal, "STHLM", rebases=rebase_months(lethal)
    )
    assert result.category == "rare_event"
    assert result.spc is None and result.variation is None
    assert result.rare.last_event == pd.Timestamp("2025-09-01")
    assert result.progress.status == "target_not_met"


# --- rare events ----------------------------------------------------------------------------


def test_rare_event_summary_counts_per_year_and_months_since_last():
    values = [0.0] * 30  # 2024-01 .. 2026-06
    values[3], values[20] = 1.0, 2.0  # 2024-04, 2025-09
    summary = rare_event_summary(series(values))
    assert summary.per_year["events"].to_dict() == {2024: 1, 2025: 2, 2026: 0}
    assert summary.per_year["months_reported"].to_dict() == {2024: 12, 2025: 12, 2026: 6}
    assert summary.last_event == pd.Timestamp("2025-09-01")
    assert summary.last_event_count == 2
    assert summary.months_since_last == 9
    assert summary.events_this_year == 0
    assert summary.meets_target is True
    assert summary.events_last_12_months == 2
    assert summary.total == 3


def test_rare_event_summary_as_of_and_empty():
    values = [0.0] * 30
    values[20] = 1.0
    summary = rare_event_summary(series(values), as_of="2025-09")
    assert summary.months_since_last == 0
    assert summary.meets_target is False
    none = rare_event_summary(series([0.0] * 5))
    assert none.last_event is None and none.months_since_last is None
    empty = rare_event_summary(series([]))
    assert empty.total == 0 and empty.as_of is None and empty.per_year.empty


# --- roll-up --------------------------------------------------------------------------------


def _assessment(category, assurance=None):
    return Reading(
        "x",
        "STHLM",
        pd.Timestamp("2026-01-01"),
        1.0,
        24,
        category,
        "xmr",
        None,
        None,
        assurance,
        None,
        compute_progress(indicator(), 0.3),
    )


def test_rollup_counts_never_averages():
    rollup = rollup_goal(
        [
            _assessment("improvement", "consistent_pass"),
            _assessment("concern", "consistent_fail"),
            _assessment("common_cause", "inconsistent"),
            _assessment("common_cause"),
            _assessment("too_little_data", "consistent_pass"),
        ]
    )
    assert rollup.n_indicators == 5
    assert list(rollup.variation) == list(VARIATION_CATEGORIES)
    assert list(rollup.assurance) == list(ASSURANCE_CATEGORIES)
    assert rollup.variation["improvement"] == 1
    assert rollup.variation["concern"] == 1
    assert rollup.variation["common_cause"] == 2
    assert rollup.variation["too_little_data"] == 1
    assert rollup.assurance == {"pass": 1, "fail": 1, "hit_and_miss": 1, "no_assurance": 2}
    assert sum(rollup.variation.values()) == rollup.n_indicators
    assert rollup_goal([]).n_indicators == 0


def test_read_catalog_and_rollup_by_goal_on_the_real_catalog():
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    rng = np.random.default_rng(7)
    rows = []
    for ind in CATALOG.indicators:
        for m in months:
            value = float(rng.poisson(40))
            denominator = value + 60.0 if ind.kind == "proportion" else np.nan
            rows.append((ind.id, "STHLM", m, value, denominator, "final"))
    obs = pd.DataFrame(
        rows, columns=["indicator_id", "area_code", "period", "value", "denominator", "status"]
    )
    assessments = read_catalog(obs, CATALOG, "STHLM")
    assert list(assessments) == [i.id for i in CATALOG.indicators]
    assert assessments["lethal_violence_close_relations"].category == "rare_event"
    table = rollup_by_goal(assessments, CATALOG)
    assert table["goal_id"].tolist() == [g.id for g in CATALOG.goals]
    counts = table[list(VARIATION_CATEGORIES)].sum(axis=1)
    assert (counts == table["n_indicators"]).all()
    # a single region series stays a single series: PO areas are not added in
    series_ = aggregate_areas(obs, CATALOG.indicator("reported_rape"), ["STHLM"])
    assert len(series_) == 24

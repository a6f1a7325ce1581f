"""Months disclosure control hid (briefing mode) stay in the series as hidden, and no reading,
count or sentence treats them as zero, as missing or as an older month's value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.aggregate import aggregate_areas, area_series
from metrics.catalog import load_catalog
from metrics.narrative import monthly_summary
from metrics.overview import build_overview
from metrics.progress import rare_event_summary
from metrics.reader import read_area_series, read_indicator, rebase_months
from metrics.reading import MIN_POINTS

CATALOG = load_catalog()
LETHAL = CATALOG.indicator("lethal_violence_close_relations")
HOUSING = CATALOG.indicator("protected_housing_placements")
SUPPORTED = CATALOG.indicator("victims_supported")
MONTHS = pd.date_range("2024-01-01", "2026-10-01", freq="MS")


def rows(indicator_id: str, area: str, values, hidden) -> pd.DataFrame:
    """Protected rows as briefing mode reads them: a hidden cell has no value."""
    hidden = np.asarray(hidden, dtype=bool)
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "area_code": area,
            "period": MONTHS[: len(hidden)],
            "value": np.where(hidden, np.nan, np.asarray(values, dtype="float64")),
            "denominator": np.nan,
            "status": "final",
            "suppressed": hidden,
        }
    )


def lethal_rows() -> pd.DataFrame:
    # Every month with a death is hidden (as in the demo data): the shown months are all 0.
    hidden = np.zeros(len(MONTHS), dtype=bool)
    hidden[[3, 14, 25, 31]] = True  # 2024-04, 2025-03, 2026-02, 2026-08
    return rows(LETHAL.id, "STHLM", np.zeros(len(MONTHS)), hidden)


def both_paths(obs: pd.DataFrame, indicator, area: str):
    """The assessment as a page reads it (aggregate_areas) and as the overview does."""
    one = read_indicator(
        aggregate_areas(obs, indicator, [area]), indicator, area, rebases=rebase_months(indicator)
    )
    table = area_series(obs, [indicator], [area])
    areas = {indicator.id: area}
    rebases = {indicator.id: rebase_months(indicator)}
    return one, read_area_series(table, [indicator], areas, rebases=rebases)[indicator.id]


def test_aggregate_areas_keeps_a_hidden_latest_month_as_hidden():
    hidden = [False] * 30 + [True]
    obs = rows(SUPPORTED.id, "0128", np.arange(31) + 10, hidden)
    series = aggregate_areas(obs, SUPPORTED, ["0128"])
    assert series.index[-1] == MONTHS[30]
    assert bool(series["suppressed"].iloc[-1]) and np.isnan(series["value"].iloc[-1])
    assert not series["suppressed"].iloc[:-1].any()
    table = area_series(obs, [SUPPORTED], ["0128"])
    pd.testing.assert_frame_equal(table.series(SUPPORTED.id), series, check_freq=False)


def test_a_month_with_a_hidden_area_is_hidden_in_a_sum_of_areas_never_a_partial_sum():
    obs = pd.concat(
        [
            rows(SUPPORTED.id, "0128", [10, 12, 11], [False, True, False]),
            rows(SUPPORTED.id, "0136", [20, 21, 22], [False, False, False]),
        ]
    )
    series = aggregate_areas(obs, SUPPORTED, ["0128", "0136"])
    assert series["value"].iloc[0] == 30 and series["value"].iloc[2] == 33
    assert np.isnan(series["value"].iloc[1]) and bool(series["suppressed"].iloc[1])


def test_a_rare_event_summary_never_counts_a_hidden_month_as_zero_events():
    series = aggregate_areas(lethal_rows(), LETHAL, ["STHLM"])
    summary = rare_event_summary(series)
    assert summary.as_of == MONTHS[-1]
    assert summary.events_this_year is None  # not 0: two months of 2026 are hidden
    assert summary.events_last_12_months is None
    assert summary.meets_target is None
    assert summary.total is None
    assert not summary.last_event_known
    assert summary.months_since_last is None
    assert summary.hidden_this_year == 2
    assert summary.per_year["months_hidden"].to_dict() == {2024: 1, 2025: 1, 2026: 2}


def test_a_rare_event_with_hidden_months_only_before_this_year_counts_this_year():
    hidden = np.zeros(len(MONTHS), dtype=bool)
    hidden[14] = True  # 2025-03
    series = aggregate_areas(
        rows(LETHAL.id, "STHLM", np.zeros(len(MONTHS)), hidden), LETHAL, ["STHLM"]
    )
    summary = rare_event_summary(series)
    assert summary.events_this_year == 0 and summary.meets_target is True
    assert not summary.last_event_known  # the latest event may be the hidden month


@pytest.mark.parametrize(
    ("lang", "truth", "false"),
    [
        ("sv", ".. hittills under 2026 (för få fall för att visas)", "inga händelser"),
        ("en", ".. so far in 2026 (too few cases to show)", "no events"),
    ],
)
def test_the_monthly_summary_says_a_hidden_year_cannot_be_shown(lang, truth, false):
    for assessment in both_paths(lethal_rows(), LETHAL, "STHLM"):
        assert assessment.category == "rare_event"
        text = " ".join(s.text() for s in monthly_summary([assessment], CATALOG, MONTHS[-1], lang))
        assert truth in text
        assert false not in text


def test_the_summary_says_no_events_this_year_but_not_since_when_an_earlier_month_is_hidden():
    hidden = np.zeros(len(MONTHS), dtype=bool)
    hidden[14] = True
    obs = rows(LETHAL.id, "STHLM", np.zeros(len(MONTHS)), hidden)
    assessment = read_indicator(
        aggregate_areas(obs, LETHAL, ["STHLM"]), LETHAL, "STHLM", rebases=rebase_months(LETHAL)
    )
    text = " ".join(s.text() for s in monthly_summary([assessment], CATALOG, MONTHS[-1], "sv"))
    assert "inga händelser hittills under 2026; när den senaste inträffade kan inte visas" in text
    assert "inga händelser sedan" not in text


def test_a_hidden_latest_month_is_the_assessments_month_without_a_value_and_no_reading():
    hidden = [False] * 30 + [True]
    obs = rows(SUPPORTED.id, "0128", np.arange(31) + 10, hidden)
    for assessment in both_paths(obs, SUPPORTED, "0128"):
        assert assessment.period == MONTHS[30]
        assert assessment.value is None and assessment.latest_hidden
        assert assessment.category == "hidden"
        assert assessment.variation_icon is None and assessment.assurance_icon is None
        assert assessment.progress.status == "no_data"


def test_the_overview_card_has_no_change_against_last_year_when_the_latest_month_is_hidden():
    hidden = [False] * 30 + [True]
    obs = rows(SUPPORTED.id, "0128", np.arange(31) + 10, hidden)
    _, cards = build_overview(obs, CATALOG, "0128", MONTHS[30])
    card = next(c for c in cards if c.headline.id == SUPPORTED.id)
    assert card.reading.latest_hidden
    assert card.yoy.period == MONTHS[30] and card.yoy.value is None and card.yoy.change is None


def test_mostly_hidden_months_give_no_reading():
    # 26 of 34 months hidden: the 8 shown are what disclosure control let through.
    hidden = np.ones(34, dtype=bool)
    hidden[[0, 5, 9, 14, 20, 26, 30, 33]] = False
    obs = rows(HOUSING.id, "0136", np.full(34, 6.0), hidden)
    for assessment in both_paths(obs, HOUSING, "0136"):
        assert assessment.category == "hidden"
        assert assessment.variation is None and assessment.variation_icon is None
        assert assessment.hidden_months == 26 and assessment.n_points == 8
        assert assessment.spc is None


def test_a_few_hidden_months_in_a_long_series_still_get_a_reading():
    hidden = np.zeros(34, dtype=bool)
    hidden[[4, 17]] = True
    values = 50 + np.tile([1.0, -1.0, 2.0, 0.0], 9)[:34]
    obs = rows(HOUSING.id, "0136", values, hidden)
    for assessment in both_paths(obs, HOUSING, "0136"):
        assert assessment.n_points == 32 >= MIN_POINTS
        assert assessment.category == "common_cause"
        assert assessment.hidden_months == 2


def test_the_summary_counts_an_indicator_without_a_reading_as_hidden():
    hidden = [False] * 30 + [True]
    obs = rows(SUPPORTED.id, "0128", np.arange(31) + 10, hidden)
    assessment = read_indicator(
        aggregate_areas(obs, SUPPORTED, ["0128"]),
        SUPPORTED,
        "STHLM",
        rebases=rebase_months(SUPPORTED),
    )
    line = monthly_summary([assessment], CATALOG, MONTHS[30], "sv")[0].text()
    assert "1 kan inte bedömas eftersom för många värden är dolda (röjandeskydd)" in line
    assert "saknar uppgift" not in line

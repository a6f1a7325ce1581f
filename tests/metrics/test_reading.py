"""One reading per indicator, area and month (metrics/reading.py): the demo data's cases of
issue 13 and the kinds (stock, rare and near-zero counts, shares) read as the method intends."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.aggregate import aggregate_areas
from metrics.catalog import load_catalog
from metrics.overview import build_overview
from metrics.periods import parse_period_texts
from metrics.reader import area_target, read_indicator, rebase_months
from metrics.reading import NEAR_ZERO_MEAN, needs_note

CATALOG = load_catalog()
THROUGH = pd.Timestamp("2026-10-01")


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame.assign(suppressed=False)


@pytest.fixture(scope="module")
def region(demo_obs):
    return build_overview(demo_obs, CATALOG, "STHLM", THROUGH)[0]


def test_crime_scene_share_is_not_read_as_missing_its_target_consistently(region):
    # Its limits (whole series, mean 38 %) describe a process the series has left: 4 of the
    # last 12 months met the 50 % target and the latest point is an improvement.
    reading = region["crime_scene_examined_share"]
    assert reading.assurance != "consistent_fail" and reading.assurance_category != "fail"
    assert reading.category == "improvement" and reading.assurance_note == "moved"
    assert "missas konsekvent" not in reading.sentence("sv")
    assert "processen har lämnat gränserna" in reading.sentence("sv")
    assert reading.progress.status in ("behind", "on_track", "target_met")


def test_the_stock_reaches_its_target_and_says_so(region, demo_obs):
    reading = region["gryning_staff_recruited"]
    assert reading.chart == "stock" and reading.category == "stock"
    assert reading.spc is None and reading.variation_icon is None  # never XmR
    series = aggregate_areas(demo_obs, CATALOG.indicator("gryning_staff_recruited"), ["STHLM"])
    first = series.index[series["value"] >= 100][0]
    assert reading.target_reached == first
    assert reading.progress.status == "target_met"
    assert f"Målet nått i {_sv_month(first)}" in reading.sentence("sv")
    assert "Target reached in" in reading.sentence("en")


def _sv_month(month: pd.Timestamp) -> str:
    from metrics.formatting import format_month

    return format_month(month, "sv")


def test_evaluations_are_read_as_a_rare_count_without_a_negative_limit(region):
    reading = region["evaluations_completed"]
    assert reading.chart == "rare" and reading.category == "rare_event" and reading.near_zero
    assert reading.spc is None  # no XmR at all, so no lower limit of -1,07
    assert reading.rare is not None and reading.rare.events_this_year is not None
    assert "sällsynta händelser" in reading.sentence("sv")


def test_a_catalog_rare_indicator_is_rare_and_not_near_zero(region):
    reading = region["lethal_violence_close_relations"]
    assert reading.chart == "rare" and not reading.near_zero


def test_near_zero_threshold_reads_the_points_since_the_last_rebase():
    indicator = CATALOG.indicator("support_line_calls")
    months = pd.date_range("2022-01-01", periods=36, freq="MS")
    low_then_high = [1.0] * 18 + [40.0, 45.0, 38.0] * 6
    series = pd.DataFrame({"value": low_then_high}, index=months)
    whole = read_indicator(series, indicator, "STHLM")
    assert whole.chart == "xmr"  # mean over all 36 months is above the threshold
    low = pd.DataFrame({"value": [1.0] * 18 + [2.0] * 18}, index=months)
    assert read_indicator(low, indicator, "STHLM").chart == "rare"
    assert NEAR_ZERO_MEAN == 3.0
    # after a rebase at the step the new level alone counts
    rebased = read_indicator(series, indicator, "STHLM", rebases=[months[18]])
    assert rebased.chart == "xmr" and rebased.rebases == (months[18],)
    assert len(rebased.spc.periods) == 2


def test_targets_are_the_regions_unless_an_area_has_its_own():
    indicator = CATALOG.indicator("crime_scene_examined_share")
    assert area_target(indicator, "STHLM") == (indicator.target, indicator.baseline)
    assert area_target(indicator, "PO_SYD") == (None, None)


def test_an_area_with_its_own_catalog_target_is_read_against_it(demo_obs):
    # victims_supported has a target for Stockholm 0180 only ([[indicators.area_targets]]).
    indicator = CATALOG.indicator("victims_supported")
    own = dict(indicator.area_targets)["0180"]
    assert area_target(indicator, "0180") == (own, None)
    assert area_target(indicator, "0127") == (None, None)
    assert area_target(indicator, "STHLM") == (None, None)  # no regional target
    stockholm = build_overview(demo_obs, CATALOG, "0180", THROUGH)[0]["victims_supported"]
    botkyrka = build_overview(demo_obs, CATALOG, "0127", THROUGH)[0]["victims_supported"]
    assert stockholm.progress.status != "no_target"
    assert botkyrka.progress.status == "no_target"


def test_a_municipality_reading_of_a_regional_indicator_says_it_is_the_regions(demo_obs):
    readings, _ = build_overview(demo_obs, CATALOG, "0180", THROUGH)
    reading = readings["perpetrator_programme_starts"]  # reported for the region only
    assert reading.fallback and reading.area_code == "STHLM"
    sentence = reading.sentence("sv", area_name="Stockholm")
    assert sentence.startswith("Regionens värde: indikatorn redovisas inte för Stockholm.")
    own = readings["reported_partner_violence_women"]
    assert not own.fallback and own.area_code == "0180"


def test_the_displayed_period_never_changes_the_reading(demo_obs):
    indicator = CATALOG.indicator("clearance_partner_assault")
    whole = aggregate_areas(demo_obs, indicator, ["STHLM"])
    reading = read_indicator(whole, indicator, "STHLM", rebases=rebase_months(indicator))
    assert reading.category == "improvement"  # the overview said so, the 36-month pack did not
    overview = build_overview(demo_obs, CATALOG, "STHLM", THROUGH)[0][indicator.id]
    assert overview == reading


def test_limits_behind_hidden_months_are_never_shown():
    # A mean over 24 months with one hidden: mean x 24 - the 23 shown = the hidden value.
    indicator = CATALOG.indicator("reported_grooming")
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    series = pd.DataFrame({"value": [10.0 + (i % 5) for i in range(24)]}, index=months)
    hidden = pd.Series(False, index=months)
    hidden.iloc[5] = True
    shown = read_indicator(series, indicator, "0127")
    protected = read_indicator(series, indicator, "0127", hidden=hidden)
    assert shown.limits_shown and not protected.withheld and not protected.limits_shown
    assert protected.category == shown.category  # the reading itself is not changed
    record = protected.as_record("sv")
    assert record["mean"] is None and record["lower_limit"] is None
    assert record["sentence"] == protected.sentence("sv")
    assert shown.as_record("sv")["mean"] == pytest.approx(series["value"].mean())


def test_a_concern_or_a_target_consistently_missed_asks_for_a_note(region):
    import dataclasses

    reading = region["reported_rape"]
    assert needs_note(None) is False
    assert needs_note(dataclasses.replace(reading, category="concern", assurance=None))
    assert needs_note(
        dataclasses.replace(reading, category="common_cause", assurance="consistent_fail")
    )
    assert not needs_note(dataclasses.replace(reading, category="common_cause", assurance=None))

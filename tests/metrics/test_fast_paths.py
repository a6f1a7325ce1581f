"""Shortcuts taken for speed give exactly what the general code gives.

The overview reads only the selected area's and the region's rows (ui/data.py); aggregate_areas
reads one area without grouping; area_series reads every indicator's series in one pass and
read_area_series charts them in one XmR batch; the upload reader takes canonical months and
plain numbers by a vectorised path. Each is checked here against the general path on the same
input.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import parse_numbers, parse_periods
from metrics.aggregate import aggregate_areas, area_series, split_by_indicator
from metrics.catalog import load_catalog
from metrics.overview import REGION, build_overview, overview_cards, read_overview, reading_area
from metrics.periods import parse_period_texts
from metrics.reader import read_area_series, read_catalog, read_indicator, rebase_months

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2022-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame


@pytest.mark.parametrize("area", ["STHLM", "PO_SYD", "0180", "0980"])
def test_an_overview_needs_only_its_areas_and_the_regions_rows(demo_obs, area):
    full_assessments, full_cards = build_overview(demo_obs, CATALOG, area, None)
    rows = demo_obs[demo_obs["area_code"].isin([area, REGION])]
    assessments, cards = build_overview(rows, CATALOG, area, None)
    assert {k: (a.category, a.value, a.variation, a.assurance) for k, a in assessments.items()} == {
        k: (a.category, a.value, a.variation, a.assurance) for k, a in full_assessments.items()
    }
    for card, full in zip(cards, full_cards, strict=True):
        assert (card.goal, card.area_code, card.fallback, card.yoy, card.rollup) == (
            full.goal,
            full.area_code,
            full.fallback,
            full.yoy,
            full.rollup,
        )
        pd.testing.assert_frame_equal(card.series, full.series)


@pytest.mark.parametrize("indicator_id", [i.id for i in CATALOG.indicators])
def test_one_area_reads_the_same_as_the_grouping_path(demo_obs, indicator_id):
    indicator = CATALOG.indicator(indicator_id)
    for area in CATALOG.valid_areas(indicator_id)[:3]:
        # A second code with no rows sends the call down the general (grouping) path.
        general = aggregate_areas(demo_obs, indicator, [area, "no_such_area"])
        pd.testing.assert_frame_equal(aggregate_areas(demo_obs, indicator, [area]), general)
        widened = dict(start="2021-06", end="2027-01")
        pd.testing.assert_frame_equal(
            aggregate_areas(demo_obs, indicator, [area], **widened),
            aggregate_areas(demo_obs, indicator, [area, "no_such_area"], **widened),
        )


def test_split_by_indicator_keeps_every_row_once_in_order(demo_obs):
    parts = split_by_indicator(demo_obs)
    assert list(parts) == list(dict.fromkeys(demo_obs["indicator_id"]))
    for indicator_id, part in parts.items():
        pd.testing.assert_frame_equal(part, demo_obs[demo_obs["indicator_id"] == indicator_id])
    assert split_by_indicator(demo_obs.iloc[0:0]) == {}


def same_assessment(fast, general) -> None:
    """Two assessments read the same, their XmR frames included."""
    for field in dataclasses.fields(fast):
        a, b = getattr(fast, field.name), getattr(general, field.name)
        if field.name == "spc":
            assert (a is None) == (b is None)
            if a is not None:
                pd.testing.assert_frame_equal(a.points, b.points, check_exact=True)
                pd.testing.assert_frame_equal(a.periods, b.periods, check_exact=True)
                assert (a.variation, a.assurance, a.warnings) == (
                    b.variation,
                    b.assurance,
                    b.warnings,
                )
        elif field.name == "rare" and a is not None:
            pd.testing.assert_frame_equal(a.per_year, b.per_year)
            assert dataclasses.replace(a, per_year=None) == dataclasses.replace(b, per_year=None)
        else:
            assert a == b, (fast.indicator_id, field.name, a, b)


@pytest.mark.parametrize("area", ["STHLM", "0180", "0980"])
def test_an_indicators_part_of_the_overview_needs_only_its_own_rows(demo_obs, area):
    """ui/data keeps the overview per indicator and remakes only the indicators an upload
    touched: a part read from one indicator's rows is the part read with every indicator."""
    period = pd.Timestamp("2026-08-01")
    readings, cards = build_overview(demo_obs, CATALOG, area, period)
    heads = {card.headline.id: card.series for card in cards}
    for indicator in [*CATALOG.indicators[::4], CATALOG.indicator(next(iter(heads)))]:
        rows = demo_obs[demo_obs["indicator_id"] == indicator.id]
        alone, series = read_overview(rows, CATALOG, area, period, [indicator])
        same_assessment(alone[indicator.id], readings[indicator.id])
        assert set(series) == ({indicator.id} & set(heads))
        for indicator_id, frame in series.items():
            pd.testing.assert_frame_equal(frame, heads[indicator_id])
    parts, series = read_overview(demo_obs, CATALOG, area, period, CATALOG.indicators)
    for card, again in zip(
        cards, overview_cards(CATALOG, area, period, parts, series), strict=True
    ):
        assert (card.goal, card.reading.value, card.yoy, card.rollup) == (
            again.goal,
            again.reading.value,
            again.yoy,
            again.rollup,
        )


@pytest.mark.parametrize("area", ["STHLM", "PO_SYD", "0180", "0980"])
def test_area_series_reads_each_indicator_as_aggregate_areas_does(demo_obs, area):
    areas = [reading_area(CATALOG, i.id, area) for i in CATALOG.indicators]
    table = area_series(demo_obs, CATALOG.indicators, areas)
    for indicator, where in zip(CATALOG.indicators, areas, strict=True):
        general = aggregate_areas(demo_obs, indicator, [] if where is None else [where])
        pd.testing.assert_frame_equal(table.series(indicator.id), general, check_exact=True)
    # Rows in another order read the same; no area at all reads nothing.
    shuffled = demo_obs.sample(frac=1.0, random_state=1)
    again = area_series(shuffled, CATALOG.indicators, [area] * len(CATALOG.indicators))
    first = CATALOG.indicators[0]
    pd.testing.assert_frame_equal(again.series(first.id), aggregate_areas(demo_obs, first, [area]))
    nowhere = area_series(demo_obs, CATALOG.indicators, [None] * len(CATALOG.indicators))
    assert all(nowhere.series(i.id).empty for i in CATALOG.indicators)


def test_area_series_refuses_two_rows_for_one_month(demo_obs):
    first = demo_obs.iloc[[0]]
    with pytest.raises(ValueError, match="more than one row per area and month"):
        area_series(
            pd.concat([demo_obs, first]), CATALOG.indicators, ["STHLM"] * len(CATALOG.indicators)
        )
    assert area_series(
        demo_obs.iloc[0:0], CATALOG.indicators, ["STHLM"] * len(CATALOG.indicators)
    ).months.empty


@pytest.mark.parametrize("area", ["STHLM", "PO_NORD", "0180", "0127"])
@pytest.mark.parametrize("period", [None, "2026-07", "2023-02"])
def test_one_batch_of_charts_reads_as_one_indicator_at_a_time(demo_obs, area, period):
    month = None if period is None else pd.Timestamp(period + "-01")
    fast = read_catalog(demo_obs, CATALOG, area, as_of=month)
    for indicator in CATALOG.indicators:
        valid = [area] if area in CATALOG.valid_areas(indicator.id) else []
        series = aggregate_areas(demo_obs, indicator, valid)
        same_assessment(
            fast[indicator.id],
            read_indicator(
                series,
                indicator,
                area if valid else None,
                rebases=rebase_months(indicator),
                as_of=month,
            ),
        )
    # build_overview reads indicators not reported in the area at the region.
    assessments, _ = build_overview(demo_obs, CATALOG, area, month)
    for indicator in CATALOG.indicators:
        where = reading_area(CATALOG, indicator.id, area)
        series = aggregate_areas(demo_obs, indicator, [where])
        same_assessment(
            assessments[indicator.id],
            read_indicator(
                series,
                indicator,
                where,
                rebases=rebase_months(indicator),
                as_of=month,
                fallback=where is not None and where != area,
            ),
        )
    table = area_series(demo_obs, CATALOG.indicators, [area] * len(CATALOG.indicators))
    assert list(read_area_series(table, CATALOG.indicators[:3], as_of=month)) == [
        i.id for i in CATALOG.indicators[:3]
    ]


MONTHS = ["2026-03", "2026-3", "2026-13", "1899-01", "2026-03-15", "2026M03", "202603",
          "mars 2026", "okt-26", "", "abc", "2026/03", "２０２６-03"]  # fmt: skip
NUMBERS = ["", "0", "12", "-3", "007", "1 234,5", "1.234,5", "1,234.5", "0,5", "12%", "abc",
           "123456789012345", "1234567890123456", "+4", "\u22125"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(MONTHS), max_size=12), st.lists(st.sampled_from(NUMBERS), max_size=12)
)
def test_vectorised_readers_agree_with_reading_each_cell_alone(months, numbers):
    """A cell reads the same whichever path its neighbours send the column down."""
    for parse, cells in ((parse_periods, months), (parse_numbers, numbers)):
        column = pd.Series(cells, dtype="str")
        together = parse(column)
        for i, cell in enumerate(cells):
            alone = parse(pd.Series([cell], dtype="str"))
            for got, expected in zip(together, alone, strict=True):
                a, b = got.iloc[i], expected.iloc[0]
                assert (pd.isna(a) and pd.isna(b)) or a == b, (parse.__name__, cells, cell)


def test_canonical_months_and_plain_numbers_read_as_the_general_forms_do():
    stamps, ok, dropped = parse_periods(pd.Series(["2026-03", "2026M03", "2026-13"], dtype="str"))
    assert stamps.iloc[0] == stamps.iloc[1] == pd.Timestamp("2026-03-01")
    assert list(ok) == [True, True, False] and not dropped.any()
    values, ok = parse_numbers(pd.Series(["12", "-3", "", "1 234,5"], dtype="str"))
    assert values.iloc[:2].tolist() == [12.0, -3.0] and np.isnan(values.iloc[2])
    assert values.iloc[3] == 1234.5 and ok.all()

"""Shortcuts taken for speed give exactly what the general code gives.

The overview reads only the selected area's and the region's rows (ui/data.py); aggregate_areas
reads one area without grouping; the upload reader takes canonical months and plain numbers by
a vectorised path. Each is checked here against the general path on the same input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import parse_numbers, parse_periods
from metrics.aggregate import aggregate_areas, split_by_indicator
from metrics.catalog import load_catalog
from metrics.overview import REGION, build_overview

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2022-01", end="2026-10")
    frame["period"] = pd.to_datetime(frame["period"], format="%Y-%m")
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

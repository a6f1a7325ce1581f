"""The indicator page's table of values, made cell by cell: the same table (texts, order, gaps,
types) as the pivot it replaced, for every kind of indicator, both languages, a hidden month, a
missing cell, an area the indicator is not reported for, and no rows at all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from demo.generator import generate_demo_observations
from metrics.catalog import load_catalog
from metrics.disclosure import apply_disclosure
from metrics.formatting import format_value
from metrics.periods import format_period, next_period, parse_period_texts
from ui.values_table import values_table

CATALOG = load_catalog()
END = pd.Timestamp("2026-10-01")


def pivoted(obs, indicator, catalog, end, lang):
    """The table as pages/indicator.py made it before: a pivot of the formatted cells."""
    rows = obs[(obs["indicator_id"] == indicator.id) & (obs["period"] <= end)]
    recent = rows[rows["period"] > next_period(end, indicator.frequency, -12)]
    if indicator.kind == "proportion":
        shown = recent["value"] / recent["denominator"].where(recent["denominator"] > 0)
    else:
        shown = recent["value"]
    table_areas = set(recent["area_code"])
    table = (
        recent.assign(cell=[format_value(indicator, v, lang) for v in shown])
        .pivot(index="area_code", columns="period", values="cell")
        .reindex([c for c in catalog.valid_areas(indicator.id) if c in table_areas])
    )
    table.columns = [format_period(c, indicator.frequency, lang) for c in table.columns]
    table.index = [catalog.area(c).name(lang) for c in table.index]
    return table


@pytest.fixture(scope="module")
def demo_obs():
    frame = generate_demo_observations(CATALOG, start="2024-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    frame = apply_disclosure(frame, CATALOG, 5, key=b"a test key, never a database's.")
    # A missing cell, and a row at an area the indicator is not reported for.
    frame = frame[~((frame["area_code"] == "0127") & (frame["period"] == END))]
    stray = frame[frame["indicator_id"] == "clearance_rape"].tail(1).assign(area_code="0127")
    return pd.concat([frame, stray], ignore_index=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_table_is_the_pivot_it_replaced(demo_obs, lang):
    assert demo_obs["value"].isna().any()  # hidden cells are among them
    for indicator in CATALOG.indicators:
        for end in (END, pd.Timestamp("2025-03-01")):
            got = values_table(demo_obs, indicator, CATALOG, end, lang)
            want = pivoted(demo_obs, indicator, CATALOG, end, lang)
            pd.testing.assert_frame_equal(got, want, check_exact=True, check_column_type=True)
            assert got.dtypes.tolist() == want.dtypes.tolist()


def test_a_hidden_cell_reads_dots_and_a_missing_one_stays_empty(demo_obs):
    indicator = CATALOG.indicator("reported_rape")
    table = values_table(demo_obs, indicator, CATALOG, END, "sv")
    month = format_period(END, "monthly", "sv")
    assert pd.isna(table.loc[CATALOG.area("0127").name("sv"), month])  # no row: empty
    hidden = demo_obs[
        (demo_obs["indicator_id"] == indicator.id)
        & demo_obs["value"].isna()
        & demo_obs["period"].gt(END - pd.DateOffset(months=12))
    ].iloc[0]
    cell = table.loc[
        CATALOG.area(hidden["area_code"]).name("sv"),
        format_period(hidden["period"], "monthly", "sv"),
    ]
    assert cell == ".."
    assert list(table.index) == [
        CATALOG.area(c).name("sv")
        for c in CATALOG.valid_areas(indicator.id)
        if c in set(demo_obs["area_code"])
    ]


def test_no_rows_give_an_empty_table():
    empty = pd.DataFrame(
        {
            "indicator_id": [],
            "area_code": [],
            "period": pd.to_datetime([]),
            "value": [],
            "denominator": [],
        }
    ).astype({"value": "float64", "denominator": "float64"})
    table = values_table(empty, CATALOG.indicator("reported_rape"), CATALOG, END, "sv")
    assert table.empty and np.prod(table.shape) == 0

"""compare_areas: a 12-month value per area in catalog order, NaN (and why) where a month is missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.aggregate import rate_per_100k, share
from metrics.catalog import load_catalog
from metrics.compare import compare_areas, reference_band
from metrics.disclosure import apply_disclosure

CATALOG = load_catalog()
END = pd.Timestamp("2026-10-01")


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2024-01", end="2026-10")
    frame["period"] = pd.to_datetime(frame["period"], format="%Y-%m")
    return frame


def _compare_area_by_area(obs, indicator, catalog, end, months=12):
    """compare_areas as it was written first: one mask over the window per area."""
    start = (end.to_period("M") - (months - 1)).to_timestamp()
    window = obs[
        (obs["indicator_id"] == indicator.id) & (obs["period"] >= start) & (obs["period"] <= end)
    ]
    rows = []
    for code in catalog.valid_areas(indicator.id):
        area = catalog.area(code)
        if area.level == "region":
            continue
        part = window[window["area_code"] == code]
        hidden = bool(part.get("suppressed", pd.Series(False, index=part.index)).any())
        population = catalog.population(code, end.year)
        if indicator.kind in ("count", "stock") and population is None:
            continue
        value = np.nan
        if indicator.kind == "count":
            if len(part) == months and part["value"].notna().all():
                value = rate_per_100k(part["value"].sum(), population) or np.nan
        elif indicator.kind == "stock":
            last = part[part["period"] == end]
            if len(last) and last["value"].notna().all():
                value = rate_per_100k(float(last["value"].iloc[0]), population) or np.nan
        elif indicator.kind == "proportion":
            if len(part) and part[["value", "denominator"]].notna().all().all():
                value = share(part["value"].sum(), part["denominator"].sum())
        else:
            last = part[part["period"] == end]
            value = float(last["value"].iloc[0]) if len(last) else np.nan
        rows.append(
            {
                "area_code": code,
                "level": area.level,
                "value": value,
                "suppressed": hidden and pd.isna(value),
                "population": population,
            }
        )
    return pd.DataFrame(rows, columns=["area_code", "level", "value", "suppressed", "population"])


@pytest.mark.parametrize("briefing", [False, True], ids=["open", "briefing"])
def test_every_indicator_compares_as_area_by_area(demo_obs, briefing):
    obs = demo_obs
    if briefing:
        obs = apply_disclosure(demo_obs, CATALOG, 5)
    # Gaps: one municipality loses a month, another has no rows at all.
    obs = obs[~((obs["area_code"] == "0127") & (obs["period"] == pd.Timestamp("2026-05-01")))]
    obs = obs[obs["area_code"] != "0140"]
    for indicator in CATALOG.indicators:
        for end in (END, pd.Timestamp("2025-03-01")):
            got = compare_areas(obs, indicator, CATALOG, end)
            pd.testing.assert_frame_equal(
                got, _compare_area_by_area(obs, indicator, CATALOG, end), obj=indicator.id
            )


def test_areas_in_catalog_order_without_the_region(demo_obs):
    indicator = CATALOG.indicator("victims_supported")
    got = compare_areas(demo_obs, indicator, CATALOG, END)
    assert "STHLM" not in set(got["area_code"])
    expected = [c for c in CATALOG.valid_areas(indicator.id) if c != "STHLM"]
    assert got["area_code"].tolist() == expected


def test_a_missing_month_gives_no_value_and_a_suppressed_one_says_so(demo_obs):
    indicator = CATALOG.indicator("reported_rape")
    rows = demo_obs[demo_obs["indicator_id"] == indicator.id].assign(suppressed=False)
    gap = (rows["area_code"] == "0127") & (rows["period"] == pd.Timestamp("2026-05-01"))
    hidden = (rows["area_code"] == "0180") & (rows["period"] == pd.Timestamp("2026-06-01"))
    rows.loc[hidden, ["value", "suppressed"]] = [np.nan, True]
    got = compare_areas(rows[~gap], indicator, CATALOG, END).set_index("area_code")
    assert pd.isna(got.loc["0127", "value"]) and not got.loc["0127", "suppressed"]
    assert pd.isna(got.loc["0180", "value"]) and got.loc["0180", "suppressed"]
    # Police areas have no population: no rate, so they are left out rather than shown as "..".
    assert "PO_SYD" not in got.index
    twelve = rows[(rows["area_code"] == "0126") & (rows["period"] > pd.Timestamp("2025-10-01"))]
    assert got.loc["0126", "value"] == pytest.approx(
        rate_per_100k(twelve["value"].sum(), CATALOG.population("0126", 2026))
    )


def test_no_rows_gives_an_empty_frame_with_its_columns():
    indicator = CATALOG.indicator("reported_rape")
    empty = pd.DataFrame(
        {
            "indicator_id": pd.Series(dtype=object),
            "area_code": pd.Series(dtype=object),
            "period": pd.Series(dtype="datetime64[ns]"),
            "value": pd.Series(dtype=float),
            "denominator": pd.Series(dtype=float),
        }
    )
    got = compare_areas(empty, indicator, CATALOG, END)
    assert list(got.columns) == ["area_code", "level", "value", "suppressed", "population"]
    assert got["value"].isna().all()


def test_reference_band_is_the_middle_half_or_none():
    assert reference_band(pd.Series([1.0, np.nan, 2.0, 3.0])) is None
    assert reference_band(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])) == (2.0, 4.0)

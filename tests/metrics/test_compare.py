"""compare_areas: a 12-month value per area in catalog order, NaN (and why) where a month is missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.aggregate import rate_per_100k, share
from metrics.catalog import load_catalog
from metrics.compare import COLUMNS, compare_areas, funnel, region_value
from metrics.disclosure import apply_disclosure
from metrics.intervals import proportion_ci, rate_ci
from metrics.periods import parse_period_texts
from metrics.population import Population

CATALOG = load_catalog()
END = pd.Timestamp("2026-10-01")


@pytest.fixture(scope="module")
def population():
    from demo.population import demo_population

    return Population(demo_population(CATALOG, 2025))


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2024-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame


def _compare_area_by_area(obs, indicator, catalog, end, population, months=12):
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
        inhabitants = population.inhabitants(code, end.year, indicator.population_base)
        if indicator.kind in ("count", "stock") and inhabitants is None:
            continue
        value = np.nan
        if indicator.kind == "count":
            if len(part) == months and part["value"].notna().all():
                value = rate_per_100k(part["value"].sum(), inhabitants)
        elif indicator.kind == "stock":
            last = part[part["period"] == end]
            if len(last) and last["value"].notna().all():
                value = rate_per_100k(float(last["value"].iloc[0]), inhabitants)
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
                "population": inhabitants,
            }
        )
    frame = pd.DataFrame(rows, columns=["area_code", "level", "value", "suppressed", "population"])
    return frame.astype({"value": "float64"})


@pytest.mark.parametrize("briefing", [False, True], ids=["open", "briefing"])
def test_every_indicator_compares_as_area_by_area(demo_obs, population, briefing):
    obs = demo_obs
    if briefing:
        obs = apply_disclosure(demo_obs, CATALOG, 5, key=b"a test key, never a database's.")
    # Gaps: one municipality loses a month, another has no rows at all.
    obs = obs[~((obs["area_code"] == "0127") & (obs["period"] == pd.Timestamp("2026-05-01")))]
    obs = obs[obs["area_code"] != "0140"]
    for indicator in CATALOG.indicators:
        for end in (END, pd.Timestamp("2025-03-01")):
            got = compare_areas(obs, indicator, CATALOG, end, population)
            expected = _compare_area_by_area(obs, indicator, CATALOG, end, population)
            pd.testing.assert_frame_equal(
                got[expected.columns], expected, obj=indicator.id, check_dtype=False
            )


def test_areas_in_catalog_order_without_the_region(demo_obs, population):
    indicator = CATALOG.indicator("victims_supported")
    got = compare_areas(demo_obs, indicator, CATALOG, END, population)
    assert "STHLM" not in set(got["area_code"])
    expected = [c for c in CATALOG.valid_areas(indicator.id) if c != "STHLM"]
    assert got["area_code"].tolist() == expected


def test_a_missing_month_gives_no_value_and_a_suppressed_one_says_so(demo_obs, population):
    indicator = CATALOG.indicator("reported_rape")
    rows = demo_obs[demo_obs["indicator_id"] == indicator.id].assign(suppressed=False)
    gap = (rows["area_code"] == "0127") & (rows["period"] == pd.Timestamp("2026-05-01"))
    hidden = (rows["area_code"] == "0180") & (rows["period"] == pd.Timestamp("2026-06-01"))
    rows.loc[hidden, ["value", "suppressed"]] = [np.nan, True]
    got = compare_areas(rows[~gap], indicator, CATALOG, END, population).set_index("area_code")
    assert pd.isna(got.loc["0127", "value"]) and not got.loc["0127", "suppressed"]
    assert pd.isna(got.loc["0180", "value"]) and got.loc["0180", "suppressed"]
    # A hidden month: no interval either, and no comparison.
    assert got.loc["0180", ["lower", "upper"]].isna().all()
    assert got.loc["0180", "category"] == "not_comparable"
    twelve = rows[(rows["area_code"] == "0126") & (rows["period"] > pd.Timestamp("2025-10-01"))]
    # 2026 has no population yet: the latest earlier year (2025) is used, and said.
    assert got.loc["0126", "population_year"] == 2025
    assert got.loc["0126", "value"] == pytest.approx(
        rate_per_100k(twelve["value"].sum(), population.inhabitants("0126", 2025))
    )


def test_without_an_earlier_population_an_area_is_left_out(demo_obs):
    indicator = CATALOG.indicator("reported_rape")
    later_only = Population(
        pd.DataFrame(
            [("0126", 2030, "all", "all", 100_000, False, "x")],
            columns=["area_code", "year", "sex", "age_band", "inhabitants", "estimate", "source"],
        )
    )
    got = compare_areas(demo_obs, indicator, CATALOG, END, later_only)
    assert got.empty


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
    got = compare_areas(empty, indicator, CATALOG, END, Population())
    assert list(got.columns) == COLUMNS
    assert got.empty


def test_a_2020_rate_uses_2020s_population_of_the_indicators_base(demo_obs, population):
    """Issue 13 item 5: women 18+ for crimes against women, children 0-17 for crimes against
    children, the rate's own year."""
    from demo.generator import generate_demo_observations

    obs = generate_demo_observations(CATALOG, start="2020-01", end="2020-12")
    obs["period"] = parse_period_texts(obs["period"]).start.astype("datetime64[ns]")
    end = pd.Timestamp("2020-12-01")
    for indicator_id, sex, age in (
        ("reported_partner_violence_women", "women", "18+"),
        ("reported_child_sexual_offences", "all", "0-17"),
        ("reported_rape", "all", "all"),
    ):
        indicator = CATALOG.indicator(indicator_id)
        got = compare_areas(obs, indicator, CATALOG, end, population).set_index("area_code")
        table = population.frame
        expected = table[
            (table["area_code"] == "0127")
            & (table["year"] == 2020)
            & (table["sex"] == sex)
            & (table["age_band"] == age)
        ]["inhabitants"].item()
        assert got.loc["0127", "population"] == expected
        assert got.loc["0127", "population_year"] == 2020
        events = obs[(obs["indicator_id"] == indicator_id) & (obs["area_code"] == "0127")]
        assert got.loc["0127", "value"] == pytest.approx(events["value"].sum() / expected * 100_000)
    women = population.inhabitants("0127", 2020, "women_18plus")
    assert women < population.inhabitants("0127", 2020) * 0.5


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_intervals_and_categories_against_the_region(demo_obs, population, level):
    for indicator_id in ("reported_rape", "clearance_partner_assault"):
        indicator = CATALOG.indicator(indicator_id)
        got = compare_areas(demo_obs, indicator, CATALOG, END, population, level=level)
        centre = region_value(demo_obs, indicator, CATALOG, END, population)
        assert centre is not None
        for row in got.itertuples():
            if pd.isna(row.value):
                assert row.category == "not_comparable"
                continue
            if indicator.kind == "count":
                lower, upper = rate_ci(row.numerator, row.denominator, level=level)
                enough = row.numerator >= 5
            else:
                lower, upper = proportion_ci(row.numerator, row.denominator, level=level)
                enough = row.denominator >= 10
            assert (row.lower, row.upper) == pytest.approx((lower, upper))
            expected = (
                "not_comparable"
                if not enough
                else "higher"
                if lower > centre
                else "lower"
                if upper < centre
                else "similar"
            )
            assert row.category == expected


def test_funnel_limits_surround_the_centre_and_narrow(demo_obs, population):
    indicator = CATALOG.indicator("reported_rape")
    got = compare_areas(demo_obs, indicator, CATALOG, END, population)
    centre = region_value(demo_obs, indicator, CATALOG, END, population)
    drawn = funnel(got, indicator, centre)
    assert drawn.centre == centre
    for level in (0.95, 0.998):
        lower, upper = drawn.limits[level]
        assert (lower <= centre).all() and (upper >= centre).all()
        assert np.diff(upper - lower).max() <= 1e-6
    assert (drawn.limits[0.998][1] >= drawn.limits[0.95][1]).all()
    assert funnel(got, CATALOG.indicator("lead_time_days"), centre) is None


def test_the_summary_says_better_or_worse_only_where_the_indicator_has_a_direction():
    from metrics.compare import comparison_summary

    frame = pd.DataFrame({"category": ["higher", "higher", "similar", "lower", "not_comparable"]})
    neutral = CATALOG.indicator("reported_rape")
    assert neutral.direction == "neutral"
    assert comparison_summary(frame, 0.95, "sv", neutral) == (
        "2 högre, 1 som länet, 1 lägre och 1 kan inte jämföras (95 %)."
    )
    up = next(i for i in CATALOG.indicators if i.direction == "increase")
    down = next(i for i in CATALOG.indicators if i.direction == "decrease")
    assert comparison_summary(frame, 0.95, "sv", up).startswith("2 bättre, 1 som länet, 1 sämre")
    assert comparison_summary(frame, 0.998, "en", down) == (
        "1 better, 1 similar, 2 worse and 1 cannot be compared (99.8 %)."
    )

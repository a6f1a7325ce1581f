"""Tests for the demo data generator: determinism, shape, area sums, realism, upload rules."""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo.generator import generate_demo_observations
from metrics.catalog import Catalog, load_catalog
from metrics.periods import parse_period_texts
from schemas.upload import UPLOAD_COLUMNS

END = "2026-10"
SEED = 20190101
# Gryning-only series begin with the step-up of February 2021.
LATE_STARTERS = {
    "gryning_staff_recruited": "2021-02",
    "collaboration_initiatives": "2021-02",
    "covert_measures_cases": "2021-02",
}
SUMMABLE = ("count", "stock", "proportion")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def demo(catalog: Catalog) -> pd.DataFrame:
    return generate_demo_observations(catalog, end=END, seed=SEED)


def _months(start: str, end: str) -> list[str]:
    return [str(p) for p in pd.period_range(start, end, freq="M")]


def _region_series(frame: pd.DataFrame, indicator_id: str) -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["area_code"] == "STHLM")]
    return rows.set_index("period")["value"]


def _level_sums(frame: pd.DataFrame, catalog: Catalog, column: str) -> pd.DataFrame:
    """Per indicator and month: the region's value and the sums over each lower level."""
    level = frame["area_code"].map({area.code: area.level for area in catalog.areas})
    sums = frame.assign(level=level).pivot_table(
        index=["indicator_id", "period"], columns="level", values=column, aggfunc="sum"
    )
    return sums


# --- determinism ----------------------------------------------------------------------------


def test_same_seed_gives_identical_frame(catalog: Catalog, demo: pd.DataFrame) -> None:
    again = generate_demo_observations(catalog, end=END, seed=SEED)
    pd.testing.assert_frame_equal(demo, again)


def test_another_seed_gives_other_values(catalog: Catalog, demo: pd.DataFrame) -> None:
    other = generate_demo_observations(catalog, end=END, seed=SEED + 1)
    assert other[["indicator_id", "period", "area_code"]].equals(
        demo[["indicator_id", "period", "area_code"]]
    )
    assert not other["value"].equals(demo["value"])


def test_a_window_is_a_slice_of_one_history(catalog: Catalog, demo: pd.DataFrame) -> None:
    """Next month's demo adds a month and revises nothing final, like a real delivery."""
    keys = ["indicator_id", "area_code", "period"]
    shorter = generate_demo_observations(catalog, end="2026-08", start="2020-03", seed=SEED)
    full = demo[demo["period"].between("2020-03", "2026-08")]
    pd.testing.assert_frame_equal(
        shorter.drop(columns="status").sort_values(keys).reset_index(drop=True),
        full.drop(columns="status").sort_values(keys).reset_index(drop=True),
    )


# --- shape ----------------------------------------------------------------------------------


def test_columns_and_dtypes(demo: pd.DataFrame, catalog: Catalog) -> None:
    assert list(demo.columns) == UPLOAD_COLUMNS
    for column in ("indicator_id", "period", "area_code", "status", "note"):
        assert pd.api.types.is_string_dtype(demo[column]), column
        assert demo[column].notna().all(), column
    assert demo["value"].dtype == np.float64
    assert demo["denominator"].dtype == np.float64
    # Each period at its indicator's frequency: months, and the yearly indicators' years.
    yearly = demo["indicator_id"].map({i.id: i.frequency for i in catalog.indicators}) == "yearly"
    assert demo.loc[~yearly, "period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all()
    assert demo.loc[yearly, "period"].str.fullmatch(r"\d{4}").all() and yearly.any()
    assert set(demo["status"]) == {"final", "preliminary"}


def test_every_indicator_at_exactly_its_valid_areas_every_month(
    catalog: Catalog, demo: pd.DataFrame
) -> None:
    assert set(demo["indicator_id"]) == {indicator.id for indicator in catalog.indicators}
    for indicator in catalog.indicators:
        rows = demo[demo["indicator_id"] == indicator.id]
        assert set(rows["area_code"]) == set(catalog.valid_areas(indicator.id)), indicator.id
        expected = _months(LATE_STARTERS.get(indicator.id, "2019-01"), END)
        if indicator.frequency == "yearly":
            # Whole years only, from the first year the series has (Kolada's from 2023).
            first = 2023 if indicator.id.startswith("ifo_") else 2019
            last = int(END[:4]) - (END[5:] != "12")
            expected = [str(year) for year in range(first, last + 1)]
        for area_code, periods in rows.groupby("area_code")["period"]:
            assert list(periods) == expected, (indicator.id, area_code)


def test_starts_and_ends_where_asked(catalog: Catalog) -> None:
    frame = generate_demo_observations(catalog, end="2020-06", start="2020-01")
    ordinary = frame[~frame["indicator_id"].isin(list(LATE_STARTERS))]
    assert sorted(ordinary["period"].unique()) == _months("2020-01", "2020-06")
    assert not frame["indicator_id"].isin(list(LATE_STARTERS)).any()


def test_default_end_is_last_complete_month(catalog: Catalog) -> None:
    today = date.today()
    last = pd.Period(today, freq="M") - 1
    frame = generate_demo_observations(catalog, start=str(last - 2))
    assert frame["period"].max() == str(last)


@pytest.mark.parametrize(
    ("start", "end"), [("2019-13", "2020-01"), ("2019-1", "2020-01"), ("2021-01", "2020-12")]
)
def test_malformed_or_empty_window_is_refused(catalog: Catalog, start: str, end: str) -> None:
    with pytest.raises(ValueError):
        generate_demo_observations(catalog, end=end, start=start)


def test_no_future_month(catalog: Catalog, demo: pd.DataFrame) -> None:
    current = str(pd.Period(date.today(), freq="M"))
    assert demo["period"].max() <= current
    with pytest.raises(ValueError):
        generate_demo_observations(catalog, end=str(pd.Period(date.today(), freq="M") + 1))


def test_last_two_months_preliminary_all_else_final(demo: pd.DataFrame) -> None:
    preliminary = demo["period"].isin(["2026-09", "2026-10"])
    assert (demo.loc[preliminary, "status"] == "preliminary").all()
    assert (demo.loc[~preliminary, "status"] == "final").all()


# --- values ---------------------------------------------------------------------------------


def test_counts_and_stocks_are_whole_and_non_negative(catalog: Catalog, demo: pd.DataFrame) -> None:
    kinds = {indicator.id: indicator.kind for indicator in catalog.indicators}
    values = demo.loc[demo["indicator_id"].map(kinds).isin(["count", "stock"]), "value"]
    assert (values >= 0).all()
    assert (values == values.round()).all()


def test_proportions_whole_numerator_within_denominator(
    catalog: Catalog, demo: pd.DataFrame
) -> None:
    kinds = demo["indicator_id"].map(
        {indicator.id: indicator.kind for indicator in catalog.indicators}
    )
    shares = demo[kinds == "proportion"]
    assert (shares["value"] >= 0).all()
    assert (shares["denominator"] >= 1).all()
    assert (shares["value"] <= shares["denominator"]).all()
    assert (shares[["value", "denominator"]] % 1 == 0).all().all()
    assert demo.loc[kinds != "proportion", "denominator"].isna().all()


def test_lower_levels_sum_to_the_region(catalog: Catalog, demo: pd.DataFrame) -> None:
    summable = [i.id for i in catalog.indicators if i.kind in SUMMABLE]
    frame = demo[demo["indicator_id"].isin(summable)]
    for column in ("value", "denominator"):
        sums = _level_sums(frame.dropna(subset=[column]), catalog, column)
        for level in ("police_area", "municipality"):
            if level in sums:
                present = sums[level].notna()
                assert present.any()
                assert (sums.loc[present, level] == sums.loc[present, "region"]).all(), (
                    column,
                    level,
                )


def test_medians_are_plausible_days(catalog: Catalog, demo: pd.DataFrame) -> None:
    for indicator in catalog.indicators:
        if indicator.kind == "median_days":
            values = demo.loc[demo["indicator_id"] == indicator.id, "value"]
            assert values.between(1, 400).all(), indicator.id


# --- realism --------------------------------------------------------------------------------


def test_partner_violence_magnitude_and_summer_peak(demo: pd.DataFrame) -> None:
    series = _region_series(demo, "reported_partner_violence_women")
    assert 650 <= series.mean() <= 850
    month = series.index.str[5:].astype(int)
    summer = series[(month >= 6) & (month <= 8)].mean()
    winter_spring = series[month <= 5].mean()
    assert summer > winter_spring


def test_partner_violence_shifts_up_at_its_series_break(
    catalog: Catalog, demo: pd.DataFrame
) -> None:
    indicator = catalog.indicator("reported_partner_violence_women")
    series = _region_series(demo, indicator.id)
    for series_break in indicator.breaks:
        at = pd.Period(series_break.period, freq="M")
        before = series.reindex(_months(str(at - 12), str(at - 1))).dropna()
        after = series.reindex(_months(str(at), str(at + 11))).dropna()
        if len(before) == 12 and len(after) == 12:
            assert after.mean() > before.mean()


def test_lethal_violence_is_rare(catalog: Catalog, demo: pd.DataFrame) -> None:
    assert catalog.valid_areas("lethal_violence_close_relations") == ("STHLM",)
    series = _region_series(demo, "lethal_violence_close_relations")
    assert (series == 0).mean() > 0.5
    yearly = series.groupby(series.index.str[:4]).sum()
    complete = yearly.drop("2026")
    assert 2 <= complete.mean() <= 10
    assert complete.max() <= 12


def test_gryning_staff_build_up_to_about_a_hundred(demo: pd.DataFrame) -> None:
    series = _region_series(demo, "gryning_staff_recruited")
    assert series.index[0] == "2021-02"
    assert series.is_monotonic_increasing
    assert 80 <= series["2022-12"] <= 120
    assert series.iloc[-1] - series["2022-12"] <= 25


def test_contact_ban_violations_rise_after_the_step_up(demo: pd.DataFrame) -> None:
    series = _region_series(demo, "contact_ban_violations")
    before = series[_months("2019-01", "2020-12")].mean()
    after = series[_months("2021-09", "2022-08")].mean()
    assert 60 <= before <= 100
    assert after > 1.15 * before


def test_lead_time_falls_after_the_step_up(demo: pd.DataFrame) -> None:
    series = _region_series(demo, "lead_time_days")
    assert 100 <= series[_months("2019-01", "2020-12")].mean() <= 135
    assert (
        series[_months("2023-01", "2024-12")].mean() < series[_months("2019-01", "2020-12")].mean()
    )


# --- upload rules of the brief, applied to the demo on their own terms ------------------------


def _upload_rule_violations(frame: pd.DataFrame, catalog: Catalog) -> list[str]:
    """The brief's upload rules, row by row; an empty list means the file would be accepted."""
    current = str(pd.Period(date.today(), freq="M"))
    kinds = {indicator.id: indicator.kind for indicator in catalog.indicators}
    problems = []
    for row in frame.itertuples(index=False):
        kind = kinds.get(row.indicator_id)
        if kind is None:
            problems.append(f"unknown indicator {row.indicator_id}")
            continue
        if row.area_code not in catalog.valid_areas(row.indicator_id):
            problems.append(f"{row.indicator_id}: area {row.area_code} not valid")
        if not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", row.period) or row.period > current:
            problems.append(f"{row.indicator_id}: month {row.period}")
        if not (math.isfinite(row.value) and row.value >= 0):
            problems.append(f"{row.indicator_id}: value {row.value}")
        if kind in ("count", "stock") and row.value != round(row.value):
            problems.append(f"{row.indicator_id}: count {row.value} not whole")
        if kind == "proportion" and not (0 <= row.value <= row.denominator):
            problems.append(f"{row.indicator_id}: {row.value} > {row.denominator}")
        if row.status not in ("final", "preliminary"):
            problems.append(f"{row.indicator_id}: status {row.status}")
    duplicated = frame.duplicated(["indicator_id", "area_code", "period"])
    problems.extend(f"duplicate row {i}" for i in np.flatnonzero(duplicated))
    return problems


def test_demo_passes_the_upload_rules(catalog: Catalog, demo: pd.DataFrame) -> None:
    assert _upload_rule_violations(demo, catalog) == []


# --- invariants for any seed and window -----------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    start=st.integers(min_value=0, max_value=80),
    length=st.integers(min_value=1, max_value=14),
)
def test_invariants_hold_for_any_seed_and_window(
    catalog: Catalog, seed: int, start: int, length: int
) -> None:
    first = pd.Period("2019-01", freq="M") + start
    last = min(first + length - 1, pd.Period(END, freq="M"))
    frame = generate_demo_observations(catalog, end=str(last), start=str(first), seed=seed)
    assert _upload_rule_violations(frame, catalog) == []
    # Each row's period (a month, or a yearly indicator's "2019") starts inside the window
    # (compared as text, "2019" sorted before "2019-01" and failed a window ending in December).
    starts = parse_period_texts(frame["period"].astype(str)).start
    assert starts.between(first.start_time, last.start_time).all()
    summable = [i.id for i in catalog.indicators if i.kind in SUMMABLE]
    sums = _level_sums(frame[frame["indicator_id"].isin(summable)], catalog, "value")
    for level in ("police_area", "municipality"):
        if level in sums:
            present = sums[level].notna()
            assert (sums.loc[present, level] == sums.loc[present, "region"]).all()

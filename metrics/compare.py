"""Comparing areas fairly: a 12-month rate per 100 000 inhabitants (or share), in a fixed order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.aggregate import rate_per_100k, share
from metrics.catalog import Catalog, Indicator


def compare_areas(
    obs: pd.DataFrame, indicator: Indicator, catalog: Catalog, end: pd.Timestamp, months: int = 12
) -> pd.DataFrame:
    """One row per area the indicator is reported for (catalog order, region excluded).

    value: counts → sum over the `months` months ending at `end`, per 100 000 inhabitants
    (population of `end`'s year, nearest known year; areas without a figure are left out); stocks → level at
    `end` per 100 000; proportions → sum of numerators / sum of denominators; medians → the
    median at `end`. An area missing any month, or with a suppressed month (NaN value in
    briefing mode), gets NaN and ``suppressed`` True if suppression caused it, so a partial sum is
    never shown. Columns: area_code, level, value, suppressed, population.
    """
    start = (end.to_period("M") - (months - 1)).to_timestamp()
    window = obs[
        (obs["indicator_id"] == indicator.id) & (obs["period"] >= start) & (obs["period"] <= end)
    ]
    # Everything per area in a few grouped passes over the window, then one row per area from
    # plain numbers (a mask per area was most of the indicator page's time at national scale).
    areas = window["area_code"]
    rows_in = areas.value_counts(sort=False)
    suppressed = (
        window["suppressed"].fillna(False).astype(bool)
        if "suppressed" in window.columns
        else pd.Series(False, index=window.index)
    )
    hidden = suppressed.groupby(areas, sort=False, observed=True).any()
    values = window["value"].astype("float64")
    if indicator.kind in ("count", "proportion"):
        both = values.notna()
        if indicator.kind == "proportion":
            both &= window["denominator"].astype("float64").notna()
        complete = both.groupby(areas, sort=False, observed=True).all()
        totals = (
            window.assign(value=values)
            .groupby(areas, sort=False, observed=True)[
                ["value", "denominator"] if indicator.kind == "proportion" else ["value"]
            ]
            .sum()
        )
    else:
        at_end = window[window["period"] == end]
        last = dict(zip(at_end["area_code"], at_end["value"].astype("float64"), strict=True))
    rows = []
    for code in catalog.valid_areas(indicator.id):
        area = catalog.area(code)
        if area.level == "region":
            continue
        population = catalog.population(code, end.year)
        if indicator.kind in ("count", "stock") and population is None:
            continue  # no rate without a population (police areas): left out, not shown as ".."
        value = np.nan
        if indicator.kind == "count":
            if rows_in.get(code, 0) == months and complete[code]:
                value = rate_per_100k(totals.at[code, "value"], population) or np.nan
        elif indicator.kind == "stock":
            level = last.get(code, np.nan)
            if not pd.isna(level):
                value = rate_per_100k(level, population) or np.nan
        elif indicator.kind == "proportion":
            if rows_in.get(code, 0) and complete[code]:
                value = share(totals.at[code, "value"], totals.at[code, "denominator"])
        else:
            value = last.get(code, np.nan)
        rows.append(
            {
                "area_code": code,
                "level": area.level,
                "value": value,
                "suppressed": bool(hidden.get(code, False)) and pd.isna(value),
                "population": population,
            }
        )
    return pd.DataFrame(rows, columns=["area_code", "level", "value", "suppressed", "population"])


def reference_band(values: pd.Series) -> tuple[float, float] | None:
    """The middle half of the areas' values (25th–75th percentile); None with fewer than 4 values."""
    present = values.dropna()
    if len(present) < 4:
        return None
    return float(present.quantile(0.25)), float(present.quantile(0.75))

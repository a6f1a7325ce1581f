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
    # One pass splits the window by area (a mask per area was most of the indicator page's time
    # at national scale: 290 scans).
    parts = dict(tuple(window.groupby("area_code", sort=False, observed=True)))
    nothing = window.iloc[0:0]
    rows = []
    for code in catalog.valid_areas(indicator.id):
        area = catalog.area(code)
        if area.level == "region":
            continue
        part = parts.get(code, nothing)
        hidden = bool(part.get("suppressed", pd.Series(False, index=part.index)).any())
        population = catalog.population(code, end.year)
        if indicator.kind in ("count", "stock") and population is None:
            continue  # no rate without a population (police areas): left out, not shown as ".."
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


def reference_band(values: pd.Series) -> tuple[float, float] | None:
    """The middle half of the areas' values (25th–75th percentile); None with fewer than 4 values."""
    present = values.dropna()
    if len(present) < 4:
        return None
    return float(present.quantile(0.25)), float(present.quantile(0.75))

"""Comparing areas honestly: each area's 12-month rate per 100 000 of the indicator's population
base (or share), its confidence interval, and whether it is higher, lower or like the region.

Categories (as Public Health England's Fingertips compares with a benchmark): an area whose
interval (metrics.intervals, at 95 % or 99,8 %) lies wholly above the region's value is
"higher", wholly below "lower", otherwise "similar"; "not_comparable" when its value is missing
or hidden, the region's value is unknown, or too few lie behind it (fewer than `MIN_EVENTS`
events over the window for a rate, a denominator below `MIN_DENOMINATOR` for a share); "none"
for stocks and medians, which have no interval here. A hidden month (briefing mode) leaves the
area's whole window out: every value shown is a sum of shown cells only, so no comparison, point
or interval says more than the cells already shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from i18n import t
from metrics.aggregate import rate_per_100k, share
from metrics.catalog import Catalog, Indicator
from metrics.intervals import (
    LEVELS,
    proportion_ci_array,
    proportion_funnel,
    rate_ci_array,
    rate_funnel,
)
from metrics.population import Population

PER = 100_000
MIN_EVENTS = 5
"""Fewer events than this over the window: a rate is shown but not compared."""
MIN_DENOMINATOR = 10
"""A share over a smaller base is shown but not compared."""
CATEGORIES = ("higher", "similar", "lower", "not_comparable", "none")
COLUMNS = [
    "area_code",
    "level",
    "value",
    "suppressed",
    "population",
    "population_year",
    "population_estimate",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "category",
]


def compare_areas(
    obs: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    end: pd.Timestamp,
    population: Population,
    months: int = 12,
    level: float = 0.95,
) -> pd.DataFrame:
    """One row per area the indicator is reported for (catalog order, region excluded).

    value: counts → the sum over the `months` months ending at `end` per 100 000 of the
    indicator's population base in `end`'s year (or the latest earlier year:
    `population_year` says which; areas without a figure are left out); stocks → the level at
    `end` per 100 000; proportions → sum of numerators / sum of denominators; medians → the
    median at `end`. An area missing any month, or with a hidden month (NaN value, `suppressed`
    in briefing mode), gets NaN, no interval and ``suppressed`` True if hiding caused it, so a
    partial sum is never shown. numerator/denominator: what the value and its interval
    (`lower`, `upper`, at `level`) rest on (events and inhabitants, or the share's sums);
    category: against the region's value (`region_value`), see the module's docstring.
    """
    frame = _area_values(obs, indicator, catalog, end, population, months, level)
    benchmark = _benchmark(frame)
    areas = frame[frame["level"] != "region"].reset_index(drop=True)
    areas["category"] = _categories(areas, indicator, benchmark)
    return areas[COLUMNS]


def region_value(
    obs: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    end: pd.Timestamp,
    population: Population,
    months: int = 12,
) -> float | None:
    """The region's value computed as each area's (the benchmark of the comparison), or None."""
    return _benchmark(_area_values(obs, indicator, catalog, end, population, months, 0.95))


def _benchmark(frame: pd.DataFrame) -> float | None:
    region = frame[frame["level"] == "region"]
    if region.empty or pd.isna(region["value"].iloc[0]):
        return None
    return float(region["value"].iloc[0])


def _categories(areas: pd.DataFrame, indicator: Indicator, benchmark: float | None) -> list[str]:
    if indicator.kind not in ("count", "proportion"):
        return ["none"] * len(areas)
    enough = (
        areas["numerator"] >= MIN_EVENTS
        if indicator.kind == "count"
        else areas["denominator"] >= MIN_DENOMINATOR
    )
    out = []
    for value, lower, upper, ok in zip(
        areas["value"], areas["lower"], areas["upper"], enough, strict=True
    ):
        if benchmark is None or pd.isna(value) or pd.isna(lower) or not ok:
            out.append("not_comparable")
        elif lower > benchmark:
            out.append("higher")
        elif upper < benchmark:
            out.append("lower")
        else:
            out.append("similar")
    return out


def _area_values(
    obs: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    end: pd.Timestamp,
    population: Population,
    months: int,
    level: float,
) -> pd.DataFrame:
    """Every area at the indicator's levels, the region included, with value and interval."""
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
        figure = population.figure(code, end.year, indicator.population_base)
        if indicator.kind in ("count", "stock") and figure is None:
            continue  # no rate without a population: left out, not shown as ".."
        value = numerator = denominator = np.nan
        if indicator.kind == "count":
            if rows_in.get(code, 0) == months and complete[code]:
                numerator = float(totals.at[code, "value"])
                denominator = float(figure.inhabitants)
                value = rate_per_100k(numerator, denominator) or 0.0
        elif indicator.kind == "stock":
            level_at_end = last.get(code, np.nan)
            if not pd.isna(level_at_end):
                value = rate_per_100k(level_at_end, figure.inhabitants) or 0.0
        elif indicator.kind == "proportion":
            if rows_in.get(code, 0) and complete[code]:
                numerator = float(totals.at[code, "value"])
                denominator = float(totals.at[code, "denominator"])
                value = share(numerator, denominator)
        else:
            value = last.get(code, np.nan)
        rows.append(
            {
                "area_code": code,
                "level": area.level,
                "value": value,
                "suppressed": bool(hidden.get(code, False)) and pd.isna(value),
                "population": None if figure is None else figure.inhabitants,
                "population_year": None if figure is None else figure.year,
                "population_estimate": None if figure is None else figure.estimate,
                "numerator": numerator,
                "denominator": denominator,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS[:-3])
    frame["value"] = frame["value"].astype("float64")
    frame["numerator"] = frame["numerator"].astype("float64")
    frame["denominator"] = frame["denominator"].astype("float64")
    if indicator.kind == "count":
        lower, upper = rate_ci_array(frame["numerator"], frame["denominator"], PER, level)
    elif indicator.kind == "proportion":
        lower, upper = proportion_ci_array(frame["numerator"], frame["denominator"], level)
    else:
        lower = upper = np.full(len(frame), np.nan)
    frame["lower"] = np.where(frame["value"].notna(), lower, np.nan)
    frame["upper"] = np.where(frame["value"].notna(), upper, np.nan)
    return frame


@dataclass(frozen=True)
class Funnel:
    """What a funnel plot draws: the region's value as centre line and, along `sizes`
    (inhabitants of the base, or the share's denominator), the limits at 95 % and 99,8 %."""

    centre: float
    sizes: np.ndarray
    limits: dict[float, tuple[np.ndarray, np.ndarray]]


def funnel(comparison: pd.DataFrame, indicator: Indicator, centre: float | None) -> Funnel | None:
    """Funnel limits around `centre` over the range of the shown areas' sizes; None when the
    indicator has no interval (stocks, medians), the centre is unknown or no area is shown."""
    if indicator.kind not in ("count", "proportion") or centre is None:
        return None
    shown = comparison[comparison["value"].notna() & comparison["denominator"].notna()]
    sizes = shown["denominator"].to_numpy(dtype="float64")
    sizes = sizes[sizes > 0]
    if sizes.size == 0:
        return None
    grid = np.geomspace(max(sizes.min() * 0.7, 1.0), sizes.max() * 1.3, 80)
    limits = {}
    for level in LEVELS:
        if indicator.kind == "count":
            limits[level] = rate_funnel(centre, grid, PER, level)
        else:
            limits[level] = proportion_funnel(centre, grid, level)
    return Funnel(centre, grid, limits)


LEVEL_LABELS = {0.95: "95 %", 0.998: "99,8 %"}


def category_words(indicator: Indicator, lang: str) -> dict[str, str]:
    """The categories' words: neutral (higher/lower) for a neutral direction (reported crime: a
    rise can mean more victims come forward), better/worse otherwise."""
    if indicator.direction == "neutral":
        higher, lower = t("compare_higher", lang), t("compare_lower", lang)
    elif indicator.direction == "increase":
        higher, lower = t("compare_better", lang), t("compare_worse", lang)
    else:
        higher, lower = t("compare_worse", lang), t("compare_better", lang)
    return {
        "higher": higher,
        "lower": lower,
        "similar": t("compare_similar", lang),
        "not_comparable": t("compare_not_comparable", lang),
        "none": "",
    }


def population_note(
    comparison: pd.DataFrame, indicator: Indicator, end: pd.Timestamp, lang: str
) -> str:
    """'Per 100 000 kvinnor 18 år och äldre; befolkning 2025 (senaste kända år före 2026) –
    demouppskattning …': the base and the year(s) the rates use, and whether any is estimated."""
    used = comparison.dropna(subset=["population_year"])
    years = sorted({int(y) for y in used["population_year"]})
    text = t(
        "population_note",
        lang,
        base=t("population_base_" + indicator.population_base, lang),
        years=", ".join(str(y) for y in years) or "..",
    )
    if years and max(years) < end.year:
        text += t("population_note_earlier", lang, year=end.year)
    if used["population_estimate"].fillna(False).astype(bool).any():
        text += t("population_note_estimate", lang)
    return text + "."


def level_label(level: float, lang: str) -> str:
    """ "95 %" / "99,8 %" ("99.8 %" in English)."""
    label = LEVEL_LABELS[level]
    return label if lang == "sv" else label.replace(",", ".")


def comparison_summary(comparison: pd.DataFrame, level: float, lang: str) -> str:
    """ "9 högre, 8 som länet, 14 lägre och 0 kan inte jämföras (95 %)." """
    counts = comparison["category"].value_counts()
    return t(
        "compare_summary",
        lang,
        **{c: int(counts.get(c, 0)) for c in ("higher", "similar", "lower", "not_comparable")},
        level=LEVEL_LABELS[level],
    )

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
from metrics.aggregate import RATE_KINDS
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_month
from metrics.intervals import (
    LEVELS,
    proportion_ci_array,
    proportion_funnel,
    rate_ci_array,
    rate_funnels,
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
    totals = window_totals(obs, indicator, end, months)
    return compare_totals(totals, indicator, catalog, end.year, population, level)


def compare_totals(
    totals: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    year: int,
    population: Population,
    level: float = 0.95,
) -> pd.DataFrame:
    """As `compare_areas`, from each area's total over the period compared (`window_totals`,
    or a calendar year's totals as `services.readings.read_year_totals` gives them: area_code,
    value, denominator, suppressed); rates use the population base in `year` (or the latest
    earlier year)."""
    return _compared(_area_values(totals, indicator, catalog, year, population, level), indicator)


def _compared(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """`_area_values`' frame as `compare_totals` gives it: the areas below the region, each
    with its category against the region's value."""
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
    totals = window_totals(obs, indicator, end, months)
    return totals_region_value(totals, indicator, catalog, end.year, population)


def totals_region_value(
    totals: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    year: int,
    population: Population,
) -> float | None:
    """The region's value from the areas' totals (see `compare_totals`), or None."""
    frame = _area_values(totals, indicator, catalog, year, population, 0.95, region_only=True)
    return _benchmark(frame)


def latest_complete_year(end: pd.Timestamp) -> int:
    """The last calendar year whose December is at or before `end`."""
    return end.year if end.month == 12 else end.year - 1


@dataclass(frozen=True)
class AreaComparison:
    """What the page and the pack show of a comparison between areas.

    areas: `compare_areas`' columns; centre: the region's value (None: unknown or hidden);
    start, end: the first and last month compared; calendar_year: True when the comparison is of
    a calendar year's totals (briefing mode, see `area_comparison`); latest_year_hidden: True
    when the latest complete year could not be compared (its county total is hidden) and an
    earlier one is."""

    areas: pd.DataFrame
    centre: float | None
    start: pd.Timestamp
    end: pd.Timestamp
    calendar_year: bool = False
    latest_year_hidden: bool = False
    latest_year: int | None = None

    def period_label(self, lang: str) -> str:
        """ "nov. 2025–okt. 2026", or the calendar year compared, "2025"."""
        if self.calendar_year:
            return str(self.end.year)
        return f"{format_month(self.start, lang)}–{format_month(self.end, lang)}"

    def briefing_notes(self, lang: str, *, short: bool = False) -> list[str]:
        """Why briefing mode compares a calendar year, and which one when not the latest; []
        for a comparison of the last months. `short`: one line, for an image's footer."""
        if not self.calendar_year:
            return []
        if short:
            return [t("compare_briefing_year_short", lang)]
        notes = [t("compare_briefing_year", lang)]
        if self.latest_year_hidden:
            notes.append(
                t("compare_briefing_earlier", lang, latest=self.latest_year, year=self.end.year)
            )
        return notes


YEARS_BACK = 3
"""How many complete years briefing mode goes back for one whose county total is shown."""


def area_comparison(
    obs: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    end: pd.Timestamp,
    population: Population,
    level: float = 0.95,
    *,
    months: int = 12,
    year_totals: pd.DataFrame | None = None,
) -> AreaComparison:
    """The comparison the indicator page and the briefing pack show.

    Without `year_totals`: the `months` months to `end` (`compare_areas`). With them (briefing
    mode, for an indicator whose releases decide year totals: area_code, year, value,
    denominator, suppressed, hidden totals NaN): the latest complete calendar year at `end` whose
    county total is shown, going back at most `YEARS_BACK` years (else the latest, without a
    centre). A rolling 12-month sum beside the months shown would give hidden months away by
    subtraction; a year total is a cell disclosure control decided on (metrics/disclosure/
    years.py), so every value and interval shown is one it allows."""
    if year_totals is None:
        start = (end.to_period("M") - (months - 1)).to_timestamp()
        totals = window_totals(obs, indicator, end, months)
        frame = _area_values(totals, indicator, catalog, end.year, population, level)
        return AreaComparison(_compared(frame, indicator), _benchmark(frame), start, end)
    latest = latest_complete_year(end)
    chosen = latest
    for year in range(latest, latest - YEARS_BACK - 1, -1):
        totals = year_totals[year_totals["year"] == year]
        if totals_region_value(totals, indicator, catalog, year, population) is not None:
            chosen = year
            break
    totals = year_totals[year_totals["year"] == chosen]
    frame = _area_values(totals, indicator, catalog, chosen, population, level)
    return AreaComparison(
        _compared(frame, indicator),
        _benchmark(frame),
        pd.Timestamp(year=chosen, month=1, day=1),
        pd.Timestamp(year=chosen, month=12, day=1),
        calendar_year=True,
        latest_year_hidden=chosen != latest,
        latest_year=latest,
    )


def _benchmark(frame: pd.DataFrame) -> float | None:
    region = frame[frame["level"] == "region"]
    if region.empty or pd.isna(region["value"].iloc[0]):
        return None
    return float(region["value"].iloc[0])


def _categories(areas: pd.DataFrame, indicator: Indicator, benchmark: float | None) -> list[str]:
    if indicator.kind not in ("count", "proportion"):
        return ["none"] * len(areas)
    if benchmark is None:
        return ["not_comparable"] * len(areas)
    enough = (
        areas["numerator"] >= MIN_EVENTS
        if indicator.kind == "count"
        else areas["denominator"] >= MIN_DENOMINATOR
    ).to_numpy()
    value = areas["value"].to_numpy(dtype="float64")
    lower = areas["lower"].to_numpy(dtype="float64")
    upper = areas["upper"].to_numpy(dtype="float64")
    side = np.where(lower > benchmark, "higher", np.where(upper < benchmark, "lower", "similar"))
    unknown = np.isnan(value) | np.isnan(lower) | ~enough
    return np.where(unknown, "not_comparable", side).tolist()


def window_totals(
    obs: pd.DataFrame, indicator: Indicator, end: pd.Timestamp, months: int = 12
) -> pd.DataFrame:
    """Each area's total over the `months` months to `end`: area_code, value (counts and shares:
    the sum, NaN unless every month is there with a value; stocks and medians: the value at
    `end`), denominator (shares: the sum), suppressed (a month of the window is hidden)."""
    start = (end.to_period("M") - (months - 1)).to_timestamp()
    window = obs[
        (obs["indicator_id"] == indicator.id) & (obs["period"] >= start) & (obs["period"] <= end)
    ]
    # Everything per area in a few grouped passes over the window (a mask per area was most of
    # the indicator page's time at national scale).
    areas = window["area_code"]
    suppressed = (
        window["suppressed"].fillna(False).astype(bool)
        if "suppressed" in window.columns
        else pd.Series(False, index=window.index)
    )
    hidden = suppressed.groupby(areas, sort=False, observed=True).any()
    values = window["value"].astype("float64")
    denominators = (
        window["denominator"].astype("float64")
        if "denominator" in window.columns
        else pd.Series(np.nan, index=window.index)
    )
    if indicator.kind in ("count", "proportion"):
        both = values.notna()
        if indicator.kind == "proportion":
            both &= denominators.notna()
        rows_in = areas.value_counts(sort=False)
        complete = both.groupby(areas, sort=False, observed=True).all()
        sums = (
            pd.DataFrame({"value": values, "denominator": denominators})
            .groupby(areas, sort=False, observed=True)
            .sum()
        )
        full = complete & (rows_in.reindex(complete.index) == months)
        if indicator.kind == "proportion":
            full = complete  # a share over the months there are
        out = pd.DataFrame(
            {
                "area_code": sums.index.astype(str),
                "value": sums["value"].where(full.reindex(sums.index, fill_value=False)),
                "denominator": sums["denominator"].where(
                    full.reindex(sums.index, fill_value=False)
                ),
            }
        )
    else:
        at_end = window[window["period"] == end]
        out = pd.DataFrame(
            {
                "area_code": at_end["area_code"].astype(str).to_numpy(),
                "value": at_end["value"].astype("float64").to_numpy(),
                "denominator": np.nan,
            }
        )
    out["suppressed"] = out["area_code"].map(hidden.rename(index=str)).fillna(False).astype(bool)
    return out.reset_index(drop=True)


def _area_values(
    totals: pd.DataFrame,
    indicator: Indicator,
    catalog: Catalog,
    year: int,
    population: Population,
    level: float,
    *,
    region_only: bool = False,
) -> pd.DataFrame:
    """Every area at the indicator's levels, the region included, with value and interval
    (region_only: the region alone, what the benchmark needs). Column by column over the
    areas: a row at a time was most of the comparison's run at national scale."""
    codes = catalog.valid_areas(indicator.id)
    if region_only:
        codes = [code for code in codes if catalog.area(code).level == "region"]
    found = population.figures(codes, year, indicator.population_base)
    if indicator.kind in RATE_KINDS:  # no rate without a population: left out, not shown as ".."
        found = found[found["inhabitants"].notna()]
        codes = found.index.tolist()
    figures = [
        None if pd.isna(inhabitants) else (int(inhabitants), int(year), bool(estimate))
        for year, inhabitants, estimate in zip(
            found["year"], found["inhabitants"], found["estimate"], strict=True
        )
    ]
    by_area = totals.set_index(totals["area_code"].astype(str))
    raw = by_area["value"].astype("float64").to_dict()
    parts = by_area["denominator"].astype("float64").to_dict()
    hidden = by_area["suppressed"].astype(bool).to_dict()
    total = np.array([raw.get(code, np.nan) for code in codes], dtype="float64")
    known = ~np.isnan(total)
    inhabitants = found["inhabitants"].to_numpy(dtype="float64", na_value=np.nan)
    nothing = np.full(len(codes), np.nan)
    numerator = denominator = nothing
    if indicator.kind in ("count", "stock"):
        # rate_per_100k, or 0.0 where it gives none (a population that is not positive)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(inhabitants > 0, total / inhabitants * PER, 0.0)
        value = np.where(known, rate, np.nan)
        if indicator.kind == "count":
            numerator = np.where(known, total, np.nan)
            denominator = np.where(known, inhabitants, np.nan)
    elif indicator.kind == "proportion":
        numerator = np.where(known, total, np.nan)
        denominator = np.array([parts.get(code, np.nan) for code in codes], dtype="float64")
        denominator = np.where(known, denominator, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, numerator / denominator, np.nan)  # `share`
    else:
        value = total
    frame = pd.DataFrame(
        {
            "area_code": list(codes),
            "level": [catalog.area(code).level for code in codes],
            "value": value,
            "suppressed": [
                bool(hidden.get(code, False)) and bool(missing)
                for code, missing in zip(codes, np.isnan(value), strict=True)
            ],
            "population": [None if f is None else f[0] for f in figures],
            "population_year": [None if f is None else f[1] for f in figures],
            "population_estimate": [None if f is None else f[2] for f in figures],
            "numerator": numerator,
            "denominator": denominator,
        },
        columns=COLUMNS[:-3],
    )
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
    if indicator.kind == "count":
        limits = rate_funnels(centre, grid, PER, LEVELS)  # both levels in one search
    else:
        limits = {level: proportion_funnel(centre, grid, level) for level in LEVELS}
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


def comparison_summary(
    comparison: pd.DataFrame, level: float, lang: str, indicator: Indicator | None = None
) -> str:
    """ "9 högre, 8 som länet, 14 lägre och 0 kan inte jämföras (95 %)." — or, for an indicator
    with a direction (`category_words`), "3 bättre, 20 som länet, 5 sämre och …"."""
    counts = comparison["category"].value_counts()
    n = {c: int(counts.get(c, 0)) for c in ("higher", "similar", "lower", "not_comparable")}
    if indicator is None or indicator.direction == "neutral":
        return t("compare_summary", lang, **n, level=level_label(level, lang))
    better, worse = (
        ("higher", "lower") if indicator.direction == "increase" else ("lower", "higher")
    )
    return t(
        "compare_summary_judged",
        lang,
        better=n[better],
        similar=n["similar"],
        worse=n[worse],
        not_comparable=n["not_comparable"],
        level=level_label(level, lang),
    )

"""Aggregation of observations by indicator kind: over areas, over months, rolling, per 100 000."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.periods import month_starts

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator
    from metrics.population import Population

SERIES_COLUMNS = ("value", "numerator", "denominator", "status", "suppressed")
"""A *series* is a DataFrame indexed by ``period`` (first day of each month, no month left out)
with these columns:

- value: what the indicator shows: the count, the stock level, the share (0..1) or the median
  in days; NaN for a month without data or where the kind cannot be aggregated.
- numerator: the additive quantity behind the value (count, stock level, numerator of a
  proportion); NaN for median_days.
- denominator: the base of a proportion; NaN for the other kinds.
- status: "preliminary" if any contributing row is preliminary, else "final"; NaN where the month
  has no data (or is hidden).
- suppressed: True where disclosure control hid the month (briefing mode: a row of one of the
  areas has ``suppressed`` True); value, numerator and denominator are then NaN, never a partial
  sum. A hidden month is part of the series (its first and last month count hidden months too),
  so a chart and a reading can say it is hidden instead of dropping it.
"""
ADDITIVE_KINDS = ("count", "stock")
RATE_KINDS = ("count", "stock")
"""Kinds that can be written per 100 000 inhabitants (a share or a median cannot)."""
ROLLING_KINDS = ("count", "proportion")
"""Kinds whose rolling 12-month value adds up months (a stock's is its level, a median has none):
the kinds a chart offers the rolling line for (``metrics.indicator_view.offers_rolling``)."""
PER = 100_000


def empty_series() -> pd.DataFrame:
    """A series with no months (the shape every function here returns for empty input)."""
    index = pd.DatetimeIndex([], name="period")
    return pd.DataFrame(
        {
            "value": pd.Series(dtype="float64", index=index),
            "numerator": pd.Series(dtype="float64", index=index),
            "denominator": pd.Series(dtype="float64", index=index),
            "status": pd.Series(dtype="object", index=index),
            "suppressed": pd.Series(dtype="bool", index=index),
        }
    )


def month_range(start: pd.Timestamp | str, end: pd.Timestamp | str) -> pd.DatetimeIndex:
    """Every month from ``start`` to ``end`` inclusive, as first-of-month Timestamps."""
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp()
    # A copy (it shares the data): a caller may rename its index without touching the cache.
    return _month_range(first, last, first.unit, last.unit).copy()


@functools.lru_cache(maxsize=256)
def _month_range(first: pd.Timestamp, last: pd.Timestamp, *units: str) -> pd.DatetimeIndex:
    # Building a monthly range steps month by month in Python; the same few ranges are asked for
    # over and over (every series of a page spans the same months), and an index is immutable.
    # The units are part of the key: equal Timestamps of different resolutions give different
    # indexes.
    return pd.date_range(first, last, freq="MS", name="period")


def share(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator, NaN (never inf) where the denominator is 0, negative or missing."""
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        num = pd.Series(numerator, dtype="float64")
        den = pd.Series(denominator, dtype="float64")
        return (num / den.where(den > 0)).astype("float64")
    if denominator is None or pd.isna(denominator) or denominator <= 0 or pd.isna(numerator):
        return math.nan
    return float(numerator) / float(denominator)


def aggregate_areas(
    obs: pd.DataFrame,
    indicator: Indicator,
    area_codes: Iterable[str],
    *,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    require_all: bool = False,
) -> pd.DataFrame:
    """One monthly series for a set of areas, aggregated as the indicator's kind requires.

    obs: observation frame (indicator_id, area_code, period, value, denominator, status); rows of
        other indicators and areas are ignored, as are rows without a value (and, for a
        proportion, without a denominator).
    count, stock: sum over the areas that reported that month.
    proportion: sum of numerators / sum of denominators (never a mean of percentages); a zero
        denominator gives NaN.
    median_days: medians cannot be combined, so the value is kept only in months where exactly
        one of the areas reported; NaN otherwise.
    require_all: when True, a month in which any of ``area_codes`` has no row gets NaN instead of
        a partial sum.
    start, end: widen the month range (default: first to last month with data). Months without
        data are present with NaN, so an XmR chart sees the gap. Empty input gives
        ``empty_series()``.
    """
    codes = list(dict.fromkeys(area_codes))
    if len(codes) == 1:
        one = _one_area(obs, indicator, codes[0], start, end)
        if one is not None:
            return one
    rows = obs[(obs["indicator_id"] == indicator.id) & obs["area_code"].isin(codes)]
    hidden_rows = rows[_hidden(rows)]
    rows = rows[rows["value"].notna().to_numpy() & ~_hidden(rows)]
    if indicator.kind == "proportion":
        rows = rows[rows["denominator"].notna()]
    if rows.duplicated(["area_code", "period"]).any():
        raise ValueError(
            f"aggregate_areas: more than one row per area and month for {indicator.id!r}"
        )
    hidden_months = _as_months(hidden_rows["period"]) if len(hidden_rows) else None
    if rows.empty and hidden_months is None and (start is None or end is None):
        return empty_series()

    groups = rows.groupby("period")
    n_areas = groups["area_code"].nunique()
    numerator = groups["value"].sum()
    denominators = groups["denominator"].sum() if indicator.kind == "proportion" else None
    firsts = groups["value"].first() if indicator.kind == "median_days" else None
    # One vectorised pass, not a Python call per month (a national series has hundreds).
    preliminary = (rows["status"] == "preliminary").groupby(rows["period"]).any()
    if indicator.kind == "proportion":
        denominator = denominators
        value = share(numerator, denominator)
    else:
        denominator = pd.Series(np.nan, index=numerator.index)
        value = numerator.copy()
    if indicator.kind == "median_days":
        value = firsts.where(n_areas == 1)
        numerator = pd.Series(np.nan, index=numerator.index)
    series = pd.DataFrame(
        {
            "value": value.astype("float64"),
            "numerator": numerator.astype("float64"),
            "denominator": denominator.astype("float64"),
            "status": np.where(preliminary, "preliminary", "final").astype(object),
        },
        index=numerator.index,
    )
    if require_all:
        series.loc[n_areas < len(codes), ["value", "numerator", "denominator"]] = np.nan
    series["suppressed"] = False
    if hidden_months is not None:
        series.index = month_starts(series.index)
        series = series.reindex(series.index.union(hidden_months))
        series.loc[hidden_months, ["value", "numerator", "denominator"]] = np.nan
        series.loc[hidden_months, "status"] = None
        series["suppressed"] = series.index.isin(hidden_months)
    return _complete(series, start, end)


def _hidden(rows: pd.DataFrame) -> np.ndarray:
    """Rows disclosure control hid (``suppressed`` True; False without the column)."""
    if "suppressed" not in rows.columns:
        return np.zeros(len(rows), dtype=bool)
    return rows["suppressed"].to_numpy(dtype=bool, na_value=False)


def split_by_indicator(obs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The observation frame cut into one frame per indicator_id (rows keep their order).

    For code that reads many indicators from one frame: one pass over the rows instead of one
    full scan per indicator, which is what makes a national frame (millions of rows) cheap.
    """
    if obs.empty:
        return {}
    codes, ids = pd.factorize(obs["indicator_id"], sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    return {str(ids[k]): obs.iloc[order[bounds[k] : bounds[k + 1]]] for k in range(len(ids))}


@dataclass(frozen=True)
class AreaSeries:
    """The monthly series of many indicators, each read in one area, side by side.

    ids: the indicators, in the order given; months: every month from the first to the last
    month with a row of any of them. value, numerator, denominator (floats, NaN where missing)
    and reported, preliminary, hidden (bools; hidden: disclosure control hid the cell) are arrays
    of one row per indicator and one column per month, holding what
    ``aggregate_areas(obs, indicator, [area])`` gives for those months.
    """

    ids: tuple[str, ...]
    months: pd.DatetimeIndex
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    reported: np.ndarray
    preliminary: np.ndarray
    hidden: np.ndarray

    def row(self, indicator_id: str) -> int:
        """The row of an indicator (ValueError when it is not among ``ids``)."""
        return self.ids.index(indicator_id)

    def series(self, indicator_id: str) -> pd.DataFrame:
        """The indicator's series, equal to ``aggregate_areas(obs, indicator, [area])``: from
        its first to its last month with a row, ``empty_series()`` when it has none."""
        k = self.row(indicator_id)
        present = np.flatnonzero(self.reported[k] | self.hidden[k])
        if present.size == 0:
            return empty_series()
        cut = slice(int(present[0]), int(present[-1]) + 1)
        index = self.months[cut]
        status = np.where(
            self.reported[k, cut],
            np.where(self.preliminary[k, cut], "preliminary", "final"),
            None,
        ).astype(object)
        return pd.DataFrame(
            {
                "value": self.value[k, cut],
                "numerator": self.numerator[k, cut],
                "denominator": self.denominator[k, cut],
                "status": pd.Series(status, index=index, dtype=object),
                "suppressed": self.hidden[k, cut],
            },
            index=index,
        )


def area_series(
    obs: pd.DataFrame, indicators: Sequence[Indicator], areas: Sequence[str | None]
) -> AreaSeries:
    """Read ``indicators[k]`` in ``areas[k]`` (None: nowhere, so no data) in one pass over ``obs``.

    What ``aggregate_areas(obs, indicator, [area])`` gives for each, without a scan of the frame
    per indicator: an overview reads a hundred indicators per click. Rows without a value (for a
    proportion, without a denominator) and without a month are ignored; periods are read as
    their month. Raises ValueError when an indicator has more than one row in a month.
    """
    ids = tuple(i.id for i in indicators)
    kinds = np.array([i.kind for i in indicators], dtype=object)
    if len(ids) != len(areas):
        raise ValueError("area_series: one area (or None) per indicator")
    if not ids or obs.empty:
        nothing = np.full((len(ids), 0), np.nan)
        none = np.zeros((len(ids), 0), dtype=bool)
        return AreaSeries(ids, empty_series().index, nothing, nothing, nothing, none, none, none)
    # Codes of the distinct texts (factorize is Arrow's dictionary encoding), then the few
    # distinct texts looked up: hashing every cell as a Python string cost more than the rest.
    id_codes, id_names = pd.factorize(obs["indicator_id"])
    position = {indicator_id: n for n, indicator_id in enumerate(ids)}
    wanted = np.array([position.get(name, -1) for name in id_names] + [-1])[id_codes]
    area_codes, area_names = pd.factorize(obs["area_code"])
    code_of = {name: n for n, name in enumerate(area_names)}
    # An area without rows (or None) matches no row, not even one without an area.
    area_of = np.array([code_of.get(area, -2) for area in areas])
    k = np.where(wanted >= 0, wanted, 0)
    values = obs["value"].to_numpy(dtype="float64", na_value=np.nan)
    bases = obs["denominator"].to_numpy(dtype="float64", na_value=np.nan)
    stamps = obs["period"].to_numpy()
    if not np.issubdtype(stamps.dtype, np.datetime64):
        stamps = pd.to_datetime(obs["period"]).to_numpy()
    is_proportion = kinds == "proportion"
    cell = (wanted >= 0) & (area_codes == area_of[k]) & ~np.isnat(stamps)
    hiding = cell & _hidden(obs)
    mask = cell & ~hiding & ~np.isnan(values)
    mask &= ~(is_proportion[k] & np.isnan(bases))
    k_hidden, hidden_stamps = k[hiding], stamps[hiding]
    k, values, bases, stamps = k[mask], values[mask], bases[mask], stamps[mask]
    preliminary = _equal(obs["status"], "preliminary")[mask]
    every = np.concatenate([k, k_hidden])

    shape = (len(ids), 0)
    months = empty_series().index
    if len(every):
        month = stamps.astype("datetime64[M]")
        hidden_month = hidden_stamps.astype("datetime64[M]")
        both = np.concatenate([month, hidden_month])
        first, last = both.min(), both.max()
        unit = np.datetime_data(stamps.dtype)[0]
        months = month_range(
            pd.Timestamp(first.astype(f"datetime64[{unit}]")),
            pd.Timestamp(last.astype(f"datetime64[{unit}]")),
        )
        at = (month - first).astype("int64")
        hidden_at = (hidden_month - first).astype("int64")
        shape = (len(ids), len(months))
        cells = every * shape[1] + np.concatenate([at, hidden_at])
        counts = np.bincount(cells, minlength=shape[0] * shape[1])
        if counts.max() > 1:
            twice = ids[int(np.argmax(counts > 1) // shape[1])]
            raise ValueError(f"aggregate_areas: more than one row per area and month for {twice!r}")
    value, numerator, denominator = (np.full(shape, np.nan) for _ in range(3))
    reported = np.zeros(shape, dtype=bool)
    flagged = np.zeros(shape, dtype=bool)
    hidden = np.zeros(shape, dtype=bool)
    if len(k_hidden):
        hidden[k_hidden, hidden_at] = True
    if mask.any():
        reported[k, at] = True
        flagged[k, at] = preliminary
        proportion = is_proportion[k]
        median = kinds[k] == "median_days"
        additive = ~proportion & ~median
        numerator[k[additive], at[additive]] = values[additive]
        value[k[additive | median], at[additive | median]] = values[additive | median]
        kp, ap, vp, bp = k[proportion], at[proportion], values[proportion], bases[proportion]
        numerator[kp, ap] = vp
        denominator[kp, ap] = bp
        with np.errstate(invalid="ignore", divide="ignore"):
            value[kp, ap] = np.where(bp > 0, vp / bp, np.nan)
    return AreaSeries(ids, months, value, numerator, denominator, reported, flagged, hidden)


def _one_area(
    obs: pd.DataFrame,
    indicator: Indicator,
    code: str,
    start: pd.Timestamp | str | None,
    end: pd.Timestamp | str | None,
) -> pd.DataFrame | None:
    """`aggregate_areas` for one area, in numpy: one area has at most one row a month, so its
    rows are the series and nothing needs grouping (an overview reads a hundred of these per
    click, and pandas' per-call overhead was most of the cost). None when the general path
    must answer instead (no rows, or periods that are not first-of-month dates)."""
    # Arrays, not a filtered frame: copying every column of the matching rows cost more than
    # the rest of the work.
    values = obs["value"].to_numpy(dtype="float64", na_value=np.nan)
    mine = _equal(obs["indicator_id"], indicator.id) & _equal(obs["area_code"], code)
    hidden_rows = mine & _hidden(obs)
    mask = mine & ~np.isnan(values) & ~hidden_rows
    if indicator.kind == "proportion":
        bases = obs["denominator"].to_numpy(dtype="float64", na_value=np.nan)
        mask &= ~np.isnan(bases)
    stamps = obs["period"].to_numpy()
    if not mask.any() or not np.issubdtype(stamps.dtype, np.datetime64):
        return None
    hidden_stamps = stamps[hidden_rows]
    stamps = stamps[mask]
    months = stamps.astype("datetime64[M]")
    hidden_months = hidden_stamps.astype("datetime64[M]")
    if np.isnat(stamps).any() or not (months.astype(stamps.dtype) == stamps).all():
        return None
    if np.isnat(hidden_stamps).any():
        return None
    if len(np.unique(months)) != len(months):
        raise ValueError(
            f"aggregate_areas: more than one row per area and month for {indicator.id!r}"
        )
    order = np.argsort(months, kind="stable")
    bounds = [pd.Timestamp(p) for p in (start, end) if p is not None]
    bounds += [pd.Timestamp(stamps[order[0]]), pd.Timestamp(stamps[order[-1]])]
    if len(hidden_stamps):
        bounds += [pd.Timestamp(hidden_stamps.min()), pd.Timestamp(hidden_stamps.max())]
    index = month_range(min(bounds), max(bounds))
    origin = index[0].to_datetime64().astype("datetime64[M]")
    at = (months[order] - origin).astype("int64")
    value = values[mask][order]
    columns = {name: np.full(len(index), np.nan) for name in ("value", "numerator", "denominator")}
    if indicator.kind == "proportion":
        base = bases[mask][order]
        columns["numerator"][at] = value
        columns["denominator"][at] = base
        with np.errstate(invalid="ignore", divide="ignore"):
            columns["value"][at] = np.where(base > 0, value / base, np.nan)
    elif indicator.kind == "median_days":
        columns["value"][at] = value
    else:
        columns["value"][at] = value
        columns["numerator"][at] = value
    status = np.full(len(index), None, dtype=object)
    preliminary = _equal(obs["status"], "preliminary")[mask]
    status[at] = np.where(preliminary[order], "preliminary", "final")
    suppressed = np.zeros(len(index), dtype=bool)
    suppressed[(hidden_months - origin).astype("int64")] = True
    # status stays object (None where missing), as the general path leaves it
    return pd.DataFrame(
        {
            **columns,
            "status": pd.Series(status, index=index, dtype=object),
            "suppressed": suppressed,
        },
        index=index,
    )


def _equal(column: pd.Series, value: str) -> np.ndarray:
    """column == value as a numpy bool array, missing cells False (Arrow text compared by
    pyarrow, without pandas' per-call overhead)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        equal = pc.fill_null(pc.equal(pa.array(column), value), False)
        return np.asarray(equal.to_numpy(zero_copy_only=False), dtype=bool)
    return (column == value).to_numpy(dtype=bool, na_value=False)


def _complete(
    series: pd.DataFrame,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Reindex to every month between the first and last (widened by start/end), NaN in gaps."""
    bounds = [pd.Timestamp(p) for p in (start, end) if p is not None]
    bounds += list(series.index[:1]) + list(series.index[-1:])
    if not bounds:
        return empty_series()
    series = series.copy()
    series.index = month_starts(series.index)
    series = series.sort_index()
    out = series.reindex(month_range(min(bounds), max(bounds)))
    out["status"] = out["status"].astype(object).where(out["status"].notna(), None)
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False).astype(bool)
    return out


def _as_months(months: Iterable[pd.Timestamp | str]) -> pd.DatetimeIndex:
    stamps = [pd.Timestamp(m).to_period("M").to_timestamp() for m in months]
    return pd.DatetimeIndex(sorted(set(stamps)), name="period")


def aggregate_period(
    obs_series: pd.DataFrame,
    indicator: Indicator,
    months: Iterable[pd.Timestamp | str],
    *,
    complete: bool = True,
) -> pd.Series:
    """One value for a span of months (a year, a quarter, year to date) of a series.

    count: sum over the months. stock: the level in the last month. proportion: sum of
    numerators / sum of denominators. median_days: not aggregable, NaN (a span of a single
    month returns that month's value unchanged).
    complete: when True (default) the result is NaN if any month in ``months`` has no value
        (a year total with a month missing would understate); when False, missing months are
        skipped and a stock takes the level of the last month that has one.
    Returns a Series with value, numerator, denominator, status, months (requested) and
    months_missing. No months, or none with data, give NaN values and status None.
    """
    wanted = _as_months(months)
    sub = obs_series.reindex(wanted)
    if indicator.kind == "median_days":
        has = sub["value"].notna()
    elif indicator.kind == "proportion":
        # 0 of 0 is a reported month (its share is NaN), not a missing one
        has = sub["numerator"].notna() & sub["denominator"].notna()
    else:
        has = sub["numerator"].notna()
    missing = int((~has).sum())
    used = sub[has]
    result = {
        "value": math.nan,
        "numerator": math.nan,
        "denominator": math.nan,
        "status": None,
        "months": len(wanted),
        "months_missing": missing,
    }
    if used.empty or (complete and missing):
        return pd.Series(result, dtype=object)
    result["status"] = "preliminary" if (used["status"] == "preliminary").any() else "final"
    if indicator.kind == "count":
        total = float(used["numerator"].sum())
        result.update(value=total, numerator=total)
    elif indicator.kind == "stock":
        level = float(used["numerator"].iloc[-1])
        result.update(value=level, numerator=level)
        result["status"] = used["status"].iloc[-1]
    elif indicator.kind == "proportion":
        num, den = float(used["numerator"].sum()), float(used["denominator"].sum())
        result.update(value=share(num, den), numerator=num, denominator=den)
    elif len(wanted) == 1:  # median_days: one month is not an aggregation
        result["value"] = float(used["value"].iloc[0])
    return pd.Series(result, dtype=object)


def rolling_12(series: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The series over the latest 12 months at each month (same index as ``series``).

    count: 12-month sum. stock: the level itself (a level does not accumulate). proportion:
    12-month sum of numerators / 12-month sum of denominators. median_days: NaN.
    A month gets NaN until 12 months of data are available, and whenever one of the 12 months is
    missing (a partial sum would look like a fall). status is "preliminary" if any of the 12
    months is. Empty input gives ``empty_series()``.
    """
    if series.empty:
        return empty_series()
    full = _complete(series)
    if indicator.kind == "stock":
        return full.reindex(series.index)
    out = empty_series().reindex(full.index)
    if indicator.kind in ROLLING_KINDS:
        num = full["numerator"].rolling(12, min_periods=12).sum()
        out["numerator"] = num
        if indicator.kind == "proportion":
            den = full["denominator"].rolling(12, min_periods=12).sum()
            out["denominator"] = den
            out["value"] = share(num, den).to_numpy()
        else:
            out["value"] = num
    preliminary = (full["status"] == "preliminary").astype(float).rolling(12, min_periods=1).max()
    status = np.where(preliminary > 0, "preliminary", "final").astype(object)
    out["status"] = pd.Series(status, index=full.index).where(out["value"].notna(), None)
    return out.reindex(series.index)


@dataclass(frozen=True)
class YearOnYear:
    """A value compared with the same month a year earlier.

    change: value - previous_value in the indicator's unit (for a proportion, in share units:
        0.034 = 3.4 percentage points). change_relative: change / previous_value (0.1 = +10 %).
    Both are None when either value is missing; change_relative is also None when the previous
    value is 0.
    """

    indicator_id: str
    kind: str
    period: pd.Timestamp | None
    value: float | None
    previous_period: pd.Timestamp | None
    previous_value: float | None
    change: float | None
    change_relative: float | None


def year_on_year(
    series: pd.DataFrame,
    indicator: Indicator,
    period: pd.Timestamp | str | None = None,
) -> YearOnYear:
    """Compare ``period`` (default: the latest month with a value) with the same month last year.

    Works on any series (monthly or ``rolling_12``); values are compared as they are. An empty
    series gives a YearOnYear with every value None.
    """
    values = series["value"] if not series.empty else pd.Series(dtype="float64")
    if period is None:
        present = values.dropna()
        if present.empty:
            return YearOnYear(indicator.id, indicator.kind, None, None, None, None, None, None)
        current = pd.Timestamp(present.index[-1])
    else:
        current = pd.Timestamp(period).to_period("M").to_timestamp()
    value = _value_at(values, current)
    previous, base, change, relative = change_from_year_earlier(values, current, value)
    return YearOnYear(
        indicator.id, indicator.kind, current, value, previous, base, change, relative
    )


def change_from_year_earlier(
    values: pd.Series, period: pd.Timestamp, value: float | None
) -> tuple[pd.Timestamp, float | None, float | None, float | None]:
    """``value`` (at ``period``) against the same period a year earlier in ``values`` (indexed
    by period): (that period, its value, the change, the change relative to it). The change is
    None when either value is missing (NaN or absent); the relative change also when the earlier
    value is 0."""
    previous = period - pd.DateOffset(years=1)
    base = _value_at(values, previous)
    change = None if value is None or base is None else value - base
    relative = None if change is None or base == 0 else change / base
    return previous, base, change, relative


def _value_at(values: pd.Series, period: pd.Timestamp) -> float | None:
    if period not in values.index:
        return None
    value = values.loc[period]
    return None if pd.isna(value) else float(value)


def rate_per_100k(value: float | None, population: float | None) -> float | None:
    """value per 100 000 inhabitants; None when the value is missing or the population is
    unknown or not positive. A monthly count gives a monthly rate; use ``rolling_12`` first for
    an annual rate."""
    if value is None or population is None or pd.isna(value) or pd.isna(population):
        return None
    if population <= 0:
        return None
    return float(value) / float(population) * PER


def add_rate_per_100k(
    frame: pd.DataFrame,
    catalog: Catalog,
    population: Population,
    *,
    indicator: Indicator | None = None,
    area_codes: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with ``population``, ``population_year`` and ``rate_per_100k``
    columns (NaN where unknown).

    Two shapes are accepted:
    - an observation frame (columns indicator_id, area_code, period, value): each row uses its
      own area's population for the period's year; the kind and the population base come from
      ``indicator`` or, if not given, from the catalog entry of the row's indicator_id.
    - a series (indexed by period): pass ``indicator`` and ``area_codes``; the population is the
      sum over those areas, unknown if any of them is unknown.
    Each figure is the indicator's base (`population_base`) in the period's year, or the latest
    earlier year (``population_year`` says which; for a sum, the oldest used). Only count and
    stock values get a rate; a share or a median gets NaN.
    """
    out = frame.copy()
    cache: dict[tuple[str, int, str], tuple[float, float]] = {}
    if "area_code" in out.columns:
        periods = pd.to_datetime(out["period"])
        ids = (
            pd.Series(indicator.id, index=out.index)
            if indicator is not None
            else out["indicator_id"]
        )
        entries = {i: catalog.indicator(i) for i in set(ids)}
        kinds = ids.map(lambda i: entries[i].kind)
        found = [
            _population(population, (code,), year, entries[i].population_base, cache)
            for code, year, i in zip(out["area_code"], periods.dt.year, ids, strict=True)
        ]
    else:
        if indicator is None or area_codes is None:
            raise ValueError("add_rate_per_100k: a series needs indicator and area_codes")
        codes = (area_codes,) if isinstance(area_codes, str) else tuple(area_codes)
        kinds = pd.Series(indicator.kind, index=out.index)
        years = pd.DatetimeIndex(out.index).year
        found = [
            _population(population, codes, year, indicator.population_base, cache) for year in years
        ]
    out["population"] = np.asarray([f[0] for f in found], dtype="float64")
    out["population_year"] = np.asarray([f[1] for f in found], dtype="float64")
    rateable = kinds.isin(RATE_KINDS).to_numpy() & (out["population"] > 0).to_numpy()
    values = out["value"].astype("float64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = values / out["population"].to_numpy() * PER
    out["rate_per_100k"] = np.where(rateable, rate, np.nan)
    return out


def _population(
    population: Population,
    codes: tuple[str, ...],
    year: int,
    base: str,
    cache: dict[tuple[str, int, str], tuple[float, float]],
) -> tuple[float, float]:
    """(inhabitants summed over codes, the oldest figure year used); NaNs if any is unknown."""
    total, oldest = 0.0, math.inf
    for code in codes:
        key = (code, int(year), base)
        if key not in cache:
            figure = population.figure(code, int(year), base)
            cache[key] = (
                (math.nan, math.nan)
                if figure is None
                else (float(figure.inhabitants), float(figure.year))
            )
        total += cache[key][0]
        oldest = min(oldest, cache[key][1])
    return total, oldest

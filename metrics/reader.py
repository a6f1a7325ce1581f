"""Reading one series: an indicator at an area up to a month (``read_indicator``), every area
of an indicator at once (``read_area_series``), the whole catalog (``read_catalog``), and their
inputs (the target set for an area, the months where limits start again). What a reading is and
says lives in metrics/reading.py; docs/spc.md explains the charts."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from metrics.aggregate import AreaSeries, aggregate_areas, area_series, split_by_indicator
from metrics.periods import month_starts
from metrics.progress import (
    Progress,
    _meets,
    _month,
    assurance_icon,
    compute_progress,
    rare_event_summary,
    variation_icon,
)
from metrics.reading import HIDDEN_SHARE, MIN_POINTS, NEAR_ZERO_MEAN, REGION, Reading
from metrics.spc import ShortPeriodWarning, XmrResult, rebase_positions, xmr, xmr_batch

if TYPE_CHECKING:
    from metrics.catalog import Baseline, Catalog, Indicator, Target


# ---------------------------------------------------------------------------------------------
# Inputs: targets for an area, rebase months


def area_target(
    indicator: Indicator, area_code: str | None
) -> tuple[Target | None, Baseline | None]:
    """The target and baseline set for ``area_code``: the area's own (catalog
    ``[[indicators.area_targets]]``) if it has one, else the indicator's target when the area is
    the region it was set for; (None, None) elsewhere (a regional target says nothing about a
    municipality)."""
    own = dict(indicator.area_targets)
    if area_code in own:
        return own[area_code], None
    if area_code is None or area_code == REGION:
        return indicator.target, indicator.baseline
    return None, None


def rebase_months(
    indicator: Indicator, process_changes: Iterable[pd.Timestamp | str] = ()
) -> tuple[pd.Timestamp, ...]:
    """The months where the indicator's limits start again: its catalog series breaks and the
    process changes recorded for it, as first days of months, sorted, without repeats."""
    months = {_month(b.period) for b in indicator.breaks}
    months |= {_month(m) for m in process_changes}
    return tuple(sorted(months))


# ---------------------------------------------------------------------------------------------
# Reading one series


def read_indicator(
    series: pd.DataFrame,
    indicator: Indicator,
    area_code: str | None = REGION,
    *,
    rebases: Sequence[pd.Timestamp | str] = (),
    as_of: pd.Timestamp | str | None = None,
    hidden: pd.Series | None = None,
    fallback: bool = False,
) -> Reading:
    """The reading of ``indicator`` in ``area_code`` for the month ``as_of`` (default: the latest).

    series: the whole stored series (``aggregate_areas`` shape, indexed by month, a ``value``
        column; gaps NaN), never a displayed cut: months after ``as_of`` are ignored, earlier
        ones all count.
    rebases: months where a new baseline starts (``rebase_months``): XmR limits follow the
        points since the last one, and the near-zero test reads the same points.
    hidden: True for months disclosure control hides where the reading is shown (briefing
        mode; default the series' ``suppressed`` column). They only decide whether the reading
        is withheld (``hides_reading``); the reading itself is made on ``series``' values.
    fallback: the reading is the region's, shown for an area that does not report the indicator.
    """
    values, flags = _monthly_values(series, as_of, hidden)
    reading = _settled(indicator, area_code, values, flags, rebases)
    if reading is None:
        shown = _shown(values)
        target, positions = _xmr_inputs(indicator, area_code, shown, rebases)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = xmr(
                shown,
                improvement=indicator.direction,
                target=target,
                fix_after_n_points=indicator.fix_after_n_points,
                rebase_at=positions,
            )
        messages = [str(w.message) for w in caught]
        reading = _with_xmr(indicator, area_code, shown, result, messages, rebases)
        reading = _withhold(reading, values, flags, indicator)
    return replace(reading, fallback=fallback) if fallback else reading


def read_area_series(
    table: AreaSeries,
    indicators: Iterable[Indicator],
    areas: Mapping[str, str | None] | None = None,
    *,
    rebases: Mapping[str, Sequence[pd.Timestamp | str]] | None = None,
    as_of: pd.Timestamp | str | None = None,
    fallbacks: Iterable[str] = (),
) -> dict[str, Reading]:
    """``read_indicator`` for each of ``indicators`` (all in ``table``), in their order, with the
    XmR charts of all of them computed in one batch (``xmr_batch``).

    areas: indicator id → the area it was read in (for its target; default the region).
    rebases: indicator id → its rebase months (default none). fallbacks: ids read at the region
    for an area that does not report them. ``table.hidden`` marks months disclosure control
    hides (briefing mode); ``table.value`` must hold the stored values.
    """
    month = _month(as_of) if as_of is not None else None
    areas = areas or {}
    rebases = rebases or {}
    fallback_ids = set(fallbacks)
    out: dict[str, Reading] = {}
    charted: list[tuple[Indicator, pd.Series, pd.Series, pd.Series]] = []
    for indicator in indicators:
        area = areas.get(indicator.id, REGION)
        values, flags = _row_values(table, table.row(indicator.id), month)
        settled = _settled(indicator, area, values, flags, rebases.get(indicator.id, ()))
        out[indicator.id] = settled  # a placeholder in its place when charted below
        if settled is None:
            charted.append((indicator, values, flags, _shown(values)))
    inputs = [
        _xmr_inputs(ind, areas.get(ind.id, REGION), shown, rebases.get(ind.id, ()))
        for ind, _, _, shown in charted
    ]
    with warnings.catch_warnings():
        # xmr_batch keeps each chart's warnings in its result, as read_indicator collects them.
        warnings.simplefilter("ignore", ShortPeriodWarning)
        results = xmr_batch(
            [shown for _, _, _, shown in charted],
            improvement=[ind.direction for ind, _, _, _ in charted],
            target=[target for target, _ in inputs],
            fix_after_n_points=[ind.fix_after_n_points for ind, _, _, _ in charted],
            rebase_at=[positions for _, positions in inputs],
        )
    for (ind, values, flags, shown), result in zip(charted, results, strict=True):
        reading = _with_xmr(
            ind,
            areas.get(ind.id, REGION),
            shown,
            result,
            list(result.warnings),
            rebases.get(ind.id, ()),
        )
        out[ind.id] = _withhold(reading, values, flags, ind)
    for indicator_id in fallback_ids & set(out):
        out[indicator_id] = replace(out[indicator_id], fallback=True)
    return out


def read_catalog(
    obs: pd.DataFrame,
    catalog: Catalog,
    area_codes: Iterable[str] | str,
    *,
    as_of: pd.Timestamp | str | None = None,
    process_changes: Mapping[str, Sequence[pd.Timestamp | str]] | None = None,
) -> dict[str, Reading]:
    """Read every catalog indicator for an area (or the sum of a set of areas), in catalog
    order, each rebased at its catalog series breaks and its recorded ``process_changes``
    (indicator id → months). An indicator with no valid area among them, or no data, gets
    category "no_data"."""
    codes = (area_codes,) if isinstance(area_codes, str) else tuple(area_codes)
    extra = process_changes or {}
    every = {i.id: rebase_months(i, extra.get(i.id, ())) for i in catalog.indicators}
    if len(codes) == 1:
        areas = {
            i.id: codes[0] if codes[0] in catalog.valid_areas(i.id) else None
            for i in catalog.indicators
        }
        table = area_series(obs, catalog.indicators, [areas[i.id] for i in catalog.indicators])
        return read_area_series(table, catalog.indicators, areas, rebases=every, as_of=as_of)
    parts = split_by_indicator(obs)
    empty = obs.iloc[0:0]
    area = codes[0] if len(codes) == 1 else None
    out: dict[str, Reading] = {}
    for indicator in catalog.indicators:
        valid = set(catalog.valid_areas(indicator.id))
        rows = parts.get(indicator.id, empty)
        series = aggregate_areas(rows, indicator, [c for c in codes if c in valid])
        out[indicator.id] = read_indicator(
            series, indicator, area, rebases=every[indicator.id], as_of=as_of
        )
    return out


# ---------------------------------------------------------------------------------------------
# Internals


def _monthly_values(
    series: pd.DataFrame, as_of: pd.Timestamp | str | None, hidden: pd.Series | None
) -> tuple[pd.Series, pd.Series]:
    """The series' values up to ``as_of`` and which months are hidden (bools), from its first to
    its last month with a value or hidden (both empty when it has neither)."""
    values = series["value"].astype("float64") if not series.empty else pd.Series(dtype="float64")
    if hidden is None and not series.empty and "suppressed" in series.columns:
        hidden = series["suppressed"]
    if hidden is not None and len(values):
        flags = hidden.reindex(values.index).astype("boolean").fillna(False).to_numpy(dtype=bool)
        flags = pd.Series(flags, index=values.index)
    else:
        flags = pd.Series(False, index=values.index, dtype=bool)
    index = values.index
    # aggregate_areas' months (a monthly range in microseconds) are already what this
    # normalisation gives; only other indexes pay for it.
    normalised = (
        isinstance(index, pd.DatetimeIndex)
        and index.freqstr == "MS"
        and index.dtype == "datetime64[us]"
    )
    if len(values) and not normalised:
        months = month_starts(values.index)
        values.index = months
        flags.index = months
        values, flags = values.sort_index(), flags.sort_index()
    if as_of is not None and len(values):
        keep = values.index <= _month(as_of)
        values, flags = values[keep], flags[keep]
    present = np.flatnonzero(values.notna().to_numpy() | flags.to_numpy())
    if present.size == 0:
        return pd.Series(dtype="float64"), pd.Series(dtype=bool)
    cut = slice(int(present[0]), int(present[-1]) + 1)
    return values.iloc[cut], flags.iloc[cut]


def _row_values(
    table: AreaSeries, row: int, month: pd.Timestamp | None
) -> tuple[pd.Series, pd.Series]:
    """``_monthly_values(table.series(...), month)`` read straight from the table's arrays."""
    stop = len(table.months) if month is None else table.months.searchsorted(month, "right")
    hidden = table.hidden[row, :stop]
    present = np.flatnonzero(~np.isnan(table.value[row, :stop]) | hidden)
    if present.size == 0:
        return pd.Series(dtype="float64"), pd.Series(dtype=bool)
    cut = slice(int(present[0]), int(present[-1]) + 1)
    index = table.months[cut]
    values = pd.Series(table.value[row, cut], index=index)
    return values.rename("value"), pd.Series(hidden[cut], index=index)


def _shown(values: pd.Series) -> pd.Series:
    """The values from the first to the last month with a value (what XmR reads)."""
    present = np.flatnonzero(values.notna().to_numpy())
    if present.size == 0:
        return values.iloc[0:0]
    return values.iloc[int(present[0]) : int(present[-1]) + 1]


def hides_reading(n_values: int, n_hidden: int, latest_hidden: bool) -> bool:
    """True when disclosure control hides too much of a series to show its reading: the latest
    month is hidden, or hidden months leave fewer than MIN_POINTS values, or more than
    HIDDEN_SHARE of the months are hidden (docs/spc.md)."""
    if n_hidden == 0:
        return False
    return latest_hidden or n_values < MIN_POINTS or n_hidden > HIDDEN_SHARE * (n_values + n_hidden)


def _count_values(values: pd.Series) -> int:
    return int(np.count_nonzero(~np.isnan(values.to_numpy(dtype="float64"))))


def _since_last_rebase(values: pd.Series, rebases: Sequence[pd.Timestamp | str]) -> pd.Series:
    if not rebases or values.empty:
        return values
    last = max(_month(m) for m in rebases)
    after = values[values.index >= last]
    return after if after.notna().any() else values


def is_near_zero(
    indicator: Indicator, values: pd.Series, rebases: Sequence[pd.Timestamp | str] = ()
) -> bool:
    """True for a count whose mean since the last rebase is below NEAR_ZERO_MEAN a month."""
    if indicator.kind != "count" or values.empty:
        return False
    recent = _since_last_rebase(values, rebases).to_numpy(dtype="float64")
    recent = recent[~np.isnan(recent)]
    return bool(recent.size) and float(recent.mean()) < NEAR_ZERO_MEAN


def _settled(
    indicator: Indicator,
    area_code: str | None,
    values: pd.Series,
    hidden: pd.Series,
    rebases: Sequence[pd.Timestamp | str],
) -> Reading | None:
    """The reading of a series with no values, of a rare or near-zero count, or of a stock;
    None when it is read on XmR."""
    target, baseline = area_target(indicator, area_code)
    months = rebase_months_of(rebases)
    if values.empty:
        return Reading(
            indicator.id,
            area_code,
            None,
            None,
            0,
            "no_data",
            "none",
            None,
            None,
            None,
            None,
            _progress(indicator, None, None, target, baseline),
            rebases=months,
        )
    n_hidden = int(hidden.sum())
    latest_hidden = bool(hidden.iloc[-1])
    last_period = values.index[-1]
    visible = values.where(~hidden.to_numpy(), np.nan)
    n_shown = _count_values(visible)
    if not values.notna().any() and not indicator.rare:
        # Only hidden months (a protected series): nothing to read, so nothing to show.
        return Reading(
            indicator.id,
            area_code,
            last_period,
            None,
            0,
            "hidden",
            "none",
            None,
            None,
            None,
            None,
            _progress(indicator, None, last_period, target, baseline),
            rebases=months,
            hidden_months=n_hidden,
            latest_hidden=latest_hidden,
        )
    near_zero = not indicator.rare and is_near_zero(indicator, values, rebases)
    if indicator.rare or near_zero:
        # Rare events are read as counts, and a hidden month is never zero events: the
        # summary of the shown months only leaves out what it cannot know.
        rare = rare_event_summary(
            visible, as_of=last_period, hidden=hidden, target=_rare_target(target)
        )
        progress = _progress(indicator, rare.events_last_12_months, last_period, target, baseline)
        return Reading(
            indicator.id,
            area_code,
            last_period,
            None if latest_hidden else _number(values.iloc[-1]),
            n_shown,
            "rare_event",
            "rare",
            None,
            None,
            None,
            None,
            progress,
            rare,
            near_zero=near_zero,
            rebases=months,
            hidden_months=n_hidden,
            latest_hidden=latest_hidden,
        )
    if indicator.kind == "stock":
        value = _number(values.dropna().iloc[-1]) if values.notna().any() else None
        period = values.dropna().index[-1] if values.notna().any() else last_period
        reading = Reading(
            indicator.id,
            area_code,
            period,
            value,
            _count_values(values),
            "stock",
            "stock",
            None,
            None,
            None,
            None,
            _progress(indicator, value, period, target, baseline),
            target_reached=_target_reached(indicator, values, target),
            rebases=months,
        )
        return _withhold(reading, values, hidden, indicator)
    return None


def rebase_months_of(rebases: Sequence[pd.Timestamp | str]) -> tuple[pd.Timestamp, ...]:
    return tuple(sorted({_month(m) for m in rebases}))


def _rare_target(target: Target | None) -> float:
    return float(target.value) if target is not None else 0.0


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _progress(
    indicator: Indicator,
    value: float | None,
    period: pd.Timestamp | None,
    target: Target | None,
    baseline: Baseline | None,
) -> Progress:
    if target is None:
        # No target set for this area: nothing to measure against, whatever the region's is.
        progress = compute_progress(indicator, value, period=period)
        return replace(
            progress,
            target=None,
            baseline=None,
            raw=None,
            share=None,
            expected=None,
            status=progress.status if progress.status in ("no_data", "neutral") else "no_target",
        )
    return compute_progress(indicator, value, period=period, target=target, baseline=baseline)


def _target_reached(
    indicator: Indicator, values: pd.Series, target: Target | None
) -> pd.Timestamp | None:
    """The first month a stock met its target (None without a target or before it is met)."""
    if target is None or indicator.direction == "neutral":
        return None
    present = values.dropna()
    met = [
        month
        for month, value in present.items()
        if _meets(float(value), float(target.value), indicator.direction)
    ]
    return pd.Timestamp(met[0]) if met else None


def _xmr_inputs(
    indicator: Indicator,
    area_code: str | None,
    values: pd.Series,
    rebases: Sequence[pd.Timestamp | str],
) -> tuple[float | None, list[int]]:
    """The target (set for the area) and the rebase positions an XmR chart takes."""
    target, _ = area_target(indicator, area_code)
    return (float(target.value) if target is not None else None), rebase_positions(
        values.index, rebases
    )


def _with_xmr(
    indicator: Indicator,
    area_code: str | None,
    values: pd.Series,
    result: XmrResult,
    messages: list[str],
    rebases: Sequence[pd.Timestamp | str],
) -> Reading:
    """The reading of a series (non-empty, first and last month with a value) on XmR."""
    target, baseline = area_target(indicator, area_code)
    last_period, last_value = values.index[-1], float(values.iloc[-1])
    n_points = _count_values(values)
    if indicator.frequency == "yearly" or n_points < MIN_POINTS:
        # Yearly series are read as a trend and against the target, never on XmR limits:
        # a handful of yearly values cannot support them (docs/spc.md).
        messages.insert(
            0,
            f"{indicator.id}: {n_points} {indicator.frequency} values: too few to call a signal",
        )
        category = "too_little_data"
    else:
        category = _category(result.variation)
    assurance, note = result.assurance, None
    if assurance is not None and target is not None:
        met = _meets(last_value, float(target.value), indicator.direction)
        moved = (
            assurance == "consistent_fail" and result.variation == "special_cause_improvement"
        ) or (assurance == "consistent_pass" and result.variation == "special_cause_concern")
        if (
            moved
            or (assurance == "consistent_fail" and met)
            or (assurance == "consistent_pass" and not met)
        ):
            # The current baseline's limits describe a process the series has since left (a
            # special cause towards the target, or a latest value on the other side): "always
            # misses" beside a series that has moved towards the target would mislead. The
            # reading says so until the chart is rebased where the process changed.
            messages.append(
                f"{indicator.id}: the process has left the limits behind the assurance reading "
                f"({assurance}); assurance withheld until the chart is rebased"
            )
            assurance, note = None, "moved"
    if indicator.frequency == "yearly":
        # A trend and the target only: no variation or assurance icon rests on yearly values.
        variation, assurance, note = None, None, None
    else:
        variation = result.variation
    return Reading(
        indicator.id,
        area_code,
        last_period,
        last_value,
        n_points,
        category,
        "xmr",
        variation,
        variation_icon(variation, indicator.direction) if variation else None,
        assurance,
        assurance_icon(assurance),
        _progress(indicator, last_value, last_period, target, baseline),
        assurance_note=note,
        rebases=rebase_months_of(rebases),
        warnings=tuple(messages),
        spc=result,
        frequency=indicator.frequency,
    )


def _withhold(
    reading: Reading, values: pd.Series, hidden: pd.Series, indicator: Indicator
) -> Reading:
    """The reading as briefing mode may show it: itself when disclosure control hides little
    enough (``hides_reading``), else withheld (category "hidden", no icons, no value)."""
    n_hidden = int(hidden.sum())
    if n_hidden == 0:
        return reading
    latest_hidden = bool(hidden.iloc[-1])
    n_shown = _count_values(values.where(~hidden.to_numpy(), np.nan))
    if not hides_reading(n_shown, n_hidden, latest_hidden):
        return replace(reading, hidden_months=n_hidden, latest_hidden=latest_hidden)
    target, baseline = area_target(indicator, reading.area_code)
    return replace(
        reading,
        period=values.index[-1],
        value=None if latest_hidden else reading.value,
        n_points=n_shown,
        category="hidden",
        variation=None,
        variation_icon=None,
        assurance=None,
        assurance_icon=None,
        assurance_note=None,
        target_reached=None,
        spc=None,
        progress=_progress(indicator, None, values.index[-1], target, baseline),
        hidden_months=n_hidden,
        latest_hidden=latest_hidden,
    )


def _category(point_type: str | None) -> str:
    if point_type is None:
        return "no_data"
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_improvement":
        return "improvement"
    if point_type == "special_cause_concern":
        return "concern"
    return "neutral"

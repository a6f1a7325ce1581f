"""What one indicator's chart draws at an area over the periods chosen, computed here so the chart only draws.

The series of the periods shown, the reading's XmR points on them as they are drawn (the
variation icon of each special-cause point, limits within what the data can be), the target's
path and, when asked for, the rolling 12-month line made on the whole series (so the first
months shown have a full year behind them). ``charts.indicator.build_indicator_chart`` draws an
``IndicatorView``; the indicator panel, the rebase offer and the briefing pack make it with
``view_indicator``. ``charts.trend.trend_figure`` draws ``signal_points``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.aggregate import ROLLING_KINDS, aggregate_areas, rolling_12
from metrics.catalog import Indicator
from metrics.disclosure import DEFAULT_THRESHOLD, PeriodTotal
from metrics.periods import MONTHS_IN
from metrics.progress import VARIATION_ICONS, RareEventSummary, trajectory, variation_icon
from metrics.reader import area_target
from metrics.reading import Reading

SIGNAL_COLUMNS = ("mean", "lower", "upper", "period", "icon")
"""The columns of ``signal_points``: what the trend chart draws of an XmR reading."""


@dataclass(frozen=True)
class IndicatorView:
    """One indicator at one area over the periods shown, with the reading it is drawn with.

    series: the series shown (``aggregate_areas`` shape, periods start..end).
    percent: True for shares, drawn in per cent.
    spc_points: the reading's XmR points on the periods of ``series`` (``xmr(...).points``
        reindexed); None for rare events, readings not made on XmR and readings whose limits
        disclosure control withholds. What ``charts.describe.describe_trend`` words.
    points: ``signal_points`` of ``spc_points``: what the chart draws of them (None likewise).
    target: the target's path on the periods shown (held at the target after its month), or None.
    rolling: the rolling 12-month value on the months shown, or None (not asked for, or an
        indicator that is not monthly).
    """

    indicator: Indicator
    area_code: str
    reading: Reading
    series: pd.DataFrame
    percent: bool
    spc_points: pd.DataFrame | None
    points: pd.DataFrame | None
    target: pd.Series | None
    rolling: pd.Series | None
    bars: tuple[RareBar, ...] = ()
    """For a rare-event reading: its bars per calendar year (``rare_bars``); () otherwise."""


@dataclass(frozen=True)
class RareBar:
    """One calendar year of a rare-event chart.

    count: the bar's events; None when not known (a month hidden, no year total to be had).
    fewer: the year's total is 1..threshold-1 (briefing mode says "färre än 5", draws no bar).
    months: months the year has reported (shown or hidden); partial: fewer than twelve.
    threshold: the disclosure threshold "fewer" is said against."""

    year: int
    count: float | None
    fewer: bool
    months: int
    partial: bool
    threshold: int = DEFAULT_THRESHOLD


def rare_bars(rare: RareEventSummary, year_totals=()) -> tuple[RareBar, ...]:
    """The bars of a rare-event reading: each year's events over its shown months; a year with a
    hidden month has no count (a hidden month may hold events) unless briefing mode's year total
    for it (``metrics.disclosure.period_totals``, `year_totals`) is shown, or says "fewer than"."""
    totals: dict[int, PeriodTotal] = {p.year: p for p in year_totals}
    bars = []
    for year, row in rare.per_year.iterrows():
        months = int(row["months_reported"]) + int(row["months_hidden"])
        count: float | None = float(row["events"])
        fewer = False
        if int(row["months_hidden"]) > 0:
            total = totals.get(int(year))
            count = None if total is None else total.total
            fewer = total is not None and total.fewer
        bars.append(RareBar(int(year), count, fewer, months, months < 12))
    return tuple(bars)


def period_series(
    obs: pd.DataFrame,
    indicator: Indicator,
    area_code: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    """The indicator's series for one area, periods ``start``..``end`` (None: open): every month,
    or for a quarterly or yearly indicator only its periods' first days (no empty months between)."""
    return _cut(aggregate_areas(obs, indicator, [area_code]), indicator, start, end)


def _cut(
    series: pd.DataFrame,
    indicator: Indicator,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    if series.empty:
        return series
    if indicator.frequency != "monthly":
        step = MONTHS_IN[indicator.frequency]
        series = series[(pd.DatetimeIndex(series.index).month - 1) % step == 0]
    if start is not None:
        series = series[series.index >= start]
    if end is not None:
        series = series[series.index <= end]
    return series


def target_path(indicator: Indicator, area_code: str, periods: pd.Index) -> pd.Series | None:
    """The area's target (``metrics.reader.area_target``) as a path over ``periods``: the
    trajectory from the baseline to the target, held at the target after its month; the target
    as a flat line where there is no trajectory. None without a target or without periods."""
    target, baseline = area_target(indicator, area_code)
    if target is None or not len(periods):
        return None
    first, last = periods.min(), periods.max()
    line = trajectory(indicator, baseline=baseline, target=target)
    if line.empty:
        return pd.Series(target.value, index=periods)
    if line.index[-1] < last:
        # The target is to be held after its month: the line goes on at the target.
        after = pd.date_range(line.index[-1], last, freq="MS")[1:]
        line = pd.concat([line, pd.Series(float(target.value), index=after)])
    return line[(line.index >= first) & (line.index <= last)]


def signal_points(
    spc_points: pd.DataFrame | None,
    series: pd.DataFrame,
    direction: str,
    *,
    percent: bool = False,
) -> pd.DataFrame | None:
    """What a trend chart draws of an XmR reading, aligned with ``series`` by position.

    spc_points: ``xmr(...).points`` aligned with ``series`` (same length and order; rows
        without a reading are NaN). None, or an empty frame (xmr of a series without values),
        gives None: no reading to draw.
    series: ``value`` and an optional boolean ``suppressed`` (a hidden month gets no icon).
    direction: the indicator's direction. "neutral" only ever gets the neutral icons, whatever
        direction the reading was computed with: a rise in reported crime is not good or bad.
    Returns ``SIGNAL_COLUMNS`` on ``series``' index: ``mean``; ``lower`` / ``upper``, the limits
    within what the data can be (not below 0, shares not above 1); ``period``, the XmR period
    (a new step after each rebase); ``icon``, the variation icon id of a special-cause point
    with a value (None for common cause, no reading or no value). Raises ValueError when the
    points are not aligned with the series.
    """
    if spc_points is None or len(spc_points) == 0:
        return None
    if len(spc_points) != len(series):
        raise ValueError(
            f"signal_points: spc_points has {len(spc_points)} rows, series {len(series)}: "
            "pass xmr(...).points aligned with the series (same periods, same order)"
        )
    value = _column(series, "value")
    if "suppressed" in series.columns:
        hidden = series["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        value = np.where(hidden, np.nan, value)
    mean = _column(spc_points, "mean")
    lower = np.maximum(_column(spc_points, "lpl"), 0.0)
    upper = _column(spc_points, "upl")
    if percent:
        upper = np.minimum(upper, 1.0)
    icons = np.full(len(series), None, dtype="object")
    if "point_type" in spc_points.columns:
        types = spc_points["point_type"].astype("object").to_numpy()
        # Only special-cause points with a value get an icon: look at those alone.
        special = pd.notna(types) & (types != "common_cause") & np.isfinite(value)
        for i in np.flatnonzero(special):
            icons[i] = signal_icon(types[i], direction, bool(value[i] >= mean[i]))
    return pd.DataFrame(
        {
            "mean": mean,
            "lower": lower,
            "upper": upper,
            "period": _column(spc_points, "period"),
            "icon": icons,
        },
        index=series.index,
    )


def signal_icon(point_type: object, direction: str, high: bool) -> str | None:
    """The variation icon id of a special-cause point (None for common cause or no reading).

    high: the value is at or above the mean (decides the neutral icon of a neutral indicator).
    """
    if not isinstance(point_type, str) or point_type == "common_cause":
        return None
    if direction == "neutral" or point_type.startswith("special_cause_neutral"):
        if point_type == "special_cause_neutral_high":
            high = True
        elif point_type == "special_cause_neutral_low":
            high = False
        return VARIATION_ICONS["neutral_high" if high else "neutral_low"].id
    icon = variation_icon(point_type, direction)
    return None if icon is None else icon.id


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if column.dtype.kind in "fi":  # numbers already: no parsing needed
        return column.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64")


def offers_rolling(indicator: Indicator) -> bool:
    """True when the indicator's chart can show a rolling 12-month line: a monthly count or
    share (a stock's rolling value is its level, a median has none)."""
    return indicator.kind in ROLLING_KINDS and indicator.frequency == "monthly"


def view_indicator(
    obs: pd.DataFrame,
    indicator: Indicator,
    area_code: str,
    *,
    reading: Reading,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    rolling: bool = False,
    year_totals: tuple[PeriodTotal, ...] = (),
) -> IndicatorView | None:
    """What the chart of ``reading`` (``indicator`` in ``area_code``) draws over ``start``..``end``.

    obs: observations as the caller shows them (protected by disclosure control in briefing
        mode). reading: the indicator's reading for the period ``end`` (``metrics.reading``),
        made on the whole stored series. rolling: add the rolling 12-month line (where
        ``offers_rolling``). year_totals: briefing mode's year totals of a region-only indicator
        (``ui.data.year_totals``), drawn as the bars of the years whose months are hidden.
    None when the area has no value in the period and no month hidden by disclosure control
    (the caller says so in words); periods that are all hidden are kept, as hidden.
    """
    whole = aggregate_areas(obs, indicator, [area_code])
    series = _cut(whole, indicator, start, end)
    if series.empty or not (series["value"].notna().any() or series["suppressed"].any()):
        return None
    percent = indicator.kind == "proportion"
    rare = reading.chart == "rare" and reading.rare is not None
    spc_points = None
    if not rare and reading.limits_shown:  # never where disclosure control hid a month
        spc_points = reading.spc.points.reindex(series.index)
    points = signal_points(spc_points, series, indicator.direction, percent=percent)
    target = None if rare else target_path(indicator, reading.area_code, series.index)
    line = None
    if rolling and not rare and offers_rolling(indicator):
        line = rolling_12(whole, indicator)["value"].reindex(series.index)
    bars = rare_bars(reading.rare, year_totals) if rare else ()
    return IndicatorView(
        indicator, area_code, reading, series, percent, spc_points, points, target, line, bars
    )

"""One indicator's framed chart, drawn from its reading and the months chosen.

The indicator panel and the briefing pack show the same chart: the series for one area over the
months chosen and the reading handed in (``metrics.reading``): an XmR chart (mean, limits and
signals of the whole series, drawn on the months shown), a stock's level against its target and
trajectory, or a rare event's yearly counts; plus the catalog's series breaks and the stored
events. The chart never computes a reading: the months shown change what is drawn, not the
signal. This is the one place the chart is put together, so screen and slide never differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.context import ChartContext, Lang
from charts.rare import rare_figure
from charts.trend import trend_figure
from metrics.aggregate import aggregate_areas, rolling_12
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_month
from metrics.periods import MONTHS_IN, format_period
from metrics.progress import trajectory
from metrics.reading import Reading, area_target


@dataclass(frozen=True)
class IndicatorChart:
    """The chart and the reading it draws.

    series: the monthly series shown (``aggregate_areas`` shape, months start..end).
    spc_points: the reading's XmR points on the months of ``series``; None for stocks, rare
        events and readings not made on XmR (pass it to ``describe_trend`` as it is).
    unit / percent: the y-axis unit in the chart's language; True for shares drawn in per cent.
    """

    series: pd.DataFrame
    reading: Reading
    context: ChartContext
    spc_points: pd.DataFrame | None
    unit: str
    percent: bool
    figure: go.Figure


def period_series(
    obs: pd.DataFrame,
    indicator: Indicator,
    area_code: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    """The indicator's series for one area, periods ``start``..``end`` (None: open): every month,
    or for a quarterly or yearly indicator only its periods' first days (no empty months between)."""
    series = aggregate_areas(obs, indicator, [area_code])
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


def build_indicator_chart(
    obs: pd.DataFrame,
    catalog: Catalog,
    indicator: Indicator,
    area_code: str,
    *,
    reading: Reading,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    lang: Lang,
    demo: bool,
    data_through: pd.Timestamp,
    events: Sequence[tuple[pd.Timestamp, str]] = (),
    rolling_label: str | None = None,
) -> IndicatorChart | None:
    """The framed chart of ``reading`` (``indicator`` in ``area_code``) over ``start``..``end``.

    obs: observations as the caller shows them (protected by disclosure control in briefing
        mode). reading: the indicator's reading for the month ``end`` (``metrics.reading``),
        made on the whole stored series; its sentence goes into the footer.
    data_through: the latest month in the database (for the chart's footer).
    events: (month, label in ``lang``), drawn as dotted lines.
    rolling_label: when given, a rolling 12-month line under that legend name (computed on the
        whole series, so the first months shown have a full year behind them).
    None when the area has no value in the period and no month hidden by disclosure control
    (the caller says so in words); months that are all hidden are drawn as hidden.
    """
    series = period_series(obs, indicator, area_code, start, end)
    if series.empty or not (series["value"].notna().any() or series["suppressed"].any()):
        return None
    first, last = series.index.min(), series.index.max()
    area_name = catalog.area(area_code).name(lang)
    ctx = ChartContext(
        title=indicator.label(lang),
        area_label=area_name,
        period_label=(
            f"{format_period(first, indicator.frequency, lang)}–"
            f"{format_period(last, indicator.frequency, lang)}"
        ),
        source=indicator.source,
        data_through=format_month(data_through, lang),
        demo=demo,
        lang=lang,
        filename=f"lagesbild_{indicator.id}_{area_code}_{last:%Y-%m}",
        reading=reading.sentence(lang),
        frequency=indicator.frequency,
    )
    unit = indicator.unit(lang)
    percent = indicator.kind == "proportion"
    if reading.chart == "rare" and reading.rare is not None:
        figure = rare_figure(reading.rare, ctx, unit=unit)
        return IndicatorChart(series, reading, ctx, None, unit, percent, figure)
    spc_points = None
    if reading.limits_shown:  # never where disclosure control hid a month (metrics.reading)
        spc_points = reading.spc.points.reindex(series.index)
    target_line = None
    target, baseline = area_target(indicator, reading.area_code)
    if target is not None:
        line = trajectory(indicator, baseline=baseline, target=target)
        if line.empty:
            line = pd.Series(target.value, index=series.index)
        elif line.index[-1] < last:
            # The target is to be held after its month: the line goes on at the target.
            after = pd.date_range(line.index[-1], last, freq="MS")[1:]
            line = pd.concat([line, pd.Series(float(target.value), index=after)])
        target_line = line[(line.index >= first) & (line.index <= last)]
    marks = list(events)
    if reading.target_reached is not None and first <= reading.target_reached <= last:
        marks.append((reading.target_reached, ctx.text("target_reached")))
    rolling = None
    if rolling_label is not None and indicator.frequency == "monthly":
        whole = aggregate_areas(obs, indicator, [area_code])
        rolling = rolling_12(whole, indicator)["value"].reindex(series.index)
    figure = trend_figure(
        series,
        ctx,
        unit=unit,
        percent=percent,
        spc_points=spc_points,
        target=target_line,
        breaks=[(pd.Timestamp(b.period + "-01"), b.reason(lang)) for b in indicator.breaks],
        events=marks,
        rolling=rolling,
        rolling_label=rolling_label,
        direction=indicator.direction,
    )
    return IndicatorChart(series, reading, ctx, spc_points, unit, percent, figure)

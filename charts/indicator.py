"""One indicator's framed trend chart built from the observations and the catalog entry.

The indicator panel and the briefing pack show the same chart: the series for one area over the
months chosen, its XmR reading (mean, limits and signals; none for rare events), the target
trajectory, the catalog's series breaks and the stored events. This is the one place it is put
together, so a chart on screen and on a slide never differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.context import ChartContext, Lang
from charts.trend import trend_figure
from metrics.aggregate import aggregate_areas, rolling_12
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_month
from metrics.progress import Assessment, assess_indicator, trajectory


@dataclass(frozen=True)
class IndicatorChart:
    """The chart and what was read to draw it.

    series: the monthly series shown (``aggregate_areas`` shape, months start..end).
    spc_points: the XmR points aligned with ``series``; None for rare events and series without
        a reading (pass it to ``describe_trend`` as it is).
    unit / percent: the y-axis unit in the chart's language; True for shares drawn in per cent.
    """

    series: pd.DataFrame
    assessment: Assessment
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
    """The indicator's monthly series for one area, months ``start``..``end`` (None: open)."""
    series = aggregate_areas(obs, indicator, [area_code])
    if series.empty:
        return series
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
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    lang: Lang,
    demo: bool,
    data_through: pd.Timestamp,
    events: Sequence[tuple[pd.Timestamp, str]] = (),
    rolling_label: str | None = None,
    rebases: Sequence[pd.Timestamp] = (),
) -> IndicatorChart | None:
    """The framed trend chart of ``indicator`` in ``area_code`` over ``start``..``end``.

    obs: observations as the caller shows them (protected by disclosure control in briefing
        mode). data_through: the latest month in the database (for the chart's footer).
    events: (month, label in ``lang``), drawn as dotted lines.
    rebases: months where the XmR limits start again besides the series breaks (the process
        changes recorded: ``ui.data.rebases``; the shift offer previews one more).
    rolling_label: when given, a rolling 12-month line under that legend name (computed on the
        whole series, so the first months shown have a full year behind them).
    None when the area has no value in the period and no month hidden by disclosure control
    (the caller says so in words); months that are all hidden are drawn as hidden.
    """
    series = period_series(obs, indicator, area_code, start, end)
    if series.empty or not (series["value"].notna().any() or series["suppressed"].any()):
        return None
    assessment = assess_indicator(indicator, series, rebases=rebases)
    first, last = series.index.min(), series.index.max()
    ctx = ChartContext(
        title=indicator.label(lang),
        area_label=catalog.area(area_code).name(lang),
        period_label=f"{format_month(first, lang)}–{format_month(last, lang)}",
        source=indicator.source,
        data_through=format_month(data_through, lang),
        demo=demo,
        lang=lang,
        filename=f"lagesbild_{indicator.id}_{area_code}_{last:%Y-%m}",
    )
    spc_points = None
    if assessment.spc is not None and not indicator.rare:
        spc_points = assessment.spc.points.reindex(series.index)
    target = None
    if indicator.target is not None:
        line = trajectory(indicator)
        if line.empty:
            line = pd.Series(indicator.target.value, index=series.index)
        target = line[(line.index >= first) & (line.index <= last)]
    rolling = None
    if rolling_label is not None:
        whole = aggregate_areas(obs, indicator, [area_code])
        rolling = rolling_12(whole, indicator)["value"].reindex(series.index)
    unit = indicator.unit(lang)
    percent = indicator.kind == "proportion"
    figure = trend_figure(
        series,
        ctx,
        unit=unit,
        percent=percent,
        spc_points=spc_points,
        target=target,
        breaks=[(pd.Timestamp(b.period + "-01"), b.reason(lang)) for b in indicator.breaks],
        events=list(events),
        rolling=rolling,
        rolling_label=rolling_label,
        direction=indicator.direction,
    )
    return IndicatorChart(series, assessment, ctx, spc_points, unit, percent, figure)

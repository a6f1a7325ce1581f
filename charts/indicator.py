"""One indicator's framed chart, drawn from the view of it handed in (``metrics.indicator_view``).

The indicator panel and the briefing pack show the same chart: the series for one area over the
periods chosen and its reading (``metrics.reading``): an XmR chart (mean, limits and signals of
the whole series, drawn on the periods shown), a stock's level against its target and
trajectory, or a rare event's yearly counts; plus the catalog's series breaks and the stored
events. The chart computes nothing: ``metrics.indicator_view.view_indicator`` made the series,
the XmR points as drawn, the target's path and the rolling line, and the months shown change
what is drawn, not the signal. This is the one place the chart is put together, so screen and
slide never differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.context import ChartContext
from charts.rare import rare_figure
from charts.trend import trend_figure
from i18n import Lang
from metrics.catalog import Catalog
from metrics.formatting import format_month
from metrics.indicator_view import IndicatorView
from metrics.periods import format_period
from metrics.reading import Reading


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


def build_indicator_chart(
    view: IndicatorView,
    catalog: Catalog,
    *,
    lang: Lang,
    demo: bool,
    data_through: pd.Timestamp,
    events: Sequence[tuple[pd.Timestamp, str]] = (),
    rolling_label: str | None = None,
) -> IndicatorChart:
    """The framed chart of ``view`` (``metrics.indicator_view.view_indicator``: the series, the
    reading, its XmR points as drawn, the target's path and the rolling line, all made there).

    The reading's sentence goes into the footer.
    data_through: the latest month in the database (for the chart's footer).
    events: (month, label in ``lang``), drawn as dotted lines.
    rolling_label: the legend name of the view's rolling 12-month line (when it has one).
    """
    indicator, reading, series = view.indicator, view.reading, view.series
    first, last = series.index.min(), series.index.max()
    ctx = ChartContext(
        title=indicator.label(lang),
        area_label=catalog.area(view.area_code).name(lang),
        period_label=(
            f"{format_period(first, indicator.frequency, lang)}–"
            f"{format_period(last, indicator.frequency, lang)}"
        ),
        source=indicator.source,
        data_through=format_month(data_through, lang),
        demo=demo,
        lang=lang,
        filename=f"lagesbild_{indicator.id}_{view.area_code}_{last:%Y-%m}",
        reading=reading.sentence(lang),
        frequency=indicator.frequency,
    )
    unit = indicator.unit(lang)
    percent = view.percent
    if reading.chart == "rare" and reading.rare is not None:
        figure = rare_figure(view.bars, ctx, unit=unit)
        return IndicatorChart(series, reading, ctx, None, unit, percent, figure)
    marks = list(events)
    if reading.target_reached is not None and first <= reading.target_reached <= last:
        marks.append((reading.target_reached, ctx.text("target_reached")))
    figure = trend_figure(
        series,
        ctx,
        unit=unit,
        percent=percent,
        signals=view.points,
        target=view.target,
        breaks=[(pd.Timestamp(b.period + "-01"), b.reason(lang)) for b in indicator.breaks],
        events=marks,
        rolling=view.rolling,
        rolling_label=rolling_label,
    )
    return IndicatorChart(series, reading, ctx, view.spc_points, unit, percent, figure)

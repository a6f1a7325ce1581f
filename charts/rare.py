"""Rare events and near-zero counts drawn as yearly counts (no monthly spike line, no limits)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from charts import theme
from charts.context import ChartContext
from metrics.formatting import format_number
from metrics.indicator_view import RareBar

PLOT_HEIGHT = 300
_BAR = "#4a6fa5"
_PARTIAL = "#a9bcd8"


def rare_figure(bars: Sequence[RareBar], ctx: ChartContext, *, unit: str) -> go.Figure:
    """A framed bar chart of events per calendar year, ready for a briefing.

    bars: the view's years (``metrics.indicator_view.rare_bars``). A year with fewer than 12
    reported months is drawn lighter and labelled "(n mån)"; a year whose count is not known
    (a hidden month, no year total) shows "..", one whose total is small "färre än 5", no bar.
    """
    lang = ctx.lang
    years = [str(bar.year) for bar in bars]
    counts, labels, colours, hover = [], [], [], []
    for bar in bars:
        if bar.fewer:
            text = ctx.text("rare_fewer").format(threshold=bar.threshold)
        elif bar.count is None:
            text = ".."
        else:
            text = format_number(bar.count, lang, 0)
        if bar.partial:
            text = ctx.text("rare_months").format(label=text, months=bar.months)
        counts.append(0 if bar.count is None else bar.count)
        labels.append(text)
        colours.append(_PARTIAL if bar.partial or bar.count is None else _BAR)
        hover.append(f"<b>{bar.year}</b><br>{text} {theme.escape(unit)}")
    fig = theme.FigureDraft().add_trace(
        theme.trace(
            "bar",
            x=years,
            y=counts,
            text=labels,
            textposition="outside",
            marker={"color": colours},
            hovertext=hover,
            hoverinfo="text",
            name=ctx.text("per_year"),
            showlegend=True,
        )
    )
    frame = theme.frame_geometry(ctx, title_in_legend=True, notes=[ctx.text("rare_note")])
    theme.apply_frame(fig, ctx, frame, plot_height=PLOT_HEIGHT)
    top = max(counts, default=0)
    yaxis = theme.value_axis(lang, percent=False, title=unit)
    yaxis.update(range=[0, max(1.0, top * 1.25 + 0.5)], rangemode="nonnegative")
    if top <= 10:
        yaxis.update(dtick=1, tick0=0)
    fig.update_layout(yaxis=yaxis, xaxis={"type": "category", "showgrid": False})
    return fig.figure()

"""Rare events and near-zero counts drawn as yearly counts (no monthly spike line, no limits)."""

from __future__ import annotations

import plotly.graph_objects as go

from charts import theme
from charts.context import ChartContext
from metrics.formatting import format_number
from metrics.progress import RareEventSummary

PLOT_HEIGHT = 300
_BAR = "#4a6fa5"
_PARTIAL = "#a9bcd8"


def rare_figure(rare: RareEventSummary, ctx: ChartContext, *, unit: str) -> go.Figure:
    """A framed bar chart of events per calendar year, ready for a briefing.

    rare: the reading's summary (``Reading.rare``). A year with fewer than 12 reported months is
    drawn lighter and labelled "(n mån)"; a year with months disclosure control hid shows ".."
    instead of a count (a hidden month may hold events, so the sum is not known).
    """
    lang = ctx.lang
    per_year = rare.per_year
    years = [str(y) for y in per_year.index]
    counts, labels, colours, hover = [], [], [], []
    for year, row in per_year.iterrows():
        partial = int(row["months_reported"]) + int(row["months_hidden"]) < 12
        hidden = int(row["months_hidden"]) > 0
        events = int(row["events"])
        counts.append(0 if hidden else events)
        text = ".." if hidden else format_number(events, lang, 0)
        if partial:
            months = int(row["months_reported"]) + int(row["months_hidden"])
            text += f" ({months} {'mån' if lang == 'sv' else 'mo'})"
        labels.append(text)
        colours.append(_PARTIAL if partial or hidden else _BAR)
        hover.append(f"<b>{year}</b><br>{text} {theme.escape(unit)}")
    fig = go.Figure(
        go.Bar(
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
    return fig

"""Areas side by side: a dot per area in a fixed order (never a league table), a reference band."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import theme
from charts.context import ChartContext
from metrics.formatting import MISSING_TEXT

ROW_HEIGHT = 26
"""Height (px) per area row."""
MIN_PLOT_HEIGHT = 120


def area_comparison_figure(
    frame: pd.DataFrame,
    ctx: ChartContext,
    *,
    unit: str,
    reference: tuple[float, float] | None = None,
    reference_label: str = "",
    percent: bool = False,
    notes: Sequence[str] = (),
) -> go.Figure:
    """A horizontal dot plot with one row per area, top to bottom in the order given.

    frame: one row per area with ``area_label``, ``value`` (a rate per 100 000, or a share 0..1
        with ``percent``) and ``suppressed`` (bool; missing → False). Pass the areas in catalog
        order (by code): the chart keeps that order and never sorts by value.
    unit: the x-axis title, e.g. "per 100 000 invånare".
    reference: (low, high) in the value's unit, drawn as a shaded band behind the dots (e.g. the
        middle half of the areas); reference_label names it in the legend.
    A suppressed area shows ".." instead of a dot, and its value (whatever the frame holds) is
    not put anywhere in the figure; an area without a value (not suppressed) shows ".." too.
    Each dot carries its value as text, formatted the Swedish way. With ``lower`` and
    ``upper`` columns (the interval, same unit as ``value``) each dot gets its interval as a
    whisker. notes: extra footer lines (e.g. the population base and year).
    """
    missing = {"area_label", "value"} - set(frame.columns)
    if missing:
        raise ValueError(f"area_comparison_figure: frame lacks column(s) {sorted(missing)}")
    lang = ctx.lang
    scale = 100.0 if percent else 1.0
    labels = [str(label) for label in frame["area_label"]]
    suppressed = (
        frame["suppressed"].fillna(False).astype(bool).to_numpy()
        if "suppressed" in frame.columns
        else np.zeros(len(frame), dtype=bool)
    )
    raw = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64")
    shown = ~suppressed & np.isfinite(raw)
    rows = np.arange(len(frame))

    fig = theme.FigureDraft()
    legend: list[str] = []
    band = _reference(reference, scale)
    if band is not None:
        name = reference_label or ctx.text("reference")
        legend.append(name)
        fig.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            x0=band[0],
            x1=band[1],
            y0=0,
            y1=1,
            fillcolor=theme.BAND,
            line={"width": 0},
            layer="below",
            name="reference",
        )
        fig.add_trace(
            theme.trace(
                "scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=theme.escape(name),
                marker={"symbol": "square", "size": 14, "color": theme.BAND},
                hoverinfo="skip",
            )
        )

    values = raw[shown] * scale
    texts = [
        theme.format_value(
            v / scale if percent else v, lang, percent=percent, decimals=_decimals(v)
        )
        for v in values
    ]
    hover = [
        f"<b>{theme.escape(labels[i])}</b><br>{text}" + (f" {theme.escape(unit)}" if unit else "")
        for i, text in zip(rows[shown], texts, strict=True)
    ]
    whiskers = None
    if {"lower", "upper"} <= set(frame.columns):
        low = pd.to_numeric(frame["lower"], errors="coerce").to_numpy(dtype="float64")[shown]
        high = pd.to_numeric(frame["upper"], errors="coerce").to_numpy(dtype="float64")[shown]
        whiskers = {
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(high * scale - values),
            "arrayminus": np.nan_to_num(values - low * scale),
            "color": theme.LIMIT_LINE,
            "thickness": 1.2,
            "width": 3,
        }
        extent_extra = [*(high[np.isfinite(high)] * scale)]
    else:
        extent_extra = []
    fig.add_trace(
        theme.trace(
            "scatter",
            x=values,
            y=rows[shown],
            **({} if whiskers is None else {"error_x": whiskers}),
            mode="markers+text",
            text=texts,
            textposition="middle right",
            textfont={"size": theme.SMALL_SIZE, "color": theme.MUTED},
            marker={
                "size": 11,
                "color": theme.SERIES_MARKER,
                "line": {"color": "#ffffff", "width": 1},
            },
            cliponaxis=False,
            showlegend=False,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name=theme.escape(ctx.title),
        )
    )
    for i in rows[~shown]:
        reason = ctx.text("suppressed" if suppressed[i] else "missing")
        fig.add_annotation(
            text=MISSING_TEXT,
            hovertext=f"{theme.escape(labels[i])}: {reason}",
            xref="paper",
            yref="y",
            x=0,
            y=int(i),
            xanchor="left",
            xshift=6,
            showarrow=False,
            font={"size": theme.BODY_SIZE, "color": theme.INK},
            name="suppressed" if suppressed[i] else "missing",
        )

    extra_notes = list(notes)
    notes = []
    if suppressed.any():
        notes.append(ctx.text("suppressed_note"))
    if (~suppressed & ~np.isfinite(raw)).any():
        notes.append(ctx.text("missing_note"))
    notes.append(ctx.text("fixed_order"))
    notes = [*extra_notes, *notes]
    longest = max((theme.text_width(label, theme.BODY_SIZE) for label in labels), default=40)
    geometry = theme.frame_geometry(
        ctx,
        legend_rows=1 if legend else 0,
        notes=notes,
        left=int(min(200, longest + 24)),
        below_plot=44,
    )
    plot_height = max(MIN_PLOT_HEIGHT, ROW_HEIGHT * len(frame) + 16)
    theme.apply_frame(fig, ctx, geometry, plot_height=plot_height)

    x_title = f"{unit}, %" if percent and unit else ("%" if percent else unit)
    xaxis = theme.value_axis(lang, percent=percent, title=x_title)
    xaxis.update(ticks="outside", ticklen=4, tickcolor=theme.GRID)
    extent = [*values, *extent_extra, *(band or ())]
    if extent:
        top = max(extent)
        # room on the right for the value written beside the largest dot
        xaxis["range"] = [0, top * 1.16 if top > 0 else 1]
    fig.update_layout(
        xaxis=xaxis,
        yaxis={
            "tickmode": "array",
            "tickvals": list(rows),
            "ticktext": [theme.escape(label) for label in labels],
            "range": [len(frame) - 0.5, -0.5],
            "showgrid": True,
            "gridcolor": theme.GRID,
            "griddash": "dot",
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
            "tickfont": {"size": theme.BODY_SIZE, "color": theme.INK},
        },
    )
    return fig.figure()


def _reference(reference: tuple[float, float] | None, scale: float) -> tuple[float, float] | None:
    if reference is None:
        return None
    low, high = (float(v) for v in reference)
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    low, high = sorted((low, high))
    return low * scale, high * scale


def _decimals(value: float) -> int:
    """Rates and per cents: one decimal below 100, none above (the spread is in the tens)."""
    return 1 if abs(value) < 100 else 0

"""Sparklines for overview cards: the shape of the recent series, the latest month marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import theme
from charts.context import Lang
from metrics.formatting import format_month


def sparkline_figure(
    series: pd.DataFrame | pd.Series,
    *,
    percent: bool = False,
    height: int = 60,
    lang: Lang = "sv",
) -> go.Figure:
    """A tiny line without axes, title or legend, its last value marked (open if preliminary).

    series: a series frame (``value``, optional ``status``) or a Series of values, indexed by
        month; NaN months leave a gap. ``percent``: values are shares 0..1, hovered as per cent.
    height: in px; the width follows the card. An empty series gives an empty, blank figure.
    """
    frame = series.to_frame("value") if isinstance(series, pd.Series) else series
    x = theme.months(frame.index)
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64")
    order = np.argsort(x.to_numpy(), kind="stable")
    x, values = x[order], values[order]
    status = (
        frame["status"].astype("object").to_numpy()[order]
        if "status" in frame.columns
        else np.array(["final"] * len(frame), dtype=object)
    )
    hover = [
        f"{format_month(m, lang)}: " + theme.format_value(v, lang, percent=percent)
        for m, v in zip(x, values, strict=True)
    ]
    scale = 100.0 if percent else 1.0
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=values * scale,
            mode="lines",
            line={"color": theme.SERIES_MARKER, "width": 1.8},
            connectgaps=False,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    present = np.flatnonzero(np.isfinite(values))
    if present.size:
        last = int(present[-1])
        preliminary = status[last] == "preliminary"
        fig.add_trace(
            go.Scatter(
                x=[x[last]],
                y=[values[last] * scale],
                mode="markers",
                marker={
                    "symbol": "circle-open" if preliminary else "circle",
                    "size": 7,
                    "color": theme.INK,
                    "line": {"color": theme.INK, "width": 1.6},
                },
                hovertext=[hover[last]],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    y_range = theme.padded_range(values[present] * scale, floor=None) if present.size else None
    fig.update_layout(
        height=height,
        margin={"t": 4, "b": 4, "l": 4, "r": 8, "pad": 0},
        paper_bgcolor=theme.BACKGROUND,
        plot_bgcolor=theme.BACKGROUND,
        font={"family": theme.FONT_FAMILY, "size": theme.SMALL_SIZE, "color": theme.INK},
        showlegend=False,
        hovermode="closest",
        dragmode=False,
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True, **({"range": y_range} if y_range else {})},
    )
    return fig

"""Helpers for the chart tests: small series and the text a figure shows."""

from __future__ import annotations

import html
import re
import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.formatting import NBSP
from metrics.indicator_view import signal_points
from metrics.spc import xmr


def shown_text(fig: go.Figure) -> str:
    """Every text the figure draws outside the data (legend title, annotations, axis titles),
    as a reader sees it: tags removed, entities decoded, no-break spaces as spaces."""
    layout = fig.layout
    parts = [a.text or "" for a in layout.annotations]
    if layout.legend.title.text:
        parts.append(layout.legend.title.text)
    if layout.title.text:
        parts.append(layout.title.text)
    for axis in (layout.xaxis, layout.yaxis):
        if axis.title.text:
            parts.append(axis.title.text)
    text = " \n ".join(parts)
    text = re.sub(r"<br\s*/?>", " \n ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).replace(NBSP, " ")


def monthly(values, start="2024-01", status=None) -> pd.DataFrame:
    """A series frame: value per month from ``start``; status "final" unless given."""
    index = pd.date_range(start, periods=len(values), freq="MS", name="period")
    frame = pd.DataFrame({"value": np.asarray(values, dtype="float64")}, index=index)
    frame["status"] = status if status is not None else "final"
    return frame


def quiet_xmr(values, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xmr(values, **kwargs)


def drawn(series: pd.DataFrame, spc: pd.DataFrame | None, direction="neutral", percent=False):
    """What the trend chart draws of ``spc`` (xmr points aligned with ``series``), as
    ``metrics.indicator_view`` hands it over."""
    return signal_points(spc, series, direction, percent=percent)

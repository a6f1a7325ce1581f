"""Sparklines for overview cards: the shape of the recent series as inline SVG, with its words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts import theme
from i18n import Lang, t
from metrics.periods import format_period
from metrics.text import html_text

WIDTH = 300.0
"""viewBox width; the drawing is stretched to the card's width (strokes keep their px width)."""
MARGIN = {"top": 5.0, "bottom": 5.0, "left": 4.0, "right": 8.0}
LINE_WIDTH = 1.8
MARKER_SIZE = 7.0
"""Diameter in px of the latest value's dot; an open dot (preliminary) keeps a white centre."""


def sparkline_svg(
    series: pd.DataFrame | pd.Series,
    *,
    percent: bool = False,
    height: int = 60,
    lang: Lang = "sv",
    frequency: str = "monthly",
) -> str:
    """A tiny line without axes, title or legend, its last value marked (open if preliminary),
    as an inline ``<svg>`` that screen readers read as one image with its words.

    series: a series frame (``value``, optional ``status``) or a Series of values, indexed by
        month; NaN months leave a gap (a value between two gaps is a dot). ``percent``: values
        are shares 0..1, worded as per cent.
    height: in px; the width follows the card. The text alternative (``aria-label`` and
        ``<title>``) names the months shown, the lowest, highest and latest value; an empty or
        all-missing series gives a blank drawing that says "no data". Months disclosure control
        hid (a ``suppressed`` column) are gaps, and the words say "shown" and how many are
        hidden: a hidden month may be lower than the lowest shown, or later than the latest.
    frequency: the series' periods ("monthly", "quarterly", "yearly"): the words name them as
        people read them ("juli 2026", "kv. 3 2026", "2026").
    An SVG, not a Plotly figure: thirteen figures built and serialised on every run of the
    overview were most of its server time, and the picture has nothing to hover or zoom.
    """
    frame = series.to_frame("value") if isinstance(series, pd.Series) else series
    index = frame.index
    # A series' months are already dates (theme.months would rebuild them one by one); only the
    # x position and the month's name are read, so any day of the month will do.
    months = index if isinstance(index, pd.DatetimeIndex) else theme.months(index)
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64")
    order = np.argsort(months.to_numpy(), kind="stable")
    months, values = months[order], values[order]
    status = (
        frame["status"].astype("object").to_numpy()[order]
        if "status" in frame.columns
        else np.full(len(frame), "final", dtype=object)
    )
    scale = 100.0 if percent else 1.0
    hidden = np.zeros(len(values), dtype=bool)
    if "suppressed" in frame.columns:
        hidden = frame["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)[order]
        values = np.where(hidden, np.nan, values)
    present = np.flatnonzero(np.isfinite(values))
    n_hidden = int(hidden.sum())
    hidden_words = t("spark_hidden", lang, n=n_hidden)
    shapes = []
    if present.size:
        last = int(present[-1])
        preliminary = status[last] == "preliminary"
        span = np.flatnonzero(np.isfinite(values) | hidden)

        def say(v: float) -> str:
            return theme.format_value(v, lang, percent=percent)

        label = t(
            "spark_line_hidden" if hidden.any() else "spark_line",
            lang,
            hidden=hidden_words,
            first=format_period(months[int(span[0])], frequency, lang),
            last=format_period(months[int(span[-1])], frequency, lang),
            low=say(float(np.nanmin(values))),
            high=say(float(np.nanmax(values))),
            value=say(float(values[last])),
            month=format_period(months[last], frequency, lang),
        ) + (t("spark_preliminary", lang) if preliminary else "")
        x, y = _coordinates(months, values * scale, height)
        shapes.append(
            f'<path d="{_path(x, y)}" fill="none" stroke="{theme.SERIES_MARKER}" '
            f'stroke-width="{LINE_WIDTH}" stroke-linejoin="round" stroke-linecap="round" '
            'vector-effect="non-scaling-stroke"/>'
        )
        # A zero-length stroke with round caps is a dot whose size does not stretch with the
        # drawing (a <circle> would become an ellipse in a wide card).
        dot = f"M{x[last]:.2f} {y[last]:.2f}h0"
        shapes.append(_dot(dot, theme.INK, MARKER_SIZE))
        if preliminary:
            shapes.append(_dot(dot, theme.BACKGROUND, MARKER_SIZE - 2 * 1.6))
    elif hidden.any():
        # Every month with data is hidden: that is not "no data".
        span = np.flatnonzero(hidden)
        label = t(
            "spark_all_hidden",
            lang,
            hidden=hidden_words,
            first=format_period(months[int(span[0])], frequency, lang),
            last=format_period(months[int(span[-1])], frequency, lang),
        )
    else:
        label = t("spark_no_data", lang)
    text = html_text(label + ".")
    return (
        f'<svg class="lb-spark" role="img" aria-label="{text}" viewBox="0 0 {WIDTH:g} {height}" '
        f'preserveAspectRatio="none" width="100%" height="{height}" overflow="visible" '
        f'style="display:block;background:{theme.BACKGROUND}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{text}</title>{''.join(shapes)}</svg>"
    )


def _coordinates(
    months: pd.DatetimeIndex, values: np.ndarray, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """viewBox coordinates: months evenly spaced from the first to the last, values between the
    padded range's ends (a flat series sits in the middle)."""
    ordinal = months.year.to_numpy() * 12 + months.month.to_numpy()
    span = max(int(ordinal[-1] - ordinal[0]), 1)
    inner_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    x = MARGIN["left"] + inner_w * (ordinal - ordinal[0]) / span
    low, high = theme.padded_range(values[np.isfinite(values)], floor=None) or [0.0, 1.0]
    inner_h = height - MARGIN["top"] - MARGIN["bottom"]
    with np.errstate(invalid="ignore"):
        y = MARGIN["top"] + inner_h * (high - values) / (high - low)
    return x, y


def _path(x: np.ndarray, y: np.ndarray) -> str:
    """One subpath per run of months with a value; a lone value is a dot."""
    parts, drawing = [], False
    for xi, yi in zip(x, y, strict=True):
        if not np.isfinite(yi):
            drawing = False
            continue
        if drawing:
            parts.append(f"L{xi:.2f} {yi:.2f}")
        else:
            parts.append(f"M{xi:.2f} {yi:.2f}h0")
            drawing = True
    return "".join(parts)


def _dot(path: str, colour: str, size: float) -> str:
    return (
        f'<path d="{path}" stroke="{colour}" stroke-width="{size:g}" stroke-linecap="round" '
        'vector-effect="non-scaling-stroke"/>'
    )

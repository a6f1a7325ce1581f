"""One indicator's trend drawn as handed in: values, XmR mean and limits, signals, target, breaks, events.

Every number, limit and icon drawn comes from ``metrics`` (``metrics.indicator_view``): the chart
decides only how they look.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import theme
from charts.context import ChartContext
from i18n import Lang
from metrics.formatting import SUPPRESSED_TEXT
from metrics.periods import format_period, period_labels
from metrics.progress import VARIATION_ICONS, Icon
from metrics.text import plain_text

PLOT_HEIGHT = 300
"""Height (px) of the plot area; the frame adds the title block, legend and footer around it."""
LABEL_WRAP_PX = 170
RollingAxis = Literal["auto", "same", "secondary"]

_ICON_TEXT_KEY = {
    "improvement_high": "improvement",
    "improvement_low": "improvement",
    "concern_high": "concern",
    "concern_low": "concern",
    "neutral_high": "neutral_high",
    "neutral_low": "neutral_low",
}
_ICON_ORDER = tuple(key for key in VARIATION_ICONS if key != "common_cause")


@dataclass(frozen=True)
class _Points:
    """The series as drawn: one entry per month, in time order."""

    x: pd.DatetimeIndex
    value: np.ndarray  # in the unit shown (per cent when percent=True)
    preliminary: np.ndarray
    icon: list[Icon | None]
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    period: np.ndarray
    hidden: np.ndarray  # True where disclosure control hid the month


def trend_figure(
    series: pd.DataFrame,
    ctx: ChartContext,
    *,
    unit: str,
    percent: bool = False,
    signals: pd.DataFrame | None = None,
    target: pd.Series | None = None,
    breaks: Sequence[tuple[pd.Timestamp, str]] = (),
    events: Sequence[tuple[pd.Timestamp, str]] = (),
    rolling: pd.Series | None = None,
    rolling_label: str | None = None,
    rolling_axis: RollingAxis = "auto",
) -> go.Figure:
    """A framed trend chart for one indicator in one area, ready for a briefing.

    series: indexed by month (Timestamp, any day) with ``value`` (float, NaN for a missing month;
        for ``percent`` the share 0..1) and ``status`` ("final" | "preliminary"; missing →
        final). An optional boolean ``suppressed`` column hides those months' values entirely:
        each is marked ".." at the foot of the plot (hover: too few cases to show, no value) and
        the footer says how many months are hidden.
    unit: the y-axis title (e.g. "brott"); for ``percent`` the axis is drawn in per cent.
    signals: the XmR reading as drawn, ``metrics.indicator_view.signal_points`` (``mean``,
        ``lower``, ``upper``, ``period``, ``icon``), aligned with ``series`` by position (same
        length and order; NaN rows draw nothing): the mean and limits are drawn per XmR period
        (a new step after each rebase); a point with an ``icon`` (a variation icon id) gets
        that icon's shape and colour and a legend entry in words.
    target: the target or trajectory per month (same unit as ``value``), drawn dashed.
    breaks: (first month of the new series, reason): a solid vertical line between the months
        and a label "Serieavbrott: reason". events: (month, text): a dotted line and label.
    rolling: a second line on the same months (e.g. ``rolling_12(...)["value"]``); when its level
        is far from the monthly values (a 12-month sum of counts) it gets the right-hand axis
        (``rolling_axis`` "auto"; "same" / "secondary" force the choice).
    Preliminary values are drawn as open markers, say "preliminär" in the hover and get a legend
    entry. An empty series gives a framed figure without data.
    """
    lang = ctx.lang
    points = _points(series, signals, percent)
    scale = 100.0 if percent else 1.0
    fig = theme.FigureDraft()

    value_name = ctx.text("value" if ctx.frequency == "monthly" else f"value_{ctx.frequency}")
    fig.add_trace(_value_trace(points, ctx, value_name, unit=unit, percent=percent))
    fig.add_trace(_value_key(value_name, points))
    if points.preliminary.any():
        fig.add_trace(_preliminary_key(ctx.text("preliminary_legend"), points))
    for icon_id in _ICON_ORDER:
        chosen = [
            i for i, icon in enumerate(points.icon) if icon is not None and icon.id == icon_id
        ]
        if chosen:
            name = ctx.text(_ICON_TEXT_KEY[icon_id])
            fig.add_trace(_signal_trace(points, chosen, VARIATION_ICONS[icon_id], name))

    y_values: list[float] = list(points.value)
    if np.isfinite(points.mean).any():
        mean_x, mean_y = _steps(points, points.mean)
        limit_x, limit_y = _limit_steps(points)
        fig.add_trace(_line(mean_x, mean_y, ctx.text("mean"), theme.MEAN_LINE, "solid", 1.6, 30))
        if limit_x:
            fig.add_trace(
                _line(limit_x, limit_y, ctx.text("limits"), theme.LIMIT_LINE, "5px,4px", 1.3, 31)
            )
        y_values += [v for v in mean_y + limit_y if v is not None]

    first, last = (points.x[0], points.x[-1]) if len(points.x) else (None, None)
    if target is not None and len(target) and first is not None:
        line = _within(target, first, last) * scale
        if len(line):
            fig.add_trace(_target_trace(line, ctx, percent=percent, unit=unit))
            y_values += list(line.to_numpy(dtype="float64"))

    secondary = False
    rolling_values: list[float] = []
    if rolling is not None and len(rolling) and first is not None:
        line = _within(rolling, first, last) * scale
        secondary = _use_secondary(rolling_axis, line, points.value)
        name = rolling_label or ctx.text("rolling")
        if secondary:
            name = f"{name} ({ctx.text('right_axis')})"
        fig.add_trace(_rolling_trace(line, name, ctx, secondary, percent=percent, unit=unit))
        if secondary:
            rolling_values = list(line.to_numpy(dtype="float64"))
        else:
            y_values += list(line.to_numpy(dtype="float64"))

    markers, notes = _markers(breaks, events, points, ctx)
    label_px = _draw_markers(fig, markers, points)
    n_hidden = int(points.hidden.sum())
    if n_hidden:
        _draw_hidden(fig, points, ctx)
        key = "hidden_months_one" if n_hidden == 1 else "hidden_months"
        notes.append(ctx.text(key).format(n=n_hidden))
    headroom = label_px / PLOT_HEIGHT

    frame = theme.frame_geometry(
        ctx, title_in_legend=True, notes=notes, right=70 if secondary else 24
    )
    theme.apply_frame(fig, ctx, frame, plot_height=PLOT_HEIGHT)
    y_title = f"{unit}, %" if percent and unit else ("%" if percent else unit)
    yaxis = theme.value_axis(lang, percent=percent, title=y_title)
    y_range = theme.padded_range(y_values, headroom=headroom)
    if y_range is not None:
        yaxis["range"] = y_range
        if not percent and _whole_numbers(points.value) and y_range[1] - y_range[0] <= 10:
            yaxis.update(dtick=1, tick0=0)  # a few deaths a month: no "0,5" ticks
    fig.update_layout(yaxis=yaxis)
    if first is not None:
        fig.update_layout(xaxis=theme.month_axis(first, last, lang, ctx.frequency))
    if secondary:
        axis2 = theme.value_axis(lang, percent=percent, title=rolling_label or ctx.text("rolling"))
        # Plotly 3 syncs an overlaying axis' ticks to the left one ("9 641,222799"): not here
        axis2.update(overlaying="y", side="right", showgrid=False, tickmode="auto")
        range2 = theme.padded_range(rolling_values, headroom=headroom)
        if range2 is not None:
            axis2["range"] = range2
        fig.update_layout(yaxis2=axis2)
    return fig.figure()


# ---------------------------------------------------------------------------------------------
# The points


def _points(series: pd.DataFrame, signals: pd.DataFrame | None, percent: bool) -> _Points:
    if "value" not in series.columns:
        raise ValueError("trend_figure: series needs a 'value' column")
    n = len(series)
    if signals is not None and len(signals) != n:
        raise ValueError(
            f"trend_figure: signals has {len(signals)} rows, series {n}: "
            "pass metrics.indicator_view.signal_points aligned with the series "
            "(same periods, same order)"
        )
    x = theme.months(series.index)
    order = np.argsort(x.to_numpy(), kind="stable")
    x = x[order]
    value = pd.to_numeric(series["value"], errors="coerce").to_numpy(dtype="float64")[order]
    hidden = np.zeros(n, dtype=bool)
    if "suppressed" in series.columns:
        hidden = series["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)[order]
        value = np.where(hidden, np.nan, value)
    status = (
        series["status"] if "status" in series.columns else pd.Series("final", index=series.index)
    )
    preliminary = (status.astype("object").to_numpy() == "preliminary")[order]
    preliminary &= ~np.isnan(value)
    scale = 100.0 if percent else 1.0

    nan = np.full(n, np.nan)
    mean, lpl, upl, period = nan, nan.copy(), nan.copy(), np.zeros(n)
    icons: list[Icon | None] = [None] * n
    if signals is not None:
        drawn = signals.iloc[order]
        mean = _column(drawn, "mean") * scale
        lpl = _column(drawn, "lower") * scale
        upl = _column(drawn, "upper") * scale
        period = _column(drawn, "period")
        icons = [
            VARIATION_ICONS[icon] if isinstance(icon, str) else None
            for icon in drawn["icon"].astype("object")
        ]
    return _Points(x, value * scale, preliminary, icons, mean, lpl, upl, period, hidden)


def _whole_numbers(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.all(finite == np.round(finite)))


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")


# ---------------------------------------------------------------------------------------------
# Traces


@functools.lru_cache(maxsize=8192)
def _hover_value(value: float, lang: Lang, *, percent: bool, unit: str) -> str:
    # Cached: a chart's mean is the same in every month's hover, and counts repeat.
    shown = value / 100.0 if percent else value
    return theme.format_value(shown, lang, percent=percent, unit="" if percent else unit)


def _value_trace(
    points: _Points, ctx: ChartContext, name: str, *, unit: str, percent: bool
) -> dict:
    lang = ctx.lang
    special = np.array([icon is not None for icon in points.icon], dtype=bool)
    colour = theme.GREY if np.isfinite(points.mean).any() else theme.SERIES_MARKER
    symbols = np.where(points.preliminary, "circle-open", "circle")
    sizes = np.where(special, 0, 7)
    hover = []
    # The words once per chart, not once per month.
    preliminary, common, mean_word = (ctx.text(k) for k in ("preliminary", "common_cause", "mean"))
    icon_words = {key: ctx.text(word) for key, word in _ICON_TEXT_KEY.items()}
    has_mean = np.isfinite(points.mean)
    for i, label in enumerate(period_labels(points.x, ctx.frequency, lang)):
        lines = [f"<b>{label}</b>"]
        value = _hover_value(points.value[i], lang, percent=percent, unit=unit)
        if points.preliminary[i]:
            value += f" ({preliminary})"
        lines.append(value)
        icon = points.icon[i]
        if icon is not None:
            lines.append(icon_words[icon.id])
        elif has_mean[i]:
            lines.append(common)
        if has_mean[i]:
            mean = _hover_value(points.mean[i], lang, percent=percent, unit="")
            lines.append(f"{mean_word}: {mean}")
        hover.append("<br>".join(lines))
    return theme.trace(
        "scatter",
        x=points.x,
        y=points.value,
        mode="lines+markers",
        name=name,
        line={"color": theme.SERIES_LINE, "width": 1.5},
        marker={
            "symbol": symbols,
            "size": sizes,
            "color": colour,
            "line": {"color": colour, "width": 1.6},
        },
        connectgaps=False,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        legendgroup="value",
        showlegend=False,
    )


def _value_key(name: str, points: _Points) -> dict:
    """The legend entry of the monthly values (a line through a filled dot). The values' own
    trace shows none: Plotly would draw its key from the trace's mean marker size, which is
    tiny when most points carry a signal marker instead."""
    colour = theme.GREY if np.isfinite(points.mean).any() else theme.SERIES_MARKER
    return theme.trace(
        "scatter",
        x=[None],
        y=[None],
        mode="lines+markers",
        name=name,
        line={"color": theme.SERIES_LINE, "width": 1.5},
        marker={"symbol": "circle", "size": 7, "color": colour},
        hoverinfo="skip",
        legendgroup="value",
        legendrank=10,
    )


def _preliminary_key(name: str, points: _Points) -> dict:
    """A legend entry only: what an open marker means."""
    colour = theme.GREY if np.isfinite(points.mean).any() else theme.SERIES_MARKER
    return theme.trace(
        "scatter",
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        marker={"symbol": "circle-open", "size": 8, "color": colour, "line": {"width": 1.6}},
        hoverinfo="skip",
        legendrank=11,
    )


def _signal_trace(points: _Points, chosen: list[int], icon: Icon, name: str) -> dict:
    """Special-cause points of one icon: its shape and colour, open when preliminary.

    Final points come first, so the legend (which shows the first point's symbol) is filled
    whenever there is a final point.
    """
    chosen = sorted(chosen, key=lambda i: bool(points.preliminary[i]))
    style = theme.icon_style(icon)
    symbols = [style.shape + ("-open" if points.preliminary[i] else "") for i in chosen]
    return theme.trace(
        "scatter",
        x=points.x[chosen],
        y=points.value[chosen],
        mode="markers",
        name=name,
        marker={
            "symbol": symbols,
            "size": 11,
            "color": style.colour,
            "line": {"color": style.colour, "width": 1.8},
        },
        hoverinfo="skip",
        legendrank=20,
    )


def _line(x: list, y: list, name: str, colour: str, dash: str, width: float, rank: int) -> dict:
    return theme.trace(
        "scatter",
        x=x,
        y=y,
        mode="lines",
        name=name,
        line={"color": colour, "dash": dash, "width": width},
        connectgaps=False,
        hoverinfo="skip",
        legendrank=rank,
    )


def _steps(points: _Points, values: np.ndarray) -> tuple[list, list]:
    """One flat segment per XmR period, from the boundary before its first month to the one
    after its last, with a gap (None) between periods so a rebase is never a slope."""
    xs: list = []
    ys: list = []
    for start, stop in _segments(points.period):
        level = values[start:stop]
        finite = level[np.isfinite(level)]
        if finite.size == 0:
            continue
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [theme.boundary_before(points.x[start]), theme.boundary_after(points.x[stop - 1])]
        ys += [float(finite[0]), float(finite[0])]
    return xs, ys


def _limit_steps(points: _Points) -> tuple[list, list]:
    """Upper and lower limits as stepped lines in one trace."""
    ux, uy = _steps(points, points.upl)
    lx, ly = _steps(points, points.lpl)
    if ux and lx:
        return ux + [None] + lx, uy + [None] + ly
    return ux + lx, uy + ly


def _segments(period: np.ndarray) -> list[tuple[int, int]]:
    out, start = [], 0
    for i in range(1, len(period) + 1):
        if i == len(period) or period[i] != period[start]:
            out.append((start, i))
            start = i
    return out


def _within(line: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    values = pd.Series(
        pd.to_numeric(line, errors="coerce").to_numpy(dtype="float64"),
        index=theme.months(line.index),
    )
    return values[(values.index >= first) & (values.index <= last)].sort_index()


def _target_trace(line: pd.Series, ctx: ChartContext, *, percent: bool, unit: str) -> dict:
    word = ctx.text("target")
    hover = [
        f"<b>{label}</b><br>{word}: " + _hover_value(v, ctx.lang, percent=percent, unit=unit)
        for label, v in zip(
            period_labels(line.index, ctx.frequency, ctx.lang), line.to_numpy(), strict=True
        )
    ]
    single = len(line) == 1
    return theme.trace(
        "scatter",
        x=line.index,
        y=line.to_numpy(),
        mode="lines+markers" if single else "lines",
        name=ctx.text("target"),
        line={"color": theme.TARGET_LINE, "dash": "8px,4px", "width": 2},
        marker={"symbol": "line-ew-open", "size": 18, "line": {"width": 2}},
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        legendrank=40,
    )


def _use_secondary(choice: RollingAxis, line: pd.Series, values: np.ndarray) -> bool:
    if choice == "same":
        return False
    if choice == "secondary":
        return True
    if choice != "auto":
        raise ValueError(f"rolling_axis must be 'auto', 'same' or 'secondary', not {choice!r}")
    rolling = np.nanmedian(np.abs(line.to_numpy(dtype="float64"))) if line.notna().any() else np.nan
    monthly = np.nanmedian(np.abs(values)) if np.isfinite(values).any() else np.nan
    if not (np.isfinite(rolling) and np.isfinite(monthly)) or rolling == 0 or monthly == 0:
        return False
    ratio = rolling / monthly
    return ratio > 2.5 or ratio < 0.4


def _rolling_trace(
    line: pd.Series, name: str, ctx: ChartContext, secondary: bool, *, percent: bool, unit: str
) -> dict:
    shown = theme.escape(name)
    hover = [
        f"<b>{label}</b><br>{shown}: " + _hover_value(v, ctx.lang, percent=percent, unit=unit)
        for label, v in zip(
            period_labels(line.index, ctx.frequency, ctx.lang), line.to_numpy(), strict=True
        )
    ]
    return theme.trace(
        "scatter",
        x=line.index,
        y=line.to_numpy(),
        mode="lines",
        name=theme.escape(name),
        yaxis="y2" if secondary else "y",
        line={"color": theme.ROLLING_LINE, "width": 2.4},
        connectgaps=False,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        legendrank=50,
    )


# ---------------------------------------------------------------------------------------------
# Series breaks and events

EVENT_LABEL_LIMIT = 60  # characters of an event label drawn on the chart (two lines at most)
EVENT_HOVER_LIMIT = 300


@dataclass(frozen=True)
class _Marker:
    x: pd.Timestamp
    label: str
    full: str
    kind: Literal["break", "event"]


def _markers(
    breaks: Sequence[tuple[pd.Timestamp, str]],
    events: Sequence[tuple[pd.Timestamp, str]],
    points: _Points,
    ctx: ChartContext,
) -> tuple[list[_Marker], list[str]]:
    """Breaks and events within the months shown, in time order, and the footer notes.

    A break is drawn between the last old month and the first new one and labelled "Serieavbrott
    apr 2020"; its reason (often a paragraph) goes to the footer, shortened to its first clause.
    An event is drawn on its month with its text as the label.
    """
    if not len(points.x):
        return [], []
    low, high = theme.boundary_before(points.x[0]), theme.boundary_after(points.x[-1])
    found, notes = [], []
    for when, reason in breaks:
        month = theme.months([when])[0]
        x = theme.boundary_before(month)
        if not low < x < high:
            continue
        label = f"{ctx.text('series_break')} {theme.short_month(month, ctx.lang)} {month.year}"
        full = f"{ctx.text('series_break')} {format_period(month, ctx.frequency, ctx.lang)}"
        if reason:
            notes.append(f"{full}: {_first_clause(str(reason))}")
            full = f"{full}: {reason}"
        found.append(_Marker(x, label, full, "break"))
    for when, text in events:
        x = theme.months([when])[0]
        if low < x < high:
            # An analyst's label: one line of text, shortened on the chart, whole in the hover.
            label = plain_text(text, limit=EVENT_LABEL_LIMIT)
            found.append(_Marker(x, label, plain_text(text, limit=EVENT_HOVER_LIMIT), "event"))
    return sorted(found, key=lambda m: m.x), notes


def _first_clause(text: str, limit: int = 150) -> str:
    """The first sentence or clause of ``text``, at most ``limit`` characters (then "…")."""
    cut = len(text)
    for separator in (". ", "; "):
        at = text.find(separator)
        if 20 <= at < cut:
            cut = at
    short = text[:cut].rstrip(" .;")
    if len(short) > limit:
        short = short[: limit - 1].rsplit(" ", 1)[0] + "…"
    return short + ("…" if cut < len(text.rstrip(" .")) and not short.endswith("…") else "")


def _label_lines(text: str) -> list[str]:
    lines = theme.wrap(text, LABEL_WRAP_PX, theme.SMALL_SIZE)
    if len(lines) > 2:
        lines = [lines[0], lines[1].rstrip(" .,;") + " …"]
    return lines


def _draw_hidden(fig: theme.FigureDraft, points: _Points, ctx: ChartContext) -> None:
    """ ".." at the foot of the plot on each month disclosure control hid: the month is there,
    its value is not shown (the hover says why and holds no value)."""
    for month in points.x[points.hidden]:
        fig.add_annotation(
            text=SUPPRESSED_TEXT,
            hovertext=f"{format_period(month, ctx.frequency, ctx.lang)}: {ctx.text('suppressed')}",
            xref="x",
            yref="paper",
            x=month,
            y=0,
            yanchor="bottom",
            yshift=2,
            showarrow=False,
            font={"size": theme.SMALL_SIZE, "color": theme.INK},
            name="hidden",
        )


def _draw_markers(fig: theme.FigureDraft, markers: list[_Marker], points: _Points) -> int:
    """Vertical lines with labels at the top of the plot; a label is stacked below an earlier
    one when they would overlap on a tablet-wide plot. Returns the label block's height in px
    (0 without markers)."""
    if not markers:
        return 0
    low, high = theme.boundary_before(points.x[0]), theme.boundary_after(points.x[-1])
    span = (high - low).total_seconds()
    plot_px = theme.REFERENCE_WIDTH - 90  # the plot area of a tablet-wide chart
    placed: list[list[tuple[float, float]]] = []
    block = max(len(_label_lines(m.label)) for m in markers) * 15 + 6
    for marker in markers:
        lines = _label_lines(marker.label)
        position = (marker.x - low).total_seconds() / span
        width = (max(theme.text_width(line, theme.SMALL_SIZE) for line in lines) + 12) / plot_px
        right_side = position > 0.62
        interval = (position - width, position) if right_side else (position, position + width)
        level = next(
            (
                i
                for i, used in enumerate(placed)
                if all(interval[1] < a or interval[0] > b for a, b in used)
            ),
            len(placed),
        )
        if level == len(placed):
            placed.append([])
        placed[level].append(interval)
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=marker.x,
            x1=marker.x,
            y0=0,
            y1=1,
            line={
                "color": theme.MARKER_LINE,
                "width": 1.4 if marker.kind == "break" else 1.2,
                "dash": "solid" if marker.kind == "break" else "dot",
            },
            layer="below",
            name=marker.kind,
        )
        fig.add_annotation(
            text="<br>".join(theme.escape(line) for line in lines),
            hovertext=theme.escape(marker.full),
            xref="x",
            yref="paper",
            x=marker.x,
            y=1,
            xanchor="right" if right_side else "left",
            yanchor="top",
            xshift=-4 if right_side else 4,
            yshift=-4 - level * block,
            align="right" if right_side else "left",
            showarrow=False,
            font={"size": theme.SMALL_SIZE, "color": theme.INK},
            bgcolor="rgba(255,255,255,0.85)",
            name=marker.kind,
        )
    return len(placed) * block + 4

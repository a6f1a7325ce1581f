"""Lägesbild's chart look: fonts, colours, Swedish axes and the frame every figure carries.

The frame (title, subtitle with area and period, legend, footer with source, "Data t.o.m." and
the demo marking) is drawn inside the figure, so Plotly's own PNG download carries it. Every
position is a pixel offset from an edge of the plot area, never a fraction of the height, so the
frame holds at any export size; text is wrapped for a chart ``REFERENCE_WIDTH`` pixels wide so
it is not clipped on a tablet.
"""

from __future__ import annotations

import base64
import functools
import html
import math
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils import utils as plotly_utils
from _plotly_utils.basevalidators import is_homogeneous_array, to_scalar_or_list
from _plotly_utils.utils import is_skipped_key, plotlyjsShortTypes, to_typed_array_spec

from charts.context import ChartContext
from i18n import Lang
from metrics.formatting import NBSP, format_number, format_percent, month_name
from metrics.periods import MONTHS_IN, format_period, month_starts, period_range
from metrics.progress import Icon
from metrics.text import plain_text

FONT_FAMILY = (
    '"Source Sans Pro", "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Liberation Sans", "DejaVu Sans", sans-serif'
)
BLUE = "#1f77b4"
"""Improvement and consistently passing (NHS Making Data Count uses blue for good news)."""
ORANGE = "#e6820e"
"""Concern and consistently failing; blue/orange stay apart for all common colour-vision types."""
GREY = "#7f7f7f"
"""Common cause and hit-and-miss: nothing to act on."""
PURPLE = "#7b4fa6"
"""Special cause on a neutral indicator: unusual, but neither better nor worse in itself."""


@dataclass(frozen=True)
class IconStyle:
    """How a signal icon is drawn: a Plotly marker symbol name and a colour.

    Shape as well as colour carries the meaning (improvement = triangle, concern = diamond,
    neutral = square, common cause = circle), so the icons survive grey-scale printing and
    colour-blindness.
    """

    shape: str
    colour: str


ICON_STYLES: dict[str, IconStyle] = {
    "improvement_high": IconStyle("triangle-up", BLUE),
    "improvement_low": IconStyle("triangle-down", BLUE),
    "concern_high": IconStyle("diamond", ORANGE),
    "concern_low": IconStyle("diamond", ORANGE),
    "neutral_high": IconStyle("square", PURPLE),
    "neutral_low": IconStyle("square", PURPLE),
    "common_cause": IconStyle("circle", GREY),
    "pass": IconStyle("hexagon", BLUE),
    "fail": IconStyle("x", ORANGE),
    "hit_and_miss": IconStyle("circle-open", GREY),
}
"""Each icon of metrics.progress (VARIATION_ICONS, ASSURANCE_ICONS) by id: how it is drawn."""


def icon_style(icon: Icon) -> IconStyle:
    """How ``icon`` is drawn (every icon metrics hands out has a style)."""
    return ICON_STYLES[icon.id]


INK = "#1f2933"
"""Titles and the demo marking."""
MUTED = "#52606d"
"""Subtitles, footers, axis text."""
SERIES_LINE = "#9aa5b1"
"""The line joining monthly values (its points carry the colour that means something)."""
SERIES_MARKER = "#52606d"
"""Monthly values when no SPC reading is drawn."""
MEAN_LINE = "#3e4c59"
LIMIT_LINE = "#7b8794"
TARGET_LINE = "#1f2933"
ROLLING_LINE = "#243b53"
MARKER_LINE = "#3e4c59"
"""Vertical lines for series breaks and events."""
GRID = "#e4e7eb"
BAND = "rgba(123, 135, 148, 0.18)"
"""The reference band behind the area comparison: grey, it says "typical", not good or bad."""
WATERMARK = "rgba(82, 96, 109, 0.09)"
BACKGROUND = "#ffffff"

TITLE_SIZE = 17
SUBTITLE_SIZE = 13
BODY_SIZE = 12
SMALL_SIZE = 11

REFERENCE_WIDTH = 480
"""Width (px) of the narrowest chart the frame's text is wrapped for (a tablet, the chart beside
a definition column); wider charts just get more room."""
EDGE = 12
"""Distance (px) from the figure's left edge to the title, legend and footer."""
TITLE_LINE = 22
LEGEND_ROW = 19
FOOTER_LINE = 15


def escape(text: str, limit: int | None = None) -> str:
    """Plotly reads "<" and "&" in text as markup: any text must show as written, without
    control characters (metrics/text.py, the one rule), at most `limit` characters."""
    return html.escape(plain_text(text, limit=limit), quote=False)


def _em(bold: bool) -> float:
    # average advance of mixed Swedish text in Arial/Source Sans, rounded up for safety
    return 0.56 if bold else 0.52


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the width (px) of ``text`` in a sans-serif font of ``size`` px."""
    return len(text) * size * _em(bold)


def wrap(text: str, width_px: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines that fit ``width_px`` (estimated), at spaces only."""
    chars = max(12, int(width_px / (size * _em(bold))))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def format_value(
    value: float | None,
    lang: Lang,
    *,
    percent: bool = False,
    unit: str = "",
    decimals: int | None = None,
) -> str:
    """A value as people read it: "1 234 brott", "18,5 %" (``percent``: value is a share 0..1).

    Missing values give "..". Without ``decimals`` a whole number gets none and any other one;
    shares get one decimal.
    """
    if percent:
        return format_percent(value, lang, 1 if decimals is None else decimals)
    text = format_number(value, lang, decimals)
    return f"{text} {unit}" if unit and text != ".." else text


def short_month(period: pd.Timestamp, lang: Lang) -> str:
    """A month's short name, "jan", "okt" (sv) or "Jan" (en)."""
    return month_name(period.month, lang)[:3]


def months(index: Iterable) -> pd.DatetimeIndex:
    """Timestamps (or "YYYY-MM" strings) as first-of-month Timestamps."""
    return month_starts(index)


# Cached: month arithmetic with DateOffset was ~10 % of a goal page's charts, and the same few
# hundred months recur in every chart.
@functools.lru_cache(maxsize=4096)
def boundary_before(month: pd.Timestamp) -> pd.Timestamp:
    """The point halfway between the previous month's first day and ``month`` on a time axis:
    where one monthly point ends and the next begins (series breaks, limit steps)."""
    previous = month - pd.DateOffset(months=1)
    return previous + (month - previous) / 2


@functools.lru_cache(maxsize=4096)
def boundary_after(month: pd.Timestamp) -> pd.Timestamp:
    return boundary_before(month + pd.DateOffset(months=1))


def month_axis(
    first: pd.Timestamp, last: pd.Timestamp, lang: Lang, frequency: str = "monthly"
) -> dict:
    """A date x-axis from ``first`` to ``last`` month with Swedish (or English) month ticks.

    Up to 6 months: every month; up to 18 months: a tick every third month ("jan 2026", "apr", ...); up to 4 years: every six
    months; longer: every January, labelled with the year (every other year beyond 12 years),
    plus the first month when it lies more than half a year before the first January.
    The year is written on the first tick and on every January.
    """
    first, last = months(pd.DatetimeIndex([first, last]))  # one conversion, not two
    if frequency != "monthly":
        return _period_axis(first, last, lang, frequency)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= 6:
        step, yearly = 1, False
    elif span <= 18:
        step, yearly = 3, False
    elif span <= 48:
        step, yearly = 6, False
    else:
        step, yearly = (12 if span <= 144 else 24), True
    if yearly:
        start = pd.Timestamp(year=first.year + (first.month > 1), month=1, day=1)
    else:
        offset = (-(first.month - 1)) % step
        start = first + pd.DateOffset(months=offset)
    ticks = pd.date_range(start, last, freq=f"{step}MS")
    if yearly and (not len(ticks) or (ticks[0] - first).days > 180):
        # a series starting late in a year: name its first month, or the start year is unknown
        ticks = ticks.insert(0, first)
    text = []
    for i, tick in enumerate(ticks):
        if yearly and tick.month != 1:
            text.append(f"{short_month(tick, lang)} {tick.year}")
        elif yearly:
            text.append(str(tick.year))
        elif i == 0 or tick.month == 1:
            text.append(f"{short_month(tick, lang)} {tick.year}")
        else:
            text.append(short_month(tick, lang))
    return {
        "type": "date",
        "range": [boundary_before(first), boundary_after(last)],
        "tickmode": "array",
        "tickvals": list(ticks),
        "ticktext": text,
        "showgrid": False,
        "ticks": "outside",
        "ticklen": 4,
        "tickcolor": GRID,
        "linecolor": "#9aa5b1",
        "showline": True,
        "fixedrange": True,
        "tickfont": {"size": BODY_SIZE, "color": MUTED},
    }


def value_axis(lang: Lang, *, percent: bool, title: str = "") -> dict:
    """A value axis: thousands with a space and a decimal comma in Swedish (``separators``), a
    " %" suffix for percentages (the data are then drawn in per cent, 0..100)."""
    axis = {
        "tickformat": ",~f",
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "fixedrange": True,
        "automargin": True,
        "tickfont": {"size": BODY_SIZE, "color": MUTED},
        "title": {"text": escape(title), "font": {"size": BODY_SIZE, "color": MUTED}},
    }
    if percent:
        axis["ticksuffix"] = f"{NBSP}%" if lang == "sv" else "%"
    return axis


def padded_range(
    values: Iterable[float], *, headroom: float = 0.0, floor: float | None = 0.0
) -> list[float] | None:
    """An axis range around the finite ``values`` with 6 % margin, ``headroom`` (a share of the
    plot height) left free at the top, and never below ``floor`` when the data are not.
    None when there is nothing finite to show."""
    finite = [float(v) for v in values if v is not None and not pd.isna(v) and math.isfinite(v)]
    if not finite:
        return None
    lo, hi = min(finite), max(finite)
    spread = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.5
    low = lo - 0.06 * spread
    if floor is not None and lo >= floor:
        low = max(floor, low)
    high = hi + 0.06 * spread
    if headroom > 0:
        high = low + (high - low) / (1.0 - headroom)
    return [low, high]


@dataclass(frozen=True)
class Frame:
    """The pixel geometry of a framed figure (computed by ``frame_geometry``).

    title_in_legend: the title block is the legend's title (legends that may wrap); otherwise
    it is an annotation at the figure's top left, with ``legend_rows`` fixed rows below it.
    """

    title_lines: tuple[str, ...]
    subtitle_lines: tuple[str, ...]
    footer_lines: tuple[str, ...]
    title_in_legend: bool
    legend_rows: int
    top: int
    bottom: int
    left: int
    right: int
    below_plot: int


def footer_lines(ctx: ChartContext, notes: Sequence[str], width: float) -> list[str]:
    """The footer, top to bottom: the demo marking (bold), the reading, notes, source and
    "Data t.o.m."."""
    lines: list[str] = []
    if ctx.demo:
        lines.append(f"<b>{escape(ctx.text('demo'))}</b>")
    if ctx.reading:
        lines += [escape(line) for line in wrap(ctx.reading, width, SMALL_SIZE)]
    for note in notes:
        lines += [escape(line) for line in wrap(note, width, SMALL_SIZE)]
    # no-break spaces keep "Data t.o.m. oktober 2026" on one line when the credit wraps
    through = f"{ctx.text('data_through')} {ctx.data_through}".replace(" ", NBSP)
    credit = f"{ctx.text('source')}: {ctx.source} · {through}" if ctx.source else through
    lines += [escape(line) for line in wrap(credit, width, SMALL_SIZE)]
    return lines


def frame_geometry(
    ctx: ChartContext,
    *,
    title_in_legend: bool = False,
    legend_rows: int = 0,
    notes: Sequence[str] = (),
    left: int = 64,
    right: int = 24,
    below_plot: int = 30,
) -> Frame:
    """Margins for the title block and legend above the plot and the footer below it.

    title_in_legend: for a legend that may wrap into several rows. The title block is aligned
        with the plot and ``top`` holds it and one legend row; Plotly widens the margin itself
        when the legend needs more rows on a narrow screen.
    legend_rows: otherwise, the rows of a legend that never wraps (0: no legend); the title
        block then starts at the figure's left edge.
    Text is wrapped to fit a chart ``REFERENCE_WIDTH`` px wide.
    below_plot: px between the plot area's bottom and the footer (room for the x tick labels).
    """
    width = REFERENCE_WIDTH - (left + right if title_in_legend else 2 * EDGE)
    title = tuple(escape(line) for line in wrap(ctx.title, width, TITLE_SIZE, bold=True))
    subtitle_text = " · ".join(part for part in (ctx.area_label, ctx.period_label) if part)
    subtitle = tuple(escape(line) for line in wrap(subtitle_text, width, SUBTITLE_SIZE))
    footer = tuple(footer_lines(ctx, notes, REFERENCE_WIDTH - 2 * EDGE))
    top = EDGE + TITLE_LINE * (len(title) + len(subtitle)) + 8
    if title_in_legend:
        top += TITLE_LINE + LEGEND_ROW
        legend_rows = 1
    elif legend_rows:
        top += LEGEND_ROW * legend_rows + 4
    bottom = below_plot + 6 + FOOTER_LINE * len(footer) + 8
    return Frame(
        title, subtitle, footer, title_in_legend, legend_rows, top, bottom, left, right, below_plot
    )


def title_text(frame: Frame) -> str:
    """Title (bold) and subtitle (smaller, muted) as one text block."""
    title = "<br>".join(f"<b>{line}</b>" for line in frame.title_lines)
    style = f"font-size:{SUBTITLE_SIZE}px;color:{MUTED}"
    subtitle = "<br>".join(f'<span style="{style}">{line}</span>' for line in frame.subtitle_lines)
    return f"{title}<br>{subtitle}" if subtitle else title


def trace(kind: str, **properties: object) -> dict:
    """A trace (``kind`` "scatter", "bar", ...) as the dict Plotly's validation makes of it, for
    ``FigureDraft.add_trace``: numpy and pandas arrays become read-only numpy arrays, lists plain
    lists, as Plotly's validators coerce them; nothing is validated (a 240-month trace's symbol
    list alone was checked item by item against a regular expression). Every property used is
    checked against Plotly's validation in tests/charts/test_figure_draft.py."""
    return {**{name: _plain(value) for name, value in properties.items()}, "type": kind}


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, (pd.Index, pd.Series)):
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        return _read_only_copy(value)
    if isinstance(value, (list, tuple)):
        return to_scalar_or_list(value)
    return value


def _read_only_copy(array: np.ndarray) -> np.ndarray:
    """What Plotly's ``copy_to_readonly_numpy_array`` makes of a numpy array (a read-only copy;
    anything but numbers and datetimes as objects), without its search for dataframe plugins
    on every call."""
    copy = np.ascontiguousarray(array.copy()) if array.dtype.kind in "uif" else array.copy()
    if copy.dtype.kind not in "uifOM":
        copy = np.array(array, dtype="object")
    copy.flags["WRITEABLE"] = False
    return copy


class FigureDraft:
    """A figure's traces and layout collected as plain dicts and made into one ``go.Figure`` at
    the end (``figure()``), with the methods the chart builders use (``add_trace``,
    ``update_layout``, ``add_annotation``, ``add_shape``). Plotly's own incremental path (an
    update machinery per call) was ~40 % of a goal page's run; every draft is checked against
    Plotly's validation in tests/charts/test_figure_draft.py."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_trace(self, trace: go.BaseTraceType | dict) -> FigureDraft:
        self.data.append(trace.to_plotly_json() if hasattr(trace, "to_plotly_json") else trace)
        return self

    def update_layout(self, **properties: object) -> FigureDraft:
        _merge(self.layout, properties)
        return self

    def add_annotation(self, **properties: object) -> FigureDraft:
        self.layout.setdefault("annotations", []).append(properties)
        return self

    def add_shape(self, **properties: object) -> FigureDraft:
        self.layout.setdefault("shapes", []).append(properties)
        return self

    def figure(self) -> go.Figure:
        """The figure (what was added is not validated again: the traces were when made). The
        draft is handed over: it is not to be changed afterwards."""
        return SharedFigure.from_draft(self.data, self.layout)


class SharedFigure(go.Figure):
    """A figure made once and drawn by many sessions (the pages keep figures per data version).

    Plotly makes its figure only when something other than drawing asks for it: ``to_dict``,
    which Streamlit calls at every draw, gives Plotly's dict straight from the draft's dicts
    (Plotly's ``Figure.__init__``, which deep-copies every trace and the default template, was
    ~5 % of a national goal page's run, 13 new charts at each new area). Any other attribute
    makes the Plotly figure first, from the same dicts, so a SharedFigure is a ``go.Figure`` to
    everyone else. ``to_dict`` copies dicts and lists but not arrays; arrays become typed-array
    specs in the copy, never in the figure."""

    @classmethod
    def from_draft(cls, data: list[dict], layout: dict) -> SharedFigure:
        """The figure of these traces and layout, made by Plotly when first needed."""
        figure = cls.__new__(cls)
        # Not Plotly's __setattr__: it would look the name up, and the lookup make the figure.
        figure.__dict__["_draft"] = (data, layout)
        return figure

    def __getattr__(self, name: str) -> object:
        # Only reached for what the instance lacks: before Plotly's figure is made, all of it.
        if name.startswith("__"):
            raise AttributeError(name)
        # Kept figures are shared by sessions on other threads: one makes the figure, the others
        # wait for it (re-entrant: Plotly's __init__ looks names up on the figure it makes).
        with _MAKING:
            draft = self.__dict__.pop("_draft", None)
            if draft is not None:
                go.Figure.__init__(self, data=draft[0], layout=draft[1], _validate=False)
        return object.__getattribute__(self, name)

    def to_dict(self) -> dict:
        draft = self.__dict__.get("_draft")
        if draft is not None:
            data, layout = draft
            result = {"data": _structure(data), "layout": _structure(layout)}
            if result["layout"].get("template") is None:
                # What Plotly's Figure.__init__ gives every figure without one.
                result["layout"]["template"] = _structure(_default_template(pio.templates.default))
        elif self._frame_objs:
            return super().to_dict()
        else:
            result = {"data": _structure(self._data), "layout": _structure(self._layout)}
        _to_base64(result)
        return result


_MAKING = threading.RLock()


@functools.lru_cache(maxsize=4)
def _default_template(name: object) -> dict:
    """The template Plotly gives a figure made while ``name`` is the default, as its dict."""
    return go.Figure(layout={"template": name}).to_dict()["layout"]["template"]


def _to_base64(obj: object) -> None:
    """Plotly's ``convert_to_base64`` (what ``go.Figure.to_dict`` does to a figure's arrays: numbers
    become typed-array specs, other arrays copies) on a dict made by ``_structure``, without
    Plotly's search for a dataframe library behind every numpy array (~6 % of a goal page)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if is_skipped_key(key):
                continue
            if isinstance(value, np.ndarray):
                obj[key] = _typed_array(value)
            elif is_homogeneous_array(value):
                obj[key] = to_typed_array_spec(value)
            else:
                _to_base64(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _to_base64(value)


# Plotly's own bounds: 64-bit integers are sent in the smallest type that holds them.
_INT_RANGES = {
    "int64": (
        ("int8", plotly_utils.int8min, plotly_utils.int8max),
        ("int16", plotly_utils.int16min, plotly_utils.int16max),
        ("int32", plotly_utils.int32min, plotly_utils.int32max),
    ),
    "uint64": (
        ("uint8", 0, plotly_utils.uint8max),
        ("uint16", 0, plotly_utils.uint16max),
        ("uint32", 0, plotly_utils.uint32max),
    ),
}


def _typed_array(array: np.ndarray) -> object:
    """``to_typed_array_spec`` of a numpy array, as Plotly makes it."""
    if array.dtype.kind not in "uifOM":
        array = np.array(array, dtype="object")  # as Plotly's copy makes of it
    if array.size == 0:
        return array.copy()
    dtype = str(array.dtype)
    if dtype in _INT_RANGES:
        low, high = array.min(), array.max()
        fits = [name for name, lo, hi in _INT_RANGES[dtype] if low >= lo and high <= hi]
        if not fits:
            return array.copy()
        array, dtype = array.astype(fits[0]), fits[0]
    if dtype not in plotlyjsShortTypes:
        return array.copy()
    spec = {
        "dtype": plotlyjsShortTypes[dtype],
        "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii"),
    }
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec


def _structure(value: object) -> object:
    """`value` with every dict, list and tuple copied and everything else shared (arrays are
    replaced in the copies by ``_to_base64``, never changed in place)."""
    if isinstance(value, dict):
        return {key: _structure(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [
            _structure(item) if isinstance(item, (dict, list, tuple)) else item for item in value
        ]
        return items if isinstance(value, list) else tuple(items)
    return value


def _merge(into: dict, update: dict) -> None:
    """``update`` merged into ``into`` as Plotly's update_layout does: nested dicts merge,
    anything else (lists too) replaces."""
    for key, value in update.items():
        if isinstance(value, dict):
            if not isinstance(into.get(key), dict):
                into[key] = {}
            _merge(into[key], value)  # copied: the caller's dict stays the caller's
        else:
            into[key] = value


def apply_frame(
    fig: go.Figure | FigureDraft, ctx: ChartContext, frame: Frame, *, plot_height: int
) -> None:
    """Give ``fig`` the house look and draw the frame: title and subtitle (area · period) at the
    top, the legend under them, the footer (demo marking, notes, source, data through) below
    the plot, and a faint "DEMODATA" across the plot when the data are demo data.

    With a legend, the title block is the legend's title: Plotly then sizes the top margin for
    title and legend together at whatever width the chart gets, so a legend that wraps into
    more rows on a tablet pushes the plot down instead of running into the title.
    """
    fig.update_layout(
        height=frame.top + plot_height + frame.bottom,
        margin={
            "t": frame.top,
            "b": frame.bottom,
            "l": frame.left,
            "r": frame.right,
            "pad": 0,
            "autoexpand": True,
        },
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        font={"family": FONT_FAMILY, "size": BODY_SIZE, "color": INK},
        separators=f",{NBSP}" if ctx.lang == "sv" else ".,",
        showlegend=frame.legend_rows > 0,
        hovermode="closest",
        hoverlabel={"bgcolor": BACKGROUND, "bordercolor": GREY, "font": {"family": FONT_FAMILY}},
        dragmode=False,
    )
    legend = {
        "orientation": "h",
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "font": {"size": BODY_SIZE, "color": INK},
        "bgcolor": "rgba(255,255,255,0)",
        "traceorder": "normal",
        "itemwidth": 40,
    }
    if frame.title_in_legend:
        legend["title"] = {
            # the trailing blank line separates the title block from the entries
            "text": title_text(frame) + "<br> ",
            "side": "top",
            "font": {"size": TITLE_SIZE, "color": INK},
        }
    else:
        # An annotation, not layout.title: Plotly places a multi-line title by its first line
        # and an annotation by its box, so the block keeps its place at any height.
        fig.add_annotation(
            text=title_text(frame),
            xref="paper",
            yref="paper",
            x=0,
            y=1,
            xanchor="left",
            yanchor="top",
            xshift=-(frame.left - EDGE),
            yshift=frame.top - EDGE,
            align="left",
            showarrow=False,
            font={"size": TITLE_SIZE, "color": INK},
            name="title",
        )
    fig.update_layout(legend=legend)
    fig.add_annotation(
        text="<br>".join(frame.footer_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        xshift=0 if frame.title_in_legend else -(frame.left - EDGE),
        yshift=-(frame.below_plot + 6),
        align="left",
        showarrow=False,
        font={"size": SMALL_SIZE, "color": MUTED},
        name="footer",
    )
    if ctx.demo:
        fig.add_annotation(
            text=f"<b>{escape(ctx.text('watermark'))}</b>",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            textangle=-18,
            font={"size": 44, "color": WATERMARK},
            name="watermark",
        )


def _period_axis(first: pd.Timestamp, last: pd.Timestamp, lang: Lang, frequency: str) -> dict:
    """A date x-axis for quarterly or yearly periods: a tick per period named as people write it
    ("2025", "kv. 3 2025"); beyond eight quarters a tick per year. The range leaves half a
    period on each side, so the first and last points are not on the frame."""
    step = MONTHS_IN[frequency]
    ticks = period_range(first, last, frequency)
    if frequency == "quarterly" and len(ticks) > 8:
        ticks = pd.DatetimeIndex([t for t in ticks if t.month == 1] or [ticks[0]])
        text = [str(t.year) for t in ticks]
    else:
        text = [format_period(t, frequency, lang) for t in ticks]
    half = pd.DateOffset(days=int(step * 30.4 / 2))
    return {
        "type": "date",
        "range": [first - half, last + half],
        "tickmode": "array",
        "tickvals": list(ticks),
        "ticktext": text,
        "showgrid": False,
        "ticks": "outside",
        "ticklen": 4,
        "tickcolor": GRID,
        "linecolor": "#9aa5b1",
        "showline": True,
        "fixedrange": True,
        "tickfont": {"size": BODY_SIZE, "color": MUTED},
    }

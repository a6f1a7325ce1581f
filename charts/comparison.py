"""Areas compared with the region: a funnel plot and tile maps (the municipalities, the police
areas), drawing what metrics.compare computed. Shape and word carry the category, not colour
alone; no ranking: tiles lie where the areas are, points where their sizes put them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import theme
from charts.context import ChartContext
from i18n import LANGUAGES, t
from metrics.catalog import Indicator
from metrics.compare import RATE_KINDS, AreaComparison, Funnel, category_words

SYMBOLS = {
    "higher": "triangle-up",
    "lower": "triangle-down",
    "similar": "circle",
    "not_comparable": "circle-open",
}
GLYPHS = {"higher": "▲", "lower": "▼", "similar": "●", "not_comparable": "○"}
# Neutral direction (reported crime): two blues, never red/green. Directional: better is blue,
# worse is amber; similar is grey; not comparable is white with a dashed outline.
FILLS = {
    "neutral": {"higher": "#1d4e89", "lower": "#9ec5e8"},
    "increase": {"higher": "#1d4e89", "lower": "#c0741f"},
    "decrease": {"higher": "#c0741f", "lower": "#1d4e89"},
}
SIMILAR_FILL = "#d9dde2"
INK_ON = {"#1d4e89": "#ffffff", "#c0741f": "#ffffff"}

# Rough geography (column, row; north at the top): equal squares, no map data.
MUNICIPALITY_TILES: dict[str, tuple[int, int]] = {
    "0191": (3, 0), "0188": (5, 0),
    "0139": (2, 1), "0114": (3, 1), "0115": (4, 1), "0117": (5, 1),
    "0123": (2, 2), "0163": (3, 2), "0160": (4, 2), "0187": (5, 2),
    "0125": (1, 3), "0183": (2, 3), "0184": (3, 3), "0162": (4, 3), "0186": (5, 3),
    "0128": (1, 4), "0127": (2, 4), "0180": (3, 4), "0182": (4, 4), "0120": (5, 4),
    "0140": (0, 5), "0181": (1, 5), "0126": (3, 5), "0138": (4, 5),
    "0136": (4, 6),
    "0192": (4, 7), "0980": (6, 7),
}  # fmt: skip
POLICE_TILES: dict[str, tuple[int, int]] = {
    "PO_NORD": (0, 0),
    "PO_CITY": (1, 1),
    "PO_SYD": (0, 2),
    "PO_GOTLAND": (2, 3),
}


@dataclass(frozen=True)
class ComparisonWords:
    """The words a comparison chart needs, in the page's language."""

    categories: dict[str, str]  # category -> "högre än länet" (or "bättre än länet")
    axis: str  # the value axis title (unit)
    size_axis: str  # the funnel's x axis title
    centre: str  # "Länets värde"
    limit: str  # "Gräns {level}"
    selected: str  # "Valt område"
    notes: Sequence[str] = ()  # footer notes (population base and year, method, hidden)


def comparison_words(indicator: Indicator, lang: str, notes: Sequence[str] = ()) -> ComparisonWords:
    """The words of an indicator's funnel and tile maps, as the page and the pack draw them."""
    share = indicator.kind not in RATE_KINDS
    base = t("population_base_" + indicator.population_base, lang)
    return ComparisonWords(
        categories=category_words(indicator, lang),
        axis=t("per_100k", lang) if not share else indicator.unit(lang),
        size_axis=(
            t("funnel_x_denominator", lang) if share else t("funnel_x_population", lang, base=base)
        ),
        centre=t("funnel_centre", lang),
        limit=t("funnel_limit", lang),
        selected=t("funnel_selected", lang),
        notes=list(notes),
    )


def category_fill(category: str, direction: str) -> str:
    if category in ("higher", "lower"):
        return FILLS[direction][category]
    return SIMILAR_FILL if category == "similar" else theme.BACKGROUND


def funnel_figure(
    frame: pd.DataFrame,
    drawn: Funnel,
    ctx: ChartContext,
    words: ComparisonWords,
    *,
    direction: str,
    percent: bool,
    selected: str | None = None,
) -> go.Figure:
    """Each shown area at its size (``denominator``) and value, with the region's value as the
    centre line and the 95 % and 99,8 % limits; ``selected`` (an area code) is ringed and named.

    frame: ``area_code``, ``area_label``, ``value``, ``denominator``, ``lower``, ``upper``,
    ``category``; rows without a value (hidden or missing) are not drawn at all."""
    draft = funnel_draft(frame, drawn, ctx, words, direction=direction, percent=percent)
    return mark_funnel(draft, frame, words, percent=percent, selected=selected).figure()


def funnel_draft(
    frame: pd.DataFrame,
    drawn: Funnel,
    ctx: ChartContext,
    words: ComparisonWords,
    *,
    direction: str,
    percent: bool,
) -> theme.FigureDraft:
    """`funnel_figure` with no area marked, as a draft: the page makes it once and marks the
    area chosen on each filter change (`mark_funnel`)."""
    scale = 100.0 if percent else 1.0
    shown = frame[frame["value"].notna() & frame["denominator"].notna()]
    fig = theme.FigureDraft()
    dashes = {0.95: "dash", 0.998: "dot"}
    for level, (lower, upper) in drawn.limits.items():
        name = words.limit.format(level=_level_text(level, ctx.lang))
        for i, line in enumerate((upper, lower)):
            fig.add_trace(
                theme.trace(
                    "scatter",
                    x=drawn.sizes,
                    y=np.asarray(line) * scale,
                    mode="lines",
                    line={"color": theme.LIMIT_LINE, "width": 1.2, "dash": dashes[level]},
                    name=theme.escape(name),
                    showlegend=i == 0,
                    legendgroup=name,
                    hoverinfo="skip",
                )
            )
    fig.add_trace(
        theme.trace(
            "scatter",
            x=[drawn.sizes[0], drawn.sizes[-1]],
            y=[drawn.centre * scale] * 2,
            mode="lines",
            line={"color": theme.MEAN_LINE, "width": 1.6},
            name=theme.escape(words.centre),
            hoverinfo="skip",
        )
    )
    for category, symbol in SYMBOLS.items():
        part = shown[shown["category"] == category]
        if part.empty:
            continue
        fill = category_fill(category, direction)
        word = theme.escape(words.categories[category])
        hover = [
            f"<b>{theme.escape(label)}</b><br>{_value(value, ctx.lang, percent)} "
            f"({_value(lower, ctx.lang, percent)}–{_value(upper, ctx.lang, percent)})<br>{word}"
            for label, value, lower, upper in zip(
                part["area_label"], part["value"], part["lower"], part["upper"], strict=True
            )
        ]
        fig.add_trace(
            theme.trace(
                "scatter",
                x=part["denominator"],
                y=part["value"] * scale,
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 11,
                    "color": fill if category != "not_comparable" else theme.MUTED,
                    "line": {"color": theme.INK, "width": 1},
                },
                name=word,  # the marker is the shape
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    geometry = theme.frame_geometry(ctx, title_in_legend=True, notes=words.notes, below_plot=44)
    theme.apply_frame(fig, ctx, geometry, plot_height=300)
    yaxis = theme.value_axis(ctx.lang, percent=percent, title=words.axis)
    fig.update_layout(
        yaxis=yaxis,
        xaxis={
            "type": "log",
            "title": {"text": theme.escape(words.size_axis)},
            "gridcolor": theme.GRID,
            "fixedrange": True,
        },
    )
    return fig


def mark_funnel(
    draft: theme.FigureDraft,
    frame: pd.DataFrame,
    words: ComparisonWords,
    *,
    percent: bool,
    selected: str | None,
) -> theme.FigureDraft:
    """`draft` with ``selected`` ringed and named on top (a new draft sharing the rest; `draft`
    is not changed); `draft` itself when no area is chosen or the chosen one is not drawn."""
    shown = frame[frame["value"].notna() & frame["denominator"].notna()]
    at = shown[shown["area_code"] == selected]
    if selected is None or at.empty:
        return draft
    row = at.iloc[0]
    scale = 100.0 if percent else 1.0
    marked = theme.FigureDraft()
    marked.layout = draft.layout
    marked.data = [
        *draft.data,
        theme.trace(
            "scatter",
            x=[row["denominator"]],
            y=[row["value"] * scale],
            mode="markers+text",
            marker={
                "symbol": "circle-open",
                "size": 22,
                "line": {"width": 2.5},
                "color": theme.INK,
            },
            text=[theme.escape(str(row["area_label"]))],
            textposition="top center",
            name=theme.escape(words.selected),
            hoverinfo="skip",
        ),
    ]
    return marked


def tile_map_figure(
    frame: pd.DataFrame,
    ctx: ChartContext,
    words: ComparisonWords,
    *,
    tiles: dict[str, tuple[int, int]],
    direction: str,
    percent: bool,
    selected: str | None = None,
    label_size: int = 9,
) -> go.Figure:
    """Equal squares where the areas roughly lie, filled by category, each with its short name,
    the category's glyph and its value (".." when hidden or missing).

    frame: ``area_code``, ``area_label``, ``value``, ``category``, ``suppressed``; areas without
    a tile place are left out (a catalog beyond Stockholm county). label_size: the tiles' text in
    px (smaller where the map is drawn small, as on a slide)."""
    draft = tile_map_draft(
        frame,
        ctx,
        words,
        tiles=tiles,
        direction=direction,
        percent=percent,
        label_size=label_size,
    )
    return mark_tiles(draft, frame, tiles=tiles, selected=selected).figure()


def tile_map_draft(
    frame: pd.DataFrame,
    ctx: ChartContext,
    words: ComparisonWords,
    *,
    tiles: dict[str, tuple[int, int]],
    direction: str,
    percent: bool,
    label_size: int = 9,
) -> theme.FigureDraft:
    """`tile_map_figure` with no tile marked, as a draft (marked by `mark_tiles`). Its first
    shapes are the tiles, in the frame's order."""
    rows = frame[frame["area_code"].isin(tiles)]
    fig = theme.FigureDraft()
    columns = max(c for c, _ in tiles.values()) + 1
    height = max(r for _, r in tiles.values()) + 1
    for row in rows.itertuples():
        col, line = tiles[row.area_code]
        category = row.category if pd.notna(row.value) else "not_comparable"
        fill = category_fill(category, direction)
        ink = INK_ON.get(fill, theme.INK)
        fig.add_shape(
            type="rect",
            x0=col + 0.04,
            x1=col + 0.96,
            y0=-line - 0.04,
            y1=-line - 0.96,
            fillcolor=fill,
            line={
                "color": theme.LIMIT_LINE,
                "width": 1,
                "dash": "dot" if category == "not_comparable" else "solid",
            },
            layer="below",
        )
        value = ".." if pd.isna(row.value) else _value(row.value, ctx.lang, percent)
        label = "<br>".join(theme.escape(part) for part in _short(str(row.area_label)))
        fig.add_annotation(
            x=col + 0.5,
            y=-line - 0.5,
            text=f"{label}<br><b>{GLYPHS[category]} {value}</b>",
            showarrow=False,
            font={"size": label_size, "color": ink},
            hovertext=theme.escape(f"{row.area_label}: {value} – {words.categories[category]}"),
        )
    # The legend: one entry per category that occurs, with its glyph and word.
    for category in SYMBOLS:
        if category not in set(rows["category"]):
            continue
        fig.add_trace(
            theme.trace(
                "scatter",
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "symbol": "square",
                    "size": 13,
                    "color": category_fill(category, direction),
                    "line": {"color": theme.LIMIT_LINE, "width": 1},
                },
                name=theme.escape(f"{GLYPHS[category]} {words.categories[category]}"),
            )
        )
    geometry = theme.frame_geometry(ctx, title_in_legend=True, notes=words.notes, below_plot=8)
    theme.apply_frame(fig, ctx, geometry, plot_height=int(62 * height))
    hidden_axis = {"visible": False, "fixedrange": True}
    fig.update_layout(
        xaxis={**hidden_axis, "range": [-0.1, columns + 0.1]},
        yaxis={**hidden_axis, "range": [-height - 0.1, 0.1], "scaleanchor": "x"},
    )
    return fig


def mark_tiles(
    draft: theme.FigureDraft,
    frame: pd.DataFrame,
    *,
    tiles: dict[str, tuple[int, int]],
    selected: str | None,
) -> theme.FigureDraft:
    """`draft` (`tile_map_draft` of `frame`) with the tile of ``selected`` outlined (a new draft
    sharing the rest; `draft` is not changed); `draft` itself when it has no such tile."""
    codes = frame["area_code"][frame["area_code"].isin(tiles)].tolist()
    if selected not in codes:
        return draft
    at = codes.index(selected)
    shapes = list(draft.layout["shapes"])
    tile = shapes[at]
    shapes[at] = {**tile, "line": {**tile["line"], "color": theme.INK, "width": 3}}
    marked = theme.FigureDraft()
    marked.data = draft.data
    marked.layout = {**draft.layout, "shapes": shapes}
    return marked


TILE_LINE = 11
"""The characters of a tile's name that fit on one line of a tile."""


def _short(name: str) -> list[str]:
    """A tile's name in at most two lines of at most 11 characters (Polisområde Stockholm nord →
    Stockholm / nord: the police areas differ only in their last word); a longer name is cut."""
    for lang in LANGUAGES:  # the catalog's police-area names in either language
        head, tail = t("police_area_name", lang).split("{name}")
        name = name.removeprefix(head) if head else name.removesuffix(tail)
    if len(name) <= TILE_LINE:
        return [name]
    first, _, rest = name.rpartition(" ")
    if first and len(first) <= TILE_LINE and len(rest) <= TILE_LINE:
        return [first, rest]
    return [name[: TILE_LINE - 1] + "."]


def _value(value: float, lang: str, percent: bool) -> str:
    if pd.isna(value):
        return ".."
    if percent:
        return theme.format_value(value, lang, percent=True)
    return theme.format_value(value, lang, decimals=1 if abs(value) < 100 else 0)


def _level_text(level: float, lang: str) -> str:
    return "99,8 %" if level == 0.998 and lang == "sv" else ("99.8 %" if level == 0.998 else "95 %")


def comparison_context(
    indicator: Indicator,
    compared: AreaComparison,
    *,
    title: str,
    suffix: str,
    region_name: str,
    data_through: str,
    demo: bool,
    lang: str,
) -> ChartContext:
    """What a comparison chart (areas, funnel, tile map) says about itself: the indicator and
    `title`, the county, the period compared, source, data through, demo; its download name
    ends in `suffix` and the period's last month."""
    return ChartContext(
        title=f"{indicator.label(lang)} – {title}",
        area_label=region_name,
        period_label=compared.period_label(lang),
        source=indicator.source,
        data_through=data_through,
        demo=demo,
        lang=lang,
        filename=f"lagesbild_{indicator.id}_{suffix}_{compared.end:%Y-%m}",
    )

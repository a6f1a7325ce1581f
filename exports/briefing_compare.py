"""The briefing pack's comparison slide per indicator: areas against the county (frames in, content out).

The same comparison the indicator page draws (metrics.compare at 95 %: each area's 12-month
value with its interval, higher / lower / like the county), as one image — the municipalities'
tile map where the indicator has municipalities, else the funnel plot — and its words: the
summary, the areas named per category in the catalog's order (never ranked), the population
base and year, the method. Reads every area of the indicator; in briefing mode the caller
passes observations protected by disclosure control, and a window with a hidden month has no
value, interval, point or tile number (metrics.compare), so nothing hidden is drawn or said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from charts.comparison import (
    MUNICIPALITY_TILES,
    POLICE_TILES,
    comparison_context,
    comparison_words,
    funnel_figure,
    tile_map_figure,
)
from i18n import t
from metrics.catalog import Catalog, Indicator
from metrics.compare import (
    CATEGORIES,
    AreaComparison,
    area_comparison,
    category_words,
    comparison_summary,
    funnel,
    population_note,
)
from metrics.formatting import format_month
from metrics.population import Population
from metrics.reading import REGION

LEVEL = 0.95
"""The pack compares at 95 % (the page's default; the page offers 99,8 % too)."""
MONTHS = 12
SLIDE_TILE_LABEL = 7
"""px of a tile's name and value on a slide, where the map is drawn smaller than on the page."""


@dataclass(frozen=True)
class ComparisonPage:
    """One indicator's comparison slide, ready to lay out.

    png: the tile map or funnel (None when nothing can be drawn: every value hidden); summary:
    how many areas are higher, similar, lower, not comparable; areas: (category, its words, the
    area names in catalog order) per category that occurs; notes: population base and year, method,
    and in briefing mode that hidden windows are left out.
    """

    indicator: Indicator
    title: str
    region_name: str
    period_label: str
    png: bytes | None
    summary: str
    areas: tuple[tuple[str, str, str], ...]
    notes: tuple[str, ...]


def comparison_page(
    obs: pd.DataFrame,
    catalog: Catalog,
    indicator: Indicator,
    end: pd.Timestamp,
    population: Population,
    *,
    lang: str,
    demo: bool,
    briefing: bool,
    data_through: pd.Timestamp,
    render: Callable[..., bytes],
    size: tuple[int, int],
    year_totals: pd.DataFrame | None = None,
) -> ComparisonPage | None:
    """The comparison over the 12 months to `end` (in briefing mode a calendar year's totals,
    as the page: metrics.compare.area_comparison), or None when the indicator is reported for
    fewer than two areas below the county (nothing to compare) or is a stock or a median (no
    interval). obs: the indicator's rows at every area (protected in briefing mode);
    year_totals: briefing mode's year totals of every area (`ui.data.area_year_totals`)."""
    if indicator.kind not in ("count", "proportion"):
        return None
    compared = area_comparison(
        obs, indicator, catalog, end, population, LEVEL, months=MONTHS, year_totals=year_totals
    )
    comparison = compared.areas
    if len(comparison) <= 1:
        return None
    comparison["area_label"] = [catalog.area(c).name(lang) for c in comparison["area_code"]]
    share = indicator.kind == "proportion"
    words = category_words(indicator, lang)
    period_label = compared.period_label(lang)
    base = [] if share else [population_note(comparison, indicator, compared.end, lang)]
    notes = base + compared.briefing_notes(lang)
    if briefing and comparison["suppressed"].any():
        notes.append(t("pack_compare_hidden", lang))
    chart_notes = [*notes, t("compare_method", lang)]
    png = _image(
        compared,
        catalog,
        indicator,
        lang=lang,
        demo=demo,
        data_through=data_through,
        # The image's footer stays short, so the map keeps its room on the slide; the whole
        # notes stand beside it (ComparisonPage.notes).
        notes=[*base, *compared.briefing_notes(lang, short=True), t("compare_method_short", lang)],
        render=render,
        size=size,
    )
    return ComparisonPage(
        indicator=indicator,
        title=f"{indicator.label(lang)} – {t('area_comparison', lang).lower()}",
        region_name=catalog.area(REGION).name(lang),
        period_label=period_label,
        png=png,
        summary=comparison_summary(comparison, LEVEL, lang, indicator),
        areas=tuple(
            (category, words[category], ", ".join(group["area_label"]))
            for category in CATEGORIES
            if category != "none"
            and not (group := comparison[comparison["category"] == category]).empty
        ),
        notes=tuple(chart_notes),
    )


def _image(
    compared: AreaComparison,
    catalog: Catalog,
    indicator: Indicator,
    *,
    lang: str,
    demo: bool,
    data_through: pd.Timestamp,
    notes: list[str],
    render: Callable[..., bytes],
    size: tuple[int, int],
) -> bytes | None:
    """The municipalities' tile map where the indicator has them, else the funnel plot."""
    comparison = compared.areas
    if comparison["value"].isna().all():
        return None
    percent = indicator.kind == "proportion"
    words = comparison_words(indicator, lang, notes)
    codes = set(comparison["area_code"])
    tiles = MUNICIPALITY_TILES if codes & set(MUNICIPALITY_TILES) else None
    title = t("tiles_title" if tiles else "funnel_title", lang).lower()
    ctx = comparison_context(
        indicator,
        compared,
        title=title,
        suffix="jamforelse",
        region_name=catalog.area(REGION).name(lang),
        data_through=format_month(data_through, lang),
        demo=demo,
        lang=lang,
    )
    if tiles is not None:
        fig = tile_map_figure(
            comparison,
            ctx,
            words,
            tiles=tiles,
            direction=indicator.direction,
            percent=percent,
            label_size=SLIDE_TILE_LABEL,
        )
    else:
        drawn = funnel(comparison, indicator, compared.centre)
        if drawn is None:
            fig = tile_map_figure(
                comparison,
                ctx,
                words,
                tiles=POLICE_TILES,
                direction=indicator.direction,
                percent=percent,
            )
        else:
            fig = funnel_figure(
                comparison, drawn, ctx, words, direction=indicator.direction, percent=percent
            )
    fig.update_layout(width=size[0], height=size[1])
    return render(fig, scale=2)

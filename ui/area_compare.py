"""The indicator page's comparison between areas (Streamlit glue): each area's 12-month value
with its interval and whether it is higher, lower or like the county, a funnel plot, tile maps
of the municipalities and the police areas, the population base and year, and a CSV."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st
from plotly.graph_objects import Figure

from charts import ChartContext, area_comparison_figure, plotly_config
from charts.comparison import (
    GLYPHS,
    MUNICIPALITY_TILES,
    POLICE_TILES,
    ComparisonWords,
    comparison_context,
    comparison_words,
    funnel_draft,
    mark_funnel,
    mark_tiles,
    tile_map_draft,
)
from charts.theme import FigureDraft
from exports.csv_export import to_excel_csv
from i18n import t
from metrics.aggregate import RATE_KINDS
from metrics.catalog import Catalog, Indicator
from metrics.compare import (
    LEVEL_LABELS,
    AreaComparison,
    area_comparison,
    category_words,
    comparison_summary,
    funnel,
    level_label,
    population_note,
)
from metrics.formatting import format_month, format_number, format_percent
from metrics.reading import REGION
from ui import data
from ui.state import Filters


@dataclass(frozen=True)
class _Chart:
    key: str  # the Streamlit element key
    figure: Figure
    context: ChartContext


@dataclass(frozen=True)
class _Draft:
    key: str  # the Streamlit element key
    draft: FigureDraft  # shared by every session: never changed, only copied
    context: ChartContext
    tiles: dict[str, tuple[int, int]] | None = None  # a tile map's places


@dataclass(frozen=True)
class _Comparison:
    """What the comparison draws, made once per data version (see ``_build``)."""

    compared: AreaComparison
    status: str  # "none" | "all_hidden" | "no_centre" | "no_funnel" | "drawn"
    captions: tuple[str, ...] = ()
    bars: _Chart | None = None
    summary: str | None = None
    funnel: _Chart | None = None
    maps: tuple[_Chart, ...] = ()
    table: pd.DataFrame | None = None
    # The funnel and the maps with no area marked (drafts: marking the area chosen copies
    # only what it changes), and the rows they are drawn from.
    frame: pd.DataFrame | None = None
    words: ComparisonWords | None = None
    funnel_draft: _Draft | None = None
    map_drafts: tuple[_Draft, ...] = ()


def draw_area_comparison(
    indicator: Indicator,
    catalog: Catalog,
    obs: pd.DataFrame,
    f: Filters,
    *,
    end: pd.Timestamp,
    through: pd.Timestamp,
    demo: bool,
) -> None:
    """The comparison over the 12 months to `end` (in briefing mode a calendar year's totals,
    metrics.compare.area_comparison); nothing when fewer than two areas can be compared. obs
    must hold the indicator's rows for every area (protected in briefing mode: what is hidden is
    drawn as '..', never as a point)."""
    lang = f.lang
    level = st.radio(
        t("compare_level", lang),
        list(LEVEL_LABELS),
        format_func=lambda v: level_label(v, lang),
        horizontal=True,
        key="compare_level",
    )
    built = _build(
        data.indicator_key(indicator.id),
        data.population_key(),
        indicator.id,
        f.briefing,
        level,
        lang,
        f.area,
        end,
        through,
        demo,
        _obs=obs,
    )
    if built.status == "none":
        return
    st.subheader(t("area_comparison", lang))
    if built.status == "all_hidden":
        st.info(t("area_comparison_all_hidden", lang), icon=":material/visibility_off:")
        return
    for caption in built.captions:
        st.caption(caption)
    _plot(built.bars)
    if built.status == "no_centre":
        st.info(t("compare_no_centre", lang), icon=":material/visibility_off:")
    if built.funnel is None:
        return
    st.markdown(f"**{t('compare_region', lang)}:** {built.summary}")
    funnel_col, map_col = st.columns(2)
    with funnel_col:
        _plot(built.funnel)
    with map_col:
        for chart in built.maps:
            _plot(chart)
    with st.expander(t("data_table", lang)):
        st.dataframe(built.table, hide_index=True, width="stretch")
    window = built.compared.end
    st.download_button(
        t("compare_download", lang),
        lambda: comparison_csv(built.compared, indicator, level),
        file_name=f"lagesbild_{indicator.id}_jamforelse_{window:%Y-%m}{'_dragning' if f.briefing else ''}.csv",
        mime="text/csv",
        key="compare_csv",
    )


def _plot(chart: _Chart | None) -> None:
    if chart is not None:
        st.plotly_chart(
            chart.figure, config=plotly_config(chart.context), theme=None, key=chart.key
        )


def _build(
    data_key: tuple,
    population_key: tuple,
    indicator_id: str,
    briefing: bool,
    level: float,
    lang: str,
    area: str,
    end: pd.Timestamp,
    through: pd.Timestamp,
    demo: bool,
    *,
    _obs: pd.DataFrame,
) -> _Comparison:
    """The comparison (one per data version and choices) with the funnel and maps that mark
    `area` (one per area chosen)."""
    args = (data_key, population_key, indicator_id, briefing, level, lang, end, through, demo)
    common = _common(*args, _obs=_obs)
    if common.status != "drawn":
        return common
    selected = area if area in set(common.frame["area_code"]) else None
    return _marked(*args, selected, _common=common)


# Made once per data version and shared by every session (a resource: handed out, not copied):
# the intervals, the funnel's limits and the figures over every area are most of the indicator
# page's run (0,6-0,9 s of a 0,7-1,0 s run on the demo). Keyed on the indicator's data at every
# area (its year totals and release follow from it), the population figures, and everything else
# the charts are drawn from; the rows follow from the key. The area chosen only marks a point
# in the funnel and a tile in the maps: a filter change draws those two again, nothing else.
@st.cache_resource(show_spinner=False, max_entries=128)
def _common(
    data_key: tuple,
    population_key: tuple,
    indicator_id: str,
    briefing: bool,
    level: float,
    lang: str,
    end: pd.Timestamp,
    through: pd.Timestamp,
    demo: bool,
    *,
    _obs: pd.DataFrame,
) -> _Comparison:
    catalog = data.catalog()
    indicator = catalog.indicator(indicator_id)
    compared = area_comparison(
        _obs,
        indicator,
        catalog,
        end,
        data.population(),
        level,
        year_totals=data.area_year_totals(briefing, indicator.id),
    )
    comparison = compared.areas
    if len(comparison) <= 1:
        return _Comparison(compared, "none")
    if comparison["value"].isna().all() and comparison["suppressed"].any():
        return _Comparison(compared, "all_hidden")
    share = indicator.kind not in RATE_KINDS
    percent = indicator.kind == "proportion"
    comparison = comparison.assign(
        area_label=[catalog.area(c).name(lang) for c in comparison["area_code"]]
    )
    notes = [] if share else [population_note(comparison, indicator, compared.end, lang)]
    captions = (comparison_help(compared, share, lang), *compared.briefing_notes(lang), *notes)
    unit = t("per_100k", lang) if not share else indicator.unit(lang)
    ctx = _context(compared, indicator_id, lang, through, demo, "area_comparison", "omraden")
    bars = _Chart(
        "compare",
        area_comparison_figure(
            comparison[["area_label", "value", "suppressed", "lower", "upper"]],
            ctx,
            unit=unit,
            percent=percent,
            notes=notes,
        ),
        ctx,
    )
    drawn = funnel(comparison, indicator, compared.centre)
    if drawn is None:
        status = "no_centre" if compared.calendar_year and compared.centre is None else "no_funnel"
        return _Comparison(compared, status, captions, bars)
    words = comparison_words(indicator, lang, [*notes, t("compare_method", lang)])
    ctx = _context(compared, indicator_id, lang, through, demo, "funnel_title", "tratt")
    funnel_chart = _Draft(
        "compare_funnel",
        funnel_draft(comparison, drawn, ctx, words, direction=indicator.direction, percent=percent),
        ctx,
    )
    maps = []
    for tiles, title, key in (
        (MUNICIPALITY_TILES, "tiles_title", "municipalities"),
        (POLICE_TILES, "tiles_police_title", "police"),
    ):
        if not set(comparison["area_code"]) & set(tiles):
            continue
        ctx = _context(compared, indicator_id, lang, through, demo, title, f"karta_{key}")
        map_words = ComparisonWords(**{**words.__dict__, "notes": [*notes, t("tiles_note", lang)]})
        draft = tile_map_draft(
            comparison,
            ctx,
            map_words,
            tiles=tiles,
            direction=indicator.direction,
            percent=percent,
        )
        maps.append(_Draft(f"compare_map_{key}", draft, ctx, tiles))
    return _Comparison(
        compared,
        "drawn",
        captions,
        bars,
        summary=comparison_summary(comparison, level, lang, indicator),
        table=comparison_table(
            comparison,
            category_words(indicator, lang),
            lang,
            percent,
            value_header(compared, lang),
        ),
        frame=comparison,
        words=words,
        funnel_draft=funnel_chart,
        map_drafts=tuple(maps),
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _marked(
    data_key: tuple,
    population_key: tuple,
    indicator_id: str,
    briefing: bool,
    level: float,
    lang: str,
    end: pd.Timestamp,
    through: pd.Timestamp,
    demo: bool,
    selected: str | None,
    *,
    _common: _Comparison,
) -> _Comparison:
    """`_common` with its funnel and maps marking `selected` (None: no area marked)."""
    indicator = data.catalog().indicator(indicator_id)
    frame, made = _common.frame, _common.funnel_draft
    marked = mark_funnel(
        made.draft,
        frame,
        _common.words,
        percent=indicator.kind == "proportion",
        selected=selected,
    )
    maps = tuple(
        _Chart(
            m.key, mark_tiles(m.draft, frame, tiles=m.tiles, selected=selected).figure(), m.context
        )
        for m in _common.map_drafts
    )
    return replace(_common, funnel=_Chart(made.key, marked.figure(), made.context), maps=maps)


def _context(
    compared: AreaComparison,
    indicator_id: str,
    lang: str,
    through: pd.Timestamp,
    demo: bool,
    title_key: str,
    suffix: str,
) -> ChartContext:
    catalog = data.catalog()
    return comparison_context(
        catalog.indicator(indicator_id),
        compared,
        title=t(title_key, lang).lower(),
        suffix=suffix,
        region_name=catalog.area(REGION).name(lang),
        data_through=format_month(through, lang),
        demo=demo,
        lang=lang,
    )


def comparison_help(compared: AreaComparison, share: bool, lang: str) -> str:
    """What the values are: the latest 12 months, or the calendar year compared."""
    if compared.calendar_year:
        key = "area_comparison_help_share_year" if share else "area_comparison_help_year"
        return t(key, lang, year=compared.end.year)
    return t("area_comparison_help_share" if share else "area_comparison_help", lang)


def value_header(compared: AreaComparison, lang: str) -> str:
    if compared.calendar_year:
        return t("compare_value_year", lang, year=compared.end.year)
    return t("compare_value", lang)


def comparison_table(
    comparison: pd.DataFrame,
    words: dict[str, str],
    lang: str,
    percent: bool,
    value_title: str | None = None,
) -> pd.DataFrame:
    """The comparison as a readable table (the funnel's and the map's text alternative)."""
    return pd.DataFrame(
        {
            t("area", lang): comparison["area_label"],
            value_title or t("compare_value", lang): [
                _number(v, lang, percent) for v in comparison["value"]
            ],
            t("compare_interval", lang): [
                ".."
                if pd.isna(lo)
                else f"{_number(lo, lang, percent)}–{_number(hi, lang, percent)}"
                for lo, hi in zip(comparison["lower"], comparison["upper"], strict=True)
            ],
            t("compare_region", lang): [
                f"{GLYPHS.get(c, '')} {words[c]}".strip() for c in comparison["category"]
            ],
        }
    )


def _number(value: float, lang: str, percent: bool) -> str:
    if pd.isna(value):
        return ".."
    if percent:
        return format_percent(value, lang, 1)
    return format_number(value, lang, 1 if abs(value) < 100 else 0)


def comparison_csv(compared: AreaComparison, indicator: Indicator, level: float) -> bytes:
    """value, interval, category, population base and year per area, and the months compared
    (hidden cells stay empty)."""
    comparison = compared.areas
    out = pd.DataFrame(
        {
            "indicator_id": indicator.id,
            "area_code": comparison["area_code"],
            "period_start": f"{compared.start:%Y-%m}",
            "period_end": f"{compared.end:%Y-%m}",
            "months": 12,
            "value": comparison["value"],
            "lower": comparison["lower"],
            "upper": comparison["upper"],
            "level": level,
            "category": comparison["category"],
            "numerator": comparison["numerator"],
            "denominator": comparison["denominator"],
            "population_base": indicator.population_base
            if indicator.kind in ("count", "stock")
            else "",
            "population": comparison["population"],
            "population_year": comparison["population_year"],
            "population_estimate": comparison["population_estimate"],
        }
    )
    return to_excel_csv(out)

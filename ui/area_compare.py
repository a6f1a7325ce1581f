"""The indicator page's comparison between areas (Streamlit glue): each area's 12-month value
with its interval and whether it is higher, lower or like the county, a funnel plot, tile maps
of the municipalities and the police areas, the population base and year, and a CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import ChartContext, area_comparison_figure, plotly_config
from charts.comparison import (
    GLYPHS,
    MUNICIPALITY_TILES,
    POLICE_TILES,
    ComparisonWords,
    comparison_context,
    comparison_words,
    funnel_figure,
    tile_map_figure,
)
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
    population = data.population()
    level = st.radio(
        t("compare_level", lang),
        list(LEVEL_LABELS),
        format_func=lambda v: level_label(v, lang),
        horizontal=True,
        key="compare_level",
    )
    compared = area_comparison(
        obs,
        indicator,
        catalog,
        end,
        population,
        level,
        year_totals=data.area_year_totals(f.briefing, indicator.id),
    )
    comparison = compared.areas
    if len(comparison) <= 1:
        return
    st.subheader(t("area_comparison", lang))
    if comparison["value"].isna().all() and comparison["suppressed"].any():
        st.info(t("area_comparison_all_hidden", lang), icon=":material/visibility_off:")
        return
    share = indicator.kind not in RATE_KINDS
    percent = indicator.kind == "proportion"
    st.caption(comparison_help(compared, share, lang))
    for note in compared.briefing_notes(lang):
        st.caption(note)
    comparison["area_label"] = [catalog.area(c).name(lang) for c in comparison["area_code"]]
    words = category_words(indicator, lang)
    notes = [] if share else [population_note(comparison, indicator, compared.end, lang)]
    if not share:
        st.caption(notes[0])
    window = compared.end

    def context(title: str, suffix: str) -> ChartContext:
        return comparison_context(
            indicator,
            compared,
            title=title,
            suffix=suffix,
            region_name=catalog.area(REGION).name(lang),
            data_through=format_month(through, lang),
            demo=demo,
            lang=lang,
        )

    unit = t("per_100k", lang) if not share else indicator.unit(lang)
    ctx = context(t("area_comparison", lang).lower(), "omraden")
    fig = area_comparison_figure(
        comparison[["area_label", "value", "suppressed", "lower", "upper"]],
        ctx,
        unit=unit,
        percent=percent,
        notes=notes,
    )
    st.plotly_chart(fig, config=plotly_config(ctx), theme=None, key="compare")

    drawn = funnel(comparison, indicator, compared.centre)
    if drawn is None:
        if compared.calendar_year and compared.centre is None:
            st.info(t("compare_no_centre", lang), icon=":material/visibility_off:")
        return
    summary = comparison_summary(comparison, level, lang, indicator)
    st.markdown(f"**{t('compare_region', lang)}:** {summary}")
    chart_words = comparison_words(indicator, lang, [*notes, t("compare_method", lang)])
    selected = f.area if f.area in set(comparison["area_code"]) else None
    funnel_col, map_col = st.columns(2)
    with funnel_col:
        ctx = context(t("funnel_title", lang).lower(), "tratt")
        fig = funnel_figure(
            comparison,
            drawn,
            ctx,
            chart_words,
            direction=indicator.direction,
            percent=percent,
            selected=selected,
        )
        st.plotly_chart(fig, config=plotly_config(ctx), theme=None, key="compare_funnel")
    with map_col:
        for tiles, title, key in (
            (MUNICIPALITY_TILES, t("tiles_title", lang), "municipalities"),
            (POLICE_TILES, t("tiles_police_title", lang), "police"),
        ):
            if not set(comparison["area_code"]) & set(tiles):
                continue
            ctx = context(title.lower(), f"karta_{key}")
            map_words = ComparisonWords(
                **{**chart_words.__dict__, "notes": [*notes, t("tiles_note", lang)]}
            )
            fig = tile_map_figure(
                comparison,
                ctx,
                map_words,
                tiles=tiles,
                direction=indicator.direction,
                percent=percent,
                selected=selected,
            )
            st.plotly_chart(fig, config=plotly_config(ctx), theme=None, key=f"compare_map_{key}")
    with st.expander(t("data_table", lang)):
        st.dataframe(
            comparison_table(comparison, words, lang, percent, value_header(compared, lang)),
            hide_index=True,
            width="stretch",
        )
    st.download_button(
        t("compare_download", lang),
        lambda: comparison_csv(compared, indicator, level),
        file_name=f"lagesbild_{indicator.id}_jamforelse_{window:%Y-%m}{'_dragning' if f.briefing else ''}.csv",
        mime="text/csv",
        key="compare_csv",
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

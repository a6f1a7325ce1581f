"""One indicator's trend chart with its statistics, text summary, data table and definition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import ChartContext, area_comparison_figure, plotly_config
from charts.describe import describe_trend
from charts.indicator import build_indicator_chart
from i18n import t
from metrics.catalog import Catalog, Indicator
from metrics.compare import compare_areas, reference_band
from metrics.formatting import format_month
from metrics.progress import Assessment
from ui import data
from ui.commentary import draw_commentary
from ui.components import badges, format_value, no_reading_text
from ui.state import Filters


def draw_indicator(
    indicator: Indicator,
    catalog: Catalog,
    obs: pd.DataFrame,
    f: Filters,
    *,
    demo: bool,
    through: pd.Timestamp,
    key: str,
    show_definition: bool = True,
) -> Assessment | None:
    """Chart, icons, text equivalent and table for `indicator` at the selected area, with the
    notes on it and its definition beside (unless `show_definition` is False).

    Indicators not reported for that area are shown for the region, and the chart says so.
    Events stored for the indicator (or for all) are drawn on the chart, so also in its PNG.
    """
    lang = f.lang
    area = f.area if f.area in catalog.valid_areas(indicator.id) else "STHLM"
    rolling = (
        bool(st.session_state.get(f"roll_{key}"))
        and indicator.kind in ("count", "proportion")
        and not f.briefing
    )
    chart = build_indicator_chart(
        obs,
        catalog,
        indicator,
        area,
        start=f.start,
        end=f.end,
        lang=lang,
        demo=demo,
        data_through=through,
        events=data.chart_events(indicator.id, lang, f.briefing),
        rolling_label=t("rolling_label", lang) if rolling else None,
        rebases=data.rebases().get(indicator.id, ()),
    )
    if chart is None:
        st.info(f"{indicator.label(lang)}: {t('rollup_no_data', lang)}.")
        return None
    series, assessment, ctx = chart.series, chart.assessment, chart.context
    chart_col, info_col = st.columns([3, 2]) if show_definition else (st.container(), None)
    with chart_col:
        st.plotly_chart(chart.figure, config=plotly_config(ctx), theme=None, key=f"chart_{key}")
        badges([assessment.variation_icon, assessment.assurance_icon], lang)
        if assessment.category == "hidden":
            st.caption(no_reading_text(assessment, lang))
        elif assessment.category == "too_little_data":
            st.caption(t("too_few_points", lang))
        if indicator.kind in ("count", "proportion") and not f.briefing:
            st.checkbox(t("show_rolling", lang), key=f"roll_{key}")
        st.caption(
            t("chart_summary", lang)
            + ": "
            + describe_trend(series, ctx, chart.spc_points, chart.unit, chart.percent)
        )
        with st.expander(t("data_table", lang)):
            table = pd.DataFrame(
                {
                    t("period", lang): [format_month(p, lang) for p in series.index],
                    indicator.label(lang): [
                        format_value(indicator, v, lang) for v in series["value"]
                    ],
                    "Status": [
                        t("preliminary", lang) if s == "preliminary" else ""
                        for s in series["status"]
                    ],
                }
            )
            st.dataframe(table, hide_index=True, width="stretch")
    if info_col is not None:
        with info_col:
            draw_commentary(
                indicator,
                catalog,
                area,
                series.index,
                assessment,
                lang=lang,
                briefing=f.briefing,
                key=key,
            )
            draw_definition(indicator, catalog, lang)
    return assessment


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
    """The areas side by side over the 12 months to `end` (rates per 100 000, or shares), in a
    fixed order with a reference band; nothing when fewer than two areas can be compared.

    obs must hold the indicator's rows for every area. When disclosure control hides every
    area's value (briefing mode), a message says so instead of an empty chart.
    """
    lang = f.lang
    comparison = compare_areas(obs, indicator, catalog, end)
    if len(comparison) <= 1:
        return
    st.subheader(t("area_comparison", lang))
    if comparison["value"].isna().all() and comparison["suppressed"].any():
        st.info(t("area_comparison_all_hidden", lang), icon=":material/visibility_off:")
        return
    share = indicator.kind not in ("count", "stock")
    st.caption(t("area_comparison_help_share" if share else "area_comparison_help", lang))
    comparison["area_label"] = [catalog.area(c).name(lang) for c in comparison["area_code"]]
    start = (end.to_period("M") - 11).to_timestamp()
    ctx = ChartContext(
        title=f"{indicator.label(lang)} – {t('area_comparison', lang).lower()}",
        area_label=catalog.area("STHLM").name(lang),
        period_label=f"{format_month(start, lang)}–{format_month(end, lang)}",
        source=indicator.source,
        data_through=format_month(through, lang),
        demo=demo,
        lang=lang,
        filename=f"lagesbild_{indicator.id}_omraden_{end:%Y-%m}",
    )
    unit = t("per_100k", lang) if not share else indicator.unit(lang)
    fig = area_comparison_figure(
        comparison[["area_label", "value", "suppressed"]],
        ctx,
        unit=unit,
        percent=indicator.kind == "proportion",
        reference=reference_band(comparison["value"]),
        reference_label=t("area_comparison_help", lang).split(".")[-2].strip(),
    )
    st.plotly_chart(fig, config=plotly_config(ctx), theme=None, key="compare")


def draw_definition(indicator: Indicator, catalog: Catalog, lang: str) -> None:
    """Definition, source, owner, unit, levels, target and the context note beside a chart."""
    lines = [
        f"**{t('definition', lang)}:** {indicator.definition(lang)}",
        f"**{t('source', lang)}:** {indicator.source}",
        f"**{t('owner', lang)}:** {indicator.owner}",
        f"**{t('unit', lang)}:** {indicator.unit(lang)} ({t('kind_' + indicator.kind, lang)}; "
        f"{t('direction_' + indicator.direction, lang)})",
        f"**{t('levels', lang)}:** " + ", ".join(t("level_" + lv, lang) for lv in indicator.levels),
    ]
    if indicator.target is not None:
        value = format_value(indicator, indicator.target.value, lang)
        note = f" ({t('illustrative', lang)})" if indicator.target.illustrative else ""
        lines.append(f"**{t('target', lang)}:** {value} – {indicator.target.period}{note}")
    if indicator.breaks:
        lines.append(
            f"**{t('breaks', lang)}:** "
            + "; ".join(f"{b.period}: {b.reason(lang)}" for b in indicator.breaks)
        )
    st.markdown("  \n".join(lines))
    st.info(f"**{t('context', lang)}:** {indicator.context(lang)}", icon=":material/lightbulb:")

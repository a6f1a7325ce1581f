"""One indicator in depth: trend, comparison between areas, the table of values, revisions, download."""

from __future__ import annotations

import streamlit as st

from charts import ChartContext, area_comparison_figure, plotly_config
from exports.csv_export import to_excel_csv
from i18n import t
from metrics.compare import compare_areas, reference_band
from metrics.formatting import format_month
from ui import data, state
from ui.components import format_value
from ui.indicator_panel import draw_indicator
from ui.sidebar import draw_marking, draw_no_data

f = state.filters()
lang = f.lang
catalog = data.catalog()

st.title(t("nav_indicator", lang))
if draw_no_data(lang):
    st.stop()
state.bound_select(
    t("indicator_select", lang),
    [i.id for i in catalog.indicators],
    "indicator",
    format_func=lambda i: catalog.indicator(i).label(lang),
)
f = state.filters()
indicator = catalog.indicator(f.indicator)
draw_marking(lang)
obs = data.observations(f.briefing)
through = data.data_through()
end = f.end or through
demo = data.is_demo()

st.header(indicator.label(lang))
draw_indicator(indicator, catalog, obs, f, demo=demo, through=through, key=f"ind_{indicator.id}")

# Comparison between areas: rates per 100 000 (or shares), fixed order, a reference band.
comparison = compare_areas(obs, indicator, catalog, end)
if len(comparison) > 1:
    st.subheader(t("area_comparison", lang))
    st.caption(
        t(
            "area_comparison_help"
            if indicator.kind in ("count", "stock")
            else "area_comparison_help_share",
            lang,
        )
    )
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
    unit = t("per_100k", lang) if indicator.kind in ("count", "stock") else indicator.unit(lang)
    fig = area_comparison_figure(
        comparison[["area_label", "value", "suppressed"]],
        ctx,
        unit=unit,
        percent=indicator.kind == "proportion",
        reference=reference_band(comparison["value"]),
        reference_label=t("area_comparison_help", lang).split(".")[-2].strip(),
    )
    st.plotly_chart(fig, config=plotly_config(ctx), theme=None, key="compare")

# The table of values: months × areas, ".." where suppressed.
st.subheader(t("values_table", lang))
rows = obs[(obs["indicator_id"] == indicator.id) & (obs["period"] <= end)]
recent = rows[rows["period"] > (end.to_period("M") - 12).to_timestamp()]
if indicator.kind == "proportion":
    shown = recent["value"] / recent["denominator"].where(recent["denominator"] > 0)
else:
    shown = recent["value"]
table = (
    recent.assign(cell=[format_value(indicator, v, lang) for v in shown])
    .pivot(index="area_code", columns="period", values="cell")
    .reindex([c for c in catalog.valid_areas(indicator.id) if c in set(recent["area_code"])])
)
table.columns = [format_month(c, lang) for c in table.columns]
table.index = [catalog.area(c).name(lang) for c in table.index]
st.dataframe(table, width="stretch")

download = rows.assign(period=rows["period"].dt.strftime("%Y-%m"))[
    ["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]
]
st.download_button(
    t("download_csv", lang),
    to_excel_csv(download),
    file_name=f"lagesbild_{indicator.id}_{end:%Y-%m}{'_dragning' if f.briefing else ''}.csv",
    mime="text/csv",
)

st.subheader(t("revisions", lang))
if f.briefing:
    st.caption(t("briefing_on", lang))
else:
    history = data.revisions(indicator.id)
    if history.empty:
        st.caption(t("no_revisions", lang))
    else:
        st.dataframe(history, hide_index=True, width="stretch")

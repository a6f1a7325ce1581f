"""The catalog: every indicator's definition, source, owner and target, and the area codes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exports.csv_export import to_excel_csv
from i18n import t
from ui import data, state
from ui.entry import require_entry
from ui.indicator_panel import draw_definition

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang
catalog = data.catalog()

st.title(t("nav_catalog", lang))
st.markdown(t("catalog_intro", lang))

st.header(t("indicators_heading", lang))
indicator_table = pd.DataFrame(
    [
        {
            "indicator_id": i.id,
            "label": i.label(lang),
            "kind": i.kind,
            "direction": i.direction,
            "unit": i.unit(lang),
            "levels": ", ".join(i.levels),
            "goals": ", ".join(i.goals),
            "source": i.source,
            "owner": i.owner,
            "definition": i.definition(lang),
        }
        for i in catalog.indicators
    ]
)
st.download_button(
    t("download_catalog", lang),
    to_excel_csv(indicator_table),
    file_name="lagesbild_indikatorer.csv",
    mime="text/csv",
)
for goal in catalog.goals:
    prefix = t("goal_number", lang, number=goal.number) if goal.family == "county" else "Gryning"
    st.subheader(f"{prefix}: {goal.short(lang)}")
    st.caption(goal.label(lang))
    for indicator in catalog.indicators_for_goal(goal.id):
        with st.expander(f"{indicator.label(lang)} — `{indicator.id}`"):
            draw_definition(indicator, catalog, lang)

st.header(t("areas_heading", lang))
areas = pd.DataFrame(
    [
        {
            "area_code": a.code,
            "name": a.name(lang),
            "level": t("level_" + a.level, lang),
            "police_area": a.police_area or "",
        }
        for a in catalog.areas
    ]
)
st.dataframe(areas, hide_index=True, width="stretch")
st.download_button(
    t("download_areas", lang),
    to_excel_csv(areas),
    file_name="lagesbild_omraden.csv",
    mime="text/csv",
)

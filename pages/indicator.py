"""One indicator in depth: trend, comparison between areas, the table of values, revisions, download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exports.csv_export import to_excel_csv
from i18n import t
from ui import data, state
from ui.area_compare import draw_area_comparison
from ui.entry import require_entry
from ui.indicator_panel import draw_indicator, shown_area, values_csv
from ui.rebase_offer import draw_shift_offer
from ui.sidebar import draw_marking, draw_no_data
from ui.values_table import kept_values_table

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate
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
# What the charts, the comparison and the table draw (the notes only for the CSV, read on a click).
obs = data.indicator_observations(f.briefing, indicator.id, columns=data.READING_COLUMNS)
through = data.data_through()
end = f.end or through
demo = data.is_demo()


def _up_to(rows: pd.DataFrame, indicator_id: str, last: pd.Timestamp) -> pd.DataFrame:
    return rows[(rows["indicator_id"] == indicator_id) & (rows["period"] <= last)]


st.header(indicator.label(lang))
reading = draw_indicator(
    indicator, catalog, obs, f, demo=demo, through=through, key=f"ind_{indicator.id}"
)
# A shift no rebase explains: said to everyone, a previewed rebase offered to analysts.
drawn_area = shown_area(catalog, indicator, f.area)
draw_shift_offer(indicator, catalog, obs, f, area=drawn_area, demo=demo, through=through)

# Comparison between areas: rates per 100 000 of the indicator's population base (or shares)
# with intervals, compared with the county; a funnel plot and tile maps (ui/area_compare.py).
draw_area_comparison(indicator, catalog, obs, f, end=end, through=through, demo=demo)

# The table of values: the last 12 periods × areas, ".." where suppressed.
st.subheader(t("values_table", lang))
st.dataframe(kept_values_table(obs, indicator, end, lang, briefing=f.briefing), width="stretch")

st.download_button(
    t("download_csv", lang),
    lambda: values_csv(  # made only when clicked, from every column (notes included)
        _up_to(data.indicator_observations(f.briefing, indicator.id), indicator.id, end),
        indicator,
        briefing=f.briefing,
    ),
    file_name=f"lagesbild_{indicator.id}_{end:%Y-%m}{'_dragning' if f.briefing else ''}.csv",
    mime="text/csv",
)

if reading is not None:
    # The reading the page shows (the same on every face), as one row with its sentence; the
    # file is written only when clicked (~5 ms a run, and pandas' CSV writer, otherwise).
    record = reading.as_record(lang, area_name=catalog.area(f.area).name(lang))
    st.download_button(
        t("download_reading_csv", lang),
        lambda: to_excel_csv(pd.DataFrame([record])),
        file_name=f"lagesbild_{indicator.id}_{f.area}_avlasning.csv",
        mime="text/csv",
        on_click="ignore",
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
        st.download_button(
            t("download_revisions", lang),
            to_excel_csv(history),
            file_name=f"lagesbild_{indicator.id}_revideringar.csv",
            mime="text/csv",
            on_click="ignore",
        )

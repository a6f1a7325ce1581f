"""Rapporteringsläge: per indicator and area the latest period delivered and what is overdue, for analysts."""

from __future__ import annotations

import streamlit as st

from exports.csv_export import to_excel_csv
from i18n import t
from metrics.formatting import format_date
from services.access import is_analyst
from ui import data, reporting, state
from ui.entry import require_entry
from ui.session import current_user
from ui.sidebar import draw_marking

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang
user = current_user()

st.title(t("nav_reporting", lang))
if not is_analyst(user):
    st.error(t("reporting_denied", lang))
    st.stop()
day = reporting.today()
st.caption(t("reporting_intro", lang, today=format_date(day, lang)))
draw_marking(lang)

status = reporting.status(user, day)
st.markdown(reporting.summary_text(status, lang))
only_overdue = st.toggle(t("reporting_only_overdue", lang), key="reporting_only_overdue")
table = reporting.status_table(status, data.catalog(), lang, only_overdue=only_overdue)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("reporting_download", lang),
    to_excel_csv(table),
    file_name="lagesbild_rapporteringslage.csv",
    mime="text/csv",
    on_click="ignore",
    key="reporting_download",
)

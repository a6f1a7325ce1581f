"""Logg (admins only): who signed in and out, uploaded and undid what, and when."""

from __future__ import annotations

import streamlit as st

from auth import require
from exports.csv_export import to_excel_csv
from i18n import t
from ui import state
from ui.audit_log import LIMIT, action_label, audit_entries, audit_table
from ui.entry import require_entry
from ui.session import current_user

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

# The navigation only offers this page to admins; the check here holds even if that changes.
require(current_user(), "admin")
lang = state.filters().lang

st.title(t("audit_nav", lang))
st.markdown(t("audit_intro", lang))
entries = audit_entries()
if entries.empty:
    st.info(t("audit_empty", lang))
    st.stop()

actions = sorted(entries["action"].unique())
chosen = st.multiselect(
    t("audit_filter_action", lang),
    actions,
    default=actions,
    format_func=lambda a: action_label(a, lang),
)
briefing = state.filters().briefing
table = audit_table(entries[entries["action"].isin(chosen)], lang, briefing=briefing)
if briefing:
    st.caption(t("audit_briefing_details", lang))
if len(entries) >= LIMIT:
    st.caption(t("audit_shown", lang, n=LIMIT))
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("audit_download", lang),
    to_excel_csv(table),
    file_name="lagesbild-logg.csv",
    on_click="ignore",
    mime="text/csv",
    icon=":material/download:",
)

"""Uppladdningar: every upload with who, when and what it changed; undo one after confirming."""

from __future__ import annotations

import streamlit as st

from exports.csv_export import to_excel_csv
from i18n import t
from metrics.formatting import format_number
from metrics.text import markdown_text
from services.access import is_analyst
from ui import state
from ui import upload_review as review
from ui.entry import require_entry
from ui.session import current_user
from ui.sidebar import draw_marking

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang

st.title(t("nav_history", lang))
if not is_analyst(current_user()):
    st.error(t("upload_denied", lang))
    st.stop()
st.caption(t("history_intro", lang))
draw_marking(lang)

feedback = review.pop_feedback()
if feedback is not None:
    kind, text = feedback
    if kind == "success":
        st.success(text, icon=":material/undo:")
    else:
        st.error(markdown_text(text), icon=":material/block:")

history = review.uploads()
if history.empty:
    st.info(t("history_empty", lang))
    st.stop()

uploads_table = review.history_table(history, lang, f.briefing)
st.dataframe(uploads_table, hide_index=True, width="stretch", **review.history_table_layout(lang))
st.download_button(
    t("history_download_list", lang),
    to_excel_csv(uploads_table),
    file_name="lagesbild_uppladdningar.csv",
    mime="text/csv",
    on_click="ignore",
    key="history_list",
)

ids = [int(i) for i in history["upload_id"]]
review.apply_pick("history_upload", ids)
selected = st.selectbox(
    t("history_select", lang),
    ids,
    key="history_upload",
    format_func=lambda upload_id: review.option_label(history, upload_id, lang, f.briefing),
)
row = review.upload_row(history, selected)

st.subheader(t("history_changes_heading", lang, id=selected))
if row["assumptions"] not in ("", "[]"):
    with st.expander(t("history_assumptions", lang)):
        st.markdown(review.assumptions_markdown(row["assumptions"]))
population = review.population_changes(selected)  # None: an upload of indicator values
cells = review.changes(selected, f.briefing) if population is None else population
if population is not None:
    st.caption(t("history_population", lang))
    st.dataframe(review.population_table(population, lang), hide_index=True, width="stretch")
    st.download_button(
        t("population_download_changes", lang),
        review.population_csv(population, lang),
        file_name=f"uppladdning_{selected}_befolkning.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"population_{selected}",
    )
elif cells.empty:
    st.info(t("history_no_changes", lang))
else:
    if f.briefing:
        st.caption(t("history_briefing_values", lang))
    st.dataframe(review.change_table(cells, lang), hide_index=True, width="stretch")
    if len(cells) > review.SHOWN_ROWS:
        st.caption(
            t(
                "upload_first_shown",
                lang,
                shown=format_number(review.SHOWN_ROWS, lang),
                total=format_number(len(cells), lang),
            )
        )
    st.download_button(
        t("history_download_changes", lang),
        review.changes_csv(cells, lang),
        file_name=f"uppladdning_{selected}_andringar.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"changes_{selected}",
    )

if review.is_undone(row):
    st.info(review.upload_status(row, lang).capitalize(), icon=":material/undo:")
elif review.awaiting_confirmation(selected):
    st.warning(
        review.counted(
            "history_confirm" if population is None else "history_population_confirm",
            len(cells),
            lang,
            id=selected,
        ),
        icon=":material/warning:",
    )
    yes, no, _ = st.columns([2, 1, 4])
    yes.button(
        t("history_confirm_yes", lang, id=selected),
        type="primary",
        key="undo_yes",
        on_click=review.undo_confirmed,
        args=(selected,),
    )
    no.button(t("history_cancel", lang), key="undo_no", on_click=review.cancel_undo)
else:
    st.button(
        t("history_undo", lang, id=selected),
        icon=":material/undo:",
        key="undo_ask",
        help=t("history_undo_help", lang),
        on_click=review.ask_undo,
        args=(selected,),
    )

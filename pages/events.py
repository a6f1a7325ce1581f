"""Events for analysts: the dated changes drawn on the charts, to add, list and remove."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from auth import AccessDenied
from exports.csv_export import to_excel_csv
from i18n import error_text, t
from metrics.formatting import format_date, format_month
from metrics.redaction import mask_numbers
from metrics.text import markdown_text, plain_text
from services.access import is_analyst
from services.events import CommentaryError, record_event, remove_event
from services.process_changes import mark_process_change, unmark_process_change
from ui import data, state
from ui.entry import require_entry
from ui.session import current_user

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang
catalog = data.catalog()
user = current_user()

st.title(t("nav_events", lang))
if not is_analyst(user):
    st.info(t("event_denied", lang, role=t(f"role_{user.role}", lang)))
    st.stop()
st.markdown(t("event_intro", lang))
if f.briefing:
    st.caption(t("event_briefing_labels", lang))


def shown(label: str) -> str:
    """An event label as this page may show it: numbers masked in briefing mode (free text)."""
    return mask_numbers(label) if f.briefing else label


def indicator_label(indicator_id: str) -> str:
    return catalog.indicator(indicator_id).label(lang)


def event_label(event: dict) -> str:
    label = plain_text(event["label_sv"] if lang == "sv" else event["label_en"], limit=80)
    return f"#{event['id']} {format_month(event['period'], lang)}: {shown(label)}"


def act(action, message_key: str, **kwargs) -> None:
    """Run a service operation as the signed-in user (it checks the role); say how it went."""
    try:
        action(data.database(), current_user(), **kwargs)
    except (AccessDenied, CommentaryError) as exc:
        st.error(markdown_text(error_text(exc, lang)))
    else:
        st.success(t(message_key, lang))


# The list is drawn last, into this place at the top, so it shows any change made below.
list_box = st.container()

st.subheader(t("event_add_heading", lang))
months = list(pd.date_range("2015-01-01", pd.Timestamp(date.today()), freq="MS"))[::-1]
with st.form("event_add", clear_on_submit=True):
    month = st.selectbox(
        t("event_month", lang), months, format_func=lambda m: format_month(m, lang)
    )
    label_sv = st.text_input(t("event_label_sv", lang), max_chars=120)
    label_en = st.text_input(
        t("event_label_en", lang), max_chars=120, help=t("event_label_en_help", lang)
    )
    concerns = st.multiselect(
        t("event_indicators", lang),
        [i.id for i in catalog.indicators],
        format_func=indicator_label,
        help=t("event_indicators_help", lang),
        placeholder=t("event_indicators_placeholder", lang),
    )
    if st.form_submit_button(t("event_submit", lang)):
        act(
            record_event,
            "event_saved",
            period=month,
            label_sv=label_sv,
            label_en=label_en,
            indicator_ids=concerns,
        )

current = data.events().to_dict("records")
if current:
    st.subheader(t("event_remove_heading", lang))
    with st.form("event_remove"):
        chosen = st.selectbox(
            t("event_remove_select", lang), current, format_func=event_label, key="event_remove_id"
        )
        if st.form_submit_button(t("event_remove_submit", lang)):
            act(remove_event, "event_removed", event_id=int(chosen["id"]))

# Process changes: an event marked as changing the process rebases the indicators' limits.
st.subheader(t("process_heading", lang))
st.markdown(t("process_intro", lang))
events_now = data.events().to_dict("records")


if not events_now:
    st.caption(t("process_no_events", lang))
else:
    with st.form("process_mark"):
        marked_event = st.selectbox(
            t("process_event", lang), events_now, format_func=event_label, key="process_event"
        )
        scope = st.radio(
            t("process_scope", lang),
            ("indicator", "goal"),
            format_func=lambda s: t(f"process_scope_{s}", lang),
            horizontal=True,
            key="process_scope",
        )
        marked_indicator = st.selectbox(
            t("process_indicator", lang),
            [i.id for i in catalog.indicators],
            format_func=indicator_label,
            key="process_indicator",
        )
        marked_goal = st.selectbox(
            t("process_goal", lang),
            [g.id for g in catalog.goals],
            format_func=lambda g: catalog.goal(g).short(lang),
            key="process_goal",
        )
        if st.form_submit_button(t("process_submit", lang)):
            act(
                mark_process_change,
                "process_saved",
                event_id=int(marked_event["id"]),
                indicator_id=marked_indicator if scope == "indicator" else None,
                goal_id=marked_goal if scope == "goal" else None,
            )

marks = data.process_changes()


def mark_scope(mark: dict) -> str:
    if mark["indicator_id"] is not None:
        return indicator_label(mark["indicator_id"])
    return t("process_scope_goal_text", lang, goal=catalog.goal(mark["goal_id"]).short(lang))


def mark_label(mark: dict) -> str:
    return f"#{mark['id']} {format_month(mark['period'], lang)}: {mark_scope(mark)}"


st.markdown(f"**{t('process_list_heading', lang)}**")
if marks.empty:
    st.caption(t("process_none", lang))
else:
    records = marks.to_dict("records")
    st.dataframe(
        pd.DataFrame(
            {
                t("process_col_id", lang): marks["id"],
                t("process_col_month", lang): [format_month(p, lang) for p in marks["period"]],
                t("process_col_event", lang): [
                    shown(m["label_sv"] if lang == "sv" else m["label_en"]) for m in records
                ],
                t("process_col_scope", lang): [mark_scope(m) for m in records],
                t("process_col_author", lang): marks["author"],
                t("process_col_time", lang): [format_date(c, lang) for c in marks["created_at"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("process_unmark"):
        undone = st.selectbox(
            t("process_remove_select", lang), records, format_func=mark_label, key="process_undo"
        )
        if st.form_submit_button(t("process_remove_submit", lang)):
            act(unmark_process_change, "process_removed", change_id=int(undone["id"]))

events = data.events()
with list_box:
    st.subheader(t("event_list_heading", lang))
    if events.empty:
        st.caption(t("event_none", lang))
    else:
        table = pd.DataFrame(
            {
                t("event_col_id", lang): events["id"],
                t("event_col_month", lang): [format_month(p, lang) for p in events["period"]],
                t("event_col_label_sv", lang): events["label_sv"].map(shown),
                t("event_col_label_en", lang): events["label_en"].map(shown),
                t("event_col_scope", lang): [
                    ", ".join(indicator_label(i) for i in ids) or t("event_scope_all", lang)
                    for ids in events["indicator_ids"]
                ],
                t("event_col_author", lang): events["author"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            t("event_download", lang),
            to_excel_csv(table),
            file_name="lagesbild_handelser.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )

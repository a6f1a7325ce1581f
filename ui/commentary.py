"""Beside an indicator's chart: the latest analysis and action notes, a prompt, and the analyst's form."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from auth import AccessDenied
from i18n import error_text, t
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_date
from metrics.periods import format_period
from metrics.reading import Reading, needs_note
from metrics.text import markdown_text
from services.access import is_analyst
from services.commentary import write_comment
from storage import COMMENT_KINDS, CommentaryError
from ui import data
from ui.session import current_user

SHOWN = 3  # latest notes shown beside the chart; older ones sit in an expander
FORM_MONTHS = 24  # months offered in the form, latest first
FORM_OPEN = "comment_open_"  # + the chart's key: the session state of the form's expander


def plain(text: str) -> str:
    """`text` as markdown that shows exactly the characters typed, line breaks kept (the rule is
    metrics/text.py's, for every surface)."""
    return markdown_text(text, multiline=True)


def draw_commentary(
    indicator: Indicator,
    catalog: Catalog,
    area: str,
    months: pd.DatetimeIndex,
    assessment: Reading | None,
    *,
    lang: str,
    briefing: bool,
    key: str,
) -> None:
    """The notes for `indicator` in `area`, latest month first, and for analysts a form to add one.

    `months`: the months the chart shows (the form offers the latest of them). When the reading
    needs a note (`needs_note`) and the latest month has none, analysts are asked for one and
    viewers are told that none exists yet. In briefing mode notes are not shown (free text may
    name what disclosure control hides).
    """
    st.markdown(f"**{t('comment_heading', lang)}**")
    if briefing:
        st.caption(t("comment_hidden_briefing", lang))
        return
    user = current_user()
    area_name = catalog.area(area).name(lang)
    notes_box = st.container()
    latest = assessment.period if assessment is not None else None
    if is_analyst(user) and len(months):
        _draw_form(indicator, area, months, lang=lang, key=key)
    # Drawn after the form has run, so a note saved in this run is already listed.
    notes = data.comments(indicator.id, area)
    with notes_box:
        if latest is not None and needs_note(assessment) and not _has_note(notes, latest):
            month = format_period(latest, indicator.frequency, lang)
            if is_analyst(user):
                reason = "concern" if assessment.category == "concern" else "fail"
                st.warning(
                    t(f"comment_prompt_{reason}", lang, month=month), icon=":material/edit_note:"
                )
            else:
                st.caption(t("comment_missing_latest", lang, month=month))
        if notes.empty:
            st.caption(t("comment_none", lang, area=area_name))
            return
        for note in notes.head(SHOWN).itertuples():
            _draw_note(note, indicator.frequency, lang)
        if len(notes) > SHOWN:
            with st.expander(t("comment_older", lang, n=len(notes) - SHOWN)):
                for note in notes.iloc[SHOWN:].itertuples():
                    _draw_note(note, indicator.frequency, lang)


def _has_note(notes: pd.DataFrame, month: pd.Timestamp) -> bool:
    month = pd.Timestamp(month).to_period("M").to_timestamp()
    return bool((notes["period"] == month).any())


def _draw_note(note, frequency: str, lang: str) -> None:
    kind = t(f"comment_kind_{note.kind}", lang)
    st.markdown(
        f"**{kind}, {format_period(note.period, frequency, lang)}**  \n{plain(note.text)}  \n"
        f":gray[{plain(note.author)}, {format_date(note.created_at, lang)}]"
    )


def _draw_form(
    indicator: Indicator, area: str, months: pd.DatetimeIndex, *, lang: str, key: str
) -> None:
    # Opened on demand (Streamlit runs a lazy expander's content only while it is open): four
    # widgets beside each of a goal page's charts were ~8 % of its run, for a form most
    # readers never open. Opening it reruns the page, whose charts are kept.
    box = st.expander(
        t("comment_add", lang),
        icon=":material/add_comment:",
        key=f"{FORM_OPEN}{key}",
        on_change="rerun",
    )
    if not box.open:
        return
    options = list(months.sort_values(ascending=False)[:FORM_MONTHS])
    with box:
        with st.form(f"comment_form_{key}", clear_on_submit=True, border=False):
            month = st.selectbox(
                t("comment_period", lang),
                options,
                format_func=lambda m: format_period(m, indicator.frequency, lang),
            )
            kind = st.radio(
                t("comment_kind", lang),
                COMMENT_KINDS,
                format_func=lambda k: t(f"comment_kind_{k}", lang),
                horizontal=True,
            )
            text = st.text_area(
                t("comment_text", lang), help=t("comment_text_help", lang), max_chars=2000
            )
            submitted = st.form_submit_button(t("comment_submit", lang))
        if not submitted:
            return
        try:
            # The service checks the role on the server, whatever the page showed.
            write_comment(
                data.database(),
                current_user(),
                indicator_id=indicator.id,
                area_code=area,
                period=month,
                kind=kind,
                text=text,
            )
        except (AccessDenied, CommentaryError) as exc:
            st.error(error_text(exc, lang))
            return
        st.success(t("comment_saved", lang))

"""Ladda upp: drop monthly CSV files, see exactly what each would change, store it with a second click."""

from __future__ import annotations

import streamlit as st

from i18n import t
from metrics.formatting import format_number
from metrics.plausibility import MIN_HISTORY
from metrics.text import markdown_text
from services.access import is_analyst
from ui import data, state
from ui import upload_review as review
from ui.entry import require_entry
from ui.session import current_user, public_mode
from ui.sidebar import draw_marking

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang

st.title(t("nav_upload", lang))
if not is_analyst(current_user()):
    st.error(t("upload_denied", lang))
    st.stop()
st.caption(t("upload_intro", lang))
draw_marking(lang)
if f.briefing:
    # A file's values are not stored yet, so no disclosure decision covers them: this page
    # cannot protect what its preview shows, and shows counts only.
    st.info(
        t("upload_public_preview" if public_mode() else "upload_briefing_preview", lang),
        icon=":material/visibility_off:",
    )


FILE_NAME_LIMIT = 120  # characters of an uploaded file's name shown
ASSUMPTION_LIMIT = 400  # an assumption quotes the file (a column header may be 10 000 characters)
WARNINGS_LISTED = 20  # plausibility warnings written out as sentences; the table has them all


def draw_table(table, total: int, download, file_name: str, label: str, key: str, **layout) -> None:
    """A sortable table of at most SHOWN_ROWS rows; the whole list as a CSV download (built on
    click when the list is long)."""
    st.dataframe(table, hide_index=True, width="stretch", **layout)
    if total > len(table):
        st.caption(
            t(
                "upload_first_shown",
                lang,
                shown=format_number(len(table), lang),
                total=format_number(total, lang),
            )
        )
    st.download_button(
        label, download, file_name=file_name, mime="text/csv", key=key, on_click="ignore"
    )


def draw_saved(kind: str, detail: object) -> None:
    if kind == "error":
        st.error(markdown_text(detail), icon=":material/error:")
        return
    if kind == "nothing":
        st.info(t("upload_saved_nothing", lang))
        return
    row = review.upload_row(review.uploads(), int(detail))
    st.success(
        t(
            "population_upload_saved" if kind == "population" else "upload_saved",
            lang,
            id=detail,
            inserted=format_number(row["inserted"], lang),
            updated=format_number(row["updated"], lang),
        ),
        icon=":material/check_circle:",
    )
    if st.button(t("upload_open_history", lang), icon=":material/history:", key=f"hist_{detail}"):
        review.pick_for_history(int(detail))
        st.switch_page("pages/history.py")


def draw_file(name: str, payload: bytes, sha256: str, number: int) -> None:
    """One file: read and checked with a progress indicator, then its problems or its changes."""
    done = review.outcome(sha256)
    if done is not None and done[0] != "error":
        draw_saved(*done)  # stored (or found already stored) in this session: nothing to preview
        return
    if review.population_file(payload):
        draw_population(name, payload, sha256, number, done)
        return
    year, area = (
        stated_year_and_area(payload, sha256) if review.handled_table(payload) else (None, None)
    )
    sheet = chosen_sheet(name, payload, sha256, year, area)
    with st.status(
        t("upload_reading", lang, name=markdown_text(name, limit=FILE_NAME_LIMIT)), expanded=False
    ) as status:
        preview = review.preview_file(payload, name, sha256, year, area, sheet)
        if preview.ok:
            status.update(
                label=t(
                    "upload_read_ok",
                    lang,
                    name=markdown_text(name, limit=FILE_NAME_LIMIT),
                    rows=format_number(preview.rows, lang),
                ),
                state="complete",
            )
        else:
            status.update(
                label=t(
                    "upload_read_errors",
                    lang,
                    name=markdown_text(name, limit=FILE_NAME_LIMIT),
                    n=format_number(len(preview.errors), lang),
                ),
                state="error",
            )
    st.markdown(f"**{t('upload_understood', lang)}:** {preview.dialect_in(lang)}")
    if preview.assumptions:
        st.markdown(
            f"**{t('upload_assumptions', lang)}:**\n"
            + "\n".join(
                f"- {markdown_text(a, limit=ASSUMPTION_LIMIT)}" for a in preview.assumptions
            )
        )

    if done is not None:
        draw_saved(*done)

    if not preview.ok:
        st.error(t("upload_nothing_saved", lang), icon=":material/block:")
        st.markdown(
            f"**{t('upload_errors_heading', lang, n=format_number(len(preview.errors), lang))}**"
        )
        if f.briefing:  # a problem names the value it is about
            return
        draw_table(
            review.error_table(preview.errors.head(review.SHOWN_ROWS), lang),
            len(preview.errors),
            review.errors_csv(preview.errors, lang),
            review.named_after(name, "fel"),
            t("upload_download_errors", lang),
            f"errors_{number}",
            **review.error_table_layout(lang),
        )
        return
    if preview.to_store == 0:
        st.info(t("upload_no_changes", lang), icon=":material/done_all:")
        return

    st.markdown(f"**{t('upload_change_heading', lang)}**")
    cols = st.columns(3)
    cols[0].metric(t("upload_inserted", lang), format_number(preview.inserted, lang))
    cols[1].metric(t("upload_updated", lang), format_number(preview.updated, lang))
    cols[2].metric(t("upload_unchanged", lang), format_number(preview.unchanged, lang))
    if preview.updated and not f.briefing:
        st.markdown(f"**{t('upload_revisions_heading', lang)}**")
        st.caption(t("upload_revisions_note", lang))
        draw_table(
            review.revision_table(preview.revisions, lang),
            len(preview.revisions),
            review.changes_csv(preview.revisions, lang),
            review.named_after(name, "revideringar"),
            t("upload_download_revisions", lang),
            f"revisions_{number}",
        )
    if preview.inserted:
        st.markdown(f"**{t('upload_new_heading', lang)}**")
        st.dataframe(
            review.new_values_table(preview.new_values, lang),
            hide_index=True,
            width="stretch",
            **review.new_values_layout(lang),
        )
    confirmed = draw_warnings(preview, number)
    st.caption(t("upload_not_saved_yet", lang))
    st.button(
        review.counted("upload_commit", preview.to_store, lang),
        type="primary",
        icon=":material/save:",
        key=f"commit_{preview.sha256}",
        help=t("upload_commit_help", lang),
        on_click=review.save_previewed,
        args=(preview.sha256, preview.plausibility.keys),
        disabled=not confirmed,
    )


def draw_population(name: str, payload: bytes, sha256: str, number: int, done) -> None:
    """An SCB population table: what it would change in the population table (figures added or
    replaced per area, year, sex and age group), stored as an upload with a second click."""
    shown_name = markdown_text(name, limit=FILE_NAME_LIMIT)
    with st.status(t("upload_reading", lang, name=shown_name), expanded=False) as status:
        preview = review.preview_population(payload, name, sha256)
        if preview.ok:
            rows = format_number(len(preview.frame), lang)
            status.update(
                label=t("upload_read_ok", lang, name=shown_name, rows=rows), state="complete"
            )
        else:
            n = format_number(len(preview.errors), lang)
            status.update(label=t("upload_read_errors", lang, name=shown_name, n=n), state="error")
    understood = review.counted(
        "population_upload_understood", len(preview.frame), lang, format=preview.source_format
    )
    st.markdown(f"**{t('upload_understood', lang)}:** {markdown_text(understood)}")
    assumptions = [a.text(lang) for a in preview.assumptions]
    if assumptions:
        st.markdown(
            f"**{t('upload_assumptions', lang)}:**\n"
            + "\n".join(f"- {markdown_text(a, limit=ASSUMPTION_LIMIT)}" for a in assumptions)
        )
    if done is not None:
        draw_saved(*done)
    if not preview.ok:
        st.error(t("population_upload_refused", lang), icon=":material/block:")
        st.markdown(
            f"**{t('upload_errors_heading', lang, n=format_number(len(preview.errors), lang))}**"
        )
        st.markdown("\n".join(f"- {markdown_text(e.text(lang))}" for e in preview.errors))
        return
    if preview.to_store == 0:
        st.info(t("upload_no_changes", lang), icon=":material/done_all:")
        return
    st.markdown(f"**{t('population_upload_changes', lang)}**")
    cols = st.columns(3)
    cols[0].metric(t("population_upload_inserted", lang), format_number(preview.inserted, lang))
    cols[1].metric(t("population_upload_updated", lang), format_number(preview.updated, lang))
    cols[2].metric(t("population_upload_unchanged", lang), format_number(preview.unchanged, lang))
    if preview.replaced_estimates:
        st.caption(review.counted("population_upload_estimates", preview.replaced_estimates, lang))
    draw_table(
        review.population_table(preview.changes, lang),
        len(preview.changes),
        review.population_csv(preview.changes, lang),
        review.named_after(name, "befolkning"),
        t("population_download_changes", lang),
        f"population_{number}",
    )
    st.caption(t("population_upload_rates", lang))
    st.caption(t("upload_not_saved_yet", lang))
    st.button(
        review.counted("population_upload_commit", preview.to_store, lang),
        type="primary",
        icon=":material/save:",
        key=f"commit_{sha256}",
        help=t("upload_commit_help", lang),
        on_click=review.save_population,
        args=(sha256,),
    )


def chosen_sheet(
    name: str, payload: bytes, sha256: str, year: int | None, area: str | None
) -> str | None:
    """A workbook with more than one sheet: the sheets offered, the one read without a choice
    (the first with a header row, normally the first) chosen; None reads that one."""
    sheets = review.workbook_sheets(payload, name, sha256)
    if len(sheets) < 2:
        return None
    with st.spinner(t("upload_reading", lang, name=markdown_text(name, limit=FILE_NAME_LIMIT))):
        found = review.preview_file(payload, name, sha256, year, area).sheet
    chosen = st.selectbox(
        t("upload_sheet", lang),
        sheets,
        index=sheets.index(found) if found in sheets else 0,
        key=f"sheet_{sha256}",
        help=t("upload_sheet_help", lang),
    )
    return None if chosen == found else chosen


def stated_year_and_area(payload: bytes, sha256: str) -> tuple[int | None, str | None]:
    """BRÅ's table of handled offences names neither year nor area: the analyst states both
    (empty until chosen, so a national table is never read as the county's by default)."""
    st.info(t("upload_handled_intro", lang), icon=":material/edit_calendar:")
    catalog = data.catalog()
    left, right = st.columns(2)
    year = left.number_input(
        t("upload_handled_year", lang),
        min_value=1975,
        max_value=2100,
        value=None,
        step=1,
        key=f"handled_year_{sha256}",
    )
    area = right.selectbox(
        t("upload_handled_area", lang),
        review.handled_areas(),
        index=None,
        format_func=lambda code: catalog.area(code).name(lang),
        key=f"handled_area_{sha256}",
    )
    return (None if year is None else int(year)), area


def draw_warnings(preview, number: int) -> bool:
    """The plausibility warnings and the analyst's confirmation; True when the file may be saved
    (no warnings, or the box is ticked)."""
    found = preview.plausibility
    if found.unjudged:
        st.caption(review.counted("upload_unjudged", found.unjudged, lang, min=MIN_HISTORY))
    if not found:
        return True
    n = len(found.warnings)
    st.warning(review.counted("upload_warnings_intro", n, lang), icon=":material/warning:")
    if f.briefing:  # a warning's sentence and value quote the file
        st.caption(t("upload_warnings_briefing", lang))
        st.dataframe(
            review.warning_table(found, lang, briefing=True), hide_index=True, width="stretch"
        )
    else:
        sentences = review.warning_sentences(found, lang, limit=WARNINGS_LISTED)
        st.markdown("\n".join(f"- {markdown_text(s)}" for s in sentences))
        if n > len(sentences):
            st.caption(t("upload_warnings_more", lang, n=format_number(n - len(sentences), lang)))
        draw_table(
            review.warning_table(found, lang),
            n,
            review.warnings_csv(found, lang),
            review.named_after(preview.file_name, "varningar"),
            t("upload_download_warnings", lang),
            f"warnings_{number}",
            column_config={t("upload_col_row", lang): st.column_config.NumberColumn(format="%d")},
        )
    return st.checkbox(
        review.counted("upload_confirm_warnings", n, lang),
        key=review.confirmation_key(preview.sha256, found),
    )


UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "xls"]
files = (
    st.file_uploader(
        t("upload_files_label", lang),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="upload_files",
        help=t("upload_files_help", lang),
    )
    or []
)
payloads = [(file.name, file.getvalue()) for file in files]
contents = [(name, payload, review.sha256_of(payload)) for name, payload in payloads]
review.forget_other_files({sha for _, _, sha in contents})
for number, (name, payload, sha256) in enumerate(contents):
    with st.container(border=True):
        st.subheader(markdown_text(review.file_label(name, f.briefing), limit=FILE_NAME_LIMIT))
        draw_file(name, payload, sha256, number)

with st.expander(t("upload_guide_title", lang), expanded=not files):
    st.markdown(t("upload_guide", lang))
    st.download_button(
        t("upload_download_template", lang),
        review.example_file(data.catalog()),
        file_name="lagesbild_mall.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.page_link(
        "pages/catalog.py", label=t("upload_catalog_link", lang), icon=":material/menu_book:"
    )

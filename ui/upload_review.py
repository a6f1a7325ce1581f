"""Upload and history pages' Streamlit glue: caching, session state, button callbacks and tables.

The operations (preview, commit, undo, the upload history) are services/uploads.py, which checks
the role; this module calls them as the signed-in user, caches their answers per database
version, and keeps in session state only which bytes the analyst previewed and which upload to
point at.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from auth import AccessDenied, User
from exports.csv_export import to_excel_csv
from i18n import error_text, t
from metrics.catalog import Catalog
from metrics.disclosure import SUPPRESSED_TEXT
from metrics.formatting import format_number, format_percent
from metrics.periods import DEFAULT_FREQUENCY, format_period, period_codes
from metrics.plausibility import Plausibility
from metrics.redaction import mask_numbers, protect_changes
from metrics.text import markdown_text, plain_text
from services import population as population_service
from services import uploads as uploads_service
from services.population import PopulationImport
from services.uploads import Preview
from storage import DatabaseBusy, UndoConflict, UndoError
from ui import data, state
from ui.session import current_user

SHOWN_ROWS = 1000
"""Tables longer than this show their first rows and offer the whole list as a download."""
LOCAL_TZ = "Europe/Stockholm"

_CHECKED = "upload_checked"  # sha256 -> (file name, bytes, year, area, sheet): what was previewed
_OUTCOME = "upload_outcome"  # sha256 -> ("saved", upload id) | ("nothing", None) | ("error", text)
_PICK = "history_pick"  # upload id the history page should open with
_CONFIRM = "history_confirm"  # upload id waiting for the analyst to confirm its undo
_FEEDBACK = "history_feedback"  # (kind, text) of the last undo attempt, shown once


# -- preview --------------------------------------------------------------------------------------


def counted(key: str, n: int, lang: str, **values: object) -> str:
    """The text `key` for n things, or its `_one` form when n is 1 ("1 värde", "2 värden")."""
    return t(key + "_one" if n == 1 else key, lang, n=format_number(n, lang), **values)


def sha256_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def preview_file(
    payload: bytes,
    file_name: str,
    sha256: str,
    year: int | None = None,
    area: str | None = None,
    sheet: str | None = None,
) -> Preview:
    """Check `payload` (whose sha256_of is `sha256`) and plan it against the store as the
    signed-in user (services.uploads.preview_upload); remembers the bytes as previewed, with
    the year and area the analyst stated for BRÅ's table of handled offences (else None) and
    the workbook sheet chosen (None: the first with a header row).

    Cached per user, file content, name, year, area and sheet, the stamps of the stored data and
    uploads (a sign-in or a note does not check the file again) and day (the latest allowed month
    moves).
    """
    st.session_state.setdefault(_CHECKED, {})[sha256] = (file_name, payload, year, area, sheet)
    user = current_user()
    stamps = (data.stamp("data"), data.stamp("uploads"))
    today = date.today().isoformat()
    return _preview(user, sha256, file_name, stamps, today, year, area, sheet, payload)


def workbook_sheets(payload: bytes, file_name: str, sha256: str) -> tuple[str, ...]:
    """The sheets of a workbook, in order (services.uploads.workbook_sheets; () for other files),
    read once per file (keyed on its sha256_of, not its bytes)."""
    return _sheets(sha256, file_name, payload)


@st.cache_data(show_spinner=False, max_entries=16)
def _sheets(sha256: str, file_name: str, _payload: bytes) -> tuple[str, ...]:
    return uploads_service.workbook_sheets(_payload, file_name)


def handled_table(payload: bytes) -> bool:
    """Whether the file is BRÅ's table of handled offences: the page then asks for its year and
    area (services.uploads.handled_table_recognised)."""
    return uploads_service.handled_table_recognised(payload)


def handled_areas() -> tuple[str, ...]:
    """The areas such a table may be stated for (those its indicators are reported for)."""
    return uploads_service.handled_areas(data.catalog())


def forget_other_files(sha256s: set[str]) -> None:
    """Drop previewed bytes and outcomes of files no longer in the uploader."""
    for name in (_CHECKED, _OUTCOME):
        kept = st.session_state.get(name, {})
        for sha in [s for s in kept if s not in sha256s]:
            del kept[sha]


@st.cache_data(show_spinner=False, max_entries=8)
def _preview(
    user: User,
    sha256: str,
    file_name: str,
    stamps: tuple,
    today: str,
    year: int | None,
    area: str | None,
    sheet: str | None,
    _payload: bytes,
) -> Preview:
    return uploads_service.preview_upload(
        data.database(),
        data.catalog(),
        user,
        _payload,
        file_name,
        today=date.fromisoformat(today),
        year=year,
        area=area,
        sheet=sheet,
    )


# -- SCB population: the same preview, commit and undo as any upload -------------------------------


def population_file(payload: bytes) -> bool:
    """Whether the file is an SCB population table (services.population.is_population_file):
    the page then previews what it changes in the population table, not indicator values."""
    return population_service.is_population_file(payload)


def preview_population(payload: bytes, file_name: str, sha256: str) -> PopulationImport:
    """What the SCB file would change in the population table, as the signed-in user
    (services.population.preview_population); remembers the bytes as previewed. Cached per user,
    file and version of the database file (the population table has no stamp of its own)."""
    st.session_state.setdefault(_CHECKED, {})[sha256] = (file_name, payload, None, None, None)
    return _population_preview(current_user(), sha256, file_name, data.version(), payload)


@st.cache_data(show_spinner=False, max_entries=8)
def _population_preview(
    user: User, sha256: str, file_name: str, version: tuple, _payload: bytes
) -> PopulationImport:
    return population_service.preview_population(
        data.database(), data.catalog(), user, _payload, file_name
    )


def save_population(sha256: str) -> None:
    """Button callback: store exactly the SCB file previewed under `sha256` as one upload
    (services.population.import_population, which checks the role and compares again). The
    outcome is kept for the page as for any upload ("population" with the upload id)."""
    outcomes = st.session_state.setdefault(_OUTCOME, {})
    lang = state.get("lang")
    try:
        file_name, payload, *_ = st.session_state.get(_CHECKED, {})[sha256]
        if sha256_of(payload) != sha256:
            raise KeyError(sha256)
        result = population_service.import_population(
            data.database(), data.catalog(), current_user(), payload, file_name
        )
    except KeyError:
        outcomes[sha256] = ("error", t("upload_preview_lost", lang))
        return
    except (AccessDenied, DatabaseBusy) as exc:
        outcomes[sha256] = ("error", error_text(exc, lang))
        return
    if not result.ok:
        outcomes[sha256] = ("error", t("upload_rejected_on_save", lang))
    elif result.upload_id is None:
        outcomes[sha256] = ("nothing", None)
    else:
        outcomes[sha256] = ("population", result.upload_id)


def population_table(
    changes: pd.DataFrame, lang: str, limit: int | None = SHOWN_ROWS
) -> pd.DataFrame:
    """The population figures a file adds or replaces, for people (the first `limit`): area,
    year, sex, age group, new or replaced, before ("–" for a new figure) and after."""
    shown = changes.head(limit) if limit is not None else changes
    return pd.DataFrame(
        {
            t("population_col_area", lang): _area_names(shown["area_code"], data.catalog(), lang),
            t("population_col_year", lang): shown["year"].astype(int).astype(str),
            t("population_col_sex", lang): shown["sex"].map(
                lambda s: t(f"population_sex_{s}", lang)
            ),
            t("population_col_age", lang): shown["age_band"].map(
                lambda a: t(f"population_age_{a}", lang)
            ),
            t("population_col_change", lang): shown["change"].map(
                lambda c: t(f"population_change_{c}", lang)
            ),
            t("population_col_old", lang): [
                "–" if pd.isna(v) else format_number(v, lang) for v in shown["old"]
            ],
            t("population_col_new", lang): [format_number(v, lang) for v in shown["new"]],
        }
    )


def population_csv(changes: pd.DataFrame, lang: str) -> bytes:
    """Every population figure a file adds or replaces, with codes and numbers, for Excel."""
    table = population_table(changes, lang, limit=None)
    out = pd.DataFrame(
        {
            "area_code": changes["area_code"].to_numpy(),
            **{name: table[name].to_numpy() for name in table.columns[:5]},
            "old": changes["old"].to_numpy(),
            "new": changes["new"].to_numpy(),
        }
    )
    return to_excel_csv(out)


@st.cache_data(show_spinner=False, max_entries=16)
def _population_changes(user: User, stamp: tuple, upload_id: int) -> pd.DataFrame | None:
    db = data.database()
    if not population_service.is_population_import(db, upload_id):
        return None
    return population_service.population_changes(db, user, upload_id)


def population_changes(upload_id: int) -> pd.DataFrame | None:
    """The population figures an upload added or replaced, or None when it is an upload of
    indicator values (cached per user and the uploads' stamp)."""
    return _population_changes(current_user(), data.stamp("uploads"), int(upload_id))


# -- tables for people ----------------------------------------------------------------------------


def error_table(errors: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Problems with the row as Excel numbers it, the column as the file names it, what to do."""
    return pd.DataFrame(
        {
            t("upload_col_row", lang): errors["row"],
            t("upload_col_column", lang): errors["header"],
            t("upload_col_value", lang): errors["value"],
            t("upload_col_message", lang): errors.get(f"message_{lang}", errors["message"]),
        }
    )


def error_table_layout(lang: str) -> dict:
    """st.dataframe arguments for error_table: the short columns narrow, so the message (what
    to do) gets the width and wraps onto a second line."""
    return {
        "row_height": 68,  # above 4rem, so Streamlit lets the text wrap
        "column_config": {
            t("upload_col_row", lang): st.column_config.NumberColumn(width=110, format="%d"),
            t("upload_col_column", lang): st.column_config.TextColumn(width=100),
            t("upload_col_value", lang): st.column_config.TextColumn(width=120),
            t("upload_col_message", lang): st.column_config.TextColumn(width=580),
        },
    }


def revision_table(revisions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Revised cells, old → new, with indicator labels and area names (first SHOWN_ROWS only)."""
    shown = revisions.head(SHOWN_ROWS)
    catalog = data.catalog()
    return pd.DataFrame(
        {
            t("upload_col_indicator", lang): _labels(shown["indicator_id"], catalog, lang),
            t("upload_col_area", lang): _area_names(shown["area_code"], catalog, lang),
            t("upload_col_period", lang): _period_codes(shown, catalog),
            t("upload_col_old", lang): _values(shown, "old_", catalog, lang),
            t("upload_col_new", lang): _values(shown, "new_", catalog, lang),
            t("upload_col_status", lang): _status_change(shown, lang),
        }
    )


def new_values_table(new_values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """New values per indicator and period range (each at its indicator's frequency)."""
    catalog = data.catalog()
    frequency = _frequencies(new_values["indicator_id"], catalog)
    return pd.DataFrame(
        {
            t("upload_col_indicator", lang): _labels(new_values["indicator_id"], catalog, lang),
            t("upload_col_from", lang): period_codes(new_values["first"], frequency),
            t("upload_col_to", lang): period_codes(new_values["last"], frequency),
            t("upload_col_areas", lang): new_values["areas"],
            t("upload_col_values", lang): new_values["values"],
        }
    )


def new_values_layout(lang: str) -> dict:
    """st.dataframe arguments for new_values_table: counts with the reader's thousands separator."""
    return {
        "column_config": {
            t(key, lang): st.column_config.NumberColumn(format="localized")
            for key in ("upload_col_areas", "upload_col_values")
        }
    }


def changes_csv(changes: pd.DataFrame, lang: str) -> bytes | Callable[[], bytes]:
    """Every revised or inserted cell with its numbers, as CSV for Swedish Excel; ".." where
    briefing mode hides a value (`changes(..., briefing=True)`).

    Long lists come back as a function that builds the file when the download is clicked, so a
    million-row preview does not spend its time writing a CSV nobody asked for.
    """
    if len(changes) > SHOWN_ROWS:
        return lambda: _changes_csv(changes, lang)
    return _changes_csv(changes, lang)


def _changes_csv(changes: pd.DataFrame, lang: str) -> bytes:
    catalog = data.catalog()
    out = pd.DataFrame(
        {
            "indicator_id": changes["indicator_id"],
            t("upload_col_indicator", lang): _labels(changes["indicator_id"], catalog, lang),
            "area_code": changes["area_code"],
            "period": _period_codes(changes, catalog),
            "old_value": changes["old_value"],
            "new_value": changes["new_value"],
            "old_denominator": changes["old_denominator"],
            "new_denominator": changes["new_denominator"],
            "old_status": changes["old_status"],
            "new_status": changes["new_status"],
        }
    )
    if "old_hidden" not in changes.columns:
        return to_excel_csv(out)
    old, new = changes["old_hidden"].to_numpy(), changes["new_hidden"].to_numpy()
    hidden = {"old_value": old, "old_denominator": old, "new_value": new, "new_denominator": new}
    return to_excel_csv(out, hidden=hidden)


def errors_csv(errors: pd.DataFrame, lang: str) -> bytes | Callable[[], bytes]:
    """The whole problem list as CSV for Swedish Excel (built on click when it is long)."""
    if len(errors) > SHOWN_ROWS:
        return lambda: to_excel_csv(error_table(errors, lang))
    return to_excel_csv(error_table(errors, lang))


def named_after(file_name: str, what: str) -> str:
    """("mars.csv", "fel") -> "mars_fel.csv": a download named after the file it describes."""
    return f"{Path(file_name).stem or 'fil'}_{what}.csv"


def _labels(ids: pd.Series, catalog: Catalog, lang: str) -> pd.Series:
    labels = {i.id: i.label(lang) for i in catalog.indicators}
    return ids.map(lambda i: labels.get(i, i))


def _frequencies(ids: pd.Series, catalog: Catalog) -> pd.Series:
    """Each row's indicator's frequency; an id no longer in the catalog is read as monthly."""
    frequencies = {i.id: i.frequency for i in catalog.indicators}
    return ids.map(lambda i: frequencies.get(i, DEFAULT_FREQUENCY))


def _period_codes(frame: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """The rows' periods as the upload file writes them, at each row's indicator's frequency
    ("2026-03", "2025K3", "2025")."""
    return period_codes(
        pd.to_datetime(frame["period"]), _frequencies(frame["indicator_id"], catalog)
    )


def _area_names(codes: pd.Series, catalog: Catalog, lang: str) -> pd.Series:
    names = {
        a.code: a.name(lang) if not a.code[0].isdigit() else f"{a.name(lang)} ({a.code})"
        for a in catalog.areas
    }
    return codes.map(lambda c: names.get(c, c))


def _values(frame: pd.DataFrame, prefix: str, catalog: Catalog, lang: str) -> list[str]:
    """Values as people read them; a proportion as "19 av 104 (18,3 %)"; none (a new cell) "–";
    hidden by briefing mode (`{prefix}hidden`, from `changes(..., briefing=True)`) ".."."""
    kinds = {i.id: i.kind for i in catalog.indicators}
    value_col = "old_value" if prefix == "old_" else "new_value"
    hidden = frame.get(prefix + "hidden", pd.Series(False, index=frame.index))
    out = []
    for ind, value, den, secret in zip(
        frame["indicator_id"],
        frame[value_col],
        frame[prefix + "denominator"],
        hidden,
        strict=True,
    ):
        if secret:
            out.append(SUPPRESSED_TEXT)
        elif pd.isna(value):
            out.append("–")
        elif kinds.get(ind) == "proportion" and not pd.isna(den) and den:
            share = format_percent(value / den, lang, decimals=1)
            out.append(
                t(
                    "upload_share",
                    lang,
                    num=format_number(value, lang, 0),
                    den=format_number(den, lang, 0),
                    share=share,
                )
            )
        else:
            out.append(format_number(value, lang))
    return out


def _status_change(frame: pd.DataFrame, lang: str) -> list[str]:
    def word(status: object) -> str:
        return t(f"upload_status_{status}", lang) if status in ("final", "preliminary") else ""

    return [
        word(new) if old == new or pd.isna(old) else f"{word(old)} → {word(new)}"
        for old, new in zip(frame["old_status"], frame["new_status"], strict=True)
    ]


# -- commit ---------------------------------------------------------------------------------------


def save_previewed(sha256: str, confirmed: tuple[str, ...] = ()) -> None:
    """Button callback: store exactly the bytes previewed under `sha256`, re-running the pipeline
    (services.uploads.commit_upload, which checks the role at the moment of the click). The
    outcome (an upload id to point at, or why nothing was stored) is kept for the page to show.

    confirmed: the keys of the plausibility warnings the analyst saw and confirmed; a warning
    that appeared since (someone stored data meanwhile) stops the commit ("unconfirmed").
    """
    outcomes = st.session_state.setdefault(_OUTCOME, {})
    try:
        file_name, payload, year, area, sheet = st.session_state.get(_CHECKED, {})[sha256]
        if sha256_of(payload) != sha256:
            raise KeyError(sha256)
        report = uploads_service.commit_upload(
            data.database(),
            data.catalog(),
            current_user(),
            payload,
            file_name,
            confirm_warnings=tuple(confirmed),
            year=year,
            area=area,
            sheet=sheet,
        )
    except KeyError:
        outcomes[sha256] = ("error", t("upload_preview_lost", state.get("lang")))
        return
    except (AccessDenied, DatabaseBusy) as exc:
        outcomes[sha256] = ("error", error_text(exc, state.get("lang")))
        return
    if report.status == "unconfirmed":
        outcomes[sha256] = ("error", t("upload_warnings_changed", state.get("lang")))
    elif report.status != "committed":
        outcomes[sha256] = ("error", t("upload_rejected_on_save", state.get("lang")))
    elif report.upload_id is None:
        outcomes[sha256] = ("nothing", None)
    else:
        outcomes[sha256] = ("saved", report.upload_id)


def warning_table(
    found: Plausibility,
    lang: str,
    briefing: bool = False,
    limit: int | None = SHOWN_ROWS,
    why: bool = False,
) -> pd.DataFrame:
    """The plausibility warnings for people (the first `limit`): the row as Excel numbers it,
    indicator, area, period, the check, the value checked and (`why`) the sentence. In briefing
    mode without the value (it quotes the file, which disclosure control cannot protect yet)."""
    catalog = data.catalog()
    shown = found.warnings[:limit]
    table = pd.DataFrame(
        {
            t("upload_col_row", lang): pd.array([w.row for w in shown], dtype="Int64"),
            t("upload_col_indicator", lang): _labels(
                pd.Series([w.indicator_id for w in shown], dtype=object), catalog, lang
            ),
            t("upload_col_area", lang): _area_names(
                pd.Series([w.area_code for w in shown], dtype=object), catalog, lang
            ),
            t("upload_col_period", lang): [
                format_period(w.period, catalog.indicator(w.indicator_id).frequency, lang)
                for w in shown
            ],
            t("upload_col_rule", lang): [t(f"plausibility_rule_{w.rule}", lang) for w in shown],
        }
    )
    if not briefing:
        table[t("upload_col_value", lang)] = [_warning_value(w, lang) for w in shown]
        if why:
            table[t("upload_col_why", lang)] = [w.message(catalog, lang) for w in shown]
    return table


def warning_sentences(found: Plausibility, lang: str, limit: int = 20) -> list[str]:
    """The first `limit` warnings as sentences for people, each after its row ("Rad 2: …")."""
    catalog = data.catalog()
    return [
        (t("upload_warning_row", lang, row=w.row) if w.row is not None else "")
        + w.message(catalog, lang)
        for w in found.warnings[:limit]
    ]


def warnings_csv(found: Plausibility, lang: str) -> bytes:
    """Every warning (not only the shown ones) with its sentence, as CSV for Swedish Excel."""
    return to_excel_csv(warning_table(found, lang, limit=None, why=True))


def _warning_value(warning, lang: str) -> str:
    if warning.measure == "share":
        return format_percent(warning.value, lang, 1)
    return format_number(warning.value, lang)


def confirmation_key(sha256: str, found: Plausibility) -> str:
    """The confirmation checkbox's widget key: a new set of warnings for the same file (the store
    changed since) gets a new, unticked box."""
    digest = hashlib.sha256("\n".join(found.keys).encode("utf-8")).hexdigest()[:12]
    return f"confirm_{sha256[:16]}_{digest}"


def outcome(sha256: str) -> tuple[str, int | str | None] | None:
    """What happened when the analyst saved this file in this session, if they did."""
    return st.session_state.get(_OUTCOME, {}).get(sha256)


def example_file(catalog: Catalog, today: date | None = None) -> bytes:
    """A template with Swedish headers and a few rows for last month (a count, a proportion with
    its denominator, a median with decimals), as Swedish Excel opens it; it passes the checks."""
    today = today or date.today()
    month = (pd.Timestamp(today).to_period("M") - 1).strftime("%Y-%m")
    rows = [
        ("reported_partner_violence_women", "STHLM", 768, None, "preliminär", ""),
        ("reported_partner_violence_women", "0180", 301, None, "preliminär", ""),
        ("clearance_partner_assault", "PO_SYD", 19, 104, "slutlig", ""),
        ("lead_time_days", "STHLM", 101.5, None, "slutlig", t("upload_example_note", "sv")),
        ("gryning_staff_recruited", "STHLM", 64, None, "slutlig", ""),
    ]
    for indicator_id, area, *_ in rows:
        if area not in catalog.valid_areas(indicator_id):  # KeyError for an unknown id
            raise ValueError(f"example row {indicator_id}/{area} no longer fits the catalog")
    frame = pd.DataFrame(
        [(i, month, a, v, d, s, n) for i, a, v, d, s, n in rows],
        columns=["indikator", "månad", "område", "värde", "nämnare", "status", "kommentar"],
    )
    frame["värde"] = frame["värde"].astype(float)
    frame["nämnare"] = frame["nämnare"].astype(float)
    return to_excel_csv(frame)


# -- history --------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _uploads(user: User, uploads_stamp: tuple) -> pd.DataFrame:
    return uploads_service.uploads(data.database(), user)


def uploads() -> pd.DataFrame:
    """Every upload, newest first (services.uploads.uploads), cached per user and the uploads'
    stamp (an upload stored or undone)."""
    return _uploads(current_user(), data.stamp("uploads"))


@st.cache_data(show_spinner=False, max_entries=16)
def _changes(user: User, stamps: tuple, upload_id: int) -> pd.DataFrame:
    return uploads_service.upload_changes(data.database(), user, upload_id)


def changes(upload_id: int, briefing: bool = False) -> pd.DataFrame:
    """The cells one upload changed (services.uploads.upload_changes), cached per user and the
    stamps of the uploads and the data.

    In briefing mode a value is shown only where it is the cell's current value and disclosure
    control shows the cell now (metrics.redaction.protect_changes, on ui/data's protected read
    of the cells' indicators and areas); the others are NaN, flagged `old_hidden`/`new_hidden`.
    """
    cells = _changes(current_user(), (data.stamp("uploads"), data.stamp("data")), upload_id)
    if not briefing or cells.empty:
        return cells
    catalog = data.catalog()
    known = {i.id for i in catalog.indicators}
    ids = sorted(set(cells["indicator_id"]) & known)
    areas = sorted(cells["area_code"].unique())
    current = data.area_observations(True, ids, areas) if ids else None
    return protect_changes(cells, current, catalog)


def local_time(stamp: object) -> str:
    """A stored UTC timestamp (naive) as Swedish local time, "2026-11-23 16:32"; missing -> ""."""
    if stamp is None or pd.isna(stamp):
        return ""
    return pd.Timestamp(stamp).tz_localize("UTC").tz_convert(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def is_undone(row: pd.Series) -> bool:
    return not (row["undone_at"] is None or pd.isna(row["undone_at"]))


def upload_status(row: pd.Series, lang: str) -> str:
    """ "aktiv", or "ångrad av X 2026-11-23 16:40" (Swedish time)."""
    if not is_undone(row):
        return t("history_active", lang)
    return t("history_undone", lang, user=row["undone_by"], time=local_time(row["undone_at"]))


def file_label(file_name: str, briefing: bool) -> str:
    """An upload's file name as shown: in briefing mode with numbers other than dates masked
    (a name is free text: "salem_3_fall.csv")."""
    return mask_numbers(file_name) if briefing else file_name


def history_table(history: pd.DataFrame, lang: str, briefing: bool = False) -> pd.DataFrame:
    """The uploads list for people: who, when (Swedish time), file, counts, status, demo."""
    return pd.DataFrame(
        {
            t("history_col_id", lang): history["upload_id"].astype(int),
            t("history_col_time", lang): history["uploaded_at"].map(local_time),
            t("history_col_user", lang): history["user_name"],
            t("history_col_file", lang): history["file_name"].map(
                lambda name: file_label(name, briefing)
            ),
            t("history_col_rows", lang): history["rows"],
            t("history_col_inserted", lang): history["inserted"],
            t("history_col_updated", lang): history["updated"],
            t("history_col_unchanged", lang): history["unchanged"],
            t("history_col_status", lang): [upload_status(r, lang) for _, r in history.iterrows()],
            t("history_col_demo", lang): history["is_demo"].map(
                lambda d: t("history_demo_yes", lang) if d else ""
            ),
        }
    )


def assumptions_markdown(stored: str) -> str:
    """The assumptions recorded with an upload (a JSON list of Swedish sentences) as a list."""
    try:
        items = json.loads(stored or "[]")
    except ValueError:
        items = [stored]
    return "\n".join(f"- {markdown_text(item, limit=400)}" for item in items)


def history_table_layout(lang: str) -> dict:
    """st.dataframe arguments for history_table: counts with the reader's thousands separator."""
    counts = (
        "history_col_rows",
        "history_col_inserted",
        "history_col_updated",
        "history_col_unchanged",
    )
    return {
        "column_config": {
            t(key, lang): st.column_config.NumberColumn(format="localized") for key in counts
        }
        | {t("history_col_id", lang): st.column_config.NumberColumn(format="%d", width=60)}
    }


def upload_row(history: pd.DataFrame, upload_id: int) -> pd.Series | None:
    rows = history[history["upload_id"] == upload_id]
    return None if rows.empty else rows.iloc[0]


def option_label(history: pd.DataFrame, upload_id: int, lang: str, briefing: bool = False) -> str:
    row = upload_row(history, upload_id)
    if row is None:
        return f"#{upload_id}"
    return t(
        "history_option",
        lang,
        id=upload_id,
        file=plain_text(file_label(row["file_name"], briefing), limit=80),
        time=local_time(row["uploaded_at"]),
        user=plain_text(row["user_name"], limit=80),
    )


def change_table(cells: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An upload's changed cells, old → new (first SHOWN_ROWS only)."""
    shown = cells.head(SHOWN_ROWS)
    table = revision_table(shown, lang)
    kind = shown["change"].map(
        lambda c: (
            t("history_change_insert", lang) if c == "insert" else t("history_change_update", lang)
        )
    )
    table.insert(3, t("history_col_change", lang), kind.to_numpy())
    return table


def pick_for_history(upload_id: int) -> None:
    """Ask the history page to open with this upload selected."""
    st.session_state[_PICK] = int(upload_id)


def apply_pick(widget_key: str, options: list[int]) -> None:
    """Before the selectbox is drawn: select the upload another page asked for, if it exists."""
    picked = st.session_state.pop(_PICK, None)
    if picked in options:
        st.session_state[widget_key] = picked


# -- undo -----------------------------------------------------------------------------------------


def ask_undo(upload_id: int) -> None:
    st.session_state[_CONFIRM] = int(upload_id)


def cancel_undo() -> None:
    st.session_state.pop(_CONFIRM, None)


def awaiting_confirmation(upload_id: int) -> bool:
    return st.session_state.get(_CONFIRM) == int(upload_id)


def undo_confirmed(upload_id: int) -> None:
    """Button callback: undo the upload after the analyst confirmed (services.uploads.undo_upload,
    which checks the role). A refusal (a later upload changed the same cells, already undone,
    database busy, no right) is shown as it is: nothing is overwritten silently.
    """
    st.session_state.pop(_CONFIRM, None)
    try:
        cells = uploads_service.undo_upload(
            data.database(), data.catalog(), current_user(), int(upload_id)
        )
    except (UndoConflict, UndoError, AccessDenied, DatabaseBusy) as exc:
        st.session_state[_FEEDBACK] = ("error", error_text(exc, state.get("lang")))
        return
    st.session_state[_FEEDBACK] = (
        "success",
        counted("history_undone_ok", cells, state.get("lang"), id=upload_id),
    )


def pop_feedback() -> tuple[str, str] | None:
    """The outcome of the last undo attempt, once."""
    return st.session_state.pop(_FEEDBACK, None)

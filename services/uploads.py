"""Uploads as an analyst does them: preview a file, commit it, undo an upload, read what uploads changed.

Framework-free: the upload and history pages (through ui/upload_review.py), `manage.py ingest`,
`undo` and `uploads` and the demo loader call these. Each takes the database, the catalog and
the acting user and checks the role itself (auth.AccessDenied, a Swedish message, below analyst).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from auth import User
from i18n import LANGUAGES
from ingest.handled import allowed_areas, is_handled_line
from ingest.pipeline import IngestReport, ingest_upload, judge_upload
from ingest.reader import UnreadableText, decode_bytes
from ingest.workbook import WorkbookRefused, is_workbook, open_workbook
from ingest.worker import check_isolated
from metrics.catalog import Catalog
from metrics.disclosure import ReleaseDecider
from metrics.plausibility import Plausibility
from services import population
from services.access import require_analyst
from storage import Database, list_uploads, load_observations, plan_upload
from storage import undo_upload as undo_stored_upload
from storage import upload_changes as stored_upload_changes

KEY = ["indicator_id", "area_code", "period"]
NEW_VALUE_COLUMNS = ["indicator_id", "first", "last", "areas", "values"]


@dataclass(frozen=True)
class Preview:
    """One file as the pipeline understood it and what storing it would change now.

    `errors` has row (Excel's number, header = 1; missing = the whole file), column (canonical),
    header (as written in the file), value and message. `revisions` is plan_upload's frame;
    `new_values` has one row per indicator: first and last month, areas and values new to the store.
    `plausibility`: the warnings to confirm before storing (metrics/plausibility.py), judged
    against the store now; committing confirms exactly their `keys`.
    """

    file_name: str
    sha256: str
    rows: int
    dialect: str
    assumptions: tuple[str, ...]
    errors: pd.DataFrame
    inserted: int
    updated: int
    unchanged: int
    revisions: pd.DataFrame
    new_values: pd.DataFrame
    plausibility: Plausibility = Plausibility()
    sheet: str = ""  # the sheet read, for a workbook (.xlsx)
    dialects: Mapping[str, str] = field(default_factory=dict)  # `dialect` in every language

    def dialect_in(self, lang: str) -> str:
        """How the file was understood, in `lang` (`dialect` is the Swedish)."""
        return self.dialects.get(lang, self.dialect)

    @property
    def ok(self) -> bool:
        return self.errors.empty

    @property
    def to_store(self) -> int:
        """Values a commit would write (new plus revised)."""
        return self.inserted + self.updated


def preview_upload(
    db: Database,
    catalog: Catalog,
    user: User,
    payload: bytes,
    file_name: str,
    *,
    today: date | None = None,
    sheet: str | None = None,
    year: int | None = None,
    area: str | None = None,
) -> Preview:
    """Check a file against every rule and plan it against the store, storing nothing.

    `today` fixes the latest month allowed (default: the clock's); `sheet` names the sheet of a
    workbook (default: the first with a header row); `year` and `area` are the analyst's for
    BRÅ's table of handled offences, which names neither (required for it, None otherwise;
    `handled_table_recognised` tells a page when to ask). Raises AccessDenied below
    analyst; a file with problems is a Preview with `errors`, never an exception.
    """
    require_analyst(user)
    # In a worker process with a memory limit (ingest/worker.py): no file can starve the server.
    checked = check_isolated(
        payload, file_name, catalog, today=today, sheet=sheet, year=year, area=area
    )
    errs = checked.errors
    errors = pd.DataFrame(
        {
            "row": pd.array([e.row for e in errs], dtype="Int64"),
            "column": [e.column or "" for e in errs],
            "header": [checked.column_map.get(e.column, e.column) or "" for e in errs],
            "value": ["" if e.value is None else str(e.value) for e in errs],
            "message": [e.message for e in errs],
            # The same in every language the page speaks (error_text's column per language).
            **{f"message_{lang}": [e.text(lang) for e in errs] for lang in LANGUAGES},
        }
    )
    empty = pd.DataFrame()
    counts = (0, 0, 0)
    revisions, new_values = empty, empty
    plausibility = Plausibility()
    if checked.ok:
        diff = plan_upload(db, checked.frame)
        plausibility = judge_upload(db, checked, catalog)
        counts = (diff.inserted, diff.updated, diff.unchanged)
        revisions = diff.revisions
        if diff.inserted:
            stored = _stored_keys(db, checked.frame)
            new_values = summarise_new_values(checked.frame, stored, catalog)
    return Preview(
        file_name=file_name,
        sha256=checked.sha256,
        rows=checked.rows,
        dialect=checked.dialect("sv"),
        assumptions=tuple(checked.assumptions),
        errors=errors,
        inserted=counts[0],
        updated=counts[1],
        unchanged=counts[2],
        revisions=revisions,
        new_values=new_values,
        plausibility=plausibility,
        sheet=checked.sheet,
        dialects={lang: checked.dialect(lang) for lang in LANGUAGES},
    )


def workbook_sheets(payload: bytes, file_name: str) -> tuple[str, ...]:
    """The sheets of a workbook (.xlsx) in their order, for a page to offer (preview_upload's
    `sheet`); () for a file that is not a workbook or a workbook that is refused (its preview
    says why). The container is inspected in bounded memory before it is opened
    (ingest.workbook.open_workbook); no role is needed (nothing is read from the store)."""
    if not is_workbook(payload, file_name):
        return ()
    try:
        return tuple(open_workbook(payload).sheet_names)
    except WorkbookRefused:
        return ()


def handled_table_recognised(payload: bytes) -> bool:
    """Whether a file is BRÅ's table of handled offences (ingest/handled.py), for which the
    analyst must state a year and an area: a page asks for them when this is True. Reads only
    the first line; no role is needed to ask (nothing is read from the store)."""
    try:
        text, _ = decode_bytes(payload[:65536])
    except UnreadableText:
        return False
    return is_handled_line(text.partition("\n")[0])


def handled_areas(catalog: Catalog) -> tuple[str, ...]:
    """The areas BRÅ's table of handled offences may be stated for: those every indicator it is
    read as is reported for (the Mål 5 shares: the region only), in catalog order."""
    return allowed_areas(catalog)


def commit_upload(
    db: Database,
    catalog: Catalog,
    user: User,
    payload: bytes,
    file_name: str,
    *,
    dry_run: bool = False,
    today: date | None = None,
    is_demo: bool = False,
    sheet: str | None = None,
    confirm_warnings: bool | Collection[str] = False,
    isolated: bool = True,
    year: int | None = None,
    area: str | None = None,
) -> IngestReport:
    """Check the file again and store it whole in one transaction, as the user's upload (or, with
    `dry_run`, only report what it would change). A rejected file stores nothing
    (status "rejected", its errors listed); a check that could not finish (the worker's memory
    limit, ingest/worker.py) stores nothing either (status "failed", one whole-file error); a file
    changing nothing stores no upload (`upload_id` None). Raises AccessDenied below analyst,
    storage.DatabaseBusy when the file stays locked. `isolated=False` checks in this process (the
    demo loader's own generated file).

    Plausibility warnings, judged again in the commit's transaction, must be confirmed by this
    user: `confirm_warnings` True confirms whatever warnings there are (the command line's
    --confirm-warnings), a collection of keys exactly those (the page: `Preview.plausibility.keys`).
    Otherwise status "unconfirmed" and nothing stored; a confirmation is in the audit entry.
    `year` and `area`: as for preview_upload (BRÅ's table of handled offences)."""
    require_analyst(user)
    return ingest_upload(
        db,
        payload,
        file_name,
        user=user.name,
        dry_run=dry_run,
        today=today,
        is_demo=is_demo,
        catalog=catalog,
        sheet=sheet,
        confirm_warnings=confirm_warnings,
        isolated=isolated,
        year=year,
        area=area,
    )


def undo_upload(db: Database, catalog: Catalog, user: User, upload_id: int) -> int:
    """Undo an upload: every cell it changed goes back to its value before it (the rows are kept);
    a population import (services/population.py) puts back the population figures it replaced.
    Returns the number of cells (or population figures) restored. Raises AccessDenied below
    analyst, storage.UndoConflict when a later upload changed the same cells, storage.UndoError
    for no such upload or one already undone (Swedish messages); nothing is overwritten silently."""
    require_analyst(user)
    if population.is_population_import(db, upload_id):
        return population.undo_population_import(db, catalog, user, upload_id)
    return undo_stored_upload(db, int(upload_id), user=user.name, decide=ReleaseDecider(catalog))


def uploads(db: Database, user: User) -> pd.DataFrame:
    """Every upload, newest first (storage.list_uploads). Raises AccessDenied below analyst."""
    require_analyst(user)
    return list_uploads(db)


def upload_changes(db: Database, user: User, upload_id: int) -> pd.DataFrame:
    """The cells one upload changed, old and new value per cell (storage.upload_changes), as
    stored: briefing mode's protection is the caller's (metrics.redaction.protect_changes).
    Raises AccessDenied below analyst."""
    require_analyst(user)
    return stored_upload_changes(db, int(upload_id))


def _stored_keys(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """The keys already stored for the file's indicators within its months."""
    stored = load_observations(
        db,
        indicator_ids=sorted(frame["indicator_id"].unique()),
        start=frame["period"].min().date(),
        end=frame["period"].max().date(),
    )
    return stored[KEY]


def summarise_new_values(
    frame: pd.DataFrame, stored: pd.DataFrame, catalog: Catalog
) -> pd.DataFrame:
    """Per indicator (catalog order): first and last month, areas and count of values not stored.

    `frame` is a checked upload's rows, `stored` the keys already in the store. Empty when every
    row is already stored.
    """
    incoming = frame[KEY].assign(period=pd.to_datetime(frame["period"]))
    stored = stored[KEY].assign(period=pd.to_datetime(stored["period"]), stored=True)
    merged = incoming.merge(stored, on=KEY, how="left")
    new = merged[merged["stored"].isna()]
    if new.empty:
        return pd.DataFrame(columns=NEW_VALUE_COLUMNS)
    summary = (
        new.groupby("indicator_id")
        .agg(
            first=("period", "min"),
            last=("period", "max"),
            areas=("area_code", "nunique"),
            values=("period", "size"),
        )
        .reset_index()
    )
    order = {ind.id: n for n, ind in enumerate(catalog.indicators)}
    return summary.sort_values("indicator_id", key=lambda s: s.map(order)).reset_index(drop=True)

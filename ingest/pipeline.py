"""One ingest pipeline for every face (upload page, command line, demo): read, check, preview, commit."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from i18n import Message, MessageError, t
from ingest import bra, handled, kolada, scb
from ingest.normalise import ignored_denominators_note, normalise_rows
from ingest.precheck import precheck_rows
from ingest.reader import DELIMITERS, ReadFile, read_upload
from metrics.catalog import Catalog, load_catalog
from metrics.disclosure import ReleaseDecider
from metrics.plausibility import Plausibility, check_plausibility
from schemas.upload import (
    MAX_ERRORS,
    UploadError,
    map_values,
    too_many_errors,
    validate_rows,
)
from storage import Database, UploadDiff, commit_upload, load_observations, plan_upload

CANONICAL = ["indicator_id", "area_code", "period", "value", "denominator", "status", "note"]
AUDITED_WARNINGS = 1000
"""At most this many confirmed warnings are listed in an upload's audit entry (then a count)."""


@dataclass
class CheckedUpload:
    """A file read and checked against every rule; `frame` is only meaningful when `ok`."""

    file_name: str
    sha256: str
    rows: int
    frame: pd.DataFrame
    errors: list[UploadError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    column_map: dict[str, str] = field(default_factory=dict)
    source_format: str = "canonical"  # or bra.SOURCE_FORMAT ("BRÅ SOL")
    sheet: str = ""  # the sheet read, for a workbook (.xlsx)
    excel_rows: np.ndarray | None = None  # each frame row's row in the file as Excel shows it
    failed: bool = False  # the check could not finish (ingest/worker.py): one whole-file error

    @property
    def ok(self) -> bool:
        return not self.errors

    def dialect_sv(self) -> str:
        """How the file was understood, in one Swedish sentence."""
        return self.dialect("sv")

    def dialect(self, lang: str = "sv") -> str:
        """How the file was understood, in one sentence (the encoding's name as recorded)."""
        if not self.encoding:
            return t("dialect_unreadable", lang)
        columns = ", ".join(f"{header} → {col}" for col, header in self.column_map.items())
        values = {"encoding": self.encoding, "rows": self.rows, "columns": columns}
        if self.source_format == bra.SOURCE_FORMAT:
            return t("dialect_bra", lang, source=bra.SOURCE_FORMAT, **values)
        if self.source_format == handled.SOURCE_FORMAT:
            return t("handled_dialect", lang, **values)
        if self.source_format == kolada.SOURCE_FORMAT:
            return t("dialect_kolada", lang, source=kolada.SOURCE_FORMAT, **values)
        if self.sheet:
            return t("dialect_workbook", lang, sheet=self.sheet, **values)
        delimiter = DELIMITERS.get(self.delimiter)
        return t("dialect_csv", lang, delimiter=t(delimiter, lang) if delimiter else "?", **values)


@dataclass
class IngestReport:
    """The outcome of one ingest, in the shape of `manage.py ingest --json`."""

    status: str  # "committed" | "rejected" | "dry_run" | "unconfirmed" (warnings not confirmed) | "failed" (the check could not finish)
    upload_id: int | None
    rows: int
    inserted: int
    updated: int
    unchanged: int
    errors: list[UploadError]
    checked: CheckedUpload
    diff: UploadDiff | None = None
    plausibility: Plausibility = field(default_factory=Plausibility)
    catalog: Catalog | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "upload_id": self.upload_id,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [
                w.as_record(self.catalog or load_catalog(), "sv")
                for w in self.plausibility.warnings
            ],
            "warnings_unjudged": self.plausibility.unjudged,
            "assumptions": self.checked.assumptions,
            "file": {
                "name": self.checked.file_name,
                "sha256": self.checked.sha256,
                "encoding": self.checked.encoding,
                "delimiter": self.checked.delimiter,
                "columns": self.checked.column_map,
                "source_format": self.checked.source_format,
                "sheet": self.checked.sheet or None,
            },
        }


def current_month(today: date | None = None) -> pd.Timestamp:
    """The first day of the current month: the latest month an upload may contain."""
    today = today or date.today()
    return pd.Timestamp(year=today.year, month=today.month, day=1)


def check_upload(
    data: bytes,
    file_name: str,
    catalog: Catalog | None = None,
    *,
    today: date | None = None,
    sheet: str | None = None,
    year: int | None = None,
    area: str | None = None,
) -> CheckedUpload:
    """Read and validate a file completely, touching no database. All problems are collected.

    `sheet` names the sheet of a workbook to read (default: its first sheet). `year` and `area`
    are what the analyst states for BRÅ's table of handled offences (ingest/handled.py), which
    names neither; for that table both are required, for any other file both must be None.
    """
    catalog = catalog or load_catalog()
    sha256 = hashlib.sha256(data).hexdigest()
    if scb.recognise(data) is not None:
        return CheckedUpload(
            file_name=file_name,
            sha256=sha256,
            rows=0,
            frame=pd.DataFrame(columns=CANONICAL),
            errors=[UploadError(None, None, None, scb.NOT_AN_UPLOAD)],
        )
    kolada_file = kolada.recognise(data)
    if kolada_file is not None:
        read = ReadFile(
            rows=pd.DataFrame({"excel_row": [0]}),  # rows come from kolada.to_canonical below
            encoding="UTF-8 (JSON)",
            column_map=dict(kolada.COLUMN_MAP),
            source_format=kolada.SOURCE_FORMAT,
        )
    else:
        read = read_upload(data, file_name, sheet=sheet)
    checked = CheckedUpload(
        file_name=file_name,
        sha256=sha256,
        rows=len(read.rows),
        frame=pd.DataFrame(columns=CANONICAL),
        errors=_bounded(read.errors, read.more_errors),
        assumptions=list(read.assumptions),
        encoding=read.encoding,
        delimiter=read.delimiter,
        column_map=read.column_map,
        source_format=read.source_format,
        sheet=read.sheet,
    )
    if (year is not None or area is not None) and read.source_format != handled.SOURCE_FORMAT:
        checked.errors.append(UploadError(None, None, None, Message("handled_context_unused")))
        return checked
    if not read.readable or read.rows.empty:
        return checked
    rows = read.rows
    if read.source_format in (bra.SOURCE_FORMAT, kolada.SOURCE_FORMAT, handled.SOURCE_FORMAT):
        # BRÅ's and Kolada's rows become canonical rows (keeping their row or position); from
        # here on they meet exactly the rules an ordinary upload meets.
        if kolada_file is not None:
            mapped = kolada.to_canonical(kolada_file, catalog)
        elif read.source_format == handled.SOURCE_FORMAT:
            mapped = handled.to_canonical(rows, catalog, year=year, area=area)
        else:
            mapped = bra.to_canonical(rows, catalog)
        if kolada_file is not None:  # a JSON file has no rows of its own: its values count
            checked.rows = len(mapped.frame)
        checked.errors += mapped.errors
        checked.assumptions += mapped.assumptions
        more_bra = mapped.more
        rows = mapped.frame
        if rows.empty:
            checked.errors = _bounded(checked.errors, read.more_errors + more_bra)
            return checked
    else:
        more_bra = 0
        if "status" not in rows.columns:
            checked.assumptions.append(t("dialect_no_status", "sv"))
        # A clean file is checked in one pass over its distinct values; anything else (and any
        # broken rule) goes the detailed way below, which names every problem.
        clean = precheck_rows(rows, catalog, current_month(today))
        if clean is not None:
            checked.assumptions += clean.assumptions
            checked.frame = clean.frame
            checked.excel_rows = rows["excel_row"].to_numpy()
            return checked
    normalised = normalise_rows(rows, catalog)
    checked.assumptions += normalised.assumptions
    frame = normalised.frame
    frame["period"] = frame["period"].astype("datetime64[ns]")
    rules = validate_rows(frame, rows, catalog, current_month(today))
    checked.errors = _bounded(
        checked.errors + normalised.errors + rules.errors,
        read.more_errors + more_bra + normalised.more + rules.more,
    )
    ignored_denominators = _ignored_denominators(frame, catalog)
    if ignored_denominators:
        checked.assumptions.append(ignored_denominators_note(ignored_denominators))
    if checked.ok:
        kinds = map_values(frame["indicator_id"], {i.id: i.kind for i in catalog.indicators})
        frame.loc[kinds != "proportion", "denominator"] = float("nan")
        checked.frame = frame[CANONICAL].reset_index(drop=True)
        checked.excel_rows = frame["excel_row"].to_numpy()
    return checked


def _bounded(errors: list[UploadError], more: int) -> list[UploadError]:
    """At most MAX_ERRORS errors in row order, after one saying how many more there were."""
    errors = _sorted(errors)
    more += max(len(errors) - MAX_ERRORS, 0)
    if not more:
        return errors
    return [too_many_errors(MAX_ERRORS, more)] + errors[:MAX_ERRORS]


def _sorted(errors: list[UploadError]) -> list[UploadError]:
    return sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _ignored_denominators(frame: pd.DataFrame, catalog: Catalog) -> int:
    kinds = map_values(frame["indicator_id"], {i.id: i.kind for i in catalog.indicators})
    return int(((kinds != "proportion") & kinds.notna() & frame["denominator"].notna()).sum())


class UnconfirmedWarnings(MessageError):
    """Raised inside the commit's transaction when the upload has plausibility warnings that were
    not confirmed: nothing is stored."""

    def __init__(self, plausibility: Plausibility) -> None:
        super().__init__("plausibility_unconfirmed", n=len(plausibility.warnings))
        self.plausibility = plausibility


def judge_upload(db: Database, checked: CheckedUpload, catalog: Catalog) -> Plausibility:
    """The plausibility warnings of a checked file against the store as it is now (nothing is
    stored). Empty for a file with errors."""
    if not checked.ok or checked.frame.empty:
        return Plausibility()
    stored = load_observations(
        db,
        indicator_ids=sorted(checked.frame["indicator_id"].unique()),
        end=pd.Timestamp(checked.frame["period"].max()).date(),
        columns=["indicator_id", "area_code", "period", "value", "denominator"],
    )
    return check_plausibility(checked.frame, stored, catalog, rows=checked.excel_rows)


def confirmation_record(found: Plausibility, catalog: Catalog, user: str) -> dict:
    """What an upload's audit entry keeps of a confirmation: who, and which warnings (at most
    AUDITED_WARNINGS listed, with the Swedish sentence each)."""
    listed = found.warnings[:AUDITED_WARNINGS]
    return {
        "confirmed_by": user,
        "warnings": len(found.warnings),
        "listed": [w.as_record(catalog, "sv") for w in listed],
        "unjudged": found.unjudged,
    }


def ingest_upload(
    db: Database,
    data: bytes,
    file_name: str,
    *,
    user: str,
    dry_run: bool = False,
    today: date | None = None,
    is_demo: bool = False,
    catalog: Catalog | None = None,
    sheet: str | None = None,
    confirm_warnings: bool | Collection[str] = False,
    isolated: bool = False,
    year: int | None = None,
    area: str | None = None,
) -> IngestReport:
    """Check a file and, unless it has errors or this is a dry run, commit it in one transaction.

    Plausibility (metrics/plausibility.py) is judged again inside the commit's transaction: a
    file with warnings is stored only when they are confirmed — `confirm_warnings` True confirms
    whatever warnings the file has then (the command line's --confirm-warnings, after showing
    them), a collection of warning keys confirms exactly those (the upload page's preview: a
    warning that appeared since is not confirmed). Otherwise the report's status is
    "unconfirmed", nothing is stored and `plausibility` lists the warnings. A confirmation is
    kept in the upload's audit entry (`confirmation_record`).

    `year` and `area` are stated for BRÅ's table of handled offences (check_upload).

    `isolated=True` runs the check in a worker process with a memory limit (ingest/worker.py):
    the upload page and `manage.py ingest` do, so that no file can starve other sessions; a
    check that could not finish is status "failed" with one whole-file error.
    """
    catalog = catalog or load_catalog()
    if isolated:
        from ingest.worker import check_isolated  # noqa: PLC0415 - ingest.worker imports this module

        checked = check_isolated(
            data, file_name, catalog, today=today, sheet=sheet, year=year, area=area
        )
    else:
        checked = check_upload(
            data, file_name, catalog, today=today, sheet=sheet, year=year, area=area
        )
    if not checked.ok:
        status = "failed" if checked.failed else "rejected"
        return IngestReport(
            status, None, checked.rows, 0, 0, 0, checked.errors, checked, catalog=catalog
        )
    if dry_run:
        diff = plan_upload(db, checked.frame)
        return _planned("dry_run", checked, diff, judge_upload(db, checked, catalog), catalog)

    def vet(stored: pd.DataFrame) -> dict | None:
        found = check_plausibility(checked.frame, stored, catalog, rows=checked.excel_rows)
        if not found:
            return None
        if confirm_warnings is not True and not set(found.keys) <= set(confirm_warnings or ()):
            raise UnconfirmedWarnings(found)
        vetted.append(found)
        return {"plausibility": confirmation_record(found, catalog, user)}

    vetted: list[Plausibility] = []
    try:
        record = commit_upload(
            db,
            checked.frame,
            file_name=file_name,
            file_sha256=checked.sha256,
            user=user,
            source_format=checked.source_format,
            assumptions=checked.assumptions,
            is_demo=is_demo,
            decide=ReleaseDecider(catalog),
            vet=vet,
        )
    except UnconfirmedWarnings as exc:
        return _planned(
            "unconfirmed", checked, plan_upload(db, checked.frame), exc.plausibility, catalog
        )
    d = record.diff
    return IngestReport(
        "committed",
        record.upload_id,
        checked.rows,
        d.inserted,
        d.updated,
        d.unchanged,
        [],
        checked,
        d,
        vetted[0] if vetted else Plausibility(),
        catalog,
    )


def _planned(
    status: str, checked: CheckedUpload, diff: UploadDiff, found: Plausibility, catalog: Catalog
) -> IngestReport:
    """A report of what the file would change, nothing stored (a dry run, or unconfirmed)."""
    return IngestReport(
        status,
        None,
        checked.rows,
        diff.inserted,
        diff.updated,
        diff.unchanged,
        [],
        checked,
        diff,
        found,
        catalog,
    )

"""Uploads: what a validated file would change, committing it whole, the history, and exact undo."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pyarrow as pa

from i18n import MessageError
from storage.database import Database
from storage.disclosure import Prepared, disclosure_key_of, has_key, record_releases, snapshot
from storage.observations import CELL_COLUMNS, _select
from storage.versions import record_commit, record_undo

if TYPE_CHECKING:
    from metrics.disclosure.releases import ReleaseDecider

INCOMING_COLUMNS = ["indicator_id", "area_code", "period", "value", "denominator", "status", "note"]

Vet = Callable[[pd.DataFrame], dict | None]
"""Called by `commit_upload` inside its transaction with the stored cells (CELL_COLUMNS) of the
upload's indicators up to its latest period, as they are before the upload. It returns what to add
to the upload's audit entry (or None), or raises to store nothing (the exception propagates)."""


@dataclass(frozen=True)
class UploadDiff:
    """What a file does to the database: counts, and the revised cells with old and new values."""

    inserted: int
    updated: int
    unchanged: int
    revisions: pd.DataFrame = field(repr=False)

    @property
    def changes_anything(self) -> bool:
        return bool(self.inserted or self.updated)


@dataclass(frozen=True)
class UploadRecord:
    upload_id: int | None
    diff: UploadDiff


class UndoConflict(MessageError, RuntimeError):
    """Later uploads changed some of the cells; undoing now would silently overwrite them."""

    def __init__(self, upload_id: int, later_uploads: list[int], cells: int) -> None:
        self.upload_id = upload_id
        self.later_uploads = later_uploads
        self.cells = cells
        names = ", ".join(f"#{u}" for u in later_uploads)
        super().__init__("store_undo_conflict", upload_id=upload_id, n=cells, later=names)


class UndoError(MessageError, RuntimeError):
    """The upload does not exist or is already undone."""


class DuplicateCells(MessageError, RuntimeError):
    """Two stored rows for one cell: a broken promise of commit_upload, nothing is stored."""


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The validated frame as an Arrow table with the storage types (period as a date)."""
    return pa.table(
        {
            "indicator_id": pa.array(frame["indicator_id"].astype(str), pa.string()),
            "area_code": pa.array(frame["area_code"].astype(str), pa.string()),
            # Whole days in numpy, not a Python date object per row.
            "period": pa.array(
                pd.to_datetime(frame["period"]).to_numpy().astype("datetime64[D]"), pa.date32()
            ),
            "value": pa.array(frame["value"].astype(float), pa.float64()),
            "denominator": pa.array(
                frame["denominator"].astype(float), pa.float64(), from_pandas=True
            ),
            "status": pa.array(frame["status"].astype(str), pa.string()),
            "note": pa.array(frame["note"].fillna("").astype(str), pa.string()),
        }
    )


# The incoming rows joined to what is stored, each classified as insert / update / unchanged.
_DIFF_SQL = """
    CREATE OR REPLACE TEMP TABLE upload_diff AS
    SELECT i.*, o.value AS old_value, o.denominator AS old_denominator, o.status AS old_status,
           o.note AS old_note, o.upload_id AS old_upload_id,
           CASE WHEN o.indicator_id IS NULL THEN 'insert'
                WHEN o.value IS DISTINCT FROM i.value
                  OR o.denominator IS DISTINCT FROM i.denominator
                  OR o.status IS DISTINCT FROM i.status
                  OR o.note IS DISTINCT FROM i.note THEN 'update'
                ELSE 'unchanged' END AS change
    FROM incoming_rows AS i
    LEFT JOIN observations AS o USING (indicator_id, area_code, period)
"""

_REVISIONS_SQL = """
    SELECT indicator_id, area_code, period, old_value, value AS new_value,
           old_denominator, denominator AS new_denominator, old_status, status AS new_status,
           old_upload_id
    FROM upload_diff WHERE change = 'update'
    ORDER BY indicator_id, area_code, period
"""


def _diff(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> UploadDiff:
    con.register("incoming_rows", _to_arrow(frame))
    con.execute(_DIFF_SQL)
    counts = dict(
        con.execute("SELECT change, count(*) FROM upload_diff GROUP BY change").fetchall()
    )
    if sum(counts.values()) != len(frame):
        # Without a primary key (migration 3) one stored row per cell rests on commit_upload:
        # a row of the file that met two stored rows means that promise was broken somewhere.
        raise DuplicateCells("store_duplicate_cells")
    revisions = con.execute(_REVISIONS_SQL).df()
    return UploadDiff(
        inserted=int(counts.get("insert", 0)),
        updated=int(counts.get("update", 0)),
        unchanged=int(counts.get("unchanged", 0)),
        revisions=revisions,
    )


def _stored_cells(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """The stored cells of the frame's indicators (every area) up to its latest period."""
    ids = sorted(frame["indicator_id"].astype(str).unique())
    end = pd.Timestamp(frame["period"].max()).date()
    return _select(con, ids, None, None, end, CELL_COLUMNS)


def _cleanup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS temp.upload_diff")
    con.unregister("incoming_rows")


def plan_upload(db: Database, frame: pd.DataFrame) -> UploadDiff:
    """What committing `frame` would change now, without changing anything."""
    with db.reading() as con:
        try:
            return _diff(con, frame)
        finally:
            _cleanup(con)


_CELLS_AFTER_SQL = """
    SELECT o.area_code, o.period,
           CASE WHEN d.change = 'update' THEN d.value ELSE o.value END AS value,
           CASE WHEN d.change = 'update' THEN d.denominator ELSE o.denominator END AS denominator
    FROM observations AS o
    LEFT JOIN upload_diff AS d USING (indicator_id, area_code, period)
    WHERE o.indicator_id = ?
    UNION ALL
    SELECT area_code, period, value, denominator FROM upload_diff
    WHERE change = 'insert' AND indicator_id = ?
    ORDER BY area_code, period
"""


def _prepare_releases(db: Database, frame: pd.DataFrame, decide: ReleaseDecider) -> Prepared:
    """Each indicator the upload would change, decided on the cells a reader sees now and on
    the cells the upload would leave (`record_releases` checks both before using a decision).
    Nothing is locked while deciding; empty when the database has no key yet."""
    with db.reading() as con:
        try:
            diff = _diff(con, frame)
            if not diff.changes_anything or not has_key(con):
                return {}
            changed = con.execute(
                """SELECT DISTINCT indicator_id FROM upload_diff
                   WHERE change <> 'unchanged' ORDER BY indicator_id"""
            ).fetchall()
            before = snapshot(con, [str(i) for (i,) in changed])
            key = disclosure_key_of(con)
            after = {}
            for indicator_id in before:
                cells = con.execute(_CELLS_AFTER_SQL, [indicator_id, indicator_id]).df()
                cells["period"] = pd.to_datetime(cells["period"])
                after[indicator_id] = cells
        finally:
            _cleanup(con)
    return _decided(before, after, decide, key)


def _decided(before: dict, after: dict, decide: ReleaseDecider, key: bytes) -> Prepared:
    """Each indicator of `before` (a `snapshot`) decided on its cells in `after`."""
    return {
        indicator_id: (
            cells_before,
            hidden_before,
            after[indicator_id],
            decide(indicator_id, cells_before, hidden_before, after[indicator_id], key=key),
        )
        for indicator_id, (cells_before, hidden_before) in before.items()
    }


_CELLS_AFTER_UNDO_SQL = """
    SELECT o.area_code, o.period,
           CASE WHEN c.change = 'update' THEN c.old_value ELSE o.value END AS value,
           CASE WHEN c.change = 'update' THEN c.old_denominator ELSE o.denominator END
               AS denominator
    FROM observations AS o
    LEFT JOIN observation_changes AS c
        ON c.upload_id = ? AND c.change = 'update' AND c.indicator_id = o.indicator_id
       AND c.area_code = o.area_code AND c.period = o.period
    WHERE o.indicator_id = ? AND (o.upload_id IS DISTINCT FROM ? OR c.upload_id IS NOT NULL)
    ORDER BY area_code, period
"""


def _prepare_undo_releases(db: Database, upload_id: int, decide: ReleaseDecider) -> Prepared:
    """As `_prepare_releases`, for an undo: each indicator the upload touched, decided on the
    cells a reader sees now and on the cells the undo would leave (its inserts gone, its
    revisions back to their previous state). Nothing is locked while deciding; empty when the
    upload is unknown or undone or the database has no key (the transaction then says why)."""
    with db.reading() as con:
        row = con.execute(
            "SELECT undone_at FROM uploads WHERE upload_id = ?", [upload_id]
        ).fetchall()
        if not row or row[0][0] is not None or not has_key(con):
            return {}
        before = snapshot(con, _touched_by(con, upload_id))
        key = disclosure_key_of(con)
        after = {}
        for indicator_id in before:
            cells = con.execute(_CELLS_AFTER_UNDO_SQL, [upload_id, indicator_id, upload_id]).df()
            cells["period"] = pd.to_datetime(cells["period"])
            after[indicator_id] = cells
    return _decided(before, after, decide, key)


def _touched_by(con: duckdb.DuckDBPyConnection, upload_id: int) -> list[str]:
    """The indicators whose cells undoing the upload would change."""
    touched = con.execute(
        """SELECT DISTINCT indicator_id FROM observations WHERE upload_id = ?
           UNION SELECT DISTINCT indicator_id FROM observation_changes WHERE upload_id = ?
           ORDER BY 1""",
        [upload_id, upload_id],
    ).fetchall()
    return [str(i) for (i,) in touched]


def commit_upload(
    db: Database,
    frame: pd.DataFrame,
    *,
    file_name: str,
    file_sha256: str,
    user: str,
    source_format: str = "canonical",
    assumptions: list[str] | None = None,
    is_demo: bool = False,
    decide: ReleaseDecider | None = None,
    vet: Vet | None = None,
) -> UploadRecord:
    """Store a validated frame in one transaction: all of it or, on any error, none of it.

    The diff is recomputed inside the transaction, so a file checked minutes ago is committed
    against what is stored now. A file that changes nothing (a re-upload) records no upload and
    returns `upload_id=None`. A revised cell keeps its previous state in `observation_changes`;
    an inserted cell needs no log row, since it carries the upload's id (see `undo_upload`).

    The frame must hold each (indicator, area, month) once, as the upload rules require
    (`duplicate_key`): the table has no primary key, and this diff is what keeps one row a cell.

    decide: records, in the same transaction, the disclosure decision of every indicator the
    upload changes (a new release; storage/disclosure.py). Every path a person uses passes it
    (ingest, the upload page, the demo loader); without it readers decide on the fly.

    vet: a last look at the upload against the store as this transaction sees it (`Vet`; the
    ingest pipeline's plausibility confirmation), so nothing stored between a preview and this
    commit escapes it. Not called when the upload changes nothing.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    # The release decisions are most of a commit's work (seconds at county scale): taken first
    # on what a reader sees now, they keep the file locked only for the writing. In the
    # transaction each is used only when its cells before and after are the ones found there.
    prepared = _prepare_releases(db, frame, decide) if decide is not None else None
    with db.writing() as con:
        try:
            diff = _diff(con, frame)
            if not diff.changes_anything:
                return UploadRecord(upload_id=None, diff=diff)
            extra = vet(_stored_cells(con, frame)) if vet is not None else None
            before = None
            if decide is not None:
                changed = con.execute(
                    """SELECT DISTINCT indicator_id FROM upload_diff
                       WHERE change <> 'unchanged' ORDER BY indicator_id"""
                ).fetchall()
                before = snapshot(con, [str(i) for (i,) in changed])
            upload_id = con.execute("SELECT nextval('upload_id_seq')").fetchall()[0][0]
            record_commit(con)
            con.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [
                    upload_id,
                    file_name,
                    file_sha256,
                    user,
                    now,
                    len(frame),
                    diff.inserted,
                    diff.updated,
                    diff.unchanged,
                    is_demo,
                    source_format,
                    json.dumps(assumptions or [], ensure_ascii=False),
                ],
            )
            if diff.updated:
                con.execute(
                    """INSERT INTO observation_changes
                       SELECT ?, indicator_id, area_code, period, change, old_value,
                              old_denominator, old_status, old_note, old_upload_id, value,
                              denominator, status, note
                       FROM upload_diff WHERE change = 'update'""",
                    [upload_id],
                )
            # New cells are a plain insert and revised cells an update: the diff, computed in
            # this transaction, says which is which (an upsert of a million rows is ~2.5x slower).
            con.execute(
                """INSERT INTO observations
                   SELECT indicator_id, area_code, period, value, denominator, status, note, ?
                   FROM upload_diff WHERE change = 'insert'""",
                [upload_id],
            )
            if diff.updated:
                con.execute(
                    """UPDATE observations o SET value = d.value, denominator = d.denominator,
                              status = d.status, note = d.note, upload_id = ?
                       FROM upload_diff d
                       WHERE d.change = 'update' AND o.indicator_id = d.indicator_id
                         AND o.area_code = d.area_code AND o.period = d.period""",
                    [upload_id],
                )
            if decide is not None and before is not None:
                record_releases(con, before, decide, int(upload_id), prepared=prepared)
            detail = {"upload_id": int(upload_id), "file_name": file_name, **(extra or {})}
            _audit(con, user, "upload", detail)
            return UploadRecord(upload_id=int(upload_id), diff=diff)
        finally:
            _cleanup(con)


def undo_upload(
    db: Database, upload_id: int, *, user: str, decide: ReleaseDecider | None = None
) -> int:
    """Restore every cell the upload changed to what it was before; returns the cells restored.

    The cells an upload inserted are the observations that still carry its id and are not among
    its revisions; its revisions hold the previous state in `observation_changes`. Refuses with
    `UndoConflict` when a later upload that stands has changed any of those cells since (a later
    change logs this upload as the cell's previous owner; the conflict names the cell's current
    upload), and with `UndoError` when the upload is unknown or already undone. The removed cells
    are written to the log as inserts, so `upload_changes` still lists them afterwards.
    decide: as for `commit_upload` (an undo is a new release of what it changes); the decisions
    are taken before the file is locked, as a commit's are.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    prepared = _prepare_undo_releases(db, upload_id, decide) if decide is not None else None
    with db.writing() as con:
        row = con.execute(
            "SELECT undone_at FROM uploads WHERE upload_id = ?", [upload_id]
        ).fetchall()
        if not row:
            raise UndoError("store_no_upload", upload_id=upload_id)
        if row[0][0] is not None:
            raise UndoError(
                "store_upload_already_undone",
                upload_id=upload_id,
                when=f"{row[0][0]:%Y-%m-%d %H:%M}",
            )
        # A population import changed no cell: marking it undone here would restore nothing.
        if con.execute(
            "SELECT count(*) FROM population_changes WHERE upload_id = ?", [upload_id]
        ).fetchall()[0][0]:
            raise UndoError("store_population_upload", upload_id=upload_id)
        later = con.execute(
            """SELECT o.upload_id, count(*) FROM observation_changes c
               JOIN uploads v ON v.upload_id = c.upload_id AND v.undone_at IS NULL
               JOIN observations o USING (indicator_id, area_code, period)
               WHERE c.old_upload_id = ? AND c.upload_id <> ?
               GROUP BY o.upload_id ORDER BY o.upload_id""",
            [upload_id, upload_id],
        ).fetchall()
        if later:
            raise UndoConflict(upload_id, [int(u) for u, _ in later], sum(n for _, n in later))
        record_undo(con, upload_id)
        before = None
        if decide is not None:
            before = snapshot(con, _touched_by(con, upload_id))
        inserted = con.execute(
            """INSERT INTO observation_changes
               SELECT ?, o.indicator_id, o.area_code, o.period, 'insert', NULL, NULL, NULL, NULL,
                      NULL, o.value, o.denominator, o.status, o.note
               FROM observations o
               WHERE o.upload_id = ? AND NOT EXISTS (
                   SELECT 1 FROM observation_changes c
                   WHERE c.upload_id = ? AND c.change = 'update'
                     AND c.indicator_id = o.indicator_id AND c.area_code = o.area_code
                     AND c.period = o.period)""",
            [upload_id, upload_id, upload_id],
        ).fetchall()[0][0]
        if inserted:
            con.execute(
                """DELETE FROM observations o USING observation_changes c
                   WHERE o.upload_id = ? AND c.upload_id = ? AND c.change = 'insert'
                     AND o.indicator_id = c.indicator_id AND o.area_code = c.area_code
                     AND o.period = c.period""",
                [upload_id, upload_id],
            )
        updated = con.execute(
            """UPDATE observations o SET value = c.old_value, denominator = c.old_denominator,
                      status = c.old_status, note = c.old_note, upload_id = c.old_upload_id
               FROM observation_changes c
               WHERE c.upload_id = ? AND c.change = 'update'
                 AND o.indicator_id = c.indicator_id AND o.area_code = c.area_code
                 AND o.period = c.period""",
            [upload_id],
        ).fetchall()[0][0]
        restored = int(inserted) + int(updated)
        con.execute(
            "UPDATE uploads SET undone_at = ?, undone_by = ? WHERE upload_id = ?",
            [now, user, upload_id],
        )
        if decide is not None and before is not None:
            record_releases(con, before, decide, None, prepared=prepared)
        _audit(con, user, "undo", {"upload_id": upload_id, "cells": restored})
        return restored


def list_uploads(db: Database) -> pd.DataFrame:
    """Every upload, newest first, with who, when, file, counts and whether it is undone."""
    with db.reading() as con:
        return con.execute(
            """SELECT upload_id, uploaded_at, user_name, file_name, rows, inserted, updated,
                      unchanged, is_demo, source_format, undone_at, undone_by, file_sha256,
                      assumptions
               FROM uploads ORDER BY upload_id DESC"""
        ).df()


def upload_changes(db: Database, upload_id: int) -> pd.DataFrame:
    """The cells one upload changed: old and new value per indicator, area and month.

    Revisions (and, once undone, inserts) are in the log; the cells a standing upload inserted
    are read where they are: still stored under its id, or, if a later upload revised them, as
    that upload's previous value.
    """
    with db.reading() as con:
        return con.execute(
            """WITH own AS (
                   SELECT indicator_id, area_code, period, change, old_value, new_value,
                          old_denominator, new_denominator, old_status, new_status, old_upload_id
                   FROM observation_changes WHERE upload_id = $id),
               stored AS (
                   SELECT indicator_id, area_code, period, value, denominator, status
                   FROM observations WHERE upload_id = $id
                   UNION ALL
                   SELECT c.indicator_id, c.area_code, c.period, c.old_value, c.old_denominator,
                          c.old_status
                   FROM observation_changes c
                   JOIN uploads v ON v.upload_id = c.upload_id AND v.undone_at IS NULL
                   WHERE c.old_upload_id = $id AND c.upload_id <> $id)
               SELECT * FROM own
               UNION ALL
               SELECT s.indicator_id, s.area_code, s.period, 'insert', NULL, s.value, NULL,
                      s.denominator, NULL, s.status, NULL
               FROM stored s ANTI JOIN own USING (indicator_id, area_code, period)
               ORDER BY indicator_id, area_code, period""",
            {"id": upload_id},
        ).df()


def cell_history(db: Database, indicator_id: str, area_code: str | None = None) -> pd.DataFrame:
    """Revisions of an indicator's cells (updates only), with the upload's date and author."""
    with db.reading() as con:
        return con.execute(
            """SELECT c.period, c.area_code, c.old_value, c.new_value, c.old_status,
                      c.new_status, c.upload_id, u.uploaded_at, u.user_name, u.undone_at
               FROM observation_changes c JOIN uploads u USING (upload_id)
               WHERE c.indicator_id = ? AND c.change = 'update'
                 AND (CAST(? AS VARCHAR) IS NULL OR c.area_code = ?)
               ORDER BY u.uploaded_at DESC, c.period""",
            [indicator_id, area_code, area_code],
        ).df()


def _audit(con: duckdb.DuckDBPyConnection, user: str, action: str, detail: dict) -> None:
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            user,
            action,
            json.dumps(detail, ensure_ascii=False),
        ],
    )


def record_audit(db: Database, user: str, action: str, detail: dict) -> None:
    """Write one audit entry on its own (for actions that are not uploads)."""
    with db.writing() as con:
        _audit(con, user, action, detail)


def audit_log(db: Database, limit: int = 500) -> pd.DataFrame:
    """The latest audit entries, newest first."""
    with db.reading() as con:
        return con.execute(
            "SELECT logged_at, user_name, action, detail FROM audit_log ORDER BY logged_at DESC LIMIT ?",
            [limit],
        ).df()

"""Process changes: events an analyst marked as changing the process behind indicators (a rebase)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from storage.commentary import CommentaryError, _known, _now, insert_event
from storage.database import Database
from storage.uploads import _audit

PROCESS_CHANGE_COLUMNS = [
    "id",
    "event_id",
    "period",
    "label_sv",
    "label_en",
    "indicator_id",
    "goal_id",
    "author",
    "created_at",
    "removed_at",
    "removed_by",
    "event_removed",
]


class ProcessChangeError(CommentaryError):
    """A process change that cannot be recorded or removed as asked; the message is an i18n key."""


def add_process_change(
    db: Database,
    *,
    event_id: int,
    indicator_id: str | None = None,
    goal_id: str | None = None,
    user: str,
) -> int:
    """Mark a stored event as changing the process of one indicator (``indicator_id``) or of
    every indicator of a goal (``goal_id``); returns the mark's id. Audited
    (``process_change_add``). The event's month becomes the first month of a new XmR period.

    Raises ProcessChangeError (an i18n message) for an unknown or removed event, an unknown indicator or
    goal, neither or both of indicator_id and goal_id, or the same mark already recorded. The
    caller checks the role first (``services.process_changes`` does).
    """
    with db.writing() as con:
        return _insert_mark(con, event_id, indicator_id, goal_id, user)


def add_event_with_process_change(
    db: Database,
    *,
    period: date | datetime | pd.Timestamp | str,
    label_sv: str,
    label_en: str = "",
    indicator_id: str,
    user: str,
) -> tuple[int, int]:
    """Store an event for one indicator and mark it as changing that indicator's process, in one
    transaction (nothing is stored if either is refused); returns (event id, mark id). Both
    steps are audited as ``event_add`` and ``process_change_add``."""
    with db.writing() as con:
        event_id = insert_event(
            con,
            period=period,
            label_sv=label_sv,
            label_en=label_en,
            indicator_ids=[indicator_id],
            user=user,
        )
        return event_id, _insert_mark(con, event_id, indicator_id, None, user)


def remove_process_change(db: Database, change_id: int, *, user: str) -> None:
    """Undo a mark: the indicators' limits no longer start again at its event (the row is kept
    as removed, the event stays on the charts). Audited (``process_change_remove``).

    Raises ProcessChangeError when there is no such mark or it is already removed.
    """
    with db.writing() as con:
        row = con.execute(
            """SELECT c.event_id, e.period, c.indicator_id, c.goal_id, c.removed_at
               FROM process_changes c JOIN events e ON e.id = c.event_id
               WHERE c.id = ?""",
            [int(change_id)],
        ).fetchall()
        if not row:
            raise ProcessChangeError("store_no_process_change", change_id=change_id)
        event_id, period, indicator_id, goal_id, removed_at = row[0]
        if removed_at is not None:
            raise ProcessChangeError("store_process_change_already_removed", change_id=change_id)
        con.execute(
            "UPDATE process_changes SET removed_at = ?, removed_by = ? WHERE id = ?",
            [_now(), user, int(change_id)],
        )
        _audit(
            con,
            user,
            "process_change_remove",
            {
                "process_change_id": int(change_id),
                "event_id": int(event_id),
                "period": period.isoformat()[:7],
                "indicator_id": indicator_id,
                "goal_id": goal_id,
            },
        )


def list_process_changes(db: Database, *, include_removed: bool = False) -> pd.DataFrame:
    """Marks in time order (event month, then id), with their event's month and labels.

    Without ``include_removed`` only the marks in force: not removed, and their event not
    removed either (a removed event no longer rebases anything). ``period`` and the times come
    back as Timestamps; ``indicator_id`` or ``goal_id`` is None (exactly one is set); an empty
    result still has every column (PROCESS_CHANGE_COLUMNS).
    """
    with db.reading() as con:
        frame = con.execute(
            """SELECT c.id, c.event_id, e.period, e.label_sv, e.label_en, c.indicator_id,
                      c.goal_id, c.author, c.created_at, c.removed_at, c.removed_by,
                      e.deleted_at IS NOT NULL AS event_removed
               FROM process_changes c JOIN events e ON e.id = c.event_id
               WHERE ? OR (c.removed_at IS NULL AND e.deleted_at IS NULL)
               ORDER BY e.period, c.id""",
            [bool(include_removed)],
        ).df()
    frame["period"] = pd.to_datetime(frame["period"])
    for column in ("indicator_id", "goal_id", "removed_by"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame[PROCESS_CHANGE_COLUMNS]


def _insert_mark(
    con: duckdb.DuckDBPyConnection,
    event_id: int,
    indicator_id: str | None,
    goal_id: str | None,
    user: str,
) -> int:
    if (indicator_id is None) == (goal_id is None):
        raise ProcessChangeError("store_process_change_target")
    event = con.execute(
        "SELECT period, deleted_at FROM events WHERE id = ?", [int(event_id)]
    ).fetchall()
    if not event:
        raise ProcessChangeError("store_no_event", event_id=event_id)
    period, deleted_at = event[0]
    if deleted_at is not None:
        raise ProcessChangeError("store_event_removed", event_id=event_id)
    if indicator_id is not None and not _known(con, "indicators", "indicator_id", indicator_id):
        raise ProcessChangeError("store_unknown_indicator", indicator=indicator_id)
    if goal_id is not None and not _known(con, "goals", "goal_id", goal_id):
        raise ProcessChangeError("store_unknown_goal", goal=goal_id)
    repeated = con.execute(
        """SELECT id FROM process_changes
           WHERE event_id = ? AND removed_at IS NULL
             AND indicator_id IS NOT DISTINCT FROM ? AND goal_id IS NOT DISTINCT FROM ?""",
        [int(event_id), indicator_id, goal_id],
    ).fetchall()
    if repeated:
        raise ProcessChangeError(
            "store_process_change_repeated",
            event_id=event_id,
            target=indicator_id or goal_id,
            change_id=repeated[0][0],
        )
    change_id = int(con.execute("SELECT nextval('process_change_id_seq')").fetchall()[0][0])
    con.execute(
        "INSERT INTO process_changes VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
        [change_id, int(event_id), indicator_id, goal_id, user, _now()],
    )
    _audit(
        con,
        user,
        "process_change_add",
        {
            "process_change_id": change_id,
            "event_id": int(event_id),
            "period": period.isoformat()[:7],
            "indicator_id": indicator_id,
            "goal_id": goal_id,
        },
    )
    return change_id

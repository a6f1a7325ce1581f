"""Commentary and events: analysts' notes per indicator and month, and dated events for the charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from i18n import Message, MessageError
from metrics.text import clean
from storage.database import Database
from storage.uploads import _audit

COMMENT_KINDS = ("analysis", "action")
MAX_TEXT = 2000  # characters in a note; a note is a paragraph, not a report
MAX_LABEL = 120  # characters in an event label, drawn on the chart

COMMENT_COLUMNS = [
    "id",
    "indicator_id",
    "area_code",
    "period",
    "kind",
    "text",
    "author",
    "created_at",
]
EVENT_COLUMNS = ["id", "period", "label_sv", "label_en", "indicator_ids", "author", "created_at"]


class CommentaryError(MessageError, ValueError):
    """A note or event that cannot be stored as given; the message (an i18n key) says why."""


def _month(period: date | datetime | pd.Timestamp | str) -> date:
    """The first day of the month `period` falls in."""
    try:
        stamp = pd.Timestamp(period)
    except (ValueError, TypeError) as exc:
        raise CommentaryError("store_not_a_month", value=period) from exc
    if pd.isna(stamp):
        raise CommentaryError("store_month_missing")
    return date(stamp.year, stamp.month, 1)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _clean(text: str, limit: int, what: Message, *, multiline: bool = False) -> str:
    """The text as stored: control and invisible characters removed (metrics/text.py), then
    checked for presence and length; `what` names the text in the message."""
    cleaned = clean(text, multiline=multiline)
    if not cleaned:
        raise CommentaryError("store_text_missing", what=what)
    if len(cleaned) > limit:
        raise CommentaryError("store_text_too_long", what=what, length=len(cleaned), limit=limit)
    return cleaned


def _known(con: duckdb.DuckDBPyConnection, table: str, column: str, value: str) -> bool:
    # Fixed table and column names from this module only; the value is a bind parameter.
    sql = f"SELECT count(*) FROM {table} WHERE {column} = ?"  # noqa: S608
    return bool(con.execute(sql, [value]).fetchall()[0][0])


# -- comments --------------------------------------------------------------------------------


def add_comment(
    db: Database,
    *,
    indicator_id: str,
    area_code: str,
    period: date | datetime | pd.Timestamp | str,
    kind: str,
    text: str,
    user: str,
) -> int:
    """Store one note for an indicator, area and month; returns its id. Audited.

    `period` may be any day of the month (stored as the 1st). `kind` is "analysis" or "action".
    Raises CommentaryError (an i18n message) for an unknown indicator or area, an empty or over-long
    text, or an unknown kind. The caller checks the user's role first.
    """
    if kind not in COMMENT_KINDS:
        raise CommentaryError("store_unknown_comment_kind", kind=kind)
    month = _month(period)
    body = _clean(text, MAX_TEXT, Message("store_what_comment"), multiline=True)
    with db.writing() as con:
        if not _known(con, "indicators", "indicator_id", indicator_id):
            raise CommentaryError("store_unknown_indicator", indicator=indicator_id)
        if not _known(con, "areas", "area_code", area_code):
            raise CommentaryError("store_unknown_area", area=area_code)
        comment_id = int(con.execute("SELECT nextval('comment_id_seq')").fetchall()[0][0])
        con.execute(
            "INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [comment_id, indicator_id, area_code, month, kind, body, user, _now()],
        )
        _audit(
            con,
            user,
            "comment_add",
            {
                "comment_id": comment_id,
                "indicator_id": indicator_id,
                "area_code": area_code,
                "period": month.isoformat()[:7],
                "kind": kind,
            },
        )
    return comment_id


def list_comments(
    db: Database,
    indicator_id: str | None = None,
    area_code: str | None = None,
    *,
    limit: int | None = None,
) -> pd.DataFrame:
    """Notes, latest month first (then newest first), filtered by indicator and area (None = all).

    `period` and `created_at` come back as Timestamps; an empty result still has every column.
    """
    with db.reading() as con:
        frame = con.execute(
            """SELECT id, indicator_id, area_code, period, kind, text, author, created_at
               FROM comments
               WHERE (CAST(? AS VARCHAR) IS NULL OR indicator_id = ?)
                 AND (CAST(? AS VARCHAR) IS NULL OR area_code = ?)
               ORDER BY period DESC, created_at DESC, id DESC
               LIMIT ?""",
            [indicator_id, indicator_id, area_code, area_code, limit],
        ).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame[COMMENT_COLUMNS]


# -- events ----------------------------------------------------------------------------------


def add_event(
    db: Database,
    *,
    period: date | datetime | pd.Timestamp | str,
    label_sv: str,
    label_en: str = "",
    indicator_ids: Sequence[str] = (),
    user: str,
) -> int:
    """Store a dated event (a law change, a reorganisation); returns its id. Audited.

    `indicator_ids` names the indicators whose charts show it; empty = every chart. An empty
    English label falls back to the Swedish one. Raises CommentaryError (an i18n message) for an empty
    or over-long label or an unknown indicator id.
    """
    with db.writing() as con:
        return insert_event(
            con,
            period=period,
            label_sv=label_sv,
            label_en=label_en,
            indicator_ids=indicator_ids,
            user=user,
        )


def insert_event(
    con: duckdb.DuckDBPyConnection,
    *,
    period: date | datetime | pd.Timestamp | str,
    label_sv: str,
    label_en: str = "",
    indicator_ids: Sequence[str] = (),
    user: str,
) -> int:
    """``add_event`` inside the caller's write transaction (storage only: a process change
    recorded with its event is one transaction)."""
    month = _month(period)
    sv = _clean(label_sv, MAX_LABEL, Message("store_what_event_label"))
    en = (
        _clean(label_en, MAX_LABEL, Message("store_what_event_label_en"))
        if label_en.strip()
        else sv
    )
    ids = list(dict.fromkeys(str(i) for i in indicator_ids))
    unknown = [i for i in ids if not _known(con, "indicators", "indicator_id", i)]
    if unknown:
        raise CommentaryError("store_unknown_indicators", ids=", ".join(unknown))
    event_id = int(con.execute("SELECT nextval('event_id_seq')").fetchall()[0][0])
    con.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [event_id, month, sv, en, ids, user, _now()],
    )
    _audit(
        con,
        user,
        "event_add",
        {
            "event_id": event_id,
            "period": month.isoformat()[:7],
            "label_sv": sv,
            "indicator_ids": ids,
        },
    )
    return event_id


def list_events(db: Database, indicator_id: str | None = None) -> pd.DataFrame:
    """Events not removed, in time order; with `indicator_id`, only those that concern it.

    `indicator_ids` is a list per row (empty = the event concerns every indicator).
    """
    with db.reading() as con:
        frame = con.execute(
            """SELECT id, period, label_sv, label_en, indicator_ids, author, created_at
               FROM events
               WHERE deleted_at IS NULL
                 AND (CAST(? AS VARCHAR) IS NULL OR len(indicator_ids) = 0
                      OR list_contains(indicator_ids, ?))
               ORDER BY period, id""",
            [indicator_id, indicator_id],
        ).df()
    frame["period"] = pd.to_datetime(frame["period"])
    frame["indicator_ids"] = [list(ids) for ids in frame["indicator_ids"]]
    return frame[EVENT_COLUMNS]


def delete_event(db: Database, event_id: int, *, user: str) -> None:
    """Remove an event from every chart (its row is kept as removed). Audited.

    Raises CommentaryError when there is no such event or it is already removed. The caller
    checks the user's role first.
    """
    with db.writing() as con:
        row = con.execute(
            "SELECT period, label_sv, deleted_at FROM events WHERE id = ?", [int(event_id)]
        ).fetchall()
        if not row:
            raise CommentaryError("store_no_event", event_id=event_id)
        period, label, deleted_at = row[0]
        if deleted_at is not None:
            raise CommentaryError("store_event_already_removed", event_id=event_id)
        con.execute(
            "UPDATE events SET deleted_at = ?, deleted_by = ? WHERE id = ?",
            [_now(), user, int(event_id)],
        )
        _audit(
            con,
            user,
            "event_delete",
            {"event_id": int(event_id), "period": period.isoformat()[:7], "label_sv": label},
        )

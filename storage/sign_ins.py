"""Ended sign-ins: a sign-out is kept in the database, so every replica refuses its cookie afterwards.

Streamlit keeps a sign-in in a signed cookie that stays valid until it expires: signing out only
asks the browser to drop it, and a copy taken before still opens the app. So a sign-out writes
the sign-in's subject and ID-token issue time (`iat`) here, and the gate (ui/session.py) and the
upload guard (auth/http_guard.py) refuse any identity whose (subject, iat) is listed. A new
sign-in at the provider gets a new `iat` and is not affected.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.uploads import _audit

# Rows older than this are dropped when a new sign-out is written: by then the sign-in they end
# has expired by itself (max_session_hours is at most this long, see auth/sign_in.py).
KEEP = timedelta(days=7)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def end_sign_in(db: Database, subject: str, issued_at: int | None, *, user: str) -> None:
    """Record that the sign-in of `subject` issued at `issued_at` (seconds since 1970; None when
    the token had no `iat`, then stored as 0) has ended, with its audit entry, in one transaction.
    Ending the same sign-in twice is harmless."""
    now = _now()
    with db.writing() as con:
        con.execute(
            "INSERT INTO ended_sign_ins VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [subject, int(issued_at or 0), now],
        )
        con.execute("DELETE FROM ended_sign_ins WHERE ended_at < ?", [now - KEEP])
        _audit(con, user, "logout", {"iat": issued_at})


def sign_in_ended(db: Database, subject: str, issued_at: int | None) -> bool:
    """True when this sign-in (subject and `iat`) was ended by a sign-out."""
    with db.reading() as con:
        rows = con.execute(
            "SELECT count(*) FROM ended_sign_ins WHERE subject = ? AND issued_at = ?",
            [subject, int(issued_at or 0)],
        ).fetchall()
    return rows[0][0] > 0

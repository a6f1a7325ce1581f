"""Notes on an indicator's chart (analysis or action, per month and area), written as an analyst."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from auth import User
from services.access import require_analyst
from storage import Database, add_comment


def write_comment(
    db: Database,
    user: User,
    *,
    indicator_id: str,
    area_code: str,
    period: date | datetime | pd.Timestamp | str,
    kind: str,
    text: str,
) -> int:
    """Store a note for the indicator, area and month (any day of it) as the user; returns its id.
    `kind` is "analysis" or "action". Audited. Raises auth.AccessDenied below analyst,
    storage.CommentaryError (Swedish) for an empty or over-long text, an unknown kind, indicator
    or area."""
    require_analyst(user)
    return add_comment(
        db,
        indicator_id=indicator_id,
        area_code=area_code,
        period=period,
        kind=kind,
        text=text,
        user=user.name,
    )

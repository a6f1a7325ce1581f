"""Events drawn on the charts (a law change, a reorganisation): recorded and removed as an analyst."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from auth import User
from services.access import require_analyst
from storage import CommentaryError, Database
from storage import add_event as store_event
from storage import delete_event as remove_stored_event

__all__ = ["CommentaryError", "record_event", "remove_event"]
"""CommentaryError (storage's, a Swedish i18n.MessageError) is how these operations refuse."""


def record_event(
    db: Database,
    user: User,
    *,
    period: date | datetime | pd.Timestamp | str,
    label_sv: str,
    label_en: str = "",
    indicator_ids: Sequence[str] = (),
) -> int:
    """Store a dated event as the user; returns its id. `indicator_ids` names the charts that show
    it (empty: every chart); an empty English label falls back to the Swedish one. Audited.
    Raises auth.AccessDenied below analyst, storage.CommentaryError (Swedish) for a label that is
    empty or too long or an unknown indicator."""
    require_analyst(user)
    return store_event(
        db,
        period=period,
        label_sv=label_sv,
        label_en=label_en,
        indicator_ids=indicator_ids,
        user=user.name,
    )


def remove_event(db: Database, user: User, event_id: int) -> None:
    """Take an event off every chart (the row is kept as removed). Audited. Raises
    auth.AccessDenied below analyst, storage.CommentaryError for no such event or one already
    removed."""
    require_analyst(user)
    remove_stored_event(db, int(event_id), user=user.name)

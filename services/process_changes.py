"""Recording and undoing process changes (where an indicator's limits start again), as an analyst."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from auth import User
from metrics.baselines import rebase_points
from metrics.catalog import Catalog
from services.access import require_analyst
from storage import (
    Database,
    add_event_with_process_change,
    add_process_change,
    list_process_changes,
    remove_process_change,
)


def mark_process_change(
    db: Database,
    user: User,
    *,
    event_id: int,
    indicator_id: str | None = None,
    goal_id: str | None = None,
) -> int:
    """Mark a stored event as changing the process of one indicator or of all of a goal's
    indicators: their limits start again at the event's month. Returns the mark's id.

    Raises auth.AccessDenied below analyst, storage.ProcessChangeError (Swedish) for a mark that
    cannot be stored (unknown or removed event, unknown indicator or goal, already marked).
    """
    require_analyst(user)
    return add_process_change(
        db, event_id=event_id, indicator_id=indicator_id, goal_id=goal_id, user=user.name
    )


def record_process_change(
    db: Database,
    user: User,
    *,
    indicator_id: str,
    period: date | datetime | pd.Timestamp | str,
    label_sv: str,
    label_en: str = "",
) -> tuple[int, int]:
    """Record that the indicator's process changed at ``period``: an event for the indicator
    (its label says what changed) marked as a process change, in one transaction. What the
    indicator page saves when an analyst accepts a rebase offered at a shift, and what the demo
    loader records. Returns (event id, mark id). Errors as ``mark_process_change`` (and
    storage.CommentaryError for an empty or over-long label)."""
    require_analyst(user)
    return add_event_with_process_change(
        db,
        period=period,
        label_sv=label_sv,
        label_en=label_en,
        indicator_id=indicator_id,
        user=user.name,
    )


def unmark_process_change(db: Database, user: User, change_id: int) -> None:
    """Undo a mark: the limits no longer start again there (the row is kept as removed, and the
    event stays). Raises AccessDenied below analyst, ProcessChangeError for no such mark or one
    already removed."""
    require_analyst(user)
    remove_process_change(db, change_id, user=user.name)


def process_changes(db: Database, *, include_removed: bool = False) -> pd.DataFrame:
    """The marks (``storage.list_process_changes``); reading needs no role beyond signing in."""
    return list_process_changes(db, include_removed=include_removed)


def indicator_rebases(db: Database, catalog: Catalog) -> dict[str, tuple[pd.Timestamp, ...]]:
    """Per catalog indicator, the months its limits start again: series breaks and the process
    changes in force (``metrics.baselines.rebase_points``)."""
    return rebase_points(catalog, list_process_changes(db))

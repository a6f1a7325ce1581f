"""Notes and events as services: written as the acting user, analysts only."""

from __future__ import annotations

import pytest

from auth import AccessDenied, User
from services.commentary import write_comment
from services.events import record_event, remove_event
from storage import CommentaryError, list_comments, list_events

ANALYST = User("eva", "analyst", local=False)
VIEWER = User("ville", "viewer", local=False)
NOTE = {
    "indicator_id": "reported_rape",
    "area_code": "0180",
    "period": "2026-03-15",
    "kind": "analysis",
    "text": "Fler anmälningar efter kampanjen",
}


def test_an_analysts_note_is_stored_under_their_name(fresh_db):
    note_id = write_comment(fresh_db, ANALYST, **NOTE)
    [row] = list_comments(fresh_db, "reported_rape", "0180").to_dict("records")
    assert (row["id"], row["author"], str(row["period"].date())) == (note_id, "eva", "2026-03-01")


def test_an_event_is_recorded_and_removed_by_an_analyst(fresh_db):
    event_id = record_event(
        fresh_db, ANALYST, period="2026-01", label_sv="Ny lag", indicator_ids=["reported_rape"]
    )
    events = list_events(fresh_db)
    [row] = events[events["id"] == event_id].to_dict("records")
    assert (row["author"], row["label_en"], list(row["indicator_ids"])) == (
        "eva",
        "Ny lag",
        ["reported_rape"],
    )
    remove_event(fresh_db, ANALYST, event_id)
    assert event_id not in set(list_events(fresh_db)["id"])
    with pytest.raises(CommentaryError):
        remove_event(fresh_db, ANALYST, event_id)


def test_a_viewer_writes_nothing(fresh_db):
    event_id = record_event(fresh_db, ANALYST, period="2026-01", label_sv="Ny lag")
    events_before = len(list_events(fresh_db))
    for call in (
        lambda: write_comment(fresh_db, VIEWER, **NOTE),
        lambda: record_event(fresh_db, VIEWER, period="2026-01", label_sv="Ny lag"),
        lambda: remove_event(fresh_db, VIEWER, event_id),
    ):
        with pytest.raises(AccessDenied, match="kräver analyst"):
            call()
    assert list_comments(fresh_db).empty and len(list_events(fresh_db)) == events_before

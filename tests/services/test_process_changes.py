"""Process changes recorded by analysts: stored with author and time, audited, undoable, analysts only."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from auth import AccessDenied, User
from services.process_changes import (
    indicator_rebases,
    mark_process_change,
    process_changes,
    record_process_change,
    unmark_process_change,
)
from storage import (
    CommentaryError,
    ProcessChangeError,
    add_event,
    audit_log,
    delete_event,
    list_events,
)

ANALYST = User("eva", "analyst", local=False)
ADMIN = User("ada", "admin", local=False)
VIEWER = User("ville", "viewer", local=False)


def event(db, period="2023-01", label="Programmen byggs ut", ids=()):
    return add_event(db, period=period, label_sv=label, indicator_ids=list(ids), user="eva")


def audit(db, action):
    log = audit_log(db)
    return [json.loads(d) for d in log.loc[log["action"] == action, "detail"]]


def test_a_mark_is_stored_with_author_time_and_its_event_and_audited(fresh_db):
    event_id = event(fresh_db)
    before = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    change_id = mark_process_change(
        fresh_db, ANALYST, event_id=event_id, indicator_id="perpetrator_programme_starts"
    )
    [row] = process_changes(fresh_db).to_dict("records")
    assert row["id"] == change_id and row["event_id"] == event_id
    assert row["period"] == pd.Timestamp("2023-01-01")
    assert row["label_sv"] == "Programmen byggs ut"
    assert (row["indicator_id"], row["goal_id"]) == ("perpetrator_programme_starts", None)
    assert row["author"] == "eva" and row["created_at"] >= before
    assert row["removed_at"] is pd.NaT or pd.isna(row["removed_at"])
    assert audit(fresh_db, "process_change_add") == [
        {
            "process_change_id": change_id,
            "event_id": event_id,
            "period": "2023-01",
            "indicator_id": "perpetrator_programme_starts",
            "goal_id": None,
        }
    ]


def test_a_goal_mark_rebases_every_indicator_of_the_goal_and_a_series_break_is_kept(
    fresh_db, catalog
):
    mark_process_change(fresh_db, ADMIN, event_id=event(fresh_db, "2024-03"), goal_id="county_2")
    rebases = indicator_rebases(fresh_db, catalog)
    goal = {i.id for i in catalog.indicators_for_goal("county_2")}
    assert goal == {"perpetrator_programme_starts", "support_line_calls"}
    for indicator in catalog.indicators:
        breaks = {pd.Timestamp(b.period + "-01") for b in indicator.breaks}
        expected = breaks | ({pd.Timestamp("2024-03-01")} if indicator.id in goal else set())
        assert set(rebases[indicator.id]) == expected, indicator.id
    assert rebases["reported_rape"] == (pd.Timestamp("2022-07-01"),)


def test_undo_keeps_the_row_as_removed_and_stops_the_rebase(fresh_db, catalog):
    change_id = mark_process_change(
        fresh_db, ANALYST, event_id=event(fresh_db), indicator_id="support_line_calls"
    )
    assert indicator_rebases(fresh_db, catalog)["support_line_calls"] == (
        pd.Timestamp("2023-01-01"),
    )
    unmark_process_change(fresh_db, ADMIN, change_id)
    assert process_changes(fresh_db).empty
    assert indicator_rebases(fresh_db, catalog)["support_line_calls"] == ()
    [kept] = process_changes(fresh_db, include_removed=True).to_dict("records")
    assert kept["id"] == change_id and kept["removed_by"] == "ada"
    assert audit(fresh_db, "process_change_remove")[0]["process_change_id"] == change_id
    with pytest.raises(ProcessChangeError, match="redan borttagen"):
        unmark_process_change(fresh_db, ANALYST, change_id)
    with pytest.raises(ProcessChangeError, match="ingen processförändring #99"):
        unmark_process_change(fresh_db, ANALYST, 99)
    # the event itself stays on the charts; the same mark may be recorded again
    assert len(list_events(fresh_db, "support_line_calls")) == 2  # 2021 + this one
    mark_process_change(
        fresh_db, ANALYST, event_id=kept["event_id"], indicator_id="support_line_calls"
    )
    assert len(process_changes(fresh_db)) == 1


def test_removing_the_event_removes_its_rebase(fresh_db, catalog):
    event_id = event(fresh_db)
    mark_process_change(fresh_db, ANALYST, event_id=event_id, goal_id="county_2")
    delete_event(fresh_db, event_id, user="eva")
    assert indicator_rebases(fresh_db, catalog)["support_line_calls"] == ()
    [row] = process_changes(fresh_db, include_removed=True).to_dict("records")
    assert row["event_removed"] and pd.isna(row["removed_at"])


def test_a_viewer_is_refused_and_nothing_is_stored(fresh_db):
    event_id = event(fresh_db)
    with pytest.raises(AccessDenied):
        mark_process_change(fresh_db, VIEWER, event_id=event_id, goal_id="county_2")
    with pytest.raises(AccessDenied):
        record_process_change(
            fresh_db,
            VIEWER,
            indicator_id="support_line_calls",
            period="2024-01",
            label_sv="Skifte",
        )
    change_id = mark_process_change(fresh_db, ANALYST, event_id=event_id, goal_id="county_2")
    with pytest.raises(AccessDenied):
        unmark_process_change(fresh_db, VIEWER, change_id)
    assert len(process_changes(fresh_db)) == 1
    assert len(list_events(fresh_db)) == 3
    assert [d["process_change_id"] for d in audit(fresh_db, "process_change_add")] == [change_id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_id": 99, "indicator_id": "support_line_calls"}, "ingen händelse #99"),
        ({"indicator_id": "nope"}, "Okänd indikator ”nope”"),
        ({"goal_id": "county_99"}, "Okänt mål ”county_99”"),
        ({}, "antingen en indikator eller ett mål"),
        ({"indicator_id": "support_line_calls", "goal_id": "county_2"}, "antingen"),
    ],
)
def test_a_mark_that_cannot_be_stored_says_why_in_swedish(fresh_db, kwargs, message):
    kwargs = {"event_id": event(fresh_db)} | kwargs
    with pytest.raises(ProcessChangeError, match=message):
        mark_process_change(fresh_db, ANALYST, **kwargs)
    assert process_changes(fresh_db, include_removed=True).empty


def test_the_same_mark_twice_and_a_removed_event_are_refused(fresh_db):
    event_id = event(fresh_db)
    mark_process_change(fresh_db, ANALYST, event_id=event_id, goal_id="county_2")
    with pytest.raises(ProcessChangeError, match="redan markerad"):
        mark_process_change(fresh_db, ANALYST, event_id=event_id, goal_id="county_2")
    delete_event(fresh_db, event_id, user="eva")
    with pytest.raises(ProcessChangeError, match="är borttagen"):
        mark_process_change(fresh_db, ANALYST, event_id=event_id, indicator_id="support_line_calls")


def test_a_rebase_accepted_at_a_shift_stores_event_and_mark_together_or_nothing(fresh_db):
    event_id, change_id = record_process_change(
        fresh_db,
        ANALYST,
        indicator_id="support_line_calls",
        period=pd.Timestamp("2024-05-17"),
        label_sv="Ny kampanj",
    )
    [row] = process_changes(fresh_db).to_dict("records")
    assert (row["id"], row["event_id"], row["period"]) == (
        change_id,
        event_id,
        pd.Timestamp("2024-05-01"),
    )
    assert list_events(fresh_db, "support_line_calls")["label_sv"].iloc[-1] == "Ny kampanj"
    events_before = len(list_events(fresh_db))
    with pytest.raises(CommentaryError, match="Okänd indikator"):
        record_process_change(fresh_db, ANALYST, indicator_id="x_y", period="2024-05", label_sv="X")
    with pytest.raises(CommentaryError, match="saknas"):
        record_process_change(
            fresh_db, ANALYST, indicator_id="support_line_calls", period="2024-05", label_sv=" "
        )
    assert len(list_events(fresh_db)) == events_before
    assert len(process_changes(fresh_db)) == 1

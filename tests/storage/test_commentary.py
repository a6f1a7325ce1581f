"""Notes per indicator and month, and dated events: stored, listed, scoped, audited and migrated."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from storage import (
    CommentaryError,
    add_comment,
    add_event,
    audit_log,
    delete_event,
    list_comments,
    list_events,
    load_observations,
    open_database,
)
from storage.schema import MIGRATIONS, SCHEMA_VERSION, sync_catalog

SEEDED = [
    (pd.Timestamp("2021-02-01"), "Initiativ Gryning växlas upp", []),
    (
        pd.Timestamp("2022-07-01"),
        "Skärpt sexualbrottslagstiftning",
        ["reported_grooming", "clearance_rape", "crime_scene_examined_share"],
    ),
]


def note(db, **kw):
    values = {
        "indicator_id": "reported_rape",
        "area_code": "STHLM",
        "period": "2026-10",
        "kind": "analysis",
        "text": "Fler anmälningar efter kampanjen i september.",
        "user": "eva",
    }
    return add_comment(db, **(values | kw))


def test_a_note_is_stored_and_listed_latest_month_first(fresh_db):
    first = note(fresh_db, period="2026-09-17", kind="action", text="  Extra förhörsledare.  ")
    second = note(fresh_db)
    note(fresh_db, area_code="PO_NORD")
    note(fresh_db, indicator_id="reported_grooming")
    notes = list_comments(fresh_db, "reported_rape", "STHLM")
    assert list(notes["id"]) == [second, first]
    latest = notes.iloc[0]
    assert latest["period"] == pd.Timestamp("2026-10-01")
    assert (latest["kind"], latest["author"]) == ("analysis", "eva")
    assert notes.iloc[1]["text"] == "Extra förhörsledare."  # trimmed, day dropped
    assert notes.iloc[1]["period"] == pd.Timestamp("2026-09-01")
    assert len(list_comments(fresh_db)) == 4
    assert list(list_comments(fresh_db, "reported_rape", "STHLM", limit=1)["id"]) == [second]


def test_an_empty_listing_has_every_column(fresh_db):
    notes = list_comments(fresh_db, "reported_rape", "STHLM")
    assert notes.empty and list(notes.columns) == [
        "id",
        "indicator_id",
        "area_code",
        "period",
        "kind",
        "text",
        "author",
        "created_at",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicator_id": "okand"}, "Okänd indikator ”okand”"),
        ({"area_code": "0999"}, "Okänt område ”0999”"),
        ({"kind": "opinion"}, "Okänd typ av kommentar"),
        ({"text": "   "}, "Kommentaren saknas"),
        ({"text": "x" * 2001}, "för lång"),
        ({"period": "ingen månad"}, "ingen månad"),
    ],
)
def test_a_note_that_cannot_be_stored_says_why_and_stores_nothing(fresh_db, change, message):
    with pytest.raises(CommentaryError, match=message):
        note(fresh_db, **change)
    assert list_comments(fresh_db).empty


def test_control_characters_are_removed_before_storing(fresh_db):
    note(fresh_db, text="Rad ett\x00\x07\r\nrad\u202e två\x1b")
    assert list_comments(fresh_db, "reported_rape").iloc[0]["text"] == "Rad ett\nrad två"
    event_id = add_event(fresh_db, period="2025-03", label_sv="Ny\x00 rutin\n\x1f", user="eva")
    events = list_events(fresh_db)
    assert events[events["id"] == event_id].iloc[0]["label_sv"] == "Ny rutin"
    with pytest.raises(CommentaryError, match="Händelsens text är för lång"):
        add_event(fresh_db, period="2025-03", label_sv="x" * 10_000, user="eva")
    with pytest.raises(CommentaryError, match="saknas"):
        add_event(fresh_db, period="2025-03", label_sv="\x00\x07 ", user="eva")


def test_text_goes_in_as_a_parameter_not_as_sql(fresh_db):
    text = "'); DROP TABLE comments; --"
    note(fresh_db, text=text)
    assert list_comments(fresh_db)["text"].tolist() == [text]


def test_every_database_starts_with_the_two_default_events(fresh_db):
    events = list_events(fresh_db)
    assert [(e.period, e.label_sv, e.indicator_ids) for e in events.itertuples()] == SEEDED
    assert set(events["author"]) == {"system"}
    assert events.iloc[0]["label_en"] == "Initiativ Gryning stepped up"


def test_events_are_scoped_to_the_indicators_they_concern(fresh_db):
    add_event(
        fresh_db,
        period="2024-03-15",
        label_sv="Ny rutin för förhör",
        indicator_ids=["lead_time_days"],
        user="eva",
    )
    add_event(fresh_db, period="2025-01", label_sv="Omorganisation", label_en="Reorg", user="eva")

    def labels(indicator: str) -> list[str]:
        return list(list_events(fresh_db, indicator)["label_sv"])

    assert labels("lead_time_days") == [
        "Initiativ Gryning växlas upp",
        "Ny rutin för förhör",
        "Omorganisation",
    ]
    assert labels("clearance_rape") == [
        "Initiativ Gryning växlas upp",
        "Skärpt sexualbrottslagstiftning",
        "Omorganisation",
    ]
    # Where the catalog's series break already marks the law change, the event is not repeated.
    assert labels("reported_rape") == ["Initiativ Gryning växlas upp", "Omorganisation"]
    assert labels("victims_supported") == ["Initiativ Gryning växlas upp", "Omorganisation"]
    own = list_events(fresh_db).set_index("label_sv").loc["Ny rutin för förhör"]
    assert own["period"] == pd.Timestamp("2024-03-01")
    assert own["label_en"] == "Ny rutin för förhör"  # no English text: the Swedish one


def test_an_event_for_an_unknown_indicator_is_refused(fresh_db):
    with pytest.raises(CommentaryError, match="Okänd indikator: okand"):
        add_event(fresh_db, period="2025-01", label_sv="X", indicator_ids=["okand"], user="eva")
    assert len(list_events(fresh_db)) == 2


def test_a_removed_event_leaves_every_chart_and_cannot_be_removed_twice(fresh_db):
    event_id = add_event(fresh_db, period="2025-01", label_sv="Omorganisation", user="eva")
    delete_event(fresh_db, event_id, user="anna")
    assert "Omorganisation" not in set(list_events(fresh_db)["label_sv"])
    with pytest.raises(CommentaryError, match="redan borttagen"):
        delete_event(fresh_db, event_id, user="anna")
    with pytest.raises(CommentaryError, match="ingen händelse #999"):
        delete_event(fresh_db, 999, user="anna")


def test_every_change_is_in_the_audit_log(fresh_db):
    comment_id = note(fresh_db)
    event_id = add_event(fresh_db, period="2025-01", label_sv="Omorganisation", user="eva")
    delete_event(fresh_db, event_id, user="anna")
    log = audit_log(fresh_db).iloc[::-1]  # oldest first
    entries = [(r.user_name, r.action, json.loads(r.detail)) for r in log.itertuples()]
    assert entries == [
        (
            "eva",
            "comment_add",
            {
                "comment_id": comment_id,
                "indicator_id": "reported_rape",
                "area_code": "STHLM",
                "period": "2026-10",
                "kind": "analysis",
            },
        ),
        (
            "eva",
            "event_add",
            {
                "event_id": event_id,
                "period": "2025-01",
                "label_sv": "Omorganisation",
                "indicator_ids": [],
            },
        ),
        (
            "anna",
            "event_delete",
            {"event_id": event_id, "period": "2025-01", "label_sv": "Omorganisation"},
        ),
    ]


def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path, catalog):
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    number, _purpose, statements = MIGRATIONS[0]
    assert number == 1
    for statement in statements:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    sync_catalog(con, catalog)
    con.execute(
        "INSERT INTO uploads VALUES (1, 'mars.csv', 'abc', 'eva', ?, 1, 1, 0, 0, false, "
        "'canonical', '[]', NULL, NULL)",
        [datetime(2026, 4, 2, 9, 0)],
    )
    con.execute(
        "INSERT INTO observations VALUES "
        "('reported_rape', 'STHLM', DATE '2026-03-01', 170, NULL, 'preliminary', 'not', 1)"
    )
    con.close()

    db = open_database(path, busy_timeout=5)
    db.ensure()
    obs = load_observations(db)
    assert obs[
        ["indicator_id", "area_code", "value", "status", "note", "upload_id"]
    ].values.tolist() == [["reported_rape", "STHLM", 170.0, "preliminary", "not", 1]]
    with db.reading() as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    assert version == [(str(SCHEMA_VERSION),)]
    assert [e.label_sv for e in list_events(db).itertuples()] == [s[1] for s in SEEDED]
    note(db)
    assert len(list_comments(db, "reported_rape")) == 1
    db.ensure()  # a second start changes nothing
    assert len(list_events(db)) == 2

"""A database file that does not exist is an error everywhere; only Database.create makes one."""

from __future__ import annotations

import pytest

from storage import DatabaseMissing, add_event, count_observations, open_database


def test_reading_writing_and_ensure_refuse_a_missing_file_and_create_nothing(tmp_path):
    path = tmp_path / "stavfel" / "lagesbild.duckdb"
    db = open_database(path, busy_timeout=1)
    for attempt in (
        db.ensure,
        lambda: count_observations(db),
        lambda: add_event(db, period="2026-01", label_sv="x", user="eva"),
    ):
        with pytest.raises(DatabaseMissing) as caught:
            attempt()
        assert str(path) in str(caught.value) and "manage.py init" in str(caught.value)
        assert not path.exists() and not path.parent.exists()


def test_create_makes_an_empty_migrated_file_and_keeps_an_existing_one(tmp_path):
    from storage.schema import SCHEMA_VERSION, current_version

    db = open_database(tmp_path / "ny" / "l.duckdb", busy_timeout=1)
    assert db.create() is True
    db.ensure()
    with db.reading() as con:
        assert current_version(con) == SCHEMA_VERSION
    add_event(db, period="2026-01", label_sv="kvar", user="eva")
    assert db.create() is False
    with db.reading() as con:
        labels = [r[0] for r in con.execute("SELECT label_sv FROM events").fetchall()]
    assert "kvar" in labels

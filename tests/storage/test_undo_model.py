"""Undo against a model (hypothesis): any sequence of uploads and undos leaves exactly the cells a
plain dictionary predicts, refuses exactly when a later standing upload changed the cells, and
lists each upload's cells as it left them; plus the lean log and the migration to it."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import (
    UndoConflict,
    UndoError,
    commit_upload,
    load_observations,
    open_database,
    undo_upload,
    upload_changes,
)
from storage.schema import MIGRATIONS, SCHEMA_VERSION, sync_catalog

CELLS = [
    ("reported_rape", "STHLM", date(2026, 1, 1)),
    ("reported_rape", "STHLM", date(2026, 2, 1)),
    ("reported_rape", "0180", date(2026, 1, 1)),
    ("clearance_rape", "STHLM", date(2026, 1, 1)),
]


def frame(cells: dict[int, tuple[float, str]]) -> pd.DataFrame:
    rows = [
        (*CELLS[i][:2], pd.Timestamp(CELLS[i][2]), value, None, status, "")
        for i, (value, status) in sorted(cells.items())
    ]
    return pd.DataFrame(
        rows,
        columns=["indicator_id", "area_code", "period", "value", "denominator", "status", "note"],
    )


def stored(db) -> dict[tuple, tuple]:
    obs = load_observations(db)
    return {
        (r.indicator_id, r.area_code, r.period.date()): (r.value, r.status, int(r.upload_id))
        for r in obs.itertuples()
    }


UPLOAD = st.dictionaries(
    st.integers(0, len(CELLS) - 1),
    st.tuples(st.sampled_from([1.0, 2.0, 3.0]), st.sampled_from(["final", "preliminary"])),
    min_size=1,
)
STEP = st.one_of(
    st.tuples(st.just("upload"), UPLOAD), st.tuples(st.just("undo"), st.integers(0, 5))
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_uploads_and_undos_follow_the_model(steps):
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "m.duckdb", busy_timeout=5)
        db.create()
        state: dict[tuple, tuple] = {}  # cell -> (value, status, upload_id)
        uploads: list[int] = []
        before: dict[int, dict[tuple, tuple | None]] = {}  # upload -> touched cell -> old state
        left: dict[int, dict[tuple, tuple]] = {}  # upload -> touched cell -> (value, status)
        undone: set[int] = set()
        for kind, arg in steps:
            if kind == "upload":
                record = commit_upload(db, frame(arg), file_name="m.csv", file_sha256="x", user="m")
                touched = {
                    CELLS[i]: new
                    for i, new in arg.items()
                    if state.get(CELLS[i], (None, None))[:2] != new
                }
                if not touched:
                    assert record.upload_id is None
                    continue
                u = record.upload_id
                assert (record.diff.inserted, record.diff.updated) == (
                    sum(c not in state for c in touched),
                    sum(c in state for c in touched),
                )
                uploads.append(u)
                before[u] = {c: state.get(c) for c in touched}
                left[u] = touched
                for c, new in touched.items():
                    state[c] = (*new, u)
            elif uploads:
                u = uploads[arg % len(uploads)]
                if u in undone:
                    with pytest.raises(UndoError):
                        undo_upload(db, u, user="m")
                    continue
                owners = sorted({state[c][2] for c in before[u] if state[c][2] != u})
                if owners:
                    with pytest.raises(UndoConflict) as raised:
                        undo_upload(db, u, user="m")
                    assert raised.value.later_uploads == owners
                    continue
                assert undo_upload(db, u, user="m") == len(before[u])
                undone.add(u)
                for c, old in before[u].items():
                    if old is None:
                        del state[c]
                    else:
                        state[c] = old
            assert stored(db) == state
        for u in uploads:
            changes = upload_changes(db, u)
            listed = {
                (r.indicator_id, r.area_code, r.period.date()): (r.new_value, r.new_status)
                for r in changes.itertuples()
            }
            assert listed == left[u]
            assert list(changes["change"]) == [
                "insert" if before[u][c] is None else "update" for c in sorted(left[u])
            ]


def test_an_insert_leaves_no_log_row_until_it_is_undone(fresh_db):
    record = commit_upload(
        fresh_db,
        frame({0: (1.0, "final"), 1: (2.0, "final")}),
        file_name="a",
        file_sha256="x",
        user="m",
    )
    with fresh_db.reading() as con:
        assert con.execute("SELECT count(*) FROM observation_changes").fetchall() == [(0,)]
    assert undo_upload(fresh_db, record.upload_id, user="m") == 2
    assert load_observations(fresh_db).empty
    assert list(upload_changes(fresh_db, record.upload_id)["new_value"]) == [1.0, 2.0]


def test_a_commit_refuses_a_store_that_holds_a_cell_twice(fresh_db):
    """No primary key since migration 3: a cell stored twice (by a writer that broke the rule)
    is found by the next commit touching it, which stores nothing."""
    commit_upload(fresh_db, frame({0: (1.0, "final")}), file_name="a", file_sha256="x", user="m")
    with fresh_db.writing() as con:
        con.execute("INSERT INTO observations SELECT * FROM observations")
    with pytest.raises(RuntimeError, match="två rader för samma indikator"):
        commit_upload(
            fresh_db,
            frame({0: (2.0, "final"), 1: (3.0, "final")}),
            file_name="b",
            file_sha256="y",
            user="m",
        )
    assert len(load_observations(fresh_db)) == 2  # the two copies, nothing added
    with fresh_db.reading() as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(1,)]


def test_a_version_2_database_keeps_its_history_and_undo(tmp_path, catalog):
    """Built with migrations 1-2 and the old log (a row per inserted cell), then migrated."""
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    for number, _purpose, statements in MIGRATIONS[:2]:
        for statement in statements:
            con.execute(statement)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
    sync_catalog(con, catalog)
    upload = "INSERT INTO uploads VALUES (?, 'f.csv', 'x', 'eva', TIMESTAMP '2026-04-02', 1, ?, ?, 0, false, 'canonical', '[]', ?, ?)"  # noqa: E501
    con.execute(upload, [1, 2, 0, None, None])
    con.execute(upload, [2, 0, 1, None, None])
    con.execute(upload, [3, 1, 0, "2026-04-03", "eva"])  # inserted a cell, then undone
    obs = "INSERT INTO observations VALUES (?, 'STHLM', ?, ?, NULL, 'final', '', ?)"
    con.execute(obs, ["reported_rape", date(2026, 1, 1), 170, 2])
    con.execute(obs, ["reported_rape", date(2026, 2, 1), 160, 1])
    log = "INSERT INTO observation_changes VALUES (?, 'reported_rape', 'STHLM', ?, ?, ?, NULL, ?, ?, ?, ?, NULL, 'final', '')"  # noqa: E501
    con.execute(log, [1, date(2026, 1, 1), "insert", None, None, None, None, 150])
    con.execute(log, [1, date(2026, 2, 1), "insert", None, None, None, None, 160])
    con.execute(log, [2, date(2026, 1, 1), "update", 150, "final", "", 1, 170])
    con.execute(log, [3, date(2026, 3, 1), "insert", None, None, None, None, 155])
    con.close()

    db = open_database(path, busy_timeout=5)
    db.ensure()
    with db.reading() as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
            (str(SCHEMA_VERSION),)
        ]
        kept = con.execute(
            "SELECT upload_id, change FROM observation_changes ORDER BY upload_id, period"
        ).fetchall()
        constraints = con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'observations' "
            "AND constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    assert kept == [(2, "update"), (3, "insert")]
    assert constraints == [(0,)]
    # The history reads as before the migration.
    assert list(upload_changes(db, 1)["new_value"]) == [150.0, 160.0]
    assert list(upload_changes(db, 3)["new_value"]) == [155.0]
    with pytest.raises(UndoConflict) as raised:
        undo_upload(db, 1, user="eva")
    assert raised.value.later_uploads == [2]
    assert undo_upload(db, 2, user="eva") == 1
    assert undo_upload(db, 1, user="eva") == 2
    assert load_observations(db).empty

"""Data versions: a pair's version changes exactly when one of its cells changes (any sequence of
uploads and undos), versions only grow, and a database from before them starts at version 1."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import (
    UndoConflict,
    UndoError,
    commit_upload,
    data_versions,
    load_observations,
    open_database,
    undo_upload,
)
from storage.schema import MIGRATIONS
from tests.storage.test_undo_model import STEP, frame

DEMO_PAIR = ("reported_rape", "STHLM")


def cells_by_pair(db) -> dict[tuple[str, str], set]:
    pairs: dict[tuple[str, str], set] = {}
    for r in load_observations(db).itertuples():
        pairs.setdefault((r.indicator_id, r.area_code), set()).add(
            (r.period, r.value, r.status, r.upload_id)
        )
    return pairs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_a_version_changes_exactly_when_the_pairs_cells_change(steps):
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "v.duckdb", busy_timeout=5)
        db.create()
        uploads: list[int] = []
        for kind, arg in steps:
            cells, versions = cells_by_pair(db), data_versions(db)
            if kind == "upload":
                record = commit_upload(db, frame(arg), file_name="v.csv", file_sha256="x", user="v")
                if record.upload_id is not None:
                    uploads.append(record.upload_id)
            elif uploads:
                with contextlib.suppress(UndoConflict, UndoError):
                    undo_upload(db, uploads[arg % len(uploads)], user="v")
            after_cells, after = cells_by_pair(db), data_versions(db)
            for pair in set(cells) | set(after_cells):
                changed = cells.get(pair, set()) != after_cells.get(pair, set())
                assert (after.get(pair, 0) != versions.get(pair, 0)) == changed, pair
                assert after.get(pair, 0) >= versions.get(pair, 0)


def test_only_the_pairs_an_upload_touches_get_a_new_version(seeded_db):
    before = data_versions(seeded_db)
    assert before and set(before.values()) == {before[next(iter(before))]}
    stored = load_observations(seeded_db)
    one = stored[
        (stored["indicator_id"] == stored["indicator_id"].iloc[0])
        & (stored["area_code"] == stored["area_code"].iloc[0])
    ].head(1)
    pair = (one["indicator_id"].iloc[0], one["area_code"].iloc[0])
    changed = one.drop(columns=["upload_id"]).assign(value=one["value"] + 1, note="")
    record = commit_upload(seeded_db, changed, file_name="r.csv", file_sha256="y", user="t")
    after = data_versions(seeded_db)
    assert after[pair] > before[pair]
    assert {p: v for p, v in after.items() if p != pair} == {
        p: v for p, v in before.items() if p != pair
    }
    undo_upload(seeded_db, record.upload_id, user="t")
    assert data_versions(seeded_db)[pair] > after[pair]


def test_the_migration_gives_stored_pairs_version_1(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    number = next(n for n, what, _ in MIGRATIONS if what.startswith("a data version per"))
    for n, _, statements in MIGRATIONS:
        if n >= number:
            break
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number - 1)])
    con.execute(
        "INSERT INTO observations VALUES (?, ?, DATE '2026-01-01', 3, NULL, 'final', '', 1)",
        list(DEMO_PAIR),
    )
    con.close()
    db = open_database(path, busy_timeout=5)
    db.ensure()
    assert data_versions(db) == {DEMO_PAIR: 1}

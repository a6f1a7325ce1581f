"""A commit takes its release decisions before it locks the file (issue 15: the decision is
most of a commit's work, and readers in other processes wait while the file is locked), and
uses them only when the cells they were taken on are the cells found in the transaction."""

from __future__ import annotations

import pandas as pd

import storage.uploads as uploads
from ingest.pipeline import ingest_upload
from metrics.catalog import load_catalog
from metrics.disclosure import ReleaseDecider
from storage import load_release
from storage.disclosure import record_releases, snapshot
from tests.conftest import TODAY
from tests.storage.test_disclosure_releases import BODY as FIRST

CATALOG = load_catalog()
REVISION = b"""indicator_id,period,area_code,value
reported_rape,2026-02,0128,3
reported_rape,2026-04,0128,4
reported_rape,2026-04,STHLM,150
"""


class Watching(ReleaseDecider):
    """The real decider, noting whether the file was locked for writing at each call."""

    def __init__(self, catalog, db) -> None:
        super().__init__(catalog)
        self.db = db
        self.locked: list[bool] = []

    def __call__(self, *args, **kwargs):
        self.locked.append(self.db._writer)
        return super().__call__(*args, **kwargs)


def _commit(db, body: bytes, decide) -> int:
    from ingest.pipeline import check_upload

    checked = check_upload(body, "x.csv", today=TODAY)
    assert checked.ok, checked.errors
    record = uploads.commit_upload(
        db, checked.frame, file_name="x.csv", file_sha256="0", user="t", decide=decide
    )
    return record.upload_id


def test_the_decision_is_taken_before_the_file_is_locked(fresh_db):
    assert ingest_upload(fresh_db, FIRST, "a.csv", user="t", today=TODAY).status == "committed"
    decide = Watching(CATALOG, fresh_db)
    assert _commit(fresh_db, REVISION, decide)
    assert decide.locked == [False]  # one decision, taken while the file was free


def test_the_release_is_the_one_taken_in_the_transaction(fresh_db, tmp_path):
    # The same commits on two copies, one with the decision taken inside the lock as before.
    import shutil

    from storage import open_database

    assert ingest_upload(fresh_db, FIRST, "a.csv", user="t", today=TODAY).status == "committed"
    copy = open_database(tmp_path / "copy.duckdb", busy_timeout=5)
    shutil.copy(fresh_db.path, copy.path)
    assert _commit(fresh_db, REVISION, ReleaseDecider(CATALOG))
    original = uploads._prepare_releases
    uploads._prepare_releases = lambda *a, **k: {}
    try:
        assert _commit(copy, REVISION, ReleaseDecider(CATALOG))
    finally:
        uploads._prepare_releases = original
    a, b = load_release(fresh_db, "reported_rape"), load_release(copy, "reported_rape")
    assert a.checksum == b.checksum
    pd.testing.assert_frame_equal(a.hidden, b.hidden)


def test_a_decision_taken_on_other_cells_is_taken_again(fresh_db):
    # Another process committed between the decision and the lock: the cells differ, so the
    # prepared decision is not used (here: prepared on the cells before the first upload).
    assert ingest_upload(fresh_db, FIRST, "a.csv", user="t", today=TODAY).status == "committed"
    with fresh_db.reading() as con:
        stale = snapshot(con, ["reported_rape"])
    cells_before, hidden_before = stale["reported_rape"]
    wrong = pd.DataFrame({"area_code": ["0128"], "period": ["2026-03-01"], "reason": ["x"]})
    prepared = {"reported_rape": (cells_before, hidden_before, cells_before.iloc[:0], wrong)}
    decide = Watching(CATALOG, fresh_db)
    with fresh_db.writing() as con:
        before = snapshot(con, ["reported_rape"])
        record_releases(con, before, decide, None, prepared=prepared)
    assert decide.locked == [True]  # decided again, in the transaction
    assert set(load_release(fresh_db, "reported_rape").hidden["reason"]) != {"x"}


def test_an_undo_decides_before_the_file_is_locked_and_stores_what_the_lock_would(
    fresh_db, tmp_path
):
    import shutil

    from storage import open_database

    assert ingest_upload(fresh_db, FIRST, "a.csv", user="t", today=TODAY).status == "committed"
    revision = _commit(fresh_db, REVISION, ReleaseDecider(CATALOG))
    copy = open_database(tmp_path / "copy.duckdb", busy_timeout=5)
    shutil.copy(fresh_db.path, copy.path)

    decide = Watching(CATALOG, fresh_db)
    assert uploads.undo_upload(fresh_db, revision, user="t", decide=decide) == 3
    assert decide.locked == [False]  # decided on the cells the undo leaves, the file free

    original = uploads._prepare_undo_releases
    uploads._prepare_undo_releases = lambda *a, **k: {}  # decided in the transaction, as before
    try:
        assert uploads.undo_upload(copy, revision, user="t", decide=ReleaseDecider(CATALOG)) == 3
    finally:
        uploads._prepare_undo_releases = original
    a, b = load_release(fresh_db, "reported_rape"), load_release(copy, "reported_rape")
    assert a.checksum == b.checksum
    pd.testing.assert_frame_equal(a.hidden, b.hidden)


def test_an_undo_of_an_unknown_upload_decides_nothing(fresh_db):
    import pytest

    from storage.uploads import UndoError

    assert ingest_upload(fresh_db, FIRST, "a.csv", user="t", today=TODAY).status == "committed"
    decide = Watching(CATALOG, fresh_db)
    with pytest.raises(UndoError):
        uploads.undo_upload(fresh_db, 99, user="t", decide=decide)
    assert decide.locked == []

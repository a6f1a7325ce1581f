"""Which data changed when: a version per (indicator, area) that every commit and undo bumps.

The writer records, in the same transaction as the change, a new version for every (indicator,
area) whose cells an upload or an undo changes. Readers key their caches on the versions of
what they read, so a commit makes stale only what it touched (its indicators at its areas), and
a sign-in, a comment or an event written to the same file makes nothing stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb

from storage.database import Database

# The pairs whose cells an upload changes: its diff, computed in the commit's transaction.
_COMMIT_PAIRS = (
    "SELECT DISTINCT indicator_id, area_code FROM upload_diff WHERE change <> 'unchanged'"
)
# The pairs an undo restores: the cells the upload still owns and the cells it revised.
_UNDO_PAIRS = """SELECT indicator_id, area_code FROM observations WHERE upload_id = ?
                 UNION SELECT indicator_id, area_code FROM observation_changes WHERE upload_id = ?"""


def _bump(con: duckdb.DuckDBPyConnection, pairs_sql: str, params: list) -> None:
    version = con.execute("SELECT nextval('data_version_seq')").fetchall()[0][0]
    con.execute(
        f"""INSERT INTO data_versions
            SELECT DISTINCT indicator_id, area_code, ? FROM ({pairs_sql})
            ON CONFLICT (indicator_id, area_code) DO UPDATE SET version = excluded.version""",  # noqa: S608 - fixed SQL of this module, `?` placeholders
        [version, *params],
    )


def record_commit(con: duckdb.DuckDBPyConnection) -> None:
    """In `commit_upload`'s transaction, with its diff in `upload_diff`: a new version for every
    (indicator, area) the upload changes (unchanged cells change nothing)."""
    _bump(con, _COMMIT_PAIRS, [])


def record_pairs(con: duckdb.DuckDBPyConnection, pairs_sql: str, params: list) -> None:
    """In a writer's transaction: a new version for every (indicator, area) `pairs_sql` selects
    (fixed SQL with `?` placeholders for `params`), for a change that moves what is drawn from
    their cells without changing a cell (a population import moves the rates)."""
    _bump(con, pairs_sql, params)


def record_undo(con: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """In `undo_upload`'s transaction, before the cells are restored: a new version for every
    (indicator, area) the undo will change."""
    _bump(con, _UNDO_PAIRS, [upload_id, upload_id])


@dataclass(frozen=True)
class DataVersions:
    """What a reader keys its caches on: the versions of the pairs it reads.

    lineage: the file's identity (device, inode). `restore` puts another file in place, whose
    versions continue from a different history, so a cache must not match across files.
    pairs: {(indicator_id, area_code): version}; a pair never stored is version 0.
    totals: {indicator_id: sum of its pairs' versions}; grows whenever any of its areas changes
    (versions only grow), for what depends on every area of an indicator.
    marks: a stamp of the process changes in force (an analyst marking or removing one moves an
    indicator's limits without changing its cells), and of the events they hang on.
    data: the newest version of any pair (grows with every commit or undo that changes a cell).
    uploads, comments, events: stamps that change when an upload is stored or undone, a note is
    written, an event is added or removed (what the history, the notes and the charts' events
    are read again on), so none of those is read again on a sign-in or an unrelated write.
    """

    lineage: tuple[int, int]
    pairs: Mapping[tuple[str, str], int]
    totals: Mapping[str, int]
    marks: tuple
    data: int = 0
    uploads: tuple = ()
    comments: tuple = ()
    events: tuple = ()

    def of(self, indicator_ids: Iterable[str], area_codes: Iterable[str] | None) -> tuple:
        """A key that changes exactly when a cell of the indicators at the areas (None: at any
        area) changes, or a process change is marked or removed."""
        if area_codes is None:
            versions = tuple(self.totals.get(i, 0) for i in indicator_ids)
        else:
            codes = tuple(area_codes)
            versions = tuple(self.pairs.get((i, a), 0) for i in indicator_ids for a in codes)
        return (self.lineage, self.marks, versions)


def read_versions(db: Database) -> DataVersions:
    """Every pair's version, the per-indicator totals and the marks' stamp, in one read."""
    stat = db.path.stat()
    with db.reading() as con:
        pairs = _pairs(con)
        stamps = con.execute(
            """SELECT (SELECT count(*) FROM process_changes),
                      (SELECT max(id) FROM process_changes),
                      (SELECT count(removed_at) FROM process_changes),
                      (SELECT max(id) FROM events),
                      (SELECT count(deleted_at) FROM events),
                      (SELECT max(upload_id) FROM uploads),
                      (SELECT count(undone_at) FROM uploads),
                      (SELECT count(*) FROM comments),
                      (SELECT max(id) FROM comments)"""
        ).fetchall()[0]
    totals: dict[str, int] = {}
    for (indicator_id, _area), version in pairs.items():
        totals[indicator_id] = totals.get(indicator_id, 0) + version
    return DataVersions(
        (stat.st_dev, stat.st_ino),
        pairs,
        totals,
        marks=tuple(stamps[:5]),
        data=max(pairs.values(), default=0),
        uploads=tuple(stamps[5:7]),
        comments=tuple(stamps[7:9]),
        events=tuple(stamps[3:5]),
    )


def data_versions(db: Database) -> dict[tuple[str, str], int]:
    """{(indicator_id, area_code): version} of every pair that has ever held data. A pair not in
    it has never been stored (version 0). Versions only grow, within one database file."""
    with db.reading() as con:
        return _pairs(con)


def _pairs(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    rows = con.execute("SELECT indicator_id, area_code, version FROM data_versions").fetchall()
    return {(i, a): int(v) for i, a, v in rows}

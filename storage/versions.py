"""Which data changed when: a version per (indicator, area) that every commit and undo bumps.

The writer records, in the same transaction as the change, a new version for every (indicator,
area) whose cells an upload or an undo changes. Readers key their caches on the versions of
what they read, so a commit makes stale only what it touched (its indicators at its areas), and
a sign-in, a comment or an event written to the same file makes nothing stale.
"""

from __future__ import annotations

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


def record_undo(con: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """In `undo_upload`'s transaction, before the cells are restored: a new version for every
    (indicator, area) the undo will change."""
    _bump(con, _UNDO_PAIRS, [upload_id, upload_id])


def data_versions(db: Database) -> dict[tuple[str, str], int]:
    """{(indicator_id, area_code): version} of every pair that has ever held data. A pair not in
    it has never been stored (version 0). Versions only grow, within one database file."""
    with db.reading() as con:
        rows = con.execute("SELECT indicator_id, area_code, version FROM data_versions").fetchall()
    return {(i, a): int(v) for i, a, v in rows}

"""The population table: inhabitants per area, year, sex and age band (migration 7), and its
imports as uploads that can be undone (migration 10)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd
import pyarrow as pa

from metrics.population import COLUMNS
from storage.database import Database
from storage.uploads import UndoConflict, UndoError, _audit
from storage.versions import record_pairs


def load_population(db: Database) -> pd.DataFrame:
    """Every stored figure (columns metrics.population.COLUMNS), by area, year, sex, age band."""
    with db.reading() as con:
        return con.execute(
            "SELECT area_code, year, sex, age_band, inhabitants, estimate, source "
            "FROM population ORDER BY area_code, year, sex, age_band"
        ).df()


def store_population(db: Database, frame: pd.DataFrame, *, user: str, what: str) -> int:
    """Store checked figures (metrics.population.check_population_frame), replacing those of the
    same area, year, sex and age band; audited as `population_import` naming `what` (e.g. the
    file or "demo"). Returns the number of rows stored."""
    with db.writing() as con:
        _write_rows(con, frame)
        _audit(
            con,
            user,
            "population_import",
            {
                "what": what,
                "rows": len(frame),
                "years": sorted({int(y) for y in frame["year"]}),
                "estimates": int(frame["estimate"].astype(bool).sum()),
            },
        )
    return len(frame)


def _write_rows(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Insert the figures, replacing those of the same area, year, sex and age band."""
    table = pa.table(
        {
            "area_code": pa.array(frame["area_code"].astype(str), pa.string()),
            "year": pa.array(frame["year"].astype("int64"), pa.int32()),
            "sex": pa.array(frame["sex"].astype(str), pa.string()),
            "age_band": pa.array(frame["age_band"].astype(str), pa.string()),
            "inhabitants": pa.array(frame["inhabitants"].astype("int64"), pa.int64()),
            "estimate": pa.array(frame["estimate"].astype(bool), pa.bool_()),
            "source": pa.array(frame["source"].astype(str), pa.string()),
        }
    )
    columns = ", ".join(COLUMNS)
    con.register("incoming_population", table)
    try:
        con.execute(
            f"INSERT OR REPLACE INTO population ({columns}) "  # noqa: S608 - fixed names
            f"SELECT {columns} FROM incoming_population"
        )
    finally:
        con.unregister("incoming_population")


# -- population imports as uploads (migration 10) -------------------------------------------------

KEY = ["area_code", "year", "sex", "age_band"]
CHANGE_COLUMNS = (
    "area_code",
    "year",
    "sex",
    "age_band",
    "change",
    "old_inhabitants",
    "old_estimate",
    "old_source",
    "new_inhabitants",
    "new_estimate",
    "new_source",
)


@dataclass(frozen=True)
class PopulationDiff:
    """What checked figures do to the population table: counts, and one row per figure added
    ('insert') or replaced ('update') with its old and new inhabitants, estimate and source
    (columns CHANGE_COLUMNS). A figure with the same inhabitants and estimate is unchanged (its
    source text, which names the file, is not a change)."""

    inserted: int
    updated: int
    unchanged: int
    changes: pd.DataFrame = field(repr=False)

    @property
    def changes_anything(self) -> bool:
        return bool(self.inserted or self.updated)


@dataclass(frozen=True)
class PopulationRecord:
    upload_id: int | None
    diff: PopulationDiff


def population_diff(frame: pd.DataFrame, stored: pd.DataFrame) -> PopulationDiff:
    """Compare checked figures (metrics.population.check_population_frame) with the stored ones
    (load_population's columns): what storing them would add and replace. Pure."""
    old = stored[[*KEY, "inhabitants", "estimate", "source"]].rename(
        columns={c: f"old_{c}" for c in ("inhabitants", "estimate", "source")}
    )
    merged = frame[[*KEY, "inhabitants", "estimate", "source"]].merge(old, on=KEY, how="left")
    merged = merged.rename(columns={c: f"new_{c}" for c in ("inhabitants", "estimate", "source")})
    absent = merged["old_inhabitants"].isna()
    same = (
        ~absent
        & (merged["old_inhabitants"] == merged["new_inhabitants"])
        & (merged["old_estimate"].astype("boolean") == merged["new_estimate"].astype("boolean"))
    )
    merged["change"] = "update"
    merged.loc[absent, "change"] = "insert"
    changes = merged[~same.fillna(False).astype(bool)]
    changes = changes[list(CHANGE_COLUMNS)].sort_values(KEY).reset_index(drop=True)
    inserted = int(absent.sum())
    return PopulationDiff(
        inserted=inserted,
        updated=len(changes) - inserted,
        unchanged=len(frame) - len(changes),
        changes=changes,
    )


def plan_population(db: Database, frame: pd.DataFrame) -> PopulationDiff:
    """What storing the checked figures would change now (population_diff against the store)."""
    return population_diff(frame, load_population(db))


def commit_population(
    db: Database,
    frame: pd.DataFrame,
    *,
    file_name: str,
    file_sha256: str,
    user: str,
    source_format: str,
    assumptions: list[str] | None = None,
    rate_indicators: Sequence[str] = (),
) -> PopulationRecord:
    """Store checked figures as one upload, in one transaction: the upload's row (listed by
    `list_uploads` beside the indicator files), the rows it added or replaced with their old
    values (`population_changes`, what `undo_population` restores), the figures, an audit entry
    `population_import` naming the upload, and a new data version for every stored
    (indicator, area) of `rate_indicators` (the indicators counted per inhabitant: their rates
    change with the base, so every cache keyed on their data versions is made again). The diff
    is taken again inside the transaction; figures that change nothing store no upload
    (`upload_id` None)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.writing() as con:
        stored = con.execute(
            "SELECT area_code, year, sex, age_band, inhabitants, estimate, source FROM population"
        ).df()
        diff = population_diff(frame, stored)
        if not diff.changes_anything:
            return PopulationRecord(upload_id=None, diff=diff)
        upload_id = int(con.execute("SELECT nextval('upload_id_seq')").fetchall()[0][0])
        con.execute(
            "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [
                upload_id,
                file_name,
                file_sha256,
                user,
                now,
                len(frame),
                diff.inserted,
                diff.updated,
                diff.unchanged,
                False,
                source_format,
                json.dumps(assumptions or [], ensure_ascii=False),
            ],
        )
        con.register("incoming_population_changes", _changes_table(diff.changes))
        try:
            con.execute(
                f"INSERT INTO population_changes SELECT ?, {', '.join(CHANGE_COLUMNS)} "  # noqa: S608 - fixed names
                "FROM incoming_population_changes",
                [upload_id],
            )
        finally:
            con.unregister("incoming_population_changes")
        _write_rows(con, frame)
        _bump_rates(con, rate_indicators)
        _audit(
            con,
            user,
            "population_import",
            {
                "upload_id": upload_id,
                "what": f"{file_name} ({source_format})",
                "rows": len(frame),
                "inserted": diff.inserted,
                "updated": diff.updated,
                "years": sorted({int(y) for y in frame["year"]}),
            },
        )
        return PopulationRecord(upload_id=upload_id, diff=diff)


def is_population_upload(db: Database, upload_id: int) -> bool:
    """Whether the upload is a population import (commit_population), not indicator values."""
    with db.reading() as con:
        return bool(
            con.execute(
                "SELECT count(*) FROM population_changes WHERE upload_id = ?", [upload_id]
            ).fetchall()[0][0]
        )


def population_upload_changes(db: Database, upload_id: int) -> pd.DataFrame:
    """The population rows one import added or replaced (columns CHANGE_COLUMNS), by area, year,
    sex and age band; empty for an upload of indicator values."""
    with db.reading() as con:
        return con.execute(
            f"SELECT {', '.join(CHANGE_COLUMNS)} FROM population_changes "  # noqa: S608 - fixed names
            "WHERE upload_id = ? ORDER BY area_code, year, sex, age_band",
            [upload_id],
        ).df()


def undo_population(
    db: Database, upload_id: int, *, user: str, rate_indicators: Sequence[str] = ()
) -> int:
    """Put the population table back as it was before the import: the rows it added are
    removed, the rows it replaced get their old inhabitants, estimate and source again. Returns
    the rows restored. Refuses with UndoError when the upload is unknown or already undone, and
    with UndoConflict when a later import that stands changed any of the same rows (undo that
    first); the undo bumps the rates' data versions as the import did and is audited as `undo`.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.writing() as con:
        row = con.execute(
            "SELECT undone_at FROM uploads WHERE upload_id = ?", [upload_id]
        ).fetchall()
        if not row:
            raise UndoError("store_no_upload", upload_id=upload_id)
        if row[0][0] is not None:
            raise UndoError(
                "store_upload_already_undone",
                upload_id=upload_id,
                when=f"{row[0][0]:%Y-%m-%d %H:%M}",
            )
        later = con.execute(
            """SELECT l.upload_id, count(*) FROM population_changes l
               JOIN uploads v ON v.upload_id = l.upload_id AND v.undone_at IS NULL
               JOIN population_changes c USING (area_code, year, sex, age_band)
               WHERE c.upload_id = ? AND l.upload_id > ?
               GROUP BY l.upload_id ORDER BY l.upload_id""",
            [upload_id, upload_id],
        ).fetchall()
        if later:
            raise UndoConflict(upload_id, [int(u) for u, _ in later], sum(n for _, n in later))
        removed = con.execute(
            """DELETE FROM population p USING population_changes c
               WHERE c.upload_id = ? AND c.change = 'insert' AND p.area_code = c.area_code
                 AND p.year = c.year AND p.sex = c.sex AND p.age_band = c.age_band""",
            [upload_id],
        ).fetchall()[0][0]
        restored = con.execute(
            """UPDATE population p SET inhabitants = c.old_inhabitants,
                      estimate = c.old_estimate, source = c.old_source
               FROM population_changes c
               WHERE c.upload_id = ? AND c.change = 'update' AND p.area_code = c.area_code
                 AND p.year = c.year AND p.sex = c.sex AND p.age_band = c.age_band""",
            [upload_id],
        ).fetchall()[0][0]
        con.execute(
            "UPDATE uploads SET undone_at = ?, undone_by = ? WHERE upload_id = ?",
            [now, user, upload_id],
        )
        _bump_rates(con, rate_indicators)
        rows = int(removed) + int(restored)
        _audit(con, user, "undo", {"upload_id": upload_id, "population_rows": rows})
        return rows


def _changes_table(changes: pd.DataFrame) -> pa.Table:
    def nullable(column: str, kind: str):
        return changes[column].astype(kind).astype(object).where(changes[column].notna(), None)

    return pa.table(
        {
            "area_code": pa.array(changes["area_code"].astype(str), pa.string()),
            "year": pa.array(changes["year"].astype("int64"), pa.int32()),
            "sex": pa.array(changes["sex"].astype(str), pa.string()),
            "age_band": pa.array(changes["age_band"].astype(str), pa.string()),
            "change": pa.array(changes["change"].astype(str), pa.string()),
            "old_inhabitants": pa.array(nullable("old_inhabitants", "Int64"), pa.int64()),
            "old_estimate": pa.array(nullable("old_estimate", "boolean"), pa.bool_()),
            "old_source": pa.array(changes["old_source"].astype(object), pa.string()),
            "new_inhabitants": pa.array(changes["new_inhabitants"].astype("int64"), pa.int64()),
            "new_estimate": pa.array(changes["new_estimate"].astype(bool), pa.bool_()),
            "new_source": pa.array(changes["new_source"].astype(str), pa.string()),
        }
    )


def _bump_rates(con: duckdb.DuckDBPyConnection, rate_indicators: Sequence[str]) -> None:
    """A new data version for every stored (indicator, area) of the rate indicators: a rate is
    drawn from the base of its area and year (and a region's from its parts), so a change of
    base changes them, and caches keyed on data versions (ui/data.py) must not hand out the old."""
    if not rate_indicators:
        return
    placeholders = ", ".join("?" for _ in rate_indicators)
    record_pairs(
        con,
        f"SELECT DISTINCT indicator_id, area_code FROM observations "  # noqa: S608 - placeholders only
        f"WHERE indicator_id IN ({placeholders})",
        list(rate_indicators),
    )

"""Reading observations: filtered loads for the pages, the latest month, export rows, demo marking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from storage.database import Database

OBSERVATION_COLUMNS = [
    "indicator_id",
    "area_code",
    "period",
    "value",
    "denominator",
    "status",
    "note",
    "upload_id",
]
CELL_COLUMNS = ["indicator_id", "area_code", "period", "value", "denominator"]
_FILTERED = """
    FROM observations
    WHERE (CAST(? AS VARCHAR[]) IS NULL OR list_contains(?, indicator_id))
      AND (CAST(? AS VARCHAR[]) IS NULL OR list_contains(?, area_code))
      AND (CAST(? AS DATE) IS NULL OR period >= ?)
      AND (CAST(? AS DATE) IS NULL OR period <= ?)
    ORDER BY indicator_id, area_code, period"""
_SELECT_ALL = (
    "SELECT indicator_id, area_code, period, value, denominator, status, note, upload_id"
    + _FILTERED
)
_SELECT_CELLS = "SELECT indicator_id, area_code, period, value, denominator" + _FILTERED


def load_observations(
    db: Database,
    *,
    indicator_ids: Sequence[str] | None = None,
    area_codes: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Observations matching the filters (None = all), ordered by indicator, area and month.

    `period` comes back as a pandas Timestamp (first day of the month); `denominator` is NaN
    except for proportions. An empty result still has all columns.
    """
    with db.reading() as con:
        return _select(con, indicator_ids, area_codes, start, end)


def load_observations_with_checksums(
    db: Database,
    *,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    cells_only: bool = False,
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """`load_observations` with, from the same read, a checksum of each indicator's stored cells.

    cells_only: return only CELL_COLUMNS (what disclosure control reads; about half the time).

    The checksum covers every area and month of the indicator (not only the rows returned):
    (number of cells, sum of a hash of area, month, value and denominator). Equal checksums mean
    the same cells with the same values, so a decision taken on an indicator's cells in one read
    (disclosure control) can be checked against the rows of another. No commit can fall between
    the rows and the checksums. An indicator without rows has the checksum (0, 0).
    """
    ids = _list(indicator_ids)
    with db.reading() as con:
        frame = _select(con, ids, area_codes, start, end, cells_only=cells_only)
        sums = con.execute(
            """SELECT indicator_id, count(*), sum(hash(area_code, period, value, denominator))
               FROM observations WHERE list_contains(?, indicator_id) GROUP BY indicator_id""",
            [ids],
        ).fetchall()
    found = {str(i): (int(n), int(h)) for i, n, h in sums}
    return frame, {i: found.get(i, (0, 0)) for i in ids}


def _select(
    con: duckdb.DuckDBPyConnection,
    indicator_ids: Sequence[str] | None,
    area_codes: Sequence[str] | None,
    start: date | None,
    end: date | None,
    *,
    cells_only: bool = False,
) -> pd.DataFrame:
    frame = con.execute(
        _SELECT_CELLS if cells_only else _SELECT_ALL,
        [
            _list(indicator_ids),
            _list(indicator_ids),
            _list(area_codes),
            _list(area_codes),
            start,
            start,
            end,
            end,
        ],
    ).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame[CELL_COLUMNS if cells_only else OBSERVATION_COLUMNS]


def _list(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]


def latest_period(db: Database) -> pd.Timestamp | None:
    """The latest month with any data ("data t.o.m."), or None for an empty database."""
    with db.reading() as con:
        value = con.execute("SELECT max(period) FROM observations").fetchall()[0][0]
    return None if value is None else pd.Timestamp(value)


def latest_periods(db: Database) -> pd.DataFrame:
    """Per indicator: the latest month with data and the number of observations."""
    with db.reading() as con:
        frame = con.execute(
            """SELECT indicator_id, max(period) AS latest, count(*) AS observations
               FROM observations GROUP BY indicator_id ORDER BY indicator_id"""
        ).df()
    frame["latest"] = pd.to_datetime(frame["latest"])
    return frame


def count_observations(db: Database) -> int:
    """How many observations are stored."""
    with db.reading() as con:
        return int(con.execute("SELECT count(*) FROM observations").fetchall()[0][0])


def contains_demo_data(db: Database) -> bool:
    """True when any stored value came from the demo generator (so every view must say so)."""
    with db.reading() as con:
        return bool(
            con.execute(
                """SELECT EXISTS (SELECT 1 FROM observations o JOIN uploads u USING (upload_id)
                                  WHERE u.is_demo)"""
            ).fetchall()[0][0]
        )


def export_rows(
    db: Database, *, indicator_id: str | None = None, area_code: str | None = None
) -> pd.DataFrame:
    """Observations in the canonical upload format (period as YYYY-MM), for export and download."""
    frame = load_observations(
        db,
        indicator_ids=None if indicator_id is None else [indicator_id],
        area_codes=None if area_code is None else [area_code],
    )
    frame["period"] = frame["period"].dt.strftime("%Y-%m")
    return frame[["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]]

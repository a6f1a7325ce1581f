"""Reading observations: filtered loads for the pages, the latest month, export rows, demo marking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from metrics.periods import period_code
from storage.database import Database

if TYPE_CHECKING:
    from metrics.catalog import Catalog

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
_ORDER = " ORDER BY indicator_id, area_code, period"


def load_observations(
    db: Database,
    *,
    indicator_ids: Sequence[str] | None = None,
    area_codes: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    columns: Sequence[str] = OBSERVATION_COLUMNS,
) -> pd.DataFrame:
    """Observations matching the filters (None = all), ordered by indicator, area and month.

    `period` comes back as a pandas Timestamp (first day of the month); `denominator` is NaN
    except for proportions. An empty result still has the columns. columns: a subset of
    OBSERVATION_COLUMNS to read (in that order; ValueError for any other name); the fewer,
    the faster. Pass None rather than every id for "all indicators": a long list of ids is a
    filter evaluated on every row.
    """
    with db.reading() as con:
        return _select(con, indicator_ids, area_codes, start, end, columns)


def areas_and_checksums(
    con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]
) -> dict[str, tuple[list[str], tuple[int, int]]]:
    """Per indicator: the areas it may have stored cells at, sorted, and the checksum of its
    cells (as `cell_checksums`): what applying a stored release needs, without the rows.
    ([], (0, 0)) for an indicator without rows.

    Where the checksum is the stored release's (`cell_checksums`), the areas are those the
    indicator ever had cells at (`data_versions`, which every commit fills in the transaction
    that stores the cells): no row is read. They can hold an area whose cells an undo removed
    since; an area list only numbers the areas of a decision, so that changes nothing hidden."""
    ids = [str(i) for i in indicator_ids]
    known = _stored_checksums(con, ids)
    rest = [i for i in ids if i not in known]
    sums = {**known, **(checksums(con, rest) if rest else {})}
    found: dict[str, list[str]] = {}
    for table, which in (("data_versions", list(known)), ("observations", rest)):
        if not which:
            continue
        rows = con.execute(
            f"""SELECT indicator_id, list(DISTINCT area_code ORDER BY area_code) FROM {table}
                WHERE list_contains(?, indicator_id) GROUP BY indicator_id""",  # noqa: S608 - table from this line's fixed pair, `?` placeholders
            [which],
        ).fetchall()
        found.update({str(i): [str(a) for a in areas] for i, areas in rows})
    return {i: (found.get(i, []) if sums[i] != (0, 0) else [], sums[i]) for i in ids}


def data_versions_of(
    con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]
) -> dict[str, int]:
    """Per indicator: its newest data version (storage/versions.py); absent: never stored."""
    rows = con.execute(
        """SELECT indicator_id, max(version) FROM data_versions
           WHERE list_contains(?, indicator_id) GROUP BY indicator_id""",
        [[str(i) for i in indicator_ids]],
    ).fetchall()
    return {str(i): int(v) for i, v in rows}


def _stored_checksums(
    con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """The checksums of the stored releases taken at their indicator's current data version."""
    rows = con.execute(
        """SELECT r.indicator_id, r.cells, r.checksum FROM disclosure_releases AS r
           JOIN (SELECT indicator_id, max(version) AS version FROM data_versions
                 WHERE list_contains(?, indicator_id) GROUP BY indicator_id) AS v
             ON v.indicator_id = r.indicator_id AND v.version = r.data_version""",
        [[str(i) for i in indicator_ids]],
    ).fetchall()
    return {str(i): (int(n), int(h)) for i, n, h in rows}


def cell_checksums(
    con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """`checksums`, without hashing the cells of an indicator whose stored release was taken at
    its current data version: only commit and undo change cells, each bumps the versions of what
    it changes and stores the release with its cells' checksum in the same transaction, so while
    no pair of the indicator has a newer version the release's checksum is the cells'."""
    ids = [str(i) for i in indicator_ids]
    known = _stored_checksums(con, ids)
    rest = [i for i in ids if i not in known]
    computed = checksums(con, rest) if rest else {}
    return {i: known[i] if i in known else computed[i] for i in ids}


def load_observations_with_checksums(
    db: Database,
    *,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    cells_only: bool = False,
    checksums_of: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """`load_observations` with, from the same read, a checksum of each indicator's stored cells.

    cells_only: return only CELL_COLUMNS (what disclosure control reads; about half the time).
    columns: else only these of OBSERVATION_COLUMNS (None: every one).
    checksums_of: the indicators to give a checksum for (None: every one read), e.g. only those
    disclosure control protects (hashing the others' cells would be wasted).

    The checksum covers every area and month of the indicator (not only the rows returned):
    (number of cells, sum of a hash of area, month, value and denominator). Equal checksums mean
    the same cells with the same values, so a decision taken on an indicator's cells in one read
    (disclosure control) can be checked against the rows of another. No commit can fall between
    the rows and the checksums. An indicator without rows has the checksum (0, 0). The checksum
    is read, not computed, where the stored release was taken at the indicator's current data
    version (`cell_checksums`).
    """
    ids = [str(i) for i in indicator_ids]
    with db.reading() as con:
        wanted = CELL_COLUMNS if cells_only else (columns or OBSERVATION_COLUMNS)
        frame = _select(con, ids, area_codes, start, end, wanted)
        sums = cell_checksums(con, ids if checksums_of is None else checksums_of)
    return frame, sums


def checksums(
    con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """Per indicator: (number of cells, sum of a hash of area, month, value and denominator);
    (0, 0) for an indicator without rows."""
    ids = [str(i) for i in indicator_ids]
    rows = con.execute(
        """SELECT indicator_id, count(*), sum(hash(area_code, period, value, denominator))
           FROM observations WHERE list_contains(?, indicator_id) GROUP BY indicator_id""",
        [ids],
    ).fetchall()
    found = {str(i): (int(n), int(h)) for i, n, h in rows}
    return {i: found.get(i, (0, 0)) for i in ids}


def _select(
    con: duckdb.DuckDBPyConnection,
    indicator_ids: Sequence[str] | None,
    area_codes: Sequence[str] | None,
    start: date | None,
    end: date | None,
    columns: Sequence[str],
) -> pd.DataFrame:
    wanted = set(columns)
    if unknown := wanted - set(OBSERVATION_COLUMNS):
        raise ValueError(f"not an observation column: {sorted(unknown)}")
    # Column names come from OBSERVATION_COLUMNS only, never from the caller's text.
    names = ", ".join(c for c in OBSERVATION_COLUMNS if c in wanted)
    where, params = _where(indicator_ids, area_codes, start, end)
    frame = con.execute(f"SELECT {names} FROM observations" + where + _ORDER, params).df()  # noqa: S608 - fixed column names, `?` placeholders
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def _where(
    indicator_ids: Sequence[str] | None,
    area_codes: Sequence[str] | None,
    start: date | None,
    end: date | None,
) -> tuple[str, list]:
    """A WHERE clause with a condition per filter given (None = no condition) and its values.

    Lists become `column IN (?, ?, …)`, one placeholder per value (an empty list matches
    nothing), so DuckDB pushes every condition into the scan: row groups whose zonemaps
    exclude the values are skipped, and no condition is evaluated for a filter not given.
    Values only ever go in as bind parameters.
    """
    conditions: list[str] = []
    params: list = []
    for column, values in (("indicator_id", indicator_ids), ("area_code", area_codes)):
        if values is None:
            continue
        listed = [str(v) for v in values]
        marks = ", ".join("?" for _ in listed)
        conditions.append(f"{column} IN ({marks})" if listed else "FALSE")
        params.extend(listed)
    for condition, value in (("period >= ?", start), ("period <= ?", end)):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


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


def latest_delivered_periods(
    db: Database, *, indicator_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per stored (indicator, area): the latest month delivered, in one grouped read.

    Columns indicator_id, area_code, latest (Timestamp, first of the month), ordered by
    indicator and area; indicator_ids None = all. Pairs without any row are absent (never
    delivered); an empty database gives an empty frame with the columns.
    """
    ids = None if indicator_ids is None else [str(i) for i in indicator_ids]
    with db.reading() as con:
        frame = con.execute(
            """SELECT indicator_id, area_code, max(period) AS latest FROM observations
               WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], indicator_id)
               GROUP BY indicator_id, area_code ORDER BY indicator_id, area_code""",
            [ids, ids],
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
    db: Database,
    *,
    indicator_id: str | None = None,
    area_code: str | None = None,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Observations in the canonical upload format, for export and download.

    The period is written as an upload reads it back: at the indicator's frequency in `catalog`
    ("2026-03", "2025K3", "2025"; metrics.periods.period_code), as a month without a catalog.
    """
    frame = load_observations(
        db,
        indicator_ids=None if indicator_id is None else [indicator_id],
        area_codes=None if area_code is None else [area_code],
    )
    frequencies = {i.id: i.frequency for i in catalog.indicators} if catalog else {}
    frame["period"] = [
        period_code(p, frequencies.get(i, "monthly"))
        for i, p in zip(frame["indicator_id"], frame["period"], strict=True)
    ]
    return frame[["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]]

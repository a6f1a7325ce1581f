"""Published disclosure decisions: which cells of each indicator briefing mode hid in its last release."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from i18n import MessageError
from storage.database import Database
from storage.observations import areas_and_checksums, checksums, data_versions_of

if TYPE_CHECKING:
    from metrics.disclosure.releases import ReleaseDecider

KEY_NAME = "disclosure_key"
"""The ``meta`` row that holds the database's secret key for disclosure control's draws."""


def ensure_key(con: duckdb.DuckDBPyConnection) -> None:
    """Give the database its secret key (32 random bytes, hex) unless it has one. It never
    changes afterwards, so every release of the database draws the same decoys; it is never
    shown, exported or logged (a reader who had it could replay the decoys)."""
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT DO NOTHING", [KEY_NAME, secrets.token_hex(32)]
    )


class MissingDisclosureKey(MessageError, RuntimeError):
    """The database has no secret key for disclosure control (the writer creates it)."""


def has_key(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta WHERE key = ?", [KEY_NAME]).fetchall()[0][0])


def disclosure_key_of(con: duckdb.DuckDBPyConnection) -> bytes:
    """The key, read on an open connection (see `disclosure_key`)."""
    return _key(con)


def _key(con: duckdb.DuckDBPyConnection) -> bytes:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [KEY_NAME]).fetchall()
    if not row:
        raise MissingDisclosureKey("store_no_disclosure_key")
    return bytes.fromhex(row[0][0])


def disclosure_key(db: Database) -> bytes:
    """The database's secret key for disclosure control (created when the schema is migrated)."""
    with db.reading() as con:
        return _key(con)


@dataclass(frozen=True)
class Release:
    """The stored decision for one indicator: taken on cells with `checksum` (as
    `load_observations_with_checksums` computes it) at `threshold`; `hidden`: area_code, period,
    reason and, when the release decided year totals (`year_totals`), months (1 a month, 12 a
    year's total); without that column the release said nothing of year totals."""

    checksum: tuple[int, int]
    threshold: int
    hidden: pd.DataFrame
    year_totals: bool = False
    areas: tuple[str, ...] | None = None
    """None: `hidden` holds every cell the release hides; else only those at these areas
    (``load_releases_with_cells(..., areas=...)``: what a page showing them needs)."""


def load_release(db: Database, indicator_id: str) -> Release | None:
    """The indicator's stored decision, or None if none was ever stored."""
    with db.reading() as con:
        return _release(con, indicator_id)


@dataclass(frozen=True)
class StoredCells:
    """What applying a stored release to an indicator needs, read at one moment: the release
    (None if none was stored), the areas the indicator has cells at (sorted) and the checksum
    of its cells now."""

    release: Release | None
    areas: list[str]
    checksum: tuple[int, int]


def load_releases_with_cells(
    db: Database, indicator_ids: Sequence[str], areas: Sequence[str] | None = None
) -> dict[str, StoredCells]:
    """Per indicator: its stored release, its areas and its cells' checksum, in one read of the
    file (a briefing page's first visit applies a release to each protected indicator it shows:
    one attach and three queries instead of three reads per indicator).

    areas: only the hidden cells at these areas are read (a page shows one area and the region:
    at national scale the releases hide millions of cells in all); the releases say so
    (``Release.areas``). None: every hidden cell."""
    ids = [str(i) for i in indicator_ids]
    with db.reading() as con:
        releases = _releases(con, ids, areas)
        cells = areas_and_checksums(con, ids)
    return {i: StoredCells(releases.get(i), *cells[i]) for i in ids}


def _release(con: duckdb.DuckDBPyConnection, indicator_id: str) -> Release | None:
    return _releases(con, [indicator_id]).get(indicator_id)


def _releases(
    con: duckdb.DuckDBPyConnection, indicator_ids: list[str], areas: Sequence[str] | None = None
) -> dict[str, Release]:
    """The stored releases of those indicators that have one (hidden cells at `areas` only,
    unless None)."""
    rows = con.execute(
        """SELECT indicator_id, cells, checksum, threshold, year_totals FROM disclosure_releases
           WHERE list_contains(?, indicator_id)""",
        [indicator_ids],
    ).fetchall()
    if not rows:
        return {}
    scope = None if areas is None else tuple(sorted({str(a) for a in areas}))
    where = "" if scope is None else " AND list_contains(?, area_code)"
    hidden = con.execute(
        f"""SELECT indicator_id, area_code, period, reason, months FROM disclosure_hidden
           WHERE list_contains(?, indicator_id){where}
           ORDER BY indicator_id, months, area_code, period""",  # noqa: S608 - fixed text, `?` placeholders
        [[str(r[0]) for r in rows], *([list(scope)] if scope is not None else [])],
    ).df()
    hidden["period"] = pd.to_datetime(hidden["period"])
    owner = hidden.pop("indicator_id").to_numpy()
    # Each indicator's rows are one run (ORDER BY indicator_id): sliced, not masked per indicator.
    bounds: dict[str, tuple[int, int]] = {}
    if len(owner):
        starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
        stops = np.r_[starts[1:], len(owner)]
        bounds = {str(owner[a]): (a, b) for a, b in zip(starts, stops, strict=True)}
    out = {}
    for indicator_id, cells, checksum, threshold, year_totals in rows:
        start, stop = bounds.get(str(indicator_id), (0, 0))
        own = hidden.iloc[start:stop].reset_index(drop=True)
        if not year_totals:
            own = own.drop(columns="months")
        out[str(indicator_id)] = Release(
            (int(cells), int(checksum)), int(threshold), own, bool(year_totals), scope
        )
    return out


def _cells(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    frame = con.execute(
        """SELECT area_code, period, value, denominator FROM observations
           WHERE indicator_id = ? ORDER BY area_code, period""",
        [indicator_id],
    ).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def snapshot(con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str]) -> dict:
    """What readers saw of the indicators before a write: their cells and, where the stored
    decision was taken on exactly those cells, the cells it hid (else None)."""
    sums = checksums(con, indicator_ids)
    out = {}
    for indicator_id in indicator_ids:
        release = _release(con, indicator_id)
        hidden = release.hidden if release and release.checksum == sums[indicator_id] else None
        out[indicator_id] = (_cells(con, indicator_id), hidden)
    return out


Prepared = dict[str, tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame | None]]
"""Decisions taken before a write (storage.uploads._prepare_releases): per indicator its cells
before, the cells the last release hid (or None), its cells after, and the decision."""

_NOT_PREPARED = object()


def _same(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.reset_index(drop=True).equals(b.reset_index(drop=True))


def _prepared(prepared, indicator_id, cells_before, hidden_before, cells):
    """The decision taken before the write when it was taken on exactly these cells (the
    decision is a function of them and of the key), else _NOT_PREPARED."""
    if not prepared or indicator_id not in prepared:
        return _NOT_PREPARED
    before, hidden, after, decision = prepared[indicator_id]
    if _same(before, cells_before) and _same(hidden, hidden_before) and _same(after, cells):
        return decision
    return _NOT_PREPARED


def record_releases(
    con: duckdb.DuckDBPyConnection,
    before: dict,
    decide: ReleaseDecider,
    upload_id: int | None,
    *,
    prepared: Prepared | None = None,
) -> None:
    """After a write, in its transaction: decide each indicator in `before` (a `snapshot`) on
    its cells now with `decide` (given by the writer's caller: storage decides nothing itself),
    and store the decision with the checksum of those cells and the indicator's data version
    (the writer bumped the versions first, in this transaction: `storage.versions`)."""
    sums = checksums(con, list(before))
    versions = data_versions_of(con, list(before))
    ensure_key(con)
    key = _key(con)
    for indicator_id, (cells_before, hidden_before) in before.items():
        cells = _cells(con, indicator_id)
        hidden = _prepared(prepared, indicator_id, cells_before, hidden_before, cells)
        if hidden is _NOT_PREPARED:
            hidden = decide(indicator_id, cells_before, hidden_before, cells, key=key)
        con.execute("DELETE FROM disclosure_hidden WHERE indicator_id = ?", [indicator_id])
        con.execute("DELETE FROM disclosure_releases WHERE indicator_id = ?", [indicator_id])
        if hidden is None:
            continue
        n, h = sums[indicator_id]
        years = "months" in hidden.columns
        con.execute(
            """INSERT INTO disclosure_releases
               (indicator_id, cells, checksum, threshold, decided_at, upload_id, year_totals,
                data_version)
               VALUES (?, ?, ?, ?, CAST(current_timestamp AS TIMESTAMP), ?, ?, ?)""",
            [indicator_id, n, h, decide.threshold, upload_id, years, versions.get(indicator_id)],
        )
        if len(hidden):
            rows = pd.DataFrame(
                {
                    "indicator_id": indicator_id,
                    "area_code": hidden["area_code"].astype(str).to_numpy(),
                    "period": pd.to_datetime(hidden["period"]).dt.date.to_numpy(),
                    "reason": hidden["reason"].astype(str).to_numpy(),
                    "months": hidden["months"].astype(int).to_numpy() if years else 1,
                }
            )
            con.register("release_rows", rows)
            try:
                con.execute(
                    """INSERT INTO disclosure_hidden (indicator_id, area_code, period, reason,
                       months) SELECT * FROM release_rows"""
                )
            finally:
                con.unregister("release_rows")

"""Protected reads: the stored figures a view may show, with disclosure control's release decision applied.

Disclosure control protects an indicator as a whole (a cell can be recovered by subtraction
across areas), never a cut of it; and no relation crosses indicators. So a protected read takes,
per indicator, the decision of its current release: which cells to hide (a list of cells, not
values). The writer (commit and undo) stores that decision with a checksum of the cells it was
taken on (storage/disclosure.py), sticky across releases; `current_decision` reads it, and
decides on the spot only where none matches (a database written without a decision), keeping
what the last stored release hid hidden. A view reads only the rows it shows and hides those
cells in them. The rows and a checksum of each indicator's stored cells come from one read; a
decision is only ever applied to the cells it was taken on.

Framework-free: ui/data.py caches these per data version (and the decisions per checksum);
`observations` is the operation for a person, deciding the mode from the user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import pandas as pd

from auth import User
from metrics.catalog import Catalog
from metrics.disclosure import (
    DEFAULT_THRESHOLD,
    HiddenCells,
    decide_release,
    decide_year_totals,
    has_year_totals,
    hide_cells,
    protects,
    release_hidden_cells,
    year_totals,
)
from services.access import protected_view
from storage import (
    Database,
    disclosure_key,
    load_observations,
    load_observations_with_checksums,
    load_release,
)
from storage.disclosure import Release, load_releases_with_cells
from storage.observations import CELL_COLUMNS, OBSERVATION_COLUMNS

Decisions = Callable[
    [Mapping[str, tuple[int, int]], Sequence[str] | None],
    tuple[dict[str, HiddenCells], list[str]],
]
"""({indicator id: checksum of its stored cells}, the areas the caller shows or None for all)
-> (the cells to hide per indicator, the indicators whose stored cells no longer have that
checksum: a commit fell between two reads), as `current_decisions`."""


class StoredCellsChanged(Exception):
    """The indicator's stored cells changed between two reads."""


def _applies(release: Release | None, checksum: tuple[int, int]) -> bool:
    """True when the stored release was taken on cells with `checksum` at today's threshold."""
    return (
        release is not None
        and release.checksum == checksum
        and release.threshold == DEFAULT_THRESHOLD
    )


def release_decision(
    db: Database, catalog: Catalog, indicator_id: str, rows: pd.DataFrame, checksum: tuple[int, int]
) -> HiddenCells:
    """The release decision for an indicator whose stored cells are `rows` (all of them) with
    `checksum`: the stored one when it was taken on these cells at today's threshold, else one
    taken now (keeping hidden what the last stored release hid). A stored release that decided
    no year totals (stored before they were) gets them decided now, on its months."""
    release = load_release(db, indicator_id)
    if _applies(release, checksum):
        if release.year_totals:
            return release_hidden_cells(indicator_id, rows, release.hidden)
        cells = rows.drop(columns="indicator_id")
        years = decide_year_totals(
            cells, release.hidden, catalog, indicator_id, key=disclosure_key(db)
        )
        hidden = pd.concat([release.hidden.assign(months=1), years], ignore_index=True)
        return release_hidden_cells(indicator_id, rows, hidden)
    hidden = decide_release(
        rows.drop(columns="indicator_id"),
        catalog,
        indicator_id,
        hidden_before=None if release is None else release.hidden,
        key=disclosure_key(db),
    )
    return release_hidden_cells(indicator_id, rows, hidden)


def current_decision(
    db: Database, catalog: Catalog, indicator_id: str, checksum: tuple[int, int]
) -> HiddenCells:
    """Which cells of the indicator disclosure control hides, decided on every area and month of
    it, for stored cells with `checksum`. Raises StoredCellsChanged when they no longer have it."""
    decisions, changed = current_decisions(db, catalog, {indicator_id: checksum})
    if changed:
        raise StoredCellsChanged(indicator_id)
    return decisions[indicator_id]


def current_decisions(
    db: Database,
    catalog: Catalog,
    checksums: Mapping[str, tuple[int, int]],
    areas: Sequence[str] | None = None,
) -> tuple[dict[str, HiddenCells], list[str]]:
    """`current_decision` for each indicator in `checksums` (id -> checksum of the stored cells
    the caller read): the decisions, and the indicators whose stored cells no longer have the
    checksum (a commit fell between the reads; no decision for those).

    A release the writer stored on exactly those cells (the usual case: every commit stores one)
    is applied without reading the rows: it needs only the areas they are at, read for every
    indicator at once with the releases (one read of the file). `areas`: the caller shows only
    these; a stored release's hidden cells are read for them alone and its decision answers for
    them alone (``HiddenCells.scope``). A decision taken on the spot covers every area."""
    stored = load_releases_with_cells(db, list(checksums), areas)
    decisions: dict[str, HiddenCells] = {}
    changed: list[str] = []
    for indicator_id, checksum in checksums.items():
        now = stored[indicator_id]
        if now.checksum != checksum:
            changed.append(indicator_id)
        elif checksum == (0, 0):  # no stored cell: nothing to hide, nothing to decide
            decisions[indicator_id] = HiddenCells.none(indicator_id)
        elif _applies(now.release, checksum) and now.release.year_totals:
            decisions[indicator_id] = release_hidden_cells(
                indicator_id,
                pd.DataFrame({"area_code": now.areas}),
                now.release.hidden,
                now.release.areas,
            )
        else:
            rows, sums = load_observations_with_checksums(
                db, indicator_ids=[indicator_id], cells_only=True
            )
            if sums[indicator_id] != checksum:
                changed.append(indicator_id)
            else:
                decisions[indicator_id] = release_decision(
                    db, catalog, indicator_id, rows, checksum
                )
    return decisions, changed


def read_observations(
    db: Database,
    catalog: Catalog,
    *,
    protected: bool,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str] | None = None,
    end: pd.Timestamp | None = None,
    columns: Sequence[str] = OBSERVATION_COLUMNS,
    decisions: Decisions | None = None,
) -> pd.DataFrame:
    """The indicators' rows at the areas (None = all) up to `end` (None = all months), in one
    bound query, with a `suppressed` column; `protected` (briefing or public mode) applies
    disclosure control as to the whole indicator: hidden cells have no value or denominator.

    `columns`: what to read (a hidden cell's value, denominator and note are blanked where
    read; `suppressed` and, protected, `suppression_reason` are added). `decisions`: how
    to get the indicators' release decisions (default `current_decisions`; ui/data passes
    cached ones). The mode is the caller's to decide (`services.access.protected_view`); a person's read
    is `observations`.
    """
    last = None if end is None else end.date()
    codes = None if area_codes is None else list(area_codes)
    if not protected:
        # Every indicator of the catalog is no filter at all: a list of a hundred ids would be
        # checked on every stored row.
        every = set(indicator_ids) >= {i.id for i in catalog.indicators}
        ids = None if every else list(indicator_ids)
        obs = load_observations(db, indicator_ids=ids, area_codes=codes, end=last, columns=columns)
        if every:
            # Rows of an indicator no longer in the catalog are left out, as the list would.
            known = obs["indicator_id"].isin(indicator_ids)
            if not known.all():
                obs = obs[known].reset_index(drop=True)
        return obs.assign(suppressed=False)
    return _protected_read(db, catalog, indicator_ids, codes, end, decisions, columns)[1]


def read_stored_and_protected(
    db: Database,
    catalog: Catalog,
    *,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str] | None = None,
    end: pd.Timestamp | None = None,
    decisions: Decisions | None = None,
    columns: Sequence[str] = OBSERVATION_COLUMNS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the stored rows, the same rows protected) from one read of the file: what
    `read_observations` gives unprotected and protected, for a briefing view that takes its
    readings on the stored values and draws the protected ones. `columns`: the columns of both
    (what the view needs; every one by default)."""
    codes = None if area_codes is None else list(area_codes)
    stored, protected_rows = _protected_read(
        db, catalog, indicator_ids, codes, end, decisions, columns
    )
    return stored.assign(suppressed=False), protected_rows


def _protected_read(
    db: Database,
    catalog: Catalog,
    indicator_ids: Sequence[str],
    codes: list[str] | None,
    end: pd.Timestamp | None,
    decisions: Decisions | None,
    columns: Sequence[str] = OBSERVATION_COLUMNS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows and the protected rows of `read_observations(protected=True)` (of
    `columns` only)."""
    last = None if end is None else end.date()
    if decisions is None:

        def decisions(wanted: Mapping[str, tuple[int, int]], areas: Sequence[str] | None):
            return current_decisions(db, catalog, wanted, areas)

    guarded = [i for i in indicator_ids if protects(catalog.indicator(i))]
    rows, checksums = load_observations_with_checksums(
        db,
        indicator_ids=list(indicator_ids),
        area_codes=codes,
        end=last,
        checksums_of=guarded,
        columns=columns,
    )
    decided, changed = decisions({i: checksums[i] for i in guarded}, codes)
    decided.update(
        (i, HiddenCells.none(i)) for i in indicator_ids if not protects(catalog.indicator(i))
    )
    protected_rows = hide_cells(rows[~rows["indicator_id"].isin(changed)], decided)
    if changed:
        # A commit fell between the two reads: take these indicators' decisions on one read of
        # all their rows, and cut the protected rows.
        every_row, sums = load_observations_with_checksums(db, indicator_ids=changed)
        fresh = {
            i: release_decision(
                db, catalog, i, every_row[every_row["indicator_id"] == i][CELL_COLUMNS], sums[i]
            )
            for i in changed
        }
        fresh_rows = hide_cells(every_row, fresh)
        if codes is not None:
            fresh_rows = fresh_rows[fresh_rows["area_code"].isin(codes)]
        if end is not None:
            fresh_rows = fresh_rows[fresh_rows["period"] <= end]
        fresh_rows = fresh_rows[list(protected_rows.columns)]
        protected_rows = pd.concat([protected_rows, fresh_rows]).sort_values(
            ["indicator_id", "area_code", "period"], ignore_index=True
        )
    return rows, protected_rows


def read_year_totals(
    db: Database,
    catalog: Catalog,
    *,
    protected: bool,
    indicator_id: str,
    decisions: Decisions | None = None,
) -> pd.DataFrame:
    """Each area's complete calendar years of the indicator (all twelve months stored), as
    `metrics.disclosure.year_totals` gives them: area_code, year, value, denominator,
    suppressed. `protected` (briefing or public mode): the totals the indicator's release
    decision hides (metrics/disclosure/years.py) have no value or denominator; for an indicator
    whose releases decide no year totals (`has_year_totals`), every total is hidden.
    `decisions`: as in `read_observations`."""
    rows, checksums = load_observations_with_checksums(
        db, indicator_ids=[indicator_id], cells_only=True
    )
    cells = rows[[c for c in CELL_COLUMNS if c != "indicator_id"]]
    indicator = catalog.indicator(indicator_id)
    if not protected or not protects(indicator):
        return year_totals(cells)
    if not has_year_totals(indicator, catalog):
        # No release decides this indicator's year totals: none is shown.
        return year_totals(cells, replace(HiddenCells.none(indicator_id), years=None))
    checksum = checksums[indicator_id]
    hidden = None
    if decisions is not None:
        hidden = decisions({indicator_id: checksum}, None)[0].get(indicator_id)
    if hidden is None:  # no cached decision, or the cells changed since the read above
        hidden = release_decision(db, catalog, indicator_id, rows, checksum)
    return year_totals(cells, hidden)


def observations(
    db: Database,
    catalog: Catalog,
    user: User | None,
    *,
    briefing: bool,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str] | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """What `user` may see of the indicators' rows (as `read_observations`): protected when
    briefing mode is asked for, and always for the public role, a public deployment or nobody
    known (`services.access.protected_view`), whatever `briefing` says."""
    return read_observations(
        db,
        catalog,
        protected=protected_view(user, briefing),
        indicator_ids=indicator_ids,
        area_codes=area_codes,
        end=end,
    )

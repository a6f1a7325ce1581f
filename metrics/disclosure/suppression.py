"""Suppression: primaries, decoys and company until no hidden cell can be pinned or proved small."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.disclosure.cells import _blank, _months
from metrics.disclosure.geography import AdditiveGroup, _usable, area_groups
from metrics.disclosure.keys import cell_draws, indicator_key
from metrics.disclosure.policy import _TOL, DECOY_RATE, DEFAULT_THRESHOLD, protects
from metrics.disclosure.program import _components, _Program

if TYPE_CHECKING:
    from metrics.catalog import Catalog


def apply_disclosure(
    obs: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    key: bytes,
) -> pd.DataFrame:
    """Protect an observation frame before anything is drawn or exported (briefing/public mode).

    Pass every cell that will be shown (all areas and months, plus any year totals): the frame
    is protected as a whole, so showing a subset of the result is safe, but aggregating the
    result afterwards is not (aggregate first, then protect). Same as ``suppress``.

    No relation crosses indicators, so each indicator is protected on its own: protecting one
    indicator's rows (every area and month of it) gives exactly what protecting them together
    with other indicators gives. Cutting areas or months before protecting is never safe.
    """
    return suppress(obs, catalog, threshold, key=key)


def suppress(
    frame: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    key: bytes,
    groups: Sequence[AdditiveGroup] | None = None,
    keep_hidden: np.ndarray | None = None,
    already_shown: np.ndarray | None = None,
    decoys: np.ndarray | None = None,
) -> pd.DataFrame:
    """Hide small counts, and further cells until no hidden cell can be pinned down or proved
    small by a reader who knows everything shown.

    frame: a table of counts in observation form: indicator_id, area_code, period (first day of
        the month), value (count, stock level, or numerator of a proportion), optional
        denominator, and optionally ``period_end``: for a row covering several months (a year
        total, year to date) its last month; NaT or absent for a single month.
    keep_hidden: per row, True = hidden in an earlier release of the same data (stays hidden:
        a revision never uncovers what was hidden). already_shown: per row, True = a reader
        already knows this value from an earlier release (shown then, unchanged since): hiding
        it now protects nothing, so it is never chosen to protect another cell.
    Returns a copy with ``suppressed`` (bool) and ``suppression_reason`` ("primary", "secondary",
    None); where suppressed, value, denominator and DERIVED_COLUMNS are NaN.

    Only indicators with ``disclosure`` true are touched; median_days values are left as they
    are. Primary: a value (for a proportion, a numerator or a denominator) from 1 to
    threshold-1; for an indicator without relations between its areas (``is_isolated``) every
    value below the threshold, zeros too. Decoys: every cell whose secret draw (``cell_draws``
    with ``key``) falls below ``DECOY_RATE`` is hidden whatever its value, zeros too, so a reader
    who replays the rule without the key cannot tell a cell hidden for its own sake from a decoy
    (reason "secondary"; none for an isolated indicator). Secondary, repeated until nothing
    changes: every hidden cell is checked against the attacker of docs/disclosure.md, who knows
    each shown cell, every additive relation (``area_groups``, and a multi-month row = its
    months; for a stock, its last month), that counts are whole and non-negative, that a
    numerator is at most its denominator and that a hidden share has a base of at least 1 (not
    that a hidden count is at least 1: zeros are hidden as decoys and company too). Its feasible
    range (an integer program per group of hidden cells linked by relations) must reach the
    threshold and hold more than one value. A cell that fails gets company chosen without
    looking at values: its partner in a secret pairing (``cell_draws``' rank) of the cells of its
    smallest relation, zeros too, then the pair's partner pair, and so on (so either cell of a
    pair could be the small one), the relation's total when every part is hidden, then the next
    relation. A cumulative stock level 1..threshold-1 above the previous shown level is hidden
    too (the rise is a count). Cells missing from the frame, or NaN, are unknown to the reader
    (at least 0).
    key: the database's secret (``storage.disclosure_key``; at least 16 bytes). decoys: per
    row, the decoys to use instead of the key's draws (for replaying the rule in tests).
    Empty frame -> empty result with the two columns.
    """
    if threshold < 1:
        raise ValueError("suppress: threshold must be at least 1")
    out = frame.copy()
    out["suppressed"] = False
    out["suppression_reason"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if out.empty:
        return out
    relations = tuple(groups) if groups is not None else area_groups(catalog)
    starts = _months(out["period"])
    ends = (
        _months(out["period_end"].fillna(out["period"])) if "period_end" in out.columns else starts
    )
    indicator_key(key, "")  # a missing or short key fails before any work
    keep = np.zeros(len(out), bool) if keep_hidden is None else np.asarray(keep_hidden, bool)
    public = np.zeros(len(out), bool) if already_shown is None else np.asarray(already_shown, bool)
    reasons = np.full(len(out), None, dtype=object)
    # Indicators are protected one by one (no relation crosses indicators): row positions per
    # indicator in one pass instead of a scan of the frame per indicator.
    by_indicator = pd.Series(np.arange(len(out))).groupby(
        out["indicator_id"].astype(str).to_numpy(), sort=False
    )
    for indicator_id, positions in by_indicator:
        indicator = catalog.indicator(str(indicator_id))
        if not protects(indicator):
            continue
        rows = positions.to_numpy()
        part = out.iloc[rows]
        columns = ["value", "denominator"] if indicator.kind == "proportion" else ["value"]
        quantities = part.reindex(columns=columns).to_numpy(dtype="float64")
        valid = set(catalog.valid_areas(indicator.id)) | set(part["area_code"].unique().astype(str))
        protector = _Protector(
            areas=part["area_code"].astype(str).to_numpy(dtype=object),
            starts=starts[rows],
            ends=ends[rows],
            quantities=quantities,
            kind=indicator.kind,
            relations=relations,
            valid_areas=valid,
            threshold=threshold,
            keep_hidden=keep[rows],
            already_shown=public[rows],
            key=indicator_key(key, str(indicator_id)),
            decoys=None if decoys is None else np.asarray(decoys, bool)[rows],
        )
        reasons[rows] = protector.run()
    return _blank(out, reasons)


class _Protector:
    """Suppression for one indicator's cells; a cell is (area, first month, last month).

    Cells in the frame have indices 0..n-1 (n >= 1); cells a group names but the frame lacks
    (a split part, an unreported area) get "virtual" indices from n on (never shown, so always
    unknown to a reader, at least 0). The state arrays cover both. Cells are found by an
    integer key (area, first month, last month) in a sorted array.
    """

    def __init__(
        self,
        *,
        areas: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        quantities: np.ndarray,
        kind: str,
        relations: Iterable[AdditiveGroup],
        valid_areas: set[str],
        threshold: int,
        keep_hidden: np.ndarray,
        already_shown: np.ndarray,
        key: bytes,
        decoys: np.ndarray | None = None,
    ) -> None:
        self.n = len(areas)
        self.t = float(threshold)
        self.kind = kind
        self.areas = areas
        self.starts = np.asarray(starts, dtype="int64")
        self.ends = np.asarray(ends, dtype="int64")
        usable = [
            (r.parent, children)
            for r in relations
            if r.parent in valid_areas
            for _, children in [_usable(r, valid_areas)]
            if children
        ]
        self.isolated = not usable
        codes = dict.fromkeys([*areas.tolist(), *sorted(valid_areas)])
        for parent, children in usable:
            codes.update(dict.fromkeys([parent, *children]))
        self.code_list = list(codes)
        self.code_ids = {code: k for k, code in enumerate(codes)}
        area_ids = pd.Index(self.code_list).get_indexer(areas).astype("int64")
        keys = self._key(area_ids, self.starts, self.ends)
        self.order = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[self.order]
        duplicate = np.flatnonzero(self.sorted_keys[1:] == self.sorted_keys[:-1])
        if len(duplicate):
            i = int(self.order[duplicate[0]])
            cell = (str(areas[i]), int(self.starts[i]), int(self.ends[i]))
            raise ValueError(f"suppress: more than one row for {_describe(cell)}")
        self.virtual: dict[int, int] = {}
        self.groups = self._build_groups(usable)
        size = self.n + len(self.virtual)
        self.q = np.full((size, quantities.shape[1]), np.nan)
        self.q[: self.n] = quantities
        self.known = np.zeros(size, dtype=bool)
        self.known[: self.n] = ~np.isnan(quantities).any(axis=1)
        self.public = np.zeros(size, dtype=bool)
        self.public[: self.n] = np.asarray(already_shown, bool) & self.known[: self.n]
        self.hidden = np.zeros(size, dtype=bool)
        self.hidden[: self.n] = np.asarray(keep_hidden, bool) & ~self.public[: self.n]
        self.reason = np.full(self.n, None, dtype=object)
        self.reason[self.hidden[: self.n]] = "secondary"
        possible = np.zeros(size, dtype=bool)
        possible[: self.n] = self.known[: self.n]
        if kind == "proportion":
            # A share of nothing (denominator 0) is never hidden: a hidden share has a base.
            possible[: self.n] &= np.nan_to_num(quantities[:, 1]) > _TOL
        # Cells that may be hidden to protect another, or as decoys: in the frame, not already
        # known to readers; zeros too, so a reader never knows a hidden count to be at least 1.
        # Which cells these are is public, so pairing them reveals nothing.
        self.eligible = possible & ~self.public
        # A secret rank and draw per cell from its area and months (never its value).
        self.rank, draw = cell_draws(
            key, [f"{self._code_of(i)}|{self._span_of(i)}" for i in range(size)]
        )
        # Decoys: cells hidden whatever their value, drawn with the key among the cells that
        # could be hidden at all (so for the reader any hidden cell may be one). Not for an
        # indicator without relations: its ".." already says 0..4 (see ``is_isolated``).
        chosen = draw[: self.n] < DECOY_RATE if decoys is None else np.asarray(decoys, bool)
        self.decoys = chosen & self.eligible[: self.n] & (not self.isolated)
        flat = [np.concatenate(([p], cs)) for p, cs in self.groups]
        self.members = np.concatenate(flat) if flat else np.zeros(0, dtype="int64")
        sizes = [len(m) for m in flat]
        self.starts_of = np.concatenate(([0], np.cumsum(sizes))).astype("int64")
        owner = np.repeat(np.arange(len(flat)), sizes)
        by_member = np.argsort(self.members, kind="stable")
        self.members_sorted, self.owner_sorted = self.members[by_member], owner[by_member]
        self.levels = (
            self._stock_levels(area_ids) if kind == "stock" else np.zeros((0, 0), dtype="int64")
        )
        self.verdicts: dict[bytes, np.ndarray] = {}
        self.proven = np.zeros(size, dtype=bool)  # hidden cells found safe (they stay safe)
        self.trade: tuple[np.ndarray, np.ndarray] | None = None  # see _trade_classes
        self.cell_area = np.full(size, -1, dtype="int64")
        self.cell_area[: self.n] = area_ids
        self.lp_calls = 0

    # -- structure -------------------------------------------------------------------------

    @staticmethod
    def _key(area_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        # month numbers are below 2**17 for any year before 10 000
        return (area_ids << 34) | (starts << 17) | ends

    def _code_of(self, i: int) -> str:
        if i < self.n:
            return str(self.areas[i])
        return self.code_list[self.virtual_keys[i - self.n] >> 34]

    def _span_of(self, i: int) -> int:
        if i < self.n:
            return int((self.starts[i] << 17) | self.ends[i])
        return int(self.virtual_keys[i - self.n] & ((1 << 34) - 1))

    def _cells(self, keys: np.ndarray) -> np.ndarray:
        """Indices of cells by key: a row of the frame, or a (new) virtual index."""
        at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.n - 1)
        found = self.sorted_keys[at] == keys
        cells = np.where(found, self.order[at], -1)
        for k in np.flatnonzero(~found):
            cells[k] = self.virtual.setdefault(int(keys[k]), self.n + len(self.virtual))
        return cells

    def _build_groups(self, usable: list[tuple[str, list[str]]]) -> list[tuple[int, np.ndarray]]:
        """(parent, children) cell indices: per span of months each area relation that has a
        cell in the frame, then each multi-month row's months."""
        pairs = np.unique((self.starts << 17) | self.ends)
        spans = np.stack([pairs >> 17, pairs & ((1 << 17) - 1)], axis=1)
        per_relation = []
        for parent, children in usable:
            ids = np.array([self.code_ids[a] for a in (parent, *children)], "int64")
            keys = self._key(ids[None, :], spans[:, :1], spans[:, 1:])
            at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.n - 1)
            present = self.sorted_keys[at] == keys
            per_relation.append((keys, present.any(axis=1)))
        groups: list[tuple[int, np.ndarray]] = []
        for s in range(len(spans)):
            for keys, any_present in per_relation:
                if any_present[s]:
                    cells = self._cells(keys[s])
                    groups.append((int(cells[0]), cells[1:]))
        self.first_row_group = len(groups)  # from here on: each multi-month row = its months
        for i in np.flatnonzero(self.ends > self.starts):
            months = np.arange(self.starts[i], self.ends[i] + 1, dtype="int64")
            if self.kind == "stock":
                months = months[-1:]
            area = np.full(len(months), self.code_ids[str(self.areas[i])], dtype="int64")
            groups.append((int(i), self._cells(self._key(area, months, months))))
        self.virtual_keys = np.zeros(len(self.virtual), dtype="int64")
        for key, index in self.virtual.items():
            self.virtual_keys[index - self.n] = key
        return groups

    # -- the decision ----------------------------------------------------------------------

    def _small_rows(self, totals: np.ndarray) -> np.ndarray:
        """Per row of `totals`: is any quantity a small count (strictly between 0 and t)?"""
        return ((totals > _TOL) & (totals < self.t - _TOL)).any(axis=-1)

    def run(self) -> np.ndarray:
        q = self.q[: self.n]
        if self.isolated:
            small = self.known[: self.n] & (q < self.t - _TOL).all(axis=1)
        else:
            small = self.known[: self.n] & self._small_rows(q)
        small &= ~self.public[: self.n]
        primary = np.flatnonzero(small)
        self.hidden[primary] = True
        self.reason[primary] = "primary"
        decoys = np.flatnonzero(self.decoys & ~self.hidden[: self.n])
        self.hidden[decoys] = True
        self.reason[decoys] = "secondary"  # hidden for the others' sake, not its own value
        while True:
            changed = self._sweep_stock_steps()
            done: set[int] = set()
            unsafe = self._unsafe()
            for cell in unsafe:
                if cell not in done:
                    changed |= self._protect(cell, done)
            if not changed and unsafe:
                changed = self._widen(unsafe)
            if not changed:
                return self.reason

    def _sweep_stock_steps(self) -> bool:
        """Hide a stock level whose rise since the previous shown level is a small count.

        Each area's levels are read in month order, all areas at once: step k looks at every
        area's k-th level, against that area's latest level still shown."""
        if self.kind != "stock" or not self.levels.size:
            return False
        changed = False
        areas = len(self.levels)
        previous = np.zeros((areas, self.q.shape[1]))
        has_previous = np.zeros(areas, dtype=bool)
        for k in range(self.levels.shape[1]):
            cells = self.levels[:, k]
            at = np.flatnonzero(cells >= 0)
            cells = cells[at]
            shown = ~self.hidden[cells]
            small = has_previous[at] & self._small_rows(self.q[cells] - previous[at])
            hide = shown & small & ~self.public[cells]
            if hide.any():
                self.hidden[cells[hide]] = True
                self.reason[cells[hide]] = "secondary"
                changed = True
            keep = shown & ~hide
            previous[at[keep]] = self.q[cells[keep]]
            has_previous[at[keep]] = True
        return changed

    def _protect(self, cell: int, done: set[int]) -> bool:
        """Hide company for an unsafe cell, chosen without looking at values (see ``suppress``).
        Cells in the block hidden (and the cell) go into `done`: they are not expanded again in
        this round."""
        lo, hi = np.searchsorted(self.members_sorted, [cell, cell + 1])
        owned = np.unique(self.owner_sorted[lo:hi])
        as_child = [g for g in owned if self.groups[g][0] != cell]
        as_parent = [g for g in owned if self.groups[g][0] == cell]
        # The smallest relation first (a police area before the region), then by position.
        ordered = sorted(as_child, key=lambda g: (len(self.groups[g][1]), g)) + sorted(
            as_parent, key=lambda g: (len(self.groups[g][1]), g)
        )
        for g in ordered:
            parent, children = self.groups[g]
            children = children[children < self.n]
            pool = children[self.hidden[children] | self.eligible[children]]
            pool = pool[np.lexsort((pool, self.rank[pool]))]
            if parent != cell and cell in pool:
                position = int(np.flatnonzero(pool == cell)[0])
                block = 2
                while block < 2 * len(pool):
                    first = (position // block) * block
                    members = pool[first : first + block]
                    new = members[~self.hidden[members]]
                    if len(new):
                        self._mark(new, done, members)
                        return True
                    block *= 2
            else:
                new = pool[~self.hidden[pool]][:1]
                if len(new):
                    self._mark(new, done, new)
                    return True
            if parent < self.n and not self.hidden[parent] and self.eligible[parent]:
                self._mark(np.array([parent]), done, np.array([parent]))
                return True
        # Every relation of the cell is hidden as far as it can be, and a reader still pins it:
        # through the totals that hold it (a hidden year total given away by the shown totals
        # of the other areas that year), so those get company in their own relations.
        # A total already given company this round is not expanded again for another of its cells.
        for g in sorted(as_child, key=lambda g: (len(self.groups[g][1]), g)):
            parent = int(self.groups[g][0])
            if parent >= self.n or not self.hidden[parent]:
                continue
            if parent in done:
                break
            if self._protect(parent, done):
                done.add(parent)
                return True
        done.add(cell)
        return False

    def _widen(self, unsafe: list[int]) -> bool:
        """The last resort when no unsafe cell found company of its own: hide every cell that may
        be hidden in the relations nearest the unsafe cells (those holding them; failing that,
        those holding the unknowns these relations hold, and so on). Repeated, it ends with every
        cell linked to an unsafe one hidden; False when none is left to hide."""
        unknown = (self.hidden & ~self.public) | ~self.known
        reach = np.zeros(len(unknown), dtype=bool)
        reach[np.asarray(unsafe, dtype="int64")] = True
        flat = [np.concatenate(([p], cs)) for p, cs in self.groups]
        while True:
            touching = [m for m in flat if reach[m].any()]
            members = np.unique(np.concatenate(touching)) if touching else np.zeros(0, "int64")
            framed = members[members < self.n]
            new = framed[self.eligible[framed] & ~self.hidden[framed]]
            if len(new):
                self._mark(new, set(), new)
                return True
            grown = reach.copy()
            grown[members[unknown[members]]] = True
            if np.array_equal(grown, reach):
                return False
            reach = grown

    def _mark(self, new: np.ndarray, done: set[int], block: np.ndarray) -> None:
        self.hidden[new] = True
        self.reason[new] = "secondary"
        done.update(int(c) for c in block)

    # -- the attacker's view ---------------------------------------------------------------

    def _unsafe(self) -> list[int]:
        """Hidden cells whose feasible range (see ``suppress``) holds one value only or stays
        below the threshold, ascending. Cells already known to readers count as shown."""
        unknown = (self.hidden & ~self.public) | ~self.known
        check = np.flatnonzero(self.hidden[: self.n] & ~self.public[: self.n])
        if not len(check):
            return []
        equations = [(p, cs) for p, cs in self.groups if unknown[p] or unknown[cs].any()]
        if not equations:
            return []
        a, b = [], []
        for p, cs in equations:
            members = np.concatenate(([p], cs))
            members = members[unknown[members]]
            a.append(members)
            b.append(np.full(len(members), members[0]))
        label = _components(len(unknown), np.concatenate(a), np.concatenate(b))
        by_root: dict[int, list[tuple[int, np.ndarray]]] = {}
        for equation, first in zip(equations, b, strict=True):
            by_root.setdefault(int(label[first[0]]), []).append(equation)
        unknown_cells = np.flatnonzero(unknown)
        members = pd.Series(unknown_cells).groupby(label[unknown_cells]).apply(np.asarray)
        unsafe: list[int] = []
        for root in np.unique(label[check]):
            if int(root) not in by_root:
                continue  # in no equation: nothing to subtract from
            cells = members[root]
            key = cells.tobytes()
            if key not in self.verdicts:
                self.verdicts[key] = self._judge(cells, by_root[int(root)])
            unsafe += self.verdicts[key].tolist()
        return sorted(unsafe)

    def _judge(self, cells: np.ndarray, equations: list[tuple[int, np.ndarray]]) -> np.ndarray:
        """The unsafe hidden cells among `cells` (one component of unknowns and its equations)."""
        targets = cells[(cells < self.n) & self.hidden[cells]]
        hidden_frame = (cells < self.n) & self.known[cells]
        truth = np.where(hidden_frame[:, None], self.q[cells], np.nan)
        # A hidden count may be a zero (a decoy or company); a hidden share has a base.
        lower = np.zeros_like(truth)
        if self.kind == "proportion":
            lower[hidden_frame, 1] = 1.0
        # Hiding more only widens every range (a known cell becomes an unknown at least 0), so a
        # cell found safe in an earlier round stays safe: only the others are judged again.
        safe = self.proven[cells].copy()
        if self.kind != "proportion":
            safe |= self._twins(cells, equations, truth[:, 0])
        targeted = np.isin(cells, targets)
        if self.kind == "count":
            safe |= self._rectangles(cells, equations, truth[:, 0], targeted & ~safe)
        self.proven[cells[targeted & safe]] = True
        pending = [int(k) for k in np.flatnonzero(targeted & ~safe)]
        if not pending:
            return np.zeros(0, dtype="int64")
        program = _Program(cells, equations, self.q, self.known, self.hidden, self.public, lower)
        solutions = [truth]
        if len(pending) > 2:
            # One program that pushes every pending cell up at once settles most of them.
            weights = np.zeros(truth.shape)
            weights[pending] = 1.0
            found = program.solve_weighted(weights)
            self.lp_calls += 1
            if found is not None:
                solutions.append(found)
        unsafe = []
        for k in pending:
            if self._certified(k, solutions, truth):
                self.proven[cells[k]] = True
                continue
            ok = True
            for j in range(truth.shape[1]):
                if self._column_certified(k, j, solutions, truth):
                    continue
                high = program.solve(k, j, maximise=True)
                self.lp_calls += 1
                if high is not None:
                    solutions.append(high)
                if high is not None and self._column_certified(k, j, solutions, truth):
                    continue
                if truth[k, j] >= self.t - _TOL:
                    low = program.solve(k, j, maximise=False)
                    self.lp_calls += 1
                    if low is not None:
                        solutions.append(low)
                        if self._column_certified(k, j, solutions, truth):
                            continue
                ok = False
                break
            if not ok:
                unsafe.append(int(cells[k]))
            else:
                self.proven[cells[k]] = True
        return np.array(unsafe, dtype="int64")

    def _column_certified(
        self, k: int, j: int, solutions: list[np.ndarray], truth: np.ndarray
    ) -> bool:
        """Two known feasible points differ in this quantity and one reaches the threshold."""
        values = np.array([s[k, j] for s in solutions])
        return bool(values.max() >= self.t - _TOL and (np.abs(values - truth[k, j]) > 0.5).any())

    def _certified(self, k: int, solutions: list[np.ndarray], truth: np.ndarray) -> bool:
        return all(self._column_certified(k, j, solutions, truth) for j in range(truth.shape[1]))

    def _rectangles(
        self,
        cells: np.ndarray,
        equations: list[tuple[int, np.ndarray]],
        truth: np.ndarray,
        wanted: np.ndarray,
    ) -> np.ndarray:
        """A cheap sufficient test (counts) for months tied by multi-month rows (year totals):
        areas a and b in the same relations each month, months m and n of the same row each:
        a's m and b's n rise by d while a's n and b's m fall by d, and every month's relations
        and every multi-month row keep their totals. A hidden cell below the threshold is safe
        if such moves (the falling cells all different) lift it to the threshold; one at or
        above it if one move of a unit either way exists. Only cells whose value is known to
        the rule take part (a fall must not go below 0). Returns, per cell, True = safe."""
        safe = np.zeros(len(cells), dtype=bool)
        framed = (cells < self.n) & ~np.isnan(truth)
        single = np.zeros(len(cells), dtype=bool)
        single[framed] = self.starts[cells[framed]] == self.ends[cells[framed]]
        klass, held_by = self._trade_classes()
        rows = np.zeros(len(cells), dtype=bool)
        rows[framed] = self.ends[cells[framed]] > self.starts[cells[framed]]
        if (wanted & rows).any():
            safe |= self._row_trades(cells, truth, wanted & rows, single, klass, held_by)
        if not (wanted & single).any():
            return safe
        kinds = np.where(single, klass[cells], -1)
        for c in np.unique(kinds[wanted & (kinds >= 0)]):
            members = np.flatnonzero(kinds == c)
            areas, i_of = np.unique(self.cell_area[cells[members]], return_inverse=True)
            months, j_of = np.unique(self.starts[cells[members]], return_inverse=True)
            value = np.full((len(areas), len(months)), np.nan)
            held = np.full((len(areas), len(months)), -2, dtype="int64")
            spot = np.full((len(areas), len(months)), -1, dtype="int64")
            value[i_of, j_of] = truth[members]
            held[i_of, j_of] = held_by[cells[members]]
            spot[i_of, j_of] = members
            present = ~np.isnan(value)
            level = np.nan_to_num(value)
            # Rows of the cells that are unknown too, by class: a month can also trade with a
            # sibling's same month while both their rows (year totals) move (see _row_trades).
            open_row = present & np.isin(held, cells) & (held >= 0)
            row_class = np.where(open_row, klass[np.maximum(held, 0)], -1)
            for i, j in zip(*np.nonzero(present & wanted[np.maximum(spot, 0)]), strict=True):
                if level[i, j] < self.t - _TOL and row_class[i, j] >= 0:
                    partners = open_row[:, j] & (row_class[:, j] == row_class[i, j])
                    partners[i] = False
                    if level[i, j] + level[partners, j].sum() >= self.t - _TOL:
                        safe[spot[i, j]] = True
                        continue
                # months n of the same row as a's m; areas b with m and n in one row of theirs
                months_n = present[i] & (held[i] == held[i, j])
                months_n[j] = False
                if not months_n.any():
                    continue
                others = present[:, j].copy()
                others[i] = False
                pairs = others[:, None] & months_n[None, :] & present & (held == held[:, j : j + 1])
                if not pairs.any():
                    continue
                v = level[i, j]
                if v >= self.t - _TOL:
                    rise = (level[i][None, :] >= 1) & (level[:, j : j + 1] >= 1)
                    fall = level >= 1
                    safe[spot[i, j]] = bool((pairs & (rise | fall)).any())
                    continue
                need, used = self.t - v, np.zeros(len(areas), dtype=bool)
                for n in np.argsort(-level[i] * months_n, kind="stable"):
                    if need <= _TOL or not months_n[n] or level[i, n] < 1:
                        break
                    partner = pairs[:, n] & ~used & (level[:, j] >= 1)
                    if not partner.any():
                        continue
                    b = int(np.argmax(np.where(partner, level[:, j], -1.0)))
                    used[b] = True
                    need -= min(level[i, n], level[b, j])
                safe[spot[i, j]] = need <= _TOL
        return safe

    def _row_trades(
        self,
        cells: np.ndarray,
        truth: np.ndarray,
        wanted: np.ndarray,
        single: np.ndarray,
        klass: np.ndarray,
        held_by: np.ndarray,
    ) -> np.ndarray:
        """The trading test for hidden multi-month rows (year totals) of counts: rows y and z of
        areas in the same relations over the same months, both unknown: y's month m rises by d
        and z's month m falls by d (a part of the same month relations), so every month's totals
        and every relation of the rows hold, y rising by d and z falling by d. y below the
        threshold is safe if the falls available (each of z's hidden months at most its value)
        lift it there; at or above it, if one unit moves either way."""
        safe = np.zeros(len(cells), dtype=bool)
        month_of: dict[tuple[int, int], int] = {}  # (row, month) -> position of the month
        for k in np.flatnonzero(single & (held_by[cells] >= 0) & (klass[cells] >= 0)):
            month_of[(int(held_by[cells[k]]), int(self.starts[cells[k]]))] = int(k)
        by_class: dict[tuple[int, int], list[int]] = {}
        for k in np.flatnonzero(~np.isnan(truth) & (klass[cells] >= 0)):
            c = int(cells[k])
            if c < self.n and self.ends[c] > self.starts[c]:
                by_class.setdefault((int(klass[c]), int(self.starts[c])), []).append(int(k))
        for k in np.flatnonzero(wanted):
            y = int(cells[k])
            if klass[y] < 0:
                continue
            mine = [
                (m, month_of[(y, m)])
                for m in range(int(self.starts[y]), int(self.ends[y]) + 1)
                if (y, m) in month_of
            ]
            rise, move = 0.0, False
            for other in by_class[(int(klass[y]), int(self.starts[y]))]:
                z = int(cells[other])
                if z == y:
                    continue
                for m, own in mine:
                    theirs = month_of.get((z, m))
                    if theirs is None or klass[cells[theirs]] != klass[cells[own]]:
                        continue
                    rise += truth[theirs]
                    move |= truth[theirs] >= 1 or truth[own] >= 1
            if truth[k] >= self.t - _TOL:
                safe[k] = move
            else:
                safe[k] = truth[k] + rise >= self.t - _TOL
        return safe

    def _trade_classes(self) -> tuple[np.ndarray, np.ndarray]:
        """Per cell (frame and virtual): its class for ``_rectangles`` (single-month frame cells
        that are parts, never totals, of the same relations share one; -1: none) and the
        multi-month row holding it (-1: none). Fixed by the relations: computed once."""
        if self.trade is not None:
            return self.trade
        size = len(self.hidden)
        held_by = np.full(size, -1, dtype="int64")
        excluded = np.ones(size, dtype=bool)
        excluded[: self.n] = False
        relations: list[list[int]] = [[] for _ in range(size)]
        labels: dict[tuple[str, str, int], int] = {}
        for g, (p, cs) in enumerate(self.groups):
            p = int(p)
            if g >= self.first_row_group:
                excluded[cs[held_by[cs] >= 0]] = True  # in two multi-month rows: not handled
                held_by[cs] = p
                continue
            excluded[p] = True  # a total cannot trade with its parts
            key = (self._code_of(p), self._code_of(int(cs[0])), len(cs))
            label = labels.setdefault(key, len(labels))
            for c in cs.tolist():
                relations[c].append(label)
        signatures: dict[tuple[int, ...], int] = {}
        klass = np.full(size, -1, dtype="int64")
        for k in np.flatnonzero(~excluded):
            span = int(self.ends[k] - self.starts[k])
            klass[k] = signatures.setdefault((span, *sorted(relations[k])), len(signatures))
        self.trade = (klass, held_by)
        return self.trade

    def _twins(
        self, cells: np.ndarray, equations: list[tuple[int, np.ndarray]], truth: np.ndarray
    ) -> np.ndarray:
        """A cheap sufficient test (counts and stocks): cells in exactly the same equations with
        the same sign can trade units without touching any total, so a hidden cell can rise by
        what its hidden twins hold (without limit when a twin is unknown to everyone) and fall
        by a unit into any twin. Safe if that reaches the threshold and moves it."""
        signature: dict[int, list[int]] = {int(c): [] for c in cells}
        for e, (p, cs) in enumerate(equations):
            if int(p) in signature:
                signature[int(p)].append(e)
            for c in cs:
                if int(c) in signature:
                    signature[int(c)].append(-e - 1)
        by_signature: dict[tuple[int, ...], list[int]] = {}
        for k, c in enumerate(cells):
            by_signature.setdefault(tuple(signature[int(c)]), []).append(k)
        safe = np.zeros(len(cells), dtype=bool)
        for members in by_signature.values():
            if len(members) < 2:
                continue
            slack = np.array([np.inf if np.isnan(truth[m]) else truth[m] for m in members])
            total = slack.sum()
            for position, m in enumerate(members):
                if np.isnan(truth[m]):
                    continue
                rise = total - slack[position]
                safe[m] = truth[m] + rise >= self.t - _TOL and (rise > 0 or truth[m] > 0)
        return safe

    def _stock_levels(self, area_ids: np.ndarray) -> np.ndarray:
        """Areas × their single-month cells with a known level, in month order (-1 = none)."""
        single = np.flatnonzero((self.starts == self.ends) & self.known[: self.n])
        single = single[np.lexsort((single, self.starts[single], area_ids[single]))]
        if not len(single):
            return np.zeros((0, 0), dtype="int64")
        area = area_ids[single]
        first = np.flatnonzero(np.r_[True, area[1:] != area[:-1]])
        row = np.cumsum(np.r_[True, area[1:] != area[:-1]]) - 1
        position = np.arange(len(single)) - first[row]
        levels = np.full((len(first), int(position.max()) + 1), -1, dtype="int64")
        levels[row, position] = single
        return levels


def _describe(cell: tuple[str, int, int]) -> str:
    area, start, end = cell
    start_text = f"{start // 12}-{start % 12 + 1:02d}"
    end_text = f"{end // 12}-{end % 12 + 1:02d}"
    return f"{area} {start_text}" + ("" if end == start else f"–{end_text}")

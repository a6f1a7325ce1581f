"""Disclosure control: hide small counts, and cells that would give them away by subtraction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from metrics.formatting import format_number

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

Lang = Literal["sv", "en"]

DEFAULT_THRESHOLD = 5
"""Counts 1..4 are hidden; 0 is shown (a zero discloses nothing about a person)."""
SUPPRESSED_TEXT = ".."
"""What a hidden cell shows, as in SCB's and BRÅ's tables."""
DERIVED_COLUMNS = ("numerator", "share", "rate_per_100k")
"""Columns computed from the count; blanked (NaN) together with it."""
SHARED_MUNICIPALITY_SPANS: Mapping[str, tuple[str, ...]] = {
    "0180": ("PO_CITY", "PO_NORD", "PO_SYD"),
}
"""Municipalities split between police areas (catalog: ``police_area`` None) and the police
areas they span. Those police areas are not the sum of their municipalities; every other police
area is (Gotland = 0980). A shared municipality missing here is assumed to span none, which
treats every police area as an exact sum: more cells hidden, never fewer."""
_TOL = 1e-9


@dataclass(frozen=True)
class AdditiveGroup:
    """``parent`` = sum of ``children`` for the same indicator and period (name: for messages)."""

    name: str
    parent: str
    children: tuple[str, ...]


def area_groups(
    catalog: Catalog,
    spans: Mapping[str, Sequence[str]] = SHARED_MUNICIPALITY_SPANS,
) -> tuple[AdditiveGroup, ...]:
    """The additive relations between the catalog's areas.

    The region is the sum of the police areas and the sum of the municipalities; a police area
    not spanned by a shared municipality is the sum of its municipalities (for the fixed codes:
    PO_GOTLAND = 0980, a group of one).
    """
    police = tuple(a.code for a in catalog.areas if a.level == "police_area")
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    groups: list[AdditiveGroup] = []
    for region in (a for a in catalog.areas if a.level == "region"):
        if police:
            groups.append(AdditiveGroup("police_areas", region.code, police))
        if municipalities:
            codes = tuple(m.code for m in municipalities)
            groups.append(AdditiveGroup("municipalities", region.code, codes))
    spanned = {
        code for m in municipalities if m.police_area is None for code in spans.get(m.code, ())
    }
    for code in police:
        children = tuple(m.code for m in municipalities if m.police_area == code)
        if children and code not in spanned:
            groups.append(AdditiveGroup(code, code, children))
    return tuple(groups)


def format_cell(
    value: float | None,
    suppressed: bool,
    lang: Lang = "sv",
    decimals: int | None = None,
) -> str:
    """A table cell: ".." when suppressed, else the number as ``format_number`` writes it."""
    if suppressed:
        return SUPPRESSED_TEXT
    return format_number(value, lang, decimals)


def apply_disclosure(
    obs: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Protect an observation frame before anything is drawn or exported (briefing/public mode).

    Pass every cell that will be shown (all areas and months, plus any year totals): the frame
    is protected as a whole, so showing a subset of the result is safe, but aggregating the
    result afterwards is not (aggregate first, then protect). Same as ``suppress``.

    No relation crosses indicators, so each indicator is protected on its own: protecting one
    indicator's rows (every area and month of it) gives exactly what protecting them together
    with other indicators gives. Cutting areas or months before protecting is never safe.
    """
    return suppress(obs, catalog, threshold)


def protects(indicator: Indicator) -> bool:
    """True when disclosure control can hide the indicator's values (a median is not a count)."""
    return indicator.disclosure and indicator.kind != "median_days"


@dataclass(frozen=True)
class HiddenCells:
    """Which monthly cells of one indicator disclosure control hid, decided on all its cells.

    Lets a page show a cut (some areas, some months) of an indicator protected as a whole
    without holding the whole protected frame: ``hidden_cells`` records the decision from
    ``apply_disclosure``'s result for every row of the indicator; ``hide_cells`` applies it to a
    cut of the same stored data (the caller makes sure it is the same, e.g. by a checksum).
    ``areas`` None = nothing is ever hidden (an indicator disclosure control leaves alone).
    """

    indicator_id: str
    areas: tuple[str, ...] | None
    keys: np.ndarray
    """Sorted keys (position in ``areas``, month number) of the hidden cells."""
    primary: np.ndarray
    """For each key: True = hidden as a small count itself, False = hidden as a secondary."""

    @classmethod
    def none(cls, indicator_id: str) -> HiddenCells:
        return cls(indicator_id, None, np.zeros(0, dtype="int64"), np.zeros(0, dtype=bool))

    def reasons(self, at: np.ndarray) -> np.ndarray:
        """``suppression_reason`` of the cells at positions `at` in ``keys``."""
        return np.where(self.primary[at], "primary", "secondary").astype(object)

    def locate(self, area_codes: pd.Series, periods: pd.Series) -> np.ndarray:
        """Position in ``keys`` of each cell, or -1 where it is shown. ValueError for a cell of
        an area the decision never saw (a cut of other data than was protected)."""
        if self.areas is None:
            return np.full(len(area_codes), -1)
        position = pd.Index(self.areas).get_indexer(area_codes.astype(str))
        if (position < 0).any():
            raise ValueError(f"{self.indicator_id}: cells of areas disclosure control never saw")
        keys = _cell_keys(position, periods)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        hit = (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return np.where(hit, at, -1)


def hidden_cells(protected: pd.DataFrame, indicator_id: str) -> HiddenCells:
    """The decision in ``apply_disclosure``'s result for every monthly row of one indicator."""
    if "period_end" in protected.columns:
        raise ValueError("hidden_cells: monthly rows only (no period_end)")
    rows = protected[protected["indicator_id"] == indicator_id]
    codes = rows["area_code"].astype(str)
    areas = tuple(sorted(codes.unique()))
    keys = _cell_keys(pd.Index(areas).get_indexer(codes), rows["period"])
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    order = np.argsort(keys[hidden], kind="stable")
    primary = rows["suppression_reason"].to_numpy(dtype=object)[hidden][order] == "primary"
    return HiddenCells(indicator_id, areas, keys[hidden][order], primary)


def hide_cells(cut: pd.DataFrame, decisions: Mapping[str, HiddenCells]) -> pd.DataFrame:
    """A cut of observations (monthly rows, any areas and months) as ``apply_disclosure`` of
    every row of its indicators would show it: same columns, same cells hidden.

    decisions: one ``HiddenCells`` per indicator in the cut (KeyError if one is missing).
    """
    if "period_end" in cut.columns:
        raise ValueError("hide_cells: monthly rows only (no period_end)")
    reasons = np.full(len(cut), None, dtype=object)
    positions = pd.Series(np.arange(len(cut))).groupby(
        cut["indicator_id"].astype(str).to_numpy(), sort=False
    )
    for indicator_id, rows in positions:
        decision = decisions[str(indicator_id)]
        rows = rows.to_numpy()
        part = cut.iloc[rows]
        at = decision.locate(part["area_code"], part["period"])
        reasons[rows[at >= 0]] = decision.reasons(at[at >= 0])
    return _blank(cut.copy(), reasons)


def _cell_keys(area_positions: np.ndarray, periods: pd.Series) -> np.ndarray:
    return (np.asarray(area_positions, dtype="int64") << 17) | _months(periods)


def suppress(
    frame: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    groups: Sequence[AdditiveGroup] | None = None,
) -> pd.DataFrame:
    """Hide small counts and every cell that would let a reader recover one by subtraction.

    frame: a table of counts in observation form: indicator_id, area_code, period (first day of
        the month), value (count, stock level, or numerator of a proportion), optional
        denominator, and optionally ``period_end``: for a row covering several months (a year
        total, year to date) its last month; NaT or absent for a single month.
    Returns a copy with ``suppressed`` (bool) and ``suppression_reason`` ("primary", "secondary",
    None); where suppressed, value, denominator and DERIVED_COLUMNS are NaN.

    Only indicators with ``disclosure`` true are touched; median_days values are left as they are
    (a median is not a count). Primary: a value (or, for a proportion, a numerator or a
    denominator) from 1 to threshold-1. Secondary, repeated until nothing changes:
    - in every additive group (region = police areas, region = municipalities, a police area =
      its municipalities, and a multi-month row = its months; for a stock, the multi-month row =
      its last month) with a shown total: if exactly one member is hidden, or the hidden
      children add up to 1..threshold-1, the smallest shown child that lifts the hidden sum to
      0 or >= threshold is hidden too (the total when no child is left);
    - for a stock, a shown level that is 1..threshold-1 above the previous shown level of the
      same area is hidden (a cumulative stock's monthly increase is a count);
    - finally, the whole system of groups is solved: a hidden cell that a combination of groups
      still pins down gets a further cell hidden next to it.
    Cells missing from the frame, or NaN, are unknown to the reader; they are never counted as
    protection for a hidden cell in the same group, however. Empty frame → empty result with the
    two columns.
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
    reasons = np.full(len(out), None, dtype=object)
    # Indicators are protected one by one (no relation crosses indicators): row positions per
    # indicator in one pass instead of a scan of the frame per indicator.
    by_indicator = pd.Series(np.arange(len(out))).groupby(
        out["indicator_id"].astype(str).to_numpy(), sort=False
    )
    for indicator_id, positions in by_indicator:
        indicator = catalog.indicator(str(indicator_id))
        if not indicator.disclosure or indicator.kind == "median_days":
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
        )
        reasons[rows] = protector.run()
    return _blank(out, reasons)


def _blank(out: pd.DataFrame, reasons: np.ndarray) -> pd.DataFrame:
    """Mark the cells with a reason as suppressed and blank their values (in place).

    A hidden cell's note goes too: free text may say what the value was ("3 anmälningar …").
    """
    hidden = ~pd.isna(reasons)
    out["suppressed"] = hidden
    out["suppression_reason"] = pd.Series(reasons, index=out.index, dtype=object)
    for column in ("value", "denominator", *DERIVED_COLUMNS):
        if column in out.columns:
            out[column] = out[column].astype("float64").mask(hidden)
    if "note" in out.columns and hidden.any():
        out["note"] = out["note"].mask(hidden, "")
    return out


def _months(values: pd.Series) -> np.ndarray:
    """Month numbers (year * 12 + month - 1) of the dates: whole numbers, equal within a month."""
    months = pd.to_datetime(values).to_numpy().astype("datetime64[M]").astype("int64")
    return months + 1970 * 12


class _Protector:
    """Suppression for one indicator's cells; a cell is (area, first month, last month).

    Cells in the frame have indices 0..n-1 (n >= 1); cells a group names but the frame lacks
    get "virtual" indices from n on (never shown, so always unknown to a reader). The state
    arrays (q, known, hidden) cover both, so a group's members are read without branching.
    Cells are found by an integer key (area, first month, last month) in a sorted array.
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
    ) -> None:
        self.n = len(areas)
        self.t = float(threshold)
        self.kind = kind
        self.areas = areas
        self.starts = np.asarray(starts, dtype="int64")
        self.ends = np.asarray(ends, dtype="int64")
        codes = dict.fromkeys([*areas.tolist(), *sorted(valid_areas)])
        for relation in relations:
            codes.update(dict.fromkeys([relation.parent, *relation.children]))
        self.code_ids = {code: k for k, code in enumerate(codes)}
        area_ids = pd.Index(list(codes)).get_indexer(areas).astype("int64")
        keys = self._key(area_ids, self.starts, self.ends)
        self.order = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[self.order]
        duplicate = np.flatnonzero(self.sorted_keys[1:] == self.sorted_keys[:-1])
        if len(duplicate):
            i = int(self.order[duplicate[0]])
            cell = (str(areas[i]), int(self.starts[i]), int(self.ends[i]))
            raise ValueError(f"suppress: more than one row for {_describe(cell)}")
        self.virtual: dict[int, int] = {}
        self.groups = self._build_groups(relations, valid_areas)
        size = self.n + len(self.virtual)
        self.q = np.full((size, quantities.shape[1]), np.nan)
        self.q[: self.n] = quantities
        self.known = np.zeros(size, dtype=bool)
        self.known[: self.n] = ~np.isnan(quantities).any(axis=1)
        self.hidden = np.zeros(size, dtype=bool)
        self.reason = np.full(self.n, None, dtype=object)
        # What the sweeps read over and over, prepared once: the groups with a shown total and
        # their children in the frame; which groups each cell belongs to; for a stock, each
        # area's single months in order.
        self.totalled = [
            (parent, children[children < self.n])
            for parent, children in self.groups
            if parent < self.n and self.known[parent]
        ]
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

    # -- structure -------------------------------------------------------------------------

    @staticmethod
    def _key(area_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        # month numbers are below 2**17 for any year before 10 000
        return (area_ids << 34) | (starts << 17) | ends

    def _cells(self, keys: np.ndarray) -> np.ndarray:
        """Indices of cells by key: a row of the frame, or a (new) virtual index."""
        at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.n - 1)
        found = self.sorted_keys[at] == keys
        cells = np.where(found, self.order[at], -1)
        for k in np.flatnonzero(~found):
            cells[k] = self.virtual.setdefault(int(keys[k]), self.n + len(self.virtual))
        return cells

    def _build_groups(
        self, relations: Iterable[AdditiveGroup], valid_areas: set[str]
    ) -> list[tuple[int, np.ndarray]]:
        """(parent, children) cell indices, in the order the sweeps visit them: per span of
        months (earliest first) each area relation, then each multi-month row's months."""
        pairs = np.unique((self.starts << 17) | self.ends)
        spans = np.stack([pairs >> 17, pairs & ((1 << 17) - 1)], axis=1)
        per_relation = []
        for relation in relations:
            children = [c for c in relation.children if c in valid_areas]
            if relation.parent not in valid_areas or not children:
                continue
            ids = np.array([self.code_ids[a] for a in (relation.parent, *children)], "int64")
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
        for i in np.flatnonzero(self.ends > self.starts):
            months = np.arange(self.starts[i], self.ends[i] + 1, dtype="int64")
            if self.kind == "stock":
                months = months[-1:]
            area = np.full(len(months), self.code_ids[str(self.areas[i])], dtype="int64")
            groups.append((int(i), self._cells(self._key(area, months, months))))
        return groups

    # -- marking ---------------------------------------------------------------------------

    def _hide(self, i: int, reason: str) -> None:
        self.hidden[i] = True
        self.reason[i] = reason

    def _small_rows(self, totals: np.ndarray) -> np.ndarray:
        """Per row of `totals`: is any quantity a small count (strictly between 0 and t)?"""
        return ((totals > _TOL) & (totals < self.t - _TOL)).any(axis=-1)

    def run(self) -> np.ndarray:
        primary = np.flatnonzero(self.known[: self.n] & self._small_rows(self.q[: self.n]))
        self.hidden[primary] = True
        self.reason[primary] = "primary"
        while self._sweep_groups() or self._sweep_stock_steps() or self._audit():
            pass
        return self.reason

    def _smallest(self, candidates: np.ndarray) -> np.ndarray:
        """Candidates ordered by their quantities, then by index (a stable, total order)."""
        keys = [candidates] + [self.q[candidates, j] for j in range(self.q.shape[1] - 1, -1, -1)]
        return candidates[np.lexsort(keys)]

    def _choose(self, candidates: np.ndarray, hidden_sum: np.ndarray) -> int:
        """The smallest candidate that leaves the hidden sum at 0 or >= threshold; else the
        largest (and the next sweep adds more)."""
        ordered = self._smallest(candidates)
        enough = ~self._small_rows(hidden_sum + self.q[ordered])
        return int(ordered[np.argmax(enough)] if enough.any() else ordered[-1])

    def _sweep_groups(self) -> bool:
        changed = False
        for parent, present in self.totalled:  # a hidden total leaves nothing to subtract from
            hidden_children = present[self.hidden[present]]
            parent_hidden = bool(self.hidden[parent])
            n_hidden = len(hidden_children) + int(parent_hidden)
            if n_hidden == 0:
                continue
            hidden_sum = self.q[hidden_children].sum(axis=0)
            small_sum = not parent_hidden and bool(self._small_rows(hidden_sum))
            if n_hidden > 1 and not small_sum:
                continue
            candidates = present[self.known[present] & ~self.hidden[present]]
            if len(candidates):
                self._hide(self._choose(candidates, hidden_sum), "secondary")
                changed = True
            elif not parent_hidden:
                self._hide(parent, "secondary")
                changed = True
        return changed

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
            hide = shown & small
            if hide.any():
                self.hidden[cells[hide]] = True
                self.reason[cells[hide]] = "secondary"
                changed = True
            keep = shown & ~hide
            previous[at[keep]] = self.q[cells[keep]]
            has_previous[at[keep]] = True
        return changed

    def _audit(self) -> bool:
        """Solve all groups at once; hide one more cell next to each hidden cell still pinned
        down by a combination of groups (e.g. through both area hierarchies and a year total)."""
        unknown = self.hidden | ~self.known
        equations = [(p, cs) for p, cs in self.groups if unknown[p] or unknown[cs].any()]
        pinned = [i for i in self._determined(unknown, equations) if i < self.n and self.hidden[i]]
        changed = False
        for i in pinned:
            neighbours = self._neighbours(i)
            candidates = neighbours[neighbours < self.n]
            candidates = candidates[self.known[candidates] & ~self.hidden[candidates]]
            if len(candidates):
                self._hide(int(self._smallest(candidates)[0]), "secondary")
                changed = True
        return changed

    def _neighbours(self, i: int) -> np.ndarray:
        """Every cell sharing a group with cell i (i included), ascending."""
        lo, hi = np.searchsorted(self.members_sorted, [i, i + 1])
        groups = np.unique(self.owner_sorted[lo:hi])
        if not len(groups):
            return np.zeros(0, dtype="int64")
        return np.unique(
            np.concatenate(
                [self.members[self.starts_of[g] : self.starts_of[g + 1]] for g in groups]
            )
        )

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

    @staticmethod
    def _determined(unknown: np.ndarray, equations: list[tuple[int, np.ndarray]]) -> list[int]:
        """Unknowns whose value follows from the equations (known cells moved to the right).

        The equations split into independent components (unknowns linked by sharing an
        equation); in each, an unknown is determined iff its unit vector lies in the row space
        of the component's matrix, i.e. has no part in the null space. Ordered by component
        (smallest member first), then by index.
        """
        if not equations:
            return []
        rows, cells, signs = [], [], []
        for r, (p, cs) in enumerate(equations):
            members = np.concatenate(([p], cs))
            coefficients = np.concatenate(([1.0], np.full(len(cs), -1.0)))
            keep = unknown[members]
            rows.append(np.full(int(keep.sum()), r))
            cells.append(members[keep])
            signs.append(coefficients[keep])
        row, cell, sign = np.concatenate(rows), np.concatenate(cells), np.concatenate(signs)
        first = cell[np.searchsorted(row, np.arange(len(equations)))]
        label = _components(len(unknown), cell, first[row])
        component = label[cell]
        order = np.argsort(component, kind="stable")
        row, cell, sign, component = row[order], cell[order], sign[order], component[order]
        bounds = np.flatnonzero(np.diff(component)) + 1
        determined: list[int] = []
        for part in np.split(np.arange(len(cell)), bounds):
            members = np.unique(cell[part])
            equations_here = np.unique(row[part])
            matrix = np.zeros((len(equations_here), len(members)))
            np.add.at(
                matrix,
                (np.searchsorted(equations_here, row[part]), np.searchsorted(members, cell[part])),
                sign[part],
            )
            determined += members[_pinned_columns(matrix)].tolist()
        return determined


def _components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges a[k]-b[k] over nodes 0..size-1: each node's
    label is the smallest node of its component."""
    label = np.arange(size)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _pinned_columns(matrix: np.ndarray) -> np.ndarray:
    """Columns whose unit vector lies in the row space of `matrix` (the variable is fixed by the
    equations). From the thin SVD: the squared norm of the part outside the row space is
    1 - |V_r e_k|^2, zero (to rounding) or clearly not for these small integer matrices; a value
    in between falls back to the full null space and the stricter test."""
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
    if rank == matrix.shape[1]:
        return np.ones(matrix.shape[1], dtype=bool)
    outside = 1.0 - (vt[:rank] ** 2).sum(axis=0)
    if ((outside >= 1e-12) & (outside < 1e-6)).any():
        _, _, vt_full = np.linalg.svd(matrix)
        return np.abs(vt_full[rank:].T).max(axis=1) < 1e-9
    return outside < 1e-12


def _describe(cell: tuple[str, int, int]) -> str:
    area, start, end = cell
    start_text = f"{start // 12}-{start % 12 + 1:02d}"
    end_text = f"{end // 12}-{end % 12 + 1:02d}"
    return f"{area} {start_text}" + ("" if end == start else f"–{end_text}")

"""Disclosure control: hide small counts, and cells that would give them away by subtraction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from metrics.formatting import format_number

if TYPE_CHECKING:
    from metrics.catalog import Catalog

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
    """
    return suppress(obs, catalog, threshold)


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
    ids = out["indicator_id"].astype(str).to_numpy()
    for indicator_id in dict.fromkeys(ids):
        indicator = catalog.indicator(indicator_id)
        if not indicator.disclosure or indicator.kind == "median_days":
            continue
        rows = np.flatnonzero(ids == indicator_id)
        part = out.iloc[rows]
        columns = ["value", "denominator"] if indicator.kind == "proportion" else ["value"]
        quantities = part.reindex(columns=columns).to_numpy(dtype="float64")
        valid = set(catalog.valid_areas(indicator.id)) | set(part["area_code"])
        protector = _Protector(
            areas=part["area_code"].astype(str).tolist(),
            starts=starts[rows],
            ends=ends[rows],
            quantities=quantities,
            kind=indicator.kind,
            relations=relations,
            valid_areas=valid,
            threshold=threshold,
        )
        reasons[rows] = protector.run()
    hidden = np.array([r is not None for r in reasons])
    out["suppressed"] = hidden
    out["suppression_reason"] = pd.Series(reasons, index=out.index, dtype=object)
    for column in ("value", "denominator", *DERIVED_COLUMNS):
        if column in out.columns:
            out[column] = out[column].astype("float64").mask(hidden)
    return out


def _months(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values).dt.to_period("M").dt.to_timestamp()
    return stamps.to_numpy()


class _Protector:
    """Suppression for one indicator's cells; cells are (area, first month, last month)."""

    def __init__(
        self,
        *,
        areas: list[str],
        starts: np.ndarray,
        ends: np.ndarray,
        quantities: np.ndarray,
        kind: str,
        relations: Iterable[AdditiveGroup],
        valid_areas: set[str],
        threshold: int,
    ) -> None:
        self.n = len(areas)
        self.q = quantities
        self.t = float(threshold)
        self.kind = kind
        self.keys = [
            (a, pd.Timestamp(s), pd.Timestamp(e))
            for a, s, e in zip(areas, starts, ends, strict=True)
        ]
        self.index: dict[tuple[str, pd.Timestamp, pd.Timestamp], int] = {}
        for i, key in enumerate(self.keys):
            if key in self.index:
                raise ValueError(f"suppress: more than one row for {key}")
            self.index[key] = i
        self.known = ~np.isnan(quantities).any(axis=1)
        self.hidden = np.zeros(self.n, dtype=bool)
        self.reason = np.full(self.n, None, dtype=object)
        self.virtual: dict[tuple[str, pd.Timestamp, pd.Timestamp], int] = {}
        self.groups = self._build_groups(relations, valid_areas)

    # -- structure -------------------------------------------------------------------------

    def _cell(self, key: tuple[str, pd.Timestamp, pd.Timestamp]) -> int:
        """Row index of a cell, or a virtual index (>= n) for a cell not in the frame."""
        if key in self.index:
            return self.index[key]
        return self.virtual.setdefault(key, self.n + len(self.virtual))

    def _build_groups(
        self, relations: Iterable[AdditiveGroup], valid_areas: set[str]
    ) -> list[tuple[int, list[int]]]:
        groups: list[tuple[int, list[int]]] = []
        spans = sorted({(s, e) for _, s, e in self.keys})
        for start, end in spans:
            for relation in relations:
                children = [c for c in relation.children if c in valid_areas]
                if relation.parent not in valid_areas or not children:
                    continue
                members = [(relation.parent, start, end)] + [(c, start, end) for c in children]
                if not any(m in self.index for m in members):
                    continue
                groups.append((self._cell(members[0]), [self._cell(m) for m in members[1:]]))
        for i, (area, start, end) in enumerate(self.keys):
            if end <= start:
                continue
            months = pd.date_range(start, end, freq="MS")
            if self.kind == "stock":
                months = months[-1:]
            groups.append((i, [self._cell((area, m, m)) for m in months]))
        return groups

    # -- marking ---------------------------------------------------------------------------

    def _hide(self, i: int, reason: str) -> None:
        self.hidden[i] = True
        self.reason[i] = reason

    def _shown(self, i: int) -> bool:
        return i < self.n and self.known[i] and not self.hidden[i]

    def _small(self, totals: np.ndarray) -> bool:
        return bool(((totals > _TOL) & (totals < self.t - _TOL)).any())

    def run(self) -> np.ndarray:
        for i in range(self.n):
            if self.known[i] and self._small(self.q[i]):
                self._hide(i, "primary")
        while self._sweep_groups() or self._sweep_stock_steps() or self._audit():
            pass
        return self.reason

    def _choose(self, candidates: list[int], hidden_sum: np.ndarray) -> int:
        """The smallest candidate that leaves the hidden sum at 0 or >= threshold; else the
        largest (and the next sweep adds more)."""
        ordered = sorted(candidates, key=lambda c: (tuple(self.q[c]), c))
        for c in ordered:
            if not self._small(hidden_sum + self.q[c]):
                return c
        return ordered[-1]

    def _sweep_groups(self) -> bool:
        changed = False
        for parent, children in self.groups:
            if parent >= self.n or not self.known[parent]:
                continue  # no total shown: nothing to subtract from
            present = [c for c in children if c < self.n]
            hidden_children = [c for c in present if self.hidden[c]]
            n_hidden = len(hidden_children) + int(self.hidden[parent])
            if n_hidden == 0:
                continue
            hidden_sum = (
                self.q[hidden_children].sum(axis=0)
                if hidden_children
                else np.zeros(self.q.shape[1])
            )
            small_sum = not self.hidden[parent] and self._small(hidden_sum)
            if n_hidden > 1 and not small_sum:
                continue
            candidates = [c for c in present if self._shown(c)]
            if candidates:
                self._hide(self._choose(candidates, hidden_sum), "secondary")
                changed = True
            elif not self.hidden[parent]:
                self._hide(parent, "secondary")
                changed = True
        return changed

    def _sweep_stock_steps(self) -> bool:
        """Hide a stock level whose rise since the previous shown level is a small count."""
        if self.kind != "stock":
            return False
        changed = False
        by_area: dict[str, list[tuple[pd.Timestamp, int]]] = {}
        for i, (area, start, end) in enumerate(self.keys):
            if start == end and self.known[i]:
                by_area.setdefault(area, []).append((start, i))
        for cells in by_area.values():
            previous: int | None = None
            for _, i in sorted(cells):
                if self.hidden[i]:
                    continue
                if previous is not None and self._small(self.q[i] - self.q[previous]):
                    self._hide(i, "secondary")
                    changed = True
                    continue
                previous = i
        return changed

    def _audit(self) -> bool:
        """Solve all groups at once; hide one more cell next to each hidden cell still pinned
        down by a combination of groups (e.g. through both area hierarchies and a year total)."""
        unknown = {i for i in range(self.n) if self.hidden[i] or not self.known[i]}
        unknown |= set(self.virtual.values())
        equations = [
            [(p, 1.0)] + [(c, -1.0) for c in cs]
            for p, cs in self.groups
            if p in unknown or any(c in unknown for c in cs)
        ]
        pinned = [i for i in self._determined(unknown, equations) if i < self.n and self.hidden[i]]
        changed = False
        for i in pinned:
            neighbours = {m for p, cs in self.groups if i == p or i in cs for m in (p, *cs)}
            candidates = [m for m in neighbours if self._shown(m)]
            if candidates:
                self._hide(min(candidates, key=lambda c: (tuple(self.q[c]), c)), "secondary")
                changed = True
        return changed

    @staticmethod
    def _determined(unknown: set[int], equations: list[list[tuple[int, float]]]) -> list[int]:
        """Unknowns whose value follows from the equations (known cells moved to the right)."""
        parent = {u: u for u in unknown}

        def find(u: int) -> int:
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        rows = []
        for equation in equations:
            variables = [v for v, _ in equation if v in unknown]
            for v in variables[1:]:
                parent[find(v)] = find(variables[0])
            rows.append([(v, c) for v, c in equation if v in unknown])
        components: dict[int, list[int]] = {}
        for u in sorted(unknown):
            components.setdefault(find(u), []).append(u)
        by_root: dict[int, list[list[tuple[int, float]]]] = {}
        for row in rows:
            if row:
                by_root.setdefault(find(row[0][0]), []).append(row)
        determined = []
        for root, members in components.items():
            eqs = by_root.get(root, [])
            if not eqs:
                continue
            column = {v: k for k, v in enumerate(members)}
            matrix = np.zeros((len(eqs), len(members)))
            for r, row in enumerate(eqs):
                for v, c in row:
                    matrix[r, column[v]] += c
            _, singular, vt = np.linalg.svd(matrix)
            rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
            null = vt[rank:].T
            for v, k in column.items():
                if null.shape[1] == 0 or np.abs(null[k]).max() < 1e-9:
                    determined.append(v)
        return determined

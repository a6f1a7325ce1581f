"""A decision as cells: which monthly cells of an indicator are hidden, and applying it to a cut."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.disclosure.policy import DERIVED_COLUMNS, YEAR_MONTHS

if TYPE_CHECKING:
    pass


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
    years: frozenset[tuple[str, int]] | None = frozenset()
    """(area, year) of the year totals the release hides (metrics/disclosure/years.py); None:
    the decision says nothing of year totals (none may be shown)."""
    scope: frozenset[str] | None = None
    """None: the decision over every area. Else the areas it was read for (a page's cut): it
    locates no cell elsewhere (ValueError) and hides every year total elsewhere."""

    @classmethod
    def none(cls, indicator_id: str) -> HiddenCells:
        return cls(indicator_id, None, np.zeros(0, dtype="int64"), np.zeros(0, dtype=bool))

    def year_hidden(self, area_code: str, year: int) -> bool:
        """Is the area's total over the calendar year hidden?"""
        if self.scope is not None and str(area_code) not in self.scope:
            return True  # never read for this area: nothing may be shown
        return self.years is None or (str(area_code), int(year)) in self.years

    def reasons(self, at: np.ndarray) -> np.ndarray:
        """``suppression_reason`` of the cells at positions `at` in ``keys``."""
        return np.where(self.primary[at], "primary", "secondary").astype(object)

    def locate(self, area_codes: pd.Series, periods: pd.Series) -> np.ndarray:
        """Position in ``keys`` of each cell, or -1 where it is shown. ValueError for a cell of
        an area the decision never saw (a cut of other data than was protected)."""
        codes, distinct = pd.factorize(pd.Series(area_codes).astype(str), sort=False)
        return self._locate(codes, np.asarray(distinct, dtype=object), _months(periods))

    def _locate(self, codes: np.ndarray, distinct: np.ndarray, months: np.ndarray) -> np.ndarray:
        """``locate`` of cells given as codes into `distinct` area codes and month numbers."""
        if self.areas is None:
            return np.full(len(codes), -1)
        if self.scope is not None:
            outside = {str(a) for a in distinct[np.unique(codes)]} - self.scope
            if outside:
                raise ValueError(
                    f"{self.indicator_id}: cells of areas this decision was not read for "
                    f"({sorted(outside)[:3]})"
                )
        numbers = self._area_numbers
        position = np.asarray([numbers.get(str(a), -1) for a in distinct], dtype="int64")[codes]
        if (position < 0).any():
            raise ValueError(f"{self.indicator_id}: cells of areas disclosure control never saw")
        keys = _cell_keys(position, months)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        hit = (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return np.where(hit, at, -1)

    @functools.cached_property
    def _area_numbers(self) -> dict[str, int]:
        return {area: n for n, area in enumerate(self.areas or ())}


def hidden_cells(protected: pd.DataFrame, indicator_id: str) -> HiddenCells:
    """The decision in ``apply_disclosure``'s result for every monthly row of one indicator (it
    says nothing of year totals)."""
    if "period_end" in protected.columns:
        raise ValueError("hidden_cells: monthly rows only (no period_end)")
    rows = protected[protected["indicator_id"] == indicator_id]
    codes = rows["area_code"].astype(str)
    areas = tuple(sorted(codes.unique()))
    keys = _cell_keys(pd.Index(areas).get_indexer(codes), _months(rows["period"]))
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    order = np.argsort(keys[hidden], kind="stable")
    primary = rows["suppression_reason"].to_numpy(dtype=object)[hidden][order] == "primary"
    return HiddenCells(indicator_id, areas, keys[hidden][order], primary, years=None)


def release_hidden_cells(
    indicator_id: str,
    cells: pd.DataFrame,
    hidden: pd.DataFrame,
    scope: Sequence[str] | None = None,
) -> HiddenCells:
    """A stored (or just taken) release decision as ``HiddenCells`` for the indicator's cells.

    cells: every stored row of the indicator (area_code, period, ...); hidden: area_code,
    period, reason of the cells the release hides, and ``months`` (12: a year total; without
    the column, a decision that says nothing of year totals).

    scope: the areas `hidden` was read for (``Release.areas``; None: every area); the
    decision then answers for those areas only (``HiddenCells.scope``).

    Vectorised (a national briefing page's first visit applies ~70 releases of up to ~75 000
    hidden cells each): area codes are encoded once per distinct code, not per cell."""
    if scope is not None:
        outside = set(pd.unique(hidden["area_code"].astype(str))) - {str(a) for a in scope}
        if outside:
            raise ValueError(f"{indicator_id}: hidden cells outside the areas read for")
    codes, distinct = pd.factorize(hidden["area_code"], sort=False)
    distinct = np.asarray([str(code) for code in distinct], dtype=object)
    months = _months(hidden["period"])
    years: frozenset[tuple[str, int]] | None = None
    monthly = np.ones(len(hidden), dtype=bool)
    if "months" in hidden.columns:
        monthly = hidden["months"].to_numpy() != YEAR_MONTHS
        at_year = ~monthly
        years = frozenset(
            zip(
                distinct[codes[at_year]].tolist(),
                (months[at_year] // 12).tolist(),
                strict=True,
            )
        )
    shown_areas = set(map(str, cells["area_code"].tolist()))
    areas = tuple(sorted(shown_areas | set(distinct[np.unique(codes[monthly])].tolist())))
    numbers = {area: n for n, area in enumerate(areas)}
    position = np.asarray([numbers.get(area, -1) for area in distinct], dtype="int64")
    keys = _cell_keys(position[codes[monthly]], months[monthly])
    order = np.argsort(keys, kind="stable")
    primary = (hidden["reason"] == "primary").to_numpy(dtype=bool)[monthly][order]
    within = None if scope is None else frozenset(str(a) for a in scope)
    return HiddenCells(indicator_id, areas, keys[order], primary, years, within)


def hide_cells(cut: pd.DataFrame, decisions: Mapping[str, HiddenCells]) -> pd.DataFrame:
    """A cut of observations (monthly rows, any areas and months) as ``apply_disclosure`` of
    every row of its indicators would show it: same columns, same cells hidden.

    decisions: one ``HiddenCells`` per indicator in the cut (KeyError if one is missing).
    """
    if "period_end" in cut.columns:
        raise ValueError("hide_cells: monthly rows only (no period_end)")
    reasons = np.full(len(cut), None, dtype=object)
    # Area codes and months once for the whole cut, then each indicator's rows by position.
    indicators, names = pd.factorize(cut["indicator_id"].astype(str), sort=False)
    codes, distinct = pd.factorize(cut["area_code"].astype(str), sort=False)
    distinct = np.asarray(distinct, dtype=object)
    months = _months(cut["period"]) if len(cut) else np.zeros(0, dtype="int64")
    order = np.argsort(indicators, kind="stable")
    bounds = np.searchsorted(indicators[order], np.arange(len(names) + 1))
    for n, indicator_id in enumerate(names):
        rows = order[bounds[n] : bounds[n + 1]]
        decision = decisions[str(indicator_id)]
        at = decision._locate(codes[rows], distinct, months[rows])
        reasons[rows[at >= 0]] = decision.reasons(at[at >= 0])
    return _blank(cut.copy(), reasons)


def _cell_keys(area_positions: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Keys of cells: position in ``areas`` and month number (``_months``)."""
    return (np.asarray(area_positions, dtype="int64") << 17) | months


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

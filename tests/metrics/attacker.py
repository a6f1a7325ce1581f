"""An attacker on protected tables, written apart from metrics/disclosure.py (tests only).

It knows what briefing mode shows of one indicator (each cell's value or ``..``), the catalog's
areas (region = police areas = municipalities; a police area = its municipalities plus the
unpublished part of a municipality that spans it; that municipality = its parts), that counts
are whole and non-negative, that a numerator is at most its denominator, and that a hidden count
is at least 1 (a hidden proportion: denominator at least 1). For every hidden cell it asks
scipy's integer solver for the least and the greatest value the cell can take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

BIG = 1e9


@dataclass(frozen=True)
class Finding:
    indicator_id: str
    area_code: str
    period: pd.Timestamp
    column: str
    low: float
    high: float
    truth: float | None

    @property
    def exact(self) -> bool:
        return self.high - self.low < 0.5

    def proved_below(self, threshold: int) -> bool:
        return self.high < threshold - 0.5


def relations(catalog, areas: set[str]) -> list[tuple[str, list[str]]]:
    """(total, parts) among the areas an indicator reports, parts of shared municipalities as
    extra unknown codes ``"<municipality>/<police area>"``."""
    by_level = {lv: [a for a in catalog.areas if a.level == lv and a.code in areas] for lv in
                ("region", "police_area", "municipality")}  # fmt: skip
    out = []
    for region in by_level["region"]:
        if by_level["police_area"]:
            out.append((region.code, [p.code for p in by_level["police_area"]]))
        if by_level["municipality"]:
            out.append((region.code, [m.code for m in by_level["municipality"]]))
    if by_level["police_area"] and by_level["municipality"]:
        for police in by_level["police_area"]:
            parts = [m.code for m in by_level["municipality"] if m.police_area == police.code]
            parts += [
                f"{m.code}/{police.code}"
                for m in by_level["municipality"]
                if police.code in m.spans
            ]
            out.append((police.code, parts))
        for m in by_level["municipality"]:
            if m.spans:
                out.append((m.code, [f"{m.code}/{p}" for p in m.spans]))
    return out


def attack_month(
    published: pd.DataFrame,
    catalog,
    indicator_id: str,
    truth: pd.DataFrame | None = None,
    threshold: int = 5,
) -> list[Finding]:
    """Ranges of every hidden cell of one indicator in one month.

    published: area_code, value, denominator (NaN where hidden), suppressed; truth (optional):
    area_code, value, denominator, only reported in the findings. A finding's low and high are
    the exact bounds where the cell needed them; where two completions already show that the
    cell takes more than one value and reaches the threshold, they are the values seen."""
    indicator = catalog.indicator(indicator_id)
    columns = ["value", "denominator"] if indicator.kind == "proportion" else ["value"]
    valid = set(catalog.valid_areas(indicator_id))
    rels = relations(catalog, valid)
    codes = sorted(valid | {p for _, ps in rels for p in ps} | set(published["area_code"]))
    shown = {
        r.area_code: [getattr(r, c) for c in columns]
        for r in published.itertuples()
        if not r.suppressed
    }
    hidden = [str(a) for a in published.loc[published["suppressed"], "area_code"]]
    unknown = [c for c in codes if c not in shown]
    if not hidden:
        return []
    index = {c: k for k, c in enumerate(unknown)}
    width = len(columns)
    n = len(unknown) * width
    rows, rhs = [], []
    for total, parts in rels:
        for j in range(width):
            row = np.zeros(n)
            constant = 0.0
            for code, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
                if code in index:
                    row[index[code] * width + j] += sign
                else:
                    constant += sign * shown[code][j]
            if row.any():
                rows.append(row)
                rhs.append(-constant)
            elif abs(constant) > 1e-6:
                raise AssertionError(f"{indicator_id}: shown cells do not add up ({total})")
    lower = np.zeros(n)
    for code in hidden:
        lower[index[code] * width + (width - 1)] = 1.0
    limits = []
    if rows:
        limits.append(LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs)))
    if width == 2:
        ratio = np.zeros((len(unknown), n))
        for k in range(len(unknown)):
            ratio[k, 2 * k], ratio[k, 2 * k + 1] = 1.0, -1.0
        limits.append(LinearConstraint(ratio, -np.inf, 0.0))
    bounds = Bounds(lower, np.full(n, BIG))
    truth_of = {} if truth is None else {
        r.area_code: [getattr(r, c) for c in columns] for r in truth.itertuples()
    }  # fmt: skip
    period = published["period"].iloc[0]
    findings = []
    solutions: list[np.ndarray] = []

    def solve(k: int, sign: float) -> float:
        c = np.zeros(n)
        c[k] = sign
        result = milp(c, constraints=limits, integrality=np.ones(n), bounds=bounds)
        assert result.x is not None, f"{indicator_id}: no completion at all"
        solutions.append(np.round(result.x))
        return float(np.round(result.x[k]))

    for code in hidden:
        for j, column in enumerate(columns):
            k = index[code] * width + j
            # Two completions that differ, one of them at the threshold or above, settle it
            # without solving for this cell's own bounds.
            seen = [s[k] for s in solutions]
            if not (seen and max(seen) >= threshold and max(seen) > min(seen)):
                high = solve(k, -1.0)
                seen = [s[k] for s in solutions]
                if not (high >= threshold and max(seen) > min(seen)):
                    solve(k, 1.0)
                    seen = [s[k] for s in solutions]
            true = truth_of.get(code, [None] * width)[j]
            findings.append(Finding(indicator_id, code, period, column, min(seen), max(seen), true))
    return findings


def attack(published: pd.DataFrame, catalog, truth: pd.DataFrame | None = None) -> list[Finding]:
    """Every hidden monthly cell of every indicator in `published` (observation form with
    ``suppressed``)."""
    findings = []
    for (indicator_id, _), month in published.groupby(["indicator_id", "period"]):
        if not month["suppressed"].any():
            continue
        true = None
        if truth is not None:
            true = truth[
                (truth["indicator_id"] == indicator_id)
                & (truth["period"] == month["period"].iloc[0])
            ]
        findings += attack_month(month, catalog, str(indicator_id), true)
    return findings


def attack_releases(
    first: pd.DataFrame, second: pd.DataFrame, revised: set[str], catalog, indicator_id: str
) -> list[Finding]:
    """Ranges of the hidden cells of two releases of one indicator's month, read together.

    first, second: area_code, value, denominator (NaN where hidden), suppressed, period; revised:
    the areas whose cell changed between them (the reader is assumed to know which). A cell not
    revised is one unknown in both releases; a revised cell is two (its old and new value)."""
    indicator = catalog.indicator(indicator_id)
    assert indicator.kind != "proportion", "counts only"
    valid = set(catalog.valid_areas(indicator_id))
    rels = relations(catalog, valid)
    codes = sorted(valid | {p for _, ps in rels for p in ps})
    releases = []
    for frame in (first, second):
        releases.append(
            {r.area_code: (None if r.suppressed else r.value) for r in frame.itertuples()}
        )
    # variables: (release, code) -> index; unrevised cells share one across releases
    index: dict[tuple[int, str], int] = {}
    n = 0
    for code in codes:
        # a shared municipality's split can change only where it or the police area did
        if code in revised or (SPLIT_MARK in code and set(code.split(SPLIT_MARK)) & revised):
            index[(0, code)], index[(1, code)] = n, n + 1
            n += 2
        else:
            index[(0, code)] = index[(1, code)] = n
            n += 1
    rows, rhs = [], []
    lower = np.zeros(n)
    upper = np.full(n, BIG)
    for r, published in enumerate(releases):
        for code in codes:
            k = index[(r, code)]
            value = published.get(code, "missing")
            if value is None:
                lower[k] = max(lower[k], 1.0)
            elif value != "missing":
                lower[k] = upper[k] = float(value)
        for total, parts in rels:
            row = np.zeros(n)
            for code, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
                row[index[(r, code)]] += sign
            rows.append(row)
            rhs.append(0.0)
    limits = [LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs))]
    bounds = Bounds(lower, upper)
    findings = []
    for r, published in enumerate(releases):
        period = (first, second)[r]["period"].iloc[0]
        for code, value in published.items():
            if value is not None:
                continue
            k = index[(r, code)]
            found = []
            for sign in (1.0, -1.0):
                c = np.zeros(n)
                c[k] = sign
                result = milp(c, constraints=limits, integrality=np.ones(n), bounds=bounds)
                assert result.x is not None, f"{indicator_id} {code}: no completion"
                found.append(round(result.x[k]))
            findings.append(
                Finding(indicator_id, code, period, f"release {r + 1}", found[0], found[1], None)
            )
    return findings


SPLIT_MARK = "/"

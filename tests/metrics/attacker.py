"""An attacker on protected tables, written apart from metrics/disclosure/ (tests only).

It knows what briefing mode shows of one indicator (each cell's value or ``..``), the catalog's
areas (region = police areas = municipalities; a police area = its municipalities plus the
unpublished part of a municipality that spans it; that municipality = its parts), that counts
are whole and non-negative, that a numerator is at most its denominator, that a hidden share
has a denominator of at least 1, and what the rule says of a hidden count: at least ``floor``
(0 since the rule hides zeros too, as decoys and company; 1 for a rule that never hides a zero).
For every hidden cell it asks scipy's integer solver for the least and the greatest value the
cell can take. ``replay_month`` adds the rule-replay attacker.
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


@dataclass
class MonthProgram:
    """The reader's integer program over one indicator's month: one variable per quantity of
    every cell not shown (hidden cells, and parts no table publishes)."""

    columns: list[str]
    unknown: list[str]
    hidden: list[str]
    index: dict[str, int]
    limits: list
    lower: np.ndarray
    shown: dict[str, list[float]]

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def n(self) -> int:
        return len(self.unknown) * self.width

    def solve(self, cost: np.ndarray, lower: np.ndarray | None = None) -> np.ndarray | None:
        low = self.lower if lower is None else lower
        result = milp(
            cost,
            constraints=self.limits,
            integrality=np.ones(self.n),
            bounds=Bounds(low, np.full(self.n, BIG)),
        )
        return None if result.x is None else np.round(result.x)


def month_program(
    published: pd.DataFrame, catalog, indicator_id: str, floor: int = 0
) -> MonthProgram:
    """published: area_code, value, denominator (NaN where hidden), suppressed. floor: what the
    reader knows a hidden count to be at least (1 when the rule never hides a zero, 0 when it
    may; a hidden proportion's denominator is at least 1 either way)."""
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
        lower[index[code] * width + (width - 1)] = 1.0 if width == 2 else float(floor)
    limits = []
    if rows:
        limits.append(LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs)))
    if width == 2:
        ratio = np.zeros((len(unknown), n))
        for k in range(len(unknown)):
            ratio[k, 2 * k], ratio[k, 2 * k + 1] = 1.0, -1.0
        limits.append(LinearConstraint(ratio, -np.inf, 0.0))
    return MonthProgram(columns, unknown, hidden, index, limits, lower, shown)


def attack_month(
    published: pd.DataFrame,
    catalog,
    indicator_id: str,
    truth: pd.DataFrame | None = None,
    threshold: int = 5,
    floor: int = 0,
) -> list[Finding]:
    """Ranges of every hidden cell of one indicator in one month.

    published: area_code, value, denominator (NaN where hidden), suppressed; truth (optional):
    area_code, value, denominator, only reported in the findings. A finding's low and high are
    the exact bounds where the cell needed them; where two completions already show that the
    cell takes more than one value and reaches the threshold, they are the values seen."""
    program = month_program(published, catalog, indicator_id, floor)
    if not program.hidden:
        return []
    columns, width, n = program.columns, program.width, program.n
    truth_of = {} if truth is None else {
        r.area_code: [getattr(r, c) for c in columns] for r in truth.itertuples()
    }  # fmt: skip
    period = published["period"].iloc[0]
    findings = []
    solutions: list[np.ndarray] = []

    def solve(k: int, sign: float) -> float:
        c = np.zeros(n)
        c[k] = sign
        x = program.solve(c)
        assert x is not None, f"{indicator_id}: no completion at all"
        solutions.append(x)
        return float(x[k])

    for code in program.hidden:
        for j, column in enumerate(columns):
            k = program.index[code] * width + j
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


def replay_month(
    published: pd.DataFrame,
    truth: pd.DataFrame,
    catalog,
    indicator_id: str,
    rule,
    threshold: int = 5,
    floor: int = 0,
) -> list[str]:
    """The rule-replay attacker on one month of a count: the areas of hidden cells it knows to
    be small although the integer program alone would not tell.

    For each hidden cell that is small in `truth` (only those can leak this way), it asks its
    own integer program for completions of what is shown in which the cell is at least the
    threshold (the least such and the greatest), and replays the public rule on each:
    ``rule(frame, decoys)`` -> which rows it hides, where `decoys` marks the cells a secret key
    could have drawn as decoys (a rule without decoys ignores it). As decoys it passes the hidden
    cells the completion does not make small: a key gives every cell a chance, so any such set
    is possible. A completion whose replay hides exactly the published cells is a world the
    reader cannot rule out; a cell with none is known to be small."""
    program = month_program(published, catalog, indicator_id, floor)
    assert program.width == 1, "counts only"
    pattern = published.set_index("area_code")["suppressed"]
    small_truth = truth.set_index("area_code")["value"]
    known_small = []
    for code in program.hidden:
        if not (0 < small_truth[code] < threshold):
            continue
        k = program.index[code]
        at_least = program.lower.copy()
        at_least[k] = max(at_least[k], float(threshold))
        consistent = False
        for sign in (1.0, -1.0):
            cost = np.zeros(program.n)
            cost[k] = sign
            x = program.solve(cost, at_least)
            if x is None:
                break  # the integer program alone says it is small: attack_month's finding
            values = {c: program.shown[c][0] for c in program.shown}
            values.update({c: float(x[program.index[c]]) for c in program.unknown})
            frame = truth.assign(value=truth["area_code"].map(values).astype("float64"))
            small = (frame["value"] > 0) & (frame["value"] < threshold)
            decoys = (
                frame["area_code"].map(pattern).fillna(False).astype(bool) & ~small
            ).to_numpy()
            hidden = np.asarray(rule(frame, decoys), dtype=bool)
            if (hidden == frame["area_code"].map(pattern).astype(bool).to_numpy()).all():
                consistent = True
                break
        if not consistent:
            known_small.append(code)
    return known_small


def attack(
    published: pd.DataFrame, catalog, truth: pd.DataFrame | None = None, floor: int = 0
) -> list[Finding]:
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
        findings += attack_month(month, catalog, str(indicator_id), true, floor=floor)
    return findings


def attack_releases(
    first: pd.DataFrame,
    second: pd.DataFrame,
    revised: set[str],
    catalog,
    indicator_id: str,
    floor: int = 0,
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
                lower[k] = max(lower[k], float(floor))
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


def attack_year(
    months: pd.DataFrame,
    years: pd.DataFrame,
    catalog,
    indicator_id: str,
    threshold: int = 5,
    floor: int = 0,
) -> list[Finding]:
    """Ranges of every hidden month and hidden year total of one count over one calendar year,
    read with the year totals shown.

    months: area_code, period, value (NaN where hidden), suppressed — the twelve months of
    every area; years: area_code, value (NaN where hidden), suppressed — each area's total over
    them. The reader's unknowns are each month's hidden cells and unpublished parts; each month
    obeys the area relations, and each shown year total is the sum of its area's months. A hidden
    year total is the sum of its area's months too: its range is reported under period NaT."""
    indicator = catalog.indicator(indicator_id)
    assert indicator.kind == "count", "counts only"
    valid = set(catalog.valid_areas(indicator_id))
    rels = relations(catalog, valid)
    codes = sorted(valid | {p for _, ps in rels for p in ps})
    periods = sorted(pd.to_datetime(months["period"]).unique())
    shown = {
        (r.area_code, pd.Timestamp(r.period)): float(r.value)
        for r in months.itertuples()
        if not r.suppressed
    }
    cells = [(c, p) for p in periods for c in codes]
    unknown = [cell for cell in cells if cell not in shown]
    index = {cell: k for k, cell in enumerate(unknown)}
    n = len(unknown)
    rows, rhs = [], []

    def term(cell, sign, row) -> float:
        if cell in index:
            row[index[cell]] += sign
            return 0.0
        return sign * shown[cell]

    for p in periods:
        for total, parts in rels:
            row = np.zeros(n)
            constant = term((total, p), 1.0, row)
            for part in parts:
                constant += term((part, p), -1.0, row)
            if row.any():
                rows.append(row)
                rhs.append(-constant)
    for r in years.itertuples():
        if r.suppressed:
            continue
        row = np.zeros(n)
        constant = sum(term((r.area_code, p), 1.0, row) for p in periods)
        rows.append(row)
        rhs.append(float(r.value) - constant)
    lower = np.zeros(n)
    for r in months.itertuples():
        if r.suppressed:
            lower[index[(r.area_code, pd.Timestamp(r.period))]] = float(floor)
    limits = [LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs))] if rows else []

    def bounds(cost: np.ndarray) -> tuple[float, float]:
        found = []
        for sign in (1.0, -1.0):
            result = milp(
                sign * cost,
                constraints=limits,
                integrality=np.ones(n),
                bounds=Bounds(lower, np.full(n, BIG)),
            )
            assert result.x is not None, f"{indicator_id}: no completion at all"
            found.append(float(np.round(cost @ np.round(result.x))))
        return min(found), max(found)

    findings = []
    for r in months.itertuples():
        if not r.suppressed:
            continue
        cost = np.zeros(n)
        cost[index[(r.area_code, pd.Timestamp(r.period))]] = 1.0
        low, high = bounds(cost)
        findings.append(
            Finding(indicator_id, r.area_code, pd.Timestamp(r.period), "value", low, high, None)
        )
    for r in years.itertuples():
        if not r.suppressed:
            continue
        cost = np.zeros(n)
        constant = 0.0
        for p in periods:
            if (r.area_code, p) in index:
                cost[index[(r.area_code, p)]] = 1.0
            else:
                constant += shown[(r.area_code, p)]
        low, high = bounds(cost)
        findings.append(
            Finding(
                indicator_id, r.area_code, pd.NaT, "year", low + constant, high + constant, None
            )
        )
    return findings

"""Year totals of region-only indicators: what briefing mode shows instead of their months."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from i18n import Lang, t
from metrics.disclosure.policy import DEFAULT_THRESHOLD
from metrics.formatting import format_number

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class PeriodTotal:
    """One calendar year of an indicator at one area, as briefing mode may show it.

    ``total`` None: not shown; ``fewer`` True means the year's total is 1..threshold-1 (said as
    "färre än 5"); ``partial`` True means the year is not complete (fewer than 12 months
    reported), so no total is shown yet; otherwise ``total`` None means it cannot be shown at
    all (what it adds to the shown months would be a small count, or would pin the hidden
    months). ``months``: months reported."""

    year: int
    months: int
    total: float | None
    fewer: bool
    partial: bool = False


def period_totals(
    monthly: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD
) -> tuple[PeriodTotal, ...]:
    """What briefing mode shows instead of a monthly ``..`` that would mean 1..4: year totals.

    For indicators where a hidden month cannot be protected by other cells (``is_isolated``:
    reported for the region only, e.g. lethal violence), every month below the threshold is
    hidden, zeros too, so ``..`` says 0..4; the year's total then tells what the months cannot.
    monthly: one area's monthly counts *before* protection (period, value) with ``suppressed``
    from the indicator's decision (every hidden month is 0..threshold-1, as for an isolated
    indicator). Only complete years (12 months reported) get a total: a running total of the
    current year, read month after month, would give each new month by subtraction. A year's
    total is shown when it is 0 or at least the threshold, and what it adds to the shown months
    (the hidden months' sum) is 0, or at least the threshold and below what would put every
    hidden month at threshold-1 (which would pin them); a total of 1..threshold-1 is "fewer
    than" the threshold; otherwise it is not shown. Years in order; empty frame -> ().
    """
    if monthly.empty:
        return ()
    frame = monthly.assign(year=pd.to_datetime(monthly["period"]).dt.year)
    out = []
    for year, rows in frame.groupby("year", sort=True):
        values = rows["value"].to_numpy(dtype="float64")
        hidden = rows["suppressed"].to_numpy(dtype=bool)
        total = float(np.nansum(values))
        behind = float(np.nansum(values[hidden]))
        most = (threshold - 1) * int(hidden.sum())  # every hidden month at its largest

        def small(x: float) -> bool:
            return 0 < x < threshold

        if rows["period"].nunique() < 12:
            out.append(PeriodTotal(int(year), len(rows), None, False, partial=True))
        elif small(total):
            out.append(PeriodTotal(int(year), len(rows), None, True))
        elif small(behind) or (behind > 0 and behind >= most):
            out.append(PeriodTotal(int(year), len(rows), None, False))
        else:
            out.append(PeriodTotal(int(year), len(rows), total, False))
    return tuple(out)


def period_total_text(
    item: PeriodTotal, lang: Lang = "sv", threshold: int = DEFAULT_THRESHOLD
) -> str:
    """The year as a sentence part: "2025: 7", "2025: färre än 5", "2025: kan inte visas",
    "2026: visas när året är slut"."""
    if item.total is not None:
        return t("period_total", lang, year=item.year, total=format_number(item.total, lang))
    if item.partial:
        return t("period_total_partial", lang, year=item.year, done=item.months)
    if item.fewer:
        return t("period_total_fewer", lang, year=item.year, threshold=threshold)
    return t("period_total_hidden", lang, year=item.year)

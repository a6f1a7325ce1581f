"""Releases: a new release of an indicator keeps what the previous one hid (sticky)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.disclosure.policy import DEFAULT_THRESHOLD, YEAR_MONTHS, protects
from metrics.disclosure.suppression import suppress
from metrics.disclosure.years import YEAR_COLUMNS, decide_year_totals

if TYPE_CHECKING:
    from metrics.catalog import Catalog


def decide_release(
    cells: pd.DataFrame,
    catalog: Catalog,
    indicator_id: str,
    *,
    before: pd.DataFrame | None = None,
    hidden_before: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    key: bytes,
) -> pd.DataFrame:
    """The cells of one indicator a new release hides: area_code, period, reason, months (1: a
    month; 12: a year total, ``period`` its first month, see metrics/disclosure/years.py).

    cells: every monthly cell of the indicator now (area_code, period, value, denominator).
    before / hidden_before: the indicator's cells at the previous release and the cells it hid
    (None: no previous release, or not known; without a ``months`` column, a release that
    decided no year totals). Sticky: a cell hidden before stays hidden; a cell shown before with
    the same value is known to readers, so it neither protects nor is hidden; the new pattern is
    then protected as ``suppress`` protects, with those cells as known. A revision that changes
    a cell leaves what was hidden hidden, whatever its new value. The year totals are decided
    after the months, on the months as this release shows them (``decide_year_totals``).
    """
    years_hidden_before = None
    if hidden_before is not None and "months" in hidden_before.columns:
        is_year = hidden_before["months"].to_numpy() == YEAR_MONTHS
        years_hidden_before = hidden_before[is_year]
        hidden_before = hidden_before[~is_year]
    months = _decide_months(
        cells,
        catalog,
        indicator_id,
        before=before,
        hidden_before=hidden_before,
        threshold=threshold,
        key=key,
    )
    years = decide_year_totals(
        cells,
        months,
        catalog,
        indicator_id,
        before=before,
        years_hidden_before=years_hidden_before,
        threshold=threshold,
        key=key,
    )
    parts = [months.assign(months=1)] + ([years] if len(years) else [])
    return pd.concat(parts, ignore_index=True)[YEAR_COLUMNS]


def _decide_months(
    cells: pd.DataFrame,
    catalog: Catalog,
    indicator_id: str,
    *,
    before: pd.DataFrame | None,
    hidden_before: pd.DataFrame | None,
    threshold: int,
    key: bytes,
) -> pd.DataFrame:
    """The months a new release hides (area_code, period, reason): see ``decide_release``."""
    frame = cells.assign(indicator_id=indicator_id).reset_index(drop=True)
    if "denominator" not in frame.columns:
        frame["denominator"] = np.nan
    keys = pd.MultiIndex.from_arrays(
        [frame["area_code"].astype(str), pd.to_datetime(frame["period"])]
    )
    keep = np.zeros(len(frame), dtype=bool)
    public = np.zeros(len(frame), dtype=bool)
    if hidden_before is not None and len(hidden_before):
        old_hidden = pd.MultiIndex.from_arrays(
            [hidden_before["area_code"].astype(str), pd.to_datetime(hidden_before["period"])]
        )
        keep = keys.isin(old_hidden)
    if before is not None and hidden_before is not None and len(before):
        old = before.assign(
            area_code=before["area_code"].astype(str), period=pd.to_datetime(before["period"])
        ).set_index(["area_code", "period"])
        at = old.index.get_indexer(keys)
        seen = at >= 0
        same = np.zeros(len(frame), dtype=bool)
        for column in ("value", "denominator"):
            if column not in old.columns:
                continue
            then = old[column].to_numpy(dtype="float64")[np.where(seen, at, 0)]
            now = frame[column].to_numpy(dtype="float64")
            equal = (then == now) | (np.isnan(then) & np.isnan(now))
            same = equal if column == "value" else same & equal
        public = seen & same & ~keep
    out = suppress(frame, catalog, threshold, key=key, keep_hidden=keep, already_shown=public)
    hidden = out[out["suppressed"]]
    return pd.DataFrame(
        {
            "area_code": hidden["area_code"].astype(str).to_numpy(),
            "period": pd.to_datetime(hidden["period"]).to_numpy(),
            "reason": hidden["suppression_reason"].to_numpy(dtype=object),
        }
    )


@dataclass(frozen=True)
class ReleaseDecider:
    """What the writers (storage's commit and undo, `storage.disclosure.record_releases`) call
    for each indicator they change, in their transaction: the release's decision
    (``decide_release``), or None for an indicator disclosure control leaves alone."""

    catalog: Catalog
    threshold: int = DEFAULT_THRESHOLD

    def __call__(
        self,
        indicator_id: str,
        before: pd.DataFrame,
        hidden_before: pd.DataFrame | None,
        after: pd.DataFrame,
        *,
        key: bytes,
    ) -> pd.DataFrame | None:
        """(indicator, its cells before, the cells hidden then or None if unknown, its cells
        now, the database's secret key) -> the cells hidden now (area_code, period, reason,
        months), or None. Cells: area_code, period, value, denominator."""
        try:
            indicator = self.catalog.indicator(indicator_id)
        except KeyError:
            return None
        if not protects(indicator):
            return None
        return decide_release(
            after,
            self.catalog,
            indicator_id,
            before=before,
            hidden_before=hidden_before,
            threshold=self.threshold,
            key=key,
        )

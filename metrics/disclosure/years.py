"""Year totals as cells of their own: what briefing mode's comparison between areas shows.

Comparing areas needs each area's total over a year. Shown beside the months, a total gives
the sum of the area's hidden months by subtraction (one hidden month: its value), so a release
decides its year totals as cells of their own, in a second pass after the months: the months as
the release shows them (a hidden month stays hidden, a shown month is known to readers) and one
row per area and complete calendar year of a monthly count or share (all twelve months
reported), protected by ``suppress`` against the same reader, who now also knows every year total
shown and that a year is the sum of its months. Only year rows are hidden in this pass, so the
months' decision stands: the pass can always succeed (a hidden year total tells nothing new).
Sticky as the months: a year total hidden before stays hidden; one shown before with the same
value is known to readers. An area-year whose months are all shown is known already (the sum
of what is shown): never hidden, never company.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.disclosure.cells import HiddenCells
from metrics.disclosure.geography import is_isolated
from metrics.disclosure.policy import DEFAULT_THRESHOLD, YEAR_MONTHS, protects
from metrics.disclosure.suppression import suppress

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

SHARE_YEAR_LIMIT = 400
"""More hidden share cells than this in a calendar year: its totals are hidden unchecked (see
``decide_year_totals``). A county's year has at most 32 areas × 12 months = 384 cells."""

YEAR_COLUMNS = ["area_code", "period", "reason", "months"]
"""A release's hidden cells: ``months`` 1 for a month, 12 for a year total (``period``: its
first month)."""


def has_year_totals(indicator: Indicator, catalog: Catalog) -> bool:
    """True for the indicators whose releases decide year totals: protected monthly counts and
    shares reported for more than one area (a stock's year is its December; a region-only
    indicator has its own year totals, ``period_totals``)."""
    return (
        protects(indicator)
        and indicator.kind in ("count", "proportion")
        and indicator.frequency == "monthly"
        and not is_isolated(indicator, catalog)
    )


def year_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per area and complete calendar year of monthly cells (area_code, period, value,
    denominator): area_code, period (1 January), period_end (1 December), value and denominator
    summed over the twelve months. A year with a month missing, or a month without a value (or,
    where any month has one, a denominator), has no row. Sorted by area and year."""
    columns = ["area_code", "period", "period_end", "value", "denominator"]
    if cells.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "area_code": cells["area_code"].astype(str).to_numpy(),
            "year": pd.to_datetime(cells["period"]).dt.year.to_numpy(),
            "value": cells["value"].to_numpy(dtype="float64"),
            "denominator": (
                cells["denominator"].to_numpy(dtype="float64")
                if "denominator" in cells.columns
                else np.full(len(cells), np.nan)
            ),
        }
    )
    shares = bool(frame["denominator"].notna().any())
    frame["ok"] = frame["value"].notna() & (frame["denominator"].notna() | (not shares))
    grouped = frame.groupby(["area_code", "year"], sort=True)
    sums = grouped[["value", "denominator"]].sum(min_count=1)
    complete = (grouped.size() == YEAR_MONTHS) & grouped["ok"].all()
    sums = sums[complete.reindex(sums.index, fill_value=False)].reset_index()
    return pd.DataFrame(
        {
            "area_code": sums["area_code"].astype(str),
            "period": pd.to_datetime(sums["year"].astype(str) + "-01-01"),
            "period_end": pd.to_datetime(sums["year"].astype(str) + "-12-01"),
            "value": sums["value"].astype("float64"),
            "denominator": sums["denominator"].astype("float64"),
        }
    )[columns]


TOTAL_COLUMNS = ["area_code", "year", "value", "denominator", "suppressed"]


def year_totals(cells: pd.DataFrame, decision: HiddenCells | None = None) -> pd.DataFrame:
    """Each area's complete calendar years of monthly cells (area_code, period, value,
    denominator): TOTAL_COLUMNS. With a release `decision` (briefing or public mode), the totals
    it hides have no value or denominator and ``suppressed`` True (a decision that says nothing
    of year totals hides them all)."""
    rows = year_rows(cells)
    out = pd.DataFrame(
        {
            "area_code": rows["area_code"].astype(str).to_numpy(),
            "year": pd.to_datetime(rows["period"]).dt.year.astype(int).to_numpy(),
            "value": rows["value"].to_numpy(dtype="float64"),
            "denominator": rows["denominator"].to_numpy(dtype="float64"),
            "suppressed": False,
        }
    )
    if decision is not None and len(out):
        out["suppressed"] = [
            decision.year_hidden(a, y) for a, y in zip(out["area_code"], out["year"], strict=True)
        ]
        out.loc[out["suppressed"], ["value", "denominator"]] = np.nan
    return out[TOTAL_COLUMNS]


def decide_year_totals(
    cells: pd.DataFrame,
    months_hidden: pd.DataFrame,
    catalog: Catalog,
    indicator_id: str,
    *,
    before: pd.DataFrame | None = None,
    years_hidden_before: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    key: bytes,
) -> pd.DataFrame:
    """The year totals a release hides (YEAR_COLUMNS, months 12), given its months' decision.

    cells: every monthly cell of the indicator now (area_code, period, value, denominator);
    months_hidden: the cells the release hides (area_code, period, reason); before: the cells
    at the previous release and years_hidden_before the year totals it hid (None: that release
    decided no year totals, so none was shown). See the module's docstring."""
    empty = pd.DataFrame(columns=YEAR_COLUMNS)
    if not has_year_totals(catalog.indicator(indicator_id), catalog):
        return empty
    months = cells.reset_index(drop=True)
    months = months.assign(
        area_code=months["area_code"].astype(str), period=pd.to_datetime(months["period"])
    )
    if "denominator" not in months.columns:
        months["denominator"] = np.nan
    years = year_rows(months)
    if years.empty:
        return empty
    hidden_month = _keys(months).isin(_keys(months_hidden))
    month_year = months["period"].dt.year.to_numpy()
    month_of_year = months["area_code"] + "|" + months["period"].dt.year.astype(str)
    year_key = years["area_code"] + "|" + years["period"].dt.year.astype(str)
    has_hidden = year_key.isin(set(month_of_year[hidden_month])).to_numpy()
    # Shares have no cheap check (each hidden cell costs integer programs over the whole year):
    # a year with more hidden share cells than SHARE_YEAR_LIMIT shows no total that would add
    # anything (only those whose months are all shown), unchecked, so a national release stays
    # within seconds. Hiding a total is always safe.
    year_of = years["period"].dt.year.to_numpy()
    withheld = np.zeros(len(years), dtype=bool)
    if catalog.indicator(indicator_id).kind == "proportion":
        per_year = pd.Series(hidden_month).groupby(month_year).sum()
        crowded = set(per_year[per_year > SHARE_YEAR_LIMIT].index)
        withheld = np.isin(year_of, list(crowded)) & has_hidden
    checked = ~np.isin(year_of, list(set(year_of[withheld])))
    keep = np.zeros(len(years), dtype=bool)
    known = ~has_hidden  # every month shown: the total is their sum
    if years_hidden_before is not None:
        keep = _keys(years).isin(_keys(years_hidden_before)) & has_hidden
        if before is not None and len(before):
            then = year_rows(before).set_index(["area_code", "period"])
            at = then.index.get_indexer(_keys(years))
            same = np.zeros(len(years), dtype=bool)
            seen = at >= 0
            for column in ("value", "denominator"):
                old = then[column].to_numpy(dtype="float64")[np.where(seen, at, 0)]
                now = years[column].to_numpy(dtype="float64")
                equal = (old == now) | (np.isnan(old) & np.isnan(now))
                same = equal if column == "value" else same & equal
            known |= seen & same & ~keep
    # Relations do not cross calendar years: only the months of the years checked take part.
    in_checked = np.isin(month_year, list(set(year_of[checked])))
    months, hidden_month = months[in_checked].reset_index(drop=True), hidden_month[in_checked]
    frame = pd.concat([months.assign(period_end=pd.NaT), years[checked]], ignore_index=True).assign(
        indicator_id=indicator_id
    )
    out = suppress(
        frame,
        catalog,
        threshold,
        key=key,
        keep_hidden=np.concatenate([hidden_month, keep[checked]]),
        already_shown=np.concatenate([~hidden_month, known[checked]]),
    )
    rows = out.iloc[len(months) :]
    rows = rows[rows["suppressed"].to_numpy(dtype=bool)]
    unchecked = years[withheld]
    return pd.DataFrame(
        {
            "area_code": np.concatenate(
                [rows["area_code"].astype(str).to_numpy(), unchecked["area_code"].to_numpy()]
            ),
            "period": np.concatenate(
                [pd.to_datetime(rows["period"]).to_numpy(), unchecked["period"].to_numpy()]
            ),
            "reason": np.concatenate(
                [
                    rows["suppression_reason"].to_numpy(dtype=object),
                    np.full(len(unchecked), "secondary", dtype=object),
                ]
            ),
            "months": YEAR_MONTHS,
        }
    )


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays(
        [frame["area_code"].astype(str).to_numpy(), pd.to_datetime(frame["period"]).to_numpy()]
    )

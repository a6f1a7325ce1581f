"""Where XmR limits start again (catalog series breaks, recorded process changes) and shifts no rebase explains."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.reader import read_indicator
from metrics.spc import RUN_LENGTH

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

SHIFT_MONTHS = RUN_LENGTH
"""A shift is offered for a rebase once it has lasted this many months (7: the run rule's length,
so the shift is already a special cause on the chart)."""


def rebase_points(
    catalog: Catalog, process_changes: pd.DataFrame | None = None
) -> dict[str, tuple[pd.Timestamp, ...]]:
    """The months where each catalog indicator's XmR limits start again, in time order.

    Every indicator of the catalog has an entry (an empty tuple when nothing rebases it): its
    series breaks (``SeriesBreak.period``, the first month of the new series) and the process
    changes in force (``storage.list_process_changes``: columns ``period``, ``indicator_id``,
    ``goal_id``; a goal's mark rebases every indicator the catalog gives the goal now). A mark
    naming an indicator or goal the catalog no longer has is left out. Months are first-of-month
    Timestamps; the same month from two sources appears once.
    """
    points: dict[str, set[pd.Timestamp]] = {
        indicator.id: {_month(b.period) for b in indicator.breaks}
        for indicator in catalog.indicators
    }
    goals = {goal.id for goal in catalog.goals}
    if process_changes is not None:
        for change in process_changes.itertuples():
            month = _month(change.period)
            if isinstance(change.indicator_id, str):
                if change.indicator_id in points:
                    points[change.indicator_id].add(month)
            elif isinstance(change.goal_id, str) and change.goal_id in goals:
                for indicator in catalog.indicators_for_goal(change.goal_id):
                    points[indicator.id].add(month)
    return {indicator_id: tuple(sorted(months)) for indicator_id, months in points.items()}


@dataclass(frozen=True)
class Shift:
    """A run on one side of the current limits' mean that is still going on at the latest month.

    start: its first month (where a rebase would start the new limits); months: how many months
    it has lasted (through ``latest``); side: +1 above the mean, -1 below; mean: the mean of the
    period it lies in (what the run is measured against).
    """

    start: pd.Timestamp
    latest: pd.Timestamp
    months: int
    side: int
    mean: float


def detect_shift(
    spc_points: pd.DataFrame,
    rebases: Iterable[pd.Timestamp] = (),
    *,
    min_months: int = SHIFT_MONTHS,
) -> Shift | None:
    """The shift no rebase explains, or None: the latest value and the ``min_months - 1`` or more
    months before it lie on the same side of their period's mean, without a gap or a value on
    the mean, and no rebase in ``rebases`` falls on or after the run's first month.

    spc_points: ``xmr(...).points`` indexed by month (first of the month, time order), as
    ``Reading.spc.points``; its periods are the rebases already applied, so a run never
    reaches back past the latest period's start. A run that fills its whole period (possible
    when limits are fixed after a baseline) is no shift either: a rebase at its start would
    change nothing. Nothing is ever rebased here; this only says where a rebase would start.
    """
    if spc_points.empty:
        return None
    values = spc_points["value"].to_numpy(dtype="float64")
    present = np.flatnonzero(~np.isnan(values))
    if present.size == 0:
        return None
    last = int(present[-1])
    relative = spc_points["relative_to_mean"].to_numpy(dtype="float64")
    period = spc_points["period"].to_numpy()
    side = relative[last]
    if side == 0 or np.isnan(side):
        return None
    first = last
    while first > 0 and relative[first - 1] == side and period[first - 1] == period[last]:
        first -= 1
    months = last - first + 1
    if months < min_months or (first == 0 or period[first - 1] != period[last]):
        # Too short, or the run is the whole period: nothing a rebase at its start would change.
        return None
    index = pd.DatetimeIndex(spc_points.index)
    start = index[first]
    if any(_month(r) >= start for r in rebases):
        return None
    return Shift(
        start=start,
        latest=index[last],
        months=months,
        side=int(side),
        mean=float(spc_points["mean"].iloc[last]),
    )


def find_shift(
    indicator: Indicator,
    series: pd.DataFrame,
    rebases: Sequence[pd.Timestamp] = (),
    *,
    as_of: pd.Timestamp | None = None,
) -> Shift | None:
    """The shift no rebase explains in an indicator's series read up to ``as_of`` (default: its
    latest month), or None: ``detect_shift`` on the XmR chart of its reading (rebased at its
    series breaks and ``rebases``). Only a reading made on XmR with at least MIN_POINTS values
    has one: rare events, series disclosure control hides too much of and short series never do.

    series: the whole monthly series (``aggregate_areas`` shape), not a displayed cut.
    """
    reading = read_indicator(series, indicator, rebases=rebases, as_of=as_of)
    if reading.spc is None or reading.category in _NOT_READ_ON_XMR:
        return None
    return detect_shift(reading.spc.points, rebases)


_NOT_READ_ON_XMR = ("no_data", "rare_event", "hidden", "too_little_data")


def _month(period: object) -> pd.Timestamp:
    return pd.Timestamp(period).to_period("M").to_timestamp()

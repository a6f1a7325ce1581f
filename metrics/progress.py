"""Progress towards targets, XmR variation and assurance icons, rare events (the parts of a reading)."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from i18n import Lang, t
from metrics.aggregate import month_range
from metrics.periods import month_starts

if TYPE_CHECKING:
    from metrics.catalog import Indicator


@dataclass(frozen=True)
class Icon:
    """A signal icon as data: its id says what it means, its text says it in words.

    How it is drawn (shape and colour, so the meaning survives grey-scale printing and
    colour-blindness) is presentation: ``charts.theme.icon_style``.
    """

    id: str

    def text(self, lang: Lang = "sv") -> str:
        """The icon's meaning in words ("Slumpmässig variation")."""
        return t("icon_" + self.id, lang)


VARIATION_ICONS: dict[str, Icon] = {
    id_: Icon(id_)
    for id_ in (
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neutral_high",
        "neutral_low",
        "common_cause",
    )
}
ASSURANCE_ICONS: dict[str, Icon] = {id_: Icon(id_) for id_ in ("pass", "fail", "hit_and_miss")}
ASSURANCE_BY_XMR = {
    "consistent_pass": "pass",
    "consistent_fail": "fail",
    "inconsistent": "hit_and_miss",
}
"""The XmR assurance reading (metrics.spc) -> its assurance category and icon id."""


PROGRESS_STATUSES: tuple[str, ...] = (
    "target_met",
    "on_track",
    "behind",
    "in_progress",
    "moving_away",
    "neutral",
    "target_not_met",
    "no_target",
    "no_data",
)
"""Every progress status (its words: i18n ``progress_<status>``). A neutral indicator only ever
gets "neutral" (or no_data)."""


def _month(period: str | pd.Timestamp) -> pd.Timestamp:
    # Cached: an overview asks for the same few months hundreds of times, and pandas' period
    # round trip costs a tenth of a millisecond. The result does not depend on the input's
    # resolution (always microseconds), so equal inputs may share it.
    return _month_of(period)


@functools.lru_cache(maxsize=1024)
def _month_of(period: str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(period).to_period("M").to_timestamp()


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


# ---------------------------------------------------------------------------------------------
# Progress towards a target


@dataclass(frozen=True)
class Progress:
    """How far an indicator has come from its baseline towards its target.

    raw: (current - baseline) / (target - baseline): 0.0 at the baseline, 1.0 at the target,
        negative when further away than at baseline, above 1 beyond the target; None without a
        target, a baseline or a current value (a target without a baseline still gives the
        status target_met / target_not_met). When target == baseline it is 1.0 if the target
        is met and 0.0 otherwise.
    share: raw clipped to [0, 1], for progress bars.
    expected: the trajectory's value at ``period`` (None without a period or outside the line).
    status: one of PROGRESS_STATUSES.
    """

    indicator_id: str
    current: float | None
    baseline: float | None
    target: float | None
    raw: float | None
    share: float | None
    status: str
    period: pd.Timestamp | None = None
    expected: float | None = None

    def words(self, lang: Lang = "sv") -> str:
        """The status in words, e.g. "Målet är nått"."""
        return t("progress_" + self.status, lang)


def compute_progress(
    indicator: Indicator,
    current: float | None,
    *,
    period: pd.Timestamp | str | None = None,
    baseline: Any | None = None,
    target: Any | None = None,
) -> Progress:
    """Share of the way from baseline to target reached by ``current``.

    current: the value in the target's unit (a share 0..1 for proportions).
    period: the month of ``current``; with it, the status compares with the trajectory
        (on_track / behind) instead of just in_progress.
    baseline, target: objects with ``value`` and ``period`` ("YYYY-MM") that replace the
        catalog's (e.g. a target set per area); default: the indicator's own.
    The share is monotone in ``current`` in the direction from baseline to target (which is the
    indicator's direction when the catalog is consistent). A neutral indicator gets the number
    but never a good/bad status. Missing current value → status no_data.
    """
    baseline = baseline if baseline is not None else indicator.baseline
    target = target if target is not None else indicator.target
    value = _number(current)
    month = _month(period) if period is not None else None
    base_value = _number(baseline.value) if baseline is not None else None
    target_value = _number(target.value) if target is not None else None

    raw: float | None = None
    if value is not None and base_value is not None and target_value is not None:
        gap = target_value - base_value
        if gap != 0:
            raw = (value - base_value) / gap
        else:
            raw = 1.0 if _meets(value, target_value, indicator.direction) else 0.0
    share = None if raw is None else min(1.0, max(0.0, raw))
    expected = (
        expected_at(indicator, month, baseline=baseline, target=target)
        if month is not None
        else None
    )

    if value is None:
        status = "no_data"
    elif indicator.direction == "neutral":
        status = "neutral"
    elif raw is None and target_value is not None:
        # a target without a baseline: only met or not (e.g. zero deaths)
        status = (
            "target_met" if _meets(value, target_value, indicator.direction) else "target_not_met"
        )
    elif raw is None:
        status = "no_target"
    elif raw >= 1.0:
        status = "target_met"
    elif raw < 0.0 or (base_value == target_value):
        status = "moving_away"
    elif expected is not None:
        assert base_value is not None and target_value is not None
        toward = math.copysign(1.0, target_value - base_value)
        status = "on_track" if (value - expected) * toward >= 0 else "behind"
    else:
        status = "in_progress"
    return Progress(
        indicator.id, value, base_value, target_value, raw, share, status, month, expected
    )


def _meets(value: float, target: float, direction: str) -> bool:
    if direction == "increase":
        return value >= target
    if direction == "decrease":
        return value <= target
    return value == target


def trajectory(
    indicator: Indicator,
    *,
    baseline: Any | None = None,
    target: Any | None = None,
) -> pd.Series:
    """The straight line from (baseline period, baseline value) to (target period, target value),
    one value per month (index ``period``), for drawing beside the series.

    Empty when the indicator lacks a baseline or a target, or the target month is before the
    baseline month; a single point when they are the same month.
    """
    baseline = baseline if baseline is not None else indicator.baseline
    target = target if target is not None else indicator.target
    if baseline is None or target is None:
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([], name="period"), name="value")
    start, end = _month(baseline.period), _month(target.period)
    months = month_range(start, end) if end >= start else pd.DatetimeIndex([], name="period")
    steps = len(months) - 1
    b, t = float(baseline.value), float(target.value)
    values = [_on_line(b, t, steps, i) for i in range(len(months))]
    return pd.Series(values, index=months, name="value", dtype="float64")


def _on_line(b: float, t: float, steps: int, i: int) -> float:
    """The trajectory's value ``i`` months after the baseline month, ``steps`` months long."""
    return t if steps <= 0 else b + (t - b) * i / steps


def expected_at(
    indicator: Indicator,
    period: pd.Timestamp | str,
    *,
    baseline: Any | None = None,
    target: Any | None = None,
) -> float | None:
    """The trajectory's value in ``period``; the target value after the target month (the
    target is to be held), None before the baseline month or without a trajectory."""
    baseline = baseline if baseline is not None else indicator.baseline
    target = target if target is not None else indicator.target
    if baseline is None or target is None:
        return None
    # The trajectory's value, computed for the one month instead of drawing the whole line.
    start, end, month = _month(baseline.period), _month(target.period), _month(period)
    b, t = float(baseline.value), float(target.value)
    if end < start or month < start:
        return None
    steps = _months_between(start, end)
    return _on_line(b, t, steps, min(_months_between(start, month), steps))


def _months_between(first: pd.Timestamp, last: pd.Timestamp) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


# ---------------------------------------------------------------------------------------------
# Rare events


@dataclass(frozen=True)
class RareEventSummary:
    """Rare events (e.g. deaths) read as counts and time since the last one, not on XmR.

    Months disclosure control hid (briefing mode) are not zero events: a hidden month may hold
    some, so every count or date it could change is None ("cannot be shown"), never a number
    that leaves it out.

    per_year: DataFrame indexed by year with ``events`` (sum of the shown months: only a lower
        bound where ``months_hidden`` > 0), ``months_reported`` (shown months; a year with fewer
        than 12 is partial) and ``months_hidden``.
    total: events in all shown months; None when any month is hidden.
    last_event: first day of the latest shown month with at least one event; None if none.
        ``last_event_known`` is False when a hidden month comes after it (or, without a shown
        event, when any month is hidden): the latest event may be later.
    months_since_last: whole months from last_event to as_of (0 = an event in the as_of month);
        None without an event or when the latest event is not known.
    events_this_year: events in as_of's year up to as_of, None when one of its months is hidden;
        events_last_12_months likewise for the 12 months to as_of. meets_target: events_this_year
        equals the target (None when not known).
    hidden_months: the hidden months up to as_of, in time order.
    """

    per_year: pd.DataFrame
    total: int | None
    first_period: pd.Timestamp | None
    as_of: pd.Timestamp | None
    last_event: pd.Timestamp | None
    last_event_count: int
    months_since_last: int | None
    events_last_12_months: int | None
    events_this_year: int | None
    target: float
    meets_target: bool | None
    hidden_months: tuple[pd.Timestamp, ...] = ()

    @property
    def last_event_known(self) -> bool:
        """True when no hidden month comes after ``last_event`` (or, without one, none at all)."""
        if self.last_event is None:
            return not self.hidden_months
        return all(month < self.last_event for month in self.hidden_months)

    @property
    def hidden_this_year(self) -> int:
        """Hidden months in as_of's year."""
        if self.as_of is None:
            return 0
        return sum(month.year == self.as_of.year for month in self.hidden_months)


def rare_event_summary(
    series: pd.DataFrame | pd.Series,
    *,
    as_of: pd.Timestamp | str | None = None,
    target: float = 0.0,
    hidden: pd.Series | None = None,
) -> RareEventSummary:
    """Counts per year, the last event and months since it, against a target (default 0).

    series: a series frame (its ``value`` column, and ``suppressed`` when it has one) or a
        Series of monthly counts indexed by period; NaN months that are not hidden are not
        reported (they count as no event but are not counted as reported months).
    hidden: True for the months disclosure control hid (default: the frame's ``suppressed``
        column, else none). A hidden month is never read as zero events: counts and dates it
        could change are None (see RareEventSummary).
    Months after ``as_of`` are ignored; as_of defaults to the latest month with a value or
    hidden. Empty input gives zero counts and None dates.
    """
    values = series["value"] if isinstance(series, pd.DataFrame) else series
    if hidden is None and isinstance(series, pd.DataFrame) and "suppressed" in series.columns:
        hidden = series["suppressed"]
    values = values.astype("float64")
    hidden_at = pd.DatetimeIndex([])
    if hidden is not None and len(hidden):
        flags = hidden.astype("boolean").fillna(False).astype(bool)
        hidden_at = month_starts(flags.index[flags.to_numpy()])
    if len(values):
        values.index = month_starts(values.index)
        values = values.sort_index()
    reported = values.dropna()
    reported = reported[~reported.index.isin(hidden_at)]
    known = reported.index.union(hidden_at)
    month = _month(as_of) if as_of is not None else (known[-1] if len(known) else None)
    if month is not None:
        reported = reported[reported.index <= month]
        hidden_at = hidden_at[hidden_at <= month].sort_values()
    hidden_months = tuple(pd.Timestamp(m) for m in hidden_at)
    if month is None or (reported.empty and not hidden_months):
        empty = pd.DataFrame(
            {
                "events": pd.Series(dtype="int64"),
                "months_reported": pd.Series(dtype="int64"),
                "months_hidden": pd.Series(dtype="int64"),
            }
        )
        empty.index.name = "year"
        return RareEventSummary(empty, 0, None, month, None, 0, None, 0, 0, target, None)

    by_year = reported.groupby(reported.index.year)
    per_year = pd.DataFrame(
        {"events": by_year.sum().astype("int64"), "months_reported": by_year.size()}
    )
    hidden_years = pd.Series(1, index=hidden_at.year).groupby(level=0).sum()
    first_year = min([*per_year.index, *hidden_years.index])
    per_year = per_year.reindex(range(first_year, month.year + 1), fill_value=0)
    per_year["months_hidden"] = hidden_years.reindex(per_year.index, fill_value=0).astype("int64")
    per_year.index.name = "year"
    events = reported[reported > 0]
    last = events.index[-1] if len(events) else None
    window_start = month - pd.DateOffset(months=11)

    def known_sum(inside: pd.Series, months: pd.DatetimeIndex) -> int | None:
        # A hidden month in the span may hold events: the sum is not known.
        return None if len(months) else int(inside.sum())

    last_12 = known_sum(
        reported[reported.index >= window_start], hidden_at[hidden_at >= window_start]
    )
    this_year = known_sum(
        reported[reported.index.year == month.year], hidden_at[hidden_at.year == month.year]
    )
    summary = RareEventSummary(
        per_year=per_year,
        total=None if hidden_months else int(reported.sum()),
        first_period=known[known <= month][0],
        as_of=month,
        last_event=last,
        last_event_count=int(events.iloc[-1]) if last is not None else 0,
        months_since_last=None,
        events_last_12_months=last_12,
        events_this_year=this_year,
        target=target,
        meets_target=None if this_year is None else this_year == target,
        hidden_months=hidden_months,
    )
    if last is not None and summary.last_event_known:
        since = (month.year - last.year) * 12 + (month.month - last.month)
        summary = dataclasses.replace(summary, months_since_last=since)
    return summary


# ---------------------------------------------------------------------------------------------
# Icons of an XmR reading


def variation_icon(point_type: str | None, direction: str) -> Icon | None:
    """The variation icon for an XmR point type on an indicator with ``direction``.

    An improvement on an "increase" indicator is high, on a "decrease" indicator low; a concern
    the other way round. None for None.
    """
    if point_type is None:
        return None
    if point_type == "common_cause":
        return VARIATION_ICONS["common_cause"]
    if point_type == "special_cause_neutral_high":
        return VARIATION_ICONS["neutral_high"]
    if point_type == "special_cause_neutral_low":
        return VARIATION_ICONS["neutral_low"]
    up = direction == "increase"
    if point_type == "special_cause_improvement":
        return VARIATION_ICONS["improvement_high" if up else "improvement_low"]
    if point_type == "special_cause_concern":
        return VARIATION_ICONS["concern_low" if up else "concern_high"]
    raise ValueError(f"unknown XmR point type {point_type!r}")


def assurance_icon(assurance: str | None) -> Icon | None:
    """The assurance icon for an XmR assurance value; None without one."""
    return None if assurance is None else ASSURANCE_ICONS[ASSURANCE_BY_XMR[assurance]]

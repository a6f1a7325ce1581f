"""What a trend chart's words say, read from its series and XmR points (charts.describe words it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.aggregate import change_from_year_earlier
from metrics.periods import month_starts

SIGNAL_RULES = ("outside_limits", "trend", "two_in_three", "run")
"""The special-cause rules a point can be named by (metrics.spc's ``special_cause_rule``)."""


@dataclass(frozen=True)
class TrendReading:
    """One series as the words under its chart read it, every number computed here.

    last_period: the last period shown; latest_hidden: disclosure control hid it (then nothing
        about an older value is said as the latest). hidden: periods shown that were hidden.
    latest / value / preliminary: the latest period with a value shown, its value and whether
        it is preliminary (None / None / False without any value).
    year_earlier / previous / change / change_relative: the same period a year earlier, its
        value, the change in the series' unit (share units for shares: 0.015 = 1.5 percentage
        points; exactly 0.0 when unchanged) and relative to it (None at a previous 0);
        year_earlier is None without a value there.
    read: True when the XmR points give a centre line at ``latest`` (then the rest below is
        read). signal: common_cause, improvement, concern, neutral_high or neutral_low (None:
        the point has no reading); rule: one of SIGNAL_RULES naming a special cause, or None.
    mean / lower / upper: the centre line and the limits within what the data can be (not below
        0, shares not above 1); NaN where the XmR chart has none.
    rebased_from: the first period of the latest baseline when the limits were recalculated.
    recent_special: special-cause values among the latest 12 months with a value.
    percent: the series is a share (words in per cent and percentage points).
    """

    last_period: pd.Timestamp | None
    latest_hidden: bool
    hidden: int
    latest: pd.Timestamp | None = None
    value: float | None = None
    preliminary: bool = False
    year_earlier: pd.Timestamp | None = None
    previous: float | None = None
    change: float | None = None
    change_relative: float | None = None
    read: bool = False
    signal: str | None = None
    rule: str | None = None
    mean: float = np.nan
    lower: float = np.nan
    upper: float = np.nan
    rebased_from: pd.Timestamp | None = None
    recent_special: int = 0
    percent: bool = False


def read_trend(
    series: pd.DataFrame,
    spc_points: pd.DataFrame | None = None,
    *,
    percent: bool = False,
    direction: str | None = None,
) -> TrendReading:
    """The reading of ``series`` (``value``, optional ``status`` and boolean ``suppressed``,
    indexed by period) for the words under its chart.

    spc_points: the XmR points aligned with ``series`` (same length; ignored otherwise).
    direction: None trusts the point types in ``spc_points``; "neutral" reads every special
    cause as unusually high or low, never better or worse. An empty series, or one without any
    value, gives a reading with ``latest`` None.
    """
    periods = month_starts(series.index)
    values = pd.to_numeric(series["value"], errors="coerce").to_numpy(dtype="float64")
    hidden = np.zeros(len(values), dtype=bool)
    if "suppressed" in series.columns:
        hidden = series["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        values = np.where(hidden, np.nan, values)
    values = pd.Series(values, index=periods)
    status = (
        pd.Series(series["status"].astype("object").to_numpy(), index=periods)
        if "status" in series.columns
        else pd.Series("final", index=periods)
    )
    order = np.argsort(periods.to_numpy(), kind="stable")
    # A chart's series is nearly always in order already: then nothing is reordered.
    ordered = bool((order == np.arange(len(order))).all())
    if not ordered:
        values, status, hidden = values.iloc[order], status.iloc[order], hidden[order]
    present = values.dropna()
    last = values.index[-1] if len(values) else None
    base = TrendReading(last, bool(hidden.any() and hidden[-1]), int(hidden.sum()), percent=percent)
    if base.latest_hidden or present.empty:
        return base
    latest = present.index[-1]
    value = float(present.iloc[-1])
    earlier, previous, change, relative = change_from_year_earlier(values, latest, value)
    if change is not None and abs(change) < 1e-12:
        change = 0.0
    reading = TrendReading(
        last,
        False,
        base.hidden,
        latest,
        value,
        bool(latest in status.index and status.loc[latest] == "preliminary"),
        earlier if previous is not None else None,
        previous,
        change,
        relative,
        percent=percent,
    )
    if spc_points is None or len(spc_points) != len(series):
        return reading
    spc = spc_points if ordered else spc_points.iloc[order]
    return _read_spc(reading, spc.set_axis(values.index), values, direction)


def _read_spc(
    reading: TrendReading, spc: pd.DataFrame, values: pd.Series, direction: str | None
) -> TrendReading:
    month = reading.latest
    # Positions, not labels: `spc` and `values` share one index of unique periods.
    at = values.index.get_loc(month)

    def number(name: str) -> float:
        return float(spc[name].iloc[at]) if name in spc.columns else np.nan

    def item(name: str) -> object:
        return spc[name].iloc[at] if name in spc.columns else None

    mean, lower, upper = number("mean"), number("lpl"), number("upl")
    if not np.isfinite(mean):
        return reading
    lower = max(lower, 0.0) if np.isfinite(lower) else lower
    if reading.percent and np.isfinite(upper):
        upper = min(upper, 1.0)
    signal = _signal(item("point_type"), direction, float(values.iloc[at]) >= mean)
    rule = item("special_cause_rule")
    rebased_from = None
    if "period" in spc.columns:
        steps = spc["period"][spc["mean"].notna()]
        if steps.nunique() > 1:
            rebased_from = steps[steps == spc["period"].iloc[at]].index[0]
    periods = spc.index
    recent = (periods > month - pd.DateOffset(months=12)) & (periods <= month)
    recent &= values.notna().to_numpy()
    types = spc["point_type"].to_numpy(dtype=object)[recent] if "point_type" in spc.columns else ()
    special = sum(isinstance(t, str) and t != "common_cause" for t in types)
    return TrendReading(
        **{
            **reading.__dict__,
            "read": True,
            "signal": signal,
            "rule": rule if isinstance(rule, str) and rule in SIGNAL_RULES else None,
            "mean": mean,
            "lower": lower,
            "upper": upper,
            "rebased_from": rebased_from,
            "recent_special": int(special),
        }
    )


def _signal(point_type: object, direction: str | None, high: bool) -> str | None:
    """common_cause, improvement, concern, neutral_high or neutral_low (None: no reading)."""
    if not isinstance(point_type, str):
        return None
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_neutral_high":
        return "neutral_high"
    if point_type == "special_cause_neutral_low":
        return "neutral_low"
    if direction == "neutral":
        return "neutral_high" if high else "neutral_low"
    if point_type == "special_cause_improvement":
        return "improvement"
    if point_type == "special_cause_concern":
        return "concern"
    return None

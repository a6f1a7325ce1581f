"""XmR (individuals) charts with NHS "Making Data Count" signals, as NHSRplotthedots 0.2.2 computes them."""

from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

Improvement = Literal["increase", "decrease", "neutral"]

LIMIT_FACTOR = 2.66
"""Process limits sit at mean ± 2.66 × mean moving range (3 / d2, d2 = 1.128 for n = 2)."""
NEAR_LIMIT_FACTOR = 2 * (LIMIT_FACTOR / 3)
"""A point is close to a limit beyond mean ± (2/3)(2.66 × mean moving range), i.e. past 2 sigma."""
OUTLIER_MR_FACTOR = 3.267
"""Moving ranges at or above 3.267 × mean moving range (D4 for n = 2) are screened out."""
RUN_LENGTH = 7
TREND_LENGTH = 7
SHORT_PERIOD = 13
"""A period with fewer values than this gets trial limits and a warning (the package's default)."""
MIN_FIX_POINTS = 12

POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
ASSURANCE_TYPES = ("consistent_pass", "consistent_fail", "inconsistent")
RULES = ("outside_limits", "trend", "two_in_three", "run")
"""Special-cause rules in the package's order of precedence when a point meets several."""

_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}

POINT_COLUMNS = {
    "position": "int64",
    "period": "int64",
    "value": "float64",
    "mean": "float64",
    "lpl": "float64",
    "upl": "float64",
    "near_lpl": "float64",
    "near_upl": "float64",
    "mrbar": "float64",
    "moving_range": "float64",
    "moving_range_used": "bool",
    "in_baseline": "bool",
    "relative_to_mean": "float64",
    "outside_limits": "bool",
    "close_to_limits": "bool",
    "rule_outside_limits": "bool",
    "rule_trend": "bool",
    "rule_two_in_three": "bool",
    "rule_run": "bool",
    "special_cause": "bool",
    "special_cause_rule": "str",
    "special_cause_direction": "float64",
    "point_type": "str",
}
PERIOD_COLUMNS = {
    "period": "int64",
    "start": "int64",
    "end": "int64",
    "n": "int64",
    "n_values": "int64",
    "n_baseline": "int64",
    "mean": "float64",
    "mrbar": "float64",
    "lpl": "float64",
    "upl": "float64",
    "near_lpl": "float64",
    "near_upl": "float64",
    "short": "bool",
}


class ShortPeriodWarning(UserWarning):
    """A period has fewer than 13 values, so its limits are trial limits."""


@dataclass(frozen=True)
class XmrResult:
    """An XmR chart: one row per input value, one row per period, and the two summary icons.

    points (columns in ``POINT_COLUMNS``; index is the input Series' index, else 0..n-1):
        position, period: 0-based place in the input and period number (0 before any rebase);
        value; mean, lpl, upl, near_lpl, near_upl, mrbar: the period's centre line, process
        limits, edges of the "close to a limit" zone and mean moving range (unit of the values);
        moving_range: |value - previous value| within the period (NaN at its start and beside a
        missing value); moving_range_used: it entered mrbar; in_baseline: the point is among
        the first fix_after_n_points of its period (all points without fixing);
        relative_to_mean: +1 above, -1 below, 0 on the mean, NaN when missing;
        outside_limits, close_to_limits: beyond a limit / between 2/3 of the way and the limit;
        rule_outside_limits, rule_trend, rule_two_in_three, rule_run: the point is part of that
        pattern; special_cause, special_cause_rule (the strongest rule met, NaN for none),
        special_cause_direction (+1 high or increasing, -1 low or decreasing, 0 none);
        point_type: one of ``POINT_TYPES``.
    periods (columns in ``PERIOD_COLUMNS``): start/end are the first/last position, n the number
        of positions, n_values the non-missing ones, n_baseline those behind the limits, short
        whether the period has fewer than 13 values.
    variation: point type of the last non-missing value, or None when there is none.
    assurance: "consistent_pass" | "consistent_fail" | "inconsistent", or None without a target
        or for a neutral indicator.
    warnings: one message per short period (also issued as ``ShortPeriodWarning``).
    """

    points: pd.DataFrame
    periods: pd.DataFrame
    variation: str | None
    assurance: str | None
    warnings: list[str] = field(default_factory=list)


def xmr(
    values: Sequence[float] | pd.Series | np.ndarray,
    improvement: Improvement = "increase",
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_at: Iterable[int] | None = None,
    screen_outliers: bool = True,
) -> XmrResult:
    """Compute an XmR chart with Making Data Count signals for one series.

    values: the series in time order, in the indicator's unit; NaN (or None/pd.NA) marks a missing
        month. Infinite values raise ValueError. Mean, limits and moving ranges come back in the
        same unit.
    improvement: which direction is better; "neutral" gives special_cause_neutral_high/low.
    target: the value to be reached (same unit); None or NaN means no target, so no assurance.
    fix_after_n_points: limits of each period come from its first n positions (n >= 12, as the
        package requires) and are held for the rest of the period.
    rebase_at: positions (0-based, into ``values``) where a new period starts; each period gets its
        own mean and limits, and rules never look across a period boundary. Position 0 is allowed
        and changes nothing; positions outside the series raise ValueError.
    screen_outliers: drop moving ranges >= 3.267 × their mean once, then recompute the mean.

    Missing values keep their position: they take no part in the mean, the moving ranges next to
    them are undefined (no moving range bridges a gap), and no run, trend or 2-of-3 window that
    contains one can signal. Their point type is common_cause. A period with a single value has
    NaN limits; so does a period whose moving ranges are all zero when screening (as in the
    package). Empty or all-missing input gives empty frames and no icons.
    """
    y, index = _as_float_array(values)
    direction = _direction_of(improvement)
    fix_n = _checked_fix(fix_after_n_points)
    if y.size == 0 or bool(np.isnan(y).all()):
        return XmrResult(_empty_frame(POINT_COLUMNS), _empty_frame(PERIOD_COLUMNS), None, None, [])
    starts = _period_starts(rebase_at, y.size)
    stops = [*starts[1:], y.size]

    # Columns are built as arrays and turned into frames once: per-period frames, a concat and an
    # astype cost more than the statistics (an overview reads a hundred of these per click).
    parts, period_rows = [], []
    for period, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        columns, summary = _chart_period(y[start:stop], start, period, fix_n, screen_outliers)
        parts.append(columns)
        period_rows.append(summary)
    arrays = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    arrays["point_type"] = _point_types(arrays["special_cause_direction"], direction)
    points = pd.DataFrame(
        {name: _typed(arrays[name], dtype) for name, dtype in POINT_COLUMNS.items()}, index=index
    )
    periods = pd.DataFrame(
        {
            name: _typed(np.array([row[name] for row in period_rows]), dtype)
            for name, dtype in PERIOD_COLUMNS.items()
        }
    )

    messages = [
        _short_period_message(row["period"], row["start"], row["end"], row["n_values"])
        for row in period_rows
        if row["short"]
    ]
    for message in messages:
        warnings.warn(message, ShortPeriodWarning, stacklevel=2)

    present = np.flatnonzero(~np.isnan(y))
    variation = str(arrays["point_type"][present[-1]])
    last = period_rows[-1]
    assurance = _assurance(target, direction, float(last["lpl"]), float(last["upl"]))
    return XmrResult(points, periods, variation, assurance, messages)


def _typed(values: np.ndarray, dtype: str) -> np.ndarray | pd.Series:
    """A column in its declared dtype ("str": pandas' text dtype, None becoming missing)."""
    if dtype == "str":
        return pd.Series(values, dtype="object").astype("str").array
    return values.astype(dtype, copy=False)


def _as_float_array(
    values: Sequence[float] | pd.Series | np.ndarray,
) -> tuple[np.ndarray, pd.Index]:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    numbers = pd.to_numeric(series, errors="raise")
    y = numbers.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(y).any():
        raise ValueError("xmr: values must be finite numbers or NaN for a missing month")
    index = series.index if isinstance(values, pd.Series) else pd.RangeIndex(len(y))
    return y, index


def _direction_of(improvement: str) -> int:
    if improvement not in _DIRECTION:
        raise ValueError(
            f"xmr: improvement must be one of {sorted(_DIRECTION)}, not {improvement!r}"
        )
    return _DIRECTION[improvement]


def _checked_fix(fix_after_n_points: int | None) -> int | None:
    if fix_after_n_points is None:
        return None
    if isinstance(fix_after_n_points, bool):
        raise ValueError("xmr: fix_after_n_points must be an integer >= 12")
    n = operator.index(fix_after_n_points)
    if n < MIN_FIX_POINTS:
        raise ValueError(f"xmr: fix_after_n_points must be >= {MIN_FIX_POINTS}, not {n}")
    return n


def _period_starts(rebase_at: Iterable[int] | None, n: int) -> list[int]:
    positions = {0}
    for raw in rebase_at or ():
        if isinstance(raw, bool):
            raise ValueError("xmr: rebase_at holds positions (integers), not booleans")
        position = operator.index(raw)
        if not 0 <= position < n:
            raise ValueError(
                f"xmr: rebase_at position {position} is outside the series (0..{n - 1})"
            )
        positions.add(position)
    return sorted(positions)


def _empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _chart_period(
    y: np.ndarray, start: int, period: int, fix_n: int | None, screen_outliers: bool
) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Limits and rule flags (one array per point column) for one period; ``y`` holds its
    values, NaN where missing."""
    m = y.size
    in_baseline = np.arange(m) < (fix_n if fix_n is not None else m)
    base = y[in_baseline]
    mean = _nanmean(base)

    moving_range = np.concatenate([[np.nan], np.abs(np.diff(y))])
    used = in_baseline & ~np.isnan(moving_range)
    mrbar = _nanmean(moving_range[used])
    if screen_outliers:
        # The package keeps a moving range only when it is strictly below 3.267 × mrbar, so an
        # all-zero set of moving ranges is screened out entirely and the limits become NaN.
        used &= moving_range < OUTLIER_MR_FACTOR * mrbar
        mrbar = _nanmean(moving_range[used])

    lpl, upl = mean - LIMIT_FACTOR * mrbar, mean + LIMIT_FACTOR * mrbar
    near_lpl, near_upl = mean - NEAR_LIMIT_FACTOR * mrbar, mean + NEAR_LIMIT_FACTOR * mrbar
    with np.errstate(invalid="ignore"):
        relative = np.sign(y - mean)
        outside = (y > upl) | (y < lpl)
        close = ~outside & ((y < near_lpl) | (y > near_upl))
    rules = _rules(y, relative, outside, close)

    columns = {
        "position": np.arange(start, start + m),
        "period": np.full(m, period),
        "value": y,
        "mean": np.full(m, mean),
        "lpl": np.full(m, lpl),
        "upl": np.full(m, upl),
        "near_lpl": np.full(m, near_lpl),
        "near_upl": np.full(m, near_upl),
        "mrbar": np.full(m, mrbar),
        "moving_range": moving_range,
        "moving_range_used": used,
        "in_baseline": in_baseline,
        "relative_to_mean": relative,
        "outside_limits": outside,
        "close_to_limits": close,
        **rules,
    }
    n_values = int(np.count_nonzero(~np.isnan(y)))
    summary = {
        "period": period,
        "start": start,
        "end": start + m - 1,
        "n": m,
        "n_values": n_values,
        "n_baseline": int(np.count_nonzero(~np.isnan(base))),
        "mean": mean,
        "mrbar": mrbar,
        "lpl": lpl,
        "upl": upl,
        "near_lpl": near_lpl,
        "near_upl": near_upl,
        "short": n_values < SHORT_PERIOD,
    }
    return columns, summary


def _nanmean(x: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN when there are none), rounded the way R's mean() rounds.

    R sums in extended precision, in order, then adds the mean residual; doing the same keeps a
    value that sits exactly on the mean on it (relative_to_mean 0) whenever the package has it so.
    """
    finite = x[~np.isnan(x)]
    if finite.size == 0:
        return math.nan
    wide = finite.astype(np.longdouble)
    mean = np.cumsum(wide)[-1] / finite.size
    if np.isfinite(mean):
        mean += np.cumsum(wide - mean)[-1] / finite.size
    return float(mean)


def _rules(
    y: np.ndarray, relative: np.ndarray, outside: np.ndarray, close: np.ndarray
) -> dict[str, np.ndarray]:
    """Flag each rule for every point of one period and pick the signal by precedence.

    Comparisons with NaN are False, so a window holding a missing value never signals.
    """
    above, below = relative == 1, relative == -1

    run_end = _window_all(above, RUN_LENGTH) | _window_all(below, RUN_LENGTH)
    run = _part_of(run_end, RUN_LENGTH)

    steps = np.diff(y)
    with np.errstate(invalid="ignore"):
        rising, falling = steps > 0, steps < 0
    trend_end = np.concatenate(
        [[False], _window_all(rising, TREND_LENGTH - 1) | _window_all(falling, TREND_LENGTH - 1)]
    )
    trend = _part_of(trend_end, TREND_LENGTH)
    # A trend point takes the direction of the step to its right when its right neighbour is in
    # a trend too, else of the step to its left; the package calls anything but +1 "decreasing".
    step_sign = np.sign(steps)
    left = np.concatenate([[0.0], step_sign])
    right = np.concatenate([step_sign, step_sign[-1:]]) if step_sign.size else left
    use_right = trend & np.concatenate([trend[1:], [False]])
    trend_direction = np.where(np.where(use_right, right, left) == 1, 1.0, -1.0)

    two_in_three = close & _in_two_of_three_window(above, below, close)

    # Later assignments win, so go from the weakest rule (last in RULES) to the strongest.
    side = np.where(relative > 0, 1.0, -1.0)
    flags = {"outside_limits": outside, "trend": trend, "two_in_three": two_in_three, "run": run}
    signs = {"outside_limits": side, "trend": trend_direction, "two_in_three": side, "run": side}
    rule = np.full(y.size, None, dtype=object)
    direction = np.zeros(y.size)
    for name in reversed(RULES):
        rule[flags[name]] = name
        direction[flags[name]] = signs[name][flags[name]]
    return {
        "rule_outside_limits": outside,
        "rule_trend": trend,
        "rule_two_in_three": two_in_three,
        "rule_run": run,
        "special_cause": direction != 0,
        "special_cause_rule": rule,
        "special_cause_direction": direction,
    }


def _window_all(mask: np.ndarray, width: int) -> np.ndarray:
    """True at i when mask[i - width + 1 .. i] are all True (False where the window is short)."""
    out = np.zeros(mask.size, dtype=bool)
    if mask.size >= width:
        windows = np.lib.stride_tricks.sliding_window_view(mask, width)
        out[width - 1 :] = windows.all(axis=1)
    return out


def _part_of(ends: np.ndarray, width: int) -> np.ndarray:
    """True at i when a window of ``width`` points ending at i .. i + width - 1 is flagged."""
    if ends.size == 0:
        return ends.astype(bool)
    padded = np.concatenate([ends, np.zeros(width - 1, dtype=bool)])
    return np.lib.stride_tricks.sliding_window_view(padded, width).any(axis=1)


def _in_two_of_three_window(above: np.ndarray, below: np.ndarray, close: np.ndarray) -> np.ndarray:
    """True at i when some window of 3 consecutive points holding i has all three on the same
    side of the mean (none on it, none missing) and at least two of them close to a limit.

    A point beyond a limit is not "close" (the package counts only the band between 2 and 3
    sigma), but it does count as being on its side of the mean.
    """
    hit = np.zeros(close.size, dtype=bool)
    if close.size < 3:
        return hit
    same_side = _window_all(above, 3) | _window_all(below, 3)
    two_close = np.lib.stride_tricks.sliding_window_view(close, 3).sum(axis=1) >= 2
    window_ok = same_side[2:] & two_close
    for offset in range(3):
        hit[offset : offset + window_ok.size] |= window_ok
    return hit


def _point_types(signal_direction: np.ndarray, improvement_direction: int) -> np.ndarray:
    """Map +1 (high) / -1 (low) / 0 (no signal) to point types for the improvement direction."""
    if improvement_direction == 0:
        choices = ["special_cause_neutral_high", "special_cause_neutral_low"]
        oriented = signal_direction
    else:
        choices = ["special_cause_improvement", "special_cause_concern"]
        oriented = signal_direction * improvement_direction
    return np.select([oriented > 0, oriented < 0], choices, default="common_cause").astype(object)


def _assurance(target: float | None, direction: int, lpl: float, upl: float) -> str | None:
    """Compare the target with the last period's limits (NaN limits give "inconsistent")."""
    if target is None or direction == 0:
        return None
    target = float(target)
    if math.isnan(target):
        return None
    if target > upl:
        return "consistent_fail" if direction > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if direction > 0 else "consistent_fail"
    return "inconsistent"


def _short_period_message(period: int, start: int, end: int, n_values: int) -> str:
    values = "value" if n_values == 1 else "values"
    return (
        f"SPC period {period} (positions {start}-{end}) has {n_values} {values}, fewer than "
        f"{SHORT_PERIOD}: its limits are trial limits that will move as values are added."
    )

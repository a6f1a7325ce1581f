"""XmR (individuals) charts with NHS "Making Data Count" signals, as NHSRplotthedots 0.2.2 computes them."""

from __future__ import annotations

import functools
import math
import operator
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from metrics.periods import month_starts

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


def xmr_batch(
    series: Sequence[Sequence[float] | pd.Series | np.ndarray],
    improvement: Improvement | Sequence[Improvement] = "increase",
    target: float | None | Sequence[float | None] = None,
    fix_after_n_points: int | None | Sequence[int | None] = None,
    rebase_at: Sequence[Iterable[int] | None] | None = None,
    screen_outliers: bool = True,
) -> list[XmrResult]:
    """``xmr`` for many series in one vectorised pass: result k equals ``xmr(series[k], ...)``.

    improvement, target, fix_after_n_points: one for all series or one per series; rebase_at:
    None or one entry (positions, or None) per series; screen_outliers applies to all. Values,
    units, edge cases, errors and ShortPeriodWarnings (in series order) are those of ``xmr``.

    Every period of every series becomes a row of one NaN-padded matrix, so the statistics and
    rules run once over all of them instead of once per period (an overview charts a hundred
    series per click and reads only their icons). Each result's frames are made when first
    read, as slices of one frame for all series. Pinned to ``xmr`` by tests/metrics/test_spc.py
    (identical frames, icons and warnings).
    """
    n = len(series)
    improvements = _per_series(improvement, n, "improvement", lambda v: isinstance(v, str))
    targets = _per_series(target, n, "target", lambda v: v is None or not _is_sequence(v))
    rebases = [None] * n if rebase_at is None else list(rebase_at)
    if len(rebases) != n:
        raise ValueError(
            f"xmr_batch: rebase_at needs one entry per series ({n}), not {len(rebases)}"
        )
    fixes = [
        _checked_fix(fix)
        for fix in _per_series(fix_after_n_points, n, "fix_after_n_points", _is_single_fix)
    ]

    inputs = []  # (k, y, index, direction, starts) of the series that get a chart
    results: list[XmrResult | None] = [None] * n
    for k, values in enumerate(series):
        y, index = _as_float_array(values)
        direction = _direction_of(improvements[k])
        if y.size == 0 or bool(np.isnan(y).all()):
            results[k] = XmrResult(
                _empty_frame(POINT_COLUMNS), _empty_frame(PERIOD_COLUMNS), None, None, []
            )
            continue
        inputs.append((k, y, index, direction, _period_starts(rebases[k], y.size)))
    if inputs:
        _chart_batch(inputs, targets, fixes, screen_outliers, results)
    return results  # type: ignore[return-value]


def _is_single_fix(value: object) -> bool:
    return value is None or not _is_sequence(value)


def _is_sequence(value: object) -> bool:
    return isinstance(value, (Sequence, np.ndarray, pd.Series)) and not isinstance(value, str)


def _per_series(value, n: int, name: str, is_single) -> list:
    if is_single(value):
        return [value] * n
    values = list(value)
    if len(values) != n:
        raise ValueError(f"xmr_batch: {name} needs one value per series ({n}), not {len(values)}")
    return values


def _chart_batch(inputs, targets, fixes, screen_outliers, results) -> None:
    """Fill ``results`` for the series in ``inputs``: each period one row of a padded matrix;
    ``fixes`` holds each series' fix_after_n_points (indexed like ``targets``)."""
    rows = []  # (input number, period number, start, stop)
    for j, (_, y, _, _, starts) in enumerate(inputs):
        stops = [*starts[1:], y.size]
        rows += [(j, p, a, b) for p, (a, b) in enumerate(zip(starts, stops, strict=True))]
    lengths = np.array([b - a for _, _, a, b in rows])
    width = int(lengths.max())
    valid = np.arange(width) < lengths[:, None]
    y = np.full(valid.shape, np.nan)
    y[valid] = np.concatenate([inputs[j][1][a:b] for j, _, a, b in rows])
    baseline_size = np.array(
        [
            length if fixes[inputs[j][0]] is None else fixes[inputs[j][0]]
            for (j, _, _, _), length in zip(rows, lengths, strict=True)
        ]
    )
    stats = _period_statistics(y, baseline_size, screen_outliers)
    rules = _rules_rows(y, stats["relative"], stats["outside"], stats["close"])

    # Points of every series, series after series: the padded cells dropped.
    each = np.repeat(np.arange(len(rows)), lengths)
    starts = np.array([a for _, _, a, _ in rows])
    position = np.arange(valid.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    series_of_row = np.array([j for j, _, _, _ in rows])
    direction = np.array([inputs[j][3] for j, _, _, _ in rows])[each]
    scalars = ("mean", "lpl", "upl", "near_lpl", "near_upl", "mrbar")
    arrays = {
        "position": starts[each] + position,
        "period": np.array([p for _, p, _, _ in rows])[each],
        "value": y[valid],
        **{name: stats[name][each] for name in scalars},
        "moving_range": stats["moving_range"][valid],
        "moving_range_used": stats["used"][valid],
        "in_baseline": stats["in_baseline"][valid],
        "relative_to_mean": stats["relative"][valid],
        "outside_limits": stats["outside"][valid],
        "close_to_limits": stats["close"][valid],
        **{name: column[valid] for name, column in rules.items()},
    }
    arrays["point_type"] = _point_types_mixed(arrays["special_cause_direction"], direction)
    period_arrays = {
        "period": np.array([p for _, p, _, _ in rows]),
        "start": starts,
        "end": starts + lengths - 1,
        "n": lengths,
        "n_values": stats["n_values"],
        "n_baseline": stats["n_baseline"],
        **{name: stats[name] for name in scalars},
        "short": stats["n_values"] < SHORT_PERIOD,
    }
    row_bounds = np.searchsorted(series_of_row, np.arange(len(inputs) + 1)).tolist()
    point_bounds = np.concatenate([[0], np.cumsum(lengths)])[row_bounds].tolist()
    frames = _BatchFrames(
        arrays, period_arrays, point_bounds, row_bounds, [index for _, _, index, _, _ in inputs]
    )
    short = set(np.flatnonzero(period_arrays["short"]).tolist())
    lpl, upl = stats["lpl"].tolist(), stats["upl"].tolist()
    point_types = arrays["point_type"]
    for j, (k, values, _, direction_k, _) in enumerate(inputs):
        first, last = row_bounds[j], row_bounds[j + 1]
        messages = [
            _short_period_message(
                int(period_arrays["period"][r]),
                int(period_arrays["start"][r]),
                int(period_arrays["end"][r]),
                int(stats["n_values"][r]),
            )
            for r in range(first, last)
            if r in short
        ]
        for message in messages:
            warnings.warn(message, ShortPeriodWarning, stacklevel=3)
        present = np.flatnonzero(~np.isnan(values))
        variation = str(point_types[point_bounds[j] + present[-1]])
        assurance = _assurance(targets[k], direction_k, lpl[last - 1], upl[last - 1])
        results[k] = _BatchResult(frames, j, variation, assurance, messages)


class _BatchFrames:
    """The points and periods of all charts of one ``xmr_batch`` call, kept as arrays; the
    frames are made when a chart's frames are first read (an overview reads the icons of a
    hundred charts and draws none of them)."""

    def __init__(
        self,
        point_arrays: dict[str, np.ndarray],
        period_arrays: dict[str, np.ndarray],
        point_bounds: list[int],
        row_bounds: list[int],
        indexes: list[pd.Index],
    ) -> None:
        self._point_arrays, self._period_arrays = point_arrays, period_arrays
        self._point_bounds, self._row_bounds, self._indexes = point_bounds, row_bounds, indexes

    @functools.cached_property
    def _points(self) -> pd.DataFrame:
        arrays = self._point_arrays
        return pd.DataFrame({name: _typed(arrays[name], dt) for name, dt in POINT_COLUMNS.items()})

    @functools.cached_property
    def _periods(self) -> pd.DataFrame:
        arrays = self._period_arrays
        return pd.DataFrame({name: _typed(arrays[name], dt) for name, dt in PERIOD_COLUMNS.items()})

    def points(self, j: int) -> pd.DataFrame:
        cut = slice(self._point_bounds[j], self._point_bounds[j + 1])
        return self._points.iloc[cut].set_axis(self._indexes[j])

    def periods(self, j: int) -> pd.DataFrame:
        first, last = self._row_bounds[j], self._row_bounds[j + 1]
        return self._periods.iloc[first:last].set_axis(pd.RangeIndex(last - first))


class _BatchResult(XmrResult):
    """An ``XmrResult`` of ``xmr_batch``: the same fields, its two frames made on first read."""

    def __init__(
        self,
        frames: _BatchFrames,
        j: int,
        variation: str | None,
        assurance: str | None,
        messages: list[str],
    ) -> None:
        # Not the dataclass' __init__: points and periods are the properties below.
        object.__setattr__(self, "_frames", (frames, j))
        object.__setattr__(self, "variation", variation)
        object.__setattr__(self, "assurance", assurance)
        object.__setattr__(self, "warnings", messages)

    @functools.cached_property
    def points(self) -> pd.DataFrame:  # type: ignore[override]
        frames, j = self._frames
        return frames.points(j)

    @functools.cached_property
    def periods(self) -> pd.DataFrame:  # type: ignore[override]
        frames, j = self._frames
        return frames.periods(j)


def _period_statistics(
    y: np.ndarray, baseline_size: np.ndarray, screen_outliers: bool
) -> dict[str, np.ndarray]:
    """``_chart_period`` for every row of ``y`` (one period each, NaN-padded past its length);
    ``baseline_size``: per row, how many leading positions the limits come from (the period's
    length, or its series' fix_after_n_points)."""
    width = y.shape[1]
    in_baseline = np.arange(width) < baseline_size[:, None]
    mean = _nanmean_rows(y, in_baseline)

    moving_range = np.full(y.shape, np.nan)
    moving_range[:, 1:] = np.abs(np.diff(y, axis=1))
    used = in_baseline & ~np.isnan(moving_range)
    mrbar = _nanmean_rows(moving_range, used)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            used &= moving_range < OUTLIER_MR_FACTOR * mrbar[:, None]
        mrbar = _nanmean_rows(moving_range, used)

    lpl, upl = mean - LIMIT_FACTOR * mrbar, mean + LIMIT_FACTOR * mrbar
    near_lpl, near_upl = mean - NEAR_LIMIT_FACTOR * mrbar, mean + NEAR_LIMIT_FACTOR * mrbar
    with np.errstate(invalid="ignore"):
        relative = np.sign(y - mean[:, None])
        outside = (y > upl[:, None]) | (y < lpl[:, None])
        close = ~outside & ((y < near_lpl[:, None]) | (y > near_upl[:, None]))
    present = ~np.isnan(y)
    return {
        "mean": mean,
        "mrbar": mrbar,
        "lpl": lpl,
        "upl": upl,
        "near_lpl": near_lpl,
        "near_upl": near_upl,
        "moving_range": moving_range,
        "used": used,
        "in_baseline": in_baseline,
        "relative": relative,
        "outside": outside,
        "close": close,
        "n_values": present.sum(axis=1),
        "n_baseline": (present & in_baseline).sum(axis=1),
    }


def _nanmean_rows(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``_nanmean`` of each row's cells where ``mask`` holds, to the last bit.

    Cells left out are summed as zeros in their place: adding zero never changes a running sum,
    so each row's extended-precision sum (and the residual pass) is the one ``_nanmean`` makes.
    """
    finite = mask & ~np.isnan(x)
    count = finite.sum(axis=1)
    wide = np.where(finite, x, 0.0).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.cumsum(wide, axis=1)[:, -1] / count
        ok = np.isfinite(mean)
        residual = np.where(finite, wide - mean[:, None], 0.0)
        mean[ok] += np.cumsum(residual, axis=1)[ok, -1] / count[ok]
    mean[count == 0] = np.nan
    return mean.astype(np.float64)


def _rules_rows(
    y: np.ndarray, relative: np.ndarray, outside: np.ndarray, close: np.ndarray
) -> dict[str, np.ndarray]:
    """``_rules`` for every row of ``y`` at once (padding is NaN, so no window reaches into it)."""
    rows, width = y.shape
    above, below = relative == 1, relative == -1

    run_end = _window_all_rows(above, RUN_LENGTH) | _window_all_rows(below, RUN_LENGTH)
    run = _part_of_rows(run_end, RUN_LENGTH)

    steps = np.diff(y, axis=1)
    with np.errstate(invalid="ignore"):
        rising, falling = steps > 0, steps < 0
    trend_end = np.zeros((rows, width), dtype=bool)
    trend_end[:, 1:] = _window_all_rows(rising, TREND_LENGTH - 1) | _window_all_rows(
        falling, TREND_LENGTH - 1
    )
    trend = _part_of_rows(trend_end, TREND_LENGTH)
    step_sign = np.sign(steps)
    left = np.concatenate([np.zeros((rows, 1)), step_sign], axis=1)
    right = np.concatenate([step_sign, step_sign[:, -1:]], axis=1) if width > 1 else left
    use_right = trend & np.concatenate([trend[:, 1:], np.zeros((rows, 1), dtype=bool)], axis=1)
    trend_direction = np.where(np.where(use_right, right, left) == 1, 1.0, -1.0)

    two_in_three = close & _in_two_of_three_rows(above, below, close)

    side = np.where(relative > 0, 1.0, -1.0)
    flags = {"outside_limits": outside, "trend": trend, "two_in_three": two_in_three, "run": run}
    signs = {"outside_limits": side, "trend": trend_direction, "two_in_three": side, "run": side}
    rule = np.full(y.shape, None, dtype=object)
    direction = np.zeros(y.shape)
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


def _window_all_rows(mask: np.ndarray, width: int) -> np.ndarray:
    """Along each row: True at i when mask[i - width + 1 .. i] are all True (False where the
    window is short)."""
    out = np.zeros(mask.shape, dtype=bool)
    if mask.shape[1] >= width:
        windows = np.lib.stride_tricks.sliding_window_view(mask, width, axis=1)
        out[:, width - 1 :] = windows.all(axis=2)
    return out


def _part_of_rows(ends: np.ndarray, width: int) -> np.ndarray:
    """Along each row: True at i when a window of ``width`` points ending at i .. i + width - 1
    is flagged."""
    padded = np.concatenate([ends, np.zeros((ends.shape[0], width - 1), dtype=bool)], axis=1)
    return np.lib.stride_tricks.sliding_window_view(padded, width, axis=1).any(axis=2)


def _in_two_of_three_rows(above: np.ndarray, below: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Along each row: True at i when some window of 3 consecutive points holding i has all
    three on the same side of the mean (none on it, none missing) and at least two of them close
    to a limit.

    A point beyond a limit is not "close" (the package counts only the band between 2 and 3
    sigma), but it does count as being on its side of the mean.
    """
    hit = np.zeros(close.shape, dtype=bool)
    if close.shape[1] < 3:
        return hit
    same_side = _window_all_rows(above, 3) | _window_all_rows(below, 3)
    two_close = np.lib.stride_tricks.sliding_window_view(close, 3, axis=1).sum(axis=2) >= 2
    window_ok = same_side[:, 2:] & two_close
    for offset in range(3):
        hit[:, offset : offset + window_ok.shape[1]] |= window_ok
    return hit


def _point_types_mixed(signal_direction: np.ndarray, improvement: np.ndarray) -> np.ndarray:
    """``_point_types`` with an improvement direction per point."""
    neutral = improvement == 0
    oriented = np.where(neutral, signal_direction, signal_direction * improvement)
    choices = [
        neutral & (oriented > 0),
        neutral & (oriented < 0),
        ~neutral & (oriented > 0),
        ~neutral & (oriented < 0),
    ]
    names = [
        "special_cause_neutral_high",
        "special_cause_neutral_low",
        "special_cause_improvement",
        "special_cause_concern",
    ]
    return np.select(choices, names, default="common_cause").astype(object)


def _typed(values: np.ndarray, dtype: str) -> np.ndarray | pd.Series:
    """A column in its declared dtype ("str": pandas' text dtype, None becoming missing)."""
    if dtype == "str":
        # The few distinct texts converted once and taken by code (a text column holds a handful
        # of names, and converting every cell cost more than the statistics).
        codes, names = pd.factorize(values)
        return pd.array(list(names), dtype="str").take(codes, allow_fill=True)
    return values.astype(dtype, copy=False)


def _as_float_array(
    values: Sequence[float] | pd.Series | np.ndarray,
) -> tuple[np.ndarray, pd.Index]:
    if isinstance(values, pd.Series) and values.dtype == "float64":
        # Already numbers (what the overview passes): to_numeric would hand back the same.
        series, y = values, values.to_numpy(dtype="float64", copy=True)
    else:
        series = (
            values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
        )
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


def rebase_positions(months: pd.DatetimeIndex, rebases: Iterable[object]) -> list[int]:
    """The ``rebase_at`` positions for rebase months on a monthly series: for each rebase month
    (anything ``pd.Timestamp`` reads; the day is ignored), the position of the series' first
    month on or after it. A rebase at or before the first month, or after the last, starts no
    period and is left out (the package likewise ignores a date it cannot place); two rebases
    landing on one position count once. ``months``: the series' months in time order."""
    rebases = list(rebases)
    if not rebases:
        return []
    index = month_starts(months)
    positions = set()
    for rebase in rebases:
        at = int(index.searchsorted(pd.Timestamp(rebase).to_period("M").to_timestamp()))
        if 0 < at < len(index):
            positions.add(at)
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

    Comparisons with NaN are False, so a window holding a missing value never signals. One
    period is one row of ``_rules_rows``: the rules are written once, for the batch.
    """
    flags = _rules_rows(y[None, :], relative[None, :], outside[None, :], close[None, :])
    return {name: values[0] for name, values in flags.items()}


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

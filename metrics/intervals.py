"""Confidence intervals for counts, rates and shares, and the funnel limits that go with them.

Methods (as Public Health England's PHEindicatormethods, used by Fingertips):
- counts and rates (`rate_ci`, as `phe_rate`): exact Poisson limits from the chi-squared
  distribution below 10 events, lower = chi2(α/2; 2O)/2 and upper = chi2(1-α/2; 2O+2)/2, and
  Byar's approximation from 10 events up, lower = O(1 - 1/(9O) - z/(3√O))³ and
  upper = (O+1)(1 - 1/(9(O+1)) + z/(3√(O+1)))³; the count's limits are divided by the population
  and multiplied by `per`;
- shares (`proportion_ci`, as `phe_proportion`): Wilson's score interval,
  (2x + z² ∓ z√(z² + 4x(1-p))) / (2(n + z²)), as fractions 0..1.
`level` is 0.95 or 0.998 (or any level in (0, 1)); z is the normal quantile 1 - (1-level)/2.

The chi-squared quantiles come from the regularised incomplete gamma function written here
(numpy and the standard library only); tests check them against scipy.

Funnel limits (`rate_funnel`, `proportion_funnel`) are the inverse of the same intervals: at a
population (or denominator) the upper limit is the value whose lower interval limit equals the
benchmark, the lower limit the value whose upper limit equals it. A point lies outside the funnel
exactly when its own interval excludes the benchmark, so the funnel and the words "högre/lägre än
länet" never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from i18n import MessageError


class IntervalError(MessageError, ValueError):
    """An interval asked of impossible counts (a numerator outside 0..denominator)."""


LEVELS = (0.95, 0.998)
"""The two levels the dashboard offers (95 % and 99,8 %)."""
BYAR_FROM = 10
"""From this many events Byar's approximation is used, below it the exact Poisson limits."""
_SERIES_TERMS = 160
_BISECTIONS = 60
_SERIES_CHECK = 4


def z_value(level: float) -> float:
    """The two-sided normal quantile for `level` (1.959964 for 0.95, 3.090232 for 0.998)."""
    _check_level(level)
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


# -- rates ----------------------------------------------------------------------------------


def rate_ci(
    count: float, population: float, per: float = 100_000, level: float = 0.95
) -> tuple[float, float]:
    """(lower, upper) of the rate count / population × per; NaNs when the population is not
    positive or either input is missing. Raises ValueError for a negative count."""
    lower, upper = rate_ci_array([count], [population], per=per, level=level)
    return float(lower[0]), float(upper[0])


def rate_ci_array(
    counts: np.ndarray | list[float],
    populations: np.ndarray | list[float],
    per: float = 100_000,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """`rate_ci` for arrays of counts and populations (same length); NaN where undefined."""
    lower, upper = count_ci_array(counts, level)
    population = np.asarray(populations, dtype="float64")
    valid = np.isfinite(population) & (population > 0)
    scale = np.where(valid, per / np.where(valid, population, 1.0), np.nan)
    return lower * scale, upper * scale


def count_ci_array(
    counts: np.ndarray | list[float], level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limits of Poisson counts: exact below 10, Byar from 10 up; NaN for NaN."""
    z = z_value(level)
    alpha = 1 - level
    observed = np.asarray(counts, dtype="float64")
    if (observed < 0).any():
        raise ValueError("rate_ci: ett antal kan inte vara negativt / a count cannot be negative")
    lower = np.full(observed.shape, np.nan)
    upper = np.full(observed.shape, np.nan)
    large = np.isfinite(observed) & (observed >= BYAR_FROM)
    o = observed[large]
    lower[large] = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    upper[large] = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    small = np.flatnonzero(np.isfinite(observed) & (observed < BYAR_FROM))
    if small.size:
        counts = [float(o) for o in observed[small]]
        below = chi2_quantiles([(alpha / 2, 2 * o) for o in counts if o != 0])
        above = chi2_quantiles([(1 - alpha / 2, 2 * o + 2) for o in counts])
        lower[small] = [0.0 if o == 0 else below.pop(0) / 2 for o in counts]
        upper[small] = [q / 2 for q in above]
    return lower, upper


# -- shares ---------------------------------------------------------------------------------


def proportion_ci(numerator: float, denominator: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score (lower, upper) of numerator / denominator as fractions 0..1; NaNs when the
    denominator is not positive or missing. Raises ValueError when 0 <= numerator <= denominator
    does not hold."""
    lower, upper = proportion_ci_array([numerator], [denominator], level)
    return float(lower[0]), float(upper[0])


def proportion_ci_array(
    numerators: np.ndarray | list[float],
    denominators: np.ndarray | list[float],
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """`proportion_ci` for arrays (same length); NaN where the denominator is not positive."""
    z = z_value(level)
    x = np.asarray(numerators, dtype="float64")
    n = np.asarray(denominators, dtype="float64")
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0)
    if ((x[valid] < 0) | (x[valid] > n[valid])).any():
        raise IntervalError("interval_numerator_outside")
    lower, upper = _wilson(np.where(valid, x, 0.0), np.where(valid, n, 1.0), z)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    p = x / n
    root = z * np.sqrt(z**2 + 4 * x * (1 - p))
    lower = (2 * x + z**2 - root) / (2 * (n + z**2))
    upper = (2 * x + z**2 + root) / (2 * (n + z**2))
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


# -- funnels --------------------------------------------------------------------------------


def rate_funnel(
    benchmark_rate: float, populations: np.ndarray, per: float = 100_000, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Funnel limits (lower, upper) in rate units at each population, around `benchmark_rate`
    (per `per`): the rates whose interval (`rate_ci`, at `level`) just reaches the benchmark."""
    return rate_funnels(benchmark_rate, populations, per, (level,))[level]


def rate_funnels(
    benchmark_rate: float,
    populations: np.ndarray,
    per: float = 100_000,
    levels: tuple[float, ...] = LEVELS,
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """`rate_funnel` at each of `levels`, searched side by side: both limits at every level are
    one bisection over one array (each of its steps, and each term of the exact limits' series,
    one array operation for all of them instead of one per limit and level). Every element is
    searched exactly as alone, so the limits are bit for bit `rate_funnel`'s."""
    population = np.asarray(populations, dtype="float64")
    size = population.size
    # Segments of `size`: per level the upper limit (a lower interval limit reaching the
    # benchmark from above), then the lower limit (an upper interval limit from below).
    expected = np.tile(benchmark_rate / per * population, 2 * len(levels))
    alpha = np.repeat(np.array([1 - level for level in levels], dtype="float64"), 2 * size)
    z = np.repeat(np.array([z_value(level) for level in levels], dtype="float64"), 2 * size)
    from_above = np.tile(np.repeat(np.array([True, False]), size), len(levels))

    def reaches(o: np.ndarray) -> np.ndarray:
        """From above: the lower limit of count o >= expected; from below: the upper limit of
        count o <= expected (o continuous; exact below `BYAR_FROM`, Byar's from there)."""
        safe = np.maximum(o, 1e-12)
        p1 = o + 1
        above = safe * (1 - 1 / (9 * safe) - z / (3 * np.sqrt(safe))) ** 3 >= expected
        below = p1 * (1 - 1 / (9 * p1) + z / (3 * np.sqrt(p1))) ** 3 <= expected
        hit = np.where(from_above, above, below)
        exact = o < BYAR_FROM
        if exact.any():  # (an empty series is still ~160 array steps)
            up = from_above[exact]
            p = _gamma_p(np.where(up, o[exact], p1[exact]), expected[exact])
            half = alpha[exact] / 2
            hit[exact] = np.where(up, p <= half, p >= 1 - half)
        return hit

    top = np.maximum(expected * 4 + 50, 60.0)
    zeros = np.zeros_like(expected)
    counts = _bisect(reaches, zeros, top, rising=from_above)
    # No count has an upper limit below the expected count when it is small: the limit is 0.
    counts = np.where(from_above | reaches(zeros), counts, 0.0)
    scale = per / population
    limits = {}
    for i, level in enumerate(levels):
        upper = counts[2 * i * size : (2 * i + 1) * size]
        lower = counts[(2 * i + 1) * size : (2 * i + 2) * size]
        limits[level] = (lower * scale, upper * scale)
    return limits


def proportion_funnel(
    benchmark_share: float, denominators: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Funnel limits (lower, upper) as fractions at each denominator around `benchmark_share`:
    the shares whose Wilson interval just reaches the benchmark."""
    n = np.asarray(denominators, dtype="float64")
    z = z_value(level)
    # Both limits in one search (one Wilson interval a step for both): the first half of the
    # array is the upper limit (a lower interval limit reaching the benchmark), the second the
    # lower limit (an upper interval limit below it); each element is searched as alone.
    both = np.concatenate([n, n])
    upper_half = np.repeat(np.array([True, False]), n.size)

    def reaches(p: np.ndarray) -> np.ndarray:
        lower, upper = _wilson(p * both, both, z)
        return np.where(upper_half, lower >= benchmark_share, upper <= benchmark_share)

    zeros, ones = np.zeros_like(both), np.ones_like(both)
    found = _bisect(reaches, zeros, ones, rising=upper_half)
    upper = np.where(reaches(ones)[: n.size], found[: n.size], 1.0)
    lower = np.where(reaches(zeros)[n.size :], found[n.size :], 0.0)
    return lower, upper


def _bisect(
    predicate, low: np.ndarray, high: np.ndarray, *, rising: bool | np.ndarray
) -> np.ndarray:
    """The boundary where `predicate` (monotone in its argument) changes, per element.

    rising: False below the boundary and True above it (else the reverse); an array: per
    element."""
    low, high = low.astype("float64").copy(), high.astype("float64").copy()
    for _ in range(_BISECTIONS):
        middle = (low + high) / 2
        hit = predicate(middle)
        above = np.where(rising, hit, ~hit)
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return (low + high) / 2


# -- chi-squared and the incomplete gamma function ---------------------------------------------


def chi2_quantile(probability: float, df: float) -> float:
    """The chi-squared quantile: x with P(X <= x) = probability for df degrees of freedom."""
    return chi2_quantiles([(probability, df)])[0]


_QUANTILES: dict[tuple[float, float], float] = {}
_QUANTILES_KEPT = 4096


def chi2_quantiles(pairs: Sequence[tuple[float, float]]) -> list[float]:
    """`chi2_quantile` of each (probability, df), in order.

    Remembered: the exact limits ask for a few pairs only (counts 0-9 at two levels), and each
    answer is up to 200 steps of a series (46 % of an indicator page's run, py-spy, before).
    Those not yet known are searched side by side, every pair's bisection stepped and stopped as
    alone (bit for bit the same answers): one by one, the twenty a level needs were most of a
    process's first indicator page."""
    known = {pair: _QUANTILES.get(pair) for pair in set(pairs)}  # read once: sessions share it
    todo = sorted(pair for pair, value in known.items() if value is None)
    if todo:
        if not all(0 < probability < 1 for probability, _ in todo):
            raise ValueError("probability must lie in (0, 1)")
        target = np.array([probability for probability, _ in todo], dtype="float64")
        half = np.array([df / 2 for _, df in todo], dtype="float64")
        low = np.zeros(len(todo))
        high = np.array([max(10.0, df * 4 + 60) for _, df in todo], dtype="float64")
        searching = np.arange(len(todo))
        for _ in range(200):
            middle = (low[searching] + high[searching]) / 2
            up = _gamma_p(half[searching], middle / 2) < target[searching]
            low[searching] = np.where(up, middle, low[searching])
            high[searching] = np.where(up, high[searching], middle)
            width = high[searching] - low[searching]
            searching = searching[width >= 1e-12 * np.maximum(1.0, high[searching])]
            if not searching.size:
                break
        found = dict(zip(todo, ((low + high) / 2).tolist(), strict=True))
        known.update(found)
        if len(_QUANTILES) > _QUANTILES_KEPT:
            _QUANTILES.clear()
        _QUANTILES.update(found)
    return [known[pair] for pair in pairs]


_lgamma = np.vectorize(math.lgamma, otypes=[float])


def _gamma_p(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The regularised lower incomplete gamma function P(a, x) by its power series, for the
    shapes used here (0 <= a <= 11): P(0, x) = 1, and P(a, x) = 1 for x > 60 (1 - P(11, 60) is
    below 1e-14)."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype="float64"), np.asarray(x, dtype="float64"))
    if (a > 11).any():
        raise ValueError("_gamma_p is written for shapes up to 11")
    positive = a > 0
    safe_a = np.where(positive, a, 1.0)
    far = x > 60
    safe_x = np.clip(x, 0.0, 60.0)
    term = np.ones_like(safe_a) / safe_a
    total = term.copy()
    shapes = safe_a + np.arange(1, _SERIES_TERMS, dtype="float64")[:, None]  # a + k, every k
    for k in range(1, _SERIES_TERMS):
        np.multiply(term, safe_x, out=term)  # term * x / (a + k), in place
        np.divide(term, shapes[k - 1], out=term)
        if k % _SERIES_CHECK:
            np.add(total, term, out=total)
            continue
        grown = total + term
        if (grown == total).all() and (safe_x < shapes[k - 1] + 1).all():
            # Every later term is smaller still (x / (a + k) < 1) and adds nothing either: the
            # sum is final to the last bit, as after all the terms (asked every few terms: the
            # asking cost as much as a term).
            break
        total = grown
    with np.errstate(divide="ignore"):
        log_prefix = safe_a * np.log(np.where(safe_x > 0, safe_x, 1.0)) - safe_x - _lgamma(safe_a)
    value = np.where(safe_x > 0, np.exp(log_prefix) * total, 0.0)
    value = np.where(far, 1.0, np.clip(value, 0.0, 1.0))
    return np.where(positive, value, 1.0)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")

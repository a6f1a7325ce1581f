"""metrics.intervals against values computed independently: scipy's chi-squared quantiles for the
exact Poisson limits, and Byar's and Wilson's published formulas written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2, norm

from metrics.intervals import (
    _QUANTILES,
    _QUANTILES_KEPT,
    chi2_quantile,
    chi2_quantiles,
    proportion_ci,
    proportion_ci_array,
    proportion_funnel,
    rate_ci,
    rate_ci_array,
    rate_funnel,
    rate_funnels,
    z_value,
)

COUNTS = (0, 1, 9, 10, 11, 100, 10_000)
LEVELS = (0.95, 0.998)
POPULATION = 123_456


def expected_count_limits(count: int, level: float) -> tuple[float, float]:
    """Exact Poisson limits below 10 (chi-squared), Byar's approximation from 10 (PHE phe_rate)."""
    alpha = 1 - level
    if count < 10:
        lower = 0.0 if count == 0 else chi2.ppf(alpha / 2, 2 * count) / 2
        return lower, chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    z = norm.ppf(1 - alpha / 2)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


def expected_wilson(x: int, n: int, level: float) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ∓ z√(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    z = norm.ppf(1 - (1 - level) / 2)
    p = x / n
    centre = p + z**2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return (centre - half) / (1 + z**2 / n), (centre + half) / (1 + z**2 / n)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("count", COUNTS)
def test_rate_ci_matches_exact_poisson_and_byar(count, level):
    low, high = expected_count_limits(count, level)
    got = rate_ci(count, POPULATION, per=100_000, level=level)
    assert isinstance(got[0], float) and isinstance(got[1], float)
    assert got[0] == pytest.approx(low / POPULATION * 100_000, rel=1e-9, abs=1e-12)
    assert got[1] == pytest.approx(high / POPULATION * 100_000, rel=1e-9)
    assert got[0] <= count / POPULATION * 100_000 <= got[1]


def test_rate_ci_per_and_the_vectorised_variant_agree():
    lows, highs = rate_ci_array(list(COUNTS), [POPULATION] * len(COUNTS), per=1000, level=0.998)
    for count, low, high in zip(COUNTS, lows, highs, strict=True):
        assert (low, high) == pytest.approx(rate_ci(count, POPULATION, per=1000, level=0.998))


def test_rate_ci_without_a_population_is_nan_and_a_negative_count_is_refused():
    assert all(math.isnan(v) for v in rate_ci(5, 0))
    assert all(math.isnan(v) for v in rate_ci(5, float("nan")))
    with pytest.raises(ValueError):
        rate_ci(-1, 1000)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("x", "n"), [(0, 1), (0, 25), (25, 25), (1, 1), (3, 40), (40, 500)])
def test_proportion_ci_is_wilson(x, n, level):
    got = proportion_ci(x, n, level)
    assert got == pytest.approx(expected_wilson(x, n, level), abs=1e-12)
    if x == 0:
        assert got[0] == 0.0
    if x == n:
        assert got[1] == pytest.approx(1.0)


def test_proportion_ci_refuses_a_numerator_above_the_denominator_and_nan_without_base():
    with pytest.raises(ValueError):
        proportion_ci(5, 4)
    assert all(math.isnan(v) for v in proportion_ci(0, 0))
    lows, _ = proportion_ci_array([1, 2], [10, 0])
    assert not math.isnan(lows[0]) and math.isnan(lows[1])


@pytest.mark.parametrize(("p", "df"), [(0.025, 2), (0.975, 20), (0.001, 4), (0.999, 18)])
def test_chi2_quantile_matches_scipy(p, df):
    assert chi2_quantile(p, df) == pytest.approx(chi2.ppf(p, df), rel=1e-9)


def test_chi2_quantiles_searched_together_are_those_searched_alone():
    """The exact limits' quantiles are searched side by side (and remembered): each must come
    out bit for bit as when it alone is searched, whatever it is searched with."""
    pairs = [(p, float(df)) for p in (0.025, 0.975, 0.001, 0.999) for df in range(1, 23)]
    _QUANTILES.clear()
    alone = []
    for pair in pairs:
        alone.append(chi2_quantile(*pair))
        _QUANTILES.clear()
    assert chi2_quantiles(pairs) == alone
    _QUANTILES.clear()
    assert chi2_quantiles(pairs[::-1][:9]) == alone[::-1][:9]
    assert chi2_quantiles(pairs) == alone  # the rest searched, the nine remembered


def test_a_full_memory_of_quantiles_is_emptied_without_losing_an_answer():
    """Past `_QUANTILES_KEPT` pairs the memory is emptied while a new pair is stored: a pair
    known before is still answered (it was looked up again afterwards: a KeyError)."""
    _QUANTILES.clear()
    known, new = chi2_quantile(0.025, 4.0), chi2_quantile(0.975, 6.0)
    _QUANTILES.clear()
    chi2_quantile(0.025, 4.0)
    _QUANTILES.update({(0.5, 1_000.0 + i): 0.0 for i in range(_QUANTILES_KEPT + 1)})
    assert chi2_quantiles([(0.025, 4.0), (0.975, 6.0)]) == [known, new]
    assert len(_QUANTILES) == 1  # emptied, then the new pair kept
    _QUANTILES.clear()


def test_z_values():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize("level", LEVELS)
def test_a_point_is_outside_the_rate_funnel_exactly_when_its_interval_excludes_the_benchmark(
    level,
):
    benchmark = 50.0
    rng = np.random.default_rng(7)
    populations = rng.integers(200, 300_000, 60).astype(float)
    counts = rng.poisson(benchmark / 100_000 * populations * rng.uniform(0.3, 2.5, 60))
    low, high = rate_funnel(benchmark, populations, level=level)
    ci_low, ci_high = rate_ci_array(counts, populations, level=level)
    rates = counts / populations * 100_000
    for r, lo, hi, cl, ch in zip(rates, low, high, ci_low, ci_high, strict=True):
        if min(abs(r - lo), abs(r - hi)) < 1e-6 * max(r, 1):
            continue  # on the line: either answer is right
        assert (r > hi or r < lo) == (cl > benchmark or ch < benchmark)
    order = np.argsort(populations)
    assert (np.diff((high - low)[order]) <= 1e-6).all()  # narrows as areas grow


def test_a_point_is_outside_the_share_funnel_exactly_when_its_interval_excludes_the_benchmark():
    benchmark = 0.3
    n = np.array([5, 12, 40, 100, 400, 2000], dtype=float)
    low, high = proportion_funnel(benchmark, n)
    for size, lo, hi in zip(n, low, high, strict=True):
        for x in range(int(size) + 1):
            p = x / size
            if min(abs(p - lo), abs(p - hi)) < 1e-9:
                continue
            ci = proportion_ci(x, size)
            assert (p > hi or p < lo) == (ci[0] > benchmark or ci[1] < benchmark)


def test_funnel_limits_searched_side_by_side_are_those_searched_alone():
    """The funnels search every limit (both sides, both levels, every size) in one bisection:
    each element must come out bit for bit as when it is searched on its own."""
    grid = np.geomspace(2_800, 6e6, 80)  # expected counts from below 1 to hundreds
    for benchmark in (0.9, 14.0, 230.0):
        together = rate_funnels(benchmark, grid, levels=LEVELS)
        for level in LEVELS:
            alone = rate_funnels(benchmark, grid, levels=(level,))[level]
            assert all(np.array_equal(a, b) for a, b in zip(together[level], alone, strict=True))
            for i in (0, 7, 40, 79):
                low, high = rate_funnel(benchmark, grid[i : i + 1], level=level)
                assert (low[0], high[0]) == (together[level][0][i], together[level][1][i])
    sizes = np.array([3.0, 12, 40, 400, 9_000])
    low, high = proportion_funnel(0.37, sizes, level=0.998)
    for i, size in enumerate(sizes):
        assert proportion_funnel(0.37, np.array([size]), level=0.998) == ([low[i]], [high[i]])


def test_the_incomplete_gamma_series_stops_only_where_the_sum_is_final():
    """_gamma_p stops its series once no later term can change the sum: bit for bit the sum of
    all its terms, in batches as small as the funnels ask for and as large as they come."""
    from metrics.intervals import _SERIES_TERMS, _gamma_p, _lgamma

    rng = np.random.default_rng(11)
    a = np.concatenate([rng.uniform(0, 11, 20_000), np.arange(12.0), rng.integers(0, 12, 500)])
    x = np.concatenate([rng.uniform(0, 70, 20_000), np.linspace(0, 61, 12), rng.random(500) / 100])

    def every_term(a, x):  # the series as it was before it could stop
        positive = a > 0
        safe_a = np.where(positive, a, 1.0)
        safe_x = np.clip(x, 0.0, 60.0)
        term = np.ones_like(safe_a) / safe_a
        total = term.copy()
        for k in range(1, _SERIES_TERMS):
            term = term * safe_x / (safe_a + k)
            total = total + term
        with np.errstate(divide="ignore"):
            log_prefix = safe_a * np.log(np.where(safe_x > 0, safe_x, 1.0)) - safe_x
            log_prefix = log_prefix - _lgamma(safe_a)
        value = np.where(safe_x > 0, np.exp(log_prefix) * total, 0.0)
        value = np.where(x > 60, 1.0, np.clip(value, 0.0, 1.0))
        return np.where(positive, value, 1.0)

    expected = every_term(a, x)
    assert np.array_equal(_gamma_p(a, x), expected)
    for i in range(0, 2_000, 7):
        assert np.array_equal(_gamma_p(a[i : i + 7], x[i : i + 7]), expected[i : i + 7])

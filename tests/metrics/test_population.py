"""metrics.population: the figure a rate uses is its own year's of the indicator's base, or the
latest earlier year's, never a later one; and what a population frame must hold to be stored."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.population import COLUMNS, Population, PopulationError, check_population_frame

ROWS = [
    ("0127", 2017, "all", "all", 91_631, False, "2017"),
    ("0127", 2020, "all", "all", 93_000, True, "est"),
    ("0127", 2020, "women", "18+", 36_000, True, "est"),
    ("0127", 2024, "all", "all", 95_905, False, "SCB"),
]


def frame(rows=ROWS):
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_the_own_year_then_the_latest_earlier_never_a_later():
    population = Population(frame())
    exact = population.figure("0127", 2020)
    assert (exact.inhabitants, exact.year, exact.earlier, exact.estimate) == (
        93_000,
        2020,
        False,
        True,
    )
    earlier = population.figure("0127", 2023)
    assert (earlier.inhabitants, earlier.year, earlier.for_year, earlier.earlier) == (
        93_000,
        2020,
        2023,
        True,
    )
    assert population.figure("0127", 2016) is None  # 2017 is later: not used
    assert population.figure("0128", 2020) is None


def test_the_base_picks_its_group_and_never_another():
    population = Population(frame())
    assert population.inhabitants("0127", 2020, "women_18plus") == 36_000
    assert population.inhabitants("0127", 2019, "women_18plus") is None  # not the total's
    assert population.inhabitants("0127", 2020, "children_0_17") is None
    with pytest.raises(ValueError):
        population.figure("0127", 2020, "men")


def test_an_empty_population_knows_nothing():
    assert Population().empty and Population().figure("0127", 2020) is None


def test_a_frame_is_checked_before_it_is_stored():
    assert len(check_population_frame(frame(), {"0127"})) == 4
    bad = frame([*ROWS, ("0999", 1800, "x", "65+", 0, False, "s")])
    with pytest.raises(PopulationError) as raised:
        check_population_frame(bad, {"0127"})
    message = str(raised.value)
    for part in ("0999", "okända värden i sex: x", "65+", "1900", "positiva heltal"):
        assert part in message
    with pytest.raises(PopulationError, match="mer än en gång"):
        check_population_frame(frame([*ROWS, ROWS[0]]), {"0127"})
    with pytest.raises(PopulationError, match="saknar kolumnerna"):
        check_population_frame(frame().drop(columns="source"), {"0127"})

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


def test_figures_of_many_areas_are_each_areas_figure():
    """`figures` (a comparison's one lookup for every area) gives what `figure` gives each area,
    None as NaN: own year, latest earlier, none before the first, another base ignored, an
    area without figures, and a repeated area code."""
    from demo.population import demo_population
    from metrics.catalog import load_catalog

    demo = demo_population(load_catalog(), 2025)
    rows = pd.concat([frame(), demo[demo["area_code"] != "0127"]], ignore_index=True)
    population = Population(rows)
    codes = [*sorted(set(rows["area_code"])), "0128", "0127", "nowhere"]
    for base in ("all", "women_18plus", "children_0_17"):
        for year in (2016, 2017, 2020, 2023, 2024, 2025, 2030):
            got = population.figures(codes, year, base)
            assert got.index.tolist() == codes
            for code, (found_year, inhabitants, estimate, source) in got.iterrows():
                one = population.figure(code, year, base)
                if one is None:
                    assert pd.isna(inhabitants) and pd.isna(found_year)
                else:
                    assert (int(found_year), int(inhabitants), bool(estimate), source) == (
                        one.year,
                        one.inhabitants,
                        one.estimate,
                        one.source,
                    )
    with pytest.raises(PopulationError):
        population.figures(codes, 2025, "men")

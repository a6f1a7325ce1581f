"""demo/population.py: the published figures of public-figures.md §7 stored as published, every
other figure marked as an estimate; derived areas are sums; the bases are shares of the total."""

from __future__ import annotations

from demo.population import (
    CHILDREN_0_17_SHARE,
    PUBLISHED_2017,
    PUBLISHED_2024,
    WOMEN_18PLUS_SHARE,
    demo_population,
)
from metrics.catalog import load_catalog
from metrics.population import Population

CATALOG = load_catalog()


def test_published_figures_are_stored_as_published_and_the_rest_as_estimates():
    frame = demo_population(CATALOG, 2025)
    totals = frame[(frame["sex"] == "all") & (frame["age_band"] == "all")]
    published = totals[~totals["estimate"]]
    expected = {(c, 2017): v for c, v in PUBLISHED_2017.items()} | {
        (c, 2024): v for c, v in PUBLISHED_2024.items()
    }
    assert (
        dict(
            zip(
                zip(published["area_code"], published["year"], strict=False),
                published["inhabitants"],
                strict=False,
            )
        )
        == expected
    )
    assert published.loc[published["area_code"] == "0180", "inhabitants"].item() == 949_164
    # The county's published 2017 total is the sum of its 26 municipalities' 2017 figures.
    assert sum(PUBLISHED_2017.values()) == 2_303_417
    # Everything not published (bases, police areas, region, other years) is an estimate.
    assert frame[(frame["sex"] != "all") | (frame["age_band"] != "all")]["estimate"].all()
    assert totals[totals["area_code"].isin(["STHLM", "PO_CITY"])]["estimate"].all()
    assert totals[totals["estimate"]]["source"].str.startswith("demouppskattning").all()


def test_derived_areas_are_sums_and_bases_are_shares():
    population = Population(demo_population(CATALOG, 2025))
    municipalities = [a.code for a in CATALOG.areas if a.level == "municipality"]
    for year in (2017, 2020, 2025):
        total = sum(population.inhabitants(code, year) for code in municipalities)
        assert abs(population.inhabitants("STHLM", year) - total) <= 1
    police = sum(
        population.inhabitants(a.code, 2020) for a in CATALOG.areas if a.level == "police_area"
    )
    assert abs(police - population.inhabitants("STHLM", 2020)) <= 4
    all_2020 = population.inhabitants("0127", 2020)
    assert population.inhabitants("0127", 2020, "women_18plus") == round(
        all_2020 * WOMEN_18PLUS_SHARE
    )
    assert population.inhabitants("0127", 2020, "children_0_17") == round(
        all_2020 * CHILDREN_0_17_SHARE
    )
    # The last year stored is the one asked for: later rates use it and say so.
    assert population.figure("0127", 2026).year == 2025

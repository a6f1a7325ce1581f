"""The comparison CSV: value, interval, category, population base and year per area; a hidden
area's value and interval stay empty in briefing mode."""

from __future__ import annotations

import io

import pandas as pd

from demo.generator import generate_demo_observations
from demo.population import demo_population
from metrics.catalog import load_catalog
from metrics.compare import area_comparison
from metrics.disclosure import apply_disclosure
from metrics.periods import parse_period_texts
from metrics.population import Population
from ui.area_compare import comparison_csv, population_note

CATALOG = load_catalog()
END = pd.Timestamp("2026-10-01")


def read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)


def test_the_comparison_csv_carries_interval_category_and_population_base_and_year():
    obs = generate_demo_observations(CATALOG, start="2025-09", end="2026-10")
    obs["period"] = parse_period_texts(obs["period"]).start.astype("datetime64[ns]")
    population = Population(demo_population(CATALOG, 2025))
    indicator = CATALOG.indicator("reported_partner_violence_women")
    compared = area_comparison(obs, indicator, CATALOG, END, population)
    open_frame = compared.areas
    rows = read(comparison_csv(compared, indicator, 0.95))
    assert set(rows["period_start"]) == {"2025-11"} and set(rows["period_end"]) == {"2026-10"}
    for column in ("value", "lower", "upper", "category", "population_base", "population_year"):
        assert column in rows.columns
    assert set(rows["population_base"]) == {"women_18plus"}
    assert set(rows["population_year"]) == {"2025"}
    assert (
        rows["lower"].notna().all()
        and rows["category"].isin(["higher", "similar", "lower", "not_comparable"]).all()
    )
    note = population_note(open_frame, indicator, END, "sv")
    assert "kvinnor 18 år och äldre" in note and "2025" in note and "demouppskattning" in note

    rape = CATALOG.indicator("reported_rape")
    compared = area_comparison(
        apply_disclosure(obs, CATALOG, 5, key=b"a test key, never a database's."),
        rape,
        CATALOG,
        END,
        population,
        0.998,
    )
    hidden = compared.areas
    rows = read(comparison_csv(compared, rape, 0.998)).set_index("area_code")
    suppressed = hidden.loc[hidden["suppressed"], "area_code"]
    assert len(suppressed)
    for code in suppressed:
        assert pd.isna(rows.loc[code, "value"]) and pd.isna(rows.loc[code, "lower"])
        assert pd.isna(rows.loc[code, "numerator"])
        assert rows.loc[code, "category"] == "not_comparable"

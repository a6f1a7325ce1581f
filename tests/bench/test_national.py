"""The benchmark's synthetic national catalog passes the real catalog's validation, and its data adds up."""

from __future__ import annotations

import os

import pytest

from bench.national import NATIONAL, Scale, build_national_database, write_national_catalog
from metrics.catalog import CATALOG_ENV, load_catalog


def test_the_national_catalog_loads_at_full_scale(tmp_path):
    catalog = load_catalog(write_national_catalog(tmp_path, NATIONAL))
    real = load_catalog()
    assert len(catalog.indicators) == 100
    assert [i.id for i in catalog.indicators[: len(real.indicators)]] == [
        i.id for i in real.indicators
    ]
    assert {i.kind for i in catalog.indicators} == {"count", "stock", "proportion", "median_days"}
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    assert len(municipalities) == 290
    assert all(len(a.code) == 4 and a.code.isdigit() for a in municipalities)
    assert {a.code for a in real.areas} <= {a.code for a in catalog.areas}
    assert [g.id for g in catalog.goals] == [g.id for g in real.goals]
    assert all(
        catalog.valid_areas(i.id) == tuple(a.code for a in catalog.areas)
        for i in catalog.indicators
    )


@pytest.mark.slow
def test_a_small_national_database_is_complete_and_adds_up(tmp_path, monkeypatch):
    scale = Scale(municipalities=30, indicators=30, months=6, ingest_rows=0)
    path = write_national_catalog(tmp_path, scale)
    monkeypatch.setenv(CATALOG_ENV, str(path))
    catalog = load_catalog()
    count = build_national_database(tmp_path / "n.duckdb", catalog, scale, "2026-10")
    # Gryning-only series start at the step-up (2021-02), inside any window ending 2026-10.
    # The yearly indicators among the first 30 have no whole year in the six months
    # ending 2026-10 (the generator writes whole periods only): every monthly one is complete.
    monthly = [i for i in catalog.indicators if i.frequency == "monthly"]
    assert len(monthly) < scale.indicators
    assert count == len(monthly) * scale.areas * scale.months

    from storage import load_observations, open_database

    obs = load_observations(open_database(tmp_path / "n.duckdb"), indicator_ids=["reported_rape"])
    by_area = obs.pivot_table(index="period", columns="area_code", values="value", aggfunc="sum")
    municipalities = [a.code for a in catalog.areas if a.level == "municipality"]
    assert (by_area[municipalities].sum(axis=1) == by_area["STHLM"]).all()
    assert os.environ[CATALOG_ENV] == str(path)

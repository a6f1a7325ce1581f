"""The latest month delivered per indicator and area: one grouped read."""

from __future__ import annotations

import pandas as pd

from storage import latest_delivered_periods, load_observations, open_database


def test_latest_month_per_indicator_and_area(seeded_db):
    latest = latest_delivered_periods(seeded_db)
    obs = load_observations(seeded_db)
    expected = (
        obs.groupby(["indicator_id", "area_code"])["period"].max().rename("latest").reset_index()
    )
    pd.testing.assert_frame_equal(latest, expected, check_dtype=False)
    by_pair = {(i, a): p for i, a, p in latest.itertuples(index=False)}
    assert by_pair[("reported_partner_violence_women", "STHLM")] == pd.Timestamp("2026-03-01")


def test_filtered_by_indicator_and_empty(seeded_db, tmp_path):
    only = latest_delivered_periods(seeded_db, indicator_ids=["clearance_rape"])
    assert set(only["indicator_id"]) == {"clearance_rape"} and len(only) > 0
    assert latest_delivered_periods(
        seeded_db, indicator_ids=["x'); DROP TABLE observations;--"]
    ).empty
    empty_db = open_database(tmp_path / "empty.duckdb")
    empty_db.create()
    empty = latest_delivered_periods(empty_db)
    assert empty.empty and list(empty.columns) == ["indicator_id", "area_code", "latest"]

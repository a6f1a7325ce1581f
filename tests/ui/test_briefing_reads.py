"""The briefing pack reads only its indicators at its area and the region, protected as the
whole indicators are (never by protecting every indicator of the catalog first)."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st


@pytest.fixture(scope="module")
def demo_db_path(tmp_path_factory):
    from demo.load import load_demo
    from storage import open_database

    path = tmp_path_factory.mktemp("pack_reads") / "demo.duckdb"
    db = open_database(path)
    db.create()
    assert load_demo(db, end="2026-10").status == "committed"
    return path


@pytest.mark.parametrize("briefing", [True, False])
def test_the_pack_reads_its_indicators_at_its_area_and_the_region(
    monkeypatch, demo_db_path, briefing
):
    from metrics.disclosure import DEFAULT_THRESHOLD, apply_disclosure
    from storage import disclosure_key, load_observations, open_database
    from ui import briefing as pack
    from ui import data

    monkeypatch.setenv("LAGESBILD_DB", str(demo_db_path))
    st.cache_resource.clear()
    st.cache_data.clear()

    def every_indicator(*args, **kwargs):
        raise AssertionError("the pack must not read and protect every indicator")

    monkeypatch.setattr(data, "observations", every_indicator)
    ids = ("lethal_violence_close_relations", "protected_housing_placements")
    got = pack._observations(briefing, ids, "0136")

    whole = load_observations(open_database(demo_db_path), indicator_ids=list(ids))
    if briefing:
        whole = apply_disclosure(
            whole, data.catalog(), DEFAULT_THRESHOLD, key=disclosure_key(data.database())
        )
    expected = whole[whole["area_code"].isin(["0136", "STHLM"])]
    columns = ["indicator_id", "area_code", "period", "value", "denominator"]
    key = ["indicator_id", "area_code", "period"]
    pd.testing.assert_frame_equal(
        got[columns].sort_values(key, ignore_index=True),
        expected[columns].sort_values(key, ignore_index=True),
        check_dtype=False,
    )
    assert got["suppressed"].fillna(False).astype(bool).any() == briefing

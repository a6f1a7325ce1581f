"""The overview's briefing-pack block: choose, make, and the two downloads are offered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    return demo_copy("pack")


def overview(monkeypatch, db_path, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_block_is_on_the_overview_and_asks_for_a_choice(monkeypatch, demo_db):
    at = overview(monkeypatch, demo_db)
    assert not at.exception
    assert "Dragningspaket" in [e.label for e in at.expander]
    at.button(key="briefing_pack_make").click().run()
    assert not at.exception
    assert "Välj minst ett mål eller en indikator." in [w.value for w in at.warning]
    assert not at.get("download_button")


@pytest.mark.slow
def test_making_a_pack_offers_a_powerpoint_and_a_pdf(monkeypatch, demo_db):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian chromium is not installed")
    at = overview(monkeypatch, demo_db, lang="en")
    at.multiselect(key="briefing_pack_goals").set_value(["county_3", "gryning_norm"])
    at.button(key="briefing_pack_make").click().run()
    assert not at.exception, at.exception
    assert any("The briefing pack is ready (2 indicators)" in s.value for s in at.success)
    assert len(at.get("download_button")) == 2

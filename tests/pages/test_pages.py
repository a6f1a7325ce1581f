"""Every page runs from dashboard.py without exceptions: on demo data and on an empty database, in both languages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from i18n import number_word, t
from metrics.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/overview.py", "pages/goals.py", "pages/indicator.py", "pages/catalog.py"]


@pytest.fixture(scope="session")
def demo_db_path(demo_copy):
    return demo_copy("demo")


@pytest.fixture
def app(monkeypatch):
    def make(db_path, **params):
        monkeypatch.setenv("LAGESBILD_DB", str(db_path))
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        return at

    return make


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [h.value for h in at.header] + [h.value for h in at.title] + [s.value for s in at.subheader]
    )
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_demo_data(app, demo_db_path, page, lang):
    at = app(demo_db_path, lang=lang)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    text = page_text(at) + "\n".join(w.value for w in at.warning)
    if page != "pages/catalog.py":
        assert ("DEMODATA" if lang == "sv" else "DEMO DATA") in text
        assert ("Data t.o.m. oktober 2026" if lang == "sv" else "Data up to October 2026") in text


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_an_empty_database(app, tmp_path, page, lang):
    from storage import open_database

    open_database(tmp_path / "empty.duckdb").create()  # an empty store, made explicitly
    at = app(tmp_path / "empty.duckdb", lang=lang)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    if page != "pages/catalog.py":
        assert ("Ingen data ännu" if lang == "sv" else "No data yet") in page_text(at)


def test_overview_shows_visions_summary_and_a_card_per_goal(app, demo_db_path):
    at = app(demo_db_path)
    at.run()
    text = page_text(at)
    assert "Ingen ska utsättas för eller uppleva våld" in text
    assert "Noll döda i relationer" in text
    assert "indikatorer visar förbättring" in text  # the summary's count line
    catalog = load_catalog()
    assert len(at.metric) == len(catalog.goals)  # one card per goal: counts are the catalog's
    families = Counter(goal.family for goal in catalog.goals)
    assert t("county_goals", "sv", count=number_word(families["county"])) in text
    assert t("gryning_areas", "sv", count=number_word(families["gryning"])) in text


def test_filters_live_in_the_url_and_survive_a_page_change(app, demo_db_path):
    at = app(demo_db_path, area="PO_NORD", goal="county_5", brief="1")
    at.run()
    assert at.query_params["area"] == "PO_NORD"
    at.switch_page("pages/goals.py").run()
    assert not at.exception
    assert at.query_params["goal"] == "county_5" and at.query_params["brief"] == "1"
    assert "Mål 5" in page_text(at)


def test_invalid_url_values_fall_back_to_defaults(app, demo_db_path):
    at = app(demo_db_path, area="DROP TABLE", lang="xx", ind="okand")
    at.run()
    assert not at.exception
    assert at.query_params["area"] == "STHLM" and at.query_params["lang"] == "sv"

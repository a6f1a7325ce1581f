"""The indicator page: what it shows of the area comparison in briefing mode."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db_path(demo_copy):
    return demo_copy("demo")


def indicator_page(monkeypatch, db_path, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("sv", "alla områdens värden dolda"), ("en", "every area's value is hidden")],
)
def test_a_comparison_with_every_value_hidden_says_so_instead_of_an_empty_chart(
    monkeypatch, demo_db_path, lang, words
):
    # In the demo data every police area's clearance rate rests on a small count somewhere.
    at = indicator_page(monkeypatch, demo_db_path, ind="clearance_rape", brief="1", lang=lang)
    messages = [i.value for i in at.info]
    assert any(words in m for m in messages), messages
    assert charts(at) == 1  # the trend only


def test_the_same_comparison_outside_briefing_mode_is_drawn(monkeypatch, demo_db_path):
    at = indicator_page(monkeypatch, demo_db_path, ind="clearance_rape")
    assert not any("dolda" in i.value for i in at.info)
    assert charts(at) == 2


def test_a_partly_hidden_comparison_is_drawn_with_its_dots(monkeypatch, demo_db_path):
    at = indicator_page(monkeypatch, demo_db_path, ind="reported_rape", brief="1")
    assert not any("dolda" in i.value for i in at.info)
    assert charts(at) == 2

"""Yearly indicators on the dashboard: the indicator page and the overview with monthly and yearly
indicators side by side (issue 16 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db_path(demo_copy):
    return demo_copy("demo")


def run(monkeypatch, db_path, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_a_yearly_indicator_page_reads_years_not_months(monkeypatch, demo_db_path):
    at = run(monkeypatch, demo_db_path, "pages/indicator.py", ind="clearance_gross_violation_women")
    shown = texts(at)
    assert "2025" in shown
    assert "januari 2025" not in shown  # a year is never written as its first month
    assert len(at.get("plotly_chart")) >= 1


def test_the_overview_with_monthly_and_yearly_indicators(monkeypatch, demo_db_path):
    at = run(monkeypatch, demo_db_path)
    shown = texts(at)
    assert "januari 2025" not in shown

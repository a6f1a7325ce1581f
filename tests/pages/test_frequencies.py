"""Yearly indicators on the dashboard: the indicator page and the overview with monthly and yearly
indicators side by side (issue 16 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.pages.lazy import open_tables

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


def test_the_indicator_page_tables_write_a_yearly_indicator_in_years(monkeypatch, demo_db_path):
    at = open_tables(
        run(monkeypatch, demo_db_path, "pages/indicator.py", ind="clearance_rape_yearly")
    )
    tables = [d.value for d in at.dataframe]
    periods = [str(p) for p in next(t for t in tables if "Period" in t.columns)["Period"]]
    assert "2025" in periods and all(p.isdigit() for p in periods)  # "2025", not "januari 2025"
    values = next(t for t in tables if "2025" in t.columns)  # the table of values: years × areas
    assert all(str(c).isdigit() for c in values.columns) and len(values.columns) > 1


def test_the_indicator_page_tables_still_write_a_monthly_indicator_in_months(
    monkeypatch, demo_db_path
):
    at = open_tables(run(monkeypatch, demo_db_path, "pages/indicator.py", ind="reported_rape"))
    tables = [d.value for d in at.dataframe]
    assert "oktober 2026" in list(next(t for t in tables if "Period" in t.columns)["Period"])
    values = next(t for t in tables if "oktober 2026" in t.columns)
    assert list(values.columns)[0] == "november 2025" and len(values.columns) == 12

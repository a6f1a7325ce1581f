"""The URL's from/to at an indicator's frequency: a year or a quarter is read as its months
(old month links unchanged), and the indicator page writes a yearly or quarterly indicator's
period as "2025" or "2025K3" where it falls on the bounds, so the link reads back the same view."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.catalog import load_catalog
from ui.state import read_url, url_code, url_period

CATALOG = load_catalog()
TODAY = pd.Timestamp("2026-11-20")


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2025-03", "2025-03", "2025-03"),  # every link written so far
        ("2025", "2025-01", "2025-12"),
        ("2025K3", "2025-07", "2025-09"),
        ("2025Q3", "2025-07", "2025-09"),
        ("2026", "2026-01", "2026-11"),  # a year not over reaches the current month
        ("2026K4", "2026-10", "2026-11"),
    ],
)
def test_a_period_is_read_as_its_first_and_last_month(value, start, end):
    assert url_period(value, end=False, today=TODAY) == start
    assert url_period(value, end=True, today=TODAY) == end


@pytest.mark.parametrize("value", ["2018", "2018K4", "2027", "2026K5", "2025k3", "25", "2025-3"])
def test_other_periods_are_not_read(value):
    assert url_period(value, end=False, today=TODAY) is None
    assert url_period(value, end=True, today=TODAY) is None


def test_a_link_with_years_selects_their_months_and_old_links_keep_working():
    chosen, rejected = read_url({"from": "2021", "to": "2023K2"}, CATALOG)
    assert (chosen["start"], chosen["end"], rejected) == ("2021-01", "2023-06", [])
    chosen, rejected = read_url({"from": "2021-03", "to": "2023-04"}, CATALOG)
    assert (chosen["start"], chosen["end"], rejected) == ("2021-03", "2023-04", [])
    chosen, rejected = read_url({"from": "2024", "to": "2023"}, CATALOG)
    assert (chosen["start"], chosen["end"], sorted(rejected)) == ("", "", ["from", "to"])


@pytest.mark.parametrize(
    ("month", "frequency", "end", "written"),
    [
        ("2021-01", "yearly", False, "2021"),
        ("2025-12", "yearly", True, "2025"),
        ("2025-11", "yearly", True, "2025-11"),  # not a year's bound: the month, read back alike
        ("2025-07", "quarterly", False, "2025K3"),
        ("2025-09", "quarterly", True, "2025K3"),
        ("2025-08", "quarterly", True, "2025-08"),
        ("2025-01", "monthly", False, "2025-01"),
        ("", "yearly", True, ""),  # to the latest: not written
    ],
)
def test_the_indicator_page_writes_its_frequency_and_reads_back_the_same_month(
    month, frequency, end, written
):
    assert url_code(month, frequency, end=end) == written
    if month:
        assert url_period(written, end=end, today=TODAY) == month


def test_the_indicator_page_link_of_a_yearly_indicator_is_in_years(monkeypatch, demo_copy):
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LAGESBILD_DB", str(demo_copy("urlperiods")))
    st.cache_resource.clear()
    st.cache_data.clear()
    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=180)
    for key, value in {"ind": "clearance_rape_yearly", "from": "2021", "to": "2024-12"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception, at.exception
    assert at.session_state["flt_start"] == "2021-01" and at.session_state["flt_end"] == "2024-12"
    assert (at.query_params["from"], at.query_params["to"]) == ("2021", "2024")
    at.switch_page("pages/overview.py").run()  # not about one indicator: months
    assert (at.query_params["from"], at.query_params["to"]) == ("2021-01", "2024-12")

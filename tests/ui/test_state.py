"""The period slider in the sidebar: bound to the start/end selections, without Streamlit warnings."""

from __future__ import annotations

import logging

import pytest
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest


def period_page() -> None:
    import pandas as pd
    import streamlit as st

    from ui import state

    months = list(pd.date_range("2019-01-01", periods=st.session_state["n_months"], freq="MS"))
    state.bound_month_range("Period", months, format_func=lambda m: f"{m:%Y-%m}")


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings_logged(monkeypatch):
    """What Streamlit logs about widget state (it says each thing once per process)."""
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    handler = Collected()
    logger = logging.getLogger(policies.__name__)
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def slider(at: AppTest):
    (widget,) = at.select_slider
    return widget


def test_the_slider_starts_at_the_selection_and_follows_the_latest_month(warnings_logged):
    at = AppTest.from_function(period_page, default_timeout=60)
    at.session_state["n_months"] = 24
    at.session_state["flt_start"] = "2019-06"
    at.run()
    assert not at.exception
    assert slider(at).value == ("2019-06", "2020-12")

    slider(at).set_range("2019-03", "2020-12").run()
    # An untouched end is stored as "" so that a link keeps following the latest month.
    assert (at.session_state["flt_start"], at.session_state["flt_end"]) == ("2019-03", "")
    slider(at).set_range("2019-01", "2020-02").run()
    assert (at.session_state["flt_start"], at.session_state["flt_end"]) == ("", "2020-02")
    slider(at).set_range("2019-04", "2020-12").run()

    # A month more data: the slider's end moves with "to the latest" and can still be used.
    at.session_state["n_months"] = 25
    at.run()
    assert slider(at).value == ("2019-04", "2021-01")
    slider(at).set_range("2019-05", "2020-06").run()
    assert (at.session_state["flt_start"], at.session_state["flt_end"]) == ("2019-05", "2020-06")
    assert slider(at).value == ("2019-05", "2020-06")
    assert not at.exception
    assert not [m for m in warnings_logged if "default value" in m], warnings_logged


def test_a_selection_outside_the_months_is_clamped():
    at = AppTest.from_function(period_page, default_timeout=60)
    at.session_state["n_months"] = 12
    at.session_state["flt_start"] = "2015-01"
    at.session_state["flt_end"] = "2030-01"
    at.run()
    assert slider(at).value == ("2019-01", "2019-12")

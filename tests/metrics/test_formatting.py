"""Tests for metrics.formatting: Swedish and English numbers, percentages and months."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.formatting import (
    MINUS,
    MISSING_TEXT,
    MONTHS_SV,
    NBSP,
    format_date,
    format_month,
    format_number,
    format_percent,
    format_percentage_points,
    month_name,
)


def test_swedish_number_uses_no_break_space_and_decimal_comma():
    assert format_number(1234.5, "sv") == f"1{NBSP}234,5"
    assert format_number(1234567, "sv") == f"1{NBSP}234{NBSP}567"
    assert format_number(750, "sv") == "750"


def test_english_number_uses_comma_and_point():
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(-1234567.25, "en", 2) == "-1,234,567.25"


def test_decimals_default_to_none_for_whole_numbers_and_one_otherwise():
    assert format_number(12.0) == "12"
    assert format_number(12.345) == "12,3"
    assert format_number(12, decimals=2) == "12,00"


def test_negative_swedish_number_uses_minus_sign_and_zero_has_no_sign():
    assert format_number(-3, "sv") == f"{MINUS}3"
    assert format_number(-0.01, "sv", 1) == "0,0"
    assert format_number(0, signed=True) == "0"
    assert format_number(3, signed=True) == "+3"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, math.inf])
def test_missing_values_are_written_as_two_dots(missing):
    assert format_number(missing) == MISSING_TEXT
    assert MISSING_TEXT == ".."


def test_percent():
    assert format_percent(0.453, "sv") == f"45{NBSP}%"
    assert format_percent(0.453, "en") == "45%"
    assert format_percent(0.4567, "sv", 1) == f"45,7{NBSP}%"
    assert format_percent(None) == MISSING_TEXT
    assert format_percentage_points(0.034, "sv") == "+3,4 procentenheter"
    assert format_percentage_points(-0.034, "en") == "-3.4 percentage points"


def test_months_in_swedish_and_english():
    assert MONTHS_SV == (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    )
    assert format_month(pd.Timestamp("2026-10-01"), "sv") == "oktober 2026"
    assert format_month(pd.Timestamp("2026-03-01")) == "mars 2026"
    assert format_month("2026-03", "en") == "March 2026"
    assert format_month(pd.NaT) == MISSING_TEXT
    assert format_date("2026-03-03", "sv") == "3 mars 2026"
    with pytest.raises(ValueError):
        month_name(13)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_swedish_integers_read_back(n):
    text = format_number(n, "sv")
    assert int(text.replace(NBSP, "").replace(MINUS, "-")) == n


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_swedish_and_english_agree(x, decimals):
    sv = format_number(x, "sv", decimals).replace(NBSP, "").replace(MINUS, "-").replace(",", ".")
    en = format_number(x, "en", decimals).replace(",", "")
    assert sv == en


def test_the_hidden_cell_mark_is_one_text():
    # charts draw metrics.formatting's; metrics/disclosure/policy.py keeps its own copy until
    # it imports this one (issue 14): they must never differ
    from metrics.disclosure import SUPPRESSED_TEXT as policy_text
    from metrics.formatting import SUPPRESSED_TEXT

    assert SUPPRESSED_TEXT == policy_text == ".."


def test_an_indicator_value_and_its_change_are_written_by_kind():
    # one owner for every face: the pages, the indicator panel and the briefing pack
    from metrics.catalog import load_catalog
    from metrics.formatting import format_change, format_value

    catalog = load_catalog()
    share, count = catalog.indicator("clearance_rape"), catalog.indicator("reported_rape")
    assert format_value(share, 0.1849, "sv") == "18,5\u00a0%"
    assert format_value(count, 1234.4, "sv") == "1\u00a0234"
    assert format_value(count, None, "sv") == format_value(share, float("nan"), "en") == ".."
    assert format_change(count, 12, 0.05, "sv") == "+12 (+5\u00a0%)"
    assert format_change(count, -3, None, "sv") == "\u22123"  # Swedish minus; English "-3"
    assert format_change(share, 0.021, None, "sv") == "+2,1 procentenheter"
    assert format_change(share, None, None, "sv") is None

"""Numbers and months are read the way a Swedish analyst writes them."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.normalise import parse_numbers, parse_periods, too_large_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234", 1234.0),
        ("0,5", 0.5),
        ("1234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("\u221212", -12.0),
        ("750", 750.0),
    ],
)
def test_numbers(text, expected):
    values, ok = parse_numbers(pd.Series([text]))
    assert ok.iloc[0] and values.iloc[0] == expected


@pytest.mark.parametrize("text", ["abc", "12 st", "1,2,3", "inf", "-Infinity", "nan", "∞"])
def test_non_numbers_are_flagged(text):
    values, ok = parse_numbers(pd.Series([text]))
    assert not ok.iloc[0] and pd.isna(values.iloc[0])
    assert not too_large_numbers(pd.Series([text]), ok).iloc[0]


@pytest.mark.parametrize(
    "text", ["1e400", "-1e400", "1e15", "9007199254740993", "1 000 000 000 000 000,0"]
)
def test_numbers_too_large_to_hold_exactly_are_flagged(text):
    values, ok = parse_numbers(pd.Series([text]))
    assert not ok.iloc[0] and pd.isna(values.iloc[0])
    assert too_large_numbers(pd.Series([text]), ok).iloc[0]


@pytest.mark.parametrize("text", ["999999999999999", "-999 999 999 999 999", "999999999999999,5"])
def test_numbers_just_below_the_limit_are_read_exactly(text):
    values, ok = parse_numbers(pd.Series([text]))
    expected = float(text.replace(" ", "").replace(",", "."))
    assert ok.iloc[0] and values.iloc[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03",
        "2026-03-01",
        "2026-3",
        "2026M03",
        "2026m3",
        "202603",
        "mars 2026",
        "Mars 2026",
        "mar 2026",
        "2026 mars",
        "mar-26",
        "2026-03-01 00:00:00",
        "March 2026",
    ],
)
def test_month_formats_of_the_brief(text):
    stamps, ok, _ = parse_periods(pd.Series([text]))
    assert ok.iloc[0] and stamps.iloc[0] == pd.Timestamp("2026-03-01")


def test_a_day_other_than_the_first_is_read_as_its_month_and_flagged():
    stamps, ok, dropped = parse_periods(pd.Series(["2026-03-15"]))
    assert stamps.iloc[0] == pd.Timestamp("2026-03-01") and dropped.iloc[0]


@pytest.mark.parametrize("text", ["hösten", "2026-13", "13/2026", "Q5 2026", "2026K0", "26"])
def test_unreadable_periods_are_flagged(text):
    stamps, ok, _ = parse_periods(pd.Series([text]))
    assert not ok.iloc[0] and pd.isna(stamps.iloc[0])

"""Periods at an indicator's frequency: reading, writing, start and end, by example and by invariant."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.periods import (
    FREQUENCIES,
    format_period,
    format_periods,
    month_starts,
    next_period,
    parse_period,
    parse_period_texts,
    period_code,
    period_codes,
    period_end,
    period_labels,
    period_range,
    period_start,
    periods_between,
)


@pytest.mark.parametrize(
    ("text", "start", "frequency"),
    [
        ("2025", "2025-01-01", "yearly"),
        ("2025K3", "2025-07-01", "quarterly"),
        ("2025Q3", "2025-07-01", "quarterly"),
        ("2025k1", "2025-01-01", "quarterly"),
        ("2025-K4", "2025-10-01", "quarterly"),
        ("2025 kv3", "2025-07-01", "quarterly"),
        ("kv. 3 2025", "2025-07-01", "quarterly"),
        ("Q2 2025", "2025-04-01", "quarterly"),
        ("2026-03", "2026-03-01", "monthly"),
        ("2026-03-01", "2026-03-01", "monthly"),
        ("2026M03", "2026-03-01", "monthly"),
        ("202603", "2026-03-01", "monthly"),
        ("mars 2026", "2026-03-01", "monthly"),
        ("mar-26", "2026-03-01", "monthly"),
    ],
)
def test_written_periods_are_read_with_their_granularity(text, start, frequency):
    period = parse_period(text)
    assert period is not None
    assert (period.start, period.frequency) == (pd.Timestamp(start), frequency)


@pytest.mark.parametrize("text", ["", "25", "2025K5", "2025K0", "Q3", "kv 2025", "20255", "1899"])
def test_what_is_not_a_period(text):
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("start", "frequency", "code", "sv", "en", "end"),
    [
        ("2026-03-01", "monthly", "2026-03", "mars 2026", "March 2026", date(2026, 3, 31)),
        ("2025-07-01", "quarterly", "2025K3", "kv. 3 2025", "Q3 2025", date(2025, 9, 30)),
        ("2024-10-01", "quarterly", "2024K4", "kv. 4 2024", "Q4 2024", date(2024, 12, 31)),
        ("2025-01-01", "yearly", "2025", "2025", "2025", date(2025, 12, 31)),
    ],
)
def test_periods_are_written_and_end_as_people_expect(start, frequency, code, sv, en, end):
    assert period_code(start, frequency) == code
    assert format_period(start, frequency, "sv") == sv
    assert format_period(start, frequency, "en") == en
    assert period_end(start, frequency) == end


def test_a_day_belongs_to_its_period_and_periods_count_in_their_own_steps():
    assert period_start("2025-08-17", "quarterly") == pd.Timestamp("2025-07-01")
    assert period_start("2025-08-17", "yearly") == pd.Timestamp("2025-01-01")
    assert next_period(pd.Timestamp("2025-10-01"), "quarterly") == pd.Timestamp("2026-01-01")
    assert periods_between(pd.Timestamp("2019-01-01"), pd.Timestamp("2022-01-01"), "yearly") == 3
    assert list(
        period_range(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"), "quarterly")
    ) == [pd.Timestamp(f"2025-{m:02d}-01") for m in (1, 4, 7, 10)]


def test_a_column_reads_each_cell_as_it_would_alone():
    texts = ["2025", "2025K3", "2026-03", "", "abc"]
    together = parse_period_texts(pd.Series(texts, dtype="str"))
    assert list(together.frequency) == ["yearly", "quarterly", "monthly", None, None]
    assert list(together.ok) == [True, True, True, True, False]


@given(
    st.integers(1900, 2200),
    st.integers(1, 12),
    st.sampled_from(FREQUENCIES),
    st.sampled_from(["sv", "en"]),
)
def test_written_periods_read_back_to_the_same_period(year, month, frequency, lang):
    start = period_start(pd.Timestamp(year=year, month=month, day=1), frequency)
    for text in (period_code(start, frequency), format_period(start, frequency, lang)):
        period = parse_period(text)
        assert period is not None, text
        assert (period.start, period.frequency) == (start, frequency), text
    end = pd.Timestamp(period_end(start, frequency))
    assert period_start(end, frequency) == start
    assert next_period(start, frequency) == end + pd.Timedelta(days=1)


def test_a_column_of_periods_is_written_at_each_row_frequency():
    starts = pd.Series(pd.to_datetime(["2025-01-01", "2025-07-01", "2026-03-01", None]))
    frequency = pd.Series(["yearly", "quarterly", "monthly", "yearly"])
    assert list(period_codes(starts, frequency)) == ["2025", "2025K3", "2026-03", ".."]
    people = ["2025", "kv. 3 2025", "mars 2026", ".."]
    assert list(format_periods(starts, frequency, "sv")) == people
    assert list(period_codes(starts, "monthly")) == ["2025-01", "2025-07", "2026-03", ".."]


_DAYS = st.lists(
    st.one_of(
        st.none(),
        st.datetimes(
            min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
            max_value=pd.Timestamp("2040-12-31").to_pydatetime(),
        ),
    ),
    max_size=30,
)


@given(_DAYS, st.sampled_from(["ns", "us", "s"]))
def test_month_starts_are_what_pandas_period_conversion_gives(days, unit):
    """month_starts (issue 15: pandas inferred a frequency at every call) gives the same months
    and dtype as ``to_period("M").to_timestamp()``, NaT and gaps included."""
    index = pd.DatetimeIndex(days).as_unit(unit)
    expected = index.to_period("M").to_timestamp()
    got = month_starts(index)
    assert got.dtype == expected.dtype
    assert got.equals(expected)


def test_month_starts_of_a_leap_day_and_a_missing_day():
    leap = month_starts([pd.Timestamp("2024-02-29"), pd.NaT])
    assert leap[0] == pd.Timestamp("2024-02-01")
    assert pd.isna(leap[1])


@given(_DAYS, st.sampled_from(["monthly", "quarterly", "yearly"]), st.sampled_from(["sv", "en"]))
def test_period_labels_are_format_period_of_each_day(days, frequency, lang):
    index = pd.DatetimeIndex(days)
    assert period_labels(index, frequency, lang) == [
        format_period(day, frequency, lang) for day in index
    ]

"""Reporting status by example: on time, a month late, never delivered, areas outside an indicator's levels."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.reporting import (
    expected_by,
    indicators_missing_latest,
    latest_due_period,
    reporting_status,
)

BRA = "reported_rape"  # 21 days after the month, at region, police areas and municipalities
LETHAL = "lethal_violence_close_relations"  # 30 days, region only


def latest(*rows):
    frame = pd.DataFrame(rows, columns=["indicator_id", "area_code", "latest"])
    frame["latest"] = pd.to_datetime(frame["latest"])
    return frame


def row(status, indicator_id, area_code):
    found = status[(status["indicator_id"] == indicator_id) & (status["area_code"] == area_code)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 11, 21), "2026-09"),  # October is due on 21 November: not missing yet
        (date(2026, 11, 22), "2026-10"),
        (date(2026, 12, 21), "2026-10"),
        (date(2026, 12, 22), "2026-11"),
        (date(2027, 1, 22), "2026-12"),  # across a year
    ],
)
def test_the_latest_due_month_follows_the_delay(today, due):
    assert latest_due_period(today, 21) == pd.Timestamp(due)
    assert expected_by(pd.Timestamp(due), 21) < today


def test_on_time_one_month_late_and_never_delivered(catalog):
    today = date(2026, 12, 6)  # October due for rape (21 days), October for lethal (30 days)
    status = reporting_status(
        catalog,
        latest((BRA, "STHLM", "2026-10"), (BRA, "0180", "2026-09"), (LETHAL, "STHLM", "2026-10")),
        today,
    )
    on_time = row(status, BRA, "STHLM")
    assert on_time["status"] == "on_time" and not on_time["overdue"]
    assert on_time["months_overdue"] == 0
    assert on_time["expected_by"] == date(2026, 12, 21)  # November's day

    late = row(status, BRA, "0180")
    assert late["status"] == "overdue" and late["overdue"]
    assert late["months_overdue"] == 1
    assert late["latest"] == pd.Timestamp("2026-09")
    assert late["expected_by"] == date(2026, 11, 21)  # October's day, passed

    never = row(status, BRA, "0127")
    assert never["status"] == "never" and never["overdue"]
    assert pd.isna(never["latest"]) and pd.isna(never["months_overdue"])

    assert row(status, LETHAL, "STHLM")["status"] == "on_time"
    # Every indicator but lethal violence has areas without data.
    missing = indicators_missing_latest(status)
    assert LETHAL not in missing and BRA in missing
    assert len(missing) == len(catalog.indicators) - 1
    assert missing == tuple(i.id for i in catalog.indicators if i.id != LETHAL)  # catalog order


def test_months_overdue_counts_every_missing_month(catalog):
    status = reporting_status(catalog, latest((LETHAL, "STHLM", "2026-03")), date(2026, 12, 6))
    assert row(status, LETHAL, "STHLM")["months_overdue"] == 7  # April..October


def test_an_area_outside_the_indicators_levels_is_not_listed(catalog):
    status = reporting_status(
        catalog,
        latest((LETHAL, "STHLM", "2026-10"), (LETHAL, "0180", "2026-01")),
        date(2026, 12, 6),
    )
    assert list(status.loc[status["indicator_id"] == LETHAL, "area_code"]) == ["STHLM"]
    listed = status.groupby("indicator_id", sort=False)["area_code"].apply(tuple)
    assert {i: listed[i] for i in listed.index} == {
        i.id: catalog.valid_areas(i.id) for i in catalog.indicators
    }


def test_an_indicator_without_a_declared_delay_is_not_followed(catalog):
    indicators = tuple(
        replace(i, delivery_delay_days=None) if i.id == LETHAL else i for i in catalog.indicators
    )
    other = replace(catalog, indicators=indicators)
    status = reporting_status(other, latest(), date(2026, 12, 6))
    lethal = row(status, LETHAL, "STHLM")
    assert lethal["status"] == "not_followed" and not lethal["overdue"]
    assert LETHAL not in indicators_missing_latest(status)


def test_nothing_due_yet_is_not_overdue(catalog):
    # Data delivered beyond the due month (a preliminary month uploaded early) is on time.
    status = reporting_status(catalog, latest((LETHAL, "STHLM", "2026-11")), date(2026, 12, 6))
    assert row(status, LETHAL, "STHLM")["months_overdue"] == 0


def test_a_yearly_indicator_is_due_by_its_year_and_overdue_in_months():
    """With 120 days, 2025 is due on 30 April 2026: missing from 1 May; a year behind is 12."""
    assert latest_due_period(date(2026, 4, 30), 120, "yearly") == pd.Timestamp("2024-01-01")
    assert latest_due_period(date(2026, 5, 1), 120, "yearly") == pd.Timestamp("2025-01-01")
    assert latest_due_period(date(2026, 2, 1), 31, "quarterly") == pd.Timestamp("2025-10-01")


@settings(max_examples=60, deadline=None)
@given(
    st.data(),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30)),
)
def test_missing_latest_is_what_the_full_status_says(data, today):
    """The overview's count (issue 15: without the status of every indicator and area) names
    the same indicators as the full status, whatever was delivered and whatever the day."""
    from metrics.catalog import load_catalog
    from metrics.reporting import indicators_missing_latest, missing_latest, reporting_status

    catalog = load_catalog()
    pairs = [(i.id, a) for i in catalog.indicators for a in catalog.valid_areas(i.id)]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=120))
    months = data.draw(
        st.lists(
            st.one_of(st.none(), st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 6, 1))),
            min_size=len(chosen),
            max_size=len(chosen),
        )
    )
    latest = pd.DataFrame(
        {
            "indicator_id": [i for i, _ in chosen],
            "area_code": [a for _, a in chosen],
            "latest": pd.to_datetime([None if m is None else m.replace(day=1) for m in months]),
        }
    )
    assert missing_latest(catalog, latest, today) == indicators_missing_latest(
        reporting_status(catalog, latest, today)
    )
    # Every pair delivered in one month (nothing missing at all when it is recent enough).
    every = pd.DataFrame(
        {
            "indicator_id": [i for i, _ in pairs],
            "area_code": [a for _, a in pairs],
            "latest": pd.Timestamp(today.replace(day=1)),
        }
    )
    assert missing_latest(catalog, every, today) == indicators_missing_latest(
        reporting_status(catalog, every, today)
    )

"""Uploads of monthly, quarterly and yearly indicators: each period written at its indicator's
frequency, the wrong granularity a Swedish row error that stores nothing."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from ingest.pipeline import check_upload, ingest_upload
from metrics.catalog import Catalog
from storage import count_observations, load_observations
from tests.conftest import TODAY

HEADER = "indicator_id;period;area_code;value;denominator\n"
YEARLY, QUARTERLY = "clearance_rape", "victim_counsel_share"


@pytest.fixture(scope="module")
def mixed(catalog) -> Catalog:
    """The catalog with one yearly and one quarterly share (ids kept, frequency changed)."""
    frequency = {YEARLY: "yearly", QUARTERLY: "quarterly"}
    return dataclasses.replace(
        catalog,
        indicators=tuple(
            dataclasses.replace(i, frequency=frequency.get(i.id, i.frequency))
            for i in catalog.indicators
        ),
    )


def errors_of(body: str, catalog: Catalog) -> list[tuple]:
    checked = check_upload((HEADER + body).encode(), "f.csv", catalog, today=TODAY)
    return [(e.row, e.column, e.value, e.message) for e in checked.errors]


def test_each_frequency_is_read_and_stored_as_its_first_day(mixed, fresh_db):
    body = (
        f"{YEARLY};2025;STHLM;14;100\n"
        f"{QUARTERLY};2025K3;STHLM;30;120\n"
        f"{QUARTERLY};2025Q4;STHLM;31;110\n"
        "reported_rape;2026-03;STHLM;300;\n"
    )
    report = ingest_upload(
        fresh_db, (HEADER + body).encode(), "f.csv", user="t", today=TODAY, catalog=mixed
    )
    assert report.status == "committed", report.errors
    stored = load_observations(fresh_db).set_index("indicator_id")["period"]
    assert stored[YEARLY] == pd.Timestamp("2025-01-01")
    assert sorted(stored[QUARTERLY]) == [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-01")]
    assert stored["reported_rape"] == pd.Timestamp("2026-03-01")


def test_a_clean_file_and_a_file_with_another_error_read_periods_alike(mixed):
    """The fast path (a clean file) and the detailed one give the same rows."""
    body = f"{YEARLY};2025;STHLM;14;100\n{QUARTERLY};2025K3;STHLM;30;120\n"
    fast = check_upload((HEADER + body).encode(), "f.csv", mixed, today=TODAY)
    slow = check_upload(
        (HEADER + body + "x;2026-01;STHLM;1;\n").encode(), "f.csv", mixed, today=TODAY
    )
    assert fast.ok and not slow.ok
    assert list(fast.frame["period"]) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-01")]


def test_a_month_for_a_yearly_indicator_is_a_row_error_in_swedish(mixed, fresh_db):
    body = f"{YEARLY};2025;STHLM;14;100\n{YEARLY};2024-03;STHLM;12;100\n"
    assert errors_of(body, mixed) == [
        (
            3,
            "period",
            "2024-03",
            "Personuppklaring, våldtäkt redovisas per år, men perioden är skriven som en månad "
            "(2024-03). Skriv perioden som ett år, t.ex. 2025.",
        )
    ]
    report = ingest_upload(
        fresh_db, (HEADER + body).encode(), "f.csv", user="t", today=TODAY, catalog=mixed
    )
    assert report.status == "rejected" and count_observations(fresh_db) == 0


def test_a_year_for_a_quarterly_and_a_quarter_for_a_monthly_indicator(mixed):
    errors = errors_of(f"{QUARTERLY};2025;STHLM;3;10\nreported_rape;2025K2;STHLM;300;\n", mixed)
    assert [(row, column, value) for row, column, value, _ in errors] == [
        (2, "period", "2025"),
        (3, "period", "2025K2"),
    ]
    assert errors[0][3].endswith(
        "redovisas per kvartal, men perioden är skriven som ett år (2025). Skriv perioden som "
        "ett kvartal, t.ex. 2025K3 (eller 2025Q3)."
    )
    assert errors[1][3] == (
        "Anmälda våldtäkter redovisas per månad, men perioden är skriven som ett kvartal "
        "(2025K2). Skriv perioden som en månad, t.ex. 2026-03."
    )


def test_a_period_that_has_not_begun_is_named_at_its_frequency(mixed):
    [(_, _, _, message)] = errors_of(f"{QUARTERLY};2027K1;STHLM;3;10\n", mixed)
    assert message == (
        "Perioden kv. 1 2027 har inte börjat än. Senaste tillåtna period är kv. 4 2026; "
        "kontrollera året."
    )


def test_an_unreadable_period_lists_every_accepted_form():
    checked = check_upload(
        (HEADER + "reported_rape;hösten 2025;STHLM;3;\n").encode(), "f.csv", today=TODAY
    )
    [error] = checked.errors
    assert error.message == (
        "Perioden ”hösten 2025” känns inte igen. Skriv en månad som 2026-03 (eller 2026M03, "
        "mars 2026), ett kvartal som 2025K3 (eller 2025Q3) eller ett år som 2025."
    )


def test_the_export_writes_each_period_as_the_upload_reads_it_back(mixed, fresh_db):
    from storage import export_rows

    body = f"{YEARLY};2025;STHLM;14;100\n{QUARTERLY};2025K3;STHLM;30;120\n"
    ingest_upload(fresh_db, (HEADER + body).encode(), "f.csv", user="t", today=TODAY, catalog=mixed)
    rows = export_rows(fresh_db, catalog=mixed).set_index("indicator_id")["period"]
    assert (rows[YEARLY], rows[QUARTERLY]) == ("2025", "2025K3")

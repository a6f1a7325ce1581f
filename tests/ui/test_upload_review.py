"""The upload preview's and history's tables and CSV write each row's period at its indicator's
frequency (issue 16 item 1): a yearly value of 2025 reads "2025", never "2025-01"."""

from __future__ import annotations

import io

import pandas as pd

from ui import upload_review

YEARLY, MONTHLY = "clearance_rape_yearly", "reported_rape"


def changes() -> pd.DataFrame:
    """Two changed cells as services.uploads.upload_changes gives them: a year and a month."""
    return pd.DataFrame(
        {
            "indicator_id": [YEARLY, MONTHLY],
            "area_code": ["STHLM", "STHLM"],
            "period": [pd.Timestamp("2025-01-01"), pd.Timestamp("2026-03-01")],
            "old_value": [28.0, 60.0],
            "new_value": [30.0, 61.0],
            "old_denominator": [120.0, float("nan")],
            "new_denominator": [120.0, float("nan")],
            "old_status": ["final", "final"],
            "new_status": ["final", "final"],
        }
    )


def test_the_revision_table_writes_a_year_as_a_year_and_a_month_as_before():
    table = upload_review.revision_table(changes(), "sv")
    assert list(table["Period"]) == ["2025", "2026-03"]
    assert "Period" in upload_review.revision_table(changes(), "en").columns


def test_the_new_values_table_writes_from_and_to_at_each_indicator_frequency():
    new_values = pd.DataFrame(
        {
            "indicator_id": [YEARLY, MONTHLY],
            "first": pd.to_datetime(["2023-01-01", "2026-04-01"]),
            "last": pd.to_datetime(["2025-01-01", "2026-05-01"]),
            "areas": [1, 1],
            "values": [3, 2],
        }
    )
    table = upload_review.new_values_table(new_values, "sv")
    assert list(table["Från"]) == ["2023", "2026-04"]
    assert list(table["Till"]) == ["2025", "2026-05"]


def test_the_changes_csv_writes_periods_as_an_upload_reads_them_back():
    csv = upload_review.changes_csv(changes(), "sv")
    rows = pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")
    assert list(rows["period"]) == ["2025", "2026-03"]

"""The indicator page's values CSV writes periods as an upload reads them back, at the
indicator's frequency (issue 16 item 1): a yearly value of 2025 is "2025", never "2025-01"."""

from __future__ import annotations

import io

import pandas as pd

from metrics.catalog import load_catalog
from ui.indicator_panel import values_csv


def rows(indicator_id: str, periods: list[str]) -> pd.DataFrame:
    """Rows as ui.data reads them for the page, the last one hidden by disclosure control."""
    n = len(periods)
    return pd.DataFrame(
        {
            "indicator_id": [indicator_id] * n,
            "period": pd.to_datetime(periods),
            "area_code": ["STHLM"] * n,
            "value": [30.0] * n,
            "denominator": [120.0] * n,
            "status": ["final"] * n,
            "note": ["ny rutin"] * n,
            "suppressed": [False] * (n - 1) + [True],
        }
    )


def read(csv: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")


def test_a_yearly_indicator_csv_writes_years():
    indicator = load_catalog().indicator("clearance_rape_yearly")
    out = read(
        values_csv(rows(indicator.id, ["2024-01-01", "2025-01-01"]), indicator, briefing=False)
    )
    assert list(out["period"]) == ["2024", "2025"]
    assert list(out["value"]) == ["30", ".."]  # a hidden cell still reads ".."


def test_a_monthly_indicator_csv_is_unchanged_and_briefing_mode_drops_notes():
    indicator = load_catalog().indicator("clearance_rape")
    out = read(
        values_csv(rows(indicator.id, ["2026-09-01", "2026-10-01"]), indicator, briefing=True)
    )
    assert list(out["period"]) == ["2026-09", "2026-10"]
    assert "note" not in out.columns

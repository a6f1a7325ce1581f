"""metrics/redaction.py: free text with numbers masked, and a cell's history as briefing mode shows it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.redaction import mask_numbers, protect_changes


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("3 anmälningar i Salem", ".. anmälningar i Salem"),
        ("Ny lag 2025-07-01 om kontaktförbud", "Ny lag 2025-07-01 om kontaktförbud"),
        ("mars 2026: 12 345 fall, 1,5 %", "mars 2026: .. fall, .. %"),
        ("salem_3_fall_2026-10.csv", "salem_.._fall_2026-10.csv"),
        ("2026M03 och 2026 3", "2026M03 och 2026 .."),
        ("0180 Stockholm", ".. Stockholm"),
        ("utan siffror", "utan siffror"),
        ("tre fall i Salem", ".. fall i Salem"),
        ("Three cases in Salem", ".. cases in Salem"),
        ("Tjugotre anmälningar, etthundra samtal", ".. anmälningar, .. samtal"),
        ("twenty-three reports, a dozen calls", ".. reports, a .. calls"),
        ("en kvinna dödades, ett ärende till", ".. kvinna dödades, .. ärende till"),
        ("Sex fall och sjutton offer", ".. fall och .. offer"),
        ("En ny lag om kontaktförbud", "En ny lag om kontaktförbud"),
        ("Tretton/fjorton", "../.."),
        ("sexualbrott, Entré, tiotal, someone", "sexualbrott, Entré, tiotal, someone"),
        ("New sex offences law", "New sex offences law"),
    ],
)
def test_numbers_other_than_dates_are_masked(text, masked):
    assert mask_numbers(text) == masked


def cells(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "indicator_id": ["reported_rape"] * n,
        "area_code": [f"01{i:02d}" for i in range(n)],
        "period": [pd.Timestamp("2026-01-01")] * n,
    }
    return pd.DataFrame(base | columns)


def test_only_a_current_shown_value_is_shown(catalog):
    changes = cells(
        change=["insert", "update", "update", "update"],
        old_value=[np.nan, 40.0, 3.0, 50.0],
        new_value=[3.0, 41.0, 60.0, 2.0],
        old_denominator=[np.nan] * 4,
        new_denominator=[np.nan] * 4,
    )
    # Now: cell 0 hidden, cell 1 shows 41, cell 2 shows 60, cell 3 was revised again to 70.
    current = cells(
        value=[np.nan, 41.0, 60.0, 70.0],
        denominator=[np.nan] * 4,
        suppressed=[True, False, False, False],
    )
    out = protect_changes(changes, current, catalog)
    assert out["new_hidden"].tolist() == [True, False, False, True]
    assert out["old_hidden"].tolist() == [False, True, True, True]  # no old value for an insert
    assert out["new_value"].tolist()[1:3] == [41.0, 60.0]
    assert out[["old_value"]].isna().all().all() and np.isnan(out["new_value"][0])


def test_an_unprotected_indicator_is_left_as_it_is(catalog):
    changes = cells(
        change=["update"],
        old_value=[3.0],
        new_value=[2.0],
        old_denominator=[np.nan],
        new_denominator=[np.nan],
    ).assign(indicator_id="lead_time_days", area_code="STHLM")
    current = changes[["indicator_id", "area_code", "period"]].assign(
        value=9.0, denominator=np.nan, suppressed=False
    )
    out = protect_changes(changes, current, catalog)
    assert not out["old_hidden"].any() and out["old_value"].tolist() == [3.0]


def test_an_indicator_no_longer_in_the_catalog_is_hidden(catalog):
    changes = cells(
        change=["insert"],
        old_value=[np.nan],
        new_value=[40.0],
        old_denominator=[np.nan],
        new_denominator=[np.nan],
    ).assign(indicator_id="retired_indicator")
    # ui/upload_review reads no current value for it: none (another indicator's), or no read.
    current = changes[["indicator_id", "area_code", "period"]].assign(
        indicator_id="reported_rape", value=40.0, denominator=np.nan, suppressed=False
    )
    for now in (current, None):
        out = protect_changes(changes, now, catalog)
        assert out["new_hidden"].tolist() == [True] and np.isnan(out["new_value"][0])

"""Bound reads of observations: filters, and checksums of an indicator's cells from the same read."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ingest.pipeline import ingest_upload
from storage import load_observations, load_observations_with_checksums
from storage.observations import CELL_COLUMNS
from tests.conftest import TODAY


def test_filters_by_indicator_area_and_end(seeded_db):
    rows = load_observations(
        seeded_db,
        indicator_ids=["reported_partner_violence_women", "clearance_rape"],
        area_codes=["STHLM"],
        end=date(2026, 2, 1),
    )
    assert list(zip(rows["indicator_id"], rows["period"].dt.strftime("%Y-%m"), strict=True)) == [
        ("clearance_rape", "2026-01"),
        ("clearance_rape", "2026-02"),
        ("reported_partner_violence_women", "2026-01"),
        ("reported_partner_violence_women", "2026-02"),
    ]
    assert load_observations(seeded_db, indicator_ids=[]).empty


def test_rows_with_checksums_are_the_rows_load_observations_gives(seeded_db):
    filters = dict(indicator_ids=["reported_partner_violence_women"], area_codes=["0180"])
    rows, sums = load_observations_with_checksums(seeded_db, **filters)
    pd.testing.assert_frame_equal(rows, load_observations(seeded_db, **filters))
    assert set(sums) == {"reported_partner_violence_women"}
    count, _ = sums["reported_partner_violence_women"]
    assert count == 4  # every stored cell of the indicator, not only the rows returned


def test_a_checksum_changes_with_any_cell_of_its_indicator_and_only_then(seeded_db):
    ids = ["reported_partner_violence_women", "clearance_rape", "reported_rape"]
    _, before = load_observations_with_checksums(seeded_db, indicator_ids=ids)
    assert before["reported_rape"] == (0, 0)
    _, again = load_observations_with_checksums(seeded_db, indicator_ids=ids, area_codes=["X"])
    assert again == before
    revised = (
        b"indicator_id,period,area_code,value\nreported_partner_violence_women,2026-01,0180,301\n"
    )
    report = ingest_upload(seeded_db, revised, "rev.csv", user="t", today=TODAY)
    assert report.status == "committed", report.errors
    _, after = load_observations_with_checksums(seeded_db, indicator_ids=ids)
    assert after["reported_partner_violence_women"] != before["reported_partner_violence_women"]
    assert after["reported_partner_violence_women"][0] == 4
    assert after["clearance_rape"] == before["clearance_rape"]


def test_cells_only_reads_what_disclosure_control_needs(seeded_db):
    full, sums = load_observations_with_checksums(seeded_db, indicator_ids=["clearance_rape"])
    cells, same = load_observations_with_checksums(
        seeded_db, indicator_ids=["clearance_rape"], cells_only=True
    )
    assert list(cells.columns) == CELL_COLUMNS and same == sums
    pd.testing.assert_frame_equal(cells, full[CELL_COLUMNS])


def _filtered(frame, indicator_ids=None, area_codes=None, start=None, end=None):
    keep = pd.Series(True, index=frame.index)
    if indicator_ids is not None:
        keep &= frame["indicator_id"].isin(indicator_ids)
    if area_codes is not None:
        keep &= frame["area_code"].isin(area_codes)
    if start is not None:
        keep &= frame["period"] >= pd.Timestamp(start)
    if end is not None:
        keep &= frame["period"] <= pd.Timestamp(end)
    return frame[keep].reset_index(drop=True)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"area_codes": ["0180", "STHLM"]},
        {"area_codes": ["STHLM"], "start": date(2026, 2, 1)},
        {"indicator_ids": ["clearance_rape", "reported_partner_violence_women", "clearance_rape"]},
        {"indicator_ids": ["reported_partner_violence_women"], "area_codes": ["STHLM", "0180"]},
        {"start": date(2026, 1, 1), "end": date(2026, 1, 1)},
        {"area_codes": []},
        {"indicator_ids": ["no_such_indicator"]},
    ],
    ids=lambda f: ",".join(f) or "none",
)
def test_every_combination_of_filters_gives_the_rows_a_filter_of_all_rows_gives(seeded_db, filters):
    everything = load_observations(seeded_db)
    assert len(everything) == 7  # tests/fixtures/seed.csv
    got = load_observations(seeded_db, **filters)
    expected = _filtered(everything, **filters)
    # DuckDB gives an empty result's text columns as object, not str: only the columns count.
    pd.testing.assert_frame_equal(got, expected, check_dtype=not expected.empty)


def test_values_never_become_sql(seeded_db):
    assert load_observations(seeded_db, area_codes=["0180' OR '1'='1"]).empty
    assert load_observations(seeded_db, indicator_ids=["x') OR TRUE --"]).empty


def test_columns_reads_only_those_in_their_order(seeded_db):
    full = load_observations(seeded_db, area_codes=["0180"])
    some = load_observations(
        seeded_db, area_codes=["0180"], columns=["status", "indicator_id", "period", "value"]
    )
    assert list(some.columns) == ["indicator_id", "period", "value", "status"]
    pd.testing.assert_frame_equal(some, full[list(some.columns)])
    with pytest.raises(ValueError, match="not an observation column"):
        load_observations(seeded_db, columns=["value", "1; DROP TABLE observations"])

"""Protected reads as a service: the mode follows the user (the public is always protected), no Streamlit."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from auth import User
from ingest.pipeline import ingest_upload
from services.access import protected_view
from services.readings import observations, read_observations
from tests.conftest import TODAY

VIEWER = User("ville", "viewer", local=False)
PUBLIC = User("allmän", "public", local=False)
# Salem (0128) reports 2 rapes in March: a small count that protection hides.
BODY = b"""indicator_id,period,area_code,value
reported_rape,2026-01,0128,9
reported_rape,2026-02,0128,8
reported_rape,2026-03,0128,2
reported_rape,2026-01,STHLM,170
reported_rape,2026-02,STHLM,160
reported_rape,2026-03,STHLM,175
"""


@pytest.fixture
def db(fresh_db, monkeypatch):
    monkeypatch.delenv("LAGESBILD_PUBLIC", raising=False)
    assert ingest_upload(fresh_db, BODY, "s.csv", user="t", today=TODAY).status == "committed"
    return fresh_db


def salem_march(rows: pd.DataFrame) -> pd.Series:
    [cell] = rows[(rows["area_code"] == "0128") & (rows["period"] == "2026-03-01")].to_dict(
        "records"
    )
    return cell


def test_the_public_is_protected_whatever_it_asks_and_a_viewer_chooses(db, catalog):
    assert protected_view(PUBLIC, False) and protected_view(None, False)
    assert not protected_view(VIEWER, False) and protected_view(VIEWER, True)
    ids = ["reported_rape"]
    for user, briefing in ((PUBLIC, False), (PUBLIC, True), (VIEWER, True)):
        cell = salem_march(observations(db, catalog, user, briefing=briefing, indicator_ids=ids))
        assert cell["suppressed"] and math.isnan(cell["value"]), (user.role, briefing)
    full = salem_march(observations(db, catalog, VIEWER, briefing=False, indicator_ids=ids))
    assert full["value"] == 2 and not full["suppressed"]


def test_a_public_deployment_protects_a_viewer_too(db, catalog, monkeypatch):
    monkeypatch.setenv("LAGESBILD_PUBLIC", "1")
    rows = observations(db, catalog, VIEWER, briefing=False, indicator_ids=["reported_rape"])
    assert salem_march(rows)["suppressed"]


def test_a_read_cut_to_an_area_and_month_hides_what_the_whole_indicator_would(db, catalog):
    ids = ["reported_rape"]
    whole = read_observations(db, catalog, protected=True, indicator_ids=ids)
    cut = read_observations(
        db,
        catalog,
        protected=True,
        indicator_ids=ids,
        area_codes=["0128"],
        end=pd.Timestamp("2026-03-01"),
    )
    expected = whole[whole["area_code"] == "0128"].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut.reset_index(drop=True), expected)
    assert cut["suppressed"].any()


def test_year_totals_read_as_the_stored_release_decided_them(fresh_db, catalog):
    """A complete year of Salem and the county: Salem's single small month would be given away
    by its year total beside the shown months, so the stored release either hides that total or
    hides another of Salem's months with it (which one depends on the database's key); the
    county's total shows unless the key drew a county month as a decoy (about one key in seven).
    Then the release hides the total with it, or seldom a second county month instead (1 of 60
    fresh keys here: two hidden months beside a shown total give only their sum away).
    Unprotected, both show; an incomplete year has no total at all."""
    from services.readings import read_year_totals
    from storage import load_release

    lines = ["indicator_id,period,area_code,value"]
    for m in range(1, 13):
        lines.append(f"reported_rape,2025-{m:02d},0128,{2 if m == 3 else 9}")
        lines.append(f"reported_rape,2025-{m:02d},STHLM,{170 + m}")
    lines.append("reported_rape,2026-01,0128,9")
    body = ("\n".join(lines) + "\n").encode()
    report = ingest_upload(fresh_db, body, "y.csv", user="t", today=TODAY, confirm_warnings=True)
    assert report.status == "committed", report.errors
    release = load_release(fresh_db, "reported_rape")
    assert release.year_totals
    salem = release.hidden[release.hidden["area_code"] == "0128"]
    total_hidden = bool((salem["months"] == 12).any())
    months_2025 = salem[(salem["months"] == 1) & (salem["period"].dt.year == 2025)]
    assert "2025-03-01" in set(months_2025["period"].dt.strftime("%Y-%m-%d"))
    assert total_hidden or len(months_2025) >= 2  # the total never pins March alone
    protected = read_year_totals(fresh_db, catalog, protected=True, indicator_id="reported_rape")
    assert set(protected["year"]) == {2025}
    shown = protected.set_index("area_code")
    assert bool(shown.loc["0128", "suppressed"]) == total_hidden
    if total_hidden:
        assert math.isnan(shown.loc["0128", "value"])
    else:
        assert shown.loc["0128", "value"] == 11 * 9 + 2
    county = release.hidden[release.hidden["area_code"] == "STHLM"]
    county_months_hidden = int((county["months"] == 1).sum())
    county_total_hidden = bool((county["months"] == 12).any())
    assert bool(shown.loc["STHLM", "suppressed"]) == county_total_hidden
    if county_total_hidden:
        assert county_months_hidden >= 1  # hidden with a hidden month, never alone
    else:
        assert county_months_hidden != 1  # a shown total never pins a single hidden month
        assert shown.loc["STHLM", "value"] == sum(170 + m for m in range(1, 13))
    open_ = read_year_totals(fresh_db, catalog, protected=False, indicator_id="reported_rape")
    assert open_.set_index("area_code").loc["0128", "value"] == 11 * 9 + 2
    assert not open_["suppressed"].any()


def test_a_stored_release_is_applied_without_reading_the_rows(fresh_db, catalog, monkeypatch):
    # The usual case (issue 15): the writer stored a release on exactly these cells; applying
    # it needs the areas only, and hides what the release read with every row hides.
    import services.readings as readings
    from storage import load_observations_with_checksums

    lines = ["indicator_id,period,area_code,value"] + [
        f"reported_rape,2025-{m:02d},{area},{value}"
        for m in range(1, 13)
        for area, value in (("0128", 2 if m == 3 else 9), ("STHLM", 170 + m), ("0180", 60 + m))
    ]
    body = ("\n".join(lines) + "\n").encode()
    db = fresh_db
    report = ingest_upload(db, body, "y.csv", user="t", today=TODAY, confirm_warnings=True)
    assert report.status == "committed", report.errors

    rows, sums = load_observations_with_checksums(db, indicator_ids=["reported_rape"])
    expected = readings.release_decision(
        db, catalog, "reported_rape", rows[readings.CELL_COLUMNS], sums["reported_rape"]
    )
    monkeypatch.setattr(readings, "load_observations_with_checksums", None)  # not called
    got = readings.current_decision(db, catalog, "reported_rape", sums["reported_rape"])
    assert got.areas == expected.areas and got.years == expected.years
    assert list(got.keys) == list(expected.keys) and list(got.primary) == list(expected.primary)
    monkeypatch.undo()
    with pytest.raises(readings.StoredCellsChanged):  # cells not those the release was taken on
        readings.current_decision(db, catalog, "reported_rape", (0, 0))


def test_a_protected_read_hashes_no_cells(db, catalog, monkeypatch):
    """A protected read checks the stored releases of what it protects, and hashes no cells: not
    those of an indicator disclosure control leaves alone (nothing to check), nor those of one
    whose current release vouches for them (schema 11)."""
    from metrics.disclosure import protects
    from storage import observations as stored

    body = b"indicator_id,period,area_code,value\nlead_time_days,2026-01,STHLM,3\n"
    assert ingest_upload(db, body, "m.csv", user="t", today=TODAY).status == "committed"
    assert not protects(catalog.indicator("lead_time_days"))
    hashed = []
    real = stored.checksums
    monkeypatch.setattr(stored, "checksums", lambda con, ids: hashed.extend(ids) or real(con, ids))
    rows = read_observations(
        db, catalog, protected=True, indicator_ids=["reported_rape", "lead_time_days"]
    )
    assert set(rows["indicator_id"]) == {"reported_rape", "lead_time_days"}
    assert salem_march(rows)["suppressed"]
    assert hashed == []

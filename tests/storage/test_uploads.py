"""Uploads are committed whole, re-uploads change nothing, revisions keep old values, undo is exact."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.pipeline import ingest_upload
from metrics.catalog import load_catalog
from storage import (
    UndoConflict,
    UndoError,
    list_uploads,
    load_observations,
    undo_upload,
    upload_changes,
)
from tests.conftest import FIXTURES, TODAY

SEED = (FIXTURES / "seed.csv").read_bytes()


def ingest(db, data: bytes, name="f.csv", **kw):
    return ingest_upload(db, data, name, user="analytiker", today=TODAY, **kw)


def snapshot(db) -> pd.DataFrame:
    return load_observations(db).drop(columns="upload_id").reset_index(drop=True)


def test_seed_is_stored_with_types(seeded_db):
    obs = load_observations(seeded_db)
    assert len(obs) == 7
    row = obs[(obs.indicator_id == "clearance_rape") & (obs.period == "2026-01-01")].iloc[0]
    assert (row.value, row.denominator, row.status) == (14.0, 120.0, "final")
    assert pd.isna(obs[obs.indicator_id == "lead_time_days"].denominator.iloc[0])


def test_reupload_of_the_same_file_changes_nothing(seeded_db):
    before = snapshot(seeded_db)
    report = ingest(seeded_db, SEED, "seed.csv")
    assert report.status == "committed"
    assert (report.upload_id, report.inserted, report.updated, report.unchanged) == (None, 0, 0, 7)
    pd.testing.assert_frame_equal(snapshot(seeded_db), before)
    assert len(list_uploads(seeded_db)) == 1


def test_revision_is_reported_and_keeps_the_old_value(seeded_db):
    revised = SEED.replace(b"2026-03,STHLM,755,,preliminary", b"2026-03,STHLM,760,,final")
    report = ingest(seeded_db, revised, "rev.csv")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)
    [rev] = report.diff.revisions.itertuples()
    assert (rev.indicator_id, rev.old_value, rev.new_value, rev.old_status, rev.new_status) == (
        "reported_partner_violence_women",
        755.0,
        760.0,
        "preliminary",
        "final",
    )
    changes = upload_changes(seeded_db, report.upload_id)
    assert list(changes["old_value"]) == [755.0] and list(changes["new_value"]) == [760.0]


def test_dry_run_stores_nothing(seeded_db):
    before = snapshot(seeded_db)
    body = b"indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,170\n"
    report = ingest(seeded_db, body, dry_run=True)
    assert (report.status, report.inserted) == ("dry_run", 1)
    pd.testing.assert_frame_equal(snapshot(seeded_db), before)


def test_rejected_file_stores_nothing(seeded_db):
    before = snapshot(seeded_db)
    body = b"indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,170\nreported_rape,2026-04,STHLM,-1\n"
    report = ingest(seeded_db, body)
    assert report.status == "rejected" and report.upload_id is None
    pd.testing.assert_frame_equal(snapshot(seeded_db), before)


def test_undo_restores_exactly_what_was_there(seeded_db):
    before = snapshot(seeded_db)
    body = (
        b"indicator_id,period,area_code,value,status\n"
        b"reported_partner_violence_women,2026-03,STHLM,760,final\n"
        b"reported_rape,2026-03,STHLM,170,final\n"
    )
    report = ingest(seeded_db, body)
    assert (report.inserted, report.updated) == (1, 1)
    assert undo_upload(seeded_db, report.upload_id, user="analytiker") == 2
    pd.testing.assert_frame_equal(snapshot(seeded_db), before)
    uploads = list_uploads(seeded_db).set_index("upload_id")
    assert uploads.loc[report.upload_id, "undone_by"] == "analytiker"
    with pytest.raises(UndoError, match="redan ångrad"):
        undo_upload(seeded_db, report.upload_id, user="analytiker")


def test_undo_refuses_when_a_later_upload_touched_the_same_cells(seeded_db):
    first = ingest(
        seeded_db, b"indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,170\n"
    )
    second = ingest(
        seeded_db, b"indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,171\n"
    )
    with pytest.raises(UndoConflict) as raised:
        undo_upload(seeded_db, first.upload_id, user="a")
    assert raised.value.later_uploads == [second.upload_id]
    assert f"Ångra #{second.upload_id} först" in str(raised.value)
    # In order it works, and ends where we started.
    undo_upload(seeded_db, second.upload_id, user="a")
    undo_upload(seeded_db, first.upload_id, user="a")
    assert load_observations(seeded_db, indicator_ids=["reported_rape"]).empty


def test_undo_of_unknown_upload(seeded_db):
    with pytest.raises(UndoError, match="ingen uppladdning #99"):
        undo_upload(seeded_db, 99, user="a")


def test_filters(seeded_db):
    obs = load_observations(
        seeded_db, indicator_ids=["reported_partner_violence_women"], area_codes=["STHLM"]
    )
    assert list(obs["value"]) == [740.0, 701.0, 755.0]
    obs = load_observations(
        seeded_db, start=pd.Timestamp("2026-02-01").date(), end=pd.Timestamp("2026-02-01").date()
    )
    assert set(obs["period"]) == {pd.Timestamp("2026-02-01")}


def test_ensure_is_idempotent_and_versions_the_schema(fresh_db):
    from storage.schema import SCHEMA_VERSION, current_version

    fresh_db.ensure()
    with fresh_db.reading() as con:
        assert current_version(con) == SCHEMA_VERSION
        catalog = load_catalog()  # the counts are the catalog's
        assert con.execute("SELECT count(*) FROM indicators").fetchall()[0][0] == len(
            catalog.indicators
        )
        assert con.execute("SELECT count(*) FROM areas").fetchall()[0][0] == len(catalog.areas)

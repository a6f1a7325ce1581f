"""A final value that replaces a preliminary one is a revision: counted as updated, old status kept."""

from __future__ import annotations

from ingest.pipeline import ingest_upload
from storage import cell_history, load_observations, undo_upload, upload_changes
from tests.conftest import FIXTURES, TODAY

SEED = (FIXTURES / "seed.csv").read_bytes()
PRELIMINARY = b"2026-03,STHLM,755,,preliminary"


def ingest(db, data: bytes, name: str):
    report = ingest_upload(db, data, name, user="analytiker", today=TODAY)
    assert report.status == "committed", report.errors
    return report


def stored(db, indicator_id: str, month: str):
    obs = load_observations(db, indicator_ids=[indicator_id], area_codes=["STHLM"])
    return obs[obs["period"] == f"{month}-01"].iloc[0]


def test_the_same_value_made_final_is_an_update_with_old_status_preliminary(seeded_db):
    assert PRELIMINARY in SEED
    report = ingest(seeded_db, SEED.replace(PRELIMINARY, b"2026-03,STHLM,755,,final"), "final.csv")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)
    [revision] = report.diff.revisions.itertuples()
    assert (revision.old_status, revision.new_status) == ("preliminary", "final")
    assert revision.old_value == revision.new_value == 755.0
    assert stored(seeded_db, "reported_partner_violence_women", "2026-03")["status"] == "final"

    [history] = cell_history(seeded_db, "reported_partner_violence_women", "STHLM").itertuples()
    assert (history.old_status, history.new_status) == ("preliminary", "final")
    [change] = upload_changes(seeded_db, report.upload_id).itertuples()
    assert (change.change, change.old_status) == ("update", "preliminary")

    undo_upload(seeded_db, report.upload_id, user="analytiker")
    assert stored(seeded_db, "reported_partner_violence_women", "2026-03")["status"] == (
        "preliminary"
    )


def test_a_bra_file_frozen_as_final_revises_its_preliminary_months(fresh_db):
    header = "Region;Brott;År;Period;Antal;/100 000 inv\r\n"
    row = "Region Stockholm;Våldtäkt inkl. grov;{year};Aug;{value};8;\r\n"
    preliminary = (header + row.format(year="2026 prel.", value=198)).encode("cp1252")
    final = (header + row.format(year="2026", value=199)).encode("cp1252")
    ingest(fresh_db, preliminary, "Databasfil.txt")
    assert stored(fresh_db, "reported_rape", "2026-08")["status"] == "preliminary"

    report = ingest(fresh_db, final, "Databasfil.txt")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    [revision] = report.diff.revisions.itertuples()
    assert (revision.old_value, revision.new_value) == (198.0, 199.0)
    assert (revision.old_status, revision.new_status) == ("preliminary", "final")
    assert stored(fresh_db, "reported_rape", "2026-08")["status"] == "final"

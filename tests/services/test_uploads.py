"""The upload workflow as a service: preview, commit, undo and history, analysts only, no Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from auth import AccessDenied, User
from services.uploads import (
    commit_upload,
    preview_upload,
    undo_upload,
    upload_changes,
    uploads,
)
from storage import UndoError, count_observations, load_observations
from tests.conftest import FIXTURES, TODAY

ANALYST = User("eva", "analyst", local=False)
ADMIN = User("ada", "admin", local=False)
VIEWER = User("ville", "viewer", local=False)
PUBLIC = User("allmän", "public", local=False)

SEED = (FIXTURES / "seed.csv").read_bytes()
REVISED = (
    b"indicator_id;period;area_code;value\n"
    b"reported_partner_violence_women;2026-01;STHLM;741\n"
    b"reported_partner_violence_women;2026-04;STHLM;760\n"
)


def test_preview_counts_new_and_revised_values_and_stores_nothing(seeded_db, catalog):
    preview = preview_upload(seeded_db, catalog, ANALYST, REVISED, "rev.csv", today=TODAY)
    assert preview.ok and (preview.inserted, preview.updated, preview.unchanged) == (1, 1, 0)
    [revision] = preview.revisions.to_dict("records")
    assert (revision["old_value"], revision["new_value"]) == (740, 741)
    [new] = preview.new_values.to_dict("records")
    assert (new["indicator_id"], new["first"], new["values"]) == (
        "reported_partner_violence_women",
        pd.Timestamp("2026-04-01"),
        1,
    )
    assert count_observations(seeded_db) == 7  # the seed only


def test_preview_of_a_bad_file_lists_its_problems_as_the_analyst_sees_them(fresh_db, catalog):
    body = "indikator;månad;område;värde\nokänd_indikator;2026-01;STHLM;3\n".encode()
    preview = preview_upload(fresh_db, catalog, ANALYST, body, "fel.csv", today=TODAY)
    assert not preview.ok and preview.to_store == 0
    [error] = preview.errors.to_dict("records")
    assert (error["row"], error["column"], error["header"]) == (2, "indicator_id", "indikator")
    assert "okänd_indikator" in error["value"]
    # The page shows the problem and how the file was read in the reader's language.
    assert error["message_sv"] == error["message"] and error["message_en"] != error["message"]
    assert error["message_en"].startswith("Unknown indicator")
    assert preview.dialect_in("sv") == preview.dialect != preview.dialect_in("en")


def test_commit_then_undo_as_an_analyst_restores_the_store(seeded_db, catalog):
    before = load_observations(seeded_db)
    report = commit_upload(seeded_db, catalog, ANALYST, REVISED, "rev.csv", today=TODAY)
    assert report.status == "committed" and (report.inserted, report.updated) == (1, 1)
    history = uploads(seeded_db, ANALYST)
    assert list(history["upload_id"]) == [report.upload_id, 1]
    assert history["user_name"].iloc[0] == "eva"
    changed = upload_changes(seeded_db, ANALYST, report.upload_id)
    assert sorted(changed["change"]) == ["insert", "update"]

    assert undo_upload(seeded_db, catalog, ADMIN, report.upload_id) == 2
    after = load_observations(seeded_db)
    pd.testing.assert_frame_equal(
        after[["indicator_id", "area_code", "period", "value"]],
        before[["indicator_id", "area_code", "period", "value"]],
    )
    assert uploads(seeded_db, ANALYST)["undone_by"].iloc[0] == "ada"
    with pytest.raises(UndoError):
        undo_upload(seeded_db, catalog, ANALYST, report.upload_id)


def test_the_same_file_again_stores_no_new_upload(fresh_db, catalog):
    assert commit_upload(fresh_db, catalog, ANALYST, SEED, "seed.csv", today=TODAY).upload_id
    again = commit_upload(fresh_db, catalog, ANALYST, SEED, "seed.csv", today=TODAY)
    assert again.status == "committed" and again.upload_id is None and again.unchanged == 7
    assert len(uploads(fresh_db, ANALYST)) == 1


def test_a_dry_run_reports_and_stores_nothing(fresh_db, catalog):
    report = commit_upload(fresh_db, catalog, ANALYST, SEED, "s.csv", dry_run=True, today=TODAY)
    assert (report.status, report.inserted) == ("dry_run", 7)
    assert count_observations(fresh_db) == 0


@pytest.mark.parametrize("user", [VIEWER, PUBLIC], ids=lambda u: u.role)
def test_below_analyst_every_operation_is_refused_in_swedish_and_nothing_changes(
    seeded_db, catalog, user
):
    calls = [
        lambda: preview_upload(seeded_db, catalog, user, REVISED, "rev.csv", today=TODAY),
        lambda: commit_upload(seeded_db, catalog, user, REVISED, "rev.csv", today=TODAY),
        lambda: undo_upload(seeded_db, catalog, user, 1),
        lambda: uploads(seeded_db, user),
        lambda: upload_changes(seeded_db, user, 1),
    ]
    for call in calls:
        with pytest.raises(AccessDenied, match="saknar behörighet: kräver analyst"):
            call()
    assert count_observations(seeded_db) == 7
    assert uploads(seeded_db, ANALYST)["undone_at"].isna().all()


def test_a_workbooks_sheets_are_listed_in_order_and_other_files_have_none():
    from services.uploads import workbook_sheets

    assert workbook_sheets((FIXTURES / "tva_blad.xlsx").read_bytes(), "b.xlsx") == ("Mars", "April")
    assert workbook_sheets((FIXTURES / "seed.xlsx").read_bytes(), "seed.xlsx") == ("seed",)
    assert workbook_sheets(SEED, "seed.csv") == ()
    assert workbook_sheets((FIXTURES / "seed_krypterad.xlsx").read_bytes(), "k.xlsx") == ()

"""SCB population imports as uploads: preview, commit, undo (restoring the replaced figures
exactly), the history, the rates' data versions and the role check, without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from auth import AccessDenied, User
from demo.load import store_demo_population
from services.population import (
    import_population,
    population_changes,
    preview_population,
    undo_population_import,
)
from services.uploads import undo_upload, upload_changes, uploads
from storage import UndoConflict, UndoError, audit_log
from storage.population import load_population
from storage.versions import read_versions
from tests.conftest import FIXTURES

ANALYST = User("eva", "analyst", local=False)
VIEWER = User("ville", "viewer", local=False)
CSV_2017 = (FIXTURES / "scb_folkmangd_2017.csv").read_bytes()
AGES = (FIXTURES / "scb_alder_kon_testdata.csv").read_bytes()  # Salem 2017 by sex and age


def snapshot(db) -> pd.DataFrame:
    return load_population(db).sort_values(
        ["area_code", "year", "sex", "age_band"], ignore_index=True
    )


def test_a_preview_lists_what_would_change_and_stores_nothing(fresh_db, catalog):
    import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    before = snapshot(fresh_db)
    preview = preview_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")
    assert preview.ok and (preview.inserted, preview.updated) == (8, 1)
    assert preview.upload_id is None and not preview.stored
    rows = preview.changes.set_index(["area_code", "year", "sex", "age_band"])
    assert rows.loc[("0128", 2017, "all", "all"), ["change", "old", "new"]].tolist() == [
        "update",
        16_665,
        17_808,
    ]
    added = rows.loc[("0128", 2017, "women", "18+")]
    assert added["change"] == "insert" and pd.isna(added["old"]) and added["new"] == 82 * 88 + 5
    pd.testing.assert_frame_equal(snapshot(fresh_db), before)


def test_commit_is_an_upload_and_undo_restores_the_replaced_rows_exactly(fresh_db, catalog):
    store_demo_population(fresh_db, catalog, 2018)  # demo estimates: what the import replaces
    before = snapshot(fresh_db)
    result = import_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")
    assert result.stored and result.upload_id is not None
    assert result.updated >= 2 and result.replaced_estimates >= 2
    [listed] = uploads(fresh_db, ANALYST).to_dict("records")
    assert (listed["upload_id"], listed["file_name"], listed["user_name"]) == (
        result.upload_id,
        "alder.csv",
        "eva",
    )
    assert (listed["inserted"], listed["updated"]) == (result.inserted, result.updated)
    entry = audit_log(fresh_db).iloc[0]
    assert (
        entry["action"] == "population_import"
        and f'"upload_id": {result.upload_id}' in entry["detail"]
    )
    changed = population_changes(fresh_db, ANALYST, result.upload_id)
    assert len(changed) == result.to_store and set(changed["area_code"]) == {"0128"}
    assert upload_changes(fresh_db, ANALYST, result.upload_id).empty  # no indicator cell changed
    assert not snapshot(fresh_db).equals(before)

    restored = undo_upload(fresh_db, catalog, ANALYST, result.upload_id)  # as the history page
    assert restored == result.to_store
    pd.testing.assert_frame_equal(snapshot(fresh_db), before)  # estimates, sources and all
    assert uploads(fresh_db, ANALYST)["undone_by"].iloc[0] == "eva"
    assert audit_log(fresh_db).iloc[0]["action"] == "undo"
    with pytest.raises(UndoError, match="redan ångrad"):
        undo_upload(fresh_db, catalog, ANALYST, result.upload_id)


def test_undo_removes_the_rows_an_import_added(fresh_db, catalog):
    result = import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    assert result.inserted == 26
    assert undo_population_import(fresh_db, catalog, ANALYST, result.upload_id) == 26
    assert load_population(fresh_db).empty


def test_a_later_import_of_the_same_rows_must_be_undone_first(fresh_db, catalog):
    first = import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    second = import_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")  # Salem again
    with pytest.raises(UndoConflict) as refused:
        undo_upload(fresh_db, catalog, ANALYST, first.upload_id)
    assert refused.value.later_uploads == [second.upload_id]
    assert f"Ångra #{second.upload_id} först" in str(refused.value)
    undo_upload(fresh_db, catalog, ANALYST, second.upload_id)
    undo_upload(fresh_db, catalog, ANALYST, first.upload_id)
    assert load_population(fresh_db).empty


def test_an_import_changing_nothing_stores_no_upload(fresh_db, catalog):
    import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    again = import_population(fresh_db, catalog, ANALYST, CSV_2017, "igen.csv")
    assert again.ok and not again.stored and again.upload_id is None and again.unchanged == 26
    assert len(uploads(fresh_db, ANALYST)) == 1


def test_an_import_and_its_undo_move_the_rates_data_versions(seeded_db, catalog):
    # seed.csv holds a count (drawn per 100 000) and a proportion (not): only the count moves.
    before = read_versions(seeded_db).pairs
    result = import_population(seeded_db, catalog, ANALYST, CSV_2017, "2017.csv")
    after = read_versions(seeded_db).pairs
    moved = {pair for pair in after if after[pair] != before.get(pair)}
    kinds = {catalog.indicator(i).kind for i, _ in moved}
    assert moved and kinds <= {"count", "stock"}
    assert {pair for pair in before if catalog.indicator(pair[0]).kind == "count"} <= moved
    undo_upload(seeded_db, catalog, ANALYST, result.upload_id)
    undone = read_versions(seeded_db).pairs
    assert all(undone[pair] > after[pair] for pair in moved)


def test_below_analyst_nothing_is_previewed_stored_or_undone(fresh_db, catalog):
    result = import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    for attempt in (
        lambda: preview_population(fresh_db, catalog, VIEWER, CSV_2017, "f.csv"),
        lambda: import_population(fresh_db, catalog, VIEWER, AGES, "f.csv"),
        lambda: undo_population_import(fresh_db, catalog, VIEWER, result.upload_id),
        lambda: undo_upload(fresh_db, catalog, VIEWER, result.upload_id),
        lambda: population_changes(fresh_db, VIEWER, result.upload_id),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    assert len(load_population(fresh_db)) == 26


def test_the_cells_undo_refuses_a_population_import(fresh_db, catalog):
    from storage import undo_upload as undo_cells

    result = import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    with pytest.raises(UndoError, match="befolkningstabell"):
        undo_cells(fresh_db, result.upload_id, user="eva")
    assert (
        len(load_population(fresh_db)) == 26
        and uploads(fresh_db, ANALYST)["undone_at"].isna().all()
    )

"""SCB population through the command line: ingest stores it as an upload, `uploads` lists it,
`undo` puts the population table back (the same services as the upload and history pages)."""

from __future__ import annotations

import json

from storage import open_database
from storage.population import load_population
from tests.cli.test_manage import db_path, manage  # noqa: F401 - the fixture
from tests.conftest import FIXTURES

SCB_JSON = str(FIXTURES / "scb_folkmangd_2024.json")


def test_population_is_ingested_listed_and_undone(db_path):  # noqa: F811 - the fixture
    dry = json.loads(manage("ingest", SCB_JSON, "--dry-run", "--json", db=db_path).stdout)
    assert (dry["status"], dry["upload_id"], dry["inserted"]) == ("dry_run", None, 8)
    assert load_population(open_database(db_path)).empty

    done = manage("ingest", SCB_JSON, "--json", "--user", "eva", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["status"], report["upload_id"], report["target"]) == (
        "committed",
        1,
        "population",
    )
    listed = json.loads(manage("uploads", "--json", db=db_path).stdout)
    assert [(u["upload_id"], u["user_name"], u["inserted"]) for u in listed] == [(1, "eva", 8)]
    assert len(load_population(open_database(db_path))) == 8

    undone = manage("undo", "1", db=db_path)
    assert undone.returncode == 0, undone.stderr.decode()
    assert "Uppladdning #1 är ångrad: 8 värden återställda." in undone.stdout.decode()
    assert load_population(open_database(db_path)).empty
    again = manage("undo", "1", db=db_path)
    assert again.returncode == 1 and "redan ångrad" in again.stderr.decode()


def test_the_text_report_names_the_upload(db_path):  # noqa: F811 - the fixture
    done = manage("ingest", SCB_JSON, "--user", "eva", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "Befolkningen sparad som uppladdning #1 (8 nya" in done.stdout.decode()

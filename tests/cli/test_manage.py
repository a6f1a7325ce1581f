"""The command line as automation uses it: exit codes, the --json report, export, undo, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, db: Path, env: dict | None = None, input_bytes: bytes | None = None):
    full_env = {**os.environ, "LAGESBILD_BUSY_TIMEOUT": "5", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args, "--db", str(db)],
        capture_output=True,
        cwd=ROOT,
        env=full_env,
        input=input_bytes,
        timeout=120,
    )


@pytest.fixture
def db_path(tmp_path):
    """An empty database made on purpose (`manage.py init` does the same): no command creates one."""
    from storage import open_database

    path = tmp_path / "cli.duckdb"
    open_database(path).create()
    return path


def test_ingest_json_report_and_exit_codes(db_path, tmp_path):
    done = manage("ingest", str(FIXTURES / "seed.csv"), "--json", "--user", "eva", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert {
        k: report[k]
        for k in ("status", "upload_id", "rows", "inserted", "updated", "unchanged", "errors")
    } == {
        "status": "committed",
        "upload_id": 1,
        "rows": 7,
        "inserted": 7,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }

    again = json.loads(manage("ingest", str(FIXTURES / "seed.csv"), "--json", db=db_path).stdout)
    assert (again["status"], again["upload_id"], again["unchanged"]) == ("committed", None, 7)

    bad = manage("ingest", str(FIXTURES / "broken.csv"), "--json", db=db_path)
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["status"] == "rejected" and report["upload_id"] is None
    first = report["errors"][0]
    assert set(first) == {"row", "column", "value", "message"}
    assert (first["row"], first["column"], first["value"]) == (2, "indicator_id", "reported_rapes")


def test_dry_run_passes_with_exit_0_and_stores_nothing(db_path):
    dry = manage("ingest", str(FIXTURES / "seed.csv"), "--dry-run", "--json", db=db_path)
    assert dry.returncode == 0
    assert json.loads(dry.stdout)["status"] == "dry_run"
    uploads = json.loads(manage("uploads", "--json", db=db_path).stdout)
    assert uploads == []


def test_unreadable_file_and_bad_arguments_exit_2(db_path, tmp_path):
    missing = manage("ingest", str(tmp_path / "finns-inte.csv"), db=db_path)
    assert missing.returncode == 2 and "Filen kunde inte läsas" in missing.stderr.decode()
    assert manage("undo", "inte-ett-tal", db=db_path).returncode == 2
    assert manage("export", "--indicator", "okand", db=db_path).returncode == 2


def test_excel_trailing_cells_are_accepted_by_the_command_line(db_path, tmp_path):
    # The reproduction: a trailing ";" (and a row missing its trailing empty cells).
    csv = tmp_path / "t.csv"
    csv.write_bytes(
        "indikator;månad;område;värde;kommentar\n"
        "reported_partner_violence_women;2026-10;0180;5;;\n"
        "reported_partner_violence_women;2026-09;0180;4\n".encode()
    )
    done = manage("ingest", str(csv), "--json", "--dry-run", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["status"], report["rows"], report["errors"]) == ("dry_run", 2, [])


def test_anything_unexpected_exits_2_with_json_naming_the_whole_file(db_path, monkeypatch, capsys):
    import manage as cli
    import services.uploads

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(services.uploads, "ingest_upload", broken)
    code = cli.main(["ingest", str(FIXTURES / "seed.csv"), "--json", "--db", str(db_path)])
    out = capsys.readouterr()
    assert code == 2
    report = json.loads(out.out)
    assert report["status"] == "failed" and report["upload_id"] is None
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (None, None)
    assert (
        "oväntat fel (ValueError)" in error["message"] and "Inget har sparats" in error["message"]
    )
    assert "Traceback" not in out.err and "a bug" not in out.out


def test_an_unreadable_file_under_json_still_prints_json(db_path, tmp_path):
    missing = manage("ingest", str(tmp_path / "finns-inte.csv"), "--json", db=db_path)
    assert missing.returncode == 2
    report = json.loads(missing.stdout)
    assert report["status"] == "failed"
    assert report["errors"][0]["message"].startswith("Filen kunde inte läsas")


def test_human_readable_rejection_names_rows(db_path):
    bad = manage("ingest", str(FIXTURES / "broken.csv"), db=db_path)
    out = bad.stdout.decode()
    assert "Avvisad: 11 fel. Inget har sparats." in out
    assert "rad 3, kolumn period, värde ”2027-01”: Månaden januari 2027 har inte börjat än." in out


def test_undo_and_uploads(db_path, tmp_path):
    manage("ingest", str(FIXTURES / "seed.csv"), db=db_path)
    rev = tmp_path / "rev.csv"
    rev.write_bytes(
        b"indicator_id,period,area_code,value\nreported_partner_violence_women,2026-01,STHLM,745\n"
    )
    out = manage("ingest", str(rev), db=db_path).stdout.decode()
    assert "Sparad som uppladdning #2 (0 nya, 1 reviderade, 0 oförändrade)." in out
    assert "reported_partner_violence_women STHLM 2026-01: 740 → 745" in out
    assert manage("undo", "1", db=db_path).returncode == 1  # #2 changed one of #1's cells
    done = manage("undo", "2", db=db_path)
    assert done.returncode == 0 and "återställda" in done.stdout.decode()
    listing = manage("uploads", db=db_path).stdout.decode()
    assert "#2" in listing and "ångrad" in listing


def test_export_is_canonical_and_safe_for_excel(db_path, tmp_path):
    body = 'indicator_id,period,area_code,value,note\nreported_rape,2026-03,STHLM,170,=HYPERLINK("x")\n'
    f = tmp_path / "f.csv"
    f.write_text(body)
    manage("ingest", str(f), db=db_path)
    out = manage("export", db=db_path).stdout
    assert out.startswith(b"\xef\xbb\xbf")
    text = out.decode("utf-8-sig")
    assert text.splitlines()[0] == "indicator_id;period;area_code;value;denominator;status;note"
    assert text.splitlines()[1] == 'reported_rape;2026-03;STHLM;170;;final;"\'=HYPERLINK(""x"")"'
    target = tmp_path / "ut.csv"
    manage("export", "--indicator", "reported_rape", "--out", str(target), db=db_path)
    assert target.read_bytes() == out
    # What we export reads back through the ingest unchanged.
    again = json.loads(manage("ingest", str(target), "--json", db=db_path).stdout)
    assert (again["updated"], again["inserted"]) == (0, 0)


def test_database_path_from_environment(tmp_path):
    target = tmp_path / "env.duckdb"
    assert manage("init", db=target).returncode == 0
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "ingest", str(FIXTURES / "seed.csv")],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "LAGESBILD_DB": str(target)},
        timeout=60,
    )
    assert done.returncode == 0 and target.exists()


def test_a_missing_database_is_an_error_for_every_command_and_is_not_created(tmp_path):
    """A typo in --db/LAGESBILD_DB used to give an empty new database ("no data", as if all were
    lost); now every command says which file is missing, exits 2 and creates nothing."""
    missing = tmp_path / "stavfel" / "lagesbild.duckdb"
    seed = str(FIXTURES / "seed.csv")
    for args in (
        ("ingest", seed),
        ("ingest", seed, "--dry-run"),
        ("uploads",),
        ("undo", "1"),
        ("export",),
        ("reporting",),
        ("process-changes",),
        ("backup", "--out", str(tmp_path / "kopior")),
    ):
        done = manage(*args, db=missing)
        assert done.returncode == 2, (args, done.stderr.decode())
        err = done.stderr.decode()
        assert f"Databasen {missing} finns inte" in err and "manage.py init" in err, args
        assert "Traceback" not in err
        assert not missing.exists() and not missing.parent.exists(), args
    under_json = manage("ingest", seed, "--json", db=missing)
    report = json.loads(under_json.stdout)
    assert (under_json.returncode, report["status"]) == (2, "failed")
    assert report["errors"][0]["row"] is None
    assert str(missing) in report["errors"][0]["message"]
    assert not missing.exists()


def test_init_creates_an_empty_database_once(tmp_path):
    from storage import count_observations, open_database
    from storage.schema import SCHEMA_VERSION, current_version

    path = tmp_path / "ny" / "lagesbild.duckdb"
    made = manage("init", db=path)
    assert made.returncode == 0 and "Skapade en tom databas" in made.stdout.decode()
    db = open_database(path)
    with db.reading() as con:
        assert current_version(con) == SCHEMA_VERSION
    assert count_observations(db) == 0
    assert manage("ingest", str(FIXTURES / "seed.csv"), db=path).returncode == 0
    again = manage("init", db=path)
    assert again.returncode == 0 and "finns redan" in again.stdout.decode()
    assert count_observations(db) == 7  # nothing lost


def test_demo_if_missing_gives_an_older_demo_database_its_population(demo_copy):
    """A demo database made before the population table gets the demo population once."""
    import duckdb

    from storage import open_database
    from storage.population import load_population

    path = demo_copy("old_demo")
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM population")
    done = manage("demo", "--if-missing", db=path)
    assert done.returncode == 0, done.stderr
    assert "Demobefolkningen lades till" in done.stdout.decode()
    population = load_population(open_database(path))
    assert not population.empty and population["year"].max() == 2025
    again = manage("demo", "--if-missing", db=path)
    assert "Demobefolkningen" not in again.stdout.decode()


def test_ingest_reads_a_named_sheet_of_a_workbook_and_refuses_an_encrypted_one(db_path):
    workbook = str(FIXTURES / "flera_blad.xlsx")
    done = manage("ingest", workbook, "--sheet", "Data", "--json", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["status"], report["inserted"], report["file"]["sheet"]) == (
        "committed",
        2,
        "Data",
    )
    missing = manage("ingest", workbook, "--sheet", "Saknas", "--json", db=db_path)
    assert missing.returncode == 1
    assert "inget blad som heter ”Saknas”" in json.loads(missing.stdout)["errors"][0]["message"]
    encrypted = manage("ingest", str(FIXTURES / "seed_krypterad.xlsx"), db=db_path)
    assert encrypted.returncode == 1
    assert "Arbetsboken är krypterad" in encrypted.stdout.decode()

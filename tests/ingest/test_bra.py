"""BRÅ SOL exports ("Databasfil.txt") are recognised by their header and read through the catalog's mapping."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ingest import bra
from ingest.pipeline import check_upload, ingest_upload
from ingest.reader import read_upload
from storage import list_uploads, load_observations
from tests.conftest import FIXTURES, TODAY

ROOT = Path(__file__).resolve().parents[2]
MONTHLY = (FIXTURES / "bra_manad.txt").read_bytes()
UNMAPPED = (FIXTURES / "bra_okand_kategori.txt").read_bytes()
YEARLY = (FIXTURES / "bra_ar.txt").read_bytes()
PARTNER = "Misshandel mot kvinna 18 år eller äldre, närstående genom parrelation"


def check(data: bytes, name: str = "Databasfil.txt"):
    return check_upload(data, name, today=TODAY)


def test_fixtures_are_written_as_sol_writes_them():
    assert MONTHLY.startswith("Region;Brott;År;Period;Antal;/100 000 inv\r\n".encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        MONTHLY.decode("utf-8")
    assert all(line.endswith(b";") for line in MONTHLY.splitlines()[1:])


def test_the_header_decides_the_format():
    read = read_upload(MONTHLY, "Databasfil.txt")
    assert read.source_format == bra.SOURCE_FORMAT
    assert read.encoding == "Windows-1252"
    assert list(read.rows["excel_row"]) == list(range(2, 11))
    assert not read.errors
    canonical = read_upload(b"indicator_id;period;area_code;value\nreported_rape;2026-03;STHLM;5\n")
    assert canonical.source_format == "canonical"


def test_mapped_rows_read_back_exactly(fresh_db):
    report = ingest_upload(fresh_db, MONTHLY, "Databasfil.txt", user="eva", today=TODAY)
    assert report.status == "committed", report.errors
    assert (report.rows, report.inserted) == (9, 5)
    stored = load_observations(fresh_db).drop(columns="upload_id")
    stored["period"] = stored["period"].dt.strftime("%Y-%m")
    rows = [
        tuple(r) for r in stored[["indicator_id", "period", "area_code", "value", "status"]].values
    ]
    assert sorted(rows) == sorted(
        [
            ("reported_partner_violence_women", "2025-01", "STHLM", 402.0, "final"),
            ("reported_partner_violence_women", "2025-02", "STHLM", 377.0, "final"),
            ("reported_rape", "2025-01", "STHLM", 171.0, "final"),
            ("reported_rape", "2026-08", "STHLM", 198.0, "preliminary"),
            ("reported_gross_violation_integrity", "2026-08", "STHLM", 31.0, "preliminary"),
        ]
    )
    assert set(stored["note"]) == {""} and stored["denominator"].isna().all()
    upload = list_uploads(fresh_db).iloc[0]
    assert upload["source_format"] == "BRÅ SOL"


def test_suppressed_cells_are_skipped_and_reported():
    checked = check(MONTHLY)
    assert checked.ok
    assert "2 celler var undertryckta (..) i BRÅ-filen och lästes inte in." in checked.assumptions
    # The whole-country rows are not Lägesbild's: skipped on purpose, and said so.
    assert "2 rader för Hela landet lästes inte in: regionen används inte i Lägesbild." in (
        checked.assumptions
    )
    assert not (checked.frame["period"] == pd.Timestamp("2025-02-01"))[
        checked.frame["indicator_id"] == "reported_rape"
    ].any()


def test_preliminary_year_gives_preliminary_status():
    frame = check(MONTHLY).frame
    august = frame[frame["period"] == pd.Timestamp("2026-08-01")]
    assert set(august["status"]) == {"preliminary"}
    assert set(frame[frame["period"].dt.year == 2025]["status"]) == {"final"}


def test_how_the_file_was_understood_names_the_format():
    text = check(MONTHLY).dialect_sv()
    assert "BRÅ SOL" in text and "Windows-1252" in text
    assert "Brott → indicator_id" in text and "År + Period → period" in text


def test_every_mapping_used_is_listed_with_its_caveat():
    assumptions = "\n".join(check(MONTHLY).assumptions)
    assert f"BRÅ-kategorin ”{PARTNER}” (Region Stockholm) lästes in som" in assumptions
    assert "inte grov fridskränkning" in assumptions  # the catalog's note on code 0412


def test_an_unmapped_category_is_an_error_naming_it_and_its_rows():
    checked = check(UNMAPPED)
    assert not checked.ok and checked.frame.empty
    category = next(e for e in checked.errors if e.column == "indicator_id")
    assert category.row == 3
    assert category.value.startswith("0950 - Befogenhetsbedrägeri")
    assert "”0950 - Befogenhetsbedrägeri, bedrägeri genom social manipulation" in category.message
    assert "(2 rader: rad 3, 4)" in category.message
    assert "gissar inte" in category.message
    region = next(e for e in checked.errors if e.column == "area_code")
    assert (region.row, region.value) == (5, "Region Nord")
    assert "(1 rad: rad 5)" in region.message


def test_an_unmapped_file_stores_nothing(fresh_db):
    report = ingest_upload(fresh_db, UNMAPPED, "Databasfil.txt", user="eva", today=TODAY)
    assert report.status == "rejected" and report.upload_id is None
    assert load_observations(fresh_db).empty


def test_a_yearly_file_is_read_by_year_and_the_rules_judge_its_granularity(fresh_db, catalog):
    import dataclasses

    line = "Region Stockholm;Våldtäkt inkl. grov;År;2024;1234;52;\r\n".encode("cp1252")
    yearly_file = YEARLY + line
    checked = check(yearly_file)
    assert not checked.ok
    # Region Nord has no mapping; reported_rape is monthly, so a year is a period error.
    assert {e.column for e in checked.errors} == {"area_code", "period"}
    assert any(e.row == 6 and e.column == "period" for e in checked.errors)
    yearly = dataclasses.replace(
        catalog,
        indicators=tuple(
            dataclasses.replace(i, frequency="yearly") if i.id == "reported_rape" else i
            for i in catalog.indicators
        ),
    )
    only_stockholm = YEARLY.splitlines()[0] + b"\r\n" + line
    report = ingest_upload(
        fresh_db, only_stockholm, "Databasfil.txt", user="eva", today=TODAY, catalog=yearly
    )
    assert report.status == "committed", report.errors
    stored = load_observations(fresh_db)
    assert stored[["indicator_id", "area_code", "value"]].values.tolist() == [
        ["reported_rape", "STHLM", 1234.0]
    ]
    assert stored["period"].iloc[0].year == 2024


def test_mapped_rows_meet_the_ordinary_rules_with_their_excel_row():
    future = MONTHLY.replace("2026 prel.;Aug;198".encode("cp1252"), b"2027 prel.;Aug;198")
    checked = check(future)
    [error] = checked.errors
    assert (error.row, error.column) == (9, "period")
    assert "har inte börjat" in error.message


def test_a_row_with_the_wrong_number_of_cells_is_named():
    broken = MONTHLY.replace(b"Jan;171;7;", b"Jan;171;7;extra;")
    [error] = check(broken).errors
    assert error.row == 5 and "sex" in error.message


def test_the_catalog_mapping_is_declared_and_strict(catalog):
    mapping = catalog.bra_mapping(PARTNER, "Region Stockholm")
    assert (mapping.indicator_id, mapping.area_code) == ("reported_partner_violence_women", "STHLM")
    assert catalog.bra_mapping(PARTNER.upper(), "region  stockholm") == mapping
    assert catalog.bra_mapping("Misshandel mot kvinna", "Region Stockholm") is None
    assert catalog.bra_region_status("Hela landet") == "ignored"
    assert catalog.bra_region_status("Region Nord") == "unknown"
    for m in catalog.bra_mappings:
        assert m.area_code in catalog.valid_areas(m.indicator_id)


def test_manage_ingest_accepts_a_bra_file(tmp_path):
    from storage import open_database

    open_database(tmp_path / "cli.duckdb").create()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "ingest",
            str(FIXTURES / "bra_manad.txt"),
            "--json",
            "--db",
            str(tmp_path / "cli.duckdb"),
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["status"], report["upload_id"], report["inserted"]) == ("committed", 1, 5)
    assert report["file"]["source_format"] == "BRÅ SOL"
    assert any("undertryckta" in a for a in report["assumptions"])


@pytest.mark.parametrize(
    "bad_line",
    [
        "trasig rad utan fält",  # the wrong number of cells (split_rows)
        "Region {n};Våldtäkt inkl. grov;2025;Jan;1;0;",  # an unknown region each (to_canonical)
        "Region Stockholm;Våldtäkt inkl. grov;2025;Mån{n};1;0;",  # a month not recognised
    ],
    ids=["cells", "regions", "months"],
)
def test_a_bra_file_of_mistakes_stops_building_errors_at_the_cap(bad_line):
    """Every line wrong in its own way: at most MAX_ERRORS are built, the rest only counted."""
    from schemas.upload import MAX_ERRORS

    n = MAX_ERRORS * 3
    lines = [";".join(bra.HEADER)] + [bad_line.format(n=i) for i in range(n)]
    data = "\r\n".join(lines).encode("cp1252")
    if bad_line.startswith("trasig"):
        _, errors, more = bra.split_rows(lines[1:])
        assert (len(errors), more) == (MAX_ERRORS, n - MAX_ERRORS)
    checked = check(data)
    assert len(checked.errors) == MAX_ERRORS + 1
    assert checked.errors[0].row is None
    assert f"{n - MAX_ERRORS:,}".replace(",", "\u00a0") in checked.errors[0].message.replace(
        " ", "\u00a0"
    )

"""BRÅ's table of handled offences with personuppklaring (public-figures.md §3) read as the
yearly Mål 5 shares: recognised by shape, rows read only through [[handled_mapping]] /
[[handled_ignored]], the year and area stated by the analyst, every problem a Swedish message
naming row and column, and nothing stored when there is one.

tests/fixtures/handlagda_brott.txt holds §3's four verbatim rows (tabs, spaces between
thousands, trailing and leading spaces as BRÅ writes them) and the men's partner-assault row
with §3's figures (2 875 handled, 7 %; its wording written after the women's row, as the
catalog's mapping). handlagda_brott_okand_rad.txt adds §3's grov fridskränkning row (women,
partner: 118 handled, `-` directly closed), which the catalog does not map.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from auth import User
from ingest import handled
from ingest.pipeline import check_upload
from ingest.reader import read_upload
from services.uploads import (
    commit_upload,
    handled_table_recognised,
    preview_upload,
    undo_upload,
)
from storage import count_observations, load_observations
from tests.cli.test_manage import ROOT
from tests.conftest import FIXTURES, TODAY

ANALYST = User("eva", "analyst", local=False)
DATA = (FIXTURES / "handlagda_brott.txt").read_bytes()
UNMAPPED = (FIXTURES / "handlagda_brott_okand_rad.txt").read_bytes()
MEN_ROW = b"3 kap. 5, 6 \xc2\xa7 BrB Misshandel inkl. grov\tMot man"


def _check(data: bytes, **stated):
    return check_upload(data, "handlagda.txt", today=TODAY, **stated)


def _messages(report) -> list[str]:
    return [e.message for e in report.errors]


def test_the_shape_is_recognised_and_other_files_are_not():
    assert read_upload(DATA, "handlagda.txt").source_format == handled.SOURCE_FORMAT
    assert handled_table_recognised(DATA)
    assert not handled_table_recognised((FIXTURES / "seed.csv").read_bytes())
    assert not handled_table_recognised((FIXTURES / "bra_ar.txt").read_bytes())
    # A canonical tab-separated file has a header of names, not numbers.
    tabbed = b"indikator\tm\xc3\xa5nad\tomr\xc3\xa5de\tv\xc3\xa4rde\tn\tstatus\tkommentar\n"
    assert not handled_table_recognised(tabbed)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1 457 533 ", 1_457_533),
        (" 29 ", 29),
        (" 566 ", 566),
        ("-", 0),
        (" - ", 0),
        ("1\u00a0262 ", 1262),  # a no-break space between thousands, as copied from a web page
        ("12,5", None),
        ("1 45 533", None),
        ("", None),
        ("abc", None),
    ],
)
def test_numbers_are_read_as_brå_writes_them(text, number):
    assert handled.parse_number(text) == number


def test_mapped_rows_become_yearly_shares_for_the_stated_year_and_area(catalog):
    checked = _check(DATA, year=2024, area="STHLM")
    assert checked.errors == []
    got = checked.frame.assign(period=checked.frame["period"].dt.strftime("%Y"))
    rows = got[["indicator_id", "period", "area_code", "value", "denominator"]].values.tolist()
    assert sorted(rows) == [
        # women 13 248 × 16 % = 2 119,68 -> 2 120; men 2 875 × 7 % = 201,25 -> 201; summed
        ["clearance_close_relation_assault", "2024", "STHLM", 2321.0, 16123.0],
        # 1 262 × 22 % = 277,64 -> 278
        ["clearance_gross_violation_women", "2024", "STHLM", 278.0, 1262.0],
    ]
    said = " ".join(checked.assumptions)
    assert "värdena lästes in som 2024 för Region Stockholm" in said
    assert "avrundat till heltal" in said
    assert "2 rader lästes inte in" in said  # SAMTLIGA BROTT and kontaktförbud: [[handled_ignored]]
    assert checked.source_format == handled.SOURCE_FORMAT


def test_a_dash_is_zero(catalog):
    # §3's "Försök mord/dråp ... 49 49 - 37 37" style: "-" in a mapped row's numbers.
    data = DATA.replace(b"1 262 \t1 253 \t 9 \t 22 \t 22 ", b"1 262 \t1 262 \t- \t 22 \t - ")
    checked = _check(data, year=2024, area="STHLM")
    assert checked.errors == []
    women = checked.frame.set_index("indicator_id").loc["clearance_gross_violation_women"]
    assert (women["value"], women["denominator"]) == (0.0, 1262.0)


def test_the_table_goes_through_preview_commit_and_undo(fresh_db, catalog):
    preview = preview_upload(
        fresh_db, catalog, ANALYST, DATA, "handlagda.txt", today=TODAY, year=2024, area="STHLM"
    )
    assert preview.ok and (preview.inserted, preview.updated) == (2, 0)
    assert "handlagda brott" in preview.dialect

    report = commit_upload(
        fresh_db, catalog, ANALYST, DATA, "handlagda.txt", today=TODAY, year=2024, area="STHLM"
    )
    assert report.status == "committed", _messages(report)
    assert report.checked.source_format == handled.SOURCE_FORMAT
    stored = load_observations(fresh_db).set_index("indicator_id")
    women = stored.loc["clearance_gross_violation_women"]
    assert (women["area_code"], pd.Timestamp(women["period"]).date().isoformat()) == (
        "STHLM",
        "2024-01-01",
    )
    assert (women["value"], women["denominator"]) == (278, 1262)
    assert round(women["value"] / women["denominator"], 2) == 0.22  # the table's 22 %
    partner = stored.loc["clearance_close_relation_assault"]
    assert (partner["value"], partner["denominator"]) == (2321, 16123)

    again = commit_upload(
        fresh_db, catalog, ANALYST, DATA, "handlagda.txt", today=TODAY, year=2024, area="STHLM"
    )
    assert (again.status, again.upload_id, again.unchanged) == ("committed", None, 2)
    assert undo_upload(fresh_db, catalog, ANALYST, report.upload_id) == 2
    assert count_observations(fresh_db) == 0


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ({"area": "STHLM"}, "anger inte vilket år den gäller"),
        ({"year": 2024}, "anger inte vilket område den gäller"),
        ({}, "anger inte vilket år den gäller"),
        ({"year": 24, "area": "STHLM"}, "Året ”24” går inte att använda"),
        ({"year": 2024, "area": "0180"}, "Området ”0180” kan inte anges"),
        ({"year": 2024, "area": "Hela landet"}, "Området ”Hela landet” kan inte anges"),
    ],
)
def test_year_and_area_must_be_stated_and_allowed(fresh_db, catalog, stated, expected):
    report = commit_upload(fresh_db, catalog, ANALYST, DATA, "handlagda.txt", today=TODAY, **stated)
    assert report.status == "rejected"
    assert any(expected in m for m in _messages(report)), _messages(report)
    assert all(e.row is None for e in report.errors)  # the whole file
    assert count_observations(fresh_db) == 0


def test_only_the_regions_area_is_allowed_and_it_is_said():
    message = _check(DATA, year=2024, area="PO_SYD").errors[0].message
    assert "redovisas bara för STHLM (Region Stockholm)" in message
    assert "hela landet ska inte läsas in som länets värden" in message


def test_a_future_year_is_refused_by_the_ordinary_rule():
    checked = _check(DATA, year=TODAY.year + 1, area="STHLM")
    assert not checked.ok
    assert {e.column for e in checked.errors} == {"period"}


def test_an_unmapped_row_is_listed_with_its_row_and_nothing_is_stored(fresh_db, catalog):
    report = commit_upload(
        fresh_db, catalog, ANALYST, UNMAPPED, "okand.txt", today=TODAY, year=2024, area="STHLM"
    )
    assert report.status == "rejected"
    [error] = report.errors
    assert (error.row, error.column) == (6, "indicator_id")
    assert error.message.startswith(
        "Raden ”4 kap 4 a § 1 st. BrB Grov fridskränkning” / ”Mot kvinna 18 år eller äldre, "
        "närstående genom parrelation” i tabellen över handlagda brott har ingen mappning till "
        "en indikator (rad 6). Lägesbild gissar inte"
    )
    assert count_observations(fresh_db) == 0


def test_malformed_rows_name_row_and_column_and_nothing_is_stored(fresh_db, catalog):
    data = (
        DATA.replace(b"2 875 \t2 603", b"2 875 \t2x603")  # row 3: utredda not a number
        .replace(b" 22 \t 22 ", b" 22 \t 122 ")  # row 4: a percentage above 100
        .replace(b"2 245 \t2 185 \t 60 \t", b"2 245 \t2 185 \t")  # row 5: six fields
    )
    report = commit_upload(
        fresh_db, catalog, ANALYST, data, "trasig.txt", today=TODAY, year=2024, area="STHLM"
    )
    assert report.status == "rejected"
    found = {(e.row, e.column): e.message for e in report.errors}
    assert set(found) == {(3, "utredda"), (4, "value"), (5, None)}
    assert found[(3, "utredda")].startswith("Kolumn 4 (utredda) innehåller ”2x603”, som inte är")
    assert found[(4, "value")] == (
        "Kolumn 7 (personuppklaringsprocent) anger 122 procent; en procentsats är 0–100."
    )
    assert found[(5, None)].startswith("Raden har 6 fält, men en rad i BRÅ:s tabell")
    assert count_observations(fresh_db) == 0


def test_the_english_column_names_are_the_readers():
    from i18n import Message

    column = Message("handled_column_utredda")
    message = Message("handled_not_a_number", position=4, column=column, value="2x603")
    assert "(investigated)" in message.text("en")


def test_an_indicator_with_a_part_missing_is_not_stored_as_the_whole(fresh_db, catalog):
    lines = [line for line in DATA.split(b"\n") if not line.startswith(MEN_ROW)]
    report = commit_upload(
        fresh_db,
        catalog,
        ANALYST,
        b"\n".join(lines),
        "utan_man.txt",
        today=TODAY,
        year=2024,
        area="STHLM",
    )
    assert report.status == "rejected"
    [error] = report.errors
    assert "är summan av 2 rader" in error.message
    assert "”Mot man 18 år eller äldre, närstående genom parrelation” saknas" in error.message
    assert count_observations(fresh_db) == 0


def test_a_row_twice_is_an_error():
    lines = DATA.split(b"\n")
    checked = _check(b"\n".join([*lines[:4], lines[3], *lines[4:]]), year=2024, area="STHLM")
    assert [(e.row, e.column) for e in checked.errors] == [(5, "indicator_id")]
    assert "står två gånger i tabellen (rad 4 och rad 5)" in checked.errors[0].message


def test_year_and_area_for_another_format_are_refused():
    checked = check_upload(
        (FIXTURES / "seed.csv").read_bytes(), "seed.csv", today=TODAY, year=2024, area="STHLM"
    )
    assert [e.message for e in checked.errors] == [
        "År och område (--year, --area) anges bara för BRÅ:s tabell över handlagda brott, och "
        "filen är inte en sådan tabell. Ta bort dem och läs in filen igen."
    ]


def test_the_command_line_reads_the_table_with_year_and_area(tmp_path):
    from storage import open_database

    db = tmp_path / "cli.duckdb"
    open_database(db).create()

    def manage(*args: str):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "ingest", *args, "--db", str(db), "--json"],
            capture_output=True,
            cwd=ROOT,
            timeout=120,
        )

    fixture = str(FIXTURES / "handlagda_brott.txt")
    missing = manage(fixture)
    assert missing.returncode == 1
    report = json.loads(missing.stdout)
    assert report["status"] == "rejected"
    assert {e["column"] for e in report["errors"]} == {"period", "area_code"}

    done = manage(fixture, "--year", "2024", "--area", "STHLM", "--user", "eva")
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["status"], report["inserted"]) == ("committed", 2)
    assert report["file"]["source_format"] == handled.SOURCE_FORMAT
    assert count_observations(open_database(db)) == 2

"""SCB population (PxWeb CSV, JSON-stat 2) imported into the population table end to end; every
bad file is refused with its Swedish message and stores nothing."""

from __future__ import annotations

import json

import pytest

from auth import AccessDenied, User
from ingest import scb
from ingest.pipeline import check_upload
from services.population import import_population, preview_population
from storage.population import load_population
from tests.conftest import FIXTURES

ANALYST = User(name="eva", role="analyst", local=True)
CSV_2017 = (FIXTURES / "scb_folkmangd_2017.csv").read_bytes()
JSON_2024 = (FIXTURES / "scb_folkmangd_2024.json").read_bytes()
AGES = (FIXTURES / "scb_alder_kon_testdata.csv").read_bytes()


def stored(db, area: str, year: int, sex: str = "all", band: str = "all") -> int | None:
    frame = load_population(db)
    hit = frame[
        (frame.area_code == area)
        & (frame.year == year)
        & (frame.sex == sex)
        & (frame.age_band == band)
    ]
    return None if hit.empty else int(hit["inhabitants"].iloc[0])


def test_the_shapes_are_recognised_and_other_files_are_not():
    assert scb.recognise(CSV_2017) == scb.SOURCE_CSV
    assert scb.recognise(JSON_2024) == scb.SOURCE_JSONSTAT
    assert scb.recognise((FIXTURES / "seed.csv").read_bytes()) is None
    assert scb.recognise(b'{"values": [], "count": 0}') is None  # Kolada's envelope


def test_pxweb_csv_2017_stores_the_published_totals(fresh_db, catalog):
    result = import_population(fresh_db, catalog, ANALYST, CSV_2017, "scb_folkmangd_2017.csv")
    assert result.ok and result.stored, result.errors
    assert (result.inserted, result.updated, result.unchanged) == (26, 0, 0)
    # public-figures.md §7, 2017 column
    assert stored(fresh_db, "0127", 2017) == 91_631
    assert stored(fresh_db, "0180", 2017) == 949_164
    assert sum(stored(fresh_db, a.code, 2017) or 0 for a in catalog.areas) == 2_303_417
    assert stored(fresh_db, "STHLM", 2017) is None  # Gotland (0980) is not in the file
    assert any(
        "01 Stockholms län (1 värde)" in str(a) for a in result.assumptions
    )  # skipped, said so
    frame = load_population(fresh_db)
    assert not frame["estimate"].any()
    assert frame["source"].str.startswith("SCB, folkmängd 31 december 2017").all()


def test_json_stat_2024_stores_the_published_totals_and_reimport_changes_nothing(fresh_db, catalog):
    first = import_population(fresh_db, catalog, ANALYST, JSON_2024, "f.json")
    assert first.ok and first.inserted == 8
    assert stored(fresh_db, "0136", 2024) == 100_895
    assert stored(fresh_db, "0182", 2024) == 112_112
    again = import_population(fresh_db, catalog, ANALYST, JSON_2024, "f.json")
    assert (again.inserted, again.updated, again.unchanged, again.stored) == (0, 0, 8, False)


def test_single_ages_by_sex_give_every_band_and_replace_a_total(fresh_db, catalog):
    import_population(fresh_db, catalog, ANALYST, CSV_2017, "2017.csv")
    preview = preview_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")
    assert preview.ok and preview.updated == 1  # Salem's total 16 665 → the test file's 17 808
    replaced = preview.changes[preview.changes["change"] == "update"]
    assert replaced[["area_code", "old", "new"]].values.tolist() == [["0128", 16_665, 17_808]]
    assert (preview.changes["change"] == "insert").sum() == preview.inserted == 8
    assert stored(fresh_db, "0128", 2017) == 16_665  # a preview stores nothing
    import_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")
    # test data: 90 men and 88 women per age 0-99, 3 men and 5 women aged 100+
    assert stored(fresh_db, "0128", 2017, "women", "18+") == 82 * 88 + 5
    assert stored(fresh_db, "0128", 2017, "all", "0-17") == 18 * (90 + 88)
    assert stored(fresh_db, "0128", 2017, "men", "all") == 100 * 90 + 3
    assert stored(fresh_db, "0128", 2017) == 17_808


def test_the_region_is_the_sum_of_its_municipalities_only_when_all_are_there(catalog):
    gotland = CSV_2017 + b'"0980 Gotland","totalt, samtliga m\xc3\xa4n och kvinnor",58595\r\n'
    read = scb.read_population(gotland, "f.csv", catalog)
    frame = read.frame.set_index("area_code")
    assert frame.loc["STHLM", "inhabitants"] == 2_303_417 + 58_595
    assert frame.loc["PO_GOTLAND", "inhabitants"] == 58_595
    assert "PO_NORD" not in frame.index  # shares Stockholm city's unpublished split
    assert frame.loc["STHLM", "source"].endswith("summa av kommunerna")


def _bad_json(edit) -> bytes:
    obj = json.loads(JSON_2024)
    edit(obj)
    return json.dumps(obj, ensure_ascii=False).encode()


def _no_dimension_split(obj):
    obj["dimension"]["Civil"] = {"label": "civilstånd", "category": {"index": {"OG": 0, "G": 1}}}
    obj["id"].insert(1, "Civil")
    obj["size"].insert(1, 2)
    obj["value"] = obj["value"] * 2


BAD = {
    "unmapped region": (
        CSV_2017.replace(b'"0114 Upplands V', b'"1280 Malm\xc3\xb6 x'),
        "SCB-regionen ”1280 Malmö xäsby” har ingen motsvarighet bland katalogens kommuner",
    ),
    "null": (
        CSV_2017.replace(b",44493", b",.."),
        "Rad 5: folkmängden för 0114 Upplands Väsby 2017 saknas (..). En saknad uppgift är "
        "inte noll",
    ),
    "malformed row": (
        CSV_2017.replace(b",44493", b",44493,12"),
        "Rad 5 har 4 fält men rubrikraden har 3.",
    ),
    "malformed number": (
        CSV_2017.replace(b",44493", b",4x493"),
        "folkmängden ”4x493” är inget tal",
    ),
    "age band": (
        AGES.replace(b'"5 \xc3\xa5r","m\xc3\xa4n"', b'"5-9 \xc3\xa5r","m\xc3\xa4n"'),
        "åldern ”5-9 år” kan inte delas i 0–17 och 18+ år",
    ),
    "missing age": (
        AGES.replace(b'"0128 Salem","7 \xc3\xa5r","kvinnor",88\r\n', b""),
        "åldrarna 7 saknas, så 0–17 och 18+ år kan inte räknas",
    ),
    "monthly": (
        JSON_2024.replace(b'"2024"', b'"2024M12"'),
        "perioden ”2024M12” är en månad eller ett kvartal",
    ),
    "json values cut": (
        _bad_json(lambda o: o.update(value=o["value"][:-1])),
        "JSON-stat-filen är trasig: 8 värden men 9 celler.",
    ),
    "json null": (
        _bad_json(lambda o: o["value"].__setitem__(0, None)),
        "Värde 1: folkmängden för 0123 Järfälla 2024 saknas (..)",
    ),
    "extra dimension": (
        _bad_json(_no_dimension_split),
        "Dimensionen ”civilstånd” är en uppdelning",
    ),
    "not population": (
        _bad_json(
            lambda o: o["dimension"]["ContentsCode"]["category"].update(label={"BE0101N1": "Döda"})
        ),
        "Tabellen innehåller ”Döda”, inte folkmängd.",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_says_why_in_swedish_and_stores_nothing(case, fresh_db, catalog):
    data, message = BAD[case]
    result = import_population(fresh_db, catalog, ANALYST, data, "f")
    assert not result.ok and not result.stored
    assert any(message in str(e) for e in result.errors), result.errors
    assert load_population(fresh_db).empty


def test_a_viewer_may_not_import_and_the_upload_check_points_to_the_command(fresh_db, catalog):
    with pytest.raises(AccessDenied):
        preview_population(fresh_db, catalog, User("v", "viewer", local=True), CSV_2017, "f")
    checked = check_upload(CSV_2017, "f.csv", catalog)
    assert [e.message for e in checked.errors] == [str(scb.NOT_AN_UPLOAD)]


def test_published_ages_replace_the_demo_assumed_shares(fresh_db, catalog):
    from demo.load import store_demo_population

    store_demo_population(fresh_db, catalog, 2018)
    before = load_population(fresh_db)
    salem = (before.area_code == "0128") & (before.year == 2017) & (before.age_band == "18+")
    assert before.loc[salem, "estimate"].all()  # the demo's fixed share of the total
    result = import_population(fresh_db, catalog, ANALYST, AGES, "alder.csv")
    assert result.replaced_estimates >= 2
    after = load_population(fresh_db)
    row = after[
        (after.area_code == "0128")
        & (after.year == 2017)
        & (after.sex == "women")
        & (after.age_band == "18+")
    ].iloc[0]
    assert (row.inhabitants, row.estimate) == (82 * 88 + 5, False)


@pytest.mark.parametrize("value", [["Stockholms län"], ["01", "01"], "01"])
def test_the_catalog_refuses_a_bad_scb_region_list(value):
    import tomllib

    from metrics.catalog import catalog_path
    from metrics.catalog_schema import validate_catalog

    raw = tomllib.loads(catalog_path().read_text(encoding="utf-8"))
    raw["scb_ignored_regions"] = value
    problems = validate_catalog(raw)[1]
    assert any(
        p.field == "scb_ignored_regions" or p.entity == "scb_ignored_regions" for p in problems
    ), problems


def test_a_bra_export_is_not_taken_for_a_population_table():
    assert scb.recognise((FIXTURES / "bra_manad.txt").read_bytes()) is None
    assert scb.recognise((FIXTURES / "bra_ar.txt").read_bytes()) is None


def test_a_csv_with_another_breakdown_is_refused_naming_it(fresh_db, catalog):
    data = CSV_2017.replace(b'"region","k\xc3\xb6n"', b'"region","civilst\xc3\xa5nd"')
    result = import_population(fresh_db, catalog, ANALYST, data, "f.csv")
    assert any("Kolumnen ”civilstånd” är en uppdelning" in str(e) for e in result.errors)
    assert load_population(fresh_db).empty

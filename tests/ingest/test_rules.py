"""Each upload rule of the brief, with the exact message the analyst reads (row as Excel shows it)."""

from __future__ import annotations

import pytest

from ingest.pipeline import check_upload
from tests.conftest import FIXTURES, TODAY

HEADER = "indicator_id;period;area_code;value;denominator\n"


def errors_of(body: str, catalog):
    checked = check_upload((HEADER + body).encode(), "f.csv", catalog, today=TODAY)
    return [(e.row, e.column, e.value, e.message) for e in checked.errors]


def test_valid_file_has_no_errors(catalog):
    checked = check_upload((FIXTURES / "seed.csv").read_bytes(), "seed.csv", catalog, today=TODAY)
    assert checked.ok and checked.rows == 7
    assert list(checked.frame.columns) == [
        "indicator_id",
        "area_code",
        "period",
        "value",
        "denominator",
        "status",
        "note",
    ]


def test_swedish_excel_file_is_understood(catalog):
    data = (FIXTURES / "excel_sv_cp1252.csv").read_bytes()
    checked = check_upload(data, "excel.csv", catalog, today=TODAY)
    assert checked.ok, checked.errors
    assert checked.encoding == "Windows-1252" and checked.delimiter == ";"
    frame = checked.frame
    assert list(frame["status"]) == ["preliminary", "final", "final"]
    assert frame["note"].iloc[0] == "Våldtäkt, Söderort"
    assert frame["value"].iloc[2] == 101.5


def test_unknown_indicator_suggests_the_close_id(catalog):
    [(row, column, value, message)] = errors_of("reported_rapes;2026-03;STHLM;12;\n", catalog)
    assert (row, column, value) == (2, "indicator_id", "reported_rapes")
    assert message.startswith("Okänd indikator ”reported_rapes”. Menade du reported_rape?")


def test_future_month(catalog):
    [(row, column, value, message)] = errors_of("reported_rape;2027-01;STHLM;12;\n", catalog)
    assert (row, column, value) == (2, "period", "2027-01")
    assert message == (
        "Månaden januari 2027 har inte börjat än. Senaste tillåtna månad är november 2026; "
        "kontrollera året."
    )


def test_current_month_is_allowed(catalog):
    assert errors_of("reported_rape;2026-11;STHLM;12;\n", catalog) == []


def test_unknown_area(catalog):
    [(row, column, value, message)] = errors_of("reported_rape;2026-03;0999;12;\n", catalog)
    assert (row, column, value) == (2, "area_code", "0999")
    assert message.startswith("Okänt område ”0999”.")


def test_area_not_valid_for_the_indicator(catalog):
    [(row, column, value, message)] = errors_of(
        "lethal_violence_close_relations;2026-03;0180;1;\n", catalog
    )
    assert (row, column, value) == (2, "area_code", "0180")
    label = catalog.indicator("lethal_violence_close_relations").label_sv
    assert message.startswith(f"{label} redovisas inte per kommun (Stockholm).")


def test_negative_value(catalog):
    [(row, column, value, message)] = errors_of("reported_rape;2026-03;STHLM;-3;\n", catalog)
    assert (row, column, value) == (2, "value", "-3")
    assert message == "Värdet är negativt. Värden ska vara 0 eller större."


def test_fractional_count(catalog):
    [(row, column, value, message)] = errors_of("reported_rape;2026-03;STHLM;12,5;\n", catalog)
    assert (row, column, value) == (2, "value", "12,5")
    assert "räknas i hela tal, men värdet har decimaler" in message


def test_numerator_above_denominator(catalog):
    [(row, column, value, message)] = errors_of("clearance_rape;2026-03;STHLM;130;120\n", catalog)
    assert (row, column, value) == (2, "value", "130")
    assert message.startswith("Täljaren (130) är större än nämnaren (120).")


def test_proportion_without_denominator(catalog):
    [(row, column, _, message)] = errors_of("clearance_rape;2026-03;STHLM;13;\n", catalog)
    assert (row, column) == (2, "denominator")
    assert "är en andel: ange basen i kolumnen denominator" in message


def test_duplicate_key_names_the_first_row(catalog):
    found = errors_of(
        "reported_rape;2026-03;STHLM;12;\nreported_rape;2026-02;STHLM;12;\nreported_rape;2026-03;STHLM;13;\n",
        catalog,
    )
    assert found == [
        (
            4,
            "period",
            "2026-03",
            "Samma indikator, område och månad finns redan på rad 2. Varje kombination får bara "
            "förekomma en gång i filen: ta bort en av raderna.",
        )
    ]


def test_unreadable_value_and_month(catalog):
    found = errors_of("reported_rape;hösten;STHLM;abc;\n", catalog)
    assert [(r, c, v) for r, c, v, _ in found] == [(2, "period", "hösten"), (2, "value", "abc")]


@pytest.mark.parametrize("text", ["inf", "Infinity", "-inf", "+inf", "nan", "NaN"])
def test_infinity_and_nan_are_not_numbers(catalog, text):
    [(row, column, value, message)] = errors_of(f"reported_rape;2026-03;STHLM;{text};\n", catalog)
    assert (row, column, value) == (2, "value", text)
    assert message == (
        f"Värdet ”{text}” är inget tal. Skriv siffror, med decimalkomma vid behov (t.ex. 1 234,5)."
    )


def test_infinite_denominator_is_not_a_number(catalog):
    found = errors_of("clearance_rape;2026-03;STHLM;13;Infinity\n", catalog)
    assert (
        2,
        "denominator",
        "Infinity",
        "Nämnaren ”Infinity” är inget tal. Skriv siffror, med decimalkomma vid behov "
        "(t.ex. 1 234,5).",
    ) in found


@pytest.mark.parametrize(
    "text", ["1e400", "-1e400", "9007199254740993", "1 000 000 000 000 000", "1e15", "1,5e20"]
)
def test_a_number_too_large_to_store_exactly(catalog, text):
    [(row, column, value, message)] = errors_of(f"reported_rape;2026-03;STHLM;{text};\n", catalog)
    assert (row, column, value) == (2, "value", text)
    assert message == (
        f"Värdet ”{text}” är ett för stort tal för att kunna lagras exakt (högst "
        "999 999 999 999 999). Kontrollera cellen: har ett id eller flera tal hamnat i den?"
    )


def test_a_denominator_too_large_to_store_exactly(catalog):
    found = errors_of("clearance_rape;2026-03;STHLM;13;9007199254740993\n", catalog)
    assert (
        2,
        "denominator",
        "9007199254740993",
        "Nämnaren ”9007199254740993” är ett för stort tal för att kunna lagras exakt (högst "
        "999 999 999 999 999). Kontrollera cellen: har ett id eller flera tal hamnat i den?",
    ) in found


def test_the_largest_number_stored_exactly_is_accepted(catalog):
    checked = check_upload(
        (HEADER + "reported_rape;2026-03;STHLM;999 999 999 999 999;\n").encode(),
        "f.csv",
        catalog,
        today=TODAY,
    )
    assert checked.ok, checked.errors
    assert checked.frame["value"].iloc[0] == 999_999_999_999_999


def test_missing_value(catalog):
    [(row, column, _, message)] = errors_of("reported_rape;2026-03;STHLM;;\n", catalog)
    assert (row, column) == (2, "value") and message.startswith("Värde saknas.")


def test_every_problem_in_a_file_is_reported_at_once(catalog):
    data = (FIXTURES / "broken.csv").read_bytes()
    checked = check_upload(data, "broken.csv", catalog, today=TODAY)
    found = {(e.row, e.column) for e in checked.errors}
    assert found == {
        (2, "indicator_id"),
        (3, "period"),
        (4, "area_code"),
        (5, "value"),
        (6, "value"),
        (7, "value"),
        (8, "period"),
        (9, "period"),
        (10, "area_code"),
        (11, "period"),
        (11, "value"),
    }
    assert checked.frame.empty


def test_excel_dropped_leading_zero_is_restored_with_an_assumption(catalog):
    checked = check_upload(
        (HEADER + "reported_rape;2026-03;180;12;\n").encode(), "f.csv", catalog, today=TODAY
    )
    assert checked.ok
    assert checked.frame["area_code"].iloc[0] == "0180"
    assert any("inledande nolla" in a for a in checked.assumptions)


def test_lower_case_area_and_upper_case_indicator_are_accepted(catalog):
    checked = check_upload(
        (HEADER + "REPORTED_RAPE;2026-03;po_nord;12;\n").encode(), "f.csv", catalog, today=TODAY
    )
    assert checked.ok
    assert (checked.frame["indicator_id"].iloc[0], checked.frame["area_code"].iloc[0]) == (
        "reported_rape",
        "PO_NORD",
    )


@pytest.mark.parametrize("status", ["preliminär", "prel.", "Preliminary"])
def test_preliminary_status_words(catalog, status):
    body = f"indicator_id;period;area_code;value;status\nreported_rape;2026-03;STHLM;12;{status}\n"
    checked = check_upload(body.encode(), "f.csv", catalog, today=TODAY)
    assert checked.ok and checked.frame["status"].iloc[0] == "preliminary"


def test_unknown_status(catalog):
    body = "indicator_id;period;area_code;value;status\nreported_rape;2026-03;STHLM;12;kanske\n"
    checked = check_upload(body.encode(), "f.csv", catalog, today=TODAY)
    assert [(e.row, e.column, e.value) for e in checked.errors] == [(2, "status", "kanske")]

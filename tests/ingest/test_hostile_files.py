"""Every file gets a Swedish answer: Excel's normal quirks are accepted, broken files are errors."""

from __future__ import annotations

import codecs

import pytest

from ingest.pipeline import check_upload
from ingest.reader import MAX_COLUMNS, MAX_HEADER_CHARS
from schemas.upload import MAX_ERRORS, SAME_VALUE_SUMMARY
from tests.conftest import TODAY

HEADER = "indikator;månad;område;värde"
ROW = "reported_partner_violence_women;2026-10;0180;5"


def check(data: bytes):
    return check_upload(data, "f.csv", today=TODAY)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f"{HEADER}\n{ROW};\n".encode(), id="trailing-semicolon"),
        pytest.param(f"{HEADER}\n{ROW};;;\n{ROW.replace('0180', '0181')}\n".encode(), id="several"),
        pytest.param(
            f"{HEADER};nämnare;status;kommentar\n{ROW}\n".encode(), id="missing-trailing-cells"
        ),
        pytest.param(
            f"{HEADER};kommentar\r\n{ROW};\r\n{ROW.replace('0180', '0181')}\r\n".encode("cp1252"),
            id="excel-crlf",
        ),
    ],
)
def test_excel_row_shapes_are_accepted(data):
    checked = check(data)
    assert checked.ok, checked.errors
    assert set(checked.frame["area_code"]) <= {"0180", "0181"}
    assert checked.frame["value"].iloc[0] == 5


def test_trailing_cells_keep_excel_row_numbers_and_values():
    data = f"{HEADER};kommentar\n{ROW};hej\n{ROW.replace('0180', '0181')}\nx;2026-10;0180;1;a\n"
    checked = check(data.encode())
    assert [(e.row, e.column) for e in checked.errors] == [(4, "indicator_id")]


def test_utf8_bom_before_a_windows_1252_body_is_read_as_windows_1252():
    data = codecs.BOM_UTF8 + f"{HEADER};kommentar\n{ROW};Åsa på Söder\n".encode("cp1252")
    checked = check(data)
    assert checked.ok, checked.errors
    assert "Windows-1252" in checked.encoding and "UTF-8-markering" in checked.encoding


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(
            codecs.BOM_UTF16_LE + f"{HEADER}\n{ROW}\n".encode("utf-16-le") + b"A",
            ["UTF-16", "slutar mitt i ett tecken", "rad 3"],
            id="utf16-odd-length",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + f"{HEADER}\n{ROW}\ud800\n".encode("utf-16-le", "surrogatepass"),
            ["UTF-16", "ogiltigt tecken", "rad 2"],
            id="utf16-lone-surrogate",
        ),
        pytest.param(
            b"A\x00" + b"\x00\xd8" * 5000, ["UTF-16", "ogiltigt tecken"], id="nul-heavy-surrogates"
        ),
        pytest.param(b"a\x00" * 5000 + b"a", ["UTF-16", "slutar mitt i"], id="nul-heavy-odd"),
        pytest.param(bytes(range(256)) * 200, ["binära data"], id="binary"),
        pytest.param(
            ("x" * 10_000_000 + ";" + HEADER + "\n" + ROW + "\n").encode(),
            ["Första raden", "10\u00a0000\u00a0029 tecken"],
            id="10mb-header",
        ),
        pytest.param(
            (HEADER + ";" + ";".join(f"k{i}" for i in range(100_000)) + "\n" + ROW).encode(),
            ["Första raden", "högst 16\u00a0384 tecken"],
            id="100k-columns",
        ),
        pytest.param(
            (HEADER + ";" * (MAX_COLUMNS + 1) + "\n" + ROW + "\n").encode(),
            ["Rubrikraden har 205 kolumner", "högst 200"],
            id="too-many-columns",
        ),
    ],
)
def test_broken_files_are_one_swedish_whole_file_error(data, words):
    checked = check(data)
    assert len(checked.errors) == 1
    error = checked.errors[0]
    assert error.row is None
    for word in words:
        assert word in error.message


def test_the_header_cap_leaves_room_for_real_headers():
    header = HEADER + ";" + ";".join(f"extra kolumn {i}" for i in range(150))
    assert len(header) < MAX_HEADER_CHARS
    checked = check(f"{header}\n{ROW}{';' * 150}\n".encode())
    assert checked.ok, checked.errors


def test_a_huge_cell_in_a_data_row_is_an_error_not_a_crash():
    data = f"{HEADER}\n{ROW};{'x' * 300_000};y\n".encode()
    checked = check(data)
    assert [e.row for e in checked.errors] == [2]
    assert "fält men rubrikraden har 4" in checked.errors[0].message


def _rows(n: int, indicator: str = "reported_partner_violence_women") -> list[str]:
    months = [f"{1950 + k // 12}-{k % 12 + 1:02d}" for k in range(n)]
    return [f"{indicator};{m};0180;{k}" for k, m in enumerate(months)]


def test_a_column_wrong_throughout_is_reported_once():
    data = "\n".join([HEADER, *_rows(3 * SAME_VALUE_SUMMARY, "reported_rapee")]).encode()
    checked = check(data)
    assert len(checked.errors) == 1
    error = checked.errors[0]
    assert (error.row, error.column, error.value) == (None, "indicator_id", "reported_rapee")
    assert "Menade du reported_rape?" in error.message
    assert "alla 300 rader" in error.message


def test_many_alike_errors_among_good_rows_name_their_first_row_and_count():
    rows = _rows(2 * SAME_VALUE_SUMMARY + 2)
    rows = rows[:2] + [r.replace(";0180;", ";9999;") for r in rows[2:]]
    checked = check("\n".join([HEADER, *rows]).encode())
    assert [(e.row, e.column) for e in checked.errors] == [(4, "area_code")]
    assert "Samma fel på 200 rader (rad 4–203)" in checked.errors[0].message


def test_errors_stop_being_listed_after_the_limit():
    # A different unknown area on every row (so nothing is summarised).
    rows = [f"reported_rape;2026-01;X{k};1" for k in range(MAX_ERRORS + 500)]
    checked = check("\n".join([HEADER, *rows]).encode())
    assert len(checked.errors) == MAX_ERRORS + 1
    first, *listed = checked.errors
    assert [e.row for e in listed] == list(range(2, MAX_ERRORS + 2))  # in Excel's order
    assert first.row is None
    assert first.message.startswith("Fler än 1\u00a0000 problem – de första 1\u00a0000 visas")
    assert "500 till" in first.message


def test_unreadable_cells_are_bounded_too():
    rows = [f"reported_rape;månad {k};0180;1" for k in range(MAX_ERRORS + 10)]
    checked = check("\n".join([HEADER, *rows]).encode())
    assert len(checked.errors) == MAX_ERRORS + 1
    assert "10 till" in checked.errors[0].message

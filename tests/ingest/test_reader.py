"""The reader understands files as Excel and scripts write them, and numbers rows as Excel does."""

from __future__ import annotations

import codecs

import pytest

from ingest.reader import decode_bytes, read_upload

ROWS = (
    "indikator;månad;område;värde\nreported_rape;2026-03;0180;42\nreported_rape;2026-02;0180;40\n"
)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ROWS.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + ROWS.encode("utf-8"), "UTF-8 med BOM"),
        (ROWS.encode("cp1252"), "Windows-1252"),
        (ROWS.encode("utf-16"), "UTF-16"),
        (ROWS.encode("utf-16-le"), "UTF-16"),
    ],
)
def test_every_supported_encoding_reads_the_same_rows(data, encoding):
    read = read_upload(data, "f.csv")
    assert read.encoding == encoding
    assert read.errors == []
    assert list(read.rows["area_code"]) == ["0180", "0180"]
    assert list(read.rows["excel_row"]) == [2, 3]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_recognised_from_the_header(delimiter):
    text = ROWS.replace(";", delimiter)
    read = read_upload(text.encode(), "f.csv")
    assert read.delimiter == delimiter
    assert set(read.column_map) == {"indicator_id", "period", "area_code", "value"}


def test_swedish_letters_survive_windows_1252():
    text, enc = decode_bytes("kommentar;Söderåsen".encode("cp1252"))
    assert enc == "Windows-1252" and text == "kommentar;Söderåsen"


def test_blank_and_separator_only_lines_are_skipped_but_keep_row_numbers():
    data = b"indicator_id;period;area_code;value\n\nreported_rape;2026-03;0180;4\n;;;\nreported_rape;2026-02;0180;5\n"
    read = read_upload(data, "f.csv")
    assert list(read.rows["excel_row"]) == [3, 5]


def test_trailing_delimiters_are_ignored_with_an_assumption():
    data = b"indicator_id;period;area_code;value\nreported_rape;2026-03;0180;4;\nreported_rape;2026-02;0180;5\n"
    read = read_upload(data, "f.csv")
    assert read.errors == []
    assert list(read.rows["excel_row"]) == [2, 3]
    assert any("avslutande semikolon" in a for a in read.assumptions)


def test_row_with_too_many_cells_is_named_by_its_row():
    data = b"indicator_id;period;area_code;value\nreported_rape;2026-03;0180;4\nreported_rape;2026-02;0180;5;oops\n"
    read = read_upload(data, "f.csv")
    assert [(e.row, e.column) for e in read.errors] == [(3, None)]
    assert "Raden har 5 fält men rubrikraden har 4" in read.errors[0].message


def test_missing_required_column_is_a_whole_file_error():
    read = read_upload(b"indicator_id;period;value\nreported_rape;2026-03;4\n", "f.csv")
    assert not read.readable
    assert [(e.row, e.column) for e in read.errors] == [(None, "area_code")]
    assert "Kolumnen area_code (område) saknas i rubrikraden" in read.errors[0].message


def test_a_broken_excel_workbook_gets_advice_to_save_it_again():
    read = read_upload(b"PK\x03\x04 rest of a zip", "månad.xlsx")
    assert not read.readable
    assert "Arbetsboken är trasig eller avkortad" in read.errors[0].message
    assert "spara den igen" in read.errors[0].message


def test_empty_file_is_rejected_with_a_message():
    read = read_upload(b"  \n", "tom.csv")
    assert read.errors[0].row is None and "Filen är tom" in read.errors[0].message


def test_excel_sep_hint_line_is_honoured():
    data = b"sep=;\nindicator_id;period;area_code;value\nreported_rape;2026-03;0180;4\n"
    read = read_upload(data, "f.csv")
    assert read.delimiter == ";" and list(read.rows["excel_row"]) == [2]


def test_quoted_cells_may_hold_delimiters_and_line_breaks():
    data = 'indicator_id,period,area_code,value,note\nreported_rape,2026-03,0180,"4","a, b\nc"\nreported_rape,2026-02,0180,5,\n'
    read = read_upload(data.encode(), "f.csv")
    assert read.errors == []
    assert list(read.rows["note"]) == ["a, b\nc", ""]
    assert list(read.rows["excel_row"]) == [2, 3]


def test_unknown_columns_are_reported_as_ignored():
    data = b"indicator_id;period;area_code;value;Handl\xc3\xa4ggare\nreported_rape;2026-03;0180;4;Eva\n"
    read = read_upload(data, "f.csv")
    assert read.errors == []
    assert any("Handläggare" in a for a in read.assumptions)

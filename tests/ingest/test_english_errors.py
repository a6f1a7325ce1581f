"""An upload's problems in the reader's language: the same error, Swedish by default, English on
request (`UploadError.text("en")`), also when the check ran in the worker process."""

from __future__ import annotations

from ingest import worker
from ingest.pipeline import check_upload
from ingest.workbook import WorkbookRefused, inspect_workbook
from tests.conftest import TODAY

HEADER = "indicator_id;period;area_code;value;denominator\n"


def test_a_row_error_reads_in_english_with_english_months_and_labels(catalog):
    body = "reported_rap;2026-03;STHLM;5;\nreported_rape;2031-02;STHLM;5;\n"
    checked = check_upload((HEADER + body).encode(), "f.csv", catalog, today=TODAY)
    unknown, future = checked.errors
    assert unknown.message == (
        "Okänd indikator ”reported_rap”. Menade du reported_rape? Använd ett id ur katalogen "
        "(sidan Katalog visar alla, t.ex. reported_rape)."
    )
    assert unknown.text("sv") == unknown.message
    assert unknown.text("en") == (
        "Unknown indicator “reported_rap”. Did you mean reported_rape? Use an id from the "
        "catalogue (the Catalogue page lists them all, e.g. reported_rape)."
    )
    assert future.message.startswith("Månaden februari 2031 har inte börjat än.")
    assert future.text("en").startswith("The month February 2031 has not begun yet.")


def test_counts_in_a_message_are_written_as_each_language_writes_numbers(catalog):
    # 1 200 rows with the same unknown area: one error for them all, then the closing count.
    body = "".join(
        f"reported_rape;{1920 + i // 12}-{i % 12 + 1:02d};NOWHERE;5;\n" for i in range(1200)
    )
    checked = worker.check_isolated((HEADER + body).encode(), "f.csv", catalog, today=TODAY)
    [error] = checked.errors  # crossed from the worker process: its Message came along
    assert error.message.endswith("Gäller alla 1\u00a0200 rader i filen.")
    assert error.text("en").endswith("Applies to all 1,200 rows of the file.")
    assert error.text("en").startswith("Unknown area “NOWHERE”.")


def test_a_refused_workbook_says_why_in_english():
    try:
        inspect_workbook(b"not a zip at all")
    except WorkbookRefused as refused:
        assert str(refused).startswith("Filen heter som en Excel-arbetsbok men är ingen.")
        assert refused.text("en").startswith("The file is named like an Excel workbook")
    else:
        raise AssertionError("refused")

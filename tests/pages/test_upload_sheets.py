"""The upload page and a workbook of several sheets: the sheets are offered (the first with a
header row chosen), the preview reads the chosen sheet, and the commit stores what was previewed.
The workbook tests/fixtures/tva_blad.xlsx was made by LibreOffice headless from tva_blad.fods
(`soffice --headless --convert-to xlsx`)."""

from __future__ import annotations

from tests.pages import test_upload as base
from tests.pages.test_upload import FIXTURES, commit, commit_button, metrics, shown, stored_value
from tests.pages.test_upload import texts as page_texts

app = base.app  # the upload page's fixtures: an AppTest maker on a seeded database
seeded_path = base.seeded_path

WORKBOOK = (FIXTURES / "tva_blad.xlsx").read_bytes()  # "Mars": 1 row, "April": 2 rows
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def drop(at, name: str, payload: bytes):
    at.switch_page(base.UPLOAD).run()
    at.file_uploader(key="upload_files").set_value([(name, payload, XLSX)]).run()
    assert not at.exception, at.exception
    return at


def sheet_box(at):
    boxes = [s for s in at.selectbox if (s.key or "").startswith("sheet_")]
    return boxes[0] if boxes else None


def test_the_sheets_are_offered_and_the_chosen_one_is_read_and_stored(app, seeded_path):
    at = drop(app(), "tva_blad.xlsx", WORKBOOK)
    box = sheet_box(at)
    assert box.label == "Blad" and list(box.options) == ["Mars", "April"] and box.value == "Mars"
    assert metrics(at)["Nya värden"] == "1"
    assert "bladet ”Mars”" in shown(page_texts(at))

    box.set_value("April").run()
    assert not at.exception, at.exception
    assert sheet_box(at).value == "April"
    assert metrics(at)["Nya värden"] == "2"
    assert "bladet ”April”" in shown(page_texts(at))
    assert commit_button(at).label == "Spara 2 värden"

    commit(at)
    assert stored_value(seeded_path, "reported_rape", "STHLM", "2026-04") == 58
    assert stored_value(seeded_path, "reported_rape", "0127", "2026-04") == 7
    assert stored_value(seeded_path, "reported_rape", "STHLM", "2026-03") is None  # not "Mars"


def test_one_sheet_or_a_csv_offers_no_choice_and_english_names_it(app):
    at = drop(app(), "seed.xlsx", (FIXTURES / "seed.xlsx").read_bytes())
    assert sheet_box(at) is None
    at = drop(app(lang="en"), "tva_blad.xlsx", WORKBOOK)
    assert sheet_box(at).label == "Sheet"

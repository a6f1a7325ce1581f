"""Uploading in Chromium as an analyst does it: a file saved by Swedish Excel, then a broken one.

The server gets its own copy of the demo database, so what these tests store does not change
what other browser tests see. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from deploy.launch import stop
from tests.browser.conftest import ROOT, settle, start_server

pytestmark = pytest.mark.browser

WAIT = 60_000  # ms: a fresh server's first page compiles its caches
EXCEL_FILE = (
    "indikator;månad;område;värde;nämnare;status;kommentar\r\n"
    "reported_partner_violence_women;2026-10;STHLM;771;;preliminär;"
    "Fler anmälningar efter kampanj i Södertälje och Österåker\r\n"
    "clearance_partner_assault;2026-11;PO_SYD;19;104;slutlig;\r\n"
    "lead_time_days;2026-11;STHLM;101,5;;preliminär;Ny rutin för förhör\r\n"
).encode("cp1252")


@pytest.fixture(scope="module")
def upload_server(browser_demo_db, tmp_path_factory):
    """The dashboard as an analyst on a private copy of the demo database; yields (url, path)."""
    path = tmp_path_factory.mktemp("upload-browser") / "demo.duckdb"
    shutil.copy(browser_demo_db, path)
    proc, url = start_server(
        ROOT / "app.py",
        {
            "LAGESBILD_DB": str(path),
            "LAGESBILD_LOCAL_ROLE": "analyst",
            "LAGESBILD_LOCAL_USER": "analytiker",
        },
    )
    yield url, path
    stop(proc)


def open_upload_page(page: Page, url: str) -> None:
    """Start at the overview and follow the navigation, as an analyst would."""
    page.goto(url)
    settle(page)
    page.get_by_role("link", name="Ladda upp").click()
    expect(page.get_by_role("heading", name="Ladda upp", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)


def drop_file(page: Page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=WAIT)
    settle(page)


def test_a_swedish_excel_file_is_previewed_then_stored(page: Page, upload_server):
    from storage import load_observations, open_database

    url, path = upload_server
    open_upload_page(page, url)
    drop_file(page, "oktober.csv", EXCEL_FILE)

    understood = page.get_by_text("Så lästes filen:")
    expect(understood).to_be_visible()
    expect(understood.locator("..")).to_contain_text("Teckenkodning Windows-1252")
    expect(understood.locator("..")).to_contain_text("avgränsare semikolon, 3 rader data")
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Nya värden")).to_contain_text("2")
    expect(metrics.filter(has_text="Reviderade värden")).to_contain_text("1")
    expect(page.get_by_text("Revideringar: tidigare → nytt värde")).to_be_visible()
    expect(page.get_by_text("Inget är sparat ännu.")).to_be_visible()
    # The region's revised October no longer equals its municipalities or its police areas:
    # two plausibility warnings, and the save button waits for the analyst's confirmation.
    expect(page.get_by_text("Rimlighetskontrollen har 2 varningar")).to_be_visible()
    save = page.get_by_role("button", name="Spara 3 värden")
    expect(save).to_be_disabled()
    page.screenshot(path=str(ROOT / "test-artifacts" / "upload_preview.png"), full_page=True)
    page.get_by_text("Jag har granskat de 2 varningarna och vill spara filen ändå").click()
    settle(page)
    expect(save).to_be_enabled()

    save.click()
    settle(page)
    expect(page.get_by_text("Sparat som uppladdning #2")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Spara 3 värden")).to_have_count(0)

    stored = load_observations(open_database(path), indicator_ids=["lead_time_days"])
    november = stored[stored["period"] == pd.Timestamp("2026-11-01")].iloc[0]
    assert (november["value"], november["status"]) == (101.5, "preliminary")
    assert november["note"] == "Ny rutin för förhör"
    partner = load_observations(
        open_database(path), indicator_ids=["reported_partner_violence_women"], area_codes=["STHLM"]
    )
    october = partner[partner["period"] == pd.Timestamp("2026-10-01")].iloc[0]
    assert october["note"] == "Fler anmälningar efter kampanj i Södertälje och Österåker"

    page.get_by_role("button", name="Visa i uppladdningshistoriken").click()
    expect(page.get_by_role("heading", name="Vad uppladdning #2 ändrade")).to_be_visible(
        timeout=WAIT
    )


def test_a_broken_file_shows_its_problems_and_stores_nothing(page: Page, upload_server):
    url, _ = upload_server
    open_upload_page(page, url)
    drop_file(page, "broken.csv", (ROOT / "tests" / "fixtures" / "broken.csv").read_bytes())

    expect(page.get_by_text("Inget har sparats.")).to_be_visible()
    expect(page.get_by_text("11 problem i filen")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(page.get_by_role("button", name="Spara", exact=False)).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner problemlistan (CSV för Excel)").click()
    assert download.value.suggested_filename == "broken_fel.csv"
    text = download.value.path().read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == "Rad (som i Excel);Kolumn;Värde;Vad du behöver göra"
    assert lines[1].startswith("2;indicator_id;reported_rapes;")
    assert len(lines) == 12


HANINGE = "indikator;månad;område;värde\r\nreported_rape;2026-11;0136;1234\r\n".encode("cp1252")


def test_1234_rapes_a_month_in_haninge_waits_for_a_confirmation(page: Page, upload_server):
    """The issue's case: a typing slip passes every rule of the format; the plausibility check
    names it (row, area, month, value, why) and nothing is stored until the analyst confirms."""
    import json

    from storage import audit_log, load_observations, open_database

    url, path = upload_server
    open_upload_page(page, url)
    drop_file(page, "haninge.csv", HANINGE)

    expect(page.get_by_text("Rimlighetskontrollen har 1 varning")).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').last
    expect(grid).to_be_visible()
    save = page.get_by_role("button", name="Spara 1 värde")
    expect(save).to_be_disabled()
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner varningarna (CSV för Excel)").click()
    lines = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rad (som i Excel);Indikator;Område;Period;Kontroll;Värde;Varför")
    assert lines[1].startswith("2;Anmälda våldtäkter;Haninge (0136);november 2026;")
    assert "1\u00a0234" in lines[1] and "långt utanför seriens historik" in lines[1]
    page.screenshot(path=str(ROOT / "test-artifacts" / "upload_plausibility.png"), full_page=True)

    page.get_by_text("Jag har granskat varningen och vill spara filen ändå").click()
    settle(page)
    save.click()
    settle(page)
    expect(page.get_by_text("Sparat som uppladdning")).to_be_visible(timeout=WAIT)

    stored = load_observations(
        open_database(path), indicator_ids=["reported_rape"], area_codes=["0136"]
    )
    assert stored[stored["period"] == pd.Timestamp("2026-11-01")]["value"].tolist() == [1234]
    log = audit_log(open_database(path))
    entry = json.loads(log[log["action"] == "upload"].iloc[0]["detail"])
    assert entry["plausibility"]["confirmed_by"] == "analytiker"
    assert entry["plausibility"]["listed"][0]["area_code"] == "0136"

"""Rapporteringsläge in real Chromium: from the overview's line to the overdue indicators, as an analyst."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from i18n import t
from tests.browser.conftest import ARTIFACTS, ROOT, start_server
from tests.browser.test_dashboard_browser import WAIT, main, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def late_server(tmp_path_factory):
    """The dashboard over demo data that stops in June 2026: every monthly indicator is months
    behind on any day after mid-September 2026 (delays of 21-45 days), whatever today's date;
    the yearly ones hold 2025, their latest year due until 2026 falls due in spring 2027 (then
    this count must include them)."""
    from demo.load import load_demo
    from deploy.launch import stop
    from storage import open_database

    path = tmp_path_factory.mktemp("late") / "late.duckdb"
    db = open_database(path)
    db.create()
    assert load_demo(db, end="2026-06").status == "committed"
    proc, url = start_server(
        ROOT / "app.py", {"LAGESBILD_DB": str(path), "LAGESBILD_LOCAL_ROLE": "analyst"}
    )
    yield url
    stop(proc)


def grid_rows(page: Page) -> list[list[str]]:
    grid = main(page).get_by_test_id("stDataFrame").last
    return grid.evaluate(
        "g => [...g.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')]"
        ".map(td => td.innerText.trim()))"
    )


def test_from_the_overview_line_to_the_overdue_suppliers(page, late_server, catalog):
    page.goto(f"{late_server}/")
    n = sum(i.frequency == "monthly" for i in catalog.indicators)
    assert 0 < n < len(catalog.indicators)
    line = main(page).get_by_role("link", name=t("reporting_missing_line", "sv", n=n))
    expect(line).to_be_visible(timeout=WAIT)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reporting_overview_line.png"))
    line.click()
    expect(main(page).get_by_role("heading", name="Rapporteringsläge")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    summary = f"{n} indikatorer saknar senaste perioden i minst ett område"
    expect(main(page).get_by_text(summary)).to_be_visible()
    main(page).get_by_text(t("reporting_only_overdue", "sv")).click()
    wait_idle(page)
    grid = main(page).get_by_test_id("stDataFrame").last
    expect(grid.locator("tbody tr").first).to_be_attached(timeout=WAIT)
    first = grid_rows(page)[0]
    assert first[0] == catalog.indicators[0].label_sv and first[1] == "Region Stockholm"
    assert first[3] == "Försenad" and int(first[2]) >= 2  # July and later are missing
    assert first[4] == "juni 2026"
    expect(main(page).get_by_role("button", name=t("reporting_download", "sv"))).to_be_visible()

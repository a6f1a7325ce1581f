"""Public mode in real Chromium: a public deployment (LAGESBILD_PUBLIC=1) stays protected when the
link says brief=0, the sidebar says so and has no toggle; the upload history in briefing and in
public mode; no table offers Streamlit's own CSV download. Screenshots in test-artifacts/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from deploy.launch import start_streamlit, stop
from tests.browser.conftest import ARTIFACTS, ROOT, settle

pytestmark = pytest.mark.browser

WAIT = 120_000  # ms: a fresh server protects every indicator once on its first protected read


@pytest.fixture(scope="module")
def public_server(demo_copy):
    proc, url = start_streamlit(
        ROOT / "app.py",
        {
            "LAGESBILD_DB": str(demo_copy("public_browser")),
            "LAGESBILD_LOCAL_ROLE": "analyst",
            "LAGESBILD_PUBLIC": "1",
        },
        timeout=60,
    )
    yield url
    stop(proc)


def open_history(page: Page, url: str) -> None:
    """The history page at `url` (with its query), once both tables are drawn."""
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.goto(url)
    expect(page.get_by_role("heading", name="Uppladdningar")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2, timeout=WAIT)
    settle(page, WAIT)


def no_table_download(page: Page) -> None:
    """Hovering a table shows its toolbar (search, full screen) but no CSV download."""
    table = page.get_by_test_id("stDataFrame").last
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").last
    expect(toolbar).to_be_visible(timeout=10_000)
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)
    expect(toolbar.get_by_role("button", name="Ladda ner som CSV")).to_have_count(0)


def test_a_public_deployment_stays_protected_when_the_link_says_brief_0(page, public_server):
    open_history(page, public_server + "/history?brief=0")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Offentligt läge", exact=False)).to_be_visible()
    expect(sidebar.get_by_role("switch")).to_have_count(0)  # no briefing toggle
    expect(page.get_by_text("Tidigare och ångrade värden visas som ..")).to_be_visible()
    assert "brief=1" in page.url
    no_table_download(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public_history.png"), full_page=True)


def test_the_history_in_briefing_mode(page, server):
    open_history(page, server + "/history?brief=1")
    expect(page.get_by_text("Tidigare och ångrade värden visas som ..")).to_be_visible()
    toggle = page.get_by_test_id("stSidebar").get_by_role("switch")
    expect(toggle).to_be_checked()  # briefing mode outside public mode: a toggle, switched on
    no_table_download(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "briefing_history.png"), full_page=True)

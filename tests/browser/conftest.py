"""Real-browser fixtures: a Streamlit server on loopback over a demo database, and Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, IDLE
from deploy.launch import start_streamlit, stop
from ui.navigation import NAV_KEY

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NAV = f".st-key-{NAV_KEY}"
"""The sidebar's page links (ui/navigation.py draws them; Streamlit's own navigation is hidden)."""
CHART_DRAWN = '[data-testid="stPlotlyChart"] .js-plotly-plot g.trace'

pytestmark = pytest.mark.browser


def settle(page, wait: int = 90_000) -> None:
    """Until Streamlit has run the script and nothing on the page is loading or stale (IDLE).

    Idle twice, 300 ms apart: a run asked for by the last key press or click is announced by
    the server a moment after it, and the page looks idle until then."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', state="visible", timeout=wait)
    for _ in range(20):
        page.wait_for_function(IDLE, timeout=wait)
        page.wait_for_timeout(300)
        if page.evaluate(IDLE):
            return
    raise AssertionError("the page never stayed idle for 300 ms")


def start_server(script: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run script` on a free loopback port; returns (process, base URL)."""
    return start_streamlit(script, env, timeout=60)


@pytest.fixture(scope="session")
def browser_demo_db(demo_copy) -> Path:
    """The browser tests' own copy of the demo database (their server writes to it)."""
    return demo_copy("browser")


@pytest.fixture(scope="session")
def server(browser_demo_db):
    """The dashboard on demo data, in local mode as an analyst."""
    proc, url = start_server(
        ROOT / "app.py",
        {"LAGESBILD_DB": str(browser_demo_db), "LAGESBILD_LOCAL_ROLE": "analyst"},
    )
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page (own context, downloads allowed); screenshot kept in test-artifacts/."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="sv-SE"
    )
    pg = context.new_page()
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()

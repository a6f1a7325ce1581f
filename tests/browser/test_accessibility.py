"""Accessibility in Chromium: axe-core's WCAG 2.1 A/AA rules on every page and state, no request
outside the app's origin, and the analyst's month done with the keyboard alone.

axe-core comes from PyPI inside `axe-playwright-python` (pinned in requirements-dev.txt), which
ships `axe.min.js`; it is injected into the page and run there. A serious or critical violation
fails the test with the rule, the element and axe's own explanation. Screenshots of the states
looked at (the Swedish uploader, the unknown-address notice, a chart's modebar) go to
test-artifacts/.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FileChooser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from deploy.launch import stop
from i18n import t
from tests.browser.conftest import ARTIFACTS, NAV, ROOT, start_server
from tests.browser.conftest import settle as settle_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ("", "goals", "indicator", "catalog", "upload", "history", "events", "reporting", "audit")


def good_file(value: int) -> bytes:
    """A file from Swedish Excel that stores something new for each `value` (tests upload it).

    Its revised region no longer equals its municipalities and police areas: the preview has
    plausibility warnings, and storing needs their confirmation (a checkbox) first."""
    return (
        "indikator;månad;område;värde;nämnare;status;kommentar\r\n"
        f"reported_partner_violence_women;2026-10;STHLM;{value};;preliminär;\r\n"
        f"clearance_partner_assault;2026-11;PO_SYD;{value % 50};104;slutlig;\r\n"
    ).encode("cp1252")


def _axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec and spec.origin, "axe-playwright-python is in requirements-dev.txt"
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe_js() -> str:
    return _axe_source()


def _server(db: Path, role: str):
    return start_server(
        ROOT / "app.py",
        {"LAGESBILD_DB": str(db), "LAGESBILD_LOCAL_ROLE": role, "LAGESBILD_LOCAL_USER": role},
    )


@pytest.fixture(scope="module")
def admin_server(browser_demo_db, tmp_path_factory):
    """An admin (every page) on a private copy of the demo database: these tests upload."""
    path = tmp_path_factory.mktemp("a11y") / "demo.duckdb"
    shutil.copy(browser_demo_db, path)
    proc, url = _server(path, "admin")
    yield url
    stop(proc)


def settle(page: Page) -> None:
    """Until the navigation and the page's localiser are there, and the page has settled."""
    expect(page.locator(NAV)).to_be_visible(timeout=WAIT)  # the script has run this far
    page.wait_for_function("() => window.lagesbildLocaliser !== undefined", timeout=WAIT)
    settle_page(page, WAIT)


def serious_violations(page: Page, axe_js: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_js)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('html', '')[:200]}"
        f" — {node.get('failureSummary', '')}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def open_expanders(page: Page) -> None:
    for summary in page.locator('[data-testid="stExpander"] summary').all():
        if summary.is_visible() and summary.get_attribute("aria-expanded") != "true":
            summary.click()
    settle(page)


def check(page: Page, axe_js: str, where: str) -> None:
    """No serious violation that lasts: an element caught mid-run (a status label still
    running, a rerun that began after `settle`) is looked at again after the page settles, up
    to three times; one that stays fails the test."""
    for _ in range(3):
        found = serious_violations(page, axe_js)
        if not found:
            return
        page.wait_for_timeout(1000)
        settle(page)
    assert not found, f"{where}:\n" + "\n".join(found)


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("briefing", [False, True], ids=["normal", "briefing"])
def test_every_page_has_no_serious_violation(tab, admin_server, axe_js, lang, briefing):
    for name in PAGES:
        query = f"?lang={lang}" + ("&brief=1" if briefing else "")
        tab.goto(f"{admin_server}/{name}{query}")
        settle(tab)
        check(tab, axe_js, f"/{name}{query}")
        open_expanders(tab)
        check(tab, axe_js, f"/{name}{query} with its expanders open")


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_each_role_sees_an_accessible_start_page(tab, demo_copy, axe_js, role):
    proc, url = _server(demo_copy(f"a11y-{role}"), role)
    try:
        tab.goto(url)
        settle(tab)
        check(tab, axe_js, f"/ as {role}")
    finally:
        stop(proc)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_upload_page_in_each_state(tab, admin_server, axe_js, lang):
    tab.goto(f"{admin_server}/upload?lang={lang}")
    settle(tab)
    dropzone = tab.get_by_test_id("stFileUploaderDropzone")
    expect(
        dropzone.get_by_role("button", name=t("uploader_button", lang), exact=True)
    ).to_be_visible()
    expect(tab.get_by_test_id("stFileUploaderDropzoneInstructions")).to_contain_text(
        t("uploader_limit", lang).split("{")[0]
    )
    tab.screenshot(path=str(ARTIFACTS / f"a11y_upload_empty_{lang}.png"))
    check(tab, axe_js, "upload, empty")

    files = tab.locator('[data-testid="stFileUploader"] input[type="file"]')
    broken = (ROOT / "tests" / "fixtures" / "broken.csv").read_bytes()
    files.set_input_files({"name": "broken.csv", "mimeType": "text/csv", "buffer": broken})
    expect(tab.get_by_role("heading", name="broken.csv")).to_be_visible(timeout=WAIT)
    settle(tab)
    check(tab, axe_js, "upload, errors")

    upload = {
        "name": "oktober.csv",
        "mimeType": "text/csv",
        "buffer": good_file({"sv": 701, "en": 702}[lang]),
    }
    files.set_input_files(upload)
    expect(tab.get_by_role("heading", name="oktober.csv")).to_be_visible(timeout=WAIT)
    settle(tab)
    open_expanders(tab)
    check(tab, axe_js, "upload, preview")
    tab.screenshot(path=str(ARTIFACTS / f"a11y_upload_preview_{lang}.png"), full_page=True)

    tab.get_by_text(t("upload_confirm_warnings", lang, n=2)).click()
    settle(tab)
    check(tab, axe_js, "upload, warnings confirmed")
    store = tab.get_by_role("button", name=t("upload_commit", lang, n=2).split(" ")[0])
    store.first.click()
    settle(tab)
    check(tab, axe_js, "upload, committed")


def test_an_unknown_address_says_so_in_swedish(tab, admin_server):
    tab.goto(f"{admin_server}/no-such-page")
    settle(tab)
    dialog = tab.get_by_role("dialog")
    heading = dialog.get_by_role("heading", name=t("page_not_found_title", "sv"))
    expect(heading).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text(t("page_not_found", "sv"))
    expect(tab.get_by_text("Page not found")).to_have_count(0)
    tab.screenshot(path=str(ARTIFACTS / "a11y_page_not_found.png"))


def test_the_chart_modebar_speaks_swedish(tab, admin_server):
    tab.goto(f"{admin_server}/indicator")
    settle(tab)
    chart = tab.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    button = chart.locator(".modebar-btn").first
    expect(button).to_have_attribute("data-title", t("plotly_download_png", "sv"), timeout=WAIT)
    button.hover()
    tab.screenshot(path=str(ARTIFACTS / "a11y_modebar_sv.png"))


def test_no_request_leaves_the_apps_origin(browser, admin_server):
    """Every host but the app's is blocked; any attempt to reach one fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    origin = urlsplit(admin_server).netloc
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == origin:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    try:
        for name in PAGES:
            for query in ("", "?lang=en&brief=1"):
                page.goto(f"{admin_server}/{name}{query}")
                settle(page)
        assert blocked == []
    finally:
        context.close()


def test_the_analysts_month_by_keyboard_alone(tab, admin_server):
    """Upload → preview → store → note → undo, with Tab, Shift+Tab, Enter and Space only."""
    page = tab
    # Playwright intercepts file choosers only while something listens for them, and turns that
    # on without waiting: a listener added just before Enter (expect_file_chooser alone) could
    # still be on its way when the chooser opened; headless Chromium then cancelled it (the
    # input's `cancel` event, focus still on the button) and the wait timed out, on each retry
    # alike (3 of 10 tries of that step here). So listen from the start; a cancelled chooser is
    # recorded for the failure message.
    choosers: list[FileChooser] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.add_init_script(
        "window.lagesbildChooserCancelled = false;"
        " addEventListener('cancel', (e) => { if (e.target.type === 'file')"
        " window.lagesbildChooserCancelled = true; }, true);"
    )
    page.goto(f"{admin_server}/upload")
    settle(page)

    def focus(selector_js: str, *, limit: int = 150) -> None:
        """Press Tab until the focused element matches (a keyboard user's way there)."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                f"() => {{ const el = document.activeElement; return !!({selector_js}); }}"
            ):
                return
        raise AssertionError(f"Tab never reached {selector_js}")

    def text_is(text: str) -> str:
        # A control's own text (the page's <main> is focusable too, and holds every text).
        return (
            "el && ['BUTTON', 'A', 'SUMMARY'].includes(el.tagName)"
            f" && el.innerText.includes({text!r})"
        )

    # The file chooser opens from the uploader's button, reached by Tab, at the first Enter.
    focus(text_is(t("uploader_button", "sv")))
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 300)")
    try:
        with page.expect_file_chooser(timeout=WAIT) as chooser:
            page.keyboard.press("Enter")
    except PlaywrightTimeout as timeout:
        raise AssertionError(
            f"Enter on the focused {focused} opened no file chooser"
            f" (cancelled by the browser: {page.evaluate('window.lagesbildChooserCancelled')})"
        ) from timeout
    assert choosers == [chooser.value], "one Enter, one file chooser"
    chooser.value.set_files(
        {"name": "november.csv", "mimeType": "text/csv", "buffer": good_file(777)}
    )
    expect(page.get_by_role("heading", name="november.csv")).to_be_visible(timeout=WAIT)
    settle(page)

    # The revised region makes plausibility warnings: their confirmation is a checkbox (Space).
    focus("el && el.type === 'checkbox' && el.closest('label').innerText.includes('granskat')")
    page.keyboard.press(" ")
    settle(page)
    focus(text_is("Spara"))
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("Sparat som uppladdning")).to_be_visible(timeout=WAIT)
    stored = page.get_by_text("Sparat som uppladdning").inner_text()
    upload_id = stored.split("#")[1].split()[0].strip(".")

    # A note on the indicator page, from the sidebar's link.
    page.goto(f"{admin_server}/indicator")
    settle(page)
    focus(text_is(t("comment_add", "sv")))
    page.keyboard.press("Enter")
    settle(page)
    focus("el && el.tagName === 'TEXTAREA'")
    page.keyboard.type("Ökningen följer kampanjen i oktober.")
    focus(text_is(t("comment_submit", "sv")))
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("Ökningen följer kampanjen i oktober.")).to_be_visible(timeout=WAIT)

    # Undo from the history page.
    page.goto(f"{admin_server}/history")
    settle(page)
    focus(text_is(t("history_undo", "sv", id=upload_id)))
    page.keyboard.press("Enter")
    settle(page)
    focus(text_is(t("history_confirm_yes", "sv", id=upload_id)))
    page.keyboard.press(" ")
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "a11y_keyboard_undo.png"), full_page=True)
    expect(page.get_by_role("button", name=t("history_undo", "sv", id=upload_id))).to_have_count(0)
    # Every page stays one Tab-reachable link away.
    assert page.locator(f"{NAV} a").count() == len(PAGES)

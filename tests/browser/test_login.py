"""Sign-in through a real OIDC provider (oidc-provider-mock on loopback), in Chromium.

The provider issues signed ID tokens for predefined users whose `groups` claim the app maps to
roles through `[lagesbild.groups]` in a secrets.toml written for the test; a subject typed at the
provider's page gets no groups, hence no role. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from deploy.launch import free_port, stop
from tests.browser.conftest import ARTIFACTS, NAV, ROOT, start_server

pytestmark = pytest.mark.browser

USERS = {
    "viewer": {"sub": "lasare@polisen.se", "email": "lasare@polisen.se", "groups": ["g-lasare"]},
    "analyst": {
        "sub": "analytiker@polisen.se",
        "email": "analytiker@polisen.se",
        "groups": ["g-lasare", "g-analytiker"],
    },
    # Admin by e-mail ([lagesbild.users]): an e-mail rule needs the provider's email_verified.
    "admin": {
        "sub": "chef@lansstyrelsen.se",
        "email": "chef@lansstyrelsen.se",
        "email_verified": True,
        "groups": [],
    },
}
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "test-only-cookie-secret-9f2c1d7e5a3b"
client_id = "lagesbild-test"
client_secret = "test-only"
server_metadata_url = "{idp}/.well-known/openid-configuration"

[lagesbild]
role_claim = "groups"
user_claim = "email"

[lagesbild.groups]
"g-lasare" = "viewer"
"g-analytiker" = "analyst"

[lagesbild.users]
"chef@lansstyrelsen.se" = "admin"
"""
WAIT = 60_000  # ms: the first page of a fresh server compiles caches


@pytest.fixture(scope="module")
def idp():
    """oidc-provider-mock 0.3.4 as a process on a free loopback port, with the USERS predefined."""
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for claims in USERS.values():
        args += ["--user-claims", json.dumps(claims)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("oidc-provider-mock did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(idp, browser_demo_db, tmp_path_factory):
    """The dashboard in OIDC mode on its own copy of the demo database."""
    tmp = tmp_path_factory.mktemp("oidc")
    db = tmp / "demo.duckdb"
    shutil.copy(browser_demo_db, db)
    secrets = tmp / "secrets.toml"
    secrets.write_text(SECRETS.format(idp=idp), encoding="utf-8")
    proc, url = start_server(
        ROOT / "app.py",
        {
            "LAGESBILD_MODE": "oidc",
            "LAGESBILD_DB": str(db),
            "STREAMLIT_SECRETS_FILES": str(secrets),
        },
    )
    yield url
    stop(proc)


def sign_in(page, app_url, idp, who: str) -> None:
    """From the app's sign-in page through the provider and back, as `who` (a USERS key or a sub)."""
    page.goto(app_url)
    page.get_by_role("button", name="Logga in").click(timeout=WAIT)
    page.wait_for_url(idp + "/oauth2/authorize**", timeout=WAIT)
    if who in USERS:
        page.get_by_role("button", name=USERS[who]["sub"], exact=True).click()
    else:
        page.get_by_placeholder("sub").fill(who)
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(app_url + "/**", timeout=WAIT)


def nav_links(page, *, having: str | None = None) -> list[str]:
    """The sidebar's page titles, read once the link `having` is drawn (the links come in as
    the script runs: reading at once could catch a partial list)."""
    if having is not None:
        expect(page.locator(NAV)).to_contain_text(having, timeout=WAIT)
    nav = page.locator(f"{NAV} a")
    # Each link's text is the material icon's name, then the page title.
    return [text.strip().splitlines()[-1].strip() for text in nav.all_inner_texts() if text.strip()]


def test_sign_in_page_shows_nothing_else(page, app_url):
    page.goto(app_url)
    page.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
    assert nav_links(page) == []
    body = page.inner_text("body")
    assert "DEMODATA" not in body and "Länets åtta mål" not in body
    for path in ("/upload", "/audit", "/catalog"):
        page.goto(app_url + path)
        page.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
        assert "DEMODATA" not in page.inner_text("body")
        assert page.locator('[data-testid="stFileUploader"]').count() == 0


def test_viewer_reads_and_cannot_reach_the_upload_page(page, app_url, idp):
    sign_in(page, app_url, idp, "viewer")
    page.get_by_text("Länets åtta mål").wait_for(timeout=WAIT)
    page.get_by_text("Inloggad: lasare@polisen.se (läsare)").wait_for(timeout=WAIT)
    links = nav_links(page, having="Katalog")
    assert "Katalog" in links
    assert "Ladda upp" not in links and "Uppladdningar" not in links and "Logg" not in links
    page.screenshot(path=str(ARTIFACTS / "login_viewer_overview.png"), full_page=True)

    for path in ("/upload", "/history", "/audit"):
        page.goto(app_url + path)
        page.get_by_text("Inloggad: lasare@polisen.se (läsare)").wait_for(timeout=WAIT)
        # The app runs its default page instead (and says the page was not found).
        page.get_by_text("Länets åtta mål").wait_for(timeout=WAIT)
        page.get_by_role("dialog").get_by_text("Sidan finns inte").wait_for(timeout=WAIT)
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        body = page.inner_text("body")
        assert "Vem som har gjort vad" not in body  # the audit log
        assert "Alla uppladdningar" not in body  # the upload history
    page.screenshot(path=str(ARTIFACTS / "login_viewer_typed_upload_url.png"), full_page=True)


def test_analyst_gets_the_upload_page(page, app_url, idp):
    sign_in(page, app_url, idp, "analyst")
    page.get_by_text("Inloggad: analytiker@polisen.se (analytiker)").wait_for(timeout=WAIT)
    links = nav_links(page, having="Händelser")  # the last link of the analysts' section
    assert "Ladda upp" in links and "Logg" not in links
    page.locator(f"{NAV} a", has_text="Ladda upp").click()
    page.locator('[data-testid="stFileUploader"]').wait_for(timeout=WAIT)
    # The HTTP guard lets a signed-in analyst's file through (its cookie is in the request).
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {
            "name": "oktober.csv",
            "mimeType": "text/csv",
            "buffer": b"indikator;m\xc3\xa5nad;omr\xc3\xa5de;v\xc3\xa4rde\n"
            b"reported_rape;2026-10;0180;12\n",
        }
    )
    page.get_by_role("heading", name="oktober.csv").wait_for(timeout=WAIT)
    page.get_by_text("Så lästes filen:").wait_for(timeout=WAIT)


def test_admin_reads_the_audit_log(page, app_url, idp):
    sign_in(page, app_url, idp, "admin")
    page.get_by_text("Inloggad: chef@lansstyrelsen.se (administratör)").wait_for(timeout=WAIT)
    page.locator(f"{NAV} a", has_text="Logg").click()
    page.get_by_text("Vem som har gjort vad").wait_for(timeout=WAIT)
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=WAIT)


def test_someone_without_a_role_sees_only_no_access(page, app_url, idp):
    sign_in(page, app_url, idp, "okand@kommun.se")
    page.get_by_text("Du saknar behörighet").wait_for(timeout=WAIT)
    page.get_by_text("okand@kommun.se").first.wait_for(timeout=WAIT)
    page.get_by_role("button", name="Logga ut").wait_for(timeout=WAIT)
    assert nav_links(page) == []
    page.goto(app_url + "/catalog")
    page.get_by_text("Du saknar behörighet").wait_for(timeout=WAIT)
    body = page.inner_text("body")
    assert "DEMODATA" not in body and "reported_partner_violence_women" not in body


def test_sign_out_ends_the_session(page, app_url, idp):
    sign_in(page, app_url, idp, "analyst")
    page.get_by_text("Inloggad: analytiker@polisen.se (analytiker)").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Logga ut").click()
    # The provider's end-session page (RP-initiated logout), then back to the app.
    page.wait_for_url(idp + "/oauth2/end_session**", timeout=WAIT)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
    cookies = {c["name"] for c in page.context.cookies()}
    assert "_streamlit_user" not in cookies
    page.reload()
    page.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
    assert "Inloggad" not in page.inner_text("body")
    assert nav_links(page) == []


def test_a_cookie_copied_before_sign_out_opens_nothing_afterwards(page, app_url, idp, browser):
    sign_in(page, app_url, idp, "analyst")
    page.get_by_text("Inloggad: analytiker@polisen.se (analytiker)").wait_for(timeout=WAIT)
    copied = page.context.cookies()
    assert any(c["name"] == "_streamlit_user" for c in copied)
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(idp + "/oauth2/end_session**", timeout=WAIT)

    # Someone who copied the cookie before (another browser, same cookie) gets the sign-in page.
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    try:
        other.add_cookies(copied)
        thief = other.new_page()
        thief.goto(app_url + "/upload")
        thief.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
        assert "Inloggad" not in thief.inner_text("body")
        assert thief.locator('[data-testid="stFileUploader"]').count() == 0
        thief.screenshot(path=str(ARTIFACTS / "login_copied_cookie_after_sign_out.png"))
    finally:
        other.close()

"""nginx in front of two replicas (deploy/serve.py), in Chromium, signed in through a real OIDC provider.

One story, in order: two browsers sign in through the proxy (OIDC state and callback must reach the
replica that began the sign-in) and land on different replicas; an upload through the proxy on one
is seen by the other at its next run; one replica is killed: the committed upload is still there,
a new browser is sent to the replica that is left, and the killed replica's browser follows.
"""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from deploy.launch import free_port
from deploy.nginx import COOKIE
from deploy.serve import start_cluster
from tests.browser.conftest import ARTIFACTS, NAV
from tests.browser.test_login import SECRETS, WAIT, idp, sign_in  # noqa: F401 (idp: a fixture)
from tests.browser.test_upload_browser import drop_file, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANALYST = "Inloggad: analytiker@polisen.se (analytiker)"
FILE = b"indicator_id,period,area_code,value\nreported_rape,2025-03,STHLM,321\n"


@pytest.fixture(scope="module")
def cluster(idp, browser_demo_db, tmp_path_factory):  # noqa: F811
    """Two replicas in OIDC mode on their own copy of the demo database, nginx in front."""
    tmp = tmp_path_factory.mktemp("replicas")
    db = tmp / "demo.duckdb"
    shutil.copy(browser_demo_db, db)
    port = free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(SECRETS.format(idp=idp).replace("{port}", str(port)), encoding="utf-8")
    env = {
        "LAGESBILD_MODE": "oidc",
        "LAGESBILD_DB": str(db),
        "STREAMLIT_SECRETS_FILES": str(secrets),
    }
    running = start_cluster(2, env, tmp / "run", port=port)
    yield running, db
    running.stop()


def replica_of(context) -> str:
    """The replica nginx pinned this browser to (the affinity cookie's value)."""
    values = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    assert len(values) == 1, context.cookies()
    return values[0]


def open_page(page, title: str) -> None:
    page.locator(f"{NAV} a", has_text=title).click()
    settle(page)


def test_two_replicas_share_sessions_uploads_and_survive_one_dying(browser, cluster, idp):  # noqa: F811
    from storage import list_uploads, load_observations, open_database

    running, db = cluster
    url = running.url
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")]
    try:
        a = contexts[0].new_page()
        sign_in(a, url, idp, "analyst")
        a.get_by_text(ANALYST).wait_for(timeout=WAIT)
        contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
        b = contexts[1].new_page()
        sign_in(b, url, idp, "analyst")
        b.get_by_text(ANALYST).wait_for(timeout=WAIT)
        # A new session goes to the replica with fewer connections: a's websocket holds one.
        ra, rb = replica_of(contexts[0]), replica_of(contexts[1])
        assert {ra, rb} == {"r1", "r2"}

        open_page(b, "Uppladdningar")
        expect(b.get_by_role("heading", name="Vad uppladdning #1 ändrade")).to_be_visible()

        # A file upload through the proxy (its PUT must reach the session's replica).
        open_page(a, "Ladda upp")
        drop_file(a, "replik.csv", FILE)
        # The revised region no longer equals its parts: the analyst confirms the warnings.
        a.get_by_text(re.compile(r"^Jag har granskat")).click()
        settle(a)
        a.get_by_role("button", name="Spara 1 värde").click()
        settle(a)
        expect(a.get_by_text("Sparat som uppladdning #2")).to_be_visible(timeout=WAIT)
        a.screenshot(path=str(ARTIFACTS / "replicas_upload.png"), full_page=True)

        # The other replica sees it at its next run.
        open_page(b, "Lägesbild")
        open_page(b, "Uppladdningar")
        expect(b.get_by_role("heading", name="Vad uppladdning #2 ändrade")).to_be_visible()

        # Kill a's replica: nothing committed is lost.
        running.stop_replica(int(ra[1:]) - 1)
        uploads = list_uploads(open_database(db))
        assert 2 in set(uploads["upload_id"].astype(int))
        stored = load_observations(
            open_database(db), indicator_ids=["reported_rape"], area_codes=["STHLM"]
        )
        assert stored.loc[stored["period"].dt.strftime("%Y-%m") == "2025-03", "value"].tolist() == [
            321.0
        ]

        # A new browser is sent to the replica that is left, and sees the upload.
        contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
        c = contexts[2].new_page()
        sign_in(c, url, idp, "analyst")
        c.get_by_text(ANALYST).wait_for(timeout=WAIT)
        assert replica_of(contexts[2]) == rb
        open_page(c, "Uppladdningar")
        expect(c.get_by_role("heading", name="Vad uppladdning #2 ändrade")).to_be_visible()

        # b's session never noticed; a's browser, reloaded, is moved to b's replica, still signed in.
        open_page(b, "Lägesbild")
        a.reload()
        a.get_by_text(ANALYST).wait_for(timeout=WAIT)
        assert replica_of(contexts[0]) == rb
        a.screenshot(path=str(ARTIFACTS / "replicas_after_failover.png"), full_page=True)
        assert running.problems() == [f"replica {ra[1:]} exited (-9)"]
    finally:
        for context in contexts:
            context.close()

"""A shared link as the first request of a freshly started server still goes through dashboard.py.

Streamlit runs a `pages/` file on its own (no sign-in gate, every page file listed, briefing mode
from the link ignored) when it is asked for before any run of the process has registered the
navigation. Each test here starts its own server so that the link really is its first request.
"""

from __future__ import annotations

import shutil

import pytest

from deploy.launch import stop
from tests.browser import test_login
from tests.browser.conftest import ROOT, start_server
from tests.browser.test_login import SECRETS, WAIT, nav_links

pytestmark = pytest.mark.browser

idp = test_login.idp  # the OIDC provider fixture of the sign-in tests

PAGE_FILES = {"dashboard", "overview", "audit", "upload", "history", "events", "indicator"}


@pytest.fixture
def fresh_server(browser_demo_db, tmp_path):
    """Start a dashboard server on a copy of the demo database; yields a function env -> URL."""
    procs = []

    def start(env: dict[str, str]) -> str:
        db = tmp_path / "demo.duckdb"
        shutil.copy(browser_demo_db, db)
        proc, url = start_server(ROOT / "app.py", {"LAGESBILD_DB": str(db), **env})
        procs.append(proc)
        return url

    yield start
    for proc in procs:
        stop(proc)


def test_first_request_for_a_briefing_link_gets_the_gate_navigation_and_briefing_mode(
    page, fresh_server
):
    url = fresh_server({"LAGESBILD_LOCAL_ROLE": "viewer"})
    page.goto(url + "/indicator?ind=reported_rape&brief=1")
    page.get_by_text("Dragningsläge: små antal visas som ..").wait_for(timeout=WAIT)
    links = nav_links(page, having="Katalog")  # the viewer's last link: the list is complete
    # The viewer's navigation with its Swedish titles, not Streamlit's list of page files.
    assert "Indikator" in links and "Lägesbild" in links
    assert not PAGE_FILES & set(links)
    assert "Ladda upp" not in links
    assert "brief=1" in page.url and "ind=reported_rape" in page.url
    page.get_by_role("heading", name="Anmälda våldtäkter").wait_for(timeout=WAIT)


def test_first_request_for_a_deep_link_without_sign_in_shows_only_the_sign_in_page(
    page, fresh_server, idp, tmp_path
):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(idp=idp), encoding="utf-8")
    url = fresh_server({"LAGESBILD_MODE": "oidc", "STREAMLIT_SECRETS_FILES": str(secrets)})
    page.goto(url + "/indicator?ind=reported_rape")
    page.get_by_role("button", name="Logga in").wait_for(timeout=WAIT)
    body = page.inner_text("body")
    assert "DEMODATA" not in body and "Anmälda våldtäkter" not in body
    assert nav_links(page) == []

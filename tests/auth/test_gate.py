"""The sign-in gate in dashboard.py (AppTest): who sees which pages, by claims and server rules only."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-0123456789",
        "client_id": "lagesbild",
        "client_secret": "test",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "lagesbild": {
        "role_claim": "groups",
        "groups": {"g-viewer": "viewer", "g-analyst": "analyst", "g-admin": "admin"},
        "users": {"chef@lansstyrelsen.se": "admin"},
    },
}


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    return demo_copy("gate")


@pytest.fixture
def app(monkeypatch, demo_db):
    def make(claims=None, *, secrets=SECRETS, mode="oidc", **params):
        monkeypatch.setenv("LAGESBILD_DB", str(demo_db))
        if mode is None:
            monkeypatch.delenv("LAGESBILD_MODE", raising=False)
        else:
            monkeypatch.setenv("LAGESBILD_MODE", mode)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.secrets = dict(secrets)
        at.user = claims if claims is not None else {}
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return make


def signed_in(email, *groups, **claims):
    return {
        "is_logged_in": True,
        "sub": email,
        "email": email,
        "email_verified": True,
        "groups": list(groups),
        "iat": int(time.time()),
        **claims,
    }


def text(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    )
    parts += (
        [h.value for h in at.title] + [i.value for i in at.info] + [w.value for w in at.warning]
    )
    # As a person reads it: Markdown's backslash escapes (user text is escaped) removed.
    shown = re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))
    return shown.replace("\u2060", "")  # the word joiner that keeps an address from linking


def test_an_identity_is_shown_as_text_on_the_no_access_page(app):
    hostile = "![x](http://127.0.0.9/x.png)<img src=x onerror=alert(1)>[a](javascript:x)"
    at = app(signed_in("okand@kommun.se", "annat-system", sub=hostile, email_verified=False))
    assert not at.exception, at.exception
    shown = next(m.value for m in at.markdown if "onerror" in m.value)
    # Every character that would make an image, a link or a tag is escaped.
    assert "\\!\\[x\\]\\(http" in shown and "\\<img" in shown and "\\[a\\]\\(javascript" in shown
    assert hostile in text(at)


def nav_paths(at: AppTest) -> set[str]:
    return {page["url_pathname"] for page in at._registered_pages.values()}


def test_not_signed_in_sees_only_the_sign_in_page(app):
    at = app({"email": "test@example.com"})
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Logga in"]
    body = text(at)
    assert "DEMODATA" not in body and "Länets åtta mål" not in body
    assert len(at._registered_pages) == 1


def test_a_typed_url_or_query_parameter_does_not_pass_the_gate(app):
    at = app({"is_logged_in": False}, role="admin", user="chef@lansstyrelsen.se")
    assert not at.exception
    assert [b.label for b in at.button] == ["Logga in"]
    assert len(at.metric) == 0


def test_signed_in_without_a_role_sees_only_no_access(app):
    at = app(signed_in("okand@kommun.se", "annat-system", "admin"))
    assert not at.exception, at.exception
    body = text(at)
    assert "Du saknar behörighet" in body and "okand@kommun.se" in body
    assert "DEMODATA" not in body and len(at.metric) == 0
    assert [b.label for b in at.button] == ["Logga ut"]
    assert len(at._registered_pages) == 1


def test_viewer_reads_but_gets_no_work_or_admin_pages(app):
    at = app(signed_in("lasare@polisen.se", "g-viewer"))
    assert not at.exception, at.exception
    assert len(at.metric) == len(load_catalog().goals)
    assert "Inloggad: lasare@polisen.se (läsare)" in text(at)
    assert "Lokalt läge" not in text(at)
    paths = nav_paths(at)
    assert {"", "goals", "indicator", "catalog"} <= paths  # the default page has no path
    assert "audit" not in paths and "upload" not in paths
    assert "Logga ut" in [b.label for b in at.sidebar.button]


def test_admin_gets_the_audit_log_with_the_sign_in_recorded(app):
    at = app(signed_in("chef@lansstyrelsen.se"))  # admin by the users table, no groups
    assert not at.exception, at.exception
    assert "audit" in nav_paths(at)
    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    assert "Vem som har gjort vad" in text(at)
    log = at.dataframe[0].value
    mine = log[log["Användare"] == "chef@lansstyrelsen.se"]
    assert "inloggning" in set(mine["Händelse"])


def test_an_unverified_email_gets_no_admin_role(app):
    for verified in (False, None):
        claims = signed_in("chef@lansstyrelsen.se", email_verified=verified)
        if verified is None:
            del claims["email_verified"]
        at = app(claims)
        assert not at.exception, at.exception
        assert "Du saknar behörighet" in text(at)
        assert "audit" not in nav_paths(at)


def test_sign_out_is_audited_and_ends_the_sign_in(app, demo_db):
    from storage import audit_log, open_database

    at = app(signed_in("analytiker@polisen.se", "g-analyst"))
    assert not at.exception
    at.sidebar.button(key="auth_logout").click().run()
    assert not at.exception, at.exception
    log = audit_log(open_database(demo_db))
    mine = log[log["user_name"] == "analytiker@polisen.se"]
    assert {"login", "logout"} <= set(mine["action"])


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(app):
    # The same claims again = the same signed cookie replayed, in a new session (any replica:
    # the sign-out is in the database, and this new AppTest process state knows nothing else).
    claims = signed_in("utloggad@polisen.se", "g-analyst", iat=int(time.time()) - 60)
    at = app(dict(claims))
    assert "upload" in nav_paths(at)
    at.sidebar.button(key="auth_logout").click().run()
    assert not at.exception, at.exception
    again = app(dict(claims))
    assert not again.exception, again.exception
    assert [b.label for b in again.button] == ["Logga in"]
    assert "upload" not in nav_paths(again)
    # A new sign-in at the provider (a new iat) is not affected.
    fresh = app({**claims, "iat": int(time.time())})
    assert "upload" in nav_paths(fresh)


def test_an_old_sign_in_must_be_renewed(app):
    at = app(signed_in("lasare@polisen.se", "g-viewer", iat=int(time.time()) - 13 * 3600))
    assert not at.exception
    assert [b.label for b in at.button] == ["Logga in"]
    assert "gått ut" in text(at)


def test_no_sign_in_configured_and_no_local_mode_refuses(app):
    at = app({}, secrets={}, mode=None)
    assert not at.exception, at.exception
    assert "inte rätt inställd" in text(at) and "LAGESBILD_MODE=local" in text(at)
    assert len(at.metric) == 0 and len(at.button) == 0


def test_invalid_role_rules_let_nobody_in_and_do_not_show_the_rules(app):
    bad = {**SECRETS, "lagesbild": {"groups": {"g-admin": "superuser"}}}
    at = app(signed_in("chef@lansstyrelsen.se", "g-admin"), secrets=bad)
    assert not at.exception
    assert "inte rätt inställd" in text(at) and "superuser" not in text(at)
    assert len(at.metric) == 0


def test_local_mode_refuses_a_non_loopback_address(app):
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = app({}, secrets={}, mode="local")
    finally:
        config.set_option("server.address", before)
    assert not at.exception
    assert "Lokalt läge vägrar starta" in text(at)
    assert len(at.metric) == 0


def test_local_mode_on_loopback_shows_it(app):
    at = app({}, secrets={}, mode="local")
    assert not at.exception, at.exception
    assert "Lokalt läge" in text(at) and len(at.metric) == len(load_catalog().goals)

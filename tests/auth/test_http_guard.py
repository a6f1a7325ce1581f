"""The HTTP guard (auth/http_guard.py) on a real server started through app.py.

An anonymous session (OIDC mode, nobody signed in) cannot put a file into the server's memory;
no page can frame the app; a websocket from another origin (another localhost port) is refused.
"""

from __future__ import annotations

import pytest

from auth.http_guard import HttpGuard, same_origin
from deploy.launch import start_streamlit, stop
from tests.auth import attacks
from tests.browser.conftest import ROOT

SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "test-only-cookie-secret-5b1e0c9d"
client_id = "lagesbild-test"
client_secret = "test-only"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[lagesbild.groups]
"g-analytiker" = "analyst"
"""


@pytest.fixture(scope="module")
def oidc_server(demo_copy, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("guard")
    secrets = tmp / "secrets.toml"
    secrets.write_text(SECRETS, encoding="utf-8")
    proc, url = start_streamlit(
        ROOT / "app.py",
        {
            "LAGESBILD_MODE": "oidc",
            "LAGESBILD_DB": str(demo_copy("guard")),
            "STREAMLIT_SECRETS_FILES": str(secrets),
        },
    )
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def viewer_server(demo_copy):
    """Local mode with a viewer at the machine: nobody there may upload either."""
    proc, url = start_streamlit(
        ROOT / "app.py",
        {
            "LAGESBILD_MODE": "local",
            "LAGESBILD_LOCAL_ROLE": "viewer",
            "LAGESBILD_DB": str(demo_copy("guard-local")),
        },
    )
    yield url
    stop(proc)


def test_an_anonymous_session_cannot_upload(oidc_server):
    # A connected session that only shows the sign-in page (without the guard: 204, stored).
    with attacks.open_session(oidc_server) as session:
        assert attacks.put_file(oidc_server, session, 1024) == 403
        # A large one is refused before its body is read (the server answers 403 and closes).
        assert attacks.put_file(oidc_server, session, 10 * 1024 * 1024) in (403, attacks.RESET)


def test_a_forged_identity_cookie_is_no_sign_in(oidc_server):
    forged = {"_streamlit_user": '{"is_logged_in": true, "groups": ["g-analytiker"]}'}
    with attacks.open_session(oidc_server) as session:
        assert attacks.put_file(oidc_server, session, 1024, cookies=forged) == 403


def test_a_local_viewer_cannot_upload(viewer_server):
    with attacks.open_session(viewer_server) as session:
        assert attacks.put_file(viewer_server, session, 1024) == 403


def test_no_page_may_frame_the_app(oidc_server):
    headers = attacks.headers_of(oidc_server)
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]


def test_a_websocket_from_another_origin_is_refused(oidc_server):
    port = int(oidc_server.rsplit(":", 1)[1])
    assert attacks.websocket_accepted(oidc_server, oidc_server)
    for other in (f"http://127.0.0.1:{port + 1}", f"http://localhost:{port}", "null"):
        assert not attacks.websocket_accepted(oidc_server, other), other


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        (None, "127.0.0.1:8501", True),  # not a browser
        ("http://127.0.0.1:8501", "127.0.0.1:8501", True),
        ("https://lagesbild.example.se", "lagesbild.example.se", True),  # behind TLS proxy
        ("http://127.0.0.1:8502", "127.0.0.1:8501", False),
        ("http://localhost:8501", "127.0.0.1:8501", False),
        ("null", "127.0.0.1:8501", False),
        ("http://127.0.0.1:8501", None, False),
    ],
)
def test_same_origin(origin, host, same):
    assert same_origin(origin, host) is same


def test_the_guard_marks_the_process_as_guarded():
    from auth import http_guard

    HttpGuard(app=None)  # type: ignore[arg-type]
    assert http_guard.guard_active()


@pytest.fixture(scope="module")
def analyst_server(demo_copy):
    proc, url = start_streamlit(
        ROOT / "app.py",
        {
            "LAGESBILD_MODE": "local",
            "LAGESBILD_LOCAL_ROLE": "analyst",
            "LAGESBILD_DB": str(demo_copy("guard-analyst")),
        },
    )
    yield url
    stop(proc)


def test_an_analyst_uploads_within_the_bounds_of_a_session(analyst_server):
    from auth.http_guard import MAX_FILES

    with attacks.open_session(analyst_server) as session:
        for _ in range(MAX_FILES):
            assert attacks.put_file(analyst_server, session, 1024) == 204
        assert attacks.put_file(analyst_server, session, 1024) == 429  # one file too many
    with attacks.open_session(analyst_server) as other:
        # Two files of maxUploadSize fit in a session; a third does not, by its Content-Length.
        too_big = 24 * 1024 * 1024
        assert attacks.put_file(analyst_server, other, too_big) == 204
        assert attacks.put_file(analyst_server, other, too_big) == 204
        assert attacks.put_file(analyst_server, other, too_big) in (413, attacks.RESET)

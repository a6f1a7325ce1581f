"""Run mode: local only when asked for explicitly, and only on loopback; otherwise sign-in or refuse."""

from __future__ import annotations

import pytest

from auth.mode import (
    LOCAL,
    OIDC,
    ModeError,
    check_local_request,
    check_local_server,
    decide_mode,
    is_loopback,
)


@pytest.mark.parametrize(
    ("env", "has_auth", "mode"),
    [
        ("local", False, LOCAL),
        ("LOCAL ", True, LOCAL),
        ("oidc", True, OIDC),
        (None, True, OIDC),
        ("", True, OIDC),
    ],
)
def test_decide_mode(env, has_auth, mode):
    assert decide_mode(env, has_auth) == mode


@pytest.mark.parametrize(("env", "has_auth"), [(None, False), ("", False), ("oidc", False)])
def test_no_sign_in_configured_and_no_explicit_local_mode_refuses(env, has_auth):
    with pytest.raises(ModeError, match=r"\[auth\]"):
        decide_mode(env, has_auth)


def test_unknown_mode_refuses():
    with pytest.raises(ModeError, match="LAGESBILD_MODE"):
        decide_mode("open", True)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses(address):
    assert is_loopback(address)
    check_local_server(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "10.1.2.3", "lagesbild.lan"])
def test_local_mode_refuses_other_addresses(address):
    assert not is_loopback(address)
    with pytest.raises(ModeError, match="127.0.0.1"):
        check_local_server(address)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Host": "localhost:8501"}, {"host": "127.0.0.1:8501"}, {"Host": "[::1]:8501"}],
)
def test_local_requests_pass(headers):
    check_local_request(headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example:8501"},  # DNS rebinding
        {"Host": "192.168.1.5:8501"},
        {"Host": "localhost:8501", "X-Forwarded-For": "10.0.0.7"},
        {"Host": "127.0.0.1", "Forwarded": "for=10.0.0.7"},
    ],
)
def test_local_requests_from_elsewhere_are_refused(headers):
    with pytest.raises(ModeError):
        check_local_request(headers)

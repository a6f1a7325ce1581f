"""How Lägesbild runs: signed in through OIDC, or local mode on one machine (explicit and loopback-only).

Pure: no Streamlit. The decision (see docs/operations.md, "Inloggning"):

- `LAGESBILD_MODE=local`: local mode. No sign-in; the user is `auth.local_user()`. Allowed only
  when the server listens on a loopback address and the request comes straight to it (Host is a
  loopback name, no proxy headers). `make run` sets it.
- `LAGESBILD_MODE=oidc`, or unset with an `[auth]` section in secrets.toml: sign-in with OIDC.
- Unset and no `[auth]` section: refuse. A deployment whose secrets failed to mount must not
  quietly become a local install that lets everybody in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from i18n import Message, MessageError

LOCAL, OIDC = "local", "oidc"

# Headers a reverse proxy adds: a request carrying one did not come straight from this machine.
PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "x-real-ip", "forwarded")


class ModeError(MessageError, RuntimeError):
    """The run mode is not configured, or local mode was asked for where it is not allowed."""


def decide_mode(env_mode: str | None, has_auth_section: bool) -> str:
    """LOCAL or OIDC from `LAGESBILD_MODE` and whether secrets.toml has an `[auth]` section."""
    wanted = (env_mode or "").strip().lower()
    if wanted == LOCAL:
        return LOCAL
    if wanted not in ("", OIDC):
        raise ModeError("mode_unknown", value=repr(env_mode))
    if has_auth_section:
        return OIDC
    raise ModeError("mode_no_sign_in")


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost". None or "" (Streamlit: every interface) is not."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_local_server(address: str | None) -> None:
    """Raise ModeError unless the server only listens on this machine (server.address)."""
    if not is_loopback(address):
        where = address or Message("mode_every_interface")
        raise ModeError("mode_local_not_loopback", address=where)


def check_local_request(headers: Mapping[str, str]) -> None:
    """Raise ModeError unless the request came straight from this machine.

    The Host must be a loopback name (this also stops DNS rebinding: a web page on another name
    that resolves to 127.0.0.1), and no proxy header may be present (a proxy on this machine
    would otherwise hand local mode to the network). An empty mapping (no HTTP request, as in
    AppTest) passes.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    proxied = [h for h in PROXY_HEADERS if h in lowered]
    if proxied:
        raise ModeError("mode_local_proxied", headers=", ".join(proxied))
    host = lowered.get("host")
    if host is not None and not is_loopback(_hostname(host)):
        raise ModeError("mode_local_host", host=repr(host))


def _hostname(host_header: str) -> str:
    """The host part of a Host header: "[::1]:8501" -> "::1", "localhost:8501" -> "localhost"."""
    host = host_header.strip()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host

"""The HTTP guard in front of Streamlit's own endpoints: uploads only from a signed-in analyst,
bounded per session; no framing by other sites; no websocket from another origin.

Not pure like the rest of auth/: an ASGI middleware that `app.py` hands to `st.App` (Streamlit's
documented way to add middleware; Streamlit 1.67 serves through Starlette and uvicorn). It sees
every request before Streamlit does:

- `PUT /_stcore/upload_file/<session>/<file>`: Streamlit keeps an uploaded file in the server's
  memory for any session that asks, also one that only shows the sign-in page. The guard lets
  the request through only when the request itself carries a sign-in with the analyst role
  (OIDC: Streamlit's signed identity cookie, read with the same rules and the same ended-sign-in
  table as the pages; local mode: a request straight from this machine and a local role of
  analyst or above), and only while that session holds fewer than MAX_FILES files and less
  than twice `server.maxUploadSize`. Anything else: 403 (or 413), nothing read from the body.
- Every HTTP answer says it may be framed only by the app itself
  (`Content-Security-Policy: frame-ancestors 'self'`, `X-Frame-Options: SAMEORIGIN`).
- The websocket (`/_stcore/stream`) is refused when the browser says it comes from another
  origin than the address it connects to: Streamlit itself lets any localhost port in, so a
  page on another local port could read local mode over it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlparse

from i18n import t

_LOG = logging.getLogger("lagesbild.http_guard")

# The upload page takes one file at a time; a session may hold a few while the analyst swaps
# files, never more than this many, nor more than this many files of server.maxUploadSize.
MAX_FILES = 3
MAX_SESSION_FILES_OF_MAX_SIZE = 2

SECURITY_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# Set when the guard is constructed, i.e. when the server was started through app.py. The sign-in
# gate refuses to serve real HTTP sessions without it (ui/session.py).
_active = False


def guard_active() -> bool:
    return _active


class HttpGuard:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        global _active  # noqa: PLW0603 - one guard per process, set once at start
        self.app = app
        _active = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = _headers(scope)
            if not same_origin(headers.get("origin"), headers.get("host")):
                _LOG.warning(_said("guard_log_websocket_refused", origin=headers.get("origin")))
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = None
        if scope["method"] == "PUT" and _is_upload(scope["path"]):
            refusal = await _upload_refusal(scope)
        if refusal is not None:
            status, text = refusal
            await _answer(send, status, text)
            return
        await self.app(scope, receive, _with_headers(send))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def same_origin(origin: str | None, host: str | None) -> bool:
    """No Origin (not a browser: it could do anything the guard checks anyway), or an Origin
    whose host and port are the Host the request was sent to."""
    if origin is None:
        return True
    if not host:
        return False
    parsed = urlparse(origin)
    return bool(parsed.scheme) and parsed.netloc.lower() == host.strip().lower()


def _upload_path_prefix() -> str:
    from streamlit import config  # noqa: PLC0415

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/_stcore/upload_file/" if base else "/_stcore/upload_file/"


def _is_upload(path: str) -> bool:
    return path.startswith(_upload_path_prefix())


def _with_headers(send: Send) -> Send:
    async def send_with_headers(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return send_with_headers


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _upload_refusal(scope: Scope) -> tuple[int, str] | None:
    """None when the upload may go on; else (status, reason in Swedish: the request does not say
    the page's language)."""
    from anyio import to_thread  # noqa: PLC0415

    headers = _headers(scope)
    parts = scope["path"][len(_upload_path_prefix()) :].split("/")
    session_id = parts[0] if parts else ""
    # Reading the role rules and the ended sign-ins touches files: off the event loop.
    allowed = await to_thread.run_sync(lambda: may_upload(headers, _cookies(headers)))
    if not allowed:
        _LOG.warning(_said("guard_log_upload_refused", session=session_id[:8]))
        return 403, _said("guard_upload_needs_analyst")
    return _session_bound(session_id, headers)


def _cookies(headers: Mapping[str, str]) -> dict[str, str]:
    from http.cookies import SimpleCookie  # noqa: PLC0415

    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no sign-in
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def may_upload(headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
    """True when this request comes from someone who may upload (analyst or above), by the same
    rules as the pages (auth/mode.py, auth/oidc.py, ended sign-ins)."""
    from auth import local_user  # noqa: PLC0415
    from auth.mode import LOCAL, ModeError, check_local_request, check_local_server
    from auth.oidc import RoleConfigError, user_from_claims
    from auth.sign_in import auth_mode, role_rules, signed_in_claims  # noqa: PLC0415

    try:
        if auth_mode() == LOCAL:
            from streamlit import config  # noqa: PLC0415

            check_local_server(config.get_option("server.address"))
            check_local_request(headers)
            return local_user().can("analyst")
        claims = _cookie_claims(headers, cookies)
        if not claims or not signed_in_claims(claims):
            return False
        user = user_from_claims(claims, role_rules())
    except (ModeError, RoleConfigError, ValueError):
        return False
    return user is not None and user.can("analyst")


def _cookie_claims(headers: Mapping[str, str], cookies: Mapping[str, str]) -> dict[str, Any]:
    """The claims in Streamlit's signed identity cookie, checked as Streamlit checks it when a
    session connects (signature with the cookie secret, and the origin it was issued for)."""
    from streamlit.web.server.starlette.starlette_server_config import (  # noqa: PLC0415
        USER_COOKIE_NAME,
    )
    from streamlit.web.server.starlette.starlette_websocket import (  # noqa: PLC0415
        _get_signed_cookie_with_chunks,
        _parse_decoded_user_cookie,
    )

    decoded = _get_signed_cookie_with_chunks(dict(cookies), USER_COOKIE_NAME)
    if decoded is None:
        return {}
    origin = headers.get("origin") or f"http://{headers.get('host', '')}"
    return _parse_decoded_user_cookie(decoded, origin)


def max_session_bytes() -> int:
    from streamlit import config  # noqa: PLC0415

    return MAX_SESSION_FILES_OF_MAX_SIZE * config.get_option("server.maxUploadSize") * 1024 * 1024


def _session_bound(session_id: str, headers: Mapping[str, str]) -> tuple[int, str] | None:
    """Refuse when the session already holds MAX_FILES files, or this file would take it past
    max_session_bytes() (by Content-Length; Streamlit caps each body itself as it streams)."""
    from streamlit.runtime import Runtime  # noqa: PLC0415

    if not Runtime.exists():
        return None
    held = Runtime.instance().uploaded_file_mgr.file_storage.get(session_id, {})
    if len(held) >= MAX_FILES:
        return 429, _said("guard_too_many_files", files=MAX_FILES)
    size = sum(len(rec.data) for rec in held.values())
    try:
        incoming = int(headers.get("content-length") or 0)
    except ValueError:
        return 400, _said("guard_bad_content_length")
    if size + incoming > max_session_bytes():
        return 413, _said("guard_files_too_large")
    return None


def _said(key: str, **values: object) -> str:
    """A log line or an answer in Swedish (i18n): the guard runs before any page knows the
    reader's language."""
    return t(key, "sv", **values)

"""The signed-in user for this session, checked on the server: the sign-in gate, and current_user().

Two modes (auth/mode.py): OIDC sign-in through `st.login` (roles from the ID token's claims by
the server's `[lagesbild]` rules, auth/oidc.py), or explicit local mode on one machine. The user
is worked out again on every call from what the server holds (Streamlit's signed identity cookie,
read when the session connects, and the server's secrets): nothing the browser can set decides a
role, and nothing about the user is kept in session state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from auth import AccessDenied, User, local_user, protection_enforced
from auth.http_guard import guard_active
from auth.mode import LOCAL, ModeError, check_local_request, check_local_server
from auth.oidc import RoleConfigError, display_identity, user_from_claims
from auth.sign_in import auth_mode, role_rules, sign_in_subject, signed_in_claims
from i18n import error_text, t
from metrics.text import markdown_text
from storage import DatabaseBusy, record_audit
from storage.sign_ins import end_sign_in, sign_in_ended
from ui.data import database, version

_LOG = logging.getLogger("lagesbild.auth")


# -- configuration (server side) ------------------------------------------------------------------


def _claims() -> dict[str, Any]:
    """The identity Streamlit holds for this session (from the signed cookie), as a plain dict."""
    return st.user.to_dict()


def _signed_in(claims: Mapping[str, Any]) -> bool:
    """auth.sign_in.signed_in_claims with the ended sign-ins read through Streamlit's cache."""
    return signed_in_claims(
        claims, ended=lambda subject, issued: _ended(subject, issued, version())
    )


@st.cache_data(show_spinner=False, max_entries=1024)
def _ended(subject: str, issued: int | None, db_version: tuple[int, ...]) -> bool:
    # Keyed on the database version: a sign-out on any replica changes it, and then every
    # process reads the table again at its next page run.
    return sign_in_ended(database(), subject, issued)


def _check_local() -> None:
    check_local_server(st.get_option("server.address"))
    check_local_request(dict(st.context.headers))


# -- the user, for pages and actions --------------------------------------------------------------


def _served_unguarded() -> bool:
    """A browser reached this run, but the server was not started through app.py, so uploads,
    framing and the websocket's origin go unchecked (auth/http_guard.py). AppTest (no HTTP
    request) is not served at all and passes."""
    return bool(dict(st.context.headers)) and not guard_active()


def current_user() -> User:
    """Who is using this session, for every page and every action that changes data.

    Raises AccessDenied when nobody with a role is signed in (the gate in dashboard.py has then
    already shown the sign-in or "no access" page, so pages only see this if called out of turn).
    """
    if _served_unguarded():
        raise AccessDenied("auth_not_started_right")
    try:
        if auth_mode() == LOCAL:
            _check_local()
            return local_user()
        claims = _claims()
        user = user_from_claims(claims, role_rules()) if _signed_in(claims) else None
    except (ModeError, RoleConfigError) as exc:
        raise AccessDenied("auth_not_set_up") from exc
    if user is None:
        raise AccessDenied("auth_nobody_signed_in")
    return user


def public_mode() -> bool:
    """True when this session is in public mode: disclosure control always on, not switchable.

    Decided on the server on every call from the signed-in user's role (`public`) and the
    deployment (`LAGESBILD_PUBLIC=1`); nobody signed in counts as public (fail closed). No URL
    parameter, widget value or session state takes part.
    """
    try:
        user = current_user()
    except AccessDenied:
        user = None
    return protection_enforced(user)


# -- the gate, before navigation ------------------------------------------------------------------


def gate(lang: str) -> User:
    """The user with a role, or a page that stops the run: sign-in, no access, or setup error.

    Called by dashboard.py before it builds the navigation, so someone without a role never gets
    a page registered (a typed URL reaches only the page drawn here).
    """
    if _served_unguarded():
        _LOG.error(t("auth_log_unguarded", "sv"))
        _stop_on(lambda: _setup_error_page(lang, t("auth_unguarded", lang)), "setup")
    try:
        mode = auth_mode()
        if mode == LOCAL:
            _check_local()
            return local_user()
        rules = role_rules()
    except ModeError as exc:
        _LOG.error(t("auth_log_cannot_start", "sv", error=exc))
        message = error_text(exc, lang)
        _stop_on(lambda: _setup_error_page(lang, message), "setup")
    except RoleConfigError as exc:
        # Details go to the server log only: the message names entries of the role table.
        _LOG.error(t("auth_log_config_error", "sv", error=exc))
        _stop_on(lambda: _setup_error_page(lang, t("auth_config_error_body", lang)), "setup")

    claims = _claims()
    if not _signed_in(claims):
        _stop_on(lambda: _login_page(lang, expired=claims.get("is_logged_in") is True), "login")
    user = user_from_claims(claims, rules)
    if user is None:
        who = display_identity(claims, rules)
        _audit_sign_in(who, "login_denied", claims)
        _stop_on(lambda: _denied_page(lang, who), "denied")
    _audit_sign_in(user.name, "login", claims)
    return user


def draw_account(user: User, lang: str) -> None:
    """The sign-out button in the sidebar (OIDC mode; local mode has no sign-in)."""
    if user.local:
        return
    if st.sidebar.button(t("auth_logout", lang), icon=":material/logout:", key="auth_logout"):
        _sign_out(user.name)


def _stop_on(draw: Callable[[], None], url_path: str) -> None:
    """Show one page and nothing else: the navigation holds only it, then the run stops."""
    st.navigation([st.Page(draw, title="Lägesbild", url_path=url_path)], position="hidden").run()
    st.stop()


def _login_page(lang: str, *, expired: bool) -> None:
    st.title(t("app_title", lang))
    st.caption(t("app_tagline", lang))
    if expired:
        st.info(t("auth_expired", lang))
    st.markdown(t("auth_login_body", lang))
    if st.button(t("auth_login", lang), type="primary", icon=":material/login:"):
        st.login()


def _denied_page(lang: str, who: str) -> None:
    st.title(t("auth_denied_title", lang))
    st.markdown(t("auth_denied_body", lang, who=markdown_text(who, limit=80)))
    if st.button(t("auth_logout", lang), icon=":material/logout:"):
        _sign_out(who)


def _setup_error_page(lang: str, message: str) -> None:
    st.title(t("auth_config_error_title", lang))
    st.error(message)


def _sign_out(who: str) -> None:
    """End this sign-in on the server (every replica refuses its cookie from now on), then ask
    Streamlit to drop the cookie and the provider to end its session."""
    subject, issued = sign_in_subject(_claims())
    try:
        end_sign_in(database(), subject, issued, user=who)
    except (DatabaseBusy, OSError) as exc:
        # The cookie is still dropped; the server log says that a copy of it was not revoked.
        _LOG.error(t("auth_log_sign_out_failed", "sv", who=who, error=exc))
    st.logout()
    # Nothing more of this run: the sign-in has ended, so the page it would go on to draw would
    # find no user (current_user raises AccessDenied).
    st.stop()


# -- audit ----------------------------------------------------------------------------------------

_seen_lock = threading.Lock()
_seen: set[tuple[str, str, object]] = set()
_SEEN_LIMIT = 10_000


def _audit_sign_in(who: str, action: str, claims: Mapping[str, Any]) -> None:
    """One audit entry per sign-in (identity and the ID token's issue time), not per page view.

    A sign-in reaches many sessions (every tab and reload reads the same cookie); this process
    remembers which it has logged. After a restart, or on another replica, the same sign-in is
    logged again once, with the same `iat`, so readers can tell.
    """
    key = (who, action, claims.get("iat"))
    with _seen_lock:
        if key in _seen:
            return
        if len(_seen) >= _SEEN_LIMIT:  # a long-running process: forget, at worst log twice
            _seen.clear()
        _seen.add(key)
    detail = {"iat": claims.get("iat"), "provider": claims.get("provider")}
    _record(who, action, detail)


def _record(who: str, action: str, detail: dict) -> None:
    """Write an audit entry; a busy database must not stop a sign-in or sign-out (logged)."""
    try:
        record_audit(database(), who, action, detail)
    except (DatabaseBusy, OSError) as exc:
        _LOG.error(t("auth_log_audit_failed", "sv", action=action, who=who, error=exc))

"""The sign-in rules every door applies alike (the pages' gate and the upload guard): the mode,
the role rules and how long a sign-in holds, read from the server's secrets.toml.

Streamlit keeps the secrets (`st.secrets`) and the signed identity cookie; what a sign-in's claims
mean is decided here, once, so the HTTP guard (auth/http_guard.py, outside any script run) and
the pages (ui/session.py) cannot drift apart.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from auth.mode import decide_mode
from auth.oidc import RoleRules, load_role_rules
from storage import open_database
from storage.sign_ins import sign_in_ended


def secrets_section(name: str) -> dict[str, Any]:
    """A top-level secrets.toml table as a dict; {} when there is no such table or no file."""
    try:
        if name not in st.secrets:
            return {}
        section = st.secrets[name]
    except (FileNotFoundError, KeyError):
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def has_auth_section() -> bool:
    """secrets.toml has an `[auth]` section (OIDC is configured)."""
    return bool(secrets_section("auth"))


def auth_mode() -> str:
    """LOCAL or OIDC (auth/mode.py); raises ModeError when neither is configured."""
    return decide_mode(os.environ.get("LAGESBILD_MODE"), has_auth_section())


def role_rules() -> RoleRules:
    """The `[lagesbild]` rules from secrets.toml; raises RoleConfigError when they are invalid."""
    return load_role_rules(secrets_section("lagesbild"))


def max_session_hours() -> float:
    """How long a sign-in lasts (`[lagesbild] max_session_hours`, default 12) before a new one."""
    value = secrets_section("lagesbild").get("max_session_hours", 12)
    hours = float(value) if isinstance(value, int | float) and value > 0 else 12.0
    # At most a week: ended sign-ins are kept that long (storage/sign_ins.py KEEP).
    return min(hours, 7 * 24.0)


def sign_in_subject(claims: Mapping[str, Any]) -> tuple[str, int | None]:
    """The key a sign-out is kept under: the token's `sub` (else its e-mail) and its `iat`."""
    subject = claims.get("sub") or claims.get("email") or ""
    issued = claims.get("iat")
    return str(subject), int(issued) if isinstance(issued, int | float) else None


def _ended_in_database(subject: str, issued: int | None) -> bool:
    db = open_database()
    db.ensure()  # cheap when nothing is to do; the pages' database() does the same
    return sign_in_ended(db, subject, issued)


def signed_in_claims(
    claims: Mapping[str, Any],
    *,
    ended: Callable[[str, int | None], bool] = _ended_in_database,
) -> bool:
    """Signed in, not longer ago than max_session_hours (by the ID token's `iat`), and not ended
    by a sign-out (storage/sign_ins.py: a copy of the cookie taken before is refused).

    `ended(subject, issued)` says whether a sign-out ended this sign-in (on any replica: it is
    kept in the database); by default it reads the process's database (open_database, the same
    one the pages use), uncached, as the upload guard needs outside a script run. The pages pass
    their cached read (ui/session.py)."""
    if claims.get("is_logged_in") is not True:
        return False
    issued = claims.get("iat")
    if isinstance(issued, int | float) and time.time() - issued > max_session_hours() * 3600:
        return False
    return not ended(*sign_in_subject(claims))

"""Who is using Lägesbild and what they may do: roles, and the server-side checks pages call."""

from __future__ import annotations

import os
from dataclasses import dataclass

from i18n import MessageError

ROLES = ("public", "viewer", "analyst", "admin")
PUBLIC_ENV = "LAGESBILD_PUBLIC"
"""A deployment setting: `LAGESBILD_PUBLIC=1` makes every session of this server a public one."""
_RANK = {role: i for i, role in enumerate(ROLES)}


class AccessDenied(MessageError, PermissionError):
    """The signed-in user's role does not allow this page or action (an i18n message)."""


class PublicSettingError(MessageError, ValueError):
    """LAGESBILD_PUBLIC holds a value that is neither on nor off."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    local: bool  # local mode: one machine, no sign-in (shown on screen)

    def can(self, role: str) -> bool:
        """True if this user's role is `role` or above (public < viewer < analyst < admin)."""
        return _RANK[self.role] >= _RANK[role]


def public_deployment(environ: dict[str, str] | None = None) -> bool:
    """True when the server is set up as a public deployment (`LAGESBILD_PUBLIC` is 1/true/yes).

    Any other non-empty value is a typo the operator must hear about (ValueError), not a quiet
    "off": a public server that lost its setting would show every small count.
    """
    value = (os.environ if environ is None else environ).get(PUBLIC_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise PublicSettingError("auth_public_setting", name=PUBLIC_ENV, value=repr(value))


def protection_enforced(user: User | None, environ: dict[str, str] | None = None) -> bool:
    """True when disclosure control is always on for this user: the `public` role, a public
    deployment, or nobody known (fail closed). Decided from the server's settings and the
    signed-in user only; nothing the browser sends (URL, widget, session state) takes part."""
    try:
        deployment = public_deployment(environ)
    except ValueError:
        return True
    return user is None or user.role == "public" or deployment


def local_user() -> User:
    """The user in local mode: name from LAGESBILD_LOCAL_USER or the OS, role from
    LAGESBILD_LOCAL_ROLE (default analyst, so one person can run the whole month locally)."""
    role = os.environ.get("LAGESBILD_LOCAL_ROLE", "analyst")
    if role not in _RANK:
        raise ValueError(f"LAGESBILD_LOCAL_ROLE must be one of {', '.join(ROLES)}, not {role!r}")
    name = os.environ.get("LAGESBILD_LOCAL_USER") or os.environ.get("USER") or "lokal"
    return User(name=name, role=role, local=True)


def require(user: User, role: str) -> None:
    """Raise AccessDenied unless `user` has `role` or above. Call before any change to data."""
    if not user.can(role):
        raise AccessDenied("auth_denied", name=user.name, role=user.role, required=role)

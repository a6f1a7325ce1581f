"""Who is using Lägesbild and what they may do: roles, and the server-side checks pages call."""

from __future__ import annotations

import os
from dataclasses import dataclass

ROLES = ("viewer", "analyst", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}


class AccessDenied(PermissionError):
    """The signed-in user's role does not allow this page or action."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    local: bool  # local mode: one machine, no sign-in (shown on screen)

    def can(self, role: str) -> bool:
        """True if this user's role is `role` or above (viewer < analyst < admin)."""
        return _RANK[self.role] >= _RANK[role]


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
        raise AccessDenied(f"{user.name} ({user.role}) saknar behörighet: kräver {role}.")

"""Who may do what: the one rule for the roles the operations check (pages ask the same questions)."""

from __future__ import annotations

from auth import User, protection_enforced, require

ANALYST = "analyst"
"""Who changes data (uploads and their undo, notes, events, process changes) and reads the
upload history and the reporting status; admins are above them."""

VIEWER = "viewer"
"""Who sees unprotected figures and the suppliers' reporting status; the public role is below."""


def require_analyst(user: User) -> None:
    """Raise auth.AccessDenied (a Swedish message) unless the user is an analyst or above."""
    require(user, ANALYST)


def is_analyst(user: User) -> bool:
    """True when the user may change data (what pages ask before offering a form)."""
    return user.can(ANALYST)


def protected_view(user: User | None, briefing: bool) -> bool:
    """Whether what this user is shown is disclosure-protected: briefing mode asked for, or
    protection enforced whatever they ask (the public role, a public deployment, nobody known;
    auth.protection_enforced)."""
    return briefing or protection_enforced(user)

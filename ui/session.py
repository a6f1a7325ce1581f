"""The signed-in user for this session, as every page and action asks for it (checked on the server)."""

from __future__ import annotations

from auth import User, local_user


def current_user() -> User:
    """Who is using this session. Local mode until sign-in (OIDC) is configured."""
    return local_user()

"""Who a signed-in person is and which role they get: ID-token claims -> User, by server-side rules.

Pure: no Streamlit. The rules come from the server's secrets (`[lagesbild]` in
.streamlit/secrets.toml, see .streamlit/secrets.toml.example); the claims come from the identity
provider's signed ID token (Streamlit checks the signature and keeps them in a signed cookie).
Nothing the browser can set (query parameters, widgets, session state) takes part.

Deny by default: a role is granted only by an explicit entry in `[lagesbild.groups]` (a value of
the configured role claim, e.g. a group or an app role) or `[lagesbild.users]` (the user's
identity, e.g. their e-mail address). A person matched by several entries gets the highest of
those roles; a person matched by none gets no role and sees only "Du saknar behörighet".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auth import ROLES, User
from i18n import MessageError, t


class RoleConfigError(MessageError, ValueError):
    """The server's role configuration is invalid (the app then lets nobody in); an i18n message
    naming the entry (for the server's log)."""


@dataclass(frozen=True)
class RoleRules:
    """How claims become a role.

    role_claim: the ID-token claim that lists the user's groups or roles; a dotted path reaches
        into nested claims (Keycloak: "realm_access.roles"). Its value may be a list of strings or
        one string.
    user_claim: the claim that identifies the user: shown on screen, written in the audit log and
        matched against `users` (case-insensitive). Prefer a claim the user cannot change.
    groups: role-claim value -> role (exact, case-sensitive match).
    users: identity (lower case) -> role.
    """

    role_claim: str = "groups"
    user_claim: str = "email"
    groups: Mapping[str, str] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)


def load_role_rules(section: Mapping[str, object] | None) -> RoleRules:
    """Rules from the `[lagesbild]` secrets section (None or empty: nobody gets a role).

    Raises RoleConfigError, naming the entry, for an unknown role or a malformed table.
    """
    section = dict(section or {})
    role_claim = section.get("role_claim", "groups")
    user_claim = section.get("user_claim", "email")
    for name, value in (("role_claim", role_claim), ("user_claim", user_claim)):
        if not isinstance(value, str) or not value.strip():
            raise RoleConfigError("auth_rules_claim", name=name)
    return RoleRules(
        role_claim=role_claim.strip(),
        user_claim=user_claim.strip(),
        groups=_role_table(section.get("groups"), "groups", lower=False),
        users=_role_table(section.get("users"), "users", lower=True),
    )


def _role_table(table: object, name: str, *, lower: bool) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise RoleConfigError("auth_rules_table", name=name)
    out: dict[str, str] = {}
    for key, role in table.items():
        if role not in ROLES:
            raise RoleConfigError(
                "auth_rules_role",
                name=name,
                entry=repr(key),
                role=repr(role),
                roles=", ".join(ROLES),
            )
        out[str(key).strip().lower() if lower else str(key)] = role
    return out


def claim_values(claims: Mapping[str, object], path: str) -> list[str]:
    """The strings at a (dotted) claim path: a list's string items, or one string; else []."""
    value: object = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def identity(claims: Mapping[str, object], rules: RoleRules) -> str | None:
    """The user's identity from `user_claim`, or None when the token lacks it.

    An e-mail address is an identity only when the token says the provider verified it
    (`email_verified: true`; a missing claim is not a yes): whoever controls an unverified
    address must neither inherit its role from `[lagesbild.users]` nor appear under it in the
    audit log. The example configuration grants admin by e-mail, so this is the rule that holds
    it.
    """
    values = claim_values(claims, rules.user_claim)
    if not values or not values[0].strip():
        return None
    if _is_email_claim(rules.user_claim) and claims.get("email_verified") is not True:
        return None
    return values[0].strip()


def _is_email_claim(path: str) -> bool:
    """The user claim is an e-mail address (OIDC's `email`, or a nested `....email`)."""
    return path.rsplit(".", 1)[-1].lower() == "email"


def resolve_role(claims: Mapping[str, object], rules: RoleRules) -> str | None:
    """The highest role the rules grant these claims, or None (no access)."""
    granted = [rules.groups[v] for v in claim_values(claims, rules.role_claim) if v in rules.groups]
    who = identity(claims, rules)
    if who is not None and who.lower() in rules.users:
        granted.append(rules.users[who.lower()])
    if not granted:
        return None
    return max(granted, key=ROLES.index)


def user_from_claims(claims: Mapping[str, object], rules: RoleRules) -> User | None:
    """The signed-in User, or None when the person has no role (or no usable identity)."""
    if claims.get("is_logged_in") is not True:
        return None
    who = identity(claims, rules) or _fallback_identity(claims)
    if who is None:
        return None
    role = resolve_role(claims, rules)
    if role is None:
        return None
    return User(name=who, role=role, local=False)


def _fallback_identity(claims: Mapping[str, object]) -> str | None:
    """The token's `sub`: stable and unique at the provider; used when `user_claim` is missing."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        return None
    return sub


def display_identity(claims: Mapping[str, object], rules: RoleRules) -> str:
    """Who is signed in, for the "no access" page (so they can tell an administrator) and the
    audit log; someone the token does not name is recorded as "okänd" (Swedish, as the log)."""
    return identity(claims, rules) or _fallback_identity(claims) or t("auth_unknown_identity", "sv")

"""Claims -> role: only explicit server-side rules grant a role; the highest match wins; bad rules fail."""

from __future__ import annotations

import pytest

from auth import ROLES
from auth.oidc import (
    RoleConfigError,
    RoleRules,
    claim_values,
    display_identity,
    load_role_rules,
    resolve_role,
    user_from_claims,
)

RULES = load_role_rules(
    {
        "role_claim": "groups",
        "user_claim": "email",
        "groups": {
            "lagesbild-lasare": "viewer",
            "lagesbild-analytiker": "analyst",
            "lagesbild-admin": "admin",
        },
        "users": {"Anna.Admin@Polisen.se": "admin", "stina@region.se": "viewer"},
    }
)


def signed_in(**claims):
    return {"is_logged_in": True, "sub": "s-1", **claims}


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["lagesbild-lasare"], "viewer"),
        (["lagesbild-analytiker"], "analyst"),
        (["lagesbild-admin"], "admin"),
        (["lagesbild-lasare", "lagesbild-analytiker"], "analyst"),  # highest wins
        (["annat-system-admin", "lagesbild-lasare"], "viewer"),
        ("lagesbild-analytiker", "analyst"),  # one string, not a list
    ],
)
def test_groups_map_to_roles(groups, role):
    assert resolve_role(signed_in(email="x@y.se", groups=groups), RULES) == role


@pytest.mark.parametrize(
    "claims",
    [
        signed_in(email="x@y.se"),  # no groups claim
        signed_in(email="x@y.se", groups=[]),
        # role names are not rules: only the configured table grants a role
        signed_in(email="x@y.se", groups=["admin", "analyst", "viewer"]),
        signed_in(email="x@y.se", groups=["Lagesbild-Admin"]),  # group match is exact
        signed_in(email="x@y.se", groups=[{"name": "lagesbild-admin"}]),  # not a string
        signed_in(email="x@y.se", groups=None),
        signed_in(email="x@y.se", roles=["lagesbild-admin"]),  # another claim than configured
    ],
)
def test_deny_by_default(claims):
    assert resolve_role(claims, RULES) is None
    assert user_from_claims(claims, RULES) is None


def test_users_table_matches_identity_case_insensitively_and_takes_the_highest():
    admin = signed_in(email="anna.admin@polisen.se", email_verified=True)
    assert resolve_role(admin, RULES) == "admin"
    both = signed_in(email="stina@region.se", email_verified=True, groups=["lagesbild-analytiker"])
    assert resolve_role(both, RULES) == "analyst"


@pytest.mark.parametrize("verified", [False, None, "true", 1, "missing"])
def test_an_email_rule_matches_only_a_token_that_says_email_verified_true(verified):
    claims = signed_in(email="anna.admin@polisen.se", email_verified=verified)
    if verified == "missing":
        del claims["email_verified"]
    assert resolve_role(claims, RULES) is None
    # Nor does the unverified address become the name shown and written in the audit log.
    with_group = {**claims, "groups": ["lagesbild-lasare"]}
    user = user_from_claims(with_group, RULES)
    assert user is not None and (user.name, user.role) == ("s-1", "viewer")
    confirmed = signed_in(email="anna.admin@polisen.se", email_verified=True)
    assert resolve_role(confirmed, RULES) == "admin"


def test_user_from_claims_needs_a_sign_in():
    claims = {
        "email": "anna.admin@polisen.se",
        "email_verified": True,
        "groups": ["lagesbild-admin"],
    }
    assert user_from_claims(claims, RULES) is None
    assert user_from_claims({**claims, "is_logged_in": "true"}, RULES) is None  # only True
    user = user_from_claims({**claims, "is_logged_in": True}, RULES)
    assert user is not None and (user.name, user.role, user.local) == (
        "anna.admin@polisen.se",
        "admin",
        False,
    )


def test_identity_falls_back_to_sub_when_the_user_claim_is_missing():
    user = user_from_claims(signed_in(groups=["lagesbild-lasare"]), RULES)
    assert user is not None and user.name == "s-1"
    assert display_identity({"is_logged_in": True}, RULES) == "okänd"


def test_nested_claims_by_dotted_path():
    rules = load_role_rules(
        {"role_claim": "realm_access.roles", "groups": {"lagesbild_analyst": "analyst"}}
    )
    claims = signed_in(email="a@b.se", realm_access={"roles": ["offline", "lagesbild_analyst"]})
    assert resolve_role(claims, rules) == "analyst"
    assert claim_values(claims, "realm_access.missing") == []
    assert claim_values({"a": "x"}, "a.b") == []


def test_empty_or_missing_section_grants_nothing():
    assert load_role_rules(None) == RoleRules()
    claims = signed_in(email="a@b.se", groups=["lagesbild-admin"])
    assert user_from_claims(claims, load_role_rules({})) is None


@pytest.mark.parametrize(
    "section",
    [
        {"groups": {"g": "superuser"}},
        {"users": {"a@b.se": "Admin"}},
        {"groups": ["g"]},
        {"role_claim": ""},
        {"user_claim": 3},
    ],
)
def test_invalid_rules_are_refused(section):
    with pytest.raises(RoleConfigError):
        load_role_rules(section)


def test_roles_are_ordered():
    assert ROLES == ("public", "viewer", "analyst", "admin")

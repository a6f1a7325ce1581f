"""Public mode is decided by the server: the `public` role or LAGESBILD_PUBLIC, failing closed."""

from __future__ import annotations

import pytest

from auth import User, protection_enforced, public_deployment


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", False), ("0", False), ("no", False), ("1", True), ("true", True), (" YES ", True)],
)
def test_the_deployment_setting(value, expected):
    assert public_deployment({"LAGESBILD_PUBLIC": value}) is expected


def test_a_misspelt_setting_is_an_error_and_protects():
    with pytest.raises(ValueError, match="LAGESBILD_PUBLIC"):
        public_deployment({"LAGESBILD_PUBLIC": "ja"})
    admin = User("a", "admin", local=False)
    assert protection_enforced(admin, {"LAGESBILD_PUBLIC": "ja"})


@pytest.mark.parametrize(
    ("role", "env", "expected"),
    [
        ("public", {}, True),
        ("viewer", {}, False),
        ("admin", {}, False),
        ("admin", {"LAGESBILD_PUBLIC": "1"}, True),
        ("viewer", {"LAGESBILD_PUBLIC": "0"}, False),
    ],
)
def test_the_role_or_the_deployment_enforces_it(role, env, expected):
    assert protection_enforced(User("x", role, local=False), env) is expected


def test_nobody_known_is_protected():
    assert protection_enforced(None, {})


def test_public_is_the_lowest_role():
    public = User("p", "public", local=False)
    assert public.can("public") and not public.can("viewer")
    assert User("v", "viewer", local=False).can("public")

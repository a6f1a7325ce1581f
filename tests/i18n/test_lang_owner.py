"""The language type has one owner (issue 14 item 3): i18n defines `Lang`; every other module
imports it, so adding a language changes one line."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from i18n import LANGUAGES, Lang

ROOT = Path(__file__).resolve().parents[2]
NOT_APP = {"tests", ".venv", ".git", "test-artifacts", "data"}


def _defines_lang(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(target, ast.Name) and target.id == "Lang" for target in targets):
            return True
    return False


def test_lang_is_defined_once_in_i18n():
    owners = sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if not NOT_APP & set(path.relative_to(ROOT).parts) and _defines_lang(path)
    )
    assert owners == ["i18n/__init__.py"]


def test_the_type_and_the_list_of_languages_agree():
    assert get_args(Lang) == LANGUAGES

"""Every page file stops a run that did not come through dashboard.py before it draws anything."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = sorted((Path(__file__).resolve().parents[2] / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_page_starts_with_require_entry(path):
    body = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    first = body[0]
    assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
    assert getattr(first.value.func, "id", None) == "require_entry", (
        f"{path.name}: the first statement must be require_entry() (ui/entry.py)"
    )


def test_every_page_file_is_checked():
    assert {p.stem for p in PAGES} >= {"overview", "goals", "indicator", "upload", "audit"}

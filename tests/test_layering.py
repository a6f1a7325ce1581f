"""The layering as a test, read from the source with ast (nothing is imported).

Imports point one way (docs/contracts.md, DESIGN.md): pages -> ui (Streamlit glue) -> services
(framework-free operations with their role checks) -> metrics, storage, ingest, charts, exports.
`metrics/` and `schemas/` are pure (no streamlit, plotly or duckdb); a chart draws what it is
handed (no storage, no Streamlit); pages hold no storage and no SQL; services no Streamlit; and
no two packages import each other, directly or round a loop.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_CODE = {"tests", ".venv", ".git", "data", "docs", "test-artifacts", "deploy_runs"}
SQL_TEXT = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b.+\bSET|DELETE\s+FROM|CREATE\s+TABLE)\b",
    re.IGNORECASE | re.DOTALL,
)

# package -> top-level modules it must never import (its own or third-party)
FORBIDDEN = {
    "metrics": {"streamlit", "plotly", "duckdb", "storage", "ui", "pages", "services", "charts"},
    "schemas": {"streamlit", "plotly", "duckdb", "storage", "ui", "pages", "services", "charts"},
    "charts": {"storage", "streamlit", "ui", "pages", "services", "duckdb"},
    "services": {"streamlit", "ui", "pages", "plotly"},
    "storage": {"streamlit", "ui", "pages", "services", "charts", "plotly"},
    "exports": {"streamlit", "ui", "pages", "services", "storage", "duckdb"},
    "ingest": {"streamlit", "ui", "pages", "services", "plotly"},
    "pages": {"storage", "duckdb"},
}

# Cycles between packages known when this test was written, each with the work that removes it.
# The test fails when a listed cycle is gone (take it off the list) as well as on a new one.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _packages() -> list[str]:
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir()
        and p.name not in NOT_CODE
        and not p.name.startswith(".")
        and any(p.glob("*.py"))
    )


@cache
def _imports() -> dict[str, dict[str, set[str]]]:
    """package -> file (relative) -> top-level names it imports (absolute imports only; a
    relative import stays inside its package)."""
    found: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for package in _packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            names: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
            found[package][str(path.relative_to(ROOT))] = names
    return found


def _graph() -> dict[str, set[str]]:
    packages = set(_packages())
    graph: dict[str, set[str]] = {p: set() for p in packages}
    for package, files in _imports().items():
        for names in files.values():
            graph[package] |= (names & packages) - {package}
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_layered_packages_are_all_there():
    assert {"metrics", "schemas", "charts", "services", "storage", "pages", "ui"} <= set(
        _packages()
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_below_or_beside_its_layer(package):
    offenders = {
        f"{path} imports {name}"
        for path, names in _imports()[package].items()
        for name in names & FORBIDDEN[package]
    }
    assert not offenders, sorted(offenders)


def test_pages_hold_no_sql():
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SQL_TEXT.search(text):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


def test_no_import_cycles_between_packages():
    cycles = _cycles(_graph())
    new = {" <-> ".join(sorted(c)) for c in cycles - set(KNOWN_CYCLES)}
    assert not new, f"new import cycles between packages: {sorted(new)}"
    gone = {" <-> ".join(sorted(c)) for c in set(KNOWN_CYCLES) - cycles}
    assert not gone, f"these cycles are gone, take them off KNOWN_CYCLES: {sorted(gone)}"


def test_the_cycle_finder_finds_a_loop_through_three_packages():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == {frozenset({"a", "b", "c"})}
    assert _cycles({"a": {"b"}, "b": set()}) == set()

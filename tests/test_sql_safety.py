"""Nothing read from a file or a widget reaches SQL as text: only storage/ speaks SQL, with constant text.

Every SQL call in storage/ (execute, executemany, sql, query) must get its statement from
constants: string literals, module-level constants, f-strings and `+` joins of those, a loop over a
tuple of literals. Anything else (a parameter, `.format`, `%`, a value read at run time) fails
unless its line carries `# noqa: S608` with a reason, the marker for the reviewed fixed-name cases.
Values always go in as bind parameters. Pages hold no SQL and no DuckDB at all.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SQL_METHODS = {"execute", "executemany", "sql", "query"}
SQL_TEXT = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b.+\bSET|DELETE\s+FROM|DROP\s+TABLE|ATTACH)\b",
    re.IGNORECASE | re.DOTALL,
)


class _ConstantSql:
    """Decides whether an expression can only ever be text written in the source."""

    def __init__(self, tree: ast.Module) -> None:
        self.module_constants: dict[str, ast.expr] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.module_constants[target.id] = node.value
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                self.module_constants[node.target.id] = node.value

    def is_constant(self, expr: ast.expr, function: ast.AST | None, seen=frozenset()) -> bool:
        """True when the value can only be made of literals written in the source."""
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            return all(self.is_constant(e, function, seen) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(
                k is not None and self.is_constant(k, function, seen) for k in expr.keys
            ) and all(self.is_constant(v, function, seen) for v in expr.values)
        if isinstance(expr, ast.JoinedStr):
            return all(
                isinstance(v, ast.Constant)
                or (
                    isinstance(v, ast.FormattedValue)
                    and v.format_spec is None
                    and self.is_constant(v.value, function, seen)
                )
                for v in expr.values
            )
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self.is_constant(expr.left, function, seen) and self.is_constant(
                expr.right, function, seen
            )
        if isinstance(expr, ast.IfExp):
            return self.is_constant(expr.body, function, seen) and self.is_constant(
                expr.orelse, function, seen
            )
        if isinstance(expr, ast.Name) and expr.id not in seen:
            seen = seen | {expr.id}
            local = self._local_bindings(function, expr.id)
            if local is not None:
                return bool(local) and all(self.is_constant(v, function, seen) for v in local)
            if expr.id in self.module_constants:
                return self.is_constant(self.module_constants[expr.id], None, seen)
        return False

    @staticmethod
    def _local_bindings(function: ast.AST | None, name: str) -> list[ast.expr] | None:
        """What a function binds `name` to: assigned values, or the iterable of a `for` loop
        (whose items are constant when the iterable is).

        None when the function does not bind it (then it may be a module constant); a binding we
        cannot see through (a parameter, `with ... as`, augmented assignment) gives [].
        """
        if function is None:
            return None
        args = getattr(function, "args", None)
        if args is not None:
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            if any(a is not None and a.arg == name for a in every):
                return []
        values: list[ast.expr] = []
        bound = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                bound = True
                values.append(node.value)
            elif isinstance(node, ast.For | ast.comprehension) and any(
                isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.target)
            ):
                bound = True
                values.append(node.iter)
            elif _opaque_binding(node, name):
                return []
        return values if bound else None


def _opaque_binding(node: ast.AST, name: str) -> bool:
    """A binding of `name` the checker does not follow: `+=`, annotated or walrus assignment,
    `with ... as`, or tuple unpacking in an assignment."""
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
        return isinstance(node.target, ast.Name) and node.target.id == name
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return any(isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.optional_vars))
    if isinstance(node, ast.Assign):
        return any(
            isinstance(t, ast.Name) and t.id == name
            for target in node.targets
            if not isinstance(target, ast.Name)
            for t in ast.walk(target)
        )
    return False


def _functions_by_node(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """The innermost function around each node (ast.walk visits outer functions first)."""
    owner: dict[ast.AST, ast.AST] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if node is not fn:
                    owner[node] = fn
    return owner


def unsafe_sql_calls(source: str, filename: str = "<source>") -> list[str]:
    """Calls whose SQL text is not constant and whose lines carry no `# noqa: S608`."""
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    constant = _ConstantSql(tree)
    owner = _functions_by_node(tree)
    problems = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_METHODS
        ):
            continue
        statement = node.args[0] if node.args else None
        if statement is None:
            statement = next((k.value for k in node.keywords if k.arg == "query"), None)
        if statement is None or constant.is_constant(statement, owner.get(node)):
            continue
        if _reviewed(node, lines) or _reviewed_binding(statement, owner.get(node), lines):
            continue
        problems.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:120]}")
    return problems


def _reviewed(node: ast.AST, lines: list[str]) -> bool:
    """The node's lines carry `# noqa: S608` (a reviewed fixed-name case)."""
    span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
    return any("noqa: S608" in line for line in span)


def _reviewed_binding(statement: ast.expr, function: ast.AST | None, lines: list[str]) -> bool:
    """A local name whose every assignment carries `# noqa: S608` where it builds the text."""
    if not isinstance(statement, ast.Name) or function is None:
        return False
    assigns = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == statement.id for t in n.targets)
    ]
    return bool(assigns) and all(_reviewed(n, lines) for n in assigns)


STORAGE_FILES = sorted((ROOT / "storage").glob("*.py"))
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", STORAGE_FILES, ids=lambda p: p.name)
def test_storage_builds_sql_only_from_constants(path):
    source = path.read_text(encoding="utf-8")
    assert unsafe_sql_calls(source, path.name) == []


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_hold_no_sql(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "duckdb" not in imported, f"{path.name} imports duckdb: SQL belongs in storage/"
    calls = [
        ast.unparse(n)[:80]
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in {"execute", "executemany", "sql"}
    ]
    assert calls == [], f"{path.name} runs SQL: {calls}"
    texts = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and SQL_TEXT.search(n.value)
    ]
    assert texts == [], f"{path.name} holds SQL text: {texts}"


def test_only_storage_imports_duckdb():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {".venv", "storage", "tests", "bench"} or rel.parts[0].startswith("."):
            continue
        if re.search(r"^\s*(import duckdb|from duckdb)", path.read_text("utf-8"), re.MULTILINE):
            offenders.append(str(rel))
    assert offenders == []


# -- the checker itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'con.execute("SELECT * FROM t WHERE a = ?", [a])',
        'T = "obs"\ndef f(con):\n    con.execute(f"SELECT * FROM {T}")',
        'def f(con, ro):\n    sql = "ATTACH ?" + (" (READ_ONLY)" if ro else "")\n    con.execute(sql, [p])',
        'def f(con):\n    for t in ("a", "b"):\n        con.execute(f"DELETE FROM {t}")',
        'def f(con, name):\n    con.execute(f"DELETE FROM {name}")  # noqa: S608 - fixed names',
        'def f(con, t):\n    sql = f"SELECT 1 FROM {t}"  # noqa: S608\n    con.execute(sql)',
        "Q = 'SELECT 1'\ncon.sql(Q)",
        'M = [(1, ["CREATE TABLE a (x INT)"])]\ndef f(con):\n    for _n, stmts in M:\n        for s in stmts:\n            con.execute(s)',
        "Q = '''SELECT 1'''\ncon.sql(Q)",
    ],
)
def test_checker_accepts_constant_sql(code):
    assert unsafe_sql_calls(code) == []


@pytest.mark.parametrize(
    "code",
    [
        "def f(con, area):\n    con.execute(f\"SELECT * FROM o WHERE area = '{area}'\")",
        "def f(con, area):\n    con.execute(\"SELECT * FROM o WHERE area = '%s'\" % area)",
        'def f(con, area):\n    con.execute("SELECT * FROM o WHERE area = {}".format(area))',
        'def f(con, area):\n    con.execute("SELECT * FROM o WHERE area = \'" + area + "\'")',
        "def f(con, sql):\n    con.execute(sql)",
        'def f(con, col):\n    q = "SELECT "\n    q += col\n    con.execute(q)',
        'def f(con, rows):\n    for t in rows:\n        con.execute(f"DELETE FROM {t}")',
        'def f(con, area):\n    con.sql(query=f"SELECT {area}")',
        'def f(con, x):\n    con.execute(f"SELECT {x!r}")',
        "def f(con, path):\n    for n, sql in read(path):\n        con.execute(sql)",
        "def f(con, a):\n    s, _ = a, 1\n    con.execute(s)",
    ],
)
def test_checker_flags_text_built_from_values(code):
    assert len(unsafe_sql_calls(code)) == 1

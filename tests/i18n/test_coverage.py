"""Every user text goes through i18n/: both languages have every key with the same
placeholders, every key the code uses exists, no key is left unused, and no Swedish text is
written outside i18n/ in the application's code (issue 14 item 4)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from i18n import Message, MessageError, en, sv, t

ROOT = Path(__file__).resolve().parents[2]
NOT_APP = {"tests", "i18n", ".venv", ".git", "test-artifacts", "data"}

# Swedish words that are not UI text, each with its reason.
ALLOWED_WORDS = {
    "Lägesbild": "the product's name, the same in every language",
    "BRÅ": "an agency's name (Brottsförebyggande rådet), the same in every language",
    # The upload contract (DESIGN.md): Swedish headers and status words a file may carry.
    "månad": "upload contract: a Swedish column header",
    "område": "upload contract: a Swedish column header",
    "värde": "upload contract: a Swedish column header",
    "nämnare": "upload contract: a Swedish column header",
    "preliminär": "upload contract: a status word",
    "preliminära": "upload contract: a status word",
    "period_månad": "upload contract: a Swedish column header (ingest/reader.py HEADER_ALIASES)",
    "områdeskod": "upload contract: a Swedish column header",
    "område_kod": "upload contract: a Swedish column header",
    "täljare": "upload contract: a Swedish column header",
    "År": "BRÅ's SOL export: a column header (Region;Brott;År;Period;Antal)",
    # SCB's population exports (ingest/scb.py): the dimension and category labels SCB writes.
    "ålder": "SCB export: a dimension label",
    "kön": "SCB export: a dimension label",
    "år": "SCB export: a dimension label and age unit",
    "män": "SCB export: a category label",
    "åldrar": "SCB export: a category label",
    "tabellinnehåll": "SCB export: a dimension label",
    "folkmängd": "SCB export: the content label",
}
# Whole files whose Swedish literals are data, not text, each with its reason.
ALLOWED_FILES = {
    "storage/schema.py": "migrations on main are never edited; their event labels are stored data (sv and en)",
    "demo/load.py": "demo data: an analyst's event label as the demo loader records it (with its English)",
    "demo/population.py": "demo data: the population table's source notes, stored as data",
    "bench/national.py": "the benchmark's synthetic national catalog (data written to a TOML file)",
    "metrics/redaction.py": "the Swedish number words briefing mode masks in free text (patterns)",
}
# Not converted yet (issue 14 item 4): the list may only shrink; a file that is clean must
# leave it (test_pending_files_still_need_it). Every file is converted now.
PENDING: set[str] = set()
# Keys defined ahead of the code that draws them, each with its reason; a key in use leaves.
RESERVED_KEYS: dict[str, str] = {}
SWEDISH_WORD = re.compile(r"\w*[åäöÅÄÖ]\w*")
KEY = re.compile(r"[a-z][a-z0-9_]*")


def _app_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not NOT_APP & set(p.relative_to(ROOT).parts))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _docstrings(tree: ast.Module) -> set[int]:
    """Strings standing alone as statements: docstrings of modules, classes, functions and
    constants (they are for the people reading the code)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _swedish_literals(path: Path) -> list[tuple[int, str]]:
    tree = _tree(path)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            words = [w for w in SWEDISH_WORD.findall(node.value) if w not in ALLOWED_WORDS]
            if words:
                found.append((node.lineno, node.value))
    return found


def _error_classes() -> set[str]:
    """Names of the MessageError subclasses the app defines (their first argument is a key)."""
    names = {"MessageError"}
    for path in _app_files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                bases = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                if bases & names or "MessageError" in bases:
                    names.add(node.name)
    return names


def _used_keys() -> tuple[set[str], set[str], set[str]]:
    """(keys named literally as t()/Message()/error keys, every string literal, prefixes
    keys are built from: t("kind_" + kind), t(f"comment_kind_{kind}"))."""
    # Two passes so a subclass of a subclass counts (ProcessChangeError < CommentaryError).
    errors = _error_classes()
    errors |= {
        node.name
        for path in _app_files()
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef)
        and {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases} & errors
    }
    called, literals, prefixes = set(), set(), set()
    for path in [*_app_files(), ROOT / "i18n" / "__init__.py"]:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and KEY.fullmatch(head.value or "-"):
                    prefixes.add(head.value)
            elif (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Add)
                and isinstance(node.left, ast.Constant)
                and KEY.fullmatch(str(node.left.value))
            ):
                prefixes.add(node.left.value)
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                first = node.args[0]
                if (
                    name in {"t", "Message"} | errors
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and KEY.fullmatch(first.value)
                ):
                    called.add(first.value)
    for js in ROOT.glob("ui/assets/*.js"):
        literals |= set(re.findall(r"[a-z][a-z0-9_]*", js.read_text(encoding="utf-8")))
    return called, literals, prefixes


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key():
    assert sorted(set(sv.TEXT) - set(en.TEXT)) == [], "missing in English"
    assert sorted(set(en.TEXT) - set(sv.TEXT)) == [], "missing in Swedish"


def test_both_languages_fill_the_same_placeholders():
    differ = {
        key: (_placeholders(sv.TEXT[key]), _placeholders(en.TEXT[key]))
        for key in sv.TEXT
        if key in en.TEXT and _placeholders(sv.TEXT[key]) != _placeholders(en.TEXT[key])
    }
    assert differ == {}


def test_every_key_the_code_names_is_defined():
    called, _, _ = _used_keys()
    assert sorted(called - set(sv.TEXT)) == []


def test_no_key_is_left_unused():
    _, literals, prefixes = _used_keys()

    def used(key: str) -> bool:
        base = key.removesuffix("_one")
        return base in literals or any(base.startswith(p) for p in prefixes if len(p) >= 3)

    assert sorted(key for key in sv.TEXT if not used(key) and key not in RESERVED_KEYS) == []
    assert sorted(key for key in RESERVED_KEYS if used(key)) == [], "in use: not reserved now"


def test_no_swedish_text_outside_i18n():
    found = {}
    for path in _app_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED_FILES or rel in PENDING:
            continue
        if literals := _swedish_literals(path):
            found[rel] = literals
    assert found == {}, "user text belongs in i18n/sv.py and i18n/en.py (a key with values)"


def test_pending_files_still_need_it():
    # A file converted must leave PENDING, so the list says what is really left.
    clean = sorted(
        rel for rel in PENDING if (ROOT / rel).exists() and not _swedish_literals(ROOT / rel)
    )
    assert clean == []


def test_the_scan_sees_a_swedish_literal(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docstrings may be Swedish: även så."""\nx = "Filen är tom"\ny = "Lägesbild"\n'
    )
    assert _swedish_literals(sample) == [(2, "Filen är tom")]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_message_error_speaks_both_languages(lang):
    class Refused(MessageError, ValueError):
        pass

    error = Refused("store_text_too_long", what=Message("store_what_comment"), length=9, limit=5)
    assert str(error) == t("store_text_too_long", "sv", what="Kommentaren", length=9, limit=5)
    assert error.text(lang) == t(
        "store_text_too_long", lang, what=t("store_what_comment", lang), length=9, limit=5
    )
    assert isinstance(error, ValueError)


def test_a_caught_error_is_shown_in_the_readers_language():
    from auth import AccessDenied
    from i18n import error_text

    denied = AccessDenied("auth_denied", name="Vera", role="viewer", required="analyst")
    assert error_text(denied, "en") == denied.text("en") != str(denied)
    assert error_text(RuntimeError("upptagen"), "en") == "upptagen"  # its own words

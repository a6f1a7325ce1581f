"""The documentation is tested (issue 14 item 6): the code in README.md and docs/contracts.md
runs, so a contract that drifts fails here.

- A ```python block with `>>>` examples runs as a doctest (with `tmp`, a fresh folder).
- Every other ```python block is a listing of an interface: each name it imports must exist.
- README's upload example passes the upload check; its commands are manage.py's commands.
"""

from __future__ import annotations

import doctest
import re
import shlex
from datetime import date
from pathlib import Path

import pytest

import manage
from ingest.pipeline import check_upload

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs/contracts.md")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
IMPORT = re.compile(r"^\s*from ([\w.]+) import (\([^)]*\)|[^\n#]+)", re.M)


def _blocks(doc: str, language: str) -> list[tuple[int, str]]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 2, m.group(2))
        for m in FENCE.finditer(text)
        if m.group(1) == language
    ]


PYTHON = [
    pytest.param(doc, line, code, id=f"{doc}:{line}")
    for doc in DOCS
    for line, code in _blocks(doc, "python")
]


def test_the_documents_have_code_to_test():
    assert sum(">>>" in code for _, _, code in (p.values for p in PYTHON)) >= 4
    assert _blocks("README.md", "csv") and _blocks("README.md", "sh")


@pytest.mark.parametrize(("doc", "line", "code"), PYTHON)
def test_python_blocks_run(doc, line, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if ">>>" in code:
        test = doctest.DocTestParser().get_doctest(
            code, {"tmp": tmp_path}, f"{doc}:{line}", doc, line
        )
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.failures == 0, f"{doc}:{line}: an example no longer does what it says"
    for module, names in IMPORT.findall(code):
        namespace: dict[str, object] = {}
        exec(f"from {module} import {names}", namespace)  # noqa: S102 - the document's own import


def test_the_readme_upload_example_passes_the_check():
    (line, example), *_ = _blocks("README.md", "csv")
    checked = check_upload(example.encode("utf-8"), "exempel.csv", today=date(2026, 11, 15))
    assert [e.message for e in checked.errors] == [], f"README.md:{line}"
    assert checked.rows == example.count("\n") - 1


def test_the_readme_commands_are_manage_py_commands():
    parser = manage.build_parser()
    commands = [
        shlex.split(line.split("#")[0])
        for _, block in _blocks("README.md", "sh")
        for line in block.splitlines()
        if line.startswith("python manage.py ")
    ]
    assert len(commands) >= 8
    known = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no API
    for words in commands:
        assert words[2] in known, words
        documented = {w.strip("[]()|") for w in words[3:] if w.strip("[]()|").startswith("--")}
        options = set(known[words[2]]._option_string_actions)  # noqa: SLF001
        assert documented <= options, (words[2], documented - options)

"""Shared fixtures: the real catalog, and a fresh database file per test seeded from small CSVs."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Tests assert behaviour, never timing: hypothesis's 200 ms deadline per example failed property
# tests on a loaded machine (two cores shared by many processes) without any wrong result.
settings.register_profile("lagesbild", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("lagesbild")

# The dashboard runs in explicit local mode in tests (no sign-in), as under `make run`; the sign-in
# tests (tests/browser/test_login.py, tests/auth/) choose their mode themselves.
os.environ.setdefault("LAGESBILD_MODE", "local")

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def catalog():
    from metrics.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def fresh_db(tmp_path):
    """An empty, migrated database in its own file (DuckDB files are per test, never shared)."""
    from storage import open_database

    db = open_database(tmp_path / "test.duckdb", busy_timeout=5)
    db.create()  # explicitly: nothing else creates a database file
    return db


@pytest.fixture
def seeded_db(fresh_db):
    """A database holding the small seed file tests/fixtures/seed.csv as upload #1."""
    from ingest.pipeline import ingest_upload

    report = ingest_upload(
        fresh_db, (FIXTURES / "seed.csv").read_bytes(), "seed.csv", user="test", today=TODAY
    )
    assert report.status == "committed", report.errors
    return fresh_db


TEST_KEY = bytes(range(32))
"""The session demo database's disclosure key (tests only; a real database draws its own)."""


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """The demo data through 2026-10, loaded once through the real ingest. Read it, or copy it
    (`demo_copy`) before writing: tests that write must not see each other's changes."""
    from demo.load import load_demo
    from storage import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    db = open_database(path)
    db.create()
    # A fixed secret key instead of a drawn one: which cells disclosure control hides depends
    # on it, and the tests are meant to hold for any key; a fixed one makes a failure
    # reproducible from run to run.
    with db.writing() as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'disclosure_key'", [TEST_KEY.hex()])
    assert load_demo(db, end="2026-10").status == "committed"
    return path


@pytest.fixture(scope="session")
def demo_copy(demo_db_file, tmp_path_factory):
    """A function giving a fresh copy of the demo database in its own folder."""

    def copy(name: str = "demo") -> Path:
        target = tmp_path_factory.mktemp(name) / "demo.duckdb"
        shutil.copy(demo_db_file, target)
        return target

    return copy

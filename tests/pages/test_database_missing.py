"""The dashboard says that its database file is missing, in Swedish, and creates none."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.text import markdown_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("lang", "title"), [("sv", "Databasen saknas"), ("en", "The database is missing")]
)
def test_a_missing_database_is_a_page_not_an_empty_start(monkeypatch, tmp_path, lang, title):
    missing = tmp_path / "stavfel.duckdb"
    monkeypatch.setenv("LAGESBILD_DB", str(missing))
    monkeypatch.setenv("LAGESBILD_MODE", "local")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    assert markdown_text(str(missing)) in at.error[0].value  # the path, as Markdown shows it
    assert "manage.py init" in at.markdown[-1].value
    assert not missing.exists()


def test_with_sign_in_the_page_names_the_file_and_leaves_the_path_to_the_log(monkeypatch, tmp_path):
    """The page is drawn before sign-in: with OIDC on, anyone who reaches the server sees it."""
    missing = tmp_path / "hemlig-katalog" / "stavfel.duckdb"
    monkeypatch.setenv("LAGESBILD_DB", str(missing))
    monkeypatch.setenv("LAGESBILD_MODE", "oidc")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Databasen saknas"]
    body = at.error[0].value
    assert "stavfel" in body and "serverns logg" in body
    assert "hemlig-katalog" not in body and str(tmp_path) not in body
    assert not missing.exists()

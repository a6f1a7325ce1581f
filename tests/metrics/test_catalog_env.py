"""LAGESBILD_CATALOG points every `load_catalog()` of the process at another catalog file."""

from __future__ import annotations

from metrics.catalog import CATALOG_ENV, DEFAULT_PATH, catalog_path, load_catalog


def _copy_with_label(tmp_path, label: str):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        'label_sv = "Anmälda våldtäkter"', f'label_sv = "{label}"', 1
    )
    path = tmp_path / "other.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_environment_names_the_catalog_and_unset_means_the_default(tmp_path, monkeypatch):
    other = _copy_with_label(tmp_path, "Anmälda våldtäkter (annan katalog)")
    monkeypatch.setenv(CATALOG_ENV, str(other))
    assert catalog_path() == other
    assert load_catalog().indicator("reported_rape").label_sv.endswith("(annan katalog)")
    monkeypatch.delenv(CATALOG_ENV)
    # The cache is per file: switching back gives the real catalog, not the last one loaded.
    assert catalog_path() == DEFAULT_PATH
    assert load_catalog().indicator("reported_rape").label_sv == "Anmälda våldtäkter"
    assert load_catalog() is load_catalog(DEFAULT_PATH)


def test_an_empty_variable_means_the_default(monkeypatch):
    monkeypatch.setenv(CATALOG_ENV, "")
    assert catalog_path() == DEFAULT_PATH


def test_cache_clear_still_rereads(tmp_path):
    first = load_catalog()
    load_catalog.cache_clear()
    assert load_catalog() is not first
    assert load_catalog() == first


def test_a_municipality_code_outside_stockholm_county_is_a_valid_code(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('code = "0192"', 'code = "2584"', 1)
    path = tmp_path / "national.toml"
    path.write_text(text, encoding="utf-8")
    assert load_catalog(path).area("2584").level == "municipality"

"""Bad URL parameters: every page opens on the defaults, with a quiet notice, and never an exception.

Two layers. `read_url`, which turns a URL into selections, is fuzzed with hypothesis (thousands of
odd values in milliseconds): every selection it returns is valid, a valid URL is kept as it is.
Then AppTest runs every page from dashboard.py, and the sign-in page in OIDC mode, with every
parameter set to hostile values (periods of every odd shape, unknown ids, long and random
strings): a few runs per page in the default suite, the whole table under the slow marker.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from metrics.catalog import load_catalog
from ui.state import DEFAULTS, URL_KEYS, _valid, read_url, url_period

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()
PAGES = [
    "pages/overview.py",
    "pages/goals.py",
    "pages/indicator.py",
    "pages/catalog.py",
    "pages/upload.py",
    "pages/history.py",
    "pages/events.py",
    "pages/audit.py",
]
SIGN_IN = "sign-in"  # the page someone not signed in gets (OIDC mode)

_rng = random.Random(20261206)
HOSTILE = [
    "NaT",
    "nat",
    "2019Q5",
    "2019K0",
    "2026-10-01",
    "2026-3",
    "2026-13",
    "2019-00",
    "2018-12",  # before the first month
    "2030-01",  # after this month
    "9999-12",
    "0000-01",
    "",
    " ",
    "-1",
    "1e309",
    "null",
    "[]",
    "STHLM ",
    "sthlm",
    "county_99",
    "reported_partner_violence_women\n",
    "../../etc/passwd",
    "<img src=x onerror=alert(1)>",
    "![x](https://example.com/x.png)",
    "\x00\x1b[31m",
    "🙂" * 40,
    "x" * 10_000,
    "".join(_rng.choice("abc-_09%&=#?\\\"'") for _ in range(200)),
]


def test_the_defaults_are_valid():
    assert all(_valid(name, DEFAULTS[name], CATALOG) for name in URL_KEYS)


@settings(max_examples=400, deadline=None)
@given(hs.dictionaries(hs.sampled_from(list(URL_KEYS.values())), hs.text(max_size=80)))
def test_read_url_returns_only_valid_selections(params):
    chosen, rejected = read_url(params, CATALOG)
    assert set(chosen) == set(URL_KEYS)
    for name, value in chosen.items():
        assert _valid(name, value, CATALOG), (name, value)
    if chosen["start"] and chosen["end"]:
        assert chosen["start"] <= chosen["end"]
    # Every value that was refused is named, and only those (a period is held as its month).
    for name, url_key in URL_KEYS.items():
        if url_key not in params:
            continue
        asked = params[url_key]
        if name in ("start", "end") and asked:
            asked = url_period(asked, end=name == "end")
        if chosen[name] != asked:
            assert url_key in rejected


@pytest.mark.parametrize(
    ("params", "expected_rejected"),
    [
        ({"from": "2020-03", "to": "2021-04", "area": "0180", "ind": "reported_rape"}, []),
        ({"from": "NaT"}, ["from"]),
        ({"to": "NaT"}, ["to"]),
        ({"from": "2019Q5"}, ["from"]),
        ({"to": "2018"}, ["to"]),  # a year before the first month
        ({"to": "2030-05"}, ["to"]),
        ({"from": "0000-01", "to": "9999-12"}, ["from", "to"]),  # beyond what pandas can hold
        ({"from": "2024-05", "to": "2023-01"}, ["from", "to"]),
        ({"lang": "de", "brief": "yes", "goal": "county_0", "area": "x" * 10_000}, None),
    ],
)
def test_read_url_examples(params, expected_rejected):
    chosen, rejected = read_url(params, CATALOG)
    if expected_rejected is None:
        expected_rejected = list(params)
    assert sorted(rejected) == sorted(expected_rejected)
    for key in params:
        name = next(n for n, k in URL_KEYS.items() if k == key)
        assert chosen[name] == (DEFAULTS[name] if key in rejected else params[key])


# -- every page, through dashboard.py -------------------------------------------------------------


@pytest.fixture(scope="module")
def db_path(demo_copy):
    return demo_copy("urlfuzz")


def run_page(monkeypatch, db_path, page: str, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if page == SIGN_IN:
        monkeypatch.setenv("LAGESBILD_MODE", "oidc")
        at.secrets = {
            "auth": {
                "redirect_uri": "http://localhost:8501/oauth2callback",
                "cookie_secret": "test-cookie-secret-0123456789",
                "client_id": "lagesbild",
                "client_secret": "test",
                "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
            }
        }
        at.user = {}
    else:
        monkeypatch.setenv("LAGESBILD_MODE", "local")
        monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", "admin")
    for key, value in params.items():
        at.query_params[key] = value
    if page not in (SIGN_IN, PAGES[0]):
        at.switch_page(page)
    return at.run()


def assert_opened_on_defaults(at: AppTest, params: dict[str, str]) -> None:
    assert not at.exception, (params, at.exception)
    rejected = [k for k, v in params.items() if v != DEFAULTS[_name(k)]]
    if rejected:
        notices = [toast.value for toast in at.toast]
        assert any("Länken innehöll val som inte finns" in n for n in notices), notices
    if at.session_state is not None:
        for name in URL_KEYS:
            key = f"flt_{name}"
            if key in at.session_state:
                assert _valid(name, at.session_state[key], CATALOG)


def _name(url_key: str) -> str:
    return next(n for n, k in URL_KEYS.items() if k == url_key)


def all_params(value: str) -> dict[str, str]:
    return dict.fromkeys(URL_KEYS.values(), value)


# Default suite: each page with every parameter at once, for a few of the hostile families.
FEW = ["NaT", "2019Q5", "2030-01", "x" * 10_000]


@pytest.mark.parametrize("page", [*PAGES, SIGN_IN])
def test_every_page_opens_on_hostile_links(monkeypatch, db_path, page):
    for i, value in enumerate(FEW):
        params = all_params(value)
        params["to"] = FEW[(i + 1) % len(FEW)]  # the two ends of the period differ
        assert_opened_on_defaults(run_page(monkeypatch, db_path, page, params), params)


@pytest.mark.slow
@pytest.mark.parametrize("page", [*PAGES, SIGN_IN])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_every_page_and_parameter_survives_the_whole_table(monkeypatch, db_path, page, value):
    params = all_params(value)
    assert_opened_on_defaults(run_page(monkeypatch, db_path, page, params), params)
    # And one parameter at a time, the others valid (a real link with one bad value).
    key = list(URL_KEYS.values())[HOSTILE.index(value) % len(URL_KEYS)]
    one = {key: value}
    assert_opened_on_defaults(run_page(monkeypatch, db_path, page, one), one)

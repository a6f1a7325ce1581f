"""Streamlit hardening: one test per setting, on the TOML and on the option Streamlit actually uses.

A change that weakens a setting (in .streamlit/config.toml, or by dropping it so that a weaker
default applies) fails here. The effective options are read by a fresh Python process that loads
the project's config the way `streamlit run` does, with no user config and no STREAMLIT_* variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".streamlit" / "config.toml"

EFFECTIVE = """
import json, sys
from streamlit import config
config.get_config_options(force_reparse=True)
print(json.dumps({k: config.get_option(k) for k in sys.argv[1:]}))
"""

OPTIONS = [
    "browser.gatherUsageStats",
    "client.showErrorDetails",
    "client.toolbarMode",
    "client.disableDataExport",
    "server.address",
    "server.headless",
    "server.enableXsrfProtection",
    "server.enableCORS",
    "server.corsAllowedOrigins",
    "server.xsrfCookieSameSite",
    "server.maxUploadSize",
    "server.runOnSave",
    "server.fileWatcherType",
    "server.enableAgentApi",
    "server.enableStaticServing",
    "server.trustedUserHeaders",
    "server.unsafeMetricsUserAttributes",
    "global.developmentMode",
    "global.e2eTest",
    "runner.postScriptGC",
]


@pytest.fixture(scope="module")
def toml() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def effective(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("home")  # no ~/.streamlit/config.toml of the person testing
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", EFFECTIVE, *OPTIONS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_usage_statistics_are_off(toml, effective):
    assert toml["browser"]["gatherUsageStats"] is False
    assert effective["browser.gatherUsageStats"] is False


def test_users_never_see_stack_traces(toml, effective):
    assert toml["client"]["showErrorDetails"] == "none"
    assert effective["client.showErrorDetails"] == "none"


def test_toolbar_shows_no_developer_options(toml, effective):
    assert toml["client"]["toolbarMode"] == "viewer"
    assert effective["client.toolbarMode"] == "viewer"


def test_tables_offer_no_download_of_their_own(toml, effective):
    # st.dataframe's own CSV button writes formulas as they are (=HYPERLINK(...) runs in
    # Excel) and ignores nothing: pages offer their own CSV (exports/csv_export.py) instead.
    assert toml["client"]["disableDataExport"] is True
    assert effective["client.disableDataExport"] is True


def test_binds_to_loopback_unless_a_deployment_says_otherwise(toml, effective):
    assert toml["server"]["address"] == "127.0.0.1"
    assert effective["server.address"] == "127.0.0.1"


def test_headless(toml, effective):
    assert toml["server"]["headless"] is True
    assert effective["server.headless"] is True


def test_xsrf_protection_is_on(toml, effective):
    assert toml["server"]["enableXsrfProtection"] is True
    assert effective["server.enableXsrfProtection"] is True


def test_xsrf_cookie_is_not_sent_cross_site(toml, effective):
    assert toml["server"].get("xsrfCookieSameSite", "lax") in ("lax", "strict")
    assert effective["server.xsrfCookieSameSite"] in ("lax", "strict")


def test_cors_protection_is_on_with_no_extra_origins(toml, effective):
    assert toml["server"]["enableCORS"] is True
    assert effective["server.enableCORS"] is True
    assert not toml["server"].get("corsAllowedOrigins")
    assert effective["server.corsAllowedOrigins"] in ([], None)


def test_upload_size_is_capped_at_what_monthly_files_need(toml, effective):
    assert 0 < toml["server"]["maxUploadSize"] <= 25
    assert 0 < effective["server.maxUploadSize"] <= 25


def test_no_rerun_on_save(toml, effective):
    assert toml["server"]["runOnSave"] is False
    assert effective["server.runOnSave"] is False


def test_no_source_file_watching(toml, effective):
    # The watcher walked every loaded module on the event loop after each run (issue 15).
    assert toml["server"]["fileWatcherType"] == "none"
    assert effective["server.fileWatcherType"] == "none"


def test_agent_api_is_off(toml, effective):
    assert toml["server"]["enableAgentApi"] is False
    assert effective["server.enableAgentApi"] is False


def test_no_static_file_serving(toml, effective):
    assert toml["server"]["enableStaticServing"] is False
    assert effective["server.enableStaticServing"] is False


def test_no_identity_from_request_headers(toml, effective):
    # Headers named here would override the signed OIDC identity in st.user.
    assert "trustedUserHeaders" not in toml["server"]
    assert effective["server.trustedUserHeaders"] in ({}, "", None)


def test_no_user_identities_on_the_metrics_endpoint(toml, effective):
    # /_stcore/metrics needs no sign-in; listed st.user attributes would be published there.
    assert "unsafeMetricsUserAttributes" not in toml["server"]
    assert effective["server.unsafeMetricsUserAttributes"] in ([], None)


def test_not_in_development_or_e2e_test_mode(toml, effective):
    # Either mode lets a websocket client shut the server down (debug_shutdown_runtime).
    assert "global" not in toml or not toml["global"].get("developmentMode")
    assert "global" not in toml or not toml["global"].get("e2eTest")
    assert effective["global.developmentMode"] is False
    assert effective["global.e2eTest"] is False


def test_no_full_garbage_collection_after_every_run(toml, effective):
    # A full collection after each run held the GIL for most of a warm page's run (issue 15).
    assert toml["runner"]["postScriptGC"] is False
    assert effective["runner.postScriptGC"] is False


def test_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored
    tracked = subprocess.run(
        ["git", "ls-files", ".streamlit"], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout.split()
    assert ".streamlit/secrets.toml" not in tracked


def test_the_secrets_example_holds_no_secret():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text())
    auth = example["auth"]
    assert auth["client_secret"].startswith("<") and auth["cookie_secret"].startswith("<")
    assert set(example["lagesbild"]["groups"].values()) <= {"public", "viewer", "analyst", "admin"}

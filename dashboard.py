"""Lägesbild's entry point: page config, who is signed in, navigation for that role, the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from metrics.catalog import load_catalog
from ui import state
from ui.database_gate import require_database
from ui.entry import entered
from ui.layout import apply_page_layout, localise_streamlit
from ui.navigation import draw_navigation, route
from ui.process import tune_once
from ui.session import draw_account, gate
from ui.sidebar import draw_sidebar

tune_once()  # the process's own settings (garbage collection), once per server process

# Absolute, so that a page file run on its own (ui/entry.py) still finds its siblings.
PAGES = Path(__file__).resolve().parent / "pages"
FAVICON = Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png"

st.set_page_config(
    page_title="Lägesbild",
    # Served by the app itself: a ":material/…:" icon is fetched from a font service outside the
    # agency's network at every load.
    page_icon=str(FAVICON),
    layout="wide",
    # "auto": open on a laptop, closed on a tablet in portrait or a phone (<= 768 px), where an
    # open sidebar would take 40 % of the screen or cover the page.
    initial_sidebar_state="auto",
)

catalog = load_catalog()
state.init_state(catalog)
lang = state.get("lang")
state.draw_url_notice(lang)
# A missing database file is an error page, never an empty start (nothing creates it here).
require_database(lang)
# Sign-in gate: without a signed-in user with a role, the run stops here on a sign-in, "no access"
# or setup page, before any page is registered (ui/session.py, auth/).
user = gate(lang)

# The navigation as data: (section title key, the role it needs, its pages), and per page
# (file in pages/, url_path, title key, icon). Each url_path is its file's name: Streamlit also
# knows the files in pages/ by those names before the first run registers this navigation, so
# any other path would be "not found" on the first visit to a link. The overview is the default
# (ui/navigation.DEFAULT_PAGE), served at "/" whatever its path. ui/navigation.py routes and draws
# the links (Streamlit's own sidebar navigation fails the accessibility checks).
NAVIGATION = (
    (
        "nav_section_read",
        "public",
        (
            ("overview", "lagesbild", "nav_overview", "dashboard"),
            ("goals", "goals", "nav_goals", "flag"),
            ("indicator", "indicator", "nav_indicator", "show_chart"),
            ("catalog", "catalog", "nav_catalog", "menu_book"),
        ),
    ),
    (
        "nav_section_work",
        "analyst",
        (
            ("upload", "upload", "nav_upload", "upload"),
            ("history", "history", "nav_history", "history"),
            ("events", "events", "nav_events", "event"),
            ("reporting", "reporting", "nav_reporting", "schedule"),
        ),
    ),
    ("audit_section", "admin", (("audit", "audit", "audit_nav", "policy"),)),
)

page = route(PAGES, NAVIGATION, user, lang)
draw_navigation(PAGES, NAVIGATION, user, lang)
apply_page_layout()
localise_streamlit(lang)
draw_sidebar(user, catalog)
draw_account(user, lang)
state.sync_url(page.url_path, catalog)
# The page checks that it runs from here (ui/entry.py: Streamlit's old pages/ mode would run it alone).
with entered():
    page.run()

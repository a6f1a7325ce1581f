"""Lägesbild's entry point: page config, who is signed in, navigation for that role, the shared sidebar."""

from __future__ import annotations

import streamlit as st

from i18n import t
from metrics.catalog import load_catalog
from ui import state
from ui.layout import apply_page_layout
from ui.session import draw_account, gate
from ui.sidebar import draw_sidebar

st.set_page_config(
    page_title="Lägesbild",
    page_icon=":material/monitoring:",
    layout="wide",
    # "auto": open on a laptop, closed on a tablet in portrait or a phone (<= 768 px), where an
    # open sidebar would take 40 % of the screen or cover the page.
    initial_sidebar_state="auto",
)

catalog = load_catalog()
state.init_state(catalog)
lang = state.get("lang")
# Sign-in gate: without a signed-in user with a role, the run stops here on a sign-in, "no access"
# or setup page, before any page is registered (ui/session.py, auth/).
user = gate(lang)

# Each url_path is its file's name: Streamlit also knows the files in pages/ by those names before
# the first run registers this navigation, so any other path would show a "Page not found"
# dialog on the first visit to a link. The default page is served at "/" whatever its path.
read_pages = [
    st.Page(
        "pages/overview.py",
        title=t("nav_overview", lang),
        icon=":material/dashboard:",
        url_path="lagesbild",
        default=True,
    ),
    st.Page("pages/goals.py", title=t("nav_goals", lang), icon=":material/flag:", url_path="goals"),
    st.Page(
        "pages/indicator.py",
        title=t("nav_indicator", lang),
        icon=":material/show_chart:",
        url_path="indicator",
    ),
    st.Page(
        "pages/catalog.py",
        title=t("nav_catalog", lang),
        icon=":material/menu_book:",
        url_path="catalog",
    ),
]
# Pages a role may not use are not registered at all, so a typed URL cannot reach them either.
work_pages = (
    [
        st.Page(
            "pages/upload.py",
            title=t("nav_upload", lang),
            icon=":material/upload:",
            url_path="upload",
        ),
        st.Page(
            "pages/history.py",
            title=t("nav_history", lang),
            icon=":material/history:",
            url_path="history",
        ),
        st.Page(
            "pages/events.py",
            title=t("nav_events", lang),
            icon=":material/event:",
            url_path="events",
        ),
    ]
    if user.can("analyst")
    else []
)
sections = {t("nav_section_read", lang): read_pages}
if work_pages and user.can("analyst"):
    sections[t("nav_section_work", lang)] = work_pages
if user.can("admin"):
    sections[t("audit_section", lang)] = [
        st.Page(
            "pages/audit.py", title=t("audit_nav", lang), icon=":material/policy:", url_path="audit"
        )
    ]

page = st.navigation(sections)
apply_page_layout()
draw_sidebar(user, catalog)
draw_account(user, lang)
state.sync_url()
page.run()

"""The app's own navigation: Streamlit's router, and our links in the sidebar.

Streamlit's sidebar navigation puts `<div>`s between its `<ul>` and `<li>`s (axe-core: `list`,
`listitem`, serious, on every page; no Streamlit issue names it yet, the nearest is
streamlit/streamlit#8399, "Basic accessibility web features").
So `st.navigation` only routes (`position="hidden"`) and the sidebar gets one `st.page_link` per
page, grouped under section headings, in a container tests find by its key (`NAV_KEY`).

An unknown path gets Streamlit's "Page not found" dialog, in the user's language
(ui/layout.localise_streamlit).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from auth import User
from i18n import t

DEFAULT_PAGE = "overview"
"""The page served at "/" (and where an unknown address lands)."""

NAV_KEY = "lagesbild_nav"
"""Key of the sidebar container holding the links (CSS class `st-key-lagesbild_nav`)."""

# (section title key, the role it needs, ((file in pages/, url_path, title key, icon), ...))
Navigation = Sequence[tuple[str, str, Sequence[tuple[str, str, str, str]]]]


def route(pages_dir: Path, navigation: Navigation, user: User, lang: str) -> st.Page:
    """Register the pages the user's role may use (a page a role may not use is not registered,
    so a typed URL cannot reach it either) and return the page to run. Nothing is drawn here."""
    pages = [
        st.Page(
            pages_dir / f"{name}.py",
            title=t(title, lang),
            icon=f":material/{icon}:",
            url_path=url_path,
            default=name == DEFAULT_PAGE,
        )
        for _, role, entries in navigation
        if user.can(role)
        for name, url_path, title, icon in entries
    ]
    return st.navigation(pages, position="hidden")


def draw_navigation(pages_dir: Path, navigation: Navigation, user: User, lang: str) -> None:
    """The sidebar's links, one section heading per group the role may use."""
    with st.sidebar.container(key=NAV_KEY):
        for section, role, entries in navigation:
            if not user.can(role):
                continue
            st.markdown(f"**{t(section, lang)}**")
            for name, _url_path, title, icon in entries:
                st.page_link(
                    pages_dir / f"{name}.py", label=t(title, lang), icon=f":material/{icon}:"
                )

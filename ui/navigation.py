"""The app's own navigation: Streamlit's router, our links in the sidebar, a Swedish "page not found".

Streamlit's sidebar navigation puts `<div>`s between its `<ul>` and `<li>`s (axe-core: `list`,
`listitem`, serious, on every page; streamlit/streamlit issue "Sidebar navigation list markup").
So `st.navigation` only routes (`position="hidden"`) and the sidebar gets one `st.page_link` per
page, grouped under section headings, in a container tests find by its key (`NAV_KEY`).

Streamlit also answers an unknown path with an English "Page not found" dialog sent from
`st.navigation` (`streamlit.commands.navigation.send_page_not_found`). That message is replaced by
a notice in the user's language on the page it falls back to (`notice_page_not_found`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st
import streamlit.commands.navigation as _st_navigation

from auth import User
from i18n import t

DEFAULT_PAGE = "overview"
"""The page served at "/" (and where an unknown address lands)."""

NAV_KEY = "lagesbild_nav"
"""Key of the sidebar container holding the links (CSS class `st-key-lagesbild_nav`)."""

# (section title key, the role it needs, ((file in pages/, url_path, title key, icon), ...))
Navigation = Sequence[tuple[str, str, Sequence[tuple[str, str, str, str]]]]

_NOT_FOUND = "_lagesbild_page_not_found"  # a UI flag for this run only, never a fact


def _flag_page_not_found(ctx: object) -> None:
    """Instead of Streamlit's English dialog: remember that the path was unknown."""
    st.session_state[_NOT_FOUND] = True


def route(pages_dir: Path, navigation: Navigation, user: User, lang: str) -> st.Page:
    """Register the pages the user's role may use (a page a role may not use is not registered,
    so a typed URL cannot reach it either) and return the page to run. Nothing is drawn here."""
    # Streamlit looks this function up in its module at each call: our notice replaces its dialog.
    _st_navigation.send_page_not_found = _flag_page_not_found
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


def notice_page_not_found(lang: str) -> None:
    """Say, in the user's language, that the address was unknown and the start page is shown."""
    if st.session_state.pop(_NOT_FOUND, False):
        st.info(t("page_not_found", lang), icon=":material/info:")

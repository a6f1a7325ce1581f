"""The dashboard refuses to start on a database file that does not exist (issue 12 item 7).

A typo in `LAGESBILD_DB`, or a file lost in a failed restore, used to be recreated empty and
shown as "no data", as if everything were lost. Now every run checks that the file is there
(one stat) before anything reads it, and otherwise draws one page that says so in the user's
language; nothing is created. Creating a database is done on purpose, by `manage.py init` or
`manage.py demo` (`make run`). The page is drawn before sign-in, so it names the server's path
only in local mode (one person at their own machine); with sign-in it names the file and leaves
the path to the server's log.
"""

from __future__ import annotations

import logging

import streamlit as st

from auth.mode import LOCAL, ModeError
from auth.sign_in import auth_mode
from i18n import t
from metrics.text import markdown_text
from storage import DatabaseMissing, open_database

_LOG = logging.getLogger("lagesbild.storage")


def require_database(lang: str) -> None:
    """Return when the database file exists; otherwise draw the "database missing" page and stop."""
    path = open_database().path
    if path.exists():
        return
    _LOG.error("%s", DatabaseMissing(path))

    try:
        local = auth_mode() == LOCAL
    except ModeError:  # no mode configured: the setup page says so once a database is there
        local = False
    if local:
        body = t("database_missing_body", lang, path=markdown_text(str(path)))
    else:
        body = t("database_missing_body_remote", lang, name=markdown_text(path.name))

    def page() -> None:
        st.title(t("database_missing_title", lang))
        st.error(body)
        st.markdown(t("database_missing_help", lang))

    st.navigation(
        [st.Page(page, title="Lägesbild", url_path="database-missing")], position="hidden"
    ).run()
    st.stop()

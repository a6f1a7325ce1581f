"""Every page runs through dashboard.py: its sign-in gate, its role-filtered navigation, its sidebar.

Streamlit still knows the files in `pages/` the old way (multipage apps "v1"): until some run of
the process has called `st.navigation`, a first request for `/indicator` runs
`pages/indicator.py` on its own, with Streamlit's list of every page file, no sign-in gate, no
role check and no briefing mode from the link. On a freshly started server, the first visitor to
follow a shared link would get exactly that (AppTest gets it on every run of a page other than
the first). So dashboard.py marks the runs it hands to a page (`entered()`), and every page file
starts with `require_entry()`, which sends any other run through dashboard.py before the page
draws anything.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"

# Set on the script thread for as long as dashboard.py runs the chosen page (a page runs
# synchronously inside `page.run()`, on the thread of that script run).
_local = threading.local()


@contextmanager
def entered() -> Iterator[None]:
    """dashboard.py: run the chosen page inside this block."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False


def came_through_dashboard() -> bool:
    return getattr(_local, "active", False)


def require_entry() -> None:
    """First line of every page file: a run that did not come through dashboard.py goes through it.

    dashboard.py is run in its place, in this same script run (so a click or a form submitted in
    it is not lost): its gate decides, its navigation picks the page the link asked for and runs
    it, marked as entered. Then this direct run stops, before the page file draws anything itself.
    """
    if came_through_dashboard():
        return
    runpy.run_path(str(DASHBOARD), run_name="__main__")
    st.stop()

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

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType

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
    # As runpy.run_path(DASHBOARD, run_name="__main__") runs it, with the file compiled once
    # per change of it, not at every run (AppTest sends every run of a page this way: ~0,02 s).
    code = _compiled(str(DASHBOARD), DASHBOARD.stat().st_mtime_ns)
    exec(  # noqa: S102 - dashboard.py, this project's own entry script
        code,
        {
            "__name__": "__main__",
            "__file__": str(DASHBOARD),
            "__cached__": None,
            "__doc__": None,
            "__loader__": None,
            "__package__": None,
            "__spec__": None,
            "__builtins__": __builtins__,
        },
    )
    st.stop()


@functools.lru_cache(maxsize=4)
def _compiled(path: str, mtime_ns: int) -> CodeType:
    """dashboard.py compiled (`mtime_ns`: a changed file is compiled again)."""
    return compile(Path(path).read_bytes(), path, "exec", dont_inherit=True)

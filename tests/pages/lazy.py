"""Opening what a page makes only when opened (Streamlit's lazy expanders), as a reader's click
does: the expander's session state set, then the page run again."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.commentary import FORM_OPEN
from ui.indicator_panel import TABLE_OPEN


def lazy_keys(at: AppTest, prefix: str) -> list[str]:
    """The session-state keys of the page's lazy expanders whose keys start with `prefix`."""
    return [key for key in at.session_state if key.startswith(prefix)]


def open_lazy(at: AppTest, prefix: str) -> AppTest:
    """`at` after every lazy expander keyed `prefix`… is opened and the page has run again."""
    for key in lazy_keys(at, prefix):
        at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def open_note_forms(at: AppTest) -> AppTest:
    """Every note form beside a chart opened (ui/commentary.py)."""
    return open_lazy(at, FORM_OPEN)


def open_tables(at: AppTest) -> AppTest:
    """Every chart's table of values opened (ui/indicator_panel.py)."""
    return open_lazy(at, TABLE_OPEN)

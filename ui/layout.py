"""Layout for narrow screens (tablet, phone): a card grid that wraps, and charts that go above their text.

Streamlit stacks columns only below 640 px of window width. On a tablet with the sidebar open
the main area is 430–650 px wide, so four columns of cards broke words in the middle and a chart
beside its definition was cut to 260 px. These rules (CSS, sent once per run; style-only
`st.html` takes no room on the page) keep every card and chart at a readable width and let the
rest wrap onto more rows. They depend on Streamlit's `data-testid` names, which its own tests
use; tests/browser/test_dashboard_browser.py checks the result on a tablet and a phone.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from i18n import t

CHART_MIN_REM = 28
"""A chart beside text in columns is never narrower than this (448 px: a laptop keeps the text
beside the chart, a tablet puts it under); the text columns have no minimum of their own."""

CAPTION_COLOUR = "#4d5563"
"""Captions ("Data t.o.m. …", page introductions): Streamlit draws them in its text colour at 60 %
opacity (#9499a1 on white, a contrast of 2,9:1; WCAG AA asks 4,5:1). This colour at full opacity
has 7,6:1 on white and 7,0:1 on the sidebar's grey."""

FOCUS_COLOUR = "#1f5fa8"  # the theme's primary colour: 6,4:1 on white

_PAGE_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] blockquote {{
  opacity: 1 !important;
}}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMarkdownContainer"] blockquote {{
  color: {CAPTION_COLOUR} !important;
}}
/* Keyboard focus always visible (WCAG 2.4.7), also where Streamlit's own ring is faint. */
:is(a, button, input, select, textarea, summary, [tabindex]):focus-visible {{
  outline: 3px solid {FOCUS_COLOUR} !important;
  outline-offset: 2px;
}}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stPlotlyChart"]) {{
  flex-wrap: wrap;
}}
[data-testid="stHorizontalBlock"]
  > [data-testid="stColumn"]:has([data-testid="stPlotlyChart"]) {{
  min-width: min({CHART_MIN_REM}rem, 100%);
}}
</style>"""


def apply_page_layout() -> None:
    """Rules every page shares (call once per run, before the page draws)."""
    st.html(_PAGE_CSS)


def card_grid(key: str, *, per_row: int, min_rem: float) -> DeltaGenerator:
    """A container whose children (cards) sit `per_row` side by side where there is room, in
    equal cells never narrower than `min_rem` (about 16 px each): a tablet or phone gets fewer per
    row, not squeezed text. Cards in a row are as tall as the tallest, and a metric's value and
    change wrap instead of ending in "…" ("−3.1 percentage points" in a Gryning card).

    `key` must be unique on the page; give the cards their own container keys inside it.
    """
    gap = 1  # rem, Streamlit's "small" gap
    cell = f"max({min_rem}rem, calc((100% - {gap * (per_row - 1)}rem) / {per_row}))"
    st.html(
        f"""<style>
[data-testid="stHorizontalBlock"].st-key-{key} {{
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(min({cell}, 100%), 1fr));
  gap: {gap}rem;
  align-items: stretch;
}}
.st-key-{key} > [data-testid="stLayoutWrapper"] {{ width: auto; min-width: 0; }}
.st-key-{key} > [data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] {{
  height: 100%;
}}
.st-key-{key} :is([data-testid="stMetricValue"], [data-testid="stMetricDelta"])
  :is(.stMarkdownEllipsis, p, div) {{
  white-space: normal;
  text-overflow: clip;
}}
</style>"""
    )
    return st.container(horizontal=True, gap="small", key=key)


_LOCALISE_JS = Path(__file__).resolve().parent / "assets" / "localise.js"

STREAMLIT_TEXTS = {
    "Upload": "uploader_button",
    "Drag and drop files here": "uploader_drop",
    "Drag and drop a file here": "uploader_drop",
    "Page not found": "page_not_found_title",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "page_not_found"
    ),
    "Running...": "streamlit_running",
    "Stop": "streamlit_stop",
    "Skip to main content": "streamlit_skip",
}
"""Streamlit's own English texts (exactly as its frontend writes them) and the i18n key of each."""

STREAMLIT_LABELS = {
    "file upload": "uploader_input",
    "Add files": "uploader_add",
    "Close": "streamlit_close",
    "Main menu": "streamlit_menu",
    "Running...": "streamlit_running",
    "Link to heading": "streamlit_heading_link",
    "Sidebar": "streamlit_sidebar",
    "Fullscreen": "streamlit_fullscreen",
    "Close fullscreen": "streamlit_close_fullscreen",
    "Clear value": "streamlit_clear_value",
    "Open": "streamlit_open",
    "Notifications": "streamlit_notifications",
    "Search": "streamlit_search",
    "Scroll tabs left": "streamlit_tabs_left",
    "Scroll tabs right": "streamlit_tabs_right",
    "Stop script": "streamlit_stop_script",
}
"""Streamlit's own English aria-labels (only screen readers hear them) and the i18n key of each."""


def localise_streamlit(lang: str) -> None:
    """Streamlit's own English texts (the uploader's button and size limit, "Page not found",
    "Help for …", labels only screen readers hear) in the user's language, replaced in the page
    by ui/assets/localise.js.

    Streamlit has no setting for them; CSS generated content would change what is seen but not
    the accessible names axe-core and screen readers use. The script is ours and fixed, and the
    texts go in as JSON, so no user text reaches it. Call once per run, before the page draws.
    """
    texts = {
        "texts": {english: t(key, lang) for english, key in STREAMLIT_TEXTS.items()},
        "labels": {english: t(key, lang) for english, key in STREAMLIT_LABELS.items()},
        "helpFor": t("help_for", lang),
        "uploadLimit": t("uploader_limit", lang),
    }
    # "<" escaped, so no text can end the script element.
    payload = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")
    st.html(
        f"<script>window.lagesbildTexts = {payload};\n{_script()}</script>",
        unsafe_allow_javascript=True,
    )


@functools.cache
def _script() -> str:
    return _LOCALISE_JS.read_text(encoding="utf-8")

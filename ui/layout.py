"""Layout for narrow screens (tablet, phone): a card grid that wraps, and charts that go above their text.

Streamlit stacks columns only below 640 px of window width. On a tablet with the sidebar open
the main area is 430–650 px wide, so four columns of cards broke words in the middle and a chart
beside its definition was cut to 260 px. These rules (CSS, sent once per run; style-only
`st.html` takes no room on the page) keep every card and chart at a readable width and let the
rest wrap onto more rows. They depend on Streamlit's `data-testid` names, which its own tests
use; tests/browser/test_dashboard_browser.py checks the result on a tablet and a phone.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

CHART_MIN_REM = 28
"""A chart beside text in columns is never narrower than this (448 px: a laptop keeps the text
beside the chart, a tablet puts it under); the text columns have no minimum of their own."""

_PAGE_CSS = f"""<style>
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

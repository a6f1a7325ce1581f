"""Debian's Chromium for the benchmarks and the browser tests, with the flags that keep it from
calling out of a machine with no internet."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]');
}"""
"""A page's script run is over and nothing on it is loading (a skeleton) or stale (faded): the
app's own run state, not Streamlit's status widget, which appears only after a run has lasted
500 ms (a page looked at early in a run looked idle)."""

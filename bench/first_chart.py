"""Time to first chart or card drawn, in a fresh Chromium: the dashboard's pages next to a bare
Streamlit page with one Plotly chart.

    python -m bench.first_chart [--db PATH] [--runs 3] [--json]

Starts two servers on 127.0.0.1 from this checkout: the dashboard (local mode, viewer) over the
database at PATH (a new demo database when no --db is given), and a bare Streamlit page that
draws one Plotly line with `st.plotly_chart`. Three pages are loaded:

- the overview, whose goal cards each draw a sparkline as inline SVG (`svg.lb-spark`, no Plotly);
- the indicator page (`/indicator?ind=reported_rape`), whose trend and area comparison are
  Plotly charts, as on the bare page;
- the bare page.

Each page gets one untimed load first (it fills Streamlit's and the dashboard's caches; reported
as `cold_first_load_s`). Then, `runs` times and alternating between the pages, a new Chromium
process opens the page and the page itself records, in seconds from navigation start
(`performance.now()`):

- `first_chart_s`: the first chart is drawn: a Plotly chart with its traces, or a sparkline SVG
  with its line (a `<path>`);
- `all_charts_s`: at least the charts the page should have (13 cards on the overview, 1 on the
  other pages) are drawn, every Plotly chart on the page has its traces, and Streamlit is idle
  (script run over, no element still loading).

Prints medians and the ratios page / bare page. The overview's ratio compares its first
sparkline card with the bare page's first Plotly chart (different drawings: read it as time to
the first picture); the indicator page's compares Plotly with Plotly. Speed is read from ratios
on the same machine in the same run: absolute seconds depend on the machine and on what else it
is doing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from deploy.launch import start_streamlit, stop

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_S = 180.0

BARE_PAGE = '''"""A bare Streamlit page with one Plotly chart: the yardstick for time to first chart."""
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
st.title("Bare page")
months = list(range(1, 37))
st.plotly_chart(go.Figure(go.Scatter(x=months, y=[(m * 37) % 23 for m in months], mode="lines")))
'''

# Installed before the page's own scripts: a DOM observer notes when the first chart and when all
# `expected` charts are drawn, from inside the page, so no polling round trip adds to the times.
# A chart is a Plotly chart (drawn once it has a trace) or an overview card's sparkline SVG (drawn
# once it has its line; a card without data has none and is not counted as drawn).
RECORDER = """(expected) => {
  const times = (window.__firstChart = { first: null, all: null });
  const check = () => {
    const plotly = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const plotlyDrawn = plotly.filter(c => c.querySelector('.js-plotly-plot g.trace')).length;
    const sparks = [...document.querySelectorAll('svg.lb-spark')];
    const drawn = plotlyDrawn + sparks.filter(s => s.querySelector('path')).length;
    if (drawn > 0 && times.first === null) times.first = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    if (times.all === null && drawn >= expected && plotlyDrawn === plotly.length && app
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) {
      times.all = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-test-script-state', 'data-stale'],
  });
  setInterval(check, 50);
}"""


def _load_once(playwright, url: str, expected: int) -> tuple[float, float]:
    """(first chart, all charts) in seconds from navigation start, in a new Chromium process."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_context(viewport=VIEWPORT, locale="sv-SE").new_page()
        page.add_init_script(f"({RECORDER})({expected})")
        page.goto(url)
        page.wait_for_function(
            "() => window.__firstChart && window.__firstChart.all !== null",
            timeout=TIMEOUT_S * 1000,
            polling=100,
        )
        times = page.evaluate("() => window.__firstChart")
        return times["first"] / 1000, times["all"] / 1000
    finally:
        browser.close()


def _summary(first: list[float], all_: list[float]) -> dict:
    return {
        "first_chart_s": [round(x, 2) for x in first],
        "all_charts_s": [round(x, 2) for x in all_],
        "median_first_chart_s": round(statistics.median(first), 2),
        "median_all_charts_s": round(statistics.median(all_), 2),
    }


def _demo_database(folder: Path) -> Path:
    from demo.load import load_demo
    from storage import open_database

    path = folder / "demo.duckdb"
    db = open_database(path)
    db.create()
    report = load_demo(db)
    if report.status != "committed":
        raise RuntimeError(f"demo data did not load: {report.status}")
    return path


INDICATOR = "reported_rape"  # in the real and the national catalog; Plotly trend and comparison
PAGES = ("overview", "indicator", "bare")


def measure_first_chart(db_path: str | Path, runs: int = 3) -> dict:
    """Time to the first chart and to all charts drawn: the overview (sparkline cards) and the
    indicator page (Plotly charts) over `db_path`, each against a bare one-chart Plotly page.

    Returns per page the times of each run and their medians (seconds from navigation start),
    the cold first load of each page, and per dashboard page `ratio_first_chart` /
    `ratio_all_charts` (its median over the bare page's median). Needs Debian's Chromium at
    /usr/bin/chromium.
    """
    from playwright.sync_api import sync_playwright

    from metrics.catalog import load_catalog

    cards = len(load_catalog().goals)  # one sparkline per goal card
    with tempfile.TemporaryDirectory(prefix="lagesbild-bench-") as tmp:
        bare_script = Path(tmp) / "bare_page.py"
        bare_script.write_text(BARE_PAGE, encoding="utf-8")
        env = {
            "LAGESBILD_MODE": "local",
            "LAGESBILD_DB": str(db_path),
            "LAGESBILD_LOCAL_ROLE": "viewer",
        }
        servers = []
        try:
            servers.append(start_streamlit(ROOT / "app.py", env))
            servers.append(start_streamlit(bare_script, {}))
            app, bare = servers[0][1], servers[1][1]
            targets = {
                "overview": (app + "/", cards),
                "indicator": (f"{app}/indicator?ind={INDICATOR}", 1),
                "bare": (bare + "/", 1),
            }
            times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in targets}
            cold: dict[str, float] = {}
            with sync_playwright() as p:
                for name, (url, expected) in targets.items():
                    cold[name] = round(_load_once(p, url, expected)[1], 2)
                for _ in range(runs):
                    for name, (url, expected) in targets.items():
                        first, all_ = _load_once(p, url, expected)
                        times[name][0].append(first)
                        times[name][1].append(all_)
        finally:
            for proc, _ in servers:
                stop(proc)
    result: dict = {"runs": runs, "overview_charts": cards, "indicator_id": INDICATOR}
    for name in PAGES:
        result[name] = _summary(*times[name])
    result["cold_first_load_s"] = cold
    for name in ("overview", "indicator"):
        page, yardstick = result[name], result["bare"]
        result[name]["ratio_first_chart"] = round(
            page["median_first_chart_s"] / yardstick["median_first_chart_s"], 2
        )
        result[name]["ratio_all_charts"] = round(
            page["median_all_charts_s"] / yardstick["median_all_charts_s"], 2
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_chart", description=__doc__)
    parser.add_argument("--db", type=Path, help="database to serve (default: a new demo database)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("LAGESBILD_MODE", "local")
    with tempfile.TemporaryDirectory(prefix="lagesbild-bench-db-") as tmp:
        db = args.db or _demo_database(Path(tmp))
        result = measure_first_chart(db, runs=args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Time from navigation start, fresh Chromium, median of {result['runs']} (seconds)")
    print(f"{'':34}{'first drawn':>12}{'all drawn':>12}{'ratio first':>13}{'ratio all':>11}")
    labels = {
        "overview": f"overview ({result['overview_charts']} sparkline cards)",
        "indicator": "indicator page (Plotly)",
        "bare": "bare page (1 Plotly chart)",
    }
    for name in PAGES:
        r = result[name]
        ratios = (
            f"{r['ratio_first_chart']:>13.2f}{r['ratio_all_charts']:>11.2f}"
            if name != "bare"
            else ""
        )
        print(
            f"{labels[name]:34}{r['median_first_chart_s']:>12.2f}{r['median_all_charts_s']:>12.2f}{ratios}"
        )
    print("runs (all drawn): " + ", ".join(f"{n} {result[n]['all_charts_s']}" for n in PAGES))
    print(f"cold first load after server start (all drawn): {result['cold_first_load_s']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

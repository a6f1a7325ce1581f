"""`manage.py bench --quick` runs every measurement end to end and prints its ratios (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.national import QUICK, write_national_catalog
from bench.run import FIRST_VISITS
from metrics.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_quick_runs_end_to_end(tmp_path):
    if not Path("/usr/bin/chromium").exists() and os.environ.get("CI"):
        pytest.fail("CI must have Debian chromium at /usr/bin/chromium (.ci/run installs it)")
    env = {k: v for k, v in os.environ.items() if k not in ("LAGESBILD_DB", "LAGESBILD_CATALOG")}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "bench",
            "--quick",
            "--db",
            str(tmp_path / "q.duckdb"),
        ],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=900,
    )
    out = done.stdout.decode()
    assert done.returncode == 0, out + done.stderr.decode()
    for heading in (
        "1. Ingest",
        "2./3. Overview",
        "4. First chart",
        "5. Server memory",
        "6. Other pages",
    ):
        assert heading in out
    assert "ratio ingest/parse" in out and "filter change, national" in out
    assert "indicator page" in out and "overview in briefing mode" in out
    written = out.rsplit("Numbers written to ", 1)[1].strip()
    report = json.loads((ROOT / written).read_text())
    (ROOT / written).unlink()
    assert report["quick"] is True
    # Every real indicator is kept (43 > the 40 asked); 48 months ending 2026-10 hold three whole
    # years (2023-2025) for the yearly ones, which the generator writes whole years of only.
    catalog = load_catalog(write_national_catalog(tmp_path, QUICK))
    monthly = sum(i.frequency == "monthly" for i in catalog.indicators)
    yearly = sum(i.frequency == "yearly" for i in catalog.indicators)
    assert monthly + yearly == len(catalog.indicators) >= 40
    assert report["database"]["observations"] == 65 * (monthly * 48 + yearly * 3)
    assert report["ingest"]["rows"] == QUICK.ingest_rows == 80_000
    assert report["memory"]["sessions"] == 5 and report["memory"]["rss_all_sessions_mb"] > 0
    assert report["overview"]["national"]["filter_changes"]
    # A first visit is the median of several, each kept.
    national = report["overview"]["national"]
    walls = sorted(t["wall"] for t in national["first_visits"])
    assert len(walls) == FIRST_VISITS and national["first_visit"]["wall"] == walls[len(walls) // 2]
    pages = report["pages"]
    assert pages["indicator_page"]["filter_changes"] and pages["goal_page"]["first_visit"]
    assert all(len(pages[k]["first_visits"]) == FIRST_VISITS for k in pages if k != "ratios")
    assert pages["briefing_overview"]["next_session"]["wall"] > 0

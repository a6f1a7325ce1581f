"""The dashboard and `manage.py ingest` share one file; a killed ingest leaves the database whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for the dashboard process: the same storage calls the pages make, in a loop.
DASHBOARD_LOOP = """
import sys, time
from storage import open_database, load_observations, latest_period
db = open_database(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
reads = 0
while time.monotonic() < deadline:
    load_observations(db)
    latest_period(db)
    reads += 1
print(reads)
"""

# Holds a write transaction open, as a long ingest would, until its standard input closes.
HOLD_WRITE = """
import sys
from storage import open_database
db = open_database(sys.argv[1])
with db.writing() as con:
    print("holding", flush=True)
    sys.stdin.read()
"""


def new_database(path):
    """A database made on purpose (as `manage.py init`): ingest creates none."""
    from storage import open_database as open_db

    open_db(path).create()
    return path


def run_manage(*args, env=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def big_file(path: Path, catalog, months: int = 72) -> int:
    """A valid file with one row per monthly count indicator, area and month: some twenty
    thousand rows (six years), so a run lasts long enough to be killed in its check and in its
    commit (its release decision included)."""
    lines = ["indicator_id,period,area_code,value"]
    for ind in catalog.indicators:
        if ind.kind != "count" or ind.frequency != "monthly":
            continue
        if ind.id == "lethal_violence_close_relations":
            continue
        for area in catalog.valid_areas(ind.id):
            for m in range(months):
                y, mo = 1996 + m // 12, m % 12 + 1
                lines.append(f"{ind.id},{y}-{mo:02d},{area},{(m * 7 + len(area)) % 97}")
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def test_ingest_runs_while_the_dashboard_process_reads(tmp_path):
    db = new_database(tmp_path / "shared.duckdb")
    assert run_manage("ingest", str(FIXTURES / "seed.csv"), "--db", str(db)).returncode == 0
    dashboard = subprocess.Popen(
        [sys.executable, "-c", DASHBOARD_LOOP, str(db), "6"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)  # the dashboard process is up and reading
    body = tmp_path / "more.csv"
    body.write_text("indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,170\n")
    done = run_manage(
        "ingest", str(body), "--db", str(db), "--json", env={"LAGESBILD_BUSY_TIMEOUT": "20"}
    )
    out, err = dashboard.communicate(timeout=60)
    assert dashboard.returncode == 0, err.decode()
    assert int(out) > 10  # it kept reading throughout
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["inserted"] == 1


def test_ingest_waits_for_a_writer_then_says_why_it_gave_up(tmp_path):
    db = new_database(tmp_path / "busy.duckdb")
    assert run_manage("ingest", str(FIXTURES / "seed.csv"), "--db", str(db)).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
    )
    assert holder.stdout.readline().strip() == b"holding"
    body = tmp_path / "more.csv"
    body.write_text("indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,170\n")
    gave_up = run_manage("ingest", str(body), "--db", str(db), env={"LAGESBILD_BUSY_TIMEOUT": "1"})
    assert gave_up.returncode == 2
    assert "används av en annan process" in gave_up.stderr.decode()
    waiting = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "ingest", str(body), "--db", str(db), "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LAGESBILD_BUSY_TIMEOUT": "60"},
    )
    time.sleep(1)
    holder.stdin.close()  # the long write ends; the waiting ingest gets the file
    holder.wait(timeout=30)
    out, err = waiting.communicate(timeout=90)
    assert waiting.returncode == 0, err.decode()
    assert json.loads(out)["inserted"] == 1


@pytest.mark.slow  # ~70 s: a full ingest of 23 000 rows, then kill -9 at three points of another
def test_killing_an_ingest_midway_leaves_the_database_whole(tmp_path, catalog):
    from storage import count_observations, list_uploads, open_database

    data = tmp_path / "big.csv"
    rows = big_file(data, catalog)
    db_path = new_database(tmp_path / "kill.duckdb")
    assert run_manage("ingest", str(FIXTURES / "seed.csv"), "--db", str(db_path)).returncode == 0
    # Time one full run, then kill runs at points spread over it, including inside the commit.
    started = time.monotonic()
    probe = new_database(tmp_path / "probe.duckdb")
    # Its made-up values do not add up from municipalities to the region: warnings, confirmed.
    confirm = "--confirm-warnings"
    assert run_manage("ingest", str(data), "--db", str(probe), confirm).returncode == 0
    full = time.monotonic() - started
    outcomes = set()
    for fraction in (0.5, 0.8, 0.95):
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "ingest",
                str(data),
                "--db",
                str(db_path),
                confirm,
            ],  # fmt: skip
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(full * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        db = open_database(db_path)
        n = count_observations(db)
        uploads = list_uploads(db)
        # Either the whole file is in, with its upload record, or none of it is.
        assert n in (7, 7 + rows), n
        assert (n == 7 + rows) == (len(uploads) == 2)
        outcomes.add(n)
        if n != 7:
            break
    # The database still takes a normal upload afterwards.
    assert run_manage("ingest", str(FIXTURES / "seed.csv"), "--db", str(db_path)).returncode == 0

"""The upload check in a worker process with a memory limit (ingest/worker.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd

from ingest import worker
from ingest.pipeline import check_upload, ingest_upload
from tests.conftest import FIXTURES, TODAY

ROOT = Path(__file__).resolve().parents[2]
SEED = (FIXTURES / "seed.csv").read_bytes()
BROKEN = (FIXTURES / "broken.csv").read_bytes()


def many_rows(n: int) -> bytes:
    """n rows, each a different month of one series (most of them in the future, so wrong): a
    file too big to check under a small memory limit."""
    lines = ["indicator_id,period,area_code,value,note"]
    lines += [
        f"reported_rape,{1900 + i // 12}-{i % 12 + 1:02d},STHLM,{i},anteckning {i}"
        for i in range(n)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_the_worker_gives_the_same_answer_as_the_check_itself(catalog):
    for data, name in ((SEED, "seed.csv"), (BROKEN, "broken.csv")):
        here = check_upload(data, name, catalog, today=TODAY)
        there = worker.check_isolated(data, name, catalog, today=TODAY)
        assert not there.failed
        assert there.errors == here.errors
        assert (there.rows, there.sha256, there.assumptions) == (
            here.rows,
            here.sha256,
            here.assumptions,
        )
        pd.testing.assert_frame_equal(there.frame, here.frame)
    assert worker.last_stats is not None and worker.last_stats.peak_mb > 0


def test_a_check_that_needs_more_memory_than_allowed_is_a_swedish_whole_file_error(
    catalog,
):
    data = many_rows(300_000)
    checked = worker.check_isolated(data, "stor.csv", catalog, today=TODAY, memory_mb=40)
    assert checked.failed and not checked.ok
    [error] = checked.errors
    assert error.row is None
    assert "för stor för att kontrolleras" in error.message and "40 MB" in error.message
    # The same file within the default limit is checked as usual: its mistakes listed.
    checked = worker.check_isolated(data, "stor.csv", catalog, today=TODAY)
    assert not checked.failed and checked.rows == 300_000
    assert len(checked.errors) == 1001 and checked.errors[0].message.startswith(
        "Fler än 1\u00a0000"
    )


def test_a_worker_that_dies_or_overruns_is_a_swedish_whole_file_error(catalog, monkeypatch):
    receive = worker._receive

    def kill_first(receiving, process, timeout):
        os.kill(process.pid, signal.SIGKILL)
        return receive(receiving, process, timeout)

    monkeypatch.setattr(worker, "_receive", kill_first)
    died = worker.check_isolated(SEED, "seed.csv", catalog, today=TODAY)
    assert died.failed and "avslutades oväntat" in died.errors[0].message
    monkeypatch.setattr(worker, "_receive", receive)
    late = worker.check_isolated(many_rows(100_000), "s.csv", catalog, today=TODAY, timeout=0.05)
    assert late.failed and "avbröts" in late.errors[0].message


def test_ingest_upload_reports_a_failed_check_as_failed_and_stores_nothing(fresh_db, monkeypatch):
    from storage import count_observations

    monkeypatch.setenv(worker.MEMORY_ENV, "40")
    report = ingest_upload(fresh_db, many_rows(300_000), "stor.csv", user="eva", isolated=True)
    assert report.status == "failed" and report.upload_id is None
    assert count_observations(fresh_db) == 0
    ok = ingest_upload(fresh_db, SEED, "seed.csv", user="eva", today=TODAY, isolated=True)
    assert ok.status == "committed" and count_observations(fresh_db) == 7


def test_the_command_line_checks_in_the_worker_and_exits_2_when_it_could_not(fresh_db, tmp_path):
    big = tmp_path / "stor.csv"
    big.write_bytes(many_rows(300_000))
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "ingest",
            str(big),
            "--json",
            "--dry-run",
            "--db",
            str(fresh_db.path),
        ],  # fmt: skip
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, worker.MEMORY_ENV: "40"},
        timeout=300,
    )
    assert done.returncode == 2, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["status"] == "failed" and report["errors"][0]["row"] is None
    assert "för stor för att kontrolleras" in report["errors"][0]["message"]


def test_a_process_with_threads_checks_through_the_fork_server(catalog):
    """The Streamlit server runs many threads: its workers come from the fork server."""
    import threading

    results = []
    thread = threading.Thread(
        target=lambda: results.append(
            (threading.active_count(), worker.check_isolated(BROKEN, "b.csv", catalog, today=TODAY))
        )
    )
    thread.start()
    thread.join()
    [(threads, checked)] = results
    assert threads > 1 and worker._context is not None  # the fork server was started
    assert checked.errors == check_upload(BROKEN, "b.csv", catalog, today=TODAY).errors

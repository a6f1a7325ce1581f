"""A file of a million honest mistakes, and what checking it costs everyone else (issue 12 item 2).

    python -m bench.error_file [--rows 1000000] [--loads 6] [--out FILE]

Step 1b of `manage.py bench` measures the same file at national scale; this runs it on its own,
on the real catalog and the demo database, in four parts:

1. the file: `rows` canonical rows (every indicator at its areas, month after month back from
   last month) with a wrong indicator id on every row;
2. before: `check_upload` in a child process of its own, as `manage.py ingest` ran it until now:
   wall and CPU seconds, peak memory over the same interpreter's start-up;
3. after: `manage.py ingest --dry-run --json` as an operator runs it (the check in the worker
   process, ingest/worker.py): wall and CPU seconds of the command, exit code, errors listed, and
   what the worker added to its own memory (its peak over its start, from its log line);
4. another session meanwhile: overview page runs (AppTest, a new session each, caches warm, as a
   second person opening the dashboard) in this process, alone, then while this same process
   checks the file in a thread (as the upload page did before: the check in the server's
   process), then while it checks it through the worker (as the page does now). Medians of
   wall seconds, and their ratios to the page alone (aim: within 1,5×).

The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = date.today()


def error_file(rows: int) -> bytes:
    """`rows` canonical rows of the real catalog, each with a wrong indicator id ("<id>_x")."""
    from metrics.catalog import load_catalog

    catalog = load_catalog()
    pairs = [(i.id, a) for i in catalog.indicators for a in catalog.valid_areas(i.id)]
    months = -(-rows // len(pairs))
    last = TODAY.year * 12 + TODAY.month - 2  # last month, as a month number
    out = ["indicator_id,period,area_code,value"]
    n = 0
    for back in range(months):
        m = last - back
        period = f"{m // 12}-{m % 12 + 1:02d}"
        for indicator_id, area in pairs:
            out.append(f"{indicator_id}_x,{period},{area},{(n * 7) % 500}")
            n += 1
            if n == rows:
                return ("\n".join(out) + "\n").encode()
    return ("\n".join(out) + "\n").encode()


def _child(*args: str, env: dict[str, str] | None = None) -> tuple[float, float, float, Any]:
    """Run a Python child: (wall s, CPU s, peak RSS MB of the largest reaped descendant, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=3600,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - wall, cpu, after.ru_maxrss / 1024, done


BEFORE = """
import resource, sys, time
from pathlib import Path
from ingest.pipeline import check_upload
data = Path(sys.argv[1]).read_bytes()
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
checked = check_upload(data, "errors.csv")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(checked.errors), round(start / 1024), round(peak / 1024))
"""

CLI = """
import logging, sys
import manage
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s", stream=sys.stderr)
sys.exit(manage.main(sys.argv[1:]))
"""

WORKER_LOG = re.compile(
    r"check of .*?: (?P<seconds>[\d.]+) s, (?P<cpu>[\d.]+) s CPU, start (?P<start>[\d.]+) MB, "
    r"peak (?P<peak>[\d.]+) MB"
)


def measure_before(path: Path) -> dict[str, Any]:
    wall, cpu, _, done = _child("-c", BEFORE, str(path))
    errors, start, peak = (int(x) for x in done.stdout.split())
    return {
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "errors_listed": errors,
        "peak_rss_mb": peak,
        "extra_mb": peak - start,
    }


def measure_after(path: Path, db: Path) -> dict[str, Any]:
    wall, cpu, _, done = _child(
        "-c", CLI, "ingest", str(path), "--dry-run", "--json", "--db", str(db)
    )
    report = json.loads(done.stdout or b"{}")
    found = WORKER_LOG.search(done.stderr.decode())
    worker = {k: float(v) for k, v in found.groupdict().items()} if found else {}
    return {
        "exit_code": done.returncode,
        "status": report.get("status"),
        "errors_listed": len(report.get("errors", [])),
        "first_error": (report.get("errors") or [{}])[0].get("message"),
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "worker_seconds": worker.get("seconds"),
        "worker_cpu": worker.get("cpu"),
        "worker_extra_mb": round(worker["peak"] - worker["start"]) if worker else None,
        "worker_peak_mb": worker.get("peak"),
    }


def measure_page_loads(data: bytes, db: Path, loads: int) -> dict[str, Any]:
    """Overview runs of new sessions (caches warm) alone, during an in-process check, and
    during a worker check, all in this process (one server, two people)."""
    from bench.run import PageRunner, environment
    from ingest.pipeline import check_upload
    from ingest.worker import check_isolated

    runner = PageRunner()
    with environment(LAGESBILD_DB=str(db), LAGESBILD_MODE="local"):
        runner.clear_caches()
        runner.run(runner.session())  # caches warm, as for anyone but the first visitor
        alone = [runner.run(runner.session()).wall for _ in range(loads)]

        def during(check) -> tuple[list[float], float]:
            done = threading.Event()
            spent: list[float] = []

            def work() -> None:
                started = time.perf_counter()
                check(data, "errors.csv")
                spent.append(time.perf_counter() - started)
                done.set()

            thread = threading.Thread(target=work, daemon=True)
            thread.start()
            time.sleep(0.5)  # the check is under way
            times = []
            while not done.is_set() or len(times) < 1:
                times.append(runner.run(runner.session()).wall)
                if len(times) >= loads and done.is_set():
                    break
            thread.join()
            return times, spent[0]

        in_process, in_process_check = during(check_upload)
        in_worker, worker_check = during(check_isolated)
    base = statistics.median(alone)
    return {
        "alone": [round(x, 3) for x in alone],
        "during_in_process_check": [round(x, 3) for x in in_process],
        "during_worker_check": [round(x, 3) for x in in_worker],
        "median_alone": round(base, 3),
        "median_during_in_process_check": round(statistics.median(in_process), 3),
        "median_during_worker_check": round(statistics.median(in_worker), 3),
        "ratio_in_process": round(statistics.median(in_process) / base, 2),
        "ratio_worker": round(statistics.median(in_worker) / base, 2),
        "check_seconds_in_process": round(in_process_check, 2),
        "check_seconds_in_worker": round(worker_check, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loads", type=int, default=6)
    parser.add_argument("--skip-before", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    from bench.run import demo_database
    from storage import open_database

    folder = Path(tempfile.mkdtemp(prefix="lagesbild-errors-"))
    data = error_file(args.rows)
    path = folder / "errors.csv"
    path.write_bytes(data)
    report: dict[str, Any] = {
        "rows": args.rows,
        "megabytes": round(len(data) / 1e6, 1),
        "load_average_start": os.getloadavg(),
        "cores": os.cpu_count(),
    }
    print(f"file: {args.rows:,} rows, {report['megabytes']} MB; load {os.getloadavg()}", flush=True)
    if not args.skip_before:
        report["before"] = measure_before(path)
        print("before (check in the command's process):", report["before"], flush=True)
    empty = folder / "empty.duckdb"
    open_database(empty).create()
    report["after"] = measure_after(path, empty)
    print("after (manage.py ingest, check in the worker):", report["after"], flush=True)
    if not args.skip_pages:
        db = demo_database(folder)
        report["pages"] = measure_page_loads(data, db, args.loads)
        print("another session's overview:", report["pages"], flush=True)
    report["load_average_end"] = os.getloadavg()
    print(f"load average at the end {os.getloadavg()}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

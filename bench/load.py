"""Load test: many sessions read the dashboard while an analyst ingests into the same database file.

    python -m bench.load --sessions 50 --seconds 60 [--browsers 2] [--think 15] [--db PATH]
    python -m bench.load ... --replicas 1 2     # through nginx with 1, then 2 replicas

Starts the app on 127.0.0.1 (local mode, viewer) over a demo database, or with `--replicas N ...`
`manage.py serve`'s nginx in front of N replicas (one run per N, each on a fresh copy, printed
together), then for `--seconds`:
- `--sessions` clients speak Streamlit's own websocket protocol (BackMsg/ForwardMsg protobufs,
  as the browser does): each opens the app with its own link (area, period, briefing mode), asks
  for a run of a page (mostly the overview), waits for `script_finished`, reads for about
  `--think` seconds, and again;
- `--browsers` headless Chromium pages (Debian's /usr/bin/chromium) open the overview as people
  do (each load a new session), so the real frontend is exercised too;
- one analyst runs `manage.py ingest` in a loop (`--upload-pause` seconds apart), each file
  revising a few values; every commit makes every cache in the app stale.

Counts as an error: an exception or error box in a page, a run that does not finish within
`--timeout` seconds, a dropped connection, an upload that did not commit, or a committed upload
missing from the database afterwards. Prints errors (must be 0), page-load times (median, 95th
percentile, slowest), the 95th percentile as a multiple of the first load of the idle server
(the target is at most 3x), uploads and the servers' peak resident memory (VmHWM, summed over
replicas); exit 0 only with no errors. Everything is bounded in time and count, and listens on loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.browser import CHROMIUM, CHROMIUM_ARGS, IDLE
from deploy.launch import HOST, free_port, start_streamlit, stop
from i18n import number_word, t
from metrics.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]

# What the sessions ask for: mostly the overview (url_path "" = the default page), sometimes
# another read page; areas, periods and briefing mode vary so that several cache entries are hot.
PAGES = ["", "", "", "", "goals", "indicator"]
QUERIES = [
    "",
    "area=PO_NORD",
    "area=0180",
    "area=PO_SYD&brief=1",
    "brief=1",
    "area=0127&from=2024-01&to=2026-06",
]
# Cells the analyst's files revise, one value per month (months well inside the demo's range).
UPLOAD_CELLS = [("reported_rape", "STHLM", f"2025-{m:02d}") for m in (1, 2, 3)]


@dataclass
class Report:
    sessions: int
    browsers: int
    seconds: float
    replicas: int = 0  # 0: straight to one Streamlit process; N: through nginx to N replicas
    page_loads: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    first_load_s: float | None = None
    median_load_s: float | None = None
    p95_load_s: float | None = None
    slowest_load_s: float | None = None
    p95_over_first: float | None = None  # the 95th percentile / the idle server's first load
    browser_loads: int = 0
    slowest_browser_load_s: float | None = None
    uploads_committed: int = 0
    uploads_failed: int = 0
    uploads_missing_afterwards: int = 0
    slowest_upload_s: float | None = None
    server_peak_rss_mb: float | None = None
    server_rss_end_mb: float | None = None
    server_log: str | None = None  # kept in bench-artifacts/ when there were errors
    # Every session's page load: seconds from the run's start, page, link, seconds (--details).
    loads: list[dict] = field(default_factory=list, repr=False)
    started_at: float = field(default=0.0, repr=False)

    def add_error(self, kind: str) -> None:
        with _lock:  # readers, the uploader and the browsers report from different threads
            self.errors += 1
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


_lock = threading.Lock()


def _record(report: Report, *, started: float, page: str, query: str, s: float) -> None:
    with _lock:
        report.loads.append(
            {
                "at": round(started - report.started_at, 2),
                "page": page or "overview",
                "query": query,
                "seconds": round(s, 3),
            }
        )


# -- the server ------------------------------------------------------------------------------------


def app_env(db: Path) -> dict[str, str]:
    """What the app runs with in the load test: local mode, as a viewer, on `db`."""
    return {"LAGESBILD_MODE": "local", "LAGESBILD_DB": str(db), "LAGESBILD_LOCAL_ROLE": "viewer"}


def start_app(db: Path, log: Path, port: int) -> subprocess.Popen:
    """`streamlit run app.py` (dashboard.py behind its HTTP guard) on loopback in local mode;
    returns once /_stcore/health is OK."""
    return start_streamlit(ROOT / "app.py", app_env(db), port=port, log=log)[0]


def memory_mb(pid: int) -> tuple[float | None, float | None]:
    """(current, peak) resident set size of a process in MB, from /proc (Linux)."""
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        return None, None
    return values.get("VmRSS"), values.get("VmHWM")


# -- sessions over the websocket -------------------------------------------------------------------


async def page_run(ws, query: str, page_name: str, timeout: float) -> tuple[float, list[str]]:
    """Ask for one run of a page as the browser does; wait for it to finish.

    Returns (seconds, problems): problems name exceptions and error boxes the page drew.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    msg.rerun_script.page_script_hash = ""
    started = time.monotonic()
    await ws.send(msg.SerializeToString())
    problems: list[str] = []
    deadline = started + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        raw = await asyncio.wait_for(ws.recv(), remaining)
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                problems.append(f"exception {element.exception.type}".strip())
            elif which == "alert" and element.alert.format == element.alert.ERROR:
                problems.append("error box: " + element.alert.body[:80])
        elif kind == "page_not_found":
            problems.append("page not found")
        elif kind == "script_finished":
            if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the app asked for a rerun: the load ends with the next run
            if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                problems.append("compile error")
            return time.monotonic() - started, problems


async def session(
    n: int, port: int, until: float, think: float, timeout: float, report: Report, loads: list
) -> None:
    """One reader: connect, load pages until `until`, with think time between loads."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException

    rng = random.Random(n)
    query = QUERIES[n % len(QUERIES)]  # the link this person opened: kept for the session
    await asyncio.sleep(rng.uniform(0, think))  # people arrive over a while, not all at once
    try:
        async with connect(
            f"ws://{HOST}:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://{HOST}:{port}",
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,
        ) as ws:
            while time.monotonic() < until:
                page = rng.choice(PAGES)
                try:
                    seconds, problems = await page_run(ws, query, page, timeout)
                except TimeoutError:
                    report.add_error("page load timed out")
                    return
                report.page_loads += 1
                loads.append(seconds)
                _record(
                    report, started=time.monotonic() - seconds, page=page, query=query, s=seconds
                )
                for problem in problems:
                    report.add_error(problem)
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    except (OSError, WebSocketException, TimeoutError) as exc:
        report.add_error(f"connection: {type(exc).__name__}")


# -- real browsers ---------------------------------------------------------------------------------


def browsers(
    count: int, port: int, until: float, think: float, timeout: float, report: Report
) -> None:
    """`count` Chromium pages opening the overview until `until` (in this thread)."""
    if count <= 0:
        return
    if not Path(CHROMIUM).exists():
        report.add_error("chromium missing at /usr/bin/chromium")
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [browser.new_context().new_page() for _ in range(count)]
        county = sum(goal.family == "county" for goal in load_catalog().goals)
        heading = t("county_goals", "sv", count=number_word(county))  # the overview's cards
        i = 0
        while time.monotonic() < until:
            page = pages[i % count]
            query = QUERIES[i % len(QUERIES)]
            started = time.monotonic()
            try:
                page.goto(f"http://{HOST}:{port}/?{query}", timeout=timeout * 1000)
                page.get_by_text(heading).wait_for(timeout=timeout * 1000)
                page.wait_for_function(IDLE, timeout=timeout * 1000)
                times.append(time.monotonic() - started)
                if page.locator('[data-testid="stException"]').count():
                    report.add_error("browser: exception on page")
            except PlaywrightError as exc:
                report.add_error(f"browser: {type(exc).__name__}")
            i += 1
            time.sleep(min(max(0.0, until - time.monotonic()), think / count))
        browser.close()
    report.browser_loads = len(times)
    report.slowest_browser_load_s = round(max(times), 2) if times else None


# -- the analyst -----------------------------------------------------------------------------------


def uploader(
    db: Path, workdir: Path, until: float, max_uploads: int, pause: float, report: Report, ids: list
) -> None:
    """`manage.py ingest` in a loop, each file revising UPLOAD_CELLS to new values.

    Each commit changes the data versions of what it touched: `pause` seconds between uploads
    set how often that happens. The revised values are far from the demo's (a region value of
    200+), so the analyst confirms the plausibility warnings, as one would after reading them.
    """
    durations = []
    for i in range(max_uploads):
        if i and pause:
            time.sleep(min(pause, max(0.0, until - time.monotonic())))
        if time.monotonic() >= until:
            break
        body = "indicator_id,period,area_code,value\n" + "".join(
            f"{ind},{period},{area},{200 + i * 3 + k}\n"
            for k, (ind, area, period) in enumerate(UPLOAD_CELLS)
        )
        path = workdir / f"upload_{i:04d}.csv"
        path.write_text(body, encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "ingest",
                str(path),
                "--db",
                str(db),
                "--json",
                "--user",
                "bench-analytiker",
                "--confirm-warnings",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        durations.append(time.monotonic() - started)
        _record(report, started=started, page="(upload)", query="", s=durations[-1])
        try:
            result = json.loads(done.stdout)
        except ValueError:
            result = {}
        if done.returncode == 0 and result.get("status") == "committed" and result["upload_id"]:
            report.uploads_committed += 1
            ids.append((int(result["upload_id"]), body))
        else:
            report.uploads_failed += 1
            report.add_error(f"upload not committed (exit {done.returncode})")
            sys.stderr.write(done.stderr[-500:])
    report.slowest_upload_s = round(max(durations), 2) if durations else None


def check_uploads(db: Path, ids: list, report: Report) -> None:
    """Every committed upload is in the database, and the cells hold the last file's values."""
    from storage import list_uploads, load_observations, open_database

    database = open_database(db)
    uploads = list_uploads(database)
    stored = set(uploads.loc[uploads["undone_at"].isna(), "upload_id"].astype(int))
    for upload_id, _body in ids:
        if upload_id not in stored:
            report.uploads_missing_afterwards += 1
            report.add_error("committed upload missing afterwards")
    if ids:
        last = ids[-1][1].splitlines()[1:]
        obs = load_observations(database, indicator_ids=["reported_rape"], area_codes=["STHLM"])
        have = {f"{p:%Y-%m}": v for p, v in zip(obs["period"], obs["value"], strict=True)}
        for line in last:
            ind, period, area, value = line.split(",")
            if have.get(period) != float(value):
                report.add_error("last upload's value not in the database")


# -- the run ---------------------------------------------------------------------------------------


def make_demo_db(path: Path) -> None:
    from demo.load import load_demo
    from storage import open_database

    db = open_database(path)
    db.create()
    result = load_demo(db)
    if result.status != "committed":
        raise RuntimeError("the demo database could not be created")


def run_load(
    sessions: int,
    seconds: float,
    *,
    browsers_count: int = 0,
    think: float = 15.0,
    timeout: float = 60.0,
    max_uploads: int = 500,
    upload_pause: float = 15.0,
    db: Path | None = None,
    workdir: Path | None = None,
    replicas: int = 0,
) -> Report:
    """Run the load test and return its report (see the module docstring).

    `replicas` 0 runs one Streamlit process and talks to it directly; N >= 1 puts `manage.py
    serve`'s nginx in front of N replicas (deploy/serve.py) and talks to nginx."""
    own_dir = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="lagesbild-load-"))
    try:
        target = workdir / "load.duckdb"
        if db is None:
            make_demo_db(target)
        else:
            shutil.copy(db, target)
        report = Report(
            sessions=sessions, browsers=browsers_count, seconds=seconds, replicas=replicas
        )
        if replicas:
            from deploy.serve import start_cluster

            cluster = start_cluster(replicas, app_env(target), workdir / "serve")
            port, apps, logs = cluster.port, cluster.replicas, cluster.replica_logs
            stop_all = cluster.stop
        else:
            port, logs = free_port(), [workdir / "app.log"]
            apps = [start_app(target, logs[0], port)]
            stop_all = lambda: stop(apps[0])  # noqa: E731
        try:
            _drive(apps, port, target, workdir, report, think, timeout, max_uploads, upload_pause)
        finally:
            peaks = [memory_mb(app.pid)[1] for app in apps]
            if all(peaks):
                report.server_peak_rss_mb = round(sum(peaks), 1)
            stop_all()
            if report.errors:
                # The server log has the tracebacks users never see (showErrorDetails = none).
                keep = ROOT / "bench-artifacts"
                keep.mkdir(exist_ok=True)
                for i, log in enumerate(logs):
                    shutil.copyfile(log, keep / f"load-app-{i + 1}.log")
                report.server_log = str(keep / "load-app-*.log")
        return report
    finally:
        if own_dir:
            shutil.rmtree(workdir, ignore_errors=True)


def _drive(apps, port, db, workdir, report, think, timeout, max_uploads, upload_pause) -> None:
    loads: list[float] = []

    async def warm_up() -> float:
        """Open every link once, as people did before the run: the first is a cold start."""
        from websockets.asyncio.client import connect

        first = None
        for query in QUERIES:
            async with connect(
                f"ws://{HOST}:{port}/_stcore/stream",
                subprotocols=["streamlit"],
                origin=f"http://{HOST}:{port}",
                max_size=None,
                open_timeout=timeout,
            ) as ws:
                seconds, problems = await page_run(ws, query, "", max(timeout, 120))
            for problem in problems:
                report.add_error(problem)
            first = seconds if first is None else first
        return first

    report.first_load_s = round(asyncio.run(warm_up()), 2)  # not in the statistics
    report.started_at = time.monotonic()
    until = report.started_at + report.seconds
    ids: list = []
    threads = [
        threading.Thread(
            target=uploader,
            args=(db, workdir, until, max_uploads, upload_pause, report, ids),
            daemon=True,
        ),
        threading.Thread(
            target=browsers,
            args=(report.browsers, port, until, think, timeout, report),
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()

    async def readers() -> None:
        await asyncio.gather(
            *(
                session(n, port, until, think, timeout, report, loads)
                for n in range(report.sessions)
            )
        )

    asyncio.run(readers())
    for thread in threads:
        thread.join(timeout=240)
        if thread.is_alive():
            report.add_error("a worker did not stop in time")
    current = [memory_mb(app.pid)[0] for app in apps]
    report.server_rss_end_mb = round(sum(current), 1) if all(current) else None
    if any(app.poll() is not None for app in apps):
        report.add_error("the app exited during the run")
    check_uploads(db, ids, report)
    if loads:
        ordered = sorted(loads)
        report.median_load_s = round(statistics.median(ordered), 2)
        report.p95_load_s = round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)
        report.slowest_load_s = round(ordered[-1], 2)
        if report.first_load_s:
            report.p95_over_first = round(report.p95_load_s / report.first_load_s, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", type=int, default=50, help="websocket sessions (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to load (default 60)")
    parser.add_argument("--browsers", type=int, default=2, help="Chromium pages too (default 2)")
    parser.add_argument(
        "--think", type=float, default=15.0, help="mean seconds a person reads between loads"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="a load slower than this fails")
    parser.add_argument("--uploads", type=int, default=500, help="at most this many uploads")
    parser.add_argument(
        "--upload-pause", type=float, default=15.0, help="seconds between uploads (default 15)"
    )
    parser.add_argument("--db", type=Path, help="start from a copy of this database (else demo)")
    parser.add_argument(
        "--replicas",
        type=int,
        nargs="+",
        metavar="N",
        help="through nginx with N replicas (0: one process, no proxy); several: one run each",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--details", type=Path, help="write every page load (when, page, link, seconds) as JSON"
    )
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 500 and 1 <= args.seconds <= 3600 and 0 <= args.browsers <= 8):
        parser.error("bounds: 1-500 sessions, 1-3600 seconds, 0-8 browsers")
    if args.replicas and not all(0 <= n <= 16 for n in args.replicas):
        parser.error("bounds: 0-16 replicas (0: one process, no proxy)")
    reports = []
    for replicas in args.replicas or [0]:
        if args.replicas:
            print(
                f"... {replicas or 'no'} replica(s) behind nginx, load average {os.getloadavg()}",
                file=sys.stderr,
            )
        reports.append(
            run_load(
                args.sessions,
                args.seconds,
                browsers_count=args.browsers,
                think=args.think,
                timeout=args.timeout,
                max_uploads=args.uploads,
                upload_pause=args.upload_pause,
                db=args.db,
                replicas=replicas,
            )
        )
    if args.details:
        args.details.write_text(
            json.dumps([r.loads for r in reports], ensure_ascii=False), encoding="utf-8"
        )
    if args.json:
        print(
            json.dumps(
                [{k: v for k, v in asdict(r).items() if k != "loads"} for r in reports],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print("\n\n".join(describe(r) for r in reports))
    return 0 if all(r.errors == 0 for r in reports) else 1


def describe(report: Report) -> str:
    """The report as lines of text."""
    where = (
        f"through nginx, {report.replicas} replica(s)" if report.replicas else "one process, direct"
    )
    return (
        f"{report.sessions} sessions + {report.browsers} browsers, {report.seconds:.0f} s, {where}: "
        f"{report.page_loads} page loads, {report.browser_loads} browser loads\n"
        f"errors: {report.errors} {report.error_kinds or ''}\n"
        f"page load: first (cold) {report.first_load_s} s, median {report.median_load_s} s, "
        f"p95 {report.p95_load_s} s, slowest {report.slowest_load_s} s "
        f"(browser slowest {report.slowest_browser_load_s} s)\n"
        f"p95 / first load: {report.p95_over_first}x (target at most 3x)\n"
        f"uploads: {report.uploads_committed} committed, {report.uploads_failed} failed, "
        f"{report.uploads_missing_afterwards} missing afterwards, "
        f"slowest {report.slowest_upload_s} s\n"
        f"server memory (all replicas): peak {report.server_peak_rss_mb} MB, "
        f"at the end {report.server_rss_end_mb} MB"
        + (f"\nserver log: {report.server_log}" if report.server_log else "")
    )


if __name__ == "__main__":
    sys.exit(main())

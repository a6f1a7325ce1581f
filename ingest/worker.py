"""The upload check in a worker process with a memory limit (issue 12 item 2).

`check_upload` reads and validates a whole file in memory. Run inside the Streamlit server, a
file of a million honest mistakes held the server's memory and CPU (and Python's lock) for
minutes and slowed every other session. `check_isolated` runs the same `check_upload` in a
separate process instead:

- the worker is forked from a small server started once per process (multiprocessing's
  *forkserver*, with the ingest modules imported in advance), so a check costs a fork, not an
  interpreter start, and the multi-threaded Streamlit (or DuckDB) process is never forked itself;
  the fork server is lean, so the limit below is a real one (a process forked from the command
  itself could reuse all the heap its parent had freed: tried, and a 1 MB limit held nothing);
- its address space is limited (`resource.setrlimit(RLIMIT_AS)`: what it has at the fork plus
  `LAGESBILD_CHECK_MEMORY_MB`, default 1 536 MB); a check that needs more ends with a Swedish
  whole-file error, as does a worker that dies (killed, out of memory) or runs longer than
  `LAGESBILD_CHECK_TIMEOUT` seconds (default 600);
- it runs at a lower CPU priority (nice 10), so other sessions' pages go first on a busy machine;
- at most `LAGESBILD_CHECK_WORKERS` checks (default 2) run at once per server process; more wait.

Only the result comes back: the checked rows when the file is good, at most MAX_ERRORS + 1
errors when it is not (schemas.upload); the error frames pandera builds stay in the worker and
die with it. A check that could not finish is a `CheckedUpload` with `failed=True` and one
whole-file error (the command line's status "failed", exit 2): nothing is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import resource
import threading
import time
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection

import pandas as pd

from i18n import Message
from ingest.check_server import check_context
from ingest.pipeline import CANONICAL, CheckedUpload, check_upload
from metrics.catalog import Catalog, load_catalog
from metrics.formatting import format_number
from schemas.upload import UploadError

_LOG = logging.getLogger("lagesbild.ingest")

MEMORY_ENV = "LAGESBILD_CHECK_MEMORY_MB"
TIMEOUT_ENV = "LAGESBILD_CHECK_TIMEOUT"
WORKERS_ENV = "LAGESBILD_CHECK_WORKERS"
DEFAULT_MEMORY_MB = 1536
DEFAULT_TIMEOUT = 600.0
DEFAULT_WORKERS = 2
NICENESS = 10


@dataclass(frozen=True)
class WorkerStats:
    """What one check cost in its worker: wall and CPU seconds, resident memory at the fork and
    at its peak (MB). The peak minus the start is what the check added to the machine."""

    seconds: float
    cpu_seconds: float
    start_mb: float
    peak_mb: float

    @property
    def extra_mb(self) -> float:
        return self.peak_mb - self.start_mb


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
last_stats: WorkerStats | None = None
"""The latest finished check's cost in this process (for the benchmark and the log)."""


def memory_limit_mb() -> int:
    return _positive_env(MEMORY_ENV, DEFAULT_MEMORY_MB)


def _positive_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


def _worker_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(int(_positive_env(WORKERS_ENV, DEFAULT_WORKERS)))
        return _slots


def _forkserver() -> multiprocessing.context.BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            _context = check_context()
        return _context


def check_isolated(
    data: bytes,
    file_name: str,
    catalog: Catalog | None = None,
    *,
    today: date | None = None,
    sheet: str | None = None,
    year: int | None = None,
    area: str | None = None,
    memory_mb: float | None = None,
    timeout: float | None = None,
) -> CheckedUpload:
    """`check_upload` in a worker process with a memory limit: the same result for any file it
    can check, or a failed check with one Swedish whole-file error (`CheckedUpload.failed`)."""
    global last_stats
    catalog = catalog or load_catalog()
    memory_mb = memory_mb or memory_limit_mb()
    timeout = timeout or _positive_env(TIMEOUT_ENV, DEFAULT_TIMEOUT)
    with _worker_slots():
        context = _forkserver()
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(
            target=_work,
            args=(
                sending,
                data,
                file_name,
                catalog,
                today,
                sheet,
                (year, area),
                int(memory_mb * 1024 * 1024),
            ),
            name="lagesbild-check",
            daemon=True,
        )
        worker.start()
        sending.close()
        try:
            outcome = _receive(receiving, worker, timeout)
        finally:
            receiving.close()
            worker.join(5)
            if worker.is_alive():
                worker.kill()
                worker.join()
    kind = outcome[0]
    if kind == "ok":
        checked, last_stats = outcome[1], outcome[2]
        _LOG.info(
            "check of %s: %.3f s, %.3f s CPU, start %.1f MB, peak %.1f MB (worker process)",
            file_name,
            last_stats.seconds,
            last_stats.cpu_seconds,
            last_stats.start_mb,
            last_stats.peak_mb,
        )
        return checked
    if kind == "memory":
        message = Message("upload_check_memory", megabytes=format_number(memory_mb, "sv"))
    elif kind == "timeout":
        message = Message("upload_check_timeout", seconds=format_number(timeout, "sv"))
    elif kind == "error":
        message = Message("upload_check_error", error=outcome[1])
    else:  # the worker ended without an answer: killed, or out of memory outside Python
        message = Message("upload_check_died", code=outcome[1])
    _LOG.warning("check of %s did not finish: %s", file_name, kind)
    return failed_check(data, file_name, str(message))


def failed_check(data: bytes, file_name: str, message: str) -> CheckedUpload:
    """A check that could not finish: nothing read, one whole-file error."""
    return CheckedUpload(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=0,
        frame=pd.DataFrame(columns=CANONICAL),
        errors=[UploadError(None, None, None, message)],
        failed=True,
    )


def _receive(
    receiving: Connection, worker: multiprocessing.process.BaseProcess, timeout: float
) -> tuple:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if receiving.poll(0.1):
                return receiving.recv()
        except (EOFError, OSError):
            worker.join(5)
            return ("died", worker.exitcode)
        if not worker.is_alive():
            # It may have sent its answer just before ending.
            try:
                if receiving.poll(0):
                    return receiving.recv()
            except (EOFError, OSError):
                pass
            return ("died", worker.exitcode)
        if time.monotonic() > deadline:
            worker.kill()
            return ("timeout",)


# -- in the worker ----------------------------------------------------------------------------------


def _resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _work(
    sending: Connection,
    data: bytes,
    file_name: str,
    catalog: Catalog,
    today: date | None,
    sheet: str | None,
    stated: tuple[int | None, str | None],
    extra_bytes: int,
) -> None:
    """The worker: lower priority, a ceiling on its address space, then the check."""
    started, cpu_started = time.monotonic(), time.process_time()
    start_mb = _resident_mb()
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    limit = _address_space() + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    outcome: tuple
    try:
        year, area = stated
        checked = check_upload(
            data, file_name, catalog, today=today, sheet=sheet, year=year, area=area
        )
        del data
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats = WorkerStats(
            round(time.monotonic() - started, 3),
            round(time.process_time() - cpu_started, 3),
            round(start_mb, 1),
            round(peak_mb, 1),
        )
        outcome = ("ok", checked, stats)
    except MemoryError:
        outcome = ("memory",)
    except Exception as exc:  # noqa: BLE001 - a bug must still reach the analyst in Swedish
        outcome = ("error", type(exc).__name__)
    try:
        sending.send(outcome)
    except MemoryError:
        del outcome
        sending.send(("memory",))
    finally:
        sending.close()

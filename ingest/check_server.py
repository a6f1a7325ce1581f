"""The upload check's fork server, started early (light: imports nothing of the app's).

`ingest.worker` runs each check in a process forked from a fork server that has the ingest
modules imported in advance. The server is started when the first check needs it, and its
imports (pandas, pandera, the catalog: seconds) then stand between the command and its answer.
`manage.py ingest` calls `start_check_server` first thing, so the server's imports run beside the
command's own instead of after them.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver

PRELOAD = ["ingest.worker_server", "ingest.worker"]
"""What the fork server imports before it forks a check (ingest/worker_server.py first)."""


def check_context() -> multiprocessing.context.BaseContext:
    """The fork-server context the checks run in, with PRELOAD set."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_check_server() -> None:
    """Start the fork server now (it imports PRELOAD in the background); a no-op when it runs."""
    check_context()
    forkserver.ensure_running()

"""Imported only inside the upload check's fork server (ingest/worker.py), before the ingest modules.

Every process forked from a fork server first imports the parent's main module again
(multiprocessing.spawn.prepare): under Streamlit that is Streamlit's command line, a second or so
and some 80 MB per check, for nothing, since the worker's function lives in ingest.worker. In the
fork server, and so in its workers only, the main module is left out of that preparation; the
parent process never runs this module.
"""

from __future__ import annotations

from multiprocessing import spawn

_prepare = spawn.prepare


def _prepare_without_main(data: dict) -> None:
    _prepare(
        {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
    )


spawn.prepare = _prepare_without_main

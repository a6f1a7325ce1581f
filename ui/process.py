"""Settings of the server process itself (not of a session), made once per process."""

from __future__ import annotations

import gc
import threading

# Python collects its youngest objects after every 700 new container objects by default. A page
# run makes hundreds of thousands of them (frames, series, chart dicts) while the process keeps
# large caches alive, so a run paid for dozens of collections: ~0,05-0,1 s of a goal page's
# filter change at national scale (docs/performance.md, session 8). Fewer, larger collections
# free the same garbage.
GC_THRESHOLDS = (50_000, 20, 50)

_lock = threading.Lock()
_done = False


def tune_once() -> None:
    """Set the process's collector thresholds (the first call only; later calls do nothing)."""
    global _done
    with _lock:
        if _done:
            return
        gc.set_threshold(*GC_THRESHOLDS)
        _done = True

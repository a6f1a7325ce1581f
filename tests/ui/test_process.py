"""The server process's own settings are made once, whatever the number of runs."""

from __future__ import annotations

import gc

from ui import process


def test_the_collector_is_tuned_once(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setattr(process, "_done", False)
    try:
        process.tune_once()
        assert gc.get_threshold() == process.GC_THRESHOLDS
        gc.set_threshold(*before)
        process.tune_once()  # a later run changes nothing
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)

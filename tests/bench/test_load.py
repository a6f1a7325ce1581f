"""A smaller load test (bench/load.py): 10 sessions for 20 s while an analyst ingests in a loop."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_readers_and_an_uploading_analyst_share_the_database_without_errors(tmp_path):
    from bench.load import run_load

    # A generous per-load timeout: this asserts correctness under load, not speed (the
    # benchmark prints the times).
    report = run_load(
        10, 20, browsers_count=0, think=2.0, timeout=180, upload_pause=2.0, workdir=tmp_path
    )
    assert report.errors == 0, report.error_kinds
    assert report.page_loads >= 10
    assert report.uploads_committed >= 1
    assert report.uploads_failed == 0 and report.uploads_missing_afterwards == 0
    assert report.server_peak_rss_mb is not None


def test_the_load_test_runs_through_nginx_with_two_replicas(tmp_path):
    from bench.load import run_load
    from tests.deploy.test_nginx import nginx_or_skip

    nginx_or_skip()
    report = run_load(6, 10, think=2.0, timeout=180, upload_pause=2.0, workdir=tmp_path, replicas=2)
    assert report.errors == 0, report.error_kinds
    assert report.replicas == 2 and report.page_loads >= 6
    assert report.uploads_committed >= 1 and report.uploads_missing_afterwards == 0
    assert report.p95_over_first is not None

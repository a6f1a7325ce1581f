"""ui/data.py caches key on the data versions of what they read: an upload makes stale only the
caches that read its indicators at its areas (whole indicators in briefing mode), and a write that
changes no data (an audit entry) makes nothing stale. The values read afterwards are the new ones."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from ingest.pipeline import ingest_upload
from storage import record_audit
from tests.conftest import TODAY
from tests.ui.test_data_cache import BODY, MARCH


@pytest.fixture
def data(fresh_db, monkeypatch):
    body = BODY + b"reported_rape,2026-03,0180,40\nreported_grooming,2026-03,STHLM,30\n"
    report = ingest_upload(fresh_db, body, "small.csv", user="test", today=TODAY)
    assert report.status == "committed", report.errors
    monkeypatch.setenv("LAGESBILD_DB", str(fresh_db.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    from ui import data

    calls: list[tuple] = []
    read, build = data._read, data.read_overview
    monkeypatch.setattr(
        data, "_read", lambda *a, **k: calls.append(("read", a[:3])) or read(*a, **k)
    )
    monkeypatch.setattr(
        data,
        "read_overview",
        lambda *a, **k: (
            calls.append(("overview", a[2], tuple(i.id for i in a[4]))) or build(*a, **k)
        ),
    )
    yield data, fresh_db, calls
    st.cache_data.clear()
    st.cache_resource.clear()


def upload(db, body: bytes) -> None:
    report = ingest_upload(db, body, "more.csv", user="test", today=TODAY)
    assert report.status == "committed" and report.upload_id is not None, report.errors


def reads_everything(data) -> None:
    data.area_observations(False, ["reported_rape"], ["0128"])
    data.area_observations(True, ["reported_rape"], ["0128"])
    data.indicator_observations(False, "reported_rape")
    data.indicator_observations(False, "reported_grooming")
    data.overview(False, "0128", MARCH)


def test_an_upload_makes_stale_only_what_reads_its_indicator_at_its_area(data):
    data, db, calls = data
    reads_everything(data)
    assert len(calls) == 6  # four reads, and the overview's read and build
    calls.clear()
    reads_everything(data)
    assert calls == []  # all from the caches

    upload(db, b"indicator_id,period,area_code,value\nreported_rape,2026-03,0180,44\n")
    reads_everything(data)
    # Stale: briefing mode's Salem (the whole indicator decides), and every area of the
    # indicator. Not stale: Salem in full mode, the other indicator, the overview of Salem
    # (it reads Salem and the region).
    assert sorted(c for c in calls if c[0] == "read") == [
        ("read", (False, ("reported_rape",), None)),
        ("read", (True, ("reported_rape",), ("0128",))),
    ]
    assert not [c for c in calls if c[0] == "overview"]
    stored = data.indicator_observations(False, "reported_rape")
    stockholm = stored[(stored["area_code"] == "0180") & (stored["period"] == MARCH)]
    assert stockholm["value"].tolist() == [44.0]

    calls.clear()
    upload(db, b"indicator_id,period,area_code,value\nreported_rape,2026-03,STHLM,180\n")
    reads_everything(data)
    # Salem reads reported_rape at Salem: the region's new value changes nothing of its overview.
    assert not [c for c in calls if c[0] == "overview"]
    assert data.overview(False, "STHLM", MARCH)[0]["reported_rape"].value == 180
    calls.clear()
    upload(db, b"indicator_id,period,area_code,value\nsupport_line_calls,2026-03,STHLM,31\n")
    reads_everything(data)
    # The support line is reported at the region only, so Salem's overview reads it there: that
    # one indicator is read again, and only it.
    assert [c for c in calls if c[0] == "overview"] == [
        ("overview", "0128", ("support_line_calls",))
    ]
    readings, _ = data.overview(False, "0128", MARCH)
    assert readings["support_line_calls"].fallback
    assert readings["support_line_calls"].value == 31


def test_a_write_that_changes_no_data_makes_nothing_stale(data):
    data, db, calls = data
    reads_everything(data)
    before = db.version()
    record_audit(db, "someone", "login", {"iat": 1})
    assert db.version() != before  # the file changed
    calls.clear()
    reads_everything(data)
    assert calls == []


def test_a_restored_file_is_a_new_history(data, tmp_path):
    data, db, calls = data
    reads_everything(data)
    copy = tmp_path / "other.duckdb"
    copy.write_bytes(db.path.read_bytes())
    copy.replace(db.path)  # what restore does: another file in its place
    calls.clear()
    reads_everything(data)
    assert len(calls) == 6
    assert isinstance(data.indicator_observations(False, "reported_grooming"), pd.DataFrame)


def test_ten_sessions_at_once_make_the_overview_once(data):
    """Sessions arriving together after an upload wait for one computation and share it."""
    import threading

    data, db, calls = data
    results = []

    def session(briefing: bool) -> None:
        results.append(data.overview(briefing, "0180", MARCH))

    for briefing in (False, True):
        threads = [threading.Thread(target=session, args=(briefing,)) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    made = [c for c in calls if c[0] == "overview"]
    assert [c[1] for c in made] == ["0180", "0180"]  # once per mode, every indicator at once
    assert len(results) == 20
    assert all(r is results[0] for r in results[:10]) and all(
        r is results[10] for r in results[10:]
    )
    assert data.overview_summary(False, "0180", MARCH, "sv") is data.overview_summary(
        False, "0180", MARCH, "sv"
    )


def test_notes_events_and_uploads_are_read_again_only_when_they_change(data, monkeypatch):
    """The notes, events and history caches key on stamps of their own tables, not on the file:
    a note makes the notes stale and nothing else; an event the events (and the charts, whose
    key holds it) but no reading; an audit entry nothing."""
    from storage import add_comment, add_event

    data, db, calls = data
    reads: list[str] = []
    for name in ("list_comments", "list_events", "latest_period"):
        real = getattr(data, name)
        monkeypatch.setattr(
            data, name, lambda *a, _n=name, _r=real, **k: reads.append(_n) or _r(*a, **k)
        )

    def read_all() -> None:
        reads_everything(data)
        data.comments("reported_rape", "0128")
        data.events()
        data.data_through()

    read_all()
    calls.clear(), reads.clear()
    record_audit(db, "someone", "login", {"iat": 2})
    read_all()
    assert (calls, reads) == ([], [])
    add_comment(
        db,
        indicator_id="reported_rape",
        area_code="0128",
        period="2026-03",
        kind="analysis",
        text="Tre fall i mars.",
        user="analytiker",
    )
    read_all()
    assert (calls, reads) == ([], ["list_comments"])
    assert data.comments("reported_rape", "0128")["text"].tolist() == ["Tre fall i mars."]
    reads.clear()
    chart_key = data.version_key(False, ["reported_rape"], ["0128"])
    add_event(db, period="2026-02", label_sv="Ny rutin", user="analytiker")
    read_all()
    assert reads == ["list_events"] and not [c for c in calls if c[0] == "overview"]
    assert data.version_key(False, ["reported_rape"], ["0128"]) != chart_key

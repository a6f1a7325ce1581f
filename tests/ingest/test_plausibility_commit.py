"""Plausibility warnings stop a commit until they are confirmed; the confirmation is audited."""

from __future__ import annotations

import json

import pandas as pd

import ingest.pipeline as pipeline
from ingest.pipeline import check_upload, ingest_upload
from storage import audit_log, count_observations, list_uploads
from tests.conftest import TODAY

HEADER = "indikator;månad;område;värde\n"
HISTORY = [6, 4, 7, 5, 9, 6, 3, 8, 5, 6, 7, 4, 6, 5, 8, 7, 5, 6, 4, 9, 6, 5, 7, 6]
MONTHS = pd.period_range("2024-09", periods=len(HISTORY), freq="M")  # to 2026-08


def csv(rows: list[tuple[str, str, str, object]]) -> bytes:
    return (HEADER + "".join(f"{i};{m};{a};{v}\n" for i, m, a, v in rows)).encode("utf-8")


def haninge_history(db) -> None:
    rows = [("reported_rape", str(m), "0136", v) for m, v in zip(MONTHS, HISTORY, strict=True)]
    report = ingest(db, csv(rows), "historik.csv")
    assert report.status == "committed" and not report.plausibility


def ingest(db, data: bytes, name: str = "f.csv", **kw):
    return ingest_upload(db, data, name, user="analytiker", today=TODAY, **kw)


HANINGE_1234 = csv([("reported_rape", "2026-09", "0136", 1234)])


def test_unconfirmed_warnings_store_nothing_and_name_the_row(fresh_db):
    haninge_history(fresh_db)
    before = count_observations(fresh_db)
    report = ingest(fresh_db, HANINGE_1234, "haninge.csv")
    assert report.status == "unconfirmed" and report.upload_id is None
    assert report.inserted == 1  # what it would change
    (warning,) = report.plausibility.warnings
    assert (warning.rule, warning.row, warning.area_code) == ("outside_history", 2, "0136")
    assert count_observations(fresh_db) == before and len(list_uploads(fresh_db)) == 1
    body = report.as_json()
    assert body["status"] == "unconfirmed"
    assert body["warnings"][0]["row"] == 2 and "Haninge (0136)" in body["warnings"][0]["message"]


def test_confirmed_warnings_are_stored_with_who_and_which_in_the_audit_entry(fresh_db):
    haninge_history(fresh_db)
    report = ingest(fresh_db, HANINGE_1234, "haninge.csv", confirm_warnings=True)
    assert report.status == "committed" and report.upload_id is not None
    assert len(report.plausibility.warnings) == 1
    log = audit_log(fresh_db)
    entry = json.loads(log[log["action"] == "upload"].iloc[0]["detail"])
    assert entry["upload_id"] == report.upload_id
    confirmation = entry["plausibility"]
    assert confirmation["confirmed_by"] == "analytiker" and confirmation["warnings"] == 1
    (listed,) = confirmation["listed"]
    assert listed["key"] == report.plausibility.warnings[0].key
    assert (listed["row"], listed["area_code"], listed["value"]) == (2, "0136", 1234)
    assert "1\u00a0234" in listed["message"]


def test_an_upload_without_warnings_records_no_confirmation(fresh_db):
    haninge_history(fresh_db)
    report = ingest(fresh_db, csv([("reported_rape", "2026-09", "0136", 8)]))
    assert report.status == "committed" and not report.plausibility
    log = audit_log(fresh_db)
    assert all("plausibility" not in json.loads(d) for d in log["detail"])


def test_only_the_warnings_previewed_are_confirmed(fresh_db):
    """The page confirms the keys it showed; a warning that appears since stops the commit."""
    haninge_history(fresh_db)
    preview = ingest(fresh_db, HANINGE_1234, dry_run=True)
    assert preview.status == "dry_run" and len(preview.plausibility.warnings) == 1
    other = ingest(fresh_db, HANINGE_1234, confirm_warnings=["outside_history:x:0136:2026-09-01"])
    assert other.status == "unconfirmed"
    ok = ingest(fresh_db, HANINGE_1234, confirm_warnings=preview.plausibility.keys)
    assert ok.status == "committed"


def test_a_warning_that_arrives_between_preview_and_commit_is_caught(fresh_db):
    preview = ingest(fresh_db, HANINGE_1234, dry_run=True)
    assert not preview.plausibility and preview.plausibility.unjudged == 1  # no history yet
    haninge_history(fresh_db)  # someone stores the history meanwhile
    report = ingest(fresh_db, HANINGE_1234, confirm_warnings=preview.plausibility.keys)
    assert report.status == "unconfirmed" and count_observations(fresh_db) == len(HISTORY)


def test_excel_rows_are_kept_on_both_paths(monkeypatch, catalog):
    data = csv([("reported_rape", "2026-09", "0136", 5)]).replace(b"\n", b"\n\n", 1)
    data += b"reported_rape;2026-09;0127;7\n"
    fast = check_upload(data, "f.csv", catalog, today=TODAY)
    assert fast.ok and list(fast.excel_rows) == [3, 4]  # the blank row 2 is skipped
    monkeypatch.setattr(pipeline, "precheck_rows", lambda *a, **k: None)
    slow = check_upload(data, "f.csv", catalog, today=TODAY)
    assert slow.ok and list(slow.excel_rows) == [3, 4]

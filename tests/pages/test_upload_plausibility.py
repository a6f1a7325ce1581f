"""The upload page's plausibility warnings: shown with row, area, period, value and why; the save
button waits for the analyst's confirmation, which the upload's audit entry keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.ingest.test_plausibility_commit import HANINGE_1234, HISTORY, MONTHS, csv
from tests.pages.test_upload import shown

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = "pages/upload.py"


def history_file() -> bytes:
    return csv([("reported_rape", str(m), "0136", v) for m, v in zip(MONTHS, HISTORY, strict=True)])


def db(path: Path):
    from storage import open_database

    return open_database(path, busy_timeout=5)


@pytest.fixture
def history_path(tmp_path):
    """A database holding two years of Haninge's monthly rapes (about 6 a month)."""
    from ingest.pipeline import ingest_upload

    path = tmp_path / "plausibility.duckdb"
    database = db(path)
    database.create()
    assert ingest_upload(database, history_file(), "historik.csv", user="test").status == (
        "committed"
    )
    return path


def page(monkeypatch, path: Path, lang: str = "sv", briefing: bool = False) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(path))
    monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", "analyst")
    monkeypatch.setenv("LAGESBILD_LOCAL_USER", "anna")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    if briefing:
        at.query_params["brief"] = "1"
    at.run()
    at.switch_page(UPLOAD).run()
    return at


def upload(at: AppTest, name: str, payload: bytes) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, payload, "text/csv")]).run()
    assert not at.exception, at.exception
    return at


def commit_button(at: AppTest):
    return next(b for b in at.button if (b.key or "").startswith("commit_"))


def confirm_box(at: AppTest):
    boxes = [c for c in at.checkbox if (c.key or "").startswith("confirm_")]
    return boxes[0] if boxes else None


def stored(path: Path) -> int:
    from storage import count_observations

    return count_observations(db(path))


def test_haninge_1234_waits_for_the_confirmation_which_is_audited(monkeypatch, history_path):
    from storage import audit_log

    at = upload(page(monkeypatch, history_path), "haninge.csv", HANINGE_1234)
    assert "Rimlighetskontrollen har 1 varning" in at.warning[0].value
    table = at.dataframe[-1].value
    row = table.iloc[0].to_dict()
    assert row["Rad (som i Excel)"] == 2 and row["Område"] == "Haninge (0136)"
    assert row["Period"] == "september 2026" and row["Värde"] == "1\u00a0234"
    assert row["Kontroll"] == "Långt utanför historiken"
    why = [shown(m.value) for m in at.markdown if "långt utanför seriens historik" in m.value]
    assert why and why[0].startswith("- Rad 2: Haninge (0136), september 2026: värdet 1\u00a0234")
    assert commit_button(at).disabled
    assert not confirm_box(at).value

    confirm_box(at).check().run()
    assert not commit_button(at).disabled
    commit_button(at).click().run()
    assert not at.exception, at.exception
    assert "Sparat som uppladdning #2" in at.success[0].value
    assert stored(history_path) == len(HISTORY) + 1
    log = audit_log(db(history_path))
    entry = json.loads(log[log["action"] == "upload"].iloc[0]["detail"])
    assert entry["upload_id"] == 2 and entry["plausibility"]["confirmed_by"] == "anna"
    assert entry["plausibility"]["listed"][0]["row"] == 2


def test_the_warning_in_english(monkeypatch, history_path):
    at = upload(page(monkeypatch, history_path, lang="en"), "haninge.csv", HANINGE_1234)
    assert "The plausibility check has 1 warning" in at.warning[0].value
    row = at.dataframe[-1].value.iloc[0].to_dict()
    assert row["Value"] == "1,234"
    assert any("Row 2: Haninge (0136), September 2026" in shown(m.value) for m in at.markdown)
    assert any("far outside the series" in m.value for m in at.markdown)
    assert confirm_box(at).label.startswith("I have reviewed the warning")


def test_an_ordinary_file_needs_no_confirmation(monkeypatch, history_path):
    at = upload(page(monkeypatch, history_path), "sept.csv", HANINGE_1234.replace(b"1234", b"7"))
    assert confirm_box(at) is None and not at.warning
    assert not commit_button(at).disabled


def test_briefing_mode_shows_where_but_not_the_values(monkeypatch, history_path):
    at = upload(page(monkeypatch, history_path, briefing=True), "haninge.csv", HANINGE_1234)
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Rad (som i Excel)", "Indikator", "Område", "Period", "Kontroll"]
    assert "1234" not in str(table.to_dict()) and "1\u00a0234" not in str(table.to_dict())
    assert not any("1\u00a0234" in m.value or "1234" in m.value for m in at.markdown)


def test_warnings_that_change_before_the_click_stop_the_commit(monkeypatch, tmp_path):
    """Previewed on an empty store (nothing to compare with), stored after someone else's
    history arrived: nothing is saved and the new warning asks for its own confirmation."""
    from ingest.pipeline import ingest_upload

    path = tmp_path / "race.duckdb"
    db(path).create()
    at = upload(page(monkeypatch, path), "haninge.csv", HANINGE_1234)
    assert confirm_box(at) is None
    assert "1 nytt värde kunde inte jämföras med sin historik" in "".join(
        c.value for c in at.caption
    )
    assert ingest_upload(db(path), history_file(), "historik.csv", user="eva").status == (
        "committed"
    )
    commit_button(at).click().run()
    assert "rimlighetskontrollen ger andra varningar nu" in at.error[0].value
    assert stored(path) == len(HISTORY)
    assert confirm_box(at) is not None and not confirm_box(at).value
    assert commit_button(at).disabled

"""Briefing and public mode on the upload history (screen and CSV), and public mode that stays on.

Public mode is decided on the server (the `public` role or `LAGESBILD_PUBLIC=1`): a URL with
`brief=0`, or the toggle's session-state keys set directly, must not turn it off. The hidden
values are worked out here independently of the history page: disclosure control applied to
every stored observation of the demo database, and the raw values of the cells it hides.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from i18n import t

ROOT = Path(__file__).resolve().parents[2]
HISTORY = "pages/history.py"
KEY = ["indicator_id", "area_code", "period"]
LETHAL = "lethal_violence_close_relations"


@pytest.fixture(scope="module")
def demo_path(demo_copy):
    """The demo database plus one revision (upload #2): a shown region value of lethal violence
    becomes another shown value, and a small count of it is revised to another small count."""
    from ingest.pipeline import ingest_upload
    from storage import load_observations, open_database

    path = demo_copy("public")
    db = open_database(path, busy_timeout=5)
    obs = load_observations(db, indicator_ids=["reported_rape"], area_codes=["0128"])
    small = obs[obs["value"].between(1, 4)].iloc[-1]
    month = f"{small['period']:%Y-%m}"
    body = (
        "indicator_id,period,area_code,value,status\n"
        f"reported_rape,{month},0128,{5 - int(small['value'])},final\n"
    )
    # The revision makes the region differ from its parts: a warning, confirmed here.
    report = ingest_upload(
        db, body.encode(), "salem_3_fall.csv", user="anna", confirm_warnings=True
    )
    assert report.status == "committed", report.errors
    return path


@pytest.fixture(scope="module")
def hidden(demo_path) -> pd.DataFrame:
    """Every cell disclosure control hides now, with its raw stored value and denominator."""
    from metrics.catalog import load_catalog
    from metrics.disclosure import apply_disclosure
    from storage import disclosure_key, load_observations, open_database

    db = open_database(demo_path, busy_timeout=5)
    raw = load_observations(db)
    protected = apply_disclosure(raw, load_catalog(), 5, key=disclosure_key(db))
    out = raw[protected["suppressed"].to_numpy()][[*KEY, "value", "denominator"]]
    assert len(out) > 100  # the demo data hides hundreds of cells: the test has something to find
    return out.reset_index(drop=True)


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, object]]:
    """(label, data) of every download button drawn, whether by st.* or in a column."""
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


def run(monkeypatch, db_path, *, role="analyst", public=False, page=None, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", role)
    if public:
        monkeypatch.setenv("LAGESBILD_PUBLIC", "1")
    else:
        monkeypatch.delenv("LAGESBILD_PUBLIC", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def changed_cells(db_path, upload_id: int) -> pd.DataFrame:
    from storage import open_database, upload_changes

    return upload_changes(open_database(db_path, busy_timeout=5), upload_id)


def read_csv(payload: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(payload), sep=";", dtype=str, keep_default_na=False)


def assert_history_hides(at: AppTest, db_path, hidden: pd.DataFrame, upload_id: int, csv) -> None:
    """The change table on screen and the changes CSV of one upload show no hidden raw value."""
    cells = changed_cells(db_path, upload_id)
    secret = cells.merge(hidden, on=KEY, how="left", indicator=True)["_merge"].eq("both")
    assert secret.any()
    table = at.dataframe[1].value
    new = table.columns[5]  # indicator, area, month, change, old, new, status
    shown = secret.to_numpy()[: len(table)]
    assert (table.loc[shown, new] == "..").all()
    # Upload #1 inserted every cell: what is not hidden is shown, as a number.
    if upload_id == 1:
        assert not table.loc[~shown, new].isin(["..", "–"]).any()
    frame = read_csv(csv)
    assert len(frame) == len(cells)
    assert (frame.loc[secret.to_numpy(), "new_value"] == "..").all()
    assert (frame.loc[secret.to_numpy(), "old_value"].isin(["..", ""])).all()
    # A hidden cell's denominator says nothing either (".." for a proportion, empty for a count).
    assert frame.loc[secret.to_numpy(), "new_denominator"].isin(["..", ""]).all()


@pytest.mark.parametrize("mode", ["briefing", "public"])
def test_history_and_its_csv_show_no_hidden_value(monkeypatch, demo_path, hidden, downloads, mode):
    params = {"brief": "1"} if mode == "briefing" else {"brief": "0"}
    at = run(monkeypatch, demo_path, public=mode == "public", page=HISTORY, **params)
    assert any("Tidigare och ångrade värden visas som .." in str(c.value) for c in at.caption)
    # Upload #2 (the revision) is selected first: both of its values are hidden.
    csv = [data for label, data in downloads if label.startswith("Ladda ner ändringar")]
    assert csv
    assert_history_hides(at, demo_path, hidden, 2, csv[-1])
    table = at.dataframe[1].value
    assert list(table.iloc[0, 4:6]) == ["..", ".."]
    # The file name is free text: its number is masked, its date kept.
    assert "salem_.._fall.csv" in at.dataframe[0].value.iloc[:, 3].tolist()
    # Upload #1: the demo data, every cell inserted.
    downloads.clear()
    at.selectbox(key="history_upload").set_value(1).run()
    assert not at.exception
    csv = [data for label, data in downloads if label.startswith("Ladda ner ändringar")]
    assert_history_hides(at, demo_path, hidden, 1, csv[-1])


def test_history_outside_briefing_mode_shows_the_values(monkeypatch, demo_path, hidden):
    at = run(monkeypatch, demo_path, page=HISTORY)
    table = at.dataframe[1].value
    assert "..".join(table.iloc[:, 5]).count("..") == 0
    assert list(table.iloc[0, 4:6]) != ["..", ".."]


def toggle_keys_off(at: AppTest) -> None:
    """What a hostile client (or a bug) could do to the toggle: its keys set to "off"."""
    at.session_state["flt_briefing"] = "0"
    at.session_state["_w_briefing"] = False


@pytest.mark.parametrize(("role", "public"), [("public", False), ("analyst", True)])
def test_public_mode_cannot_be_turned_off(monkeypatch, demo_path, role, public):
    at = run(monkeypatch, demo_path, role=role, public=public, brief="0", ind=LETHAL)
    assert not at.toggle  # no briefing toggle to turn
    sidebar = " ".join(str(i.value) for i in at.sidebar.info)
    assert "Offentligt läge" in sidebar and "kan inte stängas av" in sidebar
    assert at.query_params["brief"] == "1"
    toggle_keys_off(at)
    at.switch_page("pages/indicator.py").run()
    assert not at.exception
    assert any("Offentligt läge" in str(i.value) for i in at.info)
    # The region's months with a death are hidden in the table of values (demo data).
    # The page's only table while the chart's own table is closed.
    [values] = [d.value for d in at.dataframe]
    assert (values == "..").to_numpy().any()
    toggle_keys_off(at)
    at.run()
    assert any("Offentligt läge" in str(i.value) for i in at.info)


def test_the_public_role_sees_only_the_reading_pages(monkeypatch, demo_path):
    at = run(monkeypatch, demo_path, role="public")
    for page in (HISTORY, "pages/upload.py", "pages/events.py", "pages/audit.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
            at.switch_page(page)
    # What the navigation holds for this role: the four reading pages.
    known = str(refused.value).split("Known pages:")[1]
    for page in ("overview", "goals", "indicator", "catalog"):
        assert f"pages/{page}.py" in known


def test_briefing_mode_can_be_turned_off_outside_public_mode(monkeypatch, demo_path):
    at = run(monkeypatch, demo_path, brief="1", ind=LETHAL, page="pages/indicator.py")
    assert at.toggle and at.toggle[0].value is True
    at.toggle[0].set_value(False).run()
    assert at.query_params["brief"] == "0"
    assert not any("Dragningsläge" in str(i.value) for i in at.info)


def test_the_upload_preview_in_briefing_mode_shows_no_value_of_the_file(monkeypatch, demo_path):
    at = run(monkeypatch, demo_path, brief="1", page="pages/upload.py")
    wrong = b"indicator_id,period,area_code,value\nreported_rape,2026-01,0128,3.5\n"
    revised = b"indicator_id,period,area_code,value\nreported_rape,2026-01,STHLM,4\n"
    files = [("fel.csv", wrong), ("rev.csv", revised)]
    at.file_uploader(key="upload_files").set_value([(n, b, "text/csv") for n, b in files]).run()
    assert not at.exception, at.exception
    assert any("kan disclosure-kontrollen inte skydda" in str(i.value) for i in at.info)
    shown = " ".join(str(m.value) for m in (*at.markdown, *at.caption, *at.error))
    assert "3,5" not in shown and "3.5" not in shown  # the problem list names the value: not shown
    assert t("upload_nothing_saved") in shown  # what happened to the file is said
    # No table of the file's values: no problem list, no revisions (old -> new).
    assert not at.dataframe or all("Nytt" not in d.value.columns for d in at.dataframe)
    assert all("Värde" not in d.value.columns for d in at.dataframe)
    assert "Reviderade värden" in {m.label for m in at.metric}  # counts are shown

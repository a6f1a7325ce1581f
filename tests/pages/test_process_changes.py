"""Process changes as analysts and viewers meet them: marked on the events page, offered at a shift
on the indicator page with a preview, saved only when confirmed (AppTest from dashboard.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from storage import list_events, list_process_changes, open_database

ROOT = Path(__file__).resolve().parents[2]
SHIFTED = "clearance_partner_assault"  # demo: above its mean every month since August 2025


@pytest.fixture(scope="module")
def demo_template(demo_copy):
    return demo_copy("process")


@pytest.fixture
def demo_db(demo_template, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def app(monkeypatch):
    def make(db_path, *, role="analyst", page="pages/indicator.py", **params):
        monkeypatch.setenv("LAGESBILD_DB", str(db_path))
        monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", role)
        monkeypatch.setenv("LAGESBILD_LOCAL_USER", "eva")
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return make


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [s.value for s in at.success]
    parts += [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def chart_keys(at: AppTest) -> list[str]:
    return [c.proto.id for c in at.get("plotly_chart")]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_an_analyst_marks_an_event_as_a_process_change_and_undoes_it(app, demo_db):
    db = open_database(demo_db)
    at = app(demo_db, page="pages/events.py")
    assert "Ändrar processen" in [s.value for s in at.subheader]
    # the demo's own entry is listed, by the demo analyst
    listed = at.dataframe[1].value
    assert listed.iloc[0].tolist()[1:] == [
        "januari 2023",
        "Kriminalvården bygger ut behandlingsprogrammen i länet (demo)",
        "Påbörjade återfallsförebyggande insatser för våldsutövare",
        "demo",
        listed.iloc[0, 5],
    ]
    event = at.selectbox(key="process_event")
    event.select(next(o for o in event.options if "Initiativ Gryning växlas upp" in o))
    at.radio(key="process_scope").set_value("goal")
    goal = at.selectbox(key="process_goal")
    goal.select("Resurs")
    button(at, "Markera som processförändring").click().run()
    assert not at.exception, at.exception
    assert "Markeringen sparades" in texts(at)
    marks = list_process_changes(db)
    added = marks[marks["goal_id"].notna()].iloc[0]
    assert (added["goal_id"], added["author"], added["period"]) == (
        "gryning_resource",
        "eva",
        pd.Timestamp("2021-02-01"),
    )
    assert "alla indikatorer under" in " ".join(at.dataframe[1].value.iloc[:, 3])

    undo = at.selectbox(key="process_undo")
    undo.select(next(o for o in undo.options if o.startswith(f"#{added['id']} ")))
    button(at, "Ångra markeringen").click().run()
    assert not at.exception, at.exception
    assert "Markeringen togs bort" in texts(at)
    assert list_process_changes(db)["goal_id"].isna().all()
    kept = list_process_changes(db, include_removed=True)
    assert kept.loc[kept["id"] == added["id"], "removed_by"].tolist() == ["eva"]


def test_the_same_mark_twice_is_refused_in_swedish(app, demo_db):
    at = app(demo_db, page="pages/events.py")
    event = at.selectbox(key="process_event")
    event.select(next(o for o in event.options if "behandlingsprogrammen" in o))
    indicator = at.selectbox(key="process_indicator")
    indicator.select(next(o for o in indicator.options if o.startswith("Påbörjade")))
    button(at, "Markera som processförändring").click().run()
    assert not at.exception, at.exception
    assert "redan markerad som processförändring" in texts(at)
    assert len(list_process_changes(open_database(demo_db))) == 1


def test_a_shift_is_offered_previewed_and_saved_only_when_the_analyst_confirms(app, demo_db):
    db = open_database(demo_db)
    events_before = len(list_events(db))
    at = app(demo_db, ind=SHIFTED)
    notice = [w.value for w in at.warning if "i följd över medelvärdet" in w.value]
    assert notice and notice[0].startswith("Sedan augusti 2025 ligger 15 månader i följd")
    # the previews are drawn when the analyst asks for them
    assert not [k for k in chart_keys(at) if "shift_" in k]
    at.toggle(key=f"shift_preview_{SHIFTED}").set_value(True).run()
    assert not at.exception, at.exception
    keys = chart_keys(at)
    assert any(k.endswith(f"shift_now_{SHIFTED}") for k in keys)
    assert any(k.endswith(f"shift_rebased_{SHIFTED}") for k in keys)
    # previewing stores nothing
    assert len(list_process_changes(db)) == 1 and len(list_events(db)) == events_before

    button(at, "Bekräfta: ny baslinje från augusti 2025").click().run()
    assert not at.exception, at.exception
    assert "Processförändringen sparades" in texts(at)
    marks = list_process_changes(db)
    saved = marks[marks["indicator_id"] == SHIFTED].iloc[0]
    assert (saved["period"], saved["author"], saved["label_sv"]) == (
        pd.Timestamp("2025-08-01"),
        "eva",
        "Processförändring från augusti 2025",
    )
    # rebased: the shift is explained, so neither notice nor offer is left
    assert not [w for w in at.warning if "i följd över medelvärdet" in w.value]
    assert not [b for b in at.button if b.label.startswith("Bekräfta")]


def test_a_viewer_sees_the_notice_but_no_offer(app, demo_db):
    at = app(demo_db, role="viewer", ind=SHIFTED)
    assert [w for w in at.warning if "i följd över medelvärdet" in w.value]
    assert "En analytiker kan registrera en processförändring" in texts(at)
    assert not [b for b in at.button if b.label.startswith("Bekräfta")]
    assert not [k for k in chart_keys(at) if "shift_" in k]
    assert not [x for x in at.toggle if x.key == f"shift_preview_{SHIFTED}"]

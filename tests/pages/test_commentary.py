"""Notes beside the chart and events on it, as analysts and viewers meet them (AppTest from dashboard.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from storage import add_comment, add_event, list_comments, list_events, open_database
from tests.pages.lazy import lazy_keys, open_note_forms, open_tables
from ui.commentary import FORM_OPEN

ROOT = Path(__file__).resolve().parents[2]
NOTE = "Ärendebalansen växte i somras när två utredare slutade; nya börjar i november."


@pytest.fixture(scope="module")
def demo_template(demo_copy):
    return demo_copy("demo")


@pytest.fixture
def demo_db(demo_template, tmp_path):
    """A demo database of this test's own: the tests write notes and events."""
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
        at.run()  # the selections are read from the URL on the first run
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return make


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def note_form_text_areas(at: AppTest) -> list:
    return [area for area in at.text_area if area.label == "Text"]


def form_keys(at: AppTest) -> list[str]:
    """The session-state keys of the note forms' expanders on the page (one beside each chart)."""
    return lazy_keys(at, FORM_OPEN)


def chart_annotations(at: AppTest, index: int = 0) -> list[tuple[str, str]]:
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    return [(a.get("text"), str(a.get("x"))) for a in spec["layout"].get("annotations", [])]


def test_an_analyst_is_asked_for_a_note_and_sees_it_after_saving(app, demo_db):
    at = app(demo_db, ind="lead_time_days")
    assert "Indikatorn missar målet konsekvent, och oktober 2026 saknar analys." in texts(at)
    # The form is made only when opened: closed, the page holds its expander and no widgets.
    assert len(form_keys(at)) == 1 and note_form_text_areas(at) == []
    [text] = note_form_text_areas(open_note_forms(at))
    text.input(NOTE)
    next(b for b in at.button if b.label == "Spara kommentar").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Kommentaren sparades." in shown
    assert "**Analys, oktober 2026**" in shown
    assert (
        "Ärendebalansen växte i somras när två utredare slutade; nya börjar i november\\." in shown
    )
    assert "saknar analys" not in shown  # the prompt is answered
    # Saving reran the page without losing the period (it used to collapse to January 2019).
    assert "to" not in at.query_params
    [stored] = list_comments(open_database(demo_db)).itertuples()
    assert (stored.indicator_id, stored.area_code, stored.author) == (
        "lead_time_days",
        "STHLM",
        "eva",
    )
    assert f"{stored.period:%Y-%m}" == "2026-10" and stored.kind == "analysis"


def test_a_viewer_sees_notes_but_no_form(app, demo_db):
    at = app(demo_db, role="viewer", ind="lead_time_days")
    assert note_form_text_areas(at) == [] and form_keys(at) == []
    assert not [b for b in at.button if b.label == "Spara kommentar"]
    assert "Ingen analys finns ännu för oktober 2026." in texts(at)
    assert "saknar analys. Skriv" not in texts(at)  # the prompt is for analysts

    add_comment(
        open_database(demo_db),
        indicator_id="lead_time_days",
        area_code="STHLM",
        period="2026-10",
        kind="action",
        text="Två nya utredare från november.",
        user="eva",
    )
    at = app(demo_db, role="viewer", ind="lead_time_days")
    shown = texts(at)
    assert "**Åtgärd, oktober 2026**" in shown and "Två nya utredare från november\\." in shown
    assert "Ingen analys finns ännu" not in shown


def test_notes_are_per_area(app, demo_db):
    add_comment(
        open_database(demo_db),
        indicator_id="lead_time_days",
        area_code="PO_NORD",
        period="2026-10",
        kind="analysis",
        text="Bara i nord.",
        user="eva",
    )
    assert "Bara i nord" in texts(app(demo_db, ind="lead_time_days", area="PO_NORD"))
    assert "Bara i nord" not in texts(app(demo_db, ind="lead_time_days"))


def test_notes_and_the_form_are_hidden_in_briefing_mode(app, demo_db):
    at = app(demo_db, ind="lead_time_days", brief="1")
    assert "Kommentarer visas inte i dragningsläge." in texts(at)
    assert note_form_text_areas(at) == []


def test_the_goal_page_shows_notes_beside_every_chart(app, demo_db):
    at = app(demo_db, page="pages/goals.py", goal="county_5")
    charts = len(at.get("plotly_chart"))
    assert charts > 1 and len(form_keys(at)) == charts
    assert len(note_form_text_areas(open_note_forms(at))) == charts
    assert texts(at).count("**Analys och åtgärder**") == charts


def test_an_event_is_drawn_on_the_charts_it_concerns(app, demo_db):
    db = open_database(demo_db)
    add_event(
        db,
        period="2024-05",
        label_sv="Ny rutin för förhör",
        label_en="New interview routine",
        indicator_ids=["lead_time_days"],
        user="eva",
    )
    annotations = chart_annotations(app(demo_db, ind="lead_time_days"))
    assert ("Ny rutin för förhör", "2024-05-01 00:00:00") in [
        (text, x.replace("T", " ")) for text, x in annotations
    ]
    assert any(text == "Initiativ Gryning växlas upp" for text, _ in annotations)  # default event
    english = chart_annotations(app(demo_db, ind="lead_time_days", lang="en"))
    assert any(text == "New interview routine" for text, _ in english)
    other = chart_annotations(app(demo_db, ind="victims_supported"))
    assert not any(text == "Ny rutin för förhör" for text, _ in other)


def test_an_analyst_adds_and_removes_an_event_on_the_events_page(app, demo_db):
    at = app(demo_db, page="pages/events.py")
    assert "Registrerade händelser" in [s.value for s in at.subheader]
    at.text_input[0].input("Omorganisation av utredningsenheten")
    at.multiselect[0].select("lead_time_days")
    next(b for b in at.button if b.label == "Spara händelse").click().run()
    assert not at.exception, at.exception
    assert "Händelsen sparades och ritas nu i diagrammen." in texts(at)
    events = list_events(open_database(demo_db))
    added = events[events["label_sv"] == "Omorganisation av utredningsenheten"].iloc[0]
    assert added["indicator_ids"] == ["lead_time_days"] and added["author"] == "eva"
    listed = at.dataframe[0].value
    assert "Omorganisation av utredningsenheten" in set(listed.iloc[:, 2])

    remove = at.selectbox(key="event_remove_id")
    remove.select(next(o for o in remove.options if "Omorganisation" in o))
    next(b for b in at.button if b.label == "Ta bort").click().run()
    assert not at.exception, at.exception
    assert "Händelsen togs bort ur diagrammen." in texts(at)
    assert "Omorganisation av utredningsenheten" not in set(at.dataframe[0].value.iloc[:, 2])


def test_a_viewer_has_no_events_page(app, demo_db):
    at = app(demo_db, role="viewer", page="pages/overview.py")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/events.py")


def test_preliminary_values_are_marked_in_the_chart_and_the_table(app, demo_db):
    at = app(demo_db, ind="reported_rape")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in spec["data"]]
    assert "Preliminärt värde" in names
    preliminary = next(tr for tr in spec["data"] if tr.get("name") == "Preliminärt värde")
    assert preliminary["marker"]["symbol"] in ("circle-open", ["circle-open"]) or "open" in str(
        preliminary["marker"]
    )
    assert not [d for d in at.dataframe if "Status" in d.value.columns]  # made when opened
    table = open_tables(at).dataframe[0].value
    assert list(table["Status"].tail(2)) == ["preliminär", "preliminär"]
    assert set(table["Status"].iloc[:-2]) == {""}


def test_a_yearly_indicator_takes_notes_on_years(app, demo_db):
    at = open_note_forms(app(demo_db, ind="clearance_rape_yearly"))
    [period] = [box for box in at.selectbox if box.label == "Period"]
    assert period.options[0] == "2025" and all(o.isdigit() for o in period.options)
    [text] = note_form_text_areas(at)
    text.input(NOTE)
    next(b for b in at.button if b.label == "Spara kommentar").click().run()
    assert not at.exception, at.exception
    assert "**Analys, 2025**" in texts(at)  # not "januari 2025"


def test_a_monthly_indicator_still_takes_notes_on_months(app, demo_db):
    at = open_note_forms(app(demo_db, ind="lead_time_days"))
    [period] = [box for box in at.selectbox if box.label == "Period"]
    assert period.options[0] == "oktober 2026"

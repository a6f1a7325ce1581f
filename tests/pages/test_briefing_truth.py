"""Briefing mode never states something false about what disclosure control hides (demo data).

In the demo data disclosure control hides months of lethal violence at the region (every month
with a death), most months of protected housing in Haninge (0136) and the latest month of
victims supported in Salem (0128). A hidden month is not zero events, not a missing month and
not an older month's value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
HANINGE, SALEM = "0136", "0128"


@pytest.fixture(scope="module")
def demo_db_path(tmp_path_factory):
    from demo.load import load_demo
    from storage import open_database

    path = tmp_path_factory.mktemp("truth") / "demo.duckdb"
    db = open_database(path)
    db.create()
    assert load_demo(db, end="2026-10").status == "committed"
    return path


def run(monkeypatch, db_path, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
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


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def metric(at: AppTest, label_starts: str) -> str:
    found = [m.value for m in at.metric if str(m.label).startswith(label_starts)]
    assert found, [m.label for m in at.metric]
    return found[0]


@pytest.mark.parametrize(
    ("lang", "label", "hidden", "false_words"),
    [
        (
            "sv",
            "Dödligt våld",
            ".. hittills under 2026 (för få fall för att visas)",
            ("inga händelser sedan", "inga händelser hittills"),
        ),
        (
            "en",
            "Lethal violence",
            ".. so far in 2026 (too few cases to show)",
            ("no events since", "no events so far"),
        ),
    ],
)
def test_a_rare_event_with_hidden_months_is_never_zero_on_the_card_or_in_the_summary(
    monkeypatch, demo_db_path, lang, label, hidden, false_words
):
    at = run(monkeypatch, demo_db_path, area=HANINGE, brief="1", lang=lang)
    text = texts(at)
    assert metric(at, label) == ".."
    assert hidden in text  # on the card (the reading's words) and in the summary
    for words in false_words:
        assert words not in text


def test_a_hidden_latest_month_shows_dots_and_its_month_on_the_card(monkeypatch, demo_db_path):
    at = run(monkeypatch, demo_db_path, area=SALEM, brief="1")
    assert metric(at, "Våldsutsatta") == ".."
    text = texts(at)
    # Salem's few victims supported a month are read as a near-zero count (yearly counts): the
    # year so far includes the hidden month, so it is not known, and the card says so.
    assert ".. hittills under 2026 (för få fall för att visas)" in text
    assert "Läses som sällsynta händelser" in text


def test_the_same_cards_outside_briefing_mode_show_numbers(monkeypatch, demo_db_path):
    at = run(monkeypatch, demo_db_path, area=SALEM)
    assert metric(at, "Våldsutsatta") != ".."
    assert metric(at, "Dödligt våld") != ".."
    assert "för få fall" not in texts(at)


def test_the_trend_chart_marks_hidden_months_and_says_how_many(monkeypatch, demo_db_path):
    at = run(
        monkeypatch,
        demo_db_path,
        "pages/indicator.py",
        # read on XmR (a mean of 8 a month), with a few months hidden in briefing mode
        ind="reported_child_sexual_offences",
        area=HANINGE,
        brief="1",
    )
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    hidden = [a for a in figure["layout"]["annotations"] if a.get("name") == "hidden"]
    assert hidden and all(a["text"] == ".." for a in hidden)
    footer = " ".join(a["text"] for a in figure["layout"]["annotations"])
    assert f"{len(hidden)} månader dolda (..)" in footer
    summary = texts(at)
    assert f"{len(hidden)} månader i perioden visas inte (för få fall för att visas)" in summary


def test_a_goal_page_gives_no_reading_where_the_latest_month_is_hidden(monkeypatch, demo_db_path):
    # Haninge's reported rapes (county goal 3): hidden in October 2026, read on XmR otherwise.
    at = run(monkeypatch, demo_db_path, "pages/goals.py", goal="county_3", area=HANINGE, brief="1")
    text = texts(at)
    assert "Ingen bedömning: " in text
    assert "Senaste månaden, oktober 2026, visas inte (för få fall för att visas)." in text

"""Rapporteringsläge and the overview's line, as analysts and viewers meet them (AppTest from dashboard.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/reporting.py"
# The demo runs through October 2026. On 22 December November is due for Brå's seven monthly
# counts (21 days), not yet for the others (30 and 45 days).
LATE = date(2026, 12, 22)
BRA = [
    "Anmälda brott mot kvinnor i parrelation",
    "Anmäld grov kvinnofrids-/fridskränkning",
    "Anmälda våldtäkter",
    "Anmälda sexualbrott mot barn",
    "Anmäld kontakt med barn i sexuellt syfte",
    "Anmälda barnpornografibrott",
    "Anmälda överträdelser av kontaktförbud",
]


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    return demo_copy("demo")


@pytest.fixture
def app(monkeypatch):
    def make(db_path, *, role="analyst", today=LATE, page=PAGE, **params):
        monkeypatch.setenv("LAGESBILD_DB", str(db_path))
        monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", role)
        monkeypatch.setattr("ui.reporting.today", lambda: today)
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
    return "\n".join(str(p) for p in parts)


def test_the_analyst_sees_every_indicator_and_area_and_filters_to_the_overdue(
    app, demo_db, catalog
):
    at = app(demo_db)
    assert [t.value for t in at.title] == ["Rapporteringsläge"]
    assert "Bedömt 22 december 2026." in texts(at)
    assert "7 indikatorer saknar senaste perioden i minst ett område; 224 rader" in texts(at)
    table = at.dataframe[0].value
    assert len(table) == sum(len(catalog.valid_areas(i.id)) for i in catalog.indicators)
    # Sorted by indicator in catalog order (no ranking), areas in catalog order.
    labels = list(dict.fromkeys(table["Indikator"]))
    assert labels == [i.label_sv for i in catalog.indicators]
    first = table.iloc[0]
    assert list(first) == [
        "Anmälda brott mot kvinnor i parrelation",
        "Region Stockholm",
        1,
        "Försenad",
        "oktober 2026",
        "21 december 2026",  # November's day, passed
        "Polismyndigheten, RAR / Brå anmälda brott (demo)",
        "Polisen region Stockholm",
    ]

    at.toggle(key="reporting_only_overdue").set_value(True).run()
    assert not at.exception, at.exception
    overdue = at.dataframe[0].value
    assert list(dict.fromkeys(overdue["Indikator"])) == BRA
    assert set(overdue["Status"]) == {"Försenad"} and set(overdue["Försenad (månader)"]) == {1}
    assert len(overdue) == 224  # 7 indicators x (region, 4 police areas, 27 municipalities)
    csv = at.get("download_button")[0]
    assert csv.proto.label == "Ladda ned rapporteringsläget (CSV)"


def test_in_english(app, demo_db):
    at = app(demo_db, lang="en")
    assert [t.value for t in at.title] == ["Reporting status"]
    table = at.dataframe[0].value
    assert table.iloc[0]["Latest delivered"] == "October 2026"
    assert table.iloc[0]["Status"] == "Overdue"


def test_the_overview_line_links_analysts_to_the_page(app, demo_db):
    at = app(demo_db, page="pages/overview.py")
    [link] = [p for p in at.get("page_link") if "saknar senaste perioden" in p.proto.label]
    assert link.proto.label == "7 indikatorer saknar senaste perioden"
    assert link.proto.page.endswith("reporting")
    on_time = app(demo_db, page="pages/overview.py", today=date(2026, 12, 6))
    labels = [p.proto.label for p in on_time.get("page_link")]
    assert "Alla indikatorer har sin senaste period" in labels


def test_a_viewer_sees_only_the_count_and_has_no_page(app, demo_db):
    at = app(demo_db, role="viewer", page="pages/overview.py")
    assert "7 indikatorer saknar senaste perioden" in [c.value for c in at.caption]
    assert not [p for p in at.get("page_link") if "saknar" in p.proto.label]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_an_empty_database_lists_every_area_as_never_delivered(app, tmp_path, catalog):
    from storage import open_database

    empty = tmp_path / "empty.duckdb"
    open_database(empty).create()  # as `manage.py init`: the dashboard creates no database
    at = app(empty)
    table = at.dataframe[0].value
    assert set(table["Status"]) == {"Aldrig levererad"} and set(table["Senast levererad"]) == {
        "aldrig"
    }
    assert f"{len(catalog.indicators)} indikatorer saknar senaste perioden" in texts(at)

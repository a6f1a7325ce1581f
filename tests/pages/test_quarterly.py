"""A quarterly indicator everywhere people read it: the overview card's "change against", the goal
page, the indicator page, the month's summary, the briefing pack and the CSV exports write its
periods as quarters ("kv. 3 2026" for people, "2026K3" in files and links), never as a month.

No indicator of the real catalog is quarterly (issue 16: none of the reference's series is a
quarterly one with figures), so this is a test catalog: the real catalog plus one quarterly
count at the region, made the headline of county_3 so the overview shows it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.catalog import CATALOG_ENV, DEFAULT_PATH, load_catalog
from tests.pages.lazy import open_tables

ROOT = Path(__file__).resolve().parents[2]
QUARTERLY = "reported_quarterly_test"
ENTRY = f'''
[[indicators]]
id = "{QUARTERLY}"
label_sv = "Anmälda brott per kvartal (testindikator)"
label_en = "Reported offences per quarter (test indicator)"
kind = "count"
direction = "neutral"
frequency = "quarterly"
goals = ["county_3"]
unit_sv = "anmälda brott"
unit_en = "reported offences"
definition_sv = "Testindikator: antal anmälda brott per kvartal i regionen."
definition_en = "Test indicator: reported offences per quarter in the region."
source = "Testkatalog (demo)"
owner = "Polisen region Stockholm"
levels = ["region"]
delivery_delay_days = 21
context_sv = "Endast i testkatalogen."
context_en = "Test catalog only."
disclosure = false
population_base = "all"
'''
VALUES = [12, 15, 11, 14, 18, 16, 20, 17, 22, 19, 24, 21, 25, 23, 27]  # 2023K1 … 2026K3
QUARTERS = [f"{2023 + n // 4}K{n % 4 + 1}" for n in range(len(VALUES))]
# A quarter's first month, as a quarterly period must never be written ("Data t.o.m." names the
# database's latest month, whatever the indicator: here the start of 2026K3).
# The overview's summary is of a month ("… saknar uppgift för juli 2026") whatever the indicators.
MONTH_WORDS = re.compile(r"(?<!t\.o\.m\. )(?<!för )(januari|april|juli|oktober) 202[3-6]")


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory):
    """(catalog path, database path): the test catalog in the environment, and a database holding
    the quarterly indicator's fifteen quarters at the region (upload #1)."""
    from ingest.pipeline import ingest_upload
    from storage import open_database

    folder = tmp_path_factory.mktemp("quarterly")
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    text = text.replace(
        'headline_indicator = "violence_screening_share"', f'headline_indicator = "{QUARTERLY}"', 1
    )
    catalog_path = folder / "catalog.toml"
    catalog_path.write_text(text + ENTRY, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CATALOG_ENV, str(catalog_path))
        catalog = load_catalog()
        assert catalog.indicator(QUARTERLY).frequency == "quarterly"
        db = open_database(folder / "q.duckdb", busy_timeout=5)
        db.create()
        rows = "".join(
            f"{QUARTERLY},{q},STHLM,{v}\n" for q, v in zip(QUARTERS, VALUES, strict=True)
        )
        data = ("indicator_id,period,area_code,value\n" + rows).encode()
        report = ingest_upload(db, data, "kvartal.csv", user="test", catalog=catalog)
        assert report.status == "committed", report.errors
        yield catalog_path, db.path
    load_catalog.cache_clear()


def run(monkeypatch, quarterly, page: str | None = None, **params) -> AppTest:
    catalog_path, db_path = quarterly
    monkeypatch.setenv(CATALOG_ENV, str(catalog_path))
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_the_overview_card_and_summary_name_quarters(monkeypatch, quarterly):
    at = run(monkeypatch, quarterly, area="STHLM")
    shown = texts(at)
    assert "Förändring mot kv. 3 2025" in shown  # the same quarter a year earlier
    assert not MONTH_WORDS.search(shown), _around(shown)


def _around(text: str) -> list[str]:
    return [text[max(0, m.start() - 120) : m.end() + 40] for m in MONTH_WORDS.finditer(text)]


def test_the_goal_and_indicator_pages_name_quarters(monkeypatch, quarterly):
    at = run(monkeypatch, quarterly, "pages/goals.py", goal="county_3", area="STHLM")
    shown = texts(at)
    assert "kv. 3 2026" in shown and not MONTH_WORDS.search(shown), _around(shown)
    at = run(monkeypatch, quarterly, "pages/indicator.py", ind=QUARTERLY, area="STHLM")
    shown = texts(at)
    # The rising series: a run above the mean, worded in quarters (ui/rebase_offer.py).
    assert "Sedan kv. 1 2025 ligger 7 kvartal i följd över medelvärdet" in shown
    assert "kv. 3 2026" in shown and not MONTH_WORDS.search(shown), _around(shown)
    tables = [d.value for d in open_tables(at).dataframe]
    columns = {str(c) for table in tables for c in table.columns}
    cells = {str(v) for table in tables for v in table.to_numpy().ravel()}
    assert {"kv. 3 2026", "2026K3"} & (columns | cells), (columns, cells)
    assert not any(MONTH_WORDS.search(c) for c in columns | cells)


def test_the_link_writes_quarters_on_the_indicator_page(monkeypatch, quarterly):
    at = run(monkeypatch, quarterly, "pages/indicator.py", ind=QUARTERLY, **{"from": "2024K2"})
    assert at.session_state["flt_start"] == "2024-04"
    assert at.query_params["from"] == "2024K2"


def test_the_pack_and_the_csv_exports_write_quarters(monkeypatch, quarterly):
    from exports.briefing import Selection, build_pack
    from exports.csv_export import to_excel_csv
    from metrics.overview import build_overview
    from storage import export_rows, load_observations, open_database
    from ui.indicator_panel import values_csv

    catalog_path, db_path = quarterly
    monkeypatch.setenv(CATALOG_ENV, str(catalog_path))
    catalog = load_catalog()
    db = open_database(db_path)
    obs = load_observations(db, indicator_ids=[QUARTERLY])
    through = pd.Timestamp("2026-09-01")
    pack = build_pack(
        obs,
        catalog,
        Selection((QUARTERLY,), "STHLM", pd.Timestamp("2024-01-01"), through, "sv"),
        readings=build_overview(obs, catalog, "STHLM", through)[0],
        data_through=through,
        demo=False,
        briefing=False,
        render=lambda fig, scale=2: b"",
        made=date(2026, 12, 1),
    )
    [page] = pack.pages
    assert page.latest.endswith("(kv. 3 2026)"), page.latest
    exported = to_excel_csv(export_rows(db, indicator_id=QUARTERLY, catalog=catalog))
    assert b"2026K3" in exported and b"2026-07" not in exported
    shown = values_csv(obs.assign(suppressed=False), catalog.indicator(QUARTERLY), briefing=False)
    assert b"2026K3" in shown and b"2026-07" not in shown

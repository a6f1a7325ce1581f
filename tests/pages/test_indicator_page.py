"""The indicator page: what it shows of the area comparison in briefing mode."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db_path(demo_copy):
    return demo_copy("demo")


def indicator_page(monkeypatch, db_path, **params) -> AppTest:
    monkeypatch.setenv("LAGESBILD_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("sv", "alla områdens värden dolda"), ("en", "every area's value is hidden")],
)
def test_a_comparison_with_every_value_hidden_says_so_instead_of_an_empty_chart(
    monkeypatch, demo_db_path, lang, words
):
    """Were every area's year total hidden, the page says so instead of drawing empty charts
    (the stored decision is replaced by one hiding every total)."""
    from ui import data

    real = data.area_year_totals

    def all_hidden(briefing, indicator_id):
        totals = real(briefing, indicator_id)
        return totals.assign(suppressed=True, value=float("nan"), denominator=float("nan"))

    monkeypatch.setattr(data, "area_year_totals", all_hidden)
    at = indicator_page(monkeypatch, demo_db_path, ind="clearance_rape", brief="1", lang=lang)
    messages = [i.value for i in at.info]
    assert any(words in m for m in messages), messages
    assert charts(at) == 1  # the trend only


def test_briefing_mode_compares_a_calendar_year_whose_totals_disclosure_control_decided(
    monkeypatch, demo_db_path
):
    """Clearance shares rest on small counts in some month of nearly every police area, so a
    rolling 12 months would withhold them all; the calendar year's totals are shown where the
    release allows them, and the table says which year."""
    from ui import data

    at = indicator_page(monkeypatch, demo_db_path, ind="clearance_rape", brief="1")
    assert not any("dolda" in i.value for i in at.info)
    captions = " ".join(c.value for c in at.caption)
    assert "hela kalenderår" in captions
    totals = data.area_year_totals(True, "clearance_rape")
    year = int(next(y for y in (2025, 2024, 2023, 2022) if y in set(totals["year"])))
    assert f"kalenderåret {year}" in captions or "jämförelsen gäller" in captions
    assert charts(at) >= 2  # the trend and the areas with their intervals
    table = next(d.value for d in at.dataframe if "Intervall" in d.value.columns)
    assert any(re.fullmatch(r"Värde \(20\d\d\)", str(c)) for c in table.columns), table.columns


def test_the_same_comparison_outside_briefing_mode_is_drawn(monkeypatch, demo_db_path):
    at = indicator_page(monkeypatch, demo_db_path, ind="clearance_rape")
    assert not any("dolda" in i.value for i in at.info)
    # trend, areas with intervals, funnel, the police areas' tile map
    assert charts(at) == 4


def figures(at: AppTest) -> dict[str, dict]:
    """The page's Plotly figures by their chart key's end (compare, compare_funnel, ...)."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[chart.proto.id] = spec
    return out


def funnel_and_map(at: AppTest) -> tuple[dict, dict]:
    specs = list(figures(at).values())
    funnel = next(s for s in specs if s["layout"].get("xaxis", {}).get("type") == "log")
    tiles = next(s for s in specs if s["layout"].get("yaxis", {}).get("scaleanchor") == "x")
    return funnel, tiles


@pytest.mark.parametrize(
    ("lang", "base", "higher"),
    [("sv", "kvinnor 18 år och äldre", "högre än länet"), ("en", "women aged 18", "higher than")],
)
def test_funnel_and_tile_map_with_the_base_and_year_in_both_languages(
    monkeypatch, demo_db_path, lang, base, higher
):
    at = indicator_page(
        monkeypatch, demo_db_path, ind="reported_partner_violence_women", area="0127", lang=lang
    )
    captions = " ".join(c.value for c in at.caption)
    assert base in captions and "2025" in captions  # 2026 unknown: the latest earlier year
    funnel, tiles = funnel_and_map(at)
    names = " ".join(tr.get("name", "") for tr in funnel["data"])
    assert higher in names
    points = sum(len(tr["hovertext"]) for tr in funnel["data"] if tr.get("mode") == "markers")
    assert points == 27 + 4  # every municipality, the selected one ringed besides
    texts = [a["text"] for a in tiles["layout"]["annotations"] if a.get("hovertext")]
    assert len(texts) == 27 and any("Botkyrka" in x for x in texts)
    assert any("Botkyrka" in tr.get("text", [""])[0] for tr in funnel["data"] if tr.get("text"))
    assert len(at.get("download_button")) >= 2  # the values and the comparison


def test_in_briefing_mode_a_hidden_area_is_neither_a_point_nor_an_interval(
    monkeypatch, demo_db_path
):
    """Briefing mode compares calendar years' totals, each a cell disclosure control decided on
    (metrics/disclosure/years.py): a hidden total is a '..' tile, never a point or a whisker.
    The demo database's key is drawn afresh, so which totals are hidden varies: the test holds
    for any draw."""
    at = indicator_page(monkeypatch, demo_db_path, ind="reported_rape", brief="1")
    assert not any("dolda" in i.value for i in at.info)
    captions = " ".join(c.value for c in at.caption)
    assert "hela kalenderår" in captions and "kalenderåret" in captions
    funnel, tiles = funnel_and_map(at)
    shown = sum(len(tr["hovertext"]) for tr in funnel["data"] if tr.get("mode") == "markers")
    maps = [s for s in figures(at).values() if s["layout"].get("yaxis", {}).get("scaleanchor")]
    assert len(maps) == 2  # the municipalities and the police areas
    hidden = [
        a
        for m in maps
        for a in m["layout"]["annotations"]
        if a.get("hovertext") and ".." in a["text"]
    ]
    assert shown >= 2 and shown + len(hidden) == 27 + 4
    assert not any(".." in t for tr in funnel["data"] for t in tr.get("hovertext", []))
    whiskers = next(s for s in figures(at).values() if any(tr.get("error_x") for tr in s["data"]))
    dots = next(tr for tr in whiskers["data"] if tr.get("error_x"))
    assert len(dots["hovertext"]) == shown


@pytest.mark.parametrize(
    ("lang", "heading", "note"),
    [("sv", "Årssummor", "årssummorna visas i stället"), ("en", "Year totals", "year totals")],
)
def test_a_region_only_indicator_shows_its_year_totals_in_briefing_mode(
    monkeypatch, demo_db_path, lang, heading, note
):
    """Lethal violence hides every month below 5 in briefing mode (zeros too): the page gives
    the complete years' totals instead, and says why; outside briefing mode it does not."""
    from metrics.disclosure import period_total_text
    from metrics.formatting import format_number
    from ui import data

    at = indicator_page(
        monkeypatch, demo_db_path, ind="lethal_violence_close_relations", brief="1", lang=lang
    )
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert heading in text and note in text
    totals = data.year_totals(True, "lethal_violence_close_relations", "STHLM")
    assert len(totals) == 8  # 2019-2026
    assert all(period_total_text(item, lang) in text for item in totals)
    assert totals[-1].partial and totals[-1].total is None  # 2026 is not over
    # The chart's bars say what the text says: a year whose total is shown has that bar.
    bars = next(
        tr for spec in figures(at).values() for tr in spec["data"] if tr.get("type") == "bar"
    )
    labels = dict(zip(bars["x"], bars["text"], strict=True))
    shown = [item for item in totals if item.total is not None]
    assert shown
    for item in shown:
        assert labels[str(item.year)] == format_number(item.total, lang, 0)
    for item in totals:
        if item.fewer:
            assert labels[str(item.year)].startswith(("färre än", "fewer than"))
    plain = indicator_page(
        monkeypatch, demo_db_path, ind="lethal_violence_close_relations", lang=lang
    )
    assert heading not in " ".join(m.value for m in plain.markdown)

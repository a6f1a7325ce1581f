"""The briefing pack's comparison slide per indicator: areas against the county, every area read,
nothing hidden by disclosure control drawn or said (issue 17 item 6)."""

from __future__ import annotations

import pandas as pd
import pytest

from exports.briefing_pdf import to_pdf
from exports.briefing_pptx import to_pptx
from metrics.disclosure import apply_disclosure
from metrics.population import Population
from tests.exports.test_briefing import (
    CATALOG,
    KEY,
    THROUGH,
    fake_render,
    flat,
    make,
    pdf_pages,
    pictures_per_slide,
    slide_texts,
)
from tests.exports.test_briefing import obs as obs  # noqa: F401 - the module's fixture

CHOSEN = ("reported_rape", "clearance_partner_assault", "gryning_staff_recruited")


@pytest.fixture(scope="module")
def population():
    from demo.population import demo_population

    return Population(demo_population(CATALOG, 2025))


def test_each_comparable_indicator_gets_its_comparison_slide(obs, population):  # noqa: F811
    pack = make(obs, CHOSEN, area_obs=obs, population=population)
    # A count (tile map of the municipalities) and a share (police areas: the funnel); a stock
    # has no interval, so no comparison.
    assert [c is not None for c in pack.comparisons] == [True, True, False]
    pptx, pdf = to_pptx(pack), to_pdf(pack)
    slides, (pages, images) = slide_texts(pptx), pdf_pages(pdf)
    assert len(slides) == len(pages) == 2 + len(CHOSEN) + 2
    assert pictures_per_slide(pptx)[2:] == [1, 1, 1, 1, 1] and images[2:] == [1, 1, 1, 1, 1]
    rape = flat(slides[3])
    assert "Anmälda våldtäkter – jämförelse mellan områden" in rape
    assert "Region Stockholm · november 2025–oktober 2026" in rape
    assert "Jämfört med länet:" in rape and "(95 %)" in rape
    assert "Per 100 000 invånare; befolkning 2025" in rape
    assert "DEMODATA – inte verklig statistik" in rape and "4 / 7" in rape
    assert "Jämfört med länet:" in flat(pages[3]) and "4 / 7" in flat(pages[3])
    share = flat(slides[5])
    assert "Personuppklaring, misshandel mot kvinna i parrelation – jämförelse" in share
    assert "Polisområde Stockholm syd" in share


def test_areas_are_named_per_category_in_catalog_order_never_ranked(obs, population):  # noqa: F811
    pack = make(obs, ("reported_rape",), area_obs=obs, population=population)
    (comparison,) = pack.comparisons
    order = [a.code for a in CATALOG.areas]
    for category, words, names in comparison.areas:
        listed = names.split(", ")
        codes = [next(a.code for a in CATALOG.areas if a.name("sv") == n) for n in listed]
        assert codes == sorted(codes, key=order.index), (category, words)
    named = sum(len(names.split(", ")) for _, _, names in comparison.areas)
    assert named == len(CATALOG.valid_areas("reported_rape")) - 1  # every area but the county


def test_english(obs, population):  # noqa: F811
    pack = make(obs, ("reported_rape",), lang="en", area_obs=obs, population=population)
    text = flat(slide_texts(to_pptx(pack))[3])
    assert "Reported rapes – comparison between areas" in text
    assert "Compared with the county:" in text and "per 100,000" in text.lower()


def test_briefing_mode_draws_no_hidden_window(obs, population):  # noqa: F811
    """Botkyrka's October made small and hidden: its 12-month window has no value on the tile
    map, no point, and the slide names it as not comparable, never with a number."""
    raw = obs.copy()
    ind = "reported_partner_violence_women"
    cell = (raw["indicator_id"] == ind) & (raw["period"] == THROUGH) & (raw["area_code"] == "0127")
    raw.loc[cell, "value"] = 2.0
    protected = apply_disclosure(raw, CATALOG, 5, key=KEY)
    assert protected.loc[cell, "suppressed"].all()
    drawn = []

    def render(fig, scale=2):
        drawn.append(fig)
        return fake_render(fig, scale)

    pack = make(
        protected,
        (ind,),
        area="0127",
        briefing_mode=True,
        stored=raw,
        area_obs=protected,
        population=population,
        render=render,
    )
    (comparison,) = pack.comparisons
    hidden_named = dict((c, names) for c, _, names in comparison.areas)["not_comparable"]
    assert "Botkyrka" in hidden_named.split(", ")
    assert comparison.png is not None  # the other areas are drawn
    texts = [a.text or "" for fig in drawn for a in fig.layout.annotations]
    tiles = [text for text in texts if text.startswith("Botkyrka<br>")]
    assert len(tiles) == 1 and tiles[0].endswith(" ..</b>"), tiles
    text = flat(slide_texts(to_pptx(pack))[3])
    assert "I dragningsläge jämförs inte ett område" in text
    # The window's true sum is nowhere: neither in the slide's words nor on the map.
    window = raw[
        (raw["indicator_id"] == ind)
        & (raw["area_code"] == "0127")
        & (raw["period"] > THROUGH - pd.DateOffset(months=12))
    ]["value"].sum()
    assert f"{window:.0f}" not in text
    assert all(f" {window:.0f}<" not in text for text in texts)


def test_briefing_mode_compares_a_calendar_year_of_decided_totals(obs, population):  # noqa: F811
    """Given the year totals a release decided (metrics/disclosure/years.py), the slide compares
    the latest complete year whose county total is shown, says so, and a hidden total is named
    not comparable, never drawn with a number."""
    from metrics.disclosure import decide_release, release_hidden_cells, year_totals

    ind = "reported_rape"
    cells = obs[obs["indicator_id"] == ind][["area_code", "period", "value", "denominator"]]
    hidden = decide_release(cells, CATALOG, ind, key=KEY)
    totals = year_totals(cells, release_hidden_cells(ind, cells, hidden))
    protected = apply_disclosure(obs[obs["indicator_id"] == ind], CATALOG, 5, key=KEY)
    drawn = []

    def render(fig, scale=2):
        drawn.append(fig)
        return fake_render(fig, scale)

    pack = make(
        protected,
        (ind,),
        briefing_mode=True,
        stored=obs,
        area_obs=protected,
        population=population,
        render=render,
        area_year_totals={ind: totals},
    )
    (comparison,) = pack.comparisons
    year = int(comparison.period_label)
    shown = totals[(totals["year"] == year) & ~totals["suppressed"]]
    assert "STHLM" in set(shown["area_code"])  # the county's total of that year is shown
    text = flat(slide_texts(to_pptx(pack))[3])
    assert f"Region Stockholm · {year}" in text and "hela kalenderår" in text
    named = dict((c, names.split(", ")) for c, _, names in comparison.areas)
    hidden_codes = set(totals[(totals["year"] == year) & totals["suppressed"]]["area_code"])
    hidden_names = {CATALOG.area(c).name("sv") for c in hidden_codes - {"STHLM"}}
    assert hidden_names <= set(named.get("not_comparable", []))
    labels = [a.text or "" for fig in drawn for a in fig.layout.annotations]
    # The image keeps a short footer (the whole method stands beside it on the slide) and small
    # tile labels, so the map keeps its room.
    from exports.briefing_compare import SLIDE_TILE_LABEL
    from i18n import t

    footer = " ".join(labels)
    assert t("compare_method", "sv")[:40] not in footer and "Dragningsläge: hela" in footer
    assert t("compare_method", "sv")[:40] in text
    tiles = [a for fig in drawn for a in fig.layout.annotations if "<br><b>" in (a.text or "")]
    assert tiles and {a.font.size for a in tiles} == {SLIDE_TILE_LABEL}
    for name in hidden_names:
        tiles = [x for x in labels if x.startswith(f"{name}<br>")]
        assert all(x.endswith(" ..</b>") for x in tiles), tiles

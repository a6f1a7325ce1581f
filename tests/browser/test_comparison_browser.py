"""The comparison between areas in Chromium: the funnel plot and the tile maps draw in Swedish
and English, the population base and year are named, and in briefing mode hidden areas are '..'
tiles, never points. Screenshots stay in test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from i18n import t
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_dashboard_browser import WAIT, main, open_view
from tests.browser.test_dashboard_browser import paths as _paths

paths = _paths  # the fixture (URL paths of the pages as the navigation links them)


@pytest.mark.parametrize(
    ("lang", "brief"),
    [
        ("sv", "0"),
        ("en", "0"),
        ("sv", "1"),
    ],
)
def test_funnel_and_tile_map_draw_in_both_languages_and_briefing_mode(
    page, server, paths, lang, brief
):
    indicator = "reported_partner_violence_women" if brief == "0" else "reported_rape"
    query = f"?ind={indicator}&area=0127&lang={lang}&brief={brief}"
    open_view(page, server, paths["indicator"] + query, min_charts=5)
    body = main(page)
    expect(body.get_by_text(t("compare_region", lang), exact=False).first).to_be_visible(
        timeout=WAIT
    )
    if brief == "0":
        base = t("population_base_women_18plus", lang)
        expect(body.get_by_text(base, exact=False).first).to_be_attached()
    charts = body.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 5
    # The funnel: its legend names the county's value; a point per shown area.
    funnel = charts.filter(has_text=t("funnel_centre", lang)).first
    expect(funnel.locator("g.trace.scatter").first).to_be_attached(timeout=WAIT)
    funnel.scroll_into_view_if_needed()
    assert funnel.locator("g.trace.scatter path.point").count() >= 1
    # The municipalities' tile map: its footer says the squares are equal.
    tiles = charts.filter(has_text=t("tiles_note", lang)[:25]).first
    expect(tiles).to_be_visible(timeout=WAIT)
    tiles.scroll_into_view_if_needed()
    text = tiles.inner_text()
    assert "Botkyrka" in text and "Gotland" in text
    if brief == "1":
        # Calendar years' totals, each decided on by disclosure control; a hidden one would
        # be a '..' tile (which ones are hidden depends on the database's secret key).
        expect(body.get_by_text(t("compare_briefing_year", lang)[:40]).first).to_be_attached()
    else:
        assert "▲" in text or "▼" in text or "●" in text
    ARTIFACTS.mkdir(exist_ok=True)
    tiles.screenshot(path=str(ARTIFACTS / f"comparison_tiles_{lang}_{brief}.png"))
    funnel.scroll_into_view_if_needed()
    funnel.screenshot(path=str(ARTIFACTS / f"comparison_funnel_{lang}_{brief}.png"))

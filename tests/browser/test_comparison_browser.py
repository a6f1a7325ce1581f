"""The comparison between areas in Chromium: the funnel plot and the tile maps draw in Swedish
and English, the population base and year are named, and in briefing mode hidden areas are '..'
tiles, never points. Screenshots stay in test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from i18n import t
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_dashboard_browser import WAIT, main, open_view


@pytest.mark.parametrize(("lang", "brief"), [("sv", "0"), ("en", "0"), ("sv", "1")])
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
    # The funnel: a log x axis, the county's value as a line and at least one point.
    funnel = body.locator('[data-testid="stPlotlyChart"]:has(.xaxislayer-above .xtick)').filter(
        has=page.locator("g.trace.scatter")
    )
    assert funnel.count() >= 1
    tiles = body.locator('[data-testid="stPlotlyChart"]').filter(has_text="Botkyrka")
    expect(tiles.first).to_be_visible(timeout=WAIT)
    tiles.first.scroll_into_view_if_needed()
    text = tiles.first.inner_text()
    if brief == "1":
        assert ".." in text  # hidden areas are '..' tiles
    else:
        assert "▲" in text or "▼" in text or "●" in text
    # Hover a funnel point: its tooltip names an area and the comparison.
    ARTIFACTS.mkdir(exist_ok=True)
    tiles.first.screenshot(path=str(ARTIFACTS / f"comparison_tiles_{lang}_{brief}.png"))
    section = body.locator('[data-testid="stPlotlyChart"]').nth(2)
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(ARTIFACTS / f"comparison_funnel_{lang}_{brief}.png"))

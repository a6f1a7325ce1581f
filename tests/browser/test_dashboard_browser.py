"""The dashboard in real Chromium, used as a person would: pages, selections, language, briefing
mode, a chart's PNG, the keyboard and a tablet or phone screen.

Runs against the session's dashboard on demo data (tests/browser/conftest.py: `server`, `browser`,
`page`); every test opens its own browser context, and its last view is kept in test-artifacts/.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from charts.render import EXPORT_WIDTH
from i18n import t
from metrics.catalog import load_catalog
from tests.browser.conftest import ARTIFACTS, NAV

pytestmark = pytest.mark.browser

WAIT = 90_000  # ms: a fresh server's first page fills its caches; 2 busy cores are slow
TALL = {"width": 1400, "height": 2600}  # Streamlit scrolls inside its own container

# The page is idle: the script run is over, no element is still loading or stale, at least
# `minCharts` Plotly charts are on the page, each with its traces drawn, and at least `minSparks`
# sparklines (the overview cards' small inline SVG lines).
IDLE = """([minCharts, traces, minSparks]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
  if (document.querySelectorAll('svg.lb-spark').length < minSparks) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (charts.length < minCharts) return false;
  return !traces || charts.every(c => c.querySelector('.js-plotly-plot g.trace'));
}"""


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def paths(browser, server) -> dict[str, str]:
    """Each read page's URL path as the sidebar links it ("goals" -> "mal" or whatever the
    navigation in dashboard.py says), so the tests follow the app rather than a copy of it."""
    context = browser.new_context(locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(server + "/")
        nav = page.locator(NAV)
        found = {}
        for name in ("goals", "indicator", "catalog"):
            link = nav.get_by_role("link", name=t(f"nav_{name}", "sv"), exact=True)
            found[name] = urlsplit(link.get_attribute("href", timeout=WAIT)).path.strip("/")
        return found
    finally:
        context.close()


def wait_idle(page: Page, min_charts: int = 0, *, traces: bool = True, min_sparks: int = 0) -> None:
    page.wait_for_function(IDLE, arg=[min_charts, traces, min_sparks], timeout=WAIT, polling=250)


def open_view(
    page: Page, server: str, path: str = "", min_charts: int = 0, *, min_sparks: int = 0
) -> None:
    page.goto(f"{server}/{path}")
    wait_idle(page, min_charts, min_sparks=min_sparks)


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def choose(
    page: Page,
    label: str,
    typed: str,
    option: str,
    *,
    where: Locator | None = None,
    label_after: str | None = None,
) -> None:
    """Pick `option` in a selectbox as a person does: click it, type a few letters, Enter.
    `label_after`: the box's label once chosen, where the choice changes it (the language)."""
    within = where or main(page)
    box = within.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(typed)
    box.press("Enter")
    expect(within.get_by_role("combobox", name=label_after or label)).to_have_value(option)


def charts(page: Page) -> Locator:
    return main(page).get_by_test_id("stPlotlyChart")


def drawn_charts(page: Page) -> int:
    return (
        main(page)
        .locator('[data-testid="stPlotlyChart"] .js-plotly-plot g.trace')
        .evaluate_all("els => new Set(els.map(e => e.closest('[data-testid=stPlotlyChart]'))).size")
    )


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def values_table_cells(page: Page) -> list[list[str]]:
    """The indicator page's table of values (the last dataframe), row by row, from the grid's
    accessible table: area name first, then one cell per month. The grid draws only the rows
    and months in view (the first municipalities, the first nine months at 1400 px)."""
    found = page.wait_for_function(  # a grid between two draws has no rows yet: wait for them
        """() => {
          const grid = [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stDataFrame"]')].pop();
          if (!grid) return false;
          const rows = [...grid.querySelectorAll('tbody tr')]
            .map(r => [...r.querySelectorAll('td')].map(td => td.innerText.trim()));
          return rows.length ? rows : false;
        }""",
        timeout=WAIT,
    )
    return found.json_value()


def wait_for_row(page: Page, area: str, *, suppressed: bool) -> list[str]:
    """Wait until the table of values shows `area`'s row with (or without) a ".." cell, and give
    that row as it was seen: the grid redraws a moment after the script run that changed its
    data, so a second look could find the page between two draws."""
    found = page.wait_for_function(
        """([area, suppressed]) => {
          const grid = [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stDataFrame"]')].pop();
          if (!grid) return false;
          const row = [...grid.querySelectorAll('tbody tr')]
            .map(r => [...r.querySelectorAll('td')].map(td => td.innerText.trim()))
            .find(cells => cells[0] === area);
          return !!row && row.includes('..') === suppressed ? row : false;
        }""",
        arg=[area, suppressed],
        timeout=WAIT,
    )
    return found.json_value()


def test_overview_shows_a_card_per_goal_visions_and_marking(page, server, catalog):
    page.set_viewport_size(TALL)
    open_view(page, server, min_sparks=len(catalog.goals))
    body = main(page)
    expect(body.get_by_role("heading", name=t("app_title", "sv"), exact=True)).to_be_visible()
    expect(body.get_by_text(t("vision_county", "sv"), exact=True)).to_be_visible()
    expect(body.get_by_text(t("vision_gryning", "sv"), exact=True)).to_be_visible()
    expect(body.get_by_text("Data t.o.m. oktober 2026")).to_be_visible()
    expect(body.get_by_text(re.compile(r"^DEMODATA"))).to_be_visible()
    expect(body.get_by_role("heading", name=re.compile(t("summary_heading", "sv")))).to_be_visible()
    # A card per goal of the catalog, each with a headline value and a small trend:
    # an image whose words say what the line shows (no Plotly chart on the overview).
    assert body.get_by_test_id("stMetric").count() == len(catalog.goals)
    assert charts(page).count() == 0
    sparks = body.get_by_role("img", name=re.compile(r"^Linjediagram .*senast"))
    assert sparks.count() == len(catalog.goals)
    assert sparks.first.locator("path").count() >= 2  # the line and the latest value's dot
    box = sparks.first.bounding_box()
    assert box["width"] > 100 and box["height"] == 60, box
    for goal in catalog.goals:
        if goal.family == "county":
            name = f"Öppna Mål {goal.number}"
            expect(body.get_by_role("button", name=name, exact=True)).to_be_visible()
    for goal in catalog.goals:
        if goal.family == "gryning":
            name = f"Öppna Gryning: {goal.short('sv')}"
            expect(body.get_by_role("button", name=name, exact=True)).to_be_visible()
    # Signal icons carry words for screen readers as well as shape and colour. (A stock or a
    # rare count is read without XmR, so its card has words but no signal icon.)
    labels = body.locator(".lb-badge[role=img]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(labels) >= 8 and all(labels)


def test_click_through_every_page(page, server, catalog):
    page.goto(f"{server}/")  # the overview; a person clicks on before its cards have drawn
    nav = sidebar(page).locator(NAV)

    nav.get_by_role("link", name=t("nav_goals", "sv")).click(timeout=WAIT)
    expect(main(page).get_by_role("heading", name=t("nav_goals", "sv"))).to_be_visible()
    goal = catalog.goal("county_5")
    choose(page, t("goal_select", "sv"), "Kvalitet", f"Mål 5: {goal.short('sv')}")
    expect(main(page).get_by_role("heading", name=f"Mål 5: {goal.short('sv')}")).to_be_visible()
    n = len(catalog.indicators_for_goal("county_5"))
    wait_idle(page, n)
    assert charts(page).count() == n and drawn_charts(page) == n
    assert query(page)["goal"] == "county_5"
    chart, text = chart_and_text(page)  # on a laptop the definition stands beside the chart
    assert text["x"] >= chart["x"] + chart["width"], (chart, text)

    nav.get_by_role("link", name=t("nav_indicator", "sv")).click()
    expect(main(page).get_by_role("heading", name=t("nav_indicator", "sv"))).to_be_visible()
    grooming = catalog.indicator("reported_grooming").label("sv")
    choose(page, t("indicator_select", "sv"), "kontakt med barn", grooming)
    expect(main(page).get_by_role("heading", name=grooming)).to_be_visible()
    wait_idle(page, 5)
    # The trend, and the comparison between areas: intervals, funnel, the two tile maps.
    assert drawn_charts(page) == 5
    expect(main(page).get_by_role("heading", name=t("area_comparison", "sv"))).to_be_visible()
    expect(main(page).get_by_role("heading", name=t("values_table", "sv"))).to_be_visible()
    wait_for_row(page, "Region Stockholm", suppressed=False)  # the grid draws a moment later
    rows = values_table_cells(page)
    assert rows[0][0] == "Region Stockholm" and len(rows) > 5

    nav.get_by_role("link", name=t("nav_catalog", "sv")).click()
    expect(main(page).get_by_role("heading", name=t("nav_catalog", "sv"))).to_be_visible()
    expect(main(page).get_by_text("reported_grooming").first).to_be_visible()

    # The goal chosen before is still chosen when coming back (selections survive page changes).
    nav.get_by_role("link", name=t("nav_goals", "sv")).click()
    expect(main(page).get_by_role("heading", name=f"Mål 5: {goal.short('sv')}")).to_be_visible()
    assert query(page)["ind"] == "reported_grooming"


def test_english_by_the_language_switch(page, server, paths):
    open_view(page, server, paths["indicator"], min_charts=2)
    choose(page, t("language", "sv"), "Eng", "English", where=sidebar(page), label_after="Language")
    expect(main(page).get_by_text("Data up to October 2026")).to_be_visible()
    wait_idle(page, 2)
    nav = sidebar(page).locator(NAV)
    for key in ("nav_overview", "nav_goals", "nav_indicator", "nav_catalog"):
        expect(nav.get_by_role("link", name=t(key, "en"))).to_be_visible()
    expect(main(page).get_by_role("heading", name=t("values_table", "en"))).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"^DEMO DATA")).first).to_be_visible()
    # Month names in the table of values are English, and no Swedish month is left in the text.
    header = main(page).get_by_test_id("stDataFrame").last.locator("thead")
    expect(header).to_contain_text("November 2025")  # the grid redraws just after the run
    expect(header).to_contain_text("January 2026")
    assert not re.search(r"\b(oktober|januari|maj)\b", main(page).inner_text())
    assert query(page)["lang"] == "en"


def test_briefing_mode_hides_small_counts_and_the_url_reproduces_the_view(
    page, server, catalog, paths
):
    open_view(page, server, paths["indicator"] + "?ind=reported_grooming", min_charts=2)
    # Reported grooming is a few cases a year in a municipality such as Upplands Väsby.
    choose(page, t("area", "sv"), "Upplands V", "Upplands Väsby (0114)", where=sidebar(page))
    wait_idle(page, 2)
    shown = wait_for_row(page, "Upplands Väsby", suppressed=False)

    sidebar(page).get_by_text(t("briefing_mode", "sv")).click()
    # The notice at the top (the revisions section says the same words in briefing mode, and
    # whether it is drawn yet when this looks depends on timing).
    notice = main(page).get_by_test_id("stAlert").get_by_text(t("briefing_on", "sv"))
    expect(notice).to_be_visible()
    wait_idle(page, traces=False)  # every municipality can be suppressed: no dots to draw
    hidden = wait_for_row(page, "Upplands Väsby", suppressed=True)
    # The small counts go, and with them some zeros and, by the keyed decoys, perhaps a larger
    # cell (docs/disclosure.md); the months' positions stay.
    changed = [a for a, b in zip(shown, hidden, strict=True) if a != b]
    assert len(changed) == hidden.count("..") and all(a.isdigit() for a in changed)
    assert any(1 <= int(a) <= 4 for a in changed)
    rows = values_table_cells(page)
    # Nothing small is shown anywhere: every count shown is 0 or at least 5. (Grooming is so
    # sparse that the region's own total is hidden too in months where every part of it is.)
    counts = [re.sub(r"\s", "", cell) for row in rows for cell in row[1:]]
    assert rows[0][0] == "Region Stockholm"
    assert all(int(c) == 0 or int(c) >= 5 for c in counts if c.isdigit())
    params = query(page)
    assert params["brief"] == "1" and params["ind"] == "reported_grooming"
    assert params["area"] == "0114"
    assert "from" not in params and "to" not in params  # the period stays whole (was: Jan 2019)

    url = page.url
    page.reload()
    expect(notice).to_be_visible(timeout=WAIT)
    wait_idle(page, traces=False)
    wait_for_row(page, "Upplands Väsby", suppressed=True)
    assert page.url == url
    expect(sidebar(page).get_by_role("switch", name=t("briefing_mode", "sv"))).to_be_checked()
    area = sidebar(page).get_by_role("combobox", name=t("area", "sv"))
    expect(area).to_have_value("Upplands Väsby (0114)")
    label = catalog.indicator("reported_grooming").label("sv")
    expect(main(page).get_by_role("heading", name=label)).to_be_visible()
    assert values_table_cells(page) == rows


def test_chart_downloads_as_a_named_png_at_twice_the_width(page, server, paths):
    open_view(page, server, paths["indicator"] + "?ind=reported_rape", min_charts=2)
    chart = charts(page).first
    chart.hover()  # the modebar shows on hover (and always on touch screens)
    button = chart.locator('.modebar-btn[data-title*="png" i]')
    with page.expect_download(timeout=WAIT) as info:
        button.click()
    download = info.value
    name = download.suggested_filename
    assert name.startswith("lagesbild_reported_rape_") and name.endswith(".png"), name
    assert "newplot" not in name
    png = Path(download.path()).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(png)  # kept for a look at the image a briefing gets
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 2 * EXPORT_WIDTH
    assert height > 400


def test_keyboard_tab_reaches_the_sidebar_controls(page, server, paths):
    open_view(page, server, paths["catalog"])
    wanted = [t("language", "sv"), t("area", "sv"), t("briefing_mode", "sv")]
    seen: list[str] = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.getAttribute('aria-label') || e.innerText || e.tagName,"
            " !!e.closest('[data-testid=stSidebar]')]; }"
        )
        seen.append(focus[0])
        if focus[0] == wanted[-1]:
            assert focus[1], "the briefing switch is in the sidebar"
            break
    positions = [seen.index(label) for label in wanted if label in seen]
    assert len(positions) == len(wanted), seen
    assert positions == sorted(positions), seen
    assert any(label.startswith(t("period", "sv")) for label in seen), seen
    # The switch works from the keyboard too.
    page.keyboard.press("Space")
    switch = sidebar(page).get_by_role("switch", name=t("briefing_mode", "sv"))
    expect(switch).to_be_checked()
    page.wait_for_url(re.compile(r"brief=1"), timeout=WAIT)


def chart_and_text(page: Page) -> tuple[dict, dict]:
    """Bounding boxes of the first indicator chart's column and of the text column beside it."""
    chart, text = (
        main(page)
        .locator("[data-testid='stHorizontalBlock']:has([data-testid='stPlotlyChart'])")
        .first.locator(":scope > [data-testid='stColumn']")
        .all()[:2]
    )
    return chart.bounding_box(), text.bounding_box()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 768, "height": 1024}, {"width": 390, "height": 844}],
    ids=["tablet-768x1024", "phone-390x844"],
)
def test_overview_and_a_goal_read_on_a_tablet_and_a_phone(page, server, viewport, paths, catalog):
    page.set_viewport_size(viewport)
    open_view(page, server, min_sparks=len(catalog.goals))
    expect(main(page).get_by_text(t("vision_county", "sv"), exact=True)).to_be_visible()
    cards = main(page).locator("[class*='st-key-card_']")
    assert cards.count() == len(catalog.goals)
    area = main(page).get_by_test_id("stMainBlockContainer").bounding_box()
    for box in (cards.nth(i).bounding_box() for i in range(len(catalog.goals))):
        # Cards wrap onto more rows instead of squeezing: each keeps a readable width and stays
        # inside the page.
        assert box["width"] >= min(150, area["width"] - 2), box
        assert box["x"] + box["width"] <= area["x"] + area["width"] + 2, (box, area)
    overflow = main(page).evaluate("m => [m.scrollWidth, m.clientWidth]")
    assert overflow[0] <= overflow[1] + 2, overflow
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth + 2")
    # The sidebar does not take the narrow screen until it is opened.
    expect(sidebar(page)).to_have_attribute("data-collapsed", "true")
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()

    # A goal's chart takes the width and its definition goes under it (beside it on a laptop:
    # test_click_through_every_page).
    open_view(page, server, paths["goals"] + "?goal=county_2", min_charts=2)
    chart, text = chart_and_text(page)
    assert text["y"] >= chart["y"] + chart["height"], (chart, text)
    assert abs(chart["x"] - text["x"]) < 2 and abs(chart["width"] - text["width"]) < 2
    overflow = main(page).evaluate("m => [m.scrollWidth, m.clientWidth]")
    assert overflow[0] <= overflow[1] + 2, overflow

"""Every face shows the one reading of the latest month, whatever period it draws, in both
languages and both modes (issue 13: "one honest reading everywhere").

Faces: the overview's readings and cards (metrics.overview), the indicator chart and its PNG
footer (charts.indicator), the briefing pack's page (exports.briefing) and the monthly summary's
count line (metrics.narrative). Briefing mode is simulated as disclosure control leaves rows:
hidden months have no value and ``suppressed`` True; it may withhold the reading, never change it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charts.indicator import build_indicator_chart
from exports.briefing import Selection, build_pack
from i18n import t
from metrics.catalog import load_catalog
from metrics.indicator_view import view_indicator
from metrics.narrative import monthly_summary
from metrics.overview import build_overview

CATALOG = load_catalog()
KINDS = (
    "perpetrator_programme_starts",  # count with a target (region)
    "crime_scene_examined_share",  # proportion with a target and a series break
    "gryning_staff_recruited",  # stock with a target
    "evaluations_completed",  # near-zero count
    "lethal_violence_close_relations",  # rare events
)


def _png(fig, scale: float = 2) -> bytes:
    return b"png"


@st.composite
def cases(draw):
    indicator = CATALOG.indicator(draw(st.sampled_from(KINDS)))
    n = draw(st.integers(min_value=3, max_value=60))
    first = pd.Timestamp("2019-01-01") + pd.DateOffset(months=draw(st.integers(0, 36)))
    months = pd.date_range(first, periods=n, freq="MS")
    level = draw(st.sampled_from([0.4, 3.0, 20.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    denominator = np.full(n, np.nan)
    if indicator.kind == "proportion":
        denominator = rng.integers(20, 200, n).astype(float)
        values = rng.binomial(denominator.astype(int), draw(st.floats(0.1, 0.9))).astype(float)
    elif indicator.kind == "stock":
        values = np.cumsum(rng.poisson(level, n)).astype(float)
    else:
        values = rng.poisson(level, n).astype(float)
        if draw(st.booleans()):  # a step, as a process change would make
            values[n // 2 :] += rng.poisson(level * 4, n - n // 2)
    obs = pd.DataFrame(
        {
            "indicator_id": indicator.id,
            "area_code": "STHLM",
            "period": months,
            "value": values,
            "denominator": denominator,
            "status": "final",
            "note": "",
            "suppressed": False,
        }
    )
    hidden = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    hidden &= rng.random(n) < draw(st.sampled_from([0.0, 0.05, 0.5]))
    start = months[draw(st.integers(0, n - 1))]
    lang = draw(st.sampled_from(["sv", "en"]))
    return indicator, obs, hidden, start, lang


def _shown(obs: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    """The rows as briefing mode shows them: a hidden cell has no value."""
    shown = obs.copy()
    shown.loc[hidden, ["value", "denominator"]] = np.nan
    shown["suppressed"] = hidden
    return shown


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases(), st.booleans())
def test_every_face_shows_the_same_reading_of_the_latest_month(case, briefing):
    indicator, obs, hidden, start, lang = case
    shown = _shown(obs, hidden) if briefing else obs
    through = obs["period"].max()
    open_reading = build_overview(obs, CATALOG, "STHLM", None)[0][indicator.id]
    readings, cards = build_overview(obs, CATALOG, "STHLM", None, shown=shown if briefing else None)
    reading = readings[indicator.id]

    # Briefing mode may withhold the reading, never change it. (A rare count's year so far is
    # ".." where a hidden month may hold events: that too is withholding, of one number.)
    if not reading.withheld:
        assert _signal(reading) == _signal(open_reading)
        if not reading.latest_hidden and reading.chart != "rare":
            assert reading.value == open_reading.value
    for card in cards:
        if card.headline.id == indicator.id:
            assert card.reading is reading

    # The chart of any displayed period draws this reading and prints its words in the footer.
    view = view_indicator(shown, indicator, "STHLM", reading=reading, start=start, end=None)
    chart = None
    if view is not None:
        chart = build_indicator_chart(view, CATALOG, lang=lang, demo=True, data_through=through)
    if chart is not None:
        assert chart.reading is reading
        assert chart.context.reading == reading.sentence(lang)
        footer = [a.text for a in chart.figure.layout.annotations if a.name == "footer"]
        assert footer and _plain(reading.sentence(lang)[:30]) in _plain(footer[0])
        if chart.spc_points is not None:
            drawn = chart.spc_points.dropna(subset=["mean"])
            assert (drawn["mean"] == reading.spc.points["mean"].reindex(drawn.index)).all()

    # The pack's page says the same, whatever its period.
    pack = build_pack(
        shown,
        CATALOG,
        Selection((indicator.id,), "STHLM", start, None, lang),
        readings=readings,
        data_through=through,
        demo=True,
        briefing=briefing,
        render=_png,
    )
    [page] = pack.pages
    if page.png is not None:
        assert page.reading == reading.sentence(lang, area_name=pack.area_name)
        assert page.variation_icon == reading.variation_icon

    # The summary counts exactly this reading.
    summary = monthly_summary({indicator.id: reading}, CATALOG, reading.period or through, lang)
    category = reading.category if reading.period is not None else "stale"
    category = "stale" if category == "no_data" else category
    verb = t(f"narrative_count_{category}", lang, n=1, month="")
    assert f"1 {verb}".split("{")[0].strip() in summary[0].text() or (
        f"1 {t('narrative_indicator', lang, n=1)} {verb}" in summary[0].text()
    )


def _signal(reading) -> tuple:
    return (
        reading.period,
        reading.chart,
        reading.category,
        reading.variation,
        reading.assurance,
        reading.target_reached,
    )


def _plain(text: str) -> str:
    return " ".join(text.replace("<br>", " ").replace("&#39;", "'").replace("&amp;", "&").split())

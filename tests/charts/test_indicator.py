"""The shared indicator chart: what the panel and the briefing pack both draw, drawn from the view
metrics.indicator_view hands it (the chart computes nothing)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from charts.indicator import build_indicator_chart
from metrics.aggregate import aggregate_areas
from metrics.catalog import load_catalog
from metrics.indicator_view import period_series, view_indicator
from metrics.periods import parse_period_texts
from metrics.reader import read_indicator, rebase_months

CATALOG = load_catalog()
THROUGH = pd.Timestamp("2026-10-01")


@pytest.fixture(scope="module")
def obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2023-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame


def view(obs, indicator_id="reported_rape", area="STHLM", *, start, end, rolling=False):
    indicator = CATALOG.indicator(indicator_id)
    reading = read_indicator(
        aggregate_areas(obs, indicator, [area]),
        indicator,
        area,
        rebases=rebase_months(indicator),
        as_of=end,
    )
    return view_indicator(
        obs, indicator, area, reading=reading, start=start, end=end, rolling=rolling
    )


def build(obs, indicator_id="reported_rape", area="STHLM", **kw):
    start = kw.pop("start", pd.Timestamp("2024-01-01"))
    end = kw.pop("end", THROUGH)
    kw.setdefault("lang", "sv")
    shown = view(
        obs,
        indicator_id,
        area,
        start=start,
        end=end,
        rolling=kw.get("rolling_label") is not None,
    )
    if shown is None:
        return None
    return build_indicator_chart(shown, CATALOG, demo=True, data_through=THROUGH, **kw)


def test_chart_reads_the_months_chosen_and_says_what_it_is(obs):
    chart = build(obs, area="0180")
    assert chart.series.index.min() == pd.Timestamp("2024-01-01")
    assert chart.series.index.max() == THROUGH
    assert chart.context.title == "Anmälda våldtäkter"
    assert chart.context.area_label == "Stockholm"
    assert chart.context.period_label == "januari 2024–oktober 2026"
    assert chart.context.data_through == "oktober 2026"
    assert chart.context.filename == "lagesbild_reported_rape_0180_2026-10"
    assert chart.spc_points is not None and len(chart.spc_points) == len(chart.series)
    names = {trace.name for trace in chart.figure.data}
    assert {"Månadsvärde", "Medelvärde", "Processgränser"} <= names


def test_rare_events_get_yearly_counts_and_targets_a_trajectory(obs):
    rare = build(obs, "lethal_violence_close_relations")
    assert rare.spc_points is None
    names = {trace.name for trace in rare.figure.data}
    assert "Medelvärde" not in names and "Månadsvärde" not in names  # no monthly spike line
    assert names == {"Antal per år"}
    assert [bar.type for bar in rare.figure.data] == ["bar"]
    lead = build(obs, "lead_time_days", lang="en")
    assert "Target / trajectory" in {trace.name for trace in lead.figure.data}


def test_rolling_line_only_when_asked(obs):
    plain = build(obs)
    rolling = build(obs, rolling_label="Rullande 12 mån")
    assert "Rullande 12 mån" not in {trace.name for trace in plain.figure.data}
    assert any(trace.name.startswith("Rullande 12 mån") for trace in rolling.figure.data)


def test_no_chart_without_values_in_the_period(obs):
    assert build(obs, start=pd.Timestamp("2030-01-01"), end=None) is None
    empty = period_series(obs.iloc[0:0], CATALOG.indicator("reported_rape"), "STHLM", None, None)
    assert empty.empty


def test_the_chart_draws_what_the_view_says(obs):
    shown = view(obs, "lead_time_days", start=pd.Timestamp("2024-01-01"), end=THROUGH)
    chart = build_indicator_chart(shown, CATALOG, lang="sv", demo=True, data_through=THROUGH)
    assert chart.series is shown.series and chart.spc_points is shown.spc_points
    values = next(t for t in chart.figure.data if t.legendgroup == "value" and not t.showlegend)
    assert list(values.y) == pytest.approx(list(shown.series["value"]), nan_ok=True)
    target = next(t for t in chart.figure.data if t.name == "Mål / målbana")
    assert list(target.y) == pytest.approx(list(shown.target.reindex(target.x)))
    traces = {trace.name: trace for trace in chart.figure.data}
    levels = {y for y in traces["Medelvärde"].y if y is not None}
    assert levels == set(shown.points["mean"].dropna())
    limits = {y for y in traces["Processgränser"].y if y is not None}
    assert limits == set(shown.points["lower"].dropna()) | set(shown.points["upper"].dropna())


def test_a_changed_view_changes_the_chart_and_nothing_else(obs):
    """The chart takes the view's numbers as they are: a view whose mean is moved draws the
    moved mean (nothing is recomputed from the series)."""
    shown = view(obs, start=pd.Timestamp("2024-01-01"), end=THROUGH)
    moved = dataclasses.replace(shown, points=shown.points.assign(mean=shown.points["mean"] + 7))
    before = build_indicator_chart(shown, CATALOG, lang="sv", demo=True, data_through=THROUGH)
    after = build_indicator_chart(moved, CATALOG, lang="sv", demo=True, data_through=THROUGH)

    def means(chart):
        trace = next(t for t in chart.figure.data if t.name == "Medelvärde")
        return [y for y in trace.y if y is not None]

    assert means(after) == pytest.approx([y + 7 for y in means(before)])

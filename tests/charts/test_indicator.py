"""The shared indicator chart: what the panel and the briefing pack both draw."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.indicator import build_indicator_chart, period_series
from metrics.aggregate import aggregate_areas
from metrics.catalog import load_catalog
from metrics.periods import parse_period_texts
from metrics.reading import read_indicator, rebase_months

CATALOG = load_catalog()
THROUGH = pd.Timestamp("2026-10-01")


@pytest.fixture(scope="module")
def obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2023-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame


def build(obs, indicator_id="reported_rape", area="STHLM", **kw):
    kw.setdefault("start", pd.Timestamp("2024-01-01"))
    kw.setdefault("end", THROUGH)
    kw.setdefault("lang", "sv")
    indicator = CATALOG.indicator(indicator_id)
    reading = read_indicator(
        aggregate_areas(obs, indicator, [area]),
        indicator,
        area,
        rebases=rebase_months(indicator),
        as_of=kw["end"],
    )
    return build_indicator_chart(
        obs, CATALOG, indicator, area, reading=reading, demo=True, data_through=THROUGH, **kw
    )


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

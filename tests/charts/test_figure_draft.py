"""charts.theme.FigureDraft: a figure collected as dicts and made once is the figure Plotly's
own validated path makes (issue 15: Plotly's incremental updates were ~40 % of a goal page)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from charts.theme import FigureDraft
from tests.charts import test_indicator
from tests.charts.test_indicator import build

obs = test_indicator.obs  # the demo observations (a module fixture)

EVENTS = [
    (pd.Timestamp("2024-03-01"), "Ny rutin <b>i</b> länet"),
    (pd.Timestamp("2025-06-01"), "x"),
]


def _plain(figure: go.Figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


@pytest.mark.parametrize(
    ("indicator_id", "area", "lang", "kw"),
    [
        ("reported_rape", "STHLM", "sv", {}),
        ("reported_rape", "0180", "en", {"rolling_label": "Rolling 12 months"}),
        ("reported_partner_violence_women", "PO_SYD", "sv", {"events": EVENTS}),
        ("lethal_violence_close_relations", "STHLM", "sv", {}),
    ],
)
def test_a_chart_is_what_plotly_validation_makes_of_it(obs, indicator_id, area, lang, kw):
    chart = build(obs, indicator_id, area, lang=lang, **kw)
    assert chart is not None
    drawn = _plain(chart.figure)
    validated = _plain(go.Figure(chart.figure.to_dict()))  # every property checked by Plotly
    assert drawn == validated
    assert drawn["layout"]["annotations"] and drawn["data"]


def test_layout_updates_merge_as_plotly_merges_them():
    steps = [
        {"yaxis": {"title": {"text": "antal"}, "range": [0, 5]}, "height": 300},
        {"yaxis": {"range": [1, 9], "dtick": 1}, "legend": {"x": 0}},
        {"legend": {"title": {"text": "t"}}, "height": 400},
    ]
    draft, figure = FigureDraft(), go.Figure()
    for step in steps:
        draft.update_layout(**step)
        figure.update_layout(**step)
    draft.add_annotation(text="a", x=1, y=2, showarrow=False)
    figure.add_annotation(text="a", x=1, y=2, showarrow=False)
    draft.add_shape(type="line", x0=0, x1=1, y0=0, y1=1)
    figure.add_shape(type="line", x0=0, x1=1, y0=0, y1=1)
    draft.add_trace(go.Scatter(x=[1, 2], y=[3, 4], name="s"))
    figure.add_trace(go.Scatter(x=[1, 2], y=[3, 4], name="s"))
    assert _plain(draft.figure()) == _plain(figure)
    # A step's dict is copied, not kept: changing it afterwards changes nothing drawn.
    step = {"xaxis": {"title": {"text": "månad"}}}
    draft.update_layout(**step)
    step["xaxis"]["title"]["text"] = "år"
    assert draft.layout["xaxis"]["title"]["text"] == "månad"

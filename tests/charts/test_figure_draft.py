"""charts.theme.FigureDraft: a figure collected as dicts and made once is the figure Plotly's
own validated path makes (issue 15: Plotly's incremental updates were ~40 % of a goal page)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from _plotly_utils.utils import to_typed_array_spec

from charts.theme import FigureDraft, _typed_array
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


def test_the_comparison_and_rare_event_charts_are_what_plotly_validation_makes_of_them(ctx):
    """The area comparison, the funnel, the tile map and the rare-event bars are drafts too."""
    import numpy as np

    from charts.areas import area_comparison_figure
    from charts.comparison import comparison_words, funnel_figure, tile_map_figure
    from charts.rare import rare_figure
    from metrics.catalog import load_catalog
    from metrics.compare import Funnel
    from metrics.indicator_view import RareBar
    from ui.area_compare import MUNICIPALITY_TILES

    indicator = load_catalog().indicator("reported_rape")
    codes = list(MUNICIPALITY_TILES)[:9]
    frame = pd.DataFrame(
        {
            "area_code": codes,
            "area_label": [f"Område <{c}> & co" for c in codes],
            "value": [40.0, np.nan, 55.5, 61.0, 12.0, 80.0, np.nan, 47.0, 50.0],
            "denominator": [9e3, 2e4, 3.1e4, 5e4, 7.7e4, 1e5, 1.5e5, 2e5, 9e5],
            "lower": [30.0, np.nan, 45.0, 50.0, 5.0, 70.0, np.nan, 40.0, 48.0],
            "upper": [50.0, np.nan, 65.0, 72.0, 20.0, 90.0, np.nan, 54.0, 52.0],
            "category": ["similar", "not_comparable", "similar", "higher", "lower"]
            + ["higher", "not_comparable", "similar", "similar"],
            "suppressed": [False, True, False, False, False, False, False, False, False],
        }
    )
    sizes = np.geomspace(6e3, 1.2e6, 80)
    limits = {level: (48 - 300 / np.sqrt(sizes) * k, 48 + 300 / np.sqrt(sizes) * k)
              for level, k in ((0.95, 2.0), (0.998, 3.1))}  # fmt: skip
    words = comparison_words(indicator, "sv", ["en not"])
    bars = [RareBar(2024, 3.0, False, 12, False), RareBar(2025, None, True, 12, False)]
    figures = [
        area_comparison_figure(frame, ctx, unit="per 100 000", reference=(45, 65)),
        funnel_figure(
            frame,
            Funnel(48.0, sizes, limits),
            ctx,
            words,
            direction="neutral",
            percent=False,
            selected=codes[3],
        ),  # fmt: skip
        tile_map_figure(
            frame,
            ctx,
            words,
            tiles=MUNICIPALITY_TILES,
            direction="decrease",
            percent=True,
            selected=codes[0],
        ),  # fmt: skip
        rare_figure(bars, ctx, unit="händelser"),
    ]
    for figure in figures:
        drawn = _plain(figure)
        assert drawn == _plain(go.Figure(figure.to_dict()))  # every property checked by Plotly
        assert drawn["data"] and drawn["layout"]["annotations"]


def test_a_trace_dict_is_what_plotly_validation_makes_of_its_properties():
    """charts.theme.trace: the properties as Plotly's validators coerce them (numpy and pandas
    arrays as read-only copies, strings as objects, lists as lists), so the figure's JSON is the
    same whichever way a trace was made."""
    import numpy as np

    from charts.theme import trace

    months = pd.date_range("2024-01-01", periods=5, freq="MS")
    values = np.array([1.5, np.nan, 3.0, 4.25, 0.0])
    props = {
        "x": months,
        "y": values,
        "mode": "lines+markers",
        "marker": {
            "symbol": np.where(values > 1, "circle-open", "circle"),
            "size": np.array([0, 7, 7, 0, 7]),
            "color": "#333333",
            "line": {"color": "#333333", "width": 1.6},
        },
        "customdata": pd.Series([1, 2, 3, 4, 5]),
        "hovertext": [f"<b>{m:%Y-%m}</b>" for m in months],
        "text": ("a", None, "c", "d", "e"),
        "connectgaps": False,
    }
    made = trace("scatter", **props)
    validated = go.Scatter(**props).to_plotly_json()
    assert _plain(go.Figure(data=[made], _validate=False)) == _plain(
        go.Figure(data=[validated], _validate=False)
    )
    # Copies, not views: changing the caller's arrays afterwards changes nothing drawn.
    values[0] = 99.0
    assert made["y"][0] == 1.5
    assert not made["y"].flags.writeable
    bars = {"x": [2023, 2024], "y": [np.int64(3), 5], "marker": {"color": ["#aabbcc", "#112233"]}}
    assert _plain(go.Figure(data=[trace("bar", **bars)], _validate=False)) == _plain(
        go.Figure(data=[go.Bar(**bars).to_plotly_json()], _validate=False)
    )


def test_a_drawn_figure_gives_plotlys_dict_and_keeps_its_arrays(obs):
    """SharedFigure.to_dict (Streamlit calls it at every draw of a kept figure) is Plotly's
    to_dict, and converting arrays for the browser leaves the kept figure as it was."""
    import numpy as np

    chart = build(obs, "reported_rape", "0180", lang="sv", events=EVENTS)
    figure = chart.figure
    plotly_dict = go.Figure.to_dict(figure)
    assert json.dumps(figure.to_dict(), sort_keys=True, default=str) == json.dumps(
        plotly_dict, sort_keys=True, default=str
    )
    assert json.dumps(figure.to_dict(), sort_keys=True, default=str) == json.dumps(
        plotly_dict, sort_keys=True, default=str
    )  # a second draw: nothing in the figure was converted by the first
    assert isinstance(figure.data[0].y, np.ndarray)
    assert any(isinstance(t.get("y"), np.ndarray) for t in figure._data)


@pytest.mark.parametrize(
    ("indicator_id", "area", "lang"),
    [
        ("reported_rape", "0180", "sv"),
        ("lethal_violence_close_relations", "STHLM", "en"),  # rare events: bars
        ("reported_partner_violence_women", "PO_SYD", "sv"),
    ],
)
def test_drawing_a_kept_figure_makes_no_plotly_figure_and_sends_plotlys_dict(
    obs, indicator_id, area, lang
):
    """A page draws a kept figure from its draft's dicts, and what it sends is what Plotly's
    own figure of the same draft sends, default template included; anything else asked of the
    figure gets Plotly's figure, made then."""
    chart = build(obs, indicator_id, area, lang=lang, events=EVENTS)
    figure = chart.figure
    drawn = json.dumps(figure.to_dict(), sort_keys=True, default=str)
    assert "_draft" in vars(figure)  # drawing made no Plotly figure
    assert figure.layout.template is not None  # asking for anything else made it
    assert "_draft" not in vars(figure)
    assert drawn == json.dumps(go.Figure.to_dict(figure), sort_keys=True, default=str)
    assert drawn == json.dumps(figure.to_dict(), sort_keys=True, default=str)
    assert json.loads(drawn)["layout"]["template"]["layout"]  # Plotly's default template


@pytest.mark.parametrize(
    "array",
    [
        np.array([1.5, np.nan, -2.0]),
        np.array([1, 2, 300], dtype="int64"),
        np.array([1, -70_000], dtype="int64"),
        np.array([2**40, 1], dtype="int64"),  # too big for plotly.js: left as it is
        np.array([7, 65_000], dtype="uint64"),
        np.array([1.5, 2.5], dtype="float32"),
        np.array([True, False]),
        np.array(["a", "b"]),
        np.array([None, "x"], dtype=object),
        np.array(["2026-01-01", "2026-02-01"], dtype="datetime64[us]"),
        np.array([], dtype="float64"),
        np.arange(6, dtype="int64").reshape(2, 3),
    ],
    ids=repr,
)
def test_arrays_are_sent_as_plotly_sends_them(array):
    """A kept figure's arrays go to the browser as Plotly's own conversion makes them."""
    mine, plotlys = _typed_array(array), to_typed_array_spec(array)

    def as_json(value: object) -> str:
        plain = value.tolist() if isinstance(value, np.ndarray) else value
        return json.dumps(plain, default=str, sort_keys=True)

    assert type(mine) is type(plotlys) and as_json(mine) == as_json(plotlys)
    if isinstance(mine, np.ndarray):
        assert mine.dtype == plotlys.dtype


def _draw_on_threads(figure, sessions: int = 9) -> tuple[list[str], list[BaseException]]:
    """Each session draws `figure` on its own thread; every third asks for more of it first."""
    import threading

    drawn: list[str] = []
    failed: list[BaseException] = []

    def session(asks_for_more: bool) -> None:
        try:
            if asks_for_more:
                assert figure.layout.height
            drawn.append(json.dumps(figure.to_dict(), sort_keys=True, default=str))
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            failed.append(exc)

    threads = [threading.Thread(target=session, args=(i % 3 == 0,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return drawn, failed


def test_a_kept_figure_shared_by_sessions_on_threads_draws_the_same(obs):
    """Sessions draw a kept figure on their own threads while another asks for more of it (and
    so makes Plotly's figure): every draw is the same dict and nothing fails."""
    for _ in range(5):
        figure = build(obs, "reported_rape", "0180", lang="sv", events=EVENTS).figure
        drawn, failed = _draw_on_threads(figure)
        assert failed == [] and len(drawn) == 9 and len(set(drawn)) == 1

"""Sparklines for overview cards: no axes or frame, the latest value marked."""

import numpy as np

from charts import sparkline_figure
from tests.charts.helpers import monthly


def test_a_sparkline_has_no_axes_legend_or_text_and_the_asked_height():
    fig = sparkline_figure(monthly([3, 5, 4, 6]), height=48)
    layout = fig.layout
    assert layout.height == 48
    assert layout.xaxis.visible is False and layout.yaxis.visible is False
    assert layout.showlegend is False
    assert not layout.annotations and not layout.title.text


def test_the_latest_value_is_marked_open_when_preliminary():
    series = monthly([3, 5, 4, 6, np.nan], status=["final"] * 3 + ["preliminary"] * 2)
    line, last = sparkline_figure(series).data
    assert list(last.x) == [series.index[3]] and list(last.y) == [6]
    assert last.marker.symbol == "circle-open"
    assert last.hovertext[0] == "april 2024: 6"


def test_shares_hover_as_percentages():
    fig = sparkline_figure(monthly([0.2, 0.25]), percent=True)
    assert fig.data[-1].hovertext[0] == "februari 2024: 25,0\u00a0%"


def test_an_empty_or_all_missing_series_gives_a_blank_sparkline():
    assert len(sparkline_figure(monthly([])).data) == 1
    assert len(sparkline_figure(monthly([np.nan, np.nan])).data) == 1

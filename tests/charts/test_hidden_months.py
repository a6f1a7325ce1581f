"""A trend chart and its words show months disclosure control hid as hidden (".."), never as a
gap without a word or as an older month's value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts.describe import describe_trend
from charts.trend import trend_figure
from metrics.trend_reading import read_trend

MONTHS = pd.date_range("2024-01-01", periods=24, freq="MS")


def series(hidden_at) -> pd.DataFrame:
    hidden = np.zeros(len(MONTHS), dtype=bool)
    hidden[list(hidden_at)] = True
    values = np.where(hidden, np.nan, 40.0 + np.arange(len(MONTHS)))
    return pd.DataFrame({"value": values, "status": "final", "suppressed": hidden}, index=MONTHS)


def hidden_marks(fig) -> list:
    return [a for a in fig.layout.annotations if a.name == "hidden"]


def test_hidden_months_get_a_mark_and_the_footer_says_how_many(ctx):
    fig = trend_figure(series([3, 10, 23]), ctx, unit="brott")
    marks = hidden_marks(fig)
    assert [pd.Timestamp(a.x) for a in marks] == [MONTHS[3], MONTHS[10], MONTHS[23]]
    assert all(a.text == ".." and "för få fall för att visas" in a.hovertext for a in marks)
    words = " ".join(a.text for a in fig.layout.annotations)
    assert "3 månader dolda (..)" in words
    # the value trace has no value in a hidden month, and its hover none either
    trace = fig.data[0]
    for i in (3, 10, 23):
        assert np.isnan(trace.y[i])
        assert trace.hovertext[i].endswith("<br>..")


def test_a_chart_without_hidden_months_has_no_mark(ctx):
    fig = trend_figure(series([]), ctx, unit="brott")
    assert not hidden_marks(fig)
    assert "dolda" not in " ".join(a.text for a in fig.layout.annotations)


def test_the_words_say_the_latest_month_is_hidden_not_an_older_value(ctx):
    text = describe_trend(read_trend(series([23])), ctx, unit="brott")
    assert "Senaste månaden, december 2025, visas inte (för få fall för att visas)." in text
    assert "Senaste värde" not in text
    assert "1 månad i perioden visas inte" in text


def test_the_words_count_hidden_months_inside_the_period(ctx):
    text = describe_trend(read_trend(series([2, 5])), ctx, unit="brott")
    assert "Senaste värde: 63 brott i december 2025." in text
    assert "2 månader i perioden visas inte (för få fall för att visas)." in text


def test_a_sparkline_with_hidden_months_says_shown_and_how_many_are_hidden():
    import re

    from charts import sparkline_svg

    svg = sparkline_svg(series([0, 23]))
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert label.startswith("Linjediagram januari 2024–december 2025: lägst visade 41")
    assert "senast visade 62 i november 2025; 2 månader dolda (för få fall för att visas)" in label

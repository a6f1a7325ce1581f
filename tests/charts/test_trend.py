"""The trend chart: a self-explaining frame, XmR signals by shape and colour, preliminary values,
breaks and events, Swedish numbers and months."""

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charts import ChartContext, trend_figure
from charts.theme import BLUE, ORANGE, PURPLE
from i18n import sv
from tests.charts.helpers import drawn, monthly, quiet_xmr, shown_text

STEADY = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100, 102, 98, 100, 101, 99, 100]
WITH_SPIKE = [*STEADY, 160, 100]  # position 18 lies far above the upper limit
SV = {k.removeprefix("chart_"): v for k, v in sv.TEXT.items() if k.startswith("chart_")}


def spiked(status=None):
    series = monthly(WITH_SPIKE, status=status)
    return series, quiet_xmr(series["value"], improvement="increase").points


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def values_trace(fig):
    return next(t for t in fig.data if t.legendgroup == "value" and t.showlegend is False)


# --- the frame ------------------------------------------------------------------------------


def test_the_figure_says_what_where_when_who_and_that_it_is_demo(ctx):
    fig = trend_figure(monthly(STEADY), ctx, unit="brott")
    text = shown_text(fig)
    for part in (
        "Anmälda våldtäkter",
        "Region Stockholm",
        "jan 2024–okt 2026",
        "Polismyndigheten (demo)",
        "Data t.o.m. oktober 2026",
        "DEMODATA – inte verklig statistik",
    ):
        assert part in text, part


def test_real_data_carry_no_demo_marking(real_ctx):
    fig = trend_figure(monthly(STEADY), real_ctx, unit="brott")
    text = shown_text(fig)
    assert "DEMODATA" not in text and "inte verklig" not in text
    assert "Data t.o.m. oktober 2026" in text
    assert "DEMODATA" not in json.dumps(fig.to_plotly_json(), default=str)


def test_english_frame(en_ctx):
    text = shown_text(trend_figure(monthly(STEADY), en_ctx, unit="offences"))
    assert "DEMO DATA – not real statistics" in text
    assert "Data through October 2026" in text
    assert "Source: Polismyndigheten (demo)" in text


def test_solid_white_background_and_no_zoom_on_touch(ctx):
    layout = trend_figure(monthly(STEADY), ctx, unit="brott").layout
    assert layout.paper_bgcolor == "#ffffff" and layout.plot_bgcolor == "#ffffff"
    assert layout.dragmode is False
    assert layout.xaxis.fixedrange and layout.yaxis.fixedrange


def test_catalog_text_is_shown_as_written_not_as_markup(ctx):
    odd = ChartContext(**{**ctx.__dict__, "title": "Andel <5 år & äldre"})
    assert "Andel <5 år & äldre" in shown_text(trend_figure(monthly(STEADY), odd, unit="st"))


# --- SPC ------------------------------------------------------------------------------------


def test_special_cause_points_get_their_own_shape_colour_and_words(ctx):
    series, spc = spiked()
    fig = trend_figure(series, ctx, unit="brott", signals=drawn(series, spc, "increase"))
    signal = trace(fig, SV["improvement"])
    assert list(signal.x) == [series.index[18]]
    assert signal.marker.symbol[0] == "triangle-up"
    assert signal.marker.color == BLUE
    assert "triangle-up" not in set(values_trace(fig).marker.symbol)
    assert signal.showlegend is not False


def test_a_neutral_indicator_never_gets_good_or_bad_colours(ctx):
    series, spc = spiked()  # the reading was computed as if higher were better
    fig = trend_figure(series, ctx, unit="brott", signals=drawn(series, spc, "neutral"))
    signal = trace(fig, SV["neutral_high"])
    assert signal.marker.symbol[0] == "square" and signal.marker.color == PURPLE
    data = json.dumps([t.to_plotly_json() for t in fig.data], default=str)
    assert BLUE not in data and ORANGE not in data
    assert SV["improvement"] not in data


def test_concern_on_a_decrease_indicator(ctx):
    series, _ = spiked()
    spc = quiet_xmr(series["value"], improvement="decrease").points
    fig = trend_figure(series, ctx, unit="dagar", signals=drawn(series, spc, "decrease"))
    signal = trace(fig, SV["concern"])
    assert signal.marker.symbol[0] == "diamond" and signal.marker.color == ORANGE


def test_mean_and_limits_step_at_a_rebase_and_lower_limit_stays_at_zero(ctx):
    values = [2, 9, 1, 8, 3, 7, 2, 9, 1, 8, 3, 7, 40, 42, 38, 41, 39, 40, 42, 38, 41, 39, 40, 41]
    series = monthly(values)
    spc = quiet_xmr(series["value"], rebase_at=[12]).points
    fig = trend_figure(series, ctx, unit="st", signals=drawn(series, spc))
    mean = trace(fig, SV["mean"])
    levels = {y for y in mean.y if y is not None}
    assert len(levels) == 2 and None in mean.y  # one flat step per period, no slope between
    limits = [y for y in trace(fig, SV["limits"]).y if y is not None]
    assert spc["lpl"].iloc[0] < 0 and min(limits) == 0


def test_signals_must_align_with_the_series(ctx):
    series, spc = spiked()
    with pytest.raises(ValueError, match="aligned"):
        drawn(series, spc.iloc[:-1])
    with pytest.raises(ValueError, match="aligned"):
        trend_figure(series.iloc[:-1], ctx, unit="brott", signals=drawn(series, spc))


def test_rows_without_a_reading_draw_nothing(ctx):
    series, spc = spiked()
    longer = pd.concat([monthly([95, 96], start="2023-11"), series])
    fig = trend_figure(
        longer, ctx, unit="brott", signals=drawn(longer, spc.reindex(longer.index), "increase")
    )
    assert fig.layout.yaxis.range is not None
    assert len(trace(fig, SV["improvement"]).x) == 1


# --- preliminary values ---------------------------------------------------------------------


def test_preliminary_values_are_open_markers_with_a_legend_entry_and_hover_word(ctx):
    status = ["final"] * (len(WITH_SPIKE) - 2) + ["preliminary"] * 2
    series, spc = spiked(status=status)
    fig = trend_figure(series, ctx, unit="brott", signals=drawn(series, spc, "increase"))
    values = values_trace(fig)
    symbols = list(values.marker.symbol)
    assert symbols[-2:] == ["circle-open", "circle-open"]
    assert all(not s.endswith("-open") for s in symbols[:-2])
    assert "preliminär" in values.hovertext[-1] and "preliminär" not in values.hovertext[0]
    key = trace(fig, SV["preliminary_legend"])
    assert key.marker.symbol == "circle-open" and key.showlegend is not False


def test_a_preliminary_special_cause_point_is_an_open_version_of_its_icon(ctx):
    status = ["final"] * 18 + ["preliminary"] * 2  # the spike (position 18) is preliminary
    series, spc = spiked(status=status)
    fig = trend_figure(series, ctx, unit="brott", signals=drawn(series, spc, "increase"))
    assert list(trace(fig, SV["improvement"]).marker.symbol) == ["triangle-up-open"]


def test_no_preliminary_legend_entry_without_preliminary_values(ctx):
    fig = trend_figure(monthly(STEADY), ctx, unit="brott")
    assert SV["preliminary_legend"] not in [t.name for t in fig.data]


# --- breaks, events, target, rolling ---------------------------------------------------------


def test_breaks_and_events_draw_lines_labels_and_the_reason_in_the_footer(ctx):
    series = monthly(STEADY)
    fig = trend_figure(
        series,
        ctx,
        unit="brott",
        breaks=[(pd.Timestamp("2024-07-01"), "Ny lagstiftning från 1 juli 2024. Mer text.")],
        events=[(pd.Timestamp("2025-02-01"), "Gryning växlas upp")],
    )
    kinds = sorted(shape.name for shape in fig.layout.shapes)
    assert kinds == ["break", "event"]
    brk = next(s for s in fig.layout.shapes if s.name == "break")
    assert pd.Timestamp("2024-06-01") < pd.Timestamp(brk.x0) < pd.Timestamp("2024-07-01")
    assert next(s for s in fig.layout.shapes if s.name == "event").line.dash == "dot"
    labels = [a.text for a in fig.layout.annotations if a.name in ("break", "event")]
    assert any("Serieavbrott jul 2024" in text for text in labels)
    assert any("Gryning växlas upp" in text for text in labels)
    assert "Serieavbrott juli 2024: Ny lagstiftning från 1 juli 2024…" in shown_text(fig)


def test_an_event_label_is_text_cleaned_and_short_on_the_chart(ctx):
    hostile = (
        '<img src=x onerror="alert(1)"> [länk](javascript:alert(1)) ![b](https://e.x/b.png)'
        "\x00\x1b\u202e" + " lång" * 2_000
    )
    fig = trend_figure(
        monthly(STEADY), ctx, unit="brott", events=[(pd.Timestamp("2025-02-01"), hostile)]
    )
    (event,) = [a for a in fig.layout.annotations if a.name == "event"]
    for text in (event.text, event.hovertext):
        assert "<img" not in text and "<a" not in text  # Plotly reads these tags: escaped
        assert not any(ord(c) < 32 or c == "\u202e" for c in text)
    assert event.text.startswith("&lt;img src=x")
    shown = re.sub(r"<br\s*/?>", " ", event.text)
    assert len(html.unescape(shown)) <= 70  # two short lines, not 10 000 characters
    assert len(html.unescape(event.hovertext)) <= 300


def test_breaks_and_events_outside_the_months_shown_are_left_out(ctx):
    fig = trend_figure(
        monthly(STEADY),
        ctx,
        unit="brott",
        breaks=[(pd.Timestamp("2020-04-01"), "Gammalt avbrott")],
        events=[(pd.Timestamp("2030-01-01"), "Framtid")],
    )
    assert not fig.layout.shapes
    assert "Gammalt" not in shown_text(fig) and "Framtid" not in shown_text(fig)


def test_target_is_a_dashed_line_in_per_cent_for_shares(ctx):
    series = monthly([0.18, 0.2, 0.19, 0.21, 0.2, 0.22])
    target = pd.Series(np.linspace(0.2, 0.25, 6), index=series.index)
    fig = trend_figure(series, ctx, unit="andel", percent=True, target=target)
    line = trace(fig, SV["target"])
    assert line.line.dash not in (None, "solid")
    assert line.y[-1] == pytest.approx(25.0)
    assert fig.layout.yaxis.ticksuffix == "\u00a0%"


def test_a_twelve_month_sum_gets_the_right_hand_axis(ctx):
    series = monthly(WITH_SPIKE)
    rolling = series["value"].rolling(12).sum()
    fig = trend_figure(series, ctx, unit="brott", rolling=rolling, rolling_label="Rullande 12 mån")
    line = trace(fig, "Rullande 12 mån (höger axel)")
    assert line.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    same = trend_figure(series, ctx, unit="brott", rolling=series["value"].rolling(3).mean())
    assert trace(same, SV["rolling"]).yaxis in (None, "y")


# --- Swedish numbers and months ---------------------------------------------------------------


def test_hover_and_axis_speak_swedish(ctx):
    series = monthly([1234, 1300, 1250], start="2026-03")
    fig = trend_figure(series, ctx, unit="brott")
    assert values_trace(fig).hovertext[0].startswith("<b>mars 2026</b><br>1\u00a0234 brott")
    assert fig.layout.separators == ",\u00a0"
    assert list(fig.layout.xaxis.ticktext) == ["mar 2026", "apr", "maj"]


def test_shares_hover_as_swedish_percentages(ctx):
    fig = trend_figure(monthly([0.185, 0.2]), ctx, unit="andel", percent=True)
    assert "18,5\u00a0%" in values_trace(fig).hovertext[0]


def test_month_ticks_for_a_long_series_are_years(ctx):
    fig = trend_figure(monthly(range(60), start="2021-02"), ctx, unit="st")
    assert list(fig.layout.xaxis.ticktext) == ["feb 2021", "2022", "2023", "2024", "2025", "2026"]


def test_a_few_events_a_month_get_whole_number_ticks(ctx):
    fig = trend_figure(monthly([0, 1, 0, 2, 0, 0, 1]), ctx, unit="fall")
    assert fig.layout.yaxis.dtick == 1


# --- robustness -----------------------------------------------------------------------------


def test_suppressed_months_never_reach_the_figure(ctx):
    series = monthly([100, 3.25, 101])
    series["suppressed"] = [False, True, False]
    fig = trend_figure(series, ctx, unit="brott")
    assert "3.25" not in json.dumps(fig.to_plotly_json(), default=str)
    assert np.isnan(values_trace(fig).y[1])


def test_an_empty_series_gives_a_framed_figure(ctx):
    empty = monthly([])
    fig = trend_figure(empty, ctx, unit="brott")
    assert "Anmälda våldtäkter" in shown_text(fig)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 5000, allow_nan=False)),
            st.sampled_from(["final", "preliminary"]),
        ),
        min_size=0,
        max_size=40,
    )
)
def test_any_series_draws_and_every_preliminary_value_is_open(rows):
    ctx = ChartContext("T", "A", "P", "S", "oktober 2026", demo=False)
    values = [np.nan if v is None else v for v, _ in rows]
    series = monthly(values, status=[s for _, s in rows])
    spc = quiet_xmr(series["value"], improvement="neutral").points if rows else None
    fig = trend_figure(series, ctx, unit="st", signals=drawn(series, spc))
    symbols = list(values_trace(fig).marker.symbol) if rows else []
    for (value, status), symbol in zip(rows, symbols, strict=True):
        if value is not None:
            assert symbol.endswith("-open") == (status == "preliminary")

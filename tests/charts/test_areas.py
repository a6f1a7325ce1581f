"""The area comparison: a fixed order (no league table), ".." where suppressed, a reference band."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charts import ChartContext, area_comparison_figure
from tests.charts.helpers import shown_text

HIDDEN = 987.654  # a value no other part of the figure could produce by chance


def areas(values, suppressed=None) -> pd.DataFrame:
    labels = [f"Område {i}" for i in range(len(values))]
    return pd.DataFrame(
        {
            "area_label": labels,
            "value": values,
            "suppressed": suppressed if suppressed is not None else [False] * len(values),
        }
    )


def dots(fig):
    return next(t for t in fig.data if t.mode == "markers+text")


def test_areas_keep_the_order_given_not_the_order_of_their_values(ctx):
    frame = pd.DataFrame(
        {
            "area_label": ["Upplands Väsby", "Vallentuna", "Österåker", "Värmdö"],
            "value": [12.0, 80.5, 3.2, 40.0],
            "suppressed": False,
        }
    )
    fig = area_comparison_figure(frame, ctx, unit="per 100 000 invånare")
    assert list(fig.layout.yaxis.ticktext) == list(frame["area_label"])
    assert list(dots(fig).y) == [0, 1, 2, 3]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # first area on top


def test_suppressed_areas_show_dots_dots_and_their_value_is_nowhere(ctx):
    frame = areas([50.0, HIDDEN, 60.0], suppressed=[False, True, False])
    fig = area_comparison_figure(frame, ctx, unit="per 100 000 invånare", reference=(45, 65))
    assert list(dots(fig).y) == [0, 2]
    marks = [a for a in fig.layout.annotations if a.name == "suppressed"]
    assert [(a.text, a.y) for a in marks] == [("..", 1)]
    everything = json.dumps(fig.to_plotly_json(), default=str)
    assert "987" not in everything
    assert ".. = för få fall för att visas" in shown_text(fig)


def test_areas_without_a_value_show_dots_dots_as_missing(ctx):
    fig = area_comparison_figure(areas([50.0, np.nan]), ctx, unit="per 100 000 invånare")
    assert [(a.text, a.y) for a in fig.layout.annotations if a.name == "missing"] == [("..", 1)]
    assert ".. = uppgift saknas" in shown_text(fig)


def test_reference_band_is_shaded_behind_the_dots_and_named_in_the_legend(ctx):
    fig = area_comparison_figure(
        areas([50.0, 70.0]),
        ctx,
        unit="per 100 000 invånare",
        reference=(55.0, 65.0),
        reference_label="Mittersta hälften av områdena",
    )
    (band,) = [s for s in fig.layout.shapes if s.name == "reference"]
    assert (band.type, band.x0, band.x1, band.layer) == ("rect", 55.0, 65.0, "below")
    assert "Mittersta hälften av områdena" in [t.name for t in fig.data]
    assert fig.layout.showlegend


def test_frame_and_fixed_order_note(ctx, real_ctx):
    text = shown_text(area_comparison_figure(areas([1.0]), ctx, unit="per 100 000 invånare"))
    for part in (
        "Anmälda våldtäkter",
        "Region Stockholm · jan 2024–okt 2026",
        "Källa: Polismyndigheten (demo)",
        "Data t.o.m. oktober 2026",
        "DEMODATA – inte verklig statistik",
        "ingen rangordning",
    ):
        assert part in text, part
    real = shown_text(area_comparison_figure(areas([1.0]), real_ctx, unit="per 100 000"))
    assert "DEMODATA" not in real and "inte verklig" not in real


def test_values_are_written_beside_the_dots_swedishly(ctx):
    fig = area_comparison_figure(areas([1234.0, 45.25]), ctx, unit="per 100 000 invånare")
    assert list(dots(fig).text) == ["1\u00a0234", "45,2"]


def test_shares_are_drawn_in_per_cent(ctx):
    fig = area_comparison_figure(areas([0.25, 0.5]), ctx, unit="andel", percent=True)
    assert list(dots(fig).x) == [25.0, 50.0]
    assert list(dots(fig).text) == ["25,0\u00a0%", "50,0\u00a0%"]


def test_the_frame_needs_labels_and_values(ctx):
    with pytest.raises(ValueError, match="value"):
        area_comparison_figure(pd.DataFrame({"area_label": ["A"]}), ctx, unit="")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 999), st.booleans()), min_size=1, max_size=30))
def test_no_suppressed_value_ever_reaches_the_figure(rows):
    ctx = ChartContext("T", "A", "P", "S", "oktober 2026", demo=True)
    # shown values are whole; hidden ones carry a marker fraction that nothing else produces
    values = [v + 0.123 if hide else float(v) for v, hide in rows]
    fig = area_comparison_figure(areas(values, [h for _, h in rows]), ctx, unit="st")
    everything = json.dumps(fig.to_plotly_json(), default=str)
    assert ".123" not in everything and ",123" not in everything
    shown_rows = [i for i, (_, hide) in enumerate(rows) if not hide]
    assert list(dots(fig).y) == shown_rows

"""Sparklines for overview cards: a small inline SVG, the latest value marked, with its words."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

from charts import sparkline_svg
from metrics.formatting import NBSP
from tests.charts.helpers import monthly

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def dots(svg: ET.Element) -> list[ET.Element]:
    """The latest value's mark: zero-length strokes with round caps (a dot, open if two)."""
    return [p for p in svg.iter(f"{SVG}path") if p.get("fill") != "none"]


def test_a_sparkline_is_one_image_with_its_words_and_the_asked_height():
    svg = parsed(sparkline_svg(monthly([3, 5, 4, 6]), height=48))
    assert svg.tag == f"{SVG}svg" and svg.get("height") == "48" and svg.get("width") == "100%"
    words = svg.get("aria-label")
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == words
    assert words == "Linjediagram januari 2024–april 2024: lägst 3, högst 6, senast 6 i april 2024."
    # No axes, legend or text drawn: only the line and the latest value's dot.
    assert {child.tag for child in svg} == {f"{SVG}title", f"{SVG}path"}


def test_the_latest_value_is_marked_open_when_preliminary():
    series = monthly([3, 5, 4, 6, np.nan], status=["final"] * 3 + ["preliminary"] * 2)
    svg = parsed(sparkline_svg(series))
    outer, inner = dots(svg)
    assert outer.get("d") == inner.get("d")  # the open dot: a white centre on the dark one
    assert float(inner.get("stroke-width")) < float(outer.get("stroke-width"))
    assert svg.get("aria-label").endswith("senast 6 i april 2024 (preliminärt).")
    final = parsed(sparkline_svg(monthly([3, 5, 4, 6])))
    assert len(dots(final)) == 1


def test_the_dot_sits_on_the_latest_value_and_the_line_spans_the_drawing():
    svg = parsed(sparkline_svg(monthly([3, 5, 4, 6, np.nan]), height=60))
    line = next(p for p in svg.iter(f"{SVG}path") if p.get("fill") == "none")
    points = [tuple(map(float, xy)) for xy in re.findall(r"([\d.]+) ([\d.]+)", line.get("d"))]
    (dot,) = dots(svg)
    assert tuple(map(float, re.findall(r"[\d.]+", dot.get("d"))[:2])) == points[-1]
    ys = [y for _, y in points]
    # The highest value is drawn highest (smallest y), all inside the drawing.
    assert min(ys) == points[-1][1] and 0 < min(ys) < max(ys) < 60


def test_a_missing_month_leaves_a_gap_and_a_lone_value_is_a_dot():
    svg = parsed(sparkline_svg(monthly([3, 5, np.nan, 4, np.nan, 6, 7])))
    line = next(p for p in svg.iter(f"{SVG}path") if p.get("fill") == "none")
    assert line.get("d").count("M") == 3  # 3-5, the lone 4, 6-7
    assert svg.get("aria-label").startswith("Linjediagram januari 2024–juli 2024: lägst 3,")


def test_shares_are_worded_as_percentages_and_english_follows_the_language():
    svg = parsed(sparkline_svg(monthly([0.2, 0.25]), percent=True))
    assert f"högst 25,0{NBSP}%" in svg.get("aria-label")
    english = parsed(sparkline_svg(monthly([0.2, 0.25]), percent=True, lang="en"))
    assert english.get("aria-label").startswith("Line chart January 2024–February 2024: lowest")


def test_a_series_of_values_without_status_and_unsorted_months_draws_in_month_order():
    index = pd.DatetimeIndex(["2024-03-01", "2024-01-01", "2024-02-01"], name="period")
    svg = parsed(sparkline_svg(pd.Series([9.0, 1.0, 5.0], index=index)))
    assert svg.get("aria-label").endswith("senast 9 i mars 2024.")


def test_an_empty_or_all_missing_series_gives_a_blank_sparkline_that_says_so():
    for series in (monthly([]), monthly([np.nan, np.nan])):
        svg = parsed(sparkline_svg(series))
        assert svg.get("aria-label") == "Linjediagram: uppgift saknas."
        assert not list(svg.iter(f"{SVG}path"))


def test_a_series_whose_every_month_is_hidden_says_hidden_not_no_data():
    series = monthly([3, 2, 4, 1]).assign(suppressed=True)
    svg = parsed(sparkline_svg(series))
    assert svg.get("aria-label") == (
        "Linjediagram januari 2024–april 2024: inga värden visas, 4 månader dolda "
        "(för få fall för att visas)."
    )
    english = parsed(sparkline_svg(series.iloc[:1], lang="en")).get("aria-label")
    assert english == (
        "Line chart January 2024–January 2024: no values shown, 1 month hidden "
        "(too few cases to show)."
    )
    assert not list(svg.iter(f"{SVG}path"))
    # One hidden month among shown ones: "1 månad dold", not "1 månader dolda".
    one = monthly([30, 20, 40, 10]).assign(suppressed=[False, True, False, False])
    assert "; 1 månad dold (för få" in parsed(sparkline_svg(one)).get("aria-label")


def test_a_quarterly_or_yearly_series_is_worded_in_its_periods():
    from charts import sparkline_svg

    starts = pd.date_range("2024-01-01", periods=4, freq="QS")
    svg = sparkline_svg(pd.Series([3.0, 5.0, 4.0, 6.0], index=starts), frequency="quarterly")
    assert "kv. 1 2024–kv. 4 2024" in svg and "i kv. 4 2024" in svg and "oktober" not in svg
    years = pd.Series([3.0, 5.0], index=pd.DatetimeIndex(["2024-01-01", "2025-01-01"]))
    svg = sparkline_svg(years, frequency="yearly", lang="en")
    assert "2024–2025" in svg and "January" not in svg

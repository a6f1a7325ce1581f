"""Text measured before it is placed: wrapping, height, and the size that fits a box."""

from __future__ import annotations

import pytest

from exports.briefing_layout import find_fonts
from exports.textfit import ELLIPSIS, LINE_HEIGHT, Para, TextMeasure


@pytest.fixture(scope="module")
def measure() -> TextMeasure:
    return TextMeasure(*find_fonts())


def test_width_grows_with_text_size_and_bold(measure):
    assert measure.width("", 12) == 0
    assert measure.width("Anmälda", 12) < measure.width("Anmälda våldtäkter", 12)
    assert measure.width("våld", 24) == pytest.approx(2 * measure.width("våld", 12))
    assert measure.width("våld", 12, bold=True) > measure.width("våld", 12)


def test_words_wrap_and_long_words_break(measure):
    word = measure.width("ord ", 10)
    assert measure.line_count(Para.of("ord " * 10, 10), 10 * word + 1) == 1
    assert measure.line_count(Para.of("ord " * 10, 10), 5 * word + 1) == 2
    assert measure.line_count(Para.of("", 10), 100) == 1
    long = "x" * 50
    assert measure.line_count(Para.of(long, 10), measure.width(long, 10) / 3 + 1) == 3


def test_height_adds_lines_and_space_before(measure):
    one = Para.of("a", 10)
    assert measure.height([one], 100) == 10 * LINE_HEIGHT
    assert measure.height([one, Para.of("b", 10, space_before=6)], 100) == 20 * LINE_HEIGHT + 6


def test_fit_shrinks_then_cuts_with_an_ellipsis(measure):
    paras = [Para.of("Ett stycke med några ord i. " * 4, 14) for _ in range(3)]
    roomy = measure.fit(paras, 2000, 1000)
    assert [p.size for p in roomy] == [14, 14, 14]
    tight = measure.fit(paras, 300, 150)
    assert tight[0].size < 14 and measure.height(tight, 300) <= 150
    cut = measure.fit(paras, 300, 90, min_scale=0.9)
    assert cut[-1].text == ELLIPSIS and len(cut) < 4 and measure.height(cut, 300) <= 90

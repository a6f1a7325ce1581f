"""Small drawing helpers pages share: signal badges (shape + colour + words) and value formatting."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from charts.glyphs import glyph
from metrics.catalog import Indicator
from metrics.formatting import (
    format_number,
    format_percent,
    format_percentage_points,
)
from metrics.progress import Icon
from metrics.reading import Reading


def badge_html(icon: Icon | None, lang: str) -> str:
    """An icon as coloured glyph plus its words (the text equivalent), safe HTML."""
    if icon is None:
        return ""
    words = html.escape(icon.sv if lang == "sv" else icon.en)
    mark = glyph(icon.shape)
    return (
        f'<span class="lb-badge" role="img" aria-label="{words}">'
        f'<span style="color:{icon.colour};font-size:1.1em" aria-hidden="true">{mark}</span> '
        f"{words}</span>"
    )


def badges(icons: list[Icon | None], lang: str) -> None:
    parts = [badge_html(i, lang) for i in icons if i is not None]
    if parts:
        st.markdown("<br>".join(parts), unsafe_allow_html=True)


def format_value(indicator: Indicator, value: float | None, lang: str) -> str:
    """A value in the indicator's unit: shares as percent with one decimal, counts, stocks and
    medians (days) whole."""
    if value is None or pd.isna(value):
        return ".."
    if indicator.kind == "proportion":
        return format_percent(value, lang, decimals=1)
    return format_number(value, lang, decimals=0)


def format_change(
    indicator: Indicator, change: float | None, relative: float | None, lang: str
) -> str | None:
    """Change against last year: percentage points for shares, count and percent otherwise."""
    if change is None:
        return None
    if indicator.kind == "proportion":
        return format_percentage_points(change, lang)
    text = format_number(change, lang, decimals=0, signed=True)
    if relative is not None:
        text += f" ({format_percent(relative, lang, decimals=0, signed=True)})"
    return text


def reading_html(reading: Reading, lang: str, *, area_name: str | None = None) -> str:
    """The reading in words (``Reading.sentence``) as safe HTML, under its icons on every face.

    area_name: the area asked about; a reading that is the region's says so."""
    words = html.escape(reading.sentence(lang, area_name=area_name))  # type: ignore[arg-type]
    return f'<div class="lb-reading" style="font-size:0.9em">{words}</div>'

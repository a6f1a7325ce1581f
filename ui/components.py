"""Small drawing helpers pages share: signal badges (shape + colour + words) and value formatting."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from charts.glyphs import glyph
from i18n import t
from metrics.catalog import Indicator
from metrics.formatting import (
    format_month,
    format_number,
    format_percent,
    format_percentage_points,
)
from metrics.progress import Assessment, Icon, RareEventSummary


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
    """A value in the indicator's unit: shares as percent, counts whole, medians with one decimal."""
    if value is None or pd.isna(value):
        return ".."
    if indicator.kind == "proportion":
        return format_percent(value, lang, decimals=1)
    if indicator.kind == "median_days":
        return format_number(value, lang, decimals=0)
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


def rare_card_text(rare: RareEventSummary, year: int, lang: str) -> str:
    """The words under a rare event's count: the time since the latest event against the target
    of zero, or that it cannot be shown (a month disclosure control hid may hold events)."""
    if rare.events_this_year is None:
        return t("rare_card_hidden", lang, year=year)
    if not rare.last_event_known:
        return t("rare_card_hidden_last", lang, year=year)
    if rare.months_since_last is None:
        return t("rare_card_none", lang, year=year, first=format_month(rare.first_period, lang))
    return t("rare_card", lang, year=year, months=rare.months_since_last)


def no_reading_text(assessment: Assessment, lang: str) -> str:
    """Why an indicator with too much hidden by disclosure control gets no reading."""
    months = assessment.n_points + assessment.hidden_months
    return t("no_reading_hidden", lang, hidden=assessment.hidden_months, total=months)

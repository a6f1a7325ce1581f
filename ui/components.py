"""Small drawing helpers pages share: signal badges (shape + colour + words) and the reading in words."""

from __future__ import annotations

import html

import streamlit as st

from charts.glyphs import glyph
from charts.theme import icon_style
from metrics.progress import Icon
from metrics.reading import Reading


def badge_html(icon: Icon | None, lang: str) -> str:
    """An icon as coloured glyph plus its words (the text equivalent), safe HTML."""
    if icon is None:
        return ""
    words = html.escape(icon.text(lang))
    style = icon_style(icon)
    mark = glyph(style.shape)
    return (
        f'<span class="lb-badge" role="img" aria-label="{words}">'
        f'<span style="color:{style.colour};font-size:1.1em" aria-hidden="true">{mark}</span> '
        f"{words}</span>"
    )


def badges(icons: list[Icon | None], lang: str) -> None:
    parts = [badge_html(i, lang) for i in icons if i is not None]
    if parts:
        st.markdown("<br>".join(parts), unsafe_allow_html=True)


def reading_html(reading: Reading, lang: str, *, area_name: str | None = None) -> str:
    """The reading in words (``Reading.sentence``) as safe HTML, under its icons on every face.

    area_name: the area asked about; a reading that is the region's says so."""
    words = html.escape(reading.sentence(lang, area_name=area_name))  # type: ignore[arg-type]
    return f'<div class="lb-reading" style="font-size:0.9em">{words}</div>'

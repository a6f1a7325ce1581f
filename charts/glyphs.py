"""Text glyphs for the icons' marker shapes, so an icon reads in words and shape without colour."""

from __future__ import annotations

GLYPHS: dict[str, str] = {
    "triangle-up": "▲",
    "triangle-down": "▼",
    "diamond": "◆",
    "square": "■",
    "circle": "●",
    "hexagon": "⬢",
    "x": "✖",
    "circle-open": "○",
}
"""Plotly marker symbol (an `Icon.shape`) -> the character drawn for it in text."""

DEFAULT_GLYPH = "●"


def glyph(shape: str) -> str:
    """The character for an icon's shape (shape as well as colour, so the meaning survives
    greyscale printing and colour blindness); a filled circle for a shape not in GLYPHS."""
    return GLYPHS.get(shape, DEFAULT_GLYPH)

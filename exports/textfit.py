"""Text measured before it is placed: wrapping, height and the font size that fits a box.

PowerPoint does not shrink text that overflows a box until someone edits it, and a PDF never
does, so the pack measures its own text. Widths come from the TrueType font the PDF embeds
(DejaVu Sans: wider than PowerPoint's Calibri, so what fits here also fits there), lines are
LINE_HEIGHT times the size (Calibri's line is 1.22 em, DejaVu's 1.16).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

LINE_HEIGHT = 1.25
"""Line pitch as a multiple of the font size."""
ELLIPSIS = "…"
_WORDS = re.compile(r"\S+\s*|\s+")

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style within a paragraph."""

    text: str
    bold: bool = False
    colour: Colour | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph: runs at one size (pt), with space before it (pt)."""

    runs: tuple[Run, ...]
    size: float
    space_before: float = 0.0

    @classmethod
    def of(
        cls,
        text: str,
        size: float,
        *,
        bold: bool = False,
        colour: Colour | None = None,
        space_before: float = 0.0,
    ) -> Para:
        return cls((Run(text, bold, colour),), size, space_before)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    def scaled(self, scale: float) -> Para:
        return replace(self, size=self.size * scale, space_before=self.space_before * scale)


@cache
def _advances(path: str) -> tuple[dict[int, float], float]:
    """Advance width per code point in em, and the widest advance (for unknown characters)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[name][0] / per_em for code, name in font.getBestCmap().items()}
    return widths, max(widths.values())


class TextMeasure:
    """Measures text set in a regular and a bold TrueType font (sizes and results in points)."""

    def __init__(self, regular: Path, bold: Path) -> None:
        self._fonts = {False: str(regular), True: str(bold)}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        widths, widest = _advances(self._fonts[bold])
        return size * sum(widths.get(ord(c), widest) for c in text)

    def line_count(self, para: Para, width: float) -> int:
        """Lines the paragraph takes in a column ``width`` pt wide (words wrap; a word longer
        than the line is broken); an empty paragraph takes one line."""
        lines, used = 1, 0.0
        for run in para.runs:
            for word in _WORDS.findall(run.text):
                ink = self.width(word.rstrip(), para.size, run.bold)
                space = self.width(word, para.size, run.bold) - ink
                if used and used + ink > width:
                    lines, used = lines + 1, 0.0
                    if not ink:
                        continue  # the space a line breaks at takes no room
                extra = math.ceil(ink / width) - 1 if ink > width else 0
                lines += extra  # a word wider than the column is broken over lines
                used += ink - extra * width + space
        return lines

    def height(self, paras: list[Para], width: float) -> float:
        """Height (pt) of the paragraphs one under the other in a column ``width`` pt wide."""
        return sum(
            (p.space_before if i else 0.0) + self.line_count(p, width) * p.size * LINE_HEIGHT
            for i, p in enumerate(paras)
        )

    def fit(
        self,
        paras: list[Para],
        width: float,
        height: float,
        *,
        min_scale: float = 0.6,
        step: float = 0.04,
    ) -> list[Para]:
        """The paragraphs at the largest scale (1, 1 - step, … down to ``min_scale``) at which
        they fit ``width`` × ``height`` pt; if they do not fit even at ``min_scale``, the last
        paragraphs are left out and "…" says so."""
        scale = 1.0
        while True:
            scaled = [p.scaled(scale) for p in paras]
            if self.height(scaled, width) <= height:
                return scaled
            if scale - step < min_scale - 1e-9:
                break
            scale -= step
        while len(scaled) > 1:
            scaled = scaled[:-1]
            tail = [*scaled, Para.of(ELLIPSIS, scaled[-1].size)]
            if self.height(tail, width) <= height:
                return tail
        return scaled

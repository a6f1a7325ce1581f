"""What a chart says about itself (title, area, period, source, data through, demo) and its words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import LANGUAGES, Lang, t

_UNSAFE_FILENAME = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class ChartContext:
    """Everything a chart must say about itself so that it explains itself as an image.

    title: what is shown (usually the indicator's label).
    area_label: the area's name, e.g. "Region Stockholm".
    period_label: the months shown, e.g. "jan 2019–okt 2026".
    source: who produced the numbers (the catalog's ``source``).
    data_through: the latest month in the database, e.g. "oktober 2026".
    demo: True when the numbers are demo data; the figure is then marked as such.
    lang: "sv" or "en" for every word the chart adds.
    filename: the download name without extension, e.g. "lagesbild_reported_rape_STHLM_2026-10".
    reading: the reading of the latest month in words (``Reading.sentence``), printed in the
        footer so the image carries the same reading as the page it came from; "" for none.
    """

    title: str
    area_label: str
    period_label: str
    source: str
    data_through: str
    demo: bool
    lang: Lang = "sv"
    filename: str = "lagesbild"
    reading: str = ""
    frequency: str = "monthly"
    """The indicator's frequency (metrics.periods): periods are written and ticked at it."""

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"ChartContext.lang must be 'sv' or 'en', not {self.lang!r}")

    def text(self, key: str) -> str:
        """A chart word in the context's language (i18n key ``chart_<key>``), e.g.
        ``ctx.text("mean")`` → "Medelvärde"; a text with {placeholders} is returned unfilled."""
        return t("chart_" + key, self.lang)

    @property
    def safe_filename(self) -> str:
        """``filename`` usable as a file name on any system: no extension, no path separators or
        spaces (each run of other characters becomes "_"); "lagesbild" if nothing is left."""
        name = self.filename.strip()
        if name.lower().endswith(".png"):
            name = name[:-4]
        name = _UNSAFE_FILENAME.sub("_", name).strip("._")
        return name or "lagesbild"

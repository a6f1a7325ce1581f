"""What a chart says about itself (title, area, period, source, data through, demo) and its words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import LANGUAGES, Lang

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "value": "Månadsvärde",
        "value_quarterly": "Kvartalsvärde",
        "value_yearly": "Årsvärde",
        "preliminary": "preliminär",
        "preliminary_legend": "Preliminärt värde",
        "mean": "Medelvärde",
        "limits": "Processgränser",
        "lower_limit": "Nedre processgräns",
        "upper_limit": "Övre processgräns",
        "target": "Mål / målbana",
        "rolling": "Rullande 12 månader",
        "right_axis": "höger axel",
        "series_break": "Serieavbrott",
        "source": "Källa",
        "data_through": "Data t.o.m.",
        "demo": "DEMODATA – inte verklig statistik",
        "watermark": "DEMODATA",
        "improvement": "Särskild orsak – förbättring",
        "concern": "Särskild orsak – försämring",
        "neutral_high": "Särskild orsak – ovanligt högt",
        "neutral_low": "Särskild orsak – ovanligt lågt",
        "common_cause": "Slumpmässig variation",
        "reference": "Referensområde",
        "suppressed": "för få fall för att visas",
        "missing": "uppgift saknas",
        "suppressed_note": ".. = för få fall för att visas (röjandeskydd)",
        "hidden_months": "{n} månader dolda (..): för få fall för att visas (röjandeskydd)",
        "hidden_months_one": "1 månad dold (..): för få fall för att visas (röjandeskydd)",
        "missing_note": ".. = uppgift saknas",
        "fixed_order": "Områdena står i fast ordning – ingen rangordning.",
        "percent_unit": "procent",
        "per_year": "Antal per år",
        "rare_fewer": "färre än {threshold}",
        "rare_months": "{label} ({months} mån)",
        "rare_note": (
            "Sällsynta händelser läses som antal per år och tid sedan den senaste, "
            "inte som månadskurva med processgränser."
        ),
        "target_reached": "Målet nått",
    },
    "en": {
        "value": "Monthly value",
        "value_quarterly": "Quarterly value",
        "value_yearly": "Yearly value",
        "preliminary": "preliminary",
        "preliminary_legend": "Preliminary value",
        "mean": "Mean",
        "limits": "Process limits",
        "lower_limit": "Lower process limit",
        "upper_limit": "Upper process limit",
        "target": "Target / trajectory",
        "rolling": "Rolling 12 months",
        "right_axis": "right axis",
        "series_break": "Series break",
        "source": "Source",
        "data_through": "Data through",
        "demo": "DEMO DATA – not real statistics",
        "watermark": "DEMO DATA",
        "improvement": "Special cause – improvement",
        "concern": "Special cause – concern",
        "neutral_high": "Special cause – unusually high",
        "neutral_low": "Special cause – unusually low",
        "common_cause": "Common cause variation",
        "reference": "Reference range",
        "suppressed": "too few cases to show",
        "missing": "no data",
        "suppressed_note": ".. = too few cases to show (disclosure control)",
        "hidden_months": "{n} months hidden (..): too few cases to show (disclosure control)",
        "hidden_months_one": "1 month hidden (..): too few cases to show (disclosure control)",
        "missing_note": ".. = no data",
        "fixed_order": "Areas are in a fixed order – not a ranking.",
        "percent_unit": "per cent",
        "per_year": "Events per year",
        "rare_fewer": "fewer than {threshold}",
        "rare_months": "{label} ({months} mo)",
        "rare_note": (
            "Rare events are read as yearly counts and time since the latest, "
            "not as a monthly line with process limits."
        ),
        "target_reached": "Target reached",
    },
}
"""Legend entries, hover words and footer texts of every chart, per language."""

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
        """A chart word in the context's language, e.g. ``ctx.text("mean")`` → "Medelvärde"."""
        return TEXTS[self.lang][key]

    @property
    def safe_filename(self) -> str:
        """``filename`` usable as a file name on any system: no extension, no path separators or
        spaces (each run of other characters becomes "_"); "lagesbild" if nothing is left."""
        name = self.filename.strip()
        if name.lower().endswith(".png"):
            name = name[:-4]
        name = _UNSAFE_FILENAME.sub("_", name).strip("._")
        return name or "lagesbild"

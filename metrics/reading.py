"""One reading per indicator, area and month: the one place every face (cards, pages, summary,
pack, PNG footers, CSV) gets its value, icons, progress to target and the sentence that explains it.
This module says what a reading is and says; metrics/reader.py makes readings from series,
metrics/rollup.py counts a goal's readings.

A reading is a property of the stored series, the catalog and the recorded rebases, never of the
view: it reads the whole series up to its month (``as_of``), whatever period a page draws.
Briefing mode may withhold a reading (``hidden``: too much hidden by disclosure control), never
change it: the reading is computed on the stored values and the hidden months only decide
whether it can be shown.

The chart each kind gets (docs/spc.md):
- ``xmr``: an XmR chart whose limits follow the points since the last rebase (a catalog series
  break or a process change recorded by an analyst, passed in as ``rebases``);
- ``stock``: a cumulative count (kind ``stock``) is read as a level against its target and
  trajectory, never on XmR (every point of a growing stock would be a "signal");
- ``rare``: rare events (catalog flag ``rare``) and near-zero counts (mean since the last rebase
  below ``NEAR_ZERO_MEAN``) are read as yearly counts and months since the last event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from i18n import Lang, t
from metrics.formatting import format_month, format_number
from metrics.progress import (
    ASSURANCE_BY_XMR,
    Icon,
    Progress,
    RareEventSummary,
)
from metrics.spc import XmrResult

if TYPE_CHECKING:
    pass


REGION = "STHLM"
"""The region: the catalog's targets are set for it unless an area has its own."""

MIN_POINTS = 12
"""Fewer monthly values than this: limits are too unstable to call a signal, so the indicator
counts as "too little data" in roll-ups and the narrative (its chart may still be drawn)."""
HIDDEN_SHARE = 0.25
"""More than this share of a series' months hidden by disclosure control: the reading is
withheld. The hidden values are the small counts (1-4) and cells that would give them away."""
NEAR_ZERO_MEAN = 3.0
"""A count whose monthly mean since the last rebase is below this is read as rare events
(yearly counts, months since the last event), not on a monthly XmR: most months are 0, 1 or 2,
and the XmR lower limit of such a count is negative (for a Poisson count it is below zero
whenever the mean is below 9; at 3 it is about -2,2). See docs/spc.md."""

CHARTS = ("xmr", "stock", "rare", "none")
"""How a reading is drawn: an XmR chart, a level against the target, yearly counts, nothing."""

VARIATION_CATEGORIES = (
    "improvement",
    "concern",
    "neutral",
    "common_cause",
    "stock",
    "too_little_data",
    "rare_event",
    "hidden",
    "no_data",
)
"""How a reading is counted in roll-ups: the four XmR readings, a stock read against its target,
then readings not made on XmR (fewer than MIN_POINTS values, rare events or near-zero counts,
withheld because disclosure control hides too much — see ``hides_reading`` —, no data)."""
ASSURANCE_CATEGORIES = ("pass", "fail", "hit_and_miss", "no_assurance")
"""no_assurance: no target for the area, a neutral indicator, not read on XmR, or withheld."""


@dataclass(frozen=True)
class Reading:
    """Where one indicator stands in one area in one month: what every face shows.

    area_code: where it was read (the region when ``fallback``: the indicator is not reported
        for the area asked about, so its face must say the reading is the region's).
    period/value: the reading's month (the latest with a value up to ``as_of``) and its value;
        when disclosure control hid that month (``latest_hidden``) value is None.
    chart: a CHARTS entry, how the reading is drawn. category: a VARIATION_CATEGORIES entry.
    variation / assurance: the XmR readings of the last point (None unless ``chart`` is "xmr"
        and the reading is shown); their icons likewise. ``assurance_note`` is "moved" when the
        assurance was withheld because the process has left the current baseline's limits (a
        special cause the other way, or a latest value that contradicts it).
    progress: towards the target set for the area (status "no_target" without one).
    target_reached: a stock's first month at or beyond its target (None otherwise).
    rare: yearly counts and months since the last event (chart "rare").
    rebases: the months where a new baseline starts (series breaks, recorded process changes).
    hidden_months: months up to ``period`` disclosure control hid (briefing mode).
    spc: the XmR chart behind the icons, read on the whole series (for the chart to draw).
    """

    indicator_id: str
    area_code: str | None
    period: pd.Timestamp | None
    value: float | None
    n_points: int
    category: str
    chart: str
    variation: str | None
    variation_icon: Icon | None
    assurance: str | None
    assurance_icon: Icon | None
    progress: Progress
    rare: RareEventSummary | None = None
    target_reached: pd.Timestamp | None = None
    assurance_note: str | None = None
    near_zero: bool = False
    rebases: tuple[pd.Timestamp, ...] = ()
    warnings: tuple[str, ...] = ()
    spc: XmrResult | None = field(default=None, compare=False, repr=False)
    hidden_months: int = 0
    latest_hidden: bool = False
    fallback: bool = False
    frequency: str = "monthly"
    """The indicator's frequency (metrics.periods): `period` is the first day of such a period."""

    @property
    def assurance_category(self) -> str:
        """pass / fail / hit_and_miss, or no_assurance (also when not read on XmR)."""
        if self.category not in ("improvement", "concern", "neutral", "common_cause") or not (
            self.assurance
        ):
            return "no_assurance"
        return ASSURANCE_BY_XMR[self.assurance]

    @property
    def limits_shown(self) -> bool:
        """Whether the XmR centre line, limits and point colours may be drawn or exported.

        Not when disclosure control hid any month of the series (briefing mode): the reading
        is made on the stored values, so its mean (and the limits from its moving ranges) would
        let a reader subtract the shown months and recover the hidden ones. The icons and the
        sentence stay; the numbers behind them are not shown."""
        return (
            self.chart == "xmr"
            and self.category != "too_little_data"
            and self.spc is not None
            and not self.withheld
            and self.hidden_months == 0
        )

    @property
    def withheld(self) -> bool:
        """True when briefing mode withholds the reading (too much hidden to show it)."""
        return self.category == "hidden"

    def progress_words(self, lang: Lang = "sv") -> str | None:
        """Progress to the target set for the area in words ("Målet nått i mars 2022", "I fas
        med målbanan", "Efter målbanan"), None without a target, a value, or when withheld."""
        if self.withheld or self.progress.target is None or self.progress.status == "no_data":
            return None
        if self.target_reached is not None:
            month = format_month(self.target_reached, lang)
            return t("reading_target_reached", lang, month=month).rstrip(".")
        return self.progress.words(lang)

    def as_record(self, lang: Lang = "sv", *, area_name: str | None = None) -> dict[str, object]:
        """The reading as one CSV row (canonical column names; the sentence in ``lang``), for
        downloads: what the icons and the sentence say, never computed again. ``value`` is
        None when disclosure control hid the month; a withheld reading says only that."""
        last = None  # the last point's centre line and limits (its baseline's)
        if self.limits_shown:
            points = self.spc.points.dropna(subset=["value"])
            last = points.iloc[-1] if len(points) else None
        return {
            "indicator_id": self.indicator_id,
            "area_code": self.area_code,
            "period": None if self.period is None else f"{self.period:%Y-%m}",
            "value": None if self.latest_hidden else self.value,
            "reading": self.category,
            "assurance": self.assurance_category,
            "progress": None if self.withheld else self.progress.status,
            "target": None if self.progress.target is None else self.progress.target,
            "mean": None if last is None else float(last["mean"]),
            "lower_limit": None if last is None else float(last["lpl"]),
            "upper_limit": None if last is None else float(last["upl"]),
            "baseline_from": f"{self.rebases[-1]:%Y-%m}" if self.rebases else None,
            "region_reading": self.fallback,
            "sentence": self.sentence(lang, area_name=area_name),
        }

    def sentence(self, lang: Lang = "sv", *, area_name: str | None = None) -> str:
        """The reading in words, as its icons say it (the same on every face).

        area_name: the name of the area asked about; with it, a fallback reading says that it
        is the region's because the indicator is not reported there.
        """
        parts: list[str] = []
        if self.fallback and area_name:
            parts.append(t("reading_region_reading", lang, area=area_name))
        parts += self._core_sentences(lang)
        return " ".join(parts)

    def _core_sentences(self, lang: Lang) -> list[str]:
        if self.category == "no_data":
            return [t("reading_no_data", lang)]
        if self.withheld:
            total = self.n_points + self.hidden_months
            return [t("reading_hidden", lang, hidden=self.hidden_months, total=total)]
        parts: list[str] = []
        if self.chart == "rare" and self.rare is not None:
            parts += _rare_words(self.rare, lang)
            if self.near_zero:
                threshold = format_number(NEAR_ZERO_MEAN, lang, 0)
                parts.append(t("reading_near_zero", lang, threshold=threshold))
        elif self.chart == "stock":
            pass
        elif self.category == "too_little_data":
            key = {"yearly": "yearly_trend", "quarterly": "too_little_data_quarterly"}
            parts.append(
                t("reading_" + key.get(self.frequency, "too_little_data"), lang, n=self.n_points)
            )
        elif self.variation_icon is not None:
            parts.append(self.variation_icon.text(lang) + ".")
        if self.assurance_icon is not None:
            parts.append(self.assurance_icon.text(lang) + ".")
        elif self.assurance_note == "moved":
            parts.append(t("reading_assurance_moved", lang))
        words = self.progress_words(lang)
        if words is not None:
            parts.append(_sentence_case(words) + ".")
        return parts


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rare_words(rare: RareEventSummary, lang: Lang) -> list[str]:
    if rare.as_of is None:
        return [t("reading_no_data", lang)]
    year = rare.as_of.year
    if rare.events_this_year is None:
        return [t("reading_rare_hidden", lang, year=year)]
    parts = [
        t("reading_rare", lang, count=format_number(rare.events_this_year, lang, 0), year=year)
    ]
    if rare.last_event is not None and rare.last_event_known:
        last = format_month(rare.last_event, lang)
        months = rare.months_since_last
        if months == 0:
            parts.append(t("reading_rare_latest", lang, last=last))
        else:
            parts.append(t("reading_rare_since", lang, months=months, last=last))
    elif rare.last_event is None and rare.last_event_known and rare.first_period is not None:
        parts.append(t("reading_rare_none", lang, first=format_month(rare.first_period, lang)))
    return parts


def needs_note(reading: Reading | None) -> bool:
    """True when the reading asks for an analyst's explanation: a special cause of concern, or
    a target consistently missed (the indicator page asks for a note on its latest month)."""
    return reading is not None and (
        reading.category == "concern" or reading.assurance == "consistent_fail"
    )

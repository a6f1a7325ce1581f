"""Briefing pack: the chosen indicators and period as one PowerPoint and one PDF (frames in, bytes out).

No Streamlit and no SQL: the caller passes the observations (already protected by disclosure
control when briefing mode is on), the catalog, the selection and, per indicator, the notes and
events to show. `build_pack` reads everything once into the pack's content (this module);
exports/briefing_pptx.py and exports/briefing_pdf.py lay the same content out with the layout
both share (exports/briefing_layout.py), so the two files always say the same thing.

Every slide and page carries "data t.o.m." and, for demo data, the demo marking, so a single
page taken out of the pack still says what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from charts import figure_to_png
from charts.glyphs import glyph
from charts.indicator import build_indicator_chart
from charts.theme import icon_style
from exports.briefing_compare import ComparisonPage, comparison_page
from i18n import Lang, MessageError, t
from metrics.catalog import Catalog, Indicator
from metrics.disclosure import PeriodTotal, period_total_text
from metrics.formatting import (
    format_date,
    format_month,
    format_number,
    format_value,
)
from metrics.indicator_view import view_indicator
from metrics.narrative import Section, monthly_summary
from metrics.periods import format_period
from metrics.population import Population
from metrics.progress import Icon
from metrics.reading import REGION, Reading
from metrics.text import plain_text

MAX_NOTES = 3  # latest notes per indicator, as beside the chart on the pages
# Analysts' text in the pack: control characters removed (one broke the whole pack: PowerPoint's
# XML cannot hold it), and shortened so that one note cannot push the slide's numbers off it.
NOTE_LIMIT = 300
TEXT_LIMIT = 120

CHART_PX = (810, 540)
"""Size (CSS px, before the 2x scale) the charts are rendered at: the slide's chart area
(8.1 × 5.4 in), so the chart fills it and its words read at about 10 pt."""


class BriefingError(MessageError, RuntimeError):
    """The pack cannot be made as asked (nothing chosen, no font with Swedish letters); its
    text in the reader's language is `.text(lang)`."""


@dataclass(frozen=True)
class Selection:
    """What goes into the pack.

    indicator_ids: in the order the slides come; area_code: where they are read (an indicator not
    reported there is read for the region, and its slide says so); start/end: the first and last
    month shown (None: from the first / to the latest month with data).
    """

    indicator_ids: tuple[str, ...]
    area_code: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    lang: Lang = "sv"


@dataclass(frozen=True)
class IndicatorPage:
    """One indicator's slide/page, ready to lay out."""

    indicator: Indicator
    area_code: str
    area_name: str
    fallback: bool
    period_label: str
    png: bytes | None
    latest: str
    variation: str
    assurance: str
    notes: tuple[str, ...]
    notes_hidden: bool
    events: tuple[str, ...]
    variation_icon: Icon | None = None
    assurance_icon: Icon | None = None
    too_little_data: bool = False
    hidden_reading: bool = False
    """No reading: disclosure control hides too much of the series (``hides_reading``)."""
    hidden_months: int = 0
    """Months of the period not shown because disclosure control suppressed them."""
    reading: str = ""
    """The reading in words (``Reading.sentence``), as the pages say it."""
    year_totals: tuple[str, ...] = ()
    """Briefing mode, region-only indicators: the year totals shown instead of the months."""


@dataclass(frozen=True)
class BriefingPack:
    """The pack's content in one language; `to_pptx`/`to_pdf` turn it into files."""

    lang: Lang
    area_name: str
    period_label: str
    data_through: str
    made: str
    demo: bool
    briefing: bool
    summary: tuple[Section, ...]
    pages: tuple[IndicatorPage, ...] = field(default_factory=tuple)
    comparisons: tuple[ComparisonPage | None, ...] = ()
    """Per page (same order), its comparison between areas, or None (nothing to compare)."""

    def slides(self) -> list[tuple[IndicatorPage, ComparisonPage | None]]:
        """Each indicator's page with its comparison (None when it has none)."""
        extra = (*self.comparisons, *([None] * (len(self.pages) - len(self.comparisons))))
        return list(zip(self.pages, extra, strict=True))

    def text(self, key: str, **values: object) -> str:
        """The i18n text `key` in the pack's language."""
        return t(key, self.lang, **values)

    @property
    def footer(self) -> str:
        parts = [f"{self.text('pack_data_through')} {self.data_through}"]
        if self.briefing:
            parts.append(self.text("pack_briefing_short"))
        if self.demo:
            parts.append(self.text("pack_demo"))
        return " · ".join(parts)


Renderer = Callable[..., bytes]


def build_pack(
    obs: pd.DataFrame,
    catalog: Catalog,
    selection: Selection,
    *,
    readings: Mapping[str, Reading],
    data_through: pd.Timestamp,
    demo: bool,
    briefing: bool,
    notes: Mapping[str, pd.DataFrame] | None = None,
    events: Mapping[str, Sequence[tuple[pd.Timestamp, str]]] | None = None,
    year_totals: Mapping[str, Sequence[PeriodTotal]] | None = None,
    render: Renderer = figure_to_png,
    made: date | None = None,
    area_obs: pd.DataFrame | None = None,
    area_year_totals: Mapping[str, pd.DataFrame | None] | None = None,
    population: Population | None = None,
) -> BriefingPack:
    """Lay out the chosen indicators once: series, reading, chart image, words.

    obs: observations as the pages get them (protected by disclosure control when `briefing`).
    readings: indicator id → its reading for the area in the month the period ends in
        (``metrics.reading``, as the pages show it: ``ui.data.readings``); the pack draws and
        counts these, never a reading of its own period. KeyError for a chosen id without one.
    notes: per indicator id, its notes in the area (`storage.list_comments` shape); not shown in
        briefing mode, since free text may name what disclosure control hides.
    events: per indicator id, (month, label) in the pack's language; drawn on the chart and
        listed when they fall in the period.
    year_totals: per indicator id, briefing mode's year totals of a region-only indicator
        (``ui.data.year_totals``: ``metrics.disclosure.period_totals``), listed beside its chart.
    render: figure -> PNG bytes (default: `charts.figure_to_png`, headless Chromium); the figure
        comes sized CHART_PX, the chart area of a slide.
    area_obs, population: the chosen indicators' observations at every area (protected in
        briefing mode, as `obs`) and the population table: each indicator then gets a
        comparison slide (exports/briefing_compare.py) over the 12 months to the period's end.
    area_year_totals: per indicator id, briefing mode's year totals of every area
        (``ui.data.area_year_totals``; None or missing: the comparison sums `area_obs`' months).
    Raises BriefingError when no indicator is chosen and KeyError for an unknown id or area.
    """
    if not selection.indicator_ids:
        raise BriefingError("pack_nothing_chosen")
    lang = selection.lang
    indicators = [catalog.indicator(i) for i in dict.fromkeys(selection.indicator_ids)]
    area_name = catalog.area(selection.area_code).name(lang)
    through = format_month(data_through, lang)
    end = selection.end if selection.end is not None else pd.Timestamp(data_through)
    pages, shown, comparisons = [], {}, []
    for indicator in indicators:
        if area_obs is not None and population is not None:
            comparisons.append(
                comparison_page(
                    area_obs[area_obs["indicator_id"] == indicator.id],
                    catalog,
                    indicator,
                    end,
                    population,
                    lang=lang,
                    demo=demo,
                    briefing=briefing,
                    data_through=pd.Timestamp(data_through),
                    render=render,
                    size=CHART_PX,
                    year_totals=(area_year_totals or {}).get(indicator.id),
                )
            )
        page, reading = _indicator_page(
            obs,
            catalog,
            indicator,
            selection,
            reading=readings[indicator.id],
            end=end,
            data_through=pd.Timestamp(data_through),
            demo=demo,
            briefing=briefing,
            notes=(notes or {}).get(indicator.id),
            events=(events or {}).get(indicator.id, ()),
            period_totals=tuple((year_totals or {}).get(indicator.id, ())),
            year_totals=tuple(
                period_total_text(item, lang) for item in (year_totals or {}).get(indicator.id, ())
            ),
            render=render,
        )
        pages.append(page)
        if reading is not None:
            shown[indicator.id] = reading
    summary = monthly_summary(shown, catalog, end, lang)
    first = selection.start if selection.start is not None else _first_month(obs, indicators)
    period_label = (
        f"{format_month(first, lang)}–{format_month(end, lang)}"
        if first is not None
        else format_month(end, lang)
    )
    return BriefingPack(
        lang=lang,
        area_name=area_name,
        period_label=period_label,
        data_through=through,
        made=format_date(made or date.today(), lang),
        demo=demo,
        briefing=briefing,
        summary=(
            Section(
                None,
                summary[0].heading,
                (*summary[0].sentences, t("pack_summary_scope", lang, area=area_name)),
            ),
            *summary[1:],
        ),
        pages=tuple(pages),
        comparisons=tuple(comparisons),
    )


def _first_month(obs: pd.DataFrame, indicators: list[Indicator]) -> pd.Timestamp | None:
    rows = obs[obs["indicator_id"].isin([i.id for i in indicators])]
    return None if rows.empty else pd.Timestamp(rows["period"].min())


def _indicator_page(
    obs: pd.DataFrame,
    catalog: Catalog,
    indicator: Indicator,
    selection: Selection,
    *,
    reading: Reading,
    end: pd.Timestamp,
    data_through: pd.Timestamp,
    demo: bool,
    briefing: bool,
    notes: pd.DataFrame | None,
    events: Sequence[tuple[pd.Timestamp, str]],
    year_totals: tuple[str, ...],
    period_totals: tuple[PeriodTotal, ...] = (),
    render: Renderer,
) -> tuple[IndicatorPage, Reading | None]:
    lang = selection.lang
    fallback = selection.area_code not in catalog.valid_areas(indicator.id)
    area = REGION if fallback else selection.area_code
    view = view_indicator(
        obs,
        indicator,
        area,
        reading=reading,
        start=selection.start,
        end=end,
        year_totals=period_totals,
    )
    chart = None
    if view is not None:
        chart = build_indicator_chart(
            view, catalog, lang=lang, demo=demo, data_through=data_through, events=events
        )
    assessment = None if chart is None else reading
    hidden = _hidden_months(obs, indicator.id, area, selection.start, end)
    if chart is None:
        latest = t("pack_no_data", lang)
        period_label = ""
        first = selection.start
    else:
        period_label = chart.context.period_label
        first = chart.series.index.min()
        latest = _latest_text(indicator, reading, lang)
    shown_events = tuple(
        f"{format_month(month, lang)}: {plain_text(label, limit=TEXT_LIMIT)}"
        for month, label in sorted(events, key=lambda e: pd.Timestamp(e[0]))
        if (first is None or pd.Timestamp(month) >= first) and pd.Timestamp(month) <= end
    )
    page = IndicatorPage(
        indicator=indicator,
        area_code=area,
        area_name=catalog.area(area).name(lang),
        fallback=fallback,
        period_label=period_label,
        png=None if chart is None else render(_slide_sized(chart.figure), scale=2),
        latest=latest,
        variation=_icon_text(assessment.variation_icon if assessment else None, lang),
        assurance=_icon_text(assessment.assurance_icon if assessment else None, lang),
        notes=() if briefing else _note_lines(notes, indicator.frequency, first, end, lang),
        notes_hidden=briefing,
        events=shown_events,
        variation_icon=assessment.variation_icon if assessment else None,
        assurance_icon=(
            assessment.assurance_icon if assessment and indicator.target is not None else None
        ),
        too_little_data=bool(assessment and assessment.category == "too_little_data"),
        hidden_reading=bool(assessment and assessment.category == "hidden"),
        hidden_months=len(hidden),
        year_totals=year_totals,
        reading=(
            ""
            if assessment is None
            else assessment.sentence(lang, area_name=catalog.area(selection.area_code).name(lang))
        ),
    )
    return page, assessment


def _slide_sized(fig):
    """The chart at the slide's chart size: the frame keeps its pixel margins, the plot grows."""
    return fig.update_layout(width=CHART_PX[0], height=CHART_PX[1])


def _hidden_months(
    obs: pd.DataFrame,
    indicator_id: str,
    area: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp,
) -> list[pd.Timestamp]:
    """The months of the period whose value disclosure control suppressed at the area."""
    if "suppressed" not in obs.columns:
        return []
    rows = obs[
        (obs["indicator_id"] == indicator_id)
        & (obs["area_code"] == area)
        & obs["suppressed"].fillna(False).astype(bool)
        & (obs["period"] <= end)
    ]
    if start is not None:
        rows = rows[rows["period"] >= start]
    return sorted({pd.Timestamp(p) for p in rows["period"]})


def _latest_text(indicator: Indicator, assessment: Reading, lang: Lang) -> str:
    """The latest value with its period, written at the indicator's frequency ("24,1 % (2025)")."""
    frequency = indicator.frequency
    if assessment.chart == "rare" and assessment.rare is not None:
        rare = assessment.rare
        if rare.events_this_year is None:
            # A hidden month of the year may hold events: not "0 so far".
            return t("pack_rare_hidden", lang, year=rare.as_of.year)
        count = format_number(rare.events_this_year, lang, 0)
        text = t("pack_rare_latest", lang, count=count, year=rare.as_of.year)
        if rare.last_event is not None and rare.last_event_known:
            text += t("pack_rare_last", lang, month=format_period(rare.last_event, frequency, lang))
        return text
    if assessment.latest_hidden:
        return t(
            "pack_latest_hidden", lang, month=format_period(assessment.period, frequency, lang)
        )
    value = format_value(indicator, assessment.value, lang)
    if indicator.kind != "proportion":  # "24,1 %", not "24,1 % andel"
        value = f"{value} {indicator.unit(lang)}"
    return f"{value} ({format_period(assessment.period, frequency, lang)})"


def _icon_text(icon: Icon | None, lang: Lang) -> str:
    if icon is None:
        return t("pack_no_reading", lang)
    return f"{glyph(icon_style(icon).shape)} {icon.text(lang)}"


def _note_lines(
    notes: pd.DataFrame | None,
    frequency: str,
    first: pd.Timestamp | None,
    end: pd.Timestamp,
    lang: Lang,
) -> tuple[str, ...]:
    """The notes on the periods shown, each after its period at the indicator's `frequency`."""
    if notes is None or notes.empty:
        return ()
    periods = pd.to_datetime(notes["period"])
    inside = periods <= end
    if first is not None:
        inside &= periods >= first
    lines = []
    for note in notes[inside].head(MAX_NOTES).itertuples():
        text = plain_text(note.text, limit=NOTE_LIMIT)
        author = plain_text(note.author, limit=TEXT_LIMIT)
        lines.append(f"{format_period(note.period, frequency, lang)}: {text} ({author})")
    return tuple(lines)

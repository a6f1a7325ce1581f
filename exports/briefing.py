"""Briefing pack: the chosen indicators and period as one PowerPoint and one PDF (frames in, bytes out).

No Streamlit and no SQL: the caller passes the observations (already protected by disclosure
control when briefing mode is on), the catalog, the selection and, per indicator, the notes and
events to show. `build_pack` reads everything once; `to_pptx` and `to_pdf` lay the same content
out, so the two files always say the same thing.

Every slide and page carries "data t.o.m." and, for demo data, the demo marking, so a single
page taken out of the pack still says what it is.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from charts import figure_to_png
from charts.comparison import GLYPHS
from charts.glyphs import glyph
from charts.indicator import build_indicator_chart
from exports.briefing_compare import ComparisonPage, comparison_page
from exports.textfit import LINE_HEIGHT, Colour, Para, Run, TextMeasure
from i18n import Lang, t
from metrics.catalog import Catalog, Indicator
from metrics.disclosure import DEFAULT_THRESHOLD, PeriodTotal, period_total_text
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

# Fonts with Swedish letters and the icon glyphs, tried in order (Debian: fonts-dejavu-core).
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)  # fmt: skip

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Lägesbild – dragningspaket",
        "subtitle": "Länsstrategin mot våld och Initiativ Gryning",
        "area": "Område",
        "period": "Period",
        "data_through": "Data t.o.m.",
        "made": "Skapat",
        "indicators": "Indikatorer",
        "demo": "DEMODATA – inte verklig statistik",
        "briefing": "Röjandeskydd: små antal (1–4) och det som kan räknas fram ur dem visas som ..",
        "summary": "Sammanfattning",
        "summary_scope": "Sammanfattningen gäller de valda indikatorerna i {area}.",
        "latest": "Senaste värde",
        "variation": "Variation",
        "assurance": "Måluppfyllelse",
        "no_reading": "ingen bedömning",
        "definition": "Definition",
        "source": "Källa",
        "context": "Att tänka på",
        "notes": "Kommentarer",
        "no_notes": "Inga kommentarer för perioden.",
        "notes_hidden": "Kommentarer visas inte i dragningsläge.",
        "events": "Händelser",
        "no_events": "Inga händelser under perioden.",
        "region_note": "Redovisas inte för {area}; visas för {region}.",
        "no_data": "Uppgift saknas för perioden.",
        "rare_latest": "{count} hittills under {year}",
        "rare_last": ", senast i {month}",
        "rare_hidden": ".. hittills under {year} (för få fall för att visas)",
        "briefing_short": "Röjandeskydd: .. = för få fall för att visas",
        "too_few": "för få mätpunkter för en bedömning",
        "hidden_reading": "ingen bedömning – för många månader dolda (för få fall)",
        "latest_hidden": ".. i {month} (för få fall för att visas)",
        "hidden_one": "1 månad i perioden visas inte (för få fall).",
        "hidden_many": "{n} månader i perioden visas inte (för få fall).",
        "contents": "Indikatorer ({n})",
        "continued": "(forts.)",
        "compared": "Jämfört med länet",
        "compare_all_hidden": "Inget område kan visas: alla värden är dolda (för få fall).",
    },
    "en": {
        "title": "Lägesbild – briefing pack",
        "subtitle": "The county strategy against violence and Initiativ Gryning",
        "area": "Area",
        "period": "Period",
        "data_through": "Data through",
        "made": "Made",
        "indicators": "Indicators",
        "demo": "DEMO DATA – not real statistics",
        "briefing": "Disclosure control: small counts (1–4), and what they could be worked out from, "
        "are shown as ..",
        "summary": "Summary",
        "summary_scope": "The summary covers the chosen indicators in {area}.",
        "latest": "Latest value",
        "variation": "Variation",
        "assurance": "Target",
        "no_reading": "no reading",
        "definition": "Definition",
        "source": "Source",
        "context": "Note",
        "notes": "Notes",
        "no_notes": "No notes for the period.",
        "notes_hidden": "Notes are not shown in briefing mode.",
        "events": "Events",
        "no_events": "No events in the period.",
        "region_note": "Not reported for {area}; shown for {region}.",
        "no_data": "No data for the period.",
        "rare_latest": "{count} so far in {year}",
        "rare_last": ", the latest in {month}",
        "rare_hidden": ".. so far in {year} (too few cases to show)",
        "briefing_short": "Disclosure control: .. = too few cases to show",
        "too_few": "too few points for a reading",
        "hidden_reading": "no reading – too many months hidden (too few cases)",
        "latest_hidden": ".. in {month} (too few cases to show)",
        "hidden_one": "1 month of the period is not shown (too few cases).",
        "hidden_many": "{n} months of the period are not shown (too few cases).",
        "contents": "Indicators ({n})",
        "continued": "(cont.)",
        "compared": "Compared with the county",
        "compare_all_hidden": "No area can be shown: every value is hidden (too few cases).",
    },
}
"""Every word the pack adds, per language (the catalog and metrics supply the rest)."""


class BriefingError(RuntimeError):
    """The pack cannot be made as asked (nothing chosen, no font with Swedish letters)."""


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
        words = TEXTS[self.lang][key]
        return words.format(**values) if values else words

    @property
    def footer(self) -> str:
        parts = [f"{self.text('data_through')} {self.data_through}"]
        if self.briefing:
            parts.append(self.text("briefing_short"))
        if self.demo:
            parts.append(self.text("demo"))
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
        raise BriefingError(
            "Välj minst en indikator eller ett mål. / Choose at least one indicator or goal."
        )
    lang = selection.lang
    texts = TEXTS[lang]
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
                (*summary[0].sentences, texts["summary_scope"].format(area=area_name)),
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
    texts = TEXTS[lang]
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
        latest = texts["no_data"]
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
        variation=_icon_text(assessment.variation_icon if assessment else None, texts, lang),
        assurance=_icon_text(assessment.assurance_icon if assessment else None, texts, lang),
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
            return TEXTS[lang]["rare_hidden"].format(year=rare.as_of.year)
        count = format_number(rare.events_this_year, lang, 0)
        text = TEXTS[lang]["rare_latest"].format(count=count, year=rare.as_of.year)
        if rare.last_event is not None and rare.last_event_known:
            text += TEXTS[lang]["rare_last"].format(
                month=format_period(rare.last_event, frequency, lang)
            )
        return text
    if assessment.latest_hidden:
        return TEXTS[lang]["latest_hidden"].format(
            month=format_period(assessment.period, frequency, lang)
        )
    value = format_value(indicator, assessment.value, lang)
    if indicator.kind != "proportion":  # "24,1 %", not "24,1 % andel"
        value = f"{value} {indicator.unit(lang)}"
    return f"{value} ({format_period(assessment.period, frequency, lang)})"


def _icon_text(icon: Icon | None, texts: dict[str, str], lang: Lang) -> str:
    if icon is None:
        return texts["no_reading"]
    return f"{glyph(icon.shape)} {icon.text(lang)}"


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


# -- Layout shared by both files ---------------------------------------------------------------

INK: Colour = (0, 0, 0)
MUTED: Colour = (89, 89, 89)
DEMO_RED: Colour = (176, 0, 32)
WHITE: Colour = (255, 255, 255)
CHART_PX = (810, 540)
"""Size (CSS px, before the 2x scale) the charts are rendered at: the slide's chart area
(8.1 × 5.4 in), so the chart fills it and its words read at about 10 pt."""


def _rgb(hex_colour: str) -> Colour:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _icon_para(label: str, icon: Icon, lang: Lang, size: float) -> Para:
    """ "Variation: ▲ words", the glyph in the icon's colour (the words say what it means)."""
    return Para(
        (
            Run(f"{label}: "),
            Run(glyph(icon.shape), colour=_rgb(icon.colour)),
            Run(f" {icon.text(lang)}"),
        ),
        size,
        2,
    )


def _side_paras(pack: BriefingPack, page: IndicatorPage, body: float) -> list[Para]:
    """What stands beside the chart, at full size; empty sections are left out."""
    lang, ind = pack.lang, page.indicator
    paras: list[Para] = []
    if page.fallback:
        note = pack.text("region_note", area=pack.area_name, region=page.area_name)
        paras.append(Para.of(note, body, colour=MUTED))
    paras.append(
        Para.of(f"{pack.text('latest')}: {page.latest}", body * 1.2, bold=True, space_before=6)
    )
    if page.variation_icon is not None:
        paras.append(_icon_para(pack.text("variation"), page.variation_icon, lang, body))
    elif page.hidden_reading:
        paras.append(Para.of(f"{pack.text('variation')}: {pack.text('hidden_reading')}", body))
    elif page.too_little_data:
        paras.append(Para.of(f"{pack.text('variation')}: {pack.text('too_few')}", body))
    if page.assurance_icon is not None:
        paras.append(_icon_para(pack.text("assurance"), page.assurance_icon, lang, body))
    if page.reading:
        paras.append(Para.of(page.reading, body, colour=MUTED, space_before=2))
    if page.hidden_months:
        key = "hidden_one" if page.hidden_months == 1 else "hidden_many"
        paras.append(Para.of(pack.text(key, n=page.hidden_months), body, colour=MUTED))
    if page.year_totals:
        paras.append(Para.of(t("period_totals_heading", lang), body, bold=True, space_before=4))
        paras += [Para.of(line, body, space_before=1) for line in page.year_totals]
        note = t(
            "period_totals_note", lang, threshold=DEFAULT_THRESHOLD, below=DEFAULT_THRESHOLD - 1
        )
        paras.append(Para.of(note, body, colour=MUTED, space_before=2))
    labelled = [
        (pack.text("definition"), ind.definition(lang), INK),
        (pack.text("source"), ind.source, INK),
        (pack.text("context"), ind.context(lang), MUTED),
    ]
    for i, (label, words, colour) in enumerate(labelled):
        if words:
            runs = (Run(f"{label}: ", True, colour), Run(words, colour=colour))
            paras.append(Para(runs, body, body * (0.9 if i == 0 else 0.4)))
    for heading, lines in ((pack.text("notes"), page.notes), (pack.text("events"), page.events)):
        if lines:
            paras.append(Para.of(heading, body, bold=True, space_before=body * 0.9))
            paras += [Para.of(line, body, space_before=2) for line in lines]
    return paras


def _compare_title_paras(pack: BriefingPack, page: ComparisonPage, size: float) -> list[Para]:
    return [
        Para.of(page.title, size, bold=True),
        Para.of(f"{page.region_name} · {page.period_label}", size * 0.57, colour=MUTED,
                space_before=2),
    ]  # fmt: skip


def _compare_side_paras(pack: BriefingPack, page: ComparisonPage, body: float) -> list[Para]:
    """Beside the comparison's image: the summary, the areas per category (catalog order, no
    ranking), then the population base and year and the method."""
    paras = [Para.of(f"{pack.text('compared')}: {page.summary}", body * 1.1, bold=True)]
    for category, words, names in page.areas:
        runs = (Run(f"{GLYPHS.get(category, '')} {words}: ", True), Run(names))
        paras.append(Para(runs, body, body * 0.6))
    if page.png is None:
        paras.append(Para.of(pack.text("compare_all_hidden"), body, space_before=body * 0.6))
    for note in page.notes:
        paras.append(Para.of(note, body * 0.8, colour=MUTED, space_before=body * 0.5))
    return paras


def _title_paras(pack: BriefingPack, page: IndicatorPage, size: float) -> list[Para]:
    sub = f"{page.area_name} · {page.period_label}" if page.period_label else page.area_name
    return [
        Para.of(page.indicator.label(pack.lang), size, bold=True),
        Para.of(sub, size * 0.57, colour=MUTED, space_before=2),
    ]


def _facts_paras(pack: BriefingPack, size: float) -> list[Para]:
    """The title page's facts: area, period, data through, made; briefing mode's two notes."""
    paras = [
        Para.of(f"{pack.text('area')}: {pack.area_name}", size),
        Para.of(f"{pack.text('period')}: {pack.period_label}", size, space_before=4),
        Para.of(f"{pack.text('data_through')} {pack.data_through}", size, space_before=4),
        Para.of(f"{pack.text('made')}: {pack.made}", size * 0.7, colour=MUTED, space_before=10),
    ]
    if pack.briefing:
        for key in ("briefing", "notes_hidden"):
            paras.append(Para.of(pack.text(key), size * 0.7, colour=MUTED, space_before=6))
    return paras


def _contents_paras(pack: BriefingPack, size: float) -> list[Para]:
    paras = [Para.of(pack.text("contents", n=len(pack.pages)), size, bold=True)]
    for number, page in enumerate(pack.pages, start=1):
        paras.append(
            Para.of(f"{number}. {page.indicator.label(pack.lang)}", size * 0.85, space_before=3)
        )
    return paras


def _summary_paras(pack: BriefingPack, size: float) -> list[Para]:
    """The summary's paragraphs: the count line, then per goal a heading and its sentences."""
    paras = [Para.of(pack.summary[0].text(), size * 1.1)]
    for section in pack.summary[1:]:
        paras.append(Para.of(section.heading, size * 1.1, bold=True, space_before=size))
        paras += [Para.of(f"• {s}", size, space_before=size * 0.3) for s in section.sentences]
    return paras


def _paginate(
    measure: TextMeasure, paras: list[Para], width: float, height: float, continued: str
) -> list[list[Para]]:
    """Paragraphs split into pages that each fit ``width`` × ``height`` pt. A heading (bold,
    alone) is never the last paragraph of a page; a page that goes on under a heading starts
    with that heading and ``continued``; a page never starts with space."""
    pages: list[list[Para]] = [[]]
    heading: Para | None = None
    for para in paras:
        current = pages[-1]
        if current and measure.height([*current, para], width) > height:
            if len(current) > 1 and _is_heading(current[-1]):
                pages.append([current.pop(), para])
            elif heading is not None and not _is_heading(para):
                again = Para((Run(f"{heading.text} {continued}", True),), heading.size)
                pages.append([again, para])
            else:
                pages.append([para])
        else:
            current.append(para)
        if _is_heading(para):
            heading = para
    return [[dataclasses.replace(page[0], space_before=0), *page[1:]] for page in pages if page]


def _is_heading(para: Para) -> bool:
    return len(para.runs) == 1 and para.runs[0].bold


# -- PowerPoint ---------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
PT_PER_IN = 72.0
BOX_INSET = 0.05  # inches of padding inside every text box, each side


def to_pptx(pack: BriefingPack) -> bytes:
    """The pack as a 16:9 PowerPoint: title, summary, one slide per indicator with its chart.

    Every text box is measured before it is filled (exports/textfit.py): its font size is the
    largest that fits, so nothing runs off a slide when it is opened or printed."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Inches, Pt

    measure = TextMeasure(*find_fonts())
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]

    def inner(width: float, height: float) -> tuple[float, float]:
        return (width - 2 * BOX_INSET) * PT_PER_IN, (height - 2 * BOX_INSET) * PT_PER_IN

    def box(slide, left, top, width, height, paras, *, min_scale=0.6, align=None, fill=None):
        paras = measure.fit(paras, *inner(width, height), min_scale=min_scale)
        if fill is not None:
            shape = slide.shapes.add_shape(
                MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height)
            )
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor(*fill)
            shape.line.fill.background()
            shape.shadow.inherit = False
        else:
            shape = slide.shapes.add_textbox(
                Inches(left), Inches(top), Inches(width), Inches(height)
            )
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE  # measured here; PowerPoint must not resize it
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE if fill is not None else MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, side, Inches(BOX_INSET))
        for i, para in enumerate(paras):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.line_spacing = 1.0  # single: 1.22 em in Calibri, under LINE_HEIGHT
            if i and para.space_before:
                paragraph.space_before = Pt(para.space_before)
            if align is not None:
                paragraph.alignment = align
            for piece in para.runs:
                run = paragraph.add_run()
                run.text = piece.text
                run.font.size = Pt(math.floor(para.size * 2) / 2)  # down: it was measured
                run.font.bold = piece.bold
                run.font.color.rgb = RGBColor(*(piece.colour or INK))
        return shape

    slides_total = 1 + len(pack.pages) + sum(c is not None for c in pack.comparisons)
    summary_pages = _paginate(
        measure, _summary_paras(pack, 16), *inner(12.4, 5.6), pack.text("continued")
    )
    slides_total += len(summary_pages)

    def footer(slide) -> None:
        colour = DEMO_RED if pack.demo else MUTED
        box(slide, 0.45, 6.98, 10.6, 0.4, [Para.of(pack.footer, 12, colour=colour)], min_scale=0.75)
        number = f"{len(prs.slides)} / {slides_total}"
        box(slide, 11.1, 6.98, 1.75, 0.4, [Para.of(number, 12, colour=MUTED)], align=PP_ALIGN.RIGHT)

    slide = prs.slides.add_slide(blank)
    box(slide, 0.8, 0.6, 11.7, 1.0, [Para.of(pack.text("title"), 40, bold=True)])
    box(slide, 0.8, 1.55, 11.7, 0.55, [Para.of(pack.text("subtitle"), 20, colour=MUTED)])
    box(slide, 0.8, 2.4, 5.6, 3.3, _facts_paras(pack, 22))
    box(slide, 6.7, 2.4, 5.8, 3.4 if pack.demo else 4.4, _contents_paras(pack, 18))
    if pack.demo:
        box(slide, 0.8, 5.95, 11.7, 0.7, [Para.of(pack.text("demo"), 24, bold=True, colour=WHITE)],
            align=PP_ALIGN.CENTER, fill=DEMO_RED)  # fmt: skip
    footer(slide)

    heading = pack.summary[0].heading
    for i, paras in enumerate(summary_pages):
        slide = prs.slides.add_slide(blank)
        title = heading if i == 0 else f"{heading} {pack.text('continued')}"
        box(slide, 0.45, 0.3, 12.4, 0.8, [Para.of(title, 30, bold=True)])
        box(slide, 0.45, 1.2, 12.4, 5.6, paras)
        footer(slide)

    def chart_slide(title: list[Para], png: bytes | None, side: Callable[[float], list[Para]]):
        slide = prs.slides.add_slide(blank)
        box(slide, 0.45, 0.25, 12.4, 1.1, title, min_scale=0.7)
        if png is not None:
            slide.shapes.add_picture(
                io.BytesIO(png), Inches(0.45), Inches(1.45), Inches(8.1), Inches(5.4)
            )
            box(slide, 8.75, 1.45, 4.15, 5.4, side(14))
        else:
            box(slide, 0.45, 1.45, 12.4, 5.4, side(16))
        footer(slide)

    for page, comparison in pack.slides():
        chart_slide(
            _title_paras(pack, page, 28), page.png, lambda size, p=page: _side_paras(pack, p, size)
        )
        if comparison is not None:
            chart_slide(
                _compare_title_paras(pack, comparison, 28),
                comparison.png,
                lambda size, c=comparison: _compare_side_paras(pack, c, size),
            )

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# -- PDF ------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 297.0, 210.0  # mm, A4 landscape
MARGIN = 12.0
MM_PER_PT = 25.4 / 72


def find_fonts() -> tuple[Path, Path]:
    """(regular, bold) TTF files with Swedish letters; BriefingError naming the package if none."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return Path(regular), Path(bold)
    raise BriefingError(
        "PDF:en kan inte skapas: ingen TrueType-font med svenska tecken hittades (installera "
        "Debian-paketet fonts-dejavu-core). / The PDF cannot be made: no TrueType font with "
        "Swedish letters was found (install the Debian package fonts-dejavu-core)."
    )


def to_pdf(pack: BriefingPack) -> bytes:
    """The pack as an A4 landscape PDF with an embedded font: title page, summary, one page per
    indicator with its chart; every page's footer has "data t.o.m." and the demo marking. Text
    is measured and sized to fit as on the slides."""
    from fpdf import FPDF

    regular, bold = find_fonts()
    glyphs = _font_glyphs(regular)
    measure = TextMeasure(regular, bold)
    summary_pages = _paginate(
        measure,
        _summary_paras(pack, 12),
        *_pt(PAGE_W - 2 * MARGIN, PAGE_H - 45),
        pack.text("continued"),
    )
    total = 1 + len(summary_pages) + len(pack.pages)
    total += sum(c is not None for c in pack.comparisons)

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-13)
            self.set_font("body", size=9)
            self.set_text_color(*(DEMO_RED if pack.demo else MUTED))
            self.cell(PAGE_W - 2 * MARGIN - 20, 6, _printable(pack.footer, glyphs), align="L")
            self.set_text_color(*MUTED)
            self.cell(20, 6, f"{self.page_no()} / {total}", align="R")
            self.set_text_color(*INK)

    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)  # every block is measured to fit its page
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.set_title(TEXTS[pack.lang]["title"])
    pdf.set_creator("Lägesbild")

    def block(x: float, y: float, w: float, h: float, paras: list[Para], min_scale=0.6) -> None:
        """Paragraphs fitted into the box x, y, w × h (mm), left-aligned."""
        # 1 mm less than the box: fpdf's own wrapping may keep a word our measure would not
        paras = measure.fit(paras, *_pt(w - 1, h), min_scale=min_scale)
        pdf.set_left_margin(x)
        pdf.set_right_margin(PAGE_W - x - w)
        pdf.set_xy(x, y)
        for i, para in enumerate(paras):
            if i and para.space_before:
                pdf.set_y(pdf.get_y() + para.space_before * MM_PER_PT)
            line = para.size * LINE_HEIGHT * MM_PER_PT
            for run in para.runs:
                pdf.set_font("body", "B" if run.bold else "", para.size)
                pdf.set_text_color(*(run.colour or INK))
                pdf.write(line, _printable(run.text, glyphs))
            pdf.ln(line)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_text_color(*INK)

    text_w = PAGE_W - 2 * MARGIN
    pdf.add_page()
    block(MARGIN + 8, 22, text_w - 16, 16, [Para.of(pack.text("title"), 32, bold=True)])
    block(MARGIN + 8, 38, text_w - 16, 10, [Para.of(pack.text("subtitle"), 16, colour=MUTED)])
    block(MARGIN + 8, 60, 120, 90, _facts_paras(pack, 16))
    block(MARGIN + 140, 60, text_w - 148, 95 if pack.demo else 125, _contents_paras(pack, 13))
    if pack.demo:
        pdf.set_fill_color(*DEMO_RED)
        pdf.rect(MARGIN + 8, 160, text_w - 16, 16, style="F")
        pdf.set_xy(MARGIN + 8, 160)
        pdf.set_font("body", "B", 18)
        pdf.set_text_color(*WHITE)
        pdf.cell(text_w - 16, 16, _printable(pack.text("demo"), glyphs), align="C")
        pdf.set_text_color(*INK)

    heading = pack.summary[0].heading
    for i, paras in enumerate(summary_pages):
        pdf.add_page()
        title = heading if i == 0 else f"{heading} {pack.text('continued')}"
        block(MARGIN, MARGIN, text_w, 12, [Para.of(title, 22, bold=True)])
        block(MARGIN, MARGIN + 16, text_w, PAGE_H - 45, paras)

    chart_w = 190.0
    chart_h = chart_w * CHART_PX[1] / CHART_PX[0]

    def chart_page(title: list[Para], png: bytes | None, side: Callable[[float], list[Para]]):
        pdf.add_page()
        block(MARGIN, MARGIN - 2, text_w, 17, title, min_scale=0.7)
        top = MARGIN + 18
        if png is not None:
            pdf.image(io.BytesIO(png), x=MARGIN, y=top, w=chart_w, h=chart_h)
            side_x = MARGIN + chart_w + 5
            block(side_x, top, PAGE_W - MARGIN - side_x, PAGE_H - 16 - top, side(11))
        else:
            block(MARGIN, top, text_w, PAGE_H - 16 - top, side(12))

    for page, comparison in pack.slides():
        chart_page(
            _title_paras(pack, page, 20), page.png, lambda size, p=page: _side_paras(pack, p, size)
        )
        if comparison is not None:
            chart_page(
                _compare_title_paras(pack, comparison, 20),
                comparison.png,
                lambda size, c=comparison: _compare_side_paras(pack, c, size),
            )
    return bytes(pdf.output())


def _pt(width_mm: float, height_mm: float) -> tuple[float, float]:
    return width_mm / MM_PER_PT, height_mm / MM_PER_PT


def _font_glyphs(path: Path) -> set[int] | None:
    """Code points the font can draw (None if that cannot be read: then trust the font)."""
    try:
        from fontTools.ttLib import TTFont

        return set(TTFont(str(path)).getBestCmap())
    except Exception:  # noqa: BLE001 - a font we cannot inspect is used as it is
        return None


def _printable(text: str, glyphs: set[int] | None) -> str:
    """`text` without characters the font lacks (an icon's words say what its shape says)."""
    if glyphs is None:
        return text
    return "".join(c for c in text if ord(c) in glyphs or c in "\n\t")

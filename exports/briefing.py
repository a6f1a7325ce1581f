"""Briefing pack: the chosen indicators and period as one PowerPoint and one PDF (frames in, bytes out).

No Streamlit and no SQL: the caller passes the observations (already protected by disclosure
control when briefing mode is on), the catalog, the selection and, per indicator, the notes and
events to show. `build_pack` reads everything once; `to_pptx` and `to_pdf` lay the same content
out, so the two files always say the same thing.

Every slide and page carries "data t.o.m." and, for demo data, the demo marking, so a single
page taken out of the pack still says what it is.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd

from charts import figure_to_png
from charts.glyphs import glyph
from charts.indicator import build_indicator_chart
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_date, format_month, format_number, format_percent
from metrics.narrative import Section, monthly_summary
from metrics.progress import Assessment, Icon

Lang = Literal["sv", "en"]
REGION = "STHLM"
MAX_NOTES = 3  # latest notes per indicator, as beside the chart on the pages
SUMMARY_LINES_PER_SLIDE = 14

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

    def text(self, key: str, **values: object) -> str:
        words = TEXTS[self.lang][key]
        return words.format(**values) if values else words

    @property
    def footer(self) -> str:
        parts = [f"{self.text('data_through')} {self.data_through}"]
        if self.demo:
            parts.append(self.text("demo"))
        return " · ".join(parts)


Renderer = Callable[..., bytes]


def build_pack(
    obs: pd.DataFrame,
    catalog: Catalog,
    selection: Selection,
    *,
    data_through: pd.Timestamp,
    demo: bool,
    briefing: bool,
    notes: Mapping[str, pd.DataFrame] | None = None,
    events: Mapping[str, Sequence[tuple[pd.Timestamp, str]]] | None = None,
    render: Renderer = figure_to_png,
    made: date | None = None,
) -> BriefingPack:
    """Read the chosen indicators once: series, assessment, chart image, words.

    obs: observations as the pages get them (protected by disclosure control when `briefing`).
    notes: per indicator id, its notes in the area (`storage.list_comments` shape); not shown in
        briefing mode, since free text may name what disclosure control hides.
    events: per indicator id, (month, label) in the pack's language; drawn on the chart and
        listed when they fall in the period.
    render: figure -> PNG bytes (default: `charts.figure_to_png`, headless Chromium).
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
    pages, assessments = [], {}
    for indicator in indicators:
        page, assessment = _indicator_page(
            obs,
            catalog,
            indicator,
            selection,
            end=end,
            data_through=pd.Timestamp(data_through),
            demo=demo,
            briefing=briefing,
            notes=(notes or {}).get(indicator.id),
            events=(events or {}).get(indicator.id, ()),
            render=render,
        )
        pages.append(page)
        if assessment is not None:
            assessments[indicator.id] = assessment
    summary = monthly_summary(assessments, catalog, end, lang)
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
    end: pd.Timestamp,
    data_through: pd.Timestamp,
    demo: bool,
    briefing: bool,
    notes: pd.DataFrame | None,
    events: Sequence[tuple[pd.Timestamp, str]],
    render: Renderer,
) -> tuple[IndicatorPage, Assessment | None]:
    lang = selection.lang
    texts = TEXTS[lang]
    fallback = selection.area_code not in catalog.valid_areas(indicator.id)
    area = REGION if fallback else selection.area_code
    chart = build_indicator_chart(
        obs,
        catalog,
        indicator,
        area,
        start=selection.start,
        end=end,
        lang=lang,
        demo=demo,
        data_through=data_through,
        events=events,
    )
    assessment = None if chart is None else chart.assessment
    if chart is None:
        latest = texts["no_data"]
        period_label = ""
        first = selection.start
    else:
        latest = _latest_text(indicator, chart.assessment, lang)
        period_label = chart.context.period_label
        first = chart.series.index.min()
    shown_events = tuple(
        f"{format_month(month, lang)}: {label}"
        for month, label in sorted(events, key=lambda e: pd.Timestamp(e[0]))
        if (first is None or pd.Timestamp(month) >= first) and pd.Timestamp(month) <= end
    )
    page = IndicatorPage(
        indicator=indicator,
        area_code=area,
        area_name=catalog.area(area).name(lang),
        fallback=fallback,
        period_label=period_label,
        png=None if chart is None else render(chart.figure, scale=2),
        latest=latest,
        variation=_icon_text(assessment.variation_icon if assessment else None, texts, lang),
        assurance=_icon_text(assessment.assurance_icon if assessment else None, texts, lang),
        notes=() if briefing else _note_lines(notes, first, end, lang),
        notes_hidden=briefing,
        events=shown_events,
    )
    return page, assessment


def _latest_text(indicator: Indicator, assessment: Assessment, lang: Lang) -> str:
    if indicator.rare and assessment.rare is not None:
        rare = assessment.rare
        count = format_number(rare.events_this_year, lang, 0)
        text = TEXTS[lang]["rare_latest"].format(count=count, year=rare.as_of.year)
        if rare.last_event is not None:
            text += TEXTS[lang]["rare_last"].format(month=format_month(rare.last_event, lang))
        return text
    return f"{_format_value(indicator, assessment.value, lang)} {indicator.unit(lang)} ({format_month(assessment.period, lang)})"


def _format_value(indicator: Indicator, value: float | None, lang: Lang) -> str:
    """As on the pages: shares in per cent with one decimal, everything else whole."""
    if value is None or pd.isna(value):
        return ".."
    if indicator.kind == "proportion":
        return format_percent(value, lang, decimals=1)
    return format_number(value, lang, decimals=0)


def _icon_text(icon: Icon | None, texts: dict[str, str], lang: Lang) -> str:
    if icon is None:
        return texts["no_reading"]
    return f"{glyph(icon.shape)} {icon.text(lang)}"


def _note_lines(
    notes: pd.DataFrame | None, first: pd.Timestamp | None, end: pd.Timestamp, lang: Lang
) -> tuple[str, ...]:
    if notes is None or notes.empty:
        return ()
    periods = pd.to_datetime(notes["period"])
    inside = periods <= end
    if first is not None:
        inside &= periods >= first
    lines = []
    for note in notes[inside].head(MAX_NOTES).itertuples():
        lines.append(f"{format_month(note.period, lang)}: {note.text} ({note.author})")
    return tuple(lines)


# -- PowerPoint ---------------------------------------------------------------------------------


def to_pptx(pack: BriefingPack) -> bytes:
    """The pack as a 16:9 PowerPoint: title, summary, one slide per indicator with its chart."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    red, grey, dark = RGBColor(0xB0, 0x00, 0x20), RGBColor(0x59, 0x59, 0x59), RGBColor(0, 0, 0)

    def box(slide, left, top, width, height, paragraphs, size=14):
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        text_frame = frame.text_frame
        text_frame.word_wrap = True
        # PowerPoint shrinks the text when a long definition would run off the slide.
        text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for i, item in enumerate(paragraphs):
            words, bold, colour, item_size = _line(item)
            paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
            run = paragraph.add_run()
            run.text = words
            run.font.size = Pt(item_size or size)
            run.font.bold = bool(bold)
            run.font.color.rgb = colour or dark
        return frame

    def footer(slide):
        parts = [(pack.footer, False, red if pack.demo else grey, 11)]
        box(slide, 0.5, 6.95, 12.3, 0.45, parts)

    slide = prs.slides.add_slide(blank)
    title_lines = [
        (pack.text("title"), True, dark, 36),
        (pack.text("subtitle"), False, grey, 18),
        ("", False, dark, 12),
        (f"{pack.text('area')}: {pack.area_name}", False, dark, 20),
        (f"{pack.text('period')}: {pack.period_label}", False, dark, 20),
        (f"{pack.text('data_through')} {pack.data_through}", False, dark, 20),
        (f"{pack.text('made')}: {pack.made}", False, grey, 14),
        (f"{pack.text('indicators')}: {len(pack.pages)}", False, grey, 14),
    ]
    if pack.briefing:
        title_lines.append((pack.text("briefing"), False, grey, 14))
    if pack.demo:
        title_lines.append((pack.text("demo"), True, red, 24))
    box(slide, 0.8, 1.0, 11.7, 5.6, title_lines)
    footer(slide)

    for chunk in _summary_chunks(pack.summary):
        slide = prs.slides.add_slide(blank)
        box(slide, 0.5, 0.3, 12.3, 0.8, [(chunk[0], True, dark, 28)])
        box(slide, 0.5, 1.1, 12.3, 5.7, list(chunk[1:]), size=14)
        footer(slide)

    for page in pack.pages:
        slide = prs.slides.add_slide(blank)
        heading = page.indicator.label(pack.lang)
        sub = f"{page.area_name} · {page.period_label}" if page.period_label else page.area_name
        box(slide, 0.4, 0.2, 12.5, 0.9, [(heading, True, dark, 24), (sub, False, grey, 14)])
        if page.png is not None:
            slide.shapes.add_picture(
                io.BytesIO(page.png), Inches(0.4), Inches(1.2), width=Inches(7.9)
            )
        box(slide, 8.5, 1.2, 4.5, 5.7, _side_lines(pack, page, dark, grey), size=11)
        footer(slide)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _line(item: str | tuple) -> tuple[str, bool, object, float | None]:
    """A paragraph as (text, bold, colour or None, size or None) from a text or a short tuple."""
    if isinstance(item, str):
        return item, False, None, None
    words, bold, colour, size = (*item, None, None, None)[:4]
    return words, bool(bold), colour, size


def _summary_chunks(summary: Sequence[Section]) -> list[list]:
    """The summary as slides: heading first, then at most SUMMARY_LINES_PER_SLIDE lines each."""
    heading = summary[0].heading
    lines: list = [(summary[0].text(), False, None, 16)]
    for section in summary[1:]:
        lines.append((section.heading, True, None, 14))
        lines += [f"• {sentence}" for sentence in section.sentences]
    chunks = []
    for i in range(0, len(lines), SUMMARY_LINES_PER_SLIDE):
        chunks.append([heading, *lines[i : i + SUMMARY_LINES_PER_SLIDE]])
    return chunks


def _side_lines(pack: BriefingPack, page: IndicatorPage, dark, grey) -> list:
    lang = pack.lang
    ind = page.indicator
    lines: list = []
    if page.fallback:
        lines.append(
            (pack.text("region_note", area=pack.area_name, region=page.area_name), False, grey)
        )
    lines += [
        (f"{pack.text('latest')}: {page.latest}", True, dark, 13),
        (f"{pack.text('variation')}: {page.variation}", False, dark),
        (f"{pack.text('assurance')}: {page.assurance}", False, dark),
        ("", False, dark),
        (f"{pack.text('definition')}: {ind.definition(lang)}", False, dark),
        (f"{pack.text('source')}: {ind.source}", False, dark),
        (f"{pack.text('context')}: {ind.context(lang)}", False, grey),
        ("", False, dark),
        (pack.text("notes"), True, dark),
    ]
    if page.notes_hidden:
        lines.append((pack.text("notes_hidden"), False, grey))
    else:
        lines += [(n, False, dark) for n in page.notes] or [(pack.text("no_notes"), False, grey)]
    lines.append((pack.text("events"), True, dark))
    lines += [(e, False, dark) for e in page.events] or [(pack.text("no_events"), False, grey)]
    return lines


# -- PDF ------------------------------------------------------------------------------------


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
    indicator with its chart; every page's footer has "data t.o.m." and the demo marking."""
    from fpdf import FPDF

    regular, bold = find_fonts()
    glyphs = _font_glyphs(regular)

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("body", size=9)
            if pack.demo:
                self.set_text_color(176, 0, 32)
            else:
                self.set_text_color(89, 89, 89)
            self.cell(0, 6, _printable(pack.footer, glyphs), align="L")
            self.set_text_color(0, 0, 0)

    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.set_title(TEXTS[pack.lang]["title"])
    pdf.set_creator("Lägesbild")

    def write(text: str, size: float = 11, style: str = "", colour=(0, 0, 0), height=None):
        pdf.set_font("body", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(
            0, height or size * 0.5, _printable(text, glyphs), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0, 0, 0)

    pdf.add_page()
    pdf.ln(20)
    write(pack.text("title"), 30, "B")
    write(pack.text("subtitle"), 16, colour=(89, 89, 89))
    pdf.ln(8)
    for line in (
        f"{pack.text('area')}: {pack.area_name}",
        f"{pack.text('period')}: {pack.period_label}",
        f"{pack.text('data_through')} {pack.data_through}",
    ):
        write(line, 16)
    write(
        f"{pack.text('made')}: {pack.made} · {pack.text('indicators')}: {len(pack.pages)}",
        12,
        colour=(89, 89, 89),
    )
    if pack.briefing:
        write(pack.text("briefing"), 12, colour=(89, 89, 89))
    if pack.demo:
        pdf.ln(6)
        write(pack.text("demo"), 22, "B", colour=(176, 0, 32))

    pdf.add_page()
    write(pack.summary[0].heading, 20, "B", height=10)
    write(pack.summary[0].text(), 12)
    for section in pack.summary[1:]:
        pdf.ln(2)
        write(section.heading, 12, "B")
        for sentence in section.sentences:
            write(f"• {sentence}", 11)

    for page in pack.pages:
        pdf.add_page()
        write(page.indicator.label(pack.lang), 18, "B", height=9)
        sub = f"{page.area_name} · {page.period_label}" if page.period_label else page.area_name
        write(sub, 11, colour=(89, 89, 89))
        top = pdf.get_y() + 2
        if page.png is not None:
            pdf.image(io.BytesIO(page.png), x=pdf.l_margin, y=top, w=168)
        pdf.set_xy(pdf.l_margin + 172, top)
        pdf.set_left_margin(pdf.l_margin + 172)
        for item in _side_lines(pack, page, (0, 0, 0), (89, 89, 89)):
            words, is_bold, colour = item[0], item[1], item[2]
            if not words:
                pdf.ln(2)
                continue
            write(words, 9, "B" if is_bold else "", colour=colour, height=4.4)
        pdf.set_left_margin(10)
    return bytes(pdf.output())


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

"""What the briefing pack's two files share: colours, the paragraphs of every slide (title page,
summary, an indicator's chart slide and its comparison), pagination and fonts. The PowerPoint
(exports/briefing_pptx.py) and the PDF (exports/briefing_pdf.py) only place them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from charts.comparison import GLYPHS
from charts.glyphs import glyph
from charts.theme import icon_style
from exports.briefing import BriefingError, BriefingPack, IndicatorPage
from exports.briefing_compare import ComparisonPage
from exports.textfit import Colour, Para, Run, TextMeasure
from i18n import Lang, t
from metrics.disclosure import DEFAULT_THRESHOLD
from metrics.progress import Icon

INK: Colour = (0, 0, 0)
MUTED: Colour = (89, 89, 89)
DEMO_RED: Colour = (176, 0, 32)
WHITE: Colour = (255, 255, 255)


def _rgb(hex_colour: str) -> Colour:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _icon_para(label: str, icon: Icon, lang: Lang, size: float) -> Para:
    """ "Variation: ▲ words", the glyph in the icon's colour (the words say what it means)."""
    return Para(
        (
            Run(f"{label}: "),
            Run(glyph(icon_style(icon).shape), colour=_rgb(icon_style(icon).colour)),
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
        note = pack.text("pack_region_note", area=pack.area_name, region=page.area_name)
        paras.append(Para.of(note, body, colour=MUTED))
    paras.append(
        Para.of(f"{pack.text('pack_latest')}: {page.latest}", body * 1.2, bold=True, space_before=6)
    )
    if page.variation_icon is not None:
        paras.append(_icon_para(pack.text("pack_variation"), page.variation_icon, lang, body))
    elif page.hidden_reading:
        paras.append(
            Para.of(f"{pack.text('pack_variation')}: {pack.text('pack_hidden_reading')}", body)
        )
    elif page.too_little_data:
        paras.append(Para.of(f"{pack.text('pack_variation')}: {pack.text('pack_too_few')}", body))
    if page.assurance_icon is not None:
        paras.append(_icon_para(pack.text("pack_assurance"), page.assurance_icon, lang, body))
    if page.reading:
        paras.append(Para.of(page.reading, body, colour=MUTED, space_before=2))
    if page.hidden_months:
        hidden = pack.text("pack_hidden_months", n=page.hidden_months)
        paras.append(Para.of(hidden, body, colour=MUTED))
    if page.year_totals:
        paras.append(Para.of(t("period_totals_heading", lang), body, bold=True, space_before=4))
        paras += [Para.of(line, body, space_before=1) for line in page.year_totals]
        note = t(
            "period_totals_note", lang, threshold=DEFAULT_THRESHOLD, below=DEFAULT_THRESHOLD - 1
        )
        paras.append(Para.of(note, body, colour=MUTED, space_before=2))
    labelled = [
        (pack.text("pack_definition"), ind.definition(lang), INK),
        (pack.text("pack_source"), ind.source, INK),
        (pack.text("pack_context"), ind.context(lang), MUTED),
    ]
    for i, (label, words, colour) in enumerate(labelled):
        if words:
            runs = (Run(f"{label}: ", True, colour), Run(words, colour=colour))
            paras.append(Para(runs, body, body * (0.9 if i == 0 else 0.4)))
    for heading, lines in (
        (pack.text("pack_notes"), page.notes),
        (pack.text("pack_events"), page.events),
    ):
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
    paras = [Para.of(f"{pack.text('pack_compared')}: {page.summary}", body * 1.1, bold=True)]
    for category, words, names in page.areas:
        runs = (Run(f"{GLYPHS.get(category, '')} {words}: ", True), Run(names))
        paras.append(Para(runs, body, body * 0.6))
    if page.png is None:
        paras.append(Para.of(pack.text("pack_compare_all_hidden"), body, space_before=body * 0.6))
    for note in page.notes:
        paras.append(Para.of(note, body * 0.8, colour=MUTED, space_before=body * 0.5))
    return paras


def _title_paras(pack: BriefingPack, page: IndicatorPage, size: float) -> list[Para]:
    sub = f"{page.area_name} · {page.period_label}" if page.period_label else page.area_name
    return [
        Para.of(page.indicator.label(pack.lang), size, bold=True),
        Para.of(sub, size * 0.57, colour=MUTED, space_before=2),
    ]


def facts_paras(pack: BriefingPack, size: float) -> list[Para]:
    """The title page's facts: area, period, data through, made; briefing mode's two notes."""
    paras = [
        Para.of(f"{pack.text('pack_area')}: {pack.area_name}", size),
        Para.of(f"{pack.text('pack_period')}: {pack.period_label}", size, space_before=4),
        Para.of(f"{pack.text('pack_data_through')} {pack.data_through}", size, space_before=4),
        Para.of(
            f"{pack.text('pack_made')}: {pack.made}", size * 0.7, colour=MUTED, space_before=10
        ),
    ]
    if pack.briefing:
        for line in (
            pack.text("pack_briefing", below=DEFAULT_THRESHOLD - 1),
            pack.text("pack_notes_hidden"),
        ):
            paras.append(Para.of(line, size * 0.7, colour=MUTED, space_before=6))
    return paras


def contents_paras(pack: BriefingPack, size: float) -> list[Para]:
    paras = [Para.of(pack.text("pack_contents", n=len(pack.pages)), size, bold=True)]
    for number, page in enumerate(pack.pages, start=1):
        paras.append(
            Para.of(f"{number}. {page.indicator.label(pack.lang)}", size * 0.85, space_before=3)
        )
    return paras


def summary_paras(pack: BriefingPack, size: float) -> list[Para]:
    """The summary's paragraphs: the count line, then per goal a heading and its sentences."""
    paras = [Para.of(pack.summary[0].text(), size * 1.1)]
    for section in pack.summary[1:]:
        paras.append(Para.of(section.heading, size * 1.1, bold=True, space_before=size))
        paras += [Para.of(f"• {s}", size, space_before=size * 0.3) for s in section.sentences]
    return paras


def paginate(
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


@dataclass(frozen=True)
class ChartSlide:
    """A slide (PowerPoint) or page (PDF) with an image: the indicator's chart or its comparison
    between areas. Both files lay it out the same way: the title above, the image on the left
    and the side text beside it, or the side text across when there is no image."""

    title: Callable[[float], list[Para]]  # the title's paragraphs at a font size (pt)
    png: bytes | None
    side: Callable[[float], list[Para]]  # the side text's paragraphs at a body size (pt)


def chart_slides(pack: BriefingPack) -> list[ChartSlide]:
    """The pack's slides with an image, in order: each indicator's, then its comparison's."""
    slides = []
    for page, comparison in pack.slides():
        slides.append(
            ChartSlide(
                lambda size, p=page: _title_paras(pack, p, size),
                page.png,
                lambda size, p=page: _side_paras(pack, p, size),
            )
        )
        if comparison is not None:
            slides.append(
                ChartSlide(
                    lambda size, c=comparison: _compare_title_paras(pack, c, size),
                    comparison.png,
                    lambda size, c=comparison: _compare_side_paras(pack, c, size),
                )
            )
    return slides


# Fonts with Swedish letters and the icon glyphs, tried in order (Debian: fonts-dejavu-core).
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)  # fmt: skip


def find_fonts() -> tuple[Path, Path]:
    """(regular, bold) TTF files with Swedish letters; BriefingError naming the package if none."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return Path(regular), Path(bold)
    raise BriefingError("pack_no_font")

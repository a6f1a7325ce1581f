"""The briefing pack as a 16:9 PowerPoint (python-pptx): the layout of exports/briefing_layout.py
placed on slides."""

from __future__ import annotations

import io
import math

from exports.briefing import BriefingPack
from exports.briefing_layout import (
    DEMO_RED,
    INK,
    MUTED,
    WHITE,
    chart_slides,
    contents_paras,
    facts_paras,
    find_fonts,
    paginate,
    summary_paras,
)
from exports.textfit import Colour, Para, TextMeasure

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
PT_PER_IN = 72.0
BOX_INSET = 0.05  # inches of padding inside every text box, each side


def to_pptx(pack: BriefingPack) -> bytes:
    """The pack as a 16:9 PowerPoint: title, summary, one slide per indicator with its chart.

    Every text box is measured before it is filled (exports/textfit.py): its font size is the
    largest that fits, so nothing runs off a slide when it is opened or printed."""
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    measure = TextMeasure(*find_fonts())
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    charts = chart_slides(pack)
    summary_pages = paginate(
        measure, summary_paras(pack, 16), *_inner(12.4, 5.6), pack.text("pack_continued")
    )
    slides_total = 1 + len(charts) + len(summary_pages)

    def box(slide, left, top, width, height, paras, **how) -> None:
        _box(slide, measure, (left, top, width, height), paras, **how)

    def footer(slide) -> None:
        colour = DEMO_RED if pack.demo else MUTED
        box(slide, 0.45, 6.98, 10.6, 0.4, [Para.of(pack.footer, 12, colour=colour)], min_scale=0.75)
        number = f"{len(prs.slides)} / {slides_total}"
        box(slide, 11.1, 6.98, 1.75, 0.4, [Para.of(number, 12, colour=MUTED)], align=PP_ALIGN.RIGHT)

    slide = prs.slides.add_slide(blank)
    box(slide, 0.8, 0.6, 11.7, 1.0, [Para.of(pack.text("pack_title"), 40, bold=True)])
    box(slide, 0.8, 1.55, 11.7, 0.55, [Para.of(pack.text("pack_subtitle"), 20, colour=MUTED)])
    box(slide, 0.8, 2.4, 5.6, 3.3, facts_paras(pack, 22))
    box(slide, 6.7, 2.4, 5.8, 3.4 if pack.demo else 4.4, contents_paras(pack, 18))
    if pack.demo:
        box(slide, 0.8, 5.95, 11.7, 0.7, [Para.of(pack.text("pack_demo"), 24, bold=True, colour=WHITE)],
            align=PP_ALIGN.CENTER, fill=DEMO_RED)  # fmt: skip
    footer(slide)

    heading = pack.summary[0].heading
    for i, paras in enumerate(summary_pages):
        slide = prs.slides.add_slide(blank)
        title = heading if i == 0 else f"{heading} {pack.text('pack_continued')}"
        box(slide, 0.45, 0.3, 12.4, 0.8, [Para.of(title, 30, bold=True)])
        box(slide, 0.45, 1.2, 12.4, 5.6, paras)
        footer(slide)

    for chart in charts:
        slide = prs.slides.add_slide(blank)
        box(slide, 0.45, 0.25, 12.4, 1.1, chart.title(28), min_scale=0.7)
        if chart.png is not None:
            slide.shapes.add_picture(
                io.BytesIO(chart.png), Inches(0.45), Inches(1.45), Inches(8.1), Inches(5.4)
            )
            box(slide, 8.75, 1.45, 4.15, 5.4, chart.side(14))
        else:
            box(slide, 0.45, 1.45, 12.4, 5.4, chart.side(16))
        footer(slide)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _inner(width: float, height: float) -> tuple[float, float]:
    """The text area (pt) of a box `width` × `height` inches."""
    return (width - 2 * BOX_INSET) * PT_PER_IN, (height - 2 * BOX_INSET) * PT_PER_IN


def _box(
    slide,
    measure: TextMeasure,
    place: tuple[float, float, float, float],
    paras: list[Para],
    *,
    min_scale: float = 0.6,
    align=None,
    fill: Colour | None = None,
) -> None:
    """The paragraphs in a box at `place` (left, top, width, height; inches), at the largest
    size that fits; on a filled rectangle, centred vertically, when `fill` is given."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    paras = measure.fit(paras, *_inner(*place[2:]), min_scale=min_scale)
    left, top, width, height = (Inches(v) for v in place)
    if fill is not None:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(*fill)
        shape.line.fill.background()
        shape.shadow.inherit = False
    else:
        shape = slide.shapes.add_textbox(left, top, width, height)
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

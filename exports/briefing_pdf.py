"""The briefing pack as an A4 landscape PDF (fpdf2, the font embedded): the layout of
exports/briefing_layout.py placed on pages."""

from __future__ import annotations

import io
from pathlib import Path

from exports.briefing import CHART_PX, BriefingPack
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
from exports.textfit import LINE_HEIGHT, Para, TextMeasure

PAGE_W, PAGE_H = 297.0, 210.0  # mm, A4 landscape
MARGIN = 12.0
MM_PER_PT = 25.4 / 72


def to_pdf(pack: BriefingPack) -> bytes:
    """The pack as an A4 landscape PDF with an embedded font: title page, summary, one page per
    indicator with its chart; every page's footer has "data t.o.m." and the demo marking. Text
    is measured and sized to fit as on the slides."""
    regular, bold = find_fonts()
    glyphs = _font_glyphs(regular)
    measure = TextMeasure(regular, bold)
    summary_pages = paginate(
        measure,
        summary_paras(pack, 12),
        *_pt(PAGE_W - 2 * MARGIN, PAGE_H - 45),
        pack.text("pack_continued"),
    )
    charts = chart_slides(pack)
    pdf = _document(pack, (regular, bold), glyphs, 1 + len(summary_pages) + len(charts))

    def block(x: float, y: float, w: float, h: float, paras: list[Para], min_scale=0.6) -> None:
        _block(pdf, measure, glyphs, (x, y, w, h), paras, min_scale)

    text_w = PAGE_W - 2 * MARGIN
    pdf.add_page()
    block(MARGIN + 8, 22, text_w - 16, 16, [Para.of(pack.text("pack_title"), 32, bold=True)])
    block(MARGIN + 8, 38, text_w - 16, 10, [Para.of(pack.text("pack_subtitle"), 16, colour=MUTED)])
    block(MARGIN + 8, 60, 120, 90, facts_paras(pack, 16))
    block(MARGIN + 140, 60, text_w - 148, 95 if pack.demo else 125, contents_paras(pack, 13))
    if pack.demo:
        pdf.set_fill_color(*DEMO_RED)
        pdf.rect(MARGIN + 8, 160, text_w - 16, 16, style="F")
        pdf.set_xy(MARGIN + 8, 160)
        pdf.set_font("body", "B", 18)
        pdf.set_text_color(*WHITE)
        pdf.cell(text_w - 16, 16, _printable(pack.text("pack_demo"), glyphs), align="C")
        pdf.set_text_color(*INK)

    heading = pack.summary[0].heading
    for i, paras in enumerate(summary_pages):
        pdf.add_page()
        title = heading if i == 0 else f"{heading} {pack.text('pack_continued')}"
        block(MARGIN, MARGIN, text_w, 12, [Para.of(title, 22, bold=True)])
        block(MARGIN, MARGIN + 16, text_w, PAGE_H - 45, paras)

    chart_w = 190.0
    chart_h = chart_w * CHART_PX[1] / CHART_PX[0]
    top = MARGIN + 18
    for chart in charts:
        pdf.add_page()
        block(MARGIN, MARGIN - 2, text_w, 17, chart.title(20), min_scale=0.7)
        if chart.png is not None:
            pdf.image(io.BytesIO(chart.png), x=MARGIN, y=top, w=chart_w, h=chart_h)
            side_x = MARGIN + chart_w + 5
            block(side_x, top, PAGE_W - MARGIN - side_x, PAGE_H - 16 - top, chart.side(11))
        else:
            block(MARGIN, top, text_w, PAGE_H - 16 - top, chart.side(12))
    return bytes(pdf.output())


def _document(pack: BriefingPack, fonts: tuple[Path, Path], glyphs: set[int] | None, total: int):
    """An empty A4 landscape fpdf document with the fonts as "body", the pack's title, and a
    footer on every page ("data t.o.m.", briefing and demo marking, page n / total)."""
    from fpdf import FPDF

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
    pdf.add_font("body", "", str(fonts[0]))
    pdf.add_font("body", "B", str(fonts[1]))
    pdf.set_title(pack.text("pack_title"))
    pdf.set_creator("Lägesbild")
    return pdf


def _block(
    pdf,
    measure: TextMeasure,
    glyphs: set[int] | None,
    place: tuple[float, float, float, float],
    paras: list[Para],
    min_scale: float = 0.6,
) -> None:
    """Paragraphs fitted into the box `place` (x, y, w, h; mm), left-aligned."""
    x, y, w, h = place
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

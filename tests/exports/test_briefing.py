"""The briefing pack as staff open it: PowerPoint read with python-pptx, PDF with pypdf.

Titles, period, "data t.o.m.", one chart per indicator, the demo marking on every slide and
page, notes and events, both languages, and disclosure control: in briefing mode a suppressed
small count appears nowhere in the pack's text. Charts are rendered by headless Chromium in the
test marked slow; the others draw a stand-in PNG, since what they check is text.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import struct
import zlib
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from exports import briefing, briefing_layout
from exports.briefing import BriefingError, Selection, build_pack
from exports.briefing_pdf import to_pdf
from exports.briefing_pptx import to_pptx
from metrics.catalog import load_catalog
from metrics.disclosure import apply_disclosure, period_total_text, period_totals
from metrics.overview import build_overview
from metrics.periods import parse_period_texts

CATALOG = load_catalog()
KEY = b"a test key, never a database's."
CHROMIUM = "/usr/bin/chromium"
THROUGH = pd.Timestamp("2026-10-01")
MADE = date(2026, 11, 23)
CHOSEN = ("reported_rape", "clearance_partner_assault", "gryning_staff_recruited")


def _png(width: int = 8, height: int = 4) -> bytes:
    """A small valid PNG (white), standing in for a rendered chart."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def fake_render(fig, scale: float = 2) -> bytes:
    assert fig.layout.height  # a real figure was built for the indicator
    return _png()


@pytest.fixture(scope="module")
def obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2023-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    return frame


def make(obs, chosen=CHOSEN, *, area="0180", lang="sv", demo=True, briefing_mode=False, **kw):
    selection = Selection(chosen, area, pd.Timestamp("2024-01-01"), THROUGH, lang)
    kw.setdefault("render", fake_render)
    # The readings as the pages get them (ui.data.readings): made on the stored values, only
    # withheld where the shown (protected) rows hide too much.
    stored = kw.pop("stored", obs)
    kw.setdefault(
        "readings",
        build_overview(stored, CATALOG, area, THROUGH, shown=obs if briefing_mode else None)[0],
    )
    return build_pack(
        obs,
        CATALOG,
        selection,
        data_through=THROUGH,
        demo=demo,
        briefing=briefing_mode,
        made=MADE,
        **kw,
    )


def slide_texts(pptx: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(pptx))
    return [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in prs.slides
    ]


def pictures_per_slide(pptx: bytes) -> list[int]:
    prs = Presentation(io.BytesIO(pptx))
    return [
        sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
        for slide in prs.slides
    ]


def pdf_pages(pdf: bytes) -> tuple[list[str], list[int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [p.extract_text() for p in reader.pages], [len(p.images) for p in reader.pages]


def numbers(text: str) -> set[str]:
    """Every number written in the text, as written ("1 234", "24,1", "4")."""
    return set(re.findall(r"\d+(?:[ \u00a0]\d{3})*(?:,\d+)?", text))


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_pack_with_charts_drawn_by_chromium(obs):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian chromium is not installed")
    pack = make(obs, render=briefing.figure_to_png)
    pptx, pdf = to_pptx(pack), to_pdf(pack)

    slides = slide_texts(pptx)
    assert pictures_per_slide(pptx)[-len(CHOSEN) :] == [1, 1, 1]
    assert sum(pictures_per_slide(pptx)) == len(CHOSEN)
    title = flat(slides[0])
    assert "Lägesbild – dragningspaket" in title
    assert "Period: januari 2024–oktober 2026" in title
    assert "Data t.o.m. oktober 2026" in title
    for indicator_id, text in zip(CHOSEN, slides[-len(CHOSEN) :], strict=True):
        assert CATALOG.indicator(indicator_id).label("sv") in text
    assert all("DEMODATA – inte verklig statistik" in text for text in slides)

    pages, images = pdf_pages(pdf)
    assert images[-len(CHOSEN) :] == [1, 1, 1] and sum(images) == len(CHOSEN)
    assert "januari 2024–oktober 2026" in flat(pages[0])
    for indicator_id, text in zip(CHOSEN, pages[-len(CHOSEN) :], strict=True):
        assert CATALOG.indicator(indicator_id).label("sv") in flat(text)
    assert all("DEMODATA – inte verklig statistik" in flat(text) for text in pages)
    # The chart images are real renders, at twice the export width.
    prs = Presentation(io.BytesIO(pptx))
    picture = next(s for s in prs.slides[-1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert picture.image.size[0] >= 1600


def test_slides_and_pages_say_what_they_show(obs):
    pack = make(obs)
    pptx, pdf = to_pptx(pack), to_pdf(pack)
    slides = slide_texts(pptx)
    pages, images = pdf_pages(pdf)
    assert len(slides) == len(pages) == 2 + len(CHOSEN)  # title, summary, one per indicator
    assert pictures_per_slide(pptx) == [0, 0, 1, 1, 1] and images == [0, 0, 1, 1, 1]
    summary = flat(slides[1])
    assert summary.startswith("Sammanfattning för oktober 2026")
    assert "de valda indikatorerna i Stockholm" in summary
    rape = flat(slides[2])
    assert "Anmälda våldtäkter" in rape and "Stockholm · januari 2024–oktober 2026" in rape
    assert "Senaste värde:" in rape and "(oktober 2026)" in rape
    assert "Variation: " in rape and any(g in rape for g in "▲▼◆■●")
    assert CATALOG.indicator("reported_rape").definition("sv") in rape
    assert "Källa: Polismyndigheten" in rape
    # Not reported per municipality: read for the region, and the slide says so.
    assert "Redovisas inte för Stockholm; visas för Region Stockholm." in flat(slides[3])
    # A stock is read against its target, not on XmR: no assurance icon, the month it was met.
    assert "Måluppfyllelse: " not in flat(slides[4]) and "Målet nått i " in flat(slides[4])
    for text in pages[2:]:
        assert "Senaste värde:" in flat(text)


def test_english_when_the_interface_is_english(obs):
    pack = make(obs, lang="en")
    slides = [flat(s) for s in slide_texts(to_pptx(pack))]
    pages = [flat(p) for p in pdf_pages(to_pdf(pack))[0]]
    for texts in (slides, pages):
        assert "Lägesbild – briefing pack" in texts[0]
        assert "Period: January 2024–October 2026" in texts[0]
        assert "Data through October 2026" in texts[0]
        assert all("DEMO DATA – not real statistics" in t for t in texts)
        assert "Reported rapes" in texts[2] and "Latest value:" in texts[2]


def test_real_data_carries_no_demo_marking(obs):
    pack = make(obs, demo=False)
    for texts in (slide_texts(to_pptx(pack)), pdf_pages(to_pdf(pack))[0]):
        assert not any("DEMODATA" in t for t in texts)
        assert all("Data t.o.m. oktober 2026" in flat(t) for t in texts)


def test_notes_and_events_of_the_period_are_listed(obs):
    notes = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-09-01", "2023-02-01"]),
            "text": ["Fler anmälningar efter kampanj", "Utanför perioden"],
            "author": ["Eva", "Eva"],
        }
    )
    events = [(pd.Timestamp("2025-03-01"), "Ny rutin"), (pd.Timestamp("2020-01-01"), "Gammal")]
    pack = make(obs, ("reported_rape",), notes={"reported_rape": notes},
                events={"reported_rape": events})  # fmt: skip
    slide = flat(slide_texts(to_pptx(pack))[-1])
    page = flat(pdf_pages(to_pdf(pack))[0][-1])
    for text in (slide, page):
        assert "september 2026: Fler anmälningar efter kampanj (Eva)" in text
        assert "mars 2025: Ny rutin" in text
        assert "Utanför perioden" not in text and "Gammal" not in text
    hidden = make(obs, ("reported_rape",), notes={"reported_rape": notes}, briefing_mode=True)
    slides = [flat(text) for text in slide_texts(to_pptx(hidden))]
    # Said once, on the title slide; the indicator's slide has no empty "Notes" section.
    assert "Kommentarer visas inte i dragningsläge." in slides[0]
    assert "Kommentarer" not in slides[-1].replace("Kommentarer visas inte", "")
    assert not any("Fler anmälningar" in text for text in slides)


def test_briefing_mode_never_shows_a_suppressed_small_count(obs):
    # Botkyrka's latest month gets a count the test can recognise anywhere in the text (37), and
    # disclosure control a threshold above it (50), so 37 is a small count to be hidden. Shown
    # outside briefing mode; hidden in it, with whatever it could be worked out from.
    raw = obs.copy()
    cell = (
        (raw["indicator_id"] == "reported_rape")
        & (raw["period"] == THROUGH)
        & (raw["area_code"] == "0127")
    )
    raw.loc[cell, "value"] = 37.0
    open_pack = make(raw, ("reported_rape",), area="0127", demo=False)
    texts = slide_texts(to_pptx(open_pack)) + pdf_pages(to_pdf(open_pack))[0]
    assert any("37" in numbers(t) for t in texts)  # the test can see the count when shown

    protected = apply_disclosure(raw, CATALOG, 50, key=KEY)
    assert protected.loc[cell, "suppressed"].all()
    pack = make(
        protected, ("reported_rape",), area="0127", demo=False, briefing_mode=True, stored=raw
    )
    texts = slide_texts(to_pptx(pack)) + pdf_pages(to_pdf(pack))[0]
    assert any("Röjandeskydd" in t for t in texts)
    for text in texts:
        assert "37" not in numbers(text), text
    # The same with the threshold the dashboard uses (counts 1-4 hidden).
    raw.loc[cell, "value"] = 3.0
    pack = make(apply_disclosure(raw, CATALOG, 5, key=KEY), ("reported_rape",), area="0127",
                demo=False, briefing_mode=True, stored=raw)  # fmt: skip
    for text in slide_texts(to_pptx(pack)) + pdf_pages(to_pdf(pack))[0]:
        assert "Senaste värde: 3 " not in flat(text)


def test_nothing_chosen_is_refused_in_the_readers_language(obs):
    with pytest.raises(BriefingError, match="minst en indikator") as refused:
        make(obs, (), lang="en")
    assert refused.value.text("en") == "Choose at least one indicator or goal."


def test_without_a_font_with_swedish_letters_the_pdf_says_what_to_install(obs, monkeypatch):
    monkeypatch.setattr(briefing_layout, "FONT_CANDIDATES", (("/nowhere/a.ttf", "/nowhere/b.ttf"),))
    with pytest.raises(BriefingError, match="fonts-dejavu-core"):
        to_pdf(make(obs, ("reported_rape",)))


def test_the_pdf_embeds_a_font_with_swedish_letters(obs):
    pdf = to_pdf(make(obs, ("reported_rape",)))
    assert b"/FontFile2" in pdf  # the TrueType font travels inside the file
    assert "Anmälda våldtäkter" in flat(pdf_pages(pdf)[0][-1])


def test_goals_bring_their_headline_indicator_in_catalog_order():
    from ui.briefing import chosen_indicators

    chosen = chosen_indicators(CATALOG, ["county_5", "county_1"], ["reported_rape"])
    order = [i.id for i in CATALOG.indicators]
    assert set(chosen) == {"prevention_activities", "clearance_partner_assault", "reported_rape"}
    assert list(chosen) == sorted(chosen, key=order.index)


def test_both_languages_have_the_same_briefing_pack_words():
    from i18n import en, sv

    assert {k for k in sv.TEXT if k.startswith("briefing_")} == {
        k for k in en.TEXT if k.startswith("briefing_")
    }
    assert "briefing_pack" in sv.TEXT


# -- Layout: what a staff member dropping the slides into a briefing would see -------------------

EMU_PER_PT = 12700


def text_boxes(pptx: bytes):
    """(slide number, shape, paragraphs as textfit Paras) for every text box in the file."""
    from exports.textfit import Para, Run

    prs = Presentation(io.BytesIO(pptx))
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            paras = []
            for paragraph in shape.text_frame.paragraphs:
                runs = tuple(Run(r.text, bool(r.font.bold)) for r in paragraph.runs)
                size = max(r.font.size.pt for r in paragraph.runs)
                before = paragraph.space_before.pt if paragraph.space_before is not None else 0
                paras.append(Para(runs, size, before))
            yield number, shape, paras, prs


def test_no_text_runs_off_its_box_or_the_slide(obs):
    from exports.textfit import TextMeasure

    measure = TextMeasure(*briefing_layout.find_fonts())
    long_notes = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-09-01", "2026-08-01", "2026-07-01"]),
            "text": ["En lång kommentar om vad som hänt och varför, med många ord. " * 6] * 3,
            "author": ["Eva", "Per", "Ali"],
        }
    )
    events = [(pd.Timestamp(f"2025-{m:02d}-01"), "Ny rutin för bevissäkring i hela regionen")
              for m in range(1, 10)]  # fmt: skip
    every = tuple(i.id for i in CATALOG.indicators)
    for lang in ("sv", "en"):
        pack = make(obs, every, lang=lang, notes={"reported_rape": long_notes},
                    events={"reported_rape": events}, briefing_mode=lang == "en")  # fmt: skip
        pptx = to_pptx(pack)
        for number, shape, paras, prs in text_boxes(pptx):
            assert shape.left >= 0 and shape.top >= 0, number
            assert shape.left + shape.width <= prs.slide_width, number
            assert shape.top + shape.height <= prs.slide_height, number
            inset = shape.text_frame.margin_left + shape.text_frame.margin_right
            width = (shape.width - inset) / EMU_PER_PT
            height = (shape.height - 2 * shape.text_frame.margin_top) / EMU_PER_PT
            assert measure.height(paras, width) <= height + 0.01, (number, shape.text_frame.text)
            assert min(p.size for p in paras) >= 8, (number, shape.text_frame.text)
        # Each indicator has its own page in the PDF too (nothing pushed onto an extra page).
        pages = pdf_pages(to_pdf(pack))[1]
        assert sum(pages) == len(every) and all(n == 1 for n in pages[-len(every) :])


def test_the_pdf_keeps_every_word_on_its_page(obs):
    notes = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-09-01"] * 3),
            "text": ["Lång kommentar med många ord om läget i området. " * 8] * 3,
            "author": ["Eva"] * 3,
        }
    )
    pdf = to_pdf(make(obs, notes={"reported_rape": notes}))
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        spots = []

        def visit(text, cm, tm, font, size, spots=spots):
            if text.strip():
                spots.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        assert spots
        for x, y in spots:
            assert 0 <= x <= width and 0 <= y <= height, (x, y)


def test_a_slide_chart_fills_its_area(obs):
    rendered = []

    def render(fig, scale=2):
        rendered.append((fig.layout.width, fig.layout.height))
        return _png(810, 540)

    pptx = to_pptx(make(obs, ("reported_rape",), render=render))
    assert rendered == [briefing.CHART_PX]
    prs = Presentation(io.BytesIO(pptx))
    picture = next(s for s in prs.slides[-1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert picture.width >= 0.6 * prs.slide_width
    assert picture.height >= 0.7 * prs.slide_height


def test_empty_sections_are_left_out_and_shares_read_as_per_cent(obs):
    pack = make(obs, ("reported_rape", "clearance_partner_assault"))
    slides = [flat(text) for text in slide_texts(to_pptx(pack))]
    rape, clearance = slides[-2], slides[-1]
    for absent in ("Kommentarer", "Händelser", "Inga kommentarer", "Inga händelser"):
        assert absent not in rape
    assert "Måluppfyllelse" not in rape  # no target: no target line
    assert "Måluppfyllelse: " in clearance
    assert re.search(r"Senaste värde: \d+,\d % \(oktober 2026\)", clearance), clearance
    assert "% andel" not in clearance


def test_rare_events_hidden_by_disclosure_are_not_read_as_none(obs):
    raw = obs.copy()
    lethal = (raw["indicator_id"] == "lethal_violence_close_relations") & (
        raw["period"] >= pd.Timestamp("2026-01-01")
    )
    raw.loc[lethal, "value"] = [2.0 if i % 3 == 0 else 0.0 for i in range(int(lethal.sum()))]
    pack = make(apply_disclosure(raw, CATALOG, 5, key=KEY), ("lethal_violence_close_relations",),
                briefing_mode=True, stored=raw)  # fmt: skip
    texts = [flat(t) for t in slide_texts(to_pptx(pack)) + pdf_pages(to_pdf(pack))[0]]
    for text in texts:
        assert "0 hittills" not in text and "inga händelser" not in text, text
    assert any(".. hittills under 2026 (för få fall för att visas)" in t for t in texts)
    assert any(re.search(r"\d+ månader i perioden visas inte", t) for t in texts)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_year_totals_of_a_region_only_indicator_stand_beside_its_chart(obs, lang):
    """Briefing mode hides every month of lethal violence below 5 (zeros too); the pack lists
    the year totals instead (metrics.disclosure.period_totals), in the pack's language."""
    lethal = "lethal_violence_close_relations"
    protected = apply_disclosure(obs, CATALOG, 5, key=KEY)
    rows = protected[(protected["indicator_id"] == lethal) & (protected["area_code"] == "STHLM")]
    raw = obs[(obs["indicator_id"] == lethal) & (obs["area_code"] == "STHLM")]
    monthly = raw[["period", "value"]].assign(suppressed=rows["suppressed"].to_numpy())
    totals = period_totals(monthly)
    pack = make(protected, (lethal,), lang=lang, briefing_mode=True, stored=obs,
                year_totals={lethal: totals})  # fmt: skip
    lines = tuple(period_total_text(item, lang) for item in totals)
    assert pack.pages[0].year_totals == lines
    texts = " ".join(flat(t) for t in slide_texts(to_pptx(pack)) + pdf_pages(to_pdf(pack))[0])
    heading = {"sv": "Årssummor", "en": "Year totals"}[lang]
    assert heading in texts
    partial = {"sv": "2026: visas när året är slut", "en": "2026: shown when the year is complete"}
    assert partial[lang] in texts
    assert lines[0] in texts
    # Outside briefing mode nothing is given, and nothing is listed.
    assert make(obs, (lethal,), lang=lang).pages[0].year_totals == ()


def test_a_long_summary_continues_on_the_next_slide(obs):
    from metrics.narrative import Section

    pack = make(obs)
    sentences = tuple(f"Mening nummer {i} om ett mål och dess indikatorer." for i in range(60))
    long = dataclasses.replace(
        pack, summary=(*pack.summary, Section("county_1", "Mål 1", sentences))
    )
    slides = [flat(text) for text in slide_texts(to_pptx(long))]
    pages = [flat(text) for text in pdf_pages(to_pdf(long))[0]]
    for texts in (slides, pages):
        assert "Sammanfattning för oktober 2026 (forts.)" in texts[2]
        assert "Mål 1 (forts.)" in texts[2]  # the goal's heading goes on with it
        assert "Mening nummer 59" in " ".join(texts)


def test_a_hidden_latest_month_is_named_with_dots_not_an_older_months_value(obs):
    # Salem (0128) in the demo data: victims supported is hidden in October 2026.
    pack = make(
        apply_disclosure(obs, CATALOG, 5, key=KEY),
        ("victims_supported",),
        area="0128",
        briefing_mode=True,
        stored=obs,
    )
    texts = [flat(t) for t in slide_texts(to_pptx(pack))]
    page = texts[-1]
    # Salem's small counts are read as near-zero counts (yearly, not monthly): the year so far
    # is not known either, and says so with dots.
    assert "Senaste värde: .. hittills under 2026 (för få fall för att visas)" in page, page
    assert "Läses som sällsynta händelser" in page
    assert "Slumpmässig variation" not in page


def test_control_characters_and_long_text_from_analysts_do_not_break_the_pack(obs):
    # Issue 12: one control character in an event label broke the pack for everyone.
    hostile = "Ny\x00 rutin\x07\x1b[31m\u202e<img src=x onerror=alert(1)> ![x](https://e.x/x.png)"
    notes = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-09-01"]),
            "text": ["Kommentar\x0b med\x00 styrtecken " + "lång " * 2_000],
            "author": ["Eva\x1f"],
        }
    )
    events = [(pd.Timestamp("2025-03-01"), hostile + " x" * 5_000)]
    pack = make(obs, ("reported_rape",), notes={"reported_rape": notes},
                events={"reported_rape": events})  # fmt: skip
    slide = flat(slide_texts(to_pptx(pack))[-1])
    page = flat(pdf_pages(to_pdf(pack))[0][-1])
    for text in (slide, page):
        assert "mars 2025: Ny rutin[31m<img src=x onerror=alert(1)>" in text  # shown as text
        assert "Kommentar med styrtecken" in text and "(Eva)" in text
        assert not any(ord(c) < 32 for c in text)
    lines = pack.pages[0].events + pack.pages[0].notes
    assert all(len(line) < briefing.NOTE_LIMIT + 40 for line in lines)


def test_a_yearly_indicator_reads_its_periods_as_years_and_the_pack_range_stays_in_months(obs):
    yearly = "clearance_rape_yearly"
    notes = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01"]),
            "text": ["Ny metod för uppklaring"],
            "author": ["Eva"],
        }
    )
    pack = make(obs, (yearly, "reported_rape"), area="STHLM", notes={yearly: notes})
    year_page, month_page = pack.pages
    assert re.search(r"\((20\d\d)\)$", year_page.latest), year_page.latest  # "… (2025)"
    assert year_page.notes == ("2025: Ny metod för uppklaring (Eva)",)
    assert month_page.latest.endswith("(oktober 2026)")  # a monthly indicator as before
    assert pack.period_label == "januari 2024–oktober 2026"  # the selection's months
    slide = flat(slide_texts(to_pptx(pack))[-2])
    assert "2025: Ny metod" in slide and "januari 2025" not in slide

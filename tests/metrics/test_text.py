"""User text is text (metrics/text.py): controls removed, long text shortened, nothing made from it."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as hs

from metrics.text import ELLIPSIS, WORD_JOINER, clean, html_text, markdown_text, plain_text, shorten

HOSTILE = [
    "![x](https://attacker.example/x.png)",
    '<img src=x onerror="alert(1)">',
    "[klicka](javascript:alert(1))",
    "**fet** _kursiv_ `kod` # rubrik",
    ":red[röd] :material/warning: :smile: $x^2$",
    "Händelse\x00\x07\x1b[31m\x7f\x85 slut",
    "höger\u202evänster\u200b\ufeff",
    "&lt;b&gt; &amp;",
]


def test_control_and_invisible_characters_are_removed():
    assert clean("a\x00b\x07c\x1bd\x7fe\x85f") == "abcdef"
    assert clean("höger\u202evänster\u200b\ufeff") == "högervänster"
    assert clean("rad ett\r\nrad två") == "rad ett rad två"
    assert clean("rad ett\r\nrad två\n\n\n\ntre", multiline=True) == "rad ett\nrad två\n\ntre"
    assert clean("  många    mellanslag\t ") == "många mellanslag"
    assert clean(None) == ""
    assert clean("\ud800ensam surrogat") == "ensam surrogat"


def test_long_text_is_shortened_with_an_ellipsis():
    assert shorten("x" * 10_000, 120) == "x" * 119 + ELLIPSIS
    assert len(plain_text("y" * 10_000, limit=80)) == 80
    assert shorten("kort", 120) == "kort"
    assert shorten("kort", None) == "kort"


# Markdown that Streamlit would turn into something other than the characters typed.
_MADE = re.compile(r"(?<!\\)[\[\]()*_`#<>:$&!]")


@settings(max_examples=300, deadline=None)
@given(hs.text(max_size=200) | hs.sampled_from(HOSTILE))
def test_markdown_text_escapes_every_formatting_character(text):
    escaped = markdown_text(text)
    assert not _MADE.search(escaped.replace("\\\\", "")), escaped
    # Unescaping gives back exactly the cleaned text.
    shown = re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "")
    assert shown == clean(text)


@settings(max_examples=300, deadline=None)
@given(hs.text(max_size=200) | hs.sampled_from(HOSTILE))
def test_html_text_has_no_tags_and_reads_back_as_the_cleaned_text(text):
    escaped = html_text(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert html.unescape(escaped) == clean(text)


def test_multiline_markdown_keeps_line_breaks():
    assert markdown_text("a\nb", multiline=True) == "a  \nb"


def test_a_bare_address_cannot_become_a_link():
    # GFM links "http://…" and "www.…" after parsing, escapes or not: the scheme is broken up.
    escaped = markdown_text("se http://127.0.0.9/x.png och www.exempel.se")
    assert "http://" not in escaped.replace("\\", "") and "www." not in escaped.replace("\\", "")
    assert f"http{WORD_JOINER}" in escaped and f"www{WORD_JOINER}" in escaped

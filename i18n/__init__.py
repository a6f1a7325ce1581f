"""UI text per language: one dictionary per language (i18n/sv.py, i18n/en.py), looked up by key."""

from __future__ import annotations

from i18n import en, sv

LANGUAGES = ("sv", "en")
_TEXTS = {"sv": sv.TEXT, "en": en.TEXT}


COUNTS = ("n", "months", "rows")
"""Placeholders that hold a count: when one of them is 1, a text's `_one` form is used."""


def t(key: str, lang: str = "sv", **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled; Swedish if English lacks it.

    Singular and plural: when a count placeholder (COUNTS; an int or a formatted number) is 1
    and the language has `key + "_one"`, that text is used ("1 indikator", "2 indikatorer").
    A missing key raises KeyError (tests check that both languages have the same keys).
    """
    if any(str(values[name]) == "1" for name in COUNTS if name in values):
        key = key + "_one" if key + "_one" in _TEXTS.get(lang, sv.TEXT) else key
    text = _TEXTS.get(lang, sv.TEXT).get(key)
    if text is None:
        text = sv.TEXT[key]
    return text.format(**values) if values else text

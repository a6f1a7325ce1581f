"""UI text per language: one dictionary per language (i18n/sv.py, i18n/en.py), looked up by key."""

from __future__ import annotations

from i18n import en, sv

LANGUAGES = ("sv", "en")
_TEXTS = {"sv": sv.TEXT, "en": en.TEXT}


def t(key: str, lang: str = "sv", **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled; Swedish if English lacks it.

    A missing key raises KeyError (tests check that both languages have the same keys).
    """
    text = _TEXTS.get(lang, sv.TEXT).get(key)
    if text is None:
        text = sv.TEXT[key]
    return text.format(**values) if values else text

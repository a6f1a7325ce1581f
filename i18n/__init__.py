"""UI text per language: one dictionary per language (i18n/sv.py, i18n/en.py), looked up by key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from i18n import en, sv

Lang = Literal["sv", "en"]
"""A language the app speaks (the one owner of this type; LANGUAGES lists the same codes)."""
LANGUAGES: tuple[Lang, ...] = ("sv", "en")
_TEXTS = {"sv": sv.TEXT, "en": en.TEXT}


COUNTS = ("n", "months", "rows")
"""Placeholders that hold a count: when one of them is 1, a text's `_one` form is used."""


def t(key: str, lang: str = "sv", **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled; Swedish if English lacks it.

    Singular and plural: when a count placeholder (COUNTS; an int or a formatted number) is 1
    and the language has `key + "_one"`, that text is used ("1 indikator", "2 indikatorer").
    A value that is a Message is written in the same language (a list of them joined by "; "). A missing key raises KeyError
    (tests/i18n/test_coverage.py checks that both languages have the same keys).
    """
    values = {k: _written(v, lang) for k, v in values.items()}
    if any(str(values[name]) == "1" for name in COUNTS if name in values):
        key = key + "_one" if key + "_one" in _TEXTS.get(lang, sv.TEXT) else key
    text = _TEXTS.get(lang, sv.TEXT).get(key)
    if text is None:
        text = sv.TEXT[key]
    return text.format(**values) if values else text


def _written(value: object, lang: str) -> object:
    """A value as it goes into a text: a Message in the text's language, a list of them joined."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Message) for v in value):
        return "; ".join(v.text(lang) for v in value)
    return value


def number_word(n: int, lang: str = "sv") -> str:
    """A small count in words ("åtta", "eight"; neuter in Swedish: "ett mål"), from 13 in digits."""
    words = t("number_words", lang).split()
    return words[n] if 0 <= n < len(words) else str(n)


class Message:
    """A text not yet written in a language: an i18n key and its values.

    Code outside the UI (storage, ingest, schemas, metrics) says what happened as a Message;
    whoever shows it picks the language with `.text(lang)`. `str()` is the Swedish text.
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values

    def text(self, lang: str = "sv") -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.text("sv")

    def __repr__(self) -> str:
        return f"Message({self.key!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)


class Formatted(Message):
    """A value written as the reader's language writes it, inside a Message's values:
    `Formatted(format_number, 1000)` reads "1 000" in Swedish and "1,000" in English.

    `formatter(*args, lang=lang)` writes it; it must be a module-level function (a Message may
    cross to another process, e.g. from the upload check's worker).
    """

    __slots__ = ("formatter",)

    def __init__(self, formatter: Callable[..., str], /, *args: object) -> None:
        super().__init__(formatter.__qualname__, args=args)
        self.formatter = formatter

    def text(self, lang: str = "sv") -> str:
        return self.formatter(*self.values["args"], lang=lang)


class MessageError(Exception):
    """An error whose message is an i18n key with values (one mechanism for every layer).

    `str(error)` is the Swedish text (logs, the command line); `error.text(lang)` is the text in
    the user's language; `error.message` the Message itself. Domain errors subclass it together
    with their built-in base, e.g. ``class CommentaryError(MessageError, ValueError)``.
    """

    def __init__(self, key: str | Message, /, **values: object) -> None:
        self.message = key if isinstance(key, Message) else Message(key, **values)
        super().__init__(self.message.text("sv"))

    def text(self, lang: str = "sv") -> str:
        return self.message.text(lang)


def error_text(error: BaseException, lang: str = "sv") -> str:
    """What a page shows of a caught error: a MessageError in the reader's language, anything
    else as it reads (its own words)."""
    return error.text(lang) if isinstance(error, MessageError) else str(error)

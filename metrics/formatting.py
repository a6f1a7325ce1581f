"""Numbers, percentages and months written the way Swedish (and English) readers expect."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from i18n import Lang

if TYPE_CHECKING:  # metrics.catalog's validation reads this module
    from metrics.catalog import Indicator


NBSP = "\u00a0"
"""Thousands separator and the space before "%" in Swedish text: a regular no-break space
(U+00A0), so "1 234,5" and "45 %" never wrap across lines. Not the narrow U+202F, which some
fonts used in PNG exports and Excel lack."""
MINUS = "\u2212"
"""Swedish typography writes negative numbers with the minus sign (U+2212), not a hyphen."""
MISSING_TEXT = ".."
"""Written for a missing value, as SCB and BRÅ do ("uppgift saknas eller för osäker")."""
SUPPRESSED_TEXT = ".."
"""What a cell hidden by disclosure control shows, as in SCB's and BRÅ's tables (charts draw it;
metrics/disclosure/policy.py still defines its own copy, the same text, until it imports this)."""

MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month: int, lang: Lang = "sv") -> str:
    """The month's name (1 = January): lower case in Swedish ("mars"), capitalised in English."""
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1..12, not {month!r}")
    return (MONTHS_SV if lang == "sv" else MONTHS_EN)[int(month) - 1]


def format_month(period: pd.Timestamp | date | datetime | str, lang: Lang = "sv") -> str:
    """A month as people write it: "mars 2026" (sv) or "March 2026" (en).

    ``period`` may be a Timestamp/date or an ISO string ("2026-03" or "2026-03-01"); the day is
    ignored. A missing period (None/NaT) gives MISSING_TEXT.
    """
    if period is None or (not isinstance(period, str) and pd.isna(period)):
        return MISSING_TEXT
    ts = pd.Timestamp(period)
    return f"{month_name(ts.month, lang)} {ts.year}"


def format_date(day: pd.Timestamp | date | datetime | str, lang: Lang = "sv") -> str:
    """A day as people write it: "3 mars 2026" (sv) or "3 March 2026" (en); None/NaT gives ".."."""
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return MISSING_TEXT
    ts = pd.Timestamp(day)
    return f"{ts.day} {month_name(ts.month, lang)} {ts.year}"


def format_number(
    value: float | int | None,
    lang: Lang = "sv",
    decimals: int | None = None,
    *,
    signed: bool = False,
) -> str:
    """A number for people: ``format_number(1234.5, "sv")`` → "1 234,5" (U+00A0 between groups).

    Swedish: no-break space between thousands, decimal comma, minus sign U+2212.
    English: "1,234.5" with a hyphen-minus.
    decimals: digits after the decimal mark; None means 0 for whole numbers and 1 otherwise.
    signed: write "+" before positive numbers (for changes); zero gets no sign.
    Missing values (None, NaN, pd.NA) and infinities give MISSING_TEXT ("..").
    """
    if value is None or pd.isna(value) or math.isinf(float(value)):
        return MISSING_TEXT
    number = float(value)
    if decimals is None:
        decimals = 0 if number.is_integer() else 1
    text = f"{abs(number):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        negative = positive = False  # "-0,0" and "+0" would mislead
    else:
        negative, positive = number < 0, number > 0
    if lang == "sv":
        text = text.replace(",", NBSP).replace(".", ",")
        minus = MINUS
    else:
        minus = "-"
    if negative:
        return minus + text
    if signed and positive:
        return "+" + text
    return text


def format_percent(
    share: float | None,
    lang: Lang = "sv",
    decimals: int = 0,
    *,
    signed: bool = False,
) -> str:
    """A share (0..1) as a percentage: 0.453 → "45 %" (sv, no-break space) or "45%" (en).

    Values outside 0..1 are written as they are (1.2 → "120 %"); missing → "..".
    """
    if share is None or pd.isna(share):
        return MISSING_TEXT
    number = format_number(float(share) * 100, lang, decimals, signed=signed)
    return f"{number}{NBSP}%" if lang == "sv" else f"{number}%"


def format_percentage_points(difference: float | None, lang: Lang = "sv", decimals: int = 1) -> str:
    """A difference between two shares (0..1 scale) in percentage points, always signed:
    0.034 → "+3,4 procentenheter" (sv) or "+3.4 percentage points" (en); missing → ".."."""
    if difference is None or pd.isna(difference):
        return MISSING_TEXT
    number = format_number(float(difference) * 100, lang, decimals, signed=True)
    return f"{number} procentenheter" if lang == "sv" else f"{number} percentage points"


def format_value(indicator: Indicator, value: float | None, lang: Lang) -> str:
    """A value in the indicator's unit as every face writes it (pages, panel, briefing pack):
    shares in per cent with one decimal, counts, stocks and medians (days) whole; missing
    (None, NaN) gives MISSING_TEXT."""
    if value is None or pd.isna(value):
        return MISSING_TEXT
    if indicator.kind == "proportion":
        return format_percent(value, lang, decimals=1)
    return format_number(value, lang, decimals=0)


def format_change(
    indicator: Indicator, change: float | None, relative: float | None, lang: Lang
) -> str | None:
    """A change against last year: percentage points for shares; for everything else the
    change whole and, when ``relative`` (a fraction) is known, in whole per cent. None for None."""
    if change is None:
        return None
    if indicator.kind == "proportion":
        return format_percentage_points(change, lang)
    text = format_number(change, lang, decimals=0, signed=True)
    if relative is not None:
        text += f" ({format_percent(relative, lang, decimals=0, signed=True)})"
    return text

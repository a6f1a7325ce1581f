"""Periods at an indicator's frequency (month, quarter, year): parsing, writing, start and end, order.

A period is kept as its first day (a midnight Timestamp, a DATE in storage) together with the
frequency its indicator declares in the catalog: March 2026 is 2026-03-01 (monthly), the third
quarter of 2025 is 2025-07-01 (quarterly), the year 2025 is 2025-01-01 (yearly). Monthly data
stored before frequencies existed is therefore unchanged, and every ordering of stored periods
(by date) is the ordering of the periods.

Written forms (`period_code`, what files, CSV exports and URLs carry, and what uploads accept):
`2026-03` (months also as 2026-03-01, 2026M03, 202603, "mars 2026", "mar-26"), `2025K3` (also
2025Q3, 2025-K3, "kv. 3 2025", "Q3 2025") and `2025`. For people (`format_period`): "mars 2026",
"kv. 3 2025" and "2025" in Swedish; "March 2026", "Q3 2025" and "2025" in English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from i18n import Lang, t
from metrics.formatting import MISSING_TEXT, month_name

Frequency = Literal["monthly", "quarterly", "yearly"]

FREQUENCIES: tuple[Frequency, ...] = ("monthly", "quarterly", "yearly")
"""Every frequency an indicator may declare (catalog `frequency`, default "monthly")."""
DEFAULT_FREQUENCY: Frequency = "monthly"
MONTHS_IN: dict[str, int] = {"monthly": 1, "quarterly": 3, "yearly": 12}
"""Months per period of each frequency."""
PERIODS_PER_YEAR: dict[str, int] = {"monthly": 12, "quarterly": 4, "yearly": 1}

SWEDISH_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augusti": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
"""Month names and abbreviations read in uploads (Swedish and English, lower case)."""

EXAMPLE_CODE = {"monthly": "2026-03", "quarterly": "2025K3", "yearly": "2025"}
"""How each frequency's periods are written in a file, as an example for messages."""


def check_frequency(frequency: str) -> Frequency:
    """`frequency` if it is one of FREQUENCIES; ValueError otherwise (a programming error: the
    catalog's frequencies are validated when it loads)."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    return frequency  # type: ignore[return-value]


def frequency_noun(frequency: str, lang: Lang = "sv", *, article: bool = False) -> str:
    """One period of the frequency in words: "kvartal" ("ett kvartal" with `article`); "quarter"."""
    return t(f"frequency_{'a_' if article else ''}{check_frequency(frequency)}", lang)


def _ts(day: pd.Timestamp | date | datetime | str) -> pd.Timestamp:
    return pd.Timestamp(day).normalize()


def month_starts(days: Iterable) -> pd.DatetimeIndex:
    """The first day of each day's month (days: anything ``pd.to_datetime`` reads, e.g. "2026-03"
    or Timestamps; NaT stays NaT), in microseconds, as
    ``pd.DatetimeIndex(days).to_period("M").to_timestamp()`` gives them but without a frequency:
    pandas infers one from the dates at every such call, which was most of its time (nothing
    here reads an index's frequency except ``metrics.reader``'s shortcut for month ranges)."""
    index = (
        days if isinstance(days, pd.DatetimeIndex) else pd.DatetimeIndex(pd.to_datetime(list(days)))
    )
    values = index.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    return pd.DatetimeIndex(values.astype("datetime64[us]"))


def period_start(day: pd.Timestamp | date | datetime | str, frequency: str) -> pd.Timestamp:
    """The first day of the period of `frequency` holding `day` (any day of it)."""
    ts = _ts(day)
    step = MONTHS_IN[check_frequency(frequency)]
    return pd.Timestamp(year=ts.year, month=(ts.month - 1) // step * step + 1, day=1)


def next_period(start: pd.Timestamp, frequency: str, n: int = 1) -> pd.Timestamp:
    """The first day of the period `n` periods after the one holding `start` (n may be negative)."""
    return period_start(start, frequency) + pd.DateOffset(months=n * MONTHS_IN[frequency])


def period_end(start: pd.Timestamp | date | datetime | str, frequency: str) -> date:
    """The last day of the period holding `start`: 2025K3 ends 30 September 2025."""
    return (next_period(pd.Timestamp(start), frequency) - timedelta(days=1)).date()


def periods_between(earlier: pd.Timestamp, later: pd.Timestamp, frequency: str) -> int:
    """Whole periods from the one holding `earlier` to the one holding `later` (negative if before)."""
    a, b = period_start(earlier, frequency), period_start(later, frequency)
    return ((b.year - a.year) * 12 + b.month - a.month) // MONTHS_IN[frequency]


def period_range(start: pd.Timestamp, end: pd.Timestamp, frequency: str) -> pd.DatetimeIndex:
    """First days of every period from the one holding `start` to the one holding `end`."""
    first, last = period_start(start, frequency), period_start(end, frequency)
    if last < first:
        return pd.DatetimeIndex([])
    return pd.date_range(first, last, freq=f"{MONTHS_IN[frequency]}MS")


def quarter(start: pd.Timestamp | date | datetime) -> int:
    """The quarter (1..4) holding a day."""
    return (pd.Timestamp(start).month - 1) // 3 + 1


def period_code(start: pd.Timestamp | date | datetime | str | None, frequency: str) -> str:
    """A period as files, CSV exports and URLs write it: "2026-03", "2025K3" or "2025".

    `parse_period` reads it back. A missing period (None/NaT) gives MISSING_TEXT ("..").
    """
    if start is None or (not isinstance(start, str) and pd.isna(start)):
        return MISSING_TEXT
    ts = period_start(start, frequency)
    if frequency == "yearly":
        return f"{ts.year}"
    if frequency == "quarterly":
        return f"{ts.year}K{quarter(ts)}"
    return f"{ts.year}-{ts.month:02d}"


def format_period(
    start: pd.Timestamp | date | datetime | str | None, frequency: str, lang: Lang = "sv"
) -> str:
    """A period for people: "mars 2026", "kv. 3 2025", "2025" (sv); "March 2026", "Q3 2025",
    "2025" (en). Any day of the period may be given; None/NaT gives MISSING_TEXT ("..")."""
    if start is None or (not isinstance(start, str) and pd.isna(start)):
        return MISSING_TEXT
    return _period_text(start, frequency, lang)


def period_labels(starts: Iterable, frequency: str, lang: Lang = "sv") -> list[str]:
    """format_period of every day in `starts` (a DatetimeIndex or what makes one; NaT gives
    MISSING_TEXT), without a Timestamp made per day: a chart's hover and table name each of
    its months."""
    index = starts if isinstance(starts, pd.DatetimeIndex) else pd.DatetimeIndex(starts)
    step = MONTHS_IN[check_frequency(frequency)]
    missing = index.isna().tolist()
    return [
        MISSING_TEXT
        if gone
        else _label(int(year), (int(month) - 1) // step * step + 1, frequency, lang)
        for year, month, gone in zip(
            index.year.tolist(), index.month.tolist(), missing, strict=True
        )
    ]


def _period_text(start: pd.Timestamp | date | datetime | str, frequency: str, lang: Lang) -> str:
    ts = period_start(start, frequency)
    return _label(ts.year, ts.month, frequency, lang)


@functools.lru_cache(maxsize=4096)
def _label(year: int, first_month: int, frequency: str, lang: Lang) -> str:
    """The words for the period of `frequency` that starts in `first_month` of `year`."""
    if frequency == "yearly":
        return f"{year}"
    if frequency == "quarterly":
        return t("period_quarter", lang, quarter=(first_month - 1) // 3 + 1, year=year)
    return f"{month_name(first_month, lang)} {year}"


def format_periods(starts: pd.Series, frequency: str | pd.Series, lang: Lang = "sv") -> pd.Series:
    """format_period for a column of period starts, computed once per distinct period.

    `frequency` is one for the whole column, or one per row (a Series on the same index, e.g.
    each row's indicator's); a missing start or frequency gives MISSING_TEXT.
    """
    return _per_period(starts, frequency, lambda s, f: format_period(s, f, lang))


def period_codes(starts: pd.Series, frequency: str | pd.Series) -> pd.Series:
    """period_code for a column of period starts, computed once per distinct period.

    `frequency` as in format_periods: one for the column or one per row.
    """
    return _per_period(starts, frequency, period_code)


def _per_period(
    starts: pd.Series, frequency: str | pd.Series, write: Callable[[object, str], str]
) -> pd.Series:
    if isinstance(frequency, str):
        distinct = {s: write(s, frequency) for s in pd.unique(starts.dropna())}
        return starts.map(distinct).fillna(MISSING_TEXT).astype(object)
    out = pd.Series(MISSING_TEXT, index=starts.index, dtype=object)
    for one in pd.unique(frequency.dropna()):
        rows = (frequency == one).to_numpy()
        out[rows] = _per_period(starts[rows], one, write)
    return out


# ---------------------------------------------------------------------------------------------
# Reading written periods (uploads, URLs). One grammar, applied to a column at once.

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})m(\d{1,2})$|^(\d{4})(\d{2})$")
# A word of letters (any alphabet; only SWEDISH_MONTHS' names are read as months).
_NAMED = re.compile(r"^([^\W\d_]+)\.?[\s\-]+(\d{2}|\d{4})$|^(\d{4})[\s\-]+([^\W\d_]+)\.?$")
_QUARTER_WORD = r"(?:kvartal|kv\.?|k|q)"
_QUARTER = re.compile(
    rf"^(\d{{4}})\s*[-/]?\s*{_QUARTER_WORD}\s*([1-4])$|^{_QUARTER_WORD}\s*([1-4])[\s\-/]+(\d{{4}})$"
)
_YEAR_LIMITS = (1900, 2200)


@dataclass(frozen=True)
class ParsedPeriods:
    """A column of written periods read: `start` (first day, NaT if unread), `frequency`
    (the granularity the text was written at: "monthly"/"quarterly"/"yearly", None if unread),
    `ok` (read, or empty) and `day_dropped` (a date not on the 1st, read as its month)."""

    start: pd.Series
    frequency: pd.Series
    ok: pd.Series
    day_dropped: pd.Series


def whole_numbers(text: pd.Series, start: int = 0, stop: int | None = None) -> np.ndarray:
    """The digits (optionally a leading minus) at [start, stop) of each text, as floats.

    The caller has matched the texts: they hold a whole number there. Arrow-backed text is cast
    by pyarrow (a million cells in milliseconds); other text goes through Python.
    """
    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        cells = pa.array(text)
        if start or stop is not None:
            cells = pc.utf8_slice_codeunits(cells, start, stop if stop is not None else 2**31 - 1)
        return pc.cast(pc.cast(cells, pa.int64()), pa.float64()).to_numpy(zero_copy_only=False)
    return text.str.slice(start, stop).astype("int64").astype("float64").to_numpy()


def parse_period_texts(raw: pd.Series) -> ParsedPeriods:
    """Read a column of written periods (stripped text; "" for an empty cell).

    Months: 2026-03, 2026-03-01 (and Excel's "2026-03-01 00:00:00"), 2026M03, 202603,
    "mars 2026", "2026 mars", "mar-26" (Excel's mmm-yy, read as 2026); a date not on the 1st is
    read as its month (day_dropped). Quarters: 2025K3, 2025Q3, 2025-K3, 2025 kv3, "kv. 3 2025",
    "Q3 2025". Years: 2025. Case does not matter; years 1900..2200.
    """
    text = raw.str.lower().str.strip()
    year = pd.Series(np.nan, index=raw.index)
    month = pd.Series(np.nan, index=raw.index)
    months_in = pd.Series(np.nan, index=raw.index)
    day_dropped = pd.Series(False, index=raw.index)

    # Fast paths: "YYYY-MM" (the canonical month) and "YYYY" are read by slicing; only the
    # other cells go through the general patterns (regex extraction runs in Python).
    empty_match = text.astype(bool) if not len(text) else None
    canonical = text.str.fullmatch(r"[0-9]{4}-[0-9]{2}") if empty_match is None else empty_match
    if bool(canonical.any()):
        year[canonical] = whole_numbers(text[canonical], 0, 4)
        month[canonical] = whole_numbers(text[canonical], 5, 7)
        months_in[canonical] = 1
    yearly = text.str.fullmatch(r"[0-9]{4}") if empty_match is None else empty_match
    if bool(yearly.any()):
        year[yearly] = whole_numbers(text[yearly])
        month[yearly] = 1
        months_in[yearly] = 12
    rest = ~canonical & ~yearly & (text != "")
    if bool(rest.any()):
        y, m, n, dropped = _parse_general(text[rest])
        year[rest], month[rest], months_in[rest], day_dropped[rest] = y, m, n, dropped

    valid = year.notna() & month.between(1, 12) & year.between(*_YEAR_LIMITS)
    # First of the month from months since 1970, in numpy (no per-row date construction).
    months = ((year.where(valid, 2000) - 1970) * 12 + month.where(valid, 1) - 1).astype("int64")
    starts = pd.Series(
        months.to_numpy().astype("datetime64[M]").astype("datetime64[us]"), index=raw.index
    ).where(valid)
    names = {1: "monthly", 3: "quarterly", 12: "yearly"}
    frequency = months_in.where(valid).map(names).astype("object")
    frequency = frequency.where(frequency.notna(), None)
    return ParsedPeriods(starts, frequency, valid | (text == ""), day_dropped & valid)


def _parse_general(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(year, month, months per period, day_dropped) for lower-cased texts in any accepted form."""
    year = pd.Series(np.nan, index=text.index)
    month = pd.Series(np.nan, index=text.index)
    months_in = pd.Series(np.nan, index=text.index)

    iso = text.str.extract(_ISO)
    hit = iso[0].notna()
    year[hit] = iso.loc[hit, 0].astype(float)
    month[hit] = iso.loc[hit, 1].astype(float)
    day = pd.to_numeric(iso[2], errors="coerce")
    day_dropped = hit & day.notna() & (day != 1)

    compact = text.str.extract(_COMPACT)
    for y_col, m_col in ((0, 1), (2, 3)):
        hit = year.isna() & compact[y_col].notna()
        year[hit] = compact.loc[hit, y_col].astype(float)
        month[hit] = compact.loc[hit, m_col].astype(float)

    named = text.str.extract(_NAMED)
    for name_col, y_col in ((0, 1), (3, 2)):
        hit = year.isna() & named[name_col].notna() & named[name_col].isin(SWEDISH_MONTHS)
        years = named.loc[hit, y_col].astype(float)
        year[hit] = years.where(years >= 100, years + 2000)
        month[hit] = named.loc[hit, name_col].map(SWEDISH_MONTHS).astype(float)
    months_in[year.notna()] = 1

    quarters = text.str.extract(_QUARTER)
    for y_col, q_col in ((0, 1), (3, 2)):
        hit = year.isna() & quarters[y_col].notna()
        year[hit] = quarters.loc[hit, y_col].astype(float)
        month[hit] = (quarters.loc[hit, q_col].astype(float) - 1) * 3 + 1
        months_in[hit] = 3
    return year, month, months_in, day_dropped


@dataclass(frozen=True)
class Period:
    """One period read from text: its first day and the frequency it was written at."""

    start: pd.Timestamp
    frequency: Frequency

    def code(self) -> str:
        return period_code(self.start, self.frequency)

    def label(self, lang: Lang = "sv") -> str:
        return format_period(self.start, self.frequency, lang)

    def end(self) -> date:
        return period_end(self.start, self.frequency)


def parse_period(text: str) -> Period | None:
    """One written period (any form parse_period_texts reads), or None if it is not one."""
    parsed = parse_period_texts(pd.Series([str(text).strip()], dtype="object"))
    start = parsed.start.iloc[0]
    if pd.isna(start):
        return None
    return Period(pd.Timestamp(start), parsed.frequency.iloc[0])

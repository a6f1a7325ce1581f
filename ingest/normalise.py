"""Turning an upload's text cells into typed values (numbers, months, codes), naming every cell that won't parse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from i18n import Message, t
from metrics.periods import parse_period_texts
from metrics.periods import whole_numbers as _whole_numbers
from schemas.upload import RowProblems, UploadError, bounded_errors, map_values

if TYPE_CHECKING:
    from metrics.catalog import Catalog

STATUS_WORDS = {
    "": "final",
    "final": "final",
    "slutlig": "final",
    "slutliga": "final",
    "definitiv": "final",
    "def": "final",
    "preliminary": "preliminary",
    "preliminär": "preliminary",
    "preliminära": "preliminary",
    "preliminar": "preliminary",
    "prel": "preliminary",
    "prel.": "preliminary",
    "p": "preliminary",
}


# Numbers from this size up are not read: from 10^15 a float no longer holds every whole number
# with the digits written (exact up to 2^53 ≈ 9.007 × 10^15, so the limit keeps a margin), and
# Excel keeps 15 significant digits, so a larger number has usually lost digits there already. A
# monthly count in the region is in the thousands: such a number is a pasted id or merged cells.
NUMBER_LIMIT = 1e15


@dataclass
class Normalised:
    """Typed rows (NaN/NaT where a cell did not parse) plus the errors and assumptions found."""

    frame: pd.DataFrame
    errors: list[UploadError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    more: int = 0  # problems found and not listed (schemas.upload.bounded_errors)


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column's cells as stripped text ("" for every row when the column is missing)."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype="object")
    return stripped(frame[column])


def stripped(cells: pd.Series) -> pd.Series:
    """Text cells with surrounding whitespace removed; missing cells become ""."""
    if isinstance(cells.dtype, pd.StringDtype) and not cells.hasnans:
        # Text as the reader gives it (Arrow-backed, no missing cells): strip it where it is,
        # without a round trip through Python objects (seconds for a million rows).
        return cells.str.strip()
    return cells.astype("object").fillna("").astype(str).str.strip()


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written the Swedish way or the English way; returns (values, parsed_ok).

    Accepts "1 234,5", "1234.5", "1.234,5", "1,234.5", a Unicode minus, and spaces (also no-break)
    as thousands separators. A lone comma is a decimal comma ("0,5"). Empty cells are NaN with
    parsed_ok True (whether empty is allowed is the validator's call). Cells that are not a
    number are NaN with parsed_ok False; so are "inf", "nan" and numbers of NUMBER_LIMIT or more
    in size, which a float would not hold as written ("1e400" is infinity,
    "9007199254740993" would be stored as ...992): `too_large_numbers` tells those apart.
    """
    # Fast path: empty cells and plain whole numbers of up to 15 digits (exact as floats), which
    # is what scripts and most Excel files write, are read in one vectorised cast; only the other
    # cells go through the general reading below.
    plain = raw.str.fullmatch(r"-?[0-9]{1,15}") if len(raw) else raw.astype(bool)
    empty = raw == ""
    if bool((plain | empty).all()):
        values = pd.Series(np.nan, index=raw.index)
        values[plain] = _whole_numbers(raw[plain])
        return values, pd.Series(True, index=raw.index)
    if bool((plain | empty).any()):
        values = pd.Series(np.nan, index=raw.index)
        values[plain] = _whole_numbers(raw[plain])
        ok = pd.Series(True, index=raw.index)
        rest = ~(plain | empty)
        values[rest], ok[rest] = _parse_numbers_general(raw[rest])
        return values, ok
    return _parse_numbers_general(raw)


def _parse_numbers_general(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, blank = _numbers_as_written(raw)
    ok = blank | (values.abs() < NUMBER_LIMIT)  # (False for NaN and ±inf)
    return values.where(ok), ok


def too_large_numbers(raw: pd.Series, parsed_ok: pd.Series) -> pd.Series:
    """Which cells parse_numbers did not read are numbers too large to store exactly.

    A number written with digits whose size is NUMBER_LIMIT or more (also one beyond a float's
    range, like "1e400"); "inf", "Infinity" and "nan" have no digits and are not numbers at all.
    Only the unread cells are read again (none in a clean file).
    """
    large = pd.Series(False, index=raw.index)
    unread = raw[~parsed_ok]
    if len(unread):
        digits = unread.str.contains(r"[0-9]", regex=True)
        large[~parsed_ok] = digits & (_numbers_as_written(unread)[0].abs() >= NUMBER_LIMIT)
    return large


def _numbers_as_written(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stripped texts read as floats in the accepted notations, and whether each is blank (no
    characters once separators are removed). NaN for what is not a number; as large as written
    (infinity beyond a float's range): the caller checks the size."""
    text = raw.str.replace(r"[\s\u00a0\u202f']", "", regex=True).str.replace("\u2212", "-")
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    # "1.234,5": dots are thousands; "1,234.5": commas are thousands.
    text = text.where(~(both & comma_last), text.str.replace(".", "", regex=False))
    text = text.where(~(both & ~comma_last), text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    blank = text == ""
    return pd.to_numeric(text.where(~blank, None), errors="coerce").astype(float), blank


def parse_periods(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Periods in the formats of metrics.periods.parse_period_texts; returns (first-day
    timestamps, parsed_ok, day_dropped). The granularity each was written at:
    `parse_period_texts(raw).frequency`."""
    parsed = parse_period_texts(raw)
    return parsed.start, parsed.ok, parsed.day_dropped


def read_indicators(text: pd.Series) -> pd.Series:
    """Indicator ids as written (stripped text), in the catalog's lower case."""
    return text.str.lower()


def read_areas(text: pd.Series, known: set[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Area codes from stripped text: (codes, upper-cased text, lost_zero).

    Excel turns "0180" into 180. A 1-3 digit number that is a known code with its leading zeros
    is that code (lost_zero True, so the caller can say so).
    """
    area = text.str.upper()
    padded = area.str.zfill(4)
    lost_zero = area.str.fullmatch(r"\d{1,3}") & padded.isin(known)
    return area.where(~lost_zero, padded), area, lost_zero


def read_statuses(text: pd.Series) -> pd.Series:
    """ "final"/"preliminary" from the status words of STATUS_WORDS (NaN for any other word)."""
    return map_values(text.str.lower(), STATUS_WORDS)


def read_notes(note: pd.Series) -> pd.Series:
    """Notes as text. Our own exports (and Excel users) write ' before text that looks like a
    formula; it is read back as the text it protects, so an export re-ingests unchanged."""
    # (Only cells starting with ' can change: the look-ahead runs in Python, so only on those.)
    quoted = note.str.startswith("'")
    if bool(quoted.any()):
        note = note.where(~quoted, note[quoted].str.replace(r"^'(?='*[=+\-@])", "", regex=True))
    return note


# The notes below are assumptions, recorded with the upload as Swedish sentences.


def lost_zero_note(count: int, written: str, read: str) -> str:
    return t("normalise_lost_zero", "sv", count=count, written=written, read=read)


def ignored_denominators_note(count: int) -> str:
    return t("normalise_ignored_denominators", "sv", count=count)


def day_dropped_note(count: int, example: str) -> str:
    return t("normalise_day_dropped", "sv", count=count, example=example)


def normalise_rows(rows: pd.DataFrame, catalog: Catalog) -> Normalised:
    """Typed columns from text ones. Every cell that cannot be read is an error naming its row.

    Each cell is read on its own (no reading depends on another cell), which is what lets
    ingest.precheck read a clean file once per distinct text.
    """
    out = pd.DataFrame({"excel_row": rows["excel_row"].astype("int64")}, index=rows.index)
    problems: list[RowProblems] = []
    assumptions: list[str] = []

    def add_errors(
        mask: pd.Series, column: str, raw: pd.Series, key: str, **values: object
    ) -> None:
        index = mask.index[mask.to_numpy(dtype=bool)].to_numpy()
        if len(index):
            problems.append(
                RowProblems(
                    column,
                    index,
                    raw.loc[index].to_frame(),
                    lambda i: raw.at[i],
                    lambda i: Message(key, value=raw.at[i], **values),
                )
            )

    out["indicator_id"] = read_indicators(text_column(rows, "indicator_id"))

    area, written, lost_zero = read_areas(
        text_column(rows, "area_code"), {a.code for a in catalog.areas}
    )
    if lost_zero.any():
        assumptions.append(
            lost_zero_note(
                int(lost_zero.sum()), written[lost_zero].iloc[0], area[lost_zero].iloc[0]
            )
        )
    out["area_code"] = area

    period_raw = text_column(rows, "period")
    parsed = parse_period_texts(period_raw)
    periods, period_ok, day_dropped = parsed.start, parsed.ok, parsed.day_dropped
    out["period"] = periods
    # The granularity each period was written at (month, quarter, year): schemas.upload checks
    # it against the indicator's frequency.
    out["period_frequency"] = parsed.frequency
    add_errors(~period_ok, "period", period_raw, "normalise_period_unknown")
    if day_dropped.any():
        assumptions.append(
            day_dropped_note(int(day_dropped.sum()), period_raw[day_dropped].iloc[0])
        )

    for column in ("value", "denominator"):
        label = Message(f"normalise_label_{column}")
        raw = text_column(rows, column)
        values, ok = parse_numbers(raw)
        percent = raw.str.endswith("%")
        large = too_large_numbers(raw, ok)
        out[column] = values
        add_errors(percent, column, raw, "normalise_percent", label=label)
        add_errors(large & ~percent, column, raw, "normalise_too_large", label=label)
        add_errors(~ok & ~large & ~percent, column, raw, "normalise_not_a_number", label=label)

    status_raw = text_column(rows, "status")
    status = read_statuses(status_raw)
    out["status"] = status
    add_errors(status.isna(), "status", status_raw, "normalise_status_unknown")
    out["note"] = read_notes(text_column(rows, "note"))
    found = bounded_errors(problems, out["excel_row"], len(out))
    return Normalised(frame=out, errors=found.errors, assumptions=assumptions, more=found.more)

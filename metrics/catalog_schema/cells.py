"""What a catalog cell may hold (ids, texts, periods, numbers) and the pandera checks built on it.

Every check is named after its message (metrics/catalog_schema/validate.py `CHECK_MESSAGES`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa

from metrics.periods import FREQUENCIES, parse_period

SHORT_LABEL_MAX = 40
"""The longest short label of a goal (it fits a card and a slide's heading)."""

_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_PERIOD = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])|\d{4}K[1-4]|\d{4}")
"""A period as the catalog writes it: a month 2026-03, a quarter 2025K3 or a year 2025."""


def is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def is_period(value: object) -> bool:
    return isinstance(value, str) and _PERIOD.fullmatch(value) is not None


def period_frequency(value: str) -> str | None:
    """The frequency a catalog period is written at ("2026-03" monthly, "2025K3" quarterly,
    "2025" yearly), None if it is not one."""
    if not is_period(value):
        return None
    parsed = parse_period(value)
    return parsed.frequency if parsed else None


def is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_set_of(value: object, accept: Callable[[object], bool]) -> bool:
    """A non-empty list of accepted, distinct items."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(accept(item) for item in value)
        and len(set(value)) == len(value)
    )


def not_repeated(values: pd.Series) -> pd.Series:
    # repr() makes lists and other unhashable junk comparable; their type is reported elsewhere.
    return ~values.map(repr).duplicated(keep=False)


def repeated_together(*columns: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows whose values in `columns`, taken together, occur once."""
    # repr() makes lists and other unhashable junk comparable; their type is reported elsewhere.
    return lambda rows: ~rows[list(columns)].map(repr).duplicated(keep=False)


def cell(name: str, accept: Callable[[object], bool]) -> pa.Check:
    """A check of each cell on its own."""
    return pa.Check(accept, element_wise=True, name=name)


def rows(name: str, accept: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check across the columns of each row (or across rows)."""
    return pa.Check(accept, name=name)


def _at_frequency(table: pd.DataFrame) -> pd.Series:
    """A target's, baseline's or break's period is written at its indicator's frequency."""
    return pd.Series(
        [
            not is_period(p) or f not in FREQUENCIES or period_frequency(p) == f
            for p, f in zip(table["period"], table["frequency"], strict=True)
        ],
        index=table.index,
    )


ID = cell("id", is_id)
TEXT = cell("text", is_text)
OPTIONAL_TEXT = cell("optional_text", lambda value: isinstance(value, str))
SHORT_TEXT = cell("short_text", lambda value: is_text(value) and len(value) <= SHORT_LABEL_MAX)
FLAG = cell("flag", lambda value: isinstance(value, bool))
PERIOD = cell("month", is_period)
NON_NEGATIVE = cell("non_negative", lambda value: is_number(value) and value >= 0)
POSITIVE_WHOLE = cell("positive_whole", lambda value: is_whole(value) and value >= 1)
UNIQUE = pa.Check(not_repeated, name="unique")
AT_FREQUENCY = rows("period_frequency", _at_frequency)


def table(
    columns: Mapping[str, Sequence[pa.Check]],
    checks: Sequence[pa.Check] = (),
    *,
    nullable: tuple[str, ...] = (),
) -> pa.DataFrameSchema:
    """A catalog table: exactly these columns (plain Python values), each with its checks."""
    return pa.DataFrameSchema(
        {
            name: pa.Column(object, checks=list(column_checks), nullable=name in nullable)
            for name, column_checks in columns.items()
        },
        checks=list(checks),
        strict=True,
    )

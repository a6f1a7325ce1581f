"""CSV files that open safely and correctly in Swedish Excel (and read back through the ingest)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

# A cell starting with one of these is run as a formula by Excel and other spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(text: str) -> str:
    """Text that a spreadsheet would read as a formula, prefixed with ' so it stays text.

    Text that already starts with that marker (' before a formula character) gets one more, so
    the ingest, which removes one, reads back exactly what was stored.
    """
    escaped = text[:1] == "'" and text.lstrip("'")[:1] in ("=", "+", "-", "@")
    return "'" + text if text.startswith(_FORMULA_START) or escaped else text


HIDDEN_TEXT = ".."
"""What a cell disclosure control hides says in a CSV, as in SCB's and BRÅ's tables."""


def to_excel_csv(
    frame: pd.DataFrame,
    *,
    decimal: str = ",",
    sep: str = ";",
    hidden: Mapping[str, object] | None = None,
) -> bytes:
    """The frame as UTF-8 CSV with BOM, semicolon-separated with decimal comma by default.

    Swedish Excel opens this by double-click with å/ä/ö intact and numbers as numbers. Text cells
    that look like formulas are defused; numbers are written without thousands separators, whole
    numbers without decimals. hidden: column -> one bool per row; those cells read ".." (hidden
    by disclosure control), whatever the frame holds there. Every CSV the app offers is written
    here, so every download is defused the same way.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[column] = series.map(lambda x: _number(x, decimal))
        else:
            out[column] = series.map(lambda x: "" if _missing(x) else defuse_formula(str(x)))
    for column, mask in (hidden or {}).items():
        out[column] = out[column].mask(np.asarray(mask, dtype=bool), HIDDEN_TEXT)
    return out.to_csv(index=False, sep=sep, lineterminator="\r\n").encode("utf-8-sig")


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x is pd.NaT or x is pd.NA


def _number(x: object, decimal: str) -> str:
    if _missing(x):
        return ""
    value = float(x)  # type: ignore[arg-type]
    text = str(int(value)) if value.is_integer() else repr(value)
    return text.replace(".", decimal)

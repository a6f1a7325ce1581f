"""The check of a clean file in one pass: cells read once per distinct text, every rule an array test.

A million-row file has a few hundred distinct indicator ids, area codes and months, a few thousand
distinct numbers, and one or two statuses and notes. `precheck_rows` reads each distinct text with
the detailed path's own readers (ingest.normalise), spreads the results over the rows by integer
codes, and tests every rule of schemas.upload on those arrays. When every rule holds it returns the
frame the detailed path would return; when anything fails, or the file is unusual in a way it does
not handle, it returns None and the detailed path (pandera, every problem named by Excel row and
column) runs instead. `tests/ingest/test_precheck.py` checks on generated files that both paths
give the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.normalise import (
    day_dropped_note,
    ignored_denominators_note,
    lost_zero_note,
    parse_numbers,
    read_areas,
    read_indicators,
    read_notes,
    read_statuses,
    stripped,
)
from metrics.periods import parse_period_texts
from schemas.upload import UPLOAD_COLUMNS

if TYPE_CHECKING:
    from metrics.catalog import Catalog

# Beyond this many (indicator, area) spellings, or key combinations for the duplicate test's
# bitmap, the arrays would cost more than they save: the detailed path or a hash is used instead.
_MAX_PAIRS = 1_000_000
_MAX_BITMAP = 1 << 26


@dataclass
class Prechecked:
    """A file that meets every rule: the frame check_upload returns, and the assumptions made."""

    frame: pd.DataFrame
    assumptions: list[str]


@dataclass
class _Distinct:
    """A column as its distinct texts and one code per row (`texts` stripped, `raw` as written,
    both Series of the column's dtype); `column` is the column itself (None if missing)."""

    column: pd.Series | None
    raw: pd.Series
    texts: pd.Series
    codes: np.ndarray

    def spread(self, per_text: pd.Series) -> pd.Series:
        """A result computed per distinct text, as one value per row (same dtype)."""
        if (
            self.column is not None
            and per_text.dtype == self.column.dtype
            and per_text.equals(self.raw)
        ):
            return self.column  # every text reads as itself (the usual case): no copy
        return pd.Series(per_text.array.take(self.codes), dtype=per_text.dtype)

    def first_row(self, per_text: np.ndarray) -> int:
        """The first row whose text has `per_text` True."""
        return int(np.flatnonzero(per_text[self.codes])[0])


def _distinct(rows: pd.DataFrame, column: str) -> _Distinct | None:
    n = len(rows)
    if column not in rows.columns:
        # What normalise.text_column gives for a missing column: "" in every row.
        empty = pd.Series([""], dtype="object")
        return _Distinct(None, empty, empty, np.zeros(n, dtype=np.int32))
    cells = rows[column]
    if not (isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"):
        return None
    if cells.hasnans:
        return None
    text = pa.array(cells.array)
    if pc.all(pc.equal(text, text[0])).as_py():  # one text in every row (status, note)
        dictionary, codes = pa.array([text[0].as_py()], text.type), np.zeros(n, dtype=np.int32)
    else:
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        encoded = pc.dictionary_encode(text)
        dictionary, codes = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    raw = pd.Series(dictionary, dtype=cells.dtype)
    return _Distinct(cells.reset_index(drop=True), raw, stripped(raw), codes)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of values (equal values, equal codes)."""
    return pd.factorize(values)[0]


def _unique_keys(keys: list[tuple[np.ndarray, int]]) -> bool:
    """Whether the rows' combinations of codes (each with its number of distinct codes) differ."""
    combined = np.zeros(len(keys[0][0]), dtype=np.int64)
    space = 1
    for codes, size in keys:
        combined = combined * size + codes
        space *= size
    if space <= _MAX_BITMAP:
        seen = np.zeros(space, dtype=np.bool_)
        seen[combined] = True
        return int(np.count_nonzero(seen)) == len(combined)
    return bool(pd.Index(combined).is_unique)


def precheck_rows(
    rows: pd.DataFrame, catalog: Catalog, current_month: pd.Timestamp
) -> Prechecked | None:
    """The normalised frame if the rows (as read_upload gives them) meet every rule, else None.

    None means "not shown to be clean", never "wrong": the detailed path decides and explains.
    """
    if rows.empty or not isinstance(rows.index, pd.RangeIndex) or rows.index.start != 0:
        return None
    distinct = {c: _distinct(rows, c) for c in UPLOAD_COLUMNS}
    if any(d is None for d in distinct.values()):
        return None
    ind, area, period = distinct["indicator_id"], distinct["area_code"], distinct["period"]
    value, den = distinct["value"], distinct["denominator"]
    status, note = distinct["status"], distinct["note"]
    assumptions: list[str] = []

    # Cells, read per distinct text by the detailed path's readers.
    indicators = {i.id: i for i in catalog.indicators}
    ind_read = read_indicators(ind.texts)
    if not ind_read.isin(indicators).all():
        return None
    areas = {a.code for a in catalog.areas}
    area_read, area_written, lost_zero = read_areas(area.texts, areas)
    if not area_read.isin(areas).all():
        return None
    lost = lost_zero.to_numpy(dtype=bool)
    if lost.any():
        count = int(lost[area.codes].sum())
        first = area.codes[area.first_row(lost)]
        assumptions.append(lost_zero_note(count, area_written.iloc[first], area_read.iloc[first]))

    parsed = parse_period_texts(period.texts)
    stamps, period_ok, day_dropped = parsed.start, parsed.ok, parsed.day_dropped
    if not (period_ok.all() and stamps.notna().all() and (stamps <= current_month).all()):
        return None
    # Each period written at its indicator's frequency (month, quarter, year).
    wanted = np.array([indicators[i].frequency for i in ind_read], dtype=object)[ind.codes]
    written = parsed.frequency.to_numpy(dtype=object)[period.codes]
    if not (wanted == written).all():
        return None
    dropped = day_dropped.to_numpy(dtype=bool)
    if dropped.any():
        count = int(dropped[period.codes].sum())
        assumptions.append(
            day_dropped_note(count, period.texts.iloc[period.codes[period.first_row(dropped)]])
        )

    numbers = {}
    for name, column in (("value", value), ("denominator", den)):
        # (ok is False also for inf, nan and numbers too large to hold exactly: the detailed path
        # names them.)
        parsed, ok = parse_numbers(column.texts)
        if not ok.all() or column.texts.str.endswith("%").any() or (parsed < 0).any():
            return None
        numbers[name] = parsed
    if numbers["value"].isna().any():  # an empty value
        return None
    statuses = read_statuses(status.texts)
    if statuses.isna().any():
        return None

    # Rules over rows: arrays gathered by code.
    kinds = np.array([indicators[i].kind for i in ind_read], dtype=object)
    counting = np.isin(kinds, ["count", "stock"])[ind.codes]
    proportion = (kinds == "proportion")[ind.codes]
    if len(ind.texts) * len(area.texts) > _MAX_PAIRS:
        return None
    area_list = area_read.tolist()
    valid = {i: set(catalog.valid_areas(i)) for i in set(ind_read)}
    fits = np.array(
        [[a in valid[i] for a in area_list] for i in ind_read.tolist()], dtype=bool
    ).reshape(len(ind.texts), len(area.texts))
    if not fits[ind.codes, area.codes].all():
        return None
    v = numbers["value"].to_numpy()
    d = numbers["denominator"].to_numpy()
    v_whole = v == np.round(v)
    if not v_whole[value.codes][counting].all():
        return None
    d_rows = d[den.codes]
    has_d = ~np.isnan(d_rows)
    if not has_d[proportion].all():
        return None
    if not (d == np.round(d))[den.codes][proportion].all():
        return None
    if not (v[value.codes][proportion] <= d_rows[proportion]).all():
        return None
    ind_key, area_key, month_key = _codes(ind_read), _codes(area_read), _codes(stamps)
    if not _unique_keys(
        [
            (ind_key[ind.codes], int(ind_key.max()) + 1),
            (area_key[area.codes], int(area_key.max()) + 1),
            (month_key[period.codes], int(month_key.max()) + 1),
        ]
    ):
        return None

    ignored = int((~proportion & has_d).sum())
    if ignored:
        assumptions.append(ignored_denominators_note(ignored))
    denominators = np.where(proportion, d_rows, np.nan)
    frame = pd.DataFrame(
        {
            "indicator_id": ind.spread(ind_read),
            "area_code": area.spread(area_read),
            "period": period.spread(stamps).astype("datetime64[ns]"),
            "value": v[value.codes],
            "denominator": denominators,
            "status": status.spread(statuses),
            "note": note.spread(read_notes(note.texts)),
        }
    )
    return Prechecked(frame=frame, assumptions=assumptions)

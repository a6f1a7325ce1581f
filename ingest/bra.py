"""BRÅ's SOL export ("Databasfil.txt") read as canonical monthly rows through the catalog's mapping.

The format (public-figures.md §9a): header `Region;Brott;År;Period;Antal;/100 000 inv`,
ISO-8859-1, every data row ending with a trailing `;`, months written `Jan`…`Dec`, a
preliminary year written `2026 prel.`, `..` for a suppressed or not applicable cell, and yearly
rows with `År` in the År column. Categories and regions are read only through the catalog's
`[[bra_mapping]]` entries: anything unmapped is an error naming it, never a guess.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message, t
from metrics.catalog import BraMapping, Catalog
from metrics.catalog_schema import fold_bra_text
from metrics.periods import SWEDISH_MONTHS
from schemas.upload import MAX_ERRORS, UPLOAD_COLUMNS, UploadError

SOURCE_FORMAT = "BRÅ SOL"
HEADER = ("Region", "Brott", "År", "Period", "Antal", "/100 000 inv")
RAW_COLUMNS = ["region", "brott", "ar", "period", "antal", "per_100k"]
# How the BRÅ columns become canonical ones (for "how the file was understood").
COLUMN_MAP = {
    "area_code": "Region",
    "indicator_id": "Brott",
    "period": "År + Period",
    "value": "Antal",
}
SUPPRESSED = ".."
ROWS_LISTED = 5  # row numbers quoted in one message before "…"

_YEAR = re.compile(r"^(\d{4})\s*(prel\.?)?$", re.IGNORECASE)


@dataclass
class BraRows:
    """Canonical text rows (as an upload's columns, with `excel_row`) plus errors and assumptions."""

    frame: pd.DataFrame
    errors: list[UploadError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    more: int = 0  # problems found beyond MAX_ERRORS: counted, never built


@dataclass
class _Rows:
    """The rows one problem applies to: how many, and the first few (all that a message quotes)."""

    count: int = 0
    first: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.first) <= ROWS_LISTED:
            self.first.append(row)


def _cells(line: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=";"), [])
    except csv.Error:  # a cell over the csv module's field limit (128 KB): not a BRÅ row
        cells = line.split(";")
    # BRÅ ends every data row (not the header) with ";": one empty cell more than the header.
    if len(cells) == len(HEADER) + 1 and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def is_bra_header(line: str) -> bool:
    """True for the header line of a SOL "Databasfil" export (case and spacing aside)."""
    cells = [c.strip() for c in _cells(line)]
    while cells and not cells[-1]:
        cells.pop()
    return [fold_bra_text(c) for c in cells] == [fold_bra_text(h) for h in HEADER]


def split_rows(
    lines: list[str], *, first_row: int = 2
) -> tuple[pd.DataFrame, list[UploadError], int]:
    """The data lines after the header as text cells (RAW_COLUMNS) with their Excel row, the
    errors, and how many more errors were found beyond MAX_ERRORS (counted, not built).

    `first_row` is the row number of lines[0] as Excel shows it (the header is row 1). Blank
    lines are skipped but keep their number; a line with the wrong number of cells is an error.
    """
    records, errors, more = [], [], 0
    for number, line in enumerate(lines, start=first_row):
        if not line.strip():
            continue
        cells = _cells(line)
        if len(cells) != len(HEADER):
            if len(errors) >= MAX_ERRORS:
                more += 1
                continue
            errors.append(
                UploadError(
                    number,
                    None,
                    line[:200],
                    Message("bra_fields", fields=len(cells)),
                )
            )
            continue
        records.append([c.strip() for c in cells] + [number])
    frame = pd.DataFrame(records, columns=[*RAW_COLUMNS, "excel_row"])
    return frame.astype({"excel_row": "int64"}), errors, more


def _rows(n: int) -> Message:
    return Message("bra_rows", n=n)


def _row_list(rows: list[int] | _Rows) -> str:
    first = rows.first if isinstance(rows, _Rows) else rows
    shown = ", ".join(str(r) for r in first[:ROWS_LISTED])
    return shown + (" …" if len(first) > ROWS_LISTED else "")


def _month(year_text: str, month_text: str) -> tuple[str, bool] | None:
    """("YYYY-MM", preliminary) from the År and Period cells, or None when they are no month."""
    year = _YEAR.match(year_text.strip())
    month = SWEDISH_MONTHS.get(month_text.strip().rstrip(".").lower())
    if year is None or month is None:
        return None
    return f"{year.group(1)}-{month:02d}", year.group(2) is not None


def _year(period_text: str) -> tuple[str, bool] | None:
    """("YYYY", preliminary) from the Period cell of a yearly row (År in the År column)."""
    year = _YEAR.match(period_text.strip())
    return None if year is None else (year.group(1), year.group(2) is not None)


def to_canonical(rows: pd.DataFrame, catalog: Catalog) -> BraRows:
    """Map BRÅ rows (from `split_rows`) to canonical rows: one per mapped, unsuppressed cell.

    - yearly rows (`År` in the År column, the year in Period) give the year as the period;
      whether that is the mapped indicator's granularity is the ordinary rules' call;
    - rows of an ignored region (catalog `bra_ignored_regions`) are skipped and counted;
    - a region, or a category within a region, without a mapping is one error per text, naming
      it, how many rows and which, so the analyst sees every gap at once;
    - `..` in Antal is not stored and is counted as an assumption;
    - `2026 prel.` gives status preliminary; otherwise final. The value text goes on to the
      ordinary number parsing and rules, with its Excel row.
    """
    out: list[dict] = []
    errors: list[UploadError] = []
    more = 0  # errors beyond MAX_ERRORS: counted only
    ignored: Counter[str] = Counter()
    unknown_regions: dict[str, _Rows] = {}
    unmapped: dict[tuple[str, str], _Rows] = {}
    used: dict[BraMapping, int] = {}
    suppressed = 0

    def full() -> bool:
        return len(errors) + len(unknown_regions) + len(unmapped) >= MAX_ERRORS

    for row in rows.itertuples(index=False):
        excel_row = int(row.excel_row)
        status = catalog.bra_region_status(row.region)
        if status == "ignored":
            ignored[row.region] += 1
            continue
        if status == "unknown":
            if row.region in unknown_regions or not full():
                unknown_regions.setdefault(row.region, _Rows()).add(excel_row)
            else:
                more += 1
            continue
        mapping = catalog.bra_mapping(row.brott, row.region)
        if mapping is None:
            if (row.brott, row.region) in unmapped or not full():
                unmapped.setdefault((row.brott, row.region), _Rows()).add(excel_row)
            else:
                more += 1
            continue
        if row.antal == SUPPRESSED:
            suppressed += 1
            continue
        yearly = fold_bra_text(row.ar) == "år"
        month = _year(row.period) if yearly else _month(row.ar, row.period)
        if month is None:
            if full():
                more += 1
                continue
            errors.append(
                UploadError(
                    excel_row,
                    "period",
                    f"{row.ar};{row.period}",
                    Message("bra_month_unknown", year=row.ar, period=row.period),
                )
            )
            continue
        period, preliminary = month
        used[mapping] = used.get(mapping, 0) + 1
        out.append(
            {
                "indicator_id": mapping.indicator_id,
                "period": period,
                "area_code": mapping.area_code,
                "value": row.antal,
                "denominator": "",
                "status": "preliminary" if preliminary else "final",
                "note": "",
                "excel_row": excel_row,
            }
        )

    mapped_regions = sorted({m.region for m in catalog.bra_mappings})
    for region, numbers in unknown_regions.items():
        errors.append(
            UploadError(
                numbers.first[0],
                "area_code",
                region,
                Message(
                    "bra_region_unmapped",
                    region=region,
                    count=_rows(numbers.count),
                    lines=_row_list(numbers),
                    regions=", ".join(mapped_regions),
                ),
            )
        )
    for (brott, region), numbers in unmapped.items():
        errors.append(
            UploadError(
                numbers.first[0],
                "indicator_id",
                brott,
                Message(
                    "bra_category_unmapped",
                    category=brott,
                    region=region,
                    count=_rows(numbers.count),
                    lines=_row_list(numbers),
                ),
            )
        )

    # Assumptions are recorded with the upload as Swedish sentences.
    assumptions: list[str] = []
    for mapping, count in used.items():
        indicator = catalog.indicator(mapping.indicator_id)
        area = catalog.area(mapping.area_code)
        text = t(
            "bra_mapped",
            "sv",
            category=mapping.brott,
            region=mapping.region,
            indicator=indicator.label_sv,
            id=indicator.id,
            area=area.name_sv,
            count=_rows(count),
        )
        assumptions.append(text + (f" {mapping.note_sv}" if mapping.note_sv else ""))
    if suppressed:
        assumptions.append(t("bra_suppressed", "sv", n=suppressed))
    for region, count in ignored.items():
        assumptions.append(t("bra_region_ignored", "sv", count=_rows(count), region=region))
    if not out and not errors and not more:
        errors.append(
            UploadError(
                None,
                None,
                None,
                Message("bra_nothing"),
            )
        )
    frame = pd.DataFrame(
        out,
        columns=[*UPLOAD_COLUMNS, "excel_row"],
    )
    return BraRows(frame.astype({"excel_row": "int64"}), errors, assumptions, more)

"""BRÅ's table of handled offences with person-based clearance, read as yearly Mål 5 shares.

The format (public-figures.md §3): no header, one row per offence group, seven tab-separated
fields `kategori, underkategori, handlagda, utredda, direktavskrivna, lagföringsprocent,
personuppklaringsprocent`; numbers with a space between thousands (`1 457 533 `), a trailing and
sometimes a leading space, `-` for zero. The table names neither its year nor its area (a county
table and the national one look alike), so the analyst states both; only an area every mapped
indicator is reported for is accepted.

Rows are read only through the catalog: `[[handled_mapping]]` (a row as part of a yearly share
indicator; an indicator's rows are summed) and `[[handled_ignored]]` (skipped on purpose). Any
other row is an error naming it, never a guess. The share's numerator is derived: the table
gives whole percentages, so personuppklarade = round(handlagda × procent / 100) per row, said in
the assumptions (the stored share is the table's percentage; the count may differ from BRÅ's own
by up to half a percent of the handled offences).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message
from metrics.catalog import Catalog, HandledMapping
from metrics.formatting import format_number
from schemas.upload import UPLOAD_COLUMNS, UploadError

SOURCE_FORMAT = "BRÅ handlagda brott"
RAW_COLUMNS = [
    "kategori",
    "underkategori",
    "handlagda",
    "utredda",
    "direktavskrivna",
    "lagforingsprocent",
    "personuppklaringsprocent",
]
NUMERIC = RAW_COLUMNS[2:]
PERCENT = ("lagforingsprocent", "personuppklaringsprocent")
# The canonical column an error in a field concerns (the others keep the table's name).
CANONICAL_COLUMN = {
    "kategori": "indicator_id",
    "underkategori": "indicator_id",
    "handlagda": "denominator",
    "personuppklaringsprocent": "value",
}
# How the table's columns become canonical ones (for "how the file was understood").
COLUMN_MAP = {
    "indicator_id": "kategori + underkategori",
    "value": "personuppklaringsprocent × handlagda",
    "denominator": "handlagda",
}
ROWS_LISTED = 5
MIN_YEAR, MAX_YEAR = 1975, 2100  # BRÅ's statistics start in 1975; later years the rules judge

# BRÅ's numbers: digits in groups of three with a space (or a no-break space) between, or "-".
_NUMBER = re.compile(r"\d{1,3}(?: \d{3})*|\d+|-")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@dataclass
class HandledRows:
    """Canonical text rows (as an upload's columns, with `excel_row`) plus errors and assumptions."""

    frame: pd.DataFrame
    errors: list[UploadError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    more: int = 0  # as bra.BraRows; always 0 here (every problem is built, the pipeline caps)


def _cells(line: str) -> list[str]:
    return line.rstrip("\r").split("\t")


def parse_number(text: str) -> int | None:
    """A field of the table as a whole number: `1 457 533 ` -> 1457533, `-` -> 0; None if it is
    not written as BRÅ writes numbers."""
    cell = text.translate(_SPACES).strip()
    if not _NUMBER.fullmatch(cell):
        return None
    return 0 if cell == "-" else int(cell.replace(" ", ""))


def is_handled_line(line: str) -> bool:
    """True for a line in the table's shape: seven tab-separated fields, a kategori, and five
    numbers as BRÅ writes them. The first line of a file decides (the table has no header)."""
    cells = _cells(line)
    return (
        len(cells) == len(RAW_COLUMNS)
        and bool(cells[0].strip())
        and all(parse_number(c) is not None for c in cells[2:])
    )


def split_rows(lines: list[str], *, first_row: int = 1) -> tuple[pd.DataFrame, list[UploadError]]:
    """The table's lines as text cells (RAW_COLUMNS) with their row as Excel shows it (the first
    line is row 1: the table has no header), and an error for each line with another number of
    fields than seven. Blank lines are skipped but keep their number."""
    records, errors = [], []
    for number, line in enumerate(lines, start=first_row):
        if not line.strip():
            continue
        cells = _cells(line)
        if len(cells) != len(RAW_COLUMNS):
            errors.append(
                UploadError(
                    number,
                    None,
                    line[:200],
                    Message("handled_fields", n=len(cells)),
                )
            )
            continue
        records.append([*cells, number])
    frame = pd.DataFrame(records, columns=[*RAW_COLUMNS, "excel_row"])
    return frame.astype({"excel_row": "int64"}), errors


def allowed_areas(catalog: Catalog) -> tuple[str, ...]:
    """The areas a table may be stated for: those every mapped indicator is reported for."""
    indicators = {m.indicator_id for m in catalog.handled_mappings}
    if not indicators:
        return ()
    common = set.intersection(*(set(catalog.valid_areas(i)) for i in indicators))
    return tuple(a.code for a in catalog.areas if a.code in common)


def check_stated(catalog: Catalog, year: int | None, area: str | None) -> list[UploadError]:
    """Whole-file errors for a missing or unusable year or area (the table states neither)."""
    errors = []
    if year is None:
        errors.append(UploadError(None, "period", None, Message("handled_year_missing")))
    elif isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(
            UploadError(None, "period", str(year), Message("handled_year_invalid", year=year))
        )
    if area is None or not str(area).strip():
        errors.append(UploadError(None, "area_code", None, Message("handled_area_missing")))
    elif area not in allowed_areas(catalog):
        allowed = ", ".join(f"{c} ({catalog.area(c).name_sv})" for c in allowed_areas(catalog))
        errors.append(
            UploadError(
                None,
                "area_code",
                area,
                Message("handled_area_not_allowed", area=area, allowed=allowed or "–"),
            )
        )
    return errors


def _row_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:ROWS_LISTED])
    return shown + (" …" if len(rows) > ROWS_LISTED else "")


@dataclass
class _Part:
    mapping: HandledMapping
    row: int
    handled: int
    cleared: int  # derived: round(handled × percent / 100)


def _numbers(row: object, errors: list[UploadError]) -> dict[str, int] | None:
    """The row's five numbers, or None after adding a row error per field that is not one."""
    values: dict[str, int] = {}
    for position, column in enumerate(RAW_COLUMNS, start=1):
        if column not in NUMERIC:
            continue
        text = getattr(row, column)
        number = parse_number(text)
        name = Message(f"handled_column_{column}")  # the column's name in the reader's language
        if number is None:
            message = Message(
                "handled_not_a_number", position=position, column=name, value=text.strip()
            )
        elif column in PERCENT and number > 100:
            message = Message("handled_percent_range", position=position, column=name, value=number)
        else:
            values[column] = number
            continue
        errors.append(
            UploadError(
                int(row.excel_row),
                CANONICAL_COLUMN.get(column, column),
                text.strip()[:200],
                str(message),
            )
        )
    return values if len(values) == len(NUMERIC) else None


def to_canonical(
    rows: pd.DataFrame, catalog: Catalog, *, year: int | None, area: str | None
) -> HandledRows:
    """One canonical row per mapped indicator: the year and area stated by the analyst, the
    summed derived numerator in `value` and the summed handled offences in `denominator`.

    Every row's numbers are checked (a field that is not a number, or a percentage above 100, is
    a row error naming row and column); a row neither mapped nor ignored is an error naming its
    text and rows; a row twice in the table, or an indicator with some but not all of its rows,
    is an error. Nothing is returned to store when there is any error.
    """
    errors: list[UploadError] = list(check_stated(catalog, year, area))
    unmapped: dict[tuple[str, str], list[int]] = {}
    seen: dict[tuple[str, str], int] = {}
    parts: dict[str, list[_Part]] = {}
    rows_of: dict[str, list[int]] = {}  # each mapped indicator's rows in the file
    ignored = 0
    for row in rows.itertuples(index=False):
        excel_row = int(row.excel_row)
        numbers = _numbers(row, errors)
        kategori, underkategori = row.kategori.strip(), row.underkategori.strip()
        if catalog.handled_row_ignored(kategori, underkategori):
            ignored += 1
            continue
        mapping = catalog.handled_mapping(kategori, underkategori)
        if mapping is None:
            unmapped.setdefault((kategori, underkategori), []).append(excel_row)
            continue
        key = (mapping.kategori, mapping.underkategori)
        if key in seen:
            errors.append(
                UploadError(
                    excel_row,
                    "indicator_id",
                    f"{kategori} / {underkategori}",
                    str(
                        Message(
                            "handled_duplicate",
                            kategori=kategori,
                            underkategori=underkategori,
                            first=seen[key],
                            row=excel_row,
                        )
                    ),
                )
            )
            continue
        seen[key] = excel_row
        rows_of.setdefault(mapping.indicator_id, []).append(excel_row)
        if numbers is None:
            continue  # its row errors are said; the row is there, so no part is missing
        handled = numbers["handlagda"]
        # Round half up in whole numbers: the percentage is BRÅ's rounding of cleared / handled.
        cleared = (handled * numbers["personuppklaringsprocent"] + 50) // 100
        parts.setdefault(mapping.indicator_id, []).append(
            _Part(mapping, excel_row, handled, cleared)
        )
    for (kategori, underkategori), numbers_at in unmapped.items():
        errors.append(
            UploadError(
                numbers_at[0],
                "indicator_id",
                f"{kategori} / {underkategori}",
                str(
                    Message(
                        "handled_unmapped",
                        kategori=kategori,
                        underkategori=underkategori,
                        lines=_row_list(numbers_at),
                        n=len(numbers_at),
                    )
                ),
            )
        )
    for indicator_id, found_rows in rows_of.items():
        wanted = [m for m in catalog.handled_mappings if m.indicator_id == indicator_id]
        for missing in wanted:
            if (missing.kategori, missing.underkategori) in seen:
                continue
            errors.append(
                UploadError(
                    None,
                    "indicator_id",
                    f"{missing.kategori} / {missing.underkategori}",
                    str(
                        Message(
                            "handled_part_missing",
                            indicator=catalog.indicator(indicator_id).label_sv,
                            total=len(wanted),
                            kategori=missing.kategori,
                            underkategori=missing.underkategori,
                            lines=_row_list(found_rows),
                        )
                    ),
                )
            )

    out: list[dict] = []
    assumptions: list[str] = []
    if not errors:
        area_name = catalog.area(area).name_sv
        assumptions.append(str(Message("handled_stated", year=year, area=area_name)))
        for indicator_id, found in parts.items():
            numerator = sum(p.cleared for p in found)
            denominator = sum(p.handled for p in found)
            out.append(
                {
                    "indicator_id": indicator_id,
                    "period": str(year),
                    "area_code": area,
                    "value": str(numerator),
                    "denominator": str(denominator),
                    "status": "final",
                    "note": "",
                    "excel_row": found[0].row,
                }
            )
            texts = "; ".join(f"”{p.mapping.underkategori}”" for p in found)
            notes = " ".join(p.mapping.note_sv for p in found if p.mapping.note_sv)
            assumptions.append(
                str(
                    Message(
                        "handled_mapped",
                        parts=texts,
                        lines=_row_list([p.row for p in found]),
                        indicator=catalog.indicator(indicator_id).label_sv,
                        area=area_name,
                        year=year,
                        numerator=format_number(numerator, "sv"),
                        denominator=format_number(denominator, "sv"),
                    )
                )
                + (f" {notes}" if notes else "")
            )
        if out:
            assumptions.append(str(Message("handled_rounded")))
        if ignored:
            assumptions.append(str(Message("handled_ignored", n=ignored)))
        if not out:
            errors.append(UploadError(None, None, None, Message("handled_nothing")))
    frame = pd.DataFrame(
        out,
        columns=[*UPLOAD_COLUMNS, "excel_row"],
    )
    # Every problem is built (a table has some hundred rows); the pipeline lists MAX_ERRORS.
    return HandledRows(frame.astype({"excel_row": "int64"}), errors, assumptions)

"""Excel workbooks (.xlsx) as uploads: the container bounded before anything is unpacked, then one
sheet's cells as the text an analyst sees, under the header row.

Read with python-calamine (pinned in requirements.txt). Before calamine sees a byte, the zip is
inspected (`inspect_workbook`): its declared sizes and compression ratios, then every member
streamed through zipfile (which stops at the declared size and checks the CRC, so a member that
lies about its size is refused rather than unpacked) while the sheets' rows are counted. Memory
for that check is one chunk at a time. What is refused, with a message saying what to do
(`workbook_*` keys in i18n/):
- more than MAX_UNPACKED_BYTES unpacked, a member compressed more than MAX_RATIO times (a zip
  bomb), more than MAX_MEMBERS members, a sheet of more than MAX_ROWS rows;
- an encrypted workbook (Excel's "Kryptera med lösenord" stores it in an OLE/CFB container
  holding an `EncryptedPackage`), and an old .xls (also OLE/CFB, a `Workbook` stream);
- a zip that is not a workbook, or a sheet without a recognisable header row.

Cells keep what Excel stores: numbers are numbers (written back as plain digits, a point for
decimals: 101.5, never rounded to what the cell displays), a month stored as a date is `YYYY-MM`,
another date `YYYY-MM-DD`, and a formula gives its cached value (the value Excel saved).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from i18n import Formatted, MessageError, t
from metrics.formatting import format_number

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""At most this much unpacked in all (a 200 000-row sheet saved by LibreOffice unpacks to 64 MB)."""
MAX_RATIO = 200
"""A member larger than RATIO_FLOOR may be at most this many times its packed size (real sheets
are 5-30 times; a zip bomb is hundreds or a thousand times)."""
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 2_000
MAX_ROWS = 300_000
"""Rows of one sheet, counted before it is read (the CSV path takes more: a sheet costs ~0,7 kB
per row in calamine and Python together)."""
HEADER_SEARCH_ROWS = 20
"""The header may be below a title: it is looked for in the first rows that hold anything."""
_CHUNK = 1 << 16
_ROW_TAG = re.compile(rb"<(?:\w{1,8}:)?row[\s>/]")
_ROW_TAG_MAX = 14  # longest match: "<" + 8-letter prefix + ":row" + one character


class WorkbookRefused(MessageError, ValueError):
    """A workbook that is not read; the message (an i18n key with values) says what to do."""


@dataclass
class SheetCells:
    """One sheet's cells as text: `rows` are (row number as Excel shows it, cells) pairs."""

    sheet: str
    sheet_names: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def is_workbook(data: bytes, file_name: str = "") -> bool:
    """True for what should be read as a workbook: a zip or OLE container, or an Excel name."""
    return (
        data[:4] == ZIP_MAGIC
        or data[:8] == CFB_MAGIC
        or file_name.lower().endswith(WORKBOOK_SUFFIXES)
    )


def _mb(n: int) -> Formatted:
    """A size in whole megabytes as the reader's language writes the number."""
    return Formatted(format_number, round(n / (1024 * 1024)))


def quoted_names(names: tuple[str, ...], lang: str = "sv") -> str:
    """Names in the language's quotation marks, joined: ”Blad1”, ”Data” (sv); “Blad1”, “Data”."""
    left, right = ("”", "”") if lang == "sv" else ("“", "”")
    return ", ".join(f"{left}{name}{right}" for name in names)


def inspect_workbook(data: bytes) -> None:
    """Refuse (WorkbookRefused) a container that is encrypted, not a workbook, or would unpack
    beyond the limits; memory used is one chunk of one member at a time."""
    if data[:8] == CFB_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookRefused("workbook_encrypted")
        raise WorkbookRefused("workbook_xls")
    if data[:4] != ZIP_MAGIC:
        raise WorkbookRefused("workbook_not_a_workbook")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _broken(exc) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise WorkbookRefused(
                "workbook_too_many_parts", parts=Formatted(format_number, len(members)), **_LIMITS
            )
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNPACKED_BYTES:
            raise WorkbookRefused("workbook_too_large", megabytes=_mb(declared), **_LIMITS)
        for member in members:
            if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                ratio = member.file_size // max(member.compress_size, 1)
                raise WorkbookRefused(
                    "workbook_zip_bomb",
                    ratio=Formatted(format_number, ratio),
                    member=member.filename,
                    megabytes=_mb(member.file_size),
                )
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names:
            raise WorkbookRefused("workbook_zip_not_xlsx")
        for member in members:
            rows = _stream(archive, member)
            if rows > MAX_ROWS:
                raise WorkbookRefused(
                    "workbook_too_many_rows",
                    sheet=member.filename.rsplit("/", 1)[-1],
                    limit=Formatted(format_number, MAX_ROWS),
                )


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Unpack one member chunk by chunk (checking its size and CRC); rows counted in sheets."""
    is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
    rows, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                if not is_sheet:
                    continue
                joined = tail + chunk
                # A tag cut by the chunk boundary is whole in the next round: count each tag
                # once, in the round where it ends after the carried-over tail.
                rows += sum(1 for m in _ROW_TAG.finditer(joined) if m.end() > len(tail))
                tail = joined[-(_ROW_TAG_MAX - 1) :]
                if rows > MAX_ROWS:
                    return rows
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _broken(exc) from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _broken(exc) from exc
    return rows


_LIMITS = {
    "limit_megabytes": Formatted(format_number, MAX_UNPACKED_BYTES // (1024 * 1024)),
    "limit_parts": Formatted(format_number, MAX_MEMBERS),
}


def _broken(exc: BaseException) -> WorkbookRefused:
    return WorkbookRefused("workbook_broken", error=type(exc).__name__)


@dataclass
class Workbook:
    """An inspected workbook, open for reading its sheets one at a time."""

    book: object
    sheet_names: list[str]

    def find(self, sheet: str) -> str:
        """The sheet's name as written in the workbook (case and spaces aside); WorkbookRefused
        naming the sheets there are when there is none."""
        for name in self.sheet_names:
            if name.strip().casefold() == sheet.strip().casefold():
                return name
        raise WorkbookRefused(
            "workbook_no_such_sheet",
            sheet=sheet,
            sheets=Formatted(quoted_names, tuple(self.sheet_names)),
        )

    def cells(self, name: str) -> SheetCells:
        """One sheet's non-empty rows as text, numbered as Excel shows them."""
        from python_calamine import CalamineError

        try:
            sheet = self.book.get_sheet_by_name(name)  # type: ignore[attr-defined]
            start = sheet.start[0] if sheet.start else 0
            out = SheetCells(sheet=name, sheet_names=self.sheet_names)
            for offset, row in enumerate(sheet.iter_rows()):
                texts = [cell_text(c) for c in row]
                if any(texts):
                    out.rows.append((start + offset + 1, texts))
            return out
        except (CalamineError, ValueError, OSError) as exc:
            raise _broken(exc) from exc


def open_workbook(data: bytes) -> Workbook:
    """Inspect the container (`inspect_workbook`) and open it; WorkbookRefused when refused or
    unreadable, or when it has no sheets."""
    from python_calamine import CalamineError, load_workbook

    inspect_workbook(data)
    try:
        book = load_workbook(io.BytesIO(data))
        names = list(book.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise _broken(exc) from exc
    if not names:
        raise WorkbookRefused("workbook_no_sheets")
    return Workbook(book, names)


def cell_text(cell: object) -> str:
    """A cell as text that ingest.normalise reads back to what Excel stored."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, bool):
        return "SANT" if cell else "FALSKT"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            return str(cell)
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime):
        if cell.time() == time(0):
            return _date_text(cell.date())
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return _date_text(cell)
    if isinstance(cell, timedelta | time):
        return str(cell)
    return str(cell).strip()


# Excel stores a date as the number of days since 1899-12-30; in a cell without a date format
# it shows as that number. In the period column a whole number in this range (2000-01-01 to
# 2099-12-31) can only be such a date: no period is written 36526-73050.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (36_526, 73_050)


def serial_months(periods: list[str]) -> tuple[list[str], str]:
    """The period cells with Excel date numbers read as dates, and a note for the upload's
    recorded assumptions, in Swedish ("" if none)."""
    out, first = [], None
    for text in periods:
        if text.isdigit() and _SERIAL_RANGE[0] <= int(text) <= _SERIAL_RANGE[1]:
            day = _EXCEL_EPOCH + timedelta(days=int(text))
            first = first or (text, day)
            out.append(_date_text(day))
        else:
            out.append(text)
    if first is None:
        return out, ""
    n = sum(a != b for a, b in zip(out, periods, strict=True))
    return out, t(
        "workbook_serial_dates",
        "sv",
        n=format_number(n, "sv"),
        serial=first[0],
        date=first[1].isoformat(),
    )


def _date_text(day: date) -> str:
    """A month stored as its first day is the month; another day keeps its day."""
    return f"{day:%Y-%m}" if day.day == 1 else day.isoformat()

"""Reading an uploaded file as Excel or a script wrote it: encoding, delimiter, headers, rows."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from i18n import Formatted, Message, MessageError, t
from ingest import bra, handled, workbook
from metrics.formatting import format_number
from schemas.upload import MAX_ERRORS, REQUIRED_COLUMNS, UPLOAD_COLUMNS, UploadError

# Header spellings accepted per canonical column (compared after folding case, accents kept).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("indicator_id", "indicator", "indikator", "indikator_id", "kpi", "nyckeltal"),
    "period": ("period", "month", "månad", "manad", "period_månad", "datum", "date"),
    "area_code": (
        "area_code",
        "area",
        "område",
        "omrade",
        "områdeskod",
        "omradeskod",
        "område_kod",
        "kommunkod",
    ),
    "value": ("value", "värde", "varde", "antal", "täljare", "taljare"),
    "denominator": ("denominator", "nämnare", "namnare", "bas"),
    "status": ("status",),
    "note": ("note", "kommentar", "anteckning", "notering", "comment"),
}
_ALIAS_TO_COLUMN = {alias: col for col, aliases in HEADER_ALIASES.items() for alias in aliases}
# Each delimiter the reader accepts, and the i18n key of its name ("semikolon", "semicolon").
DELIMITERS = {";": "delimiter_semicolon", ",": "delimiter_comma", "\t": "delimiter_tab"}


@dataclass
class ReadFile:
    """A file's rows as text under canonical column names, with how it was read.

    `rows` has one column per canonical column present plus `excel_row` (the row number Excel
    shows, header = 1). `errors` holds problems that concern the whole file or a row's shape.
    For a BRÅ SOL export (`source_format` bra.SOURCE_FORMAT) `rows` holds BRÅ's own columns
    (bra.RAW_COLUMNS) instead, for `bra.to_canonical`.
    """

    rows: pd.DataFrame
    encoding: str = ""
    delimiter: str = ""
    column_map: dict[str, str] = field(default_factory=dict)
    column_positions: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    errors: list[UploadError] = field(default_factory=list)
    source_format: str = "canonical"
    more_errors: int = 0  # problems found beyond MAX_ERRORS, not listed
    sheet: str = ""  # the workbook sheet read, for an .xlsx

    @property
    def readable(self) -> bool:
        return not any(e.row in (None, 1) for e in self.errors)


def _fold(header: str) -> str:
    text = unicodedata.normalize("NFC", header).strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


class UnreadableText(MessageError, ValueError):
    """The bytes are not text in any encoding the reader accepts (an i18n message)."""


# The header is one line of a few column names. Longer lines or more columns are not a monthly
# file (a pasted data dump, a binary file, a file with one line): they are refused before any
# work is done on them.
MAX_HEADER_CHARS = 16_384
MAX_COLUMNS = 200


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding used: BOM first, then UTF-8, then Windows-1252.

    UTF-16 without a BOM is recognised by its zero bytes. Windows-1252 is the fallback because
    Swedish Excel saves "CSV (semikolonavgränsad)" in it; its five undefined bytes decode as
    Latin-1 rather than failing. A UTF-8 BOM before a body that is not UTF-8 (some tools add one
    to any file) is read as Windows-1252 and the encoding says so. Raises UnreadableText for
    UTF-16 that is cut short or holds a lone surrogate, and for binary data. The encoding's
    name is recorded in Swedish (the upload's record and `ingest --json` carry it).
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8", errors="strict"), t("read_encoding_utf8_bom", "sv")
        except UnicodeDecodeError:
            return _cp1252(body), t("read_encoding_cp1252_bom", "sv")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _utf16(data, "utf-16"), "UTF-16"
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return _utf16(data, enc), "UTF-16"
    try:
        return data.decode("utf-8", errors="strict"), "UTF-8"
    except UnicodeDecodeError:
        return _cp1252(data), "Windows-1252"


def _cp1252(data: bytes) -> str:
    return data.decode("cp1252", errors="replace").replace("\ufffd", "")


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        if b"\x00" * 16 in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadableText(BINARY_MESSAGE) from exc
        what = "read_utf16_cut" if exc.reason == "truncated data" else "read_utf16_bad_character"
        raise UnreadableText("read_utf16_broken", what=Message(what), line=line) from exc


BINARY_MESSAGE = Message("read_binary")


def _split_header(line: str, delimiter: str) -> list[str]:
    """A line's cells (as Excel would split them); [line] if the csv module cannot split it."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a cell over the csv module's field limit (128 KB)
        return line.split(delimiter)


def _choose_delimiter(header_line: str) -> str:
    """The delimiter under which most header cells are known column names (ties: most cells)."""

    def score(d: str) -> tuple[int, int]:
        cells = _split_header(header_line, d)
        return sum(_fold(c) in _ALIAS_TO_COLUMN for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def read_upload(data: bytes, file_name: str = "", *, sheet: str | None = None) -> ReadFile:
    """Read an upload into text rows. Never raises for bad content: problems become errors.

    A workbook (.xlsx) is read from its first sheet, or from the one named `sheet`.
    """
    if not data or re.search(rb"\S", data) is None:
        return _whole_file_error(Message("read_empty"))
    if workbook.is_workbook(data, file_name):
        return _read_workbook(data, sheet)
    try:
        text, encoding = decode_bytes(data)
    except UnreadableText as exc:
        return _whole_file_error(exc.message)
    if "\x00" in text:
        return _whole_file_error(BINARY_MESSAGE)
    # A UTF-8 file with plain newlines goes to pyarrow as it came; others are re-encoded.
    body = data if encoding == "UTF-8" else None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        body = None
    # Only the first lines are looked at here; the body goes to pyarrow as one piece (splitting
    # a million lines into Python strings and joining them again costs more than parsing them).
    end = text.find("\n")
    first_line, newline = (text, "") if end < 0 else (text[:end], "\n")
    if len(first_line) > MAX_HEADER_CHARS:
        return _header_too_long(first_line)
    if bra.is_bra_header(first_line):
        return _read_bra(text.split("\n"), encoding)
    if handled.is_handled_line(first_line):
        return _read_handled(text.split("\n"), encoding)
    excel_offset = 0
    has_header = True
    # Excel writes and hides a "sep=;" first line; the header is then row 1 as Excel shows it.
    if re.fullmatch(r'"?sep=.?"?', first_line.strip(), flags=re.IGNORECASE):
        hinted = first_line.strip().strip('"')[4:5]
        has_header = bool(newline)
        text = text[end + 1 :] if newline else ""
        body = None
        first_line = text.partition("\n")[0]
        if len(first_line) > MAX_HEADER_CHARS:
            return _header_too_long(first_line)
        excel_offset = 0
        delimiter = hinted if hinted in DELIMITERS else _choose_delimiter(first_line)
    else:
        delimiter = _choose_delimiter(first_line)
    header_cells = _split_header(first_line, delimiter) if has_header else []
    if len(header_cells) > MAX_COLUMNS:
        return _whole_file_error(
            Message(
                "read_too_many_columns_csv",
                columns=Formatted(format_number, len(header_cells)),
                limit=Formatted(format_number, MAX_COLUMNS),
            )
        )
    result = ReadFile(rows=pd.DataFrame(), encoding=encoding, delimiter=delimiter)
    _map_headers(result, header_cells)
    if not result.readable:
        return result

    if body is None:
        body = text.encode("utf-8")
    shape_problems: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        shape_problems.append((row.number, row.text))
        return "skip"

    n_cols = len(header_cells)
    # Make the header names unique for pyarrow; canonical names are applied after reading.
    names = [f"c{i}" for i in range(n_cols)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, use_threads=False, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        return _whole_file_error(Message("read_not_csv", error=str(exc)))

    frame = table.to_pandas()
    # Rows Excel shows, header = 1. Rows pyarrow skipped (wrong number of cells) keep their
    # numbers, so the remaining rows are numbered around them.
    skipped = sorted(n for n, _ in shape_problems if n is not None)
    frame["excel_row"] = _row_numbers(len(frame), skipped, first=2) + excel_offset
    recovered = []
    broken = 0
    for number, row_text in shape_problems:
        cells = _recover_row(row_text, delimiter, n_cols, result.column_positions)
        if cells is not None:
            recovered.append([*cells, (number or 0) + excel_offset])
            continue
        broken += 1
        if broken > MAX_ERRORS:
            continue  # counted; pipeline.check_upload says there were more than it lists
        result.errors.append(
            UploadError(
                row=None if number is None else number + excel_offset,
                column=None,
                value=row_text[:200],
                problem=Message(
                    "read_row_fields",
                    fields=len(_split_header(row_text, delimiter)),
                    columns=n_cols,
                    delimiter=Message(DELIMITERS[delimiter]),
                ),
            )
        )
    result.more_errors = max(broken - MAX_ERRORS, 0)
    if recovered:
        result.assumptions.append(
            t(
                "read_rows_recovered",
                "sv",
                n=format_number(len(recovered), "sv"),
                delimiter=Message(DELIMITERS[delimiter]),
            )
        )
        extra = pd.DataFrame(recovered, columns=[*names, "excel_row"]).astype(
            dict.fromkeys(names, frame["c0"].dtype if n_cols else str)
        )
        frame = pd.concat([frame, extra], ignore_index=True)
        frame = frame.sort_values("excel_row", kind="stable").reset_index(drop=True)

    renamed = {f"c{i}": col for col, i in result.column_positions.items()}
    frame = frame.rename(columns=renamed)
    keep = [c for c in UPLOAD_COLUMNS if c in frame.columns] + ["excel_row"]
    frame = frame[keep]
    # Rows where every cell is empty (Excel's ";;;;" lines, blank lines) are not data.
    # (A row with text in its first column is not empty: only the others are looked at further.)
    cells = frame.drop(columns="excel_row")
    if len(frame) and len(cells.columns):
        empty = cells.iloc[:, 0].str.strip() == ""
        if empty.any() and len(cells.columns) > 1:
            rest = cells.loc[empty, cells.columns[1:]]
            empty[empty] = rest.apply(lambda s: s.str.strip() == "").all(axis=1)
        if empty.any():
            frame = frame[~empty].reset_index(drop=True)
    if frame.empty and not result.errors:
        result.errors.append(UploadError(None, None, None, Message("read_no_data_rows")))
    result.rows = frame
    return result


def _row_numbers(n: int, skipped: list[int], *, first: int) -> pd.Series:
    """Number n rows consecutively from `first`, leaving out the numbers in `skipped`."""
    skip = np.unique(np.asarray([s for s in skipped if s >= first], dtype="int64"))
    if not len(skip):
        return pd.Series(np.arange(first, first + n, dtype="int64"))
    candidates = np.arange(first, first + n + len(skip), dtype="int64")
    return pd.Series(candidates[~np.isin(candidates, skip)][:n], dtype="int64")


def _recover_row(
    row_text: str, delimiter: str, n: int, positions: dict[str, int]
) -> list[str] | None:
    """The n cells of a row with a different number of cells, if only empty trailing cells
    differ (Excel's trailing delimiters, or trailing empty cells it left out); else None."""
    cells = _split_header(row_text, delimiter)
    if len(cells) > n and all(c.strip() == "" for c in cells[n:]):
        return cells[:n]
    if len(cells) < n:
        if any(positions[c] >= len(cells) for c in REQUIRED_COLUMNS if c in positions):
            return None
        return cells + [""] * (n - len(cells))
    return None


def _map_headers(result: ReadFile, header_cells: list[str]) -> None:
    seen: dict[str, str] = {}
    for position, cell in enumerate(header_cells):
        column = _ALIAS_TO_COLUMN.get(_fold(cell))
        if column is None:
            if cell.strip():
                result.ignored_columns.append(cell.strip())
            continue
        if column in seen:
            result.errors.append(
                UploadError(
                    1,
                    column,
                    cell,
                    Message("read_column_twice", column=column, first=seen[column], second=cell),
                )
            )
            continue
        seen[column] = cell
        result.column_positions[column] = position
    result.column_map = seen
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    for column in missing:
        swedish = HEADER_ALIASES[column][2] if column != "period" else "månad"
        result.errors.append(
            UploadError(
                None,
                column,
                None,
                Message("read_column_missing", column=column, swedish=swedish),
            )
        )
    if result.ignored_columns:
        result.assumptions.append(
            t("read_columns_unused", "sv", columns=", ".join(result.ignored_columns))
        )


def _known_columns(texts: list[str]) -> set[str]:
    return {c for c in (_ALIAS_TO_COLUMN.get(_fold(t)) for t in texts) if c}


def _header_row(rows: list[tuple[int, list[str]]]) -> int | None:
    """Index of the header among a sheet's first rows: the first naming every required column,
    else the one naming most known columns (its missing ones are then named); None if none
    names any."""
    candidates = rows[: workbook.HEADER_SEARCH_ROWS]
    for i, (_, texts) in enumerate(candidates):
        if set(REQUIRED_COLUMNS) <= _known_columns(texts):
            return i
    if not candidates:
        return None
    best = max(range(len(candidates)), key=lambda i: len(_known_columns(candidates[i][1])))
    return best if _known_columns(candidates[best][1]) else None


def _read_workbook(data: bytes, sheet: str | None) -> ReadFile:
    """A workbook's sheet under its header row: the named sheet, else the first sheet with a
    header row that is recognised (among its first rows with anything in them; rows above it
    are a title and are not read)."""
    try:
        book = workbook.open_workbook(data)
        names = [book.find(sheet)] if sheet is not None else book.sheet_names
        first = None
        for name in names:
            cells = book.cells(name)
            first = first or cells
            header_at = _header_row(cells.rows)
            if header_at is not None:
                break
    except workbook.WorkbookRefused as exc:
        return _whole_file_error(exc.message)
    if header_at is None:
        cells = first
        if not cells.rows:
            return _whole_file_error(Message("read_sheet_empty", sheet=cells.sheet))
        number, texts = cells.rows[0]
        shown = ", ".join(t for t in texts if t)[:200]
        where = (
            Message("read_where_sheet", sheet=cells.sheet)
            if len(names) == 1
            else Message("read_where_sheets", sheets=len(names), names=", ".join(names))
        )
        return _whole_file_error(
            Message(
                "read_no_header",
                where=where,
                searched=workbook.HEADER_SEARCH_ROWS,
                sheet=cells.sheet,
                row=number,
                shown=shown,
            )
        )
    header_row, header_cells = cells.rows[header_at]
    result = ReadFile(
        rows=pd.DataFrame(),
        encoding=t("read_encoding_workbook", "sv"),
        delimiter="",
        sheet=cells.sheet,
    )
    if len(header_cells) > MAX_COLUMNS:
        return _whole_file_error(
            Message(
                "read_too_many_columns",
                columns=Formatted(format_number, len(header_cells)),
                limit=Formatted(format_number, MAX_COLUMNS),
            )
        )
    _map_headers(result, header_cells)
    if header_row > 1:
        result.assumptions.append(t("read_header_below", "sv", row=header_row, sheet=cells.sheet))
    if len(cells.sheet_names) > 1:
        others = tuple(n for n in cells.sheet_names if n != cells.sheet)
        result.assumptions.append(
            t(
                "read_other_sheets",
                "sv",
                sheets=len(cells.sheet_names),
                sheet=cells.sheet,
                others=workbook.quoted_names(others, "sv"),
            )
        )
    if not result.readable:
        return result
    data_rows = cells.rows[header_at + 1 :]
    columns: dict[str, list[str]] = {c: [] for c in result.column_positions}
    for _, texts in data_rows:
        for column, position in result.column_positions.items():
            columns[column].append(texts[position] if position < len(texts) else "")
    if "period" in columns:
        columns["period"], serials = workbook.serial_months(columns["period"])
        if serials:
            result.assumptions.append(serials)
    frame = pd.DataFrame(
        {c: pd.array(v, dtype="str") for c, v in columns.items()}, index=range(len(data_rows))
    )
    frame["excel_row"] = np.asarray([n for n, _ in data_rows], dtype="int64")
    keep = [c for c in UPLOAD_COLUMNS if c in frame.columns] + ["excel_row"]
    frame = frame[keep]
    cells_only = frame.drop(columns="excel_row")
    if len(frame) and len(cells_only.columns):
        frame = frame[(cells_only != "").any(axis=1)].reset_index(drop=True)
    if frame.empty:
        result.errors.append(UploadError(None, None, None, Message("read_sheet_no_data_rows")))
    result.rows = frame
    return result


def _read_bra(lines: list[str], encoding: str) -> ReadFile:
    """A BRÅ SOL export, recognised by its header: BRÅ's columns as text, rows numbered as in Excel."""
    rows, errors, more = bra.split_rows(lines[1:], first_row=2)
    result = ReadFile(
        rows=rows,
        encoding=encoding,
        delimiter=";",
        column_map=dict(bra.COLUMN_MAP),
        ignored_columns=[bra.HEADER[-1]],
        assumptions=[t("read_bra_rate_unused", "sv", column=bra.HEADER[-1])],
        errors=errors,
        source_format=bra.SOURCE_FORMAT,
        more_errors=more,
    )
    if rows.empty and not errors and not more:
        result.errors.append(UploadError(None, None, None, Message("read_no_data_rows")))
    return result


def _read_handled(lines: list[str], encoding: str) -> ReadFile:
    """BRÅ's table of handled offences, recognised by its first line's shape (it has no header):
    its columns as text (handled.RAW_COLUMNS), rows numbered as in Excel from 1."""
    rows, errors = handled.split_rows(lines, first_row=1)
    return ReadFile(
        rows=rows,
        encoding=encoding,
        delimiter="\t",
        column_map=dict(handled.COLUMN_MAP),
        errors=errors,
        source_format=handled.SOURCE_FORMAT,
    )


def _header_too_long(line: str) -> ReadFile:
    return _whole_file_error(
        Message(
            "read_header_too_long",
            length=Formatted(format_number, len(line)),
            limit=Formatted(format_number, MAX_HEADER_CHARS),
        )
    )


def _whole_file_error(message: Message) -> ReadFile:
    return ReadFile(rows=pd.DataFrame(), errors=[UploadError(None, None, None, message)])

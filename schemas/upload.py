"""The rules an uploaded row must meet (pandera), with the message an analyst reads for each (i18n keys `rule_*`)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pandera.pandas as pa

from i18n import Formatted, Message, t
from metrics.formatting import format_month, format_number
from metrics.periods import EXAMPLE_CODE, format_period, period_code

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

UPLOAD_COLUMNS = ["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]
REQUIRED_COLUMNS = ["indicator_id", "period", "area_code", "value"]
# Problems listed per file. Beyond this the check stops naming rows (the analyst fixes the first
# ones and uploads again) and says there were more: a file of a million wrong rows costs no more
# than one of a thousand.
MAX_ERRORS = 1000
# The same rule broken with the same value on this many rows is one error, not one per row.
SAME_VALUE_SUMMARY = 100
_MAX_SUMMARIES = 50


@dataclass(frozen=True)
class UploadError:
    """One problem: the row as Excel shows it (header = 1; None = the whole file), the canonical
    column (None = the whole row), the value as written, and what is wrong and what to do
    (`problem`: a Message, written in the reader's language by `text(lang)`; a plain str is
    Swedish only)."""

    row: int | None
    column: str | None
    value: str | None
    problem: Message | str

    @property
    def message(self) -> str:
        """The problem in Swedish (the command line, logs, `ingest --json`)."""
        return str(self.problem)

    def text(self, lang: str = "sv") -> str:
        """The problem in `lang`."""
        return self.problem.text(lang) if isinstance(self.problem, Message) else self.problem

    def as_dict(self) -> dict:
        """row, column, value and message (Swedish), as `ingest --json` writes an error."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def map_values(values: pd.Series, mapping: Mapping | pd.Series) -> pd.Series:
    """`values.map(mapping)`, computed once per distinct value: same result, but a long column
    with few distinct values (a million rows, a hundred ids) is mapped in milliseconds."""
    codes, uniques = pd.factorize(values)
    mapped = pd.Series(uniques, dtype=values.dtype).map(mapping)
    return pd.Series(
        pd.api.extensions.take(mapped.array, codes, allow_fill=True),
        index=values.index,
        name=values.name,
    )


def upload_schema(catalog: Catalog, current_month: pd.Timestamp) -> pa.DataFrameSchema:
    """The pandera schema for normalised upload rows.

    Columns are nullable: a cell that could not be parsed is NaN and already reported by the
    parser, so each check here looks only at values that parsed (pandera skips NaN), and every
    row with a problem is reported, not only the first.
    """
    indicators = {i.id: i for i in catalog.indicators}
    areas = {a.code for a in catalog.areas}
    valid_pairs = {(i.id, code) for i in catalog.indicators for code in catalog.valid_areas(i.id)}
    kinds = pd.Series({i.id: i.kind for i in catalog.indicators}, dtype="object")
    frequencies = pd.Series({i.id: i.frequency for i in catalog.indicators}, dtype="object")

    def kind_of(frame: pd.DataFrame) -> pd.Series:
        return map_values(frame["indicator_id"], kinds)

    def area_fits(frame: pd.DataFrame) -> pd.Series:
        # Looked up per distinct (indicator, area) pair, not per row: a file has a few thousand
        # pairs however many rows it has.
        ind_codes, ind_values = pd.factorize(frame["indicator_id"])
        area_codes, area_values = pd.factorize(frame["area_code"])
        fits = np.array(
            [
                [
                    i not in indicators or a not in areas or (i, a) in valid_pairs
                    for a in area_values
                ]
                for i in ind_values
            ],
            dtype=bool,
        ).reshape(len(ind_values), len(area_values))
        missing = (ind_codes < 0) | (area_codes < 0)
        ok = (
            fits[np.where(missing, 0, ind_codes), np.where(missing, 0, area_codes)]
            if fits.size
            else missing
        )
        return pd.Series(ok | missing, index=frame.index)

    def whole_for_counts(frame: pd.DataFrame) -> pd.Series:
        counting = kind_of(frame).isin(["count", "stock"])
        v = frame["value"]
        return ~counting | v.isna() | (v == v.round())

    def denominator_present(frame: pd.DataFrame) -> pd.Series:
        return ~(kind_of(frame) == "proportion") | frame["denominator"].notna()

    def numerator_within(frame: pd.DataFrame) -> pd.Series:
        both = frame["value"].notna() & frame["denominator"].notna()
        is_prop = kind_of(frame) == "proportion"
        return ~(both & is_prop) | (frame["value"] <= frame["denominator"])

    def whole_denominator(frame: pd.DataFrame) -> pd.Series:
        d = frame["denominator"]
        return ~(kind_of(frame) == "proportion") | d.isna() | (d == d.round())

    def granularity(frame: pd.DataFrame) -> pd.Series:
        # The period as written (month, quarter, year) against the indicator's frequency. Rows
        # without the written granularity (unreadable or empty periods, unknown indicators)
        # are another rule's.
        if "period_frequency" not in frame.columns:
            return pd.Series(True, index=frame.index)
        expected = map_values(frame["indicator_id"], frequencies)
        written = frame["period_frequency"]
        return expected.isna() | written.isna() | (expected == written)

    def unique_key(frame: pd.DataFrame) -> pd.Series:
        key = frame[["indicator_id", "area_code", "period"]]
        complete = key.notna().all(axis=1)
        return ~(key.duplicated(keep="first") & complete)

    def not_blank(s: pd.Series) -> pd.Series:
        return s.astype(str).str.strip() != ""

    return pa.DataFrameSchema(
        {
            "excel_row": pa.Column("int64"),
            "indicator_id": pa.Column(
                str,
                [
                    pa.Check(not_blank, name="indicator_missing"),
                    pa.Check(
                        lambda s: ~not_blank(s) | s.isin(indicators), name="indicator_unknown"
                    ),
                ],
            ),
            "area_code": pa.Column(
                str,
                [
                    pa.Check(not_blank, name="area_missing"),
                    pa.Check(lambda s: ~not_blank(s) | s.isin(areas), name="area_unknown"),
                ],
            ),
            "period": pa.Column(
                "datetime64[ns]",
                [pa.Check(lambda s: s <= current_month, name="period_future")],
                nullable=True,
            ),
            "value": pa.Column(
                float, [pa.Check(lambda s: s >= 0, name="value_negative")], nullable=True
            ),
            "denominator": pa.Column(
                float, [pa.Check(lambda s: s >= 0, name="denominator_negative")], nullable=True
            ),
            "status": pa.Column(str, nullable=True),
            "note": pa.Column(str),
        },
        checks=[
            pa.Check(area_fits, name="area_level"),
            pa.Check(granularity, name="period_granularity"),
            pa.Check(whole_for_counts, name="value_fraction"),
            pa.Check(denominator_present, name="denominator_missing"),
            pa.Check(whole_denominator, name="denominator_fraction"),
            pa.Check(numerator_within, name="numerator_above"),
            pa.Check(unique_key, name="duplicate_key"),
        ],
        coerce=False,
    )


# The column each frame-wide rule is about (pandera reports those per column of the frame).
_FRAME_CHECK_COLUMN = {
    "area_level": "area_code",
    "period_granularity": "period",
    "value_fraction": "value",
    "denominator_missing": "denominator",
    "denominator_fraction": "denominator",
    "numerator_above": "value",
    "duplicate_key": "period",
}


# What each rule's message depends on (besides the row's number): rows alike in these columns
# get the same sentence, and many such rows are one error. None: never summarised (the message
# names another row).
MESSAGE_KEYS: dict[str, list[str] | None] = {
    "value_empty": [],
    "period_empty": [],
    "indicator_missing": [],
    "indicator_unknown": ["indicator_id"],
    "area_missing": [],
    "area_unknown": ["area_code"],
    "area_level": ["indicator_id", "area_code"],
    "period_future": ["indicator_id", "period"],
    "period_granularity": ["indicator_id", "period_frequency"],
    "value_negative": [],
    "denominator_negative": [],
    "value_fraction": ["indicator_id"],
    "denominator_missing": ["indicator_id"],
    "denominator_fraction": [],
    "numerator_above": ["value", "denominator"],
    "duplicate_key": None,
}


@dataclass
class RowProblems:
    """Rows that break one rule: their index labels (in row order), the column, what the message
    depends on per row (`keys`, aligned with `index`; None: every row's message differs), and
    for a listed row the value as written and the message."""

    column: str
    index: np.ndarray
    keys: pd.DataFrame | None
    value: Callable[[int], str]
    message: Callable[[int], Message]


@dataclass
class BoundedErrors:
    """Errors listed (at most MAX_ERRORS) and how many more were found."""

    errors: list[UploadError]
    more: int = 0


def bounded_errors(problems: list[RowProblems], rows: pd.Series, total: int) -> BoundedErrors:
    """The problems as UploadErrors, with work bounded by MAX_ERRORS whatever their number.

    `rows` is the Excel row of every index label, `total` the file's number of data rows. Rows
    breaking a rule alike (same `keys`) SAME_VALUE_SUMMARY times or more are one error: for the
    whole file (row None) when that is every row, else naming the first row and how many. Other
    rows are listed in Excel order up to MAX_ERRORS; messages are built only for what is listed,
    and `more` counts what was found and not listed.
    """
    errors: list[UploadError] = []
    listed_rows: list[np.ndarray] = []
    listed_at: list[np.ndarray] = []
    for kind, problem in enumerate(problems):
        n = len(problem.index)
        if not n:
            continue
        excel = rows.loc[problem.index].to_numpy()
        keep = np.ones(n, dtype=bool)
        if problem.keys is not None and n >= SAME_VALUE_SUMMARY:
            keys = problem.keys
            group = (
                keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
                if len(keys.columns)
                else np.zeros(n, dtype=np.int64)
            )
            for g in np.flatnonzero(np.bincount(group) >= SAME_VALUE_SUMMARY)[:_MAX_SUMMARIES]:
                at = np.flatnonzero(group == g)
                first = problem.index[at[0]]
                everywhere = len(at) == total and total > 1
                said = problem.message(first)
                scope = (
                    Message("rule_every_row", message=said, n=_count(len(at)))
                    if everywhere
                    else Message(
                        "rule_same_rows",
                        message=said,
                        n=_count(len(at)),
                        first=int(excel[at[0]]),
                        last=int(excel[at[-1]]),
                    )
                )
                errors.append(
                    UploadError(
                        None if everywhere else int(excel[at[0]]),
                        problem.column,
                        problem.value(first),
                        scope,
                    )
                )
                keep[at] = False
        listed_rows.append(excel[keep])
        listed_at.append(np.column_stack([np.full(int(keep.sum()), kind), np.flatnonzero(keep)]))
    found = sum(len(r) for r in listed_rows)
    room = max(MAX_ERRORS - len(errors), 0)
    if found:
        order = np.argsort(np.concatenate(listed_rows), kind="stable")[:room]
        for kind, position in np.concatenate(listed_at)[order]:
            problem = problems[kind]
            i = problem.index[position]
            errors.append(
                UploadError(int(rows.loc[i]), problem.column, problem.value(i), problem.message(i))
            )
    return BoundedErrors(_sorted(errors), max(found - room, 0))


def _count(n: int) -> Formatted:
    """A count as the reader's language writes it ("1 000", "1,000")."""
    return Formatted(format_number, n)


def too_many_errors(listed: int, more: int) -> UploadError:
    """The closing whole-file error when problems were left unlisted."""
    return UploadError(
        None, None, None, Message("rule_too_many", listed=_count(listed), more=_count(more))
    )


def validate_rows(
    frame: pd.DataFrame, raw: pd.DataFrame, catalog: Catalog, current_month: pd.Timestamp
) -> BoundedErrors:
    """The rules broken by the rows, as the analyst will read them (see bounded_errors).

    `frame` holds the normalised rows, `raw` the text as written (same index), used to quote the
    value back. Missing values (`value` empty) are checked here too, since the parser lets empty
    cells through as NaN. Each rule of upload_schema is one array test over the whole frame;
    sentences are written only for the rows listed.
    """
    raw_text = {c: raw[c].astype(str) if c in raw else None for c in UPLOAD_COLUMNS}
    fields = ["indicator_id", "area_code", "period", "value", "denominator"]
    if "period_frequency" in frame.columns:
        fields.append("period_frequency")
    sentences: dict[tuple, Message] = {}
    first_row: dict[int, int] = {}

    def quoted(column: str) -> Callable[[int], str]:
        text = raw_text.get(column)
        return (lambda i: "") if text is None else (lambda i: str(text.at[i]))

    def sentence(check: str) -> Callable[[int], Message]:
        def message(i: int) -> Message:
            values = tuple(frame.at[i, f] for f in fields)
            key = (check, *map(str, values), first_row.get(i))
            if key not in sentences:
                row = dict(zip(fields, values, strict=True))
                sentences[key] = _message(check, row, catalog, current_month, first_row.get(i))
            return sentences[key]

        return message

    def problem(check: str, column: str, failing: pd.Series) -> RowProblems:
        index = frame.index[failing.to_numpy(dtype=bool)].to_numpy()
        keys = MESSAGE_KEYS.get(check)
        return RowProblems(
            column,
            index,
            None if keys is None else frame.loc[index, keys],
            quoted(column),
            sentence(check),
        )

    raw_value = raw_text["value"]
    empty_value = frame["value"].isna() & (
        raw_value.str.strip() == "" if raw_value is not None else True
    )
    empty_period = frame["period"].isna() & (raw_text["period"].str.strip() == "")
    problems = [
        problem("value_empty", "value", empty_value),
        problem("period_empty", "period", empty_period),
    ]
    schema = upload_schema(catalog, current_month)
    rules = [(name, check) for name, col in schema.columns.items() for check in col.checks]
    rules += [(None, check) for check in schema.checks]
    for name, check in rules:
        passed = check(frame if name is None else frame[name]).check_output
        failing = ~passed.reindex(frame.index, fill_value=True).astype(bool)
        if not failing.any():
            continue
        if check.name == "duplicate_key":
            first_row.update(_first_occurrence(frame))
        problems.append(problem(check.name, _FRAME_CHECK_COLUMN.get(check.name, name), failing))
    return bounded_errors(problems, frame["excel_row"], len(frame))


def _first_occurrence(frame: pd.DataFrame) -> dict[int, int]:
    """For each repeated (indicator, area, month): index -> Excel row of its first occurrence."""
    key = ["indicator_id", "area_code", "period"]
    dup = frame.duplicated(key, keep=False) & frame[key].notna().all(axis=1)
    if not dup.any():
        return {}
    sub = frame[dup]
    first = sub.groupby(key, sort=False)["excel_row"].transform("min")
    return dict(zip(sub.index, first.astype(int), strict=True))


def _sorted(errors: list[UploadError]) -> list[UploadError]:
    return sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _message(
    check: str,
    row: dict,
    catalog: Catalog,
    current_month: pd.Timestamp,
    first_row: int | None,
) -> Message:
    """The sentence for one broken rule: what is wrong and what to do."""
    ind = row["indicator_id"]
    if check in {
        "value_empty",
        "period_empty",
        "indicator_missing",
        "area_missing",
        "value_negative",
        "denominator_negative",
        "denominator_fraction",
    }:
        return Message(f"rule_{check}")
    if check == "indicator_unknown":
        ids = [i.id for i in catalog.indicators]
        close = difflib.get_close_matches(str(ind), ids, n=1)
        if close:
            return Message("rule_indicator_unknown_close", indicator=ind, close=close[0])
        return Message("rule_indicator_unknown", indicator=ind)
    if check == "area_unknown":
        return Message("rule_area_unknown", area=row["area_code"])
    if check == "area_level":
        indicator = catalog.indicator(ind)
        area = catalog.area(row["area_code"])
        return Message(
            "rule_area_level",
            indicator=_label(indicator),
            level=Message(f"level_{area.level}"),
            area=Formatted(type(area).name, area),
            levels=Formatted(_levels, tuple(indicator.levels)),
        )
    if check == "period_future":
        frequency = _frequency(catalog, ind)
        if frequency == "monthly":
            return Message(
                "rule_month_future",
                month=Formatted(format_month, row["period"]),
                latest=Formatted(format_month, current_month),
            )
        return Message(
            "rule_period_future",
            period=Formatted(format_period, row["period"], frequency),
            latest=Formatted(format_period, current_month, frequency),
        )
    if check == "period_granularity":
        indicator = catalog.indicator(ind)
        wanted, written = indicator.frequency, row.get("period_frequency")
        return Message(
            "rule_period_granularity_quarterly"
            if wanted == "quarterly"
            else "rule_period_granularity",
            indicator=_label(indicator),
            wanted=Message(f"frequency_{wanted}"),
            written=Message(f"frequency_a_{written}"),
            code=period_code(row["period"], written),
            wanted_a=Message(f"frequency_a_{wanted}"),
            example=EXAMPLE_CODE[wanted],
        )
    if check in {"value_fraction", "denominator_missing"}:
        return Message(f"rule_{check}", indicator=_label(catalog.indicator(ind)))
    if check == "numerator_above":
        return Message(
            "rule_numerator_above",
            value=Formatted(_plain, row["value"]),
            denominator=Formatted(_plain, row["denominator"]),
        )
    if check == "duplicate_key":
        return Message("rule_duplicate_key", row=first_row)
    return Message("rule_unknown", check=check)


def _levels(levels: tuple[str, ...], lang: str = "sv") -> str:
    return ", ".join(t(f"level_{level}", lang) for level in levels)


def _label(indicator: Indicator) -> Formatted:
    """The indicator's label in the reader's language."""
    return Formatted(type(indicator).label, indicator)


def _frequency(catalog: Catalog, indicator_id: object) -> str:
    try:
        return catalog.indicator(str(indicator_id)).frequency
    except KeyError:
        return "monthly"


def _plain(x: float, lang: str = "sv") -> str:
    """A number as the file may have written it: whole, or with the language's decimal mark."""
    if float(x).is_integer():
        return str(int(x))
    return str(x).replace(".", ",") if lang == "sv" else str(x)

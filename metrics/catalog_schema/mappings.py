"""The import mapping tables: how rows of BRÅ's, Kolada's and SCB's files are read as catalog
indicators and areas ([[bra_mapping]], [[kolada_mapping]], [[handled_mapping]] …), their tables and
the one rule they share: a mapping names an indicator and an area the catalog knows."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from i18n import Message
from metrics.catalog_schema.cells import (
    ID,
    OPTIONAL_TEXT,
    TEXT,
    is_id,
    is_text,
    not_repeated,
    repeated_together,
    rows,
    table,
)
from metrics.catalog_schema.entries import label, show
from metrics.catalog_schema.problems import Problem


def fold_bra_text(text: str) -> str:
    """A BRÅ category or region text as compared: Unicode-normalised, spaces collapsed, case folded.

    BRÅ writes the same category with varying case and spacing between exports; anything more
    (a different wording, another code) is a different category and needs its own mapping.
    """
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _folded(row: Mapping[str, object], columns: tuple[str, ...]) -> tuple[str, ...] | None:
    """The row's texts in `columns` as compared (`fold_bra_text`), None if one is not a text."""
    values = [row[c] for c in columns]
    return tuple(fold_bra_text(v) for v in values) if all(map(is_text, values)) else None


def _unique_folded(*columns: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows whose texts in `columns`, as compared, occur once: two entries for one BRÅ row would
    make the reading ambiguous (rows that are not texts are reported by their own checks)."""

    def check(frame: pd.DataFrame) -> pd.Series:
        keys = [
            _folded(row, columns) or (repr(row[columns[0]]), i)
            for i, row in enumerate(frame.to_dict("records"))
        ]
        return ~pd.Series(keys, index=frame.index).duplicated(keep=False)

    return check


BRA_MAPPING_TABLE = table(
    {
        "brott": [TEXT],
        "region": [TEXT],
        "indicator_id": [ID],
        "area_code": [TEXT],
        "note_sv": [OPTIONAL_TEXT],
    },
    [
        rows("bra_source_unique", _unique_folded("brott", "region")),
        # One BRÅ category per indicator and area: a file then never holds two values for a cell.
        rows("bra_target_unique", repeated_together("indicator_id", "area_code")),
    ],
)
"""One row per [[bra_mapping]] entry: a BRÅ category in a BRÅ region, read as an indicator
in an area. Optional `note_sv` is shown to the analyst whenever the mapping is used."""

BRA_IGNORED_REGION_TABLE = table(
    {
        "region": [
            TEXT,
            pa.Check(
                lambda regions: not_repeated(
                    regions.map(lambda r: fold_bra_text(r) if is_text(r) else repr(r))
                ),
                name="unique",
            ),
        ]
    }
)
"""One row per bra_ignored_regions entry: a BRÅ region whose rows are skipped, not stored."""

KOLADA_MAPPING_TABLE = table(
    {
        "kpi": [TEXT, pa.Check(not_repeated, name="unique")],
        "indicator_id": [ID],
        "gender": [TEXT, pa.Check.isin(["T", "K", "M"])],
        "note_sv": [OPTIONAL_TEXT],
    }
)
"""One row per [[kolada_mapping]]: a Kolada KPI read as an indicator (its gender T, K or M)."""

KOLADA_AREA_TABLE = table(
    {
        "municipality": [TEXT, pa.Check(not_repeated, name="unique")],
        "area_code": [TEXT],
        "note_sv": [OPTIONAL_TEXT],
    }
)
"""One row per [[kolada_area]]: a Kolada municipality id that is not a municipality's own code
(0100, Region Stockholm) read as a catalog area."""

HANDLED_MAPPING_TABLE = table(
    {
        "kategori": [TEXT],
        "underkategori": [TEXT],
        "indicator_id": [ID],
        "note_sv": [OPTIONAL_TEXT],
    },
    [rows("handled_row_unique", _unique_folded("kategori", "underkategori"))],
)
"""One row per [[handled_mapping]]: a (kategori, underkategori) row of BRÅ's table of handled
offences read as part of a yearly share indicator; several rows of one indicator are summed."""

HANDLED_IGNORED_TABLE = table(
    {"kategori": [TEXT], "underkategori": [TEXT]},
    [rows("handled_row_unique", _unique_folded("kategori", "underkategori"))],
)
"""One row per [[handled_ignored]]: a row of the handled-offences table skipped on purpose."""

SCB_IGNORED_REGION_TABLE = table(
    {"code": [TEXT, pa.Check.str_matches(r"^\d{2,4}$"), pa.Check(not_repeated, name="unique")]}
)
"""One row per scb_ignored_regions entry: an SCB region code (e.g. 01, Stockholms län) whose
population rows are skipped, not stored (ingest/scb.py)."""


@dataclass(frozen=True)
class Known:
    """What a mapping may name: indicator id -> (kind, frequency, levels); area code -> level."""

    indicators: Mapping[str, tuple[object, object, object]]
    areas: Mapping[str, object]

    def reference(self, column: str, value: object) -> Message | None:
        """What is wrong with a mapping's indicator_id or area_code, None if nothing is (a value
        that is no id or text at all is reported by the table's own checks)."""
        if column == "indicator_id" and is_id(value) and value not in self.indicators:
            return Message("catalog_unknown_indicator", value=show(value))
        if column == "area_code" and is_text(value) and value not in self.areas:
            return Message("catalog_unknown_area", value=show(value))
        return None


def _reported_at_the_level(row: Mapping[str, object], known: Known) -> tuple[str, Message] | None:
    """A BRÅ mapping's area is at one of its indicator's levels: (field, what is wrong) or None."""
    indicator, area = row["indicator_id"], row["area_code"]
    if not (is_id(indicator) and is_text(area)):
        return None  # said by the table's checks
    if indicator not in known.indicators or area not in known.areas:
        return None  # unknown: said by the references
    levels = known.indicators[indicator][2]
    if not isinstance(levels, list) or known.areas[area] in levels:
        return None
    level = show(known.areas[area])
    what = Message("catalog_bra_level", indicator=show(indicator), level=level, area=show(area))
    return "area_code", what


def _a_yearly_share(row: Mapping[str, object], known: Known) -> tuple[str, Message] | None:
    """A handled-offences mapping points at a yearly share (the table gives a year's handled
    offences and the share of them cleared): (field, what is wrong) or None."""
    indicator = row["indicator_id"]
    if not is_id(indicator) or indicator not in known.indicators:
        return None  # said by the table's checks or the references
    if known.indicators[indicator][:2] == ("proportion", "yearly"):
        return None
    return "indicator_id", Message("catalog_handled_not_yearly_share", value=show(indicator))


@dataclass(frozen=True)
class _Mapping:
    table: str  # the CatalogTables field
    entity: str  # as the TOML file names it
    key: str  # the column that names an entry in a problem
    references: tuple[str, ...]  # indicator_id and/or area_code
    rule: Callable[[Mapping[str, object], Known], tuple[str, Message] | None] | None = None


_MAPPINGS = (
    _Mapping("bra_mappings", "bra_mapping", "brott", ("indicator_id", "area_code"),
             _reported_at_the_level),
    _Mapping("kolada_mappings", "kolada_mapping", "kpi", ("indicator_id",)),
    _Mapping("kolada_areas", "kolada_area", "municipality", ("area_code",)),
    _Mapping("handled_mappings", "handled_mapping", "underkategori", ("indicator_id",),
             _a_yearly_share),
)  # fmt: skip
_IGNORED = (
    # (mapped table, ignored table, entity, the columns that say which rows are the same, message)
    ("bra_mappings", "bra_ignored_regions", "bra_ignored_regions", ("region",),
     "catalog_region_mapped_and_ignored"),
    ("handled_mappings", "handled_ignored", "handled_ignored", ("kategori", "underkategori"),
     "catalog_row_mapped_and_ignored"),
)  # fmt: skip


def mapping_problems(tables: object, known: Known) -> list[Problem]:
    """Every mapping names a known indicator and area (and what its table adds: a BRÅ mapping's
    area at one of the indicator's levels, a handled-offences row mapped to a yearly share), and
    no row is both mapped and ignored. `tables`: the catalog's CatalogTables."""
    problems = []
    for mapping in _MAPPINGS:
        frame: pd.DataFrame = getattr(tables, mapping.table)
        for position, row in zip(frame.index, frame.to_dict("records"), strict=True):
            entry = label(row, mapping.key, position)
            for column in mapping.references:
                if what := known.reference(column, row[column]):
                    problems.append(Problem(mapping.entity, entry, column, what))
            if mapping.rule and (found := mapping.rule(row, known)):
                problems.append(Problem(mapping.entity, entry, *found))
    for mapped_table, ignored_table, entity, columns, key in _IGNORED:
        mapped = {_folded(row, columns) for row in getattr(tables, mapped_table).to_dict("records")}
        ignored: pd.DataFrame = getattr(tables, ignored_table)
        for position, row in zip(ignored.index, ignored.to_dict("records"), strict=True):
            if (folded := _folded(row, columns)) is not None and folded in mapped:
                problems.append(
                    Problem(entity, label(row, columns[-1], position), columns[-1], Message(key))
                )
    return problems

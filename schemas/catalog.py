"""Pandera schemas and cross-reference rules that metrics/catalog.toml must pass before it is loaded."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from metrics.periods import DEFAULT_FREQUENCY, FREQUENCIES, parse_period
from metrics.spc import MIN_FIX_POINTS

KINDS = ("count", "stock", "proportion", "median_days")
DIRECTIONS = ("increase", "decrease", "neutral")
LEVELS = ("region", "police_area", "municipality")
POPULATION_BASES = ("all", "women_18plus", "children_0_17")
"""Whom a rate of the indicator counts per 100 000 of: everyone, women 18+, children 0–17."""
FAMILIES = ("county", "gryning")
"""Goal families: the county strategy's goals and Initiativ Gryning's areas. How many goals a
family has is the catalog's to say (numbers are positive and unique in the family), never a
constant."""
SHORT_LABEL_MAX = 40
MAX_DELIVERY_DELAY_DAYS = 400
"""The longest expected delay of delivery (a yearly figure published in the spring of the year
after, with a margin): a larger number is a typo, not a plan."""

_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_PERIOD = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])|\d{4}K[1-4]|\d{4}")
"""A period as the catalog writes it: a month 2026-03, a quarter 2025K3 or a year 2025."""
# The brief fixes the area codes: STHLM for the region, PO_* for the police areas and official
# four-digit municipality codes as text so that the leading zero survives. A municipality code is
# SCB's: the county (01-25) then two digits, so a national catalog (the benchmark's 290
# municipalities) passes too; the real catalog holds Stockholm county (01xx) and Gotland (0980).
_AREA_CODE = {
    "region": re.compile(r"STHLM"),
    "police_area": re.compile(r"PO_[A-Z]+"),
    "municipality": re.compile(r"(?:0[1-9]|1\d|2[0-5])\d\d"),
}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_police_code(value: object) -> bool:
    return isinstance(value, str) and _AREA_CODE["police_area"].fullmatch(value) is not None


def _is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _is_period(value: object) -> bool:
    return isinstance(value, str) and _PERIOD.fullmatch(value) is not None


def period_frequency(value: str) -> str | None:
    """The frequency a catalog period is written at ("2026-03" monthly, "2025K3" quarterly,
    "2025" yearly), None if it is not one."""
    if not _is_period(value):
        return None
    parsed = parse_period(value)
    return parsed.frequency if parsed else None


def _at_frequency(rows: pd.DataFrame) -> pd.Series:
    """A target's, baseline's or break's period is written at its indicator's frequency."""
    return pd.Series(
        [
            not _is_period(p) or f not in FREQUENCIES or period_frequency(p) == f
            for p, f in zip(rows["period"], rows["frequency"], strict=True)
        ],
        index=rows.index,
    )


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_set_of(value: object, accept: Callable[[object], bool]) -> bool:
    """A non-empty list of accepted, distinct items."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(accept(item) for item in value)
        and len(set(value)) == len(value)
    )


def fold_bra_text(text: str) -> str:
    """A BRÅ category or region text as compared: Unicode-normalised, spaces collapsed, case folded.

    BRÅ writes the same category with varying case and spacing between exports; anything more
    (a different wording, another code) is a different category and needs its own mapping.
    """
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _not_repeated(values: pd.Series) -> pd.Series:
    # repr() makes lists and other unhashable junk comparable; their type is reported elsewhere.
    return ~values.map(repr).duplicated(keep=False)


# -- Checks: each is named after its message in _MESSAGES --------------------------------------


def _cell(name: str, accept: Callable[[object], bool]) -> pa.Check:
    """A check of each cell on its own."""
    return pa.Check(accept, element_wise=True, name=name)


ID = _cell("id", _is_id)
TEXT = _cell("text", _is_text)
OPTIONAL_TEXT = _cell("optional_text", lambda value: isinstance(value, str))
SHORT_TEXT = _cell("short_text", lambda value: _is_text(value) and len(value) <= SHORT_LABEL_MAX)
FLAG = _cell("flag", lambda value: isinstance(value, bool))
PERIOD = _cell("month", _is_period)
NON_NEGATIVE = _cell("non_negative", lambda value: _is_number(value) and value >= 0)
POSITIVE_WHOLE = _cell("positive_whole", lambda value: _is_whole(value) and value >= 1)
UNIQUE = pa.Check(_not_repeated, name="unique")


def _rows(name: str, accept: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check across the columns of each row (or across rows)."""
    return pa.Check(accept, name=name)


AT_FREQUENCY = _rows("period_frequency", _at_frequency)


def _repeated_together(*columns: str) -> Callable[[pd.DataFrame], pd.Series]:
    # repr() makes lists and other unhashable junk comparable; their type is reported elsewhere.
    return lambda rows: ~rows[list(columns)].map(repr).duplicated(keep=False)


def _share_in_range(rows: pd.DataFrame) -> pd.Series:
    """Proportions are shares 0..1; values of other kinds only need to be numbers."""

    def fits(kind: object, value: object) -> bool:
        return kind != "proportion" or not _is_number(value) or 0 <= value <= 1

    return pd.Series(map(fits, rows["kind"], rows["value"]), index=rows.index)


def _area_code(areas: pd.DataFrame) -> pd.Series:
    def fits(code: object, level: object) -> bool:
        if level not in _AREA_CODE:
            return True  # reported by the level check
        return isinstance(code, str) and _AREA_CODE[level].fullmatch(code) is not None

    return pd.Series(map(fits, areas["code"], areas["level"]), index=areas.index)


def _bra_source_unique(rows: pd.DataFrame) -> pd.Series:
    # Two entries for one BRÅ category and region would make the reading ambiguous.
    key = [
        (fold_bra_text(b), fold_bra_text(r)) if _is_text(b) and _is_text(r) else (repr(b), i)
        for i, (b, r) in enumerate(zip(rows["brott"], rows["region"], strict=True))
    ]
    return ~pd.Series(key, index=rows.index).duplicated(keep=False)


def _bra_region_unique(regions: pd.Series) -> pd.Series:
    return _not_repeated(regions.map(lambda r: fold_bra_text(r) if _is_text(r) else repr(r)))


def _table(
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


GOAL_TABLE = _table(
    {
        "id": [ID, UNIQUE],
        "family": [_cell("family", lambda value: value in FAMILIES)],
        "number": [POSITIVE_WHOLE],
        "label_sv": [TEXT],
        "label_en": [TEXT],
        "short_sv": [SHORT_TEXT],
        "short_en": [SHORT_TEXT],
        "description_sv": [TEXT],
        "description_en": [TEXT],
        "headline_indicator": [ID],
    },
    [
        _rows("number_unique", _repeated_together("family", "number")),
    ],
)
"""One row per [[goals]] entry."""

INDICATOR_TABLE = _table(
    {
        "id": [ID, UNIQUE],
        "label_sv": [TEXT],
        "label_en": [TEXT],
        "kind": [_cell("kind", lambda value: value in KINDS)],
        "direction": [_cell("direction", lambda value: value in DIRECTIONS)],
        "unit_sv": [TEXT],
        "unit_en": [TEXT],
        "definition_sv": [TEXT],
        "definition_en": [TEXT],
        "source": [TEXT],
        "owner": [TEXT],
        "levels": [_cell("levels", lambda value: _is_set_of(value, lambda lv: lv in LEVELS))],
        "goals": [_cell("goal_ids", lambda value: _is_set_of(value, _is_id))],
        "context_sv": [TEXT],
        "context_en": [TEXT],
        "rare": [FLAG],
        "disclosure": [FLAG],
        "fix_after_n_points": [
            _cell("fix_after_n_points", lambda value: _is_whole(value) and value >= MIN_FIX_POINTS)
        ],
        "delivery_delay_days": [
            _cell(
                "delivery_delay_days",
                lambda value: _is_whole(value) and 1 <= value <= MAX_DELIVERY_DELAY_DAYS,
            )
        ],
        "population_base": [_cell("population_base", lambda value: value in POPULATION_BASES)],
        "frequency": [_cell("frequency", lambda value: value in FREQUENCIES)],
    },
    nullable=("fix_after_n_points", "delivery_delay_days"),
)
"""One row per [[indicators]] entry; its target, baseline and breaks have their own tables.
`fix_after_n_points` (optional): each XmR period's limits come from its first n months (n >= 12,
as NHSRplotthedots requires) and are held for the rest of the period. `delivery_delay_days`
(optional): days after a period's last day by which its figures are expected in Lägesbild
(Rapporteringsläge); without it the indicator's delivery is not followed. `frequency`
(optional, "monthly" by default; "quarterly", "yearly"): the period its figures are reported
per (metrics/periods.py); its target, baseline and breaks write their periods at it
("2026-03", "2025K3", "2025")."""

TARGET_TABLE = _table(
    {
        "indicator_id": [],
        "kind": [],
        "direction": [],
        "frequency": [],
        "value": [NON_NEGATIVE],
        "period": [PERIOD],
        "note_sv": [OPTIONAL_TEXT],
        "note_en": [OPTIONAL_TEXT],
        "illustrative": [FLAG],
    },
    [
        _rows("target_needs_direction", lambda targets: targets["direction"] != "neutral"),
        _rows("share_range", _share_in_range),
        AT_FREQUENCY,
    ],
)
"""One row per indicator with a target; kind and direction are copied from the indicator."""

AREA_TARGET_TABLE = _table(
    {
        "indicator_id": [],
        "kind": [],
        "direction": [],
        "frequency": [],
        "area_code": [TEXT],
        "value": [NON_NEGATIVE],
        "period": [PERIOD],
        "note_sv": [OPTIONAL_TEXT],
        "note_en": [OPTIONAL_TEXT],
        "illustrative": [FLAG],
    },
    [
        _rows("target_needs_direction", lambda targets: targets["direction"] != "neutral"),
        _rows("share_range", _share_in_range),
        AT_FREQUENCY,
        _rows("area_target_unique", _repeated_together("indicator_id", "area_code")),
    ],
)
"""One row per [[indicators.area_targets]] entry: a target set for one area (a municipality's
own goal, say), read only for that area; the indicator's `target` is the region's."""

BASELINE_TABLE = _table(
    {
        "indicator_id": [],
        "kind": [],
        "frequency": [],
        "value": [NON_NEGATIVE],
        "period": [PERIOD],
        "illustrative": [FLAG],
    },
    [_rows("share_range", _share_in_range), AT_FREQUENCY],
)
"""One row per indicator with a baseline; kind is copied from the indicator."""

BREAK_TABLE = _table(
    {
        "indicator_id": [],
        "frequency": [],
        "period": [PERIOD],
        "reason_sv": [TEXT],
        "reason_en": [TEXT],
    },
    [_rows("break_unique", _repeated_together("indicator_id", "period")), AT_FREQUENCY],
)
"""One row per series break: the first month of the new series and why it broke."""

AREA_TABLE = _table(
    {
        "code": [UNIQUE],
        "name_sv": [TEXT],
        "name_en": [TEXT],
        "level": [_cell("level", lambda value: value in LEVELS)],
        "police_area": [
            _cell(
                "police_area_code",
                lambda value: (
                    isinstance(value, str)
                    and _AREA_CODE["police_area"].fullmatch(value) is not None
                ),
            )
        ],
        "spans": [_cell("spans", lambda value: value == [] or _is_set_of(value, _is_police_code))],
    },
    [
        _rows("area_code", _area_code),
        _rows(
            "police_area_for_municipality",
            lambda areas: areas["police_area"].isna() | (areas["level"] == "municipality"),
        ),
        _rows(
            "spans_for_shared_municipality",
            lambda areas: (
                (areas["spans"].map(len) == 0)
                | ((areas["level"] == "municipality") & areas["police_area"].isna())
            ),
        ),
    ],
    nullable=("police_area",),
)
"""One row per [[areas]] entry."""

BRA_MAPPING_TABLE = _table(
    {
        "brott": [TEXT],
        "region": [TEXT],
        "indicator_id": [ID],
        "area_code": [TEXT],
        "note_sv": [OPTIONAL_TEXT],
    },
    [
        _rows("bra_source_unique", _bra_source_unique),
        # One BRÅ category per indicator and area: a file then never holds two values for a cell.
        _rows("bra_target_unique", _repeated_together("indicator_id", "area_code")),
    ],
)
"""One row per [[bra_mapping]] entry: a BRÅ category in a BRÅ region, read as an indicator
in an area. Optional `note_sv` is shown to the analyst whenever the mapping is used."""

BRA_IGNORED_REGION_TABLE = _table({"region": [TEXT, pa.Check(_bra_region_unique, name="unique")]})
"""One row per bra_ignored_regions entry: a BRÅ region whose rows are skipped, not stored."""

KOLADA_MAPPING_TABLE = _table(
    {
        "kpi": [TEXT, pa.Check(_not_repeated, name="unique")],
        "indicator_id": [ID],
        "gender": [TEXT, pa.Check.isin(["T", "K", "M"])],
        "note_sv": [OPTIONAL_TEXT],
    }
)
"""One row per [[kolada_mapping]]: a Kolada KPI read as an indicator (its gender T, K or M)."""

KOLADA_AREA_TABLE = _table(
    {
        "municipality": [TEXT, pa.Check(_not_repeated, name="unique")],
        "area_code": [TEXT],
        "note_sv": [OPTIONAL_TEXT],
    }
)
"""One row per [[kolada_area]]: a Kolada municipality id that is not a municipality's own code
(0100, Region Stockholm) read as a catalog area."""


def _handled_row_unique(rows: pd.DataFrame) -> pd.Series:
    # Two entries for one (kategori, underkategori) row would make the reading ambiguous.
    key = [
        (fold_bra_text(k), fold_bra_text(u)) if _is_text(k) and _is_text(u) else (repr(k), i)
        for i, (k, u) in enumerate(zip(rows["kategori"], rows["underkategori"], strict=True))
    ]
    return ~pd.Series(key, index=rows.index).duplicated(keep=False)


HANDLED_MAPPING_TABLE = _table(
    {
        "kategori": [TEXT],
        "underkategori": [TEXT],
        "indicator_id": [ID],
        "note_sv": [OPTIONAL_TEXT],
    },
    [_rows("handled_row_unique", _handled_row_unique)],
)
"""One row per [[handled_mapping]]: a (kategori, underkategori) row of BRÅ's table of handled
offences read as part of a yearly share indicator; several rows of one indicator are summed."""

HANDLED_IGNORED_TABLE = _table(
    {"kategori": [TEXT], "underkategori": [TEXT]},
    [_rows("handled_row_unique", _handled_row_unique)],
)
"""One row per [[handled_ignored]]: a row of the handled-offences table skipped on purpose."""

SCB_IGNORED_REGION_TABLE = _table(
    {"code": [TEXT, pa.Check.str_matches(r"^\d{2,4}$"), pa.Check(_not_repeated, name="unique")]}
)
"""One row per scb_ignored_regions entry: an SCB region code (e.g. 01, Stockholms län) whose
population rows are skipped, not stored (ingest/scb.py)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the catalog: the entry, the field and what is wrong, in both languages."""

    entity: str  # "catalog", "goals", "indicators", "areas" or a bra_ table: where the entry lives
    entry: str  # the entry's id or code; "#n" (its position) when the id itself is unusable
    field: str  # the field as written in the TOML file, e.g. "kind" or "target.value"
    sv: str
    en: str

    def message(self) -> str:
        """`mål county_1, fält number: … / goal county_1, field number: …`."""
        noun_sv, noun_en = _ENTITY_NOUNS[self.entity]
        where_sv = f"{noun_sv} {self.entry}".strip()
        where_en = f"{noun_en} {self.entry}".strip()
        return (
            f"{where_sv}, fält {self.field}: {self.sv} / {where_en}, field {self.field}: {self.en}"
        )


_ENTITY_NOUNS = {
    "catalog": ("katalogen", "catalog"),
    "goals": ("mål", "goal"),
    "indicators": ("indikator", "indicator"),
    "areas": ("område", "area"),
    "bra_mapping": ("BRÅ-mappning", "BRÅ mapping"),
    "bra_ignored_regions": ("ignorerad BRÅ-region", "ignored BRÅ region"),
    "scb_ignored_regions": ("ignorerad SCB-region", "ignored SCB region"),
    "kolada_mapping": ("Kolada-mappning", "Kolada mapping"),
    "kolada_area": ("Kolada-område", "Kolada area"),
    "handled_mapping": ("mappning av handlagda brott", "handled-offences mapping"),
    "handled_ignored": ("ignorerad rad av handlagda brott", "ignored handled-offences row"),
}


@dataclass(frozen=True)
class _Message:
    sv: str
    en: str
    column: str | None = None  # for row checks: the column the problem is reported on


_KINDS = ", ".join(KINDS)
_DIRECTIONS = ", ".join(DIRECTIONS)
_LEVELS = ", ".join(LEVELS)
_MESSAGES = {
    "not_nullable": _Message("saknas", "is missing"),
    "unique": _Message("{value} förekommer mer än en gång", "{value} occurs more than once"),
    "id": _Message(
        "{value} är inget giltigt id (små bokstäver, siffror och _, t.ex. reported_rape)",
        "{value} is not a valid id (lower-case letters, digits and _, e.g. reported_rape)",
    ),
    "text": _Message(
        "ska vara en icke-tom text, fick {value}", "must be a non-empty text, got {value}"
    ),
    "optional_text": _Message("ska vara en text, fick {value}", "must be a text, got {value}"),
    "short_text": _Message(
        f"ska vara en text på högst {SHORT_LABEL_MAX} tecken, fick {{value}}",
        f"must be a text of at most {SHORT_LABEL_MAX} characters, got {{value}}",
    ),
    "flag": _Message(
        "ska vara true eller false, fick {value}", "must be true or false, got {value}"
    ),
    "family": _Message(
        "okänd familj {value} (tillåtna: county, gryning)",
        "unknown family {value} (allowed: county, gryning)",
    ),
    "positive_whole": _Message(
        "ska vara ett positivt heltal, fick {value}", "must be a positive whole number, got {value}"
    ),
    "number_unique": _Message(
        "numret {value} används av ett annat mål i samma familj",
        "number {value} is used by another goal of the same family",
        column="number",
    ),
    "kind": _Message(
        f"okänd typ {{value}} (tillåtna: {_KINDS})", f"unknown kind {{value}} (allowed: {_KINDS})"
    ),
    "direction": _Message(
        f"okänd riktning {{value}} (tillåtna: {_DIRECTIONS})",
        f"unknown direction {{value}} (allowed: {_DIRECTIONS})",
    ),
    "levels": _Message(
        f"ska vara en lista med olika nivåer bland {_LEVELS}, fick {{value}}",
        f"must be a list of distinct levels among {_LEVELS}, got {{value}}",
    ),
    "goal_ids": _Message(
        "ska vara en lista med minst ett mål-id, utan dubbletter, fick {value}",
        "must be a list of at least one goal id, without repeats, got {value}",
    ),
    "non_negative": _Message(
        "ska vara ett tal ≥ 0, fick {value}", "must be a number ≥ 0, got {value}"
    ),
    "month": _Message(
        "ska vara en period: månad ÅÅÅÅ-MM, kvartal ÅÅÅÅKn eller år ÅÅÅÅ, fick {value}",
        "must be a period: month YYYY-MM, quarter YYYYKn or year YYYY, got {value}",
    ),
    "period_frequency": _Message(
        "perioden ska skrivas som indikatorns frekvens (månad 2026-03, kvartal 2025K3, år 2025)",
        "the period must be written at the indicator's frequency (month 2026-03, quarter "
        "2025K3, year 2025)",
        column="period",
    ),
    "frequency": _Message(
        f"okänd frekvens {{value}} (tillåtna: {', '.join(FREQUENCIES)})",
        f"unknown frequency {{value}} (allowed: {', '.join(FREQUENCIES)})",
    ),
    "target_needs_direction": _Message(
        "en indikator med riktning neutral kan inte ha ett mål (en ökning är varken bättre eller sämre)",
        "an indicator with neutral direction cannot have a target (a rise is neither better nor worse)",
        column="value",
    ),
    "share_range": _Message(
        "en andel ska ligga mellan 0 och 1 (0.25 = 25 %), fick {value}",
        "a proportion must lie between 0 and 1 (0.25 = 25 %), got {value}",
        column="value",
    ),
    "area_target_unique": _Message(
        "två mål för samma område {value}",
        "two targets for the same area {value}",
        column="area_code",
    ),
    "break_unique": _Message(
        "två brytpunkter i samma månad {value}",
        "two breaks in the same month {value}",
        column="period",
    ),
    "level": _Message(
        f"okänd nivå {{value}} (tillåtna: {_LEVELS})",
        f"unknown level {{value}} (allowed: {_LEVELS})",
    ),
    "area_code": _Message(
        "{value} är ingen områdeskod för nivån (region: STHLM; polisområde: PO_…; "
        "kommun: fyrsiffrig kommunkod som text, t.ex. 0180 eller 0980)",
        "{value} is not an area code for the level (region: STHLM; police area: PO_…; "
        "municipality: four-digit municipality code as text, e.g. 0180 or 0980)",
        column="code",
    ),
    "police_area_code": _Message(
        "{value} är ingen polisområdeskod (PO_…)", "{value} is not a police area code (PO_…)"
    ),
    "police_area_for_municipality": _Message(
        "bara kommuner hör till ett polisområde",
        "only municipalities belong to a police area",
        column="police_area",
    ),
    "spans": _Message(
        "ska vara en lista med olika polisområdeskoder (PO_…), fick {value}",
        "must be a list of distinct police area codes (PO_…), got {value}",
    ),
    "spans_for_shared_municipality": _Message(
        "bara en kommun utan police_area kan sträcka sig över polisområden (spans)",
        "only a municipality without police_area can span police areas (spans)",
        column="spans",
    ),
    "year": _Message("{value} är inget årtal", "{value} is not a year"),
    "fix_after_n_points": _Message(
        f"ska vara ett heltal ≥ {MIN_FIX_POINTS} (antal månader som styrgränserna beräknas på), "
        "fick {value}",
        f"must be a whole number ≥ {MIN_FIX_POINTS} (months the control limits are computed "
        "from), got {value}",
    ),
    "delivery_delay_days": _Message(
        f"ska vara ett heltal 1–{MAX_DELIVERY_DELAY_DAYS} (dagar efter periodens slut då "
        "siffrorna väntas), fick {value}",
        f"must be a whole number 1–{MAX_DELIVERY_DELAY_DAYS} (days after the period's end by "
        "which the figures are expected), got {value}",
    ),
    "population_base": _Message(
        f"okänd befolkningsbas {{value}} (tillåtna: {', '.join(POPULATION_BASES)})",
        f"unknown population base {{value}} (allowed: {', '.join(POPULATION_BASES)})",
    ),
    "bra_source_unique": _Message(
        "kategorin {value} mappas mer än en gång för samma region",
        "the category {value} is mapped more than once for the same region",
        column="brott",
    ),
    "bra_target_unique": _Message(
        "indikatorn och området {value} har redan en BRÅ-kategori (en kategori per indikator "
        "och område; välj BRÅ:s överordnade kategori om flera ska summeras)",
        "the indicator and area {value} already have a BRÅ category (one category per indicator "
        "and area; choose BRÅ's parent category if several are to be summed)",
        column="indicator_id",
    ),
    "handled_row_unique": _Message(
        "raden {value} står mer än en gång",
        "the row {value} is listed more than once",
        column="underkategori",
    ),
}


@dataclass(frozen=True)
class CatalogTables:
    """The catalog file as tables of plain Python values (object columns), one row per entry."""

    goals: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    area_targets: pd.DataFrame
    baselines: pd.DataFrame
    breaks: pd.DataFrame
    areas: pd.DataFrame
    bra_mappings: pd.DataFrame
    bra_ignored_regions: pd.DataFrame
    scb_ignored_regions: pd.DataFrame
    kolada_mappings: pd.DataFrame
    kolada_areas: pd.DataFrame
    handled_mappings: pd.DataFrame
    handled_ignored: pd.DataFrame


@dataclass(frozen=True)
class _Table:
    schema: pa.DataFrameSchema
    entity: str  # whose entries the rows belong to
    key: str  # the column that names the entry
    prefix: str = ""  # how the TOML file spells the table's fields, e.g. "target."


_TABLES = {
    "goals": _Table(GOAL_TABLE, "goals", "id"),
    "indicators": _Table(INDICATOR_TABLE, "indicators", "id"),
    "targets": _Table(TARGET_TABLE, "indicators", "indicator_id", "target."),
    "area_targets": _Table(AREA_TARGET_TABLE, "indicators", "indicator_id", "area_targets."),
    "baselines": _Table(BASELINE_TABLE, "indicators", "indicator_id", "baseline."),
    "breaks": _Table(BREAK_TABLE, "indicators", "indicator_id", "breaks."),
    "areas": _Table(AREA_TABLE, "areas", "code"),
    "bra_mappings": _Table(BRA_MAPPING_TABLE, "bra_mapping", "brott"),
    "bra_ignored_regions": _Table(BRA_IGNORED_REGION_TABLE, "bra_ignored_regions", "region"),
    "scb_ignored_regions": _Table(SCB_IGNORED_REGION_TABLE, "scb_ignored_regions", "code"),
    "kolada_mappings": _Table(KOLADA_MAPPING_TABLE, "kolada_mapping", "kpi"),
    "kolada_areas": _Table(KOLADA_AREA_TABLE, "kolada_area", "municipality"),
    "handled_mappings": _Table(HANDLED_MAPPING_TABLE, "handled_mapping", "underkategori"),
    "handled_ignored": _Table(HANDLED_IGNORED_TABLE, "handled_ignored", "underkategori"),
}

_DEFAULTS = {
    "indicators": {
        "rare": False,
        "fix_after_n_points": None,
        "delivery_delay_days": None,
        "population_base": "all",
        "frequency": DEFAULT_FREQUENCY,
    },
    "targets": {"note_sv": "", "note_en": "", "illustrative": False},
    "area_targets": {"note_sv": "", "note_en": "", "illustrative": False},
    "baselines": {"illustrative": False},
    "bra_mappings": {"note_sv": ""},
    "kolada_mappings": {"gender": "T", "note_sv": ""},
    "kolada_areas": {"note_sv": ""},
    "handled_mappings": {"note_sv": ""},
    "areas": {"spans": []},
}
# Columns of the nested tables that are copied from the parent entry, not written in the TOML.
_INHERITED = {
    "targets": {"indicator_id", "kind", "direction", "frequency"},
    "area_targets": {"indicator_id", "kind", "direction", "frequency"},
    "baselines": {"indicator_id", "kind", "frequency"},
    "breaks": {"indicator_id", "frequency"},
}
_NESTED = {"indicators": ("target", "baseline", "breaks", "area_targets")}


def _columns(table: str) -> tuple[str, ...]:
    return tuple(_TABLES[table].schema.columns)


def _allowed_keys(table: str) -> set[str]:
    return (set(_columns(table)) - _INHERITED.get(table, set())) | set(_NESTED.get(table, ()))


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _label(entry: Mapping[str, Any], key: str, position: int) -> str:
    value = entry.get(key)
    return value if _is_text(value) else f"#{position + 1}"


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = _columns(table)
    defaults = _DEFAULTS.get(table, {})
    records = [[row.get(c, defaults.get(c)) for c in columns] for row in rows]
    return pd.DataFrame(records, columns=list(columns), dtype=object)


class _Shaper:
    """Turns parsed TOML into row dicts per table, noting what does not have the expected shape."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _TABLES}
        self.problems: list[Problem] = []

    def note(self, entity: str, entry: str, field: str, sv: str, en: str) -> None:
        self.problems.append(Problem(entity, entry, field, sv, en))

    def entries(self, raw: Mapping[str, Any], entity: str) -> list[tuple[int, dict[str, Any]]]:
        value = raw.get(entity)
        if value is None:
            self.note("catalog", "", entity, "saknas", "is missing")
            return []
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            self.note(
                "catalog",
                "",
                entity,
                f"ska vara en lista av tabeller ([[{entity}]])",
                f"must be an array of tables ([[{entity}]])",
            )
            return []
        return list(enumerate(value))

    def unknown_keys(
        self, entity: str, label: str, keys: set[str], allowed: set[str], prefix: str = ""
    ) -> None:
        for key in sorted(keys - allowed):
            self.note(entity, label, prefix + key, "okänt fält (stavfel?)", "unknown field (typo?)")

    def nested_table(
        self, entity: str, label: str, entry: Mapping[str, Any], name: str
    ) -> dict[str, Any] | None:
        value = entry.get(name)
        if value is None or isinstance(value, dict):
            return value
        self.note(entity, label, name, "ska vara en tabell", "must be a table")
        return None

    def shape(self, raw: Mapping[str, Any]) -> None:
        optional = {
            "bra_mapping",
            "bra_ignored_regions",
            "scb_ignored_regions",
            "kolada_mapping",
            "kolada_area",
            "handled_mapping",
            "handled_ignored",
        }
        for key in sorted(set(raw) - {"goals", "indicators", "areas"} - optional):
            self.note("catalog", "", key, "okänt fält (stavfel?)", "unknown field (typo?)")
        for position, goal in self.entries(raw, "goals"):
            label = _label(goal, "id", position)
            self.unknown_keys("goals", label, set(goal), _allowed_keys("goals"))
            self.rows["goals"].append(goal)
        for position, indicator in self.entries(raw, "indicators"):
            self.indicator(_label(indicator, "id", position), indicator)
        for position, area in self.entries(raw, "areas"):
            self.area(_label(area, "code", position), area)
        if "bra_mapping" in raw:
            for position, mapping in self.entries(raw, "bra_mapping"):
                label = _label(mapping, "brott", position)
                self.unknown_keys("bra_mapping", label, set(mapping), _allowed_keys("bra_mappings"))
                self.rows["bra_mappings"].append(mapping)
        ignored = raw.get("bra_ignored_regions", [])
        if isinstance(ignored, list):
            self.rows["bra_ignored_regions"] += [{"region": region} for region in ignored]
        else:
            self.note(
                "catalog",
                "",
                "bra_ignored_regions",
                "ska vara en lista med regionnamn",
                "must be a list of region names",
            )

        for key, table, first in (
            ("kolada_mapping", "kolada_mappings", "kpi"),
            ("kolada_area", "kolada_areas", "municipality"),
            ("handled_mapping", "handled_mappings", "underkategori"),
            ("handled_ignored", "handled_ignored", "underkategori"),
        ):
            for position, entry in self.entries(raw, key) if key in raw else ():
                label = _label(entry, first, position)
                self.unknown_keys(key, label, set(entry), _allowed_keys(table))
                self.rows[table].append(entry)
        scb = raw.get("scb_ignored_regions", [])
        if isinstance(scb, list):
            self.rows["scb_ignored_regions"] += [{"code": code} for code in scb]
        else:
            self.note(
                "catalog",
                "",
                "scb_ignored_regions",
                "ska vara en lista med SCB:s regionkoder",
                "must be a list of SCB region codes",
            )

    def indicator(self, label: str, indicator: dict[str, Any]) -> None:
        self.unknown_keys("indicators", label, set(indicator), _allowed_keys("indicators"))
        self.rows["indicators"].append(indicator)
        inherited = {
            "indicator_id": label,
            "kind": indicator.get("kind"),
            "direction": indicator.get("direction"),
            "frequency": indicator.get("frequency", DEFAULT_FREQUENCY),
        }
        for name, table in (("target", "targets"), ("baseline", "baselines")):
            nested = self.nested_table("indicators", label, indicator, name)
            if nested is not None:
                self.unknown_keys(
                    "indicators", label, set(nested), _allowed_keys(table), name + "."
                )
                self.rows[table].append(nested | inherited)
        area_targets = indicator.get("area_targets", [])
        if not isinstance(area_targets, list) or not all(isinstance(a, dict) for a in area_targets):
            self.note(
                "indicators",
                label,
                "area_targets",
                "ska vara en lista av tabeller ([[indicators.area_targets]])",
                "must be an array of tables ([[indicators.area_targets]])",
            )
        else:
            for area_target in area_targets:
                self.unknown_keys(
                    "indicators",
                    label,
                    set(area_target),
                    _allowed_keys("area_targets"),
                    "area_targets.",
                )
                self.rows["area_targets"].append(area_target | inherited)
        breaks = indicator.get("breaks", [])
        if not isinstance(breaks, list) or not all(isinstance(b, dict) for b in breaks):
            self.note(
                "indicators",
                label,
                "breaks",
                "ska vara en lista av tabeller ([[indicators.breaks]])",
                "must be an array of tables ([[indicators.breaks]])",
            )
            return
        for series_break in breaks:
            self.unknown_keys(
                "indicators", label, set(series_break), _allowed_keys("breaks"), "breaks."
            )
            self.rows["breaks"].append(
                series_break | {"indicator_id": label, "frequency": inherited["frequency"]}
            )

    def area(self, label: str, area: dict[str, Any]) -> None:
        self.unknown_keys("areas", label, set(area), _allowed_keys("areas"))
        self.rows["areas"].append(area)


def _schema_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    table = _TABLES[name]
    try:
        table.schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    problems = []
    positions = pd.to_numeric(cases["index"], errors="coerce")
    for case in (
        cases.assign(position=positions).sort_values("position", kind="stable").itertuples()
    ):
        message = _MESSAGES.get(
            case.check, _Message("ogiltigt värde ({check})", "invalid value ({check})")
        )
        column = message.column or case.column
        if pd.isna(case.position):
            entry, value = "", case.failure_case
        else:
            row = frame.loc[int(case.position)]
            entry = _label(row, table.key, int(case.position))
            value = row[column]
        fill = {"value": _show(value), "check": case.check}
        problems.append(
            Problem(
                table.entity,
                entry,
                table.prefix + column,
                message.sv.format(**fill),
                message.en.format(**fill),
            )
        )
    return problems


def _reference_problems(tables: CatalogTables) -> list[Problem]:
    """Rules across entries: named goals, headline indicators and police areas exist, and
    every goal has at least one indicator."""
    problems = []
    goal_ids = {g for g in tables.goals["id"] if _is_id(g)}
    indicator_ids = {i for i in tables.indicators["id"] if _is_id(i)}
    members: dict[str, set[str]] = {goal: set() for goal in goal_ids}
    for indicator, goals in zip(tables.indicators["id"], tables.indicators["goals"], strict=True):
        if not (_is_id(indicator) and _is_set_of(goals, _is_id)):
            continue  # reported by the indicator table checks
        for goal in goals:
            if goal in members:
                members[goal].add(indicator)
            else:
                problems.append(
                    Problem(
                        "indicators",
                        indicator,
                        "goals",
                        f"okänt mål {goal!r}",
                        f"unknown goal {goal!r}",
                    )
                )
    for goal, headline in zip(tables.goals["id"], tables.goals["headline_indicator"], strict=True):
        if not _is_id(goal):
            continue  # reported by the goal table checks
        if not members[goal]:
            problems.append(
                Problem(
                    "goals",
                    goal,
                    "id",
                    "ingen indikator hör till målet (ange målet under goals i minst en indikator)",
                    "no indicator belongs to this goal (list it under goals of at least one indicator)",
                )
            )
        if _is_id(headline) and headline not in indicator_ids:
            problems.append(
                Problem(
                    "goals",
                    goal,
                    "headline_indicator",
                    f"okänd indikator {headline!r}",
                    f"unknown indicator {headline!r}",
                )
            )
        elif _is_id(headline) and headline not in members[goal]:
            problems.append(
                Problem(
                    "goals",
                    goal,
                    "headline_indicator",
                    f"indikatorn {headline!r} hör inte till målet (målet saknas i dess goals)",
                    f"indicator {headline!r} does not belong to this goal (not in its goals)",
                )
            )
    areas = tables.areas
    police_areas = {
        c
        for c, level in zip(areas["code"], areas["level"], strict=True)
        if level == "police_area" and isinstance(c, str)
    }
    for position, area in areas.iterrows():
        police_area = area["police_area"]
        if isinstance(police_area, str) and police_area not in police_areas:
            problems.append(
                Problem(
                    "areas",
                    _label(area, "code", position),
                    "police_area",
                    f"{police_area!r} är inget polisområde i katalogen",
                    f"{police_area!r} is not a police area in the catalog",
                )
            )
        spans = area["spans"] if isinstance(area["spans"], list) else []
        for code in spans:
            if isinstance(code, str) and code not in police_areas:
                problems.append(
                    Problem(
                        "areas",
                        _label(area, "code", position),
                        "spans",
                        f"{code!r} är inget polisområde i katalogen",
                        f"{code!r} is not a police area in the catalog",
                    )
                )
    return problems


def _kolada_problems(tables: CatalogTables) -> list[Problem]:
    """Kolada mappings point at a known indicator, Kolada areas at a known area."""
    indicators = {i for i in tables.indicators["id"] if _is_id(i)}
    areas = {c for c in tables.areas["code"] if isinstance(c, str)}
    problems = []
    for position, row in tables.kolada_mappings.iterrows():
        if _is_id(row["indicator_id"]) and row["indicator_id"] not in indicators:
            problems.append(
                Problem(
                    "kolada_mapping",
                    _label(row, "kpi", position),
                    "indicator_id",
                    f"okänd indikator {row['indicator_id']!r}",
                    f"unknown indicator {row['indicator_id']!r}",
                )
            )
    for position, row in tables.kolada_areas.iterrows():
        if _is_text(row["area_code"]) and row["area_code"] not in areas:
            problems.append(
                Problem(
                    "kolada_area",
                    _label(row, "municipality", position),
                    "area_code",
                    f"okänt område {row['area_code']!r}",
                    f"unknown area {row['area_code']!r}",
                )
            )
    return problems


def _handled_problems(tables: CatalogTables) -> list[Problem]:
    """Handled-offences mappings point at a known yearly share indicator (the table gives a
    year's handled offences and a share of them), and no row is both mapped and ignored."""
    kinds = {
        i: (k, f)
        for i, k, f in zip(
            tables.indicators["id"],
            tables.indicators["kind"],
            tables.indicators["frequency"],
            strict=True,
        )
        if _is_id(i)
    }
    problems = []
    for position, row in tables.handled_mappings.iterrows():
        label = _label(row, "underkategori", position)
        indicator = row["indicator_id"]
        if not _is_id(indicator):
            continue
        if indicator not in kinds:
            problems.append(
                Problem(
                    "handled_mapping",
                    label,
                    "indicator_id",
                    f"okänd indikator {indicator!r}",
                    f"unknown indicator {indicator!r}",
                )
            )
        elif kinds[indicator] != ("proportion", "yearly"):
            problems.append(
                Problem(
                    "handled_mapping",
                    label,
                    "indicator_id",
                    f"indikatorn {indicator!r} är ingen årlig andel (kind proportion, frequency "
                    "yearly): tabellen ger ett års handlagda brott och andelen personuppklarade",
                    f"indicator {indicator!r} is not a yearly share (kind proportion, frequency "
                    "yearly): the table gives a year's handled offences and the share cleared",
                )
            )
    mapped = {
        (fold_bra_text(k), fold_bra_text(u))
        for k, u in zip(
            tables.handled_mappings["kategori"],
            tables.handled_mappings["underkategori"],
            strict=True,
        )
        if _is_text(k) and _is_text(u)
    }
    for position, row in tables.handled_ignored.iterrows():
        k, u = row["kategori"], row["underkategori"]
        if _is_text(k) and _is_text(u) and (fold_bra_text(k), fold_bra_text(u)) in mapped:
            problems.append(
                Problem(
                    "handled_ignored",
                    _label(row, "underkategori", position),
                    "underkategori",
                    "raden är både mappad och ignorerad",
                    "the row is both mapped and ignored",
                )
            )
    return problems


def _bra_problems(tables: CatalogTables) -> list[Problem]:
    """BRÅ mappings point at a known indicator and a known area at one of the indicator's levels,
    and no region is both mapped and ignored."""
    problems = []
    levels = {
        i: lv
        for i, lv in zip(tables.indicators["id"], tables.indicators["levels"], strict=True)
        if _is_id(i)
    }
    area_levels = {
        code: level
        for code, level in zip(tables.areas["code"], tables.areas["level"], strict=True)
        if isinstance(code, str)  # other codes are reported by the area checks
    }
    mappings = tables.bra_mappings
    for position, row in mappings.iterrows():
        label = _label(row, "brott", position)
        indicator, area = row["indicator_id"], row["area_code"]
        if _is_id(indicator) and indicator not in levels:
            problems.append(
                Problem(
                    "bra_mapping",
                    label,
                    "indicator_id",
                    f"okänd indikator {indicator!r}",
                    f"unknown indicator {indicator!r}",
                )
            )
        if _is_text(area) and area not in area_levels:
            problems.append(
                Problem(
                    "bra_mapping",
                    label,
                    "area_code",
                    f"okänt område {area!r}",
                    f"unknown area {area!r}",
                )
            )
        elif (
            _is_id(indicator)
            and indicator in levels
            and _is_text(area)
            and isinstance(levels[indicator], list)
            and area_levels[area] not in levels[indicator]
        ):
            problems.append(
                Problem(
                    "bra_mapping",
                    label,
                    "area_code",
                    f"indikatorn {indicator!r} redovisas inte på nivån {area_levels[area]!r} "
                    f"(område {area!r})",
                    f"indicator {indicator!r} is not reported at the level "
                    f"{area_levels[area]!r} (area {area!r})",
                )
            )
    mapped = {fold_bra_text(r) for r in mappings["region"] if _is_text(r)}
    for region in tables.bra_ignored_regions["region"]:
        if _is_text(region) and fold_bra_text(region) in mapped:
            problems.append(
                Problem(
                    "bra_ignored_regions",
                    region,
                    "region",
                    "regionen är både mappad och ignorerad",
                    "the region is both mapped and ignored",
                )
            )
    return problems


def _area_target_problems(tables: CatalogTables) -> list[Problem]:
    """An area's own target names a known area at one of the indicator's levels."""
    levels = dict(zip(tables.indicators["id"], tables.indicators["levels"], strict=True))
    area_levels = {
        code: level
        for code, level in zip(tables.areas["code"], tables.areas["level"], strict=True)
        if isinstance(code, str)
    }
    problems = []
    for row in tables.area_targets.to_dict("records"):
        indicator, area = row["indicator_id"], row["area_code"]
        if not _is_text(area):
            continue  # the table's own check names it
        if area not in area_levels:
            problems.append(
                Problem(
                    "indicators",
                    indicator,
                    "area_targets.area_code",
                    f"okänt område {area!r}",
                    f"unknown area {area!r}",
                )
            )
        elif isinstance(levels.get(indicator), list) and area_levels[area] not in levels[indicator]:
            problems.append(
                Problem(
                    "indicators",
                    indicator,
                    "area_targets.area_code",
                    f"indikatorn redovisas inte på nivån {area_levels[area]!r} (område {area!r})",
                    f"the indicator is not reported at the level {area_levels[area]!r} "
                    f"(area {area!r})",
                )
            )
    return problems


def validate_catalog(raw: Mapping[str, Any]) -> tuple[CatalogTables, tuple[Problem, ...]]:
    """Shape parsed catalog TOML into tables and list every problem found, not only the first.

    The tables are only safe to build a catalog from when the problems are empty. Optional
    fields get their defaults here: `rare` false, `fix_after_n_points` and `delivery_delay_days` none, `population_base` "all", target notes "" and
    `illustrative` false.
    """
    shaper = _Shaper()
    shaper.shape(raw)
    tables = CatalogTables(
        **{f.name: _frame(f.name, shaper.rows[f.name]) for f in fields(CatalogTables)}
    )
    problems = list(shaper.problems)
    for name in _TABLES:
        problems += _schema_problems(name, getattr(tables, name))
    problems += _reference_problems(tables)
    problems += _bra_problems(tables)
    problems += _kolada_problems(tables)
    problems += _handled_problems(tables)
    problems += _area_target_problems(tables)
    return tables, tuple(dict.fromkeys(problems))

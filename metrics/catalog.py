"""The declared catalog of goals, indicators and areas, loaded and validated from catalog.toml."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar

from i18n import Lang, MessageError, t
from metrics.catalog_schema import CatalogTables, fold_bra_text, validate_catalog
from metrics.periods import Frequency, parse_period

DEFAULT_PATH = Path(__file__).with_name("catalog.toml")

Kind = Literal["count", "stock", "proportion", "median_days"]
Direction = Literal["increase", "decrease", "neutral"]
Level = Literal["region", "police_area", "municipality"]
_T = TypeVar("_T")


def _in(lang: str, sv: str, en: str) -> str:
    if lang == "sv":
        return sv
    if lang == "en":
        return en
    raise UnknownLanguage("catalog_unknown_language", code=lang)


class UnknownLanguage(MessageError, ValueError):
    """A language code the catalog has no texts in (only sv and en)."""


class UnknownEntry(MessageError, KeyError):
    """A goal, indicator or area the catalog does not have (its id is in the message)."""


def _both(key: str, **values: object) -> str:
    """A catalog error's line: Swedish, then English after " / " (read by whoever edits the
    file, in a log or on the command line, before any language is chosen)."""
    return f"{t(key, 'sv', **values)} / {t(key, 'en', **values)}"


class CatalogError(ValueError):
    """The catalog file is missing, unreadable or invalid.

    The message lists every problem, one per line, each naming the entry and the field, in
    Swedish with English after " / ". `problems` holds the same lines.
    """

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = len(self.problems)
        header = _both("catalog_errors", path=path, n=count) + ":"
        super().__init__("\n".join([header, *(f"- {p}" for p in self.problems)]))


@dataclass(frozen=True)
class Target:
    """What an indicator should reach by `period` ("YYYY-MM": the first month of the period at the
    indicator's frequency; the catalog file may write "2025K3" or "2025"), in its per-period unit.

    For proportions `value` is a share 0..1. `illustrative` marks a target made up for the demo.
    """

    value: float
    period: str
    note_sv: str
    note_en: str
    illustrative: bool

    def note(self, lang: Lang) -> str:
        return _in(lang, self.note_sv, self.note_en)


@dataclass(frozen=True)
class Baseline:
    """An indicator's reference level at `period` ("YYYY-MM"), in its monthly unit.

    `illustrative` marks a baseline made up for the demo (an addition to the contract).
    """

    value: float
    period: str
    illustrative: bool = False


@dataclass(frozen=True)
class SeriesBreak:
    """A break in an indicator's series: `period` ("YYYY-MM") is the first month of the new series."""

    period: str
    reason_sv: str
    reason_en: str

    def reason(self, lang: Lang) -> str:
        return _in(lang, self.reason_sv, self.reason_en)


@dataclass(frozen=True)
class Goal:
    """A county strategy goal (family "county", number 1..8) or a Gryning area ("gryning", 1..5)."""

    id: str
    family: Literal["county", "gryning"]
    number: int
    label_sv: str
    label_en: str
    short_sv: str
    short_en: str
    description_sv: str
    description_en: str
    headline_indicator: str

    def label(self, lang: Lang) -> str:
        """The full wording, e.g. the strategy's exact sentence for a county goal."""
        return _in(lang, self.label_sv, self.label_en)

    def short(self, lang: Lang) -> str:
        """A label of at most 40 characters, for axes, tabs and tight layouts."""
        return _in(lang, self.short_sv, self.short_en)

    def description(self, lang: Lang) -> str:
        return _in(lang, self.description_sv, self.description_en)


@dataclass(frozen=True)
class Indicator:
    """One declared indicator; `kind` says how it aggregates, `direction` which way is better.

    `goals` lists goal ids, the primary goal first. `rare`: rare events, not read on a monthly
    XmR chart. `disclosure`: small counts are suppressed in briefing mode. `fix_after_n_points`:
    each XmR period's limits come from its first n months and are held after (None: all).
    `delivery_delay_days`: a period's figures are expected this many days after its last day
    (None: delivery is not followed; metrics/reporting.py).
    `population_base`:
    whom a rate per 100 000 counts ("all", "women_18plus", "children_0_17"; metrics.population).
    """

    id: str
    label_sv: str
    label_en: str
    kind: Kind
    direction: Direction
    unit_sv: str
    unit_en: str
    definition_sv: str
    definition_en: str
    source: str
    owner: str
    levels: tuple[Level, ...]
    goals: tuple[str, ...]
    target: Target | None
    baseline: Baseline | None
    breaks: tuple[SeriesBreak, ...]
    context_sv: str
    context_en: str
    rare: bool
    disclosure: bool
    fix_after_n_points: int | None = None
    delivery_delay_days: int | None = None
    population_base: str = "all"
    frequency: Frequency = "monthly"
    """The period its figures are reported per: "monthly", "quarterly" or "yearly" (metrics.periods);
    stored periods are the first days of such periods."""
    area_targets: tuple[tuple[str, Target], ...] = ()
    """Targets set for one area each ([[indicators.area_targets]]), as (area code, target);
    `target` is the region's. A tuple, so the catalog stays hashable."""

    def label(self, lang: Lang) -> str:
        return _in(lang, self.label_sv, self.label_en)

    def definition(self, lang: Lang) -> str:
        return _in(lang, self.definition_sv, self.definition_en)

    def unit(self, lang: Lang) -> str:
        return _in(lang, self.unit_sv, self.unit_en)

    def context(self, lang: Lang) -> str:
        """The note shown beside the indicator's chart."""
        return _in(lang, self.context_sv, self.context_en)


@dataclass(frozen=True)
class Area:
    """The region (STHLM), a police area (PO_*) or a municipality (four-digit code as text).

    `police_area` is the municipality's police area code; None for Stockholm (0180), which
    spans PO_CITY, PO_NORD and PO_SYD, and for the region and the police areas themselves.
    `spans`: for a municipality split between police areas (police_area None), those police
    areas (each is its own municipalities plus an unpublished part of this one); else empty.
    """

    code: str
    name_sv: str
    name_en: str
    level: Level
    police_area: str | None
    spans: tuple[str, ...] = ()

    def name(self, lang: Lang) -> str:
        return _in(lang, self.name_sv, self.name_en)


@dataclass(frozen=True)
class KoladaMapping:
    """A Kolada KPI read as an indicator: its values of `gender` (T total, K women, M men)."""

    kpi: str
    indicator_id: str
    gender: str = "T"
    note_sv: str = ""


@dataclass(frozen=True)
class KoladaArea:
    """A Kolada municipality id that is not a municipality's own code, read as a catalog area."""

    municipality: str
    area_code: str
    note_sv: str = ""


@dataclass(frozen=True)
class BraMapping:
    """How one BRÅ category in one BRÅ region is read: as `indicator_id` in `area_code`.

    `brott` and `region` are written as BRÅ's export writes them (e.g. "Region Stockholm");
    `note_sv` tells the analyst what the mapping leaves out, shown whenever it is used.
    """

    brott: str
    region: str
    indicator_id: str
    area_code: str
    note_sv: str = ""


@dataclass(frozen=True)
class HandledMapping:
    """A row of BRÅ's table of handled offences (kategori, underkategori, as the table writes
    them) read as part of a yearly share indicator; an indicator's rows are summed."""

    kategori: str
    underkategori: str
    indicator_id: str
    note_sv: str = ""


@dataclass(frozen=True)
class Catalog:
    """Goals, indicators and areas in catalog order, with lookups by id.

    `bra_mappings` declare how BRÅ exports are read; rows of `bra_ignored_regions` (e.g.
    "Hela landet") are skipped on purpose.
    """

    goals: tuple[Goal, ...]
    indicators: tuple[Indicator, ...]
    areas: tuple[Area, ...]
    bra_mappings: tuple[BraMapping, ...] = ()
    bra_ignored_regions: tuple[str, ...] = ()
    scb_ignored_regions: tuple[str, ...] = ()
    kolada_mappings: tuple[KoladaMapping, ...] = ()
    kolada_areas: tuple[KoladaArea, ...] = ()
    handled_mappings: tuple[HandledMapping, ...] = ()
    handled_ignored: tuple[tuple[str, str], ...] = ()
    """SCB region codes whose population rows an import skips (riket, Stockholms län)."""

    @cached_property
    def _goals(self) -> dict[str, Goal]:
        return {goal.id: goal for goal in self.goals}

    @cached_property
    def _indicators(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    @cached_property
    def _areas(self) -> dict[str, Area]:
        return {area.code: area for area in self.areas}

    @cached_property
    def _bra(self) -> dict[tuple[str, str], BraMapping]:
        return {(fold_bra_text(m.brott), fold_bra_text(m.region)): m for m in self.bra_mappings}

    def bra_mapping(self, brott: str, region: str) -> BraMapping | None:
        """The mapping for a BRÅ category in a BRÅ region, or None when there is none.

        Texts are compared after collapsing spaces and case (`fold_bra_text`), nothing looser.
        """
        return self._bra.get((fold_bra_text(brott), fold_bra_text(region)))

    @cached_property
    def _handled(self) -> dict[tuple[str, str], HandledMapping]:
        return {
            (fold_bra_text(m.kategori), fold_bra_text(m.underkategori)): m
            for m in self.handled_mappings
        }

    def handled_mapping(self, kategori: str, underkategori: str) -> HandledMapping | None:
        """The mapping of a handled-offences row, or None (texts compared as `bra_mapping`)."""
        return self._handled.get((fold_bra_text(kategori), fold_bra_text(underkategori)))

    def handled_row_ignored(self, kategori: str, underkategori: str) -> bool:
        """Whether a handled-offences row is skipped on purpose ([[handled_ignored]])."""
        key = (fold_bra_text(kategori), fold_bra_text(underkategori))
        return key in {(fold_bra_text(k), fold_bra_text(u)) for k, u in self.handled_ignored}

    def bra_region_status(self, region: str) -> Literal["mapped", "ignored", "unknown"]:
        """Whether a BRÅ region is read (some mapping names it), skipped on purpose, or unknown."""
        folded = fold_bra_text(region)
        if any(region_key == folded for _, region_key in self._bra):
            return "mapped"
        if folded in {fold_bra_text(r) for r in self.bra_ignored_regions}:
            return "ignored"
        return "unknown"

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id; KeyError if there is none."""
        return _lookup(self._goals, goal_id, "goal")

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError if there is none."""
        return _lookup(self._indicators, indicator_id, "indicator")

    def area(self, code: str) -> Area:
        """The area with this code (e.g. "STHLM", "PO_SYD", "0127"); KeyError if there is none."""
        return _lookup(self._areas, code, "area")

    def indicators_for_goal(self, goal_id: str) -> tuple[Indicator, ...]:
        """The goal's indicators in catalog order; KeyError for an unknown goal."""
        self.goal(goal_id)
        return tuple(i for i in self.indicators if goal_id in i.goals)

    def goals_for_indicator(self, indicator_id: str) -> tuple[Goal, ...]:
        """The indicator's goals in its declared order (primary first); KeyError if unknown."""
        return tuple(self.goal(g) for g in self.indicator(indicator_id).goals)

    @cached_property
    def _valid_areas(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """valid_areas' answers so far, per tuple of levels (filled on first use of each)."""
        return {}

    def valid_areas(self, indicator_id: str) -> tuple[str, ...]:
        """Codes of the areas at the indicator's levels, in catalog order; KeyError if unknown."""
        # Pages ask this for many indicators on every run (290 areas each at national scale);
        # the catalog is immutable, so each set of levels is listed once.
        levels = self.indicator(indicator_id).levels
        found = self._valid_areas.get(levels)
        if found is None:
            found = tuple(area.code for area in self.areas if area.level in levels)
            self._valid_areas[levels] = found
        return found


def _lookup(index: dict[str, _T], key: str, what: str) -> _T:
    try:
        return index[key]
    except KeyError:
        raise UnknownEntry("catalog_unknown_" + what, value=repr(key)) from None


CATALOG_ENV = "LAGESBILD_CATALOG"
"""Environment variable naming another catalog file for the whole process (the benchmark's
national catalog); unset or empty means metrics/catalog.toml."""


def catalog_path() -> Path:
    """The catalog file `load_catalog()` reads: `$LAGESBILD_CATALOG` if set, else the default."""
    return Path(os.environ.get(CATALOG_ENV) or DEFAULT_PATH)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate the catalog; without `path`, the file `catalog_path()` names.

    Cached per path: a catalog edited while the process runs is read again only after
    `load_catalog.cache_clear()`. Raises CatalogError listing every problem in the file.
    """
    # The environment is read on every call, so a process that switches catalogs (the
    # benchmark) never gets the previous one from the cache.
    return _load_catalog(Path(path) if path is not None else catalog_path())


@functools.lru_cache(maxsize=16)
def _load_catalog(path: Path) -> Catalog:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(path, [_both("catalog_file_missing")]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(path, [f"{_both('catalog_file_unreadable')}: {error}"]) from error
    tables, problems = validate_catalog(raw)
    if problems:
        raise CatalogError(path, [problem.message() for problem in problems])
    return _build(tables)


load_catalog.cache_clear = _load_catalog.cache_clear  # type: ignore[attr-defined]


def _first_month(period: str) -> str:
    """A catalog period ("2026-03", "2025K3", "2025", validated) as its first month "YYYY-MM"."""
    start = parse_period(period).start  # type: ignore[union-attr]
    return f"{start.year}-{start.month:02d}"


def _build(tables: CatalogTables) -> Catalog:
    targets = {
        row["indicator_id"]: Target(
            value=float(row["value"]),
            period=_first_month(row["period"]),
            note_sv=row["note_sv"],
            note_en=row["note_en"],
            illustrative=row["illustrative"],
        )
        for row in tables.targets.to_dict("records")
    }
    baselines = {
        row["indicator_id"]: Baseline(
            float(row["value"]), _first_month(row["period"]), row["illustrative"]
        )
        for row in tables.baselines.to_dict("records")
    }
    area_targets: dict[str, list[tuple[str, Target]]] = {}
    for row in tables.area_targets.to_dict("records"):
        area_targets.setdefault(row["indicator_id"], []).append(
            (
                row["area_code"],
                Target(
                    value=float(row["value"]),
                    period=_first_month(row["period"]),
                    note_sv=row["note_sv"],
                    note_en=row["note_en"],
                    illustrative=row["illustrative"],
                ),
            )
        )
    breaks: dict[str, list[SeriesBreak]] = {}
    for row in tables.breaks.to_dict("records"):
        breaks.setdefault(row["indicator_id"], []).append(
            SeriesBreak(_first_month(row["period"]), row["reason_sv"], row["reason_en"])
        )
    indicators = tuple(
        Indicator(
            **{
                **row,
                "levels": tuple(row["levels"]),
                "goals": tuple(row["goals"]),
                "target": targets.get(row["id"]),
                "baseline": baselines.get(row["id"]),
                "breaks": tuple(sorted(breaks.get(row["id"], []), key=lambda b: b.period)),
                "area_targets": tuple(area_targets.get(row["id"], [])),
            }
        )
        for row in tables.indicators.to_dict("records")
    )
    return Catalog(
        goals=tuple(Goal(**row) for row in tables.goals.to_dict("records")),
        indicators=indicators,
        areas=tuple(
            Area(**(row | {"spans": tuple(row["spans"])}))
            for row in tables.areas.to_dict("records")
        ),
        bra_mappings=tuple(BraMapping(**row) for row in tables.bra_mappings.to_dict("records")),
        bra_ignored_regions=tuple(tables.bra_ignored_regions["region"]),
        scb_ignored_regions=tuple(tables.scb_ignored_regions["code"]),
        kolada_mappings=tuple(
            KoladaMapping(**row) for row in tables.kolada_mappings.to_dict("records")
        ),
        kolada_areas=tuple(KoladaArea(**row) for row in tables.kolada_areas.to_dict("records")),
        handled_mappings=tuple(
            HandledMapping(**row) for row in tables.handled_mappings.to_dict("records")
        ),
        handled_ignored=tuple(
            zip(
                tables.handled_ignored["kategori"],
                tables.handled_ignored["underkategori"],
                strict=True,
            )
        ),
    )

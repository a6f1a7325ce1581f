"""What pages read, cached per version of what it reads and per disclosure mode (never shared across modes).

Readings, observations and revisions are keyed on the data versions of the indicators and areas
they read (storage/versions.py: the writer bumps them in the commit's transaction), so an upload
makes stale only what it touched, in every process at its next run; a sign-in, a comment or an
event written to the file makes none of them stale. The rest is keyed on a stamp of what it
reads (`stamp`: the data, uploads, notes, events, process changes), and only the population and
the stored sign-outs on the file's version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from metrics.baselines import rebase_points
from metrics.catalog import Catalog, load_catalog
from metrics.disclosure import (
    HiddenCells,
    PeriodTotal,
    has_year_totals,
    is_isolated,
    period_totals,
    protects,
)
from metrics.narrative import Section, monthly_summary
from metrics.overview import REGION, GoalCard, overview_cards, read_overview, reading_area
from metrics.population import Population
from metrics.reading import Reading
from metrics.redaction import mask_numbers
from services import readings as protected_reads
from storage import (
    Database,
    cell_history,
    contains_demo_data,
    latest_period,
    list_comments,
    list_events,
    load_population,
    open_database,
)
from storage.observations import CELL_COLUMNS, OBSERVATION_COLUMNS
from storage.process_changes import list_process_changes
from storage.versions import DataVersions, read_versions
from ui.versioned import VersionedStore

# What the overview's readings use of a row (not its note or upload).
READING_COLUMNS = ("indicator_id", "area_code", "period", "value", "denominator", "status")


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """The process's Database (migrated and with the catalog mirrored on first use)."""
    db = open_database()
    db.ensure()
    return db


def catalog() -> Catalog:
    return load_catalog()


def version() -> tuple[int, ...]:
    """Changes whenever any process writes to the file (cheap: no read of the database)."""
    return database().version()


# The cached functions a page calls per chart take keyword arguments only: for each positional
# argument Streamlit looks the function's signature up again (inspect.signature, at every call),
# which was ~7 % of a national goal page's first visit.
@st.cache_resource(show_spinner=False, max_entries=2)
def _versions(*, file_version: tuple[int, ...]) -> DataVersions:
    return read_versions(database())


def version_key(briefing: bool, indicator_ids: Sequence[str], area_codes: Sequence[str]) -> tuple:
    """What a cache of something drawn from these indicators at these areas keys on (e.g. a
    chart): it changes when their data (briefing mode: any area of them), a process change, an
    event or the catalog changes, never on a sign-in or a note."""
    return (hash(catalog()), *_key(briefing, indicator_ids, area_codes))


def indicator_key(indicator_id: str) -> tuple:
    """What a cache of something drawn from an indicator at every area keys on (e.g. the
    comparison between areas): as ``version_key`` over all its areas."""
    return (hash(catalog()), *_key(True, [indicator_id], None))


def stamp(what: str) -> tuple:
    """A key that changes exactly when `what` changes in the file: "data" (any cell, by a commit
    or an undo), "uploads" (an upload stored or undone), "comments" (a note written), "events"
    (an event added or removed) or "marks" (a process change marked or removed, or an event).
    For caches of what depends on one of those only: a sign-in, a note or an event written to
    the file leaves every other stamp as it was."""
    versions = _versions(file_version=version())
    return (versions.lineage, getattr(versions, what))


def _key(briefing: bool, indicator_ids: Sequence[str], area_codes: Sequence[str] | None) -> tuple:
    """What a cache of these indicators at these areas keys on. Briefing mode's cells depend on
    every area of an indicator (disclosure control protects the indicator whole)."""
    return _versions(file_version=version()).of(indicator_ids, None if briefing else area_codes)


# -- observations ---------------------------------------------------------------------------
#
# Protected reads are services/readings.py (disclosure control's release decision per indicator,
# applied to the rows a page shows); here they are cached per data version, and the decisions per
# indicator and checksum of its stored cells.


@st.cache_resource(show_spinner=False)
def _decision_store() -> VersionedStore:
    """Briefing mode only: which cells of each indicator disclosure control hides, one part per
    indicator keyed on the checksum of its stored cells, one slot per catalog."""
    return VersionedStore(max_slots=4)


def _decisions(
    catalog_key: int,
    checksums: Mapping[str, tuple[int, int]],
    areas: Sequence[str] | None,
) -> tuple[dict[str, HiddenCells], list[str]]:
    """services.readings.current_decisions, kept per indicator, areas shown and checksum: the
    decisions not yet made are made together (one read of the file for all of them). An
    indicator whose stored cells no longer have the checksum gets no decision (its part is None:
    that checksum is not the cells' any more, so the next read asks under another)."""
    scope = None if areas is None else tuple(sorted(set(areas)))
    keys = {(i, scope): checksum for i, checksum in checksums.items()}

    def make(stale: Sequence[tuple[str, tuple[str, ...] | None]]) -> dict:
        made, _changed = protected_reads.current_decisions(
            database(), catalog(), {i: checksums[i] for i, _ in stale}, scope
        )
        return {(i, scope): made.get(i) for i, _ in stale}

    parts, _ = _decision_store().parts(("decisions", catalog_key), keys, make)
    decided = {i: hidden for (i, _), hidden in parts.items() if hidden is not None}
    return decided, [i for (i, _), hidden in parts.items() if hidden is None]


def _cached_decisions() -> protected_reads.Decisions:
    """The `decisions` a protected read takes: `_decisions`, kept for the current catalog."""
    key = hash(catalog())
    return lambda checksums, areas: _decisions(key, checksums, areas)


def _read(
    briefing: bool,
    indicator_ids: tuple[str, ...],
    area_codes: tuple[str, ...] | None,
    end: pd.Timestamp | None,
    columns: Sequence[str] = OBSERVATION_COLUMNS,
) -> pd.DataFrame:
    """services.readings.read_observations with the cached decisions (briefing: protected)."""
    return protected_reads.read_observations(
        database(),
        catalog(),
        protected=briefing,
        indicator_ids=indicator_ids,
        area_codes=area_codes,
        end=end,
        columns=columns,
        decisions=_cached_decisions(),
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _observations(
    *,
    key: tuple,
    briefing: bool,
    indicator_ids: tuple[str, ...],
    area_codes: tuple[str, ...] | None,
    columns: tuple[str, ...] = tuple(OBSERVATION_COLUMNS),
) -> pd.DataFrame:
    return _read(briefing, indicator_ids, area_codes, None, columns=columns)


def indicator_observations(
    briefing: bool, indicator_id: str, columns: Sequence[str] = OBSERVATION_COLUMNS
) -> pd.DataFrame:
    """Every area and month of one indicator (the indicator page), protected in briefing mode;
    `columns` of the observations (every one by default), with `suppressed`."""
    key = _key(briefing, [indicator_id], None)
    return _observations(
        key=key,
        briefing=briefing,
        indicator_ids=(indicator_id,),
        area_codes=None,
        columns=tuple(columns),
    )


def goal_observations(briefing: bool, goal_id: str, area: str) -> pd.DataFrame:
    """Every month of a goal's indicators at the area and the region (where an indicator is not
    reported for the area, the page shows the region), protected in briefing mode."""
    ids = [i.id for i in catalog().indicators_for_goal(goal_id)]
    # The charts and readings need no notes or upload ids (the goal page offers no download).
    return area_observations(briefing, ids, [area, REGION], columns=READING_COLUMNS)


def area_observations(
    briefing: bool,
    indicator_ids: Sequence[str],
    area_codes: Sequence[str],
    columns: Sequence[str] = OBSERVATION_COLUMNS,
) -> pd.DataFrame:
    """Every month of the indicators at the areas (e.g. the briefing pack's indicators at its
    area and the region), protected in briefing mode as the whole indicators would be;
    `columns` of the observations (every one by default), with `suppressed`."""
    codes = tuple(dict.fromkeys(area_codes))
    ids = tuple(indicator_ids)
    return _observations(
        key=_key(briefing, ids, codes),
        briefing=briefing,
        indicator_ids=ids,
        area_codes=codes,
        columns=tuple(columns),
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _year_totals(
    *, key: tuple, briefing: bool, indicator_id: str, area: str
) -> tuple[PeriodTotal, ...]:
    raw = _read(False, (indicator_id,), (area,), None, columns=CELL_COLUMNS)
    protected = _read(briefing, (indicator_id,), (area,), None)
    monthly = raw[["period", "value"]].merge(
        protected[["period", "suppressed"]], on="period", how="left", validate="one_to_one"
    )
    return period_totals(monthly.fillna({"suppressed": True}))


def year_totals(briefing: bool, indicator_id: str, area: str) -> tuple[PeriodTotal, ...]:
    """What briefing mode shows of a region-only indicator instead of its months (whose ``..``
    means 0..4): its complete years' totals at the area (``metrics.disclosure.period_totals``,
    taken on the stored values with the indicator's decision; only what they say leaves here).
    () outside briefing mode, and for an indicator whose months other cells protect."""
    indicator = catalog().indicator(indicator_id)
    if not briefing or not protects(indicator) or not is_isolated(indicator, catalog()):
        return ()
    return _year_totals(
        key=_key(True, [indicator_id], None), briefing=True, indicator_id=indicator_id, area=area
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _area_year_totals(key: tuple, briefing: bool, indicator_id: str) -> pd.DataFrame:
    return protected_reads.read_year_totals(
        database(),
        catalog(),
        protected=briefing,
        indicator_id=indicator_id,
        decisions=_cached_decisions(),
    )


def area_year_totals(briefing: bool, indicator_id: str) -> pd.DataFrame | None:
    """Briefing mode's comparison between areas: every area's complete calendar years of the
    indicator, the totals its release hides blanked (services.readings.read_year_totals). None
    outside briefing mode and for an indicator whose releases decide no year totals (the
    comparison then sums the months it is given)."""
    indicator = catalog().indicator(indicator_id)
    if not briefing or not has_year_totals(indicator, catalog()):
        return None
    return _area_year_totals(_key(True, [indicator_id], None), True, indicator_id)


def observations(briefing: bool) -> pd.DataFrame:
    """All observations, protected by disclosure control in briefing mode. No page reads this (at
    national scale it is millions of rows; pages and the briefing pack read only what they show):
    tests compare the bound reads with it."""
    ids = tuple(i.id for i in catalog().indicators)
    return _observations(
        key=_key(briefing, ids, None), briefing=briefing, indicator_ids=ids, area_codes=None
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _meta(*, data_stamp: tuple) -> tuple[pd.Timestamp | None, bool]:
    db = database()
    return latest_period(db), contains_demo_data(db)


def data_through() -> pd.Timestamp | None:
    """The latest month with data, or None for an empty database."""
    return _meta(data_stamp=stamp("data"))[0]


@st.cache_resource(show_spinner=False, max_entries=4)
def _population(db_version: tuple[int, ...]) -> Population:
    return Population(load_population(database()))


def population() -> Population:
    """The stored population figures (the bases rates use), read once per database version."""
    return _population(version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _population_key(db_version: tuple[int, ...]) -> tuple:
    frame = _population(db_version).frame
    return (len(frame), int(pd.util.hash_pandas_object(frame, index=False).sum()))


def population_key() -> tuple:
    """What a cache of something computed from the population figures keys on: it changes when
    a figure changes, not on every write to the file (one hash per database version)."""
    return _population_key(version())


def is_demo() -> bool:
    """True when demo data is stored (every view then says so)."""
    return _meta(data_stamp=stamp("data"))[1]


# -- readings (the overview, and every page's reading of an indicator) --------------------------
#
# Kept per process in one store shared by every session (ui/versioned.py), per (mode, area,
# month), one part per indicator: its reading and, for a goal's headline, its series as the mode
# shows it. A part is keyed on the data version of what it reads (the indicator at the area it is
# read in; in briefing mode the whole indicator, as disclosure control decides on all its areas)
# and on the months its limits start again. So an upload makes stale only its indicators' parts
# (at its areas), which the next reader remakes in one batch while the other sessions wait for
# it and then read the same objects; everything else is handed out as it is. The readings are
# frozen dataclasses the pages only read. The cards and the month's summary are made from the
# parts, again only when a part changed.


@st.cache_resource(show_spinner=False)
def _store() -> VersionedStore:
    return VersionedStore()


def _reading_keys(briefing: bool, area: str) -> dict[str, tuple]:
    """Indicator id → what its reading at `area` depends on (see above)."""
    cat = catalog()
    versions = _versions(file_version=version())
    starts = rebases()
    keys = {}
    for indicator in cat.indicators:
        if briefing:
            data_version = versions.totals.get(indicator.id, 0)
        else:
            where = reading_area(cat, indicator.id, area)
            data_version = 0 if where is None else versions.pairs.get((indicator.id, where), 0)
        keys[indicator.id] = (versions.lineage, data_version, starts.get(indicator.id, ()))
    return keys


def _make_parts(
    briefing: bool,
    area: str,
    period: pd.Timestamp | None,
    stale: Sequence[str],
    rows: pd.DataFrame | None = None,
) -> dict[str, tuple[Reading, pd.DataFrame | None]]:
    """The parts of the indicators `stale` (one bound read of their rows at the area and the
    region up to the period, one batch of readings). The readings are made on the stored values
    in both modes (briefing mode may withhold a reading, never change it); in briefing mode the
    protected rows decide what is withheld and what the cards draw.

    rows: in normal mode, the stored rows of (at least) these indicators at the area and the
    region, every month, as ``area_observations`` reads them: taken instead of reading again."""
    cat = catalog()
    indicators = [cat.indicator(i) for i in stale]
    codes = tuple(dict.fromkeys([area, REGION]))
    ids = tuple(stale)
    shown = None
    if briefing:  # one read: the stored rows for the readings, the same protected for the cards
        stored, shown = protected_reads.read_stored_and_protected(
            database(),
            cat,
            indicator_ids=ids,
            area_codes=codes,
            end=period,
            decisions=_cached_decisions(),
            columns=READING_COLUMNS,
        )
        obs = stored
    elif rows is not None:
        obs = _rows_to(rows, ids, period)
    else:
        obs = _read(False, ids, codes, period, columns=READING_COLUMNS)
    # Limits start again at the catalog's series breaks and the process changes in force.
    readings, series = read_overview(
        obs, cat, area, period, indicators, shown=shown, process_changes=rebases()
    )
    return {i: (readings[i], series.get(i)) for i in ids}


def _rows_to(rows: pd.DataFrame, ids: Sequence[str], period: pd.Timestamp | None) -> pd.DataFrame:
    """The reading's columns of `rows` for `ids` up to `period`: what ``_read`` with those
    filters returns (same order: both are the storage read's order)."""
    keep = rows["indicator_id"].isin(ids)
    if period is not None:
        keep &= rows["period"] <= period
    return rows.loc[keep, [*READING_COLUMNS, "suppressed"]].reset_index(drop=True)


def _overview_parts(
    briefing: bool, area: str, period: pd.Timestamp | None
) -> tuple[tuple, dict[str, tuple], tuple[dict[str, Reading], list[GoalCard]]]:
    slot = (hash(catalog()), briefing, area, period)
    keys = _reading_keys(briefing, area)

    def assemble(parts: dict) -> tuple[dict[str, Reading], list[GoalCard]]:
        readings = {i: part[0] for i, part in parts.items()}
        series = {i: part[1] for i, part in parts.items() if part[1] is not None}
        return readings, overview_cards(catalog(), area, period, readings, series)

    _, whole = _store().parts(
        slot, keys, lambda stale: _make_parts(briefing, area, period, stale), assemble
    )
    return slot, keys, whole


def overview(
    briefing: bool, area: str, period: pd.Timestamp | None
) -> tuple[dict[str, Reading], list[GoalCard]]:
    """The reading of every indicator and one card per goal, for an area in the month `period`
    (None: the latest with data). Shared by every session: read, never change, what it gives."""
    return _overview_parts(briefing, area, period)[2]


def overview_summary(briefing: bool, area: str, period: pd.Timestamp, lang: str) -> list[Section]:
    """The month's summary of the overview's readings (``metrics.narrative.monthly_summary``),
    made once per data version, language and view."""
    slot, keys, (readings, _) = _overview_parts(briefing, area, period)
    return _store().derived(
        slot, ("summary", lang), keys, lambda: monthly_summary(readings, catalog(), period, lang)
    )


def readings(
    briefing: bool,
    area: str,
    period: pd.Timestamp | None,
    indicator_ids: Sequence[str] | None = None,
    *,
    rows: pd.DataFrame | None = None,
) -> dict[str, Reading]:
    """Indicator id → its reading for the area (the region's where the indicator is not
    reported there) in the month `period`: the same objects the overview, the goal and
    indicator pages and the briefing pack show (one reading, whatever the view).
    indicator_ids: only these (a goal page's, one indicator's), made in one batch where stale;
    default every indicator of the catalog. rows: what the page already read of them at the
    area and the region (``area_observations``; used in normal mode instead of a second read)."""
    if indicator_ids is None:
        return overview(briefing, area, period)[0]
    slot = (hash(catalog()), briefing, area, period)
    every = _reading_keys(briefing, area)
    keys = {i: every[i] for i in dict.fromkeys(indicator_ids)}
    parts, _ = _store().parts(
        slot, keys, lambda stale: _make_parts(briefing, area, period, stale, rows)
    )
    return {i: part[0] for i, part in parts.items()}


@st.cache_data(show_spinner=False, max_entries=32)
def _revisions(key: tuple, indicator_id: str) -> pd.DataFrame:
    return cell_history(database(), indicator_id)


def revisions(indicator_id: str) -> pd.DataFrame:
    """Revised cells of an indicator with the upload's date and author, newest first."""
    return _revisions(_key(False, [indicator_id], None), indicator_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def _all_events(*, events_stamp: tuple) -> pd.DataFrame:
    return list_events(database(), None)


def _events(events_stamp: tuple, indicator_id: str | None) -> pd.DataFrame:
    """The events (those concerning `indicator_id`: named or for every indicator), from one
    read per events stamp shared by every session (a goal page asks for 13 indicators)."""
    frame = _all_events(events_stamp=events_stamp)
    if indicator_id is not None:
        frame = frame[[not ids or indicator_id in ids for ids in frame["indicator_ids"]]]
    return frame.copy()


def events() -> pd.DataFrame:
    """Every event not removed, in time order (for the events page)."""
    return _events(stamp("events"), None)


def chart_events(
    indicator_id: str, lang: str, briefing: bool = False
) -> list[tuple[pd.Timestamp, str]]:
    """(month, label) of the events that concern the indicator, for `trend_figure(events=...)`.
    In briefing mode numbers in a label other than dates read ".." (a label is free text)."""
    return list(
        _chart_events(events_stamp=stamp("events"), lang=lang, briefing=briefing).get(
            indicator_id, ()
        )
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _chart_events(
    *, events_stamp: tuple, lang: str, briefing: bool
) -> dict[str, tuple[tuple[pd.Timestamp, str], ...]]:
    """chart_events of every indicator of the catalog, made once per events stamp (a goal page
    draws 5-22 charts, each asking for its own)."""
    frame = _all_events(events_stamp=events_stamp)
    labels = frame["label_sv"] if lang == "sv" else frame["label_en"]
    if briefing:
        labels = labels.map(mask_numbers)
    pairs = list(zip(frame["period"], labels, strict=True))
    return {
        indicator.id: tuple(
            pair
            for pair, ids in zip(pairs, frame["indicator_ids"], strict=True)
            if not ids or indicator.id in ids
        )
        for indicator in catalog().indicators
    }


@st.cache_resource(show_spinner=False, max_entries=4)
def _all_comments(*, comments_stamp: tuple) -> pd.DataFrame:
    return list_comments(database())


def comments(indicator_id: str, area: str) -> pd.DataFrame:
    """Notes on an indicator in an area, latest month first (one read per comments stamp,
    shared by every session; storage.list_comments's order)."""
    comments_stamp = stamp("comments")
    frame = _all_comments(comments_stamp=comments_stamp)
    rows = _comment_rows(comments_stamp=comments_stamp).get((indicator_id, area))
    # No copy: pandas 3 copies on write, so a caller changing its rows never changes the kept
    # frame (the copy and its block consolidation were ~3 % of a goal page).
    return frame.iloc[rows if rows is not None else []]


@st.cache_resource(show_spinner=False, max_entries=4)
def _comment_rows(*, comments_stamp: tuple) -> dict[tuple[str, str], list[int]]:
    """Positions of each indicator's and area's notes in ``_all_comments``, in its order."""
    frame = _all_comments(comments_stamp=comments_stamp)
    rows: dict[tuple[str, str], list[int]] = {}
    for at, key in enumerate(zip(frame["indicator_id"], frame["area_code"], strict=True)):
        rows.setdefault(key, []).append(at)
    return rows


# -- process changes (where limits start again) ------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _process_changes(*, marks_stamp: tuple) -> pd.DataFrame:
    return list_process_changes(database())


def process_changes() -> pd.DataFrame:
    """The process-change marks in force, in time order (``storage.list_process_changes``)."""
    return _process_changes(marks_stamp=stamp("marks"))


@st.cache_data(show_spinner=False, max_entries=8)
def _rebases(*, marks_stamp: tuple) -> dict[str, tuple[pd.Timestamp, ...]]:
    return rebase_points(catalog(), _process_changes(marks_stamp=marks_stamp))


def rebases() -> dict[str, tuple[pd.Timestamp, ...]]:
    """Indicator id -> the months its limits start again (series breaks and the process changes
    in force), for every catalog indicator: what every reading is rebased at."""
    return _rebases(marks_stamp=stamp("marks"))

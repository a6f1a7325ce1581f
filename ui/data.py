"""What pages read, cached per database version and per disclosure mode (never shared across modes)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.catalog import Catalog, load_catalog
from metrics.disclosure import apply_disclosure
from metrics.overview import REGION, GoalCard, build_overview
from metrics.progress import Assessment
from storage import (
    Database,
    cell_history,
    contains_demo_data,
    latest_period,
    list_comments,
    list_events,
    load_observations,
    open_database,
)

DISCLOSURE_THRESHOLD = 5  # counts 1..4 are suppressed in briefing mode


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """The process's Database (migrated and with the catalog mirrored on first use)."""
    db = open_database()
    db.ensure()
    return db


def catalog() -> Catalog:
    return load_catalog()


def version() -> tuple[int, ...]:
    """Changes whenever any process commits; every cache below is keyed on it."""
    return database().version()


@st.cache_data(show_spinner=False, max_entries=4)
def _observations(db_version: tuple[int, ...], briefing: bool) -> pd.DataFrame:
    obs = load_observations(database())
    if briefing:
        # Disclosure control before anything is drawn or exported: suppressed cells lose their
        # value here, so no page can show or export them.
        obs = apply_disclosure(obs, catalog(), DISCLOSURE_THRESHOLD)
    elif "suppressed" not in obs.columns:
        obs = obs.assign(suppressed=False)
    return obs


def observations(briefing: bool) -> pd.DataFrame:
    """All observations, protected by disclosure control in briefing mode."""
    return _observations(version(), briefing)


@st.cache_data(show_spinner=False, max_entries=8)
def _meta(db_version: tuple[int, ...]) -> tuple[pd.Timestamp | None, bool]:
    db = database()
    return latest_period(db), contains_demo_data(db)


def data_through() -> pd.Timestamp | None:
    """The latest month with data, or None for an empty database."""
    return _meta(version())[0]


def is_demo() -> bool:
    """True when demo data is stored (every view then says so)."""
    return _meta(version())[1]


# A resource, not data: the readings are frozen dataclasses the pages only read, and handing out
# the cached object (instead of an unpickled copy of a hundred XmR frames) saves a tenth of a
# second on every rerun of the overview.
@st.cache_resource(show_spinner=False, max_entries=32)
def _overview(
    db_version: tuple[int, ...], briefing: bool, area: str, period: pd.Timestamp | None
) -> tuple[dict[str, Assessment], list[GoalCard]]:
    codes = list(dict.fromkeys([area, REGION]))
    if briefing:
        # Disclosure protects the frame as a whole (a cell can be recovered by subtraction
        # across areas), so the protected frame is cut, never the other way round.
        obs = _observations(db_version, True)
        obs = obs[obs["area_code"].isin(codes)]
        if period is not None:
            obs = obs[obs["period"] <= period]
    else:
        # Only the rows an overview reads (the area's and the region's, up to the period), in
        # one bound query: at national scale that is thousands of rows, not millions.
        end = None if period is None else period.date()
        obs = load_observations(database(), area_codes=codes, end=end)
    return build_overview(obs, catalog(), area, period)


def overview(
    briefing: bool, area: str, period: pd.Timestamp | None
) -> tuple[dict[str, Assessment], list[GoalCard]]:
    """Assessments of every indicator and one card per goal, for an area up to `period`."""
    return _overview(version(), briefing, area, period)


@st.cache_data(show_spinner=False, max_entries=32)
def _revisions(db_version: tuple[int, ...], indicator_id: str) -> pd.DataFrame:
    return cell_history(database(), indicator_id)


def revisions(indicator_id: str) -> pd.DataFrame:
    """Revised cells of an indicator with the upload's date and author, newest first."""
    return _revisions(version(), indicator_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _events(db_version: tuple[int, ...], indicator_id: str | None) -> pd.DataFrame:
    return list_events(database(), indicator_id)


def events() -> pd.DataFrame:
    """Every event not removed, in time order (for the events page)."""
    return _events(version(), None)


def chart_events(indicator_id: str, lang: str) -> list[tuple[pd.Timestamp, str]]:
    """(month, label) of the events that concern the indicator, for `trend_figure(events=...)`."""
    frame = _events(version(), indicator_id)
    labels = frame["label_sv"] if lang == "sv" else frame["label_en"]
    return list(zip(frame["period"], labels, strict=True))


@st.cache_data(show_spinner=False, max_entries=128)
def _comments(db_version: tuple[int, ...], indicator_id: str, area: str) -> pd.DataFrame:
    return list_comments(database(), indicator_id, area)


def comments(indicator_id: str, area: str) -> pd.DataFrame:
    """Notes on an indicator in an area, latest month first."""
    return _comments(version(), indicator_id, area)

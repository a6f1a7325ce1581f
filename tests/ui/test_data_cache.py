"""ui/data.py caches: briefing-mode data is never served from the full cache, nor the reverse.

The data itself is the same for every role (roles decide pages and actions, not numbers), so the
only split that protects anything is disclosure control: a small count must not reach a briefing
view because the full view happened to fill the cache first, in either order, in one process.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import streamlit as st

from ingest.pipeline import ingest_upload
from tests.conftest import TODAY

# Salem (0128) reports 2 rapes in March: a small count that briefing mode must hide.
BODY = b"""indicator_id,period,area_code,value
reported_rape,2026-01,0128,9
reported_rape,2026-02,0128,8
reported_rape,2026-03,0128,2
reported_rape,2026-01,STHLM,170
reported_rape,2026-02,STHLM,160
reported_rape,2026-03,STHLM,175
"""
MARCH = pd.Timestamp("2026-03-01")


@pytest.fixture
def data(fresh_db, monkeypatch):
    report = ingest_upload(fresh_db, BODY, "small.csv", user="test", today=TODAY)
    assert report.status == "committed", report.errors
    monkeypatch.setenv("LAGESBILD_DB", str(fresh_db.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    from ui import data

    yield data
    st.cache_data.clear()
    st.cache_resource.clear()


def salem_march(obs: pd.DataFrame) -> pd.Series:
    cell = obs[
        (obs["indicator_id"] == "reported_rape")
        & (obs["area_code"] == "0128")
        & (obs["period"] == MARCH)
    ]
    assert len(cell) == 1
    return cell.iloc[0]


def assert_full(obs):
    cell = salem_march(obs)
    assert cell["value"] == 2 and not cell["suppressed"]


def assert_protected(obs):
    cell = salem_march(obs)
    assert cell["suppressed"] and math.isnan(cell["value"])


@pytest.mark.parametrize("full_first", [True, False], ids=["full-first", "briefing-first"])
def test_observations_never_cross_between_modes(data, full_first):
    order = [False, True] if full_first else [True, False]
    for briefing in order * 2:  # the second round is served from the cache
        obs = data.observations(briefing)
        (assert_protected if briefing else assert_full)(obs)


@pytest.mark.parametrize("full_first", [True, False], ids=["full-first", "briefing-first"])
def test_overview_never_crosses_between_modes(data, full_first):
    order = [False, True] if full_first else [True, False]
    for briefing in order * 2:
        assessments, _cards = data.overview(briefing, "0128", MARCH)
        value = assessments["reported_rape"].value
        if briefing:
            assert value is None or value != 2
        else:
            assert value == 2


def test_a_commit_by_another_process_is_seen_in_both_modes(data, fresh_db):
    data.observations(True), data.observations(False)
    revised = b"indicator_id,period,area_code,value\nreported_rape,2026-03,0128,3\n"
    assert ingest_upload(fresh_db, revised, "rev.csv", user="t", today=TODAY).status == "committed"
    assert salem_march(data.observations(False))["value"] == 3
    assert_protected(data.observations(True))


def test_every_cached_reader_of_values_is_keyed_on_the_mode():
    """A new cached function that returns observation values must take `briefing` too."""
    import inspect

    from ui import data

    # Taken in briefing mode only, and returns which cells to hide, not values.
    briefing_only = {"_decision_store"}
    checked = []
    for name, fn in vars(data).items():
        wrapped = getattr(fn, "__wrapped__", None)
        if wrapped is None or name in briefing_only:
            continue
        source = inspect.getsource(wrapped)
        if "load_observations" in source or "_observations(" in source or "_read(" in source:
            assert "briefing" in inspect.signature(wrapped).parameters, name
            checked.append(name)
    assert "_observations" in set(checked)
    # The readings' store (not a cached function): its slots and the parts it makes take the mode.
    for fn in (data._make_parts, data._overview_parts, data._reading_keys):
        assert "briefing" in inspect.signature(fn).parameters, fn.__name__
    assert "slot = (hash(catalog()), briefing," in inspect.getsource(data._overview_parts)
    assert "DataFrame" not in str(inspect.signature(data._decisions).return_annotation)


@pytest.mark.parametrize("briefing", [False, True])
def test_pages_read_only_their_rows_and_see_what_the_whole_frame_shows(data, briefing):
    whole = data.observations(briefing)
    one = data.indicator_observations(briefing, "reported_rape")
    assert set(one["indicator_id"]) == {"reported_rape"}
    expected = whole[whole["indicator_id"] == "reported_rape"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.reset_index(drop=True), expected)
    goal = data.goal_observations(briefing, "county_3", "0128")
    assert set(goal["area_code"]) == {"0128", "STHLM"}
    (assert_protected if briefing else assert_full)(goal)
    some = data.area_observations(briefing, ["reported_rape"], ["0128"])
    expected = whole[(whole["indicator_id"] == "reported_rape") & (whole["area_code"] == "0128")]
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expected.reset_index(drop=True))


def test_a_decision_taken_on_other_data_is_never_applied(data, fresh_db, monkeypatch):
    """Even if the cache key misses a commit, a decision is only used on the cells it was
    taken on (checksum): here Salem's January becomes a small count after the decision."""
    monkeypatch.setattr(data, "version", lambda: (1,))
    january = data.indicator_observations(True, "reported_rape")
    assert not salem(january, "2026-01-01")["suppressed"]
    revised = b"indicator_id,period,area_code,value\nreported_rape,2026-01,0128,1\n"
    assert ingest_upload(fresh_db, revised, "rev.csv", user="t", today=TODAY).status == "committed"
    rows = data.goal_observations(True, "county_3", "0128")
    cell = salem(rows, "2026-01-01")
    assert cell["suppressed"] and math.isnan(cell["value"])
    assert_protected(rows)


def test_a_commit_between_the_read_and_the_decision_is_caught(data, fresh_db, monkeypatch):
    """The page's rows are read, then a commit lands before the decision reads the indicator:
    the decision (taken on the new cells) must not be applied to the old rows, where it would
    show Salem's March (2) because the new March (20) needs no protection."""
    from services import readings as protected_reads

    read = protected_reads.load_observations_with_checksums
    calls = []

    def read_then_commit(*args, **kwargs):
        result = read(*args, **kwargs)
        if not calls:
            revised = b"indicator_id,period,area_code,value\nreported_rape,2026-03,0128,20\n"
            report = ingest_upload(fresh_db, revised, "rev.csv", user="t", today=TODAY)
            assert report.status == "committed"
        calls.append(kwargs)
        return result

    monkeypatch.setattr(protected_reads, "load_observations_with_checksums", read_then_commit)
    rows = data.indicator_observations(True, "reported_rape")
    # the page's read and one fresh read of the whole indicator (the decisions' read of the
    # stored releases saw the new checksum and gave no decision for the old rows)
    assert len(calls) == 2 and calls[1] == {"indicator_ids": ["reported_rape"]}
    # protected again from the fresh read, with the decision the commit stored: March was
    # hidden in the first release, so it stays hidden now that it is 20 (sticky releases)
    march = salem(rows, "2026-03-01")
    assert march["suppressed"] and math.isnan(march["value"])
    shown = rows.loc[~rows["suppressed"], "value"]
    assert not ((shown > 0) & (shown < 5)).any()


def salem(obs: pd.DataFrame, month: str) -> pd.Series:
    cell = obs[
        (obs["indicator_id"] == "reported_rape")
        & (obs["area_code"] == "0128")
        & (obs["period"] == pd.Timestamp(month))
    ]
    assert len(cell) == 1
    return cell.iloc[0]


def test_every_indicator_is_read_without_listing_them_and_gives_only_the_catalogs(data, fresh_db):
    # A row of an indicator the catalog no longer declares (written past the upload checks).
    with fresh_db.writing() as con:
        con.execute(
            "INSERT INTO observations VALUES ('retired_indicator', 'STHLM', DATE '2026-01-01', "
            "3, NULL, 'final', '', 1)"
        )
    st.cache_data.clear()
    st.cache_resource.clear()
    from metrics.catalog import load_catalog
    from storage import load_observations

    ids = [i.id for i in load_catalog().indicators]
    listed = load_observations(fresh_db, indicator_ids=ids).assign(suppressed=False)
    whole = data.observations(False)
    assert "retired_indicator" not in set(whole["indicator_id"])
    pd.testing.assert_frame_equal(whole, listed)
    assessments, cards = data.overview(False, "0128", None)
    assert "retired_indicator" not in assessments
    assert assessments["reported_rape"].value == 2


def test_a_goal_pages_rows_give_the_readings_a_read_of_their_own_gives(demo_db_file, monkeypatch):
    """The goal page hands the rows it read to the readings (issue 15: one read of the file
    instead of two per area); the readings are the same as from their own read, in normal mode.
    In briefing mode the rows handed in are not used (readings are made on the stored values)."""
    monkeypatch.setenv("LAGESBILD_DB", str(demo_db_file))
    st.cache_data.clear()
    st.cache_resource.clear()
    from ui import data

    catalog = data.catalog()
    through = data.data_through()

    def records(readings):
        return {i: r.as_record("sv") for i, r in readings.items()}

    for goal in ("county_3", "gryning_method"):
        ids = [i.id for i in catalog.indicators_for_goal(goal)]
        for area in ("0180", "PO_SYD"):
            for briefing in (False, True):
                st.cache_resource.clear()
                own = records(data.readings(briefing, area, through, ids))
                st.cache_resource.clear()
                rows = data.goal_observations(False, goal, area)
                if briefing:  # rows that would change every reading if they were used
                    rows = rows.assign(value=rows["value"] * 3)
                handed = records(data.readings(briefing, area, through, ids, rows=rows))
                assert own == handed, (goal, area, briefing)
    st.cache_data.clear()
    st.cache_resource.clear()

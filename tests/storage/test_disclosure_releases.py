"""Published disclosure decisions: the writer records one per release, sticky, and the demo's
releases survive the integer-LP attacker (tests/metrics/attacker.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.pipeline import ingest_upload
from metrics.catalog import load_catalog
from metrics.disclosure import (
    DEFAULT_THRESHOLD,
    ReleaseDecider,
    hide_cells,
    protects,
    release_hidden_cells,
)
from storage import (
    disclosure_key,
    load_observations,
    load_observations_with_checksums,
    load_release,
    open_database,
)
from storage.observations import _stored_checksums, checksums
from storage.schema import MIGRATIONS
from storage.uploads import undo_upload
from tests.conftest import TODAY
from tests.metrics.attacker import attack

CATALOG = load_catalog()
BODY = b"""indicator_id,period,area_code,value
reported_rape,2026-01,0128,9
reported_rape,2026-02,0128,8
reported_rape,2026-03,0128,2
reported_rape,2026-01,STHLM,170
reported_rape,2026-02,STHLM,160
reported_rape,2026-03,STHLM,175
"""


def hashed(db, ids) -> dict[str, tuple[int, int]]:
    """The checksums of the cells, computed from every cell (never read from a release)."""
    with db.reading() as con:
        return checksums(con, ids)


def vouched(db, ids) -> dict[str, tuple[int, int]]:
    """The checksums readers take from a stored release instead of hashing the cells."""
    with db.reading() as con:
        return _stored_checksums(con, ids)


def hidden_now(db, indicator_id="reported_rape") -> set[tuple[str, str]]:
    release = load_release(db, indicator_id)
    sums = hashed(db, [indicator_id])
    assert release is not None and release.checksum == sums[indicator_id]
    assert release.threshold == DEFAULT_THRESHOLD
    return {
        (a, f"{p:%Y-%m}")
        for a, p in zip(release.hidden["area_code"], release.hidden["period"], strict=True)
    }


def test_the_database_has_one_secret_key_that_never_changes(fresh_db, tmp_path):
    key = disclosure_key(fresh_db)
    assert len(key) == 32
    fresh_db.ensure()
    assert disclosure_key(fresh_db) == key
    other = open_database(tmp_path / "other.duckdb", busy_timeout=5)
    other.create()
    assert disclosure_key(other) != key
    # A database from before the key gets one when it is next opened for use.
    with other.writing() as con:
        con.execute("DELETE FROM meta WHERE key = 'disclosure_key'")
    other.ensure()
    assert len(disclosure_key(other)) == 32


def test_each_commit_and_undo_records_the_release_of_what_it_changed(fresh_db):
    assert ingest_upload(fresh_db, BODY, "a.csv", user="t", today=TODAY).status == "committed"
    assert ("0128", "2026-03") in hidden_now(fresh_db)
    revised = b"indicator_id,period,area_code,value\nreported_rape,2026-03,0128,20\n"
    report = ingest_upload(fresh_db, revised, "b.csv", user="t", today=TODAY)
    assert report.status == "committed"
    # Sticky: hidden in the first release, so it stays hidden though 20 needs no protection.
    assert ("0128", "2026-03") in hidden_now(fresh_db)
    undo_upload(fresh_db, report.upload_id, user="t", decide=ReleaseDecider(CATALOG))
    assert ("0128", "2026-03") in hidden_now(fresh_db)


def test_a_month_that_is_not_revised_keeps_its_decision_exactly(fresh_db):
    assert ingest_upload(fresh_db, BODY, "a.csv", user="t", today=TODAY).status == "committed"
    before = hidden_now(fresh_db)
    more = b"indicator_id,period,area_code,value\nreported_rape,2026-04,0128,3\nreported_rape,2026-04,STHLM,150\n"
    assert ingest_upload(fresh_db, more, "c.csv", user="t", today=TODAY).status == "committed"
    after = hidden_now(fresh_db)
    assert {c for c in after if c[1] != "2026-04"} == before
    assert ("0128", "2026-04") in after


def test_an_indicator_disclosure_control_leaves_alone_gets_no_release(fresh_db):
    body = b"indicator_id,period,area_code,value\nlead_time_days,2026-01,STHLM,3\n"
    assert ingest_upload(fresh_db, body, "m.csv", user="t", today=TODAY).status == "committed"
    assert not protects(CATALOG.indicator("lead_time_days"))
    assert load_release(fresh_db, "lead_time_days") is None


@pytest.mark.slow
def test_the_demo_releases_give_the_attacker_nothing(demo_db_file):
    """Every stored release of the demo data, applied as briefing mode applies it: the integer
    program finds no hidden cell with one possible value and none that must be below 5 (the
    previous rule, on the same data: 55 and 803)."""
    db = open_database(demo_db_file)
    for indicator in CATALOG.indicators:
        if not protects(indicator):
            continue
        rows, sums = load_observations_with_checksums(db, indicator_ids=[indicator.id])
        release = load_release(db, indicator.id)
        assert release is not None and release.checksum == sums[indicator.id], indicator.id
        decision = release_hidden_cells(indicator.id, rows, release.hidden)
        shown = hide_cells(rows, {indicator.id: decision})
        for finding in attack(shown, CATALOG, rows):
            assert not finding.exact, finding
            assert not finding.proved_below(DEFAULT_THRESHOLD), finding


def test_the_demo_loader_records_a_release_per_protected_indicator(demo_db_file):
    db = open_database(demo_db_file)
    obs = load_observations(db)
    for indicator in CATALOG.indicators:
        stored = load_release(db, indicator.id)
        if protects(indicator) and (obs["indicator_id"] == indicator.id).any():
            assert stored is not None, indicator.id
        else:
            assert stored is None, indicator.id
    assert isinstance(obs, pd.DataFrame)


def test_the_releases_of_many_indicators_read_at_once_are_each_ones_own(demo_db_file):
    """One read for every indicator gives each the release, areas and checksum it has alone."""
    from storage.disclosure import load_releases_with_cells

    db = open_database(demo_db_file)
    ids = [i.id for i in CATALOG.indicators] + ["no_such_indicator"]
    together = load_releases_with_cells(db, ids)
    rows, sums = load_observations_with_checksums(db, indicator_ids=ids)
    assert sum(s.release is not None for s in together.values()) > 5
    for indicator_id in ids:
        got, (alone,) = (
            together[indicator_id],
            load_releases_with_cells(db, [indicator_id]).values(),
        )
        own = rows[rows["indicator_id"] == indicator_id]
        assert got.areas == sorted(set(own["area_code"])), indicator_id
        assert got.checksum == alone.checksum == sums[indicator_id], indicator_id
        if alone.release is None:
            assert got.release is None, indicator_id
            continue
        assert got.release.checksum == alone.release.checksum == sums[indicator_id]
        assert got.release.year_totals == alone.release.year_totals
        pd.testing.assert_frame_equal(got.release.hidden, alone.release.hidden)
        assert set(got.release.hidden["area_code"]) <= set(own["area_code"]), indicator_id
    assert (
        together["no_such_indicator"]
        == load_releases_with_cells(db, ["no_such_indicator"])["no_such_indicator"]
    )


def test_a_release_vouches_for_the_cells_only_at_the_data_version_it_was_taken_at(fresh_db):
    """Readers take an indicator's checksum from its stored release (no hashing) only while no
    commit or undo has changed the indicator since the release was stored with it."""
    ids = ["reported_rape"]
    assert ingest_upload(fresh_db, BODY, "a.csv", user="t", today=TODAY).status == "committed"
    assert vouched(fresh_db, ids) == hashed(fresh_db, ids)
    revised = b"indicator_id,period,area_code,value\nreported_rape,2026-03,0128,20\n"
    report = ingest_upload(fresh_db, revised, "b.csv", user="t", today=TODAY)
    assert report.status == "committed"
    assert vouched(fresh_db, ids) == hashed(fresh_db, ids)  # the commit stored a new release
    before = hashed(fresh_db, ids)
    undo_upload(fresh_db, report.upload_id, user="t")  # no decider: the release is not renewed
    assert hashed(fresh_db, ids) != before
    assert vouched(fresh_db, ids) == {}
    _, sums = load_observations_with_checksums(fresh_db, indicator_ids=ids)
    assert sums == hashed(fresh_db, ids)


def test_the_migration_vouches_only_for_releases_whose_cells_are_unchanged(fresh_db):
    ids = ["reported_rape"]
    assert ingest_upload(fresh_db, BODY, "a.csv", user="t", today=TODAY).status == "committed"
    (fill,) = [sql for n, _, steps in MIGRATIONS if n == 11 for sql in steps if "UPDATE" in sql]
    with fresh_db.writing() as con:
        con.execute("UPDATE disclosure_releases SET data_version = NULL")
    assert vouched(fresh_db, ids) == {}
    with fresh_db.writing() as con:
        con.execute(fill)
    assert vouched(fresh_db, ids) == hashed(fresh_db, ids)
    with fresh_db.writing() as con:  # a release whose cells changed without a new release
        con.execute("UPDATE disclosure_releases SET data_version = NULL, checksum = checksum + 1")
        con.execute(fill)
    assert vouched(fresh_db, ids) == {}

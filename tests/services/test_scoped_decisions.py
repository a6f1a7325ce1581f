"""A protected read of some areas reads only those areas' hidden cells (issue 15: a national
briefing page's first visit read millions of hidden cells to show two areas), and hides
exactly what a read of every area hides there; a decision read for some areas answers for no
other (it fails closed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.catalog import load_catalog
from metrics.disclosure import HiddenCells, protects
from services.readings import current_decisions, read_observations
from storage import load_observations_with_checksums, open_database
from storage.disclosure import load_releases_with_cells

AREAS = (("0180", "STHLM"), ("PO_SYD", "STHLM"), ("0127", "STHLM"), ("STHLM",))


@pytest.fixture(scope="module")
def demo(demo_db_file):
    return open_database(demo_db_file), load_catalog()


def test_a_read_of_some_areas_hides_what_a_read_of_every_area_hides_there(demo):
    db, catalog = demo
    ids = [i.id for i in catalog.indicators]
    whole = read_observations(db, catalog, protected=True, indicator_ids=ids)
    assert whole["suppressed"].any()
    for areas in AREAS:
        cut = read_observations(db, catalog, protected=True, indicator_ids=ids, area_codes=areas)
        expected = whole[whole["area_code"].isin(areas)].reset_index(drop=True)
        pd.testing.assert_frame_equal(cut.reset_index(drop=True), expected)


def test_only_the_areas_hidden_cells_are_read_and_the_decision_says_so(demo):
    db, catalog = demo
    ids = [i.id for i in catalog.indicators if protects(i)]
    every = load_releases_with_cells(db, ids)
    some = load_releases_with_cells(db, ids, ["0180", "STHLM"])
    for i in ids:
        if every[i].release is None:
            continue
        full, cut = every[i].release.hidden, some[i].release.hidden
        assert some[i].release.areas == ("0180", "STHLM") and every[i].release.areas is None
        assert set(cut["area_code"]) <= {"0180", "STHLM"}
        pd.testing.assert_frame_equal(
            cut.reset_index(drop=True),
            full[full["area_code"].isin(["0180", "STHLM"])].reset_index(drop=True),
        )
    _, sums = load_observations_with_checksums(db, indicator_ids=ids)
    decided, changed = current_decisions(db, catalog, sums, ["0180", "STHLM"])
    assert not changed
    rape = decided["reported_rape"]
    assert rape.scope == frozenset({"0180", "STHLM"})
    with pytest.raises(ValueError, match="not read for"):
        rape.locate(pd.Series(["0127"]), pd.Series([pd.Timestamp("2025-03-01")]))
    assert rape.year_hidden("0127", 2025)  # never read there: hidden


def test_a_decision_read_for_some_areas_fails_closed_elsewhere():
    decision = HiddenCells(
        "x",
        ("0180", "STHLM"),
        np.zeros(0, dtype="int64"),
        np.zeros(0, dtype=bool),
        frozenset(),
        frozenset({"STHLM"}),
    )
    assert not decision.year_hidden("STHLM", 2025)
    assert decision.year_hidden("0180", 2025)
    assert list(decision.locate(pd.Series(["STHLM"]), pd.Series([pd.Timestamp("2025-01-01")]))) == [
        -1
    ]
    with pytest.raises(ValueError):
        decision.locate(pd.Series(["0180"]), pd.Series([pd.Timestamp("2025-01-01")]))


def test_one_read_gives_the_stored_and_the_protected_rows(demo):
    """Briefing mode's readings are taken on the stored values and its cards drawn from the
    protected ones: both come from one read, equal to the two reads they replace."""
    from services.readings import read_stored_and_protected

    db, catalog = demo
    ids = [i.id for i in catalog.indicators]
    end = pd.Timestamp("2026-06-01")
    for areas in AREAS:
        stored, protected = read_stored_and_protected(
            db, catalog, indicator_ids=ids, area_codes=areas, end=end
        )
        pd.testing.assert_frame_equal(
            stored,
            read_observations(
                db, catalog, protected=False, indicator_ids=ids, area_codes=areas, end=end
            ),
        )
        pd.testing.assert_frame_equal(
            protected,
            read_observations(
                db, catalog, protected=True, indicator_ids=ids, area_codes=areas, end=end
            ),
        )
        assert protected["suppressed"].any() and not stored["suppressed"].any()

"""The demo's 2023 step in perpetrator_programme_starts: read between two levels without a recorded
process change, on the new level with one (recorded here through the analyst's operation)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from auth import User
from metrics.reader import read_catalog
from services.process_changes import (
    indicator_rebases,
    process_changes,
    record_process_change,
    unmark_process_change,
)
from storage import audit_log, load_observations, open_database

STEP = "perpetrator_programme_starts"
ANALYST = User("eva", "analyst", local=False)


def reading(db, catalog):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        readings = read_catalog(
            load_observations(db),
            catalog,
            "STHLM",
            process_changes=indicator_rebases(db, catalog),
        )
    return readings[STEP]


@pytest.fixture
def db(demo_copy):
    return open_database(demo_copy("step"))


def test_the_demo_carries_the_step_as_an_illustrative_analysts_entry(demo_db_file, catalog):
    db = open_database(demo_db_file)
    [mark] = process_changes(db).to_dict("records")
    assert (mark["indicator_id"], mark["period"], mark["author"]) == (
        STEP,
        pd.Timestamp("2023-01-01"),
        "demo",
    )
    assert mark["label_sv"].endswith("(demo)") and mark["label_en"].endswith("(demo)")
    log = audit_log(db)
    assert (log["action"] == "process_change_add").sum() == 1
    last = reading(db, catalog).spc.periods.iloc[-1]
    assert last["mean"] > 40


def test_a_process_change_recorded_at_the_step_reads_the_new_level(db, catalog):
    # Without a recorded process change (the demo's entry undone) the limits straddle the step.
    [demo_mark] = process_changes(db)["id"].tolist()
    unmark_process_change(db, ANALYST, demo_mark)
    before = reading(db, catalog)
    values = before.spc.points["value"]
    assert len(before.spc.periods) == 1
    low, high = values[:"2022-12"].tail(12).mean(), values["2023-02":].mean()
    assert low < 12 and high > 40  # the step from about 8-10 to about 45 a month
    assert low < before.spc.periods["mean"].iloc[0] < high
    assert before.variation == "special_cause_improvement"  # latest value beyond a straddling limit

    record_process_change(
        db,
        ANALYST,
        indicator_id=STEP,
        period="2023-01",
        label_sv="Kriminalvården bygger ut behandlingsprogrammen",
    )
    after = reading(db, catalog)
    last = after.spc.periods.iloc[-1]
    new = values["2023-01":]
    assert after.spc.points.index[last["start"]] == pd.Timestamp("2023-01-01")
    assert last["mean"] == pytest.approx(new.mean())
    ranges = np.abs(np.diff(new.to_numpy()))
    kept = ranges[ranges < 3.267 * ranges.mean()]
    assert last["upl"] == pytest.approx(new.mean() + 2.66 * kept.mean())
    assert after.spc.points["mean"].iloc[-1] == last["mean"]
    # the latest value is read against the new level: within its limits, common cause
    assert last["lpl"] < after.value < last["upl"]
    assert after.variation == "common_cause" and after.category == "common_cause"

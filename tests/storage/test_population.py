"""storage.population: figures stored and read back, replaced per group, audited."""

from __future__ import annotations

import pandas as pd

from metrics.population import COLUMNS, check_population_frame
from storage import Database, audit_log, load_population, store_population


def test_population_is_stored_replaced_per_group_and_audited(tmp_path):
    db = Database(tmp_path / "p.duckdb")
    db.create()
    assert load_population(db).empty
    rows = pd.DataFrame(
        [
            ("0127", 2020, "all", "all", 93_000, True, "est"),
            ("0127", 2020, "women", "18+", 36_000, True, "est"),
        ],
        columns=list(COLUMNS),
    )
    store_population(db, check_population_frame(rows, {"0127"}), user="anna", what="test.csv")
    again = rows.iloc[[0]].assign(inhabitants=93_500, estimate=False, source="SCB")
    store_population(db, check_population_frame(again, {"0127"}), user="anna", what="scb.csv")
    stored = load_population(db)
    assert list(stored.columns) == list(COLUMNS)
    assert stored[["sex", "inhabitants", "estimate", "source"]].values.tolist() == [
        ["all", 93_500, False, "SCB"],
        ["women", 36_000, True, "est"],
    ]
    log = audit_log(db)
    assert (log["action"] == "population_import").sum() == 2
    assert "scb.csv" in log["detail"].iloc[0]

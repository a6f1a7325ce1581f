"""The population table: inhabitants per area, year, sex and age band (migration 7)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from metrics.population import COLUMNS
from storage.database import Database
from storage.uploads import _audit


def load_population(db: Database) -> pd.DataFrame:
    """Every stored figure (columns metrics.population.COLUMNS), by area, year, sex, age band."""
    with db.reading() as con:
        return con.execute(
            "SELECT area_code, year, sex, age_band, inhabitants, estimate, source "
            "FROM population ORDER BY area_code, year, sex, age_band"
        ).df()


def store_population(db: Database, frame: pd.DataFrame, *, user: str, what: str) -> int:
    """Store checked figures (metrics.population.check_population_frame), replacing those of the
    same area, year, sex and age band; audited as `population_import` naming `what` (e.g. the
    file or "demo"). Returns the number of rows stored."""
    table = pa.table(
        {
            "area_code": pa.array(frame["area_code"].astype(str), pa.string()),
            "year": pa.array(frame["year"].astype("int64"), pa.int32()),
            "sex": pa.array(frame["sex"].astype(str), pa.string()),
            "age_band": pa.array(frame["age_band"].astype(str), pa.string()),
            "inhabitants": pa.array(frame["inhabitants"].astype("int64"), pa.int64()),
            "estimate": pa.array(frame["estimate"].astype(bool), pa.bool_()),
            "source": pa.array(frame["source"].astype(str), pa.string()),
        }
    )
    columns = ", ".join(COLUMNS)
    with db.writing() as con:
        con.register("incoming_population", table)
        try:
            con.execute(
                f"INSERT OR REPLACE INTO population ({columns}) "  # noqa: S608 - fixed names
                f"SELECT {columns} FROM incoming_population"
            )
        finally:
            con.unregister("incoming_population")
        _audit(
            con,
            user,
            "population_import",
            {
                "what": what,
                "rows": len(frame),
                "years": sorted({int(y) for y in frame["year"]}),
                "estimates": int(frame["estimate"].astype(bool).sum()),
            },
        )
    return len(frame)

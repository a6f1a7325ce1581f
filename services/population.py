"""Importing SCB's population (PxWeb CSV or JSON-stat 2) into the population table, as an analyst."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from auth import User, require
from i18n import Message
from ingest import scb
from metrics.catalog import Catalog
from metrics.population import PopulationError, check_population_frame
from storage import Database
from storage.population import load_population, store_population

ROLE = "analyst"
"""Who may import population figures (and admins, above them)."""
KEY = ["area_code", "year", "sex", "age_band"]


@dataclass
class PopulationImport:
    """What an SCB file would change in the population table (or changed, once `stored`)."""

    file_name: str
    source_format: str
    frame: pd.DataFrame
    errors: list[Message] = field(default_factory=list)
    assumptions: list[Message] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced_estimates: int = 0
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # KEY, old, new
    stored: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def is_population_file(data: bytes) -> bool:
    """True when the file has the shape of an SCB population table (ingest.scb.recognise)."""
    return scb.recognise(data) is not None


def preview_population(
    db: Database, catalog: Catalog, user: User, data: bytes, file_name: str
) -> PopulationImport:
    """Read and check the file and compare it with the stored figures, storing nothing.

    Raises AccessDenied below analyst; problems are `errors` (i18n Messages: str() is Swedish),
    never exceptions.
    """
    require(user, ROLE)
    read = scb.read_population(data, file_name, catalog)
    result = PopulationImport(
        file_name, read.source_format, read.frame, list(read.errors), list(read.assumptions)
    )
    if result.errors:
        return result
    try:
        result.frame = check_population_frame(read.frame, {a.code for a in catalog.areas})
    except PopulationError as exc:
        result.errors.append(exc.message)
        return result
    stored = load_population(db)
    merged = result.frame.merge(
        stored[[*KEY, "inhabitants", "estimate"]], on=KEY, how="left", suffixes=("", "_old")
    )
    old = merged["inhabitants_old"]
    same = (
        old.notna()
        & (old == merged["inhabitants"])
        & ~merged["estimate_old"].fillna(False).astype(bool)
    )
    result.inserted = int(old.isna().sum())
    result.unchanged = int(same.sum())
    result.updated = len(merged) - result.inserted - result.unchanged
    result.replaced_estimates = int(merged["estimate_old"].fillna(False).astype(bool).sum())
    changed = merged[old.notna() & ~same]
    result.changes = pd.DataFrame(
        {
            **{k: changed[k] for k in KEY},
            "old": changed["inhabitants_old"].astype("int64"),
            "new": changed["inhabitants"],
        }
    ).reset_index(drop=True)
    return result


def import_population(
    db: Database,
    catalog: Catalog,
    user: User,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool = False,
) -> PopulationImport:
    """Preview the file and, unless it has problems, changes nothing or this is a dry run, store
    its figures (replacing those of the same area, year, sex and age band; audited as
    `population_import`). A file with problems stores nothing. Raises AccessDenied below
    analyst."""
    result = preview_population(db, catalog, user, data, file_name)
    if result.ok and not dry_run and (result.inserted or result.updated):
        store_population(
            db, result.frame, user=user.name, what=f"{file_name} ({result.source_format})"
        )
        result.stored = True
    return result

"""Importing SCB's population (PxWeb CSV or JSON-stat 2) into the population table, as an analyst.

The same steps as any upload (services/uploads.py): a preview that stores nothing, a commit that
stores the file as one upload (listed in the upload history, audited), and an undo that puts the
replaced figures back. The upload page and `manage.py ingest`/`undo` call these; each checks the
role itself (auth.AccessDenied below analyst).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from auth import User
from i18n import Message
from ingest import scb
from metrics.aggregate import RATE_KINDS
from metrics.catalog import Catalog
from metrics.population import PopulationError, check_population_frame
from services.access import require_analyst
from storage import Database
from storage.population import (
    commit_population,
    is_population_upload,
    plan_population,
    population_upload_changes,
    undo_population,
)

CHANGE_COLUMNS = ["area_code", "year", "sex", "age_band", "change", "old", "new"]


@dataclass
class PopulationImport:
    """What an SCB file would change in the population table (or changed, once `stored`).

    `changes`: one row per figure the file adds (change "insert", old missing) or replaces
    ("update"), columns CHANGE_COLUMNS, by area, year, sex and age band. `upload_id`: the upload
    the commit stored (None in a preview, a dry run, or when nothing changed).
    """

    file_name: str
    source_format: str
    frame: pd.DataFrame
    sha256: str = ""
    errors: list[Message] = field(default_factory=list)
    assumptions: list[Message] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced_estimates: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    stored: bool = False
    upload_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_store(self) -> int:
        """Figures a commit would write (new plus replaced)."""
        return self.inserted + self.updated


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
    require_analyst(user)
    read = scb.read_population(data, file_name, catalog)
    result = PopulationImport(
        file_name,
        read.source_format,
        read.frame,
        hashlib.sha256(data).hexdigest(),
        list(read.errors),
        list(read.assumptions),
    )
    if result.errors:
        return result
    try:
        result.frame = check_population_frame(read.frame, {a.code for a in catalog.areas})
    except PopulationError as exc:
        result.errors.append(exc.message)
        return result
    _count(result, plan_population(db, result.frame))
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
    its figures as one upload (replacing those of the same area, year, sex and age band, the
    replaced ones kept for `undo_population`; audited as `population_import`). The counts are
    those of the commit, compared again inside its transaction. A file with problems stores
    nothing. Raises AccessDenied below analyst."""
    result = preview_population(db, catalog, user, data, file_name)
    if not result.ok or dry_run or not result.to_store:
        return result
    record = commit_population(
        db,
        result.frame,
        file_name=file_name,
        file_sha256=result.sha256,
        user=user.name,
        source_format=result.source_format,
        assumptions=[str(a) for a in result.assumptions],
        rate_indicators=rate_indicators(catalog),
    )
    _count(result, record.diff)
    result.upload_id = record.upload_id
    result.stored = record.upload_id is not None
    return result


def undo_population_import(db: Database, catalog: Catalog, user: User, upload_id: int) -> int:
    """Undo a population import: the figures it added are removed, those it replaced restored
    exactly. Returns the rows restored. Raises AccessDenied below analyst, storage.UndoConflict
    when a later import that stands changed the same figures, storage.UndoError for no such
    upload or one already undone (Swedish messages)."""
    require_analyst(user)
    return undo_population(
        db, int(upload_id), user=user.name, rate_indicators=rate_indicators(catalog)
    )


def is_population_import(db: Database, upload_id: int) -> bool:
    """Whether an upload in the history is a population import (not indicator values)."""
    return is_population_upload(db, int(upload_id))


def population_changes(db: Database, user: User, upload_id: int) -> pd.DataFrame:
    """The figures one population import added or replaced (columns CHANGE_COLUMNS). Raises
    AccessDenied below analyst."""
    require_analyst(user)
    return _changes(population_upload_changes(db, int(upload_id)))


def rate_indicators(catalog: Catalog) -> list[str]:
    """The indicators drawn per inhabitant somewhere (a rate per 100 000 of their base): a
    population import changes what they show."""
    return [i.id for i in catalog.indicators if i.kind in RATE_KINDS]


def _count(result: PopulationImport, diff) -> None:
    result.inserted, result.updated, result.unchanged = diff.inserted, diff.updated, diff.unchanged
    replaced = diff.changes[diff.changes["change"] == "update"]
    result.replaced_estimates = int(replaced["old_estimate"].fillna(False).astype(bool).sum())
    result.changes = _changes(diff.changes)


def _changes(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            **{k: changes[k] for k in ("area_code", "year", "sex", "age_band", "change")},
            "old": changes["old_inhabitants"].astype("Int64"),
            "new": changes["new_inhabitants"].astype("int64"),
        },
        columns=CHANGE_COLUMNS,
    ).reset_index(drop=True)

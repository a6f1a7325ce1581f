"""Storage: the only package that speaks SQL. Pages, the CLI and exports go through these functions."""

from storage.database import Database, DatabaseBusy, default_db_path, open_database
from storage.observations import (
    contains_demo_data,
    count_observations,
    export_rows,
    latest_period,
    latest_periods,
    load_observations,
)
from storage.uploads import (
    UndoConflict,
    UndoError,
    UploadDiff,
    UploadRecord,
    audit_log,
    cell_history,
    commit_upload,
    list_uploads,
    plan_upload,
    record_audit,
    undo_upload,
    upload_changes,
)

__all__ = [
    "Database",
    "DatabaseBusy",
    "UndoConflict",
    "UndoError",
    "UploadDiff",
    "UploadRecord",
    "audit_log",
    "cell_history",
    "commit_upload",
    "contains_demo_data",
    "count_observations",
    "default_db_path",
    "export_rows",
    "latest_period",
    "latest_periods",
    "list_uploads",
    "load_observations",
    "open_database",
    "plan_upload",
    "record_audit",
    "undo_upload",
    "upload_changes",
]

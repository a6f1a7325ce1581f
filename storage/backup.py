"""Backup and restore of the DuckDB file: a consistent copy taken under a read lock, checked before use.

A backup is one self-contained .duckdb file (write-ahead log merged), taken while this process
holds the file read-only: DuckDB's file lock keeps every other process from writing meanwhile, and
the app's readers go on reading. A restore puts a checked backup in place of the database file
and keeps the file it replaces next to it; writers must be stopped first (docs/operations.md).
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from i18n import Message, MessageError
from storage.database import Database
from storage.schema import SCHEMA_VERSION, current_version


class BackupError(MessageError, RuntimeError):
    """A backup could not be taken, or a file is not a usable Lägesbild backup (an i18n message)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    schema_version: int
    observations: int
    uploads: int


def backup_database(db: Database, out_dir: str | os.PathLike) -> BackupInfo:
    """Copy the database into `out_dir` as lagesbild-YYYYMMDD-HHMMSS.duckdb; returns what it holds.

    Raises FileNotFoundError when the database does not exist, DatabaseBusy when another process
    held it for longer than the database's busy timeout.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out / f"lagesbild-{stamp}.duckdb"
    partial = out / f".{target.name}.partial"
    wal = db.path.with_name(db.path.name + ".wal")
    partial_wal = partial.with_name(partial.name + ".wal")
    try:
        with db.reading():  # nobody writes while we copy the file and its write-ahead log
            _copy_durably(db.path, partial)
            if wal.exists():
                _copy_durably(wal, partial_wal)
        _merge_log(partial)
        info = inspect_backup(partial)
        os.replace(partial, target)
        _sync_folder(out)
    except OSError as exc:
        raise BackupError(_write_failed(exc, out)) from exc
    finally:
        partial.unlink(missing_ok=True)
        partial_wal.unlink(missing_ok=True)
    return BackupInfo(target, info.schema_version, info.observations, info.uploads)


def _copy_durably(source: Path, target: Path) -> None:
    """Copy a file and fsync it, so a rename after this never exposes a file still in cache."""
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_failed(exc: OSError, folder: Path) -> Message:
    """Why a copy could not be written (a full disk said as such)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Message("backup_disk_full", folder=folder)
    return Message("backup_write_failed", folder=folder, reason=exc.strerror or exc)


def inspect_backup(path: str | os.PathLike) -> BackupInfo:
    """What a backup file holds; BackupError when it is not a Lägesbild database we can read."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("backup_missing", path=path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupError("backup_not_duckdb", path=path, reason=exc) from exc
    try:
        version = current_version(con)
        if version == 0 or version > SCHEMA_VERSION:
            raise BackupError(
                "backup_wrong_version", path=path, version=version, known=SCHEMA_VERSION
            )
        observations = con.execute("SELECT count(*) FROM observations").fetchall()[0][0]
        uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    except duckdb.Error as exc:
        raise BackupError("backup_unreadable", path=path, reason=exc) from exc
    finally:
        con.close()
    return BackupInfo(path, version, int(observations), int(uploads))


def restore_database(backup: str | os.PathLike, db: Database) -> tuple[BackupInfo, Path | None]:
    """Put a checked copy of `backup` in place of the database file.

    Returns (what the restored file holds, where the replaced file was kept or None if there was
    none). Checks first that no other process holds the file (DatabaseBusy otherwise); the app
    and any `manage.py ingest` must be stopped, since a write that began on the old file would
    otherwise be lost.
    """
    info = inspect_backup(backup)
    db.path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the database and fsynced, then renamed over it: the database file is always
    # the old one or the whole restored one, and a failed copy (a full disk) leaves nothing.
    staged = db.path.with_name(f".{db.path.name}.restoring")
    try:
        _copy_durably(info.path, staged)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise BackupError(_write_failed(exc, db.path.parent)) from exc
    kept: Path | None = None
    if db.path.exists():
        with db.writing():  # waits for, and then excludes, other processes; fails if busy
            pass
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = db.path.with_name(f"{db.path.stem}.before-restore-{stamp}{db.path.suffix}")
        os.replace(db.path, kept)
        wal = db.path.with_name(db.path.name + ".wal")
        if wal.exists():
            os.replace(wal, kept.with_name(kept.name + ".wal"))
    os.replace(staged, db.path)
    _sync_folder(db.path.parent)
    return inspect_backup(db.path), kept


def _merge_log(path: Path) -> None:
    """Fold a copied write-ahead log into the copy, so the backup is a single file."""
    try:
        con = duckdb.connect(str(path))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except duckdb.Error as exc:
        path.unlink(missing_ok=True)
        raise BackupError("backup_not_standalone", reason=exc) from exc

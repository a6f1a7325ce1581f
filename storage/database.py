"""The one door to the DuckDB file: short-lived attachments that let the dashboard and the CLI share it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from i18n import MessageError

DEFAULT_DB_PATH = Path("data") / "lagesbild.duckdb"
ALIAS = "lb"


class DatabaseBusy(MessageError, RuntimeError):
    """Another process held the database file for longer than we were willing to wait (an
    i18n message: the page shows it in the reader's language, the command line in Swedish)."""


class DatabaseMissing(MessageError, FileNotFoundError):
    """The database file does not exist. It is never created by a read or a write: only on
    purpose, by `Database.create()` (`manage.py init`, `manage.py demo`, `make run`), so a typo
    in `LAGESBILD_DB` or a file lost in a failed restore is an error, not an empty start."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__("database_missing_error", path=path)


def default_db_path() -> Path:
    """`LAGESBILD_DB` if set, otherwise data/lagesbild.duckdb (relative to the working directory)."""
    return Path(os.environ.get("LAGESBILD_DB") or DEFAULT_DB_PATH)


_registry: dict[Path, Database] = {}
_registry_lock = threading.Lock()


def open_database(
    path: str | os.PathLike | None = None, *, busy_timeout: float | None = None
) -> Database:
    """The process-wide `Database` for a path (one per file, so its readers and writers coordinate).

    `busy_timeout` (seconds to wait for another process to free the file) defaults to
    `LAGESBILD_BUSY_TIMEOUT` or 30.
    """
    if busy_timeout is None:
        busy_timeout = float(os.environ.get("LAGESBILD_BUSY_TIMEOUT") or 30)
    resolved = Path(path or default_db_path()).expanduser().resolve()
    with _registry_lock:
        db = _registry.get(resolved)
        if db is None:
            db = Database(resolved, busy_timeout=busy_timeout)
            _registry[resolved] = db
        return db


class Database:
    """A DuckDB file that no process holds for longer than one read or one write.

    DuckDB locks a file against every other process while any connection to it is open, and a
    process cannot mix read-only and read-write connections to one file. So this class keeps one
    in-memory DuckDB instance and ATTACHes the file only while some thread is reading (read-only,
    shared by concurrent readers) or one thread is writing (read-write, exclusive). Between those
    moments the file is free for the other process: `manage.py ingest` can commit while the
    dashboard runs. When another process holds the file, attaching is retried until `busy_timeout`
    seconds have passed, then `DatabaseBusy` says so.
    """

    def __init__(self, path: Path, *, busy_timeout: float = 30.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._instance: duckdb.DuckDBPyConnection | None = None
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    # -- connections ----------------------------------------------------------------------------

    def _engine(self) -> duckdb.DuckDBPyConnection:
        if self._instance is None:
            self._instance = duckdb.connect(":memory:", config={"threads": 2})
        return self._instance

    def _attach(self, *, read_only: bool) -> None:
        engine = self._engine()
        sql = f"ATTACH ? AS {ALIAS}" + (" (READ_ONLY)" if read_only else "")
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.02
        while True:
            try:
                engine.execute(sql, [str(self.path)])
                return
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    if "lock" in str(exc).lower():
                        raise DatabaseBusy(
                            "database_busy", path=self.path, seconds=f"{self.busy_timeout:.0f}"
                        ) from exc
                    raise
                time.sleep(delay)
                delay = min(delay * 1.5, 0.25)

    def _detach(self) -> None:
        if self._instance is not None:
            self._instance.execute(f"DETACH {ALIAS}")

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the file, read-only. Concurrent readers in this process share one attach."""
        if not self.path.exists():
            raise DatabaseMissing(self.path)
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            if self._readers == 0:
                self._attach(read_only=True)
            self._readers += 1
        cursor = self._engine().cursor()
        try:
            cursor.execute(f"USE {ALIAS}")
            yield cursor
        finally:
            cursor.close()
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._detach()
                    self._cond.notify_all()

    @contextmanager
    def writing(self, *, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in one transaction, exclusive: committed on success, rolled back on any error.

        A missing file raises DatabaseMissing; only `create=True` (used by `create()`) makes it.
        """
        if not self.path.exists():
            if not create:
                raise DatabaseMissing(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
                self._writer = True
            finally:
                self._writers_waiting -= 1
            try:
                self._attach(read_only=False)
            except BaseException:
                self._writer = False
                self._cond.notify_all()
                raise
        cursor = self._engine().cursor()
        try:
            cursor.execute(f"USE {ALIAS}")
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        finally:
            cursor.close()
            with self._cond:
                try:
                    self._detach()
                finally:
                    self._writer = False
                    self._cond.notify_all()

    # -- cache key ------------------------------------------------------------------------------

    def version(self) -> tuple[int, ...]:
        """A cheap fingerprint that changes whenever any process commits to the file.

        Built from the size and modification time of the file and its write-ahead log, so the
        dashboard can key its caches on it without opening the database.
        """
        parts: list[int] = []
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = p.stat()
                parts += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                parts += [0, 0]
        return tuple(parts)

    # -- schema ---------------------------------------------------------------------------------

    def create(self) -> bool:
        """Create the database file (schema and catalog) if it does not exist, and migrate it.

        The one place a file is made: `manage.py init` (an empty store), the demo loader and
        tools that build their own files (tests, benchmarks). True when the file was new.
        """
        from metrics.catalog import load_catalog  # noqa: PLC0415 - keeps import time low
        from storage.schema import migrate, sync_catalog

        new = not self.path.exists()
        with self.writing(create=True) as con:
            migrate(con)
            sync_catalog(con, load_catalog())
        return new

    def ensure(self) -> None:
        """Apply pending migrations and mirror the catalog; DatabaseMissing when there is no file.

        Cheap when nothing is to do (one read), so every entry point may call it. It never
        creates the file: a missing database is an error (see `create()`).
        """
        from metrics.catalog import load_catalog  # noqa: PLC0415 - keeps import time low
        from storage.disclosure import has_key
        from storage.schema import SCHEMA_VERSION, catalog_fingerprint, current_version

        if not self.path.exists():
            raise DatabaseMissing(self.path)
        catalog = load_catalog()
        with self.reading() as con:
            fingerprint = (
                con.execute("SELECT value FROM meta WHERE key = 'catalog_sha256'").fetchall()
                if current_version(con)
                else []
            )
            if (
                current_version(con) == SCHEMA_VERSION
                and fingerprint
                and fingerprint[0][0] == catalog_fingerprint(catalog)
                and has_key(con)
            ):
                return
        from storage.schema import migrate, sync_catalog

        with self.writing() as con:
            migrate(con)
            sync_catalog(con, catalog)

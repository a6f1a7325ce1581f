"""Backup and restore: a self-contained, checked copy; restore keeps the replaced file; bad input refused."""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest_upload
from storage import count_observations, list_uploads, open_database
from storage.backup import BackupError, backup_database, inspect_backup, restore_database
from tests.conftest import TODAY

MORE = b"indicator_id,period,area_code,value\nreported_rape,2026-04,STHLM,171\n"


def test_backup_is_a_checked_single_file_copy(seeded_db, tmp_path):
    info = backup_database(seeded_db, tmp_path / "kopior")
    assert info.path.parent == tmp_path / "kopior" and info.path.suffix == ".duckdb"
    assert not info.path.with_name(info.path.name + ".wal").exists()
    assert info.observations == count_observations(seeded_db) > 0
    assert info.uploads == 1
    assert inspect_backup(info.path) == info
    assert [p.name for p in info.path.parent.iterdir()] == [info.path.name]  # no leftovers


def test_restore_brings_back_the_backup_and_keeps_the_replaced_file(seeded_db, tmp_path):
    backup = backup_database(seeded_db, tmp_path / "kopior")
    before = count_observations(seeded_db)
    report = ingest_upload(seeded_db, MORE, "more.csv", user="test", today=TODAY)
    assert report.status == "committed"
    assert count_observations(seeded_db) == before + 1

    info, kept = restore_database(backup.path, seeded_db)
    assert info.observations == before == count_observations(seeded_db)
    assert list(list_uploads(seeded_db)["upload_id"]) == [1]
    assert kept is not None and kept.exists()
    assert count_observations(open_database(kept)) == before + 1  # nothing is thrown away


def test_restore_into_a_new_location(seeded_db, tmp_path):
    backup = backup_database(seeded_db, tmp_path / "kopior")
    target = open_database(tmp_path / "ny" / "lagesbild.duckdb")
    info, kept = restore_database(backup.path, target)
    assert kept is None and info.observations == count_observations(target)


@pytest.mark.parametrize("content", [b"", b"not a database", None])
def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(seeded_db, tmp_path, content):
    path = tmp_path / "fel.duckdb"
    if content is not None:
        path.write_bytes(content)
    before = count_observations(seeded_db)
    with pytest.raises(BackupError):
        restore_database(path, seeded_db)
    assert count_observations(seeded_db) == before


def test_restore_refuses_a_database_of_another_application(seeded_db, tmp_path):
    import duckdb

    other = tmp_path / "annan.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(BackupError, match="schemaversion 0"):
        restore_database(other, seeded_db)


def test_command_line(seeded_db, tmp_path, capsys):
    import manage

    db = str(seeded_db.path)
    assert manage.main(["backup", "--db", db, "--out", str(tmp_path / "k")]) == 0
    made = next((tmp_path / "k").glob("lagesbild-*.duckdb"))
    assert "Säkerhetskopia" in capsys.readouterr().out
    assert manage.main(["restore", str(made), "--db", db]) == 0
    assert "Återställde" in capsys.readouterr().out
    assert manage.main(["restore", str(tmp_path / "saknas.duckdb"), "--db", db]) == 2
    assert manage.main(["backup", "--db", str(tmp_path / "saknas.duckdb"), "--out", "x"]) == 2


def _disk_full_after(monkeypatch, limit: int) -> None:
    """Writes fail with ENOSPC once `limit` bytes have been written (a full disk, at the OS call)."""
    import errno
    import os

    real_write, written = os.write, [0]

    def write(fd, data):
        if written[0] + len(data) > limit:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written[0] += len(data)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    # shutil copies in the kernel (sendfile) where it can: make it copy through os.write.
    import shutil

    monkeypatch.setattr(shutil, "_USE_CP_SENDFILE", False, raising=False)
    monkeypatch.setattr(shutil, "_USE_CP_COPY_FILE_RANGE", False, raising=False)

    def copyfileobj(src, dst, length=0):
        while chunk := src.read(1 << 16):
            write(dst.fileno(), chunk)

    monkeypatch.setattr(shutil, "copyfileobj", copyfileobj)


def test_restore_on_a_full_disk_says_so_and_leaves_no_partial_file(
    seeded_db, tmp_path, monkeypatch
):
    backup = backup_database(seeded_db, tmp_path / "kopior")
    target = open_database(tmp_path / "ny" / "lagesbild.duckdb")
    target.path.parent.mkdir()
    _disk_full_after(monkeypatch, 4096)
    with pytest.raises(BackupError, match="Disken är full") as refused:
        restore_database(backup.path, target)
    assert "halvfärdig" in str(refused.value)
    assert list(target.path.parent.iterdir()) == []  # no database, no .restoring file


def test_backup_on_a_full_disk_says_so_and_leaves_no_partial_file(seeded_db, tmp_path, monkeypatch):
    _disk_full_after(monkeypatch, 4096)
    with pytest.raises(BackupError, match="Disken är full"):
        backup_database(seeded_db, tmp_path / "kopior")
    assert list((tmp_path / "kopior").iterdir()) == []  # no .partial left behind

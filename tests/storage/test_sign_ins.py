"""Ended sign-ins: kept in the database (so every replica and process agrees), by subject and iat."""

from __future__ import annotations

from datetime import timedelta

from storage import audit_log, open_database
from storage.sign_ins import KEEP, end_sign_in, sign_in_ended


def test_a_sign_out_ends_that_sign_in_only(fresh_db):
    assert not sign_in_ended(fresh_db, "s-1", 1_800_000_000)
    end_sign_in(fresh_db, "s-1", 1_800_000_000, user="anna@polisen.se")
    assert sign_in_ended(fresh_db, "s-1", 1_800_000_000)
    assert not sign_in_ended(fresh_db, "s-1", 1_800_000_001)  # the next sign-in
    assert not sign_in_ended(fresh_db, "s-2", 1_800_000_000)  # someone else
    end_sign_in(fresh_db, "s-1", 1_800_000_000, user="anna@polisen.se")  # twice is harmless
    log = audit_log(fresh_db)
    assert list(log["action"]) == ["logout", "logout"]
    assert set(log["user_name"]) == {"anna@polisen.se"}


def test_another_process_sees_the_sign_out(fresh_db):
    end_sign_in(fresh_db, "s-1", 1_800_000_000, user="anna@polisen.se")
    other = open_database(fresh_db.path, busy_timeout=5)  # a second replica's handle
    assert sign_in_ended(other, "s-1", 1_800_000_000)


def test_a_token_without_iat_is_kept_as_zero(fresh_db):
    end_sign_in(fresh_db, "s-1", None, user="x")
    assert sign_in_ended(fresh_db, "s-1", None)
    assert sign_in_ended(fresh_db, "s-1", 0)


def test_old_rows_are_pruned_on_the_next_sign_out(fresh_db, monkeypatch):
    import storage.sign_ins as sign_ins

    real_now = sign_ins._now()
    monkeypatch.setattr(sign_ins, "_now", lambda: real_now - KEEP - timedelta(hours=1))
    end_sign_in(fresh_db, "old", 1, user="x")
    monkeypatch.setattr(sign_ins, "_now", lambda: real_now)
    end_sign_in(fresh_db, "new", 2, user="x")
    assert not sign_in_ended(fresh_db, "old", 1)
    assert sign_in_ended(fresh_db, "new", 2)

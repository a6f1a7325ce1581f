"""manage.py ingest shows plausibility warnings and stores a file with warnings only when told to."""

from __future__ import annotations

import json

from storage import audit_log, open_database
from tests.cli.test_manage import manage
from tests.ingest.test_plausibility_commit import HANINGE_1234, HISTORY, MONTHS, csv


def test_warnings_need_confirm_warnings_to_commit(tmp_path):
    db = tmp_path / "cli.duckdb"
    open_database(db).create()  # as `manage.py init`: no command creates a database
    history = tmp_path / "historik.csv"
    history.write_bytes(
        csv([("reported_rape", str(m), "0136", v) for m, v in zip(MONTHS, HISTORY, strict=True)])
    )
    assert manage("ingest", str(history), db=db).returncode == 0
    haninge = tmp_path / "haninge.csv"
    haninge.write_bytes(HANINGE_1234)

    refused = manage("ingest", str(haninge), db=db)
    out = refused.stdout.decode()
    assert refused.returncode == 1
    assert "1 varning från rimlighetskontrollen" in out
    assert "rad 2: Haninge (0136), september 2026: värdet 1\u00a0234" in out
    assert "--confirm-warnings" in out and "Sparad som" not in out

    listed = manage("ingest", str(haninge), "--json", db=db)
    report = json.loads(listed.stdout)
    assert listed.returncode == 1 and report["status"] == "unconfirmed"
    assert report["upload_id"] is None and report["inserted"] == 1
    (warning,) = report["warnings"]
    assert (warning["rule"], warning["row"], warning["area_code"]) == ("outside_history", 2, "0136")

    stored = manage("ingest", str(haninge), "--confirm-warnings", "--user", "eva", db=db)
    assert stored.returncode == 0, stored.stderr.decode()
    assert "bekräftade av eva" in stored.stdout.decode()
    log = audit_log(open_database(db))
    entry = json.loads(log[log["action"] == "upload"].iloc[0]["detail"])
    assert entry["plausibility"]["confirmed_by"] == "eva"
    assert entry["plausibility"]["listed"][0]["key"] == warning["key"]

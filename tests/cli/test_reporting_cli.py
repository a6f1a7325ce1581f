"""manage.py reporting: the same status as Rapporteringsläge, for automation."""

from __future__ import annotations

import json

from tests.cli.test_manage import manage
from tests.conftest import FIXTURES


def test_reporting_lists_what_is_overdue_on_a_given_day(tmp_path, catalog):
    db = tmp_path / "cli.duckdb"
    assert manage("init", db=db).returncode == 0
    assert manage("ingest", str(FIXTURES / "seed.csv"), "--user", "eva", db=db).returncode == 0
    done = manage("reporting", "--overdue", "--today", "2026-05-01", "--json", db=db)
    assert done.returncode == 0, done.stderr.decode()
    rows = json.loads(done.stdout)
    assert rows and all(r["overdue"] for r in rows)
    pairs = {(r["indicator_id"], r["area_code"]) for r in rows}
    assert ("reported_partner_violence_women", "STHLM") not in pairs  # March is in the seed
    assert ("reported_partner_violence_women", "0180") in pairs  # January only: 2 months late
    late = next(
        r
        for r in rows
        if (r["indicator_id"], r["area_code"]) == ("reported_partner_violence_women", "0180")
    )
    assert late["months_overdue"] == 2 and late["status"] == "overdue"

    text = manage("reporting", "--today", "2026-05-01", db=db)
    assert text.returncode == 0
    first = text.stdout.decode().splitlines()[0]
    assert first == f"{len(catalog.indicators)} indikatorer saknar senaste perioden (2026-05-01)."

    bad = manage("reporting", "--today", "maj", db=db)
    assert bad.returncode == 2 and "ÅÅÅÅ-MM-DD" in bad.stderr.decode()

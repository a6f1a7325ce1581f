"""Rapporteringsläge as a service: analysts and admins see the status, viewers only the count."""

from __future__ import annotations

from datetime import date

import pytest

from auth import AccessDenied, User
from services.reporting import count_missing_latest, reporting_status

ANALYST = User("eva", "analyst", local=False)
ADMIN = User("ada", "admin", local=False)
VIEWER = User("ville", "viewer", local=False)
PUBLIC = User("allmänheten", "public", local=False)
TODAY = date(2026, 5, 1)  # March is due for every indicator (delays of 21–45 days)


@pytest.mark.parametrize("user", [ANALYST, ADMIN])
def test_analysts_and_admins_see_every_indicator_and_area(seeded_db, catalog, user):
    status = reporting_status(seeded_db, catalog, user, today=TODAY)
    assert len(status) == sum(len(catalog.valid_areas(i.id)) for i in catalog.indicators)
    region = status[
        (status["indicator_id"] == "reported_partner_violence_women")
        & (status["area_code"] == "STHLM")
    ].iloc[0]
    assert region["status"] == "on_time"  # March is in the seed


def test_viewers_get_only_the_count(seeded_db, catalog):
    with pytest.raises(AccessDenied):
        reporting_status(seeded_db, catalog, VIEWER, today=TODAY)
    # The seed holds a few areas of three indicators: every indicator lacks March somewhere.
    assert count_missing_latest(seeded_db, catalog, VIEWER, today=TODAY) == len(catalog.indicators)


def test_the_public_gets_nothing(seeded_db, catalog):
    with pytest.raises(AccessDenied):
        count_missing_latest(seeded_db, catalog, PUBLIC, today=TODAY)

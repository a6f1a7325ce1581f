"""Reporting status (Rapporteringsläge): which suppliers have delivered which periods, as an analyst; the count of indicators behind, as a viewer."""

from __future__ import annotations

from datetime import date

import pandas as pd

from auth import User, require
from metrics.catalog import Catalog
from metrics.reporting import missing_latest
from metrics.reporting import reporting_status as compute_status
from services.access import VIEWER, require_analyst
from storage import Database, latest_delivered_periods

COUNT_ROLE = VIEWER
"""Who sees how many indicators lack their latest period (the overview's line)."""


def reporting_status(db: Database, catalog: Catalog, user: User, *, today: date) -> pd.DataFrame:
    """Per indicator and area the latest period delivered and what is overdue on `today`
    (metrics.reporting.reporting_status's frame). Raises auth.AccessDenied below analyst."""
    require_analyst(user)
    return compute_status(catalog, latest_delivered_periods(db), today)


def count_missing_latest(db: Database, catalog: Catalog, user: User, *, today: date) -> int:
    """How many indicators lack their latest due period at some area they are reported at.
    Raises auth.AccessDenied below viewer (the public sees no supplier's status)."""
    require(user, COUNT_ROLE)
    return len(missing_latest(catalog, latest_delivered_periods(db), today))

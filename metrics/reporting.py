"""Reporting status: per indicator and area, the latest period delivered and what is overdue by the catalog's expected delay."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from metrics import periods
from metrics.catalog import Catalog

STATUS_COLUMNS = [
    "indicator_id",
    "area_code",
    "latest",
    "due_period",
    "expected_by",
    "months_overdue",
    "status",
    "overdue",
]
"""reporting_status's columns, in order."""

STATUSES = ("on_time", "overdue", "never", "not_followed")
"""on_time: the latest due period is delivered; overdue: delivered before, but not up to the
latest due period; never: nothing delivered although a period is due; not_followed: the catalog
declares no expected delay for the indicator."""


# The rule is written per period at the indicator's frequency (metrics.periods): a period is
# due `delay_days` after its last day.


def period_end(period: pd.Timestamp, frequency: str = "monthly") -> date:
    """The last day of the period (month, quarter or year) holding `period`."""
    return periods.period_end(period, frequency)


def next_period(period: pd.Timestamp, frequency: str = "monthly") -> pd.Timestamp:
    """The first day of the period after the one holding `period`."""
    return periods.next_period(pd.Timestamp(period), frequency)


def expected_by(period: pd.Timestamp, delay_days: int, frequency: str = "monthly") -> date:
    """The day by which `period`'s figures are expected: its last day plus `delay_days`."""
    return period_end(period, frequency) + timedelta(days=delay_days)


def latest_due_period(today: date, delay_days: int, frequency: str = "monthly") -> pd.Timestamp:
    """The latest period whose figures are overdue when missing on `today` (its first day).

    A period is due on its `expected_by` day and missing only from the day after: the latest
    period p with expected_by(p) < today. With a 21-day delay, October is due on 21 November and
    is the latest due month from 22 November; with 120 days, the year 2025 is due on 30 April
    2026 and is the latest due year from 1 May 2026.
    """
    # expected_by(p) < today  <=>  p ends before the day `today - delay`: the period before it.
    return periods.next_period(pd.Timestamp(today - timedelta(days=delay_days)), frequency, -1)


def _months_between(earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def reporting_status(catalog: Catalog, latest: pd.DataFrame, today: date) -> pd.DataFrame:
    """Per indicator (catalog order) and each area it is reported at (catalog order): the latest
    period delivered and whether figures are overdue on `today`.

    `latest`: one row per stored (indicator_id, area_code) with `latest`, its latest month
    (storage.latest_delivered_periods). Rows of indicators not in the catalog, or of areas
    outside an indicator's levels, are left out. Columns STATUS_COLUMNS: `latest` (NaT: never
    delivered), `due_period` (the latest month due on `today`; NaT when not followed),
    `expected_by` (the day the first period after `latest` is or was due; for a never-delivered
    area the latest due period's day; None when not followed), `months_overdue` (months from the
    latest delivered period to the due one at the indicator's frequency: a yearly indicator a
    year behind is 12; 0 on time; <NA> for never/not followed), `status` (STATUSES)
    and `overdue` (True for overdue and never: the area lacks the latest period).
    """
    known = {
        (str(i), str(a)): pd.Timestamp(p)
        for i, a, p in zip(
            latest["indicator_id"], latest["area_code"], latest["latest"], strict=True
        )
        if not pd.isna(p)
    }
    rows = []
    # Few distinct (period, delay, frequency) among thousands of pairs at national scale: each
    # day is worked out once (the date arithmetic was most of the overview's status line).
    due_days: dict[tuple[pd.Timestamp, int, str], date] = {}

    def after(delivered: pd.Timestamp, delay: int, frequency: str) -> date:
        key = (delivered, delay, frequency)
        if key not in due_days:
            due_days[key] = expected_by(next_period(delivered, frequency), delay, frequency)
        return due_days[key]

    for indicator in catalog.indicators:
        delay, frequency = indicator.delivery_delay_days, indicator.frequency
        due = latest_due_period(today, delay, frequency) if delay is not None else pd.NaT
        for area in catalog.valid_areas(indicator.id):
            delivered = known.get((indicator.id, area), pd.NaT)
            if delay is None:
                status, months, by = "not_followed", pd.NA, None
            elif pd.isna(delivered):
                status, months, by = "never", pd.NA, expected_by(due, delay, frequency)
            else:
                months = max(_months_between(delivered, due), 0)
                status = "overdue" if months > 0 else "on_time"
                by = after(delivered, delay, frequency)
            rows.append(
                (
                    indicator.id,
                    area,
                    delivered,
                    due,
                    by,
                    months,
                    status,
                    status in ("overdue", "never"),
                )
            )
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    frame["latest"] = pd.to_datetime(frame["latest"])
    frame["due_period"] = pd.to_datetime(frame["due_period"])
    frame["months_overdue"] = frame["months_overdue"].astype("Int64")
    frame["overdue"] = frame["overdue"].astype(bool)
    return frame


def missing_latest(catalog: Catalog, latest: pd.DataFrame, today: date) -> tuple[str, ...]:
    """``indicators_missing_latest(reporting_status(catalog, latest, today))`` without the
    status of every pair: an indicator stops at its first area lacking the latest due period
    (the overview's count; at national scale the full status is ~30 000 pairs, most of an
    overview's first visit after an upload)."""
    delivered: dict[str, dict[str, pd.Timestamp]] = {}
    for i, a, p in zip(
        latest["indicator_id"].tolist(),
        latest["area_code"].tolist(),
        latest["latest"].tolist(),
        strict=True,
    ):
        if not pd.isna(p):
            delivered.setdefault(str(i), {})[str(a)] = pd.Timestamp(p)
    missing = []
    for indicator in catalog.indicators:
        delay = indicator.delivery_delay_days
        if delay is None:
            continue  # not followed: never missing
        due = latest_due_period(today, delay, indicator.frequency)
        got = delivered.get(indicator.id, {})
        for area in catalog.valid_areas(indicator.id):
            month = got.get(area)
            if month is None or _months_between(month, due) > 0:
                missing.append(indicator.id)
                break
    return tuple(missing)


def indicators_missing_latest(status: pd.DataFrame) -> tuple[str, ...]:
    """Ids of the indicators (in the frame's order) where some area lacks the latest due period."""
    missing = status.loc[status["overdue"], "indicator_id"]
    return tuple(dict.fromkeys(missing))

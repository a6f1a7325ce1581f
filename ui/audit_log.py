"""The audit log as the admin page shows it: newest first, Swedish time, events in words."""

from __future__ import annotations

import json

import pandas as pd

from i18n import t
from metrics.disclosure import SUPPRESSED_TEXT
from storage import audit_log
from ui import data

LIMIT = 2000  # entries shown and exported; older ones stay in the database


def audit_entries(limit: int = LIMIT) -> pd.DataFrame:
    """The latest entries straight from the database (never cached: the log must be current)."""
    return audit_log(data.database(), limit=limit)


def audit_table(entries: pd.DataFrame, lang: str, *, briefing: bool = False) -> pd.DataFrame:
    """Columns time, user, event, details (translated headers); times in Europe/Stockholm.

    Unknown actions (added by later features) are shown by their code; details are the JSON
    detail as "key: value" pairs. In briefing mode the details are left out: they hold free text
    (file names, event labels) that may quote a number disclosure control hides.
    """
    times = pd.to_datetime(entries["logged_at"]).dt.tz_localize("UTC")
    return pd.DataFrame(
        {
            t("audit_col_time", lang): times.dt.tz_convert("Europe/Stockholm").dt.strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            t("audit_col_user", lang): entries["user_name"].astype(str),
            t("audit_col_action", lang): entries["action"].map(lambda a: action_label(a, lang)),
            t("audit_col_detail", lang): (
                entries["detail"].map(lambda _: SUPPRESSED_TEXT)
                if briefing
                else entries["detail"].map(_detail_text)
            ),
        }
    )


def action_label(action: str, lang: str) -> str:
    """The event in words, or its code when this version has no words for it."""
    try:
        return t(f"audit_action_{action}", lang)
    except KeyError:
        return action


def _detail_text(detail: str) -> str:
    try:
        parsed = json.loads(detail)
    except (TypeError, ValueError):
        return str(detail)
    if not isinstance(parsed, dict):
        return str(parsed)
    return ", ".join(f"{k}: {v}" for k, v in parsed.items() if v not in (None, ""))

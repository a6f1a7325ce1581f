"""Rapporteringsläge's Streamlit glue: the status read through services/reporting as the signed-in user, its table, and the overview's line."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from auth import User
from i18n import t
from metrics.catalog import Catalog
from metrics.formatting import format_date
from metrics.periods import format_period
from metrics.reporting import indicators_missing_latest
from services import reporting as service
from services.access import is_analyst
from ui import data
from ui.session import current_user

PAGE = "pages/reporting.py"


def today() -> date:
    """The day the status is assessed on (the server's date)."""
    return date.today()


# Keyed on the data's stamp and the day: an upload, undo or a new day gives a new status.
@st.cache_data(show_spinner=False, max_entries=8)
def _status(data_stamp: tuple, day: date, user: User) -> pd.DataFrame:
    return service.reporting_status(data.database(), data.catalog(), user, today=day)


@st.cache_data(show_spinner=False, max_entries=8)
def _count(data_stamp: tuple, day: date, user: User) -> int:
    return service.count_missing_latest(data.database(), data.catalog(), user, today=day)


def status(user: User, day: date) -> pd.DataFrame:
    """The full status on `day` (auth.AccessDenied below analyst)."""
    return _status(data.stamp("data"), day, user)


def summary_text(frame: pd.DataFrame, lang: str) -> str:
    """How many indicators and rows are behind, or that nothing is."""
    missing = indicators_missing_latest(frame)
    if not missing:
        return t("reporting_none_overdue", lang)
    return t("reporting_summary", lang, n=len(missing), areas=int(frame["overdue"].sum()))


def status_table(
    frame: pd.DataFrame, catalog: Catalog, lang: str, *, only_overdue: bool = False
) -> pd.DataFrame:
    """The page's (and the download's) table, in the status frame's order (catalog order of
    indicators, then areas: no ranking), with labels and months as people write them. Status
    and months overdue come right after the area: on a laptop the later columns scroll."""
    if only_overdue:
        frame = frame[frame["overdue"]]
    indicators = {i.id: i for i in catalog.indicators}
    never = t("reporting_never", lang)
    return pd.DataFrame(
        {
            t("reporting_col_indicator", lang): [
                indicators[i].label(lang) for i in frame["indicator_id"]
            ],
            t("reporting_col_area", lang): [catalog.area(a).name(lang) for a in frame["area_code"]],
            t("reporting_col_months", lang): frame["months_overdue"].astype("Int64").to_numpy(),
            t("reporting_col_status", lang): [
                t(f"reporting_status_{s}", lang) for s in frame["status"]
            ],
            t("reporting_col_latest", lang): [
                never if pd.isna(p) else format_period(p, indicators[i].frequency, lang)
                for i, p in zip(frame["indicator_id"], frame["latest"], strict=True)
            ],
            t("reporting_col_expected", lang): [
                "" if d is None or pd.isna(d) else format_date(d, lang)
                for d in frame["expected_by"]
            ],
            t("reporting_col_source", lang): [indicators[i].source for i in frame["indicator_id"]],
            t("reporting_col_owner", lang): [indicators[i].owner for i in frame["indicator_id"]],
        }
    )


def draw_overview_line(lang: str) -> None:
    """The overview's line "N indikatorer saknar senaste perioden" for the signed-in user: a link
    to Rapporteringsläge for analysts, plain text for viewers, nothing for the public (no
    supplier's status)."""
    user = current_user()
    if not user.can(service.COUNT_ROLE):
        return
    n = _count(data.stamp("data"), today(), user)
    text = t("reporting_missing_line", lang, n=n) if n else t("reporting_all_delivered", lang)
    icon = ":material/schedule:" if n else ":material/task_alt:"
    if is_analyst(user):
        st.page_link(PAGE, label=text, icon=icon)
    else:
        st.caption(text)

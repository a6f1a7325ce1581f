"""The user's selections (language, area, period, goal, indicator, briefing mode): kept across pages and in the URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from i18n import t
from metrics.catalog import Catalog
from metrics.reading import REGION
from ui.session import public_mode

# URL parameter per selection. Only UI selections live in session state, never facts.
URL_KEYS = {
    "lang": "lang",
    "area": "area",
    "start": "from",
    "end": "to",
    "briefing": "brief",
    "goal": "goal",
    "indicator": "ind",
}
DEFAULTS = {
    "lang": "sv",
    "area": REGION,
    "start": "",
    "end": "",
    "briefing": "0",
    "goal": "county_1",
    "indicator": "reported_partner_violence_women",
}


@dataclass(frozen=True)
class Filters:
    """The selections a page reads. start/end None mean "from the first / to the latest month"."""

    lang: str
    area: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    briefing: bool
    goal: str
    indicator: str


# The first month the period selection can name (the sidebar's slider starts here too).
FIRST_MONTH = "2019-01"
# No valid selection is longer than this (the longest indicator id is ~40 characters): a longer
# value is refused before it is looked at.
MAX_VALUE_LENGTH = 64
_MONTH_SHAPE = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")
_QUARTER_SHAPE = re.compile(r"(?P<year>\d{4})[KQ](?P<quarter>[1-4])")
_YEAR_SHAPE = re.compile(r"(?P<year>\d{4})")
# The page whose period selection concerns one indicator: its URL writes from/to at that
# indicator's frequency ("2025", "2025K3"); every other page writes months.
INDICATOR_PAGE = "indicator"


def _valid(name: str, value: str, catalog: Catalog) -> bool:
    if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
        return False
    if name == "lang":
        return value in ("sv", "en")
    if name == "area":
        return value in {a.code for a in catalog.areas}
    if name == "goal":
        return value in {g.id for g in catalog.goals}
    if name == "indicator":
        return value in {i.id for i in catalog.indicators}
    if name in ("start", "end"):
        return value == "" or url_period(value, end=name == "end") is not None
    if name == "briefing":
        return value in ("0", "1")
    return False


def _url_month(value: str, today: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """A month as the URL writes it ("2026-03"), from FIRST_MONTH to the current month; else None.

    Only the shape sync_url writes is read: "NaT", "2019Q1", "2026-3", a date, a month in the
    future or before the first month are not months of this dashboard (a link never holds them).
    """
    match = _MONTH_SHAPE.fullmatch(value)
    if match is None:
        return None
    # Compared as numbers before any Timestamp is made: pandas cannot hold year 0 or 9999.
    wanted = (int(match["year"]), int(match["month"]))
    now = today or pd.Timestamp.now()
    first = tuple(int(part) for part in FIRST_MONTH.split("-"))
    if wanted < first or wanted > (now.year, now.month):
        return None
    return pd.Timestamp(wanted[0], wanted[1], 1)


def url_period(value: str, *, end: bool, today: pd.Timestamp | None = None) -> str | None:
    """A period as a link writes `from` or `to`, as the month the selection holds ("YYYY-MM"):
    a month ("2026-03", what every link written so far holds), a quarter ("2025K3" or "2025Q3")
    or a year ("2025"). A quarter or a year starts (`from`) at its first month and ends (`to`)
    at its last, or at the current month when it is not over; None for anything else, and for a
    period wholly before FIRST_MONTH or after the current month (as `_url_month`)."""
    if not isinstance(value, str):
        return None
    if _MONTH_SHAPE.fullmatch(value):
        found = _url_month(value, today)
        return None if found is None else f"{found:%Y-%m}"
    quarter, year = _QUARTER_SHAPE.fullmatch(value), _YEAR_SHAPE.fullmatch(value)
    if quarter is not None:
        first = 3 * int(quarter["quarter"]) - 2
        months = (int(quarter["year"]), first), (int(quarter["year"]), first + 2)
    elif year is not None:
        months = (int(year["year"]), 1), (int(year["year"]), 12)
    else:
        return None
    now = today or pd.Timestamp.now()
    lowest = tuple(int(part) for part in FIRST_MONTH.split("-"))
    if months[1] < lowest or months[0] > (now.year, now.month):
        return None
    wanted = min(months[1], (now.year, now.month)) if end else max(months[0], lowest)
    return f"{wanted[0]}-{wanted[1]:02d}"


def url_code(month: str, frequency: str, *, end: bool) -> str:
    """The selection's month ("YYYY-MM", or "" for the first/latest) as a link writes it for an
    indicator of `frequency`: "2025" for a yearly indicator's period from January (`from`) or to
    December (`to`), "2025K3" for a quarterly one's from or to a quarter's bound, the month
    otherwise, so that url_period reads back exactly the same month."""
    match = _MONTH_SHAPE.fullmatch(month or "")
    if match is None or frequency not in ("yearly", "quarterly"):
        return month
    year, number = int(match["year"]), int(match["month"])
    if frequency == "yearly" and number == (12 if end else 1):
        return f"{year}"
    if frequency == "quarterly" and number % 3 == (0 if end else 1):
        return f"{year}K{(number - 1) // 3 + 1}"
    return month


def _month(value: str) -> pd.Timestamp | None:
    """A stored selection ("YYYY-MM", written by init_state or the slider) as its first day."""
    return _url_month(value)


def read_url(params: Mapping[str, str], catalog: Catalog) -> tuple[dict[str, str], list[str]]:
    """The selections a URL asks for, each valid or its default, and the URL keys that were not.

    A period whose start is after its end falls back as a whole (both ends).
    """
    chosen: dict[str, str] = {}
    rejected: list[str] = []
    for name, url_key in URL_KEYS.items():
        value = params.get(url_key, DEFAULTS[name])
        if _valid(name, value, catalog):
            # A period is held as its month ("2025" from January, to December).
            chosen[name] = (
                url_period(value, end=name == "end") or "" if name in ("start", "end") else value
            )
        else:
            chosen[name] = DEFAULTS[name]
            rejected.append(url_key)
    if chosen["start"] and chosen["end"] and chosen["start"] > chosen["end"]:
        chosen["start"], chosen["end"] = DEFAULTS["start"], DEFAULTS["end"]
        rejected += [URL_KEYS["start"], URL_KEYS["end"]]
    return chosen, rejected


def init_state(catalog: Catalog) -> None:
    """Fill the selections once per session: from the URL where it has a valid value, else defaults.

    Invalid URL values (a typo, an id that no longer exists, a month that is not one) fall back to
    the default: a shared link should still open. `draw_url_notice` says so, quietly.
    """
    if all(f"flt_{name}" in st.session_state for name in URL_KEYS):
        return
    chosen, rejected = read_url(_first_values(st.query_params), catalog)
    for name, value in chosen.items():
        st.session_state.setdefault(f"flt_{name}", value)
    if rejected:
        st.session_state["_url_rejected"] = sorted(set(rejected))


def _first_values(params) -> dict[str, str]:
    """One string per URL key (a repeated key counts by its last value, as Streamlit reads it)."""
    return {key: params.get(key) for key in params}


def draw_url_notice(lang: str) -> None:
    """Once per session: a quiet notice that the link held values that are not valid choices."""
    rejected = st.session_state.pop("_url_rejected", None)
    if rejected:
        st.toast(t("url_fallback", lang, keys=", ".join(rejected)), icon=":material/link_off:")


def get(name: str) -> str:
    return st.session_state.get(f"flt_{name}", DEFAULTS[name])


def put(name: str, value: str) -> None:
    st.session_state[f"flt_{name}"] = value


def filters() -> Filters:
    """The current selections, typed. In public mode (ui/session.public_mode, decided on the
    server) briefing is always on, whatever the URL, widget or session state say."""
    return Filters(
        lang=get("lang"),
        area=get("area"),
        start=_month(get("start")) if get("start") else None,
        end=_month(get("end")) if get("end") else None,
        briefing=get("briefing") == "1" or public_mode(),
        goal=get("goal"),
        indicator=get("indicator"),
    )


def sync_url(page: str = "", catalog: Catalog | None = None) -> None:
    """Write the selections into the URL, so a copied link reproduces the view. On the indicator
    page (`page` its url_path) the period is written at the chosen indicator's frequency where it
    falls on that frequency's bounds (url_code: "from=2021&to=2025" for a yearly indicator);
    elsewhere, and for a monthly indicator, as months."""
    frequency = "monthly"
    if page == INDICATOR_PAGE and catalog is not None:
        frequency = catalog.indicator(get("indicator")).frequency
    wanted = {
        URL_KEYS[name]: (
            url_code(get(name), frequency, end=name == "end")
            if name in ("start", "end")
            else get(name)
        )
        for name in URL_KEYS
        if get(name) != ""
    }
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def _copy_from_widget(widget_key: str, name: str, encode: Callable[[object], str]) -> None:
    put(name, encode(st.session_state[widget_key]))


def bound_select(
    label: str,
    options: Sequence[str],
    name: str,
    *,
    format_func: Callable[[str], str] = str,
    container=None,
    help: str | None = None,
) -> str:
    """A selectbox whose choice is the selection `name` (survives page changes, lives in the URL)."""
    container = container or st
    widget_key = f"_w_{name}"
    current = get(name)
    if current not in options:
        current = options[0]
        put(name, current)
    if st.session_state.get(widget_key) != current:
        st.session_state[widget_key] = current
    return container.selectbox(
        label,
        options,
        key=widget_key,
        format_func=format_func,
        on_change=_copy_from_widget,
        args=(widget_key, name, str),
        help=help,
    )


def bound_toggle(label: str, name: str, *, container=None, help: str | None = None) -> bool:
    """A toggle bound to a "0"/"1" selection."""
    container = container or st
    widget_key = f"_w_{name}"
    st.session_state[widget_key] = get(name) == "1"
    return container.toggle(
        label,
        key=widget_key,
        on_change=_copy_from_widget,
        args=(widget_key, name, lambda v: "1" if v else "0"),
        help=help,
    )


def bound_month_range(
    label: str,
    months: Sequence[pd.Timestamp],
    *,
    format_func: Callable[[pd.Timestamp], str],
    container=None,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A two-ended month slider bound to the start/end selections (clamped to `months`).

    Options are "YYYY-MM" strings (they survive the widget protocol unchanged); an untouched end
    is stored as "" so that a shared link keeps following the latest month.
    """
    container = container or st
    options = [f"{m:%Y-%m}" for m in months]
    first, last = options[0], options[-1]
    start = get("start") or first
    end = get("end") or last
    start = min(max(start, first), last)
    end = min(max(end, start), last)
    # The selection is the slider's starting value, never written into it: Streamlit warns about
    # a widget given both. When the slider shows another range than the selection (the data
    # grew by a month while the session was open, so "to the latest" moved), a new slider takes
    # its place.
    generation = st.session_state.get("_w_period_generation", 0)
    widget_key = f"_w_period_{generation}" if generation else "_w_period"
    shown = st.session_state.get(widget_key)
    if shown is not None and tuple(shown) != (start, end):
        generation += 1
        st.session_state["_w_period_generation"] = generation
        widget_key = f"_w_period_{generation}"

    def copy() -> None:
        chosen = st.session_state[widget_key]
        lo, hi = chosen if isinstance(chosen, (tuple, list)) else (chosen, chosen)
        put("start", "" if lo == first else lo)
        put("end", "" if hi == last else hi)

    lo, hi = container.select_slider(
        label,
        options=options,
        # A range default makes Streamlit read the widget back as a range: without it the two
        # values the browser sends on every rerun are read as "no valid value", the slider falls
        # back to its first month and the period collapsed to January 2019 on any click.
        value=(start, end),
        key=widget_key,
        format_func=lambda m: format_func(pd.Timestamp(m + "-01")),
        on_change=copy,
    )
    return pd.Timestamp(lo + "-01"), pd.Timestamp(hi + "-01")

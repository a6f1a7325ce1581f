"""The shared sidebar and page header: language, area, period, briefing mode, demo and data marking."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from auth import User
from i18n import t
from metrics.catalog import Catalog
from metrics.formatting import format_month
from metrics.text import markdown_text
from ui import data, state
from ui.session import public_mode

IDENTITY_LIMIT = 80  # characters of a signed-in identity shown (a claim the provider sends)


def draw_sidebar(user: User, catalog: Catalog) -> None:
    """Controls every page shares. Their values live in the session and in the URL."""
    lang = state.get("lang")
    sb = st.sidebar
    state.bound_select(
        t("language", lang),
        ["sv", "en"],
        "lang",
        format_func=lambda code: {"sv": "Svenska", "en": "English"}[code],
        container=sb,
    )
    lang = state.get("lang")
    state.bound_select(
        t("area", lang),
        [a.code for a in catalog.areas],
        "area",
        format_func=lambda code: _area_label(catalog, code, lang),
        container=sb,
    )
    through = data.data_through()
    if through is not None:
        months = list(pd.date_range(state.FIRST_MONTH + "-01", through, freq="MS"))
        if len(months) > 1:
            state.bound_month_range(
                t("period", lang),
                months,
                format_func=lambda m: format_month(m, lang),
                container=sb,
            )
    if public_mode():
        # No toggle to turn: the protection is decided on the server (ui/session.public_mode).
        # The selection follows it only so that a copied link says brief=1.
        state.put("briefing", "1")
        sb.info(t("public_mode_on", lang), icon=":material/public:")
    else:
        state.bound_toggle(
            t("briefing_mode", lang), "briefing", container=sb, help=t("briefing_help", lang)
        )
    sb.divider()
    if user.local:
        sb.caption(t("local_mode", lang))
    name = markdown_text(user.name, limit=IDENTITY_LIMIT)
    sb.caption(t("signed_in_as", lang, name=name, role=t(f"role_{user.role}", lang)))
    sb.caption(t("keyboard_hint", lang))


def _area_label(catalog: Catalog, code: str, lang: str) -> str:
    area = catalog.area(code)
    return area.name(lang) if not code[0].isdigit() else f"{area.name(lang)} ({code})"


def draw_marking(lang: str) -> None:
    """Demo banner, briefing-mode notice and "data t.o.m." at the top of every page."""
    through = data.data_through()
    if data.is_demo():
        st.warning(t("demo_banner", lang), icon=":material/science:")
    if public_mode():
        st.info(t("public_on", lang), icon=":material/public:")
    elif state.filters().briefing:
        st.info(t("briefing_on", lang), icon=":material/visibility_off:")
    if through is not None:
        st.caption(t("data_through", lang, month=format_month(through, lang)))


def draw_no_data(lang: str) -> bool:
    """A friendly page for an empty database; True when it was drawn (the page should stop)."""
    if data.data_through() is not None:
        return False
    st.header(t("no_data_title", lang))
    st.markdown(t("no_data_body", lang))
    return True

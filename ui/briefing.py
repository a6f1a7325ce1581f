"""The briefing pack's block on the overview: choose indicators, area and period; make and download.

The pack itself is made by exports/briefing.py from the same observations the pages show
(protected by disclosure control in briefing mode); this module only reads the choices, caches
the two files per data version and choice, and offers them for download.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import RenderError
from exports.briefing import BriefingError, Selection, build_pack
from exports.briefing_pdf import to_pdf
from exports.briefing_pptx import to_pptx
from i18n import error_text, t
from metrics.catalog import Catalog
from metrics.formatting import format_month
from metrics.overview import REGION
from ui import data
from ui.state import Filters

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DEFAULT_MONTHS = 36  # the period offered when the sidebar has none: the latest three years


def chosen_indicators(
    catalog: Catalog, goal_ids: list[str], indicator_ids: list[str]
) -> tuple[str, ...]:
    """The pack's indicators in catalog order: those chosen, plus each chosen goal's headline."""
    wanted = set(indicator_ids) | {catalog.goal(g).headline_indicator for g in goal_ids}
    return tuple(i.id for i in catalog.indicators if i.id in wanted)


def _observations(briefing: bool, indicator_ids: tuple[str, ...], area: str) -> pd.DataFrame:
    """The rows the pack reads: the indicators at the area and at the region (for indicators not
    reported at the area), in one bound read. In briefing mode disclosure control is applied as
    to the whole indicators (the decision every page uses), so the pack shows exactly what the
    pages show, without protecting every indicator of the catalog."""
    return data.area_observations(briefing, indicator_ids, [area, REGION])


@st.cache_data(show_spinner=False, max_entries=8)
def _pack_files(
    data_key: tuple,
    briefing: bool,
    indicator_ids: tuple[str, ...],
    area: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    lang: str,
) -> tuple[bytes, bytes]:
    catalog = data.catalog()
    notes, events = {}, {}
    for indicator_id in indicator_ids:
        where = area if area in catalog.valid_areas(indicator_id) else REGION
        notes[indicator_id] = data.comments(indicator_id, where)
        events[indicator_id] = data.chart_events(indicator_id, lang, briefing)
    pack = build_pack(
        _observations(briefing, indicator_ids, area),
        catalog,
        Selection(indicator_ids, area, start, end, lang),
        readings=data.readings(briefing, area, end),
        data_through=data.data_through(),
        demo=data.is_demo(),
        briefing=briefing,
        notes=notes,
        events=events,
        year_totals={i: data.year_totals(briefing, i, REGION) for i in indicator_ids},
        # The comparison slides read every area (protected as the indicator page's comparison).
        area_obs=data.area_observations(briefing, indicator_ids, [a.code for a in catalog.areas]),
        area_year_totals={i: data.area_year_totals(briefing, i) for i in indicator_ids},
        population=data.population(),
    )
    return to_pptx(pack), to_pdf(pack)


def draw_briefing_pack(f: Filters, catalog: Catalog) -> None:
    """The "Dragningspaket" expander: a form for the choices, then the two downloads."""
    lang = f.lang
    through = data.data_through()
    if through is None:
        return
    with st.expander(t("briefing_pack", lang), icon=":material/slideshow:"):
        st.caption(t("briefing_pack_help", lang))
        months = [f"{m:%Y-%m}" for m in pd.date_range("2019-01-01", through, freq="MS")]
        end = f"{(f.end or through):%Y-%m}"
        start = (
            f"{f.start:%Y-%m}"
            if f.start is not None
            else months[max(0, len(months) - DEFAULT_MONTHS)]
        )
        areas = [a.code for a in catalog.areas]
        with st.form("briefing_pack_form", border=False):
            goals = st.multiselect(
                t("briefing_pack_goals", lang),
                [g.id for g in catalog.goals],
                format_func=lambda g: _goal_label(catalog, g, lang),
                key="briefing_pack_goals",
            )
            indicators = st.multiselect(
                t("briefing_pack_indicators", lang),
                [i.id for i in catalog.indicators],
                format_func=lambda i: catalog.indicator(i).label(lang),
                key="briefing_pack_indicators",
            )
            area = st.selectbox(
                t("briefing_pack_area", lang),
                areas,
                index=areas.index(f.area) if f.area in areas else 0,
                format_func=lambda code: catalog.area(code).name(lang),
            )
            first, last = st.select_slider(
                t("briefing_pack_period", lang),
                options=months,
                value=(min(start, end), end),
                format_func=lambda m: format_month(m, lang),
            )
            made = st.form_submit_button(
                t("briefing_pack_make", lang), type="primary", key="briefing_pack_make"
            )
        if not made:
            return
        chosen = chosen_indicators(catalog, goals, indicators)
        if not chosen:
            st.warning(t("briefing_pack_none", lang))
            return
        period = (pd.Timestamp(first + "-01"), pd.Timestamp(last + "-01"))
        with st.spinner(t("briefing_pack_building", lang, n=len(chosen))):
            try:
                # Made again when what the pack shows changes: its indicators at every area (the
                # comparison slides read them all), their events and notes, the month
                # the data reach and the demo marking; not on a sign-in or another's upload.
                key = (
                    data.version_key(f.briefing, chosen, [a.code for a in catalog.areas]),
                    data.stamp("comments"),
                    data.data_through(),
                    data.is_demo(),
                )
                pptx, pdf = _pack_files(key, f.briefing, chosen, area, *period, lang)
            except (BriefingError, RenderError) as exc:
                st.error(t("briefing_pack_failed", lang, error=error_text(exc, lang)))
                return
        st.success(t("briefing_pack_ready", lang, n=len(chosen)))
        name = f"lagesbild_dragningspaket_{area}_{last}"
        left, right = st.columns(2)
        # "ignore": downloading one file keeps the page as it is, so the other stays offered.
        left.download_button(
            t("briefing_pack_pptx", lang),
            pptx,
            file_name=f"{name}.pptx",
            mime=PPTX_MIME,
            on_click="ignore",
            icon=":material/slideshow:",
            key="briefing_pack_pptx",
        )
        right.download_button(
            t("briefing_pack_pdf", lang),
            pdf,
            file_name=f"{name}.pdf",
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key="briefing_pack_pdf",
        )


def _goal_label(catalog: Catalog, goal_id: str, lang: str) -> str:
    goal = catalog.goal(goal_id)
    number = t("goal_number", lang, number=goal.number) if goal.family == "county" else "Gryning"
    return f"{number}: {goal.short(lang)}"

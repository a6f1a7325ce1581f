"""Under an indicator's chart: a shift no rebase explains, and for analysts a previewed rebase at its start."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from auth import AccessDenied
from charts import plotly_config
from charts.indicator import build_indicator_chart
from i18n import error_text, t
from metrics.baselines import find_shift
from metrics.catalog import Catalog, Indicator
from metrics.indicator_view import period_series, view_indicator
from metrics.periods import format_period
from metrics.reader import read_indicator
from services.access import is_analyst
from services.process_changes import record_process_change
from storage import CommentaryError
from ui import data
from ui.components import badges
from ui.session import current_user
from ui.state import Filters


def draw_shift_offer(
    indicator: Indicator,
    catalog: Catalog,
    obs: pd.DataFrame,
    f: Filters,
    *,
    area: str,
    demo: bool,
    through: pd.Timestamp,
) -> None:
    """Say so when the indicator's reading in ``area`` shows a shift of 7+ months that no rebase
    explains (``metrics.baselines.find_shift``), and offer analysts (outside briefing mode) a
    rebase at its start: on request, the chart as now and as rebased (two tabs) and a confirm
    button.
    Nothing is stored until the analyst confirms; viewers see the notice only."""
    lang = f.lang
    flash = f"shift_saved_{indicator.id}"
    if flash in st.session_state:
        st.success(st.session_state.pop(flash), icon=":material/check_circle:")
    rebases = data.rebases().get(indicator.id, ())
    series = period_series(obs, indicator, area, None, f.end)
    shift = find_shift(indicator, series, rebases) if not series.empty else None
    if shift is None:
        return
    # The run and its start at the indicator's frequency ("kv. 1 2025", "7 kvartal i följd").
    month = format_period(shift.start, indicator.frequency, lang)
    side = "high" if shift.side > 0 else "low"
    per = "" if indicator.frequency == "monthly" else f"_{indicator.frequency}"
    st.warning(
        t(f"shift_notice_{side}{per}", lang, month=month, length=shift.months),
        icon=":material/moving:",
    )
    user = current_user()
    if not is_analyst(user) or f.briefing:
        if not is_analyst(user):
            st.caption(t("shift_viewer", lang))
        return
    # The previews are drawn only when asked for: two more charts on every visit cost time.
    if st.toggle(t("shift_offer_heading", lang, month=month), key=f"shift_preview_{indicator.id}"):
        st.markdown(t("shift_offer_intro", lang))
        previews = (
            (t("shift_preview_now", lang), tuple(rebases), "now"),
            (t("shift_preview_rebased", lang, month=month), (*rebases, shift.start), "rebased"),
        )
        # Two tabs, each chart at full width: flipping between them shows what the rebase moves.
        tabs = st.tabs([title for title, _, _ in previews])
        for tab, (_, months, name) in zip(tabs, previews, strict=True):
            # The reading with and without the rebase, made on the whole series (outside
            # briefing mode the rows shown are the stored ones), as the page would make it.
            reading = read_indicator(series, indicator, area, rebases=months, as_of=f.end)
            view = view_indicator(obs, indicator, area, reading=reading, start=f.start, end=f.end)
            if view is None:
                continue
            chart = build_indicator_chart(
                view,
                catalog,
                lang=lang,
                demo=demo,
                data_through=through,
                events=data.chart_events(indicator.id, lang, f.briefing),
            )
            with tab:
                st.plotly_chart(
                    chart.figure,
                    config=plotly_config(chart.context),
                    theme=None,
                    key=f"shift_{name}_{indicator.id}",
                )
                badges([reading.variation_icon, reading.assurance_icon], lang)
        with st.form(f"shift_form_{indicator.id}", border=False):
            reason = st.text_input(
                t("shift_reason", lang),
                value=t(
                    "shift_reason_default",
                    "sv",
                    month=format_period(shift.start, indicator.frequency, "sv"),
                ),
                max_chars=120,
            )
            confirmed = st.form_submit_button(t("shift_confirm", lang, month=month))
        if confirmed:
            try:
                record_process_change(
                    data.database(),
                    current_user(),
                    indicator_id=indicator.id,
                    period=shift.start,
                    label_sv=reason,
                )
            except (AccessDenied, CommentaryError) as exc:
                st.error(error_text(exc, lang))
                return
            # Drawn again from the top, so the chart above already has the new limits.
            st.session_state[flash] = t("shift_saved", lang, month=month)
            st.rerun()

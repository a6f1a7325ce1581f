"""A goal or Gryning area: every indicator of it as a trend with its statistics and definition."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import data, state
from ui.entry import require_entry
from ui.indicator_panel import draw_indicator
from ui.sidebar import draw_marking, draw_no_data

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate

f = state.filters()
lang = f.lang
catalog = data.catalog()


def goal_label(goal_id: str) -> str:
    goal = catalog.goal(goal_id)
    prefix = t("goal_number", lang, number=goal.number) if goal.family == "county" else "Gryning"
    return f"{prefix}: {goal.short(lang)}"


st.title(t("nav_goals", lang))
if draw_no_data(lang):
    st.stop()
state.bound_select(
    t("goal_select", lang), [g.id for g in catalog.goals], "goal", format_func=goal_label
)
f = state.filters()
goal = catalog.goal(f.goal)
draw_marking(lang)
st.header(goal_label(goal.id))
st.markdown(f"*{goal.label(lang)}*")
st.caption(goal.description(lang))

obs = data.goal_observations(f.briefing, goal.id, f.area)
through = data.data_through()
# The goal's readings in one batch where stale (each chart below then reads its own).
data.readings(
    f.briefing,
    f.area,
    f.end or through,
    [i.id for i in catalog.indicators_for_goal(goal.id)],
    rows=obs,
)
# Each chart is handed its indicator's rows only (each would otherwise look for them in all).
rows_of = {str(i): rows for i, rows in obs.groupby("indicator_id", sort=False)}
for indicator in catalog.indicators_for_goal(goal.id):
    st.subheader(indicator.label(lang))
    draw_indicator(
        indicator,
        catalog,
        rows_of.get(indicator.id, obs.iloc[0:0]),
        f,
        demo=data.is_demo(),
        through=through,
        key=f"{goal.id}_{indicator.id}",
    )
    st.divider()

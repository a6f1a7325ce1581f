"""Lägesbild: the county goals and the Gryning areas at a glance, with the month's summary."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from charts import sparkline_svg
from i18n import number_word, t
from metrics.formatting import format_change, format_month, format_value
from metrics.overview import GoalCard
from metrics.periods import format_period
from ui import data, state
from ui.briefing import draw_briefing_pack
from ui.components import badge_html, reading_html
from ui.entry import require_entry
from ui.layout import card_grid
from ui.reporting import draw_overview_line
from ui.sidebar import draw_marking, draw_no_data

require_entry()  # before anything is drawn: only runs that came through dashboard.py's gate
f = state.filters()
lang = f.lang
catalog = data.catalog()

st.title(t("app_title", lang))
st.caption(t("app_tagline", lang))
if draw_no_data(lang):
    st.stop()
draw_marking(lang)
draw_overview_line(lang)  # "N indikatorer saknar senaste perioden" (ui/reporting.py)
st.markdown(f"> **{t('vision_county', lang)}** &nbsp;·&nbsp; **{t('vision_gryning', lang)}**")

period = f.end or data.data_through()
readings, cards = data.overview(f.briefing, f.area, period)

sections = data.overview_summary(f.briefing, f.area, period, lang)
st.subheader(t("summary_heading", lang) + f" – {format_month(period, lang)}")
st.markdown(sections[0].text())
with st.expander(t("summary_details", lang), expanded=False):
    for section in sections[1:]:
        st.markdown(f"**{section.heading}**")
        st.markdown("\n".join(f"- {sentence}" for sentence in section.sentences))


def open_goal(goal_id: str) -> None:
    state.put("goal", goal_id)


def draw_card(card: GoalCard) -> None:
    goal, ind, a = card.goal, card.headline, card.reading
    with st.container(border=True, key=f"card_{goal.id}"):
        number = (
            t("goal_number", lang, number=goal.number) if goal.family == "county" else "Gryning"
        )
        st.caption(number)
        st.markdown(f"**{goal.short(lang)}**")
        label = ind.label(lang)
        if card.fallback:
            label += f" ({catalog.area(card.area_code).name(lang)})"
        st.caption(label, help=ind.definition(lang))
        if a.chart == "rare" and a.rare is not None:
            # Rare events and near-zero counts are not read month on month: the year so far
            # (".." where disclosure control hid a month that may hold some: a hidden month is
            # never zero events); the time since the latest event is in the reading's words.
            st.metric(
                label,
                format_value(ind, a.rare.events_this_year, lang),
                label_visibility="collapsed",
            )
        else:
            delta = format_change(ind, card.yoy.change, card.yoy.change_relative, lang)
            # The change against last year is shown without good/bad colours: two points are not
            # a signal. Whether a change is real is what the variation icon below says.
            st.metric(
                label,
                format_value(ind, a.value, lang),
                delta=delta.replace("\u2212", "-", 1) if delta else None,
                delta_color="off",
                label_visibility="collapsed",
            )
            if delta:
                st.caption(
                    t(
                        "vs_last_year",
                        lang,
                        period=format_period(card.yoy.previous_period, ind.frequency, lang),
                    )
                )
            if a.latest_hidden:
                st.caption(t("latest_hidden", lang, month=format_month(a.period, lang)))
        if not card.series.empty:
            st.markdown(
                sparkline_svg(
                    card.series.tail(36),
                    percent=ind.kind == "proportion",
                    lang=lang,
                    frequency=ind.frequency,
                ),
                unsafe_allow_html=True,
            )
        st.markdown(
            badge_html(a.variation_icon, lang)
            + "<br>"
            + badge_html(a.assurance_icon, lang)
            + reading_html(a, lang, area_name=catalog.area(f.area).name(lang)),
            unsafe_allow_html=True,
        )
        counts = {k: v for k, v in card.rollup.variation.items() if v}
        st.caption(
            t("signals", lang, n=card.rollup.n_indicators)
            + ": "
            + ", ".join(f"{v} {t('rollup_' + k, lang)}" for k, v in counts.items())
        )
        # Five "Öppna Gryning" buttons would be the same words to a screen reader: name the area.
        target = number if goal.family == "county" else f"{number}: {goal.short(lang)}"
        if st.button(
            t("open_goal", lang, goal=target),
            key=f"open_{goal.id}",
            on_click=open_goal,
            args=(goal.id,),
        ):
            st.switch_page("pages/goals.py")


# Cards wrap onto more rows on a tablet or phone instead of squeezing their words (ui/layout.py).
families = Counter(goal.family for goal in catalog.goals)  # counts are the catalog's
st.subheader(t("county_goals", lang, count=number_word(families["county"], lang)))
with card_grid("cards_county", per_row=4, min_rem=13):
    for card in cards:
        if card.goal.family == "county":
            draw_card(card)

st.subheader(t("gryning_areas", lang, count=number_word(families["gryning"], lang)))
with card_grid("cards_gryning", per_row=5, min_rem=10):
    for card in cards:
        if card.goal.family == "gryning":
            draw_card(card)

with st.expander(t("how_to_read", lang)):
    st.markdown(t("how_to_read_body", lang))

# The briefing pack: this overview's indicators as PowerPoint and PDF (ui/briefing.py).
draw_briefing_pack(f, catalog)

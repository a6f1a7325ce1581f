"""Tests for metrics.narrative: the monthly summary says what the rules say, and nothing more."""

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import t
from metrics.catalog import load_catalog
from metrics.narrative import monthly_summary
from metrics.progress import compute_progress, rare_event_summary
from metrics.reading import Reading

CATALOG = load_catalog()
OCTOBER = pd.Timestamp("2026-10-01")
NOT_RARE = [i for i in CATALOG.indicators if not i.rare]

_VARIATION = {
    "improvement": "special_cause_improvement",
    "concern": "special_cause_concern",
    "neutral": "special_cause_neutral_high",
    "common_cause": "common_cause",
    "too_little_data": "common_cause",
}
_ASSURANCE = {None: None, "pass": "consistent_pass", "fail": "consistent_fail"}


def assessment(indicator_id, category, assurance=None, period=OCTOBER):
    indicator = CATALOG.indicator(indicator_id)
    rare = None
    if category == "rare_event":
        values = pd.Series(
            [0.0] * 21 + [1.0] + [0.0] * 8,
            index=pd.date_range("2024-05-01", periods=30, freq="MS"),
        )
        rare = rare_event_summary(values)
    return Reading(
        indicator_id,
        "STHLM",
        period,
        1.0,
        24,
        category,
        "rare" if category == "rare_event" else "xmr",
        _VARIATION.get(category),
        None,
        _ASSURANCE[assurance],
        None,
        compute_progress(indicator, 1.0),
        rare,
    )


def body(sections):
    return " ".join(s.text() for s in sections[1:])


def test_first_line_counts_readings():
    items = [assessment(i.id, "improvement") for i in NOT_RARE[:3]]
    items.append(assessment(NOT_RARE[3].id, "concern"))
    items += [assessment(i.id, "common_cause") for i in NOT_RARE[4:24]]
    sv = monthly_summary(items, CATALOG, OCTOBER, "sv")
    assert sv[0].goal_id is None
    assert "oktober 2026" in sv[0].heading
    assert sv[0].sentences == (
        "3 indikatorer visar förbättring, 1 visar försämring, 20 varierar slumpmässigt.",
    )
    en = monthly_summary(items, CATALOG, OCTOBER, "en")
    assert "October 2026" in en[0].heading
    assert en[0].sentences == (
        "3 indicators show improvement, 1 shows deterioration, 20 vary randomly (common cause).",
    )


def test_special_cause_names_indicator_and_goal_in_both_languages():
    items = {"clearance_rape": assessment("clearance_rape", "improvement")}
    sv = monthly_summary(items, CATALOG, OCTOBER, "sv")
    assert [s.goal_id for s in sv] == [None, "county_5"]
    assert sv[1].sentences[0] == (
        "Mål 5: Personuppklaring, våldtäkt visar en förbättring som inte är slumpmässig "
        "(särskild orsak)."
    )
    assert sv[1].heading.startswith("Mål 5")
    en = monthly_summary(items, CATALOG, OCTOBER, "en")
    assert en[1].sentences[0].startswith("Goal 5: Person-based clearance, rape")
    assert "special cause" in en[1].sentences[0]


def test_concern_with_consistent_fail_and_the_context_note_travels_along():
    items = [assessment("clearance_partner_assault", "concern", "fail")]
    section = monthly_summary(items, CATALOG, OCTOBER, "sv")[1]
    label = CATALOG.indicator("clearance_partner_assault").label("sv")
    assert "försämring" in section.sentences[0]
    assert f"Målet för {label[0].lower()}{label[1:]} missas konsekvent." in section.sentences
    context = CATALOG.indicator("clearance_partner_assault").context("sv")
    assert any(context.rstrip(".") in s for s in section.sentences)
    en = monthly_summary(items, CATALOG, OCTOBER, "en")[1]
    assert any("consistently missed" in s for s in en.sentences)


def test_neutral_indicator_signal_is_never_called_good_or_bad():
    items = [assessment("reported_rape", "neutral")]
    for lang, bad in (("sv", ("förbättring", "försämring")), ("en", ("improvement", "deterior"))):
        text = body(monthly_summary(items, CATALOG, OCTOBER, lang))
        assert "Anmälda våldtäkter" in text or "Reported rapes" in text
        assert not any(word in text.split("Att tänka på")[0].split("Note:")[0] for word in bad)


def test_indicator_in_two_goals_is_described_in_both_and_counted_once():
    items = [assessment("contact_ban_violations", "neutral")]
    sections = monthly_summary(items, CATALOG, OCTOBER, "sv")
    assert [s.goal_id for s in sections] == [None, "county_5", "gryning_norm"]
    assert sections[2].sentences[0].startswith("Gryning – Norm: Anmälda överträdelser")
    assert sections[0].sentences[0].startswith("0 indikatorer visar förbättring")
    assert "1 visar en ovanlig förändring" in sections[0].sentences[0]


def test_common_cause_is_only_counted_and_stale_is_only_counted():
    items = [
        assessment("clearance_rape", "common_cause", "fail"),
        assessment("staff_trained", "improvement", period=pd.Timestamp("2026-08-01")),
        assessment("support_line_calls", "too_little_data"),
    ]
    for lang in ("sv", "en"):
        sections = monthly_summary(items, CATALOG, OCTOBER, lang)
        assert len(sections) == 1
    line = monthly_summary(items, CATALOG, OCTOBER, "sv")[0].sentences[0]
    assert "1 saknar uppgift för oktober 2026" in line
    assert "1 har för få mätpunkter" in line
    opt_in = monthly_summary(items, CATALOG, OCTOBER, "sv", assurance_for_common_cause=True)
    assert opt_in[1].sentences == ("Målet för personuppklaring, våldtäkt missas konsekvent.",)


def test_rare_events_are_summarised_not_read_as_signals():
    items = [assessment("lethal_violence_close_relations", "rare_event")]
    sv = monthly_summary(items, CATALOG, OCTOBER, "sv")
    assert sv[1].goal_id == "gryning_norm"
    assert sv[1].sentences[0] == (
        "Gryning – Norm: Dödligt våld i nära relation: 1 händelse hittills under 2026, "
        "senast i februari 2026."
    )
    assert "Målet är noll." in sv[1].sentences
    en = monthly_summary(items, CATALOG, OCTOBER, "en")
    assert "1 event so far in 2026, the latest in February 2026" in en[1].sentences[0]


def test_empty_input_still_gives_the_count_line():
    sections = monthly_summary([], CATALOG, "2026-10", "sv")
    assert len(sections) == 1
    assert sections[0].sentences == (
        "0 indikatorer visar förbättring, 0 visar försämring, 0 varierar slumpmässigt.",
    )


readings = st.sampled_from(["improvement", "concern", "neutral", "common_cause", "too_little_data"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(readings, min_size=len(NOT_RARE), max_size=len(NOT_RARE)),
    st.sampled_from(["sv", "en"]),
)
def test_summary_follows_the_rules(categories, lang):
    items = [assessment(i.id, c) for i, c in zip(NOT_RARE, categories, strict=True)]
    sections = monthly_summary(items, CATALOG, OCTOBER, lang)
    counts = [int(n) for n in re.findall(r"(\d+) ", sections[0].sentences[0])]
    assert sum(counts) == len(items)

    goal_order = [g.id for g in CATALOG.goals]
    ids = [s.goal_id for s in sections[1:]]
    assert ids == sorted(ids, key=goal_order.index)
    special = {"improvement", "concern", "neutral"}
    for goal in CATALOG.goals:
        members = [a for a in items if a.indicator_id in goal_ids(goal.id)]
        section = next((s for s in sections if s.goal_id == goal.id), None)
        if not any(a.category in special for a in members):
            assert section is None
            continue
        key = "narrative_goal_county" if goal.family == "county" else "narrative_goal_gryning"
        ref = t(key, lang, number=goal.number, short=goal.short(lang))
        for a in members:
            label = CATALOG.indicator(a.indicator_id).label(lang)
            named = [s for s in section.sentences if s.startswith(f"{ref}: {label} ")]
            assert bool(named) == (a.category in special)


def goal_ids(goal_id):
    return {i.id for i in CATALOG.indicators_for_goal(goal_id)}


def test_a_yearly_reading_is_current_until_the_next_year_can_be_had():
    """In October 2026 the year 2025 is the latest to be had: counted, not 'saknar uppgift'."""
    import dataclasses

    from metrics.narrative import _reading
    from metrics.reading import Reading

    base = Reading("x", "STHLM", pd.Timestamp("2025-01-01"), 0.2, 7, "too_little_data", "xmr",
                   None, None, None, None, None, frequency="yearly")  # fmt: skip
    assert _reading(base, pd.Timestamp("2026-10-01")) == "too_little_data"
    old = dataclasses.replace(base, period=pd.Timestamp("2024-01-01"))
    assert _reading(old, pd.Timestamp("2026-10-01")) == "stale"

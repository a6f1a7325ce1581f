"""The monthly summary in words, built by rules from the readings (metrics/reading.py): nothing is invented."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from i18n import Lang
from metrics.formatting import format_month
from metrics.periods import next_period
from metrics.reading import Reading

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Goal, Indicator


TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "heading": "Sammanfattning för {month}",
        "goal_county": "Mål {number}",
        "goal_gryning": "Gryning – {short}",
        "heading_county": "Mål {number}: {short}",
        "heading_gryning": "Initiativ Gryning – {short}",
        "indicator_one": "indikator",
        "indicator_many": "indikatorer",
        "count_improvement": "visar förbättring",
        "count_concern": "visar försämring",
        "count_common_cause": "varierar slumpmässigt",
        "count_neutral": "visar en ovanlig förändring utan given riktning",
        "count_too_little_data": "har för få mätpunkter för att bedöma",
        "count_rare_event": "följs som sällsynta händelser",
        "count_rare_event_one": "följs som sällsynt händelse",
        "count_stock": "följs som nivå mot målet",
        "count_hidden": "kan inte bedömas eftersom för många värden är dolda (röjandeskydd)",
        "count_stale": "saknar uppgift för {month}",
        "improvement": "{ref}: {label} visar en förbättring som inte är slumpmässig (särskild orsak).",
        "concern": "{ref}: {label} visar en försämring som inte är slumpmässig (särskild orsak).",
        "neutral_high": (
            "{ref}: {label} ligger ovanligt högt (särskild orsak); "
            "det är varken bra eller dåligt i sig."
        ),
        "neutral_low": (
            "{ref}: {label} ligger ovanligt lågt (särskild orsak); "
            "det är varken bra eller dåligt i sig."
        ),
        "pass": "Målet för {label} nås konsekvent.",
        "fail": "Målet för {label} missas konsekvent.",
        "hit_and_miss": "Det är osäkert om målet för {label} nås.",
        "rare_events": "{ref}: {label}: {count} {events} hittills under {year}, senast i {last}.",
        "rare_none_since": "{ref}: {label}: inga händelser hittills under {year}; senast i {last}.",
        "rare_none": "{ref}: {label}: inga händelser sedan {first}.",
        "rare_hidden": "{ref}: {label}: .. hittills under {year} (för få fall för att visas).",
        "rare_none_hidden_last": (
            "{ref}: {label}: inga händelser hittills under {year}; när den senaste inträffade "
            "kan inte visas (för få fall för att visas)."
        ),
        "event_one": "händelse",
        "event_many": "händelser",
        "rare_target": "Målet är {target}.",
        "stock": "{ref}: {label}: {words}.",
        "context": "Att tänka på: {context}",
    },
    "en": {
        "heading": "Summary for {month}",
        "goal_county": "Goal {number}",
        "goal_gryning": "Gryning – {short}",
        "heading_county": "Goal {number}: {short}",
        "heading_gryning": "Initiativ Gryning – {short}",
        "indicator_one": "indicator",
        "indicator_many": "indicators",
        "count_improvement": "show improvement",
        "count_improvement_one": "shows improvement",
        "count_concern": "show deterioration",
        "count_concern_one": "shows deterioration",
        "count_common_cause": "vary randomly (common cause)",
        "count_common_cause_one": "varies randomly (common cause)",
        "count_neutral": "show an unusual change with no given direction",
        "count_neutral_one": "shows an unusual change with no given direction",
        "count_too_little_data": "have too few data points to judge",
        "count_too_little_data_one": "has too few data points to judge",
        "count_rare_event": "are followed as rare events",
        "count_rare_event_one": "is followed as a rare event",
        "count_stock": "are followed as a level against the target",
        "count_stock_one": "is followed as a level against the target",
        "count_hidden": "cannot be read because too many values are hidden (disclosure control)",
        "count_stale": "have no figure for {month}",
        "count_stale_one": "has no figure for {month}",
        "improvement": "{ref}: {label} – an improvement that is not random (special cause).",
        "concern": "{ref}: {label} – a deterioration that is not random (special cause).",
        "neutral_high": (
            "{ref}: {label} – unusually high (special cause); "
            "that is neither good nor bad in itself."
        ),
        "neutral_low": (
            "{ref}: {label} – unusually low (special cause); "
            "that is neither good nor bad in itself."
        ),
        "pass": "The target for {label} is consistently met.",
        "fail": "The target for {label} is consistently missed.",
        "hit_and_miss": "It is uncertain whether the target for {label} will be met.",
        "rare_events": "{ref}: {label}: {count} {events} so far in {year}, the latest in {last}.",
        "rare_none_since": "{ref}: {label}: no events so far in {year}; the latest in {last}.",
        "rare_none": "{ref}: {label}: no events since {first}.",
        "rare_hidden": "{ref}: {label}: .. so far in {year} (too few cases to show).",
        "rare_none_hidden_last": (
            "{ref}: {label}: no events so far in {year}; when the latest occurred cannot be "
            "shown (too few cases to show)."
        ),
        "event_one": "event",
        "event_many": "events",
        "rare_target": "The target is {target}.",
        "stock": "{ref}: {label}: {words}.",
        "context": "Note: {context}",
    },
}
"""Every sentence the summary can contain, per language (the only place its words live)."""

_COUNT_ORDER = ("improvement", "concern", "common_cause")
"""Always in the count line, even at 0; the other categories only when present."""
_COUNT_OPTIONAL = ("neutral", "stock", "too_little_data", "rare_event", "hidden", "stale")
_SPECIAL = ("improvement", "concern", "neutral")


@dataclass(frozen=True)
class Section:
    """One block of the summary: a heading and its sentences (goal_id None for the first,
    which carries the count line)."""

    goal_id: str | None
    heading: str
    sentences: tuple[str, ...]

    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)


def monthly_summary(
    assessments: Mapping[str, Reading] | Iterable[Reading],
    catalog: Catalog,
    period: pd.Timestamp | str,
    lang: Lang = "sv",
    *,
    assurance_for_common_cause: bool = False,
) -> list[Section]:
    """The month's summary: a count line, then one section per goal with something to say.

    Goals come in catalog order (the county goals, then the Gryning areas); a goal
    gets a section only if one of its indicators has a special cause in ``period``, is a rare
    event with data, or is a stock with a target (its progress: "målet nått i mars 2022"). Each such indicator gets one sentence naming it and the goal, its
    assurance sentence if it has a target, and the catalog's context note (the caveat travels
    with the indicator). Indicators with common cause variation, too little data, or no value in
    ``period`` (stale), or too much hidden by disclosure control to read (hidden) appear only
    in the count line; a rare event with hidden months never reads as "none" or as a count that
    leaves them out (".. so far"); ``assurance_for_common_cause=True`` adds
    "the target is consistently met/missed" for common cause indicators too.
    The count line counts each indicator once; an indicator in two goals is described in both.
    """
    texts = TEXTS[lang]
    month = pd.Timestamp(period).to_period("M").to_timestamp()
    items = list(assessments.values()) if isinstance(assessments, Mapping) else list(assessments)
    by_id = {a.indicator_id: a for a in items}
    month_text = format_month(month, lang)

    counts: Counter[str] = Counter(_reading(a, month) for a in by_id.values())
    sections = [
        Section(
            None,
            texts["heading"].format(month=month_text),
            (_count_line(counts, lang, month_text),),
        )
    ]
    for goal in catalog.goals:
        sentences: list[str] = []
        for indicator in catalog.indicators_for_goal(goal.id):
            assessment = by_id.get(indicator.id)
            if assessment is not None:
                sentences += _indicator_sentences(
                    assessment, indicator, goal, month, lang, assurance_for_common_cause
                )
        if sentences:
            sections.append(Section(goal.id, _goal_heading(goal, lang), tuple(sentences)))
    return sections


def _reading(assessment: Reading, month: pd.Timestamp) -> str:
    """The count-line category: the assessment's, or "stale" without a value this month."""
    if assessment.period is None or assessment.category == "no_data":
        return "stale"
    frequency = getattr(assessment, "frequency", "monthly")
    if frequency != "monthly":
        # A quarter's or year's figure is current while its period or the one after runs (2025
        # is the latest year to be had in October 2026).
        if pd.Timestamp(assessment.period) < next_period(month, frequency, -1):
            return "stale"
        return assessment.category
    if pd.Timestamp(assessment.period).to_period("M").to_timestamp() != month:
        return "stale"
    return assessment.category


def _count_line(counts: Counter[str], lang: Lang, month_text: str) -> str:
    texts = TEXTS[lang]
    keys = list(_COUNT_ORDER) + [k for k in _COUNT_OPTIONAL if counts.get(k, 0)]
    parts = []
    for position, key in enumerate(keys):
        n = counts.get(key, 0)
        # English verbs agree in number ("1 shows", "3 show"); Swedish ones do not
        singular = f"count_{key}_one"
        template = texts[singular] if n == 1 and singular in texts else texts[f"count_{key}"]
        verb = template.format(month=month_text)
        if position == 0:
            noun = texts["indicator_one" if n == 1 else "indicator_many"]
            parts.append(f"{n} {noun} {verb}")
        else:
            parts.append(f"{n} {verb}")
    return ", ".join(parts) + "."


def _goal_ref(goal: Goal, lang: Lang) -> str:
    texts = TEXTS[lang]
    if goal.family == "county":
        return texts["goal_county"].format(number=goal.number)
    return texts["goal_gryning"].format(short=goal.short(lang))


def _goal_heading(goal: Goal, lang: Lang) -> str:
    texts = TEXTS[lang]
    key = "heading_county" if goal.family == "county" else "heading_gryning"
    return texts[key].format(number=goal.number, short=goal.short(lang))


def _inline(label: str) -> str:
    """A label inside a sentence: first letter in lower case unless it starts an acronym."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _indicator_sentences(
    assessment: Reading,
    indicator: Indicator,
    goal: Goal,
    month: pd.Timestamp,
    lang: Lang,
    assurance_for_common_cause: bool,
) -> list[str]:
    texts = TEXTS[lang]
    reading = _reading(assessment, month)
    ref = _goal_ref(goal, lang)
    label = indicator.label(lang)
    sentences: list[str] = []
    if reading in _SPECIAL:
        key = reading
        if reading == "neutral":
            key = (
                "neutral_low"
                if assessment.variation == "special_cause_neutral_low"
                else "neutral_high"
            )
        sentences.append(texts[key].format(ref=ref, label=label))
        if assessment.assurance_category in ("pass", "fail", "hit_and_miss"):
            sentences.append(texts[assessment.assurance_category].format(label=_inline(label)))
    elif reading == "rare_event" and assessment.rare is not None:
        sentences += _rare_sentences(assessment, ref, label, lang)
    elif reading == "stock" and assessment.progress_words(lang) is not None:
        words = assessment.progress_words(lang)
        sentences.append(texts["stock"].format(ref=ref, label=label, words=_inline(words)))
    elif (
        reading == "common_cause"
        and assurance_for_common_cause
        and assessment.assurance_category in ("pass", "fail")
    ):
        return [texts[assessment.assurance_category].format(label=_inline(label))]
    else:
        return []
    context = indicator.context(lang)
    if context:
        sentences.append(texts["context"].format(context=_sentence(context)))
    return sentences


def _rare_sentences(assessment: Reading, ref: str, label: str, lang: Lang) -> list[str]:
    texts = TEXTS[lang]
    rare = assessment.rare
    assert rare is not None and rare.as_of is not None
    year = rare.as_of.year
    # A month disclosure control hid may hold events: never "none" or a count that leaves it out.
    if rare.events_this_year is None:
        sentences = [texts["rare_hidden"].format(ref=ref, label=label, year=year)]
    elif not rare.last_event_known and not rare.events_this_year:
        sentences = [texts["rare_none_hidden_last"].format(ref=ref, label=label, year=year)]
    elif rare.last_event is None:
        first = format_month(rare.first_period, lang)
        sentences = [texts["rare_none"].format(ref=ref, label=label, first=first)]
    elif rare.events_this_year:
        events = texts["event_one" if rare.events_this_year == 1 else "event_many"]
        sentences = [
            texts["rare_events"].format(
                ref=ref,
                label=label,
                count=rare.events_this_year,
                events=events,
                year=year,
                last=format_month(rare.last_event, lang),
            )
        ]
    else:
        last = format_month(rare.last_event, lang)
        sentences = [texts["rare_none_since"].format(ref=ref, label=label, year=year, last=last)]
    if assessment.progress.target is not None:
        target = f"{assessment.progress.target:g}"
        if target == "0":
            target = "noll" if lang == "sv" else "zero"
        sentences.append(texts["rare_target"].format(target=target))
    return sentences

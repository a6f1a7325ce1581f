"""The monthly summary in words, built by rules from the readings (metrics/reading.py): nothing is invented."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from i18n import Lang, t
from metrics.formatting import format_month
from metrics.periods import next_period
from metrics.reading import Reading

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Goal, Indicator


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
    month = pd.Timestamp(period).to_period("M").to_timestamp()
    items = list(assessments.values()) if isinstance(assessments, Mapping) else list(assessments)
    by_id = {a.indicator_id: a for a in items}
    month_text = format_month(month, lang)

    counts: Counter[str] = Counter(_reading(a, month) for a in by_id.values())
    sections = [
        Section(
            None,
            t("narrative_heading", lang, month=month_text),
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
    keys = list(_COUNT_ORDER) + [k for k in _COUNT_OPTIONAL if counts.get(k, 0)]
    parts = []
    for position, key in enumerate(keys):
        n = counts.get(key, 0)
        # English verbs agree in number ("1 shows", "3 show"): the key's _one form (t picks it)
        verb = t(f"narrative_count_{key}", lang, month=month_text, n=n)
        if position == 0:
            parts.append(f"{n} {t('narrative_indicator', lang, n=n)} {verb}")
        else:
            parts.append(f"{n} {verb}")
    return ", ".join(parts) + "."


def _goal_ref(goal: Goal, lang: Lang) -> str:
    if goal.family == "county":
        return t("narrative_goal_county", lang, number=goal.number)
    return t("narrative_goal_gryning", lang, short=goal.short(lang))


def _goal_heading(goal: Goal, lang: Lang) -> str:
    key = "heading_county" if goal.family == "county" else "heading_gryning"
    return t("narrative_" + key, lang, number=goal.number, short=goal.short(lang))


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
        sentences.append(t("narrative_" + key, lang, ref=ref, label=label))
        if assessment.assurance_category in ("pass", "fail", "hit_and_miss"):
            sentences.append(
                t("narrative_" + assessment.assurance_category, lang, label=_inline(label))
            )
    elif reading == "rare_event" and assessment.rare is not None:
        sentences += _rare_sentences(assessment, ref, label, lang)
    elif reading == "stock" and assessment.progress_words(lang) is not None:
        words = assessment.progress_words(lang)
        sentences.append(t("narrative_stock", lang, ref=ref, label=label, words=_inline(words)))
    elif (
        reading == "common_cause"
        and assurance_for_common_cause
        and assessment.assurance_category in ("pass", "fail")
    ):
        return [t("narrative_" + assessment.assurance_category, lang, label=_inline(label))]
    else:
        return []
    context = indicator.context(lang)
    if context:
        sentences.append(t("narrative_context", lang, context=_sentence(context)))
    return sentences


def _rare_sentences(assessment: Reading, ref: str, label: str, lang: Lang) -> list[str]:
    rare = assessment.rare
    assert rare is not None and rare.as_of is not None
    year = rare.as_of.year
    # A month disclosure control hid may hold events: never "none" or a count that leaves it out.
    if rare.events_this_year is None:
        sentences = [t("narrative_rare_hidden", lang, ref=ref, label=label, year=year)]
    elif not rare.last_event_known and not rare.events_this_year:
        sentences = [t("narrative_rare_none_hidden_last", lang, ref=ref, label=label, year=year)]
    elif rare.last_event is None:
        first = format_month(rare.first_period, lang)
        sentences = [t("narrative_rare_none", lang, ref=ref, label=label, first=first)]
    elif rare.events_this_year:
        events = t("narrative_event", lang, n=rare.events_this_year)
        sentences = [
            t(
                "narrative_rare_events",
                lang,
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
        sentences = [
            t("narrative_rare_none_since", lang, ref=ref, label=label, year=year, last=last)
        ]
    if assessment.progress.target is not None:
        target = f"{assessment.progress.target:g}"
        if target == "0":
            target = t("narrative_target_zero", lang)
        sentences.append(t("narrative_rare_target", lang, target=target))
    return sentences

"""Singular and plural in both languages: "1 indikator", never "1 indikatorer"."""

from __future__ import annotations

import re
import string

import pytest

from i18n import COUNTS, en, number_word, sv, t


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_count_of_one_takes_the_singular(lang):
    one = {
        "sv": {
            "signals": "Signaler bland 1 indikator",
            "briefing_pack_ready": "Dragningspaketet är klart (1 indikator).",
            "upload_commit": "Spara 1 värde",
        },
        "en": {
            "signals": "Signals among 1 indicator",
            "briefing_pack_ready": "The briefing pack is ready (1 indicator).",
            "upload_commit": "Store 1 value",
        },
    }[lang]
    for key, text in one.items():
        assert t(key, lang, n=1) == text
        assert t(key, lang, n="1") == text  # counts are often passed formatted
    assert "1 månad sedan" in t("reading_rare_since", "sv", last="mars 2026", months=1)
    assert "1 month since" in t("reading_rare_since", "en", last="March 2026", months=1)
    assert "rad läst" in t("upload_read_ok", "sv", name="f.csv", rows="1")


def test_other_counts_keep_the_plural():
    assert t("signals", "sv", n=3) == "Signaler bland 3 indikatorer"
    assert t("signals", "en", n=0) == "Signals among 0 indicators"
    assert t("reading_rare_since", "sv", last="mars 2026", months=11).count("11 månader") == 1
    assert t("upload_read_errors", "en", name="f.csv", n="1 234") == "f.csv: 1 234 problems"


def test_every_plural_text_with_a_count_has_its_singular_in_both_languages():
    # Counts that are never 1 where they are used (a fixed page size, "of {total}", rows alike
    # summarised only from SAME_VALUE_SUMMARY up) are exempt.
    # chart_rare_months: "(1 mån)", "(1 mo)": an abbreviation reads the same for one.
    exempt = {
        "audit_shown",
        "comment_older",
        "upload_first_shown",
        "chart_rare_months",
        "rule_every_row",
        "rule_same_rows",
    }
    plural_words = re.compile(
        r"\b(indikatorer|månader|värden|rader|händelser|diagram|problem|indicators|months|"
        r"values|rows|events|charts|problems|entries)\b"
    )
    for texts in (sv.TEXT, en.TEXT):
        for key, text in texts.items():
            if key.endswith("_one") or key in exempt:
                continue
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            if names & set(COUNTS) and plural_words.search(text):
                assert key + "_one" in sv.TEXT and key + "_one" in en.TEXT, key


def test_small_counts_are_written_in_words():
    # The overview's headings take their counts from the catalog, written as words.
    assert t("county_goals", "sv", count=number_word(8)) == "Länets åtta mål"
    assert t("gryning_areas", "en", count=number_word(5, "en")) == "Initiativ Gryning – five areas"
    assert number_word(9) == "nio" and number_word(1) == "ett" and number_word(13) == "13"

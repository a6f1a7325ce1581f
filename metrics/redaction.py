"""What briefing and public mode may show beside the protected observations: a cell's history, and free text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.catalog import Catalog
from metrics.disclosure import protects

KEY = ["indicator_id", "area_code", "period"]

# A run of digits, with the separators numbers are written with ("1 234,5", "3.5", "12-15").
_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:(?:[.,:/-]|(?<=\d{4})M)\d+)*")
# What may stay of a number: a year, a month or a date (2026, 2026-03, 2026-03-15, 2026M03).
_DATE = re.compile(r"(?:19|20)\d\d(?:[-M](?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")
MASK = ".."

# Numbers written in words, Swedish and English: a word made only of number parts ("tre",
# "tjugotre", "etthundra", "sjutton"; "three", "twenty-three", "a dozen"). "en"/"ett" alone are
# also the article ("en ny lag"), and "sex" is also English ("sex offences"), so alone they count
# only before a word that counts cases.
_SV_PARTS = (
    "noll|två|tre|fyra|fem|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|"
    "sjutton|arton|nitton|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra|tusen|"
    "dussin"
)
_SV_WORD = rf"(?:(?:ett|en|sex)(?:{_SV_PARTS})|(?:{_SV_PARTS}))(?:{_SV_PARTS}|ett|en|sex)*"
_EN_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_EN_WORD = (
    rf"(?:zero|{_EN_UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    rf"eighteen|nineteen|hundred|thousand|dozen|"
    rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:{_EN_UNITS}))?)"
)
_CASES = (
    "fall|anmälan|anmälningar|anmälning|ärende|ärenden|brott|dödsfall|offer|person|personer|"
    "kvinna|kvinnor|man|män|barn|flicka|pojke|mord|dråp|händelse|händelser|våldtäkt|misshandel|"
    "gång|gånger|placering|placeringar|samtal|utredning|utredningar"
)
_WORDS = re.compile(
    rf"(?<![\w-])(?:{_SV_WORD}|{_EN_WORD}|(?:en|ett|sex)(?=\s+(?:{_CASES})\b))(?![\w-])",
    re.IGNORECASE,
)


def mask_numbers(text: str) -> str:
    """Free text with every number that is not a year or a date replaced by "..", also where it
    is written in words.

    For texts people write (event labels, file names) that briefing mode shows: "3 anmälningar
    i Salem 2026" -> ".. anmälningar i Salem 2026"; "tre fall", "three cases" -> ".. fall",
    ".. cases"; "en kvinna" -> ".. kvinna" (but "en ny lag" stays: there "en" is the article).
    Words the rule does not know as numbers ("några", "a few", "ett par") stay; texts where that
    matters more (notes) are not shown at all in briefing mode.
    """

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if _DATE.fullmatch(match.group(0)) else MASK

    return _WORDS.sub(MASK, _NUMBER.sub(replace, text))


def protect_changes(
    changes: pd.DataFrame, current: pd.DataFrame | None, catalog: Catalog
) -> pd.DataFrame:
    """A list of changed cells (old and new value per cell, storage.upload_changes) as briefing
    mode may show it.

    current: the cells' current observations as disclosure control shows them (ui/data's
        protected reads: value, denominator and ``suppressed`` per indicator, area and period);
        None when there are none to read (then no value is shown now).
    A value of an indicator disclosure control protects is shown only where it is the cell's
    current value (and denominator) and disclosure control shows the cell now: an earlier value
    (a revised or undone one) was never checked against the totals of its time, and a hidden
    cell stays hidden (as does every value of an indicator no longer in the catalog). Others
    become NaN with ``old_hidden``/``new_hidden`` True; a value that
    never was (the old value of an inserted cell) stays NaN with its flag False. Indicators
    disclosure control leaves alone (medians, ``disclosure = false``) are returned as they are.
    """
    out = changes.copy()
    out["old_hidden"] = False
    out["new_hidden"] = False
    if out.empty:
        return out
    if current is None:
        merged = out[KEY].assign(_value=np.nan, _denominator=np.nan, _suppressed=True)
    else:
        now = current[[*KEY, "value", "denominator", "suppressed"]].rename(
            columns={"value": "_value", "denominator": "_denominator", "suppressed": "_suppressed"}
        )
        merged = out[KEY].merge(now, on=KEY, how="left")
    known = {i.id: protects(i) for i in catalog.indicators}
    # An indicator no longer in the catalog is protected: nothing says it may be shown.
    guarded = out["indicator_id"].map(lambda i: known.get(i, True)).to_numpy(bool)
    shown_now = merged["_suppressed"].eq(False).to_numpy()
    for side in ("old", "new"):
        value, denominator = out[f"{side}_value"], out[f"{side}_denominator"]
        same = _equal(value, merged["_value"]) & _equal(denominator, merged["_denominator"])
        hidden = guarded & value.notna().to_numpy() & ~(shown_now & same)
        out[f"{side}_hidden"] = hidden
        out[f"{side}_value"] = value.astype("float64").mask(hidden)
        out[f"{side}_denominator"] = denominator.astype("float64").mask(hidden)
    return out


def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Equal values, or both missing (a count has no denominator)."""
    a = a.astype("float64").to_numpy()
    b = b.astype("float64").to_numpy()
    return (a == b) | (np.isnan(a) & np.isnan(b))

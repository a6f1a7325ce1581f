"""Population figures for the demo database: the published totals of public-figures.md §7 where
they exist, clearly-marked demo estimates everywhere else (pure: no I/O).

What is published (stored with estimate = False and their source):
- 2017, the 26 municipalities of Stockholm county: statistik.stockholm.se, "Areal, folkmängd och
  befolkningstäthet i kommunerna 2017" (källa SCB/SWECO); their sum is the county's 2 303 417;
- 2024, the nine municipalities whose rows were readable in SCB's "Folkmängd i riket, län och
  kommuner 31 december 2024".
Everything else is an estimate (estimate = True, source "demouppskattning: ..."), shown as demo:
- an undated list (Jacobhaf/malarnas-se, probably 2025, YEAR UNCERTAIN) is stored as a 2025
  estimate, and is the only figure for Gotland (0980), used for Gotland in every year;
- other years between two known figures are interpolated linearly; years before the first or
  after the last are held at it;
- police areas are the sums of their municipalities (Stockholm 0180 split as the demo generator
  splits it), the region the sum of all municipalities: derived, so estimates;
- women 18+ and children 0-17 are fixed shares of the total (below): the reference has no
  figures by sex or age (public-figures.md §10), so these are assumptions for the demo only,
  close to the county's published age structure in magnitude, never to be read as facts.
Years run from 2017 to the year before the last demo month: the current year's population is
not published yet, so a rate of the latest months uses the previous year's, and says so.
An SCB import (issue 16) replaces these rows with published figures.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from metrics.catalog import Catalog
from metrics.population import COLUMNS

FIRST_YEAR = 2017
WOMEN_18PLUS_SHARE = 0.395
"""Demo assumption: women aged 18 or more as a share of all inhabitants (not from a source)."""
CHILDREN_0_17_SHARE = 0.225
"""Demo assumption: children aged 0-17 as a share of all inhabitants (not from a source)."""

SOURCE_2017 = "statistik.stockholm.se 2017 (källa SCB/SWECO)"
SOURCE_2024 = "SCB, folkmängd 31 december 2024"
SOURCE_UNDATED = "demouppskattning: odaterad lista, troligen 2025 (osäkert år)"
SOURCE_INTERPOLATED = "demouppskattning: interpolerad mellan kända år"
SOURCE_DERIVED = "demouppskattning: summa av kommunerna"
SOURCE_SHARE = "demouppskattning: fast andel av totalen (antagande för demon)"
SOURCE_INVENTED = "demouppskattning: påhittad kommun (nationell benchmark)"

PUBLISHED_2017: dict[str, int] = {
    "0114": 44_493,  # Upplands Väsby
    "0115": 33_144,  # Vallentuna
    "0117": 43_945,  # Österåker
    "0120": 43_134,  # Värmdö
    "0123": 76_055,  # Järfälla
    "0125": 27_692,  # Ekerö
    "0126": 109_523,  # Huddinge
    "0127": 91_631,  # Botkyrka
    "0128": 16_665,  # Salem
    "0136": 87_490,  # Haninge
    "0138": 47_176,  # Tyresö
    "0139": 27_447,  # Upplands-Bro
    "0140": 10_608,  # Nykvarn
    "0160": 70_315,  # Täby
    "0162": 32_890,  # Danderyd
    "0163": 71_639,  # Sollentuna
    "0180": 949_164,  # Stockholm
    "0181": 95_834,  # Södertälje
    "0182": 101_026,  # Nacka
    "0183": 49_105,  # Sundbyberg
    "0184": 79_834,  # Solna
    "0186": 47_111,  # Lidingö
    "0187": 11_798,  # Vaxholm
    "0188": 60_668,  # Norrtälje
    "0191": 46_982,  # Sigtuna
    "0192": 28_048,  # Nynäshamn
}
PUBLISHED_2024: dict[str, int] = {
    "0123": 88_950,  # Järfälla
    "0125": 28_910,  # Ekerö
    "0126": 114_304,  # Huddinge
    "0127": 95_905,  # Botkyrka
    "0136": 100_895,  # Haninge
    "0162": 32_425,  # Danderyd
    "0182": 112_112,  # Nacka
    "0186": 48_377,  # Lidingö
}
UNDATED_2025: dict[str, int] = {
    "0114": 50_550,  # Upplands Väsby
    "0115": 35_347,  # Vallentuna
    "0117": 49_897,  # Österåker
    "0120": 46_627,  # Värmdö
    "0123": 90_223,  # Järfälla
    "0125": 29_081,  # Ekerö
    "0126": 114_819,  # Huddinge
    "0127": 96_450,  # Botkyrka
    "0128": 17_403,  # Salem
    "0136": 101_427,  # Haninge
    "0138": 49_664,  # Tyresö
    "0139": 33_204,  # Upplands-Bro
    "0140": 12_385,  # Nykvarn
    "0160": 78_294,  # Täby
    "0162": 32_583,  # Danderyd
    "0163": 78_043,  # Sollentuna
    "0180": 998_782,  # Stockholm
    "0181": 102_935,  # Södertälje
    "0182": 113_509,  # Nacka
    "0183": 56_866,  # Sundbyberg
    "0184": 86_441,  # Solna
    "0186": 48_449,  # Lidingö
    "0187": 11_674,  # Vaxholm
    "0188": 66_871,  # Norrtälje
    "0191": 53_123,  # Sigtuna
    "0192": 30_632,  # Nynäshamn
    "0980": 61_032,  # Gotland
}


def weighting_population(code: str) -> int | None:
    """The one figure per municipality the demo generator weighs areas by (2024 where published,
    else 2017, else the undated list): the figures the demo series were always generated from."""
    return PUBLISHED_2024.get(code) or PUBLISHED_2017.get(code) or UNDATED_2025.get(code)


def demo_population(catalog: Catalog, last_year: int) -> pd.DataFrame:
    """Population rows (metrics.population.COLUMNS) for every area of the catalog, 2017 to
    `last_year`, for the three bases: published totals where §7 has them, estimates otherwise.

    A municipality the sources do not know (the national benchmark's invented ones) gets an
    invented size, steady from its code, marked as such."""
    from demo.generator import _MUNICIPALITY_SPLITS  # noqa: PLC0415 - the generator imports us

    years = np.arange(FIRST_YEAR, last_year + 1)
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    totals: dict[str, np.ndarray] = {}
    rows: list[tuple] = []
    for area in municipalities:
        values, estimates, sources = _municipality_totals(area.code, years)
        totals[area.code] = values
        for year, value, estimate, source in zip(years, values, estimates, sources, strict=True):
            rows.append((area.code, int(year), "all", "all", int(value), estimate, source))
    for area in catalog.areas:
        if area.level == "municipality":
            continue
        if area.level == "region":
            parts = [(code, 1.0) for code in totals]
        else:
            parts = [(a.code, 1.0) for a in municipalities if a.police_area == area.code]
            parts += [
                (code, shares[area.code])
                for code, shares in _MUNICIPALITY_SPLITS.items()
                if area.code in shares and code in totals
            ]
        if not parts:
            continue
        summed = np.round(sum(totals[code] * share for code, share in parts))
        rows += [
            (area.code, int(year), "all", "all", int(value), True, SOURCE_DERIVED)
            for year, value in zip(years, summed, strict=True)
        ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    women = frame.assign(
        sex="women",
        age_band="18+",
        inhabitants=np.round(frame["inhabitants"] * WOMEN_18PLUS_SHARE).astype("int64"),
        estimate=True,
        source=SOURCE_SHARE,
    )
    children = frame.assign(
        age_band="0-17",
        inhabitants=np.round(frame["inhabitants"] * CHILDREN_0_17_SHARE).astype("int64"),
        estimate=True,
        source=SOURCE_SHARE,
    )
    return pd.concat([frame, women, children], ignore_index=True)


def _municipality_totals(code: str, years: np.ndarray) -> tuple[np.ndarray, list[bool], list[str]]:
    anchors = {
        year: figure
        for year, table in ((2017, PUBLISHED_2017), (2024, PUBLISHED_2024), (2025, UNDATED_2025))
        if (figure := table.get(code)) is not None
    }
    if not anchors:
        invented = 5_000 + zlib.crc32(code.encode()) % 95_000
        return np.full(len(years), invented), [True] * len(years), [SOURCE_INVENTED] * len(years)
    known = sorted(anchors)
    values = np.round(np.interp(years, known, [anchors[y] for y in known]))
    estimates, sources = [], []
    for year in years:
        if year == 2017 and code in PUBLISHED_2017:
            estimates.append(False)
            sources.append(SOURCE_2017)
        elif year == 2024 and code in PUBLISHED_2024:
            estimates.append(False)
            sources.append(SOURCE_2024)
        elif year == 2025 and code in UNDATED_2025:
            estimates.append(True)
            sources.append(SOURCE_UNDATED)
        else:
            estimates.append(True)
            sources.append(SOURCE_INTERPOLATED)
    return values, estimates, sources

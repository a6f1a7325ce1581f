"""Population per area, year, sex and age band, and which figure a rate uses (pure: frames in).

The figures are data (storage table `population`, filled by the demo loader and by imports);
each catalog indicator names its base (`population_base`): everyone, women 18+ or children
0–17. A rate for a year uses that year's figure of the indicator's base, or the latest earlier
year's when the year has none, and says so (`PopulationFigure.year` differs from
`PopulationFigure.for_year`); never a later year's, never another base's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import pandas as pd

from i18n import Message, MessageError

Base = Literal["all", "women_18plus", "children_0_17"]
BASES: tuple[str, ...] = ("all", "women_18plus", "children_0_17")
"""The population bases an indicator may name in the catalog."""
SEXES = ("all", "women", "men")
AGE_BANDS = ("all", "0-17", "18+")
BASE_GROUPS: dict[str, tuple[str, str]] = {
    "all": ("all", "all"),
    "women_18plus": ("women", "18+"),
    "children_0_17": ("all", "0-17"),
}
"""(sex, age_band) of each base in the population table."""
COLUMNS = ("area_code", "year", "sex", "age_band", "inhabitants", "estimate", "source")
"""The population table's columns, in order."""


@dataclass(frozen=True)
class PopulationFigure:
    """The inhabitants a rate for `for_year` uses: the figure of `year` (<= for_year) of `base`.

    estimate: not a published figure (a demo estimate or a derived sum); source: where it is from.
    """

    area_code: str
    base: str
    for_year: int
    year: int
    inhabitants: int
    estimate: bool
    source: str

    @property
    def earlier(self) -> bool:
        """True when the rate's own year has no figure and an earlier year's is used."""
        return self.year < self.for_year


class PopulationError(MessageError, ValueError):
    """A population frame that cannot be stored; the message (an i18n key) says what is wrong."""


class Population:
    """Lookups in a population frame (columns `COLUMNS`); an empty frame knows no figures."""

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self.frame = (
            pd.DataFrame(columns=list(COLUMNS)) if frame is None else frame[list(COLUMNS)].copy()
        )
        self._latest: dict[tuple[int, str], pd.DataFrame] = {}  # `figures`' per year and base

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], dict[int, tuple[int, bool, str]]]:
        index: dict[tuple[str, str, str], dict[int, tuple[int, bool, str]]] = {}
        # Column lists, not itertuples: a national frame is ~8 000 rows, made on a first visit.
        columns = ("area_code", "sex", "age_band", "year", "inhabitants", "estimate", "source")
        rows = zip(*(self.frame[c].tolist() for c in columns), strict=True)
        for area_code, sex, age_band, year, inhabitants, estimate, source in rows:
            index.setdefault((area_code, sex, age_band), {})[int(year)] = (
                int(inhabitants),
                bool(estimate),
                str(source),
            )
        return index

    def figure(self, area_code: str, year: int, base: str = "all") -> PopulationFigure | None:
        """The figure a rate of `year` in the area uses for `base`: that year's, else the latest
        earlier year's; None when there is neither (a later year is never used)."""
        if base not in BASE_GROUPS:
            raise PopulationError(
                "population_unknown_base", base=repr(base), allowed=", ".join(BASES)
            )
        sex, age_band = BASE_GROUPS[base]
        years = self._index.get((area_code, sex, age_band))
        if not years:
            return None
        earlier = [known for known in years if known <= year]
        if not earlier:
            return None
        found = max(earlier)
        inhabitants, estimate, source = years[found]
        return PopulationFigure(area_code, base, int(year), found, inhabitants, estimate, source)

    def figures(self, area_codes: Sequence[str], year: int, base: str = "all") -> pd.DataFrame:
        """`figure` of each of `area_codes` at once: a frame indexed by them, in order, with the
        figure's year, inhabitants, estimate and source (NaN where `figure` gives None). Made
        from the base's rows alone (`figure` indexes every row of every base first, tens of
        thousands of small objects at national scale, when a comparison asks one base)."""
        if base not in BASE_GROUPS:
            raise PopulationError(
                "population_unknown_base", base=repr(base), allowed=", ".join(BASES)
            )
        latest = self._latest.get((int(year), base))
        if latest is None:
            sex, age_band = BASE_GROUPS[base]
            frame = self.frame
            rows = frame[(frame["sex"] == sex) & (frame["age_band"] == age_band)]
            rows = rows[rows["year"].astype("int64") <= year]
            # The latest year at or before `year` per area (a later row of the same year wins,
            # as in `figure`'s index); kept per year and base (the pages ask a few).
            latest = rows.sort_values("year", kind="stable").drop_duplicates(
                "area_code", keep="last"
            )
            latest = latest.set_index("area_code")[["year", "inhabitants", "estimate", "source"]]
            self._latest[(int(year), base)] = latest
        return latest.reindex(list(area_codes))

    def inhabitants(self, area_code: str, year: int, base: str = "all") -> int | None:
        """Just the number of `figure`, or None."""
        found = self.figure(area_code, year, base)
        return None if found is None else found.inhabitants


def check_population_frame(frame: pd.DataFrame, area_codes: set[str]) -> pd.DataFrame:
    """The frame as it is stored (types fixed, columns in order); PopulationError listing what
    is wrong: missing columns, unknown areas, sexes or age bands, years outside 1900–2100,
    inhabitants that are not positive whole numbers, one group given twice."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise PopulationError("population_missing_columns", columns=", ".join(missing))
    out = frame[list(COLUMNS)].copy()
    problems = []
    unknown = sorted(set(out["area_code"].astype(str)) - area_codes)
    if unknown:
        problems.append(Message("population_unknown_areas", areas=", ".join(unknown[:10])))
    for column, allowed in (("sex", SEXES), ("age_band", AGE_BANDS)):
        bad = sorted(set(out[column].astype(str)) - set(allowed))
        if bad:
            problems.append(
                Message("population_unknown_values", column=column, values=", ".join(bad))
            )
    years = pd.to_numeric(out["year"], errors="coerce")
    if (years.isna() | (years < 1900) | (years > 2100) | (years % 1 != 0)).any():
        problems.append(Message("population_bad_years"))
    inhabitants = pd.to_numeric(out["inhabitants"], errors="coerce")
    if (inhabitants.isna() | (inhabitants <= 0) | (inhabitants % 1 != 0)).any():
        problems.append(Message("population_bad_inhabitants"))
    if problems:
        raise PopulationError("population_refused", problems=problems)
    out["area_code"] = out["area_code"].astype(str)
    out["year"] = years.astype("int64")
    out["inhabitants"] = inhabitants.astype("int64")
    out["estimate"] = out["estimate"].astype(bool)
    out["source"] = out["source"].astype(str)
    if out.duplicated(["area_code", "year", "sex", "age_band"]).any():
        raise PopulationError("population_repeated")
    return out

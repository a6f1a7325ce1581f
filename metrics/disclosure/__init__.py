"""Disclosure control: hide small counts, and cells that would give them away by subtraction.

The topics live in sibling modules; this package re-exports what the rest of the app imports:
``policy`` (threshold, "..", which indicators are protected), ``geography`` (published relations
between areas), ``keys`` (secret draws per cell), ``suppression`` (the rule), ``program`` (the
reader's integer program it checks against), ``releases`` (sticky releases), ``cells`` (a
decision as cells, applied to a cut), ``totals`` (year totals of region-only indicators) and
``years`` (year totals of every area, decided as cells of their own).
docs/disclosure.md says what is protected against and what it costs.
"""

from metrics.disclosure.cells import HiddenCells, hidden_cells, hide_cells, release_hidden_cells
from metrics.disclosure.geography import SPLIT, AdditiveGroup, area_groups, is_isolated
from metrics.disclosure.keys import cell_draws, indicator_key
from metrics.disclosure.policy import (
    DECOY_RATE,
    DEFAULT_THRESHOLD,
    DERIVED_COLUMNS,
    SUPPRESSED_TEXT,
    YEAR_MONTHS,
    Lang,
    format_cell,
    protects,
)
from metrics.disclosure.releases import ReleaseDecider, decide_release
from metrics.disclosure.suppression import apply_disclosure, suppress
from metrics.disclosure.totals import PeriodTotal, period_total_text, period_totals
from metrics.disclosure.years import decide_year_totals, has_year_totals, year_rows, year_totals

__all__ = [
    "DECOY_RATE",
    "DEFAULT_THRESHOLD",
    "DERIVED_COLUMNS",
    "SPLIT",
    "SUPPRESSED_TEXT",
    "YEAR_MONTHS",
    "AdditiveGroup",
    "HiddenCells",
    "Lang",
    "PeriodTotal",
    "ReleaseDecider",
    "apply_disclosure",
    "area_groups",
    "cell_draws",
    "decide_release",
    "decide_year_totals",
    "format_cell",
    "has_year_totals",
    "hidden_cells",
    "hide_cells",
    "indicator_key",
    "is_isolated",
    "period_total_text",
    "period_totals",
    "protects",
    "release_hidden_cells",
    "suppress",
    "year_rows",
    "year_totals",
]

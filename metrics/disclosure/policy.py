"""What disclosure control hides and how it reads: threshold, "..", decoy rate, protected kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from i18n import Lang

# SUPPRESSED_TEXT (what a hidden cell shows) is metrics.formatting's; re-exported from here.
from metrics.formatting import SUPPRESSED_TEXT, format_number

if TYPE_CHECKING:
    from metrics.catalog import Indicator


DEFAULT_THRESHOLD = 5
"""Counts 1..4 are always hidden (a zero only as a decoy or as company). The one owner
of the threshold: the app (ui/data.py), the writer of stored decisions and the tests read it here."""


DERIVED_COLUMNS = ("numerator", "share", "rate_per_100k")
"""Columns computed from the count; blanked (NaN) together with it."""


DECOY_RATE = 0.02
"""Share of an indicator's cells hidden as decoys whatever their value, drawn with the
database's secret key (see ``suppress``): a hidden cell may always be a decoy, so replaying the
rule does not tell a small count from a large one."""


YEAR_MONTHS = 12
"""A release's hidden cells are months (``months`` 1) or calendar-year totals (``months`` 12)."""


_TOL = 1e-9


def format_cell(
    value: float | None,
    suppressed: bool,
    lang: Lang = "sv",
    decimals: int | None = None,
) -> str:
    """A table cell: ".." when suppressed, else the number as ``format_number`` writes it."""
    if suppressed:
        return SUPPRESSED_TEXT
    return format_number(value, lang, decimals)


def protects(indicator: Indicator) -> bool:
    """True when disclosure control can hide the indicator's values (a median is not a count)."""
    return indicator.disclosure and indicator.kind != "median_days"

"""The published relations between areas (region = police areas = municipalities, shared municipalities' parts), read from the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

SPLIT = ">"
"""Joins a shared municipality and a police area into the code of the municipality's part in
that police area ("0180>PO_CITY"): a cell no table publishes, so always unknown to a reader."""


@dataclass(frozen=True)
class AdditiveGroup:
    """``parent`` = sum of ``children`` for the same indicator and period (name: for messages)."""

    name: str
    parent: str
    children: tuple[str, ...]


def area_groups(catalog: Catalog) -> tuple[AdditiveGroup, ...]:
    """The additive relations between the catalog's areas, read from the catalog.

    The region is the sum of the police areas and the sum of the municipalities; a police area
    is the sum of its municipalities plus, for each shared municipality that spans it (the
    catalog's ``spans``: Stockholm 0180 over PO_CITY, PO_NORD and PO_SYD), that municipality's
    part there (``"0180>PO_CITY"``, never published); a shared municipality is the sum of its
    parts. For the fixed codes PO_GOTLAND = 0980 is a group of one.
    """
    police = tuple(a.code for a in catalog.areas if a.level == "police_area")
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    groups: list[AdditiveGroup] = []
    for region in (a for a in catalog.areas if a.level == "region"):
        if police:
            groups.append(AdditiveGroup("police_areas", region.code, police))
        if municipalities:
            codes = tuple(m.code for m in municipalities)
            groups.append(AdditiveGroup("municipalities", region.code, codes))
    for code in police:
        own = [m.code for m in municipalities if m.police_area == code]
        parts = [f"{m.code}{SPLIT}{code}" for m in municipalities if code in m.spans]
        if own or parts:
            groups.append(AdditiveGroup(code, code, (*own, *parts)))
    for m in municipalities:
        if m.spans:
            parts = tuple(f"{m.code}{SPLIT}{p}" for p in m.spans)
            groups.append(AdditiveGroup(m.code, m.code, parts))
    return tuple(groups)


def is_isolated(indicator: Indicator, catalog: Catalog) -> bool:
    """True when no published total or split relates the indicator's cells within a month (it is
    reported for the region only): a hidden month could only be hidden for its own sake, so
    ``..`` would always mean 1..4. Briefing mode then hides every month below the threshold,
    zeros too (``..`` means 0..4), and shows period totals instead (``period_totals``)."""
    valid = set(catalog.valid_areas(indicator.id))
    return not any(_usable(g, valid)[1] for g in area_groups(catalog) if g.parent in valid)


def _usable(group: AdditiveGroup, valid: set[str]) -> tuple[str, list[str]]:
    """The group's parent and the children the indicator reports (a split part counts when both
    its municipality and its police area are reported)."""
    children = [
        c
        for c in group.children
        if c in valid or (SPLIT in c and all(piece in valid for piece in c.split(SPLIT)))
    ]
    return group.parent, children

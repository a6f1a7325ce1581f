"""One thing wrong in the catalog file, said in the language of whoever edits the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import Message, t

_NOUNS = {
    "catalog": "catalog_in_catalog",
    "goals": "catalog_in_goal",
    "indicators": "catalog_in_indicator",
    "areas": "catalog_in_area",
    "bra_mapping": "catalog_in_bra_mapping",
    "bra_ignored_regions": "catalog_in_bra_ignored_region",
    "scb_ignored_regions": "catalog_in_scb_ignored_region",
    "kolada_mapping": "catalog_in_kolada_mapping",
    "kolada_area": "catalog_in_kolada_area",
    "handled_mapping": "catalog_in_handled_mapping",
    "handled_ignored": "catalog_in_handled_ignored",
}
"""What an entry of each entity is called ("mål county_1", "goal county_1")."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the catalog: the entry, the field and what is wrong (`what`, a Message)."""

    entity: (
        str  # "catalog", "goals", "indicators", "areas" or a mapping table: where the entry lives
    )
    entry: str  # the entry's id or code; "#n" (its position) when the id itself is unusable
    field: str  # the field as written in the TOML file, e.g. "kind" or "target.value"
    what: Message

    def text(self, lang: str = "sv") -> str:
        """`mål county_1, fält number: …` in Swedish, `goal county_1, field number: …` in English."""
        where = f"{t(_NOUNS[self.entity], lang)} {self.entry}".strip()
        return t("catalog_problem", lang, where=where, field=self.field, what=self.what)

    def message(self) -> str:
        """Swedish, then English after " / " (a catalog error is read by whoever edits the file,
        in a log or on the command line, before any language is chosen)."""
        return f"{self.text('sv')} / {self.text('en')}"

"""The rules metrics/catalog.toml must pass before it is loaded (pandera tables per kind of entry
and the rules across entries): `validate_catalog` lists every problem, not only the first.

cells: what a cell may hold; entries: goals, indicators, areas; targets: targets, baselines,
breaks; mappings: the import mapping tables (BRÅ, Kolada, SCB); shaping: the TOML file as tables;
problems: how a problem is said; validate: all of it together.
"""

from metrics.catalog_schema.mappings import fold_bra_text
from metrics.catalog_schema.problems import Problem
from metrics.catalog_schema.shaping import CatalogTables
from metrics.catalog_schema.validate import validate_catalog

__all__ = ["CatalogTables", "Problem", "fold_bra_text", "validate_catalog"]

"""The catalog's tables for BRÅ's table of handled offences: [[handled_mapping]] points at a
known yearly share indicator, a row is mapped or ignored once, never both."""

from __future__ import annotations

import copy

from metrics.catalog import load_catalog
from metrics.catalog_schema import validate_catalog
from tests.metrics.test_catalog_schema import _VALID

_ROW = {"kategori": "3 kap. 5, 6 § BrB Misshandel inkl. grov", "underkategori": "Mot kvinna"}


def _handled_messages(raw) -> list[str]:
    return [p.message() for p in validate_catalog(raw)[1] if p.entity.startswith("handled")]


def test_the_mappings_are_optional_and_the_real_catalog_maps_yearly_shares():
    raw = copy.deepcopy(_VALID)
    tables, problems = validate_catalog(raw)
    assert problems == () and tables.handled_mappings.empty and tables.handled_ignored.empty
    catalog = load_catalog()
    assert catalog.handled_mappings
    for mapping in catalog.handled_mappings:
        indicator = catalog.indicator(mapping.indicator_id)
        assert (indicator.kind, indicator.frequency, indicator.levels) == (
            "proportion",
            "yearly",
            ("region",),
        )


def test_a_mapping_must_name_a_known_yearly_share():
    raw = copy.deepcopy(_VALID)
    raw["handled_mapping"] = [
        _ROW | {"indicator_id": "clearance_rape"},  # a monthly share in this catalog
        _ROW | {"underkategori": "Annan", "indicator_id": "okand"},
    ]
    assert _handled_messages(raw) == [
        "mappning av handlagda brott Mot kvinna, fält indicator_id: indikatorn 'clearance_rape' "
        "är ingen årlig andel (kind proportion, frequency yearly): tabellen ger ett års "
        "handlagda brott och andelen personuppklarade / handled-offences mapping Mot kvinna, "
        "field indicator_id: indicator 'clearance_rape' is not a yearly share (kind proportion, "
        "frequency yearly): the table gives a year's handled offences and the share cleared",
        "mappning av handlagda brott Annan, fält indicator_id: okänd indikator 'okand' / "
        "handled-offences mapping Annan, field indicator_id: unknown indicator 'okand'",
    ]


def test_a_row_is_mapped_or_ignored_once():
    raw = copy.deepcopy(_VALID)
    raw["handled_mapping"] = [
        _ROW | {"indicator_id": "clearance_rape"},
        _ROW | {"underkategori": "MOT  KVINNA", "indicator_id": "clearance_rape"},
    ]
    raw["handled_ignored"] = [dict(_ROW)]
    messages = _handled_messages(raw)
    assert any("raden är både mappad och ignorerad" in m for m in messages)
    assert any("står mer än en gång" in m for m in messages)

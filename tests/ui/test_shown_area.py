"""The area an indicator's chart shows: the one chosen where it is reported, else the region
(one rule, metrics.overview.reading_area; the region's code from metrics.reading.REGION)."""

from metrics.catalog import load_catalog
from metrics.reading import REGION
from ui.indicator_panel import shown_area

CATALOG = load_catalog()


def test_reported_there_is_shown_there_else_at_the_region():
    rape = CATALOG.indicator("reported_rape")
    region_only = CATALOG.indicator("evidence_based_share")
    assert CATALOG.valid_areas(region_only.id) == (REGION,)
    assert shown_area(CATALOG, rape, "0180") == "0180"
    assert shown_area(CATALOG, region_only, "0180") == REGION
    assert shown_area(CATALOG, region_only, REGION) == REGION
    for indicator in CATALOG.indicators:
        for area in ("0180", "PO_SYD", REGION):
            expected = area if area in CATALOG.valid_areas(indicator.id) else REGION
            assert shown_area(CATALOG, indicator, area) == expected

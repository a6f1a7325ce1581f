"""Kolada API v2 JSON (public-figures.md §8b) recognised by shape and read through the catalog's
[[kolada_mapping]] / [[kolada_area]] tables; unmapped, null, malformed and wrong-period values
each give their Swedish message, and a rejected file stores nothing.

tests/fixtures/kolada_v2.json is in the v2 data shape with the README's example KPI id (N00945);
its values are test data. The catalog has no Kolada mapping yet (the IFO KPIs' ids were not
found, §10), so the tests add one to a copy of the catalog.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from ingest import kolada
from ingest.pipeline import check_upload, ingest_upload
from metrics.catalog import KoladaMapping
from storage import count_observations
from tests.conftest import FIXTURES, TODAY

DATA = (FIXTURES / "kolada_v2.json").read_bytes()


@pytest.fixture
def mapped(catalog):
    """The catalog with N00945 (gender T) read as victims_supported."""
    mapping = KoladaMapping(kpi="N00945", indicator_id="victims_supported")
    return dataclasses.replace(catalog, kolada_mappings=(mapping,))


def test_the_v2_data_shape_is_recognised_and_other_json_is_not():
    assert kolada.recognise(DATA) is not None
    assert kolada.recognise((FIXTURES / "scb_folkmangd_2024.json").read_bytes()) is None
    kpi_list = {"values": [{"id": "N00945", "title": "x", "municipality_type": "K"}], "count": 1}
    assert kolada.recognise(json.dumps(kpi_list).encode()) is None  # metadata, not data


def test_mapped_values_become_canonical_rows_with_0100_as_the_region(mapped):
    rows = kolada.to_canonical(json.loads(DATA), mapped)
    assert rows.errors == []
    got = rows.frame[["indicator_id", "period", "area_code", "value"]].values.tolist()
    assert got == [
        ["victims_supported", "2024", "0180", "3.0"],  # gender T only; K and M not read
        ["victims_supported", "2023", "STHLM", "12.5"],  # 0100 through [[kolada_area]]
    ]
    assumptions = " ".join(rows.assumptions)
    assert "2 värden för andra kön än det mappade lästes inte in." in assumptions
    assert "1 värde saknas i Kolada (null) och lästes inte in; ett saknat värde är inte noll" in (
        assumptions
    )


def test_an_unmapped_kpi_is_listed_and_nothing_is_stored(fresh_db, catalog):
    report = ingest_upload(fresh_db, DATA, "kolada.json", user="eva", today=TODAY, catalog=catalog)
    assert report.status == "rejected"
    messages = [e.message for e in report.errors]
    assert any(m.startswith("Kolada-nyckeltalet ”N00945” har ingen mappning") for m in messages)
    assert count_observations(fresh_db) == 0


def test_an_unmapped_area_and_a_malformed_value_are_named(mapped):
    obj = json.loads(DATA)
    obj["values"][0]["municipality"] = "1860"
    obj["values"][1]["values"][0]["gender"] = "X"
    checked = check_upload(json.dumps(obj).encode(), "k.json", mapped, today=TODAY)
    messages = [e.message for e in checked.errors]
    assert any(m.startswith("Kolada-området ”1860” är ingen kommun i katalogen") for m in messages)
    assert any("saknar gender T, K eller M" in m for m in messages)


def test_only_nulls_is_refused_as_nothing_to_read(fresh_db, mapped):
    obj = {"values": [json.loads(DATA)["values"][2]], "count": 1}
    report = ingest_upload(
        fresh_db, json.dumps(obj).encode(), "k.json", user="eva", today=TODAY, catalog=mapped
    )
    assert report.status == "rejected"
    assert "alla saknas (null)" in report.errors[0].message
    assert count_observations(fresh_db) == 0


def test_a_year_for_a_monthly_indicator_is_a_period_error_and_nothing_is_stored(fresh_db, mapped):
    # victims_supported is monthly: Kolada's years are the wrong granularity for it.
    report = ingest_upload(fresh_db, DATA, "kolada.json", user="eva", today=TODAY, catalog=mapped)
    assert report.status == "rejected"
    assert "period" in {e.column for e in report.errors}  # (12.5 is also no whole count)
    assert count_observations(fresh_db) == 0


def test_the_catalog_refuses_a_mapping_to_an_unknown_indicator():
    import tomllib

    from metrics.catalog import catalog_path
    from metrics.catalog_schema import validate_catalog

    raw = tomllib.loads(catalog_path().read_text(encoding="utf-8"))
    raw["kolada_mapping"] = [{"kpi": "N00945", "indicator_id": "no_such_indicator"}]
    raw["kolada_area"] = [{"municipality": "0100", "area_code": "NOWHERE"}]
    problems = validate_catalog(raw)[1]
    fields = {(p.entity, p.field) for p in problems}
    assert ("kolada_mapping", "indicator_id") in fields and ("kolada_area", "area_code") in fields


def test_a_yearly_indicator_stores_kolada_values_end_to_end(fresh_db, mapped):
    """With the indicator yearly (as Mål 4's IFO KPIs will be), the file is stored, undoable."""
    from auth import User
    from services.uploads import undo_upload
    from storage import load_observations

    obj = json.loads(DATA)
    catalog = dataclasses.replace(
        mapped,
        indicators=tuple(
            dataclasses.replace(i, frequency="yearly") if i.id == "victims_supported" else i
            for i in mapped.indicators
        ),
    )
    obj["values"][1]["values"][0]["value"] = 12.0  # a count is whole
    report = ingest_upload(
        fresh_db, json.dumps(obj).encode(), "k.json", user="eva", today=TODAY, catalog=catalog
    )
    assert report.status == "committed", report.errors
    stored = load_observations(fresh_db)
    got = sorted(
        (r.area_code, r.period.year, r.value) for r in stored.itertuples() if r.indicator_id
    )
    assert got == [("0180", 2024, 3.0), ("STHLM", 2023, 12.0)]
    assert report.checked.source_format == kolada.SOURCE_FORMAT
    undo_upload(fresh_db, catalog, User("eva", "analyst", local=True), report.upload_id)
    assert count_observations(fresh_db) == 0

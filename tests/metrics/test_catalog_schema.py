"""The catalog schema names every problem by entry and field, in Swedish and English."""

import copy

import pytest

from metrics.catalog_schema import validate_catalog

_VALID = {
    "goals": [
        {
            "id": "county_5",
            "family": "county",
            "number": 5,
            "label_sv": "Rättsvårdande myndigheter håller god kvalitet i utredningar och i rättsprocesser.",
            "label_en": "The justice agencies maintain good quality in investigations and proceedings.",
            "short_sv": "Kvalitet i utredning och rättsprocess",
            "short_en": "Quality of investigations and trials",
            "description_sv": "Beskrivning.",
            "description_en": "Description.",
            "headline_indicator": "clearance_rape",
        }
    ],
    "indicators": [
        {
            "id": "clearance_rape",
            "label_sv": "Personuppklaring, våldtäkt",
            "label_en": "Person-based clearance, rape",
            "kind": "proportion",
            "direction": "increase",
            "goals": ["county_5"],
            "unit_sv": "andel",
            "unit_en": "share",
            "definition_sv": "Andel handlagda våldtäkter som personuppklarats.",
            "definition_en": "Share of handled rapes cleared by a person.",
            "source": "Brå (demo)",
            "owner": "Polisen region Stockholm",
            "levels": ["region", "police_area"],
            "context_sv": "Not.",
            "context_en": "Note.",
            "disclosure": True,
            "target": {"value": 0.25, "period": "2026-12", "illustrative": True},
            "baseline": {"value": 0.2, "period": "2022-12"},
            "breaks": [{"period": "2022-07", "reason_sv": "Lagändring.", "reason_en": "New law."}],
        }
    ],
    "areas": [
        {"code": "STHLM", "name_sv": "Region Stockholm", "name_en": "Stockholm Region", "level": "region"},
        {"code": "PO_SYD", "name_sv": "Polisområde Stockholm syd", "name_en": "Stockholm South police area", "level": "police_area"},
        {"code": "0127", "name_sv": "Botkyrka", "name_en": "Botkyrka", "level": "municipality", "police_area": "PO_SYD"},
    ],
}  # fmt: skip


@pytest.fixture
def raw():
    return copy.deepcopy(_VALID)


def _messages(raw) -> list[str]:
    return [problem.message() for problem in validate_catalog(raw)[1]]


def test_a_valid_catalog_has_no_problems_and_gets_its_defaults(raw):
    tables, problems = validate_catalog(raw)
    assert problems == ()
    assert tables.indicators.loc[0, "rare"] is False
    assert tables.targets.loc[0, "note_sv"] == ""
    assert tables.baselines.loc[0, "illustrative"] is False
    assert tables.indicators.loc[0, "population_base"] == "all"


def test_a_proportion_target_must_be_a_share(raw):
    raw["indicators"][0]["target"]["value"] = 25
    assert _messages(raw) == [
        "indikator clearance_rape, fält target.value: en andel ska ligga mellan 0 och 1 "
        "(0.25 = 25 %), fick 25 / indicator clearance_rape, field target.value: a proportion "
        "must lie between 0 and 1 (0.25 = 25 %), got 25"
    ]


def test_periods_are_months_quarters_or_years(raw):
    raw["indicators"][0]["breaks"][0]["period"] = "2022-7"
    raw["indicators"][0]["baseline"]["period"] = "2022-12-01"
    messages = _messages(raw)
    assert any(
        "fält breaks.period: ska vara en period: månad ÅÅÅÅ-MM, kvartal ÅÅÅÅKn eller år ÅÅÅÅ, "
        "fick '2022-7'" in m
        for m in messages
    )
    assert any("fält baseline.period: ska vara en period" in m for m in messages)


def test_frequency_defaults_to_monthly_and_must_be_known(raw):
    tables, problems = validate_catalog(raw)
    assert problems == () and set(tables.indicators["frequency"]) == {"monthly"}
    raw["indicators"][0]["frequency"] = "weekly"
    (message,) = _messages(raw)
    assert "fält frequency: okänd frekvens 'weekly' (tillåtna: monthly, quarterly, yearly)" in (
        message
    )


def test_a_yearly_indicator_writes_its_periods_as_years(raw):
    indicator = raw["indicators"][0]
    indicator["frequency"] = "yearly"
    messages = _messages(raw)
    # Its baseline and break are still written as months: each is named.
    assert any("fält baseline.period: perioden ska skrivas som indikatorns frekvens" in m
               for m in messages)  # fmt: skip
    assert any("fält breaks.period: perioden ska skrivas som indikatorns frekvens" in m
               for m in messages)  # fmt: skip
    indicator["baseline"]["period"] = "2021"
    indicator["target"]["period"] = "2026"
    for series_break in indicator["breaks"]:
        series_break["period"] = "2022"
    assert _messages(raw) == []


def test_municipality_codes_keep_the_leading_zero(raw):
    raw["areas"][2]["code"] = "127"
    (message,) = _messages(raw)
    assert message.startswith("område 127, fält code: '127' är ingen områdeskod för nivån")


def test_only_municipalities_belong_to_a_police_area(raw):
    raw["areas"][0]["police_area"] = "PO_SYD"
    assert _messages(raw) == [
        "område STHLM, fält police_area: bara kommuner hör till ett polisområde / "
        "area STHLM, field police_area: only municipalities belong to a police area"
    ]


def test_a_police_area_must_exist(raw):
    raw["areas"][2]["police_area"] = "PO_NORD"
    assert _messages(raw) == [
        "område 0127, fält police_area: 'PO_NORD' är inget polisområde i katalogen / "
        "area 0127, field police_area: 'PO_NORD' is not a police area in the catalog"
    ]


def test_the_headline_indicator_must_exist(raw):
    raw["goals"][0]["headline_indicator"] = "clearance_assault"
    (message,) = _messages(raw)
    assert message.startswith(
        "mål county_5, fält headline_indicator: okänd indikator 'clearance_assault'"
    )


def test_short_labels_are_at_most_40_characters(raw):
    raw["goals"][0]["short_en"] = "Quality of criminal investigations and of legal proceedings"
    (message,) = _messages(raw)
    assert message.startswith("mål county_5, fält short_en: ska vara en text på högst 40 tecken")


def test_types_are_checked_per_entry(raw):
    raw["goals"][0]["number"] = "5"
    raw["indicators"][0]["disclosure"] = "yes"
    raw["indicators"][0]["levels"] = ["region", "kommun"]
    raw["areas"][2]["population"] = {"2017": 91631}
    raw["indicators"][0]["population_base"] = "women"
    messages = _messages(raw)
    assert any(
        "mål county_5, fält number: ska vara ett positivt heltal, fick '5'" in m for m in messages
    )
    assert any("fält disclosure: ska vara true eller false, fick 'yes'" in m for m in messages)
    assert any("fält levels: ska vara en lista med olika nivåer" in m for m in messages)
    # Population figures are data (storage), not catalog: the key is unknown here.
    assert any("område 0127" in m and "population" in m for m in messages)
    assert any("fält population_base: okänd befolkningsbas 'women'" in m for m in messages)


def test_an_entry_without_id_is_named_by_its_position(raw):
    del raw["indicators"][0]["id"]
    messages = _messages(raw)
    assert "indikator #1, fält id: saknas / indicator #1, field id: is missing" in messages
    # Without the indicator the goal is left with none, and its headline is unknown.
    assert any(
        m.startswith("mål county_5, fält id: ingen indikator hör till målet") for m in messages
    )


def test_an_id_that_is_not_a_text_is_reported_not_a_crash(raw):
    raw["indicators"][0]["id"] = ["clearance_rape"]
    messages = _messages(raw)
    assert messages[0].startswith(
        "indikator #1, fält id: ['clearance_rape'] är inget giltigt id (små bokstäver"
    )


def test_two_indicators_cannot_share_a_label(raw):
    twin = copy.deepcopy(raw["indicators"][0]) | {"id": "clearance_rape_twin"}
    for key in ("target", "baseline", "breaks"):
        twin.pop(key, None)
    raw["indicators"].append(twin)
    messages = _messages(raw)
    assert any(
        m.startswith("indikator clearance_rape_twin, fält label_sv: 'Personuppklaring, våldtäkt' "
                     "förekommer mer än en gång")
        for m in messages
    )  # fmt: skip


def test_a_problem_is_said_in_the_language_of_whoever_reads_it(raw):
    raw["goals"][0]["number"] = "5"
    raw["areas"][2]["police_area"] = "PO_NORD"
    problems = validate_catalog(raw)[1]
    assert [p.text("en") for p in problems] == [
        "goal county_5, field number: must be a positive whole number, got '5'",
        "area 0127, field police_area: 'PO_NORD' is not a police area in the catalog",
    ]
    assert [p.text("sv") for p in problems] == [
        "mål county_5, fält number: ska vara ett positivt heltal, fick '5'",
        "område 0127, fält police_area: 'PO_NORD' är inget polisområde i katalogen",
    ]
    assert problems[0].message() == f"{problems[0].text('sv')} / {problems[0].text('en')}"


def test_the_file_shape_is_checked_before_the_tables(raw):
    raw["indicator"] = raw.pop("indicators")
    raw["goals"][0]["headline"] = "clearance_rape"
    messages = _messages(raw)
    assert (
        "katalogen, fält indicator: okänt fält (stavfel?) / catalog, field indicator: unknown field (typo?)"
        in messages
    )
    assert "katalogen, fält indicators: saknas / catalog, field indicators: is missing" in messages
    assert any(m.startswith("mål county_5, fält headline: okänt fält (stavfel?)") for m in messages)


# --- BRÅ mapping ---------------------------------------------------------------------------------

_BRA = {
    "brott": "Våldtäkt inkl. grov",
    "region": "Region Stockholm",
    "indicator_id": "clearance_rape",
    "area_code": "STHLM",
}


def test_a_bra_mapping_is_optional_and_gets_its_default_note(raw):
    tables, problems = validate_catalog(raw)
    assert problems == () and tables.bra_mappings.empty
    raw["bra_mapping"] = [dict(_BRA)]
    raw["bra_ignored_regions"] = ["Hela landet"]
    tables, problems = validate_catalog(raw)
    assert problems == ()
    assert tables.bra_mappings.loc[0, "note_sv"] == ""
    assert list(tables.bra_ignored_regions["region"]) == ["Hela landet"]


def test_a_bra_mapping_must_name_a_known_indicator_and_area(raw):
    raw["bra_mapping"] = [
        _BRA | {"indicator_id": "reported_rape"},
        _BRA | {"brott": "Annan", "area_code": "PO_NORD"},
    ]
    assert _messages(raw) == [
        "BRÅ-mappning Våldtäkt inkl. grov, fält indicator_id: okänd indikator 'reported_rape' / "
        "BRÅ mapping Våldtäkt inkl. grov, field indicator_id: unknown indicator 'reported_rape'",
        "BRÅ-mappning Annan, fält area_code: okänt område 'PO_NORD' / "
        "BRÅ mapping Annan, field area_code: unknown area 'PO_NORD'",
    ]


def test_a_bra_mapping_must_fit_the_indicator_levels(raw):
    raw["bra_mapping"] = [_BRA | {"area_code": "0127"}]
    (message,) = _messages(raw)
    assert message.startswith(
        "BRÅ-mappning Våldtäkt inkl. grov, fält area_code: indikatorn 'clearance_rape' "
        "redovisas inte på nivån 'municipality' (område '0127')"
    )


def test_bra_mappings_are_one_to_one(raw):
    raw["bra_mapping"] = [
        dict(_BRA),
        _BRA | {"brott": "VÅLDTÄKT  inkl. grov", "area_code": "PO_SYD"},
        _BRA | {"brott": "Annan kategori"},
    ]
    messages = _messages(raw)
    assert any(
        "fält brott: kategorin 'VÅLDTÄKT  inkl. grov' mappas mer än en gång för samma region" in m
        for m in messages
    )
    assert any(
        "BRÅ-mappning Annan kategori, fält indicator_id: indikatorn och området "
        "'clearance_rape' har redan en BRÅ-kategori" in m
        for m in messages
    )


def test_a_region_cannot_be_both_mapped_and_ignored(raw):
    raw["bra_mapping"] = [dict(_BRA)]
    raw["bra_ignored_regions"] = ["region stockholm"]
    assert _messages(raw) == [
        "ignorerad BRÅ-region region stockholm, fält region: regionen är både mappad och "
        "ignorerad / ignored BRÅ region region stockholm, field region: the region is both "
        "mapped and ignored"
    ]


def test_a_code_or_id_of_the_wrong_type_is_reported_not_a_crash(raw):
    raw["areas"][1]["code"] = {"a": 1}
    raw["bra_mapping"] = [_BRA | {"indicator_id": ["clearance_rape"]}]
    messages = _messages(raw)
    assert any("fält indicator_id" in m and "inget giltigt id" in m for m in messages)
    assert any("fält code" in m for m in messages)


@pytest.mark.parametrize("value", [11, 12.0, True, "24"])
def test_fix_after_n_points_is_a_whole_number_of_at_least_twelve(raw, value):
    assert validate_catalog(raw)[0].indicators.loc[0, "fix_after_n_points"] is None
    raw["indicators"][0]["fix_after_n_points"] = 24
    assert _messages(raw) == []
    raw["indicators"][0]["fix_after_n_points"] = value
    assert _messages(raw) == [
        f"indikator clearance_rape, fält fix_after_n_points: ska vara ett heltal ≥ 12 (antal "
        f"månader som styrgränserna beräknas på), fick {value!r} / indicator clearance_rape, "
        f"field fix_after_n_points: must be a whole number ≥ 12 (months the control limits are "
        f"computed from), got {value!r}"
    ]


@pytest.mark.parametrize("value", [0, 401, 21.0, True, "21"])
def test_delivery_delay_days_is_a_whole_number_of_days(raw, value):
    assert validate_catalog(raw)[0].indicators.loc[0, "delivery_delay_days"] is None
    raw["indicators"][0]["delivery_delay_days"] = 21
    assert _messages(raw) == []
    raw["indicators"][0]["delivery_delay_days"] = value
    assert _messages(raw) == [
        "indikator clearance_rape, fält delivery_delay_days: ska vara ett heltal 1–400 (dagar "
        f"efter periodens slut då siffrorna väntas), fick {value!r} / indicator clearance_rape, "
        "field delivery_delay_days: must be a whole number 1–400 (days after the period's end "
        f"by which the figures are expected), got {value!r}"
    ]


def test_an_area_may_have_its_own_target(raw):
    raw["indicators"][0]["area_targets"] = [
        {"area_code": "PO_SYD", "value": 0.3, "period": "2026-12"}
    ]
    tables, problems = validate_catalog(raw)
    assert problems == ()
    assert tables.area_targets.loc[0, "area_code"] == "PO_SYD"
    assert (
        tables.area_targets.loc[0, "note_sv"] == ""
        and tables.area_targets.loc[0, "illustrative"] is False
    )


def test_an_area_target_names_a_known_area_at_the_indicators_levels_once(raw):
    target = {"value": 0.3, "period": "2026-12"}
    raw["indicators"][0]["area_targets"] = [
        target | {"area_code": "PO_NORD"},
        target | {"area_code": "0127"},
        target | {"area_code": "PO_SYD"},
        target | {"area_code": "PO_SYD", "value": 3},
    ]
    messages = _messages(raw)
    assert any("fält area_targets.value: en andel ska ligga mellan 0 och 1" in m for m in messages)
    assert any(
        "fält area_targets.area_code: två mål för samma område 'PO_SYD'" in m for m in messages
    )
    assert any("area_targets.area_code: okänt område 'PO_NORD'" in m for m in messages)
    assert any(
        "area_targets.area_code: indikatorn redovisas inte på nivån 'municipality' (område '0127')"
        in m
        for m in messages
    )


def test_an_area_target_is_a_list_of_tables(raw):
    raw["indicators"][0]["area_targets"] = {"area_code": "PO_SYD"}
    assert _messages(raw) == [
        "indikator clearance_rape, fält area_targets: ska vara en lista av tabeller "
        "([[indicators.area_targets]]) / indicator clearance_rape, field area_targets: must be an "
        "array of tables ([[indicators.area_targets]])"
    ]

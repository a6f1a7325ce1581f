"""The declared catalog honours the design brief's contract, and broken catalogs fail loudly."""

import dataclasses
from pathlib import Path

import pytest

from metrics.catalog import CatalogError, load_catalog

GOAL_IDS = (
    *(f"county_{n}" for n in range(1, 9)),
    "gryning_resource",
    "gryning_method",
    "gryning_collaboration",
    "gryning_norm",
    "gryning_evidence",
)

# The strategy's exact wording (seeds: polisen.se, "Myndighetssamverkan för att bekämpa våld").
COUNTY_GOAL_WORDING = {
    "county_1": "Myndigheter och aktörer arbetar våldsförebyggande.",
    "county_2": "Våldsutövare har tillgång till återfallsförebyggande insatser utifrån sina behov.",
    "county_3": "Myndigheter och aktörer arbetar aktivt för att upptäcka våldsutsatta vuxna och barn samt våldsutövare.",
    "county_4": "Våldsutsatta vuxna och barn har tillgång till insatser utifrån sina behov.",
    "county_5": "Rättsvårdande myndigheter håller god kvalitet i utredningar och i rättsprocesser.",
    "county_6": "Våldsutsatta vuxna och barn medverkar i brottsutredningar.",
    "county_7": "Myndigheter och aktörer arbetar med systematisk kunskapsutveckling.",
    "county_8": "Myndigheter och aktörer använder metoder och insatser som vilar på evidens eller på beprövad erfarenhet.",
}

# The design brief's table: id -> (Swedish label, kind, direction, goals). External files refer
# to these ids, so an edit of the catalog that breaks the contract must fail here.
BRIEF_INDICATORS = {
    "reported_partner_violence_women": ("Anmälda brott mot kvinnor i parrelation", "count", "neutral", ("county_3", "gryning_norm")),
    "reported_gross_violation_integrity": ("Anmäld grov kvinnofrids-/fridskränkning", "count", "neutral", ("county_3",)),
    "reported_rape": ("Anmälda våldtäkter", "count", "neutral", ("county_3",)),
    "reported_child_sexual_offences": ("Anmälda sexualbrott mot barn", "count", "neutral", ("county_3",)),
    "reported_grooming": ("Anmäld kontakt med barn i sexuellt syfte", "count", "neutral", ("county_3",)),
    "reported_child_abuse_material": ("Anmälda barnpornografibrott", "count", "neutral", ("county_3",)),
    "contact_ban_violations": ("Anmälda överträdelser av kontaktförbud", "count", "neutral", ("county_5", "gryning_norm")),
    "lethal_violence_close_relations": ("Dödligt våld i nära relation", "count", "decrease", ("gryning_norm",)),
    "clearance_partner_assault": ("Personuppklaring, misshandel mot kvinna i parrelation", "proportion", "increase", ("county_5",)),
    "clearance_rape": ("Personuppklaring, våldtäkt", "proportion", "increase", ("county_5",)),
    "lead_time_days": ("Genomströmningstid anmälan–beslut (median dagar)", "median_days", "decrease", ("county_5",)),
    "early_evidence_share": ("Andel ärenden med tidig bevissäkring", "proportion", "increase", ("gryning_method", "county_5")),
    "crime_scene_examined_share": ("Andel sexualbrott där tekniker undersökt brottsplatsen", "proportion", "increase", ("gryning_method", "county_5")),
    "victim_participation_share": ("Andel målsägande som medverkar i utredningen", "proportion", "increase", ("county_6",)),
    "victim_counsel_share": ("Andel ärenden med målsägandebiträde", "proportion", "increase", ("county_6",)),
    "perpetrator_programme_starts": ("Påbörjade återfallsförebyggande insatser för våldsutövare", "count", "increase", ("county_2",)),
    "support_line_calls": ("Samtal till stödlinje för våldsutövare", "count", "increase", ("county_2",)),
    "violence_screening_share": ("Andel patienter tillfrågade om våldsutsatthet", "proportion", "increase", ("county_3",)),
    "victims_supported": ("Våldsutsatta vuxna och barn som fått stödinsats", "count", "increase", ("county_4",)),
    "protected_housing_placements": ("Placeringar i skyddat boende", "count", "neutral", ("county_4",)),
    "prevention_activities": ("Genomförda våldsförebyggande insatser", "count", "increase", ("county_1",)),
    "staff_trained": ("Utbildade medarbetare (heder, sexualbrottsutredning)", "count", "increase", ("county_7", "gryning_method")),
    "gryning_staff_recruited": ("Nya medarbetare i satsningen (ackumulerat)", "stock", "increase", ("gryning_resource",)),
    "collaboration_initiatives": ("Aktiva lokala samverkansinitiativ", "stock", "increase", ("gryning_collaboration",)),
    "covert_measures_cases": ("Ärenden med hemliga tvångsmedel, särskilt utsatta brottsoffer", "count", "increase", ("gryning_collaboration",)),
    "evaluations_completed": ("Genomförda utvärderingar av arbetssätt", "count", "increase", ("gryning_evidence", "county_8")),
    "evidence_based_share": ("Andel insatser som vilar på evidens eller beprövad erfarenhet", "proportion", "increase", ("county_8",)),
}  # fmt: skip

# The brief's municipalities with their police area (None: Stockholm spans three areas).
MUNICIPALITIES = {
    "0114": ("Upplands Väsby", "PO_NORD"),
    "0115": ("Vallentuna", "PO_NORD"),
    "0117": ("Österåker", "PO_NORD"),
    "0120": ("Värmdö", "PO_SYD"),
    "0123": ("Järfälla", "PO_NORD"),
    "0125": ("Ekerö", "PO_NORD"),
    "0126": ("Huddinge", "PO_SYD"),
    "0127": ("Botkyrka", "PO_SYD"),
    "0128": ("Salem", "PO_SYD"),
    "0136": ("Haninge", "PO_SYD"),
    "0138": ("Tyresö", "PO_SYD"),
    "0139": ("Upplands-Bro", "PO_NORD"),
    "0140": ("Nykvarn", "PO_SYD"),
    "0160": ("Täby", "PO_NORD"),
    "0162": ("Danderyd", "PO_NORD"),
    "0163": ("Sollentuna", "PO_NORD"),
    "0180": ("Stockholm", None),
    "0181": ("Södertälje", "PO_SYD"),
    "0182": ("Nacka", "PO_SYD"),
    "0183": ("Sundbyberg", "PO_NORD"),
    "0184": ("Solna", "PO_NORD"),
    "0186": ("Lidingö", "PO_CITY"),
    "0187": ("Vaxholm", "PO_NORD"),
    "0188": ("Norrtälje", "PO_NORD"),
    "0191": ("Sigtuna", "PO_NORD"),
    "0192": ("Nynäshamn", "PO_SYD"),
    "0980": ("Gotland", "PO_GOTLAND"),
}
POLICE_AREAS = ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")
AREA_CODES = ("STHLM", *POLICE_AREAS, *MUNICIPALITIES)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- the real catalog -------------------------------------------------------------------------


def test_real_catalog_loads_once_and_is_cached(catalog):
    assert load_catalog() is catalog


def test_goals_are_the_thirteen_ids_in_order(catalog):
    assert tuple(g.id for g in catalog.goals) == GOAL_IDS
    assert [(g.family, g.number) for g in catalog.goals] == [
        *(("county", n) for n in range(1, 9)),
        *(("gryning", n) for n in range(1, 6)),
    ]


def test_county_goals_carry_the_strategys_exact_wording(catalog):
    assert {
        g.id: g.label("sv") for g in catalog.goals if g.family == "county"
    } == COUNTY_GOAL_WORDING


def test_gryning_areas_are_labelled_and_described_from_the_police_text(catalog):
    resource = catalog.goal("gryning_resource")
    assert resource.label("sv") == "Resurs"
    assert "Drygt 100 nya medarbetare" in resource.description("sv")
    assert [g.label("sv") for g in catalog.goals if g.family == "gryning"] == [
        "Resurs",
        "Metod",
        "Samverkan",
        "Norm",
        "Evidens",
    ]


# The county strategy's own yearly indicators (issue 16 item 2), after the brief's: Mål 5's eleven
# person-based clearance shares, Mål 3's routine share, Mål 4's three Kolada IFO figures and
# Socialstyrelsen's written-agreement share.
OFFICIAL_INDICATORS = {
    "clearance_close_relation_assault": ("proportion", ("county_5",)),
    "clearance_gross_violation_women": ("proportion", ("county_5",)),
    "clearance_gross_violation": ("proportion", ("county_5",)),
    "clearance_grooming": ("proportion", ("county_5",)),
    "clearance_forced_marriage": ("proportion", ("county_5",)),
    "clearance_fgm": ("proportion", ("county_5",)),
    "clearance_procuring": ("proportion", ("county_5",)),
    "clearance_trafficking_sexual": ("proportion", ("county_5",)),
    "clearance_rape_yearly": ("proportion", ("county_5",)),
    "clearance_purchase_sex": ("proportion", ("county_5",)),
    "clearance_child_sex_purchase": ("proportion", ("county_5",)),
    "ifo_violence_actualised": ("count", ("county_4",)),
    "ifo_violence_support": ("count", ("county_4",)),
    "ifo_violence_goal_met": ("count", ("county_4",)),
    "municipal_routine_share": ("proportion", ("county_3",)),
    "written_agreement_share": ("proportion", ("county_4",)),
}


def test_indicators_match_the_brief(catalog):
    brief = catalog.indicators[: len(BRIEF_INDICATORS)]
    actual = {i.id: (i.label_sv, i.kind, i.direction, i.goals) for i in brief}
    assert actual == BRIEF_INDICATORS
    assert tuple(actual) == tuple(BRIEF_INDICATORS)  # catalog order = the brief's order
    assert {i.frequency for i in brief} == {"monthly"}


def test_the_strategy_s_yearly_indicators_follow_the_brief_s(catalog):
    official = catalog.indicators[len(BRIEF_INDICATORS) :]
    assert {i.id: (i.kind, i.goals) for i in official} == OFFICIAL_INDICATORS
    assert {i.frequency for i in official} == {"yearly"}
    assert all(i.source and i.owner and i.definition_sv and i.definition_en for i in official)
    published = catalog.indicator("clearance_gross_violation_women").baseline
    assert (published.value, published.period, published.illustrative) == (0.09, "2019-01", False)


def test_every_goal_has_indicators_and_its_headline_is_one_of_them(catalog):
    for goal in catalog.goals:
        members = catalog.indicators_for_goal(goal.id)
        assert members, goal.id
        assert goal.headline_indicator in {i.id for i in members}, goal.id


def test_goal_membership_reads_both_ways(catalog):
    assert [g.id for g in catalog.goals_for_indicator("early_evidence_share")] == [
        "gryning_method",
        "county_5",
    ]
    for indicator in catalog.indicators:
        assert catalog.goals_for_indicator(indicator.id)
        for goal in catalog.goals_for_indicator(indicator.id):
            assert indicator in catalog.indicators_for_goal(goal.id)


def test_every_entry_reads_in_both_languages(catalog):
    for goal in catalog.goals:
        for lang in ("sv", "en"):
            assert goal.label(lang) and goal.description(lang)
            assert 0 < len(goal.short(lang)) <= 40, (goal.id, lang)
    for i in catalog.indicators:
        for lang in ("sv", "en"):
            assert i.label(lang) and i.definition(lang) and i.unit(lang) and i.context(lang)
        assert i.source and i.owner and i.levels
    assert catalog.indicator("lead_time_days").unit("en") == "days (median)"
    assert catalog.area("STHLM").name("en") == "Stockholm Region"


def test_unknown_language_is_refused(catalog):
    with pytest.raises(ValueError, match="okänt språk 'de'"):
        catalog.goal("county_1").label("de")


def test_lookups_raise_key_error_for_unknown_ids(catalog):
    with pytest.raises(KeyError, match="okänd indikator 'nope'") as raised:
        catalog.indicator("nope")
    assert raised.value.text("en") == "unknown indicator 'nope'"
    with pytest.raises(KeyError):
        catalog.goal("county_9")
    with pytest.raises(KeyError):
        catalog.area("114")
    with pytest.raises(KeyError):
        catalog.indicators_for_goal("county_9")


def test_only_lethal_violence_is_rare(catalog):
    assert [i.id for i in catalog.indicators if i.rare] == ["lethal_violence_close_relations"]


def test_disclosure_protects_counts_about_people(catalog):
    protected = {i.id for i in catalog.indicators if i.disclosure}
    assert {
        "reported_partner_violence_women",
        "reported_rape",
        "reported_child_sexual_offences",
        "lethal_violence_close_relations",
        "protected_housing_placements",
        "victims_supported",
    } <= protected
    assert not protected & {
        "staff_trained",
        "evaluations_completed",
        "gryning_staff_recruited",
        "collaboration_initiatives",
        "prevention_activities",
    }


def test_targets_are_illustrative_and_never_on_neutral_indicators(catalog):
    with_target = [i for i in catalog.indicators if i.target is not None]
    assert len(with_target) >= 10
    for i in with_target:
        assert i.direction != "neutral", i.id
        assert i.target.illustrative, i.id
        if i.kind == "proportion":
            assert 0 <= i.target.value <= 1, i.id
    lethal = catalog.indicator("lethal_violence_close_relations").target
    assert (lethal.value, lethal.period) == (0, "2026-12")
    recruited = catalog.indicator("gryning_staff_recruited").target
    assert (recruited.value, recruited.period) == (100, "2022-12")


def test_known_series_breaks_are_dated(catalog):
    def periods(indicator_id):
        return [b.period for b in catalog.indicator(indicator_id).breaks]

    assert periods("reported_partner_violence_women") == ["2020-04"]
    assert periods("reported_rape") == ["2022-07"]
    assert periods("reported_child_sexual_offences") == ["2022-07"]
    assert periods("lead_time_days") == ["2023-01"]
    registration = catalog.indicator("reported_partner_violence_women").breaks[0]
    assert "registreringen" in registration.reason("sv")


# --- areas --------------------------------------------------------------------------------------


def test_areas_are_the_32_codes_in_order(catalog):
    assert tuple(a.code for a in catalog.areas) == AREA_CODES
    assert catalog.area("STHLM").level == "region"
    assert catalog.area("STHLM").name("sv") == "Region Stockholm"
    assert {a.code for a in catalog.areas if a.level == "police_area"} == set(POLICE_AREAS)
    assert catalog.area("PO_NORD").name("sv") == "Polisområde Stockholm nord"


def test_municipalities_keep_their_four_digit_codes_and_police_areas(catalog):
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    assert {a.code: (a.name("sv"), a.police_area) for a in municipalities} == MUNICIPALITIES
    for area in municipalities:
        assert isinstance(area.code, str) and len(area.code) == 4 and area.code[0] == "0"
    for area in catalog.areas:
        if area.level != "municipality":
            assert area.police_area is None


def test_valid_areas_follow_the_indicator_levels(catalog):
    assert catalog.valid_areas("reported_rape") == AREA_CODES
    assert catalog.valid_areas("lethal_violence_close_relations") == ("STHLM",)
    assert catalog.valid_areas("gryning_staff_recruited") == ("STHLM",)
    assert catalog.valid_areas("clearance_rape") == ("STHLM", *POLICE_AREAS)
    assert catalog.valid_areas("victims_supported") == ("STHLM", *MUNICIPALITIES)


def test_valid_areas_are_listed_once_per_set_of_levels_and_stay_the_same(catalog):
    # Answers are kept per set of levels: asking again, or for another indicator at the same
    # levels, gives the same areas in catalog order.
    for _ in range(2):
        for indicator in catalog.indicators:
            assert catalog.valid_areas(indicator.id) == tuple(
                a.code for a in catalog.areas if a.level in indicator.levels
            )
    with pytest.raises(KeyError):
        catalog.valid_areas("no_such_indicator")
    # The kept answers are not part of the catalog's value (pages key caches on its hash).
    fresh = dataclasses.replace(catalog)
    assert fresh == catalog and hash(fresh) == hash(catalog)


# --- population base ----------------------------------------------------------------------------


def test_each_indicator_names_its_population_base(catalog):
    bases = {i.id: i.population_base for i in catalog.indicators}
    assert bases["reported_partner_violence_women"] == "women_18plus"
    for child in ("reported_child_sexual_offences", "reported_grooming"):
        assert bases[child] == "children_0_17"
    assert bases["reported_rape"] == "all"
    assert set(bases.values()) <= {"all", "women_18plus", "children_0_17"}


# --- invalid catalogs ---------------------------------------------------------------------------

_MINIMAL = """
[[goals]]
id = "county_1"
family = "county"
number = 1
label_sv = "Myndigheter och aktörer arbetar våldsförebyggande."
label_en = "Authorities and other actors work to prevent violence."
short_sv = "Våldsförebyggande arbete"
short_en = "Violence prevention"
description_sv = "Beskrivning."
description_en = "Description."
headline_indicator = "prevention_activities"

[[indicators]]
id = "prevention_activities"
label_sv = "Genomförda våldsförebyggande insatser"
label_en = "Violence-prevention activities carried out"
kind = "count"
direction = "increase"
goals = ["county_1"]
unit_sv = "insatser"
unit_en = "activities"
definition_sv = "Antal insatser."
definition_en = "Number of activities."
source = "Länsstyrelsen Stockholm (demo)"
owner = "Länsstyrelsen Stockholm"
levels = ["region"]
context_sv = "Not."
context_en = "Note."
disclosure = false

[[areas]]
code = "STHLM"
name_sv = "Region Stockholm"
name_en = "Stockholm Region"
level = "region"
"""

_NEUTRAL_INDICATOR = """
[[indicators]]
id = "protected_housing_placements"
label_sv = "Placeringar i skyddat boende"
label_en = "Placements in protected housing"
kind = "count"
direction = "neutral"
goals = ["county_1"]
unit_sv = "placeringar"
unit_en = "placements"
definition_sv = "Antal placeringar."
definition_en = "Number of placements."
source = "Socialtjänsten (demo)"
owner = "Storsthlm"
levels = ["region"]
context_sv = "Not."
context_en = "Note."
disclosure = true
target = { value = 10, period = "2026-12" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(CatalogError) as raised:
        load_catalog(_write(tmp_path, text))
    return str(raised.value)


def test_a_minimal_catalog_loads(tmp_path):
    small = load_catalog(_write(tmp_path, _MINIMAL))
    assert [i.id for i in small.indicators] == ["prevention_activities"]
    assert small.indicator("prevention_activities").rare is False  # default
    assert small.indicator("prevention_activities").population_base == "all"  # default


def test_unknown_population_base_is_named(tmp_path):
    message = _problems(
        tmp_path, _MINIMAL.replace('kind = "count"', 'kind = "count"\npopulation_base = "men"')
    )
    assert "fält population_base: okänd befolkningsbas 'men'" in message


def test_unknown_kind_is_named(tmp_path):
    message = _problems(tmp_path, _MINIMAL.replace('kind = "count"', 'kind = "rate"'))
    assert (
        "indikator prevention_activities, fält kind: okänd typ 'rate' "
        "(tillåtna: count, stock, proportion, median_days)"
    ) in message
    assert "/ indicator prevention_activities, field kind: unknown kind 'rate'" in message


def test_duplicate_id_is_named(tmp_path):
    indicator = _MINIMAL[_MINIMAL.index("[[indicators]]") : _MINIMAL.index("[[areas]]")]
    message = _problems(tmp_path, _MINIMAL + indicator)
    assert (
        "indikator prevention_activities, fält id: 'prevention_activities' förekommer mer än en gång"
    ) in message
    # Both rows name each problem once: the id, and the labels the copy repeats.
    assert (
        "fält label_sv: 'Genomförda våldsförebyggande insatser' förekommer mer än en gång"
        in message
    )
    assert "3 fel" in message


def test_indicator_pointing_to_an_unknown_goal_is_named(tmp_path):
    message = _problems(
        tmp_path, _MINIMAL.replace('goals = ["county_1"]', 'goals = ["county_1", "county_9"]')
    )
    assert "indikator prevention_activities, fält goals: okänt mål 'county_9'" in message
    assert "indicator prevention_activities, field goals: unknown goal 'county_9'" in message


def test_goal_without_indicators_is_named(tmp_path):
    extra_goal = _MINIMAL[: _MINIMAL.index("[[indicators]]")].replace("county_1", "county_2")
    extra_goal = extra_goal.replace("number = 1", "number = 2")
    message = _problems(tmp_path, _MINIMAL + extra_goal)
    assert "mål county_2, fält id: ingen indikator hör till målet" in message
    assert "goal county_2, field id: no indicator belongs to this goal" in message
    # Its headline exists but belongs to another goal.
    assert (
        "mål county_2, fält headline_indicator: indikatorn 'prevention_activities' hör inte till målet"
        in message
    )


def test_target_on_a_neutral_indicator_is_named(tmp_path):
    message = _problems(tmp_path, _MINIMAL + _NEUTRAL_INDICATOR)
    assert (
        "indikator protected_housing_placements, fält target.value: "
        "en indikator med riktning neutral kan inte ha ett mål"
    ) in message
    assert "field target.value: an indicator with neutral direction cannot have a target" in message


def test_all_problems_are_listed_not_only_the_first(tmp_path):
    broken = (
        _MINIMAL.replace('kind = "count"', 'kind = "rate"')
        .replace('direction = "increase"', 'direction = "up"')
        .replace('code = "STHLM"', 'code = "114"')
    )
    message = _problems(tmp_path, broken)
    assert message.startswith("Katalogen ")
    assert "har 3 fel / The catalog" in message
    assert "fält kind: okänd typ 'rate'" in message
    assert "fält direction: okänd riktning 'up'" in message
    assert "område 114, fält code: '114' är ingen områdeskod för nivån" in message


def test_unknown_field_is_reported_as_a_probable_typo(tmp_path):
    message = _problems(tmp_path, _MINIMAL.replace("disclosure = false", "disclosre = false"))
    assert "indikator prevention_activities, fält disclosre: okänt fält (stavfel?)" in message
    assert "indikator prevention_activities, fält disclosure: saknas / " in message


def test_missing_file_and_broken_toml_raise_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="filen saknas / the file is missing"):
        load_catalog(tmp_path / "nowhere.toml")
    with pytest.raises(CatalogError, match="filen går inte att läsa / the file cannot be read"):
        load_catalog(_write(tmp_path, "[[goals]\nid = "))


def test_every_indicator_declares_when_its_figures_are_expected(catalog):
    # Rapporteringsläge follows every indicator of the real catalog (metrics/reporting.py).
    assert all(i.delivery_delay_days for i in catalog.indicators)
    assert catalog.indicator("reported_rape").delivery_delay_days == 21

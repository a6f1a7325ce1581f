"""Deterministic demo observations for every catalog indicator, area and month (pure: no I/O)."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from demo.population import weighting_population
from metrics.periods import MONTHS_IN, parse_period_texts, period_code
from schemas.upload import UPLOAD_COLUMNS

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

DEFAULT_START = "2019-01"
DEFAULT_SEED = 20190101

# Sources are cited by section of /work/shared/reference/public-figures.md ("PF §n").
# Regional figures derived from national ones use the police region's population share:
# Stockholms län 2 473 307 + Gotland 61 032 of Riket 10 587 710 (PF §7, SCB 2024) = 23.9 % ~ 24 %.
_REGION_SHARE = 0.24

# Areas' shares of a regional figure follow one population figure per municipality
# (demo.population.weighting_population: the latest published of 2024 and 2017, else the undated
# list), the same for every month.

# Initiativ Gryning was stepped up in February 2021: own management group, focus on perpetrators
# (PF §0; seeds/000). Gryning-only series start here, and several processes change after it.
_STEP_UP = "2021-02"

# Stockholm municipality (0180) is the only municipality split between police areas. Shares of its
# population (polisen.se, "Det här är polisregion Stockholm", PF §7): PO City has ~400 000
# inhabitants including Lidingö (~48 000), i.e. ~350 000 of Stockholm's ~1 000 000; PO Nord has
# four western districts (Västerort, ~250 000); PO Syd the five southern districts, the rest.
_MUNICIPALITY_SPLITS: dict[str, dict[str, float]] = {
    "0180": {"PO_CITY": 0.35, "PO_NORD": 0.25, "PO_SYD": 0.40},
}

Anchors = tuple[tuple[str, float], ...]


def _per_month(national_per_year: float) -> float:
    """Regional monthly mean from a national yearly figure, by population share."""
    return national_per_year * _REGION_SHARE / 12


def _normalised(factors: tuple[float, ...]) -> np.ndarray:
    array = np.asarray(factors, dtype=float)
    return array / array.mean()


# Month-of-year factors, January first, mean 1. They include calendar effects (short February).
_SEASONS: dict[str, np.ndarray] = {
    "flat": np.ones(12),
    # Violence in close relations: June-August ~6 % above the rest of the year (Brå on grov
    # kvinnofridskränkning, PF §1b/§5), most reports in January after the holidays (PF §5),
    # calm December ("lugnaste helgdagarna är lucia och jul", PF §5).
    "close_relations": _normalised(
        (1.06, 0.94, 1.0, 0.99, 1.0, 1.04, 1.05, 1.05, 1.0, 1.0, 0.96, 0.93)
    ),
    # Rape: 923 reports May-August against 732 January-April (+26 %, PF §1c/§5).
    "rape": _normalised((0.90, 0.84, 0.90, 0.92, 1.06, 1.14, 1.16, 1.12, 1.02, 1.0, 0.96, 0.98)),
    # Crimes against the person, national monthly counts 1998 (Brå table 100, PF §5).
    "person": _normalised(
        (11546, 9947, 10992, 10928, 12094, 11618, 10572, 11135, 11541, 12171, 11298, 10909)
    ),
    # Organised activity (training, programmes, prevention) follows the working year: peaks
    # around term starts (January, September; catalog context for prevention_activities), a July
    # holiday trough, quieter June and December. Illustrative, not from a source.
    "working_year": _normalised((1.05, 1.05, 1.15, 1.0, 1.1, 0.8, 0.3, 0.9, 1.3, 1.2, 1.15, 0.8)),
}


@dataclass(frozen=True)
class _Process:
    """The demo process behind one indicator.

    `level` anchors (period, value) are interpolated between anchors and held flat beyond them:
    for `count` the regional monthly mean, for `stock` the regional monthly inflow, for
    `proportion` the regional monthly base (denominator), for `median_days` the regional median.
    """

    level: Anchors
    share: Anchors = ()  # proportion: expected share of the base counted in `value`
    season: str = "flat"
    noise: float = 0.03  # sd of a common monthly log-shock: variation beyond Poisson
    spread: float = 0.2  # sd of log rate differences between municipalities
    break_step: float = 1.0  # level factor from each catalog series break on
    first: str | None = None  # first month with data when the series starts later
    attrition: float = 0.0  # stock: monthly share of the stock that ends
    volume: float = 0.0  # median_days: regional cases per month behind the median
    # Region-only shares of organisations (municipalities with a routine): the base is this many
    # every period and the numerator the share of it, rounded; no draws.
    organisations: int | None = None
    # Published region shares by period code ("2021"), kept exactly (numerator = share x base,
    # rounded): the demo follows the published figures where there are some.
    published: tuple[tuple[str, float], ...] = ()


# Assumed processes, one per catalog indicator. Figures without a source are marked illustrative;
# shares and levels meet the catalog's (illustrative) baselines where it gives one.
_PROCESSES: dict[str, _Process] = {
    # ~750 crimes against women in a partner relation reported per month in the region (polisen.se,
    # PF §0). Gentle rise; changed police registration in 2020 lifted partner-relation counts (Brå
    # via NCK, PF §1a): +7 % at the catalog's series break. Large area differences: ~500 of ~3 000
    # reports in 2018 came from Rinkeby alone (PF §0).
    "reported_partner_violence_women": _Process(
        level=(("2019-01", 705.0), ("2026-12", 760.0)),
        season="close_relations",
        spread=0.35,
        break_step=1.07,
    ),
    # Grov kvinnofrids-/fridskränkning in a partner relation: 1 808 nationally in 2019 (PF §1b)
    # -> ~36/month; "stable" since 2015 (Brå 2019:8, PF §1b). Summer +6 % (PF §1b).
    "reported_gross_violation_integrity": _Process(
        level=(("2019-07", _per_month(1_808)), ("2026-12", 34.0)),
        season="close_relations",
        noise=0.05,
    ),
    # Rape: 8 350 (2019) and 9 162 (2022) nationally (PF §1c) -> ~167 and ~183/month; the
    # stricter law of July 2022 (the catalog's break) adds 6 %.
    "reported_rape": _Process(
        level=(("2019-07", _per_month(8_350)), ("2026-12", 180.0)),
        season="rape",
        noise=0.04,
        break_step=1.06,
    ),
    # Rape against children 0-17: 1 860 in H1 2020 nationally (PF §1c) -> ~75/month in the
    # region; the indicator also covers sexual assault, molestation and exploitation of children,
    # which the demo assumes doubles it (illustrative assumption, no source found). +5 % at the
    # July 2022 law change. Single investigations with many victims give peaks (catalog context).
    "reported_child_sexual_offences": _Process(
        level=(("2019-07", 2 * _per_month(2 * 1_860)), ("2026-12", 160.0)),
        season="person",
        noise=0.08,
        break_step=1.05,
    ),
    # Grooming: 223-227 handled per year nationally (PF §3) -> ~4.5/month handled; reported
    # volumes are larger and online child sexual abuse reports have doubled in region Öst since
    # 2018 (PF §1d). Demo: 8/month in 2019 rising to ~18 (illustrative); seized phones give
    # bursts (catalog context), hence large noise.
    "reported_grooming": _Process(
        level=(("2019-07", 8.0), ("2026-12", 18.0)),
        noise=0.25,
        spread=0.3,
    ),
    # Child abuse material: 2 816 or 14 445 handled per year nationally (two BRÅ pastes, PF §3)
    # -> 56-289/month. Demo uses the lower end; tips from abroad arrive in batches, hence the
    # large noise.
    "reported_child_abuse_material": _Process(
        level=(("2019-07", 60.0), ("2026-12", 75.0)),
        noise=0.3,
        spread=0.3,
    ),
    # Contact-ban violations: ~4 000 reported per year nationally (Riksrevisionen 2024, PF §1d)
    # -> ~80/month. After the step-up the police profile and approach men who violate contact
    # bans (seeds/000): more violations come to light, +30 % over the following half year.
    "contact_ban_violations": _Process(
        level=(
            ("2019-01", 78.0),
            ("2021-01", _per_month(4_000)),
            ("2021-08", 104.0),
            ("2026-12", 106.0),
        ),
        season="close_relations",
        noise=0.04,
    ),
    # Six women were killed by a related man in the region in 2018 (polisen.se, PF §0); nationally
    # 10-22 partner killings a year (PF §2) x 24 % = 2.4-5.3. Mean ~0.4/month, slowly falling.
    "lethal_violence_close_relations": _Process(
        level=(("2019-01", 0.45), ("2026-12", 0.35)), noise=0.0, spread=0.0
    ),
    # Base: handled assaults on women in a partner relation, 13 248/year nationally (PF §3)
    # -> ~265/month. Clearance 15 % in the county in 2022, "neither up nor down" (PF §4a; the
    # catalog's baseline); the rise to 19 % afterwards is the demo's illustrative trajectory.
    "clearance_partner_assault": _Process(
        level=(("2019-07", _per_month(13_248)), ("2026-12", 275.0)),
        share=(("2019-01", 0.15), ("2022-12", 0.15), ("2025-06", 0.19)),
        season="close_relations",
    ),
    # Base: handled rapes incl. rape against children, 9 436/year nationally (PF §3) -> ~189/month.
    # Clearance 21 % nationally for all rape (PF §3; 12-13 % for women 18+ alone); the county lies
    # below the national median (PF §4a): 18 % rising slowly through the catalog's 20 % baseline.
    "clearance_rape": _Process(
        level=(("2019-07", _per_month(9_436)), ("2026-12", 195.0)),
        share=(("2019-01", 0.18), ("2021-01", 0.18), ("2022-12", 0.20), ("2026-12", 0.22)),
        season="rape",
    ),
    # Early evidence securing is part of Gryning's method (seeds/000). Base: opened partner-violence
    # investigations, as for clearance (~265/month). Shares illustrative: 60 % at the step-up (the
    # catalog's baseline), then rising towards 75 %.
    "early_evidence_share": _Process(
        level=(("2019-07", _per_month(13_248)), ("2026-12", 275.0)),
        share=(("2019-01", 0.55), ("2021-01", 0.60), ("2022-12", 0.72), ("2026-12", 0.76)),
        season="close_relations",
    ),
    # "Fler brottsplatser ska undersökas av tekniker" (Sexualbrottsutredningar 2.0, seeds/000).
    # Base: rapes with a known crime scene (~80 % of ~170/month, illustrative). Shares
    # illustrative: 30 % at the step-up (the catalog's baseline), rising to ~47 %.
    "crime_scene_examined_share": _Process(
        level=(("2019-07", 0.8 * _per_month(8_350)), ("2026-12", 150.0)),
        share=(("2019-01", 0.27), ("2021-01", 0.30), ("2022-12", 0.42), ("2026-12", 0.47)),
        season="rape",
    ),
    # Victims taking part in closed investigations; base as clearance (~265/month). Illustrative,
    # through the catalog's 60 % baseline at 2022-12.
    "victim_participation_share": _Process(
        level=(("2019-07", _per_month(13_248)), ("2026-12", 275.0)),
        share=(("2019-01", 0.55), ("2021-01", 0.56), ("2022-12", 0.60), ("2026-12", 0.68)),
        season="close_relations",
    ),
    # Closed investigations with a counsel for the injured party; base as clearance. Illustrative,
    # through the catalog's 70 % baseline at 2022-12.
    "victim_counsel_share": _Process(
        level=(("2019-07", _per_month(13_248)), ("2026-12", 275.0)),
        share=(("2019-01", 0.62), ("2021-01", 0.64), ("2022-12", 0.70), ("2026-12", 0.80)),
        season="close_relations",
    ),
    # Health care asking patients about violence. Base: patients in the services covered (~6 000 a
    # month in the region, illustrative). Share illustrative, through the catalog's 30 % baseline;
    # context: municipal routines for suspected violence rose 54 % -> 76 % 2021 -> 2022 (PF §8a).
    "violence_screening_share": _Process(
        level=(("2019-07", 6_000.0), ("2026-12", 6_500.0)),
        share=(("2019-01", 0.18), ("2022-12", 0.30), ("2026-12", 0.46)),
        season="working_year",
    ),
    # Kriminalvården's programmes in the county "mer än fyrdubblades" from 2022 to 2023 (PF §0);
    # ~10 starts a month in 2022 (the catalog's baseline) -> ~42 from early 2023.
    "perpetrator_programme_starts": _Process(
        level=(("2019-01", 8.0), ("2022-12", 10.0), ("2023-02", 42.0), ("2026-12", 48.0)),
        season="working_year",
        noise=0.05,
    ),
    # "Välj att sluta": 119 calls from Stockholm county in 2023, +45 % on 2022 (PF §0)
    # -> ~9.9/month in 2023 and ~6.8 in 2022; earlier and later years extrapolated.
    "support_line_calls": _Process(
        level=(
            ("2019-07", 3.0),
            ("2022-07", 119 / 1.45 / 12),
            ("2023-07", 119 / 12),
            ("2026-07", 13.0),
        ),
        noise=0.05,
    ),
    # Violence-exposed adults and children given support by social services. No public monthly
    # figure: illustrative, about 0.8 per reported partner-violence crime.
    "victims_supported": _Process(
        level=(("2019-01", 560.0), ("2026-12", 690.0)),
        season="close_relations",
        spread=0.25,
    ),
    # Protected housing placements started: illustrative ~60/month in the region.
    "protected_housing_placements": _Process(
        level=(("2019-01", 62.0), ("2026-12", 56.0)),
        season="close_relations",
        noise=0.06,
        spread=0.3,
    ),
    # Prevention activities across the county's actors: illustrative, growing with the strategy.
    "prevention_activities": _Process(
        level=(("2019-01", 110.0), ("2026-12", 175.0)),
        season="working_year",
        noise=0.08,
    ),
    # Staff trained (honour-related crime, sexual-crime investigation): "interutbildningar pågår
    # under 2021" (seeds/000) -> a training wave after the step-up; courses come in rounds
    # (catalog context), hence large noise. Levels illustrative.
    "staff_trained": _Process(
        level=(
            ("2019-01", 40.0),
            ("2021-01", 45.0),
            ("2021-04", 120.0),
            ("2021-12", 120.0),
            ("2022-06", 70.0),
            ("2026-12", 75.0),
        ),
        season="working_year",
        noise=0.2,
    ),
    # "Drygt 100 nya medarbetare" (seeds/000; "uppåt 90 personer", SR, PF §0): recruitment from
    # the step-up to late 2022 (~4.3/month x 23 months ~ 100, the catalog's target), then a trickle.
    # Cumulative: nobody leaves the count.
    "gryning_staff_recruited": _Process(
        level=(("2021-02", 4.3), ("2022-12", 4.3), ("2023-03", 0.25)),
        noise=0.1,
        spread=0.0,
        first=_STEP_UP,
    ),
    # "Nya lokala samverkansinitiativ" (seeds/000): initiatives start from the step-up; few end,
    # so the curve levels off rather than falls (catalog context). Illustrative.
    "collaboration_initiatives": _Process(
        level=(("2021-02", 1.6), ("2022-12", 0.8), ("2024-12", 0.25)),
        noise=0.0,
        first=_STEP_UP,
        attrition=0.005,
    ),
    # Covert coercive measures in cases with especially vulnerable victims: Teknikspaningssektionen
    # trains other sections from the step-up (seeds/000). Illustrative build-up.
    "covert_measures_cases": _Process(
        level=(("2021-02", 4.0), ("2022-06", 12.0), ("2026-12", 15.0)),
        noise=0.08,
        first=_STEP_UP,
    ),
    # Evaluations (Linnéuniversitetet, Brå; seeds/000): a few a year. Illustrative.
    "evaluations_completed": _Process(level=(("2019-01", 0.25), ("2026-12", 0.4)), noise=0.0),
    # Share of reported interventions resting on evidence or proven experience. Base (~250 a
    # month) and share illustrative, through the catalog's 50 % baseline at 2022-12.
    "evidence_based_share": _Process(
        level=(("2019-07", 250.0), ("2026-12", 290.0)),
        share=(("2019-01", 0.44), ("2022-12", 0.50), ("2026-12", 0.66)),
        season="working_year",
    ),
    # --- The county strategy's yearly indicators (issue 16 item 2). Handled offences per year in
    # the county: ~24 % of the national figures of Brå's handled-offences table (PF §3); shares
    # from Operation Kvinnofrid's Mål 5 page (PF §4a) where published, else illustrative.
    # Assaults on adults in a partner relation: 13 248 (women) + 2 875 (men) handled nationally
    # -> ~320/month in the county; 15 % (women) / 7 % (men) in 2022 -> ~14 %.
    "clearance_close_relation_assault": _Process(
        level=(("2019-07", _per_month(13_248 + 2_875)),),
        share=(("2019-07", 0.13), ("2022-07", 0.14), ("2025-07", 0.15)),
    ),
    # Grov kvinnofridskränkning: 1 262 handled nationally (PF §3) -> ~25/month; the published
    # county shares 9, 14, 14, 19 % for 2019-2022 (PF §4a) are kept exactly; later illustrative.
    "clearance_gross_violation_women": _Process(
        level=(("2019-07", _per_month(1_262)),),
        share=(
            ("2019-07", 0.09),
            ("2020-07", 0.14),
            ("2021-07", 0.14),
            ("2022-07", 0.19),
            ("2025-07", 0.21),
        ),  # fmt: skip
        published=(("2019", 0.09), ("2020", 0.14), ("2021", 0.14), ("2022", 0.19)),
    ),
    # Grov fridskränkning: 1 098 handled nationally (PF §3); women 22 % -> 33 % 2021-2022, men
    # 8-12 % (PF §4a): all victims ~15 % rising (illustrative mix).
    "clearance_gross_violation": _Process(
        level=(("2019-07", _per_month(1_098)),), share=(("2019-07", 0.13), ("2025-07", 0.2))
    ),
    # Grooming: 223 handled nationally, 5-8 % cleared (PF §3).
    "clearance_grooming": _Process(
        level=(("2019-07", _per_month(223)),), share=(("2019-07", 0.06), ("2025-07", 0.08))
    ),
    # Forced marriage, FGM, procuring, trafficking, purchase of sex, child sex purchase: no
    # handled figures in the reference; volumes and shares illustrative.
    "clearance_forced_marriage": _Process(level=(("2019-07", 0.8),), share=(("2019-07", 0.1),)),
    "clearance_fgm": _Process(level=(("2019-07", 0.4),), share=(("2019-07", 0.05),)),
    "clearance_procuring": _Process(level=(("2019-07", 2.5),), share=(("2019-07", 0.2),)),
    "clearance_trafficking_sexual": _Process(
        level=(("2019-07", 1.25),), share=(("2019-07", 0.15),)
    ),
    # Rape: 9 436 handled nationally, 21 % cleared (PF §3); the county below the median (PF §4a).
    "clearance_rape_yearly": _Process(
        level=(("2019-07", _per_month(9_436)),),
        share=(("2019-07", 0.18), ("2025-07", 0.21)),
        season="rape",
    ),
    "clearance_purchase_sex": _Process(level=(("2019-07", 25.0),), share=(("2019-07", 0.5),)),
    "clearance_child_sex_purchase": _Process(level=(("2019-07", 3.3),), share=(("2019-07", 0.3),)),
    # Mål 3: 54 % (2021) and 76 % (2022) of municipalities and districts with a routine (PF §8a),
    # kept exactly; 37 answering is the demo's assumption (20/37 = 54 %, 28/37 = 76 %).
    "municipal_routine_share": _Process(
        level=(("2019-07", 1.0),),
        share=(("2019-07", 0.45), ("2021-07", 0.54), ("2022-07", 0.76), ("2025-07", 0.86)),
        organisations=37,
        published=(("2021", 0.54), ("2022", 0.76)),
    ),
    # Socialstyrelsen: a written agreement in 28 % (2023) -> 34 % (2024) of municipalities
    # nationally (PF §8a); the county's 26 municipalities illustrative around that.
    "written_agreement_share": _Process(
        level=(("2019-07", 1.0),),
        share=(("2019-07", 0.2), ("2023-07", 0.28), ("2024-07", 0.34), ("2025-07", 0.38)),
        organisations=26,
    ),
    # Kolada's IFO figures: collected from 2023 (SKR, PF §8a). Levels illustrative: ~25, ~16 and
    # ~8 adults per 10 000 of the county's ~1.9 million adults a year.
    "ifo_violence_actualised": _Process(
        level=(("2023-07", 25 * 190 / 12),), first="2023-01", spread=0.3
    ),
    "ifo_violence_support": _Process(
        level=(("2023-07", 16 * 190 / 12),), first="2023-01", spread=0.3
    ),
    "ifo_violence_goal_met": _Process(
        level=(("2023-07", 8 * 190 / 12),), first="2023-01", spread=0.3
    ),
    # Median days from report to decision: Brå 2022, crimes against life and health 120 days
    # registration -> prosecution decision (PF §6; the catalog's baseline at 2022-12). Falling
    # after the step-up's early evidence securing; the new case system of January 2023 (the
    # catalog's break) measures ~8 % shorter times. Cases behind the median as for clearance.
    "lead_time_days": _Process(
        level=(("2019-01", 130.0), ("2021-01", 129.0), ("2022-12", 120.0), ("2026-12", 108.0)),
        noise=0.02,
        spread=0.12,
        break_step=0.92,
        volume=_per_month(13_248),
    ),
}

# Indicators added to the catalog later still get demo data, by kind.
_FALLBACK: dict[str, _Process] = {
    "count": _Process(level=(("2019-01", 50.0),)),
    "stock": _Process(level=(("2019-01", 1.0),), attrition=0.02),
    "proportion": _Process(level=(("2019-01", 100.0),), share=(("2019-01", 0.5),)),
    "median_days": _Process(level=(("2019-01", 60.0),), volume=100.0),
}


def generate_demo_observations(
    catalog: Catalog,
    end: str | None = None,
    start: str = DEFAULT_START,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Demo observations in the canonical long format, one row per indicator, area and month.

    `start` and `end` are inclusive months "YYYY-MM"; `end` defaults to the last complete month
    before today and may not lie after the current month. The same catalog, window and seed give
    an identical frame, and a month's values do not depend on the window: any window is a slice
    of one history drawn from January 2019 (or from an earlier `start`).
    Counts and stocks are whole numbers; proportions carry a whole numerator in `value` and a
    whole base of at least 1 in `denominator` (NaN for other kinds). Counts, stocks and both
    parts of proportions at police areas and the region are exact sums of the municipalities
    (Stockholm split by police area), whatever levels the indicator reports; medians are drawn
    per area. Gryning-only series begin at the step-up in February 2021. The last two months
    are "preliminary", the rest "final"; the region's row in a series-break month notes the break.
    Raises ValueError for a malformed or empty window, or an `end` after the current month.
    """
    today = date.today()
    current = today.year * 12 + today.month - 1
    last = _parse_month(end, "end") if end is not None else current - 1
    first = _parse_month(start, "start")
    if last > current:
        raise ValueError(f"end {end} lies after the current month")
    if first > last:
        raise ValueError(f"start {start} lies after end {_format_month(last)}")

    # Draws run over a fixed calendar from the epoch, month by month, so a window is a slice of
    # one history: a later `end` only adds months, like real monthly deliveries.
    months = np.arange(min(first, _parse_month(DEFAULT_START, "epoch")), last + 1)
    geography = _Geography.from_catalog(catalog)
    common = _stream(seed, "", 0).standard_normal(len(geography.municipalities))
    frames = [
        _observations_for(indicator, catalog, geography, months, seed, common)
        for indicator in catalog.indicators
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    # (Periods are written at each indicator's frequency, "2025" or "2025K3": compared by start.)
    starts = parse_period_texts(frame["period"].astype("object")).start
    frame = frame[starts >= pd.Timestamp(_format_month(first))].reset_index(drop=True)
    starts = starts[starts >= pd.Timestamp(_format_month(first))].reset_index(drop=True)
    frame["status"] = np.where(
        starts >= pd.Timestamp(_format_month(last - 1)), "preliminary", "final"
    )
    return frame.astype({"status": "str"})[UPLOAD_COLUMNS]


def _observations_for(
    indicator: Indicator,
    catalog: Catalog,
    geography: _Geography,
    months: np.ndarray,
    seed: int,
    common: np.ndarray,
) -> pd.DataFrame:
    process = _PROCESSES.get(indicator.id, _FALLBACK[indicator.kind])
    if process.first is not None:
        months = months[months >= _parse_month(process.first, f"{indicator.id} first")]
    codes = catalog.valid_areas(indicator.id)
    if len(months) == 0 or not codes:
        return _empty_frame()

    breaks = np.ones(len(months))
    for series_break in indicator.breaks:
        breaks[months >= _parse_month(series_break.period, f"{indicator.id} break")] *= (
            process.break_step
        )
    # A break shifts the measured share for proportions, the measured level for everything else.
    proportion = indicator.kind == "proportion"
    level = _interpolate(process.level, months, log=True) * (1.0 if proportion else breaks)
    shock_stream = _stream(seed, indicator.id, 1)
    shock = np.exp(shock_stream.normal(-(process.noise**2) / 2, process.noise, len(months)))
    mean = level * _SEASONS[process.season][months % 12] * shock

    denominator = None
    if indicator.kind == "median_days":
        values = _medians(process, mean, geography, codes, months, _stream(seed, indicator.id, 2))
    else:
        rates = _area_rates(process.spread, common, _stream(seed, indicator.id, 3))
        weights = geography.weights(rates)
        # Draws are time-major (months x parts): each month's draws precede the next month's.
        counts = _stream(seed, indicator.id, 4).poisson(np.outer(mean, weights)).T
        if proportion:
            base = geography.ensure_cases(counts, codes)
            share = _interpolate(process.share, months, log=False) * breaks
            share_rates = np.exp(
                _stream(seed, indicator.id, 5).normal(0.0, 0.15, len(geography.parts))
            )
            share_rates /= share_rates @ weights
            probability = np.clip(share_rates[:, None] * share[None, :], 0.0, 0.98)
            numerator = _stream(seed, indicator.id, 6).binomial(base.T, probability.T).T
            values = geography.aggregate(numerator, codes)
            denominator = geography.aggregate(base, codes)
        elif indicator.kind == "stock":
            stock = _stock(counts, process.attrition, _stream(seed, indicator.id, 7))
            values = geography.aggregate(stock, codes)
        else:
            values = geography.aggregate(counts, codes)

    if indicator.frequency != "monthly":
        values, denominator, months = _complete_periods(
            indicator.frequency, values, denominator, months, indicator.kind
        )
        if process.organisations is not None or process.published:
            values, denominator = _organisations_and_published(
                process, values, denominator, months, indicator.frequency
            )
        if not months.size:
            return _empty_frame()
    n_areas, n_months = values.shape
    periods = np.array(
        [period_code(_format_month(month), indicator.frequency) for month in months], dtype=object
    )
    notes = np.full((n_areas, n_months), "", dtype=object)
    for series_break in indicator.breaks:
        column = np.flatnonzero(periods == series_break.period)
        if column.size and geography.region in codes:
            notes[codes.index(geography.region), column] = f"Seriebrott: {series_break.reason_sv}"
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(
                np.full(values.size, indicator.id, dtype=object), dtype="str"
            ),
            "period": pd.Series(np.tile(periods, n_areas), dtype="str"),
            "area_code": pd.Series(np.repeat(np.array(codes, dtype=object), n_months), dtype="str"),
            "value": values.astype(float).ravel(),
            "denominator": (
                np.full(values.size, np.nan)
                if denominator is None
                else denominator.astype(float).ravel()
            ),
            "note": pd.Series(notes.ravel(), dtype="str"),
        }
    )


def _complete_periods(
    frequency: str,
    values: np.ndarray,
    denominator: np.ndarray | None,
    months: np.ndarray,
    kind: str,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Monthly draws (areas x months) as whole quarters or years: counts and both parts of a share
    summed, a stock's last month, a median's mean. Only periods with all their months drawn are
    kept (a year is delivered when it has ended); `months` becomes each period's first month."""
    step = MONTHS_IN[frequency]
    period = months // step
    keep = np.array([(period == p).sum() == step for p in period])
    values, months, period = values[:, keep], months[keep], period[keep]
    if denominator is not None:
        denominator = denominator[:, keep]
    firsts = np.unique(period)
    columns = [period == p for p in firsts]

    def fold(array: np.ndarray) -> np.ndarray:
        if kind == "stock":
            return np.stack([array[:, c][:, -1] for c in columns], axis=1)
        if kind == "median_days":
            return np.stack([np.round(array[:, c].mean(axis=1)) for c in columns], axis=1)
        return np.stack([array[:, c].sum(axis=1) for c in columns], axis=1)

    if not len(firsts):
        return values[:, :0], None if denominator is None else denominator[:, :0], firsts
    return (
        fold(values),
        None if denominator is None else fold(denominator),
        firsts * step,
    )


def _organisations_and_published(
    process: _Process,
    values: np.ndarray,
    denominator: np.ndarray | None,
    months: np.ndarray,
    frequency: str,
) -> tuple[np.ndarray, np.ndarray | None]:
    """A region-only share of organisations (a fixed base, the share of it rounded) and the
    published shares kept exactly (numerator = share x base, rounded)."""
    values, denominator = values.copy(), None if denominator is None else denominator.copy()
    if denominator is None:
        return values, denominator
    if process.organisations is not None:
        share = _interpolate(process.share, months, log=False)
        denominator[:, :] = process.organisations
        values[:, :] = np.round(share * process.organisations)
    codes = [period_code(_format_month(month), frequency) for month in months]
    for code, share in process.published:
        if code in codes:
            column = codes.index(code)
            values[:, column] = np.round(share * denominator[:, column])
    return values, denominator


def _stream(seed: int, indicator_id: str, purpose: int) -> np.random.Generator:
    """An independent random stream per seed, indicator and purpose.

    Keyed by indicator id, so adding an indicator to the catalog leaves the others' data as is.
    """
    return np.random.default_rng([seed, zlib.crc32(indicator_id.encode()), purpose])


def _area_rates(spread: float, common: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per-municipality rate factors: a propensity shared by all indicators plus their own."""
    own = rng.standard_normal(common.size)
    return np.exp(spread * (0.7 * common + 0.7 * own))


def _stock(inflow: np.ndarray, attrition: float, rng: np.random.Generator) -> np.ndarray:
    """Month-end levels from monthly inflows (parts x months), each month losing `attrition`."""
    if attrition == 0:
        return np.cumsum(inflow, axis=1)
    stock = np.zeros_like(inflow)
    level = np.zeros(inflow.shape[0], dtype=inflow.dtype)
    for month in range(inflow.shape[1]):
        level = level - rng.binomial(level, attrition) + inflow[:, month]
        stock[:, month] = level
    return stock


def _medians(
    process: _Process,
    level: np.ndarray,
    geography: _Geography,
    codes: tuple[str, ...],
    months: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Median days drawn per area: noisier where fewer cases lie behind the median."""
    population = geography.area_population(codes)
    cases = np.maximum(process.volume * population / geography.population.sum(), 1.0)
    # The sampling sd of a median of n skewed durations is roughly 0.6 x median / sqrt(n).
    sd = 0.6 / np.sqrt(cases)
    rates = np.exp(rng.normal(0.0, process.spread, len(codes)))
    if geography.region in codes:
        rates[codes.index(geography.region)] = 1.0
    noise = rng.standard_normal((len(months), len(codes))).T  # time-major, as for the counts
    draws = rates[:, None] * level[None, :] * np.exp(noise * sd[:, None])
    return np.maximum(np.round(draws), 1.0)


@dataclass(frozen=True)
class _Geography:
    """Municipality parts (Stockholm split by police area) and how areas sum from them."""

    region: str
    police_areas: tuple[str, ...]
    municipalities: tuple[str, ...]
    parts: tuple[tuple[str, str, float], ...]  # (municipality, police area, share of it)
    population: np.ndarray  # per part

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> _Geography:
        regions = [area.code for area in catalog.areas if area.level == "region"]
        police_areas = tuple(area.code for area in catalog.areas if area.level == "police_area")
        municipalities = [area for area in catalog.areas if area.level == "municipality"]
        if len(regions) != 1:
            raise ValueError(f"the catalog must have exactly one region, found {regions}")
        parts: list[tuple[str, str, float]] = []
        for area in municipalities:
            if area.police_area is not None:
                parts.append((area.code, area.police_area, 1.0))
            elif area.code in _MUNICIPALITY_SPLITS:
                parts.extend(
                    (area.code, police_area, share)
                    for police_area, share in _MUNICIPALITY_SPLITS[area.code].items()
                )
            else:
                raise ValueError(f"municipality {area.code} has no police area and no split")
        unknown = {police_area for _, police_area, _ in parts} - set(police_areas)
        if unknown:
            raise ValueError(f"unknown police areas in the catalog: {sorted(unknown)}")

        # One figure for all months: switching year would put false steps into the series.
        figures = np.array([weighting_population(code) or np.nan for code, _, _ in parts])
        # A municipality without any figure weighs as an average one.
        fallback = np.nanmean(figures) if np.isfinite(figures).any() else 1.0
        shares = np.array([share for _, _, share in parts])
        population = np.where(np.isfinite(figures), figures, fallback) * shares
        return cls(
            regions[0],
            police_areas,
            tuple(area.code for area in municipalities),
            tuple(parts),
            population,
        )

    def weights(self, municipality_rates: np.ndarray) -> np.ndarray:
        """Each part's share of the regional mean (sums to 1): population times its rate."""
        index = {code: i for i, code in enumerate(self.municipalities)}
        rates = np.array([municipality_rates[index[code]] for code, _, _ in self.parts])
        weighted = self.population * rates
        return weighted / weighted.sum()

    def ensure_cases(self, counts: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
        """Counts (parts x months) where each reported area has at least one case every month.

        An area of the lowest reported level with none gets one case in its most populous part,
        so that every published share has a base and the sums over areas still hold.
        """
        lowest = next(
            level
            for level in (self.municipalities, self.police_areas, (self.region,))
            if set(level) & set(codes)
        )
        membership = self.membership(tuple(code for code in codes if code in lowest))
        largest = np.argmax(membership * self.population, axis=1)
        areas, months = np.nonzero(membership @ counts == 0)
        result = counts.copy()
        np.add.at(result, (largest[areas], months), 1)
        return result

    def membership(self, codes: tuple[str, ...]) -> np.ndarray:
        """0/1 matrix (areas x parts): which parts make up each area."""
        matrix = np.zeros((len(codes), len(self.parts)), dtype=np.int64)
        for row, code in enumerate(codes):
            for column, (municipality, police_area, _) in enumerate(self.parts):
                matrix[row, column] = code in (self.region, municipality, police_area)
        unknown = [code for code, row in zip(codes, matrix, strict=True) if not row.any()]
        if unknown:
            raise ValueError(f"areas not in the catalog's geography: {unknown}")
        return matrix

    def aggregate(self, parts_values: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
        """Whole-number values per area (areas x months) as exact sums of their parts."""
        return self.membership(codes) @ parts_values.astype(np.int64)

    def area_population(self, codes: tuple[str, ...]) -> np.ndarray:
        return self.membership(codes) @ self.population


def _interpolate(anchors: Anchors, months: np.ndarray, *, log: bool) -> np.ndarray:
    """Values at `months` between (period, value) anchors, flat beyond the first and the last."""
    positions = np.array([_parse_month(period, "anchor") for period, _ in anchors], dtype=float)
    values = np.array([value for _, value in anchors], dtype=float)
    if log:
        return np.exp(np.interp(months, positions, np.log(values)))
    return np.interp(months, positions, values)


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _parse_month(text: str, name: str) -> int:
    """Months since year 0 for "YYYY-MM"."""
    match = _MONTH.match(str(text))
    if match is None:
        raise ValueError(f"{name} must be a month 'YYYY-MM', got {text!r}")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def _format_month(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def _empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="str") for column in UPLOAD_COLUMNS})
    return frame.astype({"value": float, "denominator": float})

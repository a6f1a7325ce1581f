"""Tests for metrics.disclosure: no small count is shown, directly or by subtraction."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.catalog import Area, Catalog, load_catalog
from metrics.disclosure import (
    SUPPRESSED_TEXT,
    AdditiveGroup,
    apply_disclosure,
    area_groups,
    format_cell,
    is_isolated,
    period_total_text,
    period_totals,
    suppress,
)
from metrics.formatting import NBSP
from tests.metrics.attacker import attack

T = 5
KEY = b"a test key, never a database's."
CATALOG = load_catalog()
TEMPLATE = CATALOG.indicator("reported_rape")
ALL_LEVELS = ("region", "police_area", "municipality")


def _indicator(id_, kind, disclosure=True):
    return replace(TEMPLATE, id=id_, kind=kind, disclosure=disclosure, levels=ALL_LEVELS)


# A small geography with the same shape as the real one: the region R is the sum of the police
# areas and of the municipalities; M0 is split between PA and PB (like Stockholm 0180), and PG is
# exactly its single municipality MG (like PO_GOTLAND = 0980).
SMALL = Catalog(
    goals=(),
    indicators=(
        _indicator("cnt", "count"),
        _indicator("prop", "proportion"),
        _indicator("stk", "stock"),
        _indicator("med", "median_days"),
        _indicator("open", "count", disclosure=False),
    ),
    areas=(
        Area("R", "R", "R", "region", None),
        Area("PA", "PA", "PA", "police_area", None),
        Area("PB", "PB", "PB", "police_area", None),
        Area("PG", "PG", "PG", "police_area", None),
        Area("M1", "M1", "M1", "municipality", "PA"),
        Area("M2", "M2", "M2", "municipality", "PA"),
        Area("M3", "M3", "M3", "municipality", "PB"),
        Area("M0", "M0", "M0", "municipality", None, ("PA", "PB")),
        Area("MG", "MG", "MG", "municipality", "PG"),
    ),
)
SMALL_GROUPS = area_groups(SMALL)
MUNIS = ("M1", "M2", "M3", "M0", "MG")


def frame(rows, columns=("indicator_id", "area_code", "period", "value")):
    out = pd.DataFrame(rows, columns=list(columns))
    out["period"] = pd.to_datetime(out["period"])
    if "period_end" in out.columns:
        out["period_end"] = pd.to_datetime(out["period_end"])
    return out.astype({"value": "float64"})


def small_month(indicator_id, month, m1, m2, m3, m0, mg, m0_in_pa=0, denominators=None):
    """One month of consistent rows for the small geography."""
    values = {"M1": m1, "M2": m2, "M3": m3, "M0": m0, "MG": mg}
    values["PA"] = m1 + m2 + m0_in_pa
    values["PB"] = m3 + m0 - m0_in_pa
    values["PG"] = mg
    values["R"] = m1 + m2 + m3 + m0 + mg
    return [(indicator_id, code, month, float(v)) for code, v in values.items()]


# --- area groups ----------------------------------------------------------------------------


def test_area_groups_of_the_real_catalog():
    groups = {g.name: g for g in area_groups(CATALOG)}
    assert groups["police_areas"].parent == "STHLM"
    assert groups["police_areas"].children == ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")
    assert len(groups["municipalities"].children) == 27
    # Stockholm 0180 spans City, Nord and Syd (the catalog's `spans`): each of those police
    # areas is its municipalities plus 0180's unpublished part there; 0180 is the sum of its
    # parts; Gotland is an exact sum (a group of one)
    assert groups["PO_GOTLAND"].children == ("0980",)
    assert groups["PO_CITY"].children[-1] == "0180>PO_CITY"
    assert "0180>PO_NORD" in groups["PO_NORD"].children
    assert groups["0180"].children == ("0180>PO_CITY", "0180>PO_NORD", "0180>PO_SYD")
    assert set(groups) == {
        "police_areas",
        "municipalities",
        "PO_CITY",
        "PO_NORD",
        "PO_SYD",
        "PO_GOTLAND",
        "0180",
    }


def test_small_geography_groups():
    names = {g.name for g in SMALL_GROUPS}
    assert names == {"police_areas", "municipalities", "PA", "PB", "PG", "M0"}


# --- examples -------------------------------------------------------------------------------


def test_primary_small_counts_are_hidden_and_zero_is_shown():
    rows = [("reported_rape", "STHLM", "2026-01-01", v) for v in (0, 1, 4, 5)]
    rows = [(i, a, f"2026-0{k + 1}-01", v) for k, (i, a, _, v) in enumerate(rows)]
    out = suppress(frame(rows), CATALOG, key=KEY)
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert out["suppression_reason"].tolist() == [None, "primary", "primary", None]
    assert out["value"].isna().tolist() == [False, True, True, False]


def test_indicators_without_disclosure_and_medians_are_untouched():
    rows = [
        ("open", "R", "2026-01-01", 2.0),
        ("med", "R", "2026-01-01", 3.0),
    ]
    out = suppress(frame(rows), SMALL, groups=SMALL_GROUPS, key=KEY)
    assert not out["suppressed"].any()
    assert out["value"].tolist() == [2.0, 3.0]


def _assert_attacker_fails(out, catalog=SMALL, truth=None):
    """The independent attacker (tests/metrics/attacker.py) neither pins a hidden monthly cell
    nor proves it below the threshold."""
    monthly = out if "period_end" not in out.columns else out[out["period_end"].isna()]
    for finding in attack(monthly.reset_index(drop=True), catalog, truth):
        assert not finding.exact, finding
        assert not finding.proved_below(T), finding


def test_region_minus_other_police_areas_and_municipalities_cannot_reveal_a_small_count():
    # MG = PG = 3 (primary); everything else large
    rows = small_month("cnt", "2026-01-01", 20, 30, 40, 50, 3, m0_in_pa=25)
    out = suppress(frame(rows), SMALL, groups=SMALL_GROUPS, key=KEY)
    reasons = out.set_index("area_code")["suppression_reason"]
    assert reasons["MG"] == "primary" and reasons["PG"] == "primary"
    assert (reasons == "secondary").any()
    _assert_protected(out, SMALL_GROUPS)
    _assert_attacker_fails(out)


def test_group_of_one_hides_the_parent():
    # M1 = 3 is primary; PA = M1 (M2 = 0 and M0's part in PA is 0) is as small
    rows = small_month("cnt", "2026-01-01", 3, 0, 0, 0, 20, m0_in_pa=0)
    out = suppress(frame(rows), SMALL, groups=SMALL_GROUPS, key=KEY)
    reasons = out.set_index("area_code")["suppression_reason"]
    assert reasons["M1"] == "primary" and reasons["PA"] == "primary"
    _assert_protected(out, SMALL_GROUPS)
    _assert_attacker_fails(out)


def test_hidden_zeros_keep_a_total_shown():
    """M1 = 2 and M2 = 3 are hidden; their police area PA = 5 stays shown: since zeros are
    hidden too (as decoys and company), a reader cannot assume a hidden count is at least 1,
    so each of the two may be anything from 0 to 5. (Were "hidden >= 1" known, each would be
    proved to be 1-4, and the police area or more would have to go.)"""
    rows = small_month("cnt", "2026-01-01", 2, 3, 20, 30, 10, m0_in_pa=0)
    data = frame(rows)
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY, decoys=np.zeros(len(data), bool))
    hidden = set(out.loc[out["suppressed"], "area_code"])
    assert hidden == {"M1", "M2"}
    _assert_attacker_fails(out)


def test_zeros_can_be_hidden_as_company():
    """A small count whose relation holds only zeros besides it gets a zero as company (a
    decoy-free run, so it is the rule's own choice), not its police area."""
    rows = small_month("cnt", "2026-01-01", 3, 0, 20, 30, 10, m0_in_pa=6)
    data = frame(rows)
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY, decoys=np.zeros(len(data), bool))
    assert out.set_index("area_code")["suppressed"]["M1"]
    assert (out["suppressed"] & (data["value"] == 0)).any()
    _assert_protected(out, SMALL_GROUPS)
    _assert_attacker_fails(out)


def test_year_total_minus_other_months_cannot_reveal_a_small_month():
    rows = [
        ("reported_rape", "STHLM", "2026-01-01", 3.0),
        ("reported_rape", "STHLM", "2026-02-01", 10.0),
        ("reported_rape", "STHLM", "2026-03-01", 12.0),
    ]
    months = frame(rows).assign(period_end=pd.NaT)
    total = frame([("reported_rape", "STHLM", "2026-01-01", 25.0)]).assign(
        period_end=pd.Timestamp("2026-03-01")
    )
    out = suppress(pd.concat([months, total], ignore_index=True), CATALOG, key=KEY)
    assert out["suppression_reason"].iloc[0] == "primary"
    # a second cell of the year hides with it (the total, or another month)
    assert out["suppressed"].sum() == 2
    _assert_protected(out, area_groups(CATALOG))


def test_cumulative_stock_rise_by_a_small_count_is_hidden():
    rows = [
        ("stk", "R", "2026-01-01", 10.0),
        ("stk", "R", "2026-02-01", 12.0),  # +2 new: a small count
        ("stk", "R", "2026-03-01", 20.0),
        ("stk", "R", "2026-04-01", 20.0),  # +0 is shown
    ]
    out = suppress(frame(rows), SMALL, groups=SMALL_GROUPS, key=KEY)
    assert out["suppression_reason"].tolist() == [None, "secondary", None, None]


def test_proportion_with_small_numerator_or_denominator_is_hidden_with_its_share_and_rate():
    rows = [
        ("prop", "R", "2026-01-01", 3.0, 50.0),
        ("prop", "R", "2026-02-01", 4.0, 4.0),
        ("prop", "R", "2026-03-01", 10.0, 12.0),
        ("prop", "R", "2026-04-01", 0.0, 3.0),
        ("prop", "R", "2026-05-01", 0.0, 0.0),
    ]
    data = frame(rows, ("indicator_id", "area_code", "period", "value", "denominator"))
    data["share"] = data["value"] / data["denominator"]
    data["rate_per_100k"] = 1.0
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY)
    assert out["suppressed"].tolist() == [True, True, False, True, False]
    hidden = out[out["suppressed"]]
    assert hidden[["value", "denominator", "share", "rate_per_100k"]].isna().all().all()
    assert out.loc[2, "share"] == pytest.approx(10 / 12)


def test_explicit_groups_replace_the_catalog_geography():
    rows = [("cnt", "R", "2026-01-01", 30.0), ("cnt", "M1", "2026-01-01", 3.0)]
    rows += [("cnt", "M2", "2026-01-01", 27.0)]
    custom = (AdditiveGroup("custom", "R", ("M1", "M2")),)
    out = suppress(frame(rows), SMALL, groups=custom, key=KEY)
    assert out["suppression_reason"].tolist() == [None, "primary", "secondary"]


def test_nothing_is_hidden_when_every_count_is_zero_or_large():
    rows = small_month("cnt", "2026-01-01", 20, 0, 7, 50, 0, m0_in_pa=25)
    rows += small_month("cnt", "2026-02-01", 5, 6, 0, 9, 11, m0_in_pa=0)
    data = frame(rows)
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY, decoys=np.zeros(len(data), bool))
    assert not out["suppressed"].any()


def test_unsuppressed_values_are_unchanged_and_input_is_not_modified():
    rows = small_month("cnt", "2026-01-01", 20, 30, 2, 50, 8, m0_in_pa=25)
    data = frame(rows)
    before = data.copy()
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY)
    pd.testing.assert_frame_equal(data, before)
    shown = ~out["suppressed"]
    assert (out.loc[shown, "value"] == data.loc[shown, "value"]).all()
    assert out.index.equals(data.index)


def test_empty_frame():
    empty = frame([])
    out = apply_disclosure(empty, CATALOG, key=KEY)
    assert out.empty
    assert {"suppressed", "suppression_reason"} <= set(out.columns)


def test_duplicate_cells_are_refused():
    rows = [("reported_rape", "STHLM", "2026-01-01", 7.0)] * 2
    with pytest.raises(ValueError):
        suppress(frame(rows), CATALOG, key=KEY)


def test_format_cell():
    assert format_cell(3.0, True) == SUPPRESSED_TEXT == ".."
    assert format_cell(1234.0, False, "sv") == f"1{NBSP}234"
    assert format_cell(1234.0, False, "en") == "1,234"
    assert format_cell(0.0, False) == "0"


def test_apply_disclosure_on_real_catalog_observations():
    rng = np.random.default_rng(11)
    obs = _real_observations(rng, months=3, mean=2.5, indicator_id="reported_rape")
    extra = obs.assign(indicator_id="prevention_activities")  # not a disclosure indicator
    extra = extra[extra["area_code"].isin(CATALOG.valid_areas("prevention_activities"))]
    out = apply_disclosure(pd.concat([obs, extra], ignore_index=True), CATALOG, key=KEY)
    assert not out.loc[out["indicator_id"] == "prevention_activities", "suppressed"].any()
    protected = out[out["indicator_id"] == "reported_rape"]
    assert protected["suppressed"].any()
    _assert_protected(protected, area_groups(CATALOG))


# --- invariants -----------------------------------------------------------------------------


def _instances(data, groups, kind):
    """Every additive relation among the cells of one indicator, as (parent, children) keys."""
    keys = set(zip(data["period"], data["period_end"], strict=True))
    relations = []
    for start, end in sorted(keys):
        for g in groups:
            relations.append(((g.parent, start, end), [(c, start, end) for c in g.children]))
    for area, start, end in zip(data["area_code"], data["period"], data["period_end"], strict=True):
        if end > start:
            months = pd.date_range(start, end, freq="MS")
            if kind == "stock":
                months = months[-1:]
            relations.append(((area, start, end), [(area, m, m) for m in months]))
    return relations


def _assert_protected(out, groups, kind="count", threshold=T):
    """No shown small count; no hidden cell recoverable from any group or combination of them."""
    out = out.copy()
    if "period_end" not in out.columns:
        out["period_end"] = out["period"]
    out["period_end"] = out["period_end"].fillna(out["period"])
    shown = ~out["suppressed"]
    for column in ("value", "denominator"):
        if column in out.columns:
            values = out.loc[shown, column]
            assert not ((values > 0) & (values < threshold)).any(), f"small {column} shown"
    assert out.loc[out["suppressed"], "value"].isna().all()

    cells = {
        (a, s, e): (bool(h), v)
        for a, s, e, h, v in zip(
            out["area_code"],
            out["period"],
            out["period_end"],
            out["suppressed"],
            out["value"],
            strict=True,
        )
    }
    relations = _instances(out, groups, kind)
    for parent, children in relations:
        members = [parent, *children]
        if not all(m in cells for m in members):
            continue
        hidden = [m for m in members if cells[m][0]]
        # (a)-(c): a single hidden member of a fully present group is parent - siblings
        assert len(hidden) != 1, f"{hidden[0]} recoverable from {parent}"

    # The whole system at once: unknowns are hidden or absent cells; a hidden cell is pinned
    # down iff its unit vector lies in the row space of the equations over the unknowns.
    unknown = sorted({m for p, cs in relations for m in (p, *cs) if m not in cells or cells[m][0]})
    if not unknown:
        return
    column = {u: i for i, u in enumerate(unknown)}
    rows = []
    for parent, children in relations:
        row = np.zeros(len(unknown))
        for member, sign in [(parent, 1.0)] + [(c, -1.0) for c in children]:
            if member in column:
                row[column[member]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    for cell in unknown:
        if cell in cells and cells[cell][0]:
            probe = np.zeros(len(unknown))
            probe[column[cell]] = 1.0
            stacked = np.linalg.matrix_rank(np.vstack([matrix, probe]))
            assert stacked > rank, f"{cell} is pinned down by a combination of groups"


def _assert_no_small_hidden_sums(out, groups, threshold=T):
    """With a shown total, the hidden children never add up to a small count either."""
    cells = {
        (a, p): (h, v)
        for a, p, h, v in zip(
            out["area_code"], out["period"], out["suppressed"], out["original"], strict=True
        )
    }
    for period in out["period"].unique():
        for g in groups:
            parent = cells.get((g.parent, period))
            if parent is None or parent[0] or any((c, period) not in cells for c in g.children):
                continue
            hidden = [cells[(c, period)][1] for c in g.children if cells[(c, period)][0]]
            assert not 0 < sum(hidden) < threshold


small_counts = st.integers(0, 9)


@st.composite
def small_tables(draw):
    """A consistent table of small counts over the small geography and 1-4 months, with year
    totals sometimes."""
    n_months = draw(st.integers(1, 4))
    months = pd.date_range("2026-01-01", periods=n_months, freq="MS")
    rows = []
    for month in months:
        m1, m2, m3, m0, mg = (draw(small_counts) for _ in MUNIS)
        split = draw(st.integers(0, m0))
        rows += small_month("cnt", month, m1, m2, m3, m0, mg, m0_in_pa=split)
    data = frame(rows).assign(period_end=pd.NaT)
    if n_months > 1 and draw(st.booleans()):
        totals = data.groupby("area_code", as_index=False)["value"].sum()
        totals = totals.assign(indicator_id="cnt", period=months[0], period_end=months[-1])
        data = pd.concat([data, totals[data.columns]], ignore_index=True)
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_suppression_never_reveals_a_small_count_small_geography(data):
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY)
    _assert_protected(out, SMALL_GROUPS)
    monthly = out[out["period_end"].isna()].assign(original=data["value"])
    _assert_no_small_hidden_sums(monthly, SMALL_GROUPS)
    shown = ~out["suppressed"]
    assert (out.loc[shown, "value"] == data.loc[shown, "value"]).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_suppression_never_reveals_a_small_stock_level_or_rise(data):
    data = data[data["period_end"].isna()].assign(indicator_id="stk")
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY)
    _assert_protected(out, SMALL_GROUPS, kind="stock")
    for _, area in out[~out["suppressed"]].sort_values("period").groupby("area_code"):
        rises = area["value"].diff().dropna()
        assert not ((rises > 0) & (rises < T)).any()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables(), st.lists(st.integers(0, 9), min_size=40, max_size=40))
def test_suppression_protects_numerators_and_denominators(data, extra):
    data = data[data["period_end"].isna()].assign(indicator_id="prop").reset_index(drop=True)
    # denominators: numerator + a consistent non-negative extra per municipality
    extra_by_cell = {}
    for i, (period, code) in enumerate(
        sorted({(p, a) for p, a in zip(data["period"], data["area_code"], strict=True)})
    ):
        extra_by_cell[(period, code)] = extra[i % len(extra)]
    den = []
    for period, code, value in zip(data["period"], data["area_code"], data["value"], strict=True):
        parts = {"PA": ("M1", "M2"), "PB": ("M3",), "PG": ("MG",), "R": MUNIS}.get(code, (code,))
        # M0's extra is counted in R only (its split between PA and PB is unknown here)
        den.append(value + sum(extra_by_cell[(period, p)] for p in parts))
    data["denominator"] = np.asarray(den, dtype="float64")
    out = suppress(data, SMALL, groups=SMALL_GROUPS, key=KEY)
    _assert_protected(out, SMALL_GROUPS)


def _real_observations(rng, months, mean, indicator_id):
    """Consistent observations over the real areas: 0180 split across City, Nord and Syd."""
    munis = [a for a in CATALOG.areas if a.level == "municipality"]
    rows = []
    for month in pd.date_range("2026-01-01", periods=months, freq="MS"):
        values = {a.code: int(rng.poisson(mean)) for a in munis}
        split = rng.multinomial(values["0180"], [0.4, 0.3, 0.3])
        police = {
            code: sum(v for c, v in values.items() if CATALOG.area(c).police_area == code)
            for code in ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")
        }
        for code, part in zip(("PO_CITY", "PO_NORD", "PO_SYD"), split, strict=True):
            police[code] += int(part)
        everything = {"STHLM": sum(values.values()), **police, **values}
        rows += [(indicator_id, c, month, float(v)) for c, v in everything.items()]
    return frame(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.floats(0.2, 8.0), st.integers(1, 3))
def test_suppression_never_reveals_a_small_count_real_geography(seed, mean, months):
    data = _real_observations(np.random.default_rng(seed), months, mean, "reported_rape")
    out = apply_disclosure(data, CATALOG, key=KEY)
    _assert_protected(out, area_groups(CATALOG))
    assert not math.isnan(out["value"].where(~out["suppressed"], 0).sum())


# --- region-only indicators: no month can be protected by another cell ---------------------


def test_a_region_only_indicator_hides_every_month_below_the_threshold_zeros_too():
    lethal = CATALOG.indicator("lethal_violence_close_relations")
    assert is_isolated(lethal, CATALOG)
    assert not is_isolated(CATALOG.indicator("reported_rape"), CATALOG)
    rows = [
        (lethal.id, "STHLM", f"2025-0{m}-01", v)
        for m, v in zip(range(1, 5), (0, 1, 0, 7), strict=True)
    ]
    out = suppress(frame(rows), CATALOG, key=KEY)
    # '..' means 0-4 there, so it no longer marks the months with a death
    assert out["suppressed"].tolist() == [True, True, True, False]


def test_period_totals_say_fewer_than_the_threshold_or_the_total():
    months = pd.date_range("2024-01-01", periods=36, freq="MS")
    values = np.zeros(36)
    values[[2, 7]] = [1, 2]  # 2024: 3 in all
    values[[13, 14, 20]] = [2, 2, 2]  # 2025: 6 in all, every month below 5
    values[[25, 30]] = [7, 2]  # 2026: 9, of which 2 hidden behind the shown 7
    monthly = pd.DataFrame({"period": months, "value": values, "suppressed": values < T})
    totals = period_totals(monthly)
    assert [(p.year, p.total, p.fewer) for p in totals] == [
        (2024, None, True),
        (2025, 6.0, False),
        (2026, None, False),
    ]
    assert [period_total_text(p, "sv") for p in totals] == [
        "2024: färre än 5",
        "2025: 6",
        "2026: kan inte visas (för få fall)",
    ]
    assert period_total_text(totals[0], "en") == "2024: fewer than 5"
    assert period_totals(monthly.iloc[:0]) == ()


def test_period_totals_wait_for_a_complete_year_and_never_pin_the_hidden_months():
    months = pd.date_range("2024-01-01", periods=34, freq="MS")
    values = np.zeros(34)
    values[:12] = 4  # 2024: 48, twelve hidden months that could then only be 4 each
    values[[12, 13]] = [4, 3]  # 2025: 7, hidden months 3..4 each: not pinned
    values[[24]] = [9]  # 2026: ten months so far
    monthly = pd.DataFrame({"period": months, "value": values, "suppressed": values < T})
    totals = period_totals(monthly)
    assert [(p.year, p.total, p.partial) for p in totals] == [
        (2024, None, False),
        (2025, 7.0, False),
        (2026, None, True),
    ]
    assert period_total_text(totals[2], "sv") == ("2026: visas när året är slut (10/12 hittills)")
    assert period_total_text(totals[2], "en").startswith("2026: shown when the year is complete")

"""Plausibility warnings: far outside the history, wholes against their parts, share jumps."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.catalog import load_catalog
from metrics.plausibility import (
    HISTORY_PERIODS,
    MIN_HISTORY,
    Relation,
    area_relations,
    check_plausibility,
)
from metrics.spc import ShortPeriodWarning, xmr

CATALOG = load_catalog()
MONTHS = pd.date_range("2024-01-01", periods=26, freq="MS")
LAST = MONTHS[-1]


def obs(indicator_id, area_code, period, value, denominator=np.nan):
    return {
        "indicator_id": indicator_id,
        "area_code": area_code,
        "period": pd.Timestamp(period),
        "value": float(value),
        "denominator": float(denominator),
    }


def frame(rows) -> pd.DataFrame:
    cols = ["indicator_id", "area_code", "period", "value", "denominator"]
    return pd.DataFrame(rows, columns=cols)


def history(indicator_id, area_code, values, months=MONTHS[:-1]):
    return frame([obs(indicator_id, area_code, m, v) for m, v in zip(months, values, strict=False)])


RAPES_HANINGE = [6, 4, 7, 5, 9, 6, 3, 8, 5, 6, 7, 4, 6, 5, 8, 7, 5, 6, 4, 9, 6, 5, 7, 6, 5]


def test_haninge_1234_rapes_is_far_outside_its_history_and_named_in_swedish():
    stored = history("reported_rape", "0136", RAPES_HANINGE)
    upload = frame([obs("reported_rape", "0136", LAST, 1234)])
    found = check_plausibility(upload, stored, CATALOG, rows=[7])
    assert [w.rule for w in found.warnings] == ["outside_history"]
    warning = found.warnings[0]
    assert (warning.row, warning.area_code, warning.value) == (7, "0136", 1234.0)
    assert warning.high < 40  # mean ~6: far outside begins in the thirties, not at 5x the median
    text = warning.message(CATALOG, "sv")
    assert "Haninge (0136)" in text and "februari 2026" in text and "1\u00a0234" in text
    assert "far outside" in warning.message(CATALOG, "en")


def test_a_usual_value_and_a_high_but_possible_one_raise_nothing():
    stored = history("reported_rape", "0136", RAPES_HANINGE)
    for value in (0, 6, 15, 25):
        upload = frame([obs("reported_rape", "0136", LAST, value)])
        assert not check_plausibility(upload, stored, CATALOG)


def test_short_history_is_not_judged_but_counted():
    stored = history("reported_rape", "0136", RAPES_HANINGE[: MIN_HISTORY - 1])
    upload = frame([obs("reported_rape", "0136", LAST, 1234)])
    found = check_plausibility(upload, stored, CATALOG)
    assert not found and found.unjudged == 1
    stored = history("reported_rape", "0136", RAPES_HANINGE[:MIN_HISTORY])
    assert check_plausibility(upload, stored, CATALOG).unjudged == 0


def test_a_series_of_zeros_warns_only_from_ten():
    """The Poisson floor: a count never seen above 0 may be 9 without a warning (3 * 3 * 1)."""
    stored = history("lethal_violence_close_relations", "STHLM", [0] * 25)
    for value, warns in ((1, False), (9, False), (10, True)):
        upload = frame([obs("lethal_violence_close_relations", "STHLM", LAST, value)])
        assert bool(check_plausibility(upload, stored, CATALOG)) is warns, value


def test_a_region_that_falls_to_zero_is_far_below_its_history():
    rng = np.random.default_rng(1)
    stored = history("reported_partner_violence_women", "STHLM", rng.poisson(750, 25))
    upload = frame([obs("reported_partner_violence_women", "STHLM", LAST, 0)])
    (warning,) = check_plausibility(upload, stored, CATALOG).warnings
    assert warning.value == 0 and warning.low > 500


def test_history_leaves_out_the_cells_the_upload_writes_and_uses_the_last_periods():
    # Old level 1000 long ago, then 25 months at ~6: the reference is the recent level.
    old = pd.date_range("2019-01-01", periods=30, freq="MS")
    stored = pd.concat(
        [
            history("reported_rape", "0136", [1000] * 30, months=old),
            history("reported_rape", "0136", RAPES_HANINGE),
        ]
    )
    # The upload revises a recent month to 1000 and adds the next: both judged against ~6.
    upload = frame(
        [obs("reported_rape", "0136", MONTHS[23], 1000), obs("reported_rape", "0136", LAST, 900)]
    )
    found = check_plausibility(upload, stored, CATALOG, rows=[2, 3])
    assert [w.row for w in found.warnings] == [2, 3]
    assert all(w.reference < 10 for w in found.warnings)
    assert HISTORY_PERIODS == 24


def test_an_unchanged_cell_raises_nothing_even_when_it_is_odd():
    stored = pd.concat(
        [
            history("reported_rape", "0136", RAPES_HANINGE),
            frame([obs("reported_rape", "0136", LAST, 1234)]),
        ]
    )
    upload = frame([obs("reported_rape", "0136", LAST, 1234)])
    assert not check_plausibility(upload, stored, CATALOG)


def test_a_proportion_is_judged_on_its_base():
    ind = "clearance_rape"
    stored = frame([obs(ind, "PO_SYD", m, 20, 100 + i % 7) for i, m in enumerate(MONTHS[:-1])])
    upload = frame([obs(ind, "PO_SYD", LAST, 21, 1030)])
    (warning,) = check_plausibility(upload, stored, CATALOG).warnings
    assert (warning.rule, warning.measure, warning.value) == (
        "outside_history",
        "denominator",
        1030,
    )


def test_a_median_uses_a_relative_floor():
    ind = "lead_time_days"
    stored = history(ind, "STHLM", [100.0] * 25)
    assert not check_plausibility(frame([obs(ind, "STHLM", LAST, 125)]), stored, CATALOG)
    assert check_plausibility(frame([obs(ind, "STHLM", LAST, 131)]), stored, CATALOG)


@given(
    values=st.lists(st.integers(0, 400), min_size=MIN_HISTORY, max_size=HISTORY_PERIODS),
    where=st.floats(0, 1),
)
def test_a_value_within_the_xmr_limits_never_warns(values, where):
    """Whatever the history, a value between the limits metrics.spc draws is not 'far outside'."""
    months = pd.date_range("2020-01-01", periods=len(values), freq="MS")
    stored = history("reported_rape", "0136", values, months=months)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortPeriodWarning)
        limits = xmr(pd.Series(values, dtype=float)).periods.iloc[0]
    low, high = max(limits["lpl"], 0), limits["upl"]
    if np.isnan(high):  # a constant series has no spread: its limits are its mean
        low = high = limits["mean"]
    value = round(low + where * (high - low))
    upload = frame([obs("reported_rape", "0136", months[-1] + pd.DateOffset(months=1), value)])
    assert not check_plausibility(upload, stored, CATALOG)


# -- wholes and their parts -----------------------------------------------------------------------


def consistent_month(indicator_id: str, month, seed: int = 0) -> pd.DataFrame:
    """Every area of the catalog for one month, the police areas and region exact sums."""
    rng = np.random.default_rng(seed)
    munis = [a for a in CATALOG.areas if a.level == "municipality"]
    values = {m.code: int(v) for m, v in zip(munis, rng.integers(5, 60, len(munis)), strict=True)}
    stockholm_parts = {"PO_CITY": 40, "PO_NORD": 30, "PO_SYD": 20}
    values["0180"] = sum(stockholm_parts.values())
    police = {}
    for code in ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND"):
        own = sum(values[m.code] for m in munis if m.police_area == code)
        police[code] = own + stockholm_parts.get(code, 0)
    region = sum(values.values())
    assert region == sum(police.values())
    rows = [
        obs(indicator_id, c, month, v) for c, v in {**values, **police, "STHLM": region}.items()
    ]
    return frame(rows)


def test_the_relations_come_from_the_catalog():
    names = {r.name: r for r in area_relations(CATALOG)}
    assert names["PO_GOTLAND"] == Relation("PO_GOTLAND", ("PO_GOTLAND",), ("0980",))
    assert names["0180"].wholes == ("PO_CITY", "PO_NORD", "PO_SYD")
    assert "0180" in names["0180"].parts and "0980" not in names["0180"].parts
    assert len(names["municipalities"].parts) == 27 and len(names["police_areas"].parts) == 4
    assert "PO_CITY" not in names  # it holds an unpublished part of Stockholm: checked via 0180


def test_a_consistent_store_raises_nothing():
    stored = consistent_month("reported_rape", LAST)
    upload = stored.copy()
    upload.loc[upload["area_code"] == "0136", "value"] += 3
    upload.loc[upload["area_code"].isin(["PO_SYD", "STHLM"]), "value"] += 3
    assert not check_plausibility(upload, stored, CATALOG)


def test_a_revised_municipality_breaks_its_wholes():
    stored = consistent_month("reported_rape", LAST)
    upload = frame([obs("reported_rape", "0980", LAST, 999)])
    found = check_plausibility(upload, stored, CATALOG, rows=[5])
    relations = sorted(w.relation for w in found.warnings if w.rule == "parts_sum")
    assert relations == ["PO_GOTLAND", "municipalities"]
    assert all(w.row == 5 for w in found.warnings)
    region = next(w for w in found.warnings if w.relation == "municipalities")
    assert region.area_code == "STHLM" and region.reference - region.value == 999 - int(
        stored.loc[stored["area_code"] == "0980", "value"].iloc[0]
    )
    assert "kommunerna summerar till" in region.message(CATALOG, "sv")


def test_stockholm_is_checked_over_the_police_areas_it_spans():
    stored = consistent_month("reported_rape", LAST)
    upload = frame([obs("reported_rape", "0180", LAST, 91)])  # was 90
    found = check_plausibility(upload, stored, CATALOG, rows=[2])
    spans = [w for w in found.warnings if w.relation == "0180"]
    assert len(spans) == 1
    text = spans[0].message(CATALOG, "sv")
    assert "Stockholm city" in text and "Stockholm (0180)" in text and "\u22121" in text


def test_no_sum_is_checked_while_a_part_is_missing():
    stored = consistent_month("reported_rape", LAST)
    stored = stored[stored["area_code"] != "0114"]  # Upplands Väsby not delivered yet
    upload = frame([obs("reported_rape", "0136", LAST, 55)])
    relations = {w.relation for w in check_plausibility(upload, stored, CATALOG).warnings}
    assert "municipalities" not in relations and "0180" not in relations


def test_the_region_row_is_named_when_it_is_in_the_file():
    stored = consistent_month("reported_rape", LAST)
    upload = frame([obs("reported_rape", "0136", LAST, 50), obs("reported_rape", "STHLM", LAST, 1)])
    found = check_plausibility(upload, stored, CATALOG, rows=[2, 3])
    region = [w for w in found.warnings if w.area_code == "STHLM" and w.rule == "parts_sum"]
    assert region and all(w.row == 3 for w in region)


def test_a_proportion_checks_numerator_and_denominator():
    ind = "clearance_rape"  # region and police areas
    stored = frame(
        [
            obs(ind, "PO_CITY", LAST, 10, 50),
            obs(ind, "PO_NORD", LAST, 10, 50),
            obs(ind, "PO_SYD", LAST, 10, 50),
            obs(ind, "PO_GOTLAND", LAST, 1, 5),
            obs(ind, "STHLM", LAST, 31, 155),
        ]
    )
    upload = frame([obs(ind, "STHLM", LAST, 31, 160)])
    (warning,) = [w for w in check_plausibility(upload, stored, CATALOG).warnings]
    assert (warning.measure, warning.relation, warning.value, warning.reference) == (
        "denominator",
        "police_areas",
        160,
        155,
    )


def test_medians_are_not_summed():
    ind = "lead_time_days"
    stored = frame([obs(ind, c, LAST, 100) for c in ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")])
    upload = frame([obs(ind, "STHLM", LAST, 100)])
    assert not check_plausibility(upload, stored, CATALOG)


# -- shares ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "warns"),
    [
        ((20, 100), (60, 100), True),  # 20 % -> 60 %
        ((20, 100), (38, 100), False),  # 18 points: below the jump
        ((1, 4), (3, 4), False),  # 50 points on a base of 4: chance
        ((20, 100), (20, 100), False),
    ],
)
def test_share_jump(before, now, warns):
    ind = "clearance_partner_assault"
    stored = frame([obs(ind, "PO_NORD", MONTHS[-2], *before)])
    upload = frame([obs(ind, "PO_NORD", LAST, *now)])
    found = [
        w for w in check_plausibility(upload, stored, CATALOG).warnings if w.rule == "share_jump"
    ]
    assert bool(found) is warns
    if warns:
        text = found[0].message(CATALOG, "sv")
        assert "40,0 procentenheter" in text and "januari 2026" in text


def test_share_jump_reads_the_previous_period_from_the_file_itself():
    ind = "clearance_partner_assault"
    upload = frame([obs(ind, "PO_NORD", MONTHS[-2], 20, 100), obs(ind, "PO_NORD", LAST, 70, 100)])
    found = check_plausibility(upload, frame([]), CATALOG, rows=[2, 3])
    assert [(w.rule, w.row) for w in found.warnings] == [("share_jump", 3)]


def test_keys_are_stable_and_records_carry_the_message():
    stored = history("reported_rape", "0136", RAPES_HANINGE)
    upload = frame([obs("reported_rape", "0136", LAST, 1234)])
    (w,) = check_plausibility(upload, stored, CATALOG, rows=[2]).warnings
    assert w.key == "outside_history:reported_rape:0136:2026-02-01:value:"
    record = w.as_record(CATALOG, "sv")
    assert record["row"] == 2 and record["value"] == 1234 and "Haninge" in record["message"]

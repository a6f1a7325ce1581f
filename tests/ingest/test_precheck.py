"""The one-pass check of a clean file gives what the detailed path gives (hypothesis).

For generated files, clean and broken, check_upload with the precheck and check_upload with the
detailed path only (pandera) must agree on everything: errors, assumptions, the normalised frame
with its dtypes. And a clean canonical file must actually take the one-pass way.
"""

from __future__ import annotations

import csv
import io
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest.pipeline
from ingest.pipeline import check_upload
from ingest.precheck import precheck_rows
from metrics.catalog import load_catalog
from tests.conftest import TODAY

CATALOG = load_catalog()
KINDS = {i.id: i.kind for i in CATALOG.indicators}
PAIRS = [(i.id, a) for i in CATALOG.indicators for a in CATALOG.valid_areas(i.id)]
# A monthly indicator first (the periods drawn are months; yearly ones are in
# test_frequencies), then one of its areas: every kind is drawn as often as the others.
MONTHLY = [i.id for i in CATALOG.indicators if i.frequency == "monthly"]
PAIR = st.sampled_from(MONTHLY).flatmap(
    lambda i: st.tuples(st.just(i), st.sampled_from(CATALOG.valid_areas(i)))
)
COLUMNS = ["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]

# Cells as analysts write them: most readable, some with quirks the readers handle (case,
# spaces, a lost leading zero, a day in the date), some breaking a rule.
ODD_INDICATORS = [" reported_rape ", "REPORTED_RAPE", "reported_rapes", "", "clearance_rape"]
ODD_AREAS = ["STHLM", "sthlm", " 0180", "180", "9999", "", "PO_NORD", "0114", "114"]
GOOD_PERIODS = ["2026-03", "2026-01", "2025-12", "2026-03-01", "2026M02", "mars 2026", "202604"]
ODD_PERIODS = ["2026-03-15", "2026-12", "2026-13", "", "abc", " 2026-05 "]
GOOD_NUMBERS = ["1", "0", "12", "755", "120", "1 234", "007"]
# Numbers a float cannot hold as written: not finite, or too large to keep every digit.
NON_FINITE = ["inf", "Infinity", "-inf", "+inf", "nan", "NaN"]
TOO_LARGE = ["1e400", "-1e400", "9007199254740993", "1 000 000 000 000 000", "1e15"]
ODD_NUMBERS = ["1,5", "1.5", "-1", "", "5%", "x", "2.0", "−3", "1e3", "999999999999999",
               *NON_FINITE, *TOO_LARGE]  # fmt: skip
STATUSES = ["", "final", "slutlig", "prel", "Preliminär", "P", "maybe"]
NOTES = ["", "ok", "'=SUMMA(A1)", "'hej", " mellanslag ", "semi;kolon", 'citat "x"']


@st.composite
def clean_rows(draw):
    """Rows that meet every rule (keys unique), written in the accepted ways."""
    n = draw(st.integers(1, 12))
    keys = draw(
        st.lists(
            st.tuples(PAIR, st.sampled_from(GOOD_PERIODS[:3])),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    rows = []
    for (indicator, area), period in keys:
        kind = KINDS[indicator]
        value = draw(st.integers(0, 500))
        denominator = ""
        if kind == "proportion":
            denominator = str(value + draw(st.integers(0, 50)))
        elif kind == "median_days":
            value = draw(st.sampled_from([value, value + 0.5]))
            if draw(st.booleans()):
                denominator = str(draw(st.integers(0, 9)))  # ignored, and said so
        value_text = str(value).replace(".", draw(st.sampled_from([".", ","])))
        rows.append(
            [
                indicator,
                period,
                draw(st.sampled_from([area, area.lstrip("0") if area.isdigit() else area])),
                value_text,
                denominator,
                draw(st.sampled_from(STATUSES[:6])),
                draw(st.sampled_from(NOTES)),
            ]
        )
    return rows


@st.composite
def any_rows(draw):
    """Rows mixing clean cells with odd and broken ones (and repeated keys)."""
    n = draw(st.integers(1, 10))
    rows = []
    for _ in range(n):
        indicator, area = draw(st.sampled_from(PAIRS))
        rows.append(
            [
                draw(st.sampled_from([indicator, *ODD_INDICATORS])),
                draw(st.sampled_from(GOOD_PERIODS + ODD_PERIODS)),
                draw(st.sampled_from([area, *ODD_AREAS])),
                draw(st.sampled_from(GOOD_NUMBERS + ODD_NUMBERS)),
                draw(st.sampled_from(["", *GOOD_NUMBERS, *ODD_NUMBERS])),
                draw(st.sampled_from(STATUSES)),
                draw(st.sampled_from(NOTES)),
            ]
        )
    if draw(st.booleans()):
        rows.append(list(rows[0]))
    return rows


LEVEL_MISFITS = [
    (i.id, a.code)
    for i in CATALOG.indicators
    for a in CATALOG.areas
    if a.code not in CATALOG.valid_areas(i.id)
]


@st.composite
def almost_clean_rows(draw):
    """Clean rows with one cell changed to break one rule (the rules one by one)."""
    rows = draw(clean_rows())
    row = draw(st.sampled_from(rows))
    kind = KINDS[row[0]]
    value = float(row[3].replace(",", "."))
    broken = draw(
        st.sampled_from(
            [
                "above",
                "fraction",
                "no_denominator",
                "fraction_denominator",
                "negative",
                "negative_denominator",
                "future",
                "duplicate",
                "level",
                "unknown",
                "percent",
                "empty",
                "non_finite",
                "too_large",
            ]
        )
    )
    if broken == "above" and kind == "proportion":
        row[3] = str(int(float(row[4])) + draw(st.integers(1, 5)))
    elif broken == "fraction" and kind in ("count", "stock"):
        row[3] = f"{int(value)},5"
    elif broken == "no_denominator" and kind == "proportion":
        row[4] = ""
    elif broken == "fraction_denominator":
        row[4] = f"{int(value) + 1},5"
    elif broken == "negative":
        row[3] = f"-{row[3]}" if value else "-1"
    elif broken == "negative_denominator":
        row[4] = "-2"
    elif broken == "future":
        row[1] = draw(st.sampled_from(["2026-12", "2027-01"]))
    elif broken == "duplicate":
        rows.append(list(row))
    elif broken == "level":
        row[0], row[2] = draw(st.sampled_from(LEVEL_MISFITS))
    elif broken == "unknown":
        row[0] = row[0] + "x"
    elif broken == "percent":
        row[3] = row[3] + "%"
    elif broken == "empty":
        row[draw(st.sampled_from([1, 3]))] = ""
    elif broken in ("non_finite", "too_large"):
        cells = NON_FINITE if broken == "non_finite" else TOO_LARGE
        row[draw(st.sampled_from([3, 4]))] = draw(st.sampled_from(cells))
    return rows


@st.composite
def files(draw, rows_strategy, *, clean=False):
    rows = draw(rows_strategy)
    optional = draw(st.lists(st.sampled_from(COLUMNS[4:]), unique=True))
    if clean and any(row[4] for row in rows) and "denominator" not in optional:
        optional.append("denominator")  # (a proportion needs it)
    keep = [c for c in COLUMNS if c in COLUMNS[:4] or c in optional]
    delimiter = draw(st.sampled_from([",", ";"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(keep)
    for row in rows:
        writer.writerow([row[COLUMNS.index(c)] for c in keep])
    return out.getvalue().encode("utf-8")


def both_ways(data: bytes):
    with mock.patch.object(ingest.pipeline, "precheck_rows", return_value=None):
        detailed = check_upload(data, "f.csv", CATALOG, today=TODAY)
    taken = []

    def recorded(*args, **kwargs):
        result = precheck_rows(*args, **kwargs)
        taken.append(result is not None)
        return result

    with mock.patch.object(ingest.pipeline, "precheck_rows", side_effect=recorded):
        fast = check_upload(data, "f.csv", CATALOG, today=TODAY)
    assert fast.errors == detailed.errors
    assert fast.assumptions == detailed.assumptions
    assert fast.rows == detailed.rows
    pd.testing.assert_frame_equal(fast.frame, detailed.frame, check_exact=True)
    return detailed, taken == [True]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=files(clean_rows(), clean=True))
def test_a_clean_file_takes_the_one_pass_way_with_the_same_result(data):
    detailed, fast = both_ways(data)
    assert detailed.ok, detailed.errors
    assert fast


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=files(any_rows()))
def test_any_file_gets_the_same_result_either_way(data):
    detailed, fast = both_ways(data)
    if fast:
        assert detailed.ok


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=files(almost_clean_rows(), clean=True))
def test_a_file_breaking_one_rule_gets_the_same_result_either_way(data):
    both_ways(data)


@st.composite
def unholdable_number_rows(draw):
    """Clean rows with one value or denominator a float cannot hold as written."""
    rows = draw(clean_rows())
    row = draw(st.sampled_from(rows))
    row[draw(st.sampled_from([3, 4]))] = draw(st.sampled_from(NON_FINITE + TOO_LARGE))
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=files(unholdable_number_rows(), clean=True))
def test_a_number_a_float_cannot_hold_is_named_either_way(data):
    detailed, fast = both_ways(data)
    assert not fast and not detailed.ok
    named = [e for e in detailed.errors if e.value in NON_FINITE + TOO_LARGE]
    assert named and all(e.column in ("value", "denominator") for e in named)


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("value", "inf", "Värdet ”inf” är inget tal."),
        ("value", "-Infinity", "Värdet ”-Infinity” är inget tal."),
        ("denominator", "nan", "Nämnaren ”nan” är inget tal."),
        ("value", "1e400", "Värdet ”1e400” är ett för stort tal för att kunna lagras exakt"),
        (
            "denominator",
            "9007199254740993",
            "Nämnaren ”9007199254740993” är ett för stort tal för att kunna lagras exakt",
        ),
    ],
)
def test_a_number_a_float_cannot_hold_is_left_to_the_detailed_path(column, text, message):
    cells = {"value": "13", "denominator": "20", column: text}
    data = (
        "indicator_id,period,area_code,value,denominator\n"
        f"clearance_rape,2026-03,STHLM,{cells['value']},{cells['denominator']}\n"
    ).encode()
    detailed, fast = both_ways(data)
    assert not fast and not detailed.ok
    assert [(e.row, e.column, e.value) for e in detailed.errors][0] == (2, column, text)
    assert detailed.errors[0].message.startswith(message)

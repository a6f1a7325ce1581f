"""Any valid frame, written in any supported dialect, reads back identically (hypothesis)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.pipeline import check_upload
from metrics.catalog import load_catalog
from metrics.formatting import MONTHS_SV
from schemas.upload import UPLOAD_COLUMNS
from tests.conftest import TODAY

CATALOG = load_catalog()
# Monthly indicators: the frames are written with months (yearly periods: test_frequencies).
PAIRS = [
    (i, a)
    for i in CATALOG.indicators
    if i.frequency == "monthly"
    for a in CATALOG.valid_areas(i.id)
]
CANONICAL_HEADERS = UPLOAD_COLUMNS
SWEDISH_HEADERS = ["indikator", "månad", "område", "värde", "nämnare", "status", "kommentar"]
NOTE_TEXT = (
    st.text(alphabet=st.sampled_from(list("abcåäöÅÄÖ éè0123456789,;\"'\t-.")), max_size=20)
    .map(str.strip)
    .filter(lambda s: not (s[:1] == "'" and s[1:2] in "=+-@"))
)
# A leading ' before =, +, - or @ is Excel's (and our export's) marker for "this is text, not a
# formula": Excel hides it, and the ingest reads it the same way, so such notes are not round-trip
# material.


@st.composite
def valid_rows(draw):
    """A small valid upload: distinct (indicator, area, month) keys with values of the right kind."""
    n = draw(st.integers(1, 12))
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(PAIRS))), st.integers(2015, 2026), st.integers(1, 12)
            ),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    rows = []
    for pair_index, year, month in keys:
        if (year, month) > (TODAY.year, TODAY.month):
            month, year = 1, 2026
        indicator, area = PAIRS[pair_index]
        if indicator.kind == "proportion":
            denominator = draw(st.integers(0, 5000))
            value = float(draw(st.integers(0, denominator)))
            denominator = float(denominator)
        elif indicator.kind == "median_days":
            value = draw(st.integers(0, 40000)) / 10
            denominator = None
        else:
            value = float(draw(st.integers(0, 250000)))
            denominator = None
        rows.append(
            {
                "indicator_id": indicator.id,
                "area_code": area,
                "period": pd.Timestamp(year=year, month=month, day=1),
                "value": value,
                "denominator": denominator,
                "status": draw(st.sampled_from(["final", "preliminary"])),
                "note": draw(NOTE_TEXT),
            }
        )
    frame = pd.DataFrame(rows).drop_duplicates(["indicator_id", "area_code", "period"])
    return frame.reset_index(drop=True)


@st.composite
def dialects(draw):
    return {
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
        "decimal": draw(st.sampled_from([".", ","])),
        "period": draw(st.sampled_from(["iso", "iso_day", "m", "swedish", "compact"])),
        "headers": draw(st.sampled_from(["canonical", "swedish"])),
        "status": draw(st.sampled_from(["english", "swedish"])),
        "crlf": draw(st.booleans()),
    }


def _period(ts: pd.Timestamp, style: str) -> str:
    return {
        "iso": f"{ts:%Y-%m}",
        "iso_day": f"{ts:%Y-%m-%d}",
        "m": f"{ts.year}M{ts.month:02d}",
        "swedish": f"{MONTHS_SV[ts.month - 1]} {ts.year}",
        "compact": f"{ts:%Y%m}",
    }[style]


def _number(x: float | None, decimal: str) -> str:
    if x is None or pd.isna(x):
        return ""
    text = str(int(x)) if float(x).is_integer() else repr(float(x))
    return text.replace(".", decimal)


def write(frame: pd.DataFrame, d: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=d["delimiter"], lineterminator="\r\n" if d["crlf"] else "\n")
    writer.writerow(SWEDISH_HEADERS if d["headers"] == "swedish" else CANONICAL_HEADERS)
    status_words = {"english": {"final": "final", "preliminary": "preliminary"},
                    "swedish": {"final": "slutlig", "preliminary": "preliminär"}}[d["status"]]  # fmt: skip
    for r in frame.itertuples():
        writer.writerow(
            [
                r.indicator_id,
                _period(r.period, d["period"]),
                r.area_code,
                _number(r.value, d["decimal"]),
                _number(r.denominator, d["decimal"]),
                status_words[r.status],
                r.note,
            ]
        )
    return out.getvalue().encode(d["encoding"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=valid_rows(), dialect=dialects())
def test_any_valid_frame_in_any_dialect_reads_back_identically(frame, dialect):
    data = write(frame, dialect)
    checked = check_upload(data, "f.csv", CATALOG, today=TODAY)
    assert checked.ok, (dialect, checked.errors[:3])
    got = checked.frame.sort_values(["indicator_id", "area_code", "period"]).reset_index(drop=True)
    want = frame.sort_values(["indicator_id", "area_code", "period"]).reset_index(drop=True)
    assert list(got["indicator_id"]) == list(want["indicator_id"])
    assert list(got["area_code"]) == list(want["area_code"])
    assert list(got["period"]) == list(want["period"])
    assert got["value"].tolist() == want["value"].tolist()
    pd.testing.assert_series_equal(
        got["denominator"].astype(float), want["denominator"].astype(float), check_names=False
    )
    assert list(got["status"]) == list(want["status"])
    assert list(got["note"]) == list(want["note"])

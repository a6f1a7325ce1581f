"""Disclosure control against an attacker written apart from it (tests/metrics/attacker.py).

The attacker solves integer programs over what briefing mode shows (every relation in the
catalog, whole non-negative numbers, a hidden count at least 1): no hidden cell may be pinned
to one value or proved below the threshold, in one release or in two releases of a month read
together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.catalog import load_catalog
from metrics.disclosure import DEFAULT_THRESHOLD, apply_disclosure, decide_release, suppress
from tests.metrics.attacker import attack, attack_releases, replay_month

T = DEFAULT_THRESHOLD
KEY = b"the database's secret, 32 bytes."
"""The key the tables are protected with; the attacker never uses it (it replays with its own)."""
CATALOG = load_catalog()
MUNICIPALITIES = [a for a in CATALOG.areas if a.level == "municipality"]


def month_table(
    rng: np.random.Generator,
    indicator_id: str,
    month: pd.Timestamp,
    scales: tuple[float, ...] = (0.3, 1.0, 3.0, 15.0),
) -> pd.DataFrame:
    """One month over the real areas at realistic magnitudes: a few large municipalities, many
    with 0-4; 0180 split over City, Nord and Syd; totals that add up."""
    scale = rng.choice(scales)
    means = scale * rng.lognormal(0.0, 1.2, size=len(MUNICIPALITIES))
    values = {a.code: int(rng.poisson(m)) for a, m in zip(MUNICIPALITIES, means, strict=True)}
    split = rng.multinomial(values["0180"], [0.4, 0.3, 0.3])
    police = {
        code: sum(v for c, v in values.items() if CATALOG.area(c).police_area == code)
        for code in ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")
    }
    for code, part in zip(("PO_CITY", "PO_NORD", "PO_SYD"), split, strict=True):
        police[code] += int(part)
    everything = {"STHLM": sum(values.values()), **police, **values}
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "area_code": list(everything),
            "period": month,
            "value": np.asarray(list(everything.values()), dtype="float64"),
        }
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_no_hidden_cell_is_pinned_or_proved_small(seed):
    rng = np.random.default_rng(seed)
    months = [
        month_table(rng, "reported_rape", m)
        for m in pd.date_range("2026-01-01", periods=2, freq="MS")
    ]
    truth = pd.concat(months, ignore_index=True)
    out = apply_disclosure(truth, CATALOG, key=KEY)
    shown = out.loc[~out["suppressed"], "value"]
    assert not ((shown > 0) & (shown < T)).any()
    for finding in attack(out, CATALOG, truth):
        assert not finding.exact, finding
        assert not finding.proved_below(T), finding


def test_two_releases_of_a_revised_month_leak_nothing():
    """The second release of a month keeps what the first hid; read together (the reader knows
    which cells were revised) no hidden cell of either is pinned or proved small."""
    rng = np.random.default_rng(20261206)
    checked = 0
    for _ in range(6):
        first = month_table(rng, "reported_rape", pd.Timestamp("2026-01-01"))
        cells = first.drop(columns="indicator_id")
        hidden_first = decide_release(cells, CATALOG, "reported_rape", key=KEY)
        # Revise a hidden municipality and a shown one (and, so the totals add up, their
        # police areas and the region).
        small = [a for a in hidden_first["area_code"] if a.isdigit() and a not in ("0180",)]
        large = [a for a in cells["area_code"] if a.isdigit() and a not in small + ["0180"]]
        if not small or not large:
            continue
        second = cells.copy()
        revised = {small[0], large[0]}
        deltas = {small[0]: 1.0, large[0]: 3.0}
        for area, delta in deltas.items():
            police = CATALOG.area(area).police_area
            for code in (area, police, "STHLM"):
                second.loc[second["area_code"] == code, "value"] += delta
            revised |= {police, "STHLM"}
        hidden_second = decide_release(
            second, CATALOG, "reported_rape", before=cells, hidden_before=hidden_first, key=KEY
        )
        assert set(hidden_first["area_code"]) <= set(hidden_second["area_code"])
        published = []
        for frame, hidden in ((cells, hidden_first), (second, hidden_second)):
            mask = frame["area_code"].isin(hidden["area_code"])
            published.append(frame.assign(suppressed=mask, value=frame["value"].where(~mask)))
        for finding in attack_releases(*published, revised, CATALOG, "reported_rape"):
            assert not finding.exact, finding
            assert not finding.proved_below(T), finding
        checked += 1
    assert checked >= 3


def sparse_months(seed: int, count: int) -> list[pd.DataFrame]:
    """Months where most municipalities report 0-4: where a cell hidden for its own sake shows."""
    rng = np.random.default_rng(seed)
    return [
        month_table(rng, "reported_rape", pd.Timestamp("2026-01-01"), scales=(0.3, 1.0))
        for _ in range(count)
    ]


def replay_leaks(months: list[pd.DataFrame], protect, rule) -> tuple[int, int]:
    """(cells the replay attacker knows to be small, small hidden cells) over the months."""
    leaks = primaries = 0
    for truth in months:
        out = protect(truth)
        primaries += int((out["suppressed"] & (truth["value"] > 0) & (truth["value"] < T)).sum())
        leaks += len(replay_month(out, truth, CATALOG, "reported_rape", rule))
    return leaks, primaries


def test_replaying_the_rule_does_not_tell_a_small_hidden_count():
    """The attacker knows the rule but not the key: in no sparse month can it rule out, for a
    hidden small count, every world in which that count is 5 or more."""
    months = sparse_months(20261206, 12)

    def rule(frame, decoys):
        return suppress(frame, CATALOG, key=b"the attacker's own guess at a key", decoys=decoys)[
            "suppressed"
        ]

    leaks, primaries = replay_leaks(months, lambda f: apply_disclosure(f, CATALOG, key=KEY), rule)
    assert primaries > 50
    assert leaks == 0


def test_the_replay_attacker_finds_what_a_rule_without_decoys_gives_away():
    """The same attacker against the rule without decoys and with its order known (what the
    previous rule was): it does find small counts, so the test above could fail."""
    months = sparse_months(20261206, 12)

    def no_decoys(frame, _decoys=None):
        return suppress(frame, CATALOG, key=KEY, decoys=np.zeros(len(frame), bool))["suppressed"]

    leaks, _ = replay_leaks(months, lambda f: f.assign(suppressed=no_decoys(f)), no_decoys)
    assert leaks > 0

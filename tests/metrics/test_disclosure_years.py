"""Year totals decided as cells of their own (metrics/disclosure/years.py), against the attacker
of tests/metrics/attacker.py reading the months and the year totals together: no hidden month
and no hidden year total may be pinned to one value or proved below the threshold; the months'
decision stands; a year total hidden once stays hidden; a year whose months are all shown is
never hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.catalog import load_catalog
from metrics.disclosure import (
    DEFAULT_THRESHOLD,
    YEAR_MONTHS,
    decide_release,
    has_year_totals,
    release_hidden_cells,
    year_rows,
)
from tests.metrics.attacker import attack_year
from tests.metrics.test_disclosure_attacker import month_table

T = DEFAULT_THRESHOLD
KEY = b"the database's secret, 32 bytes."
CATALOG = load_catalog()
INDICATOR = "reported_rape"


def year_of_months(seed: int, scales=(0.3, 1.0, 3.0)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    frames = [month_table(rng, INDICATOR, m, scales) for m in months]
    return pd.concat(frames, ignore_index=True).assign(denominator=np.nan)


def publish(cells: pd.DataFrame, hidden: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What briefing mode shows: the months with '..' and the year totals with '..'."""
    decision = release_hidden_cells(INDICATOR, cells, hidden)
    key = pd.MultiIndex.from_frame(hidden.loc[hidden["months"] == 1, ["area_code", "period"]])
    months = cells.assign(
        suppressed=pd.MultiIndex.from_frame(cells[["area_code", "period"]]).isin(key)
    )
    months["value"] = months["value"].mask(months["suppressed"])
    years = year_rows(cells)
    years["suppressed"] = [
        decision.year_hidden(a, p.year)
        for a, p in zip(years["area_code"], years["period"], strict=True)
    ]
    years["value"] = years["value"].mask(years["suppressed"])
    return months, years


def _leaks(seed: int) -> list:
    cells = year_of_months(seed)
    hidden = decide_release(cells.drop(columns="indicator_id"), CATALOG, INDICATOR, key=KEY)
    months, years = publish(cells, hidden)
    assert years["suppressed"].sum() < len(years)  # totals are shown, not all withheld
    findings = attack_year(months, years, CATALOG, INDICATOR, T)
    assert findings
    return [f for f in findings if f.exact or f.proved_below(T)]


# Derandomized (the same six draws every run) so CI stays repeatable; fresh random draws are run
# by hand (session 7: 250 random draws after the mend below, none leaking; before it about one
# in twenty-five did, the draws kept below).
@settings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1))
def test_no_hidden_month_or_year_total_is_pinned_or_proved_small_with_the_totals_shown(seed):
    leaks = _leaks(seed)
    assert not leaks, leaks[:5]


# Draws where the year pass once left a month pinned (session 6): the year total of 0127
# (Sep-Dec hidden, summing to 3) or PO_CITY (Jan) was hidden, but the other areas' shown totals
# gave it away by subtraction, and every relation of the months themselves was already hidden,
# so the rule found no company and stopped with the months still unsafe. Company now goes to
# the totals that hold the cell (suppression.py ``_protect``).
@pytest.mark.parametrize("seed", [87374, 2798570523])
def test_the_draws_that_once_leaked(seed):
    leaks = _leaks(seed)
    assert not leaks, leaks[:5]


def test_the_months_decision_stands_and_a_year_of_shown_months_is_never_hidden():
    cells = year_of_months(7)
    hidden = decide_release(cells.drop(columns="indicator_id"), CATALOG, INDICATOR, key=KEY)
    months = hidden[hidden["months"] == 1]
    years = hidden[hidden["months"] == YEAR_MONTHS]
    from metrics.disclosure.releases import _decide_months

    alone = _decide_months(
        cells.drop(columns="indicator_id"),
        CATALOG,
        INDICATOR,
        before=None,
        hidden_before=None,
        threshold=T,
        key=KEY,
    )
    assert sorted(zip(months["area_code"], months["period"], strict=True)) == sorted(
        zip(alone["area_code"], pd.to_datetime(alone["period"]), strict=True)
    )
    with_hidden_month = set(months["area_code"])
    assert set(years["area_code"]) <= with_hidden_month
    assert (pd.to_datetime(years["period"]) == pd.Timestamp("2025-01-01")).all()


def test_a_year_total_hidden_once_stays_hidden_when_a_shown_month_is_revised():
    cells = year_of_months(11)
    first = decide_release(cells.drop(columns="indicator_id"), CATALOG, INDICATOR, key=KEY)
    hidden_years = first[first["months"] == YEAR_MONTHS]
    if hidden_years.empty:
        pytest.skip("this draw hides no year total")
    area = hidden_years["area_code"].iloc[0]
    shown = ~pd.MultiIndex.from_frame(cells[["area_code", "period"]]).isin(
        pd.MultiIndex.from_frame(first.loc[first["months"] == 1, ["area_code", "period"]])
    )
    # Revise a shown month of another area whose total is shown (region and police totals
    # change with it, as a real revision would).
    revised = cells.copy()
    at = np.flatnonzero(shown & (revised["area_code"] == "0180").to_numpy())[0]
    month = revised.loc[at, "period"]
    for code in ("0180", CATALOG.area("0180").police_area, "STHLM"):
        revised.loc[(revised["area_code"] == code) & (revised["period"] == month), "value"] += 7
    second = decide_release(
        revised.drop(columns="indicator_id"),
        CATALOG,
        INDICATOR,
        before=cells.drop(columns="indicator_id"),
        hidden_before=first,
        key=KEY,
    )
    again = second[second["months"] == YEAR_MONTHS]
    assert area in set(again["area_code"])


def test_which_indicators_decide_year_totals():
    assert has_year_totals(CATALOG.indicator("reported_rape"), CATALOG)
    assert has_year_totals(CATALOG.indicator("clearance_rape"), CATALOG)  # a monthly share
    assert not has_year_totals(CATALOG.indicator("lethal_violence_close_relations"), CATALOG)
    yearly = [i for i in CATALOG.indicators if i.frequency == "yearly"]
    assert yearly and not any(has_year_totals(i, CATALOG) for i in yearly)


def test_year_rows_take_complete_years_only():
    cells = pd.DataFrame(
        {
            "area_code": ["A"] * 13 + ["B"] * 11,
            "period": list(pd.date_range("2024-12-01", periods=13, freq="MS"))
            + list(pd.date_range("2025-01-01", periods=11, freq="MS")),
            "value": [1.0] * 13 + [2.0] * 11,
            "denominator": np.nan,
        }
    )
    rows = year_rows(cells)
    assert list(rows["area_code"]) == ["A"]
    assert rows["value"].iloc[0] == 12.0 and rows["period"].iloc[0] == pd.Timestamp("2025-01-01")


def test_a_year_crowded_with_hidden_shares_hides_its_totals_unchecked(monkeypatch):
    """Shares have no cheap check: past SHARE_YEAR_LIMIT hidden share cells in a year, every
    total of it that would add anything is hidden without integer programs (always safe); a
    total whose months are all shown stays shown (it is their sum)."""
    from demo.generator import generate_demo_observations
    from metrics.disclosure import years as years_module
    from metrics.periods import parse_period_texts

    ind = "clearance_rape"
    obs = generate_demo_observations(CATALOG, start="2024-01", end="2024-12")
    obs = obs[obs["indicator_id"] == ind].copy()
    obs["period"] = parse_period_texts(obs["period"]).start.astype("datetime64[ns]")
    cells = obs[["area_code", "period", "value", "denominator"]]
    monkeypatch.setattr(years_module, "SHARE_YEAR_LIMIT", 0)
    hidden = decide_release(cells, CATALOG, ind, key=KEY)
    months = hidden[hidden["months"] == 1]
    years = hidden[hidden["months"] == YEAR_MONTHS]
    with_hidden_month = set(months["area_code"])
    assert with_hidden_month and set(years["area_code"]) == with_hidden_month
    assert (years["reason"] == "secondary").all()


def test_the_last_resort_alone_protects_a_draw_that_once_leaked(monkeypatch):
    """With no company found for any unsafe cell, the rule widens: it hides the cells that may be
    hidden in every relation touching the unsafe cells' unknowns, until none is unsafe."""
    from metrics.disclosure.suppression import _Protector

    protect = _Protector._protect

    def no_company(self, cell, done):
        if (self.ends > self.starts).any():  # the year pass finds no company of its own
            done.add(cell)
            return False
        return protect(self, cell, done)

    monkeypatch.setattr(_Protector, "_protect", no_company)
    cells = year_of_months(87374)
    hidden = decide_release(cells.drop(columns="indicator_id"), CATALOG, INDICATOR, key=KEY)
    months, years = publish(cells, hidden)
    findings = attack_year(months, years, CATALOG, INDICATOR, T)
    assert findings and not [f for f in findings if f.exact or f.proved_below(T)]


def test_the_rectangle_shortcut_certifies_only_cells_the_programs_find_safe(monkeypatch):
    """The year pass's cheap tests (``_rectangles``: two areas trade units across two months of
    their years; a year total trades a month with another hidden total) may only call a hidden
    month or total safe where the linear programs agree: its highest value reaches the
    threshold and it can take more than one value."""
    from metrics.disclosure.program import _Program
    from metrics.disclosure.suppression import _Protector

    rectangles = _Protector._rectangles
    seen = []

    def spy(self, cells, equations, truth, wanted):
        safe = rectangles(self, cells, equations, truth, wanted)
        seen.append((self, cells, equations, self.hidden.copy(), safe))
        return safe

    monkeypatch.setattr(_Protector, "_rectangles", spy)
    cells = year_of_months(87374)
    decide_release(cells.drop(columns="indicator_id"), CATALOG, INDICATOR, key=KEY)
    checked = year_totals = 0
    for protector, component, equations, hidden, safe in seen:
        if not safe.any():
            continue
        lower = np.zeros((len(component), 1))
        program = _Program(
            component, equations, protector.q, protector.known, hidden, protector.public, lower
        )
        rows = (
            protector.ends[np.minimum(component, protector.n - 1)]
            > protector.starts[np.minimum(component, protector.n - 1)]
        )
        picked = np.flatnonzero(safe & ~rows)[::7].tolist() + np.flatnonzero(safe & rows).tolist()
        for k in picked:
            high = program.solve(int(k), 0, maximise=True)[k, 0]
            low = program.solve(int(k), 0, maximise=False)[k, 0]
            assert high >= T and high > low
            checked += 1
            year_totals += bool(rows[k])
    assert checked >= 10 and year_totals >= 1

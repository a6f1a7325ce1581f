"""Disclosure control per indicator equals disclosure control of the whole frame, and a decision
taken on a whole indicator hides the same cells in any cut of it (what ui/data.py relies on)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.catalog import load_catalog
from metrics.disclosure import HiddenCells, apply_disclosure, hidden_cells, hide_cells, protects
from metrics.periods import parse_period_texts

CATALOG = load_catalog()
KEY = b"a test key, never a database's."


@pytest.fixture(scope="module")
def demo_obs():
    from demo.generator import generate_demo_observations

    frame = generate_demo_observations(CATALOG, start="2023-01", end="2026-10")
    frame["period"] = parse_period_texts(frame["period"]).start.astype("datetime64[ns]")
    frame = frame.sort_values(["indicator_id", "area_code", "period"], ignore_index=True)
    return frame


@pytest.fixture(scope="module")
def whole(demo_obs):
    return apply_disclosure(demo_obs, CATALOG, key=KEY)


def test_demo_data_has_hidden_cells_of_both_kinds(whole):
    # otherwise the comparisons below would prove little
    assert set(whole["suppression_reason"].dropna()) == {"primary", "secondary"}


def test_protecting_each_indicator_alone_equals_protecting_the_whole_frame(demo_obs, whole):
    parts = [
        apply_disclosure(demo_obs[demo_obs["indicator_id"] == i.id], CATALOG, key=KEY)
        for i in CATALOG.indicators
    ]
    each = pd.concat(parts).sort_index()
    pd.testing.assert_frame_equal(each, whole)


@pytest.mark.parametrize(
    ("areas", "end"),
    [
        (None, None),
        (["0128", "STHLM"], None),
        (["PO_GOTLAND", "0980", "STHLM"], "2025-06"),
        (["0180"], "2024-01"),
    ],
)
def test_a_decision_on_the_whole_indicator_hides_the_same_cells_in_a_cut(
    demo_obs, whole, areas, end
):
    decisions = {}
    for indicator in CATALOG.indicators:
        if protects(indicator):
            rows = demo_obs[demo_obs["indicator_id"] == indicator.id]
            decisions[indicator.id] = hidden_cells(
                apply_disclosure(rows, CATALOG, key=KEY), indicator.id
            )
        else:
            decisions[indicator.id] = HiddenCells.none(indicator.id)
    keep = pd.Series(True, index=demo_obs.index)
    if areas is not None:
        keep &= demo_obs["area_code"].isin(areas)
    if end is not None:
        keep &= demo_obs["period"] <= pd.Timestamp(end + "-01")
    cut = hide_cells(demo_obs[keep], decisions)
    pd.testing.assert_frame_equal(cut, whole[keep])
    assert cut["suppressed"].any()


def test_protecting_a_cut_is_not_the_same_as_cutting_the_protected_frame(demo_obs, whole):
    # Why the decision is taken on every area: one area's rows protected alone lose the cells
    # hidden only so that a small count elsewhere cannot be recovered by subtraction.
    secondary = whole[whole["suppression_reason"] == "secondary"]
    area = secondary["area_code"].value_counts().index[0]
    rows = demo_obs["area_code"] == area
    alone = apply_disclosure(demo_obs[rows], CATALOG, key=KEY)
    assert alone["suppressed"].sum() < whole.loc[rows, "suppressed"].sum()


def test_a_cut_with_cells_the_decision_never_saw_is_refused(demo_obs):
    rows = demo_obs[
        (demo_obs["indicator_id"] == "reported_rape") & (demo_obs["area_code"] != "0128")
    ]
    decision = hidden_cells(apply_disclosure(rows, CATALOG, key=KEY), "reported_rape")
    cut = demo_obs[demo_obs["indicator_id"] == "reported_rape"]
    with pytest.raises(ValueError):
        hide_cells(cut, {"reported_rape": decision})
    with pytest.raises(KeyError):
        hide_cells(cut, {})


def test_an_empty_cut(demo_obs):
    out = hide_cells(demo_obs.iloc[:0], {})
    assert out.empty and {"suppressed", "suppression_reason"} <= set(out.columns)


def test_a_hidden_cells_note_is_blanked_with_its_value(demo_obs):
    # A note is free text and may say what the value was ("3 anmälningar från Visby").
    rows = demo_obs[demo_obs["indicator_id"] == "reported_rape"].copy()
    rows["note"] = "värdet var " + rows["value"].astype(int).astype(str)
    protected = apply_disclosure(rows, CATALOG, key=KEY)
    hidden = protected["suppressed"]
    assert hidden.any() and (~hidden).any()
    assert (protected.loc[hidden, "note"] == "").all()
    assert (protected.loc[~hidden, "note"] == rows.loc[~hidden, "note"]).all()
    decision = hidden_cells(protected, "reported_rape")
    cut = hide_cells(rows, {"reported_rape": decision})
    assert (cut.loc[cut["suppressed"], "note"] == "").all()
    assert not cut["note"].str.contains("värdet var [1-4]$").any()

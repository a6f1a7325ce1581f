"""The funnel and the tile map are drawn once unmarked (a draft shared by every session) and the
area chosen is marked on a copy: marking changes only the ring or the tile's outline, and never
the shared draft, whatever was marked before."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio

from charts import theme
from charts.comparison import (
    MUNICIPALITY_TILES,
    comparison_words,
    funnel_draft,
    mark_funnel,
    mark_tiles,
    tile_map_draft,
)
from metrics.catalog import load_catalog
from metrics.compare import Funnel

INDICATOR = load_catalog().indicator("reported_rape")
CODES = list(MUNICIPALITY_TILES)[:6]
FRAME = pd.DataFrame(
    {
        "area_code": CODES,
        "area_label": [f"Område {c}" for c in CODES],
        "value": [40.0, np.nan, 55.5, 61.0, 12.0, 80.0],
        "denominator": [9e3, 2e4, 3.1e4, 5e4, 7.7e4, 1e5],
        "lower": [30.0, np.nan, 45.0, 50.0, 5.0, 70.0],
        "upper": [50.0, np.nan, 65.0, 72.0, 20.0, 90.0],
        "category": ["similar", "not_comparable", "similar", "higher", "lower", "higher"],
        "suppressed": [False, True, False, False, False, False],
    }
)
SIZES = np.geomspace(6e3, 1.2e6, 80)
FUNNEL = Funnel(48.0, SIZES, {0.95: (48 - 900 / np.sqrt(SIZES), 48 + 900 / np.sqrt(SIZES))})


def plain(draft: theme.FigureDraft) -> dict:
    return json.loads(pio.to_json(draft.figure(), validate=False))


def test_marking_the_funnel_adds_the_ring_and_leaves_the_draft_as_it_was(ctx):
    words = comparison_words(INDICATOR, "sv")
    draft = funnel_draft(FRAME, FUNNEL, ctx, words, direction="neutral", percent=False)
    unmarked = plain(draft)
    for area in (CODES[3], CODES[0], CODES[3]):
        marked = plain(mark_funnel(draft, FRAME, words, percent=False, selected=area))
        ring = marked["data"][-1]
        assert marked["data"][:-1] == unmarked["data"] and marked["layout"] == unmarked["layout"]
        assert ring["text"] == [f"Område {area}"] and ring["marker"]["symbol"] == "circle-open"
        row = FRAME.set_index("area_code").loc[area]
        assert (ring["x"], ring["y"]) == ([row["denominator"]], [row["value"]])
    # A hidden area (no point) and no area chosen mark nothing.
    assert mark_funnel(draft, FRAME, words, percent=False, selected=CODES[1]) is draft
    assert mark_funnel(draft, FRAME, words, percent=False, selected=None) is draft
    assert plain(draft) == unmarked  # the shared draft draws as before


def test_marking_a_tile_outlines_it_alone_and_leaves_the_draft_as_it_was(ctx):
    words = comparison_words(INDICATOR, "sv")
    draft = tile_map_draft(
        FRAME, ctx, words, tiles=MUNICIPALITY_TILES, direction="neutral", percent=False
    )
    unmarked = plain(draft)
    for area in (CODES[2], CODES[5], CODES[2]):
        marked = plain(mark_tiles(draft, FRAME, tiles=MUNICIPALITY_TILES, selected=area))
        changed = [
            i
            for i, (a, b) in enumerate(
                zip(marked["layout"]["shapes"], unmarked["layout"]["shapes"], strict=True)
            )
            if a != b
        ]
        assert changed == [CODES.index(area)]
        assert marked["layout"]["shapes"][changed[0]]["line"]["width"] == 3
        assert marked["data"] == unmarked["data"]
        rest = {k: v for k, v in marked["layout"].items() if k != "shapes"}
        assert rest == {k: v for k, v in unmarked["layout"].items() if k != "shapes"}
    assert mark_tiles(draft, FRAME, tiles=MUNICIPALITY_TILES, selected="PO_SYD") is draft
    assert plain(draft) == unmarked  # the shared draft draws as before

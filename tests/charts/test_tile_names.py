"""A tile map's names: the police areas differ only in their last word, so a tile must show it."""

from __future__ import annotations

import pandas as pd

from charts.comparison import POLICE_TILES, comparison_words, tile_map_figure
from metrics.catalog import load_catalog


def _tile_texts(figure) -> list[str]:
    return [a.text for a in figure.layout.annotations if a.hovertext]  # the tiles


def test_the_police_areas_tiles_name_each_area(ctx):
    catalog = load_catalog()
    codes = list(POLICE_TILES)
    names = {code: catalog.area(code).name_sv for code in codes}
    frame = pd.DataFrame(
        {
            "area_code": codes,
            "area_label": [names[c] for c in codes],
            "value": [80.0, 101.0, 89.6, 86.8][: len(codes)],
            "category": ["lower", "higher", "similar", "similar"][: len(codes)],
            "suppressed": False,
        }
    )
    words = comparison_words(catalog.indicator("reported_rape"), "sv")
    figure = tile_map_figure(
        frame, ctx, words, tiles=POLICE_TILES, direction="decrease", percent=False, selected=None
    )
    texts = _tile_texts(figure)
    labels = [text.split("<br><b>")[0] for text in texts]
    assert len(set(labels)) == len(codes), labels  # the tiles can be told apart
    assert "Stockholm<br>nord" in labels and "Gotland" in labels


def test_a_long_name_is_cut_and_user_text_stays_text(ctx):
    from charts.comparison import _short

    assert _short("Upplands Väsby") == ["Upplands", "Väsby"]
    assert _short("Upplands-Bro") == ["Upplands-B."]
    assert _short("Sigtuna") == ["Sigtuna"]
    catalog = load_catalog()
    frame = pd.DataFrame(
        {
            "area_code": ["PO_NORD"],
            "area_label": ["<b>x</b> <i>"],
            "value": [1.0],
            "category": ["similar"],
            "suppressed": False,
        }
    )
    words = comparison_words(catalog.indicator("reported_rape"), "sv")
    figure = tile_map_figure(
        frame, ctx, words, tiles=POLICE_TILES, direction="decrease", percent=False, selected=None
    )
    (text,) = _tile_texts(figure)
    assert text.startswith("&lt;b&gt;x&lt;/b&gt;<br>&lt;i&gt;<br><b>")

"""Every icon the metrics hand out has a text glyph of its own shape."""

from charts.glyphs import DEFAULT_GLYPH, GLYPHS, glyph
from metrics.progress import ASSURANCE_ICONS, VARIATION_ICONS


def test_every_icon_shape_has_its_own_glyph():
    for icon in [*VARIATION_ICONS.values(), *ASSURANCE_ICONS.values()]:
        assert icon.shape in GLYPHS, icon.id


def test_unknown_shape_falls_back_to_a_circle():
    assert glyph("star") == DEFAULT_GLYPH == "●"
    assert glyph("triangle-up") == "▲"

"""Every icon the metrics hand out has a text glyph of its own shape."""

import re

from charts.glyphs import DEFAULT_GLYPH, GLYPHS, glyph
from charts.theme import icon_style
from metrics.progress import ASSURANCE_ICONS, VARIATION_ICONS


def test_every_icon_shape_has_its_own_glyph():
    for icon in [*VARIATION_ICONS.values(), *ASSURANCE_ICONS.values()]:
        assert icon_style(icon).shape in GLYPHS, icon.id


def test_unknown_shape_falls_back_to_a_circle():
    assert glyph("star") == DEFAULT_GLYPH == "●"
    assert glyph("triangle-up") == "▲"


def test_every_icon_has_a_style_with_a_colour_blind_safe_colour():
    for icon in [*VARIATION_ICONS.values(), *ASSURANCE_ICONS.values()]:
        assert re.fullmatch(r"#[0-9a-f]{6}", icon_style(icon).colour), icon.id
    # improvement and concern differ in shape as well as colour
    improvement = {
        icon_style(VARIATION_ICONS[k]).shape for k in ("improvement_high", "improvement_low")
    }
    concern = {icon_style(VARIATION_ICONS[k]).shape for k in ("concern_high", "concern_low")}
    assert not improvement & concern
    assert (
        icon_style(VARIATION_ICONS["improvement_high"]).colour
        != icon_style(VARIATION_ICONS["concern_high"]).colour
    )

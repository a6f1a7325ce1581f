"""Images: the browser's download settings and server-side PNGs."""

import asyncio
import shutil
import threading

import plotly.graph_objects as go
import pytest

from charts import ChartContext, RenderError, figure_to_png, plotly_config, render, trend_figure
from charts.render import PLOTLY_TEXTS, png_size
from tests.charts.helpers import monthly

CHROMIUM = "/usr/bin/chromium"


def test_download_button_gives_a_named_png_at_twice_the_resolution(ctx):
    config = plotly_config(ctx)
    options = config["toImageButtonOptions"]
    assert options["format"] == "png"
    assert options["filename"] == "lagesbild_reported_rape_STHLM_2026-10"
    assert options["scale"] == 2
    assert options["width"] >= 800
    assert config["displaylogo"] is False
    assert config["displayModeBar"] is True  # touch screens never hover to reveal it
    assert "toImage" not in config["modeBarButtonsToRemove"]
    assert config["locale"] == "sv"


def test_english_charts_keep_the_default_locale(en_ctx):
    assert "locale" not in plotly_config(en_ctx)


def test_swedish_charts_bring_their_own_plotly_dictionary(ctx):
    # Plotly ships no Swedish texts: without a dictionary its modebar says "Download plot as a PNG".
    locale = plotly_config(ctx)["locales"]["sv"]
    assert set(locale["dictionary"]) == set(PLOTLY_TEXTS)
    assert locale["dictionary"]["Download plot as a PNG"] == "Ladda ner diagrammet som PNG"
    assert all(text and text not in PLOTLY_TEXTS for text in locale["dictionary"].values())
    assert locale["format"]["months"][2] == "mars"
    assert locale["format"]["shortMonths"][9] == "okt"
    assert (locale["format"]["decimal"], locale["format"]["thousands"]) == (",", "\u00a0")


def test_the_download_takes_the_figures_height_when_given_it(ctx):
    fig = trend_figure(monthly([1, 2, 3]), ctx, unit="st")
    assert plotly_config(ctx, figure=fig)["toImageButtonOptions"]["height"] == fig.layout.height
    assert "height" not in plotly_config(ctx)["toImageButtonOptions"]


def test_download_names_are_safe_file_names(ctx):
    odd = ChartContext(**{**ctx.__dict__, "filename": "a/b c:d.png"})
    assert plotly_config(odd)["toImageButtonOptions"]["filename"] == "a_b_c_d"


def test_png_size_refuses_what_is_not_a_png():
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))


needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="needs Chromium at /usr/bin/chromium"
)


@pytest.mark.slow
@needs_chromium
def test_figure_to_png_renders_the_layout_size_at_twice_the_pixels(ctx):
    fig = trend_figure(monthly([100, 120, 110, 130]), ctx, unit="brott")
    fig.update_layout(width=700)
    png = figure_to_png(fig, scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_size(png) == (2 * 700, 2 * fig.layout.height)


@pytest.mark.slow
@needs_chromium
def test_threads_rendering_at_once_each_get_their_own_image():
    sizes = [(300 + 40 * i, 200 + 20 * i) for i in range(4)]
    results: dict[int, tuple[int, int]] = {}

    def render(i: int) -> None:
        width, height = sizes[i]
        fig = go.Figure(go.Scatter(x=[1, 2], y=[1, i]))
        fig.update_layout(width=width, height=height)
        results[i] = png_size(figure_to_png(fig, scale=1))

    threads = [threading.Thread(target=render, args=(i,)) for i in range(len(sizes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == dict(enumerate(sizes))


def test_a_browser_that_cannot_start_raises_instead_of_hanging(monkeypatch):
    async def broken():
        raise RuntimeError("no Chromium here")

    monkeypatch.setattr(render, "_open_kaleido", broken)
    with pytest.raises(RenderError, match="no Chromium here") as raised:
        render._Renderer().render({"data": []}, {"format": "png"}, timeout=5)
    assert str(raised.value) == "Chromium kunde inte startas för bildexport: no Chromium here"
    assert raised.value.text("en") == "Could not start Chromium for image export: no Chromium here"


def test_a_browser_that_never_answers_times_out(monkeypatch):
    async def stuck():
        await asyncio.sleep(30)

    monkeypatch.setattr(render, "_open_kaleido", stuck)
    monkeypatch.setattr(render, "START_TIMEOUT", 0.2)
    with pytest.raises(RenderError, match="Chromium"):
        render._Renderer().render({"data": []}, {"format": "png"}, timeout=5)

"""Figures as images: the browser's download settings, and PNGs rendered on the server by kaleido.

One headless Chromium (a ``kaleido.Kaleido``) serves the whole process. It starts on the first
``figure_to_png`` call (about 4 s) and is reused afterwards (about 0.3 s per image). It runs on
its own event-loop thread, so any thread may call ``figure_to_png`` at the same time.

Why not ``kaleido.start_sync_server``: its caller blocks on an unbounded queue join, so when
Chromium cannot start the call hangs for ever instead of failing, and two threads calling at once
can receive each other's image. Here every wait is bounded and a broken browser is replaced.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import struct
import threading
from typing import Any

import plotly.graph_objects as go

from charts.context import ChartContext
from i18n import MessageError, t
from metrics.formatting import MONTHS_EN, MONTHS_SV

EXPORT_WIDTH = 1000
"""Width (px, before ``scale``) of exported images: a slide-wide chart."""
EXPORT_HEIGHT = 560
"""Height used for a figure that does not set its own (every figure in charts/ does)."""
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


PLOTLY_TEXTS = {
    "Download plot as a PNG": "plotly_download_png",
    "Download plot": "plotly_download",
    "Autoscale": "plotly_autoscale",
    "Reset axes": "plotly_reset_axes",
    "Zoom": "plotly_zoom",
    "Zoom in": "plotly_zoom_in",
    "Zoom out": "plotly_zoom_out",
    "Pan": "plotly_pan",
    "Box Select": "plotly_box_select",
    "Lasso Select": "plotly_lasso_select",
    "Toggle Spike Lines": "plotly_spikelines",
    "Show closest data on hover": "plotly_hover_closest",
    "Compare data on hover": "plotly_hover_compare",
    "Double-click to zoom back out": "plotly_double_click_zoom",
    "Double-click on legend to isolate one trace": "plotly_double_click_legend",
    "Image download succeeded": "plotly_image_done",
    "Reset": "plotly_reset",
    "Reset view": "plotly_reset_view",
}
"""Plotly's own interface texts (its modebar, hints and notices; keys as Plotly writes them) and
the i18n key of each. Plotly ships no Swedish dictionary: ``plotly_config`` hands it ours."""


def plotly_locale(lang: str) -> dict[str, Any]:
    """A Plotly locale for ``lang`` (``config["locales"]``): interface texts, month and day
    names, decimal comma and a space between thousands for Swedish."""
    months = list(MONTHS_SV if lang == "sv" else MONTHS_EN)  # "mars 2026", as everywhere else
    return {
        "dictionary": {plotly: t(key, lang) for plotly, key in PLOTLY_TEXTS.items()},
        "format": {
            "months": months,
            "shortMonths": [name[:3] for name in months],
            "decimal": "," if lang == "sv" else ".",
            "thousands": "\u00a0" if lang == "sv" else ",",
        },
    }


class RenderError(MessageError, RuntimeError):
    """A PNG could not be rendered (Chromium missing, crashed or too slow); its text in the
    reader's language is `.text(lang)`."""


def plotly_config(
    ctx: ChartContext,
    *,
    figure: go.Figure | None = None,
    width: int = EXPORT_WIDTH,
    height: int | None = None,
) -> dict[str, Any]:
    """The ``config`` for ``st.plotly_chart``: a modebar that is always shown (touch screens have
    no hover) with the PNG download, no zoom tools, no Plotly logo, and Plotly's own texts, month
    names and number format in the chart's language (``plotly_locale``).

    The download is a PNG named ``ctx.filename`` at twice the resolution, ``width`` px wide;
    its height is ``height``, else ``figure``'s height, else the chart's height on screen (the
    frame is laid out in pixels from the edges, so any height keeps it intact).
    """
    options: dict[str, Any] = {
        "format": "png",
        "filename": ctx.safe_filename,
        "scale": 2,
        "width": width,
    }
    height = height or (figure.layout.height if figure is not None else None)
    if height:
        options["height"] = int(height)
    config: dict[str, Any] = {
        "displaylogo": False,
        "displayModeBar": True,
        "responsive": True,
        "scrollZoom": False,
        "toImageButtonOptions": options,
        "modeBarButtonsToRemove": [
            "zoom2d",
            "pan2d",
            "select2d",
            "lasso2d",
            "zoomIn2d",
            "zoomOut2d",
            "autoScale2d",
            "resetScale2d",
            "toggleSpikelines",
            "hoverClosestCartesian",
            "hoverCompareCartesian",
        ],
    }
    if ctx.lang == "sv":  # Plotly's default locale is English
        config["locale"] = "sv"
        config["locales"] = {"sv": plotly_locale("sv")}
    return config


def figure_to_png(
    fig: go.Figure,
    scale: float = 2,
    *,
    width: int | None = None,
    height: int | None = None,
    timeout: float = RENDER_TIMEOUT,
) -> bytes:
    """The figure as PNG bytes, rendered on the server (for the briefing pack).

    Size before ``scale``: ``width``/``height``, else the figure's layout size, else
    EXPORT_WIDTH × EXPORT_HEIGHT; the PNG is ``scale`` times that in pixels.
    Raises RenderError when Chromium cannot start or the image takes longer than ``timeout`` s.
    Thread-safe.
    """
    opts = {
        "format": "png",
        "scale": scale,
        "width": int(width or fig.layout.width or EXPORT_WIDTH),
        "height": int(height or fig.layout.height or EXPORT_HEIGHT),
    }
    return _RENDERER.render(fig.to_dict(), opts, timeout)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header; ValueError if ``png`` is not a PNG."""
    if len(png) < 24 or not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


class _Renderer:
    """One Kaleido (headless Chromium) on a private event loop, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._exit_hook = False

    def render(self, figure: dict, opts: dict[str, Any], timeout: float) -> bytes:
        loop, browser = self._running()
        future = asyncio.run_coroutine_threadsafe(browser.calc_fig(figure, opts=opts), loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            self.stop(browser)
            raise RenderError("render_timeout", seconds=f"{timeout:g}") from exc
        except (TypeError, ValueError, AttributeError):
            raise  # a bad figure or option: the browser is fine
        except Exception as exc:
            self.stop(browser)
            raise RenderError("render_failed", error=exc) from exc

    def _running(self) -> tuple[asyncio.AbstractEventLoop, Any]:
        with self._lock:
            if self._kaleido is not None and self._loop is not None and self._loop.is_running():
                return self._loop, self._kaleido
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="charts-kaleido", daemon=True)
            thread.start()
            future = asyncio.run_coroutine_threadsafe(_open_kaleido(), loop)
            try:
                browser = future.result(START_TIMEOUT)
            except BaseException as exc:
                future.cancel()
                loop.call_soon_threadsafe(loop.stop)
                raise RenderError("render_no_chromium", error=exc) from exc
            self._loop, self._kaleido = loop, browser
            if not self._exit_hook:
                atexit.register(self.stop)
                self._exit_hook = True
            return loop, browser

    def stop(self, browser: Any = None) -> None:
        """Close the browser (only ``browser`` if given and still current); the next render
        starts a new one."""
        with self._lock:
            if self._kaleido is None or (browser is not None and browser is not self._kaleido):
                return
            loop, current = self._loop, self._kaleido
            self._loop, self._kaleido = None, None
        assert loop is not None
        with contextlib.suppress(Exception):  # best effort: the browser may already be gone
            asyncio.run_coroutine_threadsafe(current.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)


async def _open_kaleido() -> Any:
    import kaleido  # imported here: loading kaleido is not free and most processes never render

    browser = kaleido.Kaleido(n=1, mathjax=False, timeout=RENDER_TIMEOUT)
    await browser.open()
    return browser


_RENDERER = _Renderer()

"""Plotly figures for Lägesbild that explain themselves, drawn from the readings handed to them.

No Streamlit and no DuckDB here; figure_to_png (charts/render.py) starts Chromium to make a PNG.

Every framed figure carries, inside the image, its title, area and period, source, "Data t.o.m."
and, for demo data, "DEMODATA – inte verklig statistik", so a downloaded PNG stands on its own.
"""

from charts.areas import area_comparison_figure
from charts.context import ChartContext
from charts.describe import describe_trend
from charts.render import RenderError, figure_to_png, plotly_config
from charts.spark import sparkline_svg
from charts.trend import trend_figure

__all__ = [
    "ChartContext",
    "RenderError",
    "area_comparison_figure",
    "describe_trend",
    "figure_to_png",
    "plotly_config",
    "sparkline_svg",
    "trend_figure",
]

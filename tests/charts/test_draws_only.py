"""A chart draws a reading; it never computes one (DESIGN.md rule 1, issue 14).

The trend chart and the indicator chart take what ``metrics.indicator_view`` made (the series,
the XmR points as drawn, the target's path, the rolling line), and the chart's words take what
``metrics.trend_reading.read_trend`` made (latest value, change from a year earlier, the XmR
reading): read from the source with ast, they import no statistics, aggregation, disclosure
rule or reading from ``metrics``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRAWING_ONLY = ("charts/trend.py", "charts/indicator.py", "charts/describe.py")
# Modules that compute readings; the charts above must not reach for them.
COMPUTING = {"metrics.spc", "metrics.aggregate", "metrics.disclosure", "metrics.baselines"}
# Names that compute part of a reading wherever they live.
COMPUTING_NAMES = {
    "aggregate_areas",
    "area_target",
    "read_indicator",
    "read_trend",
    "change_from_year_earlier",
    "year_on_year",
    "rolling_12",
    "trajectory",
    "variation_icon",
    "xmr",
}


def _imports(path: Path) -> set[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, "") for alias in node.names}
    return found


@pytest.mark.parametrize("relative", DRAWING_ONLY)
def test_the_chart_imports_no_computation(relative):
    imported = _imports(ROOT / relative)
    modules = {
        module
        for module, _ in imported
        if any(module == m or module.startswith(m + ".") for m in COMPUTING)
    }
    names = {name for _, name in imported} & COMPUTING_NAMES
    assert not modules, f"{relative} imports {sorted(modules)}: hand it a view from metrics"
    assert not names, f"{relative} imports {sorted(names)}: hand it a view from metrics"

"""Chart contexts shared by the chart tests (demo, real data, English)."""

from __future__ import annotations

import pytest

from charts import ChartContext


@pytest.fixture
def ctx() -> ChartContext:
    return ChartContext(
        title="Anmälda våldtäkter",
        area_label="Region Stockholm",
        period_label="jan 2024–okt 2026",
        source="Polismyndigheten (demo)",
        data_through="oktober 2026",
        demo=True,
        lang="sv",
        filename="lagesbild_reported_rape_STHLM_2026-10",
    )


@pytest.fixture
def real_ctx(ctx) -> ChartContext:
    return ChartContext(**{**ctx.__dict__, "demo": False})


@pytest.fixture
def en_ctx(ctx) -> ChartContext:
    return ChartContext(
        **{**ctx.__dict__, "lang": "en", "data_through": "October 2026", "title": "Reported rapes"}
    )

"""The indicator page's table of values: the last 12 periods to the month shown × the areas, in
the catalog's order, each cell written as every face writes the value ('..' where hidden or
missing: a cell an area has no row for is left empty)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from i18n import Lang
from metrics.catalog import Catalog, Indicator
from metrics.formatting import format_value
from metrics.periods import format_period, next_period
from ui import data


def kept_values_table(
    obs: pd.DataFrame, indicator: Indicator, end: pd.Timestamp, lang: Lang, *, briefing: bool
) -> pd.DataFrame:
    """`values_table` of the page's rows (`data.indicator_observations` in the mode), made once
    per data version, month and language and shared by every session (never to be changed): a
    filter change to another area draws the same table."""
    return _kept(data.indicator_key(indicator.id), briefing, indicator.id, end, lang, _obs=obs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _kept(
    data_key: tuple,
    briefing: bool,
    indicator_id: str,
    end: pd.Timestamp,
    lang: Lang,
    *,
    _obs: pd.DataFrame,
) -> pd.DataFrame:
    catalog = data.catalog()
    return values_table(_obs, catalog.indicator(indicator_id), catalog, end, lang)


def values_table(
    obs: pd.DataFrame, indicator: Indicator, catalog: Catalog, end: pd.Timestamp, lang: Lang
) -> pd.DataFrame:
    """Areas (their names) down, periods (written out, oldest first) across.

    Made cell by cell from the rows (no pivot: at national scale it was a tenth of the page's
    first visit, most of it importing pandas' reshaping the first time), each distinct value
    written once."""
    recent = obs[
        (obs["indicator_id"] == indicator.id)
        & (obs["period"] <= end)
        & (obs["period"] > next_period(end, indicator.frequency, -12))
    ]
    if indicator.kind == "proportion":
        shown = recent["value"] / recent["denominator"].where(recent["denominator"] > 0)
    else:
        shown = recent["value"]
    distinct, which = np.unique(
        shown.to_numpy(dtype="float64", na_value=np.nan), return_inverse=True
    )
    texts = [format_value(indicator, value, lang) for value in distinct.tolist()]
    cells = pd.Series(texts, dtype=object)  # as pandas would type a column of these texts
    dtype = pd.Series(texts).dtype if texts else object
    there = set(recent["area_code"])
    areas = [code for code in catalog.valid_areas(indicator.id) if code in there]
    row_of = {code: i for i, code in enumerate(areas)}
    periods = np.unique(recent["period"].to_numpy())
    rows = np.array([row_of.get(code, -1) for code in recent["area_code"]], dtype=np.intp)
    columns = np.searchsorted(periods, recent["period"].to_numpy())
    grid = np.full((len(areas), len(periods)), np.nan, dtype=object)
    kept = rows >= 0  # rows of an area the indicator is not reported for are not shown
    grid[rows[kept], columns[kept]] = cells.to_numpy()[which[kept]] if len(cells) else []
    return pd.DataFrame(
        {
            format_period(period, indicator.frequency, lang): pd.array(grid[:, j], dtype=dtype)
            for j, period in enumerate(pd.DatetimeIndex(periods))
        },
        index=pd.Index([catalog.area(code).name(lang) for code in areas]),
    )

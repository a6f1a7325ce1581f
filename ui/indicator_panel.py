"""One indicator's trend chart with its statistics, text summary, data table and definition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import plotly_config
from charts.describe import describe_trend
from charts.indicator import IndicatorChart, build_indicator_chart
from exports.csv_export import to_excel_csv
from i18n import t
from metrics.catalog import Catalog, Indicator
from metrics.disclosure import DEFAULT_THRESHOLD, period_total_text
from metrics.formatting import format_value
from metrics.indicator_view import offers_rolling, view_indicator
from metrics.overview import REGION, reading_area
from metrics.periods import period_codes, period_labels
from metrics.reading import Reading
from metrics.trend_reading import read_trend
from schemas.upload import UPLOAD_COLUMNS
from ui import data
from ui.commentary import draw_commentary
from ui.components import badges, reading_html
from ui.state import Filters

TABLE_OPEN = "table_open_"  # + the chart's key: the session state of its table's expander


def shown_area(catalog: Catalog, indicator: Indicator, area_code: str) -> str:
    """The area an indicator's chart shows for the area chosen: there when it is reported
    there, else the region (``metrics.overview.reading_area``; the region also when neither
    reports it), and the page says so."""
    return reading_area(catalog, indicator.id, area_code) or REGION


def draw_indicator(
    indicator: Indicator,
    catalog: Catalog,
    obs: pd.DataFrame,
    f: Filters,
    *,
    demo: bool,
    through: pd.Timestamp,
    key: str,
    show_definition: bool = True,
) -> Reading | None:
    """Chart, icons, reading in words and table for `indicator` at the selected area, with the
    notes on it and its definition beside (unless `show_definition` is False).

    The reading is the indicator's one reading for the area and the month the period ends in
    (``data.readings``): the period chosen changes what is drawn, never the signal. Indicators
    not reported for that area are shown for the region, and the page says so.
    Events stored for the indicator (or for all) are drawn on the chart, so also in its PNG.
    """
    lang = f.lang
    area = shown_area(catalog, indicator, f.area)
    rolling = (
        bool(st.session_state.get(f"roll_{key}")) and offers_rolling(indicator) and not f.briefing
    )
    reading = data.readings(f.briefing, f.area, f.end or through, [indicator.id])[indicator.id]
    events = tuple(data.chart_events(indicator.id, lang, f.briefing))
    drawn = _drawn(
        data_key=data.version_key(f.briefing, [indicator.id], [area]),
        indicator_id=indicator.id,
        area=area,
        start=f.start,
        end=f.end,
        lang=lang,
        demo=demo,
        through=through,
        briefing=f.briefing,
        events=events,
        rolling_label=t("rolling_label", lang) if rolling else None,
        _obs=obs,
        _reading=reading,
    )
    if drawn is None:
        st.info(f"{indicator.label(lang)}: {t('rollup_no_data', lang)}.")
        return None
    chart, summary = drawn
    chart_col, info_col = st.columns([3, 2]) if show_definition else (st.container(), None)
    with chart_col:
        st.plotly_chart(
            chart.figure, config=plotly_config(chart.context), theme=None, key=f"chart_{key}"
        )
        badges([reading.variation_icon, reading.assurance_icon], lang)
        st.markdown(
            reading_html(reading, lang, area_name=catalog.area(f.area).name(lang)),
            unsafe_allow_html=True,
        )
        draw_year_totals(indicator, area, f.briefing, lang)
        if offers_rolling(indicator) and not f.briefing:
            st.checkbox(t("show_rolling", lang), key=f"roll_{key}")
        st.caption(t("chart_summary", lang) + ": " + summary)
        # Made only while open (a lazy expander): 240 months of values beside each of a goal
        # page's charts were ~7 % of its run, for a table few readers open.
        table = st.expander(t("data_table", lang), key=f"{TABLE_OPEN}{key}", on_change="rerun")
        if table.open:
            with table:
                st.dataframe(
                    values_frame(chart.series, indicator, lang), hide_index=True, width="stretch"
                )
    series = chart.series
    if info_col is not None:
        with info_col:
            draw_commentary(
                indicator,
                catalog,
                area,
                series.index,
                reading,
                lang=lang,
                briefing=f.briefing,
                key=key,
            )
            draw_definition(indicator, catalog, lang)
    return reading


# Made once per data version and shared by every session (a resource: handed out, not copied):
# building a 240-month Plotly figure with its statistics is most of a goal page's run. Keyed on
# the data version of the indicator at the area (ui/data.version_key: whole indicator in
# briefing mode; events and process changes too) and on everything else the chart is drawn
# from; the rows and the reading follow from the key.
@st.cache_resource(show_spinner=False, max_entries=512)
def _drawn(
    *,
    data_key: tuple,
    indicator_id: str,
    area: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    lang: str,
    demo: bool,
    through: pd.Timestamp,
    briefing: bool,
    events: tuple[tuple[pd.Timestamp, str], ...],
    rolling_label: str | None,
    _obs: pd.DataFrame,
    _reading: Reading,
) -> tuple[IndicatorChart, str] | None:
    """The chart and its summary in words."""
    catalog = data.catalog()
    indicator = catalog.indicator(indicator_id)
    view = view_indicator(
        _obs,
        indicator,
        area,
        reading=_reading,
        start=start,
        end=end,
        rolling=rolling_label is not None,
        year_totals=data.year_totals(briefing, indicator_id, area),
    )
    if view is None:
        return None
    chart = build_indicator_chart(
        view,
        catalog,
        lang=lang,
        demo=demo,
        data_through=through,
        events=list(events),
        rolling_label=rolling_label,
    )
    trend = read_trend(chart.series, chart.spc_points, percent=chart.percent)
    return chart, describe_trend(trend, chart.context, chart.unit)


def values_frame(series: pd.DataFrame, indicator: Indicator, lang: str) -> pd.DataFrame:
    """The chart's table of values: each period shown, its value as the chart writes it, and
    whether it is preliminary."""
    return pd.DataFrame(
        {
            t("period", lang): period_labels(series.index, indicator.frequency, lang),
            indicator.label(lang): [format_value(indicator, v, lang) for v in series["value"]],
            "Status": [
                t("preliminary", lang) if s == "preliminary" else "" for s in series["status"]
            ],
        }
    )


def values_csv(rows: pd.DataFrame, indicator: Indicator, *, briefing: bool) -> bytes:
    """An indicator's rows (as ui.data reads them, with `suppressed`) as a CSV Excel opens, in
    the upload format: each period as an upload writes it at the indicator's frequency ("2026-03",
    "2025K3", "2025"), so the file can be corrected and uploaded again.

    In briefing mode without notes, as in the briefing pack: a note is free text and may say
    what disclosure control hides, even on a cell that is shown. A hidden cell reads "..".
    """
    columns = [c for c in UPLOAD_COLUMNS if c != "note" or not briefing]
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    return to_excel_csv(
        rows.assign(period=period_codes(rows["period"], indicator.frequency))[columns],
        hidden={"value": hidden, "denominator": hidden & (indicator.kind == "proportion")},
    )


def draw_year_totals(indicator: Indicator, area: str, briefing: bool, lang: str) -> None:
    """Briefing mode, region-only indicators: the year totals shown instead of the months."""
    totals = data.year_totals(briefing, indicator.id, area)
    if not totals:
        return
    st.markdown(
        f"**{t('period_totals_heading', lang)}:** "
        + " · ".join(period_total_text(item, lang) for item in totals)
    )
    st.caption(
        t("period_totals_note", lang, threshold=DEFAULT_THRESHOLD, below=DEFAULT_THRESHOLD - 1)
    )


def draw_definition(indicator: Indicator, catalog: Catalog, lang: str) -> None:
    """Definition, source, owner, unit, levels, target and the context note beside a chart."""
    lines = [
        f"**{t('definition', lang)}:** {indicator.definition(lang)}",
        f"**{t('source', lang)}:** {indicator.source}",
        f"**{t('owner', lang)}:** {indicator.owner}",
        f"**{t('unit', lang)}:** {indicator.unit(lang)} ({t('kind_' + indicator.kind, lang)}; "
        f"{t('direction_' + indicator.direction, lang)})",
        f"**{t('levels', lang)}:** " + ", ".join(t("level_" + lv, lang) for lv in indicator.levels),
    ]
    # Each target is said with the area it was set for: the indicator's own is the region's.
    targets = [(REGION, indicator.target)] if indicator.target is not None else []
    targets += list(indicator.area_targets)
    if targets:
        lines.append(
            f"**{t('target', lang)}:** "
            + "; ".join(
                f"{catalog.area(code).name(lang)} {format_value(indicator, target.value, lang)}"
                f" – {target.period}"
                + (f" ({t('illustrative', lang)})" if target.illustrative else "")
                for code, target in targets
            )
        )
    if indicator.breaks:
        lines.append(
            f"**{t('breaks', lang)}:** "
            + "; ".join(f"{b.period}: {b.reason(lang)}" for b in indicator.breaks)
        )
    st.markdown("  \n".join(lines))
    st.info(f"**{t('context', lang)}:** {indicator.context(lang)}", icon=":material/lightbulb:")

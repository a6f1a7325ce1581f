"""Each chart in words: the text equivalent read by screen readers and shown under the chart."""

from __future__ import annotations

import numpy as np

from charts.context import ChartContext
from i18n import Lang, t
from metrics.formatting import format_month, format_number, format_percent, format_percentage_points
from metrics.periods import format_period
from metrics.trend_reading import TrendReading


def describe_trend(trend: TrendReading, ctx: ChartContext, unit: str = "") -> str:
    """One paragraph saying what ``trend_figure`` shows, in ``ctx.lang``, worded from ``trend``
    (``metrics.trend_reading.read_trend`` of the series and XmR points the chart draws).

    Title, area and period; the latest value and its period (and whether it is preliminary);
    the change from the same period a year earlier (in per cent for counts, in percentage
    points for shares); the XmR reading of the latest value in words with the mean and limits;
    the number of special-cause values in the latest 12 months; source, data through and the
    demo marking. unit: the value's unit in the chart's language ("brott"), not for shares.
    A series without any value gives "<title> – <area>, <period>: uppgift saknas." and the credit.
    """
    lang: Lang = ctx.lang
    head = " – ".join(part for part in (ctx.title, ctx.area_label) if part)
    if ctx.period_label:
        head = f"{head}, {ctx.period_label}"

    def fmt(value: float, with_unit: bool = True) -> str:
        if trend.percent:
            return format_percent(value, lang, 1)
        # a mean or limit of counts in the hundreds is read as a whole number
        decimals = 0 if abs(value) >= 100 else None
        text = format_number(value, lang, decimals)
        return f"{text} {unit}" if unit and with_unit else text

    sentences: list[str]
    if trend.latest_hidden:
        # The latest period is hidden: say so, not an older period's value as the latest.
        month = format_period(trend.last_period, ctx.frequency, lang)
        sentences = [f"{head}.", t("describe_latest_hidden", lang, month=month)]
    elif trend.latest is None:
        sentences = [t("describe_no_data", lang, head=head)]
    else:
        shown = fmt(trend.value)
        if trend.preliminary:
            shown += t("describe_preliminary", lang)
        month = format_period(trend.latest, ctx.frequency, lang)
        sentences = [f"{head}.", t("describe_latest", lang, value=shown, month=month)]
        sentences += _year_on_year(trend, fmt, lang, ctx.frequency)
        sentences += _spc_sentences(trend, fmt, lang)
    if trend.hidden:
        sentences.append(t("describe_hidden", lang, n=trend.hidden))
    credit = "describe_credit" if ctx.source else "describe_through"
    sentences.append(t(credit, lang, source=ctx.source, through=ctx.data_through))
    if ctx.demo:
        sentences.append(t("describe_demo", lang))
    return " ".join(sentences)


def _year_on_year(trend: TrendReading, fmt, lang: Lang, frequency: str) -> list[str]:
    if trend.year_earlier is None:
        return []
    where = format_period(trend.year_earlier, frequency, lang)
    previous = fmt(trend.previous)
    if trend.change == 0:
        return [t("describe_unchanged", lang, month=where, previous=previous)]
    if trend.percent:
        change = format_percentage_points(trend.change, lang)
    else:
        change = format_number(trend.change, lang, signed=True)
        if trend.change_relative is not None:
            change += f" ({format_percent(trend.change_relative, lang, 1, signed=True)})"
    return [t("describe_change", lang, month=where, previous=previous, change=change)]


def _spc_sentences(trend: TrendReading, fmt, lang: Lang) -> list[str]:
    if not trend.read:
        return []
    limits = np.isfinite(trend.lower) and np.isfinite(trend.upper)
    levels = {
        "mean": fmt(trend.mean, False),
        "lpl": fmt(trend.lower, False),
        "upl": fmt(trend.upper, False),
    }
    out = []
    if trend.signal == "common_cause":
        if limits:
            out.append(t("describe_common_cause", lang, **levels))
    elif trend.signal is not None:
        rule = t(f"describe_rule_{trend.rule}", lang) if trend.rule else ""
        out.append(t("describe_" + trend.signal, lang, rule=rule))
        if limits:
            out.append(t("describe_levels", lang, **levels))
    if trend.rebased_from is not None:
        out.append(t("describe_rebased", lang, month=format_month(trend.rebased_from, lang)))
    if trend.recent_special:
        out.append(t("describe_recent", lang, n=trend.recent_special))
    return out

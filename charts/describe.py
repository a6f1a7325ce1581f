"""Each chart in words: the text equivalent read by screen readers and shown under the chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts import theme
from charts.context import ChartContext
from i18n import Lang
from metrics.formatting import format_month, format_number, format_percent, format_percentage_points
from metrics.periods import format_period

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "no_data": "{head}: uppgift saknas.",
        "latest": "Senaste värde: {value} i {month}.",
        "latest_hidden": "Senaste månaden, {month}, visas inte (för få fall för att visas).",
        "hidden_one": "1 månad i perioden visas inte (för få fall för att visas).",
        "hidden_many": "{n} månader i perioden visas inte (för få fall för att visas).",
        "preliminary": " (preliminärt)",
        "change": "Förändring jämfört med {month} ({previous}): {change}.",
        "unchanged": "Oförändrat jämfört med {month} ({previous}).",
        "common_cause": (
            "Variationen är slumpmässig: det senaste värdet ligger inom processgränserna "
            "{lpl}–{upl} runt medelvärdet {mean}."
        ),
        "improvement": "Det senaste värdet visar en förbättring som inte är slumpmässig (särskild orsak{rule}).",
        "concern": "Det senaste värdet visar en försämring som inte är slumpmässig (särskild orsak{rule}).",
        "neutral_high": (
            "Det senaste värdet är ovanligt högt (särskild orsak{rule}) – varken bra eller dåligt i sig."
        ),
        "neutral_low": (
            "Det senaste värdet är ovanligt lågt (särskild orsak{rule}) – varken bra eller dåligt i sig."
        ),
        "levels": "Medelvärde {mean}, processgränser {lpl}–{upl}.",
        "rebased": "Medelvärde och gränser är omräknade från {month} (ny baslinje: serieavbrott eller processförändring).",
        "recent_one": "Under de senaste 12 månaderna har 1 värde en särskild orsak.",
        "recent_many": "Under de senaste 12 månaderna har {count} värden en särskild orsak.",
        "rule_outside_limits": ": utanför processgränserna",
        "rule_trend": ": sju värden i rad uppåt eller nedåt",
        "rule_two_in_three": ": två av tre värden nära en gräns",
        "rule_run": ": sju värden i rad på samma sida om medelvärdet",
        "credit": "Källa: {source}. Data t.o.m. {through}.",
        "through": "Data t.o.m. {through}.",
        "demo": "DEMODATA – inte verklig statistik.",
    },
    "en": {
        "no_data": "{head}: no data.",
        "latest": "Latest value: {value} in {month}.",
        "latest_hidden": "The latest month, {month}, is not shown (too few cases to show).",
        "hidden_one": "1 month of the period is not shown (too few cases to show).",
        "hidden_many": "{n} months of the period are not shown (too few cases to show).",
        "preliminary": " (preliminary)",
        "change": "Change from {month} ({previous}): {change}.",
        "unchanged": "Unchanged from {month} ({previous}).",
        "common_cause": (
            "The variation is random (common cause): the latest value lies within the process "
            "limits {lpl}–{upl} around the mean {mean}."
        ),
        "improvement": "The latest value shows an improvement that is not random (special cause{rule}).",
        "concern": "The latest value shows a deterioration that is not random (special cause{rule}).",
        "neutral_high": (
            "The latest value is unusually high (special cause{rule}) – neither good nor bad in itself."
        ),
        "neutral_low": (
            "The latest value is unusually low (special cause{rule}) – neither good nor bad in itself."
        ),
        "levels": "Mean {mean}, process limits {lpl}–{upl}.",
        "rebased": "Mean and limits are recalculated from {month} (new baseline: a series break or a process change).",
        "recent_one": "In the latest 12 months 1 value has a special cause.",
        "recent_many": "In the latest 12 months {count} values have a special cause.",
        "rule_outside_limits": ": outside the process limits",
        "rule_trend": ": seven values in a row rising or falling",
        "rule_two_in_three": ": two of three values close to a limit",
        "rule_run": ": seven values in a row on one side of the mean",
        "credit": "Source: {source}. Data through {through}.",
        "through": "Data through {through}.",
        "demo": "DEMO DATA – not real statistics.",
    },
}


def describe_trend(
    series: pd.DataFrame,
    ctx: ChartContext,
    spc_points: pd.DataFrame | None = None,
    unit: str = "",
    percent: bool = False,
    *,
    direction: str | None = None,
) -> str:
    """One paragraph saying what ``trend_figure`` shows, in ``ctx.lang``.

    Title, area and period; the latest value and its month (and whether it is preliminary); the
    change from the same month a year earlier (in per cent for counts, in percentage points for
    shares); the XmR reading of the latest value in words with the mean and limits; the number
    of special-cause values in the latest 12 months; source, data through and the demo marking.
    Arguments as for ``trend_figure``. direction: None trusts the point types in ``spc_points``;
    "neutral" words every special cause as unusually high/low, never better or worse.
    A series without any value gives "<title> – <area>, <period>: uppgift saknas." and the credit.
    """
    lang: Lang = ctx.lang
    words = TEXTS[lang]
    head = " – ".join(part for part in (ctx.title, ctx.area_label) if part)
    if ctx.period_label:
        head = f"{head}, {ctx.period_label}"
    months = theme.months(series.index)
    values = pd.to_numeric(series["value"], errors="coerce").to_numpy(dtype="float64")
    hidden = np.zeros(len(values), dtype=bool)
    if "suppressed" in series.columns:
        hidden = series["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        values = np.where(hidden, np.nan, values)
    values = pd.Series(values, index=months)
    status = (
        pd.Series(series["status"].astype("object").to_numpy(), index=months)
        if "status" in series.columns
        else pd.Series("final", index=months)
    )
    order = np.argsort(months.to_numpy(), kind="stable")
    values, status, hidden = values.iloc[order], status.iloc[order], hidden[order]
    present = values.dropna()
    n_hidden = int(hidden.sum())

    def fmt(value: float, with_unit: bool = True) -> str:
        if percent:
            return format_percent(value, lang, 1)
        # a mean or limit of counts in the hundreds is read as a whole number
        decimals = 0 if abs(value) >= 100 else None
        text = format_number(value, lang, decimals)
        return f"{text} {unit}" if unit and with_unit else text

    sentences: list[str]
    if n_hidden and hidden[-1]:
        # The latest month is hidden: say so, not an older month's value as the latest.
        sentences = [f"{head}."]
        month_text = format_period(values.index[-1], ctx.frequency, lang)
        sentences.append(words["latest_hidden"].format(month=month_text))
    elif present.empty:
        sentences = [words["no_data"].format(head=head)]
    else:
        sentences = [f"{head}."]
        month = present.index[-1]
        latest = float(present.iloc[-1])
        shown = fmt(latest)
        if status.loc[month] == "preliminary" if month in status.index else False:
            shown += words["preliminary"]
        sentences.append(
            words["latest"].format(value=shown, month=format_period(month, ctx.frequency, lang))
        )
        sentences += _year_on_year(values, month, latest, fmt, percent, lang, ctx.frequency)
        if spc_points is not None and len(spc_points) == len(series):
            spc = spc_points.iloc[order].set_axis(values.index)
            sentences += _spc_sentences(spc, values, month, direction, percent, lang, fmt)
    if n_hidden:
        key = "hidden_one" if n_hidden == 1 else "hidden_many"
        sentences.append(words[key].format(n=n_hidden))
    credit = "credit" if ctx.source else "through"
    sentences.append(words[credit].format(source=ctx.source, through=ctx.data_through))
    if ctx.demo:
        sentences.append(words["demo"])
    return " ".join(sentences)


def _year_on_year(values, month, latest, fmt, percent, lang, frequency="monthly") -> list[str]:
    words = TEXTS[lang]
    previous_month = month - pd.DateOffset(years=1)
    if previous_month not in values.index or pd.isna(values.loc[previous_month]):
        return []
    previous = float(values.loc[previous_month])
    where = format_period(previous_month, frequency, lang)
    difference = latest - previous
    if abs(difference) < 1e-12:
        return [words["unchanged"].format(month=where, previous=fmt(previous))]
    if percent:
        change = format_percentage_points(difference, lang)
    else:
        change = format_number(difference, lang, signed=True)
        if previous != 0:
            change += f" ({format_percent(difference / previous, lang, 1, signed=True)})"
    return [words["change"].format(month=where, previous=fmt(previous), change=change)]


def _spc_sentences(spc, values, month, direction, percent, lang, fmt) -> list[str]:
    words = TEXTS[lang]
    row = spc.loc[month]
    mean, lpl, upl = (float(row.get(c, np.nan)) for c in ("mean", "lpl", "upl"))
    if not np.isfinite(mean):
        return []
    lpl = max(lpl, 0.0) if np.isfinite(lpl) else lpl
    if percent and np.isfinite(upl):
        upl = min(upl, 1.0)
    levels = {"mean": fmt(mean, False), "lpl": fmt(lpl, False), "upl": fmt(upl, False)}
    kind = _reading(row.get("point_type"), direction, float(values.loc[month]) >= mean)
    out = []
    if kind == "common_cause":
        if np.isfinite(lpl) and np.isfinite(upl):
            out.append(words["common_cause"].format(**levels))
    elif kind is not None:
        rule = row.get("special_cause_rule")
        rule_text = words.get(f"rule_{rule}", "") if isinstance(rule, str) else ""
        out.append(words[kind].format(rule=rule_text))
        if np.isfinite(lpl) and np.isfinite(upl):
            out.append(words["levels"].format(**levels))
    if "period" in spc.columns:
        periods = spc.loc[spc["mean"].notna(), "period"]
        if periods.nunique() > 1:
            start = periods[periods == periods.loc[month]].index[0]
            out.append(words["rebased"].format(month=format_month(start, lang)))
    window = spc[(spc.index > month - pd.DateOffset(months=12)) & (spc.index <= month)]
    window = window[values.reindex(window.index).notna()]
    special = int(
        sum(isinstance(t, str) and t != "common_cause" for t in window.get("point_type", ()))
    )
    if special:
        key = "recent_one" if special == 1 else "recent_many"
        out.append(words[key].format(count=special))
    return out


def _reading(point_type: object, direction: str | None, high: bool) -> str | None:
    """common_cause, improvement, concern, neutral_high or neutral_low (None: no reading)."""
    if not isinstance(point_type, str):
        return None
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_neutral_high":
        return "neutral_high"
    if point_type == "special_cause_neutral_low":
        return "neutral_low"
    if direction == "neutral":
        return "neutral_high" if high else "neutral_low"
    if point_type == "special_cause_improvement":
        return "improvement"
    if point_type == "special_cause_concern":
        return "concern"
    return None

"""The chart in words: latest value, change from a year earlier, the XmR reading, the credit."""

import numpy as np

from charts import describe_trend as words
from metrics.trend_reading import read_trend
from tests.charts.helpers import monthly, quiet_xmr


def describe_trend(series, ctx, spc=None, unit="", percent=False, *, direction=None):
    return words(read_trend(series, spc, percent=percent, direction=direction), ctx, unit)


STEADY = [1200, 1220, 1180, 1210, 1190, 1200, 1230, 1170, 1200, 1210, 1190, 1200, 1220]


def test_latest_value_month_and_preliminary_in_swedish(ctx):
    series = monthly([*STEADY, 1234], start="2025-09")
    series.loc[series.index[-1], "status"] = "preliminary"
    text = describe_trend(series, ctx, None, "brott", False)
    assert "Senaste värde: 1\u00a0234 brott (preliminärt) i oktober 2026." in text
    assert text.startswith("Anmälda våldtäkter – Region Stockholm, jan 2024–okt 2026.")


def test_change_from_the_same_month_last_year(ctx):
    series = monthly([*STEADY, 1234], start="2025-09")  # october 2025 = 1 220
    text = describe_trend(series, ctx, None, "brott", False)
    assert "Förändring jämfört med oktober 2025 (1\u00a0220 brott): +14 (+1,1\u00a0%)." in text


def test_shares_in_per_cent_and_percentage_points(ctx):
    series = monthly([0.2] * 12 + [0.185], start="2025-10")
    text = describe_trend(series, ctx, None, "andel", True)
    assert "Senaste värde: 18,5\u00a0% i oktober 2026." in text
    assert "\u22121,5 procentenheter" in text


def test_random_variation_is_called_random_with_mean_and_limits(ctx):
    series = monthly(STEADY)
    spc = quiet_xmr(series["value"], improvement="neutral").points
    text = describe_trend(series, ctx, spc, "brott", False)
    assert "Variationen är slumpmässig" in text and "medelvärdet 1\u00a0202" in text


def test_a_signal_is_named_with_its_rule_and_counted(ctx):
    series = monthly([*STEADY[:-1], 1600])
    spc = quiet_xmr(series["value"], improvement="increase", fix_after_n_points=12).points
    text = describe_trend(series, ctx, spc, "brott", False)
    assert "förbättring som inte är slumpmässig (särskild orsak: utanför processgränserna)" in text
    assert "Under de senaste 12 månaderna har 1 värde en särskild orsak." in text
    neutral = describe_trend(series, ctx, spc, "brott", False, direction="neutral")
    assert "ovanligt högt" in neutral and "förbättring" not in neutral


def test_credit_and_demo_marking(ctx, real_ctx):
    series = monthly(STEADY)
    text = describe_trend(series, ctx)
    assert text.endswith(
        "Källa: Polismyndigheten (demo). Data t.o.m. oktober 2026. DEMODATA – inte verklig statistik."
    )
    assert "DEMODATA" not in describe_trend(series, real_ctx)


def test_english(en_ctx):
    series = monthly([*STEADY, 1234], start="2025-09")
    text = describe_trend(series, en_ctx, None, "offences", False)
    assert "Latest value: 1,234 offences in October 2026." in text
    assert text.endswith("DEMO DATA – not real statistics.")


def test_no_values_says_so(ctx):
    text = describe_trend(monthly([np.nan, np.nan]), ctx)
    assert "jan 2024–okt 2026: uppgift saknas." in text

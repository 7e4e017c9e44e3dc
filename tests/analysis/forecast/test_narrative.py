"""The planted seasonality of the demo recovered, and the sentences built from the results.

Tolerances (see crmkit.analysis.forecast.narrative): the demo has about 66 purchases a day
for two years, so a weekday effect has a standard error of about 1.2% and a festival day
(two occurrences) about 10%. Every effect must lie within three standard errors of the
planted process as it shows in purchases (sampling noise only). Against the documented
factors: weekdays within 3%; the yearly amplitude (0.10) within 0.03 and its peak (day 350)
within 21 days (the phase has a standard error of about 6 days, and the moving-average
trend of the customer base's ramp-up shifts it by about two weeks); the four sales
festivals within two standard errors, and within 10% on average; the Spring Festival
dip recovered as a dip (first purchases react to it with the square root of its factor,
and the 2024 dip fell in the start-up months, so it is shallower than the planted 0.55).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.forecast import (
    SalesForecaster,
    decomposition_sentences,
    festival_effects,
    forecast_actions,
    next_quarter_summary,
    planted_factors,
    planted_purchase_rate,
    sales_series,
    seasonality_check,
)
from crmkit.data.synthetic import make_demo

SALES_FESTIVALS = ["Double 11", "618", "Double 12", "Black Friday"]


@pytest.fixture(scope="module")
def demo():
    ds = make_demo(defects=False, include=("orders",))
    y = sales_series(ds.orders)["orders"]
    model = SalesForecaster(n_paths=100).fit(y)  # the demo's festivals are crmkit's default calendar
    return ds, y, model, seasonality_check(model, truth=ds.truth)


def test_planted_purchase_rate_matches_the_purchases(demo):
    ds, y, _, _ = demo
    rate = planted_purchase_rate(ds.truth)
    assert rate.index.equals(y.index)
    assert rate.sum() == pytest.approx(y.sum(), rel=0.01)
    quarters = pd.DataFrame({"expected": rate, "observed": y}).resample("QS").sum()
    assert np.allclose(quarters["observed"], quarters["expected"], rtol=0.03)


def test_planted_factors_reproduce_the_documented_calendar(demo):
    ds, _, model, _ = demo
    doc = planted_factors(ds.truth, columns=model.columns_)
    for name, factor in {"Double 11": 4.0, "618": 2.5, "Double 12": 2.0, "Black Friday": 1.8,
                         "Chinese New Year": 0.55, "Chinese New Year aftermath": 0.55}.items():
        assert doc[name] == pytest.approx(factor, rel=0.01), name
    # the 618 run-up spans 15 days at 1.25 and two at 1.6: their geometric mean
    assert doc["618 run-up"] == pytest.approx(np.exp((15 * np.log(1.25) + 2 * np.log(1.6)) / 17), rel=0.01)
    weekdays = np.array([0.92, 0.90, 0.93, 0.95, 1.02, 1.15, 1.13])
    assert doc[["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]].to_numpy() == pytest.approx(
        weekdays / np.exp(np.log(weekdays).mean()), rel=0.005)  # two Fourier terms fit log(1 + 0.1 cos) closely


def test_every_effect_within_three_standard_errors_of_the_planted_process(demo):
    *_, check = demo
    assert check["recovered"].all(), check.loc[~check["recovered"]]
    assert len(check) == 7 + 10 + 2  # weekdays, festival columns, yearly amplitude and peak


def test_documented_seasonality_recovered(demo):
    *_, check = demo
    c = check.set_index("effect")
    wd = c.loc[["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]]
    assert (wd["estimate"] / wd["planted"] - 1).abs().max() < 0.03
    assert abs(c.loc["yearly amplitude", "estimate"] - 0.10) < 0.03
    assert abs(c.loc["yearly peak (day of year)", "estimate"] - 350) < 21
    f = c.loc[SALES_FESTIVALS]
    log_gap = np.log(f["estimate"] / f["planted"])
    assert (log_gap.abs() <= 2 * f["se"]).all(), f
    assert log_gap.abs().mean() < 0.10
    cny = c.loc[["Chinese New Year", "Chinese New Year run-up", "Chinese New Year aftermath"], "estimate"]
    assert (cny < 0.8).all()


def test_decomposition_in_words(demo):
    _, _, model, _ = demo
    text = decomposition_sentences(model, measure="purchases")
    assert text[0].startswith("**Trend:**") and "purchases" in text[0]
    assert "Saturdays are the busiest day" in text[1] or "Sundays are the busiest day" in text[1]
    assert "Tuesdays the quietest" in text[1]
    assert text[2].startswith("**The year:** the yearly curve peaks around") and "December" in text[2]
    fest = text[3]
    top = festival_effects(model)
    first = top.loc[top["part"] == "day", "festival"].iloc[0]
    assert first == "Double 11" and fest.index("Double 11") < fest.index("618")
    assert f"Double 11 {top.loc[top['regressor'] == 'Double 11', 'factor'].iloc[0]:.1f}x" in fest


def test_actions_name_the_festivals_ahead_and_the_range():
    nq = {"label": "2026-Q2", "start": pd.Timestamp("2026-04-01"), "end": pd.Timestamp("2026-06-30"),
          "forecast": 1_000_000.0, "lower": 800_000.0, "upper": 1_300_000.0}
    upcoming = pd.DataFrame({"festival": ["618", "Chinese New Year", "Valentine"],
                             "date": pd.to_datetime(["2026-06-18", "2026-02-17", "2026-02-14"]),
                             "factor": [2.5, 0.6, np.nan], "forecast": [40_000.0, 9_000.0, 12_000.0],
                             "lower": 0.0, "upper": 0.0})
    weekdays = pd.DataFrame({"weekday": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                             "factor": [0.9, 0.88, 0.95, 1.0, 1.05, 1.15, 1.12]})
    choice = {"chosen": "naive_week", "model_wins": False}
    a = forecast_actions(next_quarter=nq, upcoming=upcoming, weekdays=weekdays, choice=choice, currency="¥")
    assert a[0].startswith("Finance and buying: plan **2026-Q2** on ¥1,000,000") and "¥800,000" in a[0]
    assert "618 on 2026-06-18: about 2.5x an ordinary day, ¥40,000 expected" in a[1]
    assert "dip around Chinese New Year (2026-02-17: 0.60x" in a[2]
    assert "Saturdays (31% busier than Tuesdays)" in a[3]
    assert a[4].startswith("Analysts: the seasonal model did not beat")
    assert not any("Valentine" in x for x in a)  # no known effect: no action


def test_next_quarter_summary_for_the_index():
    nq = {"label": "2026-Q1", "start": pd.Timestamp("2026-01-01"), "end": pd.Timestamp("2026-03-31"),
          "forecast": 1234567.891, "lower": 1000000.0, "upper": 1500000.0}
    s = next_quarter_summary(nq, orders={"forecast": 5000.4, "lower": 4000.0, "upper": 6000.0},
                             customers_per_order=0.25, method="model", interval=0.8, currency="¥",
                             last_year=1100000.0)
    assert s["label"] == "2026-Q1" and s["revenue"] == 1234567.89
    assert (s["lower"], s["upper"], s["interval"]) == (1000000.0, 1500000.0, 0.8)
    assert s["orders"] == 5000 and s["active_customers"] == 1250 and s["last_year"] == 1100000.0
    assert s["method"] == "seasonal model with festivals" and "actual" not in s
    assert s["text"] == "2026-Q1: ¥1,234,568 (¥1,000,000 to ¥1,500,000)"

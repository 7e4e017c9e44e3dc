"""From fitted models to plans: horizon, totals, comparisons and segments, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.forecast import (
    Forecast,
    SalesForecaster,
    SeasonalNaive,
    active_customer_ratio,
    candidates,
    compare_with_actual,
    forecast_frame,
    forecast_table,
    forecast_window,
    history_start,
    make_forecast,
    period_sum,
    segment_forecasts,
    warm_started,
)
from crmkit.config.forecast import ForecastRules
from crmkit.errors import CrmkitError
from crmkit.periods import parse_period


def _forecast(values, start="2026-01-01", name="naive_week", paths=None, interval=0.8) -> Forecast:
    """A forecast with given daily points; paths default to three: the points -10%, 0, +10%.

    With three paths, numpy's 10% and 90% quantiles (an 80% interval) lie a fifth of the way
    from the outer paths to the middle one: 0.92 and 1.08 times the points.
    """
    days = pd.date_range(start, periods=len(values), name="date")
    v = np.asarray(values, dtype=float)
    if paths is None:
        paths = np.vstack([0.9 * v, v, 1.1 * v])
    daily = pd.DataFrame({"forecast": v, "median": v, "lower": 0.9 * v, "upper": 1.1 * v}, index=days)
    return Forecast(name=name, measure="revenue", daily=daily, paths=paths, interval=interval)


def test_forecast_window():
    days, qs = forecast_window("2025-12-30", quarters=2)
    assert (days[0], days[-1]) == (pd.Timestamp("2025-12-31"), pd.Timestamp("2026-06-30"))
    assert len(days) == 182 and [q.label for q in qs] == ["2026-Q1", "2026-Q2"]
    days, qs = forecast_window("2025-12-31", quarters=1)  # the quarter starts the next day
    assert (days[0], days[-1], qs[0].label) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"),
                                                "2026-Q1")
    days, qs = forecast_window("2025-08-15", quarters=1)  # the rest of Q3 is forecast too
    assert days[0] == pd.Timestamp("2025-08-16") and qs[0].label == "2025-Q4" and len(days) == 138


def test_history_start():
    assert history_start("1997-01-01", as_of="1997-12-31", rule="1997-04-01") == pd.Timestamp("1997-04-01")
    assert history_start("1997-01-01", as_of="1997-12-31") == pd.Timestamp("1997-01-01")
    # a report on a period before the rule's date: all the data there is
    assert history_start("1997-01-01", as_of="1997-04-20", rule="1997-04-01") == pd.Timestamp("1997-01-01")
    with pytest.raises(CrmkitError, match="at least 56 days"):
        history_start("1997-01-01", as_of="1997-01-31")


def test_totals_of_a_baseline_are_sums_of_its_points():
    fc = _forecast([1.0] * 31 + [2.0] * 28 + [3.0] * 31)  # Jan, Feb, Mar 2026
    t = fc.totals("M")
    assert t["forecast"].tolist() == [31.0, 56.0, 93.0]
    assert t["lower"].tolist() == pytest.approx([0.92 * 31, 0.92 * 56, 0.92 * 93])
    assert t["upper"].tolist() == pytest.approx([1.08 * 31, 1.08 * 56, 1.08 * 93])
    q = fc.total(parse_period("2026-Q1"))
    assert (q["label"], q["days"], q["forecast"]) == ("2026-Q1", 90, 180.0)
    assert (q["lower"], q["upper"]) == pytest.approx((0.92 * 180, 1.08 * 180))


def test_totals_of_a_model_are_medians_of_simulated_totals():
    v = np.ones(31)
    paths = np.vstack([v, 2 * v, 10 * v])  # the median path, not the mean, is the point
    fc = _forecast(v, name="model", paths=paths)
    assert fc.totals("M")["forecast"].tolist() == [62.0]
    assert fc.total(parse_period("2026-01"))["forecast"] == 62.0


def test_forecast_table_whole_months_and_active_customers():
    rev = _forecast([10.0] * 40, start="2026-01-25")  # 7 days of Jan, all of Feb, 5 of March
    orders = _forecast([2.0] * 40, start="2026-01-25")
    t = forecast_table(rev, orders, customers_per_order=0.5)
    assert list(t.index) == ["2026-02"] and t.loc["2026-02", "revenue"] == 280.0
    assert t.loc["2026-02", "orders"] == 56 and t.loc["2026-02", "active_customers"] == 28
    assert list(forecast_table(rev, whole_only=False).index) == ["2026-01", "2026-02", "2026-03"]


def test_active_customer_ratio_skips_partial_periods():
    m = pd.DataFrame({"orders": [10, 20, 30, 40], "active_customers": [5, 5, 15, 40],
                      "complete": [True, True, True, False]},
                     index=pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]))
    assert active_customer_ratio(m, periods=2) == pytest.approx(20 / 50)  # Feb and March
    q = pd.DataFrame({"orders": [100, 80], "active_customers": [30, 70], "complete": [True, False]},
                     index=pd.to_datetime(["2025-01-01", "2025-04-01"]))
    assert active_customer_ratio(q, freq="Q", periods=1) == pytest.approx(0.3)


def test_compare_with_actual():
    fc = _forecast([10.0] * 59)  # Jan and Feb 2026
    actual = pd.Series(np.r_[np.full(31, 10.5), np.full(28, 8.0)], index=pd.date_range("2026-01-01", periods=59))
    c = compare_with_actual(fc, actual)
    assert list(c.index) == ["2026-01", "2026-02"]
    assert c.loc["2026-01", "actual"] == 325.5 and c.loc["2026-01", "error"] == pytest.approx(310 / 325.5 - 1)
    assert bool(c.loc["2026-01", "inside"]) is True  # 325.5 within 285.2 .. 334.8
    assert bool(c.loc["2026-02", "inside"]) is False  # 224 below 257.6
    assert compare_with_actual(fc, actual.iloc[:40]).index.tolist() == ["2026-01"]  # February not over yet


def test_period_sum():
    s = pd.Series(1.0, index=pd.date_range("2025-01-01", "2025-12-31"))
    assert period_sum(s, parse_period("2025-Q2")) == 91.0
    assert period_sum(s, parse_period("2026-Q1"), years_back=1) == 90.0
    assert period_sum(s.iloc[5:], parse_period("2025-Q1")) is None


def test_segment_forecasts_add_up_to_the_total():
    days = pd.date_range("2025-01-01", periods=120)
    week = np.tile([1.0, 1, 1, 1, 1.2, 1.5, 1.4], 18)[:120]
    wide = pd.DataFrame({"app": 300 * week, "web": 100 * week}, index=days)
    wide.columns.name = "sales_channel"
    q = parse_period("2025-Q3")
    total = {"forecast": 50_000.0, "lower": 40_000.0, "upper": 60_000.0}
    seg = segment_forecasts(wide, SeasonalNaive(n_paths=20), horizon=90, period=q, total=total)
    assert seg["forecast"].sum() == pytest.approx(50_000.0)
    # the naive forecasts are 3:1, and the scaled forecasts keep that split
    assert seg.loc["app", "own_model"] == pytest.approx(3 * seg.loc["web", "own_model"])
    assert seg["share"].tolist() == pytest.approx([0.75, 0.25])
    assert seg["last_year"].isna().all()  # the data do not reach back to 2024-Q3


def test_forecast_frame_marks_festivals_and_rounds_orders():
    rev = _forecast([100.0] * 3, start="2026-11-10")
    orders = _forecast([4.4] * 3, start="2026-11-10")
    f = forecast_frame(rev, orders)
    assert f["festival"].tolist() == ["", "Double 11", ""]
    assert f["orders"].tolist() == [4, 4, 4] and f["orders"].dtype == np.int64
    assert list(f.columns) == ["date", "revenue", "revenue_lower", "revenue_upper", "orders", "orders_lower",
                               "orders_upper", "festival"]


def test_candidates_from_rules_and_warm_start():
    rules = ForecastRules(festival_windows={}, moving_average_days=14, interval=0.9)
    c = candidates(rules, festivals={"A": "01-01"}, spend=True)
    assert list(c) == ["model", "model_spend", "holt_winters", "naive_week", "naive_year", "moving_average"]
    assert c["model_spend"].use_spend and not c["model"].use_spend
    assert c["moving_average"].window == 14 and c["naive_year"].season_length == 364
    assert all(est.interval == 0.9 for est in c.values())
    assert "model_spend" not in candidates(rules.with_overrides(use_spend=False), spend=True)
    bt = pd.DataFrame()
    bt.attrs["params"] = {"model": np.array([0.01, 0.001])}
    warm = warm_started(c, bt)
    assert warm["model"].start_params.tolist() == [0.01, 0.001] and c["model"].start_params is None


def test_make_forecast_keeps_the_fitted_estimator():
    y = pd.Series(np.tile([5.0, 6, 7, 8, 9, 10, 11], 8), index=pd.date_range("2025-01-06", periods=56))
    f = make_forecast(SalesForecaster(festivals={}, festival_windows={}, n_paths=100), y, horizon=14,
                      name="model", measure="orders")
    assert f.paths.shape == (100, 14) and len(f.daily) == 14
    assert f.estimator.history_.equals(y) and f.label == "seasonal model with festivals"

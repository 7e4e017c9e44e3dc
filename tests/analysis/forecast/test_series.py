"""Sales series and calendar columns, checked by hand on tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.forecast import (
    calendar_regressors,
    daily_spend,
    outliers_left_out,
    sales_series,
    segment_series,
    yearly_terms,
)


@pytest.fixture
def orders() -> pd.DataFrame:
    """Eight orders over 2025-03-29 (Sat) .. 2025-04-02 (Wed).

    a: Sat 10, Sat 5 (same day), Wed 7      b: Sun 20, Mon returned 99, Mon 8 at 23:30
    c: Tue cancelled 50; outlier order of 9,000 flagged by cleaning on Tue
    """
    return pd.DataFrame({
        "order_id": list("12345678"),
        "customer_id": ["a", "a", "b", "b", "b", "c", "c", "a"],
        "order_date": pd.to_datetime(["2025-03-29 10:00", "2025-03-29 18:00", "2025-03-30", "2025-03-31",
                                      "2025-03-31 23:30", "2025-04-01", "2025-04-01", "2025-04-02"], format="ISO8601"),
        "revenue": [10.0, 5.0, 20.0, 99.0, 8.0, 50.0, 9000.0, 7.0],
        "status": ["completed", "completed", None, "returned", "completed", "cancelled", "completed",
                   "completed"],
        "sales_channel": ["app", "web", "app", "app", "store", "web", "web", None],
        "is_outlier": [False, False, False, False, False, False, True, False],
    })


def test_daily_series_counts_purchases_only_and_fills_empty_days(orders):
    s = sales_series(orders)
    assert list(s.index.strftime("%m-%d")) == ["03-29", "03-30", "03-31", "04-01", "04-02"]
    assert s["revenue"].tolist() == [15.0, 20.0, 8.0, 0.0, 7.0]  # return, cancellation, outlier out
    assert s["orders"].tolist() == [2, 1, 1, 0, 1]
    assert s["active_customers"].tolist() == [1, 1, 1, 0, 1]  # a's two Saturday orders: one customer
    assert s["days"].tolist() == [1] * 5
    with_outlier = sales_series(orders, exclude_outliers=False)
    assert with_outlier.loc["2025-04-01", "revenue"] == 9000.0


def test_weekly_and_monthly_series_label_periods_by_first_day(orders):
    w = sales_series(orders, freq="W")
    # Sat 29 + Sun 30 March are in the week of Monday 24 March; 31 March .. 2 April in the next
    assert list(w.index.strftime("%Y-%m-%d")) == ["2025-03-24", "2025-03-31"]
    assert w["revenue"].tolist() == [35.0, 15.0]
    assert w["active_customers"].tolist() == [2, 2]  # a, b; then b, a
    assert w["days"].tolist() == [2, 3]  # days of each week inside the data
    assert w["complete"].tolist() == [False, False]
    m = sales_series(orders, freq="M")
    assert m["revenue"].tolist() == [43.0, 7.0] and m["orders"].tolist() == [4, 1]
    assert m["active_customers"].tolist() == [2, 1]
    assert m["days"].tolist() == [3, 2] and not m["complete"].any()
    full = sales_series(orders, freq="M", start="2025-03-01", as_of="2025-04-30")
    assert full["days"].tolist() == [31, 30] and full["complete"].all()
    q = sales_series(orders, freq="Q")
    assert list(q.index.strftime("%Y-%m-%d")) == ["2025-01-01", "2025-04-01"]


def test_window_includes_the_whole_as_of_day(orders):
    s = sales_series(orders, start="2025-03-30", as_of="2025-03-31")
    assert s["revenue"].tolist() == [20.0, 8.0]  # 23:30 on the as_of day counts
    longer = sales_series(orders, start="2025-03-28", as_of="2025-04-04")
    assert len(longer) == 8 and longer["revenue"].sum() == 50.0
    assert longer.loc["2025-03-28", "orders"] == 0


def test_orders_after_as_of_do_not_change_the_series(orders):
    """Metamorphic: changing every order after the reference date leaves the series as it was."""
    before = sales_series(orders, as_of="2025-03-31")
    changed = orders.copy()
    later = changed["order_date"] >= "2025-04-01"
    changed.loc[later, "revenue"] *= 10
    changed.loc[later, "customer_id"] = "z"
    pd.testing.assert_frame_equal(sales_series(changed, as_of="2025-03-31"), before)


def test_series_rejects_unknown_frequency(orders):
    with pytest.raises(ValueError, match="freq"):
        sales_series(orders, freq="Y")


def test_segment_series_sums_to_the_total(orders):
    wide = segment_series(orders, by="sales_channel")
    assert list(wide.columns) == ["app", "store", "unknown", "web"]  # largest revenue first
    assert wide.sum(axis=1).tolist() == sales_series(orders)["revenue"].tolist()
    assert wide.loc["2025-03-29", "app"] == 10.0 and wide.loc["2025-03-29", "web"] == 5.0
    assert wide.loc["2025-04-02", "unknown"] == 7.0  # a missing channel is "unknown"
    small = segment_series(orders, by="sales_channel", max_segments=1)
    assert list(small.columns) == ["app", "other"]  # app 30 is the largest; the rest grouped
    counts = segment_series(orders, by="sales_channel", measure="orders")
    assert counts.to_numpy().sum() == 5


def test_segment_series_from_a_customer_column(orders):
    customers = pd.DataFrame({"customer_id": ["a", "b"], "region": ["East", "West"]})
    wide = segment_series(orders, by="region", customers=customers)
    assert wide["East"].sum() == 22.0 and wide["West"].sum() == 28.0
    with pytest.raises(KeyError, match="segment column"):
        segment_series(orders, by="nothing", customers=customers)


def test_outliers_left_out_counts_flagged_purchases(orders):
    assert outliers_left_out(orders) == 1
    assert outliers_left_out(orders, as_of="2025-03-31") == 0
    assert outliers_left_out(orders.drop(columns="is_outlier")) == 0


def test_weekday_columns_are_effect_coded():
    days = pd.date_range("2025-03-24", periods=14)  # two weeks from a Monday
    X = calendar_regressors(days, festivals={}, windows={})
    assert list(X.columns) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert X.loc["2025-03-24"].tolist() == [1, 0, 0, 0, 0, 0]
    assert X.loc["2025-03-30"].tolist() == [-1] * 6  # Sunday
    assert (X.sum() == 0).all()  # every effect sums to zero over whole weeks


def test_festival_days_and_windows():
    days = pd.date_range("2025-10-25", "2025-11-30")
    X = calendar_regressors(days, weekdays=False)  # the default calendar and windows
    assert set(X.columns) == {"Double 11", "Double 11 run-up", "Double 11 aftermath", "Black Friday"}
    assert X["Double 11"].sum() == 1 and X.loc["2025-11-11", "Double 11"] == 1
    run_up = X.index[X["Double 11 run-up"] > 0]
    assert (run_up.min(), run_up.max()) == (pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-10"))
    assert X.loc["2025-11-12", "Double 11 aftermath"] == 1 and X["Double 11 aftermath"].sum() == 1
    assert X.loc["2025-11-28", "Black Friday"] == 1  # the day after the fourth Thursday
    # a run-up reaching back from a festival just after the window still shows
    edge = calendar_regressors(pd.date_range("2025-11-05", "2025-11-08"), weekdays=False)
    assert edge["Double 11 run-up"].tolist() == [1, 1, 1, 1] and "Double 11" not in edge


def test_own_festivals_and_overlapping_windows():
    days = pd.date_range("2025-01-01", "2025-01-10")
    X = calendar_regressors(days, festivals={"A": "01-05", "B": "01-06"}, windows={"A": (0, 2), "B": (2, 0)},
                            weekdays=False)
    assert X.loc["2025-01-06"].to_dict() == {"A": 0, "A aftermath": 1, "B": 1, "B run-up": 0}
    assert X.loc["2025-01-05"].to_dict() == {"A": 1, "A aftermath": 0, "B": 0, "B run-up": 1}


def test_yearly_terms_and_daily_spend():
    F = yearly_terms(pd.DatetimeIndex(["2025-04-02"]), harmonics=2)  # day 92, a quarter of a year
    t = 2 * np.pi * 92 / 365.25
    assert F.iloc[0].tolist() == pytest.approx([np.cos(t), np.sin(t), np.cos(2 * t), np.sin(2 * t)])
    spend = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-03"]),
                          "channel": ["a", "b", "a"], "spend": [1.0, 2.5, 4.0]})
    s = daily_spend(spend, pd.date_range("2025-01-01", "2025-01-04"))
    assert s.tolist() == [3.5, 0.0, 4.0, 0.0]

"""Behaviour measures on hand-made frames, CDNOW's published numbers and the demo's planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import behaviour as B
from crmkit.calendar import festival_calendar
from crmkit.data.bundled import load_cdnow
from crmkit.periods import parse_period

# conftest.tiny_orders purchases: c1 2025-01-10 (100), 04-05 (50), 04-20 (150); c2 02-01 (80);
# c3 05-01 (30), 06-30 23:00 (70); c4 07-01 (20). (c2's return and c4's cancellation are not purchases.)


def test_trailing_window():
    assert B.trailing_window(parse_period("2025-Q4")).label == "2025-01-01_2025-12-31"
    w = B.trailing_window(parse_period("2025-Q4"), months=12, data_start="2025-03-15")
    assert (w.start, w.end) == (pd.Timestamp("2025-03-15"), pd.Timestamp("2025-12-31"))
    assert B.trailing_window(parse_period("2024"), months=3).start == pd.Timestamp("2024-01-01")


def test_purchase_frequency(tiny_orders):
    f = B.purchase_frequency(tiny_orders, cap=3)
    # all time: c1 3 orders, c2 1, c3 2, c4 1
    assert f["customers"].tolist() == [2, 1, 1] and f["label"].tolist() == ["1", "2", "3+"]
    assert f["share"].tolist() == [0.5, 0.25, 0.25] and f["cumulative_share"].iloc[-1] == 1.0
    q2 = B.purchase_frequency(tiny_orders, start="2025-04-01", as_of="2025-06-30", cap=3)
    assert q2["customers"].tolist() == [0, 2, 0]  # c1 and c3 twice each


def test_order_values_and_stats(tiny_orders):
    o = tiny_orders.assign(is_outlier=tiny_orders["order_id"] == "o3")
    v = B.order_values(o)
    assert sorted(v.tolist()) == [20.0, 30.0, 50.0, 70.0, 80.0, 100.0]  # o3 (150) flagged
    assert len(B.order_values(o, exclude_outliers=False)) == 7
    s = B.order_value_stats(v)
    assert s["orders"] == 6 and s["mean"] == 350 / 6 and s["median"] == 60 and s["max"] == 100
    assert s["p25"] == 35.0  # linear interpolation between 30 and 50


def test_repeat_gaps_count_purchase_days(tiny_orders):
    extra = pd.DataFrame({"order_id": ["o10"], "customer_id": ["c1"], "revenue": [5.0], "status": "completed",
                          "order_date": pd.to_datetime(["2025-04-05 20:00"])})
    g = B.repeat_gaps(pd.concat([tiny_orders, extra], ignore_index=True))
    # the second order on Apr 5 is the same visit
    assert g[["customer_id", "purchase_number", "gap_days"]].values.tolist() == [
        ["c1", 2, 85], ["c1", 3, 15], ["c3", 2, 60]]
    assert B.repeat_gaps(tiny_orders, as_of="2025-04-30")["gap_days"].tolist() == [85, 15]


def test_time_to_second_purchase_and_summary(tiny_orders):
    t = B.time_to_second_purchase(tiny_orders, as_of="2025-07-31")
    # c1 Jan 10 -> Apr 5 = 85 days; c2 censored Feb 1 -> Jul 31 = 180; c3 May 1 -> Jun 30 = 60; c4 censored 30
    assert t["days"].to_dict() == {"c1": 85, "c2": 180, "c3": 60, "c4": 30}
    assert t["reordered"].tolist() == [True, False, True, False]
    assert t.loc["c3", "second_purchase"] == pd.Timestamp("2025-06-30")
    s = B.repeat_summary(tiny_orders, as_of="2025-07-31", horizon_days=90)
    # Kaplan-Meier: at day 60, 3 at risk (c4 left at 30) -> 2/3; at day 85, 2 at risk -> 1/3
    assert s["customers"] == 4 and s["repeat_customers"] == 2 and s["one_time_share"] == 0.5
    assert s["median_days_to_second"] == 72.5 and s["median_gap_days"] == 60
    assert s["reorder_within_horizon"] == pytest.approx(2 / 3)
    assert s["km_median_days_to_second"] == 85
    late = B.repeat_summary(tiny_orders, as_of="2025-07-31", start="2025-04-01")
    assert late["customers"] == 2 and late["repeat_customers"] == 1  # c3 and c4


def test_daily_weekday_and_month_profiles(tiny_orders):
    d = B.daily_orders(tiny_orders, start="2025-06-29", as_of="2025-07-02")
    assert d["orders"].tolist() == [0, 1, 1, 0] and d.index[0] == pd.Timestamp("2025-06-29")
    daily = pd.DataFrame({"orders": [10] * 5 + [20, 20] + [10] * 5 + [20, 20], "revenue": 0.0},
                         index=pd.date_range("2025-01-06", periods=14, freq="D", name="day"))  # from a Monday
    w = B.weekday_profile(daily)
    assert w["mean_orders"].tolist() == [10] * 5 + [20, 20] and w["days"].tolist() == [2] * 7
    assert w["index"].iloc[0] == pytest.approx(10 / (90 / 7))
    assert B.weekend_ratio(w) == 2.0
    w2 = B.weekday_profile(daily, exclude=["2025-01-11"])  # one Saturday left out
    assert w2.loc[5, "days"] == 1
    m = B.month_profile(daily)
    assert m[["year", "month", "days"]].values.tolist() == [[2025, 1, 14]]
    assert m["orders_per_day"].iloc[0] == pytest.approx(180 / 14) and m["index"].iloc[0] == 1.0


def test_weekday_hour_counts(tiny_orders):
    h = B.weekday_hour_counts(tiny_orders)
    assert len(h) == 168 and h["orders"].sum() == 7
    # 2025-06-30 23:00 is a Monday
    assert h.loc[(h["weekday"] == 0) & (h["hour"] == 23), "orders"].item() == 1
    assert not B.has_time_of_day(tiny_orders.iloc[:2]) and B.has_time_of_day(tiny_orders)


def test_festival_lift_against_the_median_day():
    idx = pd.date_range("2025-10-01", "2025-12-31", freq="D", name="day")
    orders = pd.Series(10, index=idx)
    orders["2025-11-11"] = 40
    orders["2025-11-28"] = 25  # Black Friday, excluded from the Double 11 baseline
    orders["2025-11-05"] = 100  # one busy day does not move a median
    f = B.festival_lift(pd.DataFrame({"orders": orders, "revenue": 1.0})).set_index("festival")
    assert f.loc["Double 11", "baseline_orders"] == 10 and f.loc["Double 11", "lift"] == 4.0
    assert f.loc["Black Friday", "lift"] == 2.5
    assert f.loc["Double 12", "lift"] == 1.0  # Dec 12: only 19 days after it in the data, still enough
    short = B.festival_lift(pd.DataFrame({"orders": orders.loc["2025-11-05":"2025-11-12"], "revenue": 1.0}))
    assert short.empty  # fewer than 14 baseline days


@pytest.fixture
def basket(tiny_orders):
    items = pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o9"],
        "product_id": ["p1", "p2", "p1", "p3", "p2", "p1", "p3", "p3", "p9"],
        "quantity": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "unit_price": [60.0, 20.0, 50.0, 150.0, 80.0, 40.0, 30.0, 70.0, 20.0],
    })
    products = pd.DataFrame({"product_id": ["p1", "p2", "p3"], "category": ["books", "food", "toys"],
                             "product_name": ["Novel", "Tea", "Kite"]})
    return tiny_orders, items, products


def test_category_revenue_mix_and_first_category(basket):
    orders, items, products = basket
    cr = B.category_revenue(orders, items, products)
    # o5 is a return (left out); p9 is not in the catalogue -> unknown
    exp = pd.DataFrame({
        "customer_id": ["c1", "c1", "c1", "c2", "c3", "c4"],
        "category": ["books", "food", "toys", "food", "toys", "unknown"],
        "revenue": [110.0, 40.0, 150.0, 80.0, 100.0, 20.0],
        "share": [110 / 300, 40 / 300, 150 / 300, 1.0, 1.0, 1.0],
    })
    pd.testing.assert_frame_equal(cr, exp, check_dtype=False)
    assert B.favourite_category(cr).to_dict() == {"c1": "toys", "c2": "food", "c3": "toys", "c4": "unknown"}
    mix = B.category_mix(cr, groups=pd.Series({"c1": "A", "c2": "A"})).set_index(["group", "category"])
    assert mix.loc[("A", "food"), "customers"] == 2 and mix.loc[("A", "food"), "customer_share"] == 1.0
    assert mix.loc[("A", "food"), "revenue_share"] == pytest.approx(120 / 380)
    assert mix.loc[("unknown", "toys"), "revenue"] == 100
    first = B.first_purchase_category(orders, items, products)
    # c1's first order o1: books 60 vs food 40
    assert first.to_dict() == {"c1": "books", "c2": "food", "c3": "toys", "c4": "unknown"}
    share = B.first_category_share(first)
    assert share["customers"].tolist() == [1, 1, 1, 1] and share["category"].iloc[0] == "books"
    s = B.category_summary(cr, first_cat=first).set_index("category")
    assert s.loc["toys", "customers"] == 2 and s.loc["toys", "customer_share"] == 0.5
    assert s.loc["toys", "favourite_share"] == 0.5 and s.loc["books", "first_purchase_share"] == 0.25
    assert s.index[0] == "toys"  # most revenue (250)


@pytest.fixture
def events():
    rows = [  # session, customer, channel, event, product
        ("s1", "a", "search", "view", "p1"), ("s1", "a", "search", "click", "p1"),
        ("s1", "a", "search", "add_to_cart", "p1"), ("s1", "a", "search", "purchase", "p1"),
        ("s2", "a", "social", "view", "p2"), ("s2", "a", "social", "click", "p2"),
        ("s3", "b", "social", "view", "p2"),
        ("s4", "b", "search", "view", "p1"), ("s4", "b", "search", "purchase", "p1"),  # steps not logged
        ("s5", "c", "social", "view", "p2"), ("s5", "c", "social", "click", "p2"),
        ("s5", "c", "social", "add_to_cart", "p2"),
    ]
    d = pd.DataFrame(rows, columns=["session_id", "customer_id", "channel", "event_type", "product_id"])
    d["timestamp"] = pd.Timestamp("2025-05-01")
    return d


def test_event_funnel_sessions_customers_and_channels(events):
    f = B.event_funnel(events)
    # furthest stage per session: s1 purchase, s2 click, s3 view, s4 purchase, s5 add_to_cart
    assert f["units"].tolist() == [5, 4, 3, 2]
    assert f["share_of_start"].tolist() == [1.0, 0.8, 0.6, 0.4]
    assert f["step_conversion"].tolist() == [1.0, 0.8, 0.75, 2 / 3]
    c = B.event_funnel(events, unit="customer")  # a purchase, b purchase, c add to cart
    assert c["units"].tolist() == [3, 3, 3, 2]
    by = B.event_funnel(events, by="channel").set_index(["channel", "stage"])
    assert by.loc["social", "units"].tolist() == [3, 2, 1, 0]
    assert by.loc["search", "units"].tolist() == [2, 2, 2, 2]


def test_viewed_not_bought(events):
    products = pd.DataFrame({"product_id": ["p1", "p2"], "category": ["books", "toys"],
                             "product_name": ["Novel", "Kite"]})
    v = B.viewed_not_bought(events, products=products)
    assert v.columns.tolist() == ["product_id", "product_name", "category", "viewers", "buyers",
                                  "viewers_not_buying", "conversion"]
    assert v[["product_id", "viewers", "buyers", "viewers_not_buying"]].values.tolist() == [
        ["p2", 3, 0, 3], ["p1", 2, 2, 0]]


def test_behaviour_findings_sentences(tiny_orders, events):
    freq = B.purchase_frequency(tiny_orders, cap=3)
    rep = B.repeat_summary(tiny_orders, as_of="2025-07-31")
    f = B.behaviour_findings(frequency=freq, repeat=rep, funnel=B.event_funnel(events),
                             values=B.order_value_stats(B.order_values(tiny_orders)))
    assert f[0] == "Of the 4 customers who bought, **50% placed a single order**; 0% placed more than three."
    assert f[1] == "Half of the orders are below ¥70 (mean ¥71; 90% are below ¥120)."
    assert f[2].startswith("**50% of customers have not (yet) come back** after their first purchase day; "
                           "those who did took a median of 72 days")
    assert "67% of new customers buy again within 90 days" in f[3]
    assert f[4] == ("In the web funnel, 40% of the sessions that viewed a product went on to buy; the weakest "
                    "step is add to cart -> purchase (67% continue).")


# --------------------------------------------------------------------------- published and planted numbers
def test_cdnow_sample_one_time_buyers_match_the_bg_nbd_paper():
    # Fader, Hardie & Lee (2005): of the 2,357 sample customers, 1,411 made no repeat purchase in
    # the 39-week calibration period (to 1997-09-30; purchases counted by day).
    o = load_cdnow("sample").orders
    t = B.time_to_second_purchase(o, as_of="1997-09-30")
    # crmkit does not count the 8 zero-value records as purchases: 8 customers have none
    assert len(t) == 2349 and (~t["reordered"]).sum() == 1403
    t = B.time_to_second_purchase(o.assign(revenue=o["revenue"].clip(lower=0.01)), as_of="1997-09-30")
    assert len(t) == 2357 and (~t["reordered"]).sum() == 1411


@pytest.fixture(scope="module")
def demo(demo_prepared):
    return demo_prepared.dataset


@pytest.fixture(scope="module")
def demo_daily(demo):
    return B.daily_orders(demo.orders, as_of="2025-12-30")


def test_demo_weekend_factor_matches_planted(demo, demo_daily):
    cal = festival_calendar("2024-01-01", "2025-12-31")
    w = B.weekday_profile(demo_daily, exclude=cal["date"])
    planted = demo.truth["seasonality"]["weekday"]  # Mon..Sun 0.92 ... 1.13
    expected = np.mean([planted["Sat"], planted["Sun"]]) / np.mean([planted[d] for d in B.WEEKDAYS[:5]])
    assert expected == pytest.approx(1.2076, abs=1e-3)
    assert B.weekend_ratio(w) == pytest.approx(expected, abs=0.04)
    assert w.loc[w["index"].idxmin(), "weekday_name"] in ("Mon", "Tue")  # planted lowest: Tue 0.90


def test_demo_festivals_stand_out_as_planted(demo, demo_daily):
    lift = B.festival_lift(demo_daily)
    mean = lift.groupby("festival")["lift"].mean()
    # planted x4.0 on Double 11 (the biggest), x2.5 on 618, x2.0 on Double 12, x1.8 Black Friday,
    # x0.55 around Chinese New Year
    assert mean.idxmax() == "Double 11" and mean["Double 11"] > 3
    d11 = lift.loc[lift["festival"] == "Double 11", "orders"]
    median_day = demo_daily["orders"].median()
    assert (d11 > 3 * median_day).all()
    assert mean["Chinese New Year"] < 0.85
    cmp = B.compare_with_planted(demo.truth, festivals=lift).set_index("measure")
    for name in ("Double 11", "618", "Double 12", "Black Friday"):
        row = cmp.loc[f"{name}: orders vs median day"]
        assert row["measured"] == pytest.approx(row["planted"], rel=0.12), name


def test_demo_hours_and_funnel_match_planted(demo):
    cmp = B.compare_with_planted(
        demo.truth, hours=B.weekday_hour_counts(demo.orders),
        funnel=B.event_funnel(demo.events, by="channel")).set_index("measure")
    assert cmp.loc["peak hour", "measured"] == cmp.loc["peak hour", "planted"] == 21
    steps = cmp.loc[cmp.index.str.contains(" to ")]
    assert len(steps) == 12  # 4 traffic channels x 3 steps
    assert steps["difference"].abs().max() < 0.01


# --------------------------------------------------------------------------- charts
def test_behaviour_charts_draw_the_numbers(tiny_orders, events):
    from crmkit.analysis.stats import kaplan_meier
    from crmkit.plots import behaviour as PB

    f = B.purchase_frequency(tiny_orders, cap=3)
    ax = PB.plot_purchase_frequency(f)
    assert [p.get_height() for p in ax.patches] == [0.5, 0.25, 0.25]
    t = B.time_to_second_purchase(tiny_orders, as_of="2025-07-31")
    ax = PB.plot_reorder_curve(kaplan_meier(t["days"], t["reordered"]), horizon_days=90)
    assert ax.get_lines()[0].get_ydata()[-1] == pytest.approx(2 / 3)
    assert any("67% by day 90" in x.get_text() for x in ax.texts)
    h = B.weekday_hour_counts(tiny_orders)
    ax = PB.plot_weekday_hour(h)
    assert ax.collections[0].get_array().shape == (7, 24)
    ax = PB.plot_funnel(B.event_funnel(events, by="channel"), by="channel")
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["search", "social"]
    lift = pd.DataFrame({"festival": ["Double 11", "Chinese New Year"], "lift": [3.5, 0.6],
                         "date": pd.to_datetime(["2025-11-11", "2025-01-29"])})
    ax = PB.plot_festival_lift(lift)
    assert [round(p.get_width(), 1) for p in ax.patches] == [3.5, 0.6]

"""Cohorts, retention curves and Kaplan-Meier, checked by hand and against the demo's truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import lifecycle as C
from crmkit.data.bundled import load_cdnow
from crmkit.data.purchases import purchases as completed_orders

# conftest.tiny_orders purchases: c1 2025-01-10 (100), 04-05 (50), 04-20 (150); c2 02-01 (80);
# c3 05-01 (30), 06-30 23:00 (70); c4 07-01 (20). (c2's return and c4's cancellation are not purchases.)


def _ts(*days):
    return pd.to_datetime(list(days)).as_unit("us")


def test_cohort_table_hand_computed(tiny_orders):
    t = C.cohort_table(tiny_orders, as_of="2025-06-30")
    # last observable month is June: Jan cohort k=0..5, Feb k=0..4, May k=0..1; c4 (July) is after the end
    exp = pd.DataFrame({
        "cohort": _ts(*["2025-01-01"] * 6, *["2025-02-01"] * 5, *["2025-05-01"] * 2),
        "period_number": [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 0, 1],
        "cohort_customers": [1] * 13,
        "customers": [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1],  # c1 back in April (k=3); c3 in June
        "revenue": [100.0, 0, 0, 200, 0, 0, 80, 0, 0, 0, 0, 30, 70],
    })
    exp["retention"] = exp["customers"] / 1.0
    exp["revenue_retention"] = [1.0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1, 70 / 30]
    pd.testing.assert_frame_equal(t, exp)


def test_cohort_table_quarters_and_default_end(tiny_orders):
    t = C.cohort_table(tiny_orders, freq="Q")
    # Q1: c1, c2 (180); Q2: c1 back (200); Q2 cohort c3 (100); Q3 cohort c4 (20); data ends in Q3
    assert t["cohort"].tolist() == list(_ts("2025-01-01", "2025-01-01", "2025-01-01", "2025-04-01",
                                            "2025-04-01", "2025-07-01"))
    assert t["period_number"].tolist() == [0, 1, 2, 0, 1, 0]
    assert t["cohort_customers"].tolist() == [2, 2, 2, 1, 1, 1]
    assert t["customers"].tolist() == [2, 1, 0, 1, 0, 1]
    assert t["revenue"].tolist() == [180.0, 200.0, 0.0, 100.0, 0.0, 20.0]
    assert t["retention"].tolist() == [1.0, 0.5, 0.0, 1.0, 0.0, 1.0]


def test_cohort_table_outlier_revenue_left_out_but_purchase_counts(tiny_orders):
    o = tiny_orders.assign(is_outlier=tiny_orders["order_id"] == "o3")  # c1's 150 in April
    t = C.cohort_table(o, as_of="2025-06-30")
    jan = t.loc[t["cohort"] == "2025-01-01"].set_index("period_number")
    assert jan.loc[3, "customers"] == 1 and jan.loc[3, "revenue"] == 50.0
    assert C.cohort_table(o, as_of="2025-06-30", exclude_outliers=False)["revenue"].sum() == 480.0


def test_cohort_table_empty_and_bad_freq(tiny_orders):
    t = C.cohort_table(tiny_orders.iloc[:0])
    assert t.empty and list(t.columns)[:3] == ["cohort", "period_number", "cohort_customers"]
    with pytest.raises(ValueError, match="freq"):
        C.cohort_table(tiny_orders, freq="W")


def _reference_cohorts(orders, end):
    """Plain pandas version (slow but obvious) of the customer counts and revenue."""
    p = completed_orders(orders)
    p = p.loc[p["order_date"] < pd.Timestamp(end) + pd.Timedelta(days=1)]
    month = p["order_date"].dt.to_period("M")
    first = month.groupby(p["customer_id"]).transform("min")
    k = (month - first).apply(lambda x: x.n)
    d = pd.DataFrame({"cohort": first.dt.start_time.astype("datetime64[us]"), "period_number": k,
                      "customer_id": p["customer_id"], "revenue": p["revenue"]})
    return d.groupby(["cohort", "period_number"]).agg(customers=("customer_id", "nunique"),
                                                      revenue=("revenue", "sum"))


def test_cohort_table_matches_plain_pandas_on_cdnow():
    orders = load_cdnow("master").orders
    fast = C.cohort_table(orders, as_of="1998-06-30").set_index(["cohort", "period_number"])
    ref = _reference_cohorts(orders, "1998-06-30")
    got = fast.loc[fast["customers"] > 0, ["customers", "revenue"]]
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)
    # 18 months observed for the January 1997 cohort: every cell present, zeros included
    assert len(fast.loc["1997-01-01"]) == 18


def test_cohort_summary_hand_computed(tiny_orders):
    s = C.cohort_summary(tiny_orders, as_of="2025-06-30")
    exp = pd.DataFrame({
        "customers": [1, 1, 1],
        "one_time_share": [0.0, 1.0, 0.0],
        "avg_days_first_to_last": [100.0, 0.0, 60.0],  # c1 Jan 10 -> Apr 20; c3 May 1 -> Jun 30
        "revenue_per_customer": [300.0, 80.0, 100.0],
    }, index=pd.Index(_ts("2025-01-01", "2025-02-01", "2025-05-01"), name="cohort"))
    pd.testing.assert_frame_equal(s, exp)


def test_retention_curves_hand_computed(tiny_orders):
    groups = pd.Series({"c1": "A", "c2": "A", "c3": "B"})  # c4 has no label
    r = C.retention_curves(tiny_orders, groups=groups)
    # data ends in July. A: c1 (Jan, 6 months observable), c2 (Feb, 5); c1 active again at k=3
    a = r.loc[r["group"] == "A"]
    assert a["customers"].tolist() == [2, 2, 2, 2, 2, 2, 1]
    assert a["active"].tolist() == [2, 0, 0, 1, 0, 0, 0]
    b = r.loc[r["group"] == "B"]  # c3 (May): active in May and June
    assert b["customers"].tolist() == [1, 1, 1] and b["active"].tolist() == [1, 1, 0]
    u = r.loc[r["group"] == "unknown"]
    assert u[["period_number", "customers", "active"]].values.tolist() == [[0, 1, 1]]
    assert r["retention"].tolist() == (r["active"] / r["customers"]).tolist()


def test_retention_curves_without_groups_pool_everyone(tiny_orders):
    r = C.retention_curves(tiny_orders, as_of="2025-06-30")
    assert set(r["group"]) == {"all"}
    assert r.loc[r["period_number"] == 1, ["customers", "active"]].values.tolist() == [[3, 1]]


def test_customer_lifetimes_censor_at_the_churn_horizon(tiny_orders):
    lt = C.customer_lifetimes(tiny_orders, as_of="2025-09-30", churn_days=180)
    # horizon 2025-04-03: c1 (last Apr 20) not yet churned -> censored at Jan 10 -> Apr 3 = 83 days;
    # c2 bought once on Feb 1 -> churned, lifetime 0; c3, c4 acquired after the horizon: left out
    assert lt.index.tolist() == ["c1", "c2"]
    assert lt["lifetime_days"].tolist() == [100, 0]
    assert lt["churned"].tolist() == [False, True]
    assert lt["duration_days"].tolist() == [83, 0]


# Freireich et al. (1963) 6-MP arm, remission times in weeks (+ = censored), the textbook example
# of Klein & Moeschberger (2003), section 4.2, Table 4.1A.
SIX_MP = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [True] * 9 + [False] * 12


def test_survival_by_group_and_summary():
    lt = pd.DataFrame({"duration_days": SIX_MP + [1, 2, 3], "churned": SIX_MP_EVENT + [True] * 3},
                      index=[f"x{i}" for i in range(24)])
    groups = pd.Series("six-mp", index=lt.index[:21])
    s = C.survival_by_group(lt, groups=groups)
    assert set(s["group"]) == {"six-mp", "unknown"}
    summary = C.survival_summary(s, at=(12, 40))
    assert summary.loc["six-mp", "customers"] == 21 and summary.loc["six-mp", "churned"] == 9
    assert summary.loc["six-mp", "median_days"] == 23
    assert summary.loc["six-mp", "still_buying_12d"] == pytest.approx(0.753, abs=5e-4)
    assert np.isnan(summary.loc["six-mp", "still_buying_40d"])  # beyond the longest time (35)
    assert summary.loc["unknown", "median_days"] == 2
    assert C.survival_by_group(lt, groups=groups, min_customers=5)["group"].unique().tolist() == ["six-mp"]


def test_cohort_findings_sentences(tiny_orders):
    t = C.cohort_table(tiny_orders, as_of="2025-06-30")
    s = C.cohort_summary(tiny_orders, as_of="2025-06-30")
    f = C.cohort_findings(t, s, horizon=3)
    assert f[0].startswith("Of 3 customers acquired so far, **33%** have bought on one day only")
    assert "53 days pass" in f[0]  # (100 + 0 + 60) / 3
    assert "**33%** of a cohort buys again in the month after" in f[1]  # k=1: only May (c3 in June)
    assert "from 0% (cohort 2025-02) to 100% (cohort 2025-01)" in f[2]


def test_survival_findings():
    s = pd.DataFrame({"customers": [100, 300, 10], "churned": [1, 2, 3], "median_days": [1.0, 2, 3],
                      "still_buying_365d": [0.6, 0.4, 0.9]}, index=pd.Index(["a", "b", "tiny"], name="group"))
    f = C.survival_findings(s, churn_days=180)
    assert "**45%**" in f[0] and "60% of **a**" in f[1] and "40% of **b**" in f[1]
    assert C.survival_findings(s.assign(still_buying_365d=np.nan), churn_days=180) == []
    short = s.assign(still_buying_365d=np.nan, still_buying_180d=[0.5, 0.7, 0.1])
    assert C.survival_findings(short, churn_days=90)[0].startswith(
        "180 days after their first purchase, an estimated **65%**")


# --------------------------------------------------------------------------- planted truth of the demo
@pytest.fixture(scope="module")
def demo(demo_prepared):
    return demo_prepared.dataset


def test_demo_referral_and_search_cohorts_retain_better_than_social(demo):
    channel = demo.customers.set_index("customer_id")["acquisition_channel"]
    r = C.retention_curves(demo.orders, groups=channel, as_of="2025-12-31")
    # planted: referral and search bring more VIPs (high purchase rates, low dropout), social
    # more occasional buyers; average retention over months 1-6 after acquisition
    m = r.loc[r["period_number"].between(1, 6)].groupby("group")["retention"].mean()
    assert m["referral"] > m["social"] + 0.10
    assert m["search"] > m["social"] + 0.05
    assert m.drop("unknown", errors="ignore").idxmin() == "social"
    lt = C.customer_lifetimes(demo.orders, as_of="2025-12-31", churn_days=180)
    surv = C.survival_summary(C.survival_by_group(lt, groups=channel, min_customers=100))
    assert surv.loc["referral", "still_buying_180d"] > surv.loc["social", "still_buying_180d"]
    assert surv.loc["search", "still_buying_180d"] > surv.loc["social", "still_buying_180d"]


def test_demo_cohort_table_sizes_match_first_purchases(demo):
    t = C.cohort_table(demo.orders, as_of="2025-12-31")
    first = completed_orders(demo.orders).groupby("customer_id")["order_date"].min()
    sizes = t.loc[t["period_number"] == 0].set_index("cohort")["cohort_customers"]
    assert sizes.sum() == len(first) and len(sizes) == 24
    assert (t.loc[t["period_number"] == 0, "retention"] == 1).all()


# --------------------------------------------------------------------------- charts
def test_cohort_heatmap_is_cohorts_by_periods(tiny_orders):
    from crmkit.plots import lifecycle as PL

    t = C.cohort_table(tiny_orders, as_of="2025-06-30")
    ax = PL.plot_cohort_heatmap(t, value="retention")
    mesh = ax.collections[0]
    assert mesh.get_array().shape == (3, 6)  # Jan, Feb, May cohorts x months 0..5
    assert [tl.get_text() for tl in ax.get_yticklabels()] == ["2025-01", "2025-02", "2025-05"]
    assert ax.get_title() == "Customer retention by acquisition cohort"


def test_retention_and_survival_charts(tiny_orders):
    from crmkit.plots import lifecycle as PL

    r = C.retention_curves(tiny_orders, groups=pd.Series({"c1": "A", "c2": "A", "c3": "B", "c4": "B"}))
    ax = PL.plot_retention_curves(r, min_customers=1)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["A", "B"]
    lt = pd.DataFrame({"duration_days": SIX_MP, "churned": SIX_MP_EVENT}, index=range(21))
    ax = PL.plot_survival(C.survival_by_group(lt))
    (line,) = ax.get_lines()
    assert line.get_ydata()[0] == 1.0 and line.get_ydata()[-1] == pytest.approx(0.448, abs=5e-4)
    assert ax.get_legend().get_texts()[0].get_text() == "all (21)"


def test_survival_on_too_recent_customers_is_empty_not_an_error(tiny_orders):
    lt = C.customer_lifetimes(tiny_orders, as_of="2025-03-01", churn_days=180)
    assert lt.empty
    s = C.survival_summary(C.survival_by_group(lt))
    assert s.empty and s.columns.tolist() == ["customers", "churned", "median_days", "still_buying_90d",
                                              "still_buying_180d", "still_buying_365d"]
    assert C.survival_findings(s, churn_days=180) == []


def test_retention_chart_without_history_says_so(tiny_orders):
    import warnings

    from crmkit.plots import lifecycle as PL

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = PL.plot_retention_curves(C.retention_curves(tiny_orders, as_of="2025-01-31"))
    assert ax.texts[0].get_text().startswith("Not enough history yet")

"""Value per acquired customer: order values, value curves, payback, lifetime value, LTV:CAC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.channels import (
    MONTH_DAYS,
    acquired_customers,
    channel_summary,
    channel_value,
    lifetime_values,
    order_values,
    payback_months,
    value_curves,
)
from crmkit.data.synthetic import make_demo


def _acq(rows):
    return pd.DataFrame([{"customer_id": c, "acquisition_channel": ch, "acquired_at": pd.Timestamp(d)}
                         for c, ch, d in rows]).set_index("customer_id")


def test_order_values_margin_and_revenue():
    o = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["x", "x", "y"],
                      "order_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
                      "revenue": [100.0, 50.0, 80.0], "cost": [60.0, 30.0, 40.0], "discount": [10.0, 0.0, 0.0],
                      "shipping_cost": [5.0, 5.0, 0.0], "status": ["completed", "completed", "returned"]})
    v, used = order_values(o, as_of="2025-01-31")
    assert used == "margin" and v["value"].tolist() == [25.0, 15.0]  # the returned order is no purchase
    v, used = order_values(o, as_of="2025-01-31", revenue_includes_discount=True)
    assert v["value"].tolist() == [35.0, 15.0]
    v, used = order_values(o, as_of="2025-01-31", basis="revenue")
    assert used == "revenue" and v["value"].tolist() == [100.0, 50.0]
    v, used = order_values(o.drop(columns=["cost"]), as_of="2025-01-31")
    assert used == "revenue" and v["value"].tolist() == [100.0, 50.0]  # no product cost: no margin


def test_value_curves_count_only_months_lived_in_full():
    # by the end of 2025-05-01 (121 days), a has lived 3 full months of 365.25 / 12 days; b (62 days) 2
    a = _acq([("a", "x", "2025-01-01"), ("b", "x", "2025-03-01"), ("c", "y", "2025-04-20")])
    v = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
                      "order_date": pd.to_datetime(["2025-01-01", "2025-03-15", "2025-03-01", "2025-04-25",
                                                    "2025-04-20"]),
                      "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    c = value_curves(v, acquired=a, as_of="2025-05-01", months=6)
    x = c.loc[c["channel"] == "x"].set_index("month")
    # month 1: a 10, b 30 -> 20; month 2: a 0, b 40 (55 days after acquisition) -> 20;
    # month 3: a 20 (73 days) -> 20, b not observed
    assert x["customers"].tolist() == [2, 2, 1]
    assert x["value_per_customer"].tolist() == pytest.approx([20.0, 20.0, 20.0])
    assert x["cumulative_value"].tolist() == pytest.approx([20.0, 40.0, 60.0])
    assert "y" not in set(c["channel"])  # c has not lived a whole month yet


def test_payback_is_the_first_month_reaching_cac():
    curves = pd.DataFrame({"channel": ["x"] * 3 + ["y"] * 2, "month": [1, 2, 3, 1, 2],
                           "cumulative_value": [10.0, 29.9, 30.0, 40.0, 50.0]})
    p = payback_months(curves, pd.Series({"x": 30.0, "y": 60.0, "z": 5.0}))
    assert p["x"] == 3.0 and np.isnan(p["y"]) and np.isnan(p["z"])


def test_channel_value_ltv_cac_and_shares():
    summary = pd.DataFrame({"spend": [300.0, 100.0, 0.0], "new_customers": [3, 2, 4], "cac": [100.0, 50.0, np.nan]},
                           index=pd.Index(["a", "b", "o"], name="channel"))
    ltv = pd.DataFrame({"acquisition_channel": ["a"] * 3 + ["b"] * 2 + ["o"] * 4,
                        "ltv": [600.0, 0.0, 300.0, 250.0, 50.0, 10.0, 10.0, 10.0, 10.0],
                        "predicted_value": [100.0, 0.0, 200.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]})
    curve = pd.DataFrame({"channel": ["a", "a", "b"], "month": [1, 2, 1], "cumulative_value": [90.0, 120.0, 60.0]})
    v = channel_value(ltv, summary=summary, value_curve=curve)
    assert v.loc["a", "ltv"] == 300.0 and v.loc["b", "ltv"] == 150.0 and v.loc["o", "ltv"] == 10.0
    assert v.loc["a", "ltv_cac"] == 3.0 and v.loc["b", "ltv_cac"] == 3.0 and np.isnan(v.loc["o", "ltv_cac"])
    assert v.loc["a", "predicted_share"] == pytest.approx(300 / 900)
    assert v.loc["a", "payback_months"] == 2 and v.loc["b", "payback_months"] == 1
    # shares among the channels with spend: a 75% of spend, 900 / 1200 of value
    assert v.loc["a", "spend_share"] == 0.75 and v.loc["a", "value_share"] == pytest.approx(0.75)
    assert np.isnan(v.loc["o", "value_share"])


def test_lifetime_value_counts_only_the_first_months_and_predicts_the_rest():
    demo = make_demo(n_customers=1500, defects=False, include=("customers", "orders"))
    as_of = pd.Timestamp("2025-12-30")
    a = acquired_customers(demo.customers, orders=demo.orders, as_of=as_of)
    v, _ = order_values(demo.orders, as_of=as_of, basis="revenue")
    ltv = lifetime_values(v, orders=demo.orders, acquired=a, as_of=as_of, months=12)
    # observed part: purchases within 12 months of acquisition, computed here with plain pandas
    p = v.merge(a[["acquired_at"]], left_on="customer_id", right_index=True)
    age = (p["order_date"].dt.normalize() - p["acquired_at"]).dt.days
    inside = p.loc[(age >= 0) & (age < 12 * MONTH_DAYS)].groupby("customer_id")["value"].sum()
    np.testing.assert_allclose(ltv["observed_value"].to_numpy(), inside.reindex(ltv.index, fill_value=0).to_numpy())
    # customers who have lived their 12 months get no prediction; recent buyers do; non-buyers never
    old = ltv["acquired_at"] <= as_of - pd.Timedelta(days=366)
    assert (ltv.loc[old, "predicted_value"] == 0).all()
    recent = (ltv["acquired_at"] > as_of - pd.Timedelta(days=60)) & a["bought"]
    assert (ltv.loc[recent, "predicted_value"] > 0).all()
    assert (ltv.loc[~a["bought"], "ltv"] == 0).all()
    assert "BG/NBD" in ltv.attrs["note"]
    np.testing.assert_allclose(ltv["ltv"], ltv["observed_value"] + ltv["predicted_value"])


def test_lifetime_value_without_a_model_fit_counts_what_was_seen():
    a = _acq([("a", "x", "2025-01-01"), ("b", "x", "2025-01-05")])
    o = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", "b"],
                      "order_date": pd.to_datetime(["2025-01-01", "2025-01-05"]), "revenue": [10.0, 20.0]})
    v, _ = order_values(o, as_of="2025-02-01", basis="revenue")
    ltv = lifetime_values(v, orders=o, acquired=a, as_of="2025-02-01", months=12)
    assert ltv["ltv"].tolist() == [10.0, 20.0] and (ltv["predicted_value"] == 0).all()
    assert "could not be fitted" in ltv.attrs["note"] or "converge" in ltv.attrs["note"]


def test_demo_ltv_ranks_the_planted_channel_mix():
    """Referral and search bring the most VIPs (truth["channel_mix"]), social the most occasional buyers."""
    demo = make_demo(n_customers=3000, defects=False, include=("customers", "orders", "marketing_spend"))
    as_of = pd.Timestamp("2025-12-30")
    a = acquired_customers(demo.customers, orders=demo.orders, as_of=as_of)
    v, _ = order_values(demo.orders, as_of=as_of)
    ltv = lifetime_values(v, orders=demo.orders, acquired=a, as_of=as_of, months=24)
    s = channel_summary(demo.marketing_spend, acquired=a, as_of=as_of)
    curve = value_curves(v, acquired=a, as_of=as_of, months=24)
    value = channel_value(ltv, summary=s, value_curve=curve)
    assert value["ltv"].idxmax() == "referral" and value["ltv"].idxmin() == "social"
    vip = pd.Series(demo.truth["channel_mix"]["vip"])
    assert value.loc["search", "ltv"] > value.loc["social", "ltv"] * 2 and vip["search"] > vip["social"]

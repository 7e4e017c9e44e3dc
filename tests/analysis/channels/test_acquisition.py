"""CAC, leads and first orders per channel and campaign, on frames small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.channels import (
    acquired_customers,
    cac_trend,
    campaign_summary,
    channel_summary,
)
from crmkit.errors import CrmkitError


@pytest.fixture
def customers():
    # search: 4 customers in January (one never buys), 1 in February; social: 2 in January; organic: 1
    return pd.DataFrame({
        "customer_id": ["s1", "s2", "s3", "s4", "s5", "m1", "m2", "o1"],
        "acquisition_channel": ["search", " Search", "search", "SEARCH ", "search", "social", "social", "organic"],
        "signup_date": pd.to_datetime(["2025-01-03", "2025-01-10", "2025-01-20", "2025-01-31", "2025-02-14",
                                       "2025-01-05", "2025-01-06", "2025-01-07"]),
    })


@pytest.fixture
def orders():
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(8)],
        "customer_id": ["s1", "s1", "s2", "s3", "m1", "m2", "o1", "s5"],
        "order_date": pd.to_datetime(["2025-01-03 10:00", "2025-01-02 09:00", "2025-01-11", "2025-01-21",
                                      "2025-01-05", "2025-01-08", "2025-01-07", "2025-02-14"], format="ISO8601"),
        "revenue": [100.0, 40.0, 60.0, 20.0, 30.0, 50.0, 70.0, 90.0],
        "status": ["completed", "cancelled", "completed", "completed", "returned", "completed", "completed",
                   "completed"],
    })


@pytest.fixture
def spend():
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-01-01", "2025-01-15", "2025-01-15", "2025-02-01", "2025-01-02"]),
        "channel": ["search", "search", "Search", "search", "social"],
        "campaign": ["brand", "brand", "generic", "brand", "wechat"],
        "spend": [100.0, 60.0, 40.0, 75.0, 90.0],
        "leads": [10.0, 10.0, 20.0, 5.0, 30.0],
        "conversions": [2.0, 1.0, 1.0, 1.0, 2.0],
    })


def test_acquired_customers_first_orders_and_buyers(customers, orders):
    a = acquired_customers(customers, orders=orders, as_of="2025-01-31")
    assert list(a.index) == ["s1", "s2", "s3", "s4", "m1", "m2", "o1"]  # s5 signs up after as_of
    assert a["acquisition_channel"].tolist() == ["search"] * 4 + ["social"] * 2 + ["organic"]
    # s1's cancelled order is not a purchase; m1 only returned: has not bought
    assert a.loc["s1", "first_order_value"] == 100.0
    assert a["bought"].tolist() == [True, True, True, False, False, True, True]
    assert np.isnan(a.loc["m1", "first_order_value"])


def test_channel_summary_cac_leads_and_conversion(customers, orders, spend):
    a = acquired_customers(customers, orders=orders, as_of="2025-02-28")
    s = channel_summary(spend, acquired=a, start="2025-01-01", as_of="2025-01-31")
    # January: search spent 100 + 60 + 40 = 200 for 4 customers; social 90 for 2
    assert s.loc["search", "spend"] == 200.0 and s.loc["search", "new_customers"] == 4
    assert s.loc["search", "cac"] == pytest.approx(50.0)
    assert s.loc["social", "cac"] == pytest.approx(45.0)
    assert s.loc["search", "lead_conversion"] == pytest.approx(4 / 40)
    assert s.loc["search", "buyers"] == 3 and s.loc["search", "buyer_rate"] == pytest.approx(0.75)
    assert s.loc["search", "cost_per_buyer"] == pytest.approx(200 / 3)
    assert s.loc["search", "first_order_value"] == pytest.approx((100 + 60 + 20) / 3)
    assert s.loc["search", "spend_share"] == pytest.approx(200 / 290)
    # organic: customers without spend have no CAC
    assert s.loc["organic", "spend"] == 0 and np.isnan(s.loc["organic", "cac"])
    assert s.index[0] == "search"  # most new customers first


def test_channel_summary_whole_history(customers, orders, spend):
    a = acquired_customers(customers, orders=orders, as_of="2025-02-28")
    s = channel_summary(spend, acquired=a, as_of="2025-02-28")
    assert s.loc["search", "cac"] == pytest.approx(275.0 / 5)


def test_campaign_cac_uses_the_credited_conversions(spend):
    c = campaign_summary(spend, start="2025-01-01", as_of="2025-01-31").set_index("campaign")
    assert c.loc["brand", "spend"] == 160.0 and c.loc["brand", "cac"] == pytest.approx(160.0 / 3)
    assert c.loc["generic", "cac"] == pytest.approx(40.0)
    assert c.loc["brand", "lead_conversion"] == pytest.approx(3 / 20)
    assert c.loc["brand", "channel"] == "search" and c.loc["generic", "channel"] == "search"


def test_cac_trend_per_month(customers, orders, spend):
    a = acquired_customers(customers, orders=orders, as_of="2025-02-28")
    t = cac_trend(spend, acquired=a, as_of="2025-02-28").set_index(["month", "channel"])
    assert t.loc[(pd.Timestamp("2025-01-01"), "search"), "cac"] == pytest.approx(50.0)
    assert t.loc[(pd.Timestamp("2025-02-01"), "search"), "cac"] == pytest.approx(75.0)
    assert "organic" not in t.index.get_level_values("channel")


def test_missing_channel_column_is_a_clear_error(orders):
    with pytest.raises(CrmkitError, match="acquisition_channel"):
        acquired_customers(pd.DataFrame({"customer_id": ["a"]}), orders=orders, as_of="2025-01-31")


def test_missing_channel_is_unknown_and_customers_without_dates_are_left_out(orders):
    c = pd.DataFrame({"customer_id": ["x", "y"], "acquisition_channel": [None, "email"],
                      "signup_date": pd.to_datetime(["2025-01-02", None])})
    a = acquired_customers(c, orders=orders, as_of="2025-01-31")
    assert a["acquisition_channel"].tolist() == ["unknown"]  # y: no sign-up date, never bought


def test_later_data_does_not_change_the_past(customers, orders, spend):
    """Metamorphic: orders, sign-ups and spend after the cut-off leave the numbers as of it unchanged."""
    a = acquired_customers(customers, orders=orders, as_of="2025-01-31")
    s = channel_summary(spend, acquired=a, start="2025-01-01", as_of="2025-01-31")
    later = pd.Timestamp("2025-03-05")
    c2 = pd.concat([customers, pd.DataFrame({"customer_id": ["z"], "acquisition_channel": ["search"],
                                             "signup_date": [later]})], ignore_index=True)
    o2 = pd.concat([orders, pd.DataFrame({"order_id": ["late"], "customer_id": ["s4"], "order_date": [later],
                                          "revenue": [999.0], "status": ["completed"]})], ignore_index=True)
    sp2 = pd.concat([spend, spend.assign(date=later)], ignore_index=True)
    a2 = acquired_customers(c2, orders=o2, as_of="2025-01-31")
    pd.testing.assert_frame_equal(a, a2)
    pd.testing.assert_frame_equal(s, channel_summary(sp2, acquired=a2, start="2025-01-01", as_of="2025-01-31"))

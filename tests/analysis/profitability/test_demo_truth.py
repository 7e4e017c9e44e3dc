"""The demo's planted loss-makers (discount hunters) are recovered, with discounts as the reason."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analysis import profitability
from crmkit.data.synthetic import make_demo


@pytest.fixture(scope="module")
def demo():
    return make_demo(defects=False, include=("customers", "orders", "order_items", "products", "tickets"))


@pytest.fixture(scope="module")
def cp(demo):
    out = profitability.customer_profit(demo.orders, order_items=demo.order_items, products=demo.products,
                                        tickets=demo.tickets, start="2025-01-01", as_of="2025-12-30")
    return profitability.add_groups(out, customers=demo.customers)


def test_the_planted_share_of_discount_hunters(demo):
    t = demo.truth["profitability"]
    hunters = demo.truth["customers"]["discount_hunter"]
    assert t["discount_hunters"] == int(hunters.sum()) and 0.06 < t["hunter_share_of_buyers"] < 0.08
    o = demo.orders.merge(demo.truth["customers"][["customer_id", "discount_hunter"]], on="customer_id")
    share = o["discount"] / o["revenue"]
    assert share[o["discount_hunter"]].between(0.459, 0.601).all()
    assert share[~o["discount_hunter"]].max() <= 0.251  # the ordinary discounts are untouched


def test_every_hunter_loses_money_and_discounts_are_why(demo, cp):
    hunters = demo.truth["customers"].set_index("customer_id")["discount_hunter"].reindex(cp.index).fillna(False)
    reason, table = profitability.loss_reasons(cp)
    buying = hunters & (cp["purchases"] > 0)
    assert buying.sum() > 150
    assert (cp.loc[buying, "profit"] < 0).all()
    assert (reason[buying] == "discounts").mean() >= 0.95
    assert table.index[0] == "discounts"
    # the unprofitable share: every hunter, and far fewer of the other customers
    summary = profitability.whale_summary(cp)
    others = (cp.loc[~hunters, "profit"] < 0).mean()
    assert others < 0.1 and summary["loss_share"] == pytest.approx(buying.mean() + others * (1 - buying.mean()),
                                                                    abs=0.005)
    check = profitability.planted_loss_check(cp, reason, demo.truth)
    assert check["recovered"].all()


def test_social_loses_money_most_often(cp):
    """Hunters are planted at 15% of social's buyers against 4% elsewhere."""
    by = profitability.profit_by(cp, by="acquisition_channel")
    assert by["loss_share"].idxmax() == "social"
    assert by.loc["social", "loss_share"] > 1.5 * by.drop(index="social")["loss_share"].max()


def test_revenue_includes_discount_removes_the_plant(demo):
    """With revenue read as already net of discounts, the hunters' orders keep a positive margin."""
    cp = profitability.customer_profit(demo.orders, start="2025-01-01", as_of="2025-12-30",
                                       revenue_includes_discount=True)
    hunters = demo.truth["customers"].set_index("customer_id")["discount_hunter"].reindex(cp.index).fillna(False)
    assert (cp.loc[hunters, "profit"] < 0).mean() < 0.2
    pd.testing.assert_series_equal(cp["discounts"], cp["discounts"] * 0)

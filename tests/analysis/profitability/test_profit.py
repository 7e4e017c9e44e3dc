"""Profit per order and per customer, every cost checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.profitability import cost_sources, customer_profit, order_profit


@pytest.fixture
def orders():
    """Customer a: two purchases, one returned order, one cancelled; b: one purchase and a refund line;
    c: one purchase whose cost comes from its order lines; d: an extreme outlier."""
    return pd.DataFrame({
        "order_id": ["a1", "a2", "a3", "a4", "b1", "b2", "c1", "d1"],
        "customer_id": ["a", "a", "a", "a", "b", "b", "c", "d"],
        "order_date": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-03-01", "2025-03-02", "2025-01-20",
                                      "2025-01-25", "2025-02-01", "2025-02-02"]),
        "revenue": [200.0, 100.0, 80.0, 50.0, 120.0, -40.0, 90.0, 99999.0],
        "cost": [120.0, 60.0, 48.0, 30.0, 70.0, 0.0, np.nan, 50000.0],
        "discount": [20.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0],
        "shipping_cost": [10.0, 10.0, 8.0, 10.0, 0.0, 0.0, 6.0, 0.0],
        "status": ["completed", "completed", "returned", "cancelled", "completed", "returned", "completed",
                   "completed"],
        "is_outlier": [False] * 7 + [True],
    })


@pytest.fixture
def items():
    return (pd.DataFrame({"order_id": ["c1", "c1"], "product_id": ["p1", "p2"], "quantity": [2.0, 1.0],
                          "unit_price": [30.0, 30.0]}),
            pd.DataFrame({"product_id": ["p1", "p2"], "unit_cost": [15.0, 20.0]}))


@pytest.fixture
def tickets():
    return pd.DataFrame({"ticket_id": ["t1", "t2", "t3", "t4"], "customer_id": ["a", "b", "b", "z"],
                         "created_at": pd.to_datetime(["2025-02-01", "2025-01-21", "2025-05-01", "2025-01-02"]),
                         "is_complaint": [False, True, False, False]})


def test_order_profit_every_kind(orders, items):
    order_items, products = items
    op = order_profit(orders, order_items=order_items, products=products, as_of="2025-03-31").set_index("order_id")
    assert op["kind"].to_dict() == {"a1": "purchase", "a2": "purchase", "a3": "return", "b1": "purchase",
                                    "b2": "refund", "c1": "purchase"}  # cancelled and outlier left out
    # a1: 200 - 120 - 20 - 10 = 50
    assert op.loc["a1", "profit"] == 50.0
    # a3, a whole returned order: 15 handling + its 8 outbound shipping; revenue never counted
    assert op.loc["a3", ["revenue", "returns", "profit"]].tolist() == [0.0, 23.0, -23.0]
    # b2, a refund of 40: revenue taken back, plus the handling
    assert op.loc["b2", ["revenue", "returns", "profit"]].tolist() == [-40.0, 15.0, -55.0]
    # c1 has no cost: its lines cost 2 x 15 + 1 x 20 = 50
    assert op.loc["c1", "product_cost"] == 50.0 and not op.loc["c1", "cost_estimated"]


def test_order_profit_options(orders):
    op = order_profit(orders, as_of="2025-03-31", revenue_includes_discount=True, return_cost_per_order=5.0,
                      return_writeoff_share=0.5, exclude_outliers=False).set_index("order_id")
    assert op.loc["a1", "profit"] == 70.0 and op.loc["a1", "discount_given"] == 20.0  # discount not subtracted
    assert op.loc["a3", "returns"] == 5.0 + 8.0 + 0.5 * 48.0
    assert "d1" in op.index
    # c1 without order lines: the cost share of the orders with a cost (in the window, outlier included)
    known = orders.loc[orders["status"].eq("completed") & orders["cost"].notna() & (orders["revenue"] > 0)]
    share = known["cost"].sum() / known["revenue"].sum()
    assert op.loc["c1", "product_cost"] == pytest.approx(90.0 * share) and op.loc["c1", "cost_estimated"]


def test_customer_profit_adds_service_and_keeps_the_window(orders, items, tickets):
    order_items, products = items
    cp = customer_profit(orders, order_items=order_items, products=products, tickets=tickets, as_of="2025-03-31",
                         cost_per_ticket=30.0, cost_per_complaint=100.0)
    assert list(cp.index) == ["a", "b", "c"]  # z has a ticket but no order; d only an outlier
    a = cp.loc["a"]
    # revenue 300; product 180; discount 20; shipping 20; returns 23; one ticket 30 -> 27
    assert a[["revenue", "product_cost", "discounts", "shipping", "returns", "service"]].tolist() == [
        300.0, 180.0, 20.0, 20.0, 23.0, 30.0]
    assert a["profit"] == 27.0 and a["margin"] == pytest.approx(27 / 300)
    assert (a["purchases"], a["returned_orders"], a["tickets"]) == (2, 1, 1)
    # b: 120 - 40 refund = 80 revenue; 70 cost, 10 discount, 15 return handling, one complaint 100 -> -115
    assert cp.loc["b", "profit"] == -115.0 and cp.loc["b", "tickets"] == 1  # the May ticket is after as_of
    # c: 90 - 50 - 6 = 34
    assert cp.loc["c", "profit"] == 34.0
    np.testing.assert_allclose(cp["profit"], cp["revenue"] - cp[["product_cost", "discounts", "shipping",
                                                                   "returns", "service"]].sum(axis=1))


def test_customer_profit_window_start(orders):
    cp = customer_profit(orders, start="2025-02-01", as_of="2025-03-31")
    assert cp.loc["a", "revenue"] == 100.0 and "b" not in cp.index


def test_later_orders_and_tickets_do_not_change_the_past(orders, tickets):
    base = customer_profit(orders, tickets=tickets, as_of="2025-03-31")
    later = pd.concat([orders, orders.assign(order_date=pd.Timestamp("2025-04-02"),
                                             order_id=orders["order_id"] + "x")], ignore_index=True)
    more = pd.concat([tickets, tickets.assign(created_at=pd.Timestamp("2025-04-03"))], ignore_index=True)
    pd.testing.assert_frame_equal(base, customer_profit(later, tickets=more, as_of="2025-03-31"))


def test_cost_sources_say_what_is_counted(orders, items, tickets):
    order_items, products = items
    s = cost_sources(orders, order_items=order_items, products=products, tickets=tickets)
    assert s == {"product_cost": "order cost, else order lines x product unit cost", "discounts": "order discount",
                 "shipping": "order shipping cost", "returns": "returned orders", "service": "tickets"}
    bare = cost_sources(orders[["order_id", "customer_id", "order_date", "revenue"]])
    assert all(v is None for v in bare.values())
    assert cost_sources(orders, revenue_includes_discount=True)["discounts"] == "already taken off revenue"


def test_without_any_cost_profit_is_revenue(orders):
    bare = orders[["order_id", "customer_id", "order_date", "revenue"]]
    cp = customer_profit(bare, as_of="2025-03-31", exclude_outliers=False)
    pd.testing.assert_series_equal(cp["profit"], cp["revenue"], check_names=False)

"""Baskets from order lines, checked by hand on a six-order shop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.basket import (
    LINE_COLUMNS,
    basket_lines,
    basket_matrix,
    basket_overview,
    basket_sizes,
    customer_matrix,
    item_names,
)
from crmkit.errors import CrmkitError


@pytest.fixture
def shop():
    """Six orders of three customers.

    o1 c1 2025-01-05 completed: A x1 @10, B x2 @5, A x1 @10 (A twice: one line of 2 units)
    o2 c1 2025-02-01 completed: C x1 @40
    o3 c2 2025-02-10 returned:  A            (not a purchase)
    o4 c2 2025-03-01 completed: A, D         (D has no category in products)
    o5 c3 2025-03-31 23:30 completed, no lines
    o6 c3 2025-04-01 completed: B            (after as_of = 2025-03-31)
    plus one line of an order that does not exist (o9)
    """
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
        "customer_id": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "order_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-02-10", "2025-03-01",
                                      "2025-03-31 23:30", "2025-04-01"], format="ISO8601"),
        "revenue": [30.0, 40.0, 10.0, 17.0, 8.0, 5.0],
        "status": ["completed", "completed", "returned", "completed", "completed", None],
    })
    items = pd.DataFrame({
        "order_id": ["o1", "o1", "o1", "o2", "o3", "o4", "o4", "o6", "o9"],
        "product_id": ["A", "B", "A", "C", "A", "A", "D", "B", "A"],
        "quantity": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "unit_price": [10.0, 5.0, 10.0, 40.0, 10.0, 10.0, 7.0, 5.0, 10.0],
    })
    products = pd.DataFrame({"product_id": ["A", "B", "C", "D"],
                             "product_name": ["Apple", "Banana", "Cherry", None],
                             "category": ["fruit", "fruit", "fruit", None]})
    return orders, items, products


def test_basket_lines_by_hand(shop):
    orders, items, products = shop
    lines = basket_lines(items, orders=orders, as_of="2025-03-31")
    assert list(lines.columns) == LINE_COLUMNS
    # o3 is returned, o6 is after as_of, o9 is unknown, o5 has no lines; A twice in o1 is one line
    assert lines[["order_id", "item", "quantity", "revenue"]].values.tolist() == [
        ["o1", "A", 2.0, 20.0], ["o1", "B", 2.0, 10.0], ["o2", "C", 1.0, 40.0],
        ["o4", "A", 1.0, 10.0], ["o4", "D", 1.0, 7.0]]
    assert lines["customer_id"].tolist() == ["c1", "c1", "c1", "c2", "c2"]
    # the whole as_of day counts, the next day does not
    later = basket_lines(items, orders=orders, as_of="2025-04-01")
    assert "o6" in set(later["order_id"])
    # a window start drops earlier baskets
    assert set(basket_lines(items, orders=orders, start="2025-02-01", as_of="2025-03-31")["order_id"]) == {"o2", "o4"}


def test_basket_lines_by_category(shop):
    orders, items, products = shop
    lines = basket_lines(items, orders=orders, products=products, as_of="2025-03-31", level="category")
    # A and B are both fruit: one category line for o1 with their units and revenue summed
    assert lines[["order_id", "item", "quantity", "revenue"]].values.tolist() == [
        ["o1", "fruit", 4.0, 30.0], ["o2", "fruit", 1.0, 40.0],
        ["o4", "(no category)", 1.0, 7.0], ["o4", "fruit", 1.0, 10.0]]
    with pytest.raises(CrmkitError, match="category"):
        basket_lines(items, orders=orders, level="category")
    with pytest.raises(ValueError, match="level"):
        basket_lines(items, orders=orders, level="brand")


def test_basket_overview_counts_what_is_left_out(shop):
    orders, items, _ = shop
    o = basket_overview(items, orders=orders, as_of="2025-03-31")
    assert o["purchases"] == 4  # o1, o2, o4, o5
    assert o["baskets"] == 3 and o["purchases_without_lines"] == 1  # o5
    assert o["lines"] == 6  # o1 x3, o2, o4 x2 (raw lines)
    assert o["lines_not_purchases"] == 2  # o3 returned, o6 after as_of
    assert o["lines_unknown_order"] == 1  # o9
    assert o["customers"] == 2 and o["products"] == 4
    assert o["items_per_basket"] == pytest.approx((2 + 1 + 2) / 3)
    assert o["multi_item_share"] == pytest.approx(2 / 3)
    assert o["revenue"] == pytest.approx(30 + 40 + 17)


def test_matrices(shop):
    orders, items, _ = shop
    lines = basket_lines(items, orders=orders, as_of="2025-03-31")
    bm = basket_matrix(lines)
    assert list(bm.items) == ["A", "B", "C", "D"] and list(bm.rows) == ["o1", "o2", "o4"]
    assert bm.matrix.toarray().astype(int).tolist() == [[1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]]
    assert bm.item_counts.tolist() == [2, 1, 1, 1]
    cm = customer_matrix(lines)
    assert list(cm.rows) == ["c1", "c2"]
    assert cm.matrix.toarray().astype(int).tolist() == [[1, 1, 1, 0], [1, 0, 0, 1]]
    # a fixed item index ignores other items
    assert basket_matrix(lines, items=pd.Index(["B", "A"])).matrix.toarray().astype(int).tolist() == [
        [1, 1], [0, 0], [0, 1]]


def test_basket_sizes(shop):
    orders, items, products = shop
    lines = basket_lines(items, orders=orders, as_of="2025-03-31")
    s = basket_sizes(lines, products=products)
    assert s["products"].tolist() == [2, 1, 2]
    assert s["categories"].tolist() == [1, 1, 2]  # o4: fruit and "(no category)"
    assert s["revenue"].tolist() == [30.0, 40.0, 17.0]
    assert "categories" not in basket_sizes(lines).columns


def test_item_names(shop):
    *_, products = shop
    names = item_names(products, ["A", "D", "Z"])
    assert names.to_dict() == {"A": "Apple", "D": "D", "Z": "Z"}
    assert item_names(None, ["A"]).to_dict() == {"A": "A"}
    assert np.all(item_names(products).index == ["A", "B", "C", "D"])

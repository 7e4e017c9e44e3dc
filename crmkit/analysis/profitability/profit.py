"""Profit per order and per customer: revenue minus every cost the export records.

Per customer, over a window of days::

    profit = revenue - product cost - discounts - shipping - returns - service

- *revenue*: purchases (:func:`crmkit.data.purchases.purchases`) minus refunds (returned
  rows with a negative amount take money back from a sale already counted);
- *product cost*: the order's ``cost``; else its lines' quantity x the product's
  ``unit_cost``; an order with neither gets the cost share of revenue of the orders
  that have one (and :func:`cost_sources` says how many);
- *discounts*: the order's ``discount``, unless revenue already has it taken off
  (``revenue_includes_discount``);
- *shipping*: the order's ``shipping_cost``;
- *returns*: per returned order, ``return_cost_per_order`` (handling, return postage)
  plus its outbound shipping plus ``return_writeoff_share`` of its product cost (a
  returned order with a positive amount was never counted as revenue);
- *service*: tickets x ``cost_per_ticket`` (complaints x ``cost_per_complaint``).

A cost the export does not record counts as 0; :func:`cost_sources` lists what was
counted and from where, so a page can say what is missing. Cancelled orders cost
nothing here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.keys import isin
from ...data.purchases import is_purchase

__all__ = [
    "COMPONENTS",
    "order_profit",
    "customer_profit",
    "cost_sources",
]

COMPONENTS = ("product_cost", "discounts", "shipping", "returns", "service")
"""Cost components, in the order of the profit formula."""


def _window(dates: pd.Series, start, as_of) -> np.ndarray:
    keep = (dates < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)).to_numpy(dtype=bool, na_value=False)
    if start is not None:
        keep = keep & (dates >= pd.Timestamp(start).normalize()).to_numpy(dtype=bool, na_value=False)
    return keep


def _item_costs(orders: pd.DataFrame, order_items, products) -> pd.Series:
    """Quantity x unit cost per order, for orders whose every line has a unit cost."""
    if order_items is None or products is None or "unit_cost" not in products.columns:
        return pd.Series(np.nan, index=orders.index)
    unit = products.drop_duplicates("product_id").set_index("product_id")["unit_cost"]
    it = order_items.loc[isin(order_items["order_id"], orders["order_id"]), ["order_id", "product_id", "quantity"]]
    line = it["quantity"].to_numpy(dtype=float) * unit.reindex(it["product_id"]).to_numpy(dtype=float)
    per = pd.DataFrame({"order_id": it["order_id"].to_numpy(), "cost": line}).groupby("order_id")["cost"].sum(
        min_count=1)
    complete = pd.Series(np.isfinite(line), index=it["order_id"].to_numpy()).groupby(level=0).all()
    per = per.where(complete.reindex(per.index, fill_value=False))
    return pd.Series(per.reindex(orders["order_id"]).to_numpy(), index=orders.index)


def order_profit(orders: pd.DataFrame, *, order_items: pd.DataFrame | None = None,
                 products: pd.DataFrame | None = None, start=None, as_of,
                 revenue_includes_discount: bool = False, return_cost_per_order: float = 15.0,
                 return_writeoff_share: float = 0.0, exclude_outliers: bool = True) -> pd.DataFrame:
    """Revenue and costs of each purchase and return in ``[start, as_of]``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (``cost``, ``discount``, ``shipping_cost``, ``status``
        optional).
    order_items, products : DataFrame, optional
        For the product cost of orders without ``cost``.
    start, as_of : date-like
        Window (days inclusive); ``start=None``: from the first order.
    revenue_includes_discount : bool, default False
    return_cost_per_order : float, default 15
    return_writeoff_share : float, default 0
    exclude_outliers : bool, default True
        Leave out the orders the cleaning step flagged as extreme outliers
        (``is_outlier``: usually a typing error, which would make one customer look
        like the whole profit).

    Returns
    -------
    DataFrame
        One row per purchase or returned order: ``order_id``, ``customer_id``,
        ``order_date``, ``kind`` ("purchase", "return" or "refund"), ``revenue``
        (refunds negative, returns 0), ``product_cost``, ``cost_estimated`` (the
        product cost was filled in from the average cost share), ``discount_given``,
        ``discounts``, ``shipping``, ``returns``, ``profit``.

    Examples
    --------
    A purchase of 100 (cost 60, discount 10, shipping 5) and a returned order of 80
    (cost 50, shipping 5):

    >>> o = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["a", "a"],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-05"]),
    ...                   "revenue": [100.0, 80.0], "cost": [60.0, 50.0], "discount": [10.0, 0.0],
    ...                   "shipping_cost": [5.0, 5.0], "status": ["completed", "returned"]})
    >>> order_profit(o, as_of="2025-01-31")[["kind", "revenue", "product_cost", "discounts", "returns", "profit"]]
           kind  revenue  product_cost  discounts  returns  profit
    0  purchase    100.0          60.0       10.0      0.0    25.0
    1    return      0.0           0.0        0.0     20.0   -20.0
    """
    keep = _window(orders["order_date"], start, as_of)
    if exclude_outliers and "is_outlier" in orders.columns:
        keep = keep & ~orders["is_outlier"].to_numpy(dtype=bool, na_value=False)
    o = orders.loc[keep]
    buy = is_purchase(o)
    status = o["status"] if "status" in o.columns else pd.Series("completed", index=o.index)
    ret = (status == "returned").to_numpy(dtype=bool, na_value=False)
    o = o.loc[buy | ret]
    buy, ret = buy[buy | ret], ret[buy | ret]
    revenue = o["revenue"].to_numpy(dtype=float)
    refund = ret & (revenue < 0)

    cost = o["cost"].to_numpy(dtype=float, na_value=np.nan) if "cost" in o.columns else np.full(len(o), np.nan)
    missing = np.isnan(cost)
    if missing.any():
        cost = np.where(missing, _item_costs(o, order_items, products).to_numpy(dtype=float), cost)
    missing = np.isnan(cost)
    known = ~missing & buy & (revenue > 0)
    share = cost[known].sum() / revenue[known].sum() if known.any() else np.nan
    estimated = missing & np.isfinite(share) & (revenue > 0)
    cost = np.where(estimated, revenue * (share if np.isfinite(share) else 0.0), cost)
    cost = np.nan_to_num(cost)

    def col(name):
        return o[name].to_numpy(dtype=float, na_value=0.0) if name in o.columns else np.zeros(len(o))

    discount = np.nan_to_num(col("discount"))
    shipping = np.nan_to_num(col("shipping_cost"))
    whole_return = ret & ~refund
    out = pd.DataFrame({
        "order_id": o["order_id"].to_numpy() if "order_id" in o.columns else np.arange(len(o)),
        "customer_id": o["customer_id"].to_numpy(),
        "order_date": o["order_date"].to_numpy(),
        "kind": np.where(buy, "purchase", np.where(refund, "refund", "return")),
        "revenue": np.where(buy, revenue, np.where(refund, revenue, 0.0)),
        "product_cost": np.where(buy, cost, 0.0),
        "cost_estimated": estimated & buy,
        "discount_given": np.where(buy, discount, 0.0),
        "discounts": np.where(buy & (not revenue_includes_discount), discount, 0.0),
        "shipping": np.where(buy, shipping, 0.0),
        "returns": np.where(ret, float(return_cost_per_order), 0.0)
        + np.where(whole_return, shipping + float(return_writeoff_share) * cost, 0.0),
    })
    out["profit"] = out["revenue"] - out[["product_cost", "discounts", "shipping", "returns"]].sum(axis=1)
    return out


def customer_profit(orders: pd.DataFrame, *, order_items: pd.DataFrame | None = None,
                    products: pd.DataFrame | None = None, tickets: pd.DataFrame | None = None,
                    start=None, as_of, cost_per_ticket: float = 30.0, cost_per_complaint: float | None = None,
                    revenue_includes_discount: bool = False, return_cost_per_order: float = 15.0,
                    return_writeoff_share: float = 0.0, exclude_outliers: bool = True) -> pd.DataFrame:
    """Profit per customer in ``[start, as_of]`` (see the module docstring for the formula).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    order_items, products, tickets : DataFrame, optional
    start, as_of : date-like
    cost_per_ticket : float, default 30
    cost_per_complaint : float, optional
        ``None``: ``cost_per_ticket``.
    revenue_includes_discount, return_cost_per_order, return_writeoff_share, exclude_outliers
        As in :func:`order_profit`.

    Returns
    -------
    DataFrame
        Index ``customer_id``: every customer with a purchase or a return in the window
        (customers with only tickets are left out); columns ``purchases``,
        ``returned_orders``, ``tickets``, ``revenue``, the costs of
        :data:`COMPONENTS`, ``discount_given``, ``profit`` and ``margin`` (profit /
        revenue; NaN without revenue).

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["a", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-05"]),
    ...                   "revenue": [100.0, 30.0], "cost": [60.0, 20.0]})
    >>> t = pd.DataFrame({"customer_id": ["b", "b", "c"], "created_at": pd.to_datetime(["2025-01-06"] * 3),
    ...                   "is_complaint": [False, True, False]})
    >>> customer_profit(o, tickets=t, as_of="2025-01-31", cost_per_complaint=50.0)[["revenue", "service", "profit"]]
                 revenue  service  profit
    customer_id
    a              100.0      0.0    40.0
    b               30.0     80.0   -70.0
    """
    op = order_profit(orders, order_items=order_items, products=products, start=start, as_of=as_of,
                      revenue_includes_discount=revenue_includes_discount,
                      return_cost_per_order=return_cost_per_order, return_writeoff_share=return_writeoff_share,
                      exclude_outliers=exclude_outliers)
    codes, ids = pd.factorize(op["customer_id"])
    n = len(ids)

    def total(col):
        return np.bincount(codes, weights=op[col].to_numpy(dtype=float), minlength=n)

    out = pd.DataFrame({
        "purchases": np.bincount(codes, weights=(op["kind"] == "purchase").to_numpy(float), minlength=n),
        "returned_orders": np.bincount(codes, weights=(op["kind"] != "purchase").to_numpy(float), minlength=n),
        "tickets": np.zeros(n),
        "revenue": total("revenue"),
        "product_cost": total("product_cost"),
        "discounts": total("discounts"),
        "shipping": total("shipping"),
        "returns": total("returns"),
        "service": np.zeros(n),
        "discount_given": total("discount_given"),
    }, index=pd.Index(ids, name="customer_id"))
    out[["purchases", "returned_orders"]] = out[["purchases", "returned_orders"]].astype("int64")
    if tickets is not None and len(tickets):
        t = tickets.loc[_window(tickets["created_at"], start, as_of)]
        pos = out.index.get_indexer(t["customer_id"])
        t, pos = t.loc[pos >= 0], pos[pos >= 0]
        complaint = (t["is_complaint"].to_numpy(dtype=bool, na_value=False) if "is_complaint" in t.columns
                     else np.zeros(len(t), bool))
        per = np.where(complaint, cost_per_ticket if cost_per_complaint is None else cost_per_complaint,
                       cost_per_ticket).astype(float)
        out["tickets"] = np.bincount(pos, minlength=n).astype("int64")
        out["service"] = np.bincount(pos, weights=per, minlength=n)
    else:
        out["tickets"] = out["tickets"].astype("int64")
    out["profit"] = out["revenue"] - out[list(COMPONENTS)].sum(axis=1)
    out["margin"] = out["profit"] / out["revenue"].where(out["revenue"] > 0)
    return out


def cost_sources(orders: pd.DataFrame, *, order_items: pd.DataFrame | None = None,
                 products: pd.DataFrame | None = None, tickets: pd.DataFrame | None = None,
                 revenue_includes_discount: bool = False) -> dict[str, str | None]:
    """Where each cost component comes from in this export (None: not recorded, counted as 0).

    Examples
    --------
    >>> cost_sources(pd.DataFrame({"revenue": [1.0], "cost": [0.5]}))["product_cost"]
    'order cost'
    >>> cost_sources(pd.DataFrame({"revenue": [1.0]}))["service"] is None
    True
    """
    def has(df, col):
        return df is not None and col in df.columns and df[col].notna().any()

    product = None
    if has(orders, "cost"):
        product = "order cost"
        if not orders["cost"].notna().all() and has(products, "unit_cost") and order_items is not None:
            product = "order cost, else order lines x product unit cost"
    elif has(products, "unit_cost") and order_items is not None and len(order_items):
        product = "order lines x product unit cost"
    discounts = None
    if has(orders, "discount"):
        discounts = "already taken off revenue" if revenue_includes_discount else "order discount"
    return {
        "product_cost": product,
        "discounts": discounts,
        "shipping": "order shipping cost" if has(orders, "shipping_cost") else None,
        "returns": "returned orders" if "status" in orders.columns and (orders["status"] == "returned").any()
        else None,
        "service": "tickets" if tickets is not None and len(tickets) else None,
    }

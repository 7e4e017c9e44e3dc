"""Per-customer recency, frequency and monetary value as of a date.

This is the shared customer summary that segmentation, churn and lifecycle build on.
(The BTYD summary used by the CLV models, with repeat-purchase frequency and times
in days or weeks, is :func:`crmkit.clv.btyd_summary`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .kpi import completed_orders

__all__ = ["rfm_table"]


def rfm_table(orders: pd.DataFrame, *, as_of, start=None) -> pd.DataFrame:
    """Summarise each customer's purchases up to and including ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders. Only purchases count (completed, revenue > 0; see
        :func:`crmkit.kpi.completed_orders`); orders after the end of the ``as_of`` day
        are ignored, so the same call gives the state at any past cut-off.
    as_of : date-like
        Reference day (inclusive).
    start : date-like, optional
        Ignore purchases before this day (e.g. a rolling 12-month window).

    Returns
    -------
    DataFrame
        Index ``customer_id`` (customers with at least one purchase in the window),
        columns:

        - ``first_purchase``, ``last_purchase`` (datetime)
        - ``recency_days``: whole days from the last purchase to ``as_of`` (0 = bought that day)
        - ``frequency``: number of purchases (orders)
        - ``monetary``: total revenue
        - ``avg_order_value``: monetary / frequency
        - ``tenure_days``: whole days from the first purchase to ``as_of``

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "revenue": [10.0, 30.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-21"])})
    >>> rfm_table(o, as_of="2025-01-31")[["recency_days", "frequency", "monetary"]]
                 recency_days  frequency  monetary
    customer_id
    a                      20          2      40.0
    b                      10          1       5.0
    """
    as_of = pd.Timestamp(as_of).normalize()
    p = completed_orders(orders)
    keep = p["order_date"] < as_of + pd.Timedelta(days=1)
    if start is not None:
        keep &= p["order_date"] >= pd.Timestamp(start).normalize()
    p = p.loc[keep, ["customer_id", "order_date", "revenue"]]
    g = p.groupby("customer_id", sort=True)
    out = pd.DataFrame({
        "first_purchase": g["order_date"].min(),
        "last_purchase": g["order_date"].max(),
        "frequency": g.size().astype("int64"),
        "monetary": g["revenue"].sum(),
    })
    day = np.timedelta64(1, "D")
    out.insert(2, "recency_days", ((as_of - out["last_purchase"].dt.normalize()) / day).astype("int64"))
    out["avg_order_value"] = out["monetary"] / out["frequency"]
    out["tenure_days"] = ((as_of - out["first_purchase"].dt.normalize()) / day).astype("int64")
    out.index.name = "customer_id"
    return out

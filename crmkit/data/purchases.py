"""What counts as a purchase, defined once, and the per-customer purchase summary.

A **purchase** is an order with status ``completed`` (a missing status counts as
completed) and revenue above zero. Returns, cancellations and zero-value records are
not purchases. Every analysis filters orders with :func:`is_purchase` (a boolean mask,
for code that works on arrays) or :func:`purchases` (the rows); none re-implements the
rule.

:func:`rfm_table` is the shared customer summary (recency, frequency, monetary value)
that segmentation, churn and lifecycle build on. (The BTYD summary used by the CLV
models, with repeat-purchase frequency and times in days or weeks, is
:func:`crmkit.analysis.clv.btyd_summary`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["is_purchase", "purchases", "rfm_table"]


def is_purchase(orders: pd.DataFrame, *, include_zero_revenue: bool = False) -> np.ndarray:
    """Return a boolean mask of the purchase rows of ``orders``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; ``status`` is optional (missing means completed).
    include_zero_revenue : bool, default False
        Count completed zero-value records too (the published CDNOW BTYD numbers need
        them).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> o = pd.DataFrame({"revenue": [10.0, -5.0, 0.0, 8.0, 3.0],
    ...                   "status": ["completed", "completed", "completed", "returned", None]})
    >>> is_purchase(o).tolist(), is_purchase(o, include_zero_revenue=True).tolist()
    ([True, False, False, False, True], [True, False, True, False, True])
    """
    revenue = orders["revenue"].to_numpy(dtype="float64", na_value=np.nan)
    keep = revenue >= 0 if include_zero_revenue else revenue > 0
    if "status" in orders.columns:
        status = orders["status"]
        keep &= ((status == "completed") | status.isna()).to_numpy(dtype=bool, na_value=False)
    return keep


def purchases(orders: pd.DataFrame, *, start=None, as_of=None,
              exclude_outliers: bool = False) -> pd.DataFrame:
    """Return the purchase rows of ``orders``, optionally in a window of days.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    start, as_of : date-like, optional
        First and last day included (``as_of`` includes its whole day).
    exclude_outliers : bool, default False
        Leave out orders flagged ``is_outlier`` by the cleaning step.

    Returns
    -------
    DataFrame
        The same columns, only purchase rows.
    """
    keep = is_purchase(orders)
    d = orders["order_date"]
    if start is not None:
        keep &= (d >= pd.Timestamp(start).normalize()).to_numpy(dtype=bool)
    if as_of is not None:
        keep &= (d < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)).to_numpy(dtype=bool)
    if exclude_outliers and "is_outlier" in orders.columns:
        keep &= ~orders["is_outlier"].to_numpy(dtype=bool, na_value=False)
    return orders.loc[keep]


def rfm_table(orders: pd.DataFrame, *, as_of, start=None) -> pd.DataFrame:
    """Summarise each customer's purchases up to and including ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders. Only purchases count (completed, revenue > 0; see
        :func:`is_purchase`); orders after the end of the ``as_of`` day are
        ignored, so the same call gives the state at any past cut-off.
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
    p = purchases(orders, start=start, as_of=as_of)[["customer_id", "order_date", "revenue"]]
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

"""Where the profit comes from: deciles, the whale curve and profit by group.

The **whale curve** (Kaplan & Cooper 1998) ranks customers from the most to the least
profitable and draws the cumulative profit against the share of customers. It rises
above 100% of the total profit, peaks where the loss-making customers begin, and falls
back to 100% at the end: the height of the peak says how much profit the loss-makers
give away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["profit_deciles", "whale_curve", "whale_summary", "add_groups", "profit_by"]


def _ranked(cp: pd.DataFrame) -> np.ndarray:
    """Profit sorted from the most to the least profitable customer (ties by customer order)."""
    return np.sort(cp["profit"].to_numpy(dtype=float), kind="stable")[::-1]


def profit_deciles(cp: pd.DataFrame) -> pd.DataFrame:
    """Customers in ten groups of (nearly) equal size by profit, the most profitable first.

    Parameters
    ----------
    cp : DataFrame
        From :func:`crmkit.analysis.profitability.customer_profit`.

    Returns
    -------
    DataFrame
        Index ``decile`` (1 = the most profitable tenth); columns ``customers``,
        ``revenue``, ``profit``, ``profit_per_customer``, ``profit_share`` (of the
        total profit), ``loss_makers`` (customers with profit < 0).

    Examples
    --------
    >>> cp = pd.DataFrame({"profit": np.arange(20.0) - 5, "revenue": np.full(20, 10.0)})
    >>> profit_deciles(cp)[["customers", "profit", "loss_makers"]].head(2)
            customers  profit  loss_makers
    decile
    1               2    27.0            0
    2               2    23.0            0
    """
    d = cp.sort_values("profit", ascending=False, kind="stable")
    n = len(d)
    decile = (np.arange(n) * 10 // max(n, 1)) + 1
    g = d.assign(decile=decile).groupby("decile")
    out = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["revenue"].sum(),
        "profit": g["profit"].sum(),
        "loss_makers": g["profit"].apply(lambda s: int((s < 0).sum())),
    })
    out["profit_per_customer"] = out["profit"] / out["customers"]
    total = d["profit"].sum()
    out["profit_share"] = out["profit"] / total if total > 0 else np.nan
    return out[["customers", "revenue", "profit", "profit_per_customer", "profit_share", "loss_makers"]]


def whale_curve(cp: pd.DataFrame, *, points: int | None = 1000) -> pd.DataFrame:
    """Cumulative profit against customers ranked by profit (most profitable first).

    Parameters
    ----------
    cp : DataFrame
        With ``profit``.
    points : int or None, default 1000
        Keep about this many points for drawing (the peak and the ends always); None:
        every customer.

    Returns
    -------
    DataFrame
        ``customer_share`` (0 .. 1, starting at 0), ``cumulative_profit`` and
        ``profit_share`` (cumulative profit / total profit; NaN when the total is not
        positive).

    Examples
    --------
    >>> whale_curve(pd.DataFrame({"profit": [-1.0, 6.0, -3.0, 8.0]}), points=None)
       customer_share  cumulative_profit  profit_share
    0            0.00                0.0           0.0
    1            0.25                8.0           0.8
    2            0.50               14.0           1.4
    3            0.75               13.0           1.3
    4            1.00               10.0           1.0
    """
    p = _ranked(cp)
    n = p.size
    cum = np.r_[0.0, np.cumsum(p)]
    x = np.arange(n + 1) / max(n, 1)
    if points is not None and n + 1 > points:
        keep = np.unique(np.r_[np.linspace(0, n, points).round().astype(int), int(np.argmax(cum)), 0, n])
        x, cum = x[keep], cum[keep]
    total = p.sum() if n else 0.0
    return pd.DataFrame({"customer_share": x, "cumulative_profit": cum,
                         "profit_share": cum / total if total > 0 else np.nan})


def whale_summary(cp: pd.DataFrame) -> dict:
    """The numbers a reader takes from the whale curve.

    Returns
    -------
    dict
        ``customers``, ``revenue``, ``profit`` (total), ``loss_makers`` (profit < 0),
        ``loss_share`` (their share of customers), ``losses`` (their profit summed,
        negative), ``peak_profit`` (the highest cumulative profit), ``peak_share``
        (peak / total profit; NaN when the total is not positive) and
        ``peak_customer_share`` (share of customers at the peak), ``zero_profit`` (customers at exactly 0).

    Examples
    --------
    >>> s = whale_summary(pd.DataFrame({"profit": [-1.0, 6.0, -3.0, 8.0], "revenue": [5.0] * 4}))
    >>> s["loss_share"], s["losses"], s["peak_share"], s["peak_customer_share"]
    (0.5, -4.0, 1.4, 0.5)
    """
    p = _ranked(cp)
    n = p.size
    cum = np.cumsum(p)
    total = float(p.sum())
    peak = int(np.argmax(cum)) if n else -1
    losers = p < 0
    return {
        "customers": int(n), "revenue": float(cp["revenue"].sum()), "profit": total,
        "loss_makers": int(losers.sum()), "loss_share": float(losers.mean()) if n else np.nan,
        "losses": float(p[losers].sum()), "zero_profit": int((p == 0).sum()),
        "peak_profit": float(cum[peak]) if n else np.nan,
        "peak_share": float(cum[peak] / total) if n and total > 0 else np.nan,
        "peak_customer_share": (peak + 1) / n if n else np.nan,
    }


def add_groups(cp: pd.DataFrame, *, customers: pd.DataFrame | None = None,
               tier_thresholds=(0.8, 0.95)) -> pd.DataFrame:
    """Add the customer's segment, acquisition channel, region and value tier.

    The value tier is the ABC rule of :func:`crmkit.analysis.segmentation.value_tiers`
    on the customers' revenue in the same window (customers without revenue: low).

    Returns
    -------
    DataFrame
        ``cp`` with ``value_tier`` and, where ``customers`` has them, ``crm_segment``,
        ``acquisition_channel`` and ``region`` (missing labels: "unknown").
    """
    from ..segmentation import value_tiers

    out = cp.copy()
    paying = out["revenue"] > 0
    tiers = value_tiers(out.loc[paying, ["revenue"]].rename(columns={"revenue": "monetary"}),
                        thresholds=tier_thresholds)
    out["value_tier"] = tiers.reindex(out.index).fillna("low").astype(tiers.dtype)
    if customers is not None:
        c = customers.drop_duplicates("customer_id").set_index("customer_id")
        for col in ("crm_segment", "acquisition_channel", "region"):
            if col in c.columns:
                out[col] = c[col].astype("string").reindex(out.index).fillna("unknown").astype(str)
    return out


def profit_by(cp: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Profit per group of customers.

    Returns
    -------
    DataFrame
        Index ``by`` (sorted by profit per customer, best first); columns
        ``customers``, ``revenue``, ``profit``, ``profit_per_customer``, ``margin``
        (profit / revenue), ``loss_share`` (share of the group's customers who lose
        money) and ``profit_share`` (of the total profit).

    Examples
    --------
    >>> cp = pd.DataFrame({"g": ["x", "x", "y"], "profit": [10.0, -2.0, 4.0], "revenue": [40.0, 10.0, 8.0]})
    >>> profit_by(cp, by="g")[["customers", "profit_per_customer", "margin", "loss_share"]]
       customers  profit_per_customer  margin  loss_share
    g
    x          2                  4.0    0.16         0.5
    y          1                  4.0    0.50         0.0
    """
    g = cp.groupby(by, observed=True, sort=False)
    out = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["revenue"].sum(),
        "profit": g["profit"].sum(),
        "loss_share": g["profit"].apply(lambda s: float((s < 0).mean())),
    })
    out["profit_per_customer"] = out["profit"] / out["customers"]
    out["margin"] = out["profit"] / out["revenue"].where(out["revenue"] > 0)
    total = cp["profit"].sum()
    out["profit_share"] = out["profit"] / total if total > 0 else np.nan
    out = out.sort_values("profit_per_customer", ascending=False, kind="stable")
    return out[["customers", "revenue", "profit", "profit_per_customer", "margin", "loss_share", "profit_share"]]

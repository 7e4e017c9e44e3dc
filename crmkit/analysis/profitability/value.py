"""Profit-based CLV: the customer lifetime value of 05_clv, in profit instead of revenue.

The CLV models of :mod:`crmkit.analysis.clv` predict each customer's purchases over
the next months (BG/NBD or Pareto/NBD) and the spend per purchase (Gamma-Gamma). In
profit, each expected purchase is worth the expected spend times the customer's own
profit margin so far (profit / revenue over the whole history, every cost counted):

    profit CLV = CLV x margin = Σ_m expected purchases in month m x expected spend x margin / (1 + d)^m

A customer who has lost money on every purchase so far has a negative profit CLV: the
more they are expected to buy, the more they are expected to cost.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["profit_clv", "clv_comparison"]


def profit_clv(orders: pd.DataFrame, *, margins: pd.Series, as_of, horizon_months: int = 12,
               discount_rate: float = 0.01, time_unit: str = "W",
               transaction_model: str = "bgnbd") -> tuple[pd.DataFrame | None, str]:
    """Revenue CLV and profit CLV of every customer with a purchase up to ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (outliers flagged ``is_outlier`` are left out of the fits).
    margins : Series
        Profit margin per customer (``margin`` of
        :func:`crmkit.analysis.profitability.customer_profit` over the whole history).
    as_of : date-like
    horizon_months, discount_rate, time_unit, transaction_model
        As in the CLV rules (``analysis: clv:``).

    Returns
    -------
    (DataFrame or None, str)
        Index ``customer_id``: ``expected_purchases``, ``expected_spend``, ``clv``
        (revenue), ``margin``, ``expected_profit_per_purchase`` and ``profit_clv``; and
        a sentence saying which models were used, or why there is no CLV (then None).
    """
    from .. import clv

    o = orders.loc[~orders["is_outlier"].astype(bool)] if "is_outlier" in orders.columns else orders
    model = clv.ParetoNBDModel() if transaction_model == "pareto_nbd" else clv.BetaGeoModel()
    name = "Pareto/NBD" if transaction_model == "pareto_nbd" else "BG/NBD"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence is checked below
            summary = clv.btyd_summary(o, as_of=as_of, time_unit=time_unit)
            model.fit(summary)
            gg = clv.GammaGammaModel().fit(summary)
            if not (getattr(model, "converged_", True) and getattr(gg, "converged_", True)):
                return None, f"the {name} or Gamma-Gamma model did not converge on this data"
            out = clv.customer_lifetime_value(model, gg, summary, horizon=int(horizon_months), period="M",
                                              discount_rate=discount_rate)
    except (ValueError, FloatingPointError, ArithmeticError) as e:
        return None, f"the CLV models could not be fitted ({e})"
    out["margin"] = margins.reindex(out.index).to_numpy(dtype=float)
    out["expected_profit_per_purchase"] = out["expected_spend"] * out["margin"]
    out["profit_clv"] = out["clv"] * out["margin"]
    out.index.name = "customer_id"
    return out, (f"{name} expected purchases x Gamma-Gamma expected spend over {int(horizon_months)} months, "
                 f"discounted at {100 * discount_rate:g}% a month")


def clv_comparison(values: pd.DataFrame, *, top_share: float = 0.1) -> dict:
    """How the ranking of customers changes from revenue CLV to profit CLV.

    Returns
    -------
    dict
        ``customers``, ``clv`` and ``profit_clv`` (totals), ``profit_share`` (profit
        CLV / CLV), ``negative`` (customers with a positive CLV and a negative profit
        CLV), ``negative_clv`` (their revenue CLV), ``top_overlap`` (share of the top
        ``top_share`` by CLV who are also in the top ``top_share`` by profit CLV).

    Examples
    --------
    >>> v = pd.DataFrame({"clv": [100.0, 80.0, 60.0, 40.0], "profit_clv": [-10.0, 30.0, 20.0, 9.0]})
    >>> r = clv_comparison(v, top_share=0.25)
    >>> r["negative"], r["top_overlap"], r["profit_share"]
    (1, 0.0, 0.175)
    """
    v = values.dropna(subset=["clv", "profit_clv"])
    n = len(v)
    k = max(int(round(top_share * n)), 1) if n else 0
    top_rev = set(v["clv"].nlargest(k).index)
    top_profit = set(v["profit_clv"].nlargest(k).index)
    neg = (v["clv"] > 0) & (v["profit_clv"] < 0)
    total = float(v["clv"].sum())
    return {
        "customers": int(n), "clv": total, "profit_clv": float(v["profit_clv"].sum()),
        "profit_share": float(v["profit_clv"].sum() / total) if total > 0 else np.nan,
        "negative": int(neg.sum()), "negative_clv": float(v.loc[neg, "clv"].sum()),
        "top_overlap": len(top_rev & top_profit) / k if k else np.nan, "top_share": float(top_share),
    }

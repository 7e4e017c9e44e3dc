"""What makes the unprofitable customers unprofitable.

Each cost is compared with what it *usually* is: the customers who make money spend a
share of their revenue on it (the benchmark share, total cost / total revenue of the
profitable customers). For a customer who loses money, the **excess** of a cost is
``cost - benchmark share x the customer's revenue``: what the customer costs beyond an
ordinary profitable customer with the same revenue. The cost with the largest excess
is the customer's **main reason**. Because the benchmark shares of profitable customers
add up to less than 100%, every loss-maker has at least one positive excess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .profit import COMPONENTS

__all__ = ["REASONS", "cost_structure", "loss_reasons"]

REASONS = {
    "product_cost": "product cost (low-margin products)",
    "discounts": "discounts",
    "shipping": "shipping",
    "returns": "returns",
    "service": "service tickets",
}
"""Each cost component as a reason, in words."""


def cost_structure(cp: pd.DataFrame) -> pd.DataFrame:
    """Where each unit of revenue goes, for the customers who make and who lose money.

    Parameters
    ----------
    cp : DataFrame
        From :func:`crmkit.analysis.profitability.customer_profit`.

    Returns
    -------
    DataFrame
        Index ``profit_group`` ("makes money", "loses money", "all"); columns ``customers``,
        ``revenue_per_customer``, each cost of :data:`~.profit.COMPONENTS` and
        ``profit`` as a share of the group's revenue (NaN without revenue).

    Examples
    --------
    >>> cp = pd.DataFrame({"revenue": [100.0, 100.0], "product_cost": [60.0, 60.0], "discounts": [0.0, 50.0],
    ...                    "shipping": [0.0, 0.0], "returns": [0.0, 0.0], "service": [0.0, 0.0],
    ...                    "profit": [40.0, -10.0]})
    >>> cost_structure(cp)[["customers", "product_cost", "discounts", "profit"]]
                 customers  product_cost  discounts  profit
    profit_group
    makes money          1          0.6       0.00    0.40
    loses money          1          0.6       0.50   -0.10
    all                  2          0.6       0.25    0.15
    """
    groups = {"makes money": cp["profit"] >= 0, "loses money": cp["profit"] < 0,
              "all": pd.Series(True, index=cp.index)}
    rows = {}
    for name, mask in groups.items():
        d = cp.loc[mask]
        rev = d["revenue"].sum()
        row = {"customers": int(mask.sum()),
               "revenue_per_customer": rev / len(d) if len(d) else np.nan}
        for c in (*COMPONENTS, "profit"):
            row[c] = d[c].sum() / rev if rev > 0 else np.nan
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "profit_group"
    out["customers"] = out["customers"].astype("int64")
    return out


def loss_reasons(cp: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """The main reason of each loss-making customer, and the reasons summed up.

    Returns
    -------
    (Series, DataFrame)
        ``main_reason`` per customer (a key of :data:`REASONS`; empty for customers who
        do not lose money), and per reason (index ``loss_reason``, most frequent first):
        ``loss_makers``, ``share_of_losers``, ``losses`` (their profit,
        negative), ``excess`` (the excess cost of that reason summed over them),
        ``cost_share_losers`` and ``cost_share_others`` (the cost as a share of revenue
        among these loss-makers and among profitable customers).

    Examples
    --------
    >>> cp = pd.DataFrame({"revenue": [100.0, 50.0, 20.0], "product_cost": [60.0, 30.0, 12.0],
    ...                    "discounts": [0.0, 25.0, 0.0], "shipping": [0.0, 0.0, 0.0],
    ...                    "returns": [0.0, 0.0, 0.0], "service": [0.0, 0.0, 30.0],
    ...                    "profit": [40.0, -5.0, -22.0]}, index=["a", "b", "c"])
    >>> reason, table = loss_reasons(cp)
    >>> reason.tolist(), table["loss_makers"].to_dict()
    (['', 'discounts', 'service'], {'service': 1, 'discounts': 1})
    """
    comp = list(COMPONENTS)
    good = cp["profit"] >= 0
    rev_good = cp.loc[good, "revenue"].sum()
    bench = (cp.loc[good, comp].sum() / rev_good) if rev_good > 0 else pd.Series(0.0, index=comp)
    losers = cp.loc[~good]
    excess = losers[comp].to_numpy(float) - np.outer(losers["revenue"].clip(lower=0).to_numpy(float),
                                                     bench.to_numpy(float))
    main = np.asarray(comp, dtype=object)[np.argmax(excess, axis=1)] if len(losers) else np.array([], object)
    reason = pd.Series("", index=cp.index, name="main_reason", dtype=object)
    reason.loc[losers.index] = main
    rows = []
    rev_losers = {}
    for k in comp:
        who = main == k
        if not who.any():
            continue
        d = losers.loc[who]
        rev = d["revenue"].sum()
        rev_losers[k] = rev
        rows.append({
            "loss_reason": k, "loss_makers": int(who.sum()), "share_of_losers": float(who.mean()),
            "losses": float(d["profit"].sum()), "excess": float(excess[who, comp.index(k)].sum()),
            "cost_share_losers": d[k].sum() / rev if rev > 0 else np.nan,
            "cost_share_others": float(bench[k]),
        })
    table = pd.DataFrame(rows, columns=["loss_reason", "loss_makers", "share_of_losers", "losses", "excess",
                                        "cost_share_losers", "cost_share_others"])
    table = table.sort_values(["loss_makers", "losses"], ascending=[False, True], kind="stable").set_index("loss_reason")
    return reason, table

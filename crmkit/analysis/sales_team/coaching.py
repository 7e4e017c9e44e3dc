"""Coaching points: for each salesperson, where they lose deals, how big their deals are, how fast.

Every point is a difference that is real, not luck: a stage where the salesperson's
conversion is below the best salesperson's with probability at least ``1 -
significance`` (from the shrunk, beta-binomial posteriors of
:func:`crmkit.analysis.funnel.stage_gaps`), deal sizes or days to win that differ from
the rest of the team with a p-value below ``significance``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["coaching_table"]


def coaching_table(gaps: pd.DataFrame, scorecard: pd.DataFrame, *, significance: float = 0.05,
                   min_closed_deals: int = 10) -> pd.DataFrame:
    """One row per salesperson: the costliest real stage gap, deal size and speed.

    Parameters
    ----------
    gaps : DataFrame
        :func:`crmkit.analysis.funnel.stage_gaps` with ``by="owner"``.
    scorecard : DataFrame
        :func:`crmkit.analysis.sales_team.owner_scorecard` (index ``owner``).
    significance : float, default 0.05
    min_closed_deals : int, default 10
        Salespeople with fewer closed deals get no points (``enough_deals`` False).

    Returns
    -------
    DataFrame
        Index ``owner`` (the order of ``scorecard``): ``enough_deals`` (bool),
        ``weak_stage`` (None when no stage gap is real), ``weak_conversion``,
        ``benchmark_owner``, ``benchmark_conversion`` (raw conversions at that stage),
        ``weak_stage_cost`` (won revenue the gap cost in the window),
        ``prob_below_best``, ``size`` ("smaller", "larger" or None), ``size_ratio``,
        ``speed`` ("slower", "faster" or None), ``median_days_to_win``,
        ``rest_median_days_to_win``.
    """
    rows = []
    sure = 1 - significance
    for owner, r in scorecard.iterrows():
        g = gaps[(gaps["group"] == owner) & (gaps["prob_below_best"] >= sure) & (gaps["conversion_cost"] > 0)]
        enough = bool(r["closed_deals"] >= min_closed_deals)
        row = {"owner": owner, "enough_deals": enough, "weak_stage": None, "weak_conversion": np.nan,
               "benchmark_owner": None, "benchmark_conversion": np.nan, "weak_stage_cost": 0.0,
               "prob_below_best": np.nan}
        if enough and len(g):
            w = g.loc[g["conversion_cost"].idxmax()]
            best = gaps[(gaps["deal_stage"] == w["deal_stage"]) & (gaps["group"] == w["best_group"])]
            row.update({"weak_stage": w["deal_stage"], "weak_conversion": w["conversion"],
                        "benchmark_owner": w["best_group"],
                        "benchmark_conversion": float(best["conversion"].iloc[0]) if len(best) else np.nan,
                        "weak_stage_cost": float(w["conversion_cost"]), "prob_below_best": w["prob_below_best"]})
        size = None
        if enough and r.get("size_p_value", np.nan) < significance:
            size = "larger" if r["size_ratio"] > 1 else "smaller"
        speed = None
        if enough and r.get("speed_p_value", np.nan) < significance:
            speed = "slower" if r["median_days_to_win"] > r["rest_median_days_to_win"] else "faster"
        row.update({"size": size, "size_ratio": r.get("size_ratio", np.nan), "speed": speed,
                    "median_days_to_win": r.get("median_days_to_win", np.nan),
                    "rest_median_days_to_win": r.get("rest_median_days_to_win", np.nan)})
        rows.append(row)
    out = pd.DataFrame(rows).set_index("owner")
    for col in ("weak_stage", "benchmark_owner", "size", "speed"):  # words or None, never NaN
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out

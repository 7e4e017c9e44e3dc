"""The bottleneck: the stage whose conversion or speed costs the most won revenue.

A stage is a bottleneck when some comparable deals get through it much better (or
faster) than others. For every way of grouping deals (salesperson, acquisition
channel, customer segment, deal size) and every stage, each group is compared with the
*best comparable group* at that stage, the group with the highest conversion among
those with enough deals:

- **conversion**: ``entered x (best conversion - group conversion) x group's win rate
  after the stage x group's average won deal`` is the won revenue the group would have
  added by converting like the best group. Conversions are shrunk first
  (:class:`~crmkit.analysis.funnel.shrinkage.BetaBinomialShrinkage`), so a small group
  that was lucky cannot become the benchmark, and groups that differ only by chance
  cost nothing;
- **duration**: a group whose median time in the stage is ``d`` days longer than the
  fastest group's delays all its won revenue through that stage by ``d`` days: over a
  window of ``W`` days that is ``won revenue x d / W`` pushed out of the window.

The costs are summed over the groups; the bottleneck is the (stage, kind) with the
largest sum, in the grouping where it is largest. Groups with fewer than
``min_group_deals`` deals entering a stage are left out of that stage's comparison.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .conversion import stage_conversion, stage_to_win, win_summary
from .deals import DealHistory
from .shrinkage import BetaBinomialShrinkage, prob_greater

__all__ = ["stage_gaps", "bottleneck_table", "find_bottleneck", "KINDS"]

KINDS = ("conversion", "duration")


def _window_days(history: DealHistory) -> float:
    if history.window_days is not None:
        return float(history.window_days)
    if history.deals.empty:
        return np.nan
    return max(float((history.cutoff - history.deals["created_at"].min()).total_seconds() / 86_400), 1.0)


def stage_gaps(history: DealHistory, *, by: str, min_group_deals: int = 20,
               min_at_risk: int = 1) -> pd.DataFrame:
    """Each group against the best comparable group, stage by stage.

    Parameters
    ----------
    history : DealHistory
    by : str
        A group column of ``history.deals`` (``owner``, ``channel``, ``segment``,
        ``deal_size``).
    min_group_deals : int, default 20
        Deals a group needs entering a stage to be compared at that stage.
    min_at_risk : int, default 1
        See :func:`~crmkit.analysis.funnel.eventual_shares`.

    Returns
    -------
    DataFrame
        One row per group and stage entered: ``dimension`` (= ``by``), ``group``,
        ``deal_stage``, ``stage_index``, ``entered``, ``conversion`` (open deals
        censored), ``conversion_shrunk``, ``lower``, ``upper`` (interval of the shrunk
        conversion), ``compared`` (bool: enough deals), ``best_group``,
        ``best_conversion`` (shrunk), ``prob_below_best`` (probability that the group's
        true conversion is below the best group's), ``win_rate_after`` (the group's
        chance of winning a deal that got past the stage), ``mean_won_amount``,
        ``extra_won_deals`` and ``conversion_cost`` (won deals and revenue the group
        would have added by converting like the best group), ``median_days``,
        ``fastest_group``, ``fastest_median_days``, ``extra_days``, ``won_through``
        (won revenue of the group's deals that entered the stage) and
        ``duration_cost``.
    """
    d = history.deals
    conv = stage_conversion(history, by=by, min_at_risk=min_at_risk).rename(columns={by: "group"})
    if conv.empty:
        return pd.DataFrame()
    s2w = stage_to_win(history, by=by, min_at_risk=min_at_risk).rename(columns={by: "group"})
    overall_w = stage_to_win(history, min_at_risk=min_at_risk).set_index("stage_index")["win_rate"]
    wins = win_summary(history, by=by, min_at_risk=min_at_risk).rename(columns={by: "group"}).set_index("group")
    overall_amount = float(d.loc[d["outcome"] == "won", "amount"].mean())
    n_stages = len(history.stages)
    window = _window_days(history)

    w_next = s2w.assign(stage_index=s2w["stage_index"] - 1).set_index(["group", "stage_index"])["win_rate"]
    conv["win_rate_after"] = [
        1.0 if k == n_stages - 1 else w_next.get((g, k), np.nan)
        for g, k in zip(conv["group"], conv["stage_index"])]
    fallback = conv["stage_index"].map(lambda k: 1.0 if k == n_stages - 1 else overall_w.get(k + 1, np.nan))
    conv["win_rate_after"] = conv["win_rate_after"].fillna(fallback)
    conv["mean_won_amount"] = conv["group"].map(wins["mean_won_amount"]).fillna(overall_amount)

    won = d.loc[d["outcome"] == "won"]
    at = pd.Index(won["deal_key"]).get_indexer(history.spells["deal_key"])
    on = at >= 0
    sp = pd.DataFrame({"stage_index": history.spells["stage_index"].to_numpy()[on],
                       "amount": won["amount"].to_numpy()[at[on]], "group": won[by].to_numpy()[at[on]]})
    through = sp.groupby(["group", "stage_index"])["amount"].sum()
    conv["won_through"] = [float(through.get((g, k), 0.0)) for g, k in zip(conv["group"], conv["stage_index"])]

    parts = []
    for _k, s in conv.groupby("stage_index", sort=True):
        s = s.copy()
        resolved = (s["passed"] + s["lost"]).to_numpy(dtype=float)
        succ = np.nan_to_num(s["conversion"].to_numpy(dtype=float)) * resolved
        s["compared"] = s["entered"] >= min_group_deals
        if (resolved > 0).sum() >= 2:
            model = BetaBinomialShrinkage().fit(succ, resolved)
            post = model.posterior(succ, resolved, index=s.index)
        else:
            post = pd.DataFrame({"shrunk_rate": s["conversion"], "lower": np.nan, "upper": np.nan,
                                 "alpha_post": np.nan, "beta_post": np.nan}, index=s.index)
        s["conversion_shrunk"] = post["shrunk_rate"]
        s["lower"], s["upper"] = post["lower"], post["upper"]
        cmp_ = s[s["compared"] & s["conversion_shrunk"].notna()]
        if len(cmp_) >= 2:
            b = cmp_["conversion_shrunk"].idxmax()
            s["best_group"] = s.at[b, "group"]
            s["best_conversion"] = s.at[b, "conversion_shrunk"]
            gap = (s["best_conversion"] - s["conversion_shrunk"]).clip(lower=0).where(s["compared"], 0.0)
            ok = (s.index != b) & s["compared"].to_numpy() & np.isfinite(post["alpha_post"].to_numpy())
            below = np.full(len(s), np.nan)
            if ok.any():
                below[ok] = prob_greater(post.at[b, "alpha_post"], post.at[b, "beta_post"],
                                         post["alpha_post"].to_numpy()[ok], post["beta_post"].to_numpy()[ok])
            s["prob_below_best"] = below
        else:
            s["best_group"], s["best_conversion"], s["prob_below_best"] = None, np.nan, np.nan
            gap = pd.Series(0.0, index=s.index)
        s["extra_won_deals"] = s["entered"] * gap * s["win_rate_after"]
        s["conversion_cost"] = s["extra_won_deals"] * s["mean_won_amount"]
        fast = s[s["compared"] & s["median_days"].notna()]
        if len(fast) >= 2:
            f = fast["median_days"].idxmin()
            s["fastest_group"], s["fastest_median_days"] = s.at[f, "group"], s.at[f, "median_days"]
            s["extra_days"] = (s["median_days"] - s["fastest_median_days"]).clip(lower=0).where(
                s["compared"], 0.0).fillna(0.0)
        else:
            s["fastest_group"], s["fastest_median_days"], s["extra_days"] = None, np.nan, 0.0
        s["duration_cost"] = s["won_through"] * s["extra_days"] / window
        parts.append(s)
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "dimension", by)
    return out[["dimension", "group", "deal_stage", "stage_index", "entered", "conversion",
                "conversion_shrunk", "lower", "upper", "compared", "best_group", "best_conversion",
                "prob_below_best", "win_rate_after", "mean_won_amount", "extra_won_deals",
                "conversion_cost", "median_days", "fastest_group", "fastest_median_days", "extra_days",
                "won_through", "duration_cost"]]


def bottleneck_table(history: DealHistory, *, dims=None, min_group_deals: int = 20,
                     min_at_risk: int = 1) -> pd.DataFrame:
    """Won revenue lost at each stage against the best comparable group, per grouping.

    Parameters
    ----------
    history : DealHistory
    dims : sequence of str, optional
        Groupings to compare; default every group column of ``history`` with more than
        one value except the creation cohort (later cohorts are not comparable: their
        deals are still running).
    min_group_deals : int, default 20
    min_at_risk : int, default 1

    Returns
    -------
    DataFrame
        One row per grouping, stage and kind (``conversion``, ``duration``), largest
        cost first: ``dimension``, ``deal_stage``, ``stage_index``, ``kind``, ``cost``
        (won revenue), ``extra_won_deals`` (conversion only), ``best_group``,
        ``best_value`` (shrunk conversion, or median days), ``typical_value`` (the
        other compared groups, weighted by deals), ``groups_compared``,
        ``main_group`` (the group with the largest cost) and ``main_cost``.
    """
    if dims is None:
        dims = [g for g in history.groups if g != "cohort"]
    rows = []
    for dim in dims:
        gaps = stage_gaps(history, by=dim, min_group_deals=min_group_deals, min_at_risk=min_at_risk)
        if gaps.empty:
            continue
        for (stage, k), s in gaps.groupby(["deal_stage", "stage_index"], sort=False, observed=True):
            c = s[s["compared"]]
            if len(c) < 2:
                continue
            others = c[c["group"] != c["best_group"].iloc[0]]
            slow = c[c["group"] != c["fastest_group"].iloc[0]]
            for kind, cost_col, best, value, pool in (
                    ("conversion", "conversion_cost", c["best_conversion"].iloc[0], "conversion_shrunk", others),
                    ("duration", "duration_cost", c["fastest_median_days"].iloc[0], "median_days", slow)):
                cost = s[cost_col].fillna(0.0)
                main = cost.idxmax()
                rows.append({
                    "dimension": dim, "deal_stage": stage, "stage_index": int(k), "kind": kind,
                    "cost": float(cost.sum()),
                    "extra_won_deals": float(s["extra_won_deals"].sum()) if kind == "conversion" else np.nan,
                    "best_group": c["best_group"].iloc[0] if kind == "conversion" else c["fastest_group"].iloc[0],
                    "best_value": best,
                    "typical_value": (float(np.average(pool[value], weights=pool["entered"]))
                                      if len(pool) and pool[value].notna().all() else np.nan),
                    "groups_compared": len(c),
                    "main_group": s.at[main, "group"], "main_cost": float(cost[main]),
                })
    cols = ["dimension", "deal_stage", "stage_index", "kind", "cost", "extra_won_deals", "best_group",
            "best_value", "typical_value", "groups_compared", "main_group", "main_cost"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def find_bottleneck(table: pd.DataFrame) -> dict | None:
    """The costliest row of :func:`bottleneck_table` as a dict (None when nothing costs).

    The dict also holds ``stage_cost``: that stage's cost in its grouping, conversion
    and duration together.
    """
    if table.empty or not (table["cost"] > 0).any():
        return None
    top = table.iloc[0].to_dict()
    same = table[(table["dimension"] == top["dimension"]) & (table["deal_stage"] == top["deal_stage"])]
    top["stage_cost"] = float(same["cost"].sum())
    return top

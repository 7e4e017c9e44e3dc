"""Per salesperson: results in the period, and skill measures that do not reward luck.

The period's results (won revenue, target completion, pipeline coverage) come from
:mod:`crmkit.analysis.funnel.pipeline`. Skill measures use a longer window
(``lookback_days``, a year by default) so that one quarter's luck averages out:

- **win rate** of the deals closed in the window, raw and shrunk with a beta-binomial
  empirical-Bayes model (:class:`~crmkit.analysis.funnel.shrinkage.BetaBinomialShrinkage`)
  with an interval; a salesperson is *above* or *below the team* only when the whole
  interval is;
- **deal size**: won amounts against the rest of the team (Welch's t-test on the log
  amounts, i.e. on the ratio of typical deal sizes);
- **speed**: days from creation to win against the rest of the team (Mann-Whitney U).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..funnel.conversion import cumulative_incidence, eventual_shares
from ..funnel.deals import DealHistory, exit_causes
from ..funnel.pipeline import pipeline_coverage, target_progress
from ..funnel.shrinkage import BetaBinomialShrinkage, prob_greater

__all__ = [
    "VERDICTS",
    "closed_in_window",
    "win_rates",
    "win_rate_matrix",
    "deal_sizes",
    "deal_speed",
    "owner_scorecard",
    "best_vs_rest",
]

VERDICTS = ("above the team", "within the noise", "below the team", "no closed deals")
"""How a salesperson's win rate compares with the team's, given its interval."""


def closed_in_window(history: DealHistory, *, days: int | None = 365) -> pd.DataFrame:
    """Deals closed (won or lost) in the last ``days`` days up to the reference date."""
    d = history.deals
    closed = d["outcome"] != "open"
    if days is not None:
        closed &= d["closed_at"] >= history.cutoff - pd.Timedelta(days=int(days))
    return d.loc[closed]


def win_rates(history: DealHistory, *, lookback_days: int | None = 365,
              interval_level: float = 0.95) -> pd.DataFrame:
    """Win rate per salesperson: raw, shrunk, with an interval and a verdict.

    Parameters
    ----------
    history : DealHistory
    lookback_days : int or None, default 365
        Deals closed in this many days up to the reference date (None: all).
    interval_level : float, default 0.95

    Returns
    -------
    DataFrame
        Index ``owner`` (every owner of ``history.deals``), highest shrunk rate first:
        ``closed_deals``, ``won_deals`` (int), ``win_rate`` (raw; NaN without closed
        deals), ``win_rate_shrunk``, ``win_rate_low``, ``win_rate_high`` (posterior
        interval), ``prob_above_team`` (probability that the true rate is above the
        team's pooled rate), ``verdict`` (one of :data:`VERDICTS`), ``alpha_post``,
        ``beta_post``. ``attrs``: ``team_rate``, ``prior_mean``, ``concentration``.

    Examples
    --------
    >>> from crmkit.analysis.funnel.deals import deal_history, _example, _example_stages
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> win_rates(h, lookback_days=None)[["closed_deals", "won_deals", "win_rate"]].to_dict("index")
    {'Ann': {'closed_deals': 1, 'won_deals': 1, 'win_rate': 1.0}, 'Bo': {'closed_deals': 1, 'won_deals': 0, 'win_rate': 0.0}}
    """
    owners = sorted(history.deals["owner"].unique())
    c = closed_in_window(history, days=lookback_days)
    g = c.groupby("owner")["outcome"]
    n = g.size().reindex(owners, fill_value=0).astype(np.int64)
    k = g.apply(lambda s: int((s == "won").sum())).reindex(owners, fill_value=0).astype(np.int64)
    team = float(k.sum() / n.sum()) if n.sum() else np.nan
    model = BetaBinomialShrinkage(interval_level=interval_level)
    if n.sum() > 0:
        model.fit(k.to_numpy(), n.to_numpy())
        post = model.posterior(k.to_numpy(), n.to_numpy(), index=pd.Index(owners, name="owner"))
    else:
        post = pd.DataFrame(np.nan, index=pd.Index(owners, name="owner"),
                            columns=["raw_rate", "shrunk_rate", "lower", "upper", "alpha_post", "beta_post"])
    out = pd.DataFrame({
        "closed_deals": n, "won_deals": k, "win_rate": post["raw_rate"],
        "win_rate_shrunk": post["shrunk_rate"], "win_rate_low": post["lower"], "win_rate_high": post["upper"],
    })
    out.index.name = "owner"
    out["prob_above_team"] = [
        float(stats.beta.sf(team, a, b)) if np.isfinite(a) and np.isfinite(team) else np.nan
        for a, b in zip(post["alpha_post"], post["beta_post"])]
    out["verdict"] = np.select(
        [n.to_numpy() == 0, out["win_rate_low"] > team, out["win_rate_high"] < team],
        [VERDICTS[3], VERDICTS[0], VERDICTS[2]], VERDICTS[1])
    out["alpha_post"], out["beta_post"] = post["alpha_post"], post["beta_post"]
    out = out.sort_values(["win_rate_shrunk", "closed_deals"], ascending=False, kind="stable")
    out.attrs.update({"team_rate": team, "prior_mean": getattr(model, "prior_mean_", np.nan),
                      "concentration": getattr(model, "concentration_", np.nan)})
    return out


def win_rate_matrix(rates: pd.DataFrame) -> pd.DataFrame:
    """Probability that each salesperson's true win rate is higher than each other's.

    Parameters
    ----------
    rates : DataFrame
        Output of :func:`win_rates`.

    Returns
    -------
    DataFrame
        Owners x owners (in the order of ``rates``): P(row's rate > column's rate);
        NaN on the diagonal and for owners without closed deals.
    """
    a = rates["alpha_post"].to_numpy(dtype=float)
    b = rates["beta_post"].to_numpy(dtype=float)
    p = prob_greater(a[:, None], b[:, None], a[None, :], b[None, :])
    ok = (rates["closed_deals"] > 0).to_numpy()
    p[~ok, :] = np.nan
    p[:, ~ok] = np.nan
    np.fill_diagonal(p, np.nan)
    return pd.DataFrame(p, index=rates.index, columns=rates.index)


def _won_in_window(history: DealHistory, days: int | None) -> pd.DataFrame:
    c = closed_in_window(history, days=days)
    return c.loc[c["outcome"] == "won"]


def deal_sizes(history: DealHistory, *, lookback_days: int | None = 365) -> pd.DataFrame:
    """Won deal sizes per salesperson against the rest of the team.

    Returns
    -------
    DataFrame
        Index ``owner``: ``won_deals``, ``median_won_amount``, ``mean_won_amount``,
        ``rest_median_won_amount`` (the other salespeople's deals), ``size_ratio``
        (typical deal against the rest's: ratio of geometric means), ``size_p_value``
        (Welch's t-test on log amounts; NaN with fewer than two deals on a side).
    """
    w = _won_in_window(history, lookback_days)
    w = w[w["amount"] > 0]
    owners = sorted(history.deals["owner"].unique())
    rows = []
    for o in owners:
        mine = w.loc[w["owner"] == o, "amount"].to_numpy()
        rest = w.loc[w["owner"] != o, "amount"].to_numpy()
        ratio, p = np.nan, np.nan
        if len(mine) >= 2 and len(rest) >= 2:
            lm, lr = np.log(mine), np.log(rest)
            ratio = float(np.exp(lm.mean() - lr.mean()))
            p = float(stats.ttest_ind(lm, lr, equal_var=False).pvalue)
        rows.append({"owner": o, "won_deals": len(mine),
                     "median_won_amount": float(np.median(mine)) if len(mine) else np.nan,
                     "mean_won_amount": float(mine.mean()) if len(mine) else np.nan,
                     "rest_median_won_amount": float(np.median(rest)) if len(rest) else np.nan,
                     "size_ratio": ratio, "size_p_value": p})
    return pd.DataFrame(rows).set_index("owner")


def deal_speed(history: DealHistory, *, lookback_days: int | None = 365) -> pd.DataFrame:
    """Days from creation to win per salesperson against the rest of the team.

    Returns
    -------
    DataFrame
        Index ``owner``: ``median_days_to_win``, ``rest_median_days_to_win``,
        ``speed_p_value`` (two-sided Mann-Whitney U; NaN with fewer than two won deals
        on a side).
    """
    w = _won_in_window(history, lookback_days)
    owners = sorted(history.deals["owner"].unique())
    rows = []
    for o in owners:
        mine = w.loc[w["owner"] == o, "age_days"].to_numpy()
        rest = w.loc[w["owner"] != o, "age_days"].to_numpy()
        p = (float(stats.mannwhitneyu(mine, rest, alternative="two-sided").pvalue)
             if len(mine) >= 2 and len(rest) >= 2 else np.nan)
        rows.append({"owner": o, "median_days_to_win": float(np.median(mine)) if len(mine) else np.nan,
                     "rest_median_days_to_win": float(np.median(rest)) if len(rest) else np.nan,
                     "speed_p_value": p})
    return pd.DataFrame(rows).set_index("owner")


def owner_scorecard(history: DealHistory, *, period, targets: pd.DataFrame | None = None,
                    scored: pd.DataFrame | None = None, lookback_days: int | None = 365,
                    interval_level: float = 0.95) -> pd.DataFrame:
    """One row per salesperson: the period's results and the skill measures.

    Parameters
    ----------
    history : DealHistory
        Deals as of the reference date.
    period : Period
        The report period (won revenue and target completion).
    targets : DataFrame, optional
        Canonical ``targets``.
    scored : DataFrame, optional
        Open deals weighted by :func:`crmkit.analysis.funnel.score_open_deals`; without
        it the pipeline columns are left out.
    lookback_days : int or None, default 365
    interval_level : float, default 0.95

    Returns
    -------
    DataFrame
        Index ``owner``, highest shrunk win rate first: ``won_deals``,
        ``won_revenue``, ``target``, ``target_completion`` (period); ``open_deals``,
        ``open_value``, ``weighted_value``, ``coverage_target``, ``pipeline_coverage`` (with
        ``scored``); the columns of :func:`win_rates`, :func:`deal_sizes` (except
        ``won_deals``) and :func:`deal_speed`.
    """
    rates = win_rates(history, lookback_days=lookback_days, interval_level=interval_level)
    prog = target_progress(history, targets, period=period, by="owner").set_index("owner")
    out = rates.join(prog[["won_deals", "won_revenue", "target", "target_completion"]]
                     .rename(columns={"won_deals": "period_won_deals"}), how="left")
    if scored is not None:
        cov = pipeline_coverage(scored, targets, period=period, by="owner").set_index("owner")
        out = out.join(cov[["open_deals", "open_value", "weighted_value", "coverage_target", "pipeline_coverage"]],
                       how="left")
        out[["open_deals"]] = out[["open_deals"]].fillna(0).astype(np.int64)
        out[["open_value", "weighted_value"]] = out[["open_value", "weighted_value"]].fillna(0.0)
    out = out.join(deal_sizes(history, lookback_days=lookback_days).drop(columns="won_deals"))
    out = out.join(deal_speed(history, lookback_days=lookback_days))
    out["period_won_deals"] = out["period_won_deals"].fillna(0).astype(np.int64)
    out["won_revenue"] = out["won_revenue"].fillna(0.0)
    out.attrs.update(rates.attrs)
    return out


def best_vs_rest(history: DealHistory, rates: pd.DataFrame, *, lookback_days: int | None = 365,
                 min_at_risk: int = 1) -> pd.DataFrame:
    """What the best salespeople do differently: their deals against everybody else's.

    The *best* are the salespeople whose win rate is clearly above the team's
    (:func:`win_rates`); when nobody is, the top third by shrunk win rate.

    Returns
    -------
    DataFrame
        One row per measure: ``measure`` (words), ``best``, ``rest``, ``unit``
        (``share``, ``money`` or ``days``). Measures: win rate of closed deals,
        conversion of each stage (deals created in the window, open ones censored),
        median won deal, median days to win. ``attrs["best"]``: the best salespeople.
        ``min_at_risk``: see :func:`crmkit.analysis.funnel.eventual_shares`.
    """
    above = rates.index[rates["verdict"] == VERDICTS[0]].tolist()
    if not above:
        ranked = rates[rates["closed_deals"] > 0]
        above = ranked.index[: max(1, len(ranked) // 3)].tolist()
    closed = closed_in_window(history, days=lookback_days)
    won = closed[closed["outcome"] == "won"]
    created = history.since(lookback_days)
    best_keys = created.deals.loc[created.deals["owner"].isin(above), "deal_key"].to_numpy()
    sp = created.spells.assign(best=np.isin(created.spells["deal_key"].to_numpy(), best_keys))
    rows = []
    for flag, side in ((True, "best"), (False, "rest")):
        c = closed[closed["owner"].isin(above) == flag]
        rows.append(("win rate of closed deals", side, (c["outcome"] == "won").mean() if len(c) else np.nan, "share"))
        for k, name in enumerate(history.stages):
            s = sp[(sp["best"] == flag) & (sp["stage_index"] == k)]
            if s.empty:
                continue
            cause = exit_causes(s["exit"])
            conv = eventual_shares(cumulative_incidence(s["days"].to_numpy(), cause), min_at_risk=min_at_risk)[0]
            nxt = "won" if k == len(history.stages) - 1 else f"reach {history.stages[k + 1]}"
            rows.append((f"{name}: share that {nxt}", side, conv, "share"))
        w = won[won["owner"].isin(above) == flag]
        rows.append(("median won deal", side, float(w["amount"].median()) if len(w) else np.nan, "money"))
        rows.append(("median days to win", side, float(w["age_days"].median()) if len(w) else np.nan, "days"))
    long = pd.DataFrame(rows, columns=["measure", "side", "value", "unit"])
    out = long.pivot_table(index=["measure", "unit"], columns="side", values="value", sort=False).reset_index()
    out.columns.name = None
    out = out[["measure", "best", "rest", "unit"]]
    out.attrs["best"] = above
    return out

"""Stage conversion, time in stage, win rates and cycle times, with open deals censored.

A deal still open on the reference date has not failed: it has not finished yet.
Dropping open deals, or counting them as lost, makes recent months and slow stages
look bad. Every rate here treats an open deal as *censored*: it counts as "still in
the stage" for as long as it has been there, and no longer.

- **Time in stage** (median, 90th percentile): Kaplan-Meier, the event being that the
  deal leaves the stage in any way (:func:`crmkit.analysis.stats.kaplan_meier`).
- **Conversion** of a stage (the share of deals entering it that get past it) and the
  **win rate** from a stage (the share that are eventually won): the Aalen-Johansen
  estimate of the cumulative incidence of two competing ends, pass (or win) and lost
  (:func:`cumulative_incidence`). When the longest-running deals are still open, the
  share of deals not yet decided is split between the two ends in the proportion
  already seen (:func:`eventual_shares`). With ``min_at_risk`` the estimate stops at the
  last time at least that many deals were still undecided: beyond it a handful of deals
  would swing the result.

With no open deals every estimate equals the plain count (passed / entered).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..stats import kaplan_meier
from .deals import OUTCOMES, DealHistory, exit_causes

__all__ = [
    "cumulative_incidence",
    "eventual_shares",
    "conditional_shares",
    "survival_quantile",
    "stage_conversion",
    "stage_to_win",
    "funnel_counts",
    "cycle_times",
    "cohort_table",
    "win_summary",
]


def cumulative_incidence(durations, causes, *, n_causes: int = 2) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of competing events, with censoring.

    At each distinct time ``t`` with ``n`` subjects at risk (duration >= t), ``d_j``
    events of cause ``j`` and ``S(t-)`` the Kaplan-Meier probability of no event
    before ``t``, the cumulative incidence of cause ``j`` grows by ``S(t-) d_j / n``.
    Censored subjects count as at risk at their time (events first when tied).

    Parameters
    ----------
    durations : array-like of float
        Time of the event or of censoring (>= 0).
    causes : array-like of int
        0 for censored, 1 ... ``n_causes`` for the event that ended the subject.
    n_causes : int, default 2

    Returns
    -------
    DataFrame
        Index ``time`` (distinct durations, ascending); columns ``at_risk``,
        ``events_1`` ... ``events_<n>``, ``censored`` (int), ``survival`` (no event by
        ``t``, just after ``t``), ``cif_1`` ... ``cif_<n>`` (probability that cause ``j``
        has happened by ``t``). ``survival + sum(cif)`` is 1 at every time.

    Examples
    --------
    Four deals in a stage: one moves on after 2 days, one is still open after 3 days,
    one moves on after 4 and one is lost after 5.

    >>> ci = cumulative_incidence([2, 3, 4, 5], [1, 0, 1, 2])
    >>> ci["cif_1"].tolist(), ci["cif_2"].tolist()
    ([0.25, 0.25, 0.625, 0.625], [0.0, 0.0, 0.0, 0.375])
    """
    t = np.asarray(durations, dtype=float)
    c = np.asarray(causes, dtype=np.int64)
    if t.shape != c.shape:
        raise ValueError("durations and causes must have the same length")
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError("durations must be non-negative numbers")
    if ((c < 0) | (c > n_causes)).any():
        raise ValueError(f"causes must be 0 (censored) to {n_causes}")
    ci = _ci(t, c, n_causes)
    out = {"at_risk": ci.at_risk}
    for j, d in enumerate(ci.events, start=1):
        out[f"events_{j}"] = d
    out["censored"] = ci.censored
    out["survival"] = ci.surv
    for j, f in enumerate(ci.cif, start=1):
        out[f"cif_{j}"] = f
    return pd.DataFrame(out, index=pd.Index(ci.times, name="time"))


class _CI(NamedTuple):
    """Cumulative incidence as arrays (the fast core; :func:`cumulative_incidence` wraps it)."""

    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray  # (causes, times)
    censored: np.ndarray
    surv: np.ndarray
    cif: np.ndarray  # (causes, times)


def _ci(t: np.ndarray, c: np.ndarray, n_causes: int = 2) -> _CI:
    times, inv = np.unique(t, return_inverse=True)
    total = np.bincount(inv, minlength=len(times)).astype(np.int64)
    at_risk = total[::-1].cumsum()[::-1]
    events = np.stack([np.bincount(inv, weights=(c == j), minlength=len(times)).astype(np.int64)
                       for j in range(1, n_causes + 1)]) if n_causes else np.zeros((0, len(times)), np.int64)
    d_all = events.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, d_all / np.maximum(at_risk, 1), 0.0)
        surv = np.cumprod(1.0 - hazard)
        before = np.r_[1.0, surv[:-1]]
        cif = np.cumsum(before * events / np.maximum(at_risk, 1), axis=1)
    return _CI(times, at_risk, events, total - d_all, surv, cif)


def _eventual(ci: _CI, min_at_risk: int = 1) -> np.ndarray:
    if len(ci.times) == 0:
        return np.full(len(ci.cif), np.nan)
    ok = np.flatnonzero(ci.at_risk >= min_at_risk)
    i = ok[-1] if len(ok) else len(ci.times) - 1
    cif = ci.cif[:, i]
    total = cif.sum()
    if total <= 0:
        return np.full(len(cif), np.nan)
    return cif + ci.surv[i] * cif / total


def _quantile(ci: _CI, q: float) -> float:
    hit = np.flatnonzero(ci.surv <= 1 - q + 1e-12)
    return float(ci.times[hit[0]]) if len(hit) else float("nan")


def eventual_shares(ci: pd.DataFrame, *, min_at_risk: int = 1) -> np.ndarray:
    """Share of subjects eventually ended by each cause.

    The cumulative incidences at the last time, plus the part still undecided then
    (``survival``) split between the causes in the same proportion.

    Parameters
    ----------
    ci : DataFrame
        Output of :func:`cumulative_incidence`.
    min_at_risk : int, default 1
        Stop at the last time with at least this many subjects at risk (all times when
        there never were that many).

    Returns
    -------
    ndarray
        One share per cause (NaN when no event was seen).

    Examples
    --------
    >>> eventual_shares(cumulative_incidence([1, 2, 3], [1, 2, 0])).tolist()
    [0.5, 0.5]
    """
    cols = [c for c in ci.columns if c.startswith("cif_")]
    arrays = _CI(ci.index.to_numpy(dtype=float), ci["at_risk"].to_numpy(), None, None,
                 ci["survival"].to_numpy(dtype=float), ci[cols].to_numpy(dtype=float).T)
    return _eventual(arrays, min_at_risk)


def conditional_shares(ci: pd.DataFrame, ages, *, min_at_risk: int = 1) -> np.ndarray:
    """Eventual share of each cause for subjects still without an event at ``ages``.

    ``(eventual_j - CIF_j(a-)) / S(a-)``: of the subjects still in the stage at age
    ``a`` (no event before ``a``: the ``at_risk`` of :func:`cumulative_incidence`), the
    share that will end by cause ``j``. Ages beyond the last time with at least
    ``min_at_risk`` subjects at risk are read at that time (too few subjects lasted that
    long to say more).

    Parameters
    ----------
    ci : DataFrame
        Output of :func:`cumulative_incidence`.
    ages : array-like of float
    min_at_risk : int, default 1

    Returns
    -------
    ndarray, shape (len(ages), n_causes)

    Examples
    --------
    Of four deals, two pass quickly (day 1) and two slow ones are lost (day 9): a deal
    still there after 5 days will be lost.

    >>> ci = cumulative_incidence([1, 1, 9, 9], [1, 1, 2, 2])
    >>> conditional_shares(ci, [0, 5]).round(2).tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    """
    a = np.asarray(ages, dtype=float)
    cols = [c for c in ci.columns if c.startswith("cif_")]
    if ci.empty:
        return np.full((len(a), len(cols)), np.nan)
    ev = eventual_shares(ci)  # the whole tail: old deals end like the old deals did, not like all
    times = ci.index.to_numpy(dtype=float)
    ok = ci["at_risk"].to_numpy() >= min_at_risk
    limit = times[ok][-1] if ok.any() else times[0]
    a = np.minimum(a, limit)
    i = np.searchsorted(times, a, side="left") - 1  # last time before a; -1 when none
    surv = np.r_[1.0, ci["survival"].to_numpy()][i + 1]
    cif = np.vstack([np.zeros(len(cols)), ci[cols].to_numpy(dtype=float)])[i + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (ev[None, :] - cif) / surv[:, None]
    return np.where(surv[:, None] > 0, np.clip(out, 0.0, 1.0), np.nan)


def survival_quantile(km: pd.DataFrame, q: float) -> float:
    """Time by which a share ``q`` of subjects has had the event (NaN if never reached).

    Parameters
    ----------
    km : DataFrame
        A table with a ``survival`` column indexed by time (:func:`kaplan_meier` or
        :func:`cumulative_incidence`).
    q : float
        0.5 for the median, 0.9 for the 90th percentile.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 3, 4], [True] * 4)
    >>> survival_quantile(km, 0.5), survival_quantile(km, 0.9)
    (2.0, 4.0)
    """
    hit = km.index[km["survival"].to_numpy() <= 1 - q + 1e-12]
    return float(hit[0]) if len(hit) else float("nan")


def _groups(frame: pd.DataFrame, by: str | None):
    if by is None:
        yield None, frame
    else:
        yield from frame.groupby(by, sort=True, observed=True)


def _split(codes: np.ndarray, n: int):
    """Positions of each code 0 .. n-1 (codes < 0 left out), without pandas' per-group copies."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    for i in range(n):
        if bounds[i + 1] > bounds[i]:
            yield i, order[bounds[i]:bounds[i + 1]]


def _group_codes(values, by: str | None):
    """Integer codes of a group column (sorted labels) and the labels; one group without ``by``."""
    if by is None:
        return np.zeros(len(values), dtype=np.int64), np.array([None], dtype=object)
    codes, labels = pd.factorize(np.asarray(values, dtype=object), sort=True)
    return codes.astype(np.int64), labels


def _spell_groups(history: DealHistory, by: str | None) -> np.ndarray:
    """The group of each spell's deal (joined on the integer key)."""
    if by is None:
        return np.zeros(len(history.spells), dtype=object)
    at = pd.Index(history.deals["deal_key"]).get_indexer(history.spells["deal_key"])
    return history.deals[by].to_numpy(dtype=object)[at]


def stage_conversion(history: DealHistory, *, by: str | None = None, min_at_risk: int = 1) -> pd.DataFrame:
    """Per stage: deals entering, how many got past it, time spent in it.

    Parameters
    ----------
    history : DealHistory
    by : str, optional
        A group column of ``history.deals`` (``owner``, ``channel``, ``deal_size``, ...).
    min_at_risk : int, default 1
        See :func:`eventual_shares`.

    Returns
    -------
    DataFrame
        One row per (group and) stage entered by at least one deal, stages in pipeline
        order: [``by``,] ``deal_stage``, ``stage_index``, ``entered``, ``passed``
        (advanced or won from it), ``lost``, ``still_open`` (int), ``conversion`` (share
        of entering deals that get past the stage, open deals censored),
        ``median_days`` and ``p90_days`` in the stage (Kaplan-Meier; NaN when fewer than
        half / 90% of deals have left it).

    Examples
    --------
    >>> from crmkit.analysis.funnel.deals import deal_history, _example, _example_stages
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> stage_conversion(h)[["deal_stage", "entered", "passed", "lost", "conversion"]].to_string(index=False)
    'deal_stage  entered  passed  lost  conversion\\n      lead        3       2     0         1.0\\n qualified        2       1     1         0.5\\n  proposal        1       1     0         1.0'
    """
    sp = history.spells
    n_st = len(history.stages)
    codes, labels = _group_codes(_spell_groups(history, by), by)
    combined = np.where(codes >= 0, codes * n_st + sp["stage_index"].to_numpy(), -1)
    days, causes = sp["days"].to_numpy(dtype=float), exit_causes(sp["exit"])
    rows = []
    for combo, idx in _split(combined, len(labels) * n_st):
        g, k = divmod(combo, n_st)
        cause = causes[idx]
        ci = _ci(days[idx], cause)
        row = {} if by is None else {by: labels[g]}
        row.update({
            "deal_stage": history.stages[k], "stage_index": int(k), "entered": len(idx),
            "passed": int((cause == 1).sum()), "lost": int((cause == 2).sum()),
            "still_open": int((cause == 0).sum()), "conversion": _eventual(ci, min_at_risk)[0],
            "median_days": _quantile(ci, 0.5), "p90_days": _quantile(ci, 0.9),
        })
        rows.append(row)
    cols = ([by] if by else []) + ["deal_stage", "stage_index", "entered", "passed", "lost", "still_open",
                                   "conversion", "median_days", "p90_days"]
    return pd.DataFrame(rows, columns=cols)


def _reach(history: DealHistory, k: int, by: str | None = None) -> pd.DataFrame:
    """Deals that reached stage ``k`` or beyond: when they first did, and how they ended."""
    d = history.deals
    sp = history.spells
    first = sp.loc[sp["stage_index"] >= k].groupby("deal_key")["entered_at"].min()
    cols = ["deal_key", "outcome", "closed_at"] + ([by] if by else [])
    reached = d.loc[d["furthest_index"] >= k, cols].copy()
    start = first.reindex(reached["deal_key"]).to_numpy()
    # won straight from an earlier stage: they passed stage k when they closed
    reached["start"] = pd.Series(start, index=reached.index).fillna(reached["closed_at"])
    end = reached["closed_at"].fillna(history.cutoff)
    reached["days"] = ((end - reached["start"]).dt.total_seconds() / 86_400).clip(lower=0)
    reached["cause"] = np.select([reached["outcome"] == "won", reached["outcome"] == "lost"], [1, 2], 0)
    return reached


def stage_to_win(history: DealHistory, *, by: str | None = None, min_at_risk: int = 1) -> pd.DataFrame:
    """Per stage: the share of deals reaching it (or a later stage) that are eventually won.

    Open deals are censored (Aalen-Johansen). The first stage's rate is the overall win
    rate of the deals; these are the historical stage-to-win rates that weight an
    open pipeline.

    Parameters
    ----------
    history : DealHistory
    by : str, optional
        A group column of ``history.deals``.
    min_at_risk : int, default 1
        See :func:`eventual_shares`.

    Returns
    -------
    DataFrame
        One row per (group and) stage: [``by``,] ``deal_stage``, ``stage_index``,
        ``reached``, ``won``, ``lost``, ``still_open`` (int), ``win_rate``.

    Examples
    --------
    >>> from crmkit.analysis.funnel.deals import deal_history, _example, _example_stages
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> stage_to_win(h)[["deal_stage", "reached", "won", "win_rate"]].to_string(index=False)
    'deal_stage  reached  won  win_rate\\n      lead        3    1  0.666667\\n qualified        2    1  0.500000\\n  proposal        1    1  1.000000'
    """
    rows = []
    for k, name in enumerate(history.stages):
        reach = _reach(history, k, by)
        codes, labels = _group_codes(reach[by] if by else np.zeros(len(reach)), by)
        days, causes = reach["days"].to_numpy(dtype=float), reach["cause"].to_numpy()
        for g, idx in _split(codes, len(labels)):
            cause = causes[idx]
            row = {} if by is None else {by: labels[g]}
            row.update({"deal_stage": name, "stage_index": k, "reached": len(idx),
                        "won": int((cause == 1).sum()), "lost": int((cause == 2).sum()),
                        "still_open": int((cause == 0).sum()),
                        "win_rate": _eventual(_ci(days[idx], cause), min_at_risk)[0]})
            rows.append(row)
    cols = ([by] if by else []) + ["deal_stage", "stage_index", "reached", "won", "lost", "still_open",
                                   "win_rate"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(([by] if by else []) + ["stage_index"], kind="stable").reset_index(drop=True)


def funnel_counts(history: DealHistory) -> pd.DataFrame:
    """Deals reaching each stage (or a later one), and won, for the funnel chart.

    Returns
    -------
    DataFrame
        One row per stage plus a last row ``won``: ``deal_stage``, ``deals`` (reached it
        or a later stage), ``share_of_first`` (of the deals created), ``still_open``
        (open deals whose current stage it is; for ``won``: 0).

    Examples
    --------
    >>> from crmkit.analysis.funnel.deals import deal_history, _example, _example_stages
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> funnel_counts(h)["deals"].tolist()
    [3, 2, 1, 1]
    """
    d = history.deals
    n = len(d)
    names = list(history.stages) + ["won"]
    reached = [int((d["furthest_index"] >= k).sum()) for k in range(len(history.stages))]
    reached.append(int((d["outcome"] == "won").sum()))
    open_now = d.loc[d["outcome"] == "open", "deal_stage"].value_counts()
    return pd.DataFrame({
        "deal_stage": names, "deals": reached,
        "share_of_first": [r / n if n else np.nan for r in reached],
        "still_open": [int(open_now.get(s, 0)) for s in history.stages] + [0],
    })


def cycle_times(history: DealHistory, *, by: str | None = None) -> pd.DataFrame:
    """Days from creation to close, open deals censored, and days to win for won deals.

    Returns
    -------
    DataFrame
        One row (per group): [``by``,] ``deals``, ``closed``, ``median_days_to_close``,
        ``p90_days_to_close`` (Kaplan-Meier over all deals, any outcome),
        ``median_days_to_win`` (won deals only; NaN without won deals).

    Examples
    --------
    >>> from crmkit.analysis.funnel.deals import deal_history, _example, _example_stages
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> cycle_times(h)[["median_days_to_close", "median_days_to_win"]].iloc[0].tolist()
    [10.0, 10.0]
    """
    rows = []
    for key, d in _groups(history.deals, by):
        closed = d["outcome"] != "open"
        km = kaplan_meier(d["age_days"].to_numpy(), closed.to_numpy())
        won = d.loc[d["outcome"] == "won", "age_days"]
        row = {} if by is None else {by: key}
        row.update({"deals": len(d), "closed": int(closed.sum()),
                    "median_days_to_close": survival_quantile(km, 0.5),
                    "p90_days_to_close": survival_quantile(km, 0.9),
                    "median_days_to_win": float(won.median()) if len(won) else np.nan})
        rows.append(row)
    return pd.DataFrame(rows, columns=([by] if by else []) + [
        "deals", "closed", "median_days_to_close", "p90_days_to_close", "median_days_to_win"])


def win_summary(history: DealHistory, *, by: str | None = None, min_at_risk: int = 1) -> pd.DataFrame:
    """Deals, outcomes, values and win rates (per group).

    ``min_at_risk``: see :func:`eventual_shares`.

    Returns
    -------
    DataFrame
        One row (per group): [``by``,] ``deals``, ``won``, ``lost``, ``still_open``
        (int), ``won_revenue`` (sum of won amounts), ``win_rate_closed`` (won / closed
        so far), ``win_rate`` (eventual, open deals censored), ``mean_won_amount``.
    """
    rows = []
    d = history.deals
    codes, labels = _group_codes(d[by] if by else np.zeros(len(d)), by)
    oc = d["outcome"].cat.codes.to_numpy() if hasattr(d["outcome"], "cat") else None
    outcome = np.asarray(d["outcome"], dtype=object) if oc is None else np.asarray(OUTCOMES, dtype=object)[oc]
    cause_all = np.select([outcome == "won", outcome == "lost"], [1, 2], 0)
    ages, amount_all = d["age_days"].to_numpy(dtype=float), d["amount"].to_numpy(dtype=float)
    for g, idx in _split(codes, len(labels)):
        cause = cause_all[idx]
        won, lost = int((cause == 1).sum()), int((cause == 2).sum())
        amounts = amount_all[idx][cause == 1]
        row = {} if by is None else {by: labels[g]}
        row.update({"deals": len(idx), "won": won, "lost": lost, "still_open": len(idx) - won - lost,
                    "won_revenue": float(np.nansum(amounts)),
                    "win_rate_closed": won / (won + lost) if won + lost else np.nan,
                    "win_rate": _eventual(_ci(ages[idx], cause), min_at_risk)[0],
                    "mean_won_amount": float(np.nanmean(amounts)) if np.isfinite(amounts).any() else np.nan})
        rows.append(row)
    return pd.DataFrame(rows, columns=([by] if by else []) + [
        "deals", "won", "lost", "still_open", "won_revenue", "win_rate_closed", "win_rate",
        "mean_won_amount"])


def cohort_table(history: DealHistory, *, min_at_risk: int = 1) -> pd.DataFrame:
    """Deals by creation month (or quarter): outcomes so far and the eventual win rate.

    Recent cohorts have many open deals; reading their won / closed share as their win
    rate would either flatter or blame them. ``win_rate`` censors open deals instead.

    Returns
    -------
    DataFrame
        One row per cohort (ascending): ``cohort``, ``deals``, ``won``, ``lost``,
        ``still_open``, ``won_revenue``, ``win_rate_closed``, ``win_rate``,
        ``mean_won_amount``, ``open_share``.
    """
    out = win_summary(history, by="cohort", min_at_risk=min_at_risk)
    out["open_share"] = out["still_open"] / out["deals"]
    return out

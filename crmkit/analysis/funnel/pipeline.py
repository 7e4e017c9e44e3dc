"""The open pipeline, weighted by how deals like it ended, and the period's targets.

Each open deal is weighted by its chance of being won, learnt from the deals of the
past (:func:`win_chance_curves`):

- **by stage**: the share of past deals that reached its stage and were won
  (:func:`~crmkit.analysis.funnel.conversion.stage_to_win`);
- **by stage and age**: of the past deals still in that stage after as many days as
  this one has been there, the share that got past the stage, times the win rate from
  the next stage. A deal far older than usual in its stage is often a deal nobody has
  closed yet; when past deals that lingered mostly ended lost, this weight says so.

Targets (the optional ``targets`` table) are read for any report period: a target
counts in proportion to the days its period shares with the report period
(:func:`period_targets`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataValidationError, Problem
from ...periods import Period, parse_period
from .conversion import conditional_shares, cumulative_incidence, stage_to_win, survival_quantile
from .deals import DealHistory, exit_causes

__all__ = [
    "win_chance_curves",
    "score_open_deals",
    "pipeline_by_stage",
    "read_targets",
    "period_targets",
    "target_progress",
    "coverage_period",
    "pipeline_coverage",
]


def win_chance_curves(history: DealHistory, *, min_at_risk: int = 10, grid_days=None) -> pd.DataFrame:
    """Chance of winning a deal that has been in a stage for a number of days.

    Parameters
    ----------
    history : DealHistory
        Past deals (open ones censored).
    min_at_risk : int, default 10
        Ages beyond the last one at which this many past deals were still in the stage
        are read at that age.
    grid_days : array-like, optional
        Ages to tabulate; default 0 to the stage's 99th percentile of time in stage. Ages
        at which fewer than ``min_at_risk`` past deals were still in the stage are left
        out (after the first).

    Returns
    -------
    DataFrame
        Long: ``deal_stage``, ``stage_index``, ``days_in_stage``, ``pass_chance`` (of
        getting past the stage), ``win_chance`` (``pass_chance`` x the win rate from
        the next stage; the last stage's pass is the win), ``at_risk`` (past deals
        still in the stage at that age).
    """
    s2w = stage_to_win(history, min_at_risk=min_at_risk).set_index("stage_index")["win_rate"]
    n = len(history.stages)
    rows = []
    for k, s in history.spells.groupby("stage_index", sort=True):
        ci = _stage_ci(s)
        grid = (np.asarray(grid_days, dtype=float) if grid_days is not None
                else np.linspace(0, max(float(np.nanquantile(s["days"], 0.99)), 1.0), 60))
        days = np.sort(s["days"].to_numpy())
        at_risk = len(days) - np.searchsorted(days, grid, side="left")
        keep = (at_risk >= min_at_risk) | (np.arange(len(grid)) == 0)
        grid, at_risk = grid[keep], at_risk[keep]
        pass_ = conditional_shares(ci, grid, min_at_risk=min_at_risk)[:, 0]
        after = 1.0 if k == n - 1 else float(s2w.get(k + 1, np.nan))
        rows.append(pd.DataFrame({"deal_stage": history.stages[k], "stage_index": int(k),
                                  "days_in_stage": grid, "pass_chance": pass_,
                                  "win_chance": pass_ * after, "at_risk": at_risk}))
    if not rows:
        return pd.DataFrame(columns=["deal_stage", "stage_index", "days_in_stage", "pass_chance",
                                     "win_chance", "at_risk"])
    return pd.concat(rows, ignore_index=True)


def _stage_ci(spells: pd.DataFrame) -> pd.DataFrame:
    return cumulative_incidence(spells["days"].to_numpy(), exit_causes(spells["exit"]))


def score_open_deals(open_history: DealHistory, *, past: DealHistory | None = None,
                     min_at_risk: int = 10) -> pd.DataFrame:
    """Weight each open deal by its chance of being won, by stage and by age in stage.

    Parameters
    ----------
    open_history : DealHistory
        The deals as of the reference date; its open deals are scored.
    past : DealHistory, optional
        The deals the chances are learnt from (default ``open_history`` itself; pass
        ``history.since(lookback_days)`` to learn from recent deals only).
    min_at_risk : int, default 10

    Returns
    -------
    DataFrame
        One row per open deal, largest weighted value first: ``opportunity_id``,
        ``customer_id``, ``owner``, ``deal_stage``, ``amount``, ``age_days``,
        ``days_in_stage``, ``usual_days`` (median time in that stage),
        ``stage_win_chance`` (by stage only), ``win_chance`` (by stage and age),
        ``weighted_amount`` (``amount x win_chance``), ``stalled`` (longer in the
        stage than 90% of past deals stayed).
    """
    past = open_history if past is None else past
    d = open_history.deals
    d = d.loc[d["outcome"] == "open"].copy()
    s2w = stage_to_win(past, min_at_risk=min_at_risk).set_index("stage_index")["win_rate"]
    n = len(open_history.stages)
    k = d["deal_stage"].cat.codes.to_numpy()
    d["stage_win_chance"] = s2w.reindex(k).to_numpy()
    d["win_chance"] = np.nan
    d["usual_days"] = np.nan
    d["stalled"] = False
    for code, s in past.spells.groupby("stage_index", sort=True):
        on = k == code
        if not on.any():
            continue
        ci = _stage_ci(s)
        after = 1.0 if code == n - 1 else float(s2w.get(code + 1, np.nan))
        p = conditional_shares(ci, d.loc[on, "days_in_stage"].to_numpy(), min_at_risk=min_at_risk)[:, 0]
        d.loc[on, "win_chance"] = p * after
        d.loc[on, "usual_days"] = survival_quantile(ci, 0.5)
        p90 = survival_quantile(ci, 0.9)
        if np.isfinite(p90):
            d.loc[on, "stalled"] = (d.loc[on, "days_in_stage"] > p90).to_numpy()
    d["win_chance"] = d["win_chance"].fillna(d["stage_win_chance"])
    d["weighted_amount"] = d["amount"] * d["win_chance"]
    cols = ["opportunity_id", "customer_id", "owner", "deal_stage", "amount", "age_days", "days_in_stage",
            "usual_days", "stage_win_chance", "win_chance", "weighted_amount", "stalled"]
    return d[cols].sort_values("weighted_amount", ascending=False, kind="stable").reset_index(drop=True)


def pipeline_by_stage(scored: pd.DataFrame, *, by: str = "deal_stage") -> pd.DataFrame:
    """Open deals and their value per stage (or owner): as listed and weighted.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`score_open_deals`.
    by : str, default "deal_stage"

    Returns
    -------
    DataFrame
        One row per group (stages in pipeline order) and a last row ``total``:
        [``by``], ``open_deals``, ``stalled_deals``, ``open_value``,
        ``stage_weighted_value``, ``weighted_value`` (by stage and age).
    """
    s = scored.assign(stage_weighted=scored["amount"] * scored["stage_win_chance"])
    g = s.groupby(by, observed=False, sort=True)
    out = pd.DataFrame({
        "open_deals": g.size(), "stalled_deals": g["stalled"].sum().astype(np.int64),
        "open_value": g["amount"].sum(), "stage_weighted_value": g["stage_weighted"].sum(),
        "weighted_value": g["weighted_amount"].sum()})
    out.loc["total"] = out.sum()
    out.index = out.index.astype(str).rename(by)
    for c in ("open_deals", "stalled_deals"):
        out[c] = out[c].astype(np.int64)
    return out.reset_index()


# --------------------------------------------------------------------------- targets
def read_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Check the ``targets`` table and add each row's first and last day.

    Parameters
    ----------
    targets : DataFrame
        Canonical ``targets``: ``period`` (``2025-10``, ``2025-Q4``, ``2025`` or
        ``2025-01-01:2025-03-31``), ``owner``, ``channel``, ``target_amount``.

    Returns
    -------
    DataFrame
        The rows with ``start`` and ``end`` (days, both included).

    Raises
    ------
    DataValidationError
        Periods that cannot be read, negative targets, or two targets for the same
        period, owner and channel; each with a few rows.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025-Q4"], "owner": ["Ann"], "channel": [None],
    ...                   "target_amount": [1000.0]})
    >>> read_targets(t)[["start", "end"]].iloc[0].dt.strftime("%Y-%m-%d").tolist()
    ['2025-10-01', '2025-12-31']
    """
    t = targets.copy()
    for col in ("owner", "channel"):
        if col not in t:
            t[col] = pd.Series(pd.NA, index=t.index, dtype="str")
    labels = t["period"].astype(str).str.strip()
    parsed = {}
    for lab in labels.unique():
        try:
            parsed[lab] = parse_period(lab)
        except Exception:  # noqa: BLE001 - every unreadable label is reported below
            parsed[lab] = None
    problems = []
    bad = labels.map(lambda x: parsed[x] is None or parsed[x].kind in ("all",)).to_numpy()
    if bad.any():
        problems.append(Problem(
            "targets", "targets table", "period", f"{int(bad.sum())} period(s) could not be read",
            expected="2025-10 (month), 2025-Q4 (quarter), 2025 (year) or 2025-01-01:2025-03-31",
            examples=[f"table row {i + 1}: {v!r}" for i, v in zip(np.flatnonzero(bad)[:5], labels[bad][:5])],
            n_rows=int(bad.sum())))
    neg = (t["target_amount"] < 0).fillna(False).to_numpy()
    if neg.any():
        problems.append(Problem(
            "targets", "targets table", "target_amount", f"{int(neg.sum())} negative target(s)",
            expected="an amount of 0 or more",
            examples=[f"table row {i + 1}: {v}" for i, v in zip(np.flatnonzero(neg)[:5], t["target_amount"][neg][:5])],
            n_rows=int(neg.sum())))
    key = pd.DataFrame({"p": labels, "o": t["owner"].fillna(""), "c": t["channel"].fillna("")})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        problems.append(Problem(
            "targets", "targets table", "period",
            f"{int(dup.sum())} rows set a target twice for the same period, owner and channel",
            expected="one target per period, owner and channel",
            examples=[f"table row {i + 1}: {p} {o} {c}".rstrip() for i, p, o, c in
                      zip(np.flatnonzero(dup)[:5], key["p"][dup][:5], key["o"][dup][:5], key["c"][dup][:5])],
            n_rows=int(dup.sum())))
    if problems:
        raise DataValidationError(problems)
    t["start"] = labels.map(lambda x: parsed[x].start)
    t["end"] = labels.map(lambda x: parsed[x].end)
    return t


def period_targets(targets: pd.DataFrame, *, period: Period, by: str | None = "owner") -> pd.Series | float:
    """Targets for a report period, per owner or channel, or for the whole team.

    A target counts in proportion to the days its own period shares with the report
    period (a quarterly target counts 31/92 in an October report; a monthly target in
    full in its quarter).

    Parameters
    ----------
    targets : DataFrame
        Canonical ``targets`` (or the output of :func:`read_targets`).
    period : Period
    by : {"owner", "channel"} or None, default "owner"
        None: the team's target (rows with neither owner nor channel when there are
        any, else the sum of the owners' targets, else of the channels').

    Returns
    -------
    Series (index ``by``, name ``target``) or float (NaN when no target covers the period)

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025-Q4", "2025-10"], "owner": ["Ann", "Bo"],
    ...                   "channel": [None, None], "target_amount": [900.0, 100.0]})
    >>> period_targets(t, period=parse_period("2025-10")).round(1).to_dict()  # Ann: 900 x 31 / 92
    {'Ann': 303.3, 'Bo': 100.0}
    """
    t = targets if "start" in targets else read_targets(targets)
    overlap = ((np.minimum(t["end"], period.end) - np.maximum(t["start"], period.start)).dt.days + 1).clip(lower=0)
    length = (t["end"] - t["start"]).dt.days + 1
    part = t["target_amount"] * overlap / length
    has_o, has_c = t["owner"].notna(), t["channel"].notna()
    if by is None:
        for mask in (~has_o & ~has_c, has_o, has_c):
            if mask.any():
                on = mask & (overlap > 0)
                return float(part[on].sum()) if on.any() else float("nan")
        return float("nan")
    if by not in ("owner", "channel"):
        raise ValueError(f"by must be 'owner', 'channel' or None, got {by!r}")
    on = t[by].notna() & (overlap > 0)
    return part[on].groupby(t.loc[on, by].astype(str)).sum().rename("target")


def target_progress(history: DealHistory, targets: pd.DataFrame | None, *, period: Period,
                    by: str | None = "owner") -> pd.DataFrame:
    """Won deal value in the period against the period's targets.

    Parameters
    ----------
    history : DealHistory
        Deals as of the report's reference date (won = closed won by then).
    targets : DataFrame or None
        Canonical ``targets``; None: no targets (``target`` is NaN).
    period : Period
    by : {"owner", "channel"} or None, default "owner"

    Returns
    -------
    DataFrame
        One row per owner (or channel; one row ``team`` for None), owners with a
        target or a won deal: [``by``,] ``won_deals``, ``won_revenue`` (won in the
        period up to the reference date), ``target``, ``target_completion``
        (``won_revenue / target``), ``target_gap`` (target not yet reached, at least 0),
        ``period_elapsed`` (share of the period's days up to the reference date).
    """
    d = history.deals
    won = d[(d["outcome"] == "won") & period.contains(d["closed_at"])]
    elapsed = min(max(((history.as_of - period.start).days + 1) / period.days, 0.0), 1.0)
    if by is None:
        target = period_targets(targets, period=period, by=None) if targets is not None else np.nan
        out = pd.DataFrame({"group": ["team"], "won_deals": [len(won)], "won_revenue": [float(won["amount"].sum())],
                            "target": [target]})
    else:
        col = {"channel": "acquisition_channel"}.get(by, by)
        if col not in d:
            raise ValueError(f"the deals have no {col!r} column (customers are needed for channels)")
        g = won.groupby(col)["amount"]
        out = pd.DataFrame({"won_deals": g.size(), "won_revenue": g.sum()})
        if targets is not None:
            tg = period_targets(targets, period=period, by=by)
            out = out.join(tg, how="outer")
        else:
            out["target"] = np.nan
        out.index = out.index.rename(by)
        out = out.reset_index()
    out["won_deals"] = out["won_deals"].fillna(0).astype(np.int64)
    out["won_revenue"] = out["won_revenue"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["target_completion"] = np.where(out["target"] > 0, out["won_revenue"] / out["target"], np.nan)
    out["target_gap"] = (out["target"] - out["won_revenue"]).clip(lower=0)
    out["period_elapsed"] = elapsed
    return out


def coverage_period(period: Period, targets: pd.DataFrame | None) -> Period:
    """The period whose target today's open pipeline is measured against.

    The period after the report period when the targets cover it (open deals mostly
    close in the coming weeks), else the report period itself.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025-Q4", "2026-Q1"], "owner": ["Ann", "Ann"],
    ...                   "channel": [None, None], "target_amount": [1.0, 1.0]})
    >>> coverage_period(parse_period("2025-Q4"), t).label
    '2026-Q1'
    """
    if targets is None or period.kind not in ("month", "quarter", "year"):
        return period
    nxt = parse_period(_next_label(period))
    t = targets if "start" in targets else read_targets(targets)
    covered = ((t["start"] <= nxt.end) & (t["end"] >= nxt.start)).any()
    return nxt if covered else period


def _next_label(period: Period) -> str:
    if period.kind == "month":
        return str(period.start.to_period("M") + 1)
    if period.kind == "quarter":
        q = period.start.to_period("Q") + 1
        return f"{q.year}-Q{q.quarter}"
    return str(period.start.year + 1)


def pipeline_coverage(scored: pd.DataFrame, targets: pd.DataFrame | None, *, period: Period,
                      by: str | None = "owner") -> pd.DataFrame:
    """Open pipeline against the target it has to fill (:func:`coverage_period`).

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`score_open_deals`.
    targets : DataFrame or None
    period : Period
        The report period.
    by : {"owner"} or None, default "owner"

    Returns
    -------
    DataFrame
        One row per owner (or ``team``): [``by``,] ``open_deals``, ``open_value``,
        ``weighted_value``, ``coverage_target`` (target of ``target_period``),
        ``target_period`` (label), ``pipeline_coverage`` (open value / target: how many
        times the pipeline covers it), ``expected_share`` (weighted value / target).
    """
    cp = coverage_period(period, targets)
    if by is None:
        out = pd.DataFrame({"group": ["team"], "open_deals": [len(scored)],
                            "open_value": [float(scored["amount"].sum())],
                            "weighted_value": [float(scored["weighted_amount"].sum())]})
        out["coverage_target"] = period_targets(targets, period=cp, by=None) if targets is not None else np.nan
    else:
        g = scored.groupby(by)
        out = pd.DataFrame({"open_deals": g.size(), "open_value": g["amount"].sum(),
                            "weighted_value": g["weighted_amount"].sum()})
        tg = (period_targets(targets, period=cp, by=by) if targets is not None
              else pd.Series(dtype=float, name="target"))
        out = out.join(tg.rename("coverage_target"), how="outer")
        out.index = out.index.rename(by)
        out = out.reset_index()
        out["open_deals"] = out["open_deals"].fillna(0).astype(np.int64)
        out[["open_value", "weighted_value"]] = out[["open_value", "weighted_value"]].fillna(0.0)
    out["target_period"] = cp.label
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pipeline_coverage"] = np.where(out["coverage_target"] > 0,
                                            out["open_value"] / out["coverage_target"], np.nan)
        out["expected_share"] = np.where(out["coverage_target"] > 0,
                                         out["weighted_value"] / out["coverage_target"], np.nan)
    return out

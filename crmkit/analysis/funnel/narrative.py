"""Sales funnel: findings and actions in words, and the planted-truth check.

Sentences computed from the tables of :mod:`crmkit.analysis.funnel`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...periods import Period
from .deals import GROUPS

__all__ = [
    "window_words",
    "group_words",
    "bottleneck_sentence",
    "cohort_sentence",
    "target_sentences",
    "funnel_findings",
    "funnel_actions",
    "planted_bottleneck_check",
]


def window_words(window_days: int | None, as_of) -> str:
    """"the 12 months to 2025-12-30" (or "the 90 days to ...", "all deals to ...").

    Examples
    --------
    >>> window_words(365, pd.Timestamp("2025-12-30")), window_words(90, pd.Timestamp("2025-12-30"))
    ('the 12 months to 2025-12-30', 'the 90 days to 2025-12-30')
    """
    return fmt.window(window_days, as_of, items="deals")


def group_words(dimension: str, group: str) -> str:
    """How a group is named in a sentence: "Song Lu's deals", "deals from search".

    Examples
    --------
    >>> group_words("owner", "Song Lu"), group_words("acquisition_channel", "search")
    ("Song Lu's deals", 'deals of customers acquired through search')
    """
    if dimension == "owner":
        return f"{group}'s deals"
    if dimension == "acquisition_channel":
        return f"deals of customers acquired through {group}"
    if dimension == "crm_segment":
        return f"deals of {group} customers"
    if dimension == "deal_size":
        return f"deals of {group}"
    return f"deals in {GROUPS.get(dimension, dimension)} {group}"


_PLURALS = {"owner": "salespeople", "acquisition_channel": "acquisition channels",
            "crm_segment": "customer segments", "deal_size": "deal-size bands", "cohort": "months"}


def _names(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _next(stages, k: int) -> str:
    return "are won" if k == len(stages) - 1 else f"reach {stages[k + 1]}"


def bottleneck_sentence(bottleneck: dict | None, *, stages, currency: str = "¥",
                        window: str = "the last 12 months") -> str:
    """One sentence naming the bottleneck and what it costs (from :func:`find_bottleneck`)."""
    if bottleneck is None:
        return ("No stage stands out: where groups of deals differ, the differences are no larger "
                "than chance would make them, so there is no clear bottleneck.")
    b = bottleneck
    k = int(b["stage_index"])
    who = group_words(b["dimension"], b["best_group"])
    if b["kind"] == "conversion":
        return (f"**The bottleneck is the {b['deal_stage']} stage**: {fmt.pct(b['typical_value'])} of the "
                f"deals that reach it {_next(stages, k)}, against {fmt.pct(b['best_value'])} of {who} "
                f"(the best comparable {GROUPS.get(b['dimension'], b['dimension'])}). Converting like them "
                f"would have won about {fmt.count(b['extra_won_deals'])} more deals, "
                f"**{fmt.money(b['cost'], currency)}**, in {window}.")
    return (f"**The bottleneck is the time spent in {b['deal_stage']}**: deals stay "
            f"{fmt.num(b['typical_value'], digits=2)} days there (median), against "
            f"{fmt.num(b['best_value'], digits=2)} days for {who}; that delays about "
            f"**{fmt.money(b['cost'], currency)}** of won revenue in {window}.")


def cohort_sentence(cohorts: pd.DataFrame, *, recent: int = 2) -> str | None:
    """Why the latest creation months must not be read as bad ones (None when few are open).

    Parameters
    ----------
    cohorts : DataFrame
        Output of :func:`crmkit.analysis.funnel.cohort_table`.
    recent : int, default 2
        The latest cohorts considered.
    """
    c = cohorts.tail(recent)
    if c.empty or c["deals"].sum() == 0:
        return None
    open_share = c["still_open"].sum() / c["deals"].sum()
    if open_share < 0.3:
        return None
    closed = c["won"].sum() + c["lost"].sum()
    so_far = c["won"].sum() / closed if closed else np.nan
    est = float(np.average(c["win_rate"].fillna(0), weights=c["deals"])) if c["win_rate"].notna().any() else np.nan
    months = " and ".join(c["cohort"].astype(str))
    return (f"Deals opened in {months} are mostly still open ({fmt.pct(open_share)}); of those already "
            f"closed {fmt.pct(so_far)} were won, and counting the open ones as undecided their expected "
            f"win rate is {fmt.pct(est)}. Judge these months later, not by their wins so far.")


def target_sentences(progress: pd.Series, coverage: pd.Series, *, period: Period, currency: str = "¥",
                     rule_of_thumb: float = 3.0) -> str:
    """The period's won revenue against its target, and the pipeline against the next target.

    Parameters
    ----------
    progress : Series
        Team row of :func:`target_progress` (``by=None``).
    coverage : Series
        Team row of :func:`pipeline_coverage` (``by=None``).
    period : Period
    currency : str
    rule_of_thumb : float, default 3.0

    Examples
    --------
    >>> from crmkit.periods import parse_period
    >>> p = pd.Series({"won_deals": 3, "won_revenue": 600.0, "target": 1000.0, "target_completion": 0.6,
    ...                "target_gap": 400.0, "period_elapsed": 1.0})
    >>> c = pd.Series({"open_deals": 4, "open_value": 2000.0, "weighted_value": 500.0,
    ...                "coverage_target": 1000.0, "target_period": "2026-Q1", "pipeline_coverage": 2.0,
    ...                "expected_share": 0.5})
    >>> print(target_sentences(p, c, period=parse_period("2025-Q4"), currency="$"))
    In 2025-Q4 the team won **$600** from 3 deals: **60% of the $1,000 target**, $400 short.
    <BLANKLINE>
    The open pipeline (4 deals, $2,000) is **2 times the 2026-Q1 target** of $1,000 (about 3 times is the usual rule of thumb); weighted by stage and age it would bring $500, 50% of that target.
    """
    won = (f"In {period.label} the team won **{fmt.money(progress['won_revenue'], currency)}** from "
           f"{fmt.count(progress['won_deals'])} deals")
    if np.isfinite(progress.get("target", np.nan)):
        won += (f": **{fmt.pct(progress['target_completion'])} of the {fmt.money(progress['target'], currency)} "
                f"target**")
        gap = progress["target_gap"]
        won += f", {fmt.money(gap, currency)} short" if gap > 0 else ", target reached"
        if progress["period_elapsed"] < 0.999:
            won += f" with {fmt.pct(progress['period_elapsed'])} of the period gone"
    else:
        won += "; the export has no target for this period"
    pipe = f"The open pipeline ({fmt.count(coverage['open_deals'])} deals, {fmt.money(coverage['open_value'], currency)})"
    if np.isfinite(coverage.get("pipeline_coverage", np.nan)):
        pipe += (f" is **{fmt.num(coverage['pipeline_coverage'], digits=2)} times the {coverage['target_period']} "
                 f"target** of {fmt.money(coverage['coverage_target'], currency)} (about "
                 f"{fmt.num(rule_of_thumb, digits=2)} times is the usual rule of thumb); weighted by stage and age "
                 f"it would bring {fmt.money(coverage['weighted_value'], currency)}, "
                 f"{fmt.pct(coverage['expected_share'])} of that target.")
    else:
        pipe += (f" would bring about {fmt.money(coverage['weighted_value'], currency)} weighted by stage and age; "
                 "there is no target to compare it with.")
    return won + ".\n\n" + pipe


def funnel_findings(*, summary: pd.Series, cycle: pd.Series, stages, bottleneck: dict | None,
                    progress: pd.Series | None, coverage: pd.Series | None, pipeline_total: pd.Series,
                    period: Period, as_of, window: str, currency: str = "¥",
                    cohort_note: str | None = None) -> list[str]:
    """Three to five findings, computed from the funnel tables.

    Parameters
    ----------
    summary : Series
        The one row of :func:`win_summary` over the window.
    cycle : Series
        The one row of :func:`cycle_times` over the window.
    stages : list of str
    bottleneck : dict or None
        :func:`find_bottleneck`.
    progress : Series or None
        The team row of :func:`target_progress` (``by=None``) for the report period.
    coverage : Series or None
        The team row of :func:`pipeline_coverage`.
    pipeline_total : Series
        The ``total`` row of :func:`pipeline_by_stage`.
    period : Period
    as_of : date-like
        The reference date (the pipeline is as of that day).
    window : str
        :func:`window_words`.
    currency : str
    cohort_note : str, optional
        :func:`cohort_sentence`.
    """
    out = [
        f"In {window}, **{fmt.count(summary['deals'])} deals** were opened: {fmt.count(summary['won'])} won "
        f"({fmt.money(summary['won_revenue'], currency)}), {fmt.count(summary['lost'])} lost and "
        f"{fmt.count(summary['still_open'])} still open. Counting open deals as undecided, "
        f"**{fmt.pct(summary['win_rate'])} of deals end up won**; a won deal takes "
        f"{fmt.num(cycle['median_days_to_win'], digits=2)} days from opening (median).",
        bottleneck_sentence(bottleneck, stages=stages, currency=currency, window=window),
    ]
    if progress is not None:
        won = (f"In {period.label} the team won **{fmt.money(progress['won_revenue'], currency)}** from "
               f"{fmt.count(progress['won_deals'])} deals")
        if np.isfinite(progress.get("target", np.nan)):
            won += (f": **{fmt.pct(progress['target_completion'])} of the "
                    f"{fmt.money(progress['target'], currency)} target**")
            if progress["period_elapsed"] < 0.999:
                won += f", with {fmt.pct(progress['period_elapsed'])} of the period gone"
        else:
            won += " (the export has no targets for this period)"
        out.append(won + ".")
    line = (f"Open pipeline on {fmt.date(pd.Timestamp(as_of))}: **{fmt.count(pipeline_total['open_deals'])} deals worth "
            f"{fmt.money(pipeline_total['open_value'], currency)}**; weighted by how past deals in the same stage "
            f"and of the same age ended, about **{fmt.money(pipeline_total['weighted_value'], currency)}** "
            f"will be won ({fmt.money(pipeline_total['stage_weighted_value'], currency)} by stage alone).")
    if pipeline_total["stalled_deals"] > 0:
        line += (f" {fmt.count(pipeline_total['stalled_deals'])} deals have stalled: they have been in their "
                 "stage longer than 90% of past deals stayed.")
    if coverage is not None and np.isfinite(coverage.get("pipeline_coverage", np.nan)):
        line += (f" The open pipeline is {fmt.num(coverage['pipeline_coverage'], digits=2)} times the "
                 f"{coverage['target_period']} target.")
    out.append(line)
    if cohort_note:
        out.append(cohort_note)
    return out[:5]


def funnel_actions(*, bottleneck: dict | None, gaps: pd.DataFrame | None, scored: pd.DataFrame,
                   coverage: pd.Series | None, rule_of_thumb: float = 3.0, currency: str = "¥",
                   window: str = "the last 12 months", csv_name: str = "pipeline_deals.csv") -> list[str]:
    """Recommended actions: who does what, and what is at stake.

    Parameters
    ----------
    bottleneck : dict or None
    gaps : DataFrame, optional
        :func:`stage_gaps` of the bottleneck's grouping (names the groups behind the cost).
    scored : DataFrame
        :func:`score_open_deals`.
    coverage : Series or None
        Team row of :func:`pipeline_coverage`.
    rule_of_thumb : float, default 3.0
    currency, window, csv_name : str
    """
    out = []
    if bottleneck is not None:
        dim = bottleneck["dimension"]
        if gaps is not None and not gaps.empty:
            col = "conversion_cost" if bottleneck["kind"] == "conversion" else "duration_cost"
            g = gaps[(gaps["deal_stage"] == bottleneck["deal_stage"]) & (gaps[col] > 0)]
            g = g.sort_values(col, ascending=False)
            share = g[col].cumsum() / g[col].sum()
            names = g["group"].iloc[: int((share < 0.7).sum()) + 1].astype(str).tolist()
        else:
            names = [str(bottleneck["main_group"])]
        who = _names(names[:4])
        what = ("how proposals are prepared and followed up" if bottleneck["deal_stage"] == "proposal"
                else f"how deals are handled in the {bottleneck['deal_stage']} stage")
        if bottleneck["kind"] == "duration":
            what = f"why deals wait in {bottleneck['deal_stage']}"
        whose = f"with {who}" if dim == "owner" else f"for the deals of the {_PLURALS.get(dim, dim)} {who}"
        out.append(
            f"**Sales managers**: review {what} {whose}, against "
            f"{bottleneck['best_group']}, who does best there; closing half the gap would have added about "
            f"**{fmt.money(bottleneck['cost'] / 2, currency)}** of won revenue in {window}.")
    stalled = scored[scored["stalled"]]
    if len(stalled):
        out.append(
            f"**Every salesperson**: decide on the {fmt.count(len(stalled))} stalled deals in `{csv_name}` "
            f"({fmt.money(stalled['amount'].sum(), currency)} listed, about "
            f"{fmt.money(stalled['weighted_amount'].sum(), currency)} likely to be won): move each one to "
            "its next stage this month or close it as lost, so the pipeline and the forecast stay honest.")
    if coverage is not None and np.isfinite(coverage.get("pipeline_coverage", np.nan)):
        c = coverage["pipeline_coverage"]
        if c < rule_of_thumb:
            out.append(
                f"**Sales leadership**: build pipeline for {coverage['target_period']}: open deals cover "
                f"{fmt.num(c, digits=2)} times its {fmt.money(coverage['coverage_target'], currency)} target "
                f"(about {fmt.num(rule_of_thumb, digits=2)} times is the usual rule of thumb), and at past win "
                f"rates they would bring {fmt.money(coverage['weighted_value'], currency)} "
                f"({fmt.pct(coverage['expected_share'])} of it).")
        else:
            out.append(
                f"**Sales leadership**: the open pipeline covers {fmt.num(c, digits=2)} times the "
                f"{coverage['target_period']} target: enough deals; put the effort into converting them.")
    elif coverage is not None:
        out.append("**Sales operations**: add the period targets to the export (table `targets`) so that "
                   "target completion and pipeline coverage can be tracked.")
    return out


def planted_bottleneck_check(table: pd.DataFrame, gaps: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """The planted stage bottleneck of the demo against what was found.

    Parameters
    ----------
    table : DataFrame
        :func:`bottleneck_table`.
    gaps : DataFrame
        :func:`stage_gaps` by owner.
    truth : dict
        ``Dataset.truth`` of the synthetic demo (``stage_bottleneck``).

    Returns
    -------
    DataFrame
        ``check``, ``planted``, ``found``, ``recovered`` (bool): the bottleneck stage,
        its kind and grouping, and the proposal conversion of the best and the worst
        planted salesperson.
    """
    t = truth["stage_bottleneck"]
    top = table.iloc[0] if len(table) else pd.Series(dtype=object)
    rows = [
        ("bottleneck stage", t["stage"], top.get("deal_stage"), top.get("deal_stage") == t["stage"]),
        ("kind", t["kind"], top.get("kind"), top.get("kind") == t["kind"]),
        ("compared across", GROUPS[t["dimension"]], GROUPS.get(top.get("dimension"), top.get("dimension")),
         top.get("dimension") == t["dimension"]),
    ]
    conv = gaps[gaps["deal_stage"] == t["stage"]].set_index("group")["conversion"]
    planted = t["proposal_conversion"]
    for owner in (max(planted, key=planted.get), min(planted, key=planted.get)):
        found = conv.get(owner, np.nan)
        ok = bool(abs(found - planted[owner]) < 0.15) if np.isfinite(found) else False
        rows.append((f"{t['stage']} conversion, {owner}", fmt.pct(planted[owner]), fmt.pct(found), ok))
    return pd.DataFrame(rows, columns=["check", "planted", "found", "recovered"])

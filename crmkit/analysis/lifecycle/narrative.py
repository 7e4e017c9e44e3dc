"""Lifecycle and cohorts: findings in words and the planted-truth check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.lifecycle`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...periods import Period
from .lifecycle import STAGES, stage_counts

__all__ = [
    "stage_vs_truth",
    "lifecycle_findings",
    "cohort_findings",
    "survival_findings",
    "lifecycle_actions",
]


def stage_vs_truth(stages: pd.DataFrame, truth_customers: pd.DataFrame) -> pd.DataFrame:
    """Share of each stage's customers who truly dropped out (synthetic data with planted truth).

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`lifecycle_stages`.
    truth_customers : DataFrame
        ``truth["customers"]`` of the demo data: ``customer_id``, ``dropped_out`` (bool),
        ``dropout_date``.

    Returns
    -------
    DataFrame
        Columns ``stage``, ``customers`` (int, customers with a planted truth),
        ``truly_dropped_out`` (share planted as having dropped out for good by the
        end of the data). Stages without such customers are left out.
    """
    t = truth_customers.drop_duplicates("customer_id").set_index("customer_id")["dropped_out"]
    d = pd.DataFrame({"stage": stages["stage"].astype(str),
                      "dropped": t.reindex(stages.index)}).dropna(subset=["dropped"])
    d["dropped"] = d["dropped"].astype(bool)
    g = d.groupby("stage")["dropped"]
    out = pd.DataFrame({"customers": g.size().astype(np.int64), "truly_dropped_out": g.mean()})
    out = out.reindex([s for s in STAGES if s in out.index]).reset_index()
    return out


def lifecycle_findings(stages: pd.DataFrame, transitions: pd.DataFrame, *, period: Period,
                       migration: pd.DataFrame | None = None, profile: pd.DataFrame | None = None,
                       currency: str = "¥") -> list[str]:
    """Sentences on stages, transitions and tier migration, computed from this module's tables.

    Parameters
    ----------
    stages : DataFrame
        :func:`lifecycle_stages` at the period end.
    transitions : DataFrame
        :func:`stage_transitions` for the period.
    period : Period
    migration : DataFrame, optional
        :func:`tier_migration`.
    profile : DataFrame, optional
        :func:`migration_profile`.
    currency : str, default "¥"

    Returns
    -------
    list of str
        Markdown sentences.
    """
    out = []
    counts = stage_counts(stages).set_index("stage")
    buyers = counts.drop(index="prospect")
    nb = int(buyers["customers"].sum())
    if nb:
        live = int(buyers.loc[["new", "active", "loyal", "reactivated"], "customers"].sum())
        out.append(
            f"At the end of {period.label}, **{fmt.pct(live / nb)}** of the {nb:,} customers who have ever "
            f"bought are current (new, active, loyal or reactivated); {fmt.pct(buyers.loc['at_risk', 'customers'] / nb)} "
            f"are at risk and {fmt.pct(buyers.loc['lapsed', 'customers'] / nb)} have lapsed.")
    if counts.loc["prospect", "customers"]:
        out.append(f"{int(counts.loc['prospect', 'customers']):,} signed-up prospects have not bought yet.")
    t = transitions.set_index(["from_stage", "to_stage"])["share"]
    froms = set(transitions["from_stage"])
    prev = period.previous().label
    current = ("active", "loyal", "reactivated")

    def share(f, to):
        return sum(float(t.get((f, s), 0.0)) for s in to)

    if "at_risk" in froms:
        out.append(f"Of the customers at risk at the end of {prev}, **{fmt.pct(share('at_risk', current))}** "
                   f"are current again (they bought in {period.label}) and "
                   f"{fmt.pct(share('at_risk', ['lapsed']))} have lapsed.")
    if "new" in froms:
        out.append(f"Of the customers who were new at the end of {prev}, {fmt.pct(share('new', current))} "
                   f"are now active or loyal, {fmt.pct(share('new', ['at_risk']))} at risk and "
                   f"{fmt.pct(share('new', ['lapsed']))} lapsed.")
    re_n = int(transitions.loc[transitions["to_stage"] == "reactivated", "customers"].sum())
    if re_n:
        who = "customer is" if re_n == 1 else "customers are"
        out.append(f"{re_n:,} {who} reactivated: they came back after a long break.")
    if migration is not None and len(migration):
        mv = migration["movement"].value_counts()
        out.append(f"Value tiers: {int(mv.get('up', 0)):,} customers moved up a tier and "
                   f"{int(mv.get('down', 0)):,} moved down; {int(mv.get('entered', 0)):,} entered the "
                   f"ranking and {int(mv.get('lapsed', 0)):,} dropped out of it (no purchase in the window).")
    if profile is not None and {"up", "same"} <= set(profile.index):
        up, same = profile.loc["up"], profile.loc["same"]
        out.append(
            f"Those who moved up placed **{up['purchases_in_period']:.1f} orders** each in {period.label} "
            f"versus {same['purchases_in_period']:.1f} for those who stayed in their tier, at an average "
            f"order value of {currency}{up['aov_in_period']:,.0f} versus {currency}{same['aov_in_period']:,.0f}.")
    return out


def cohort_findings(cohorts: pd.DataFrame, summary: pd.DataFrame, *, freq: str = "M",
                    curves: dict[str, pd.DataFrame] | None = None, horizon: int = 3,
                    min_customers: int = 30) -> list[str]:
    """Sentences on cohort retention, computed from the tables of this module.

    Parameters
    ----------
    cohorts : DataFrame
        Output of :func:`cohort_table`.
    summary : DataFrame
        Output of :func:`cohort_summary`.
    freq : {"M", "Q"}, default "M"
    curves : dict of str to DataFrame, optional
        Named outputs of :func:`retention_curves` (e.g. ``{"acquisition channel": ...}``);
        the best and worst group at period ``horizon`` are named.
    horizon : int, default 3
        Period number compared across cohorts and groups.
    min_customers : int, default 30
        Groups observed on fewer customers at ``horizon`` are not compared.

    Returns
    -------
    list of str
        Markdown sentences.
    """
    unit = "month" if freq == "M" else "quarter"
    out: list[str] = []
    if len(summary):
        n = int(summary["customers"].sum())
        one = float((summary["one_time_share"] * summary["customers"]).sum() / n)
        span = float((summary["avg_days_first_to_last"] * summary["customers"]).sum() / n)
        out.append(f"Of {n:,} customers acquired so far, **{fmt.pct(one)}** have bought on one day only; "
                   f"on average {span:.0f} days pass between a customer's first and last purchase.")
    if len(cohorts):
        k1 = cohorts.loc[cohorts["period_number"] == 1]
        if len(k1):
            r1 = k1["customers"].sum() / k1["cohort_customers"].sum()
            out.append(f"On average **{fmt.pct(r1)}** of a cohort buys again in the {unit} after "
                       f"its first purchase.")
        kh = cohorts.loc[cohorts["period_number"] == horizon]
        if len(kh) >= 2:
            best = kh.loc[kh["retention"].idxmax()]
            worst = kh.loc[kh["retention"].idxmin()]
            date_fmt = "%Y-%m"
            out.append(
                f"{horizon} {unit}s after acquisition, retention ranges from {fmt.pct(worst['retention'])} "
                f"(cohort {worst['cohort']:{date_fmt}}) to {fmt.pct(best['retention'])} "
                f"(cohort {best['cohort']:{date_fmt}}).")
        rr = kh["revenue"].sum() / cohorts.loc[
            (cohorts["period_number"] == 0) & cohorts["cohort"].isin(kh["cohort"]), "revenue"].sum() \
            if len(kh) else np.nan
        if pd.notna(rr):
            out.append(f"Revenue retention: in their {unit} {horizon}, cohorts spend {fmt.pct(rr)} of what "
                       f"they spent in their first {unit}.")
    for what, cur in (curves or {}).items():
        at = cur.loc[(cur["period_number"] == horizon) & (cur["customers"] >= min_customers)]
        at = at.loc[at["group"] != "unknown"]
        if len(at) >= 2:
            best, worst = at.loc[at["retention"].idxmax()], at.loc[at["retention"].idxmin()]
            out.append(
                f"By {what}: {horizon} {unit}s after acquisition, **{best['group']}** customers "
                f"retain best ({fmt.pct(best['retention'])} active) and **{worst['group']}** worst "
                f"({fmt.pct(worst['retention'])}).")
    return out


def survival_findings(summary: pd.DataFrame, *, churn_days: int, at=(365, 180, 90),
                      min_customers: int = 30) -> list[str]:
    """Sentences on customer survival, computed from :func:`survival_summary`.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`survival_summary`.
    churn_days : int
        The churn rule used for the lifetimes (named in the sentence).
    at : tuple of int, default (365, 180, 90)
        Days tried in this order; the first with ``still_buying_<days>d`` values (the
        curves reach that far) is reported.
    min_customers : int, default 30
        Groups with fewer customers are not compared.

    Returns
    -------
    list of str
        Markdown sentences.

    Examples
    --------
    >>> s = pd.DataFrame({"customers": [100, 300], "churned": [50, 200], "median_days": [400.0, 200.0],
    ...                   "still_buying_365d": [0.6, 0.4]}, index=pd.Index(["a", "b"], name="group"))
    >>> survival_findings(s, churn_days=180)[0]
    'A year after their first purchase, an estimated **45%** of customers are still buying (Kaplan-Meier; a customer has lapsed after 180 days without a purchase).'
    """
    big = summary.loc[summary["customers"] >= min_customers]
    for days in at:
        col = f"still_buying_{days}d"
        s = big.dropna(subset=[col]) if col in big.columns else big.iloc[:0]
        if len(s):
            break
    else:
        return []
    when = "A year" if days == 365 else f"{days} days"
    share = float((s[col] * s["customers"]).sum() / s["customers"].sum())
    out = [f"{when} after their first purchase, an estimated **{fmt.pct(share)}** of customers are still buying "
           f"(Kaplan-Meier; a customer has lapsed after {churn_days} days without a purchase)."]
    if len(s) >= 2:
        best, worst = s[col].idxmax(), s[col].idxmin()
        out.append(f"Survival differs by group: {fmt.pct(s.loc[best, col])} of **{best}** customers are still "
                   f"buying after {days} days against {fmt.pct(s.loc[worst, col])} of **{worst}** customers.")
    return out


def lifecycle_actions(stages: pd.DataFrame, *, migration: pd.DataFrame | None = None,
                      rules=None) -> list[str]:
    """What to do with each group of the lifecycle, with how many customers it concerns.

    Parameters
    ----------
    stages : DataFrame
        :func:`lifecycle_stages` at the report date.
    migration : DataFrame, optional
        :func:`tier_migration`: customers who moved down a value tier.
    rules : LifecycleRules or dict, optional
        Stage thresholds (for the words; defaults otherwise).

    Returns
    -------
    list of str

    Examples
    --------
    >>> st = pd.DataFrame({"stage": ["at_risk", "at_risk", "new", "lapsed", "loyal"]})
    >>> lifecycle_actions(st)[0]
    'Win back the 2 customers at risk (no purchase for 90 to 179 days) before they lapse: a personal reminder or offer; the churn report ranks them by value at risk.'
    """
    from ...config.lifecycle import LifecycleRules

    r = LifecycleRules.coerce(rules)
    n = stages["stage"].value_counts()
    out = []
    if n.get("at_risk", 0):
        out.append(f"Win back the {fmt.plural(n['at_risk'], 'customer')} at risk (no purchase for "
                   f"{r.at_risk_days} to {r.churn_days - 1} days) before they lapse: a personal "
                   "reminder or offer; the churn report ranks them by value at risk.")
    if n.get("new", 0):
        out.append(f"Onboard the {fmt.plural(n['new'], 'new customer')} (first purchase in the last "
                   f"{r.new_days} days): welcome series and a reason for a second purchase.")
    if migration is not None and len(migration):
        down = int((migration["movement"] == "down").sum())
        if down:
            out.append(f"Ask the {fmt.plural(down, 'customer')} who moved down a value tier what changed (a short "
                       "survey or a call from their account manager).")
    if n.get("lapsed", 0):
        out.append(f"Keep the {fmt.plural(n['lapsed'], 'lapsed customer')} out of paid campaigns; one "
                   "low-cost reactivation message, then suppress.")
    return out

"""Sales team: findings, coaching points and actions in words, and the planted-truth check.

Sentences computed from the tables of :mod:`crmkit.analysis.sales_team`; kept apart from
the computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...periods import Period
from .scorecard import VERDICTS

__all__ = [
    "coaching_sentences",
    "difference_sentence",
    "best_practice_sentence",
    "comparison_table",
    "team_findings",
    "team_actions",
    "planted_win_rate_check",
]


def _names(names) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _next_words(stages, stage: str) -> str:
    k = list(stages).index(stage)
    return "are won" if k == len(stages) - 1 else f"reach {stages[k + 1]}"


def coaching_sentences(coaching: pd.DataFrame, *, stages, currency: str = "¥",
                       window: str = "the last 12 months") -> pd.Series:
    """One coaching point per salesperson, from :func:`coaching_table`.

    Returns
    -------
    Series
        Index ``owner``, name ``coaching_point``: Markdown sentences.
    """
    out = {}
    for owner, r in coaching.iterrows():
        if not r["enough_deals"]:
            out[owner] = "Too few closed deals in the window to judge; look again next quarter."
            continue
        parts = []
        if isinstance(r["weak_stage"], str):
            parts.append(
                f"Loses deals at **{r['weak_stage']}**: {fmt.pct(r['weak_conversion'])} of their deals there "
                f"{_next_words(stages, r['weak_stage'])}, against {fmt.pct(r['benchmark_conversion'])} for "
                f"{r['benchmark_owner']}; the gap cost about {fmt.money(r['weak_stage_cost'], currency)} of won "
                f"revenue in {window}. Ask {r['benchmark_owner']} to review their next {r['weak_stage']}s.")
        if r["size"] == "smaller":
            parts.append(f"Wins smaller deals than the rest of the team (typically "
                         f"{fmt.pct(r['size_ratio'])} of their size): aim at larger accounts or bundles.")
        elif r["size"] == "larger":
            parts.append(f"Wins larger deals than the rest of the team (typically "
                         f"{fmt.num(r['size_ratio'], digits=2)} times their size): share how.")
        if r["speed"] == "slower":
            parts.append(f"Takes longer to win ({fmt.num(r['median_days_to_win'], digits=2)} days, median, "
                         f"against {fmt.num(r['rest_median_days_to_win'], digits=2)}): agree next steps and dates "
                         "at every meeting.")
        elif r["speed"] == "faster":
            parts.append(f"Wins faster than the team ({fmt.num(r['median_days_to_win'], digits=2)} days against "
                         f"{fmt.num(r['rest_median_days_to_win'], digits=2)}).")
        out[owner] = " ".join(parts) if parts else (
            "No gap against the best that is clearly more than luck: keep going, and share what works.")
    return pd.Series(out, name="coaching_point").rename_axis("owner")


def difference_sentence(rates: pd.DataFrame) -> str:
    """Which win-rate differences are real (from :func:`win_rates`)."""
    team = rates.attrs.get("team_rate", np.nan)
    ok = rates[rates["closed_deals"] > 0]
    if ok.empty:
        return "No deal was closed in the window."
    raw = ok["win_rate"]
    above = ok.index[ok["verdict"] == VERDICTS[0]].tolist()
    below = ok.index[ok["verdict"] == VERDICTS[2]].tolist()
    noise = len(ok) - len(above) - len(below)
    text = (f"Raw win rates range from {fmt.pct(raw.min())} ({raw.idxmin()}) to {fmt.pct(raw.max())} "
            f"({raw.idxmax()}); with luck removed, from {fmt.pct(ok['win_rate_shrunk'].min())} to "
            f"{fmt.pct(ok['win_rate_shrunk'].max())} (team: {fmt.pct(team)}).")
    if above:
        text += f" Clearly above the team: **{_names(above)}**."
    if below:
        text += f" Clearly below: **{_names(below)}**."
    if noise:
        text += (f" The other {fmt.count(noise)} differ from the team by no more than chance would make them."
                 if (above or below) else " Nobody differs from the team by more than chance would make them.")
    return text


def best_practice_sentence(comparison: pd.DataFrame, *, currency: str = "¥") -> str:
    """What the best salespeople do differently (from :func:`best_vs_rest`)."""
    best = comparison.attrs.get("best", [])
    stage = comparison[comparison["measure"].str.contains(": share that")]
    parts = [f"The best ({_names(best)})"]
    if len(stage):
        gap = (stage["best"] - stage["rest"])
        top = stage.loc[gap.idxmax()]
        name = top["measure"].split(":")[0]
        verb = top["measure"].split("share that ")[1]
        parts.append(f" differ most at **{name}**: {fmt.pct(top['best'])} of their deals there {verb}, against "
                     f"{fmt.pct(top['rest'])} for the others")
    m = comparison.set_index("measure")
    if "median won deal" in m.index:
        parts.append(f"; their median won deal is {fmt.money(m.at['median won deal', 'best'], currency)} against "
                     f"{fmt.money(m.at['median won deal', 'rest'], currency)}")
    if "median days to win" in m.index:
        parts.append(f", and they win in {fmt.num(m.at['median days to win', 'best'], digits=2)} days (median) "
                     f"against {fmt.num(m.at['median days to win', 'rest'], digits=2)}")
    return "".join(parts) + "."


def comparison_table(comparison: pd.DataFrame, *, currency: str = "¥") -> pd.DataFrame:
    """:func:`best_vs_rest` with each value in words (% for shares, money, days).

    Examples
    --------
    >>> c = pd.DataFrame({"measure": ["win rate", "median won deal"], "best": [0.45, 30000.0],
    ...                   "rest": [0.2, 25000.0], "unit": ["share", "money"]})
    >>> comparison_table(c, currency="¥").to_dict("list")
    {'measure': ['win rate', 'median won deal'], 'best': ['45%', '¥30,000'], 'rest': ['20%', '¥25,000']}
    """
    def word(v, unit):
        if unit == "share":
            return fmt.pct(v)
        if unit == "money":
            return fmt.money(v, currency)
        return fmt.num(v, digits=2)

    out = comparison[["measure"]].copy()
    for col in ("best", "rest"):
        out[col] = [word(v, u) for v, u in zip(comparison[col], comparison["unit"])]
    return out


def team_findings(scorecard: pd.DataFrame, *, comparison: pd.DataFrame, period: Period,
                  currency: str = "¥", window: str = "the last 12 months") -> list[str]:
    """Three or four findings, computed from :func:`owner_scorecard` and :func:`best_vs_rest`."""
    s = scorecard
    out = []
    won = s["won_revenue"].sum()
    line = (f"In {period.label} the team won **{fmt.money(won, currency)}** from "
            f"{fmt.count(s['period_won_deals'].sum())} deals")
    if s["target"].notna().any():
        reached = s.index[s["target_completion"] >= 1].tolist()
        line += (f", **{fmt.pct(won / s['target'].sum())} of the {fmt.money(s['target'].sum(), currency)} "
                 f"target**; {fmt.count(len(reached))} of {fmt.count(s['target'].notna().sum())} salespeople "
                 f"reached theirs" + (f" ({_names(reached)})" if 0 < len(reached) <= 4 else ""))
        low = s[(s["target_completion"] < 0.7)].index.tolist()
        if low:
            line += f", and {_names(low)} stayed below 70%"
    else:
        top = s["won_revenue"].idxmax()
        line += f"; {top} won the most ({fmt.money(s.at[top, 'won_revenue'], currency)})"
    out.append(line + ".")
    diff = difference_sentence(s)
    out.append(f"Over {window}, " + diff[0].lower() + diff[1:])
    out.append(best_practice_sentence(comparison, currency=currency))
    if "pipeline_coverage" in s and s["pipeline_coverage"].notna().any():
        cov = s["pipeline_coverage"].dropna()
        out.append(f"Open pipeline against the next target: from {fmt.num(cov.min(), digits=2)} times "
                   f"({cov.idxmin()}) to {fmt.num(cov.max(), digits=2)} times ({cov.idxmax()}).")
    return out


def team_actions(coaching: pd.DataFrame, scorecard: pd.DataFrame, *, currency: str = "¥",
                 window: str = "the last 12 months", rule_of_thumb: float = 3.0,
                 csv_name: str = "sales_team.csv") -> list[str]:
    """Recommended actions for the sales manager, with what is at stake."""
    out = []
    weak = coaching[coaching["weak_stage"].notna()]
    for stage, g in weak.groupby("weak_stage", sort=False):
        bench = g["benchmark_owner"].mode().iloc[0]
        out.append(
            f"**Sales manager**: coach {_names(g.index)} on the {stage} stage, with {bench} reviewing their "
            f"next deals there; these gaps cost about **{fmt.money(g['weak_stage_cost'].sum(), currency)}** of "
            f"won revenue in {window} (the coaching points per person are in the table and in `{csv_name}`).")
    noise = (scorecard["verdict"] == VERDICTS[1]).sum()
    if noise:
        out.append(
            f"**Sales manager**: rank and reward on the luck-removed win rate with its interval, not on the raw "
            f"rate: {fmt.count(noise)} of {fmt.count((scorecard['closed_deals'] > 0).sum())} salespeople differ "
            "from the team by no more than chance.")
    if "pipeline_coverage" in scorecard:
        thin = scorecard[scorecard["pipeline_coverage"] < rule_of_thumb / 2].index.tolist()
        if thin:
            out.append(f"**{_names(thin)}**: build pipeline now: open deals cover less than "
                       f"{fmt.num(rule_of_thumb / 2, digits=2)} times the next target.")
    return out


def planted_win_rate_check(scorecard: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """Planted win rates of the demo against the raw and luck-removed estimates.

    Returns
    -------
    DataFrame
        Index ``owner``: ``planted``, ``win_rate``, ``win_rate_shrunk``,
        ``win_rate_low``, ``win_rate_high``, ``inside_interval`` (bool).
    """
    planted = pd.Series(truth["win_rates"], name="planted")
    s = scorecard.reindex(planted.index)
    out = pd.DataFrame({"planted": planted, "win_rate": s["win_rate"], "win_rate_shrunk": s["win_rate_shrunk"],
                        "win_rate_low": s["win_rate_low"], "win_rate_high": s["win_rate_high"]})
    out["inside_interval"] = (out["planted"] >= out["win_rate_low"]) & (out["planted"] <= out["win_rate_high"])
    out.index.name = "owner"
    return out.sort_values("planted", ascending=False)

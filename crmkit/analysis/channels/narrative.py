"""Marketing channels: findings and actions in words, attribution differences, the planted-truth check.

Sentences computed from the tables of :mod:`crmkit.analysis.channels`; kept apart from
the computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from .attribution import Journeys

__all__ = [
    "ratio_words",
    "cac_change_sentence",
    "value_words",
    "attribution_sentences",
    "budget_sentence",
    "channel_findings",
    "channel_actions",
    "planted_cac_check",
]


def ratio_words(x: float) -> str:
    """An LTV:CAC ratio as people say it: ``4.2 : 1``.

    Examples
    --------
    >>> ratio_words(4.234), ratio_words(float("nan"))
    ('4.2 : 1', '–')
    """
    return fmt.MISSING if fmt.is_missing(x) or not np.isfinite(x) else f"{x:.1f} : 1"


def value_words(basis: str, months: int) -> str:
    """What the lifetime value counts, in words.

    Examples
    --------
    >>> value_words("margin", 24)
    'margin (revenue minus product cost, discounts and shipping) over the first 24 months'
    """
    what = ("margin (revenue minus product cost, discounts and shipping)" if basis == "margin"
            else "revenue")
    return f"{what} over the first {months} months"


def cac_change_sentence(current: pd.DataFrame, previous: pd.DataFrame, *, previous_label: str,
                        currency: str = "¥") -> str:
    """CAC of each paid channel against the previous period, in one sentence.

    Examples
    --------
    >>> a = pd.DataFrame({"cac": [80.0, 12.0]}, index=["search", "email"])
    >>> cac_change_sentence(a, a, previous_label="2025-Q3")
    'CAC is unchanged on 2025-Q3 in every paid channel.'
    >>> cac_change_sentence(a, pd.DataFrame({"cac": [64.0, 12.0]}, index=["search", "email"]), previous_label="2025-Q3")
    'CAC against 2025-Q3: search +25% (¥64 → ¥80); unchanged elsewhere.'
    """
    before = previous["cac"].reindex(current.index)
    change = (current["cac"] / before - 1).dropna()
    if change.empty:
        return ""
    moved = change.loc[change.abs() >= 0.005]
    if moved.empty:
        return f"CAC is unchanged on {previous_label} in every paid channel."
    parts = [f"{ch} {100 * c:+.0f}% ({fmt.money(before[ch], currency)} → {fmt.money(current.loc[ch, 'cac'], currency)})"
             for ch, c in moved.sort_values(key=abs, ascending=False).items()]
    rest = "; unchanged elsewhere" if len(moved) < len(change) else ""
    return f"CAC against {previous_label}: {', '.join(parts)}{rest}."


def attribution_sentences(table: pd.DataFrame, j: Journeys) -> list[str]:
    """Explain in words how the models differ, channel by channel.

    Parameters
    ----------
    table : DataFrame
        From :func:`~.attribution.attribution_table`.
    j : Journeys

    Returns
    -------
    list of str
        How long journeys are (single-session journeys are credited alike by every
        model), which channel opens journeys and which closes them (first against last
        touch), and where the data-driven model departs from the linear one.

    Examples
    --------
    >>> j = Journeys.from_paths([["social", "search"], ["social", "search"], ["search"]], [True, True, True])
    >>> from crmkit.analysis.channels.attribution import attribution_table
    >>> attribution_sentences(attribution_table(j), j)[1]
    '**social** opens journeys more than it closes them: 2 first purchases on first touch against 0 on last touch; **search** closes them: 3 on last touch against 1 on first touch.'
    """
    out = []
    conv = j.converted
    n = int(conv.sum())
    if n == 0:
        return ["No first purchase in the window has a recorded session before it: nothing to attribute."]
    lengths = j.lengths[conv]
    single = float((lengths == 1).mean())
    out.append(
        f"{fmt.count(n)} first purchases had at least one session before them, {fmt.num(lengths.mean(), digits=2)} "
        f"sessions on average; {fmt.pct(single)} of them had a single session, which every model credits in full "
        f"to its channel. The models differ only on the {fmt.count(round(n * (1 - single)))} journeys with "
        f"several sessions.")
    diff = table["first_touch"] - table["last_touch"]
    if len(diff) and diff.abs().max() >= 0.5:
        opener, closer = diff.idxmax(), diff.idxmin()
        text = []
        if diff[opener] > 0:
            text.append(f"**{opener}** opens journeys more than it closes them: "
                        f"{fmt.count(table.loc[opener, 'first_touch'])} first purchases on first touch against "
                        f"{fmt.count(table.loc[opener, 'last_touch'])} on last touch")
        if diff[closer] < 0:
            text.append(f"**{closer}** closes them: {fmt.count(table.loc[closer, 'last_touch'])} on last touch "
                        f"against {fmt.count(table.loc[closer, 'first_touch'])} on first touch")
        if text:
            out.append("; ".join(text) + ".")
    rel = (table["markov"] - table["linear"]) / table["linear"].where(table["linear"] > 0)
    if rel.notna().any() and rel.abs().max() >= 0.05:
        ch = rel.abs().idxmax()
        way = "more" if rel[ch] > 0 else "less"
        out.append(
            f"The data-driven model gives **{ch}** {fmt.pct(abs(rel[ch]))} {way} credit than the linear one "
            f"({fmt.num(table.loc[ch, 'markov'], digits=3)} against {fmt.num(table.loc[ch, 'linear'], digits=3)}): "
            + ("journeys through it end in a purchase more often than similar journeys without it."
               if rel[ch] > 0 else "removing it from the journeys would lose fewer purchases than its share of "
                                   "sessions suggests, because journeys without it convert about as well."))
    else:
        out.append("The data-driven model credits the channels within 5% of the linear model: no channel "
                   "does much more, or less, than its share of sessions suggests.")
    return out


def budget_sentence(shift: dict | None, *, currency: str = "¥", period_label: str = "",
                    elasticity: pd.Series | None = None, basis_words: str = "value") -> str:
    """The recommended budget shift with its uncertainty, in one paragraph.

    Examples
    --------
    >>> s = {"from": "offline", "to": "email", "amount": 1000.0, "share": 0.1, "from_value_per_spend": 2.0,
    ...      "to_value_per_spend": 20.0, "gain": 18000.0, "gain_low": 15000.0, "gain_high": 21000.0,
    ...      "probability": 1.0, "level": 0.9}
    >>> budget_sentence(s, period_label="2025-Q4").startswith("Moving 10% of offline's spend of a period like 2025-Q4")
    True
    """
    if shift is None:
        return ("No budget shift is recommended: fewer than two paid channels have enough customers to "
                "compare.")
    level = fmt.pct(shift["level"])
    text = (f"Moving {fmt.pct(shift['share'])} of {shift['from']}'s spend of a period like {period_label} "
            f"({fmt.money(shift['amount'], currency)}) to **{shift['to']}** is expected to buy "
            f"**{fmt.money(shift['gain'], currency)} more {basis_words}** "
            f"({level} interval {fmt.money(shift['gain_low'], currency)} to "
            f"{fmt.money(shift['gain_high'], currency)}): each {currency}1 returns "
            f"{fmt.money(shift['to_value_per_spend'], currency, decimals=2)} in {shift['to']} against "
            f"{fmt.money(shift['from_value_per_spend'], currency, decimals=2)} in {shift['from']}")
    p = shift["probability"]
    if p >= 0.95:
        text += f"; {shift['to']} returned more in {fmt.pct(p)} of the resampled histories, so the difference is real."
    elif p >= 0.8:
        text += f"; {shift['to']} returned more in {fmt.pct(p)} of the resampled histories: likely, not certain."
    else:
        text += (f"; but {shift['to']} returned more in only {fmt.pct(p)} of the resampled histories: the "
                 "difference may be chance, so test before moving money.")
    if elasticity is not None and shift["to"] in elasticity.index and np.isfinite(elasticity[shift["to"]]):
        e = elasticity[shift["to"]]
        if e < 0.8:
            text += (f" Caution: in months when more was spent on {shift['to']}, new customers grew less than "
                     f"spend (elasticity {e:.2f}), so extra money may buy customers at a higher cost than so far.")
        else:
            text += (f" So far, new customers from {shift['to']} grew in proportion to its spend (elasticity "
                     f"{e:.2f}); beyond the spend levels seen, that is an assumption.")
    return text


def channel_findings(period_summary: pd.DataFrame, value: pd.DataFrame, *, shift: dict | None,
                     attribution: list[str] | None, period_label: str, basis: str = "margin",
                     lifetime_months: int = 24, rule_of_thumb: float = 3.0, currency: str = "¥",
                     previous: pd.DataFrame | None = None) -> list[str]:
    """Three to five findings about acquisition cost and value, computed from the tables.

    Parameters
    ----------
    period_summary : DataFrame
        :func:`~.acquisition.channel_summary` of the report period.
    value : DataFrame
        :func:`~.value.channel_value` over the whole history.
    shift : dict or None
        :func:`~.budget.budget_shift`.
    attribution : list of str, optional
        :func:`attribution_sentences`; the second sentence (openers and closers) is used.
    basis : {"margin", "revenue"}
        What the lifetime value counts (:func:`~.value.order_values`).
    lifetime_months : int
    previous : DataFrame, optional
        :func:`~.acquisition.channel_summary` of the previous period (CAC changes).

    Returns
    -------
    list of str
    """
    out = []
    basis_words = value_words(basis, lifetime_months)
    paid = period_summary.loc[period_summary["spend"] > 0]
    if len(paid):
        spend, new = paid["spend"].sum(), paid["new_customers"].sum()
        cac = paid["cac"].dropna()
        text = (f"In {period_label}, marketing spent **{fmt.money(spend, currency)}** and the paid channels "
                f"acquired **{fmt.count(new)} customers** (blended CAC {fmt.money(spend / new, currency) if new else fmt.MISSING})")
        if len(cac) > 1:
            text += (f"; CAC ranges from **{fmt.money(cac.min(), currency)}** ({cac.idxmin()}) to "
                     f"**{fmt.money(cac.max(), currency)}** ({cac.idxmax()})")
        if previous is not None:
            ch = (paid["cac"] / previous["cac"].reindex(paid.index) - 1).dropna()
            ch = ch.loc[ch.abs() >= 0.1]
            if len(ch):
                big = ch.abs().idxmax()
                text += (f". CAC of {big} {'rose' if ch[big] > 0 else 'fell'} {fmt.pct(abs(ch[big]))} on the "
                         f"previous period")
        out.append(text + ".")
    v = value.loc[value["cac"].notna() & value["ltv_cac"].notna()]
    if len(v):
        below = v.loc[v["ltv_cac"] < rule_of_thumb]
        best = v["ltv_cac"].idxmax()
        text = (f"Counting {basis_words}, an acquired customer is worth "
                f"{fmt.money(v['ltv'].min(), currency)} to {fmt.money(v['ltv'].max(), currency)} depending on the "
                f"channel. LTV:CAC is highest in **{best}** ({ratio_words(v.loc[best, 'ltv_cac'])})")
        if len(below):
            text += (f"; **{', '.join(below.index)}** fall{'s' if len(below) == 1 else ''} below the "
                     f"{rule_of_thumb:g} : 1 rule of thumb")
        else:
            text += f"; every paid channel clears the {rule_of_thumb:g} : 1 rule of thumb"
        text += ". " + _payback_words(v["payback_months"])
        out.append(text + ".")
        gap = (v["spend_share"] - v["value_share"]).dropna()
        if len(gap) and gap.abs().max() >= 0.05:
            over = gap.idxmax()
            under = gap.idxmin()
            out.append(f"**{over}** takes {fmt.pct(v.loc[over, 'spend_share'])} of the spend but brings "
                       f"{fmt.pct(v.loc[over, 'value_share'])} of the value of paid acquisition; **{under}** "
                       f"takes {fmt.pct(v.loc[under, 'spend_share'])} and brings "
                       f"{fmt.pct(v.loc[under, 'value_share'])}.")
    if attribution and len(attribution) > 1 and "opens journeys" in attribution[1]:
        out.append("Attribution of first purchases: " + attribution[1])
    if shift is not None:
        out.append(f"An extra {currency}1 buys the most in **{shift['to']}** "
                   f"({fmt.money(shift['to_value_per_spend'], currency, decimals=2)} of {basis} "
                   f"per {currency}1) and the least in {shift['from']} "
                   f"({fmt.money(shift['from_value_per_spend'], currency, decimals=2)}).")
    return out[:5]


def _payback_words(pay: pd.Series) -> str:
    """How fast the paid channels earn back their CAC.

    Examples
    --------
    >>> _payback_words(pd.Series({"a": 1.0, "b": 1.0})), _payback_words(pd.Series({"a": 2.0, "b": np.nan}))
    ('Every paid channel earns back its CAC within the first month', 'b had not earned back its CAC in the months observed; a did within 2 months')
    """
    done = pay.dropna()
    if done.empty:
        return "No paid channel had earned back its CAC in the months observed"
    if len(done) == len(pay):
        if done.max() == 1:
            return "Every paid channel earns back its CAC within the first month"
        if done.min() == done.max():
            return f"Every paid channel earns back its CAC within {fmt.count(done.max())} months"
        return (f"The CAC is earned back within {fmt.count(done.min())} ({done.idxmin()}) to "
                f"{fmt.count(done.max())} months ({done.idxmax()})")
    late = ", ".join(pay.index[pay.isna()])
    rest = ", ".join(f"{c} did within {fmt.plural(m, 'month')}" for c, m in done.items())
    return f"{late} had not earned back its CAC in the months observed; {rest}"


def channel_actions(value: pd.DataFrame, *, shift: dict | None, campaigns: pd.DataFrame | None,
                    budget_text: str, attribution: pd.DataFrame | None = None, rule_of_thumb: float = 3.0,
                    currency: str = "¥", has_attribution: bool = True,
                    csv_name: str = "channel_plan.csv") -> list[str]:
    """Recommended actions: the budget shift, channels below the rule of thumb, costly campaigns,
    and how to read last-touch reports of a channel that opens journeys.

    Returns
    -------
    list of str
    """
    out = []
    if shift is not None:
        out.append(f"Marketing: {budget_text.split(': each')[0]}. Start with a test over one period and "
                   f"watch CAC (`{csv_name}`).")
    v = value.loc[value["cac"].notna() & value["ltv_cac"].notna()]
    for ch, row in v.loc[v["ltv_cac"] < rule_of_thumb].iterrows():
        out.append(f"Review {ch}: each customer costs {fmt.money(row['cac'], currency)} and is worth "
                   f"{fmt.money(row['ltv'], currency)} ({ratio_words(row['ltv_cac'])}), below the "
                   f"{rule_of_thumb:g} : 1 rule of thumb; cut the weakest campaigns first.")
    if campaigns is not None and len(campaigns):
        c = campaigns.dropna(subset=["cac"])
        chan_cac = c.groupby("channel").apply(lambda g: g["spend"].sum() / g["conversions"].sum()
                                              if g["conversions"].sum() > 0 else np.nan)
        c = c.assign(ratio=c["cac"] / c["channel"].map(chan_cac))
        costly = c.loc[(c["ratio"] >= 1.3) & (c["conversions"] >= 10)].sort_values("ratio", ascending=False)
        if len(costly):
            r = costly.iloc[0]
            out.append(f"Look at campaign {r['campaign']} ({r['channel']}): {fmt.money(r['cac'], currency)} per "
                       f"customer, {fmt.pct(r['ratio'] - 1)} above its channel's average.")
    if attribution is not None and len(attribution):
        opener = (attribution["first_touch"] - attribution["last_touch"]).idxmax()
        first, last = attribution.loc[opener, ["first_touch", "last_touch"]]
        if last > 0 and first >= 1.2 * last and first - last >= 10:
            out.append(f"When judging {opener} campaigns, read first-touch or data-driven credit, not only "
                       f"last-touch reports: {opener} starts {fmt.pct(first / last - 1)} more buying journeys "
                       f"than it closes.")
    if not has_attribution:
        out.append("Record the traffic channel of web and app sessions (events.channel) to see which channels "
                   "lead to first purchases.")
    if not out:
        out.append(f"Every paid channel clears the {rule_of_thumb:g} : 1 rule of thumb: keep the budget split "
                   "and check again next period.")
    return out


def planted_cac_check(summary_all: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """Compare CAC and lead conversion over the whole history with the values planted in the demo.

    Returns
    -------
    DataFrame
        One row per paid channel: ``channel``, ``planted_cac``, ``cac``,
        ``planted_lead_conversion``, ``lead_conversion`` and ``recovered`` (CAC within
        1% and lead conversion within 2 points).
    """
    rows = []
    for ch, cac in truth["cac"].items():
        found = summary_all["cac"].get(ch, np.nan)
        lc = summary_all["lead_conversion"].get(ch, np.nan)
        planted_lc = truth["lead_conversion"].get(ch, np.nan)
        rows.append({"channel": ch, "planted_cac": cac, "cac": found, "planted_lead_conversion": planted_lc,
                     "lead_conversion": lc,
                     "recovered": bool(abs(found / cac - 1) <= 0.01 and abs(lc - planted_lc) <= 0.02)})
    return pd.DataFrame(rows)

"""Customer profitability: what is counted, findings and actions in words, the planted-truth check.

Sentences computed from the tables of :mod:`crmkit.analysis.profitability`; kept apart
from the computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from .drivers import REASONS

__all__ = [
    "GROUPS",
    "window_words",
    "sources_sentence",
    "profit_findings",
    "profit_actions",
    "planted_loss_check",
]

GROUPS = {
    "crm_segment": "segment",
    "value_tier": "value tier",
    "acquisition_channel": "acquisition channel",
    "region": "region",
}
"""Groupings of customers shown on the page, with their names in words."""

_COST_WORDS = {
    "product_cost": "product cost",
    "discounts": "discounts",
    "shipping": "shipping",
    "returns": "returns",
    "service": "service",
}


_TAKES = {
    "product_cost": "product cost takes",
    "discounts": "discounts take",
    "shipping": "shipping takes",
    "returns": "returns take",
    "service": "service tickets take",
}


def window_words(lookback_days: int | None, as_of) -> str:
    """The profit window in words.

    Examples
    --------
    >>> window_words(365, pd.Timestamp("2025-12-30")), window_words(90, pd.Timestamp("2025-12-30"))
    ('the 12 months to 2025-12-30', 'the 90 days to 2025-12-30')
    >>> window_words(None, pd.Timestamp("2025-12-30"))
    'all orders up to 2025-12-30'
    """
    return fmt.window(lookback_days, as_of, items="orders")


def _group_phrase(dimension: str, group: str) -> str:
    if dimension == "acquisition_channel":
        return f"customers acquired through {group}"
    if dimension == "crm_segment":
        return f"{group} customers"
    if dimension == "value_tier":
        return f"{group}-value customers"
    return f"customers in {group}"


def sources_sentence(sources: dict, *, cost_per_ticket: float, cost_per_complaint: float | None,
                     return_cost_per_order: float, currency: str = "¥") -> str:
    """Say what the profit counts, from where, and which costs the export does not record.

    Examples
    --------
    >>> s = {"product_cost": "order cost", "discounts": None, "shipping": None, "returns": None, "service": None}
    >>> sources_sentence(s, cost_per_ticket=30, cost_per_complaint=None, return_cost_per_order=15)
    'Profit = revenue - product cost (order cost). Not in this export, so counted as zero: discounts, shipping, returns, service.'
    """
    counted, missing = [], []
    for key, where in sources.items():
        if where is None:
            missing.append(_COST_WORDS[key])
            continue
        if key == "service":
            where = f"{fmt.money(cost_per_ticket, currency)} per ticket"
            if cost_per_complaint is not None and cost_per_complaint != cost_per_ticket:
                where += f", {fmt.money(cost_per_complaint, currency)} per complaint"
        elif key == "returns":
            where = f"{fmt.money(return_cost_per_order, currency)} per returned order plus its shipping"
        elif where == "already taken off revenue":
            counted.append("discounts (already taken off revenue, so not subtracted again)")
            continue
        counted.append(f"{_COST_WORDS[key]} ({where})")
    text = "Profit = revenue" + "".join(f" - {c}" for c in counted if not c.startswith("discounts (already"))
    text += "."
    if any(c.startswith("discounts (already") for c in counted):
        text += " Discounts are already taken off revenue, so they are not subtracted again."
    if missing:
        text += f" Not in this export, so counted as zero: {', '.join(missing)}."
    return text


def profit_findings(summary: dict, *, sources: dict, reasons: pd.DataFrame, structure: pd.DataFrame,
                    groups: dict[str, pd.DataFrame], deciles: pd.DataFrame, clv: dict | None,
                    window: str, currency: str = "¥", min_group_customers: int = 30,
                    clv_months: int = 12) -> list[str]:
    """Three to five findings about who makes money, computed from the tables.

    Parameters
    ----------
    summary : dict
        From :func:`~.concentration.whale_summary`.
    sources : dict
        From :func:`~.profit.cost_sources`.
    reasons : DataFrame
        Second element of :func:`~.drivers.loss_reasons`.
    structure : DataFrame
        From :func:`~.drivers.cost_structure`.
    groups : dict of str to DataFrame
        :func:`~.concentration.profit_by` per grouping (keys of :data:`GROUPS`).
    deciles : DataFrame
        From :func:`~.concentration.profit_deciles`.
    clv : dict or None
        From :func:`~.value.clv_comparison`.
    window : str
        The window in words ("the 12 months to 2025-12-30").

    Returns
    -------
    list of str
    """
    out = []
    no_cost = all(v is None for v in sources.values())
    if no_cost:
        out.append("This export records **no costs** (no order cost, product unit cost, discount, shipping, "
                   "returns or service tickets), so **profit here equals revenue** and no customer can show a "
                   "loss. The page shows how revenue is spread; who makes money needs the costs.")
    elif sources.get("product_cost") is None:
        out.append("This export has **no product cost** (order cost or product unit cost), so the profit below "
                   "is revenue minus the other costs only: it overstates every customer's profit.")
    n, losers = summary["customers"], summary["loss_makers"]
    if not no_cost:
        if losers:
            gain = summary["profit"] - summary["losses"]
            out.append(
                f"**{fmt.count(losers)} of {fmt.count(n)} customers ({fmt.pct(summary['loss_share'], decimals=1)})** "
                f"lost money in {window}: together {fmt.money(-summary['losses'], currency)}, "
                f"{fmt.pct(-summary['losses'] / gain) if gain > 0 else 'more than all'} of the "
                f"{fmt.money(gain, currency)} the other customers earned.")
        else:
            out.append(f"No customer lost money in {window} (with the costs this export records).")
    if summary["profit"] > 0 and np.isfinite(summary["peak_share"]):
        top = deciles["profit_share"].iloc[0] if len(deciles) else np.nan
        what = "revenue" if no_cost else "profit"
        text = (f"Ranked by {what}, the top tenth of customers earned **{fmt.pct(top)}** of the total "
                f"{what} ({fmt.money(summary['profit'], currency)}).")
        if summary["peak_share"] > 1.005:
            text += (f" The whale curve peaks at **{fmt.pct(summary['peak_share'])}** of the total after "
                     f"{fmt.pct(summary['peak_customer_share'])} of the customers: the rest give "
                     f"{fmt.pct(summary['peak_share'] - 1)} of it back.")
        out.append(text)
    elif summary["profit"] <= 0 and n:
        out.append(f"Taken together, customers **lost money** in {window}: "
                   f"{fmt.money(summary['profit'], currency)} of profit.")
    if losers and len(reasons) and not no_cost:
        top = reasons.iloc[0]
        key = reasons.index[0]
        text = (f"**{REASONS[key].capitalize()}** are the main reason for {fmt.count(top['loss_makers'])} of the "
                f"{fmt.count(losers)} customers who lose money ({fmt.pct(top['share_of_losers'])}): "
                f"{_TAKES[key]} {fmt.pct(top['cost_share_losers'])} of their revenue, against "
                f"{fmt.pct(top['cost_share_others'])} for customers who make money.")
        if key in ("product_cost",):
            text = text.replace(" are the main", " is the main")
        if len(reasons) > 1:
            second = reasons.iloc[1]
            text += (f" Next: {REASONS[reasons.index[1]]} ({fmt.count(second['loss_makers'])} customers).")
        out.append(text)
    best = _worst_group(groups, min_customers=min_group_customers, overall=summary["loss_share"])
    if best is not None and not no_cost:
        dim, grp, row = best
        out.append(f"{_group_phrase(dim, grp).capitalize()} lose money most often: "
                   f"**{fmt.pct(row['loss_share'])}** of them, against {fmt.pct(summary['loss_share'])} of all "
                   f"customers (profit margin {fmt.pct(row['margin'])}).")
    if clv is not None and clv["customers"] and not no_cost:
        text = (f"Over the next {clv_months} months the customers are expected to bring "
                f"{fmt.money(clv['clv'], currency)} of revenue but **{fmt.money(clv['profit_clv'], currency)} of "
                f"profit** ({fmt.pct(clv['profit_share'])}).")
        if clv["negative"]:
            text += (f" {fmt.plural(clv['negative'], 'customer')} with a positive revenue CLV "
                     f"{'is' if clv['negative'] == 1 else 'are'} expected to cost more than they bring.")
        out.append(text)
    return out[:5]


def _worst_group(groups: dict[str, pd.DataFrame], *, min_customers: int, overall: float):
    """The group with the highest share of loss-makers (well above the overall share)."""
    best = None
    for dim, table in groups.items():
        t = table.loc[table["customers"] >= min_customers]
        if dim == "value_tier" or t.empty:
            continue
        grp = t["loss_share"].idxmax()
        row = t.loc[grp]
        if row["loss_share"] >= 1.5 * overall and row["loss_share"] > 0 and (
                best is None or row["loss_share"] > best[2]["loss_share"]):
            best = (dim, grp, row)
    return best


def profit_actions(summary: dict, *, sources: dict, reasons: pd.DataFrame, window: str,
                   currency: str = "¥", csv_name: str = "customer_profit.csv") -> list[str]:
    """Recommended actions: one per main reason of loss, and what to add to the export.

    Returns
    -------
    list of str
    """
    if all(v is None for v in sources.values()):
        return ["Add the cost of goods to the export (an order `cost` column, or `unit_cost` in products "
                "with order lines), and discounts, shipping and tickets where the CRM has them, to see which "
                "customers make money."]
    out = []
    what = {
        "discounts": ("Stop or cap discounts for the {n} customers whose losses come from discounts "
                      "(coupon stacking, price matches)"),
        "returns": "Review the returns of the {n} customers whose losses come from returns (repeat returners, sizes, descriptions)",
        "service": "Find out why the {n} customers whose losses come from service tickets need so much help, and fix the cause",
        "shipping": "Set a minimum order value for free shipping: {n} customers lose money mainly on shipping small orders",
        "product_cost": "Review prices of the low-margin products bought by the {n} customers who lose money on product cost",
    }
    for key, row in reasons.head(3).iterrows():
        if row["loss_makers"] < 1:
            continue
        text = what[key].format(n=fmt.count(row["loss_makers"]))
        out.append(f"{text}: {fmt.money(row['excess'], currency)} of cost beyond an ordinary customer in {window} "
                   f"(`{csv_name}`, main reason = {REASONS[key]}).")
    missing = [_COST_WORDS[k] for k, v in sources.items() if v is None]
    if missing:
        out.append(f"Add {', '.join(missing)} to the export: profit counts them as zero for now.")
    if not out:
        out.append("No customer loses money: keep the current terms, and check again next period.")
    return out


def planted_loss_check(cp: pd.DataFrame, reasons: pd.Series, truth: dict) -> pd.DataFrame:
    """Compare the loss-makers found with the discount hunters planted in the demo data.

    Returns
    -------
    DataFrame
        One row per check: ``check``, ``planted``, ``found``, ``recovered`` (bool).
    """
    hunters = truth["customers"].set_index("customer_id")["discount_hunter"]
    h = hunters.reindex(cp.index).fillna(False).astype(bool)
    buying = h & (cp["purchases"] > 0)
    losing = cp["profit"] < 0
    n = int(buying.sum())
    lose_share = float(losing[buying].mean()) if n else np.nan
    reason_share = float((reasons[buying] == "discounts").mean()) if n else np.nan
    others = float(losing[~h].mean())
    rows = [
        {"check": "discount hunters with a purchase who lose money", "planted": "100%",
         "found": fmt.pct(lose_share, decimals=1), "recovered": bool(lose_share == 1.0)},
        {"check": "their main reason is discounts", "planted": "100%",
         "found": fmt.pct(reason_share, decimals=1), "recovered": bool(reason_share >= 0.95)},
        {"check": "share losing money: hunters against other customers", "planted": "100% against a few %",
         "found": f"{fmt.pct(lose_share)} against {fmt.pct(others)}", "recovered": bool(others < 0.25)},
    ]
    return pd.DataFrame(rows)

"""Market basket: rules in words, findings, actions, the index summary, the planted-pair check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.basket`;
kept apart from the computation so the analysis functions stay pure and testable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from .rules import pair_rules

__all__ = [
    "rules_for_display",
    "overview_sentence",
    "recommendation_sentence",
    "rule_sentences",
    "category_sentence",
    "evaluation_sentence",
    "planted_pairs_check",
    "basket_findings",
    "basket_actions",
    "basket_summary",
]


def _names(items, names) -> str:
    names = {} if names is None else names
    return " + ".join(f"**{names.get(i, i)}**" for i in items)


def _times(lift: float) -> str:
    return f"{fmt.num(lift, digits=2)} times"


def rules_for_display(rules: pd.DataFrame, names: pd.Series | None = None) -> pd.DataFrame:
    """Return rules as a table for a reader: items in words, conviction as text (∞ when it never fails).

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [("A",)], "consequent": [("B",)], "baskets": [5], "support": [0.5],
    ...                   "confidence": [1.0], "lift": [2.0], "leverage": [0.25], "conviction": [np.inf]})
    >>> rules_for_display(r, pd.Series({"A": "Mug"}))[["if_bought", "also_bought", "conviction"]]
      if_bought also_bought conviction
    0       Mug           B          ∞
    """
    from .rules import name_rules

    out = name_rules(rules, names)[["if_bought", "also_bought", "baskets", "support", "confidence",
                                    "lift", "leverage", "conviction"]]
    return out.assign(conviction=out["conviction"].map(
        lambda v: "∞" if np.isinf(v) else fmt.num(v, decimals=2)))


def overview_sentence(overview: pd.Series, *, start=None, as_of=None) -> str:
    """Say what the basket analysis covers and what it leaves out.

    Parameters
    ----------
    overview : Series
        Output of :func:`crmkit.analysis.basket.basket_overview`.
    start, as_of : date-like, optional
        The window the overview was computed on.

    Examples
    --------
    >>> o = pd.Series({"purchases": 100, "baskets": 98, "purchases_without_lines": 2, "lines": 150,
    ...                "lines_not_purchases": 7, "lines_unknown_order": 0, "customers": 40,
    ...                "products": 12, "items_per_basket": 1.5, "multi_item_share": 0.4, "revenue": 1.0})
    >>> print(overview_sentence(o, as_of=pd.Timestamp("2025-12-30")))  # doctest: +NORMALIZE_WHITESPACE
    98 baskets (purchases with their order lines) from 40 customers, up to 2025-12-30: 150 lines
    of 12 different products. 2 purchases have no order lines and are left out; 7 lines of
    returned, cancelled or zero-value orders are not baskets.
    """
    o = overview
    when = (f"from {fmt.date(start)} to {fmt.date(as_of)}" if start is not None
            else f"up to {fmt.date(as_of)}" if as_of is not None else "")
    text = (f"{fmt.count(o['baskets'])} baskets (purchases with their order lines) from "
            f"{fmt.count(o['customers'])} customers{', ' + when if when else ''}: "
            f"{fmt.count(o['lines'])} lines of {fmt.count(o['products'])} different products.")
    left = []
    if o["purchases_without_lines"]:
        left.append(f"{fmt.count(o['purchases_without_lines'])} purchases have no order lines and are "
                    "left out")
    if o["lines_not_purchases"]:
        left.append(f"{fmt.count(o['lines_not_purchases'])} lines of returned, cancelled or zero-value "
                    "orders are not baskets")
    if o["lines_unknown_order"]:
        left.append(f"{fmt.count(o['lines_unknown_order'])} lines belong to no known order")
    if left:
        text += " " + "; ".join(left) + "."
    return text


def recommendation_sentence(recommendations: pd.DataFrame, *, active: int, active_days: int,
                            top_n: int, repeatable: pd.Series,
                            names: pd.Series | None = None) -> str:
    """Say who gets recommendations, how many are personal, and what may be recommended again.

    Parameters
    ----------
    recommendations : DataFrame
        :meth:`crmkit.analysis.basket.ItemRecommender.recommend` for the active customers.
    active : int
        Active customers.
    active_days : int
        Days that define an active customer.
    top_n : int
        Recommendations per customer.
    repeatable : Series of bool
        ``ItemRecommender.repeatable_``.
    names : Series, optional
    """
    n_cust = recommendations["customer_id"].nunique() if len(recommendations) else 0
    personal = float((recommendations["reason"] == "bought with").mean()) if len(recommendations) else 0.0
    nm = {} if names is None else names.to_dict()
    rep = [str(nm.get(i, i)) for i in repeatable.index[repeatable.to_numpy()]]
    verb = "is" if len(rep) == 1 else "are"
    again = (f"{fmt.count(len(rep))} {verb} bought again by enough of their buyers to be recommended to "
             f"customers who already have them (e.g. {', '.join(rep[:3])})" if rep else
             "no product is bought again often enough to be recommended to a customer who has it")
    if personal >= 1:
        source = "all of them come from what the customer bought"
    else:
        source = (f"{fmt.pct(personal)} of them come from what the customer bought, the rest are "
                  "best sellers filling short lists")
    return (f"{fmt.count(n_cust)} of the {fmt.count(active)} active customers (a purchase in the last "
            f"{fmt.count(active_days)} days) get {top_n} recommendations each; {source}. Of the "
            f"{fmt.count(len(repeatable))} products, {again}; every other product a customer has "
            "bought is left out of their list.")


def rule_sentences(rules: pd.DataFrame, names: pd.Series | None = None, *, top: int = 3) -> list[str]:
    """Say the strongest pairs in words, one sentence each.

    Parameters
    ----------
    rules : DataFrame
        Output of :func:`crmkit.analysis.basket.association_rules`.
    names : Series, optional
        Item ID -> name.
    top : int, default 3

    Returns
    -------
    list of str

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [("A",)], "consequent": [("B",)], "baskets": [120],
    ...                   "antecedent_baskets": [200], "confidence": [0.6], "lift": [24.0]})
    >>> rule_sentences(r, pd.Series({"A": "Yoga Mat", "B": "Yoga Blocks"}))[0]
    '60% of the 200 baskets with **Yoga Mat** also hold **Yoga Blocks**: 24 times as often as an average basket (120 baskets).'
    """
    names = None if names is None else names.to_dict()
    out = []
    for _, r in pair_rules(rules).head(top).iterrows():
        out.append(
            f"{fmt.pct(r['confidence'])} of the {fmt.count(r['antecedent_baskets'])} baskets with "
            f"{_names(r['antecedent'], names)} also hold {_names(r['consequent'], names)}: "
            f"{_times(r['lift'])} as often as an average basket ({fmt.count(r['baskets'])} baskets).")
    return out


def category_sentence(pairs: pd.DataFrame, sizes: pd.DataFrame, *, min_lift: float = 1.2) -> str:
    """One sentence on how categories mix in baskets.

    Parameters
    ----------
    pairs : DataFrame
        :func:`crmkit.analysis.basket.pair_table` of category-level lines.
    sizes : DataFrame
        :func:`crmkit.analysis.basket.basket_sizes` with ``categories``.
    min_lift : float, default 1.2
        Category pairs at or above this lift are named as bought together.
    """
    multi = sizes.loc[sizes["products"] >= 2]
    text = ""
    if len(multi) and "categories" in multi.columns:
        one = float((multi["categories"] == 1).mean())
        text = (f"{fmt.pct(one)} of the baskets with two or more products stay within one "
                "product category. ")
    if pairs.empty:
        return text + "No two categories were bought in one basket."
    strong = pairs.loc[pairs["lift"] >= min_lift].sort_values("lift", ascending=False)
    if len(strong):
        r = strong.iloc[0]
        return text + (f"The categories bought together most often beyond chance are {r['item']} and "
                       f"{r['other']} ({_times(r['lift'])} as often as if independent).")
    lo, hi = pairs["lift"].min(), pairs["lift"].max()
    spread = f"lift {fmt.num(lo, digits=2)} to {fmt.num(hi, digits=2)}"
    if hi < 1:
        return text + (f"Every pair of categories shares a basket less often than chance would give "
                       f"({spread}): cross-category offers start from a low base.")
    return text + f"No pair of categories stands out ({spread})."


def evaluation_sentence(comparison: pd.Series) -> str:
    """Say plainly whether the recommender beats the popularity baseline.

    Parameters
    ----------
    comparison : Series
        Output of :func:`crmkit.analysis.basket.compare_recommenders`.

    Examples
    --------
    >>> c = pd.Series({"n": 5, "customers": 4000, "hit_rate": 0.37, "baseline_hit_rate": 0.25,
    ...                "hit_rate_gain": 0.12, "gain_se": 0.008, "precision": 0.093,
    ...                "baseline_precision": 0.053, "coverage": 0.89, "baseline_coverage": 0.04,
    ...                "verdict": "beats"})
    >>> print(evaluation_sentence(c))  # doctest: +NORMALIZE_WHITESPACE
    On each customer's hidden last basket (4,000 customers), the top 5 of the item-to-item
    recommender hold at least one product the customer bought for 37% of customers, against 25%
    for the best sellers (+12.0 pts, standard error 0.8 pts; precision 9.3% against 5.3%): **the
    recommender beats the popularity baseline**. It recommends 89% of the products at least once,
    the best-seller list 4%.
    """
    c = comparison
    verdict = {"beats": "**the recommender beats the popularity baseline**",
               "loses to": "**the recommender does worse than the popularity baseline**",
               }.get(c["verdict"], "**the recommender does not clearly beat the popularity baseline**")
    return (
        f"On each customer's hidden last basket ({fmt.count(c['customers'])} customers), the top "
        f"{int(c['n'])} of the item-to-item recommender hold at least one product the customer bought "
        f"for {fmt.pct(c['hit_rate'])} of customers, against {fmt.pct(c['baseline_hit_rate'])} for the "
        f"best sellers ({fmt.points(c['hit_rate_gain'])}, standard error "
        f"{fmt.points(c['gain_se']).lstrip('+')}; precision {fmt.pct(c['precision'], decimals=1)} "
        f"against {fmt.pct(c['baseline_precision'], decimals=1)}): {verdict}. It recommends "
        f"{fmt.pct(c['coverage'])} of the products at least once, the best-seller list "
        f"{fmt.pct(c['baseline_coverage'])}.")


def planted_pairs_check(rules: pd.DataFrame, pairs, *, names: pd.Series | None = None,
                        min_lift: float = 5.0) -> pd.DataFrame:
    """Check that planted product pairs come out as strong rules (workshop check).

    Parameters
    ----------
    rules : DataFrame
        Output of :func:`crmkit.analysis.basket.association_rules` (product level).
    pairs : list of (str, str)
        Planted (product, companion) IDs: the demo's ``truth["product_pairs"]``.
    names : Series, optional
        Product ID -> name.
    min_lift : float, default 5
        A pair is recovered when the rule product -> companion has at least this lift.

    Returns
    -------
    DataFrame
        One row per planted pair: ``planted_pair`` (in words), ``confidence``, ``lift``,
        ``lift_rank`` (rank among the one-to-one pairs of :func:`pair_rules`, 1 =
        strongest) and ``recovered`` (bool).
    """
    names = {} if names is None else names.to_dict()
    one = pair_rules(rules).reset_index(drop=True)
    keys = [frozenset(a + c) for a, c in zip(one["antecedent"], one["consequent"], strict=True)]
    rows = []
    for a, b in pairs:
        hit = rules.loc[(rules["antecedent"] == (a,)) & (rules["consequent"] == (b,))]
        rank = keys.index(frozenset((a, b))) + 1 if frozenset((a, b)) in keys else np.nan
        conf = float(hit["confidence"].iloc[0]) if len(hit) else np.nan
        lift = float(hit["lift"].iloc[0]) if len(hit) else np.nan
        rows.append({"planted_pair": f"{names.get(a, a)} -> {names.get(b, b)}", "confidence": conf,
                     "lift": lift, "lift_rank": rank,
                     "recovered": bool(len(hit) and lift >= min_lift)})
    return pd.DataFrame(rows)


def basket_findings(*, overview: pd.Series, rules: pd.DataFrame, category_text: str,
                    cross: pd.DataFrame, comparison: pd.Series | None,
                    names: pd.Series | None = None, currency: str = "¥",
                    response_rate: float = 0.05) -> list[str]:
    """The findings of the basket page, computed from its tables.

    Parameters
    ----------
    overview : Series
        :func:`crmkit.analysis.basket.basket_overview`.
    rules : DataFrame
        Product-level :func:`crmkit.analysis.basket.association_rules`.
    category_text : str
        :func:`category_sentence`.
    cross : DataFrame
        :func:`crmkit.analysis.basket.cross_sell`.
    comparison : Series, optional
        :func:`crmkit.analysis.basket.compare_recommenders` (absent when no customer has
        two baskets).
    names : Series, optional
    currency : str, default "¥"
    response_rate : float, default 0.05

    Returns
    -------
    list of str
    """
    o = overview
    out = [
        f"{fmt.count(o['baskets'])} baskets from {fmt.count(o['customers'])} customers; "
        f"{fmt.pct(o['multi_item_share'])} hold two or more products "
        f"({fmt.num(o['items_per_basket'], decimals=1)} on average)."
    ]
    strongest = rule_sentences(rules, names, top=2)
    if strongest:
        n_pairs = len(pair_rules(rules))
        out.append(f"{fmt.count(n_pairs)} product pairs are bought together clearly more often than "
                   f"chance. The strongest: " + " ".join(strongest))
    else:
        out.append("No pair of products is bought together often enough, and clearly more often "
                   "than chance, to make a rule at the stated thresholds.")
    if category_text:
        out.append(category_text)
    if len(cross):
        c = cross.iloc[0]
        nm = {} if names is None else names.to_dict()
        top10 = cross.head(10)
        out.append(
            f"The largest cross-sell gap: {fmt.count(c['not_yet_buyers'])} buyers of "
            f"**{nm.get(c['product_id'], c['product_id'])}** ({fmt.pct(c['not_yet_share'])} of them) have "
            f"never bought **{nm.get(c['companion_id'], c['companion_id'])}**, "
            f"{fmt.money(c['opportunity'], currency)} if each bought it once. The ten largest gaps add "
            f"up to {fmt.money(top10['opportunity'].sum(), currency)}, about "
            f"{fmt.money(top10['expected_revenue'].sum(), currency)} at a "
            f"{fmt.pct(response_rate)} response to one offer.")
    if comparison is not None:
        out.append(evaluation_sentence(comparison))
    return out


def basket_actions(*, rules: pd.DataFrame, cross: pd.DataFrame, comparison: pd.Series | None,
                   recommendations: pd.DataFrame, names: pd.Series | None = None,
                   currency: str = "¥", top_n: int = 5) -> list[str]:
    """What to do: bundles, cross-sell offers, and which list to send.

    Returns
    -------
    list of str
    """
    nm = {} if names is None else names.to_dict()
    out = []
    top = pair_rules(rules).head(3)
    if len(top):
        parts = [f"{' + '.join(nm.get(i, i) for i in r['antecedent'])} -> "
                 f"{' + '.join(nm.get(i, i) for i in r['consequent'])} ({fmt.pct(r['confidence'])})"
                 for _, r in top.iterrows()]
        out.append("Merchandising: show the companion in the cart and on the product page, or "
                   "bundle it, for the strongest pairs: " + "; ".join(parts) + ".")
    if len(cross):
        t = cross.head(3)
        who = int(t["not_yet_buyers"].sum())
        out.append(
            f"Cross-sell campaign: offer the companion to the {fmt.count(who)} not-yet buyers of the "
            f"three largest gaps (about {fmt.money(t['expected_revenue'].sum(), currency)} expected; "
            f"{fmt.money(t['opportunity'].sum(), currency)} if every one of them bought once).")
    n_cust = recommendations["customer_id"].nunique() if len(recommendations) else 0
    if comparison is not None and comparison["verdict"] == "beats":
        out.append(
            f"Personal recommendations: send each of the {fmt.count(n_cust)} active customers their "
            f"top {top_n} from `recommendations.csv` (e-mail, app, the next order's packing slip); "
            f"on held-out baskets they find a wanted product for "
            f"{fmt.pct(comparison['hit_rate'])} of customers against "
            f"{fmt.pct(comparison['baseline_hit_rate'])} for the best sellers.")
    elif comparison is not None:
        out.append(
            "Personal recommendations: the item-to-item list does not beat the best sellers on "
            "held-out baskets, so promote the best sellers; re-run this report when more baskets "
            "are in the data before sending personal lists.")
    return out


def _json(key: str, value):
    if isinstance(value, str):
        return value
    if key in ("n", "customers"):
        return int(value)
    return float(value)


def basket_summary(*, overview: pd.Series, rules: pd.DataFrame, cross: pd.DataFrame,
                   comparison: pd.Series | None, recommendations: pd.DataFrame,
                   findings: list[str], actions: list[str], thresholds: dict) -> dict:
    """Numbers of the basket page for ``summaries/basket.json`` (JSON-ready dict)."""
    pr = pair_rules(rules)
    return {
        "findings": findings, "actions": actions,
        "baskets": int(overview["baskets"]), "customers": int(overview["customers"]),
        "multi_item_share": float(overview["multi_item_share"]),
        "purchases_without_lines": int(overview["purchases_without_lines"]),
        "rules": len(rules), "pairs": len(pr),
        "top_pairs": [{"antecedent": list(r["antecedent"]), "consequent": list(r["consequent"]),
                       "confidence": float(r["confidence"]), "lift": float(r["lift"]),
                       "baskets": int(r["baskets"])} for _, r in pr.head(10).iterrows()],
        "cross_sell_opportunity_top10": float(cross.head(10)["opportunity"].sum()),
        "cross_sell_expected_top10": float(cross.head(10)["expected_revenue"].sum()),
        "evaluation": None if comparison is None else {k: _json(k, v) for k, v in comparison.items()},
        "recommended_customers": int(recommendations["customer_id"].nunique()) if len(recommendations) else 0,
        "thresholds": thresholds,
    }

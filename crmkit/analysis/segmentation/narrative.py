"""Segmentation: findings in words, cluster descriptions and the planted-truth checks.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.segmentation.segmentation`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import pandas as pd

from ... import fmt
from .segmentation import RFMClusterer, segment_table, tier_table

__all__ = [
    "segmentation_findings",
    "planted_crosstab",
    "planted_recovery",
    "PRIORITY_SEGMENTS",
    "segmentation_actions",
]


def segmentation_findings(customers: pd.DataFrame, *, clusterer: RFMClusterer | None = None,
                          tier_thresholds=(0.8, 0.95), currency: str = "¥",
                          truth_customers: pd.DataFrame | None = None) -> list[str]:
    """State the main segmentation results in sentences, computed from the data.

    Parameters
    ----------
    customers : DataFrame
        Output of :func:`segment_customers` (one row per customer).
    clusterer : RFMClusterer, optional
        A fitted clusterer; adds the k choice and one sentence per cluster.
    tier_thresholds : pair of float, default (0.8, 0.95)
        The thresholds used for the tiers (quoted in the text).
    currency : str, default "¥"
    truth_customers : DataFrame, optional
        Planted truth of the demo data (``customer_id``, ``customer_type``); adds how
        well clusters and tiers recover the planted types.

    Returns
    -------
    list of str
        Markdown bullet texts, e.g. ``"**Champions** are 12% of customers and bring
        41% of revenue."``
    """
    n = len(customers)
    if n == 0:
        return ["No customer bought anything up to the report date: nothing to segment."]
    out = []
    seg = segment_table(customers)
    nonempty = seg[seg["customers"] > 0]
    top = nonempty.sort_values("revenue_share", ascending=False)
    best = top.index[0]
    out.append(
        f"**{best}** are {fmt.pct(top.loc[best, 'customer_share'])} of the {n:,} customers and bring "
        f"{fmt.pct(top.loc[best, 'revenue_share'])} of their revenue, the largest share of any segment.")
    largest = nonempty["customers"].idxmax()
    if largest != best:
        out.append(
            f"The largest segment is **{largest}**: {fmt.pct(nonempty.loc[largest, 'customer_share'])} of "
            f"customers, {fmt.pct(nonempty.loc[largest, 'revenue_share'])} of revenue.")
    empty = list(seg.index[seg["customers"] == 0])
    if empty:
        out.append(f"No customer falls in {', '.join(empty)} with these scores.")
    # win-back candidates from the scores, independent of segment names
    lapsed = customers[(customers["r_score"] <= 2) & (customers["f_score"] >= 3)]
    if len(lapsed):
        out.append(
            f"{len(lapsed):,} customers ({fmt.pct(len(lapsed) / n)}) are among the more frequent buyers (F score 3-5) but did not buy "
            f"recently (R score 1-2); they spent {fmt.money(lapsed['monetary'].sum(), currency, decimals=0)} "
            f"({fmt.pct(lapsed['monetary'].sum() / customers['monetary'].sum())} of revenue): the win-back list.")
    once = customers["frequency"] == 1
    if once.any():
        out.append(f"{fmt.pct(once.mean())} of customers bought only once (F score 1); "
                   f"{fmt.pct((customers['frequency'] >= 2).mean())} came back at least once.")
    tiers = tier_table(customers)
    hi = tiers.loc["high"]
    lo = tiers.loc["low"]
    out.append(
        f"Value tiers (ABC): the **high** tier, {int(hi['customers']):,} customers "
        f"({fmt.pct(hi['customer_share'])}), brings {fmt.pct(hi['revenue_share'])} of revenue "
        f"(threshold {fmt.pct(tier_thresholds[0])}); the low tier, {fmt.pct(lo['customer_share'])} of "
        f"customers, brings {fmt.pct(lo['revenue_share'])}.")
    if clusterer is not None:
        sc = clusterer.scores_
        k = clusterer.n_clusters_
        if clusterer.n_clusters is None and len(sc):
            out.append(f"k-means found **{k} clusters**: the silhouette score was highest at k = {k} "
                       f"({sc.loc[k, 'silhouette']:.2f}; tried k = {sc.index.min()}-{sc.index.max()}).")
        else:
            sil = f" (silhouette {sc.loc[k, 'silhouette']:.2f})" if k in sc.index else ""
            out.append(f"k-means was asked for **{k} clusters**{sil}.")
        for c, p in clusterer.profiles_.iterrows():
            out.append(
                f"Cluster {c} ({fmt.pct(p['customer_share'])} of customers, {fmt.pct(p['revenue_share'])} of "
                f"revenue; median {p['recency_days']:.0f} days since the last purchase, "
                f"{p['frequency']:.1f} purchases, {fmt.money(p['monetary'], currency, decimals=0)} spent on average): "
                f"{p['description']}.")
    if truth_customers is not None:
        out += _planted_sentences(customers, truth_customers)
    return out


def _planted_sentences(customers: pd.DataFrame, truth_customers: pd.DataFrame) -> list[str]:
    cols = [c for c in ("cluster", "value_tier") if c in customers.columns]
    rec = planted_recovery(customers, truth_customers, columns=cols)
    words = {"cluster": "the k-means clusters", "value_tier": "the value tiers"}
    out = ["Against the planted customer types (synthetic data), "
           + " and ".join(f"{words[c]} reach an adjusted Rand index of {rec.loc[c, 'adjusted_rand_index']:.2f}"
                          for c in cols) + " (1 = perfect agreement, 0 = chance)."]
    ct = planted_crosstab(customers, truth_customers, column="value_tier")
    parts = [f"{ct.loc[t].max():.0%} of {t} customers are in the {ct.loc[t].idxmax()} tier" for t in ct.index]
    out.append("Tiers and types line up: " + ", ".join(parts) + ".")
    return out


def planted_crosstab(customers: pd.DataFrame, truth_customers: pd.DataFrame, *,
                     column: str = "cluster", normalize: bool = True) -> pd.DataFrame:
    """Cross-tabulate planted customer types against a grouping (demo data).

    Parameters
    ----------
    customers : DataFrame
        Index ``customer_id``; has ``column``.
    truth_customers : DataFrame
        ``truth["customers"]`` of the demo: ``customer_id``, ``customer_type``.
    column : str, default "cluster"
    normalize : bool, default True
        Shares per planted type (rows sum to 1) instead of counts.

    Returns
    -------
    DataFrame
        Index ``customer_type``; one column per group; customers without purchases
        are left out.
    """
    types = truth_customers.set_index("customer_id")["customer_type"]
    joined = customers[[column]].join(types, how="inner")
    return pd.crosstab(joined["customer_type"], joined[column], normalize="index" if normalize else False)


def planted_recovery(customers: pd.DataFrame, truth_customers: pd.DataFrame, *,
                     columns=("cluster", "value_tier", "segment")) -> pd.DataFrame:
    """Measure how well each grouping recovers the planted customer types (demo data).

    The adjusted Rand index (ARI) compares two partitions of the same customers: 1
    when they agree exactly, about 0 for a random assignment, whatever the labels
    are called.

    Returns
    -------
    DataFrame
        Index ``grouping`` (the ``columns``); columns ``groups`` (number of groups),
        ``customers`` (with purchases and a planted type) and ``adjusted_rand_index``.
    """
    from sklearn.metrics import adjusted_rand_score

    types = truth_customers.set_index("customer_id")["customer_type"]
    joined = customers[list(columns)].join(types, how="inner")
    rows = []
    for c in columns:
        rows.append((c, int(joined[c].nunique()), len(joined),
                     float(adjusted_rand_score(joined["customer_type"].astype("str"), joined[c].astype("str")))))
    return pd.DataFrame(rows, columns=["grouping", "groups", "customers", "adjusted_rand_index"]).set_index("grouping")


PRIORITY_SEGMENTS = ("Can't lose them", "At risk", "Champions", "Need attention", "About to sleep",
                     "Potential loyalists", "Loyal", "New", "Promising")
"""Segments whose action is worth a campaign, most urgent first (Hibernating and Lost are not)."""


def segmentation_actions(segments: pd.DataFrame, *, currency: str = "¥", top: int = 3) -> list[str]:
    """The segment actions that matter most: who, how many, how much spend is at stake.

    Parameters
    ----------
    segments : DataFrame
        :func:`segment_table` (``customers``, ``revenue``, ``action`` per segment).
    currency : str
    top : int, default 3
        Number of actions; segments of :data:`PRIORITY_SEGMENTS` with customers, in that
        order (custom segment maps: the segments with the largest revenue).

    Returns
    -------
    list of str

    Examples
    --------
    >>> s = pd.DataFrame({"customers": [10, 0, 5], "revenue": [5000.0, 0.0, 900.0],
    ...                   "action": ["Call them.", "x", "Reward them."]},
    ...                  index=pd.Index(["At risk", "Can't lose them", "Champions"], name="segment"))
    >>> segmentation_actions(s)
    ['At risk (10 customers, ¥5,000 spent so far): Call them.', 'Champions (5 customers, ¥900 spent so far): Reward them.']
    """
    s = segments.loc[segments["customers"] > 0]
    known = [x for x in PRIORITY_SEGMENTS if x in s.index]
    order = known if known else list(s.sort_values("revenue", ascending=False).index)
    return [f"{name} ({fmt.plural(s.loc[name, 'customers'], 'customer')}, "
            f"{fmt.money(s.loc[name, 'revenue'], currency, decimals=0)} spent so far): "
            f"{s.loc[name, 'action']}" for name in order[:top]]

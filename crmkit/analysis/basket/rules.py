"""Frequent itemsets, association rules, pair statistics and the cross-sell table.

Definitions, for a rule *A -> C* over *n* baskets (Agrawal, Imielinski & Swami 1993;
Brin et al. 1997 for conviction; Piatetsky-Shapiro 1991 for leverage):

- support(A -> C) = baskets holding A and C / n;
- confidence = support(A and C) / support(A): the share of A's baskets that hold C;
- lift = confidence / support(C): how many times more often C is in A's baskets than in
  an average basket (1 = independent);
- leverage = support(A and C) - support(A) x support(C): the share of baskets the
  association adds over independence;
- conviction = (1 - support(C)) / (1 - confidence): how much more often the rule would
  fail if A and C were independent (infinite when it never fails).

Frequent itemsets are counted level by level on a sparse basket matrix: single items by
column sums, pairs exactly by a sparse matrix product, and sets of three or more items by
mlxtend's FP-growth (Han, Pei & Yin 2000). FP-growth only sees the items that are in at
least two frequent pairs and the baskets holding three or more of them: by the Apriori
property every item of a frequent set of three is in two frequent pairs, so the result
is the same as mining everything, and FP-growth builds a much smaller tree.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .baskets import basket_matrix, customer_matrix

__all__ = [
    "ITEMSET_COLUMNS",
    "RULE_COLUMNS",
    "PAIR_COLUMNS",
    "CROSS_SELL_COLUMNS",
    "min_baskets",
    "frequent_itemsets",
    "association_rules",
    "name_rules",
    "prune_rules",
    "pair_rules",
    "pair_table",
    "lift_matrix",
    "cross_sell",
]

ITEMSET_COLUMNS = ["itemset", "size", "baskets", "support"]
RULE_COLUMNS = ["antecedent", "consequent", "baskets", "antecedent_baskets", "consequent_baskets",
                "support", "confidence", "lift", "leverage", "conviction"]
PAIR_COLUMNS = ["item", "other", "baskets", "item_baskets", "other_baskets", "confidence", "lift"]
CROSS_SELL_COLUMNS = ["product_id", "companion_id", "baskets", "confidence", "lift", "buyers",
                      "buyers_with_companion", "not_yet_buyers", "not_yet_share", "companion_value",
                      "opportunity", "expected_revenue"]


def min_baskets(n_baskets: int, *, min_support: float, min_count: int) -> int:
    """Return the basket count an itemset needs: the larger of the ratio and the count.

    Examples
    --------
    >>> min_baskets(48_000, min_support=0.001, min_count=20), min_baskets(5_000, min_support=0.001, min_count=20)
    (48, 20)
    """
    # a tiny tolerance so 0.001 x 48,000 is 48, not 49 after floating-point rounding
    return max(int(math.ceil(min_support * n_baskets - 1e-9)), int(min_count), 1)


def _itemset_frame(itemsets: list[tuple], counts, n: int) -> pd.DataFrame:
    counts = np.asarray(counts, dtype=np.int64)
    return pd.DataFrame({
        "itemset": pd.Series(itemsets, dtype=object),
        "size": np.fromiter((len(s) for s in itemsets), dtype=np.int64, count=len(itemsets)),
        "baskets": counts,
        "support": counts / n if n else np.zeros(len(counts)),
    })


def frequent_itemsets(lines: pd.DataFrame, *, min_support: float = 0.001, min_count: int = 20,
                      max_len: int = 3) -> pd.DataFrame:
    """Find the itemsets held by enough baskets, with mlxtend's FP-growth.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines` (product or category level).
    min_support : float, default 0.001
        Share of baskets an itemset needs ...
    min_count : int, default 20
        ... and number of baskets; the larger threshold applies (:func:`min_baskets`).
    max_len : int, default 3
        Largest itemset searched.

    Returns
    -------
    DataFrame
        Columns ``itemset`` (tuple of item IDs, sorted), ``size``, ``baskets`` (count)
        and ``support`` (share of all baskets); by size, then most baskets first.
    """
    from mlxtend.frequent_patterns import fpgrowth

    bm = basket_matrix(lines)
    n = len(bm.rows)
    need = min_baskets(n, min_support=min_support, min_count=min_count)
    counts = bm.item_counts
    frequent = np.flatnonzero(counts >= need)
    sets = [(bm.items[i],) for i in frequent]
    set_counts = list(counts[frequent])
    if max_len >= 2 and frequent.size >= 2:
        X = bm.matrix[:, frequent]
        Xi = X.astype(np.int32)
        pairs = sp.triu(Xi.T @ Xi, k=1).tocoo()
        hit = pairs.data >= need
        a, b = pairs.row[hit], pairs.col[hit]
        names = bm.items[frequent]
        sets += [tuple(sorted((names[i], names[j]))) for i, j in zip(a, b, strict=True)]
        set_counts += list(pairs.data[hit])
        # a frequent set of three or more items has all its pairs frequent: each of its
        # items is in two or more frequent pairs, and each basket holding it has 3+ such items
        degree = np.bincount(np.r_[a, b], minlength=frequent.size)
        in_sets = np.flatnonzero(degree >= 2)
        if max_len >= 3 and in_sets.size >= 3:
            Xp = X[:, in_sets]
            Xp = Xp[np.flatnonzero(np.diff(Xp.indptr) >= 3)]
            if Xp.shape[0] >= need:
                df = pd.DataFrame.sparse.from_spmatrix(Xp, columns=[str(i) for i in range(in_sets.size)])
                found = fpgrowth(df, min_support=(need - 0.5) / Xp.shape[0], max_len=max_len)
                found = found.loc[found["itemsets"].map(len) >= 3]
                sub = names[in_sets]
                sets += [tuple(sorted(sub[list(x)])) for x in found["itemsets"]]
                set_counts += list(np.rint(found["support"].to_numpy() * Xp.shape[0]).astype(np.int64))
    out = _itemset_frame(sets, set_counts, n)
    return out.sort_values(["size", "baskets", "itemset"], ascending=[True, False, True],
                           ignore_index=True)


def association_rules(lines: pd.DataFrame, *, itemsets: pd.DataFrame | None = None,
                      min_support: float = 0.001, min_count: int = 20, max_len: int = 3,
                      min_confidence: float = 0.1, min_lift: float = 1.2) -> pd.DataFrame:
    """Derive association rules from the frequent itemsets (mlxtend), with every metric.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines`.
    itemsets : DataFrame, optional
        Output of :func:`frequent_itemsets` on the same lines (computed when absent,
        with ``min_support``, ``min_count`` and ``max_len``).
    min_support, min_count, max_len
        See :func:`frequent_itemsets`.
    min_confidence : float, default 0.1
        Rules kept have at least this confidence ...
    min_lift : float, default 1.2
        ... and at least this lift.

    Returns
    -------
    DataFrame
        Columns :data:`RULE_COLUMNS`: ``antecedent`` and ``consequent`` (tuples of item
        IDs), ``baskets`` (holding both), ``antecedent_baskets``, ``consequent_baskets``,
        ``support``, ``confidence``, ``lift``, ``leverage``, ``conviction`` (``inf`` when
        the rule never fails); strongest lift first.
    """
    from mlxtend.frequent_patterns import association_rules as mlx_rules

    n = int(lines["order_id"].nunique())
    if itemsets is None:
        itemsets = frequent_itemsets(lines, min_support=min_support, min_count=min_count,
                                     max_len=max_len)
    if not (itemsets["size"] >= 2).any():
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("antecedent", "consequent") else float)
                             for c in RULE_COLUMNS})
    fi = pd.DataFrame({"support": itemsets["support"].to_numpy(),
                       "itemsets": [frozenset(s) for s in itemsets["itemset"]]})
    r = mlx_rules(fi, num_itemsets=n, metric="confidence", min_threshold=min_confidence,
                  return_metrics=["antecedent support", "consequent support", "support",
                                  "confidence", "lift", "leverage", "conviction"])
    out = pd.DataFrame({
        "antecedent": pd.Series([tuple(sorted(s)) for s in r["antecedents"]], dtype=object),
        "consequent": pd.Series([tuple(sorted(s)) for s in r["consequents"]], dtype=object),
        "baskets": np.rint(r["support"].to_numpy() * n).astype(np.int64),
        "antecedent_baskets": np.rint(r["antecedent support"].to_numpy() * n).astype(np.int64),
        "consequent_baskets": np.rint(r["consequent support"].to_numpy() * n).astype(np.int64),
        "support": r["support"].to_numpy(float),
        "confidence": r["confidence"].to_numpy(float),
        "lift": r["lift"].to_numpy(float),
        "leverage": r["leverage"].to_numpy(float),
        "conviction": r["conviction"].to_numpy(float),
    })
    out = out.loc[out["lift"] >= min_lift]
    return out.sort_values(["lift", "baskets", "antecedent", "consequent"],
                           ascending=[False, False, True, True], ignore_index=True)


def prune_rules(rules: pd.DataFrame, *, min_gain: float = 0.05) -> pd.DataFrame:
    """Drop rules that only repeat a shorter rule.

    A rule ``A -> C`` whose antecedent has two or more items is kept only when its
    confidence exceeds, by at least ``min_gain``, the confidence of every rule in
    ``rules`` with the same consequent and an antecedent that is a proper subset of
    ``A`` ("Running Shoes + Yoga Blocks -> Yoga Mat" adds nothing to "Yoga Blocks ->
    Yoga Mat" when both are 99%).

    Parameters
    ----------
    rules : DataFrame
        Output of :func:`association_rules`.
    min_gain : float, default 0.05
        Confidence (0-1) a longer rule must add.

    Returns
    -------
    DataFrame
        The rules kept, in the same order.

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [("A",), ("A", "B"), ("A", "D")], "consequent": [("C",)] * 3,
    ...                   "confidence": [0.6, 0.62, 0.9]})
    >>> prune_rules(r)["antecedent"].tolist()
    [('A',), ('A', 'D')]
    """
    best = {(a, c): conf for a, c, conf in zip(rules["antecedent"], rules["consequent"],
                                               rules["confidence"], strict=True)}
    keep = []
    for a, c, conf in zip(rules["antecedent"], rules["consequent"], rules["confidence"], strict=True):
        shorter = [best[(sub, c)] for k in range(1, len(a))
                   for sub in itertools.combinations(a, k) if (sub, c) in best]
        keep.append(not shorter or conf >= max(shorter) + min_gain)
    return rules.loc[np.asarray(keep, dtype=bool)]


def pair_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """Keep one rule per pair of single items, read from the item bought more often.

    Lift is symmetric (``A -> B`` and ``B -> A`` have the same lift), so a list of the
    strongest pairs shows each pair once. It keeps the direction whose antecedent is in
    more baskets (ties: the higher confidence): "of the baskets with the yoga mat, 61%
    also hold yoga blocks" is the trigger for an offer, while "99% of the baskets with
    yoga blocks hold a yoga mat" only says the blocks rarely come alone.

    Returns
    -------
    DataFrame
        Rules with one item on each side, strongest lift first.

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [("B",), ("A",)], "consequent": [("A",), ("B",)],
    ...                   "baskets": [60, 60], "antecedent_baskets": [61, 100],
    ...                   "confidence": [60 / 61, 0.6], "lift": [20.0, 20.0]})
    >>> pair_rules(r)[["antecedent", "consequent", "confidence"]]
      antecedent consequent  confidence
    1       (A,)       (B,)         0.6
    """
    one = rules.loc[(rules["antecedent"].map(len) == 1) & (rules["consequent"].map(len) == 1)]
    key = [tuple(sorted(a + c)) for a, c in zip(one["antecedent"], one["consequent"], strict=True)]
    one = one.assign(_pair=key).sort_values(["antecedent_baskets", "confidence"], ascending=False,
                                            kind="stable")
    one = one.drop_duplicates("_pair").drop(columns="_pair")
    return one.sort_values(["lift", "baskets", "antecedent"], ascending=[False, False, True],
                           kind="stable")


def name_rules(rules: pd.DataFrame, names: pd.Series | None = None) -> pd.DataFrame:
    """Add ``if_bought`` and ``also_bought``: the rule's items in words, joined with " + ".

    Parameters
    ----------
    rules : DataFrame
        Output of :func:`association_rules`.
    names : Series, optional
        Item ID -> name (:func:`crmkit.analysis.basket.item_names`); IDs without a name
        are shown as they are.
    """
    names = {} if names is None else names.to_dict()

    def words(items):
        return " + ".join(str(names.get(i, i)) for i in items)

    return rules.assign(if_bought=rules["antecedent"].map(words),
                        also_bought=rules["consequent"].map(words))


def _pairs(bm, n_rows: int, min_count: int) -> pd.DataFrame:
    X = bm.matrix.astype(np.int32)
    co = (X.T @ X).tocoo()
    keep = (co.row != co.col) & (co.data >= min_count)
    a, b, together = co.row[keep], co.col[keep], co.data[keep].astype(np.int64)
    counts = bm.item_counts
    out = pd.DataFrame({
        "item": bm.items[a], "other": bm.items[b], "baskets": together,
        "item_baskets": counts[a], "other_baskets": counts[b],
    })
    out["confidence"] = out["baskets"] / out["item_baskets"]
    out["lift"] = out["baskets"] * n_rows / (out["item_baskets"] * out["other_baskets"])
    return out


def pair_table(lines: pd.DataFrame, *, min_count: int = 1) -> pd.DataFrame:
    """Return every ordered pair of items bought in the same basket, with lift.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines`.
    min_count : int, default 1
        Pairs in fewer baskets are left out.

    Returns
    -------
    DataFrame
        Columns :data:`PAIR_COLUMNS`: ``item``, ``other``, ``baskets`` (holding both),
        ``item_baskets``, ``other_baskets``, ``confidence`` (share of ``item``'s
        baskets holding ``other``) and ``lift``; both orders of a pair are rows. Sorted by
        item, then most baskets first.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3"], "item": ["A", "B", "A", "B"]})
    >>> pair_table(lines)[["item", "other", "baskets", "confidence", "lift"]]
      item other  baskets  confidence  lift
    0    A     B        1         0.5  0.75
    1    B     A        1         0.5  0.75
    """
    bm = basket_matrix(lines)
    out = _pairs(bm, len(bm.rows), min_count)
    return out.sort_values(["item", "baskets", "other"], ascending=[True, False, True],
                           ignore_index=True)[PAIR_COLUMNS]


def lift_matrix(pairs: pd.DataFrame, *, items=None) -> pd.DataFrame:
    """Return the lift of pairs as a square item x item matrix (for a heatmap).

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`pair_table`.
    items : list, optional
        Rows and columns, in this order; default: every item of ``pairs``, sorted.

    Returns
    -------
    DataFrame
        Lift; missing where two items were never in one basket (or on the diagonal).
    """
    if items is None:
        items = sorted(set(pairs["item"]) | set(pairs["other"]))
    m = pairs.pivot_table(index="item", columns="other", values="lift", aggfunc="first")
    return m.reindex(index=list(items), columns=list(items)).rename_axis(index="item", columns="other")


def cross_sell(lines: pd.DataFrame, *, top: int = 3, min_count: int = 20, min_lift: float = 1.2,
               response_rate: float = 0.05) -> pd.DataFrame:
    """For each product, its strongest companions and the revenue left with its buyers.

    A companion of product A is a product B in at least ``min_count`` of A's baskets
    with lift of at least ``min_lift``; the ``top`` companions bought most often with
    A (highest confidence) are kept. Then, at customer level: A's buyers, those of them
    who have also bought B (ever, in ``lines``), and those who have **not yet**. The
    opportunity is what the not-yet buyers would spend if each bought B once, at the
    average spend on B in a basket; the expected revenue of one targeted offer is that
    times ``response_rate``.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines` (product level).
    top : int, default 3
    min_count : int, default 20
    min_lift : float, default 1.2
    response_rate : float, default 0.05
        Assumed share of not-yet buyers who respond to an offer.

    Returns
    -------
    DataFrame
        Columns :data:`CROSS_SELL_COLUMNS`; ``baskets``, ``confidence`` and ``lift`` of
        the pair A -> B; ``buyers`` of A, ``buyers_with_companion``, ``not_yet_buyers``
        and ``not_yet_share``; ``companion_value`` (average spend on B per basket),
        ``opportunity`` and ``expected_revenue`` in money. Largest opportunity first.
    """
    bm = basket_matrix(lines)
    pairs = _pairs(bm, len(bm.rows), min_count)
    pairs = pairs.loc[pairs["lift"] >= min_lift]
    pairs = (pairs.sort_values(["item", "confidence", "baskets", "other"],
                               ascending=[True, False, False, True])
             .groupby("item", sort=False).head(top))
    cm = customer_matrix(lines, items=bm.items)
    Xc = cm.matrix.astype(np.int32)
    co = (Xc.T @ Xc).tocsr()
    a = bm.items.get_indexer(pairs["item"])
    b = bm.items.get_indexer(pairs["other"])
    buyers = cm.item_counts[a]
    both = np.asarray(co[a, b], dtype=np.int64).ravel() if len(a) else np.zeros(0, np.int64)
    value = lines.groupby("item")["revenue"].mean().reindex(pairs["other"]).to_numpy(float)
    out = pd.DataFrame({
        "product_id": pairs["item"].to_numpy(), "companion_id": pairs["other"].to_numpy(),
        "baskets": pairs["baskets"].to_numpy(), "confidence": pairs["confidence"].to_numpy(),
        "lift": pairs["lift"].to_numpy(), "buyers": buyers, "buyers_with_companion": both,
        "not_yet_buyers": buyers - both,
    })
    out["not_yet_share"] = out["not_yet_buyers"] / out["buyers"]
    out["companion_value"] = value
    out["opportunity"] = out["not_yet_buyers"] * out["companion_value"]
    out["expected_revenue"] = out["opportunity"] * response_rate
    return out.sort_values(["opportunity", "product_id", "companion_id"],
                           ascending=[False, True, True], ignore_index=True)[CROSS_SELL_COLUMNS]

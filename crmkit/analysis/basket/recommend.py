"""Item-to-item recommendations and the popularity baseline, as estimators.

:class:`ItemRecommender` scores a product *j* for a customer by summing, over the
products *i* the customer has bought, the item-to-item similarity

    s(i, j) = co(i, j) / (n(i) ** (1 - a) * n(j) ** a)

where ``co(i, j)`` counts baskets holding both, ``n(i)`` baskets holding *i*, and *a*
is the **popularity correction** (``popularity_penalty``): with *a* = 0 the companions
bought most often with *i* win, which favours best sellers; *a* = 0.5 is the cosine
similarity; larger *a* favours products bought with *i* far more than on average
(Deshpande & Karypis 2004, item-based top-N recommendation). Each product keeps its
``neighbours`` most similar companions; pairs seen in fewer than ``min_pair_count``
baskets are ignored.

**Products already bought.** Whether a product may be recommended again is decided
from the data (:func:`repurchase_shares`): of its buyers who bought anything later,
the share who bought it again. A product with a share of at least
``repurchase_share`` (and at least ``repurchase_min_buyers`` such buyers) may be
recommended to customers who have it; any other product a customer has bought is not
recommended to them.

When a customer's history gives fewer than N scored products, the list is filled with
the most popular products (``reason`` says which is which). :class:`PopularityRecommender`
recommends the best sellers to everybody, under the same repurchase rule: the honest
baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .baskets import _codes, basket_matrix, customer_matrix

__all__ = [
    "RECOMMENDATION_COLUMNS",
    "repurchase_shares",
    "active_customers",
    "ItemRecommender",
    "PopularityRecommender",
]

RECOMMENDATION_COLUMNS = ["customer_id", "rank", "product_id", "score", "reason", "because_of"]
"""Columns of :meth:`ItemRecommender.recommend` (and of ``recommendations.csv``)."""


def repurchase_shares(lines: pd.DataFrame) -> pd.DataFrame:
    """Return, per product, how often its buyers buy it again.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines` (product level).

    Returns
    -------
    DataFrame
        Indexed by ``item``: ``buyers`` (customers who bought it), ``returning_buyers``
        (those with a later basket of any kind, after their first basket holding it),
        ``repeat_buyers`` (those who bought it again in a later basket) and
        ``repurchase_share`` = repeat / returning buyers (missing without returning buyers).

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "customer_id": ["c1", "c1", "c2", "c2"],
    ...                       "order_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01", "2025-03-01"]),
    ...                       "item": ["A", "A", "A", "B"]})
    >>> repurchase_shares(lines)
          buyers  returning_buyers  repeat_buyers  repurchase_share
    item
    A          2                 2              1               0.5
    B          1                 0              0               NaN
    """
    cust, _ = _codes(lines["customer_id"])
    item, items = _codes(lines["item"])
    date = lines["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    n_items = max(len(items), 1)
    key = cust * n_items + item
    order = np.argsort(key, kind="stable")
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if k.size else np.zeros(0, np.int64)
    # per (customer, product): the first basket with it and how many baskets hold it (the
    # lines of basket_lines are unique per basket and product)
    first = np.minimum.reduceat(date[order], starts) if k.size else np.zeros(0, np.int64)
    baskets = np.diff(np.r_[starts, k.size])
    c, i = k[starts] // n_items, k[starts] % n_items
    last = pd.Series(date).groupby(cust).max()
    repeat = baskets >= 2  # a second basket with the product (same-day baskets included)
    returning = (last.reindex(c).to_numpy() > first) | repeat
    out = pd.DataFrame({
        "buyers": np.bincount(i, minlength=len(items)),
        "returning_buyers": np.bincount(i, weights=returning, minlength=len(items)).astype(np.int64),
        "repeat_buyers": np.bincount(i, weights=repeat, minlength=len(items)).astype(np.int64),
    }, index=items.rename("item"))
    out["repurchase_share"] = out["repeat_buyers"] / out["returning_buyers"].where(out["returning_buyers"] > 0)
    return out


def active_customers(lines: pd.DataFrame, *, as_of, days: int) -> pd.Index:
    """Return the customers with a basket in the ``days`` days up to ``as_of`` (inclusive)."""
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    d = lines["order_date"]
    recent = lines.loc[(d >= end - pd.Timedelta(days=days)) & (d < end), "customer_id"]
    return pd.Index(recent.astype("str").unique(), name="customer_id").sort_values()


class _Recommender(BaseEstimator):
    """Shared parts: repurchase rule, popularity, ranking in chunks."""

    def _fit_common(self, lines: pd.DataFrame):
        bm = basket_matrix(lines)
        self.items_ = bm.items
        self.popularity_ = pd.Series(bm.item_counts, index=bm.items, name="baskets")
        shares = repurchase_shares(lines).reindex(bm.items)
        self.repurchase_ = shares
        self.repeatable_ = ((shares["repurchase_share"].fillna(0) >= self.repurchase_share)
                            & (shares["returning_buyers"] >= self.repurchase_min_buyers)).rename("repeatable")
        return bm

    def _candidates(self, history: sp.csr_matrix) -> sp.csr_matrix:
        """Scores of the products a customer's history points to (sparse; none here)."""
        return sp.csr_matrix(history.shape, dtype=np.float64)

    def recommend(self, lines: pd.DataFrame, *, customers=None, top_n: int | None = None,
                  chunk_size: int = 50_000) -> pd.DataFrame:
        """Return the top-N products for each customer, from their purchase history.

        Parameters
        ----------
        lines : DataFrame
            Purchase history (:func:`crmkit.analysis.basket.basket_lines`, product level).
        customers : iterable, optional
            Customers to recommend for (default: every customer in ``lines``); a customer
            without history gets the popular products.
        top_n : int, optional
            Default: the estimator's ``top_n``.
        chunk_size : int, default 50,000
            Customers scored at once.

        Returns
        -------
        DataFrame
            Columns :data:`RECOMMENDATION_COLUMNS`: ``customer_id``, ``rank`` (1 = best),
            ``product_id``, ``score`` (item-to-item score; 0 for a popularity fill),
            ``reason`` ("bought with", "popular") and ``because_of`` (the bought product
            that contributes most to the score; missing for a popularity fill). Fewer
            than N rows for a customer only when fewer products are allowed.
        """
        check_is_fitted(self, "items_")
        cm = customer_matrix(lines, items=self.items_)
        if customers is None:
            ids, H = cm.rows, cm.matrix
        else:
            ids = pd.Index(pd.unique(pd.Index(customers).astype("str")), name="customer_id")
            pos = cm.rows.get_indexer(ids)
            H = sp.vstack([cm.matrix, sp.csr_matrix((1, len(self.items_)), dtype=bool)]).tocsr()
            H = H[np.where(pos >= 0, pos, cm.matrix.shape[0])]
        p = len(self.items_)
        k = min(int(top_n or self.top_n), p)
        pop = self.popularity_.to_numpy(float)
        # ties (every product of a popularity fill scores 0) go to the best seller, then to the
        # first product ID; the tie term is far below any item-to-item score
        tie = 1e-9 * (pop / max(pop.max(initial=0.0), 1.0) + 1e-3 * (1 - np.arange(p) / max(p, 1)))
        by_popularity = np.argsort(-tie, kind="stable")
        blocked = ~self.repeatable_.to_numpy()
        parts = []
        for lo in range(0, H.shape[0], chunk_size):
            h = H[lo:lo + chunk_size].tocsr()
            r, c, score = _top_k(self._candidates(h), h, k=k, tie=tie, blocked=blocked,
                                 by_popularity=by_popularity)
            parts.append((lo + r, c, score, self._because(h, r, c, score)))
        rows, cols, score, because = (np.concatenate(x) for x in zip(*parts)) if parts else (
            np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
        # IDs as categoricals of the known IDs: no string is built per recommendation
        items = self.items_
        starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if rows.size else np.zeros(0, np.int64)
        out = pd.DataFrame({
            "customer_id": pd.Categorical.from_codes(rows, categories=pd.Index(ids)),
            "rank": np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size])) + 1,
            "product_id": pd.Categorical.from_codes(cols, categories=items),
            "score": score,
            "reason": pd.Categorical.from_codes((score > 0).astype(np.int8),
                                                categories=["popular", "bought with"]),
            "because_of": pd.Categorical.from_codes(because, categories=items),
        })
        return out[RECOMMENDATION_COLUMNS]

    def _because(self, h, rows, cols, score):
        """Position of the bought product behind each recommendation (-1: none)."""
        return np.full(len(rows), -1, dtype=np.int64)


def _segment_firsts(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Position of the (first) largest value of each non-empty segment of ``values``."""
    full = lengths > 0
    if not values.size:
        return np.zeros(0, dtype=np.int64)
    seg = np.repeat(np.arange(int(full.sum())), lengths[full])
    return _firsts(values, starts[full], seg)


def _firsts(values: np.ndarray, starts: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """As :func:`_segment_firsts`, given non-empty segment starts and each value's segment."""
    best = np.maximum.reduceat(values, starts)
    hit = np.flatnonzero(values == best[seg])
    return hit[np.r_[True, seg[hit][1:] != seg[hit][:-1]]]


def _lookup(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values ``m[rows[i], cols[i]]`` of a CSR matrix with sorted indices (0 where absent)."""
    keys = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr)) * m.shape[1] + m.indices
    if not keys.size:
        return np.zeros(len(rows))
    want = rows * m.shape[1] + cols
    at = np.minimum(np.searchsorted(keys, want), keys.size - 1)
    return np.where(keys[at] == want, m.data[at], 0.0)


def _top_k(candidates: sp.csr_matrix, history: sp.csr_matrix, *, k: int, tie: np.ndarray,
           blocked: np.ndarray, by_popularity: np.ndarray):
    """The k best products per row: scored candidates first, then best sellers as a fill.

    A product the row has bought is left out when ``blocked`` (not repeatable). Works on
    the sparse candidates only (no rows x products dense matrix): k rounds of a segmented
    maximum over the CSR rows, so time and memory grow with the candidates, not with the
    catalogue.

    Returns
    -------
    rows, cols : ndarray of int
        Row in the chunk and product position, best first within each row.
    score : ndarray of float
        The candidate score (0 for a fill).
    """
    n_rows, p = history.shape
    # bought products that are not repeatable get a large negative score, then -inf
    hb = history.multiply(blocked[None, :].astype(bool)).tocsr()
    hb.eliminate_zeros()
    cand = (candidates.tocsr() - hb.astype(np.float64) * 1e300).tocsr()
    lengths = np.diff(cand.indptr)
    total = cand.data + tie[cand.indices]
    total[cand.data <= 0] = -np.inf
    hb = hb.tocoo()
    no = hb.row.astype(np.int64) * p + hb.col
    full = lengths > 0
    seg = np.repeat(np.arange(int(full.sum())), lengths[full])
    seg_row = np.flatnonzero(full)
    starts = cand.indptr[:-1][full]
    picked = []
    for rank in range(k):
        if not total.size:
            break
        at = _firsts(total, starts, seg)
        at = at[np.isfinite(total[at])]
        if not at.size:
            break
        picked.append((seg_row[seg[at]], cand.indices[at].astype(np.int64), cand.data[at],
                       np.full(at.size, rank)))
        total[at] = -np.inf
    r, c, s, rk = (np.concatenate(x) for x in zip(*picked)) if picked else (
        np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
    # fill: rows with fewer than k picks get the best sellers they may have and do not hold yet
    short = np.flatnonzero(np.bincount(r, minlength=n_rows) < k)
    if short.size:
        n_blocked = np.bincount(hb.row, minlength=n_rows)
        depth = min(p, 2 * k + int(n_blocked[short].max(initial=0)))
        fr = np.repeat(short, depth)
        fc = np.tile(by_popularity[:depth], short.size).astype(np.int64)
        taken = np.sort(np.r_[no, r * p + c])
        if taken.size:
            at = np.minimum(np.searchsorted(taken, fr * p + fc), taken.size - 1)
            keep = taken[at] != fr * p + fc
            fr, fc = fr[keep], fc[keep]
        r, c, s, rk = np.r_[r, fr], np.r_[c, fc], np.r_[s, np.zeros(fr.size)], np.r_[rk, k + np.arange(fr.size)]
    order = np.lexsort((rk, r))
    r, c, s = r[order], c[order], s[order]
    starts = np.r_[0, np.flatnonzero(np.diff(r)) + 1] if r.size else np.zeros(0, np.int64)
    position = np.arange(r.size) - np.repeat(starts, np.diff(np.r_[starts, r.size]))
    top = position < k
    return r[top], c[top], s[top]


class ItemRecommender(_Recommender):
    """Item-to-item recommender: products often bought with what the customer bought.

    Parameters
    ----------
    top_n : int, default 5
        Recommendations per customer.
    popularity_penalty : float, default 0.5
        *a* in the similarity (module docstring): 0 favours best sellers, 0.5 is the
        cosine similarity, 1 favours rarer companions.
    neighbours : int, default 20
        Companions kept per product.
    min_pair_count : int, default 3
        Pairs in fewer baskets are ignored.
    repurchase_share : float, default 0.3
        Bought products are recommended again only at or above this repurchase share ...
    repurchase_min_buyers : int, default 20
        ... measured on at least this many returning buyers.

    Attributes
    ----------
    items_ : Index
        Products seen in ``fit``.
    popularity_ : Series
        Baskets per product.
    similarity_ : scipy.sparse.csr_matrix, shape (products, products)
        ``s(i, j)``, row *i* holding its ``neighbours`` largest entries.
    repurchase_ : DataFrame
        :func:`repurchase_shares` of the fitted lines.
    repeatable_ : Series of bool
        Products that may be recommended again to customers who bought them.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o2", "o3"],
    ...                       "customer_id": ["c1", "c1", "c2", "c2", "c3"],
    ...                       "order_date": pd.Timestamp("2025-01-01"), "item": ["A", "B", "A", "B", "A"]})
    >>> rec = ItemRecommender(top_n=1, min_pair_count=1).fit(lines)
    >>> rec.recommend(lines, customers=["c3"])[["customer_id", "product_id", "reason", "because_of"]]
      customer_id product_id       reason because_of
    0          c3          B  bought with          A
    """

    def __init__(self, *, top_n: int = 5, popularity_penalty: float = 0.5, neighbours: int = 20,
                 min_pair_count: int = 3, repurchase_share: float = 0.3,
                 repurchase_min_buyers: int = 20):
        self.top_n = top_n
        self.popularity_penalty = popularity_penalty
        self.neighbours = neighbours
        self.min_pair_count = min_pair_count
        self.repurchase_share = repurchase_share
        self.repurchase_min_buyers = repurchase_min_buyers

    def fit(self, lines: pd.DataFrame, y=None):
        """Learn the item-to-item similarities from baskets (:func:`basket_lines`)."""
        bm = self._fit_common(lines)
        X = bm.matrix.astype(np.float32)
        co = (X.T @ X).tocoo()
        keep = (co.row != co.col) & (co.data >= self.min_pair_count)
        i, j, c = co.row[keep], co.col[keep], co.data[keep].astype(np.float64)
        n = bm.item_counts.astype(np.float64)
        a = float(self.popularity_penalty)
        s = c / (n[i] ** (1 - a) * n[j] ** a)
        # keep each row's `neighbours` largest similarities
        order = np.lexsort((-s, i))
        i, j, s = i[order], j[order], s[order]
        starts = np.r_[0, np.flatnonzero(np.diff(i)) + 1]
        rank = np.arange(i.size) - np.repeat(starts, np.diff(np.r_[starts, i.size]))
        top = rank < self.neighbours
        p = len(bm.items)
        self.similarity_ = sp.csr_matrix((s[top], (i[top], j[top])), shape=(p, p))
        self.similarity_.sort_indices()  # _because looks entries up by sorted (row, col) keys
        return self

    def _candidates(self, history: sp.csr_matrix) -> sp.csr_matrix:
        return (history.astype(np.float64) @ self.similarity_).tocsr()

    def _because(self, h, rows, cols, score):
        """For each recommended (customer, product j), the bought product i with the largest s(i, j)."""
        out = np.full(len(rows), -1, dtype=np.int64)
        has = np.flatnonzero(score > 0)
        if not has.size:
            return out
        # expand each pair to the customer's bought products, look s(i, j) up, keep the best i
        length = np.diff(h.indptr)[rows[has]]
        pair = np.repeat(has, length)
        starts = h.indptr[rows[has]]
        offset = np.arange(pair.size) - np.repeat(np.cumsum(length) - length, length)
        item = h.indices[np.repeat(starts, length) + offset].astype(np.int64)
        value = _lookup(self.similarity_, item, cols[pair].astype(np.int64))
        # pairs are contiguous (np.repeat): the first largest value of each pair's segment
        best = _segment_firsts(value, np.r_[0, np.cumsum(length)[:-1]], length)
        out[pair[best]] = item[best]
        return out


class PopularityRecommender(_Recommender):
    """The baseline: the best-selling products for everybody, under the same repurchase rule.

    Parameters
    ----------
    top_n : int, default 5
    repurchase_share : float, default 0.3
    repurchase_min_buyers : int, default 20

    Attributes
    ----------
    items_, popularity_, repurchase_, repeatable_
        As in :class:`ItemRecommender`.
    """

    def __init__(self, *, top_n: int = 5, repurchase_share: float = 0.3,
                 repurchase_min_buyers: int = 20):
        self.top_n = top_n
        self.repurchase_share = repurchase_share
        self.repurchase_min_buyers = repurchase_min_buyers

    def fit(self, lines: pd.DataFrame, y=None):
        """Count baskets per product (:func:`basket_lines`)."""
        self._fit_common(lines)
        return self

"""Honest evaluation of recommenders: each customer's last basket is held out.

For every customer with at least two baskets, the last basket (by date, then order ID)
is hidden. Each recommender is fitted on the remaining baskets only, recommends N
products from the customer's earlier history, and is scored on the hidden basket:

- **hit rate@N**: share of customers whose hidden basket holds at least one of the N;
- **precision@N**: share of the N recommendations that are in the hidden basket
  (averaged over customers);
- **recall@N**: share of the hidden basket's products that were recommended;
- **coverage@N**: share of the products that are recommended to at least one customer
  (a recommender that sends everybody the same five best sellers covers little).

A recommender beats the baseline when its hit rate is higher by more than twice the
standard error of the paired difference (the same customers are scored by both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone

from ...data.keys import isin
from .baskets import _codes

__all__ = [
    "RecommenderEvaluation",
    "split_last_basket",
    "evaluate_recommenders",
    "compare_recommenders",
]


@dataclass(frozen=True)
class RecommenderEvaluation:
    """The result of :func:`evaluate_recommenders`.

    Attributes
    ----------
    metrics : DataFrame
        One row per (``model``, ``list_length`` N): ``customers``, ``hit_rate``,
        ``precision``, ``recall``, ``coverage``.
    hits : DataFrame
        One row per (customer, model, list length): ``hits`` (recommended products found
        in the hidden basket).
    held_out_baskets : int
        Customers evaluated (one hidden basket each).
    models : dict
        Name -> the recommender fitted on the history (without the hidden baskets).
    """

    metrics: pd.DataFrame
    hits: pd.DataFrame
    held_out_baskets: int
    models: dict


def split_last_basket(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide each customer's last basket (customers with at least two baskets).

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines`.

    Returns
    -------
    history, held_out : DataFrame
        The lines without the hidden baskets, and the lines of the hidden baskets.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o2", "o2", "o3"], "customer_id": ["c1", "c1", "c1", "c2"],
    ...                       "order_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01", "2025-01-01"]),
    ...                       "item": ["A", "B", "C", "A"]})
    >>> history, held = split_last_basket(lines)
    >>> history["order_id"].tolist(), held["item"].tolist()
    (['o1', 'o3'], ['B', 'C'])
    """
    b = lines[["order_id", "customer_id", "order_date"]].drop_duplicates("order_id")
    b = b.sort_values(["customer_id", "order_date", "order_id"], kind="stable")
    size = b.groupby("customer_id")["order_id"].transform("size")
    last = ~b["customer_id"].duplicated(keep="last") & (size >= 2)
    hidden = isin(lines["order_id"], b.loc[last, "order_id"])
    return lines.loc[~hidden], lines.loc[hidden]


def evaluate_recommenders(lines: pd.DataFrame, models: dict, *,
                          n_values=(1, 3, 5, 10)) -> RecommenderEvaluation:
    """Score recommenders on each customer's hidden last basket.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_lines` (product level).
    models : dict of str to estimator
        Name -> unfitted recommender (:class:`ItemRecommender`,
        :class:`PopularityRecommender`); each is cloned and fitted on the history.
    n_values : iterable of int, default (1, 3, 5, 10)
        List lengths evaluated.

    Returns
    -------
    RecommenderEvaluation
    """
    n_values = sorted({int(n) for n in n_values})
    history, held = split_last_basket(lines)
    held_cust, customers = _codes(held["customer_id"])
    customers = pd.Index(customers.astype("str"), name="customer_id")
    held_item, held_items = _codes(held["item"])
    held_items = held_items.astype("str")
    # distinct products of each hidden basket (the lines are unique per basket and product)
    n_held = len(held_items)
    pairs = np.unique(held_cust * max(n_held, 1) + held_item) if len(held) else np.zeros(0, np.int64)
    basket_size = np.bincount(pairs // max(n_held, 1), minlength=len(customers))
    metric_rows, hit_frames, fitted_models = [], [], {}
    for name, model in models.items():
        fitted = fitted_models[name] = clone(model).fit(history)
        recs = fitted.recommend(history, customers=customers, top_n=max(n_values))
        p = max(len(fitted.items_), 1)
        # hidden products as (customer, product position) keys; unseen products cannot be hit
        item_pos = fitted.items_.get_indexer(held_items)[pairs % max(n_held, 1)]
        truth = (pairs // max(n_held, 1) * p + item_pos)[item_pos >= 0]
        cust = recs["customer_id"].cat.codes.to_numpy().astype(np.int64)  # positions in customers
        prod = recs["product_id"].cat.codes.to_numpy().astype(np.int64)
        hit = np.isin(cust * p + prod, truth)
        rank = recs["rank"].to_numpy()
        for n in n_values:
            top = rank <= n
            hits = np.bincount(cust[top], weights=hit[top], minlength=len(customers)).astype(np.int64)
            some = len(customers) > 0
            metric_rows.append({
                "model": name, "list_length": n, "customers": len(customers),
                "hit_rate": float((hits > 0).mean()) if some else np.nan,
                "precision": float((hits / n).mean()) if some else np.nan,
                "recall": float((hits / np.maximum(basket_size, 1)).mean()) if some else np.nan,
                "coverage": np.unique(prod[top]).size / len(fitted.items_) if len(fitted.items_) else np.nan,
            })
            hit_frames.append(pd.DataFrame({"customer_id": customers, "model": name,
                                            "list_length": n, "hits": hits}))
    metrics = pd.DataFrame(metric_rows).set_index(["model", "list_length"])
    hits = pd.concat(hit_frames, ignore_index=True) if hit_frames else pd.DataFrame(
        columns=["customer_id", "model", "list_length", "hits"])
    return RecommenderEvaluation(metrics, hits, len(customers), fitted_models)


def compare_recommenders(evaluation: RecommenderEvaluation, *, model: str, baseline: str,
                         n: int) -> pd.Series:
    """Compare two recommenders on the same hidden baskets (paired).

    Parameters
    ----------
    evaluation : RecommenderEvaluation
    model, baseline : str
        Names used in :func:`evaluate_recommenders`.
    n : int
        List length compared.

    Returns
    -------
    Series
        ``n``, ``customers``, ``hit_rate`` and ``baseline_hit_rate``,
        ``hit_rate_gain`` (difference) with ``gain_se`` (standard error of the paired
        difference), ``precision`` and ``baseline_precision``, ``coverage`` and
        ``baseline_coverage``, and ``verdict``: "beats" (gain above twice its standard
        error), "loses to" (below minus twice) or "does not clearly beat".
    """
    h = evaluation.hits
    h = h.loc[h["list_length"] == n].pivot(index="customer_id", columns="model", values="hits")
    a, b = (h[model] > 0).astype(float), (h[baseline] > 0).astype(float)
    d = a - b
    se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else np.nan
    gain = float(d.mean()) if len(d) else np.nan
    if np.isnan(se) or np.isnan(gain):
        verdict = "does not clearly beat"
    elif gain > 2 * se:
        verdict = "beats"
    elif gain < -2 * se:
        verdict = "loses to"
    else:
        verdict = "does not clearly beat"
    m, base = evaluation.metrics.loc[(model, n)], evaluation.metrics.loc[(baseline, n)]
    return pd.Series({
        "n": n, "customers": int(len(d)), "hit_rate": m["hit_rate"], "baseline_hit_rate": base["hit_rate"],
        "hit_rate_gain": gain, "gain_se": se, "precision": m["precision"],
        "baseline_precision": base["precision"], "coverage": m["coverage"],
        "baseline_coverage": base["coverage"], "verdict": verdict,
    }, dtype=object)

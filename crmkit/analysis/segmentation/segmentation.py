"""Customer segmentation: RFM scores, named segments, value tiers and k-means clusters.

Four views of the same customers, all computed from :func:`crmkit.data.purchases.rfm_table`
(one row per customer with ``recency_days``, ``frequency`` and ``monetary``):

1. **RFM scores** (:func:`rfm_scores`): each measure scored 1-5 by its quantile among
   all customers; recent, frequent and big-spending customers score 5.
2. **Named segments** (:func:`assign_segments`): the (R, F) score pair looked up in a
   segment map -- business rules kept as data (:data:`DEFAULT_SEGMENT_MAP`),
   overridable from a params file's ``analysis: segmentation: segment_map:`` and
   validated (:func:`segment_grid`) to cover every cell exactly once. Each segment
   has a recommended action (:data:`DEFAULT_SEGMENT_ACTIONS`, also overridable).
3. **Value tiers** (:func:`value_tiers`): ABC analysis on revenue -- the fewest
   top spenders making up 80% of revenue are *high*, the next ones up to 95% are
   *medium*, the rest *low* (thresholds are parameters).
4. **Clusters** (:class:`RFMClusterer`): k-means on log-transformed, standardised
   R, F and M, with the number of clusters chosen by the silhouette score, each
   cluster described in words (:func:`describe_clusters`).

The score rule and ties
-----------------------
A customer's score is 1 plus the number of whole fifths of customers who are
strictly *worse* on that measure: with ``below`` customers strictly behind out of
``n``, ``score = 1 + floor(5 * below / n)`` (integer arithmetic, no rounding
error). A customer ahead of at least 80% of the others scores 5. Consequences,
all tested:

- equal values always get equal scores (ranking with ``method="first"``, as in the
  common ``pd.qcut(x.rank(method="first"), 5)`` recipe, splits ties arbitrarily);
- ten distinct values get scores 1,1,2,2,3,3,4,4,5,5 (plain quintiles);
- the customers with the lowest value always score 1, however many they are: in
  CRM data 40-70% of customers bought once, and they all get F = 1, which is what
  the segment map means by F = 1. (A rule giving ties the *average* percentile
  would put one-time buyers at F = 2 when they are over 40% of customers, and at
  F = 3 over 80%, so "New" and "Lost" could never occur.);
- one customer, or customers who are all alike, score 1: nobody is ahead of
  anybody, and the report says which values each score stands for
  (:func:`score_ranges`);
- three distinct, equally common values score 1, 2 and 4.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ... import fmt
from ...errors import ParamsError

__all__ = [
    "N_SCORES",
    "DEFAULT_SEGMENT_MAP",
    "DEFAULT_SEGMENT_ACTIONS",
    "TIER_LABELS",
    "quantile_scores",
    "rfm_scores",
    "score_ranges",
    "segment_grid",
    "assign_segments",
    "rf_grid",
    "segment_table",
    "value_tiers",
    "tier_table",
    "revenue_concentration",
    "segment_customers",
    "RFMClusterer",
    "describe_clusters",
]

N_SCORES = 5

DEFAULT_SEGMENT_MAP: dict[str, Any] = {
    "Champions": {"r": "5", "f": "4-5"},
    "Loyal": {"r": "3-4", "f": "4-5"},
    "Potential loyalists": {"r": "4-5", "f": "2-3"},
    "New": {"r": "5", "f": "1"},
    "Promising": {"r": "4", "f": "1"},
    "Need attention": {"r": "3", "f": "3"},
    "About to sleep": {"r": "3", "f": "1-2"},
    "At risk": {"r": "1-2", "f": "3-4"},
    "Can't lose them": {"r": "1-2", "f": "5"},
    "Hibernating": [{"r": "2", "f": "1-2"}, {"r": "1", "f": "2"}],
    "Lost": {"r": "1", "f": "1"},
}
"""Segment name -> the (R, F) score cells it covers, in display order.

Each value is one rectangle ``{"r": ..., "f": ...}`` or a list of them; ``r`` and
``f`` are a score (``5``), a range (``"3-4"``), a comma list (``"1,3"``) or a list of
these. Together the segments must cover the 25 cells of the 5 x 5 grid exactly once.
The classic R x F grid of RFM practice, with *Lost* split off *Hibernating*.
"""

DEFAULT_SEGMENT_ACTIONS: dict[str, str] = {
    "Champions": "Reward them: early access, loyalty perks, ask for reviews and referrals. No discounts needed.",
    "Loyal": "Upsell higher-value products, invite to the membership or loyalty programme.",
    "Potential loyalists": "Offer membership or a loyalty programme; recommend products related to what they bought.",
    "New": "Onboard well: welcome series, first-use help, a reason for a second purchase soon.",
    "Promising": "Build the habit: personalised recommendations, a small time-limited offer.",
    "Need attention": "Re-engage with limited-time offers based on past purchases.",
    "About to sleep": "Send popular products and a reminder before they lapse; moderate discount.",
    "At risk": "Win back with personalised e-mails or calls, renewal offers, ask what went wrong.",
    "Can't lose them": "Top win-back priority: personal outreach, strong offer, find out why they stopped.",
    "Hibernating": "Low-cost reactivation only (newsletter, big seasonal campaigns).",
    "Lost": "Exclude from paid campaigns; try one last low-cost reactivation, then suppress.",
}
"""Segment name -> what to do with its customers (business rules, overridable)."""

TIER_LABELS = ("high", "medium", "low")


# --------------------------------------------------------------------------- scores
def quantile_scores(values, *, n_scores: int = N_SCORES, higher_is_better: bool = True) -> np.ndarray:
    """Score values 1..``n_scores`` by quantile, giving equal values equal scores.

    ``score = 1 + floor(n_scores * below / n)``, where ``below`` counts the values
    strictly worse than this one: the score says how many whole quantile groups
    (fifths) of customers this one is ahead of. The worst value always scores 1.

    Parameters
    ----------
    values : array-like of float, shape (n,)
        No missing values.
    n_scores : int, default 5
    higher_is_better : bool, default True
        When False (recency in days), the smallest values get the highest score.

    Returns
    -------
    ndarray of int64, shape (n,)
        Scores in ``1..n_scores``; empty for empty input.

    Examples
    --------
    >>> quantile_scores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).tolist()
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    >>> quantile_scores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9]).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> quantile_scores([0, 10, 100], higher_is_better=False).tolist()
    [4, 2, 1]
    """
    x = np.asarray(values, dtype=float)
    if np.isnan(x).any():
        raise ValueError("quantile_scores: values must not contain missing values")
    n = len(x)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if not higher_is_better:
        x = -x
    below = pd.Series(x).rank(method="min").to_numpy().astype(np.int64) - 1  # strictly worse
    return (1 + (n_scores * below) // n).astype(np.int64)


def rfm_scores(rfm: pd.DataFrame) -> pd.DataFrame:
    """Add R, F and M scores (1-5, 5 best) to an RFM table.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`crmkit.data.purchases.rfm_table`: one row per customer with
        ``recency_days``, ``frequency`` and ``monetary``.

    Returns
    -------
    DataFrame
        A copy of ``rfm`` with ``r_score`` (recent = 5), ``f_score``, ``m_score``
        (int64) and ``rfm_score`` (text such as ``"545"``). Tie rule: see
        :func:`quantile_scores`.

    Examples
    --------
    >>> rfm = pd.DataFrame({"recency_days": [5, 50, 500], "frequency": [9, 2, 1],
    ...                     "monetary": [900.0, 80.0, 10.0]}, index=["a", "b", "c"])
    >>> rfm_scores(rfm)[["r_score", "f_score", "m_score", "rfm_score"]]
       r_score  f_score  m_score rfm_score
    a        4        4        4       444
    b        2        2        2       222
    c        1        1        1       111
    """
    out = rfm.copy()
    out["r_score"] = quantile_scores(rfm["recency_days"], higher_is_better=False)
    out["f_score"] = quantile_scores(rfm["frequency"])
    out["m_score"] = quantile_scores(rfm["monetary"])
    digits = out[["r_score", "f_score", "m_score"]].astype("str")
    out["rfm_score"] = digits["r_score"] + digits["f_score"] + digits["m_score"]
    return out


def score_ranges(scored: pd.DataFrame) -> pd.DataFrame:
    """State which values each score stands for, per measure (for readers of a report).

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`rfm_scores`.

    Returns
    -------
    DataFrame
        Long form, one row per (measure, score) that occurs: columns ``measure``
        (``recency_days``, ``frequency``, ``monetary``), ``score``, ``min``, ``max``,
        ``customers`` and ``range`` (text such as ``"3-7"``).
    """
    parts = []
    for measure, col in (("recency_days", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        g = scored.groupby(col)[measure].agg(["min", "max", "size"])
        g = g.rename(columns={"size": "customers"}).rename_axis("score").reset_index()
        g.insert(0, "measure", measure)
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out["min"] = out["min"].astype(float)
    out["max"] = out["max"].astype(float)
    out["range"] = [fmt.num(a, decimals=2) if a == b else f"{fmt.num(a, decimals=2)}-{fmt.num(b, decimals=2)}" for a, b in zip(out["min"], out["max"])]
    return out


# --------------------------------------------------------------------------- segment map
_SCORE_TEXT = re.compile(r"^\s*([1-9])\s*(?:-\s*([1-9])\s*)?$")


def _parse_scores(value, *, segment: str, key: str) -> set[int]:
    where = f"segment {segment!r}, {key!r}"
    if isinstance(value, bool) or value is None:
        raise ParamsError(f"segment map: {where}: expected a score 1-5, a range like '3-4' or a list, got {value!r}")
    if isinstance(value, (int, np.integer)):
        vals = {int(value)}
    elif isinstance(value, str):
        vals = set()
        for part in value.split(","):
            m = _SCORE_TEXT.match(part)
            if not m:
                raise ParamsError(f"segment map: {where}: cannot read {value!r}; use a score like 5, "
                                  "a range like '3-4' or a list like '1,3'")
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            if hi < lo:
                raise ParamsError(f"segment map: {where}: range {part.strip()!r} runs backwards")
            vals |= set(range(lo, hi + 1))
    elif isinstance(value, (list, tuple)):
        vals = set()
        for v in value:
            vals |= _parse_scores(v, segment=segment, key=key)
    else:
        raise ParamsError(f"segment map: {where}: expected a score, a range or a list, got {value!r}")
    bad = sorted(v for v in vals if not 1 <= v <= N_SCORES)
    if bad:
        raise ParamsError(f"segment map: {where}: scores must be 1-{N_SCORES}, got {bad}")
    return vals


def segment_grid(segment_map: dict | None = None) -> pd.DataFrame:
    """Validate a segment map and return it as an R x F grid of segment names.

    Parameters
    ----------
    segment_map : dict, optional
        Segment name -> ``{"r": ..., "f": ...}`` or a list of such rectangles (see
        :data:`DEFAULT_SEGMENT_MAP`, the default).

    Returns
    -------
    DataFrame
        Index ``r_score`` 5..1 (top row = most recent), columns ``f_score`` 1..5,
        values the segment names.

    Raises
    ------
    ParamsError
        When a cell is not covered or covered by two segments (every such
        ``(R, F)`` cell is named), or when an entry cannot be read.

    Examples
    --------
    >>> segment_grid({"Best": {"r": "4-5", "f": "1-5"}, "Rest": {"r": "1-3", "f": "1-4"}})
    Traceback (most recent call last):
    ...
    crmkit.errors.ParamsError: segment map (analysis: segmentation: segment_map): cells not covered by any segment: (R=1, F=5), (R=2, F=5), (R=3, F=5). Every (R, F) pair of scores 1-5 must belong to exactly one segment.
    """
    segment_map = DEFAULT_SEGMENT_MAP if segment_map is None else segment_map
    if not isinstance(segment_map, dict) or not segment_map:
        raise ParamsError("segment map (analysis: segmentation: segment_map): expected a mapping "
                          f"of segment name to score cells, got {segment_map!r}")
    owners: dict[tuple[int, int], list[str]] = {}
    for name, spec in segment_map.items():
        rects = spec if isinstance(spec, list) else [spec]
        for rect in rects:
            if not isinstance(rect, dict) or set(rect) != {"r", "f"}:
                raise ParamsError(
                    f"segment map: segment {name!r}: each entry needs exactly the keys 'r' and 'f' "
                    f"(e.g. {{r: 5, f: 4-5}}), got {rect!r}")
            rs = _parse_scores(rect["r"], segment=str(name), key="r")
            fs = _parse_scores(rect["f"], segment=str(name), key="f")
            for r in rs:
                for f in fs:
                    if str(name) not in owners.setdefault((r, f), []):
                        owners[(r, f)].append(str(name))
    cells = [(r, f) for r in range(1, N_SCORES + 1) for f in range(1, N_SCORES + 1)]
    missing = [c for c in cells if c not in owners]
    double = [c for c in cells if len(owners.get(c, [])) > 1]
    if missing or double:
        msg = []
        if missing:
            msg.append("cells not covered by any segment: "
                       + ", ".join(f"(R={r}, F={f})" for r, f in missing))
        if double:
            msg.append("cells covered more than once: " + ", ".join(
                f"(R={r}, F={f}) by {' and '.join(owners[(r, f)])}" for r, f in double))
        raise ParamsError("segment map (analysis: segmentation: segment_map): " + "; ".join(msg)
                          + f". Every (R, F) pair of scores 1-{N_SCORES} must belong to exactly one segment.")
    grid = pd.DataFrame(
        [[owners[(r, f)][0] for f in range(1, N_SCORES + 1)] for r in range(N_SCORES, 0, -1)],
        index=pd.Index(range(N_SCORES, 0, -1), name="r_score"),
        columns=pd.Index(range(1, N_SCORES + 1), name="f_score"),
    )
    return grid


def assign_segments(scored: pd.DataFrame, *, segment_map: dict | None = None) -> pd.Series:
    """Name each customer's segment from its R and F scores.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`rfm_scores` (``r_score``, ``f_score``).
    segment_map : dict, optional
        Validated with :func:`segment_grid`; default :data:`DEFAULT_SEGMENT_MAP`.

    Returns
    -------
    Series
        Same index, name ``segment``, categorical with the map's segments as
        categories in the map's order (empty segments stay as categories).
    """
    segment_map = DEFAULT_SEGMENT_MAP if segment_map is None else segment_map
    grid = segment_grid(segment_map)
    names = [str(k) for k in segment_map]
    code_of = {n: i for i, n in enumerate(names)}
    lookup = np.full((N_SCORES + 1, N_SCORES + 1), -1, dtype=np.int64)
    for r in grid.index:
        for f in grid.columns:
            lookup[r, f] = code_of[grid.loc[r, f]]
    codes = lookup[scored["r_score"].to_numpy(), scored["f_score"].to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=names), index=scored.index,
                     name="segment")


def rf_grid(customers: pd.DataFrame, *, segment_map: dict | None = None) -> pd.DataFrame:
    """Count customers and average their spend in each (R, F) score cell.

    Parameters
    ----------
    customers : DataFrame
        Output of :func:`rfm_scores` or :func:`segment_customers`.
    segment_map : dict, optional
        Names each cell (see :func:`segment_grid`).

    Returns
    -------
    DataFrame
        Long form, all 25 cells: columns ``r_score``, ``f_score``, ``customers``,
        ``customer_share``, ``monetary`` (mean spend; NaN for an empty cell) and
        ``segment``.
    """
    cells = pd.MultiIndex.from_product([range(1, N_SCORES + 1)] * 2, names=["r_score", "f_score"])
    g = customers.groupby(["r_score", "f_score"])["monetary"]
    out = pd.DataFrame({"customers": g.size(), "monetary": g.mean()}).reindex(cells)
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out.insert(1, "customer_share", out["customers"] / max(len(customers), 1))
    names = segment_grid(segment_map).stack()
    out["segment"] = names.reindex(out.index).astype("str")
    return out.reset_index()


def _group_table(df: pd.DataFrame, by: str) -> pd.DataFrame:
    total_customers = len(df)
    total_revenue = float(df["monetary"].sum())
    g = df.groupby(by, observed=False, sort=True)
    out = pd.DataFrame({
        "customers": g.size().astype("int64"),
        "revenue": g["monetary"].sum().astype(float),
        "recency_days": g["recency_days"].median().astype(float),
        "frequency": g["frequency"].mean().astype(float),
        "monetary": g["monetary"].mean().astype(float),
    })
    out.insert(1, "customer_share", out["customers"] / total_customers if total_customers else np.nan)
    out.insert(3, "revenue_share", out["revenue"] / total_revenue if total_revenue else np.nan)
    out.index = pd.Index(out.index.astype("str"), name=by)
    return out


def segment_table(segmented: pd.DataFrame, *, actions: dict[str, str] | None = None) -> pd.DataFrame:
    """Summarise each segment and say what to do with it (the action table).

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with ``segment`` (from :func:`assign_segments`),
        ``recency_days``, ``frequency`` and ``monetary``.
    actions : dict, optional
        Segment name -> action text, merged over :data:`DEFAULT_SEGMENT_ACTIONS`.

    Returns
    -------
    DataFrame
        Index ``segment`` in the map's order (empty segments included); columns
        ``customers``, ``customer_share``, ``revenue``, ``revenue_share`` (0-1),
        ``recency_days`` (median), ``frequency``, ``monetary`` (means per customer),
        ``action`` (text; "no action defined" when neither the defaults nor
        ``actions`` name the segment).
    """
    acts = {**DEFAULT_SEGMENT_ACTIONS, **(actions or {})}
    out = _group_table(segmented, "segment")
    out["action"] = [acts.get(s, "no action defined (add it to segment_actions)") for s in out.index]
    return out


# --------------------------------------------------------------------------- value tiers
def value_tiers(rfm: pd.DataFrame, *, thresholds=(0.8, 0.95)) -> pd.Series:
    """Put customers in high / medium / low value tiers by cumulative revenue (ABC).

    *High* are the fewest top spenders who together make at least ``thresholds[0]``
    of revenue; *medium* the next ones up to ``thresholds[1]``; *low* the rest.
    Customers who spent the same amount always share a tier: a customer is *high*
    when the customers who spent strictly more make less than ``thresholds[0]`` of
    revenue (so the customer who crosses 80% is included).

    Parameters
    ----------
    rfm : DataFrame
        One row per customer with ``monetary`` (> 0).
    thresholds : pair of float, default (0.8, 0.95)
        Cumulative revenue shares closing the high and the medium tier.

    Returns
    -------
    Series
        Same index, name ``value_tier``, ordered categorical ``high < medium < low``
        in :data:`TIER_LABELS` order.

    Examples
    --------
    >>> r = pd.DataFrame({"monetary": [50.0, 30.0, 10.0, 5.0, 5.0]}, index=list("abcde"))
    >>> value_tiers(r).tolist()
    ['high', 'high', 'medium', 'medium', 'medium']
    """
    a, b = (float(t) for t in thresholds)
    if not 0 < a <= b <= 1:
        raise ParamsError(f"tier_thresholds must be two shares with 0 < high <= medium <= 1, got {list(thresholds)}")
    m = rfm["monetary"].to_numpy(dtype=float)
    codes = np.zeros(len(m), dtype=np.int64)
    total = m.sum()
    if len(m) and total > 0:
        uniq, inv = np.unique(m, return_inverse=True)
        sums = np.bincount(inv, weights=m)
        above = (np.cumsum(sums[::-1])[::-1] - sums)[inv]  # revenue of customers spending more
        tol = 1e-9 * total
        codes = np.where(above < a * total - tol, 0, np.where(above < b * total - tol, 1, 2))
    cat = pd.Categorical.from_codes(codes, categories=list(TIER_LABELS), ordered=True)
    return pd.Series(cat, index=rfm.index, name="value_tier")


def tier_table(segmented: pd.DataFrame) -> pd.DataFrame:
    """Summarise the value tiers.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with ``value_tier``, ``recency_days``, ``frequency``,
        ``monetary``.

    Returns
    -------
    DataFrame
        Index ``value_tier`` (high, medium, low); columns as in :func:`segment_table`
        (without ``action``) plus ``min_monetary`` (the smallest spend in the tier).
    """
    out = _group_table(segmented, "value_tier")
    out["min_monetary"] = segmented.groupby("value_tier", observed=False)["monetary"].min().to_numpy()
    return out


def revenue_concentration(rfm: pd.DataFrame) -> pd.DataFrame:
    """Cumulative share of revenue against cumulative share of customers (Pareto curve).

    Parameters
    ----------
    rfm : DataFrame
        One row per customer with ``monetary``.

    Returns
    -------
    DataFrame
        One row per customer, best spender first, plus a starting row of zeros:
        ``customer_share`` and ``revenue_share`` (cumulative, 0-1).
    """
    m = np.sort(rfm["monetary"].to_numpy(dtype=float))[::-1]
    n, total = len(m), m.sum()
    return pd.DataFrame({
        "customer_share": np.arange(n + 1) / max(n, 1),
        "revenue_share": np.concatenate([[0.0], np.cumsum(m) / total]) if total > 0 else np.zeros(n + 1),
    })


def segment_customers(rfm: pd.DataFrame, *, segment_map: dict | None = None,
                      tier_thresholds=(0.8, 0.95)) -> pd.DataFrame:
    """Score, segment and tier every customer in one call.

    Parameters
    ----------
    rfm : DataFrame
        Output of :func:`crmkit.data.purchases.rfm_table`.
    segment_map : dict, optional
        See :func:`segment_grid`.
    tier_thresholds : pair of float, default (0.8, 0.95)
        See :func:`value_tiers`.

    Returns
    -------
    DataFrame
        ``rfm``'s columns plus ``r_score``, ``f_score``, ``m_score``, ``rfm_score``,
        ``segment`` and ``value_tier``; index ``customer_id``.
    """
    out = rfm_scores(rfm)
    out["segment"] = assign_segments(out, segment_map=segment_map)
    out["value_tier"] = value_tiers(out, thresholds=tier_thresholds)
    return out


# --------------------------------------------------------------------------- clusters
_FEATURES = ("recency_days", "frequency", "monetary")


class RFMClusterer(BaseEstimator):
    """K-means clusters of customers on log-transformed, standardised R, F and M.

    Each feature is transformed with ``log(1 + x)`` (spend and purchase counts are
    heavily right-skewed: a few customers buy far more than the rest, and without
    the log they would form clusters of their own) and then standardised to mean 0
    and standard deviation 1, so that days, counts and money weigh the same.

    The number of clusters ``k`` is chosen by the **silhouette score** over
    ``k_range``: for each customer, how much closer it is to its own cluster than
    to the next one (from -1 to 1; higher means tighter, better separated
    clusters). The ``k`` with the highest mean silhouette wins (the smaller ``k`` on
    a tie). Clusters are numbered 1..k from the highest mean spend down.

    Parameters
    ----------
    n_clusters : int, optional
        Force this ``k``; the silhouette curve over ``k_range`` is still computed.
    k_range : pair of int, default (2, 8)
        Smallest and largest ``k`` tried (both included).
    features : tuple of str, default ("recency_days", "frequency", "monetary")
    log_features : tuple of str, default: all three features
        Features transformed with ``log1p`` before scaling.
    random_state : int, default 0
    n_init : int, default 4
        K-means restarts per ``k`` (the best is kept).
    silhouette_sample : int, default 3000
        Customers sampled (with ``random_state``) to compute the silhouette; it
        costs ``O(n^2)``.

    Attributes
    ----------
    labels_ : Series
        Cluster number (1..k) per customer, index as the fitted frame, name ``cluster``.
    n_clusters_ : int
    scores_ : DataFrame
        Index ``k``; columns ``silhouette`` and ``inertia`` (within-cluster sum of
        squares, for an elbow reading).
    centers_ : DataFrame
        Index ``cluster``; one column per feature: the cluster centre in standard
        deviations from the mean of all customers (after the log transform).
    profiles_ : DataFrame
        Index ``cluster``; the columns of :func:`segment_table` (sizes, revenue
        shares, median recency, mean frequency and spend), the members' mean
        ``r_score``, ``f_score``, ``m_score`` and ``description``
        (:func:`describe_clusters`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> rfm = pd.DataFrame({"recency_days": np.r_[rng.integers(1, 10, 50), rng.integers(200, 300, 50)],
    ...                     "frequency": np.r_[rng.integers(8, 12, 50), rng.integers(1, 2, 50)],
    ...                     "monetary": np.r_[rng.normal(900, 50, 50), rng.normal(40, 5, 50)]})
    >>> km = RFMClusterer(random_state=0).fit(rfm)
    >>> km.n_clusters_, km.labels_.value_counts().sort_index().tolist()
    (2, [50, 50])
    """

    def __init__(self, n_clusters: int | None = None, *, k_range=(2, 8), features=_FEATURES,
                 log_features=_FEATURES, random_state: int = 0, n_init: int = 4,
                 silhouette_sample: int = 3000):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.features = features
        self.log_features = log_features
        self.random_state = random_state
        self.n_init = n_init
        self.silhouette_sample = silhouette_sample

    def _design(self, rfm: pd.DataFrame) -> np.ndarray:
        X = rfm[list(self.features)].to_numpy(dtype=float).copy()
        for j, f in enumerate(self.features):
            if f in self.log_features:
                X[:, j] = np.log1p(np.clip(X[:, j], 0, None))
        return X

    def fit(self, rfm: pd.DataFrame) -> RFMClusterer:
        """Fit on an RFM table (one row per customer); return ``self``."""
        import sklearn.cluster  # noqa: F401 - load OpenMP/BLAS first: threadpoolctl limits loaded libraries only
        import sklearn.metrics  # noqa: F401
        from threadpoolctl import threadpool_limits

        # Three features are too few for threads to pay off; on a busy 2-core machine
        # (reports run notebooks in parallel) OpenMP spin-waiting made k-means 3-50x slower.
        with threadpool_limits(limits=1):
            return self._fit(rfm)

    def _fit(self, rfm: pd.DataFrame) -> RFMClusterer:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from sklearn.preprocessing import StandardScaler

        self.feature_names_in_ = list(self.features)
        raw = self._design(rfm)
        self.scaler_ = StandardScaler().fit(raw) if len(raw) else None
        X = self.scaler_.transform(raw) if len(raw) else raw
        n = len(X)
        n_distinct = len(np.unique(X, axis=0)) if n else 0
        k_lo, k_hi = (int(k) for k in self.k_range)
        # k-means cannot make more clusters than distinct points, silhouette needs k < n
        ks = [k for k in range(max(2, k_lo), k_hi + 1) if k <= min(n_distinct, n - 1)]
        rng = np.random.RandomState(self.random_state)
        sample = rng.choice(n, size=min(n, self.silhouette_sample), replace=False) if n else None
        rows, models = [], {}
        for k in ks:
            km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(X)
            lab = km.labels_[sample]
            sil = float(silhouette_score(X[sample], lab)) if len(np.unique(lab)) > 1 else np.nan
            rows.append((k, sil, float(km.inertia_)))
            models[k] = km
        self.scores_ = pd.DataFrame(rows, columns=["k", "silhouette", "inertia"]).set_index("k")
        if self.n_clusters is not None:
            k = max(1, min(int(self.n_clusters), n_distinct))
        elif len(self.scores_) and self.scores_["silhouette"].notna().any():
            k = int(self.scores_["silhouette"].idxmax())  # first (smallest) k on a tie
        else:
            k = 1
        if k in models:
            km = models[k]
        elif k > 1:
            km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(X)
        else:
            km = None
        self.n_clusters_ = k
        raw_labels = km.labels_ if km is not None else np.zeros(n, dtype=np.int64)
        centers = km.cluster_centers_ if km is not None else np.zeros((1, X.shape[1]))
        # number clusters 1..k from the highest mean spend down (k-means' order is arbitrary)
        spend = pd.Series(rfm["monetary"].to_numpy(dtype=float)).groupby(raw_labels).mean()
        order = spend.reindex(range(len(centers))).fillna(-np.inf).sort_values(ascending=False, kind="stable").index
        relabel = np.empty(len(centers), dtype=np.int64)
        relabel[np.asarray(order)] = np.arange(1, len(centers) + 1)
        self._relabel = relabel
        self._kmeans = km
        self.labels_ = pd.Series(relabel[raw_labels], index=rfm.index, name="cluster")
        self.centers_ = pd.DataFrame(
            centers[np.asarray(order)], columns=self.feature_names_in_,
            index=pd.Index(np.arange(1, len(centers) + 1), name="cluster"))
        scored = rfm_scores(rfm[list(_FEATURES)]).assign(cluster=self.labels_.to_numpy())
        prof = _group_table(scored, "cluster")
        prof.index = prof.index.astype("int64")
        means = scored.groupby("cluster")[["r_score", "f_score", "m_score"]].mean()
        prof = prof.join(means)
        prof["description"] = describe_clusters(prof)
        self.profiles_ = prof
        return self

    def predict(self, rfm: pd.DataFrame) -> pd.Series:
        """Assign customers of an RFM table to the fitted clusters (numbers 1..k)."""
        check_is_fitted(self, "labels_")
        if self._kmeans is None:
            return pd.Series(np.ones(len(rfm), dtype=np.int64), index=rfm.index, name="cluster")
        X = self.scaler_.transform(self._design(rfm))
        return pd.Series(self._relabel[self._kmeans.predict(X)], index=rfm.index, name="cluster")


# by recency level (0 lapsed, 1 middle, 2 recent), then frequency and spend levels


def _level(mean_score: float) -> int:
    # 0 low, 1 middle, 2 high: the typical member scores below 2.5, 2.5-3.5, above 3.5
    return 0 if mean_score < 2.5 else (2 if mean_score > 3.5 else 1)


def _verdict_recent(freq: int, spend: int) -> str:
    if freq == 2 and spend == 2:
        return "best customers"
    if freq == 2 or spend == 2:
        return "active, valuable customers"
    if freq == 0:
        return "new or one-off buyers"
    return "active regular customers"


def _verdict_middle(freq: int, spend: int) -> str:
    if freq == 2 or spend == 2:
        return "loyal, valuable customers"
    if freq == 0 and spend == 0:
        return "occasional low spenders"
    return "average customers"


def _verdict_lapsed(freq: int, spend: int) -> str:
    if freq == 2 or spend == 2:
        return "valuable customers slipping away"
    if freq == 0 and spend == 0:
        return "lapsed low-value customers"
    return "fading customers"


def describe_clusters(profiles: pd.DataFrame) -> pd.Series:
    """Describe each cluster in words from its members' mean R, F and M scores.

    Scores are the 1-5 quantile scores of :func:`rfm_scores` (5 = recent, frequent,
    big spender), so "high" means the same thing as in the RFM table: a cluster
    whose members score above 3.5 on average is high on that measure, below 2.5
    low. (Reading the k-means centres directly would call a cluster holding most
    customers "average" on everything, because it *is* the average.) The verdict
    reads recency first (are they still buying?), then frequency and spend (are
    they worth keeping?).

    Parameters
    ----------
    profiles : DataFrame
        Index ``cluster``; columns ``r_score``, ``f_score``, ``m_score`` (mean
        scores of the members), e.g. :attr:`RFMClusterer.profiles_`.

    Returns
    -------
    Series
        Index ``cluster``, name ``description``: text such as ``"bought recently,
        buy often, spend a lot: best customers"``.

    Examples
    --------
    >>> p = pd.DataFrame({"r_score": [4.6, 1.7], "f_score": [4.2, 1.9], "m_score": [4.5, 2.1]},
    ...                  index=pd.Index([1, 2], name="cluster"))
    >>> describe_clusters(p).tolist()
    ['bought recently, buy often, spend a lot: best customers', 'not seen for a long time, buy rarely, spend little: lapsed low-value customers']
    """
    out = {}
    for cluster, row in profiles.iterrows():
        rec, freq, spend = (_level(float(row[c])) for c in ("r_score", "f_score", "m_score"))
        words = [_WORDS["r_score"][rec], _WORDS["f_score"][freq], _WORDS["m_score"][spend]]
        out[cluster] = ", ".join(words) + ": " + _VERDICTS[rec](freq, spend)
    return pd.Series(out, name="description", dtype="str").rename_axis(profiles.index.name)


_WORDS = {
    "r_score": ("not seen for a long time", "last bought a while ago", "bought recently"),
    "f_score": ("buy rarely", "buy now and then", "buy often"),
    "m_score": ("spend little", "spend a medium amount", "spend a lot"),
}


_VERDICTS = {0: _verdict_lapsed, 1: _verdict_middle, 2: _verdict_recent}

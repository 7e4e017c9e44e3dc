"""Churn labels and leakage-free customer features as of a cut-off date.

The data side of :mod:`crmkit.analysis.churn` (models, validation and the at-risk list live
there and re-export everything here).

Conventions
-----------
A *cut-off* is a day. Everything up to the **end** of that day is "known" and may be
used for features; the *label window* is the ``horizon_days`` days after it. A
customer is *active* at the cut-off when they made at least one purchase in the
``lookback_days`` days up to and including the cut-off day, and *churns* when they
make no purchase in the label window. Purchases are completed orders with a positive
amount (:func:`crmkit.data.purchases.purchases`).

Every feature is computed from rows dated before the end of the cut-off day only
(tickets count as resolved only if resolved by then), so changing, adding or
removing anything after the cut-off never changes the features.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config.churn import ChurnRules
from ...data.keys import isin
from ...data.purchases import is_purchase, purchases, rfm_table
from ...errors import CrmkitError
from ...periods import day as _day

__all__ = [
    "CutoffPlan",
    "plan_cutoffs",
    "churn_labels",
    "churn_features",
    "FEATURE_TABLES",
    "churn_frame",
    "churn_rate_over_time",
    "feature_group",
    "describe_features",
]

_DAY = np.timedelta64(1, "D")



# --------------------------------------------------------------------------- cut-offs
@dataclass(frozen=True)
class CutoffPlan:
    """Training, test and scoring cut-offs of an out-of-time churn study.

    Attributes
    ----------
    train, test : Timestamp
        Cut-offs whose label windows (``horizon_days`` after each) lie inside the data.
    score : Timestamp
        Day as of which customers are scored (the report period's end or the last day
        with data, whichever is earlier).
    horizon_days, lookback_days : int
    data_end : Timestamp
        Last day with data.
    """

    train: pd.Timestamp
    test: pd.Timestamp
    score: pd.Timestamp
    horizon_days: int
    lookback_days: int
    data_end: pd.Timestamp

    @property
    def realised(self) -> bool:
        """True when the data already shows what happened in the scoring label window."""
        return self.score + pd.Timedelta(days=self.horizon_days) <= self.data_end

    def table(self) -> pd.DataFrame:
        """One row per cut-off: the feature and label windows it uses.

        Returns
        -------
        DataFrame
            Index ``role`` (train, test, score); columns ``cutoff``,
            ``active_since`` (first day of the lookback window), ``label_from``,
            ``label_to`` (first and last day of the label window) and
            ``labels_known`` (whether the data covers the label window).
        """
        rows = []
        for role, c in (("train", self.train), ("test", self.test), ("score", self.score)):
            rows.append({
                "role": role, "cutoff": c,
                "active_since": c - pd.Timedelta(days=self.lookback_days - 1),
                "label_from": c + pd.Timedelta(days=1),
                "label_to": c + pd.Timedelta(days=self.horizon_days),
                "labels_known": c + pd.Timedelta(days=self.horizon_days) <= self.data_end,
            })
        return pd.DataFrame(rows).set_index("role")


def plan_cutoffs(*, data_start, data_end, as_of, horizon_days: int = 90,
                 lookback_days: int = 365, train_cutoff=None, test_cutoff=None) -> CutoffPlan:
    """Choose out-of-time cut-offs whose N-day label windows lie inside the data.

    The latest day whose outcome may be used is ``known = min(score_date, data_end)``:
    nothing after the scoring day is used, so the report for a past period shows what
    an analyst could have known then, and re-running it later gives the same result.
    The test cut-off is ``known - horizon_days`` (its label window ends on ``known``)
    and the training cut-off ``horizon_days`` earlier still (its label window ends on
    the test cut-off, so the two label windows do not overlap).

    Parameters
    ----------
    data_start, data_end : date-like
        First and last day with data.
    as_of : date-like
        Day as of which customers are scored; later than ``data_end`` means ``data_end``.
    horizon_days, lookback_days : int
        See :class:`~crmkit.config.churn.ChurnRules`.
    train_cutoff, test_cutoff : date-like, optional
        Explicit cut-offs (e.g. from params); each must leave its label window inside
        the data.

    Returns
    -------
    CutoffPlan

    Examples
    --------
    >>> p = plan_cutoffs(data_start="2024-01-01", data_end="2025-12-31", as_of="2025-12-31")
    >>> f"{p.train:%Y-%m-%d} {p.test:%Y-%m-%d} {p.score:%Y-%m-%d}"
    '2025-07-04 2025-10-02 2025-12-31'
    """
    start, end = _day(data_start), _day(data_end)
    score = min(_day(as_of), end)
    n = pd.Timedelta(days=int(horizon_days))
    test = _day(test_cutoff) if test_cutoff is not None else score - n
    train = _day(train_cutoff) if train_cutoff is not None else test - n
    for role, c in (("training", train), ("test", test)):
        if c + n > end:
            raise CrmkitError(
                f"churn {role} cut-off {c:%Y-%m-%d}: its {horizon_days}-day label window ends "
                f"after the last day with data ({end:%Y-%m-%d}); choose an earlier cut-off")
    if train >= test:
        raise CrmkitError(f"churn training cut-off {train:%Y-%m-%d} must be before the test "
                          f"cut-off {test:%Y-%m-%d}")
    if train <= start + pd.Timedelta(days=30):
        raise CrmkitError(
            f"not enough history for a churn model scored on {score:%Y-%m-%d}: the training "
            f"cut-off {train:%Y-%m-%d} leaves under a month of purchases before it (data from "
            f"{start:%Y-%m-%d}). Use a later period or a shorter horizon_days (now {horizon_days}).")
    return CutoffPlan(train, test, score, int(horizon_days), int(lookback_days), end)


# --------------------------------------------------------------------------- purchases
def _purchases(orders: pd.DataFrame, *, start=None, end=None, extra=()):
    """Purchase rows in ``[start, end)`` as arrays, customers coded once.

    Returns ``(codes, uniques, dates, revenue, extra_columns)``: ``codes`` index
    ``uniques`` (sorted customer IDs; they may include customers without a purchase
    in the window), ``dates`` is datetime64 and ``extra_columns`` maps each name of
    ``extra`` present in ``orders`` to its factorised ``(codes, labels)`` (code -1:
    missing). Working on integer codes and plain arrays avoids copying the string
    columns of large order tables.
    """
    d = orders["order_date"]
    keep = is_purchase(orders)
    if start is not None:
        keep &= (d >= start).to_numpy(dtype=bool)
    if end is not None:
        keep &= (d < end).to_numpy(dtype=bool)
    codes, uniques = _factorize(orders["customer_id"], sort=True)
    keep &= codes >= 0  # a row without a customer cannot be anybody's purchase
    cols = {}
    for c in extra:
        if c in orders.columns:
            cc, labels = pd.factorize(orders[c])
            cols[c] = (cc[keep], labels)
    return (codes[keep], pd.Index(uniques, name="customer_id"), d.to_numpy()[keep],
            orders["revenue"].to_numpy(dtype="float64")[keep], cols)


# Integer codes of ID columns, remembered while the column's data lives. The churn
# notebook builds features at three cut-offs (and labels at each) from the same tables:
# hashing the same millions of string IDs again each time was a third of the work.
# Only Arrow-backed columns are remembered: their data is immutable (an edit of the
# column gives it new Arrow data, hence a new key), while a NumPy column can change
# in place. Callers must not modify the arrays they get.
_CODES: dict = {}


def _arrow_data(s: pd.Series):
    dtype = s.dtype
    if isinstance(dtype, (pd.StringDtype, pd.ArrowDtype)) and dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    return None


def _remembered(columns, what: str, compute):
    """``compute()``, remembered for as long as the Arrow data of ``columns`` lives."""
    data = [_arrow_data(c) for c in columns]
    if any(d is None for d in data):
        return compute()
    key = (what, *(id(d) for d in data))
    hit = _CODES.get(key)
    if hit is not None and all(ref() is d for ref, d in zip(hit[0], data)):
        return hit[1]
    value = compute()
    refs = [weakref.ref(d, lambda _, key=key: _CODES.pop(key, None)) for d in data]
    _CODES[key] = (refs, value)
    return value


def _factorize(values: pd.Series, *, sort: bool = False):
    """``pd.factorize(values, sort=sort)`` (codes, uniques), remembered per column."""
    return _remembered([values], f"factorize sort={sort}",
                       lambda: pd.factorize(values, sort=sort))


def _shared_codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two ID columns from one dictionary (missing: -1 in both).

    >>> _shared_codes(pd.Series(["x", "y", None]), pd.Series(["y", "z"]))
    (array([ 0,  1, -1]), array([1, 2]))
    """
    def compute():
        codes, _ = pd.factorize(pd.concat([a, b], ignore_index=True))
        return codes[:len(a)], codes[len(a):]

    return _remembered([a, b], "shared codes", compute)


def _ticks(dates: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer ticks of a datetime64 array and the number of ticks per day."""
    unit, count = np.datetime_data(dates.dtype)
    per_day = np.timedelta64(1, "D") // np.timedelta64(count, unit)
    return dates.view("int64"), int(per_day)


# --------------------------------------------------------------------------- labels
def churn_labels(orders: pd.DataFrame, *, as_of, horizon_days: int = 90,
                 lookback_days: int = 365, data_end=None,
                 end_dates: pd.Series | None = None) -> pd.DataFrame:
    """Label each customer active at a cut-off as churned or not.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (purchases are completed orders with revenue > 0).
    as_of : date-like
        The cut-off day (inclusive on the "known" side).
    horizon_days : int, default 90
        Label window: the ``horizon_days`` days after the cut-off day.
    lookback_days : int, default 365
        Active = at least one purchase in the ``lookback_days`` days ending with the
        cut-off day.
    data_end : date-like, optional
        Last day with data; an error is raised when the label window goes beyond it.
    end_dates : Series, optional
        Subscription-like data: explicit end date per customer (index ``customer_id``,
        NaT while still subscribed). Customers whose end date is on or before the
        cut-off are not active; the others churn when their end date falls in the
        label window (purchases are then not used for the label).

    Returns
    -------
    DataFrame
        Index ``customer_id`` (active customers, sorted); columns ``last_purchase``
        (last purchase up to the cut-off), ``next_purchase`` (first purchase in the
        label window, NaT if none) and ``churned`` (bool).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "revenue": [1.0, 1.0, 1.0, 1.0],
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-02-10",
    ...                                                 "2025-01-20", "2023-06-01"])})
    >>> churn_labels(o, as_of="2025-01-31", horizon_days=30)["churned"].to_dict()
    {'a': False, 'b': True}
    """
    as_of = _day(as_of)
    cut_end = as_of + pd.Timedelta(days=1)
    n = pd.Timedelta(days=int(horizon_days))
    if data_end is not None and as_of + n > _day(data_end):
        raise CrmkitError(
            f"churn cut-off {as_of:%Y-%m-%d}: the {horizon_days}-day label window ends on "
            f"{as_of + n:%Y-%m-%d}, after the last day with data ({_day(data_end):%Y-%m-%d})")
    codes, ids, dates, _, _ = _purchases(
        orders, start=cut_end - pd.Timedelta(days=int(lookback_days)), end=cut_end + n)
    before = dates < np.datetime64(cut_end.to_datetime64())
    g = pd.Series(dates)
    last = g[before].groupby(codes[before]).max()
    nxt = g[~before].groupby(codes[~before]).min()
    out = pd.DataFrame({"last_purchase": last.to_numpy(),
                        "next_purchase": nxt.reindex(last.index).to_numpy()},
                       index=ids.take(last.index.to_numpy()))
    if end_dates is None:
        out["churned"] = out["next_purchase"].isna()
    else:
        end = pd.to_datetime(end_dates).reindex(out.index)
        out = out.loc[end.isna() | (end >= cut_end)]
        end = end.loc[out.index]
        out["churned"] = (end >= cut_end) & (end < cut_end + n)
    out.index.name = "customer_id"
    return out


# --------------------------------------------------------------------------- features
def _top_labels(values: pd.Series, k: int) -> pd.Series:
    """Keep the ``k`` most frequent labels; others (and missing) become "other"."""
    s = values.astype("str").fillna("other")
    top = s.value_counts().index[:k]
    return s.where(s.isin(top), "other")


def _median_gap_days(codes: np.ndarray, days: np.ndarray, n: int) -> np.ndarray:
    """Median days between a customer's distinct purchase days (NaN with one day).

    ``codes`` (0..n-1) and ``days`` (integer day numbers) are per purchase.
    """
    out = np.full(n, np.nan)
    if len(days) == 0:
        return out
    key = np.sort((codes.astype(np.int64) << 32) | (days - days.min()).astype(np.int64))
    key = key[np.r_[True, key[1:] != key[:-1]]]  # distinct (customer, day)
    cust = key >> 32
    d = key & 0xFFFFFFFF
    same = cust[1:] == cust[:-1]
    g_c = cust[1:][same]
    g = (d[1:] - d[:-1])[same]
    if len(g) == 0:
        return out
    gk = np.sort((g_c << 32) | g)  # gaps sorted by customer, then length
    g_c, g = gk >> 32, gk & 0xFFFFFFFF
    counts = np.bincount(g_c, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (g[lo] + g[hi]) / 2.0
    return out


def _top_codes(codes: np.ndarray, labels, k: int) -> tuple[np.ndarray, list[str]]:
    """Keep the ``k`` most frequent labels, the rest (and missing, code -1) as "other".

    Returns the new codes and their names (sorted).
    """
    labels = [str(x) for x in labels]
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    top = {int(i) for i in np.argsort(-counts, kind="stable")[:k] if counts[i] > 0}
    names = {labels[i] for i in top}
    if len(top) < len(labels) or (codes < 0).any():
        names.add("other")
    names = sorted(names)
    pos = {nm: j for j, nm in enumerate(names)}
    other = pos.get("other", -1)
    remap = np.array([pos[labels[i]] if i in top else other for i in range(len(labels))] + [other],
                     dtype=np.int64)
    return remap[np.where(codes < 0, len(labels), codes)], names


def churn_features(orders: pd.DataFrame, *, as_of, customers: pd.DataFrame | None = None,
                   tickets: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None,
                   events: pd.DataFrame | None = None, order_items: pd.DataFrame | None = None,
                   products: pd.DataFrame | None = None, trend_days: int = 90,
                   complaint_days: int = 90, web_days: int = 30,
                   max_categories: int = 8) -> pd.DataFrame:
    """Compute customer features from what was known at the end of the cut-off day.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders. Only purchases (completed, revenue > 0) up to the end of the
        cut-off day are used.
    as_of : date-like
        The cut-off day.
    customers, tickets, surveys, events, order_items, products : DataFrame, optional
        Canonical tables; each adds its features when given.
    trend_days, complaint_days, web_days : int
        Windows (days, ending with the cut-off day) for the spend trend, complaint
        counts and web sessions.
    max_categories : int, default 8
        Labels kept per categorical attribute (channel, region, category); the rest
        are grouped as ``other``.

    Returns
    -------
    DataFrame
        Index ``customer_id``: every customer with at least one purchase up to the
        cut-off (sorted). All columns are numeric; see :func:`describe_features`.
        Always present:

        - ``recency_days``, ``frequency``, ``monetary``, ``avg_order_value``,
          ``tenure_days`` (:func:`crmkit.data.purchases.rfm_table`)
        - ``orders_{T}d``, ``revenue_{T}d``, ``revenue_prev_{T}d`` and
          ``spend_trend`` = (last - previous) / (last + previous) in [-1, 1]
          (0 without spend in either window), with ``T = trend_days``
        - ``median_gap_days`` (NaN with a single purchase day) and ``gap_ratio`` =
          recency_days / median_gap_days (above 1: later than usual)

        With ``sales_channel``: ``share_channel_<label>`` (share of purchases).
        With customers: ``account_age_days``, ``acq_<channel>``, ``region_<label>`` (0/1).
        With order_items and products: ``share_cat_<category>`` (share of the value
        of the customer's order lines; NaN for a customer without order lines).
        With tickets: ``tickets_{C}d``, ``complaints_{C}d``, ``open_tickets``,
        ``mean_resolution_days`` (resolved by the cut-off; NaN if none).
        With surveys: ``nps_last``, ``nps_mean``, ``csat_last``, ``csat_mean`` (NaN
        without answers) and ``has_survey``.
        With events: ``web_sessions_{W}d``, ``days_since_visit`` (NaN if never).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "revenue": [10.0, 20.0, 90.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31",
    ...                                                 "2025-01-15"])})
    >>> f = churn_features(o, as_of="2025-02-10", trend_days=30)
    >>> f[["recency_days", "median_gap_days", "gap_ratio", "revenue_30d", "spend_trend"]]
                 recency_days  median_gap_days  gap_ratio  revenue_30d  spend_trend
    customer_id
    a                    10.0             15.0   0.666667         90.0          0.5
    b                    26.0              NaN        NaN          5.0          1.0
    """
    as_of = _day(as_of)
    cut_end = as_of + pd.Timedelta(days=1)
    codes, uniques, dates, rev, extra = _purchases(orders, end=cut_end, extra=("sales_channel",))
    # the shared RFM summary, on integer customer codes (fast) rather than string IDs
    slim = pd.DataFrame({"customer_id": codes, "order_date": dates, "revenue": rev})
    rfm = rfm_table(slim, as_of=as_of)
    present = rfm.index.to_numpy()
    ids = uniques.take(present)
    feats = pd.DataFrame({
        "recency_days": rfm["recency_days"].to_numpy(dtype="float64"),
        "frequency": rfm["frequency"].to_numpy(dtype="float64"),
        "monetary": rfm["monetary"].to_numpy(),
        "avg_order_value": rfm["avg_order_value"].to_numpy(),
        "tenure_days": rfm["tenure_days"].to_numpy(dtype="float64"),
    }, index=ids)
    n_all = len(uniques)

    ticks, per_day = _ticks(dates)
    end_tick = np.datetime64(cut_end.to_datetime64()).astype(dates.dtype).view("int64")
    # days before the end of the cut-off day: (0, t] is the last t days
    days = (end_tick - ticks) / per_day
    t = int(trend_days)
    last = days <= t
    prev = (days > t) & (days <= 2 * t)
    feats[f"orders_{t}d"] = np.bincount(codes[last], minlength=n_all)[present].astype("float64")
    r_last = np.bincount(codes[last], weights=rev[last], minlength=n_all)[present]
    r_prev = np.bincount(codes[prev], weights=rev[prev], minlength=n_all)[present]
    feats[f"revenue_{t}d"] = r_last
    feats[f"revenue_prev_{t}d"] = r_prev
    tot = r_last + r_prev
    feats["spend_trend"] = np.divide(r_last - r_prev, tot, out=np.zeros(len(ids)), where=tot > 0)

    day_no = ticks // per_day
    gap = _median_gap_days(codes, day_no, n_all)[present]
    feats["median_gap_days"] = gap
    feats["gap_ratio"] = feats["recency_days"].to_numpy() / gap

    if "sales_channel" in extra:
        raw, labels = extra["sales_channel"]
        ch, names = _top_codes(raw, labels, max_categories)
        k = len(names)
        counts = np.bincount(codes * k + ch, minlength=n_all * k).reshape(n_all, k)[present]
        freq = feats["frequency"].to_numpy()
        for j, lab in enumerate(names):
            feats[f"share_channel_{lab}"] = counts[:, j] / freq
    if customers is not None and len(customers):
        c = customers.drop_duplicates("customer_id").set_index("customer_id").reindex(ids)
        if "signup_date" in c.columns:
            sd = c["signup_date"].where(c["signup_date"] < cut_end)
            feats["account_age_days"] = ((as_of - sd.dt.normalize()) / _DAY).astype("float64")
        for col, prefix in (("acquisition_channel", "acq"), ("region", "region")):
            if col in c.columns:
                lab = _top_labels(c[col], max_categories)
                dummies = pd.get_dummies(lab, prefix=prefix, prefix_sep="_", dtype="float64")
                feats = feats.join(dummies)

    if order_items is not None and products is not None and len(order_items) \
            and "category" in products.columns:
        # order lines join the purchases up to the cut-off and the products on integer
        # codes of the IDs (merging on million-row string keys is several times slower;
        # missing IDs share code -1 and match each other, as in a merge on the strings)
        rows = np.flatnonzero(is_purchase(orders)
                              & (orders["order_date"] < cut_end).to_numpy(dtype=bool))
        line_order, order_key = _shared_codes(order_items["order_id"], orders["order_id"])
        line_product, product_key = _shared_codes(order_items["product_id"], products["product_id"])
        cust, cust_ids = _factorize(orders["customer_id"], sort=True)
        first = np.flatnonzero(~products["product_id"].duplicated().to_numpy())
        it = pd.DataFrame({"order": line_order, "product": line_product,
                           "quantity": order_items["quantity"].array,
                           "unit_price": order_items["unit_price"].array})
        it = it.merge(pd.DataFrame({"order": order_key[rows], "customer": cust[rows]}),
                      on="order", how="inner")
        it = it.merge(pd.DataFrame({"product": product_key[first],
                                    "category": products["category"].array.take(first)}),
                      on="product", how="left")
        it["value"] = it["quantity"] * it["unit_price"]
        it["category"] = _top_labels(it["category"], max_categories)
        it = it.loc[it["customer"] >= 0]  # lines of purchases without a customer
        mix = it.pivot_table(index="customer", columns="category", values="value",
                             aggfunc="sum", fill_value=0.0)
        mix = mix.div(mix.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0.0)
        mix.index = cust_ids.take(mix.index.to_numpy(dtype=np.int64))
        mix.index.name = "customer_id"
        mix.columns = [f"share_cat_{c}" for c in mix.columns]
        feats = feats.join(mix)  # customers without order lines: NaN (unknown mix)

    if tickets is not None:
        tk = tickets.loc[tickets["created_at"] < cut_end]
        g = tk["customer_id"]
        recent = tk["created_at"] >= cut_end - pd.Timedelta(days=int(complaint_days))
        cd = int(complaint_days)
        feats[f"tickets_{cd}d"] = g[recent].value_counts().reindex(ids, fill_value=0).astype("float64")
        if "is_complaint" in tk.columns:
            comp = recent & tk["is_complaint"].fillna(False).astype(bool)
            feats[f"complaints_{cd}d"] = g[comp].value_counts().reindex(ids, fill_value=0).astype("float64")
        if "resolved_at" in tk.columns:
            done = tk["resolved_at"].notna() & (tk["resolved_at"] < cut_end)
            feats["open_tickets"] = g[~done].value_counts().reindex(ids, fill_value=0).astype("float64")
            res = ((tk.loc[done, "resolved_at"] - tk.loc[done, "created_at"]) / _DAY).clip(lower=0)
            feats["mean_resolution_days"] = res.groupby(g[done]).mean().reindex(ids)

    if surveys is not None:
        sv = surveys.loc[surveys["survey_date"] < cut_end].sort_values("survey_date", kind="stable")
        for score in ("nps", "csat"):
            col = f"{score}_score"
            if col in sv.columns:
                s = sv.loc[sv[col].notna(), ["customer_id", col]]
                gs = s.groupby("customer_id")[col]
                feats[f"{score}_last"] = gs.last().astype("float64").reindex(ids)
                feats[f"{score}_mean"] = gs.mean().astype("float64").reindex(ids)
        feats["has_survey"] = isin(ids, sv["customer_id"]).astype("float64")

    if events is not None:
        # customers coded once; only the rows and columns needed are taken (events are
        # the largest table: copying all their string columns took most of the time)
        ts = events["timestamp"]
        ev_code, ev_ids = _factorize(events["customer_id"])
        known = (ts < cut_end).to_numpy(dtype=bool) & (ev_code >= 0)
        w = int(web_days)
        recent = known & (ts >= cut_end - pd.Timedelta(days=w)).to_numpy(dtype=bool)
        key = events["session_id"][recent] if "session_id" in events.columns \
            else ts[recent].dt.normalize()
        sessions = key.groupby(ev_code[recent]).nunique()
        sessions.index = ev_ids.take(sessions.index.to_numpy(dtype=np.int64))
        feats[f"web_sessions_{w}d"] = sessions.reindex(ids, fill_value=0).astype("float64")
        lastv = ts[known].groupby(ev_code[known]).max()
        lastv.index = ev_ids.take(lastv.index.to_numpy(dtype=np.int64))
        lastv = lastv.reindex(ids)
        feats["days_since_visit"] = ((as_of - lastv.dt.normalize()) / _DAY).astype("float64")

    feats.index.name = "customer_id"
    return feats


FEATURE_TABLES = ("customers", "tickets", "surveys", "events", "order_items", "products")
"""Tables that add churn features when present (``Dataset.frames(*FEATURE_TABLES)``)."""


def churn_frame(orders: pd.DataFrame, *, as_of, rules: ChurnRules | dict | None = None,
                labels: bool = True, data_end=None, end_dates: pd.Series | None = None,
                customers: pd.DataFrame | None = None, tickets: pd.DataFrame | None = None,
                surveys: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
                order_items: pd.DataFrame | None = None,
                products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features (and labels) of the customers active at a cut-off.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    as_of : date-like
        The cut-off day.
    rules : ChurnRules or dict, optional
        Business rules (:class:`~crmkit.config.churn.ChurnRules`).
    labels : bool, default True
        Add the ``churned`` label (the label window must lie inside the data). With
        False, the frame holds the active customers' features only (for scoring).
    data_end : date-like, optional
        Last day with data (:attr:`crmkit.data.dataset.Dataset.data_end`); a label
        window running past it is an error.
    end_dates : Series, optional
        Explicit subscription end dates (see :func:`churn_labels`).
    customers, tickets, surveys, events, order_items, products : DataFrame, optional
        Optional tables; each adds features when given (see :data:`FEATURE_TABLES`).

    Returns
    -------
    DataFrame
        Index ``customer_id`` (active customers); the columns of
        :func:`churn_features`, plus ``churned`` (bool) when ``labels``.
    """
    r = ChurnRules.coerce(rules)
    if labels:
        lab = churn_labels(orders, as_of=as_of, horizon_days=r.horizon_days,
                           lookback_days=r.lookback_days, data_end=data_end,
                           end_dates=end_dates)
        active = lab.index
    else:
        active = churn_labels(orders, as_of=as_of, horizon_days=r.horizon_days,
                              lookback_days=r.lookback_days).index
    f = churn_features(
        orders, as_of=as_of, customers=customers, tickets=tickets, surveys=surveys,
        events=events, order_items=order_items, products=products, trend_days=r.trend_days,
        complaint_days=r.complaint_days, web_days=r.web_days, max_categories=r.max_categories)
    f = f.loc[active]
    if labels:
        f["churned"] = lab["churned"]
    return f


def churn_rate_over_time(orders: pd.DataFrame, *, horizon_days: int = 90,
                         lookback_days: int = 365, freq: str = "MS", as_of=None) -> pd.DataFrame:
    """Churn rate at a series of cut-offs (month starts by default): the churn time series.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    horizon_days, lookback_days : int
        See :func:`churn_labels`.
    freq : str, default "MS"
        pandas frequency of the cut-offs (the day before each period start is used, so
        "MS" gives month ends).
    as_of : date-like, optional
        Last day with data (default: the last order day); only cut-offs whose label
        window fits are returned.

    Returns
    -------
    DataFrame
        Index ``cutoff``; columns ``active_customers``, ``churned``, ``churn_rate``.
    """
    p = purchases(orders)
    first, last = _day(p["order_date"].min()), _day(as_of if as_of is not None else p["order_date"].max())
    starts = pd.date_range(first + pd.Timedelta(days=1), last, freq=freq)
    # the counts of churn_labels at each cut-off, with the customers coded once
    codes, ids, dates, _, _ = _purchases(p)
    n_ids = len(ids)
    horizon, lookback = pd.Timedelta(days=int(horizon_days)), pd.Timedelta(days=int(lookback_days))
    rows = []
    for s in starts:
        c = s - pd.Timedelta(days=1)
        if c + horizon > last:
            break
        cut_end = c + pd.Timedelta(days=1)
        lo, mid, hi = (np.datetime64(x.to_datetime64()) for x in
                       (cut_end - lookback, cut_end, cut_end + horizon))
        before = (dates >= lo) & (dates < mid)
        after = (dates >= mid) & (dates < hi)
        active = np.bincount(codes[before], minlength=n_ids) > 0
        returned = np.bincount(codes[after], minlength=n_ids) > 0
        rows.append((c, int(active.sum()), int((active & ~returned).sum())))
    out = pd.DataFrame(rows, columns=["cutoff", "active_customers", "churned"]).set_index("cutoff")
    out["churn_rate"] = out["churned"] / out["active_customers"].where(out["active_customers"] > 0)
    return out


# --------------------------------------------------------------------------- feature meaning
_GROUPS = (
    # (prefix, group, meaning); {n} is the window number in the name
    ("recency_days", "purchases", "days since the last purchase"),
    ("frequency", "purchases", "purchases so far"),
    ("monetary", "purchases", "total spend so far"),
    ("avg_order_value", "purchases", "average order value"),
    ("tenure_days", "purchases", "days since the first purchase"),
    ("orders_", "trend", "purchases in the last {n} days"),
    ("revenue_prev_", "trend", "spend in the {n} days before those"),
    ("revenue_", "trend", "spend in the last {n} days"),
    ("spend_trend", "trend", "recent spend versus the period before (-1 stopped, +1 new)"),
    ("median_gap_days", "rhythm", "the customer's usual days between purchases"),
    ("gap_ratio", "rhythm", "days since last purchase / usual gap (above 1: overdue)"),
    ("share_channel_", "channel", "share of purchases through this sales channel"),
    ("account_age_days", "profile", "days since sign-up"),
    ("acq_", "profile", "acquired through this channel (1 = yes)"),
    ("region_", "profile", "lives in this region (1 = yes)"),
    ("share_cat_", "category mix", "share of spend in this product category"),
    ("tickets_", "service", "service tickets in the last {n} days"),
    ("complaints_", "service", "complaints in the last {n} days"),
    ("open_tickets", "service", "tickets still open at the cut-off"),
    ("mean_resolution_days", "service", "average days to resolve the customer's tickets"),
    ("nps_", "satisfaction", "NPS answer (0-10), {agg}"),
    ("csat_", "satisfaction", "CSAT answer (1-5), {agg}"),
    ("has_survey", "satisfaction", "answered at least one survey (1 = yes)"),
    ("web_sessions_", "web", "web or app sessions in the last {n} days"),
    ("days_since_visit", "web", "days since the last web or app visit"),
)


def feature_group(name: str) -> str:
    """Return the group of a feature (purchases, trend, rhythm, service, satisfaction, ...).

    >>> feature_group("complaints_90d"), feature_group("csat_last")
    ('service', 'satisfaction')
    """
    for prefix, group, _ in _GROUPS:
        if name.startswith(prefix):
            return group
    return "other"


def describe_features(columns) -> pd.DataFrame:
    """Plain-words meaning of each feature name.

    Returns
    -------
    DataFrame
        Index ``feature``; columns ``group``, ``meaning``.
    """
    rows = []
    for name in columns:
        group, meaning = "other", ""
        for prefix, g, m in _GROUPS:
            if name.startswith(prefix):
                num = "".join(ch for ch in name[len(prefix):] if ch.isdigit())
                agg = "latest answer" if name.endswith("_last") else "average answer"
                group, meaning = g, m.format(n=num, agg=agg)
                break
        rows.append((name, group, meaning))
    return pd.DataFrame(rows, columns=["feature", "group", "meaning"]).set_index("feature")

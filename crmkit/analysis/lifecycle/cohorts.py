"""Acquisition cohorts, retention curves and customer survival (Kaplan-Meier).

Definitions used throughout (purchases are completed orders with revenue > 0, see
:func:`crmkit.data.purchases.purchases`):

- a customer's **cohort** is the calendar month (or quarter) of their first purchase;
- **period number** ``k`` counts calendar months (quarters) since the cohort's own
  month: ``k = 0`` is the acquisition month, ``k = 1`` the next month, ...;
- **customer retention** at ``k`` is the share of the cohort's customers who made at
  least one purchase in period ``k``; **revenue retention** is the cohort's revenue
  in period ``k`` divided by its revenue in period 0 (it can exceed 100%);
- a (cohort, ``k``) cell exists only when period ``k`` has started by the end date,
  and cells without a purchase are kept as zeros (so averages are not biased upward);
- **lifetime** (for survival): days from the first to the final purchase. Whether a
  purchase was the final one is only known in hindsight: a customer has *churned*
  once ``churn_days`` days have passed without a purchase. So at a report date
  ``as_of`` a lifetime can be confirmed only if it ended by ``as_of - churn_days``;
  every other customer is *censored* at ``as_of - churn_days`` (their lifetime is
  longer than that, and nothing more is known yet). Customers acquired after
  ``as_of - churn_days`` carry no information yet and are left out. The
  Kaplan-Meier estimator (:func:`kaplan_meier`) turns these partly observed
  lifetimes into the share of customers still buying ``t`` days after their first
  purchase. (Censoring at the last purchase instead would be biased: a customer
  whose latest purchase is their final one would never count as an ending.)

Tables are long (one row per cohort and period); pivot only to draw them
(:func:`crmkit.plots.lifecycle.plot_cohort_heatmap`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.purchases import is_purchase, purchases
from ..stats import kaplan_meier, median_survival_time, survival_at

__all__ = [
    "cohort_table",
    "cohort_summary",
    "retention_curves",
    "customer_lifetimes",
    "survival_by_group",
    "survival_summary",
]

_FREQ_MONTHS = {"M": 1, "Q": 3}
_DAY = np.timedelta64(1, "D")


def _check_freq(freq: str) -> None:
    if freq not in _FREQ_MONTHS:
        raise ValueError(f"freq must be 'M' (months) or 'Q' (quarters), got {freq!r}")


def _period_index(days: np.ndarray, freq: str) -> np.ndarray:
    """Whole months (or quarters) since 1970-01 of days given as days since 1970-01-01."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    # a lookup table over the few thousand days spanned is ~6x faster than
    # datetime64[M] conversion of every row
    d0 = int(days.min())
    lut = np.arange(d0, int(days.max()) + 1).astype("datetime64[D]").astype("datetime64[M]")
    lut = lut.astype(np.int64) // _FREQ_MONTHS[freq]
    return np.take(lut.astype(np.int32), (days - d0).astype(np.int32)).astype(np.int64)


def _day_number(ts) -> int:
    return int(np.datetime64(pd.Timestamp(ts).normalize(), "D").astype(np.int64))


def _period_start(idx: np.ndarray, freq: str) -> np.ndarray:
    return (np.asarray(idx, dtype=np.int64) * _FREQ_MONTHS[freq]).astype("datetime64[M]").astype(
        "datetime64[us]")


def _purchase_arrays(orders: pd.DataFrame, *, end, exclude_outliers: bool = True):
    """Purchases as arrays: customer code, day number, revenue, and the customer ids.

    The row filter is :func:`crmkit.data.purchases.is_purchase` plus
    ``order_date`` up to the end of ``end``; done on arrays rather than with
    ``.loc`` because copying the id strings of 10M rows costs more than the rest.
    Orders flagged ``is_outlier`` count as purchases but, with ``exclude_outliers``,
    add no revenue.
    """
    rev = orders["revenue"].to_numpy(dtype=float)
    keep = is_purchase(orders)
    if exclude_outliers and "is_outlier" in orders.columns:
        rev = np.where(orders["is_outlier"].to_numpy(dtype=bool), 0.0, rev)
    us = orders["order_date"].to_numpy(dtype="datetime64[us]").view(np.int64)
    day = us // 86_400_000_000
    if end is not None:
        keep &= day <= _day_number(end)
    codes_all, ids_all = pd.factorize(orders["customer_id"], sort=False)
    codes = codes_all[keep]
    used = np.bincount(codes, minlength=len(ids_all)) > 0
    if not used.all():  # customers with returns or cancellations only
        codes = (np.cumsum(used) - 1)[codes]
        ids_all = ids_all[used]
    return codes, day[keep], rev[keep], pd.Index(ids_all, name="customer_id")


def _customer_periods(orders: pd.DataFrame, *, freq: str, end, exclude_outliers: bool = True):
    """Factorised purchases: customer codes, period index, revenue, first period per customer,
    the last observable period and the customer ids."""
    _check_freq(freq)
    codes, day, rev, ids = _purchase_arrays(orders, end=end, exclude_outliers=exclude_outliers)
    per = _period_index(day, freq)
    first = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, per)
    if end is not None:
        last = int(_period_index(np.array([_day_number(end)]), freq)[0])
    else:
        last = int(per.max()) if len(per) else 0
    return codes, per, rev, first, last, ids


def _active_pairs(codes: np.ndarray, k: np.ndarray, n_customers: int, n_periods: int):
    """Unique (customer, period number) pairs as two arrays."""
    size = n_customers * n_periods
    if size <= 400_000_000:
        # a bitmap is much faster than hashing or sorting 10M keys
        seen = np.zeros(size, dtype=bool)
        seen[codes.astype(np.int64) * n_periods + k] = True
        key = np.flatnonzero(seen)
    else:  # pragma: no cover - only for very long histories of very many customers
        key = np.unique(codes.astype(np.int64) * n_periods + k)
    return key // n_periods, key % n_periods


def cohort_table(orders: pd.DataFrame, *, freq: str = "M", as_of=None,
                 exclude_outliers: bool = True) -> pd.DataFrame:
    """Customers and revenue of each acquisition cohort in each period since acquisition.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (``customer_id``, ``order_date``, ``revenue``, optional
        ``status``). Only purchases count.
    freq : {"M", "Q"}, default "M"
        Calendar months or quarters.
    as_of : date-like, optional
        Last day included (e.g. the report period's end); purchases after it are
        ignored and the period containing it is the last one shown. Default: the
        last purchase.
    exclude_outliers : bool, default True
        Orders the cleaning step flagged as outliers (``is_outlier``) count as
        purchases but add no revenue (one extreme order would dominate its cell).

    Returns
    -------
    DataFrame
        One row per cohort and period number, sorted by both, with columns

        - ``cohort`` (datetime): first day of the acquisition month (quarter)
        - ``period_number`` (int): months (quarters) since acquisition, 0 = acquisition
        - ``cohort_customers`` (int): customers acquired in the cohort
        - ``customers`` (int): of them, customers with a purchase in that period
        - ``revenue`` (float): their revenue in that period
        - ``retention`` (float): ``customers / cohort_customers``
        - ``revenue_retention`` (float): ``revenue`` / the cohort's period-0 revenue

        Every period from 0 to the last observable one is present (zeros when
        nobody bought).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-03-01",
    ...                                                 "2025-01-20", "2025-02-10"]),
    ...                   "revenue": [10.0, 5.0, 20.0, 8.0]})
    >>> cohort_table(o)[["cohort", "period_number", "customers", "retention"]]
          cohort  period_number  customers  retention
    0 2025-01-01              0          2        1.0
    1 2025-01-01              1          0        0.0
    2 2025-01-01              2          1        0.5
    3 2025-02-01              0          1        1.0
    4 2025-02-01              1          0        0.0
    """
    codes, per, rev, first, last, ids = _customer_periods(orders, freq=freq, end=as_of,
                                                          exclude_outliers=exclude_outliers)
    cols = ["cohort", "period_number", "cohort_customers", "customers", "revenue",
            "retention", "revenue_retention"]
    if len(ids) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"cohort": "datetime64[us]", "period_number": "int64", "cohort_customers": "int64",
             "customers": "int64"})
    c0 = int(first.min())
    n_cohorts = last - c0 + 1
    n_k = n_cohorts  # k runs 0..last - cohort
    k = per - first[codes]
    cohort_of = first - c0  # per customer
    # customers per (cohort, k): unique (customer, k) pairs, then counted by cohort
    cust, kk = _active_pairs(codes, k, len(ids), n_k)
    cell = cohort_of[cust] * n_k + kk
    active = np.bincount(cell, minlength=n_cohorts * n_k)
    revenue = np.bincount(cohort_of[codes] * n_k + k, weights=rev, minlength=n_cohorts * n_k)
    size = np.bincount(cohort_of, minlength=n_cohorts)
    ci, ki = np.divmod(np.arange(n_cohorts * n_k), n_k)
    keep = (size[ci] > 0) & (ci + ki <= last - c0)
    ci, ki = ci[keep], ki[keep]
    out = pd.DataFrame({
        "cohort": _period_start(ci + c0, freq),
        "period_number": ki.astype(np.int64),
        "cohort_customers": size[ci].astype(np.int64),
        "customers": active[keep].astype(np.int64),
        "revenue": revenue[keep],
    })
    out["retention"] = out["customers"] / out["cohort_customers"]
    rev0 = revenue.reshape(n_cohorts, n_k)[:, 0][ci]
    out["revenue_retention"] = np.divide(out["revenue"].to_numpy(), rev0,
                                         out=np.full(len(out), np.nan), where=rev0 > 0)
    return out


def cohort_summary(orders: pd.DataFrame, *, freq: str = "M", as_of=None,
                   exclude_outliers: bool = True) -> pd.DataFrame:
    """One row per acquisition cohort: size, one-time buyers, lifespan and value.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; only purchases up to ``end`` count.
    freq : {"M", "Q"}, default "M"
    as_of : date-like, optional
        Last day included.
    exclude_outliers : bool, default True
        Leave the revenue of orders flagged ``is_outlier`` out of ``revenue_per_customer``.

    Returns
    -------
    DataFrame
        Index ``cohort`` (first day of the month/quarter); columns
        ``customers`` (int), ``one_time_share`` (share of customers with exactly one
        purchase day so far), ``avg_days_first_to_last`` (mean days between the first
        and the last purchase, one-time buyers counting 0), ``revenue_per_customer``.
    """
    _check_freq(freq)
    p = purchases(orders, as_of=as_of)
    if exclude_outliers and "is_outlier" in p.columns:
        p = p.assign(revenue=p["revenue"].where(~p["is_outlier"].astype(bool), 0.0))
    g = p.groupby("customer_id", sort=False)
    first, last = g["order_date"].min(), g["order_date"].max()
    days = ((last.dt.normalize() - first.dt.normalize()) / _DAY).astype("int64")
    days0 = first.to_numpy(dtype="datetime64[us]").view(np.int64) // 86_400_000_000
    per = pd.Series(_period_start(_period_index(days0, freq), freq), index=first.index)
    d = pd.DataFrame({"cohort": per, "days": days, "revenue": g["revenue"].sum(),
                      "one_time": days == 0})
    s = d.groupby("cohort", sort=True)
    out = pd.DataFrame({
        "customers": s.size().astype("int64"),
        "one_time_share": s["one_time"].mean(),
        "avg_days_first_to_last": s["days"].mean(),
        "revenue_per_customer": s["revenue"].mean(),
    })
    out.index.name = "cohort"
    return out


def retention_curves(orders: pd.DataFrame, *, groups: pd.Series | None = None, freq: str = "M",
                     as_of=None, unknown: str = "unknown") -> pd.DataFrame:
    """Average retention by period since acquisition, for groups of customers.

    All cohorts are pooled: at period ``k`` the curve is the share of customers active
    in their ``k``-th period after acquisition, among the customers whose ``k``-th
    period has started by ``end`` (so later periods rest on fewer, older cohorts; the
    ``customers`` column says how many).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    groups : Series, optional
        Group label per customer (index ``customer_id``), e.g. acquisition channel or
        first-purchase category. Customers without a label get ``unknown``. Default:
        one group ``all``.
    freq : {"M", "Q"}, default "M"
    as_of : date-like, optional
        Last day included.
    unknown : str, default "unknown"

    Returns
    -------
    DataFrame
        Columns ``group`` (str), ``period_number`` (int), ``customers`` (int, customers
        observable at that period), ``active`` (int), ``retention`` (float), sorted by
        group and period number.
    """
    codes, per, _rev, first, last, ids = _customer_periods(orders, freq=freq, end=as_of)
    if groups is None:
        labels = pd.Series("all", index=ids)
    else:
        labels = pd.Series(groups).reindex(ids).astype("object").fillna(unknown).astype(str)
    gcode, gnames = pd.factorize(labels.to_numpy(), sort=True)
    n_g = len(gnames)
    if len(ids) == 0 or n_g == 0:
        return pd.DataFrame({"group": pd.Series(dtype="str"), "period_number": pd.Series(dtype="int64"),
                             "customers": pd.Series(dtype="int64"), "active": pd.Series(dtype="int64"),
                             "retention": pd.Series(dtype="float64")})
    n_k = last - int(first.min()) + 1
    k = per - first[codes]
    cust, kk = _active_pairs(codes, k, len(ids), n_k)
    active = np.bincount(gcode[cust] * n_k + kk, minlength=n_g * n_k)
    # customers observable at k: those with last - first >= k
    horizon = last - first  # per customer, >= 0
    counts = np.bincount(gcode * n_k + horizon, minlength=n_g * n_k).reshape(n_g, n_k)
    eligible = counts[:, ::-1].cumsum(axis=1)[:, ::-1].ravel()  # customers with horizon >= k
    gi, ki = np.divmod(np.arange(n_g * n_k), n_k)
    keep = eligible > 0
    out = pd.DataFrame({
        "group": pd.array(np.asarray(gnames)[gi[keep]], dtype="str"),
        "period_number": ki[keep].astype(np.int64),
        "customers": eligible[keep].astype(np.int64),
        "active": active[keep].astype(np.int64),
    })
    out["retention"] = out["active"] / out["customers"]
    return out


def customer_lifetimes(orders: pd.DataFrame, *, as_of, churn_days: int = 180) -> pd.DataFrame:
    """Each customer's lifetime for survival analysis: observed if churned, else censored.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; only purchases up to the end of ``as_of`` count.
    as_of : date-like
        Reference day.
    churn_days : int, default 180
        A customer whose last purchase is ``churn_days`` or more days before ``as_of``
        has churned.

    Returns
    -------
    DataFrame
        Index ``customer_id``: customers whose first purchase is at least
        ``churn_days`` days before ``as_of`` (later ones cannot be judged yet).
        Columns ``first_purchase``, ``last_purchase`` (datetime), ``lifetime_days``
        (int, first to last purchase so far), ``churned`` (bool) and
        ``duration_days`` (int, the time for :func:`kaplan_meier`: the lifetime if
        churned, else the days from the first purchase to ``as_of - churn_days``).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "revenue": 1.0,
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-02-01",
    ...                                                 "2025-06-01", "2025-06-20"])})
    >>> customer_lifetimes(o, as_of="2025-07-01", churn_days=90)[["lifetime_days", "churned", "duration_days"]]
                 lifetime_days  churned  duration_days
    customer_id
    a                       30     True             30
    b                      120    False             60
    """
    as_of = pd.Timestamp(as_of).normalize()
    horizon = as_of - pd.Timedelta(days=churn_days)
    p = purchases(orders, as_of=as_of)
    g = p.groupby("customer_id", sort=True)["order_date"]
    first, last = g.min().dt.normalize(), g.max().dt.normalize()
    keep = first <= horizon
    first, last = first[keep], last[keep]
    out = pd.DataFrame({"first_purchase": first, "last_purchase": last})
    out["lifetime_days"] = ((last - first) / _DAY).astype("int64")
    out["churned"] = last <= horizon
    out["duration_days"] = out["lifetime_days"].where(
        out["churned"], ((horizon - first) / _DAY).astype("int64"))
    out.index.name = "customer_id"
    return out


def survival_by_group(lifetimes: pd.DataFrame, *, groups: pd.Series | None = None,
                      unknown: str = "unknown", min_customers: int = 1) -> pd.DataFrame:
    """Kaplan-Meier survival of customer lifetimes for each group.

    Parameters
    ----------
    lifetimes : DataFrame
        Output of :func:`customer_lifetimes`.
    groups : Series, optional
        Group label per customer (index ``customer_id``); default one group ``all``.
    unknown : str, default "unknown"
        Label of customers missing from ``groups``.
    min_customers : int, default 1
        Groups with fewer customers are left out.

    Returns
    -------
    DataFrame
        Long: the columns of :func:`kaplan_meier` plus ``group`` and ``time``, and
        ``customers`` (the group's size).
    """
    if groups is None:
        labels = pd.Series("all", index=lifetimes.index)
    else:
        labels = pd.Series(groups).reindex(lifetimes.index).astype("object").fillna(unknown).astype(str)
    parts = []
    for name, idx in labels.groupby(labels, sort=True).groups.items():
        lt = lifetimes.loc[idx]
        if len(lt) < min_customers:
            continue
        km = kaplan_meier(lt["duration_days"], lt["churned"]).reset_index()
        km.insert(0, "group", str(name))
        km["customers"] = len(lt)
        parts.append(km)
    if not parts:
        return pd.DataFrame(columns=["group", "time", "at_risk", "events", "censored", "survival",
                                     "std_error", "ci_lower", "ci_upper", "customers"])
    return pd.concat(parts, ignore_index=True)


def survival_summary(survival: pd.DataFrame, *, at=(90, 180, 365)) -> pd.DataFrame:
    """One row per group: customers, churned, median lifetime and survival at some days.

    Parameters
    ----------
    survival : DataFrame
        Output of :func:`survival_by_group`.
    at : tuple of int, default (90, 180, 365)
        Days at which the share still buying is read off the curve.

    Returns
    -------
    DataFrame
        Index ``group``; columns ``customers``, ``churned`` (int, observed lifetimes),
        ``median_days`` (NaN when more than half are still buying at the end of the
        curve) and ``still_buying_<t>d`` for each ``t`` in ``at`` (NaN beyond the
        longest observed time).
    """
    rows = {}
    for g, s in survival.groupby("group", sort=True):
        km = s.set_index("time")
        r = {"customers": int(s["customers"].iloc[0]), "churned": int(s["events"].sum()),
             "median_days": median_survival_time(km)}
        for t in at:
            r[f"still_buying_{t}d"] = survival_at(km, t) if t <= km.index.max() else np.nan
        rows[g] = r
    cols = ["customers", "churned", "median_days", *[f"still_buying_{t}d" for t in at]]
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=cols)
    out.index.name = "group"
    return out



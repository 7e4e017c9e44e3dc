"""Customer behaviour: how often, how much, how soon again, when, what, and the web funnel.

All purchase measures use *purchases*: completed orders with revenue > 0
(:func:`crmkit.data.purchases.purchases`). Windows are given as ``start`` / ``end`` days,
both included.

- **Frequency and order value** (:func:`purchase_frequency`, :func:`order_values`):
  orders per customer and the spread of order amounts in a window.
- **Repeat purchases** (:func:`repeat_gaps`, :func:`time_to_second_purchase`,
  :func:`repeat_summary`): gaps between a customer's purchase *days* (several orders
  on one day are one visit). Customers who have not come back yet are *censored*:
  they may still return, so the share returning within ``n`` days is estimated with
  Kaplan-Meier (:func:`crmkit.analysis.stats.kaplan_meier`) instead of counting only those
  who already did.
- **When customers buy** (:func:`daily_orders`, :func:`weekday_profile`,
  :func:`weekday_hour_counts`, :func:`month_profile`, :func:`festival_lift`): order
  counts by day, weekday, hour and month, and shopping festivals compared with the
  median day around them. Festivals are data (:data:`DEFAULT_FESTIVALS`), overridable
  from a params file's ``analysis: behaviour: festivals:``.
- **Categories** (:func:`category_revenue`, :func:`category_mix`,
  :func:`first_purchase_category`): what customers buy, from ``order_items`` and
  ``products``.
- **Web funnel** (:func:`event_funnel`, :func:`viewed_not_bought`): view -> click ->
  add to cart -> purchase in the ``events`` table, per session or per customer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ...calendar import festival_calendar
from ...data.keys import isin
from ...data.purchases import purchases
from ...data.schema import EVENT_TYPES
from ...periods import Period, parse_period
from ..stats import kaplan_meier, median_survival_time, survival_at

__all__ = [
    "WEEKDAYS",
    "trailing_window",
    "purchase_frequency",
    "order_values",
    "order_value_stats",
    "repeat_gaps",
    "time_to_second_purchase",
    "repeat_summary",
    "has_time_of_day",
    "daily_orders",
    "weekday_profile",
    "weekend_ratio",
    "weekday_hour_counts",
    "month_profile",
    "festival_lift",
    "category_revenue",
    "favourite_category",
    "category_mix",
    "first_purchase_category",
    "first_category_share",
    "category_summary",
    "event_funnel",
    "viewed_not_bought",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_DAY = np.timedelta64(1, "D")


def _window(p: pd.DataFrame, col: str, start, end) -> pd.DataFrame:
    keep = pd.Series(True, index=p.index)
    if start is not None:
        keep &= p[col] >= pd.Timestamp(start).normalize()
    if end is not None:
        keep &= p[col] < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    return p.loc[keep]


def trailing_window(period: Period, *, months: int = 12, data_start=None) -> Period:
    """The ``months`` months that end with the report period (or the period, if longer).

    Parameters
    ----------
    period : Period
        Report period.
    months : int, default 12
        Window length; a full year includes every weekday, month and festival once.
    data_start : date-like, optional
        First day of the data; the window does not start before it.

    Returns
    -------
    Period
        A ``range`` period ending on ``period.end``.

    Examples
    --------
    >>> trailing_window(parse_period("2025-Q4")).label
    '2025-01-01_2025-12-31'
    """
    start = min(period.start, period.end_exclusive - pd.DateOffset(months=months))
    if data_start is not None:
        start = max(start, pd.Timestamp(data_start).normalize())
    return parse_period(f"{start:%Y-%m-%d}:{period.end:%Y-%m-%d}")


# --------------------------------------------------------------------------- how often, how much
def purchase_frequency(orders: pd.DataFrame, *, start=None, as_of=None, cap: int = 10) -> pd.DataFrame:
    """How many customers placed 1, 2, 3, ... orders in a window.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    start, as_of : date-like, optional
        Window (days included).
    cap : int, default 10
        Customers with ``cap`` or more orders are counted together.

    Returns
    -------
    DataFrame
        Columns ``orders`` (int, 1..cap; ``cap`` means cap or more), ``label`` (str,
        e.g. ``"10+"``), ``customers`` (int), ``share`` (of the window's buyers),
        ``cumulative_share``. All values 1..cap are listed.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": list("aab"), "revenue": 1.0,
    ...                   "order_date": pd.to_datetime(["2025-01-01"] * 3)})
    >>> purchase_frequency(o, cap=3)[["label", "customers"]].to_dict("list")
    {'label': ['1', '2', '3+'], 'customers': [1, 1, 0]}
    """
    n = purchases(orders, start=start, as_of=as_of).groupby("customer_id").size().clip(upper=cap)
    k = np.arange(1, cap + 1)
    counts = n.value_counts().reindex(k, fill_value=0).to_numpy().astype(np.int64)
    total = counts.sum()
    share = counts / total if total else np.full(cap, np.nan)
    return pd.DataFrame({
        "orders": k, "label": [str(i) for i in k[:-1]] + [f"{cap}+"], "customers": counts,
        "share": share, "cumulative_share": np.cumsum(share),
    })


def order_values(orders: pd.DataFrame, *, start=None, as_of=None,
                 exclude_outliers: bool = True) -> pd.Series:
    """The amounts of the purchases in a window.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    start, as_of : date-like, optional
        Window (days included).
    exclude_outliers : bool, default True
        Leave out orders the cleaning step flagged as outliers (``is_outlier``), so
        a few extreme amounts do not stretch the distribution.

    Returns
    -------
    Series
        ``revenue`` of each purchase (index as in ``orders``), name ``order_value``.
    """
    p = purchases(orders, start=start, as_of=as_of)
    if exclude_outliers and "is_outlier" in p.columns:
        p = p.loc[~p["is_outlier"].astype(bool)]
    return p["revenue"].rename("order_value")


def order_value_stats(values: pd.Series) -> pd.Series:
    """Summary of an order value distribution.

    Parameters
    ----------
    values : Series
        Output of :func:`order_values`.

    Returns
    -------
    Series
        Name ``order_value``; index ``orders`` (count), ``mean``, ``p10``, ``p25``,
        ``median``, ``p75``, ``p90``, ``p99``, ``max``.

    Examples
    --------
    >>> order_value_stats(pd.Series([10.0, 20.0, 30.0]))[["orders", "mean", "median"]].tolist()
    [3.0, 20.0, 20.0]
    """
    v = pd.Series(values, dtype="float64")
    q = v.quantile([0.10, 0.25, 0.5, 0.75, 0.9, 0.99]) if len(v) else pd.Series([np.nan] * 6)
    return pd.Series(
        [float(len(v)), v.mean(), *q.to_numpy(), v.max()],
        index=["orders", "mean", "p10", "p25", "median", "p75", "p90", "p99", "max"],
        name="order_value", dtype="float64")


# --------------------------------------------------------------------------- repeat purchases
def _purchase_days(orders: pd.DataFrame, end=None) -> pd.DataFrame:
    p = purchases(orders, start=None, as_of=end)
    d = pd.DataFrame({"customer_id": p["customer_id"].to_numpy(),
                      "day": p["order_date"].dt.normalize().to_numpy()})
    return d.drop_duplicates().sort_values(["customer_id", "day"], ignore_index=True)


def repeat_gaps(orders: pd.DataFrame, *, as_of=None) -> pd.DataFrame:
    """Days between consecutive purchase days of each customer.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    as_of : date-like, optional
        Last day included.

    Returns
    -------
    DataFrame
        One row per repeat purchase day: ``customer_id``, ``purchase_number`` (2 for
        the second purchase day, ...), ``day`` (datetime), ``gap_days`` (int, days
        since the previous purchase day).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": list("aaab"), "revenue": 1.0, "order_date":
    ...     pd.to_datetime(["2025-01-01", "2025-01-01 18:00", "2025-01-11", "2025-01-05"],
    ...                    format="ISO8601")})
    >>> repeat_gaps(o)[["customer_id", "purchase_number", "gap_days"]]
      customer_id  purchase_number  gap_days
    0           a                2        10
    """
    d = _purchase_days(orders, as_of)
    n = d.groupby("customer_id", sort=False).cumcount() + 1
    gap = d.groupby("customer_id", sort=False)["day"].diff()
    out = d.assign(purchase_number=n.astype(np.int64), gap_days=gap / _DAY).loc[n > 1]
    out["gap_days"] = out["gap_days"].astype(np.int64)
    return out[["customer_id", "purchase_number", "day", "gap_days"]].reset_index(drop=True)


def time_to_second_purchase(orders: pd.DataFrame, *, as_of, start=None) -> pd.DataFrame:
    """Days from each customer's first purchase day to the second (or to ``as_of``).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; purchases after ``as_of`` are ignored.
    as_of : date-like
        Reference day: customers without a second purchase day by then are censored.
    start : date-like, optional
        Only customers whose first purchase is on or after this day.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``first_purchase``, ``second_purchase``
        (datetime day, NaT if none yet), ``days`` (int: to the second purchase day, or
        to ``as_of`` when censored), ``reordered`` (bool).
    """
    as_of = pd.Timestamp(as_of).normalize()
    d = _purchase_days(orders, as_of)  # sorted by customer and day
    n = d.groupby("customer_id", sort=False).cumcount()
    first = d.loc[n == 0].set_index("customer_id")["day"]
    second = d.loc[n == 1].set_index("customer_id")["day"].reindex(first.index)
    out = pd.DataFrame({"first_purchase": first, "second_purchase": second})
    out.index.name = "customer_id"
    if start is not None:
        out = out.loc[out["first_purchase"] >= pd.Timestamp(start).normalize()]
    out["reordered"] = out["second_purchase"].notna()
    end = out["second_purchase"].where(out["reordered"], as_of)
    out.insert(2, "days", ((end - out["first_purchase"]) / _DAY).astype(np.int64))
    return out


def repeat_summary(orders: pd.DataFrame, *, as_of, start=None, horizon_days: int = 90) -> dict:
    """Headline repeat-purchase numbers for the customers acquired from ``start`` to ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    as_of : date-like
        Reference day.
    start : date-like, optional
        Only customers whose first purchase is on or after this day (default: all).
    horizon_days : int, default 90
        Horizon of ``reorder_within_horizon``.

    Returns
    -------
    dict
        ``customers``; ``repeat_customers`` and ``one_time_share`` (no second
        purchase day by ``as_of``); ``median_days_to_second`` (among those who came
        back); ``median_gap_days`` (all gaps between purchase days of these customers);
        ``reorder_within_horizon`` (Kaplan-Meier estimate of the share who come back
        within ``horizon_days``, counting customers acquired recently as censored);
        ``km_median_days_to_second`` (NaN if fewer than half ever come back);
        ``horizon_days``.
    """
    t2 = time_to_second_purchase(orders, as_of=as_of, start=start)
    n = len(t2)
    gaps = repeat_gaps(orders, as_of=as_of)
    gaps = gaps.loc[isin(gaps["customer_id"], t2.index)]
    km = kaplan_meier(t2["days"], t2["reordered"]) if n else None
    back = t2.loc[t2["reordered"], "days"]
    return {
        "customers": n,
        "repeat_customers": int(t2["reordered"].sum()),
        "one_time_share": float(1 - t2["reordered"].mean()) if n else np.nan,
        "median_days_to_second": float(back.median()) if len(back) else np.nan,
        "median_gap_days": float(gaps["gap_days"].median()) if len(gaps) else np.nan,
        "reorder_within_horizon": 1 - survival_at(km, horizon_days) if n else np.nan,
        "km_median_days_to_second": median_survival_time(km) if n else np.nan,
        "horizon_days": horizon_days,
    }


# --------------------------------------------------------------------------- when
def has_time_of_day(orders: pd.DataFrame) -> bool:
    """True when order dates carry a time of day (not all at midnight)."""
    d = orders["order_date"]
    return bool((d != d.dt.normalize()).any())


def daily_orders(orders: pd.DataFrame, *, start=None, as_of=None) -> pd.DataFrame:
    """Purchases and revenue per calendar day (days without orders as zeros).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    start, as_of : date-like, optional
        Days included (default: first to last purchase).

    Returns
    -------
    DataFrame
        Index ``day`` (datetime, every day); columns ``orders`` (int), ``revenue``.
    """
    p = purchases(orders, start=start, as_of=as_of)
    day = p["order_date"].dt.normalize()
    g = p.groupby(day)
    out = pd.DataFrame({"orders": g.size(), "revenue": g["revenue"].sum()})
    lo = pd.Timestamp(start).normalize() if start is not None else (day.min() if len(day) else None)
    hi = pd.Timestamp(as_of).normalize() if as_of is not None else (day.max() if len(day) else None)
    if lo is not None and hi is not None:
        out = out.reindex(pd.date_range(lo, hi, freq="D", unit="us"), fill_value=0)
    out["orders"] = out["orders"].astype(np.int64)
    out.index.name = "day"
    return out


def weekday_profile(daily: pd.DataFrame, *, exclude: Iterable | None = None) -> pd.DataFrame:
    """Average purchases per weekday, relative to the average day.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`daily_orders`.
    exclude : iterable of date-like, optional
        Days left out (e.g. festival days, so one big sale does not make its weekday
        look busy).

    Returns
    -------
    DataFrame
        Seven rows: ``weekday`` (0 = Monday), ``weekday_name``, ``days`` (int, days
        averaged), ``mean_orders``, ``index`` (mean_orders / mean of the seven means; 1
        is an average weekday).
    """
    d = daily
    if exclude is not None:
        d = d.loc[~d.index.isin(pd.DatetimeIndex(list(exclude)).normalize())]
    wd = d.index.day_of_week
    g = d.groupby(wd)["orders"]
    mean = g.mean().reindex(range(7))
    return pd.DataFrame({
        "weekday": np.arange(7), "weekday_name": list(WEEKDAYS),
        "days": g.size().reindex(range(7), fill_value=0).to_numpy().astype(np.int64),
        "mean_orders": mean.to_numpy(), "index": (mean / mean.mean()).to_numpy(),
    })


def weekend_ratio(profile: pd.DataFrame) -> float:
    """Average Saturday/Sunday purchases over average Monday-Friday purchases.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`weekday_profile`.
    """
    m = profile.set_index("weekday")["mean_orders"]
    return float(m.loc[[5, 6]].mean() / m.loc[[0, 1, 2, 3, 4]].mean())


def weekday_hour_counts(orders: pd.DataFrame, *, start=None, as_of=None) -> pd.DataFrame:
    """Purchases by weekday and hour of day.

    Returns
    -------
    DataFrame
        168 rows: ``weekday`` (0 = Monday), ``weekday_name``, ``hour`` (0-23),
        ``orders`` (int), ``share`` (of all purchases in the window).
    """
    p = purchases(orders, start=start, as_of=as_of)
    wd, hr = p["order_date"].dt.day_of_week.to_numpy(), p["order_date"].dt.hour.to_numpy()
    counts = np.bincount(wd * 24 + hr, minlength=168)
    w, h = np.divmod(np.arange(168), 24)
    total = counts.sum()
    return pd.DataFrame({"weekday": w, "weekday_name": np.asarray(WEEKDAYS)[w], "hour": h,
                         "orders": counts.astype(np.int64),
                         "share": counts / total if total else np.nan})


def month_profile(daily: pd.DataFrame) -> pd.DataFrame:
    """Average purchases per day in each calendar month of each year.

    One line per year makes growth (lines shifting up) and seasonality (the same
    months high every year) visible apart.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`daily_orders`.

    Returns
    -------
    DataFrame
        One row per year and month with data: ``year``, ``month`` (1-12), ``days``
        (int, days observed), ``orders_per_day``, ``index`` (orders_per_day over the
        year's average of its monthly values).
    """
    g = daily.groupby([daily.index.year.rename("year"), daily.index.month.rename("month")])["orders"]
    out = pd.DataFrame({"days": g.size().astype(np.int64), "orders_per_day": g.mean()}).reset_index()
    out["index"] = out["orders_per_day"] / out.groupby("year")["orders_per_day"].transform("mean")
    return out


def festival_lift(daily: pd.DataFrame, *, festivals: dict | None = None,
                  baseline_days: int = 28) -> pd.DataFrame:
    """Purchases on each festival day compared with the median day around it.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`daily_orders`.
    festivals : dict, optional
        See :data:`DEFAULT_FESTIVALS`.
    baseline_days : int, default 28
        The baseline is the median of the days within ``baseline_days`` before and
        after the festival that are in ``daily``, festival days excluded. Festivals
        with fewer than ``baseline_days / 2`` such days are skipped.

    Returns
    -------
    DataFrame
        Columns ``festival``, ``date``, ``orders`` (int), ``baseline_orders`` (float),
        ``lift`` (orders / baseline; 2.0 means twice a normal day), ``revenue``.
    """
    cols = ["festival", "date", "orders", "baseline_orders", "lift", "revenue"]
    if daily.empty:
        return pd.DataFrame(columns=cols)
    lo, hi = daily.index.min(), daily.index.max()
    cal = festival_calendar(lo, hi, festivals=festivals)
    fest_days = set(cal["date"])
    w = pd.Timedelta(days=baseline_days)
    rows = []
    for name, day in cal.itertuples(index=False):  # a handful of festivals per year
        around = daily.loc[day - w: day + w]
        around = around.loc[~around.index.isin(list(fest_days))]
        if len(around) < baseline_days / 2:
            continue
        base = float(around["orders"].median())
        n = daily.loc[day, "orders"].item()
        rows.append((name, day, n, base, n / base if base > 0 else np.nan,
                     float(daily.loc[day, "revenue"])))
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- categories
def _category_lines(orders, order_items, products, start=None, end=None) -> pd.DataFrame:
    p = purchases(orders, start=start, as_of=end)[["order_id", "customer_id", "order_date"]]
    items = order_items[["order_id", "product_id", "quantity", "unit_price"]]
    cat = products.drop_duplicates("product_id").set_index("product_id")["category"]
    lines = items.merge(p, on="order_id", how="inner")
    lines["category"] = lines["product_id"].map(cat).astype("object").fillna("unknown").astype(str)
    lines["revenue"] = lines["quantity"] * lines["unit_price"]
    return lines


def category_revenue(orders: pd.DataFrame, order_items: pd.DataFrame, products: pd.DataFrame, *,
                     start=None, as_of=None) -> pd.DataFrame:
    """Revenue of each customer in each product category (order lines of purchases).

    Parameters
    ----------
    orders, order_items, products : DataFrame
        Canonical tables; products need ``category`` (missing: ``unknown``).
    start, as_of : date-like, optional
        Window on the order date.

    Returns
    -------
    DataFrame
        Columns ``customer_id``, ``category``, ``revenue`` (quantity x unit price),
        ``share`` (of the customer's item revenue), sorted by customer and category.
    """
    lines = _category_lines(orders, order_items, products, start, as_of)
    out = lines.groupby(["customer_id", "category"], sort=True)["revenue"].sum().reset_index()
    out["share"] = out["revenue"] / out.groupby("customer_id")["revenue"].transform("sum")
    return out


def favourite_category(cat_rev: pd.DataFrame) -> pd.Series:
    """Each customer's category with the most revenue (ties: alphabetical).

    Parameters
    ----------
    cat_rev : DataFrame
        Output of :func:`category_revenue`.

    Returns
    -------
    Series
        Index ``customer_id``, name ``favourite_category``.
    """
    top = cat_rev.sort_values(["customer_id", "revenue", "category"], ascending=[True, False, True])
    out = top.drop_duplicates("customer_id").set_index("customer_id")["category"]
    return out.rename("favourite_category")


def category_mix(cat_rev: pd.DataFrame, *, groups: pd.Series | None = None,
                 unknown: str = "unknown") -> pd.DataFrame:
    """Category shares of revenue and of customers, per group of customers.

    Parameters
    ----------
    cat_rev : DataFrame
        Output of :func:`category_revenue`.
    groups : Series, optional
        Group label per customer (index ``customer_id``), e.g. value tier; default one
        group ``all``.
    unknown : str, default "unknown"
        Label of customers missing from ``groups``.

    Returns
    -------
    DataFrame
        Columns ``group``, ``category``, ``customers`` (int, customers of the group
        buying the category), ``customer_share`` (of the group's customers),
        ``revenue``, ``revenue_share`` (of the group's revenue).
    """
    d = cat_rev.copy()
    if groups is None:
        d["group"] = "all"
    else:
        d["group"] = d["customer_id"].map(groups).astype("object").fillna(unknown).astype(str)
    if groups is not None and isinstance(getattr(groups, "dtype", None), pd.CategoricalDtype):
        # keep the groups' own order (e.g. high, medium, low)
        cats = [str(c) for c in groups.cat.categories] + [unknown]
        d["group"] = pd.Categorical(d["group"], categories=list(dict.fromkeys(cats)), ordered=True)
    g = d.groupby(["group", "category"], sort=True, observed=True)
    out = pd.DataFrame({"customers": g["customer_id"].nunique().astype(np.int64),
                        "revenue": g["revenue"].sum()}).reset_index()
    size = d.groupby("group", observed=True)["customer_id"].nunique()
    out["customer_share"] = out["customers"] / out["group"].map(size).astype(float)
    out["revenue_share"] = out["revenue"] / out.groupby("group", observed=True)["revenue"].transform("sum")
    return out[["group", "category", "customers", "customer_share", "revenue", "revenue_share"]]


def first_purchase_category(orders: pd.DataFrame, order_items: pd.DataFrame,
                            products: pd.DataFrame) -> pd.Series:
    """The category of each customer's first purchase (its largest category by revenue).

    The first purchase is the earliest purchase order (ties: smallest ``order_id``);
    within it, the category with the most line revenue wins (ties: alphabetical).

    Returns
    -------
    Series
        Index ``customer_id``, name ``first_category``. Customers whose first order
        has no lines are missing.
    """
    p = purchases(orders)
    first = p.sort_values(["customer_id", "order_date", "order_id"]).drop_duplicates("customer_id")
    lines = _category_lines(first, order_items, products)
    per = lines.groupby(["customer_id", "category"])["revenue"].sum().reset_index()
    per = per.sort_values(["customer_id", "revenue", "category"], ascending=[True, False, True])
    out = per.drop_duplicates("customer_id").set_index("customer_id")["category"]
    return out.rename("first_category")


def first_category_share(first_cat: pd.Series) -> pd.DataFrame:
    """How first purchases are spread over categories.

    Parameters
    ----------
    first_cat : Series
        Output of :func:`first_purchase_category` (possibly restricted to recent customers).

    Returns
    -------
    DataFrame
        Columns ``category``, ``customers`` (int), ``share``; largest first.
    """
    n = first_cat.value_counts()
    out = pd.DataFrame({"category": n.index.astype(str), "customers": n.to_numpy().astype(np.int64)})
    out["share"] = out["customers"] / out["customers"].sum()
    return out.sort_values(["customers", "category"], ascending=[False, True], ignore_index=True)


def category_summary(cat_rev: pd.DataFrame, *, first_cat: pd.Series | None = None) -> pd.DataFrame:
    """One row per category: reach, revenue, favourite-of and first-purchase shares.

    Parameters
    ----------
    cat_rev : DataFrame
        Output of :func:`category_revenue`.
    first_cat : Series, optional
        Output of :func:`first_purchase_category` (for the customers of interest).

    Returns
    -------
    DataFrame
        Columns ``category``, ``customers`` (int, buyers of the category),
        ``customer_share`` (of all buyers), ``revenue``, ``revenue_share``,
        ``favourite_share`` (share of buyers whose top category it is) and, with
        ``first_cat``, ``first_purchase_share``. Largest revenue first.
    """
    n = cat_rev["customer_id"].nunique()
    g = cat_rev.groupby("category")
    out = pd.DataFrame({"customers": g["customer_id"].nunique().astype(np.int64),
                        "revenue": g["revenue"].sum()})
    out["customer_share"] = out["customers"] / n if n else np.nan
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    fav = favourite_category(cat_rev).value_counts()
    out["favourite_share"] = fav.reindex(out.index, fill_value=0) / n if n else np.nan
    cols = ["customers", "customer_share", "revenue", "revenue_share", "favourite_share"]
    if first_cat is not None:
        f = first_cat.value_counts()
        out["first_purchase_share"] = f.reindex(out.index, fill_value=0) / f.sum() if f.sum() else np.nan
        cols.append("first_purchase_share")
    out = out[cols].sort_values("revenue", ascending=False)
    out.index.name = "category"
    return out.reset_index()


# --------------------------------------------------------------------------- web funnel
def event_funnel(events: pd.DataFrame, *, unit: str = "session", by: str | None = None,
                 start=None, as_of=None) -> pd.DataFrame:
    """View -> click -> add to cart -> purchase conversion.

    A unit (session or customer) *reaches* a stage when its furthest event is that
    stage or a later one (a purchase implies the earlier steps even when they were
    not logged).

    Parameters
    ----------
    events : DataFrame
        Canonical events (``customer_id``, ``timestamp``, ``event_type``, optional
        ``session_id``, ``channel``).
    unit : {"session", "customer"}, default "session"
        What is counted. Sessions need ``session_id``.
    by : str, optional
        Column of ``events`` to split by (e.g. ``"channel"``).
    start, as_of : date-like, optional
        Window on the event time.

    Returns
    -------
    DataFrame
        Columns [``by``,] ``stage`` (view, click, add_to_cart, purchase), ``units``
        (int, sessions or customers reaching the stage), ``share_of_start`` (of those
        reaching ``view``), ``step_conversion`` (of those reaching the previous stage).
    """
    key = {"session": "session_id", "customer": "customer_id"}[unit]
    e = _window(events, "timestamp", start, as_of)
    # stage ranks as category codes (-1: an event type outside the funnel); a dict
    # .map on millions of Arrow strings is ten times slower
    rank = pd.Categorical(e["event_type"], categories=list(EVENT_TYPES)).codes.astype(np.int64)
    keep = rank >= 0
    cols = [by] if by else []
    d = e.loc[keep, cols + [key]].assign(rank=rank[keep])
    furthest = d.groupby(cols + [key], sort=False)["rank"].max().reset_index()
    rows = []
    for grp, f in (furthest.groupby(by, sort=True) if by else [(None, furthest)]):
        reached = [(f["rank"] >= i).sum() for i in range(len(EVENT_TYPES))]
        for i, stage in enumerate(EVENT_TYPES):
            r = {by: grp} if by else {}
            r.update({"stage": stage, "units": int(reached[i]),
                      "share_of_start": reached[i] / reached[0] if reached[0] else np.nan,
                      "step_conversion": (reached[i] / reached[i - 1] if reached[i - 1] else np.nan)
                      if i else 1.0})
            rows.append(r)
    return pd.DataFrame(rows, columns=cols + ["stage", "units", "share_of_start", "step_conversion"])


def viewed_not_bought(events: pd.DataFrame, *, products: pd.DataFrame | None = None,
                      top: int = 10, start=None, as_of=None) -> pd.DataFrame:
    """Products most often viewed by customers who then did not buy them.

    Parameters
    ----------
    events : DataFrame
        Canonical events with ``product_id``.
    products : DataFrame, optional
        Adds ``product_name`` and ``category`` (when present).
    top : int, default 10
    start, as_of : date-like, optional
        Window on the event time.

    Returns
    -------
    DataFrame
        ``top`` rows: ``product_id``, [``product_name``, ``category``,] ``viewers`` (customers who viewed
        it), ``buyers`` (of them, customers with a purchase event of it),
        ``viewers_not_buying``, ``conversion`` (buyers / viewers); most
        ``viewers_not_buying`` first.
    """
    e = _window(events, "timestamp", start, as_of).dropna(subset=["product_id"])
    pairs = e[["customer_id", "product_id", "event_type"]]
    viewers = pairs.loc[pairs["event_type"] == "view", ["customer_id", "product_id"]].drop_duplicates()
    buyers = pairs.loc[pairs["event_type"] == "purchase", ["customer_id", "product_id"]].drop_duplicates()
    vb = viewers.merge(buyers.assign(bought=True), on=["customer_id", "product_id"], how="left")
    vb["bought"] = vb["bought"].astype("boolean").fillna(False).astype(bool)
    g = vb.groupby("product_id")
    out = pd.DataFrame({"viewers": g.size().astype(np.int64), "buyers": g["bought"].sum().astype(np.int64)})
    out["viewers_not_buying"] = out["viewers"] - out["buyers"]
    out["conversion"] = out["buyers"] / out["viewers"]
    out = out.reset_index().sort_values(["viewers_not_buying", "product_id"], ascending=[False, True])
    out = out.head(top).reset_index(drop=True)
    if products is not None:
        prod = products.drop_duplicates("product_id").set_index("product_id")
        for i, col in enumerate(c for c in ("product_name", "category") if c in prod.columns):
            out.insert(1 + i, col, out["product_id"].map(prod[col]))
    return out


# --------------------------------------------------------------------------- findings



"""Sales as time series, and the calendar a forecast model needs.

- :func:`sales_series`: revenue, orders and active customers per day, week or month,
  from purchases (completed orders with revenue > 0), with empty days filled by zero.
  Aggregation is vectorised on integer day numbers, so 10 million orders become a
  daily series in a few seconds; every model then works on the small series.
- :func:`segment_series`: one measure per day for each sales channel (or another
  order or customer column), the smallest segments grouped as "other".
- :func:`daily_spend`: marketing spend per day.
- :func:`calendar_regressors`: the columns a daily model uses for the calendar: the
  weekday (effect coding: each weekday against the average weekday) and shopping
  festivals (:func:`crmkit.calendar.festival_calendar`), each festival day with an
  optional run-up (days before) and aftermath (days after) of its own.
- :func:`yearly_terms`: Fourier terms of the day of the year (the yearly curve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...calendar import festival_calendar
from ...data.purchases import is_purchase

__all__ = [
    "MEASURES",
    "WEEKDAY_NAMES",
    "DEFAULT_FESTIVAL_WINDOWS",
    "sales_series",
    "sales_series_by_freq",
    "segment_series",
    "daily_spend",
    "calendar_regressors",
    "yearly_terms",
    "regressor_kind",
    "outliers_left_out",
    "period_lengths",
]

MEASURES = ("revenue", "orders", "active_customers")
"""The measures of :func:`sales_series`."""

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

DEFAULT_FESTIVAL_WINDOWS: dict[str, tuple[int, int]] = {
    "618": (17, 0),
    "Double 11": (10, 1),
    "Chinese New Year": (5, 7),
}
"""Days before and after a festival day that get an effect of their own (run-up and
aftermath): the 618 sales start on 1 June, Double 11 pre-sales on 1 November, and
shops and couriers slow down around the Spring Festival. Names match
:data:`crmkit.calendar.DEFAULT_FESTIVALS`; a params file sets its own under
``analysis: forecast: festival_windows:``."""

_FREQ = {"D": "D", "W": "W-MON", "M": "MS", "Q": "QS"}
_US_PER_DAY = 86_400_000_000


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as int64 (any datetime unit, time of day dropped)."""
    return dates.to_numpy(dtype="datetime64[D]").astype(np.int64)


def _period_start(days: np.ndarray, freq: str) -> np.ndarray:
    """Day number of the first day of each day's period (weeks start on Monday)."""
    if freq == "D":
        return days
    if freq == "W":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if freq == "Q":
        months = months - months % 3
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _next_period_start(starts: np.ndarray, freq: str) -> np.ndarray:
    """Day number of the day after each period that starts on ``starts`` (day numbers)."""
    if freq in ("D", "W"):
        return starts + (1 if freq == "D" else 7)
    months = starts.astype("datetime64[D]").astype("datetime64[M]") + (1 if freq == "M" else 3)
    return months.astype("datetime64[D]").astype(np.int64)


def period_lengths(index: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Days in each period that starts on a day of ``index`` (7 for weeks, 28-31 for months, ...).

    Examples
    --------
    >>> period_lengths(pd.DatetimeIndex(["2025-01-01", "2025-02-01"]), "M").tolist()
    [31, 28]
    """
    starts = _day_numbers(pd.Series(pd.DatetimeIndex(index)))
    return (_next_period_start(starts, freq) - starts).astype(np.int64)


def _purchase_arrays(orders: pd.DataFrame, *, start, as_of, exclude_outliers: bool):
    """Day numbers, revenue and row mask of the purchases in the window (no copy of the frame)."""
    keep = is_purchase(orders)
    days = _day_numbers(orders["order_date"])
    lo = _day_numbers(pd.Series([pd.Timestamp(start)]))[0] if start is not None else None
    hi = _day_numbers(pd.Series([pd.Timestamp(as_of)]))[0] if as_of is not None else None
    if lo is not None:
        keep &= days >= lo
    if hi is not None:
        keep &= days <= hi
    if exclude_outliers and "is_outlier" in orders.columns:
        keep &= ~orders["is_outlier"].to_numpy(dtype=bool, na_value=False)
    d = days[keep]
    if lo is None and d.size:
        lo = int(d.min())
    if hi is None and d.size:
        hi = int(d.max())
    return keep, d, lo, hi


def _aggregate(rel: np.ndarray, revenue: np.ndarray, pairs: np.ndarray, span: int, lo: int, hi: int,
               freq: str) -> pd.DataFrame:
    """One frequency from day offsets ``rel`` (0 = ``lo``) and sorted distinct customer-days ``pairs``."""
    first = _period_start(np.asarray([lo]), freq)[0]
    labels = pd.date_range(pd.Timestamp(first, unit="D"), pd.Timestamp(hi, unit="D"), freq=_FREQ[freq])
    label_days = _day_numbers(pd.Series(labels))
    n = len(labels)
    # period of each day of the window: a lookup table of ``span`` entries, not one per order
    slot_of_day = np.searchsorted(label_days, _period_start(np.arange(lo, hi + 1), freq))
    slot = slot_of_day[rel]
    # pairs = customer * span + day offset, sorted: a customer's days are consecutive and in
    # order, so a new (customer, period) starts where the customer or the period changes
    customer, day = np.divmod(pairs, span)
    p_slot = slot_of_day[day]
    new = np.ones(pairs.size, dtype=bool)
    new[1:] = (customer[1:] != customer[:-1]) | (p_slot[1:] != p_slot[:-1])
    ends = _next_period_start(label_days, freq)
    covered = np.minimum(ends, hi + 1) - np.maximum(label_days, lo)
    out = pd.DataFrame({"revenue": np.bincount(slot, weights=revenue, minlength=n),
                        "orders": np.bincount(slot, minlength=n).astype(np.int64),
                        "active_customers": np.bincount(p_slot[new], minlength=n).astype(np.int64),
                        "days": covered.astype(np.int64), "complete": covered == ends - label_days},
                       index=pd.DatetimeIndex(labels, name="date").as_unit("us"))
    out.index.freq = None
    return out


def sales_series_by_freq(orders: pd.DataFrame, *, freqs=("D", "W", "M", "Q"), start=None, as_of=None,
                         exclude_outliers: bool = True) -> dict[str, pd.DataFrame]:
    """:func:`sales_series` for several frequencies at once (the orders are read once).

    Returns
    -------
    dict
        Frequency -> the frame :func:`sales_series` returns for it.
    """
    freqs = tuple(freqs)
    bad = [f for f in freqs if f not in _FREQ]
    if bad:
        raise ValueError(f"freq must be one of {list(_FREQ)}, got {bad[0]!r}")
    keep, day, lo, hi = _purchase_arrays(orders, start=start, as_of=as_of, exclude_outliers=exclude_outliers)
    if lo is None or hi is None or hi < lo:
        empty = {"revenue": "float64", "orders": "int64", "active_customers": "int64", "days": "int64",
                 "complete": "bool"}
        return {f: pd.DataFrame({c: pd.Series(dtype=t) for c, t in empty.items()},
                                index=pd.DatetimeIndex([], name="date")) for f in freqs}
    revenue = orders["revenue"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    codes = pd.factorize(orders["customer_id"])[0][keep].astype(np.int64)  # once for every frequency
    rel = (day - lo).astype(np.int64)
    span = int(hi - lo + 1)
    pairs = np.sort(codes * span + rel)  # customer-days, sorted (a plain sort: faster than np.unique)
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if pairs.size else pairs
    return {f: _aggregate(rel, revenue, pairs, span, lo, hi, f) for f in freqs}


def sales_series(orders: pd.DataFrame, *, freq: str = "D", start=None, as_of=None,
                 exclude_outliers: bool = True) -> pd.DataFrame:
    """Revenue, orders and active customers per day, week or month.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; only purchases count (:func:`crmkit.data.purchases.is_purchase`).
    freq : {"D", "W", "M", "Q"}, default "D"
        Days, weeks starting on Monday, calendar months or quarters.
    start, as_of : date-like, optional
        First and last day included (default: the first and last purchase day). Periods
        are labelled by their first day; the first and last may be partial.
    exclude_outliers : bool, default True
        Leave out orders the cleaning step flagged as extreme outliers (``is_outlier``):
        a one-off order of 500 times the usual amount is not something to forecast.

    Returns
    -------
    DataFrame
        Indexed by ``date`` (first day of each period, every period present), columns
        ``revenue`` (float), ``orders`` (int, purchases), ``active_customers`` (int,
        distinct customers with a purchase in the period), ``days`` (int, days of the
        period inside ``[start, as_of]``), ``complete`` (bool: the window covers the
        whole period).

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["x", "x", "y"],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-03"]),
    ...                   "revenue": [10.0, 5.0, 7.0]})
    >>> sales_series(o)[["revenue", "orders", "active_customers"]].to_numpy().tolist()
    [[15.0, 2.0, 1.0], [0.0, 0.0, 0.0], [7.0, 1.0, 1.0]]
    """
    return sales_series_by_freq(orders, freqs=(freq,), start=start, as_of=as_of,
                                exclude_outliers=exclude_outliers)[freq]


def outliers_left_out(orders: pd.DataFrame, *, start=None, as_of=None) -> int:
    """Purchases in the window that the cleaning step flagged as extreme outliers (``is_outlier``).

    Examples
    --------
    >>> o = pd.DataFrame({"order_date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
    ...                   "revenue": [10.0, 9e6], "is_outlier": [False, True]})
    >>> outliers_left_out(o)
    1
    """
    if "is_outlier" not in orders.columns:
        return 0
    keep, *_ = _purchase_arrays(orders, start=start, as_of=as_of, exclude_outliers=False)
    return int((keep & orders["is_outlier"].to_numpy(dtype=bool, na_value=False)).sum())


def segment_series(orders: pd.DataFrame, *, by: str, measure: str = "revenue",
                   customers: pd.DataFrame | None = None, start=None, as_of=None,
                   max_segments: int = 6, exclude_outliers: bool = True) -> pd.DataFrame:
    """One measure per day for each segment (sales channel, region, ...).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    by : str
        A column of ``orders`` (``sales_channel``) or of ``customers``
        (``acquisition_channel``, ``region``, ``crm_segment``), joined on ``customer_id``.
    measure : {"revenue", "orders"}, default "revenue"
    customers : DataFrame, optional
        Needed when ``by`` is a customer column.
    start, as_of : date-like, optional
        First and last day (default: first and last purchase day).
    max_segments : int, default 6
        The largest segments (by the measure) are kept; the rest form ``other``.
        Missing labels are ``unknown``.
    exclude_outliers : bool, default True

    Returns
    -------
    DataFrame
        Indexed by ``date`` (every day), one column per segment, largest first; the
        columns sum to :func:`sales_series`' ``measure``.

    Raises
    ------
    KeyError
        ``by`` is neither an orders column nor a customers column.
    """
    if measure not in ("revenue", "orders"):
        raise ValueError(f"measure must be 'revenue' or 'orders', got {measure!r}")
    keep, day, lo, hi = _purchase_arrays(orders, start=start, as_of=as_of, exclude_outliers=exclude_outliers)
    if by in orders.columns:
        label = orders[by].to_numpy()[keep]
    elif customers is not None and by in customers.columns:
        lookup = customers.drop_duplicates("customer_id").set_index("customer_id")[by]
        label = orders["customer_id"].loc[keep].map(lookup).to_numpy()
    else:
        raise KeyError(f"segment column {by!r} is neither in orders nor in customers")
    codes, names = pd.factorize(label, use_na_sentinel=True)
    names = [str(x) for x in names]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append("unknown")
    value = (orders["revenue"].to_numpy(dtype="float64", na_value=np.nan)[keep] if measure == "revenue"
             else np.ones(keep.sum()))
    size = np.bincount(codes, weights=value, minlength=len(names))
    order = np.argsort(-size, kind="stable")
    kept = order if len(names) <= max_segments + 1 else order[:max_segments]
    group = np.full(len(names), len(kept), dtype=np.int64)  # everything else: "other"
    group[kept] = np.arange(len(kept))
    columns = [names[i] for i in kept] + (["other"] if len(kept) < len(names) else [])
    n_days = 0 if lo is None else int(hi - lo + 1)
    cell = (day - (lo or 0)) * len(columns) + group[codes]
    grid = np.bincount(cell, weights=value, minlength=n_days * len(columns)).reshape(n_days, len(columns))
    index = pd.date_range(pd.Timestamp(lo or 0, unit="D"), periods=n_days, freq="D", name="date").as_unit("us")
    wide = pd.DataFrame(grid, index=index, columns=pd.Index(columns, name=by))
    wide.index.freq = None
    return wide


def daily_spend(marketing_spend: pd.DataFrame, index: pd.DatetimeIndex) -> pd.Series:
    """Marketing spend per day on the days of ``index`` (days without rows: 0).

    Parameters
    ----------
    marketing_spend : DataFrame
        Canonical ``marketing_spend`` (``date``, ``spend``).
    index : DatetimeIndex
        The days wanted.

    Returns
    -------
    Series
        Named ``spend``, indexed like ``index``.
    """
    day = pd.to_datetime(marketing_spend["date"]).dt.normalize()
    s = marketing_spend["spend"].astype("float64").groupby(day).sum()
    s.index = s.index.as_unit("us")
    return s.reindex(pd.DatetimeIndex(index).as_unit("us"), fill_value=0.0).rename("spend")


def regressor_kind(name: str) -> str:
    """What a column of :func:`calendar_regressors` describes: ``weekday`` or ``festival``."""
    return "weekday" if name in WEEKDAY_NAMES else "festival"


def calendar_regressors(index: pd.DatetimeIndex, *, festivals: Mapping | None = None,
                        windows: Mapping[str, Sequence[int]] | None = None,
                        weekdays: bool = True) -> pd.DataFrame:
    """The calendar of a daily model: weekdays and festival days (with run-up and aftermath).

    Parameters
    ----------
    index : DatetimeIndex
        Days (history and forecast horizon together, so both get the same columns).
    festivals : dict, optional
        Name -> rule (:data:`crmkit.calendar.DEFAULT_FESTIVALS` when None).
    windows : dict, optional
        Festival name -> ``(days_before, days_after)``: the run-up and the aftermath
        each get one column (and one effect) of their own (:data:`DEFAULT_FESTIVAL_WINDOWS`
        when None; ``{}`` for none). A day in two windows is in both columns.
    weekdays : bool, default True
        Add six weekday columns with effect coding: ``Mon`` is 1 on Mondays, -1 on
        Sundays and 0 otherwise (likewise ``Tue`` ... ``Sat``), so each coefficient is a
        weekday's effect against the average weekday and Sunday's is minus their sum.

    Returns
    -------
    DataFrame
        Indexed like ``index``, float columns: ``Mon`` ... ``Sat``, then per festival
        (in calendar order) ``<name>``, ``<name> run-up`` and ``<name> aftermath`` where
        the window has days. Festivals without a day in ``index`` have no columns.

    Examples
    --------
    >>> days = pd.date_range("2025-11-08", "2025-11-13")
    >>> X = calendar_regressors(days, festivals={"Double 11": "11-11"}, windows={"Double 11": (2, 1)},
    ...                         weekdays=False)
    >>> X.astype(int).to_dict("list")
    {'Double 11': [0, 0, 0, 1, 0, 0], 'Double 11 run-up': [0, 1, 1, 0, 0, 0], 'Double 11 aftermath': [0, 0, 0, 0, 1, 0]}
    """
    index = pd.DatetimeIndex(index).normalize()
    windows = DEFAULT_FESTIVAL_WINDOWS if windows is None else windows
    cols: dict[str, np.ndarray] = {}
    if weekdays:
        wd = index.day_of_week.to_numpy()
        sunday = (wd == 6).astype(float)
        for k, name in enumerate(WEEKDAY_NAMES[:6]):
            cols[name] = (wd == k).astype(float) - sunday
    if len(index):
        reach = max([0] + [max(int(b), int(a)) for b, a in windows.values()])
        pad = pd.Timedelta(days=reach)
        cal = festival_calendar(index.min() - pad, index.max() + pad, festivals=festivals)
        day_num = _day_numbers(pd.Series(index))
        for name in dict.fromkeys(cal["festival"]):
            dates = _day_numbers(cal.loc[cal["festival"] == name, "date"])
            before, after = (int(x) for x in windows.get(name, (0, 0)))
            offset = day_num[:, None] - dates[None, :]  # days x occurrences (a few per year)
            parts = {name: (offset == 0)}
            if before > 0:
                parts[f"{name} run-up"] = (offset >= -before) & (offset < 0)
            if after > 0:
                parts[f"{name} aftermath"] = (offset > 0) & (offset <= after)
            for col, hit in parts.items():
                v = hit.sum(axis=1).astype(float)
                if v.any():
                    cols[col] = v
    return pd.DataFrame(cols, index=index)


def yearly_terms(index: pd.DatetimeIndex, *, harmonics: int = 2) -> pd.DataFrame:
    """Fourier terms of the day of the year: ``cos1, sin1, ..., cos<K>, sin<K>``.

    A yearly curve ``sum_k a_k cos(2 pi k t / 365.25) + b_k sin(2 pi k t / 365.25)``
    (``t`` the day of the year) is smooth and repeats every year; two harmonics draw a
    curve with one or two peaks a year.

    Examples
    --------
    >>> yearly_terms(pd.DatetimeIndex(["2025-01-01"]), harmonics=1).round(3).to_numpy().tolist()
    [[1.0, 0.017]]
    """
    t = pd.DatetimeIndex(index).day_of_year.to_numpy().astype(float)
    cols = {}
    for k in range(1, int(harmonics) + 1):
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * t / 365.25)
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * t / 365.25)
    return pd.DataFrame(cols, index=index)

"""Customer lifetime value: BTYD summaries, BG/NBD, Pareto/NBD and Gamma-Gamma models.

The "buy 'til you die" (BTYD) models describe non-contractual customers: each buys
at a personal Poisson rate while "alive" and drops out unobserved. They need only a
per-customer summary of the repeat purchases before a cut-off day:

- ``frequency`` *x*: number of repeat purchase days (purchases on the same day count once),
- ``recency`` *t_x*: time from the first to the last purchase,
- ``T``: time from the first purchase to the cut-off,

built by :func:`btyd_summary` (and :func:`btyd_holdout` for a calibration/holdout split).
The models are fitted by maximum likelihood with scipy (L-BFGS-B on log parameters,
vectorised over customers, identical customers aggregated into weights):

- :class:`BetaGeoModel`: BG/NBD, Fader, Hardie & Lee (2005), "Counting your customers
  the easy way", *Marketing Science* 24(2).
- :class:`ParetoNBDModel`: Pareto/NBD, Schmittlein, Morrison & Colombo (1987),
  *Management Science* 33(1), with the likelihood of Fader & Hardie (2005), "A note on
  deriving the Pareto/NBD model and related expressions".
- :class:`GammaGammaModel`: spend per transaction, Colombo & Jiang (1999); Fader,
  Hardie & Lee (2005), "RFM and CLV: using iso-value curves", *JMR* 42(4).

:func:`customer_lifetime_value` combines a transaction model and the spend model into
a discounted CLV over a horizon.

Purchases are completed orders with revenue > 0, as everywhere in crmkit. The
published CDNOW estimates also count the 8 sample customers whose only order has
revenue 0 (2,357 customers instead of 2,349), so reproducing them needs
``include_zero_revenue=True``; see ``tests/test_clv.py``.

Examples
--------
>>> from crmkit.data.bundled import load_cdnow
>>> orders = load_cdnow("sample").orders
>>> cal = btyd_summary(orders, as_of="1997-09-30", time_unit="W", include_zero_revenue=True)
>>> bg = BetaGeoModel().fit(cal)
>>> {k: round(v, 3) for k, v in bg.params_.items()}
{'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln, hyp2f1, roots_legendre
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from ...data.purchases import is_purchase

__all__ = [
    "btyd_summary",
    "btyd_holdout",
    "BetaGeoModel",
    "ParetoNBDModel",
    "GammaGammaModel",
    "customer_lifetime_value",
]

_DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}
_PERIOD_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Q": 365.25 / 4, "Y": 365.25}
_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
_SUMMARY_COLUMNS = ("frequency", "recency", "T")


# --------------------------------------------------------------------------- summaries
def _unit_days(time_unit: str) -> float:
    if time_unit not in _DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}")
    return _DAYS_PER_UNIT[time_unit]


def _day_number(when) -> int:
    ts = pd.Timestamp(when)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(ts.to_datetime64().astype("datetime64[D]").astype(np.int64))


def _mix64(x: np.ndarray) -> np.ndarray:
    """Bijective bit mixer on uint64 (the splitmix64 finaliser); returns a new array."""
    x = x ^ (x >> np.uint64(30))
    t = np.empty_like(x)  # one scratch array instead of a temporary per step
    x *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(x, np.uint64(27), out=t)
    x ^= t
    x *= np.uint64(0x94D049BB133111EB)
    np.right_shift(x, np.uint64(31), out=t)
    x ^= t
    return x


# _BYTE_MASKS[n]: the low n bytes of a uint64
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


def _packed_keys(ids: pd.Series):
    """One uint64 per ID holding its bytes, when every ID is an Arrow string of <= 8 bytes.

    Equal keys mean equal IDs: an ID's bytes are read little-endian into the low bytes
    of its key and the rest is zero; IDs of at most 7 bytes also store their length in
    the top byte ("C1" and "C1\\0" differ), and 8-byte IDs of varying length are packed
    only when no ID contains a NUL byte. Returns None otherwise (nulls, longer IDs,
    another dtype), and the caller hashes the strings.
    """
    import sys

    import pyarrow as pa

    if sys.byteorder != "little":
        return None
    arr = pa.array(ids.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    offset_types = {pa.large_string(): np.int64, pa.string(): np.int32}
    if arr.type not in offset_types or arr.null_count or len(arr) == 0:
        return None
    _, off_buf, data_buf = arr.buffers()
    off = np.frombuffer(off_buf, dtype=offset_types[arr.type])[arr.offset: arr.offset + len(arr) + 1]
    length = np.diff(off)
    width = int(length.max())
    if width > 8:
        return None
    raw = (np.frombuffer(data_buf, dtype=np.uint8)[off[0]: off[-1]] if data_buf is not None
           else np.empty(0, dtype=np.uint8))
    if width == 8 and len(raw) == 8 * len(arr):  # all 8 bytes long: the data are the keys
        return _mix64(raw.view(np.uint64))
    if width == 8 and not raw.all():  # a NUL byte would make zero-padding ambiguous
        return None
    # the 8 bytes from each ID's start (an unaligned uint64 at every byte of the
    # zero-padded data), the bytes after the ID masked off
    padded = np.r_[raw, np.zeros(8, dtype=np.uint8)]
    words = np.ndarray(shape=(len(raw) + 1,), dtype=np.uint64, buffer=padded, strides=(1,))
    keys = words[(off[:-1] - off[0]).astype(np.intp)]
    keys &= _BYTE_MASKS[length]
    if width <= 7:
        keys |= length.astype(np.uint64) << np.uint64(56)
    # the bytes that vary ("...123") are the high bits of the little-endian word: mix
    # them into the low bits that pandas' hash table looks at
    return _mix64(keys)


def _factorize_ids(ids: pd.Series):
    """``pd.factorize(ids)`` (codes in order of first appearance), faster for string IDs.

    Hashing 10M random-order strings dominates a BTYD summary. When the IDs are
    Arrow-backed strings without nulls of at most 8 bytes (``"C0012345"``,
    ``"C12345"``, zero-padded or plain numbers), each is packed into one uint64
    (:func:`_packed_keys`) and the integers are factorised; the result is identical.
    """
    keys = None
    if (isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow"
            and len(ids) > 10_000):
        keys = _packed_keys(ids)
    if keys is None:
        codes, uniques = pd.factorize(ids, sort=False)
        return codes, pd.Index(uniques)
    import pyarrow as pa
    import pyarrow.compute as pc

    # Arrow's hash table encodes 10M integers faster than pandas' (codes in order of
    # first appearance, as pd.factorize)
    codes = pc.dictionary_encode(pa.array(keys)).indices.to_numpy().astype(np.intp)
    running = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
    return codes, pd.Index(ids.array.take(first))


def _purchase_rows(orders: pd.DataFrame, *, include_zero_revenue: bool, start_day=None,
                   end_day=None):
    """Customer codes, day numbers and revenue of the purchase rows in [start_day, end_day].

    Customer IDs are factorised once over all rows, so codes follow the order of
    first appearance in ``orders``; the caller drops customers without purchases.
    """
    missing = [c for c in ("customer_id", "order_date", "revenue") if c not in orders.columns]
    if missing:
        raise ValueError(
            f"orders needs columns customer_id, order_date and revenue; missing {missing}")
    codes, uniques = _factorize_ids(orders["customer_id"])
    dates = orders["order_date"]
    if not isinstance(dates.dtype, pd.DatetimeTZDtype) and not pd.api.types.is_datetime64_dtype(
            dates.dtype):
        dates = pd.to_datetime(dates)
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)  # calendar days in the data's own time zone
    values = dates.to_numpy()
    unit = np.datetime_data(values.dtype)[0]
    if unit not in _TICKS_PER_DAY:
        values = values.astype("datetime64[s]")
        unit = "s"
    ticks = values.view(np.int64)
    per_day = _TICKS_PER_DAY[unit]
    revenue = orders["revenue"].to_numpy(dtype=np.float64, na_value=np.nan)
    keep = is_purchase(orders, include_zero_revenue=include_zero_revenue)
    keep &= codes >= 0
    keep &= ticks != np.iinfo(np.int64).min  # NaT
    if start_day is not None:
        keep &= ticks >= start_day * per_day
    if end_day is not None:
        keep &= ticks < (end_day + 1) * per_day
    day = ticks[keep] // per_day  # floor division: days before 1970 floor correctly too
    return codes[keep], uniques, day, revenue[keep]


def _distinct_days(codes: np.ndarray, day: np.ndarray):
    """Sorted distinct (customer code, day) pairs, found with one integer sort."""
    if len(codes) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    dmin = day.min()
    bits = int(day.max() - dmin).bit_length()
    # 32-bit keys sort twice as fast (1M customers over 3 years need 30 bits)
    kind = np.int32 if bits + int(codes.max()).bit_length() <= 31 else np.int64
    key = codes.astype(kind) << kind(bits)
    key |= (day - dmin).astype(kind)
    key.sort()
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    key = key[new]
    return (key >> kind(bits)).astype(np.int64), (key & kind((1 << bits) - 1)) + dmin


def _summary_arrays(codes, n_codes, day, revenue):
    """Per-customer arrays of the BTYD summary, in days, for the customers present."""
    ucode, uday = _distinct_days(codes, day)
    if len(ucode) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty, np.empty(0)
    start = np.flatnonzero(np.r_[True, ucode[1:] != ucode[:-1]])
    stop = np.r_[start[1:], len(ucode)]
    present = ucode[start]
    first = uday[start]
    last = uday[stop - 1]
    n_days = stop - start
    first_of = np.zeros(n_codes, dtype=np.int64)
    first_of[present] = first
    repeat = np.where(day != first_of[codes], revenue, 0.0)
    repeat_revenue = np.bincount(codes, weights=repeat, minlength=n_codes)[present]
    return present, first, last, n_days - 1, repeat_revenue


def _frame(uniques, present, first, last, frequency, repeat_revenue, end_day, unit_days):
    index = uniques.take(present)
    index.name = "customer_id"
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_revenue / np.maximum(frequency, 1), 0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (last - first) / unit_days,
            "T": (end_day - first) / unit_days,
            "monetary_value": monetary,
            "first_purchase": first.astype("datetime64[D]").astype("datetime64[s]"),
        },
        index=index,
    )
    return out


def btyd_summary(
    orders: pd.DataFrame,
    *,
    as_of,
    time_unit: str = "D",
    start=None,
    include_zero_revenue: bool = False,
) -> pd.DataFrame:
    """Summarise each customer's repeat purchases up to and including ``end``.

    Purchases are the rows with ``status == "completed"`` (a missing status counts as
    completed; without a ``status`` column every row does) and ``revenue > 0``.
    Dates are floored to the calendar day and purchases on the same day are merged
    into one purchase day with their revenue summed, so ``frequency`` counts repeat
    purchase *days*. Purchases after the ``end`` day are ignored, so one call on a long
    history gives the calibration summary at any cut-off.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders, shape (n_orders, ...), with ``customer_id`` (any hashable;
        categorical is fastest), ``order_date`` (datetime64 of any resolution; a
        time-zone aware column is floored to days in its own zone), ``revenue`` and
        optionally ``status``.
    as_of : date-like
        Cut-off day, inclusive: a purchase on ``end`` counts.
    time_unit : {"D", "W"}, default "D"
        Unit of ``recency`` and ``T``: days, or weeks as days / 7.
    start : date-like, optional
        Ignore purchases before this day; a customer's first purchase is then the
        first one on or after ``start``.
    include_zero_revenue : bool, default False
        Also count completed orders with revenue 0 (free items) as purchases. The
        published CDNOW numbers do: 8 customers of the 2,357-customer sample have a
        single order with revenue 0. Negative revenue never counts.

    Returns
    -------
    DataFrame
        Shape (n_customers, 5): one row per customer with at least one purchase in
        the window, indexed by ``customer_id`` in order of first appearance in
        ``orders``; columns

        - ``frequency`` (int): number of repeat purchase days (purchase days - 1)
        - ``recency`` (float): time from the first to the last purchase day
        - ``T`` (float): time from the first purchase day to ``end``
        - ``monetary_value`` (float): mean revenue of the repeat purchase days
          (the first purchase day excluded); 0 when ``frequency`` is 0
        - ``first_purchase`` (datetime64[s]): the first purchase day

        ``attrs["time_unit"]`` records ``time_unit``.

    See Also
    --------
    btyd_holdout : the same summary plus the purchases in a later holdout period.
    crmkit.data.purchases.rfm_table : recency/frequency/monetary in whole days for segmentation.

    Examples
    --------
    >>> o = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2025-01-01 10:00", "2025-01-08 09:00",
    ...                                   "2025-01-08 17:00", "2025-01-15 12:00",
    ...                                   "2025-01-10 08:00"]),
    ...     "revenue": [10.0, 20.0, 5.0, 30.0, 7.0]})
    >>> btyd_summary(o, as_of="2025-01-15", time_unit="W")
                 frequency  recency         T  monetary_value first_purchase
    customer_id
    a                    2      2.0  2.000000            27.5     2025-01-01
    b                    0      0.0  0.714286             0.0     2025-01-10
    """
    unit_days = _unit_days(time_unit)
    end_day = _day_number(as_of)
    codes, uniques, day, revenue = _purchase_rows(
        orders, include_zero_revenue=include_zero_revenue, end_day=end_day,
        start_day=None if start is None else _day_number(start))
    present, first, last, frequency, repeat_revenue = _summary_arrays(
        codes, len(uniques), day, revenue)
    out = _frame(uniques, present, first, last, frequency, repeat_revenue, end_day, unit_days)
    out.attrs["time_unit"] = time_unit
    return out


def btyd_holdout(
    orders: pd.DataFrame,
    *,
    calibration_end,
    as_of,
    time_unit: str = "D",
    include_zero_revenue: bool = False,
) -> pd.DataFrame:
    """Summarise a calibration period and count each customer's purchases in a holdout.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (see :func:`btyd_summary` for which rows are purchases).
    calibration_end : date-like
        Last day of the calibration period (inclusive).
    as_of : date-like
        Last day of the holdout period (inclusive); the holdout is the days in
        (``calibration_end``, ``observation_end``].
    time_unit : {"D", "W"}, default "D"
        Unit of ``recency``, ``T`` and ``duration_holdout``.
    include_zero_revenue : bool, default False
        Count completed orders with revenue 0 as purchases (see :func:`btyd_summary`).

    Returns
    -------
    DataFrame
        Shape (n_customers, 8): the rows and columns of
        ``btyd_summary(orders, end=calibration_end, ...)`` (customers first seen in
        the holdout are not included) plus

        - ``frequency_holdout`` (int): purchase days in the holdout
        - ``monetary_value_holdout`` (float): mean revenue of those days, 0 if none
        - ``duration_holdout`` (float): length of the holdout in ``time_unit``

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-05",
    ...                                                 "2025-01-20", "2025-01-25"]),
    ...                   "revenue": [10.0, 20.0, 5.0, 7.0]})
    >>> h = btyd_holdout(o, calibration_end="2025-01-10", as_of="2025-01-31")
    >>> h[["frequency", "frequency_holdout", "duration_holdout"]]
                 frequency  frequency_holdout  duration_holdout
    customer_id
    a                    1                  1              21.0
    """
    unit_days = _unit_days(time_unit)
    cal_day, obs_day = _day_number(calibration_end), _day_number(as_of)
    if obs_day < cal_day:
        raise ValueError(
            f"observation_end ({as_of}) is before calibration_end ({calibration_end})")
    codes, uniques, day, revenue = _purchase_rows(
        orders, include_zero_revenue=include_zero_revenue, end_day=obs_day)
    in_cal = day <= cal_day
    present, first, last, frequency, repeat_revenue = _summary_arrays(
        codes[in_cal], len(uniques), day[in_cal], revenue[in_cal])
    out = _frame(uniques, present, first, last, frequency, repeat_revenue, cal_day, unit_days)

    position = np.full(len(uniques), -1, dtype=np.int64)
    position[present] = np.arange(len(present))
    in_hold = ~in_cal
    pos = position[codes[in_hold]]
    mine = pos >= 0
    pos, hday, hrev = pos[mine], day[in_hold][mine], revenue[in_hold][mine]
    hcode, _ = _distinct_days(pos, hday)
    n_hold = np.bincount(hcode, minlength=len(present))
    rev_hold = np.bincount(pos, weights=hrev, minlength=len(present))
    out["frequency_holdout"] = n_hold.astype(np.int64)
    out["monetary_value_holdout"] = np.where(n_hold > 0, rev_hold / np.maximum(n_hold, 1), 0.0)
    out["duration_holdout"] = (obs_day - cal_day) / unit_days
    out.attrs["time_unit"] = time_unit
    return out


# --------------------------------------------------------------------------- fit helpers
def _examples(summary: pd.DataFrame, bad: np.ndarray, columns) -> str:
    rows = summary.loc[bad, list(columns)].head(3)
    return "; ".join(f"{idx!r}: {dict(row)}" for idx, row in rows.iterrows())


def _rfm(summary, *, weights=None, what="summary"):
    """Validated float arrays x, t_x, T and weights from a BTYD summary frame."""
    if not isinstance(summary, pd.DataFrame):
        raise ValueError(f"{what} must be a DataFrame from crmkit.analysis.clv.btyd_summary")
    missing = [c for c in _SUMMARY_COLUMNS if c not in summary.columns]
    if missing:
        raise ValueError(
            f"{what} needs columns frequency, recency and T (build it with "
            f"crmkit.analysis.clv.btyd_summary); missing {missing}")
    x = summary["frequency"].to_numpy(dtype=np.float64, na_value=np.nan)
    t = summary["recency"].to_numpy(dtype=np.float64, na_value=np.nan)
    T = summary["T"].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(x) & np.isfinite(t) & np.isfinite(T))
        bad |= (x < 0) | (x != np.round(x)) | (t < 0) | (t > T * (1 + 1e-12) + 1e-12)
    if bad.any():
        raise ValueError(
            f"{what}: {int(bad.sum())} rows have invalid values (expected a whole "
            f"frequency >= 0 and 0 <= recency <= T), e.g. {_examples(summary, bad, _SUMMARY_COLUMNS)}")
    t = np.minimum(t, T)
    if weights is None:
        w = np.ones(len(x))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != x.shape or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights must be {len(x)} finite non-negative numbers")
    return x, t, T, w


class _Compressed:
    """Distinct (x, t_x, T) rows with summed weights, plus the distinct values of each.

    Customers with the same frequency, recency and age share a likelihood term; on a
    day grid this collapses most zero-repeat customers and many others, and every
    function of a single column (log(alpha + T), gammaln(r + x), ...) is evaluated
    once per distinct value.
    """

    def __init__(self, x, t, T, w):
        keep = w > 0
        x, t, T, w = x[keep], t[keep], T[keep], w[keep]
        kx, self.ux = pd.factorize(x, sort=True)
        kt, self.ut = pd.factorize(t, sort=True)
        kT, self.uT = pd.factorize(T, sort=True)
        nx, nt, nT = len(self.ux), len(self.ut), len(self.uT)
        if nx * nt * nT < 2**62:
            key = (kx.astype(np.int64) * nt + kt) * nT + kT
            rows, inv = np.unique(key, return_inverse=True)
            self.ix, rest = np.divmod(rows, nt * nT)
            self.it, self.iT = np.divmod(rest, nT)
        else:  # pragma: no cover - needs > 2**20 distinct values in every column
            rows, inv = np.unique(np.c_[kx, kt, kT], axis=0, return_inverse=True)
            self.ix, self.it, self.iT = rows.T
        self.w = np.bincount(inv.ravel(), weights=w)
        self.x = self.ux[self.ix]
        self.total = float(w.sum())


_BLAS_CONTROLLER = []


def _one_blas_thread():
    """Context limiting BLAS to one thread.

    L-BFGS-B calls BLAS/LAPACK on 4x4 matrices; a multi-threaded OpenBLAS spinning up
    its threads for them made each iteration about 100 times slower on a busy machine.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    if not _BLAS_CONTROLLER:
        _BLAS_CONTROLLER.append(ThreadpoolController())
    return _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")


def _minimize(fun, theta0, *, bounds, max_iter, name):
    with _one_blas_thread():
        res = minimize(fun, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": max_iter, "ftol": 1e-14, "gtol": 1e-9, "maxcor": 20})
    # with these tight tolerances L-BFGS-B often ends with "ABNORMAL_TERMINATION_IN_LNSRCH"
    # at the optimum, when no step improves the mean log-likelihood in its last digits:
    # judge convergence by the gradient instead
    res.converged = bool(res.success or np.max(np.abs(res.jac)) < 1e-6)
    at_bound = np.any(np.isclose(res.x, [b[0] for b in bounds]) | np.isclose(
        res.x, [b[1] for b in bounds]))
    if not res.converged or at_bound:
        warnings.warn(f"{name}: the fit did not converge to an interior optimum "
                      f"({res.message}; log parameters {np.round(res.x, 3).tolist()})",
                      RuntimeWarning, stacklevel=4)
    return res


def _hessian(grad, theta, h=1e-4):
    """Central-difference Hessian of a function given its gradient."""
    k = len(theta)
    H = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = h
        H[i] = (grad(theta + e) - grad(theta - e)) / (2 * h)
    return (H + H.T) / 2


def _subsample(w: np.ndarray, k: int) -> np.ndarray:
    """Deterministic stratified subsample of about k customers, as new row weights."""
    cum = np.cumsum(w)
    pick = np.searchsorted(cum, (np.arange(k) + 0.5) * (cum[-1] / k), side="right")
    return np.bincount(np.minimum(pick, len(w) - 1), minlength=len(w)).astype(np.float64)


def _log1mexp(d):
    """log(1 - exp(d)) for d <= 0, accurate near 0 and for very negative d."""
    d = np.minimum(d, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(d > -0.6931471805599453, np.log(-np.expm1(d)), np.log1p(-np.exp(d)))


def _series(values, summary, name):
    return pd.Series(values, index=summary.index, name=name)


class _Model(BaseEstimator):
    """Shared estimator plumbing: scikit-learn conventions, repr, fitted check, parameter table.

    As every crmkit model: ``__init__`` stores settings only, ``get_params`` /
    ``set_params`` work, ``fit`` returns the model, fitted attributes end in ``_`` and
    a method that needs a fit raises :class:`sklearn.exceptions.NotFittedError` before.
    """

    _param_names: tuple[str, ...] = ()

    def __init__(self, *, initial_params: dict | None = None, max_iter: int = 1000):
        self.initial_params = initial_params
        self.max_iter = max_iter

    def __repr__(self) -> str:
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"{name}()"
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return (f"{name}({ps}; fitted on {self.n_customers_:,.0f} customers, "
                f"log-likelihood {self.log_likelihood_:,.2f})")

    def _check_fitted(self, summary=None):
        if not hasattr(self, "params_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(summary)")
        fitted = getattr(self, "time_unit_", None)
        unit = None if summary is None else summary.attrs.get("time_unit")
        if fitted and unit and fitted != unit:
            raise ValueError(f"the model was fitted on a summary in time unit {fitted!r} but "
                             f"this summary is in {unit!r}; use the same time_unit")

    def _theta0(self, default: dict) -> np.ndarray:
        start = dict(default)
        if self.initial_params:
            unknown = set(self.initial_params) - set(self._param_names)
            if unknown:
                raise ValueError(f"initial_params has unknown keys {sorted(unknown)}")
            start.update(self.initial_params)
        return np.log([float(start[k]) for k in self._param_names])

    def _fit(self, summary, weights):
        """Maximise the log-likelihood: shared by the three models' ``fit``."""
        objective, n = self._objective(summary, weights)
        theta0 = self._theta0(self._default_start(objective))
        bounds = [(-20.0, 20.0)] * len(theta0)
        if objective.n_rows > 50_000 and not self.initial_params:
            # start from a fit on a stratified subsample: far fewer full-data iterations
            sub = objective.subsample(20_000)
            theta0 = _minimize(sub, theta0, bounds=bounds, max_iter=self.max_iter,
                               name=type(self).__name__).x
        res = _minimize(objective, theta0, bounds=bounds, max_iter=self.max_iter,
                        name=type(self).__name__)
        nll, _ = objective(res.x)
        self.params_ = {k: float(v) for k, v in zip(self._param_names, np.exp(res.x))}
        self.log_likelihood_ = float(-nll * objective.total)
        self.n_customers_ = float(n)
        self.n_iter_ = int(res.nit)
        self.converged_ = res.converged
        return self

    def summary_frame(self, summary: pd.DataFrame, *, weights=None) -> pd.DataFrame:
        """Return the fitted parameters with standard errors.

        Standard errors come from the observed information: a central-difference
        Hessian of the log-likelihood (of its gradient) in log parameters, mapped back
        with the delta method, se(θ) = θ · se(log θ).

        Parameters
        ----------
        summary : DataFrame
            The summary the model was fitted on.
        weights : array-like of shape (n_customers,), optional
            The weights it was fitted with.

        Returns
        -------
        DataFrame
            Index ``parameter`` (the names in ``params_``); columns ``estimate``,
            ``std_error``, ``lower_95``, ``upper_95`` (a Wald interval on the log
            scale, so it stays positive).
        """
        self._check_fitted(summary)
        objective, _ = self._objective(summary, weights)
        theta = np.log([self.params_[k] for k in self._param_names])
        H = _hessian(lambda th: objective(th)[1] * objective.total, theta)
        with np.errstate(invalid="ignore"):
            se_log = np.sqrt(np.diag(np.linalg.pinv(H)))
        est = np.exp(theta)
        return pd.DataFrame(
            {
                "estimate": est,
                "std_error": est * se_log,
                "lower_95": est * np.exp(-1.959963984540054 * se_log),
                "upper_95": est * np.exp(1.959963984540054 * se_log),
            },
            index=pd.Index(self._param_names, name="parameter"),
        )


def _as_times(t) -> np.ndarray:
    ts = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if ts.ndim != 1 or not np.all(np.isfinite(ts)) or np.any(ts < 0):
        raise ValueError(f"t must be a finite time >= 0 (or a 1-d array of them), got {t!r}")
    return ts


def _pairs(x, T):
    """Distinct (x, T) pairs: (x_u, T_u, inverse index)."""
    kx, ux = pd.factorize(x, sort=False)
    kT, uT = pd.factorize(T, sort=False)
    key = kx.astype(np.int64) * len(uT) + kT
    kp, up = pd.factorize(key, sort=False)
    return ux[up // len(uT)], uT[up % len(uT)], kp


# --------------------------------------------------------------------------- transaction models
class _TransactionModel(_Model):
    """What BG/NBD and Pareto/NBD share: fitting on a summary and the predictions.

    Subclasses supply ``_objective``, ``_expected_alive(x, T, ts)`` (expected purchases
    in each window of ``ts`` for a customer alive at ``T``) and
    ``_conditional_expected(x, t, T, ts)`` (the same weighted by P(alive)).
    """

    def fit(self, summary: pd.DataFrame, *, weights=None):
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency``, ``recency`` and ``T``
            (from :func:`btyd_summary`).
        weights : array-like of shape (n_customers,), optional
            Number of customers each row stands for (e.g. a pre-aggregated summary).

        Returns
        -------
        self
            Fitted.
        """
        self.time_unit_ = summary.attrs.get("time_unit")
        return self._fit(summary, weights)

    def predict_purchases(self, summary: pd.DataFrame, *, t: float) -> pd.Series:
        """Return each customer's expected number of purchases in the next ``t`` time units.

        E[Y(t) | x, t_x, T] (BG/NBD: FHL 2005, eq. 10, computed with Euler's
        transformation of the hypergeometric function so that large frequencies do not
        overflow; Pareto/NBD: the closed form times P(alive)).

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency``, ``recency``, ``T``.
        t : float
            Length of the future period, in the summary's time unit.

        Returns
        -------
        Series
            ``expected_purchases``, shape (n_customers,), aligned to ``summary.index``.
        """
        self._check_fitted(summary)
        ts = _as_times(t)
        if len(ts) != 1:
            raise ValueError("t must be a single number; for several horizons call once per t")
        x, tx, T, _ = _rfm(summary)
        return _series(self._conditional_expected(x, tx, T, ts)[:, 0], summary,
                       "expected_purchases")

    def expected_purchases_new_customer(self, t):
        """Return E[X(t)], the expected repeat purchases of a new customer in (0, t].

        Parameters
        ----------
        t : float or array-like of shape (k,)
            Time since the first purchase, in the fitted time unit.

        Returns
        -------
        float or ndarray of shape (k,)
        """
        self._check_fitted()
        ts = _as_times(t)
        e = self._expected_alive(np.zeros(1), np.zeros(1), ts)[0]
        return float(e[0]) if np.ndim(t) == 0 else e

    def expected_purchases_population(self, summary: pd.DataFrame, *, t):
        """Return the expected cumulative repeat purchases of the whole cohort.

        The sum over customers of E[X(T_i + t)]: each customer's unconditional
        expectation from their first purchase until ``t`` after the summary's end (FHL
        2005's tracking plot of cumulative repeat transactions). At ``t = 0`` it is the
        model's fit to ``summary["frequency"].sum()``; the difference between two
        values is the cohort's expected purchases in between, before looking at
        individual histories (compare :meth:`predict_purchases`).

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``T`` (the other columns are not used).
        t : float or array-like of shape (k,)
            Time after the end of the summary, in its time unit.

        Returns
        -------
        float or ndarray of shape (k,)
        """
        self._check_fitted(summary)
        ts = _as_times(t)
        Tu, counts = np.unique(summary["T"].to_numpy(dtype=np.float64), return_counts=True)
        ages = (Tu[:, None] + ts[None, :]).ravel()
        e = self._expected_alive(np.zeros(1), np.zeros(1), ages)[0].reshape(len(Tu), len(ts))
        total = counts @ e
        return float(total[0]) if np.ndim(t) == 0 else total


# --------------------------------------------------------------------------- BG/NBD
class BetaGeoModel(_TransactionModel):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

    While alive a customer buys at rate λ ~ Gamma(r, α); after each repeat purchase
    they drop out with probability p ~ Beta(a, b).

    Parameters
    ----------
    initial_params : dict, optional
        Starting values for some of ``r, alpha, a, b`` (default: r = a = b = 1 and α
        matching the mean purchase rate).
    max_iter : int, default 1000
        Maximum number of L-BFGS-B iterations.

    Attributes
    ----------
    params_ : dict
        Fitted ``r``, ``alpha`` (in the summary's time unit), ``a``, ``b``.
    log_likelihood_ : float
        Maximised total log-likelihood (the number reported in the literature).
    n_customers_ : float
        Number (total weight) of customers fitted.
    n_iter_ : int
        Optimizer iterations.
    converged_ : bool
        Whether the optimizer stopped where the gradient of the mean log-likelihood
        vanishes (|g| < 1e-6); a ``RuntimeWarning`` is raised otherwise.
    time_unit_ : str or None
        ``summary.attrs["time_unit"]`` of the fitted summary, if set.

    Notes
    -----
    The likelihood (FHL 2005, eq. 6) is maximised over log parameters with L-BFGS-B
    and the analytic gradient. Customers with identical (frequency, recency, T) are
    aggregated into one weighted row (on a day grid this collapses most of a large
    customer base, in particular all one-time buyers of the same age), and every
    function of one column alone (ln Γ(r+x), ln(α+T), ...) is evaluated once per
    distinct value. With more than 50,000 distinct rows a fit on a deterministic
    stratified subsample of 20,000 customers provides the starting point (the same
    optimum is reached, in fewer full-data iterations). The same machinery serves
    :class:`ParetoNBDModel` and :class:`GammaGammaModel`.

    Examples
    --------
    >>> from crmkit.data.bundled import load_cdnow
    >>> cal = btyd_summary(load_cdnow("sample").orders, as_of="1997-09-30", time_unit="W",
    ...                    include_zero_revenue=True)
    >>> bg = BetaGeoModel().fit(cal)
    >>> round(bg.log_likelihood_, 1)
    -9582.4
    >>> bg.predict_purchases(cal, t=39).head(3).round(3)
    customer_id
    00004    1.226
    00021    0.203
    00050    0.195
    Name: expected_purchases, dtype: float64
    """

    _param_names = ("r", "alpha", "a", "b")

    def _objective(self, summary, weights):
        x, t, T, w = _rfm(summary, weights=weights)
        if not np.any((x > 0) & (w > 0)):
            raise ValueError("summary has no repeat customers (frequency > 0); cannot fit BG/NBD")
        data = _Compressed(x, t, T, w)
        return _BGNBDObjective(data, data.w), data.total

    @staticmethod
    def _default_start(objective):
        return {"r": 1.0, "alpha": 1.0 / max(objective.rate, 1e-9), "a": 1.0, "b": 1.0}

    # predictions ---------------------------------------------------------------------
    def _log_odds_dead(self, x, t, T):
        """log( P(dead) / P(alive) ) given x, t_x, T; -inf for x = 0."""
        p = self.params_
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        out = np.full(len(x), -np.inf)
        pos = x > 0
        xp = x[pos]
        out[pos] = (np.log(a) - np.log(b + xp - 1)
                    + (r + xp) * (np.log(alpha + T[pos]) - np.log(alpha + t[pos])))
        return out

    def _expected_alive(self, x, T, ts):
        """E[Y(t)] for a customer known to be alive at T: shape (len(x), len(ts)).

        With x = T = 0 this is E[X(t)] of a new customer (FHL 2005, eq. 9).
        """
        p = self.params_
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        xu, Tu, inv = _pairs(x, T)
        z = ts[None, :] / (alpha + Tu[:, None] + ts[None, :])
        c = a + b + xu[:, None] - 1
        # Euler's transformation of FHL (2005) eq. 10:
        # (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)
        h = np.exp((a - 1) * np.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, c, z)
        e = c / (a - 1) * (1 - h)
        return e[inv]

    def _conditional_expected(self, x, t, T, ts):
        """FHL (2005) eq. 10, E[Y(t) | x, t_x, T], with Euler's transformation of 2F1."""
        alive = 1.0 / (1.0 + np.exp(self._log_odds_dead(x, t, T)))
        return self._expected_alive(x, T, ts) * alive[:, None]

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Return each customer's probability of being alive at the end of the summary.

        P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a / (b + x - 1) · ((α + T) / (α + t_x))^(r+x));
        1 for customers without repeat purchases (in the BG/NBD a customer can only
        drop out right after a repeat purchase).

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency``, ``recency``, ``T``.

        Returns
        -------
        Series
            ``probability_alive``, shape (n_customers,), aligned to ``summary.index``.
        """
        self._check_fitted(summary)
        x, t, T, _ = _rfm(summary)
        return _series(1.0 / (1.0 + np.exp(self._log_odds_dead(x, t, T))), summary,
                       "probability_alive")


class _BGNBDObjective:
    """Mean negative log-likelihood of the BG/NBD and its gradient in log parameters.

    LL_i = ln Γ(r+x) - ln Γ(r) + r ln α + ln B(a, b+x) - ln B(a, b)
           - (r+x) ln(α+T) + δ(x>0) softplus(Δ),
    Δ = ln a - ln(b+x-1) - (r+x) (ln(α+t_x) - ln(α+T)),
    i.e. FHL (2005) eq. 6 with ln(e^A + e^B) written as A + softplus(B - A).
    """

    def __init__(self, data: _Compressed, w: np.ndarray):
        self.data = data
        self.n_rows = int(np.count_nonzero(w))
        keep = w > 0
        ix, it, iT, x, w = data.ix[keep], data.it[keep], data.iT[keep], data.x[keep], w[keep]
        self.rate = float((w @ x) / (w @ np.maximum(data.uT[iT], 1e-9)))
        self.ux, self.ut, self.uT = data.ux, data.ut, data.uT
        nx, nT = len(data.ux), len(data.uT)
        self.total = float(w.sum())
        self.Wx = np.bincount(ix, weights=w, minlength=nx)
        self.WT = np.bincount(iT, weights=w, minlength=nT)
        self.WxT = np.bincount(iT, weights=w * x, minlength=nT)
        pos = x > 0
        self.ix, self.it, self.iT, self.x, self.w = ix[pos], it[pos], iT[pos], x[pos], w[pos]
        self.xpos = self.ux > 0

    def subsample(self, k: int) -> _BGNBDObjective:
        return _BGNBDObjective(self.data, _subsample(self.data.w, k))

    def __call__(self, theta):
        r, alpha, a, b = np.exp(theta)
        ux, Wx = self.ux, self.Wx
        # terms depending on x only, evaluated once per distinct x
        ll = Wx @ (gammaln(r + ux) + betaln(a, b + ux) + r * np.log(alpha)) - self.total * (
            gammaln(r) + betaln(a, b))
        g_r = Wx @ (digamma(r + ux) + np.log(alpha)) - self.total * digamma(r)
        g_al = self.total * r / alpha
        psi_ab = digamma(a + b)
        g_a = Wx @ (psi_ab - digamma(a + b + ux))
        g_b = Wx @ (digamma(b + ux) - digamma(a + b + ux) + psi_ab) - self.total * digamma(b)
        # -(r+x) ln(alpha+T), summed per distinct T
        LT = np.log(alpha + self.uT)
        iTinv = 1.0 / (alpha + self.uT)
        ll -= LT @ (r * self.WT + self.WxT)
        g_r -= LT @ self.WT
        g_al -= iTinv @ (r * self.WT + self.WxT)
        # softplus(Δ) for customers with repeat purchases
        Lt = np.log(alpha + self.ut)
        itinv = 1.0 / (alpha + self.ut)
        xp = self.ux[self.xpos]
        c0 = np.zeros(len(ux))
        c0[self.xpos] = np.log(a) - np.log(b + xp - 1)
        rx = r + self.x
        diff = Lt[self.it] - LT[self.iT]
        delta = c0[self.ix] - rx * diff
        e = np.exp(-np.abs(delta))
        softplus = np.maximum(delta, 0.0) + np.log1p(e)
        sig = np.where(delta >= 0, 1.0, e) / (1.0 + e)
        w = self.w
        ws = w * sig
        ll += w @ softplus
        g_r -= ws @ diff
        g_al -= (ws * rx) @ (itinv[self.it] - iTinv[self.iT])
        sx = np.bincount(self.ix, weights=ws, minlength=len(ux))[self.xpos]
        g_a += sx.sum() / a
        g_b -= sx @ (1.0 / (b + xp - 1))
        grad = np.array([g_r * r, g_al * alpha, g_a * a, g_b * b])
        return -ll / self.total, -grad / self.total


# --------------------------------------------------------------------------- Pareto/NBD
_GL_NODES, _GL_WEIGHTS = roots_legendre(96)


def _log_2f1_tail(k, e, z):
    """ln 2F1(e, k; k+1; z) = ln[k ∫_0^∞ exp(-k y) (1 - z exp(-y))^(-e) dy], 0 < z < 1.

    Fallback for the few arguments where scipy's hyp2f1 returns inf/nan (large k with
    z within ~1e-3 of 1). The substitution y = ε(exp(u) - 1), ε = (1 - z) / z, spreads
    the peak of width ε at y = 0 and the exp(-k y) cut-off over u, where 96-point
    Gauss-Legendre is accurate to ~1e-12 (checked against adaptive quadrature).
    """
    k, e, z = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (k, e, z)))
    eps = (1.0 - z) / z
    upper = np.log1p(60.0 / (k * eps))
    u = 0.5 * upper[:, None] * (_GL_NODES + 1.0)
    y = eps[:, None] * np.expm1(u)
    log_f = (np.log(k)[:, None] - k[:, None] * y
             - e[:, None] * np.log(-np.expm1(np.log(z)[:, None] - y))
             + np.log(eps)[:, None] + u)
    top = log_f.max(axis=1)
    return top + np.log(np.exp(log_f - top[:, None]) @ _GL_WEIGHTS) + np.log(0.5 * upper)


def _pnbd_log_G(r, alpha, s, beta, x, t, ge):
    """ln of the bounded hypergeometric factor of F(t) (see ``_pnbd_log_F``).

    ``ge`` selects the α >= β form; both forms are valid for any α, β (z < 1), so the
    form can be held fixed while differentiating across α = β.
    """
    k = r + s + x
    if ge:
        z = (alpha - beta) / (alpha + t)
        out = np.log(hyp2f1(1.0, r + x, k + 1, z))
    else:
        z = (beta - alpha) / (beta + t)
        out = np.log(hyp2f1(1.0, s + 1, k + 1, z))
    bad = ~np.isfinite(out) & (z > 0)
    if bad.any():
        kb, zb = k[bad], z[bad]
        if ge:
            out[bad] = s * np.log1p(-zb) + _log_2f1_tail(kb, s + 1 + 0 * kb, zb)
        else:
            out[bad] = (r + x[bad] - 1) * np.log1p(-zb) + _log_2f1_tail(kb, r + x[bad], zb)
    return out


def _pnbd_log_F(r, alpha, s, beta, x, t, *, with_grad=False):
    """ln F(t), the Fader-Hardie (2005) A0 building block: A0 = F(t_x) - F(T).

    F(t) = 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+t)) / (α+t)^(r+s+x)   for α >= β,
    F(t) = 2F1(r+s+x, r+x; r+s+x+1; (β-α)/(β+t)) / (β+t)^(r+s+x)   for α < β.
    Euler's transformation leaves a 2F1(1, ·; ·; z) with 0 <= z < 1 that stays
    between 1 and a modest bound, and puts the large powers into logs:
    α >= β: ln F = -s ln(β+t) - (r+x) ln(α+t) + ln 2F1(1, r+x; r+s+x+1; z),
    α < β:  ln F = -(s+1) ln(β+t) - (r+x-1) ln(α+t) + ln 2F1(1, s+1; r+s+x+1; z).
    Where scipy's hyp2f1 still fails (z within ~1e-3 of 1 with large x) the integral
    form is used instead (``_log_2f1_tail``).

    With ``with_grad`` also returns the gradient in (ln r, ln α, ln s, ln β), shape
    (4, n): analytic for the powers, central differences for the bounded ln 2F1.
    """
    x, t = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64))
    ge = alpha >= beta
    la, lb = np.log(alpha + t), np.log(beta + t)
    ra = r + x if ge else r + x - 1
    sb = s if ge else s + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -sb * lb - ra * la + _pnbd_log_G(r, alpha, s, beta, x, t, ge)
        if not with_grad:
            return out
        grad = np.stack([-r * la, -alpha * ra / (alpha + t), -s * lb, -beta * sb / (beta + t)])
        theta, h = np.log([r, alpha, s, beta]), 1e-5
        for i in range(4):
            up, down = theta.copy(), theta.copy()
            up[i] += h
            down[i] -= h
            grad[i] += (_pnbd_log_G(*np.exp(up), x, t, ge)
                        - _pnbd_log_G(*np.exp(down), x, t, ge)) / (2 * h)
    return out, grad


class _PNBDObjective:
    """Mean negative log-likelihood of the Pareto/NBD and its gradient in log parameters.

    LL_i = ln C(x) + ln[exp(lP1) + exp(lA)] with (Fader & Hardie 2005 note, eq. 22)
    ln C(x) = ln Γ(r+x) - ln Γ(r) + r ln α + s ln β,
    lP1 = -(r+x) ln(α+T) - s ln(β+T)                  (alive at T),
    lA = ln(s/(r+s+x)) + ln(F(t_x) - F(T))           (died in (t_x, T]).
    F is evaluated once per distinct (x, t_x) and (x, T) pair, and per-row gradient
    terms are summed per pair with bincount before meeting the pair derivatives.
    """

    def __init__(self, x, t, T, w, data=None):
        self.data = data
        self.w = w
        self.total = float(w.sum())
        self.n_rows = len(w)
        self.rate = float((w @ x) / (w @ np.maximum(T, 1e-9)))
        self.mean_T = float((w @ T) / self.total)
        self.xt_x, self.xt_t, self.ixt = _pairs(x, t)
        self.xT_x, self.xT_T, self.ixT = _pairs(x, T)
        self.ix, self.ux = pd.factorize(x, sort=False)
        self.Wx = np.bincount(self.ix, weights=w, minlength=len(self.ux))

    @classmethod
    def from_compressed(cls, data: _Compressed, w: np.ndarray) -> _PNBDObjective:
        keep = w > 0
        return cls(data.x[keep], data.ut[data.it[keep]], data.uT[data.iT[keep]], w[keep], data)

    def subsample(self, k: int) -> _PNBDObjective:
        return _PNBDObjective.from_compressed(self.data, _subsample(self.data.w, k))

    def row_terms(self, r, alpha, s, beta, *, with_grad=False):
        """Per-row lP1 and lA (see the class docstring), and pair-level gradients."""
        with np.errstate(divide="ignore", invalid="ignore"):
            Ft = _pnbd_log_F(r, alpha, s, beta, self.xt_x, self.xt_t, with_grad=with_grad)
            FT = _pnbd_log_F(r, alpha, s, beta, self.xT_x, self.xT_T, with_grad=with_grad)
            lFt, lFT = (Ft[0], FT[0]) if with_grad else (Ft, FT)
            la, lb = np.log(alpha + self.xT_T), np.log(beta + self.xT_T)
            lP1 = -(r + self.xT_x) * la - s * lb
            ls = np.log(s) - np.log(r + s + self.ux)
            delta = lFT[self.ixT] - lFt[self.ixt]
            lA = ls[self.ix] + lFt[self.ixt] + _log1mexp(delta)
            lP1_rows = lP1[self.ixT]
        if not with_grad:
            return lP1_rows, lA
        rsx = r + s + self.ux
        pair_grads = {
            "P1": np.stack([-r * la, -alpha * (r + self.xT_x) / (alpha + self.xT_T), -s * lb,
                            -beta * s / (beta + self.xT_T)]),
            "ls": np.stack([-r / rsx, 0 * rsx, 1 - s / rsx, 0 * rsx]),
            "Ft": Ft[1],
            "FT": FT[1],
        }
        return lP1_rows, lA, delta, pair_grads

    def __call__(self, theta):
        r, alpha, s, beta = np.exp(theta)
        lC = gammaln(r + self.ux) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        dC = np.stack([r * (digamma(r + self.ux) - digamma(r) + np.log(alpha)),
                       r + 0 * self.ux, s * np.log(beta) + 0 * self.ux, s + 0 * self.ux])
        lP1, lA, delta, g = self.row_terms(r, alpha, s, beta, with_grad=True)
        L = np.logaddexp(lP1, lA)
        ll = self.Wx @ lC + self.w @ L
        if not np.isfinite(ll):
            return 1e300, np.zeros(4)
        w1 = self.w * np.exp(lP1 - L)
        w2 = self.w * np.exp(lA - L)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(w2 > 0, w2 / np.expm1(-delta), 0.0)  # d ln(1 - e^Δ)/dΔ = -1/expm1(-Δ)
        nT, nt = g["FT"].shape[1], g["Ft"].shape[1]
        grad = (dC @ self.Wx
                + g["P1"] @ np.bincount(self.ixT, weights=w1, minlength=nT)
                + g["ls"] @ np.bincount(self.ix, weights=w2, minlength=len(self.ux))
                + g["Ft"] @ np.bincount(self.ixt, weights=w2 + q, minlength=nt)
                - g["FT"] @ np.bincount(self.ixT, weights=q, minlength=nT))
        return -ll / self.total, -grad / self.total


class ParetoNBDModel(_TransactionModel):
    """Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys at rate λ ~ Gamma(r, α); lifetimes are exponential
    with rate μ ~ Gamma(s, β).

    Parameters
    ----------
    initial_params : dict, optional
        Starting values for some of ``r, alpha, s, beta``.
    max_iter : int, default 1000
        Maximum number of L-BFGS-B iterations.

    Attributes
    ----------
    params_ : dict
        Fitted ``r``, ``alpha``, ``s``, ``beta`` (α and β in the summary's time unit).
    log_likelihood_ : float
        Maximised total log-likelihood.
    n_customers_, n_iter_, converged_
        As in :class:`BetaGeoModel`.

    Notes
    -----
    The likelihood is eq. 22 of Fader & Hardie's (2005) note, with both of its A0
    cases (α >= β and α < β) computed in log space after Euler's transformation of
    the hypergeometric terms (see ``_pnbd_log_F``), so no power or 2F1 can overflow.
    2F1 is evaluated once per distinct (x, t_x) and (x, T) pair. The gradient is
    analytic except for the bounded ln 2F1 factors, which are differentiated by
    central differences per distinct pair.

    Examples
    --------
    >>> from crmkit.data.bundled import load_cdnow
    >>> cal = btyd_summary(load_cdnow("sample").orders, as_of="1997-09-30", time_unit="W",
    ...                    include_zero_revenue=True)
    >>> pnbd = ParetoNBDModel().fit(cal)
    >>> {k: round(v, 2) for k, v in pnbd.params_.items()}
    {'r': 0.55, 'alpha': 10.58, 's': 0.61, 'beta': 11.67}
    """

    _param_names = ("r", "alpha", "s", "beta")

    def _objective(self, summary, weights):
        x, t, T, w = _rfm(summary, weights=weights)
        if not np.any((x > 0) & (w > 0)):
            raise ValueError(
                "summary has no repeat customers (frequency > 0); cannot fit Pareto/NBD")
        data = _Compressed(x, t, T, w)
        return _PNBDObjective.from_compressed(data, data.w), data.total

    @staticmethod
    def _default_start(objective):
        return {"r": 0.5, "alpha": 0.5 / max(objective.rate, 1e-9), "s": 0.5,
                "beta": max(objective.mean_T, 1e-9)}

    def _log_alive(self, x, t, T):
        p = self.params_
        terms = _PNBDObjective(x, t, T, np.ones(len(x)))
        lP1, lA = terms.row_terms(p["r"], p["alpha"], p["s"], p["beta"])
        return lP1 - np.logaddexp(lP1, lA)

    def _expected_alive(self, x, T, ts):
        """(r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]; the limit ln((β+T+t)/(β+T)) at s = 1.

        With x = T = 0 this is E[X(t)] = rβ / (α(s-1)) · [1 - (β/(β+t))^(s-1)] of a new customer.
        """
        p = self.params_
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        bT = (beta + T)[:, None]
        lr = np.log1p(ts[None, :] / bT)  # ln((β+T+t)/(β+T))
        if abs(s - 1) < 1e-10:
            frac = lr
        else:
            frac = -np.expm1(-(s - 1) * lr) / (s - 1)
        return ((r + x) * (beta + T) / (alpha + T))[:, None] * frac

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Return each customer's probability of being alive at the end of the summary.

        P(alive | x, t_x, T) = L1 / (L1 + s/(r+s+x) · A0) with L1 = (α+T)^-(r+x) (β+T)^-s
        (Fader & Hardie 2005 note, eq. 18), in log space.

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency``, ``recency``, ``T``.

        Returns
        -------
        Series
            ``probability_alive``, shape (n_customers,), aligned to ``summary.index``.
        """
        self._check_fitted(summary)
        x, t, T, _ = _rfm(summary)
        return _series(np.exp(self._log_alive(x, t, T)), summary, "probability_alive")

    def _conditional_expected(self, x, t, T, ts):
        """E[Y(t) | x, t_x, T]: the expectation while alive times P(alive)."""
        return self._expected_alive(x, T, ts) * np.exp(self._log_alive(x, t, T))[:, None]


# --------------------------------------------------------------------------- Gamma-Gamma
class GammaGammaModel(_Model):
    """Gamma-Gamma model of spend per purchase (Colombo & Jiang 1999; FHL 2005).

    Each purchase of a customer is Gamma(p, ν) distributed, ν ~ Gamma(q, γ) across
    customers, independently of the purchase counts; the mean spend of x purchases
    is the sufficient statistic.

    Parameters
    ----------
    initial_params : dict, optional
        Starting values for some of ``p, q, gamma``.
    max_iter : int, default 1000
        Maximum number of L-BFGS-B iterations.

    Attributes
    ----------
    params_ : dict
        Fitted ``p``, ``q`` and ``gamma`` (lifetimes calls it ``v``).
    log_likelihood_ : float
        Maximised total log-likelihood of the customers' mean spend.
    n_customers_, n_iter_, converged_
        As in :class:`BetaGeoModel`; only customers with frequency > 0 are fitted.

    Examples
    --------
    >>> from crmkit.data.bundled import load_cdnow
    >>> cal = btyd_summary(load_cdnow("sample").orders, as_of="1997-09-30", time_unit="W")
    >>> gg = GammaGammaModel().fit(cal)
    >>> {k: round(v, 2) for k, v in gg.params_.items()}
    {'p': 6.25, 'q': 3.74, 'gamma': 15.44}
    """

    _param_names = ("p", "q", "gamma")

    def fit(self, summary: pd.DataFrame, *, weights=None) -> GammaGammaModel:
        """Fit the model on the customers with repeat purchases.

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency`` and ``monetary_value`` (mean
            spend of the repeat purchases, as in :func:`btyd_summary`). Rows with
            frequency 0 are skipped.
        weights : array-like of shape (n_customers,), optional
            Number of customers each row stands for.

        Returns
        -------
        GammaGammaModel
            self, fitted.
        """
        return self._fit(summary, weights)

    def _objective(self, summary, weights):
        x, m, w = self._xm(summary, weights=weights)
        keep = (x > 0) & (w > 0)
        if not keep.any():
            raise ValueError("summary has no repeat customers (frequency > 0); cannot fit "
                             "the Gamma-Gamma spend model")
        x, m, w = x[keep], m[keep], w[keep]
        if np.any(m <= 0):
            raise ValueError("monetary_value must be > 0 for customers with frequency > 0")
        objective = _GammaGammaObjective(x, m, w)
        return objective, objective.total

    @staticmethod
    def _default_start(objective):
        mean = objective.mean_m
        return {"p": 1.0, "q": 1.0 + max(mean**2 / max(objective.var_m, 1e-12), 1.0),
                "gamma": mean}

    @staticmethod
    def _xm(summary, *, weights=None):
        if not isinstance(summary, pd.DataFrame):
            raise ValueError("summary must be a DataFrame from crmkit.analysis.clv.btyd_summary")
        missing = [c for c in ("frequency", "monetary_value") if c not in summary.columns]
        if missing:
            raise ValueError(f"summary needs columns frequency and monetary_value; missing "
                             f"{missing}")
        x = summary["frequency"].to_numpy(dtype=np.float64, na_value=np.nan)
        m = summary["monetary_value"].to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~(np.isfinite(x) & np.isfinite(m)) | (x < 0)
        if bad.any():
            raise ValueError(f"summary: {int(bad.sum())} rows have invalid frequency or "
                             f"monetary_value, e.g. "
                             f"{_examples(summary, bad, ('frequency', 'monetary_value'))}")
        w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != x.shape or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights must be {len(x)} finite non-negative numbers")
        return x, m, w

    def predict_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Return each customer's expected spend per future purchase.

        E[M | p, q, γ, x, m̄] = (γ + x·m̄) p / (p·x + q - 1): a weighted average of the
        population mean pγ / (q - 1) and the customer's own mean m̄ (the population
        mean for customers without repeat purchases).

        Parameters
        ----------
        summary : DataFrame
            Shape (n_customers, ...) with ``frequency`` and ``monetary_value``.

        Returns
        -------
        Series
            ``expected_spend``, shape (n_customers,), aligned to ``summary.index``.
        """
        self._check_fitted()
        p, q, g = self.params_["p"], self.params_["q"], self.params_["gamma"]
        if q <= 1:
            raise ValueError(f"q = {q:.3g} <= 1: the fitted spend distribution has no finite "
                             "mean, so expected spend is undefined")
        x, m, _ = self._xm(summary)
        m = np.where(x > 0, m, 0.0)
        return _series((g + x * m) * p / (p * x + q - 1), summary, "expected_spend")


class _GammaGammaObjective:
    """Mean negative log-likelihood of the mean spend m̄ of x purchases, and gradient.

    LL_i = ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln γ + px ln(x m̄) - ln m̄ - (px+q) ln(γ + x m̄)
    (density of m̄: the sum x·m̄ is Gamma(px, ν), ν ~ Gamma(q, γ)).
    """

    def __init__(self, x, m, w):
        self.x, self.m = x, m
        self.n_rows = len(w)
        self.mean_m = float(np.average(m, weights=w))
        self.var_m = float(np.average((m - self.mean_m) ** 2, weights=w))
        kx, self.ux = pd.factorize(x, sort=True)
        self.Wx = np.bincount(kx, weights=w)
        self.total = float(w.sum())
        self.xm = x * m
        self.w = w
        self.wx = w * x
        self.c_p = self.wx @ np.log(self.xm)  # multiplies p
        self.c_0 = -(w @ np.log(m))

    def subsample(self, k: int) -> _GammaGammaObjective:
        w = _subsample(self.w, k)
        keep = w > 0
        return _GammaGammaObjective(self.x[keep], self.m[keep], w[keep])

    def __call__(self, theta):
        p, q, g = np.exp(theta)
        px = p * self.ux
        lg = np.log(g + self.xm)
        inv = 1.0 / (g + self.xm)
        ll = (self.Wx @ (gammaln(px + q) - gammaln(px)) + self.total * (q * np.log(g) - gammaln(q))
              + p * self.c_p + self.c_0 - p * (self.wx @ lg) - q * (self.w @ lg))
        g_p = self.Wx @ (self.ux * (digamma(px + q) - digamma(px))) + self.c_p - self.wx @ lg
        g_q = self.Wx @ digamma(px + q) + self.total * (np.log(g) - digamma(q)) - self.w @ lg
        g_g = self.total * q / g - p * (self.wx @ inv) - q * (self.w @ inv)
        return -ll / self.total, -np.array([g_p * p, g_q * q, g_g * g]) / self.total


# --------------------------------------------------------------------------- CLV
def customer_lifetime_value(
    transaction_model,
    spend_model: GammaGammaModel,
    summary: pd.DataFrame,
    *,
    horizon: int = 12,
    period: str = "M",
    discount_rate: float = 0.01,
    time_unit: str | None = None,
) -> pd.DataFrame:
    """Compute each customer's discounted expected revenue over a horizon.

    CLV_i = E[spend_i] · Σ_{m=1..horizon} (E[Y_i(m·L)] - E[Y_i((m-1)·L)]) / (1 + d)^m,
    where E[Y_i(t)] is the transaction model's conditional expected number of
    purchases in the next t time units, L the length of one period and d the
    discount rate per period (purchases in period m are discounted to its end).

    Parameters
    ----------
    transaction_model : BetaGeoModel or ParetoNBDModel
        Fitted on a summary in the same time unit as ``summary``.
    spend_model : GammaGammaModel
        Fitted spend model.
    summary : DataFrame
        Shape (n_customers, ...) with ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` (from :func:`btyd_summary`), as of the day the value is
        computed.
    horizon : int, default 12
        Number of periods.
    period : {"M", "W", "D", "Q", "Y"}, default "M"
        Length of one period: a month is 365.25 / 12 days, a quarter 365.25 / 4 days.
    discount_rate : float, default 0.01
        Discount rate per period (0.01 a month is about 12.7 % a year).
    time_unit : {"D", "W"}, optional
        Unit of ``recency`` and ``T``; default ``summary.attrs["time_unit"]`` (set by
        :func:`btyd_summary`).

    Returns
    -------
    DataFrame
        Shape (n_customers, 3), indexed like ``summary``: ``expected_purchases`` (over
        the horizon, undiscounted), ``expected_spend`` (per purchase) and ``clv``
        (discounted, in the currency of ``revenue``).

    Examples
    --------
    >>> from crmkit.data.bundled import load_cdnow
    >>> cal = btyd_summary(load_cdnow("sample").orders, as_of="1997-09-30", time_unit="W")
    >>> bg, gg = BetaGeoModel().fit(cal), GammaGammaModel().fit(cal)
    >>> clv = customer_lifetime_value(bg, gg, cal, horizon=12, discount_rate=0.01)
    >>> list(clv.columns)
    ['expected_purchases', 'expected_spend', 'clv']
    """
    if not hasattr(transaction_model, "_conditional_expected"):
        raise ValueError("transaction_model must be a BetaGeoModel or ParetoNBDModel")
    transaction_model._check_fitted(summary)
    if time_unit is None:
        time_unit = summary.attrs.get("time_unit") or getattr(transaction_model, "time_unit_",
                                                              None)
    if time_unit is None:
        raise ValueError("time_unit is unknown: pass time_unit='D' or 'W' (the unit of "
                         "recency and T in summary)")
    fitted = getattr(transaction_model, "time_unit_", None)
    if fitted and fitted != time_unit:
        raise ValueError(f"transaction_model was fitted in time unit {fitted!r}, not "
                         f"{time_unit!r}")
    if period not in _PERIOD_DAYS:
        raise ValueError(f"period must be one of {sorted(_PERIOD_DAYS)}, got {period!r}")
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    if discount_rate <= -1:
        raise ValueError(f"discount_rate must be > -1, got {discount_rate}")
    step = _PERIOD_DAYS[period] / _unit_days(time_unit)
    ts = step * np.arange(1, int(horizon) + 1)
    x, t, T, _ = _rfm(summary)
    cum = transaction_model._conditional_expected(x, t, T, ts)
    per_period = np.diff(cum, axis=1, prepend=0.0)
    discount = (1.0 + discount_rate) ** -np.arange(1, int(horizon) + 1)
    spend = spend_model.predict_spend(summary).to_numpy()
    return pd.DataFrame(
        {
            "expected_purchases": cum[:, -1],
            "expected_spend": spend,
            "clv": spend * (per_period @ discount),
        },
        index=summary.index,
    )

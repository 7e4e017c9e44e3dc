"""Customer value report (notebook 05): the tables and sentences around :mod:`crmkit.analysis.clv`.

The models live in :mod:`crmkit.analysis.clv`; this module arranges their inputs and outputs
for a report and adds the simpler measures a workshop starts from:

- :func:`historical_clv`: revenue to date per customer (looks back only);
- :func:`simple_clv`: the textbook formula CLV = average order value x purchase
  frequency x expected lifespan, with each input measured from the data;
- :func:`plan_holdout`, :func:`holdout_comparison`, :func:`holdout_by_frequency`,
  :func:`holdout_errors`: fit on a calibration window, compare predicted and actual
  repeat purchases in the holdout window with naive baselines;
- :func:`fit_models`, :func:`parameter_table`, :func:`derived_table`: BG/NBD,
  Pareto/NBD and Gamma-Gamma fits with their parameters in plain words;
- :func:`expectation_grid`: the frequency/recency grids behind the heatmaps;
- :func:`clv_predictions`, :func:`concentration`: the per-customer CLV table for
  campaigns and how concentrated value is;
- :func:`operational_summary`, :func:`planted_recovery`: planted versus recovered
  parameters on the synthetic demo;
- :func:`clv_findings`, :func:`clv_summary`: findings text and the JSON summary.

Purchases are completed orders with revenue > 0 (:func:`crmkit.data.purchases.purchases`);
orders the cleaning step flagged as outliers are left out by :func:`model_orders`
(one extreme order would dominate a customer's average order value).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import fmt
from ...data.purchases import purchases
from ...periods import day as _day
from . import models as _clv

__all__ = [
    "METHOD_LABELS",
    "HoldoutPlan",
    "plan_holdout",
    "model_orders",
    "historical_clv",
    "simple_clv",
    "fit_models",
    "choose_transaction_model",
    "naive_baselines",
    "holdout_comparison",
    "holdout_by_frequency",
    "holdout_errors",
    "parameter_table",
    "derived_table",
    "spend_frequency_correlation",
    "expectation_grid",
    "PREDICTION_COLUMNS",
    "clv_predictions",
    "concentration",
    "value_comparison",
]

METHOD_LABELS = {
    "bgnbd": "BG/NBD",
    "pareto_nbd": "Pareto/NBD",
    "own_rate": "naive: own past rate",
    "average_rate": "naive: average rate",
}
"""Display names of the holdout methods (models and baselines)."""

_UNIT_WORD = {"W": "week", "D": "day"}
_UNIT_DAYS = {"W": 7.0, "D": 1.0}
_DAYS_PER_MONTH = 365.25 / 12
_Z95 = 1.959963984540054



def _unit(time_unit: str) -> tuple[str, float]:
    if time_unit not in _UNIT_DAYS:
        raise ValueError(f"time_unit must be 'W' (weeks) or 'D' (days), got {time_unit!r}")
    return _UNIT_WORD[time_unit], _UNIT_DAYS[time_unit]


# --------------------------------------------------------------------------- holdout plan
@dataclass(frozen=True)
class HoldoutPlan:
    """Calibration and holdout windows for validating the BTYD models.

    Attributes
    ----------
    data_start : Timestamp
        First day with a purchase.
    calibration_end : Timestamp or None
        Last day of the calibration window (None when the history is too short).
    as_of : Timestamp
        Last day used by the report: the report period's end, or the last day with
        data if that is earlier. The holdout is (calibration_end, observation_end].
    data_end : Timestamp
        Last day with data (may be after ``observation_end`` for a past period).
    holdout_weeks : int
        Length of the holdout in weeks (0: no holdout validation possible).
    reason : str
        How the length was chosen, in words.
    """

    data_start: pd.Timestamp
    calibration_end: pd.Timestamp | None
    observation_end: pd.Timestamp
    data_end: pd.Timestamp
    holdout_weeks: int
    reason: str

    @property
    def has_holdout(self) -> bool:
        return self.holdout_weeks > 0

    @property
    def realised_weeks(self) -> float:
        """Weeks of data after ``observation_end`` (the forecast can be checked on them)."""
        return max((self.data_end - self.observation_end).days, 0) / 7

    def table(self) -> pd.DataFrame:
        """The windows as a small table (window, first day, last day, weeks, use)."""
        rows = []
        if self.has_holdout:
            rows.append(("calibration", self.data_start, self.calibration_end,
                         "fit the models for the validation"))
            rows.append(("holdout", self.calibration_end + pd.Timedelta(days=1),
                         self.observation_end, "compare predicted with actual purchases"))
        rows.append(("all data to the report date", self.data_start, self.observation_end,
                     "refit the models; predict CLV from the day after"))
        if self.realised_weeks >= 1:
            rows.append(("after the report date", self.observation_end + pd.Timedelta(days=1),
                         self.data_end, "check whether the forecast came true"))
        out = pd.DataFrame(rows, columns=["window", "from", "to", "use"])
        out.insert(3, "weeks", ((out["to"] - out["from"]).dt.days + 1) / 7)
        return out


def plan_holdout(*, data_start, data_end, as_of, holdout_weeks: int | None = None,
                 max_holdout_weeks: int = 26, min_calibration_weeks: int = 4) -> HoldoutPlan:
    """Choose the calibration and holdout windows from the data and the report period.

    The holdout is the last ``holdout_weeks`` weeks up to the report end (or up to the
    last day with data if that is earlier), so the validation uses only what was known
    on the report date. Without ``holdout_weeks`` it is a quarter of the history, in
    whole weeks, at most ``max_holdout_weeks``: long enough to contain a season of
    repeat purchases, short enough to leave three quarters of the history to learn
    from. A requested length that would leave less than ``min_calibration_weeks`` of
    calibration is shortened.

    Parameters
    ----------
    data_start, data_end : date-like
        First and last day with orders.
    as_of : date-like
        Last day of the report period.
    holdout_weeks : int, optional
        Requested holdout length in weeks.
    max_holdout_weeks : int, default 26
    min_calibration_weeks : int, default 4

    Returns
    -------
    HoldoutPlan

    Examples
    --------
    >>> p = plan_holdout(data_start="1997-01-01", data_end="1998-06-30", as_of="1997-12-31")
    >>> p.calibration_end.date(), p.holdout_weeks
    (datetime.date(1997, 10, 1), 13)
    """
    start, last, rep = _day(data_start), _day(data_end), _day(as_of)
    obs = min(rep, last)
    history = (obs - start).days
    room = max((history - 7 * min_calibration_weeks) // 7, 0)
    if holdout_weeks is None:
        weeks = min(history // 28, int(max_holdout_weeks), room)
        reason = (f"a quarter of the {history / 7:.0f} weeks of history up to {obs:%Y-%m-%d}"
                  f" (at most {int(max_holdout_weeks)} weeks)")
    else:
        weeks = min(int(holdout_weeks), room)
        reason = f"{int(holdout_weeks)} weeks as set in the parameters"
        if weeks < int(holdout_weeks):
            reason += (f", shortened to {weeks} so that at least {min_calibration_weeks} weeks "
                       "of calibration remain")
    if weeks < 1:
        return HoldoutPlan(start, None, obs, last, 0,
                           f"the {history} days of history up to {obs:%Y-%m-%d} are too short "
                           "for a holdout")
    return HoldoutPlan(start, obs - pd.Timedelta(days=7 * weeks), obs, last, int(weeks), reason)


# --------------------------------------------------------------------------- simple measures
def model_orders(orders: pd.DataFrame, *, exclude_outliers: bool = True) -> pd.DataFrame:
    """Return the purchases the CLV report uses.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    exclude_outliers : bool, default True
        Leave out orders the cleaning step flagged ``is_outlier``.

    Returns
    -------
    DataFrame
        The purchase rows (completed, revenue > 0), same columns.
    """
    p = purchases(orders)
    if exclude_outliers and "is_outlier" in p.columns:
        p = p.loc[~p["is_outlier"].astype(bool)]
    return p


def historical_clv(orders: pd.DataFrame, *, as_of, start=None) -> pd.Series:
    """Return each customer's revenue to date: the sum of their purchases up to ``end``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (purchases are selected here: completed, revenue > 0).
    as_of : date-like
        Last day included.
    start : date-like, optional
        First day included.

    Returns
    -------
    Series
        ``historical_clv`` indexed by ``customer_id`` (customers with a purchase in the
        window), in the currency of ``revenue``.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-02-01",
    ...                                                 "2025-01-05", "2025-03-01"]),
    ...                   "revenue": [10.0, 15.0, 7.0, 99.0]})
    >>> historical_clv(o, as_of="2025-02-28").to_dict()
    {'a': 25.0, 'b': 7.0}
    """
    p = purchases(orders)
    keep = p["order_date"] < _day(as_of) + pd.Timedelta(days=1)
    if start is not None:
        keep &= p["order_date"] >= _day(start)
    out = p.loc[keep].groupby("customer_id", sort=True)["revenue"].sum()
    return out.rename("historical_clv").rename_axis("customer_id")


def simple_clv(orders: pd.DataFrame, *, as_of, window_days: int = 365,
               max_lifetime_periods: float = 40, currency: str = "") -> pd.DataFrame:
    """Compute the textbook CLV = average order value x purchase frequency x lifespan.

    All inputs are measured on purchases (completed orders with revenue > 0):

    - *average order value*: revenue / purchases in the window (the ``window_days``
      days up to ``end``);
    - *purchase frequency*: purchases per customer active in the window;
    - *churn rate*: share of the customers active in the window before it who made
      no purchase in the window;
    - *expected lifespan*: 1 / churn rate windows (at most ``max_lifetime_periods``);
    - *simple CLV*: the product of the three, undiscounted revenue over the lifespan
      of an average customer.

    When the history before ``end`` is shorter than two windows, the window is
    shortened to half the history, so that the churn rate can be measured.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    as_of : date-like
        Last day of the window (the report date).
    window_days : int, default 365
    max_lifetime_periods : float, default 40
    currency : str, default ""
        Used in the ``unit`` column only.

    Returns
    -------
    DataFrame
        Index ``input`` = aov, purchase_frequency, churn_rate, lifespan, clv; columns
        ``label``, ``value`` (float), ``shown`` (the value as text), ``unit`` and
        ``measured_as``.
        ``attrs["window_days"]`` is the window used.
    """
    p = purchases(orders)
    end_x = _day(as_of) + pd.Timedelta(days=1)
    p = p.loc[p["order_date"] < end_x]
    if p.empty:
        raise ValueError(f"no purchases up to {_day(as_of):%Y-%m-%d}")
    history = (end_x - _day(p["order_date"].min())).days
    days = int(min(window_days, history // 2))
    if days < 1:
        raise ValueError("the history is too short for the simple formula (needs two days)")
    w0 = end_x - pd.Timedelta(days=days)
    prev0 = w0 - pd.Timedelta(days=days)
    cur = p.loc[p["order_date"] >= w0]
    prev_ids = pd.Index(p.loc[(p["order_date"] >= prev0) & (p["order_date"] < w0),
                              "customer_id"].unique())
    cur_ids = pd.Index(cur["customer_id"].unique())
    n = len(cur)
    aov = float(cur["revenue"].sum() / n) if n else np.nan
    freq = n / len(cur_ids) if len(cur_ids) else np.nan
    churn = float((~prev_ids.isin(cur_ids)).mean()) if len(prev_ids) else np.nan
    if np.isnan(churn):
        life = np.nan
    else:
        life = float(min(1 / churn, max_lifetime_periods)) if churn > 0 else float(max_lifetime_periods)
    value = aov * freq * life
    span, per = ("year", "one year") if days in (365, 366) else (f"{days} days", f"{days} days")
    w_text = f"{w0:%Y-%m-%d} to {end_x - pd.Timedelta(days=1):%Y-%m-%d}"
    years = life * days / 365.25 if np.isfinite(life) else np.nan
    rows = [
        ("aov", "Average order value", aov, currency,
         f"revenue / purchases, {w_text}"),
        ("purchase_frequency", "Purchase frequency", freq, f"purchases per customer per {span}",
         f"purchases / customers with a purchase, {w_text}"),
        ("churn_rate", "Yearly churn rate" if span == "year" else f"Churn rate per {span}", churn,
         f"share per {span}",
         f"share of the {len(prev_ids):,} customers active in the {span} before who did not "
         f"buy in the last {span}"),
        ("lifespan", "Expected lifespan", life, f"periods of {per} (= {years:.1f} years)",
         f"1 / {'yearly ' if span == 'year' else ''}churn rate, at most {max_lifetime_periods:g}"),
        ("clv", "Simple CLV", value, currency,
         "average order value x purchase frequency x expected lifespan (undiscounted)"),
    ]
    out = pd.DataFrame(rows, columns=["input", "label", "value", "unit", "measured_as"]).set_index("input")
    out.insert(2, "shown", [fmt.money(aov, currency), f"{freq:,.2f}", f"{churn:.1%}", f"{life:,.2f}",
                            fmt.money(value, currency)])
    out.attrs["window_days"] = days
    out.attrs["lifespan_years"] = years
    return out


# --------------------------------------------------------------------------- model fits
def fit_models(summary: pd.DataFrame, *, spend: bool = True) -> dict:
    """Fit BG/NBD, Pareto/NBD and (with ``spend``) Gamma-Gamma on one BTYD summary.

    Optimizer warnings are not printed (a report must not show them); check each
    model's ``converged_`` instead (:func:`parameter_table` shows it).

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmkit.analysis.clv.btyd_summary` or :func:`crmkit.analysis.clv.btyd_holdout`.
    spend : bool, default True
        Also fit the Gamma-Gamma spend model.

    Returns
    -------
    dict
        ``{"bgnbd": BetaGeoModel, "pareto_nbd": ParetoNBDModel[, "gamma_gamma":
        GammaGammaModel]}``, fitted.
    """
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out["bgnbd"] = _clv.BetaGeoModel().fit(summary)
        out["pareto_nbd"] = _clv.ParetoNBDModel().fit(summary)
        if spend:
            out["gamma_gamma"] = _clv.GammaGammaModel().fit(summary)
    return out


def choose_transaction_model(models: dict, summary: pd.DataFrame, *, preferred: str = "bgnbd",
                             t: float = 52.0) -> tuple[str | None, list[str]]:
    """Pick the transaction model behind the CLV table and say why, in words.

    The ``preferred`` model is used when its predictions of purchases and of P(alive)
    for ``summary`` are finite numbers; otherwise the other one. On little or very
    uniform data the maximum-likelihood estimates can run off to extreme values
    (customers look alike, so the spread parameters grow without bound); such a fit
    does not converge and, for the BG/NBD, its hypergeometric terms overflow.

    Parameters
    ----------
    models : dict
        From :func:`fit_models`.
    summary : DataFrame
        The summary the models were fitted on.
    preferred : {"bgnbd", "pareto_nbd"}, default "bgnbd"
    t : float, default 52
        Prediction window used for the check, in the summary's time unit.

    Returns
    -------
    key : str or None
        ``"bgnbd"`` or ``"pareto_nbd"``; None when neither gives usable predictions.
    notes : list of str
        Sentences for the report (empty when the preferred model converged and works).
    """
    if preferred not in ("bgnbd", "pareto_nbd"):
        raise ValueError(f"transaction_model must be bgnbd or pareto_nbd, got {preferred!r}")
    order = [preferred, "pareto_nbd" if preferred == "bgnbd" else "bgnbd"]
    notes = []
    n = len(summary)
    for key in order:
        m = models.get(key)
        if m is not None and not getattr(m, "converged_", True):
            notes.append(
                f"The {METHOD_LABELS[key]} fit did not converge on these {n:,} customers: its "
                "parameters ran off to extreme values, which happens when there are few customers "
                "or they buy very alike. Treat its numbers as rough.")
    usable = []
    for key in order:
        m = models.get(key)
        if m is None:
            continue
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ok = (np.isfinite(m.predict_purchases(summary, t=t).to_numpy()).all()
                  and np.isfinite(m.probability_alive(summary).to_numpy()).all())
        if ok:
            usable.append(key)
    if not usable:
        notes.append("Neither transaction model gives usable predictions for this data, so no "
                     "predicted CLV is shown. More customers or a longer history will help.")
        return None, notes
    if usable[0] != preferred:
        notes.append(f"The {METHOD_LABELS[preferred]} predictions are not finite numbers for this "
                     f"data, so the CLV table uses the {METHOD_LABELS[usable[0]]} model instead.")
    return usable[0], notes


# --------------------------------------------------------------------------- holdout
def naive_baselines(summary: pd.DataFrame, *, t: float) -> pd.DataFrame:
    """Predict purchases in the next ``t`` time units without a model.

    - *own past rate*: each customer repeats at their calibration rate,
      frequency / T (0 when T is 0), for ``t`` more time units;
    - *average rate*: every customer repeats at the average calibration rate,
      sum(frequency) / sum(T).

    Neither allows customers to drop out, which is what the BTYD models add.

    Parameters
    ----------
    summary : DataFrame
        Shape (n_customers, ...) with ``frequency`` and ``T``.
    t : float
        Length of the prediction window in the summary's time unit.

    Returns
    -------
    DataFrame
        Shape (n_customers, 2), columns ``own_rate`` and ``average_rate``.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [2, 0, 1], "T": [10.0, 5.0, 5.0]})
    >>> naive_baselines(s, t=10)
       own_rate  average_rate
    0       2.0           1.5
    1       0.0           1.5
    2       2.0           1.5
    """
    x = summary["frequency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    own = np.divide(x, T, out=np.zeros_like(x), where=T > 0) * t
    avg = x.sum() / T.sum() * t if T.sum() > 0 else 0.0
    return pd.DataFrame({"own_rate": own, "average_rate": np.full(len(x), avg)},
                        index=summary.index)


def holdout_comparison(holdout: pd.DataFrame, models: dict) -> pd.DataFrame:
    """Predicted and actual holdout purchases per customer, for models and baselines.

    Parameters
    ----------
    holdout : DataFrame
        From :func:`crmkit.analysis.clv.btyd_holdout` (``frequency``, ``recency``, ``T``,
        ``frequency_holdout``, ``duration_holdout``).
    models : dict
        Fitted transaction models keyed ``bgnbd`` / ``pareto_nbd`` (other keys, such
        as ``gamma_gamma``, are ignored).

    Returns
    -------
    DataFrame
        Indexed like ``holdout``: ``frequency`` (calibration repeat purchases),
        ``actual`` (holdout purchases) and one column per method: the model keys
        present, then ``own_rate`` and ``average_rate``. A model whose predictions
        are not all finite numbers (a degenerate fit on little data) is left out and
        listed in ``attrs["dropped"]``.
    """
    t = float(holdout["duration_holdout"].iloc[0]) if len(holdout) else 0.0
    out = pd.DataFrame({"frequency": holdout["frequency"].astype("int64"),
                        "actual": holdout["frequency_holdout"].astype(float)},
                       index=holdout.index)
    dropped = []
    for key in ("bgnbd", "pareto_nbd"):
        if key in models:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                pred = models[key].predict_purchases(holdout, t=t).to_numpy()
            if np.isfinite(pred).all():
                out[key] = pred
            else:
                dropped.append(key)
    out = out.join(naive_baselines(holdout, t=t))
    out.attrs["dropped"] = dropped
    out.attrs["duration"] = t
    out.attrs["time_unit"] = holdout.attrs.get("time_unit")
    return out


def _methods(comparison: pd.DataFrame) -> list[str]:
    return [c for c in comparison.columns if c not in ("frequency", "actual")]


def holdout_by_frequency(comparison: pd.DataFrame, *, max_bucket: int = 7) -> pd.DataFrame:
    """Mean predicted and actual holdout purchases per calibration-frequency bucket.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`holdout_comparison`.
    max_bucket : int, default 7
        Customers with this many or more calibration repeat purchases form the last
        bucket (``"7+"``).

    Returns
    -------
    DataFrame
        Index ``bucket`` (ordered categorical "0", "1", ..., "7+"; buckets without
        customers are dropped); columns ``customers``, ``actual`` and one per method
        (means per customer), then a last row ``all`` with the means over all customers.
    """
    x = comparison["frequency"].to_numpy()
    labels = [str(k) for k in range(max_bucket)] + [f"{max_bucket}+"]
    bucket = pd.Categorical.from_codes(np.minimum(x, max_bucket), categories=labels, ordered=True)
    cols = ["actual"] + _methods(comparison)
    g = comparison[cols].groupby(bucket, observed=True)
    out = g.mean()
    out.insert(0, "customers", g.size().astype("int64"))
    total = comparison[cols].mean().to_frame("all").T
    total.insert(0, "customers", len(comparison))
    out.index = out.index.astype("str")
    out = pd.concat([out, total])
    out.index.name = "bucket"
    return out


def holdout_errors(comparison: pd.DataFrame) -> pd.DataFrame:
    """Total and per-customer errors of each method in the holdout.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`holdout_comparison`.

    Returns
    -------
    DataFrame
        Index ``method`` (keys as in ``comparison``); columns ``label``,
        ``predicted`` (total purchases), ``actual`` (total), ``total_error``
        ((predicted - actual) / actual), ``mae`` (mean absolute error per customer)
        and ``rmse``.

    Examples
    --------
    >>> c = pd.DataFrame({"frequency": [0, 1], "actual": [1.0, 3.0], "bgnbd": [2.0, 2.0]})
    >>> holdout_errors(c)[["predicted", "actual", "total_error", "mae"]]
            predicted  actual  total_error  mae
    method
    bgnbd         4.0     4.0          0.0  1.0
    """
    actual = comparison["actual"].to_numpy()
    rows = []
    for m in _methods(comparison):
        pred = comparison[m].to_numpy()
        tot = float(actual.sum())
        rows.append({
            "method": m, "label": METHOD_LABELS.get(m, m), "predicted": float(pred.sum()),
            "actual": tot, "total_error": (pred.sum() - tot) / tot if tot else np.nan,
            "mae": float(np.mean(np.abs(pred - actual))),
            "rmse": float(np.sqrt(np.mean((pred - actual) ** 2))),
        })
    return pd.DataFrame(rows).set_index("method")


# --------------------------------------------------------------------------- parameters
_MEANINGS = {
    ("bgnbd", "r"): "shape of the purchase rates across customers (small: very unequal)",
    ("bgnbd", "alpha"): "scale of the purchase rates, in {unit}s (mean rate = r / alpha)",
    ("bgnbd", "a"): "dropout chance after each repeat purchase: mean = a / (a + b)",
    ("bgnbd", "b"): "with a: how the dropout chance varies (large a + b: alike)",
    ("pareto_nbd", "r"): "shape of the purchase rates across customers",
    ("pareto_nbd", "alpha"): "scale of the purchase rates, in {unit}s (mean rate = r / alpha)",
    ("pareto_nbd", "s"): "shape of the dropout rates across customers",
    ("pareto_nbd", "beta"): "scale of the dropout rates, in {unit}s (mean rate = s / beta)",
    ("gamma_gamma", "p"): "how much one customer's orders vary (order-to-order CV = 1 / sqrt(p))",
    ("gamma_gamma", "q"): "shape of the customers' average order values",
    ("gamma_gamma", "gamma"): "scale of the average order values (mean = p x gamma / (q - 1))",
}
_MODEL_NAMES = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}


def _time_unit(model, summary) -> str:
    return getattr(model, "time_unit_", None) or summary.attrs.get("time_unit") or "W"


def parameter_table(models: dict, summary: pd.DataFrame) -> pd.DataFrame:
    """Fitted parameters of each model with standard errors and a plain-words meaning.

    Parameters
    ----------
    models : dict
        From :func:`fit_models`.
    summary : DataFrame
        The summary the models were fitted on.

    Returns
    -------
    DataFrame
        Columns ``model``, ``parameter``, ``estimate``, ``std_error``, ``lower_95``,
        ``upper_95`` (from ``summary_frame``), ``converged`` and ``meaning``.
    """
    parts = []
    for key, m in models.items():
        sf = m.summary_frame(summary).reset_index()
        unit = _UNIT_WORD.get(_time_unit(m, summary), "week")
        sf.insert(0, "model", _MODEL_NAMES.get(key, key))
        sf["converged"] = bool(getattr(m, "converged_", True))
        sf["meaning"] = [_MEANINGS.get((key, p), "").format(unit=unit) for p in sf["parameter"]]
        parts.append(sf)
    return pd.concat(parts, ignore_index=True)


def _covariance(model, summary) -> np.ndarray:
    """Covariance of the log parameters (inverse observed information).

    Uses the same objective and Hessian as ``summary_frame`` in :mod:`crmkit.analysis.clv`,
    which does not return the off-diagonal terms that the delta method for derived
    quantities (r / alpha, a / (a + b), ...) needs.
    """
    objective, _ = model._objective(summary, None)
    theta = np.log([model.params_[k] for k in model._param_names])
    H = _clv._hessian(lambda th: objective(th)[1] * objective.total, theta)
    return np.linalg.pinv(H)


def _derived(model, summary, func, *, cov=None) -> tuple[float, float]:
    """Value and delta-method standard error of func(params) (by log-parameter gradient).

    ``cov``: the model's :func:`_covariance`, when already computed (a Pareto/NBD
    Hessian takes seconds on a large summary).
    """
    names = model._param_names
    theta = np.log([model.params_[k] for k in names])

    def g(th):
        return func(dict(zip(names, np.exp(th))))

    value = float(g(theta))
    if cov is None:
        try:
            cov = _covariance(model, summary)
        except (AttributeError, ValueError, np.linalg.LinAlgError):  # pragma: no cover
            return value, np.nan
    grad = np.empty(len(theta))
    for i in range(len(theta)):
        e = np.zeros(len(theta))
        e[i] = 1e-6
        grad[i] = (g(theta + e) - g(theta - e)) / 2e-6
    var = float(grad @ cov @ grad)
    return value, float(np.sqrt(var)) if var >= 0 else np.nan


def _derived_specs(unit: str) -> dict:
    return {
        "bgnbd": [
            ("mean purchase rate", f"purchases per {unit} while alive", lambda p: p["r"] / p["alpha"]),
            ("mean dropout probability", "per repeat purchase", lambda p: p["a"] / (p["a"] + p["b"])),
        ],
        "pareto_nbd": [
            ("mean purchase rate", f"purchases per {unit} while alive", lambda p: p["r"] / p["alpha"]),
            ("mean dropout rate", f"per {unit}", lambda p: p["s"] / p["beta"]),
        ],
        "gamma_gamma": [
            ("mean order value", "currency", lambda p: p["p"] * p["gamma"] / (p["q"] - 1)
             if p["q"] > 1 else np.inf),
            ("order-to-order variation (CV)", "within a customer", lambda p: 1 / np.sqrt(p["p"])),
        ],
    }


def derived_table(models: dict, summary: pd.DataFrame) -> pd.DataFrame:
    """Quantities a reader can interpret, computed from the parameters, with errors.

    BG/NBD: mean purchase rate r / alpha and mean dropout probability a / (a + b);
    Pareto/NBD: mean purchase rate r / alpha and mean dropout rate s / beta;
    Gamma-Gamma: mean order value p gamma / (q - 1) and the order-to-order coefficient
    of variation 1 / sqrt(p). Standard errors by the delta method.

    Parameters
    ----------
    models : dict
        From :func:`fit_models`.
    summary : DataFrame
        The summary the models were fitted on.

    Returns
    -------
    DataFrame
        Columns ``model``, ``quantity``, ``estimate``, ``std_error``, ``unit``.
    """
    rows = []
    for key, m in models.items():
        unit = _UNIT_WORD.get(_time_unit(m, summary), "week")
        cov = None
        for name, what, f in _derived_specs(unit).get(key, []):
            if cov is None:
                try:
                    cov = _covariance(m, summary)
                except (AttributeError, ValueError, np.linalg.LinAlgError):  # pragma: no cover
                    pass
            est, se = _derived(m, summary, f, cov=cov)
            rows.append((_MODEL_NAMES.get(key, key), name, est, se, what))
    return pd.DataFrame(rows, columns=["model", "quantity", "estimate", "std_error", "unit"])


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and average order value among repeat customers.

    The Gamma-Gamma model assumes spend per order does not depend on how often a
    customer buys; a correlation near 0 supports that.

    Returns
    -------
    float
        NaN with fewer than 3 repeat customers.
    """
    r = summary.loc[summary["frequency"] > 0, ["frequency", "monetary_value"]]
    if len(r) < 3:
        return float("nan")
    return float(np.corrcoef(r["frequency"], r["monetary_value"])[0, 1])


# --------------------------------------------------------------------------- heatmap grids
def expectation_grid(model, *, t: float, max_frequency: int, T: float,
                     n_recency: int = 20, time_unit: str | None = None) -> pd.DataFrame:
    """Expected purchases and P(alive) over a frequency x recency grid, for one age T.

    Each cell is a hypothetical customer first seen ``T`` time units ago, with
    ``frequency`` repeat purchases, the last one ``recency`` time units after the
    first. Impossible cells (no repeat purchase but recency > 0, or repeat purchases
    with recency 0) are left out.

    Parameters
    ----------
    model : BetaGeoModel or ParetoNBDModel
        Fitted.
    t : float
        Prediction window for ``expected_purchases``, in the model's time unit.
    max_frequency : int
        Largest frequency shown.
    T : float
        Age of the hypothetical customers, in the model's time unit.
    n_recency : int, default 20
        Recency steps from 0 to T.
    time_unit : str, optional
        Default: the model's ``time_unit_``.

    Returns
    -------
    DataFrame
        Long form, columns ``frequency`` (int), ``recency``, ``T``,
        ``expected_purchases`` and ``probability_alive``; ``attrs`` holds ``t``,
        ``T`` and ``time_unit``.
    """
    unit = time_unit or getattr(model, "time_unit_", None) or "W"
    f = np.arange(int(max_frequency) + 1)
    r = np.linspace(0.0, float(T), int(n_recency) + 1)
    ff, rr = np.meshgrid(f, r, indexing="ij")
    ff, rr = ff.ravel(), rr.ravel()
    ok = (ff == 0) == (rr == 0)
    grid = pd.DataFrame({"frequency": ff[ok], "recency": rr[ok], "T": float(T)})
    grid.attrs["time_unit"] = unit
    grid["expected_purchases"] = model.predict_purchases(grid, t=float(t)).to_numpy()
    grid["probability_alive"] = model.probability_alive(grid).to_numpy()
    grid.attrs.update({"t": float(t), "T": float(T)})
    return grid


# --------------------------------------------------------------------------- CLV table
PREDICTION_COLUMNS = ["frequency", "recency", "T", "monetary_value", "p_alive",
                      "expected_purchases", "expected_spend", "clv", "historical_clv"]


def clv_predictions(transaction_model, spend_model, summary: pd.DataFrame, *,
                    horizon_months: int = 12, discount_rate: float = 0.01,
                    historical: pd.Series | None = None) -> pd.DataFrame:
    """Per-customer predicted CLV over a horizon, sorted for campaigns.

    Parameters
    ----------
    transaction_model : BetaGeoModel or ParetoNBDModel
        Fitted on ``summary``.
    spend_model : GammaGammaModel
        Fitted on ``summary``.
    summary : DataFrame
        From :func:`crmkit.analysis.clv.btyd_summary` as of the report date.
    horizon_months : int, default 12
    discount_rate : float, default 0.01
        Per month.
    historical : Series, optional
        Revenue to date per customer (:func:`historical_clv`); 0 where missing.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``frequency``, ``recency``, ``T`` (in the
        summary's time unit), ``monetary_value`` (mean repeat purchase value),
        ``p_alive``, ``expected_purchases`` (over the horizon, undiscounted),
        ``expected_spend`` (per purchase), ``clv`` (discounted) and
        ``historical_clv``; sorted by ``clv`` descending (ties by customer ID).
    """
    value = _clv.customer_lifetime_value(transaction_model, spend_model, summary,
                                         horizon=int(horizon_months), period="M",
                                         discount_rate=float(discount_rate))
    out = summary[["frequency", "recency", "T", "monetary_value"]].copy()
    out["p_alive"] = transaction_model.probability_alive(summary).to_numpy()
    out = out.join(value)
    hist = historical.reindex(out.index) if historical is not None else None
    out["historical_clv"] = 0.0 if hist is None else hist.fillna(0.0).to_numpy(dtype=float)
    out.index.name = "customer_id"
    out = out.reset_index().sort_values(["clv", "customer_id"], ascending=[False, True],
                                        kind="mergesort")
    return out.set_index("customer_id")[PREDICTION_COLUMNS]


def concentration(values: pd.Series, *, shares=(0.01, 0.05, 0.10, 0.20, 0.50)) -> pd.DataFrame:
    """Share of the total held by the top customers.

    Parameters
    ----------
    values : Series
        One non-negative value per customer (e.g. predicted CLV).
    shares : sequence of float
        Top shares of customers (0.1: the top 10%).

    Returns
    -------
    DataFrame
        Columns ``top_share``, ``customers`` (how many that is, rounded up) and
        ``value_share`` (their share of the total).

    Examples
    --------
    >>> concentration(pd.Series([50.0, 30.0, 10.0, 5.0, 5.0]), shares=(0.2, 0.6))
       top_share  customers  value_share
    0        0.2          1          0.5
    1        0.6          3          0.9
    """
    v = np.sort(values.to_numpy(dtype=float))[::-1]
    total = v.sum()
    cum = np.r_[0.0, np.cumsum(v)]
    k = np.minimum(np.ceil(np.asarray(shares) * len(v) - 1e-9).astype(int), len(v))
    return pd.DataFrame({"top_share": list(shares), "customers": k,
                         "value_share": cum[k] / total if total > 0 else np.nan})


def value_comparison(historical: pd.Series, simple: pd.DataFrame, predictions: pd.DataFrame, *,
                     horizon_months: int, discount_rate: float, currency: str = "") -> pd.DataFrame:
    """Three ways to put a value on the average customer, side by side.

    Parameters
    ----------
    historical : Series
        :func:`historical_clv`.
    simple : DataFrame
        :func:`simple_clv`.
    predictions : DataFrame
        :func:`clv_predictions`.
    horizon_months : int
    discount_rate : float
    currency : str, default ""

    Returns
    -------
    DataFrame
        Columns ``measure``, ``per customer`` (text), ``looks`` (back or ahead),
        ``per-customer detail`` and ``assumes``; one row each for historical CLV, the
        simple formula and the model CLV.
    """
    years = simple.attrs.get("lifespan_years", np.nan)
    rows = [
        ("Historical CLV", fmt.money(float(historical.mean()), currency), "back: revenue to date",
         "yes", "nothing: it is what customers spent"),
        ("Simple formula CLV", fmt.money(float(simple.loc["clv", "value"]), currency),
         f"ahead: the whole expected lifespan (about {years:.1f} years)", "no (one average)",
         "every customer buys like the average and leaves at the average churn rate"),
        ("Model CLV (BTYD + Gamma-Gamma)", fmt.money(float(predictions["clv"].mean()), currency),
         f"ahead: the next {int(horizon_months)} months, discounted at {discount_rate:.1%} a month",
         "yes", "each customer buys at a steady personal rate until an unseen dropout"),
    ]
    return pd.DataFrame(rows, columns=["measure", "per customer", "looks", "per-customer detail",
                                       "assumes"])


# --------------------------------------------------------------------------- planted truth


# --------------------------------------------------------------------------- findings



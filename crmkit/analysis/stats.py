"""Statistics shared by several analyses: survival curves (Kaplan-Meier).

Kept apart from any one analysis area so that behaviour (time to the second purchase),
lifecycle (customer lifetimes) and the areas to come use one implementation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "kaplan_meier",
    "median_survival_time",
    "survival_at",
]


def kaplan_meier(durations, observed, *, z: float = 1.959964) -> pd.DataFrame:
    """Kaplan-Meier estimate of the survival function, with Greenwood standard errors.

    At each distinct time ``t`` with ``n`` subjects still at risk (duration >= t) and
    ``d`` events, survival is multiplied by ``1 - d / n``. Subjects censored at ``t``
    count as at risk at ``t`` (events come first when times tie).

    Parameters
    ----------
    durations : array-like of float
        Time of the event or of censoring, per subject (>= 0).
    observed : array-like of bool
        True when the event happened at that time, False when censored.
    z : float, default 1.96
        Normal quantile of the confidence band (95%).

    Returns
    -------
    DataFrame
        Index ``time`` (distinct durations, ascending); columns ``at_risk``,
        ``events``, ``censored`` (int), ``survival`` (S(t), just after t),
        ``std_error`` (Greenwood), ``ci_lower``, ``ci_upper`` (log(-log) band, within
        0..1; NaN where undefined).

    Examples
    --------
    >>> kaplan_meier([1, 2, 2, 3], [True, True, False, True])["survival"].tolist()
    [0.75, 0.5, 0.0]
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("durations and observed must have the same length")
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError("durations must be non-negative numbers")
    times, inv = np.unique(t, return_inverse=True)
    events = np.bincount(inv, weights=e, minlength=len(times)).astype(np.int64)
    total = np.bincount(inv, minlength=len(times)).astype(np.int64)
    at_risk = total[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - events / at_risk)
        term = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
        green = np.cumsum(term)  # inf once survival reaches 0
        se = surv * np.sqrt(green)
        log_s = np.log(surv)
        se_ll = np.sqrt(green) / np.abs(log_s)
        lo = np.exp(-np.exp(np.log(-log_s) + z * se_ll))
        hi = np.exp(-np.exp(np.log(-log_s) - z * se_ll))
    undefined = (surv <= 0) | (surv >= 1)
    out = pd.DataFrame({
        "at_risk": at_risk, "events": events, "censored": total - events, "survival": surv,
        "std_error": np.where(surv > 0, se, np.nan),
        "ci_lower": np.where(undefined, np.nan, lo), "ci_upper": np.where(undefined, np.nan, hi),
    }, index=pd.Index(times, name="time"))
    return out


def median_survival_time(km: pd.DataFrame) -> float:
    """Smallest time at which survival is 50% or less (NaN if it never falls that far).

    Parameters
    ----------
    km : DataFrame
        Output of :func:`kaplan_meier`.
    """
    hit = km.index[km["survival"].to_numpy() <= 0.5 + 1e-12]
    return float(hit[0]) if len(hit) else float("nan")


def survival_at(km: pd.DataFrame, t: float) -> float:
    """Survival probability just after time ``t`` (1.0 before the first time).

    Parameters
    ----------
    km : DataFrame
        Output of :func:`kaplan_meier`.
    t : float
    """
    s = km["survival"].loc[km.index <= t]
    return float(s.iloc[-1]) if len(s) else 1.0

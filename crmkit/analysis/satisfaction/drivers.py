"""What moves satisfaction: each answer with its service history, and a regression with intervals.

Every survey answer is described by what was known when it was given: the customer's
service tickets in the ``service_window_days`` before it (any ticket, a complaint, a
*slow* ticket: one resolved by the answer after more than ``slow_ticket_days``, a
ticket still open at the answer), the product category and sales channel of the purchase
it follows, the customer's tenure and value tier at the end of the month before.

:func:`driver_effects` regresses the 0-10 NPS answer on these features by ordinary
least squares with heteroskedasticity-robust (HC3) standard errors. Each coefficient is
a difference in points on the 0-10 scale against the reference (no such ticket, or the
most common label of a category), the other features held fixed. It is an association
in observational data, not a controlled experiment: the page says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.purchases import purchases

__all__ = [
    "BOOLEAN_DRIVERS",
    "service_history",
    "tenure_bands",
    "driver_frame",
    "driver_effects",
]

BOOLEAN_DRIVERS = ("slow_ticket", "open_ticket", "complaint_before", "ticket_before")
"""The yes/no features of :func:`driver_frame`, in the order they are reported."""

_CATEGORICAL_DRIVERS = ("category", "sales_channel", "acquisition_channel", "tenure_band", "value_tier")


def service_history(surveys: pd.DataFrame, tickets: pd.DataFrame, *, window_days: int = 90,
                    slow_ticket_days: float = 3.0) -> pd.DataFrame:
    """Each answer's tickets in the ``window_days`` before it.

    Parameters
    ----------
    surveys : DataFrame
        ``customer_id``, ``survey_date``.
    tickets : DataFrame
        Canonical tickets (``resolved_at`` and ``is_complaint`` optional).
    window_days : int, default 90
    slow_ticket_days : float, default 3

    Returns
    -------
    DataFrame
        Same index as ``surveys``; bool columns ``ticket_before`` (a ticket opened in
        the window), ``complaint_before`` (a complaint opened in the window),
        ``slow_ticket`` (a ticket opened in the window and resolved by the answer took
        more than ``slow_ticket_days`` to resolve), ``open_ticket`` (a ticket opened in
        the window was still open at the answer).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "b", "c"],
    ...                   "survey_date": pd.to_datetime(["2025-03-10", "2025-03-10", "2025-03-10"])})
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "c"],
    ...                   "created_at": pd.to_datetime(["2025-03-01", "2025-03-01", "2025-03-09"]),
    ...                   "resolved_at": pd.to_datetime(["2025-03-02", "2025-03-06", None]),
    ...                   "is_complaint": [False, True, False]})
    >>> service_history(s, t).astype(int).to_dict("list")
    {'ticket_before': [1, 1, 1], 'complaint_before': [0, 1, 0], 'slow_ticket': [0, 1, 0], 'open_ticket': [0, 0, 1]}
    """
    out = pd.DataFrame(False, index=surveys.index,
                       columns=["ticket_before", "complaint_before", "slow_ticket", "open_ticket"])
    if tickets is None or tickets.empty or surveys.empty:
        return out
    left = pd.DataFrame({"row": np.arange(len(surveys)), "customer_id": surveys["customer_id"].to_numpy(),
                         "at": surveys["survey_date"].to_numpy()})
    cols = ["customer_id", "created_at"] + [c for c in ("resolved_at", "is_complaint") if c in tickets]
    pairs = left.merge(tickets[cols], on="customer_id")
    at = pairs["at"]
    inside = (pairs["created_at"] < at) & (pairs["created_at"] >= at - pd.Timedelta(days=window_days))
    pairs = pairs.loc[inside.to_numpy()]
    rows = pairs["row"].to_numpy()
    ticket = np.zeros(len(surveys), bool)
    ticket[rows] = True
    complaint = np.zeros(len(surveys), bool)
    if "is_complaint" in pairs:
        complaint[rows[pairs["is_complaint"].to_numpy(dtype=bool, na_value=False)]] = True
    resolved = pairs["resolved_at"] if "resolved_at" in pairs else pd.Series(pd.NaT, index=pairs.index)
    done = (resolved <= pairs["at"]).to_numpy(dtype=bool, na_value=False)
    took = (resolved - pairs["created_at"]).dt.total_seconds().to_numpy() / 86_400
    slow = np.zeros(len(surveys), bool)
    slow[rows[done & (took > slow_ticket_days)]] = True
    still_open = np.zeros(len(surveys), bool)
    still_open[rows[~done]] = True
    out["ticket_before"], out["complaint_before"] = ticket, complaint
    out["slow_ticket"], out["open_ticket"] = slow, still_open
    return out


def tenure_bands(days, *, edges=(90, 365, 730)) -> np.ndarray:
    """Label tenure in days with bands: ``under 90 days``, ``90-364 days``, ...

    Examples
    --------
    >>> tenure_bands([0, 90, 400, 800, np.nan]).tolist()
    ['under 90 days', '90-364 days', '365-729 days', '730 days or more', 'no purchase yet']
    """
    d = np.asarray(days, dtype=float)
    edges = [int(e) for e in edges]
    labels = [f"under {edges[0]} days"]
    labels += [f"{a}-{b - 1} days" for a, b in zip(edges, edges[1:])]
    labels += [f"{edges[-1]} days or more"]
    idx = np.searchsorted(np.asarray(edges, dtype=float), np.nan_to_num(d, nan=-1), side="right")
    out = np.asarray(labels, dtype=object)[idx]
    return np.where(np.isnan(d), "no purchase yet", out).astype(object)


def driver_frame(answers: pd.DataFrame, *, as_of, orders: pd.DataFrame | None = None,
                 tickets: pd.DataFrame | None = None, window_days: int = 365,
                 service_window_days: int = 90, slow_ticket_days: float = 3.0,
                 tenure_bands_days=(90, 365, 730), tier_window_days: int = 365,
                 tier_thresholds=(0.8, 0.95)) -> pd.DataFrame:
    """One row per NPS answer in the ``window_days`` up to ``as_of``, with its drivers.

    Parameters
    ----------
    answers : DataFrame
        Survey answers, optionally with the columns of :func:`answer_context`
        (``category``, ``sales_channel``, ``acquisition_channel`` are used when present).
    as_of : date-like
        Last day included.
    orders, tickets : DataFrame, optional
        Canonical tables: tenure and value tier need orders, the service features tickets.
    window_days, service_window_days, slow_ticket_days, tenure_bands_days : see
        :class:`crmkit.config.satisfaction.SatisfactionRules`.
    tier_window_days, tier_thresholds : see
        :func:`crmkit.analysis.lifecycle.value_tiers_at` (the lifecycle rules).

    Returns
    -------
    DataFrame
        Columns ``customer_id``, ``survey_date``, ``nps_score`` (float), the bool
        columns of :func:`service_history` (with tickets), ``tenure_band`` and
        ``value_tier`` (with orders; the tier at the end of the month before the
        answer), and ``category``, ``sales_channel``, ``acquisition_channel`` when
        ``answers`` has them.
    """
    from ..lifecycle import value_tiers_at

    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    a = answers.loc[(answers["survey_date"] < end)
                    & (answers["survey_date"] >= end - pd.Timedelta(days=int(window_days)))]
    a = a.loc[a["nps_score"].notna()] if "nps_score" in a else a.iloc[:0]
    keep = ["customer_id", "survey_date"] + [c for c in ("category", "sales_channel", "acquisition_channel")
                                             if c in a.columns]
    out = a[keep].copy()
    out["nps_score"] = a["nps_score"].astype(float)
    if tickets is not None:
        out = out.join(service_history(a, tickets, window_days=service_window_days,
                                       slow_ticket_days=slow_ticket_days))
    if orders is not None and len(out):
        p = purchases(orders, as_of=pd.Timestamp(as_of))
        first = p.groupby("customer_id")["order_date"].min()
        f = out["customer_id"].map(first)
        tenure = (out["survey_date"] - f).dt.total_seconds() / 86_400
        tenure = tenure.where(tenure >= 0)
        out["tenure_band"] = tenure_bands(tenure.to_numpy(dtype=float), edges=tenure_bands_days)
        month_end = out["survey_date"].dt.to_period("M").dt.start_time - pd.Timedelta(days=1)
        tier = pd.Series("none in the past year", index=out.index, dtype=object)
        for m in np.unique(month_end.to_numpy()):
            tiers = value_tiers_at(orders, as_of=pd.Timestamp(m), window_days=tier_window_days,
                                   thresholds=tier_thresholds)["value_tier"].astype(object)
            on = (month_end == m).to_numpy()
            t = out.loc[on, "customer_id"].map(tiers)
            tier.loc[on] = t.where(t.notna(), "none in the past year").to_numpy()
        out["value_tier"] = tier
    return out.reset_index(drop=True)


def _design(frame: pd.DataFrame, *, min_count: int):
    """Design matrix: yes/no drivers as 0/1, categories as dummies against the most common label."""
    cols, meta = {}, []
    n = len(frame)
    for f in BOOLEAN_DRIVERS:
        if f in frame:
            x = frame[f].to_numpy(dtype=bool)
            k = int(x.sum())
            if min(k, n - k) >= max(min_count // 3, 5):
                cols[f] = x.astype(float)
                meta.append((f, f, None, None, k))
    for f in _CATEGORICAL_DRIVERS:
        if f not in frame:
            continue
        v = frame[f].astype(object).where(frame[f].notna(), "unknown").astype(str)
        counts = v.value_counts()
        rare = counts.index[counts < min_count]
        v = v.where(~v.isin(rare), "other")
        counts = v.value_counts()
        if len(counts) < 2:
            continue
        ref = counts.index[0]
        for level in counts.index[1:]:
            name = f"{f}={level}"
            cols[name] = (v == level).to_numpy(dtype=float)
            meta.append((name, f, level, ref, int(counts[level])))
    X = pd.DataFrame(cols, index=frame.index)
    return X, meta


def driver_effects(frame: pd.DataFrame, *, confidence: float = 0.95, min_count: int = 30,
                   outcome: str = "nps_score") -> pd.DataFrame:
    """Effect of each driver on the NPS answer, in points, with robust intervals.

    Ordinary least squares of the 0-10 answer on all drivers at once with HC3
    standard errors (valid when the spread of answers differs between groups). Labels
    of a category seen fewer than ``min_count`` times are pooled as ``other``; the
    most common label is the reference. A yes/no driver needs at least
    ``max(min_count // 3, 5)`` answers on each side.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`driver_frame`.
    confidence : float, default 0.95
    min_count : int, default 30
    outcome : str, default "nps_score"

    Returns
    -------
    DataFrame
        One row per term (index ``term``), columns ``driver`` (feature name), ``level``
        and ``reference`` (for categories; None for yes/no drivers), ``answers``
        (answers with the feature or label), ``effect`` (points on the 0-10 scale),
        ``ci_low``, ``ci_high``, ``p_value``, ``mean_with``, ``mean_without`` (raw
        averages, before adjustment), ``significant`` (interval excludes 0). Empty
        when there are too few answers to fit.
    """
    import statsmodels.api as sm

    cols = ["driver", "level", "reference", "answers", "effect", "ci_low", "ci_high", "p_value",
            "mean_with", "mean_without", "significant"]
    empty = pd.DataFrame(columns=cols, index=pd.Index([], name="term"))
    if len(frame) < 2 * max(min_count, 10):
        return empty
    X, meta = _design(frame, min_count=min_count)
    if X.empty:
        return empty
    y = frame[outcome].astype(float).to_numpy()
    Xc = sm.add_constant(X, has_constant="add")
    fit = sm.OLS(y, Xc.to_numpy()).fit(cov_type="HC3")
    ci = np.asarray(fit.conf_int(alpha=1 - confidence))
    rows = []
    for j, (term, driver, level, ref, k) in enumerate(meta, start=1):
        x = X[term].to_numpy(dtype=bool)
        rows.append({"term": term, "driver": driver, "level": level, "reference": ref, "answers": k,
                     "effect": float(fit.params[j]), "ci_low": float(ci[j, 0]), "ci_high": float(ci[j, 1]),
                     "p_value": float(fit.pvalues[j]),
                     "mean_with": float(y[x].mean()), "mean_without": float(y[~x].mean()) if (~x).any() else np.nan})
    out = pd.DataFrame(rows).set_index("term")
    out["significant"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    return out[cols]

"""Complaint handling: volume, speed, service level, backlog, repeat complainers, and
what complaints do to loyalty (complainers against comparable non-complainers).

Times are measured from ``created_at`` to ``first_response_at`` and to ``resolved_at``.
A ticket still open at the reference date has an unknown resolution time that is at
least its current age: medians and 90th percentiles of resolution time are therefore
Kaplan-Meier estimates with open tickets censored at their age
(:func:`crmkit.analysis.stats.kaplan_meier`), never averages of the closed ones only.

The **service level** (SLA) share counts a complaint as *met* when it was resolved at
most ``sla_hours`` after it was opened (exactly ``sla_hours`` meets it) and as *missed*
when it was resolved later or is still open past that time; complaints still open and
younger than ``sla_hours`` are not yet decided and stay out of the share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...data.purchases import purchases
from ..stats import kaplan_meier
from .drivers import tenure_bands

__all__ = [
    "complaints_in",
    "complaint_rate",
    "complaint_trend",
    "handling_times",
    "sla_share",
    "backlog",
    "backlog_bands",
    "repeat_complainers",
    "complainer_comparison",
]


def _end(as_of) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)


def _complaint_mask(tickets: pd.DataFrame) -> np.ndarray:
    if "is_complaint" not in tickets.columns:
        return np.zeros(len(tickets), bool)
    return tickets["is_complaint"].to_numpy(dtype=bool, na_value=False)


def complaints_in(tickets: pd.DataFrame, *, start=None, as_of) -> pd.DataFrame:
    """Complaints opened from ``start`` to ``as_of`` (both days included)."""
    t = tickets.loc[_complaint_mask(tickets)]
    keep = t["created_at"] < _end(as_of)
    if start is not None:
        keep &= t["created_at"] >= pd.Timestamp(start).normalize()
    return t.loc[keep]


def complaint_rate(tickets: pd.DataFrame, orders: pd.DataFrame, *, start, as_of) -> dict:
    """Complaints per 1,000 orders in a window.

    Orders are purchases (completed orders with revenue > 0, the KPI overview's
    orders), placed in the same days as the complaints.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": "a", "revenue": 10.0,
    ...                   "order_date": pd.date_range("2025-01-01", periods=500, freq="h")})
    >>> t = pd.DataFrame({"customer_id": "a", "created_at": pd.to_datetime(["2025-01-03", "2025-01-04"]),
    ...                   "is_complaint": [True, False]})
    >>> complaint_rate(t, o, start="2025-01-01", as_of="2025-01-31")["per_1000_orders"]
    2.0
    """
    c = complaints_in(tickets, start=start, as_of=as_of)
    n_orders = len(purchases(orders, start=start, as_of=as_of))
    return {"complaints": len(c), "orders": n_orders,
            "per_1000_orders": 1000 * len(c) / n_orders if n_orders else np.nan,
            "complainers": c["customer_id"].nunique()}


def complaint_trend(tickets: pd.DataFrame, orders: pd.DataFrame, *, as_of, freq: str = "M") -> pd.DataFrame:
    """Complaints, purchases and complaints per 1,000 orders per month up to ``as_of``.

    Returns
    -------
    DataFrame
        Index ``month`` (first day), columns ``complaints``, ``orders`` (int),
        ``per_1000_orders`` (float).
    """
    end = _end(as_of)
    c = complaints_in(tickets, as_of=as_of)
    p = purchases(orders, as_of=as_of)
    cm = c["created_at"].dt.to_period(freq).value_counts()
    om = p["order_date"].dt.to_period(freq).value_counts()
    idx = pd.period_range(p["order_date"].min(), end - pd.Timedelta(days=1), freq=freq) if len(p) else cm.index
    out = pd.DataFrame({"complaints": cm.reindex(idx, fill_value=0), "orders": om.reindex(idx, fill_value=0)})
    out = out.astype(np.int64)
    out["per_1000_orders"] = np.where(out["orders"] > 0, 1000 * out["complaints"] / out["orders"].clip(lower=1), np.nan)
    out.index = out.index.start_time
    out.index.name = "month"
    return out


def _hours(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return (later - earlier).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan) / 3600


def _km_quantiles(hours: np.ndarray, done: np.ndarray, qs=(0.5, 0.9)) -> list[float]:
    """Quantiles of a time with censoring: the first time the KM curve falls to 1 - q."""
    if len(hours) == 0:
        return [np.nan for _ in qs]
    km = kaplan_meier(np.maximum(hours, 0), done)
    surv = km["survival"].to_numpy()
    out = []
    for q in qs:
        hit = np.flatnonzero(surv <= 1 - q + 1e-12)
        out.append(float(km.index[hit[0]]) if len(hit) else np.nan)
    return out


def handling_times(tickets: pd.DataFrame, *, start=None, as_of) -> pd.DataFrame:
    """Median and 90th percentile of the hours to first response and to resolution.

    Tickets opened in the window (``start`` to ``as_of``), complaints and other
    tickets apart. Open tickets (and tickets not yet answered) count as censored at
    their age on ``as_of``; a resolution or response after ``as_of`` is unknown then.

    Returns
    -------
    DataFrame
        Index ``kind`` (``complaints``, ``other tickets``), columns ``tickets``,
        ``open`` (at ``as_of``), ``response_median_hours``, ``response_p90_hours``,
        ``resolution_median_hours``, ``resolution_p90_hours`` (NaN when not estimable,
        e.g. no ``first_response_at`` column, or more than half still open).
    """
    end = _end(as_of)
    t = tickets.loc[tickets["created_at"] < end]
    if start is not None:
        t = t.loc[t["created_at"] >= pd.Timestamp(start).normalize()]
    cmp = _complaint_mask(t)
    age = _hours(pd.Series(end, index=t.index), t["created_at"])
    rows = []
    for kind, on in (("complaints", cmp), ("other tickets", ~cmp)):
        s = t.loc[on]
        a = age[on]
        row = {"kind": kind, "tickets": int(on.sum())}
        for what, col in (("resolution", "resolved_at"), ("response", "first_response_at")):
            if col in s.columns and (what == "resolution" or s[col].notna().any()):
                when = s[col]
                done = (when < end).to_numpy(dtype=bool, na_value=False)
                h = np.where(done, _hours(when, s["created_at"]), a)
                med, p90 = _km_quantiles(h, done)
                if what == "resolution":
                    row["open"] = int((~done).sum())
            else:
                med, p90 = np.nan, np.nan
            row[f"{what}_median_hours"], row[f"{what}_p90_hours"] = med, p90
        rows.append(row)
    cols = ["tickets", "open", "response_median_hours", "response_p90_hours", "resolution_median_hours",
            "resolution_p90_hours"]
    return pd.DataFrame(rows).set_index("kind")[cols]


def sla_share(tickets: pd.DataFrame, *, sla_hours: float, start=None, as_of, column: str = "resolved_at",
              complaints_only: bool = True) -> dict:
    """Share of complaints resolved (or answered) within the service level.

    Parameters
    ----------
    tickets : DataFrame
    sla_hours : float
        Hours allowed; a time of exactly ``sla_hours`` meets the level.
    start, as_of : date-like
        Complaints opened in this window.
    column : {"resolved_at", "first_response_at"}, default "resolved_at"
    complaints_only : bool, default True

    Returns
    -------
    dict
        ``met``, ``missed``, ``pending`` (open, still inside the level: not decided),
        ``share`` (met / (met + missed); NaN with nothing decided).

    Examples
    --------
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-01 00:00"] * 3 + ["2025-01-31 20:00"]),
    ...                   "resolved_at": pd.to_datetime(["2025-01-03 00:00:00", "2025-01-03 00:00:01", None, None]),
    ...                   "is_complaint": True})
    >>> sla_share(t, sla_hours=48, as_of="2025-01-31")
    {'met': 1, 'missed': 2, 'pending': 1, 'share': 0.3333333333333333}
    """
    end = _end(as_of)
    t = tickets.loc[_complaint_mask(tickets)] if complaints_only else tickets
    keep = t["created_at"] < end
    if start is not None:
        keep &= t["created_at"] >= pd.Timestamp(start).normalize()
    t = t.loc[keep]
    if column not in t.columns:
        return {"met": 0, "missed": 0, "pending": 0, "share": np.nan}
    when = t[column]
    done = (when < end).to_numpy(dtype=bool, na_value=False)
    took = _hours(when, t["created_at"])
    age = _hours(pd.Series(end, index=t.index), t["created_at"])
    met = done & (took <= sla_hours)
    missed = (done & (took > sla_hours)) | (~done & (age > sla_hours))
    pending = ~done & ~missed
    n_met, n_missed = int(met.sum()), int(missed.sum())
    return {"met": n_met, "missed": n_missed, "pending": int(pending.sum()),
            "share": n_met / (n_met + n_missed) if n_met + n_missed else np.nan}


def backlog(tickets: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Tickets open at the end of ``as_of``, oldest first.

    Returns
    -------
    DataFrame
        The open tickets with ``age_days`` (float, days since opened) and
        ``is_complaint`` (bool).
    """
    end = _end(as_of)
    t = tickets.loc[tickets["created_at"] < end]
    resolved = t["resolved_at"] if "resolved_at" in t.columns else pd.Series(pd.NaT, index=t.index)
    open_ = ~(resolved < end).to_numpy(dtype=bool, na_value=False)
    out = t.loc[open_].copy()
    out["is_complaint"] = _complaint_mask(out)
    out["age_days"] = _hours(pd.Series(end, index=out.index), out["created_at"]) / 24
    return out.sort_values("age_days", ascending=False, kind="stable")


_AGE_BANDS = ((0, 2, "under 2 days"), (2, 7, "2-7 days"), (7, 30, "1-4 weeks"), (30, 90, "1-3 months"),
              (90, np.inf, "over 3 months"))


def backlog_bands(open_tickets: pd.DataFrame) -> pd.DataFrame:
    """Open tickets by age band, complaints and other tickets apart.

    Returns
    -------
    DataFrame
        Index ``age`` (bands from youngest to oldest, every band present), columns
        ``complaints``, ``other tickets`` (int).
    """
    age = open_tickets["age_days"].to_numpy(dtype=float)
    band = np.full(len(age), "", dtype=object)
    for lo, hi, name in _AGE_BANDS:
        band[(age >= lo) & (age < hi)] = name
    kind = np.where(open_tickets["is_complaint"].to_numpy(dtype=bool), "complaints", "other tickets")
    out = pd.crosstab(pd.Series(band, name="age"), pd.Series(kind, name="kind"))
    out = out.reindex(index=[b for *_, b in _AGE_BANDS], columns=["complaints", "other tickets"], fill_value=0)
    out.columns.name = None
    return out.astype(np.int64)


def repeat_complainers(tickets: pd.DataFrame, *, as_of, days: int = 365) -> pd.DataFrame:
    """Customers with two or more complaints in the ``days`` up to ``as_of``.

    Returns
    -------
    DataFrame
        Index ``customer_id``, columns ``complaints`` (int), ``first_complaint``,
        ``last_complaint``; most complaints first.
    """
    end = _end(as_of)
    c = complaints_in(tickets, start=end - pd.Timedelta(days=int(days)), as_of=as_of)
    g = c.groupby("customer_id")["created_at"].agg(["size", "min", "max"])
    g.columns = ["complaints", "first_complaint", "last_complaint"]
    g = g.loc[g["complaints"] >= 2].sort_values(["complaints", "last_complaint"], ascending=False)
    g["complaints"] = g["complaints"].astype(np.int64)
    return g


def complainer_comparison(orders: pd.DataFrame, tickets: pd.DataFrame, *, as_of, horizon_days: int = 90,
                          lookback_days: int = 365, comparison_days: int = 90,
                          tenure_bands_days=(90, 365, 730), tier_window_days: int = 365,
                          tier_thresholds=(0.8, 0.95), confidence: float = 0.95):
    """Churn and repeat purchases of complainers against comparable non-complainers.

    At the cut-off ``as_of - horizon_days`` (so the following ``horizon_days`` are in
    the data), the active customers (a purchase in the ``lookback_days`` before) are
    split into **complainers** (a complaint in the ``comparison_days`` up to the
    cut-off) and the others. Both are put in strata of value tier
    (:func:`crmkit.analysis.lifecycle.value_tiers_at` at the cut-off) and tenure band;
    each complainer is compared with the non-complainers of the same stratum (exact
    matching), and the non-complainers' outcomes are averaged with weights that give
    every stratum the complainers' share (the effect on the treated). Complainers in a
    stratum without non-complainers are left out and counted.

    Outcomes over the ``horizon_days`` after the cut-off: ``churned`` (no purchase:
    the churn model's definition), ``repeat_purchases`` (purchases per customer) and
    ``spend`` (revenue per customer).

    Returns
    -------
    (DataFrame, dict)
        Table indexed by ``outcome`` with columns ``complainers``, ``matched`` (the
        weighted comparable non-complainers), ``all_others`` (unweighted, for
        contrast), ``difference`` (complainers - matched), ``ci_low``, ``ci_high``;
        and a dict with ``cutoff``, ``complainers``, ``matched_complainers`` (in
        strata with non-complainers), ``unmatched``, ``non_complainers``, ``strata``.
    """
    from ..lifecycle import value_tiers_at

    cutoff = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=int(horizon_days))
    cut_end = cutoff + pd.Timedelta(days=1)
    p = purchases(orders)
    before = p.loc[p["order_date"] < cut_end]
    active = before.loc[before["order_date"] >= cut_end - pd.Timedelta(days=int(lookback_days)), "customer_id"].unique()
    frame = pd.DataFrame(index=pd.Index(np.sort(active), name="customer_id"))
    c = complaints_in(tickets, start=cut_end - pd.Timedelta(days=int(comparison_days)), as_of=cutoff)
    frame["complainer"] = frame.index.isin(c["customer_id"].unique())
    tiers = value_tiers_at(orders, as_of=cutoff, window_days=tier_window_days, thresholds=tier_thresholds)
    tier = frame.index.to_series().map(tiers["value_tier"].astype(object))
    frame["value_tier"] = tier.where(tier.notna(), "none in the past year").to_numpy()
    first = before.groupby("customer_id")["order_date"].min().reindex(frame.index)
    tenure = (cut_end - first).dt.total_seconds().to_numpy(dtype=float) / 86_400
    frame["tenure_band"] = tenure_bands(tenure, edges=tenure_bands_days)
    after = p.loc[(p["order_date"] >= cut_end) & (p["order_date"] < cut_end + pd.Timedelta(days=int(horizon_days)))]
    n_after = after.groupby("customer_id").size().reindex(frame.index, fill_value=0)
    frame["repeat_purchases"] = n_after.astype(float)
    frame["churned"] = (n_after == 0).astype(float)
    frame["spend"] = after.groupby("customer_id")["revenue"].sum().reindex(frame.index, fill_value=0.0)
    frame["stratum"] = frame["value_tier"].astype(str) + " / " + frame["tenure_band"].astype(str)

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    comp = frame.loc[frame["complainer"]]
    rest = frame.loc[~frame["complainer"]]
    n_c = comp.groupby("stratum").size()
    n_r = rest.groupby("stratum").size()
    shared = n_c.index.intersection(n_r.index)
    matched_c = comp.loc[comp["stratum"].isin(shared)]
    w = (n_c[shared] / n_c[shared].sum())
    rows = []
    for outcome in ("churned", "repeat_purchases", "spend"):
        yc = matched_c[outcome]
        mean_c = float(yc.mean()) if len(yc) else np.nan
        var_c = float(yc.var(ddof=1)) / len(yc) if len(yc) > 1 else np.nan
        g = rest.loc[rest["stratum"].isin(shared)].groupby("stratum")[outcome]
        m_s, v_s, k_s = g.mean(), g.var(ddof=1).fillna(0.0), g.size()
        mean_m = float((w * m_s[shared]).sum()) if len(shared) else np.nan
        var_m = float((w ** 2 * v_s[shared] / k_s[shared]).sum()) if len(shared) else np.nan
        diff = mean_c - mean_m
        se = np.sqrt(var_c + var_m) if np.isfinite(var_c) else np.nan
        rows.append({"outcome": outcome, "complainers": mean_c, "matched": mean_m,
                     "all_others": float(rest[outcome].mean()) if len(rest) else np.nan,
                     "difference": diff, "ci_low": diff - z * se, "ci_high": diff + z * se})
    info = {"cutoff": cutoff, "complainers": int(len(comp)), "matched_complainers": int(len(matched_c)),
            "unmatched": int(len(comp) - len(matched_c)), "non_complainers": int(len(rest)),
            "strata": int(len(shared)), "horizon_days": int(horizon_days),
            "comparison_days": int(comparison_days)}
    return pd.DataFrame(rows).set_index("outcome"), info

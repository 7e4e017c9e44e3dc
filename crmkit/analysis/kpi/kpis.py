"""Headline KPIs for a period and the one before it.

Definitions (also returned in the ``definition`` column, so reports state them):

- a *purchase* is an order with status ``completed`` and revenue > 0 (returns and
  cancellations are not purchases; see :func:`crmkit.data.purchases.purchases`);
- *active customers*: customers with at least one purchase in the period;
- *new customers*: customers whose first purchase ever falls in the period;
- *retention rate*: share of the previous period's active customers who are active
  again in this period; *churn rate* = 1 - retention rate;
- *repurchase rate*: share of this period's active customers with two or more
  purchases in the period;
- *CAC*: marketing spend in the period / new customers in the period;
- *LTV (simple)*: AOV x purchases per active customer x expected lifetime in
  periods (1 / churn rate, at most ``max_lifetime_periods``);
- *NPS*: % promoters (9-10) - % detractors (0-6); *CSAT*: % of answers 4 or 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.purchases import is_purchase, purchases
from ...fmt import RATE_UNITS
from ...periods import Period

LOWER_IS_BETTER = frozenset({"churn_rate", "cac", "return_rate"})
"""KPIs whose fall is good news (drawn green when they go down)."""

__all__ = [
    "LOWER_IS_BETTER",
    "KPI_DEFINITIONS",
    "kpi_table",
    "kpi_trend",
    "churn_measures",
]

KPI_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    # key: (label, unit, definition)
    "revenue": ("Revenue", "currency", "Sum of completed order revenue in the period (returns and cancellations excluded)."),
    "orders": ("Orders", "count", "Completed orders with revenue > 0."),
    "active_customers": ("Active customers", "count", "Customers with at least one completed order in the period."),
    "new_customers": ("New customers", "count", "Customers whose first completed order ever is in the period."),
    "aov": ("Average order value", "currency", "Revenue / orders."),
    "purchase_frequency": ("Purchase frequency", "ratio", "Orders per active customer in the period."),
    "repurchase_rate": ("Repurchase rate", "share", "Share of active customers with 2+ orders in the period."),
    "retention_rate": ("Retention rate", "share", "Share of the previous period's active customers active again in this period."),
    "churn_rate": ("Period churn rate", "share", "Share of the previous period's active customers who did not buy in this period (1 - retention rate)."),
    "return_rate": ("Return rate", "share", "Returned orders / (completed + returned orders) in the period."),
    "cac": ("CAC", "currency", "Marketing spend in the period / new customers in the period."),
    "ltv_simple": ("LTV (simple formula)", "currency", "AOV x purchase frequency x expected lifetime in periods (1 / churn rate, capped)."),
    "ltv_cac_ratio": ("LTV / CAC", "ratio", "LTV (simple) / CAC."),
    "nps": ("NPS", "score", "% promoters (9-10) - % detractors (0-6) among answers in the period."),
    "csat": ("CSAT", "share", "Share of CSAT answers of 4 or 5 in the period."),
}


def _period_core(p: pd.DataFrame, first: pd.Series, period: Period) -> dict[str, float]:
    in_p = p.loc[period.contains(p["order_date"])]
    n_orders = len(in_p)
    revenue = float(in_p["revenue"].sum())
    per_cust = in_p.groupby("customer_id", sort=False).size()
    active = len(per_cust)
    new = int(period.contains(first).sum())
    return {
        "revenue": revenue,
        "orders": float(n_orders),
        "active_customers": float(active),
        "new_customers": float(new),
        "aov": revenue / n_orders if n_orders else np.nan,
        "purchase_frequency": n_orders / active if active else np.nan,
        "repurchase_rate": float((per_cust >= 2).mean()) if active else np.nan,
        "_active_ids": per_cust.index,
    }


def _period_kpis(orders, p, first, period, *, marketing_spend, surveys, max_lifetime_periods):
    cur = _period_core(p, first, period)
    prev_active = _period_core(p, first, period.previous())["_active_ids"]
    ids = cur.pop("_active_ids")
    if len(prev_active):
        retention = float(prev_active.isin(ids).mean())
    else:
        retention = np.nan
    cur["retention_rate"] = retention
    cur["churn_rate"] = 1 - retention if not np.isnan(retention) else np.nan
    if "status" in orders.columns:
        o = orders.loc[period.contains(orders["order_date"])]
        ret = int((o["status"] == "returned").sum())
        comp = int(is_purchase(o).sum())
        cur["return_rate"] = ret / (ret + comp) if ret + comp else np.nan
    churn = cur["churn_rate"]
    life = min(1 / churn, max_lifetime_periods) if churn and not np.isnan(churn) else (
        max_lifetime_periods if churn == 0 else np.nan)
    cur["ltv_simple"] = cur["aov"] * cur["purchase_frequency"] * life
    if marketing_spend is not None and len(marketing_spend):
        spend = float(marketing_spend.loc[period.contains(marketing_spend["date"]), "spend"].sum())
        cur["cac"] = spend / cur["new_customers"] if cur["new_customers"] else np.nan
        cur["ltv_cac_ratio"] = cur["ltv_simple"] / cur["cac"] if cur["cac"] else np.nan
    if surveys is not None and len(surveys):
        s = surveys.loc[period.contains(surveys["survey_date"])]
        if "nps_score" in s.columns:
            n = s["nps_score"].dropna()
            cur["nps"] = float(100 * ((n >= 9).mean() - (n <= 6).mean())) if len(n) else np.nan
        if "csat_score" in s.columns:
            c = s["csat_score"].dropna()
            cur["csat"] = float((c >= 4).mean()) if len(c) else np.nan
    return cur


def kpi_table(
    orders: pd.DataFrame,
    *,
    period: Period,
    marketing_spend: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    max_lifetime_periods: float = 40,
) -> pd.DataFrame:
    """Compute the headline KPIs for a period and the period before it.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (all history: first purchases and the previous period
        are needed).
    period : Period
        The report period; the comparison is ``period.previous()``.
    marketing_spend, surveys : DataFrame, optional
        When given, CAC (and LTV/CAC), NPS and CSAT are added.
    max_lifetime_periods : float, default 40
        Cap on the expected lifetime used by the simple LTV formula.

    Returns
    -------
    DataFrame
        One row per KPI, index ``kpi``; columns ``label``, ``value``, ``previous``,
        ``change``, ``unit``, ``definition``. ``change`` is relative
        (value / previous - 1) for amounts, counts and ratios, and the difference
        (value - previous) for shares and scores (units in
        :data:`crmkit.fmt.RATE_UNITS`): a rate moves in points, not in percent
        (NPS 41 -> 40 is -1 point, not -2.4%; NPS -20 -> -10 is +10 points).
    """
    p = purchases(orders)
    first = p.groupby("customer_id", sort=False)["order_date"].min()
    kw = dict(marketing_spend=marketing_spend, surveys=surveys,
              max_lifetime_periods=max_lifetime_periods)
    cur = _period_kpis(orders, p, first, period, **kw)
    prev = _period_kpis(orders, p, first, period.previous(), **kw)
    rows = []
    for key, (label, unit, definition) in KPI_DEFINITIONS.items():
        if key not in cur:
            continue
        v, pv = cur[key], prev.get(key, np.nan)
        change = _change(v, pv, unit)
        rows.append((key, label, v, pv, change, unit, definition))
    return pd.DataFrame(
        rows, columns=["kpi", "label", "value", "previous", "change", "unit", "definition"]
    ).set_index("kpi")


def _change(value: float, previous: float, unit: str) -> float:
    """Points for shares and scores, relative change for everything else (NaN when undefined)."""
    if np.isnan(value) or np.isnan(previous):
        return np.nan
    if unit in RATE_UNITS:
        return value - previous
    return value / previous - 1 if previous else np.nan


def kpi_trend(orders: pd.DataFrame, *, freq: str = "M") -> pd.DataFrame:
    """Revenue, orders, active and new customers and AOV per calendar period.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    freq : {"M", "Q", "W", "D"}, default "M"
        Bucket size (calendar months, quarters, ISO weeks starting Monday, days).

    Returns
    -------
    DataFrame
        Index ``period_start`` (Timestamp), every bucket from the first to the last
        purchase (empty ones as zeros); columns ``revenue``, ``orders``,
        ``active_customers``, ``new_customers``, ``aov`` (NaN without orders).
    """
    p = purchases(orders)
    bucket = p["order_date"].dt.to_period("W-SUN" if freq == "W" else freq).dt.start_time
    first = p.groupby("customer_id", sort=False)["order_date"].transform("min")
    is_first_bucket = bucket == first.dt.to_period("W-SUN" if freq == "W" else freq).dt.start_time
    g = p.assign(_b=bucket, _new=is_first_bucket).groupby("_b")
    out = pd.DataFrame({
        "revenue": g["revenue"].sum(),
        "orders": g.size(),
        "active_customers": g["customer_id"].nunique(),
        "new_customers": p.loc[is_first_bucket].assign(_b=bucket[is_first_bucket]).groupby("_b")["customer_id"].nunique(),
    }).fillna({"new_customers": 0})
    if len(out):
        # months without a purchase are shown as zeros, not skipped
        full = pd.period_range(out.index.min(), out.index.max(),
                               freq="W-SUN" if freq == "W" else freq).start_time
        out = out.reindex(full, fill_value=0)
    out["new_customers"] = out["new_customers"].astype(int)
    out["aov"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out.index.name = "period_start"
    return out




def churn_measures(orders: pd.DataFrame, *, kpis: pd.DataFrame, as_of, lapse_days: int = 180,
                   horizon_days: int = 90, lookback_days: int = 365) -> pd.DataFrame:
    """The four "churn" numbers of the reports side by side, each with its own name.

    Readers meet four numbers that could all be called churn. They answer different
    questions and are named differently on every page:

    - **period churn rate** (this page): share of the previous period's buyers who did
      not buy in the report period;
    - **lapsed customers** (lifecycle, notebook 04): share of all buyers whose last
      purchase is ``lapse_days`` or more days before ``as_of``;
    - **90-day churn** (churn model, notebook 06): share of customers active in the
      ``lookback_days`` before a cut-off who then made no purchase in the next
      ``horizon_days`` days, at the latest cut-off whose outcome is known; the churn
      model predicts this per customer as a *churn risk*;
    - **expected dropout** (CLV, notebook 05): share of buyers the BG/NBD model believes
      are no longer customers (1 - mean probability alive) as of ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    kpis : DataFrame
        Output of :func:`kpi_table` (for the period churn rate).
    as_of : date-like
        The report's reference date.
    lapse_days, horizon_days, lookback_days : int
        The lifecycle's ``churn_days`` and the churn model's ``horizon_days`` and
        ``lookback_days`` (from the params file).

    Returns
    -------
    DataFrame
        Index ``measure``; columns ``question``, ``definition``, ``value`` (share, NaN
        when it cannot be computed) and ``report`` (where it is used).
    """
    from ..churn.features import churn_labels
    from ..clv.evaluation import choose_transaction_model, fit_models
    from ..clv.models import btyd_summary
    from ..lifecycle.lifecycle import lifecycle_stages

    as_of = pd.Timestamp(as_of).normalize()
    period_churn = float(kpis.loc["churn_rate", "value"]) if "churn_rate" in kpis.index else np.nan
    stages = lifecycle_stages(orders, as_of=as_of, rules={"churn_days": lapse_days})
    buyers = stages.loc[stages["stage"] != "prospect"]
    lapsed = float((buyers["stage"] == "lapsed").mean()) if len(buyers) else np.nan
    cutoff = as_of - pd.Timedelta(days=int(horizon_days))
    labels = churn_labels(orders, as_of=cutoff, horizon_days=horizon_days, lookback_days=lookback_days)
    window_churn = float(labels["churned"].mean()) if len(labels) else np.nan
    dropout = np.nan
    try:
        # the same purchases as the CLV report: orders flagged as outliers stay out of the fit
        kept = orders.loc[~orders["is_outlier"].astype(bool)] if "is_outlier" in orders.columns else orders
        summary = btyd_summary(kept, as_of=as_of, time_unit="W")
        # the model the CLV report uses: BG/NBD, or Pareto/NBD where the BG/NBD fit degenerates
        models = fit_models(summary, spend=False)
        key, _ = choose_transaction_model(models, summary)
        if key is not None:
            with np.errstate(all="ignore"):
                alive = models[key].probability_alive(summary)
            dropout = float(1 - alive.mean())
    except (ValueError, FloatingPointError, ArithmeticError):
        pass
    rows = [
        ("period churn rate", "Did last period's buyers buy again this period?",
         "share of the previous period's buyers with no purchase in the report period",
         period_churn, "KPI overview (01)"),
        ("lapsed customers", "Who has not bought for a long time?",
         f"share of all buyers whose last purchase is {lapse_days}+ days old", lapsed,
         "Lifecycle (04)"),
        (f"{horizon_days}-day churn", f"Who stops buying in the next {horizon_days} days?",
         f"share of customers active in the last {lookback_days} days with no purchase in the "
         f"next {horizon_days} days (latest cut-off with a known outcome, "
         f"{cutoff:%Y-%m-%d}); predicted per customer as churn risk", window_churn,
         "Churn prediction (06)"),
        ("expected dropout", "Which buyers are no longer customers at all?",
         "1 - average probability of being alive under the CLV report's model (BG/NBD, or "
         "Pareto/NBD where the BG/NBD fit fails)", dropout,
         "Customer lifetime value (05)"),
    ]
    return pd.DataFrame(rows, columns=["measure", "question", "definition", "value", "report"]
                        ).set_index("measure")

"""Headline KPIs for a period and the one before it.

Definitions (also returned in the ``definition`` column, so reports state them):

- a *purchase* is an order with status ``completed`` and revenue > 0 (returns and
  cancellations are not purchases; see :func:`completed_orders`);
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

from .periods import Period

LOWER_IS_BETTER = frozenset({"churn_rate", "cac", "return_rate"})
"""KPIs whose fall is good news (drawn green when they go down)."""

__all__ = [
    "LOWER_IS_BETTER",
    "completed_orders",
    "kpi_table",
    "kpi_trend",
    "kpi_findings",
    "KPI_DEFINITIONS",
    "headline",
]

KPI_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    # key: (label, unit, definition)
    "revenue": ("Revenue", "currency", "Sum of completed order revenue in the period (returns and cancellations excluded)."),
    "orders": ("Orders", "count", "Completed orders with revenue > 0."),
    "active_customers": ("Active customers", "count", "Customers with at least one completed order in the period."),
    "new_customers": ("New customers", "count", "Customers whose first completed order ever is in the period."),
    "aov": ("Average order value", "currency", "Revenue / orders (客单价)."),
    "purchase_frequency": ("Purchase frequency", "ratio", "Orders per active customer in the period."),
    "repurchase_rate": ("Repurchase rate", "share", "Share of active customers with 2+ orders in the period."),
    "retention_rate": ("Retention rate", "share", "Share of the previous period's active customers active again in this period."),
    "churn_rate": ("Churn rate", "share", "1 - retention rate."),
    "return_rate": ("Return rate", "share", "Returned orders / (completed + returned orders) in the period."),
    "cac": ("CAC", "currency", "Marketing spend in the period / new customers in the period."),
    "ltv_simple": ("LTV (simple formula)", "currency", "AOV x purchase frequency x expected lifetime in periods (1 / churn rate, capped)."),
    "ltv_cac_ratio": ("LTV / CAC", "ratio", "LTV (simple) / CAC."),
    "nps": ("NPS", "score", "% promoters (9-10) - % detractors (0-6) among answers in the period."),
    "csat": ("CSAT", "share", "Share of CSAT answers of 4 or 5 in the period."),
}


def completed_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Return the purchases: orders with status ``completed`` and revenue > 0.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders; ``status`` is optional (missing means completed).

    Returns
    -------
    DataFrame
        The same columns, only purchase rows.
    """
    keep = orders["revenue"] > 0
    if "status" in orders.columns:
        keep &= orders["status"].fillna("completed") == "completed"
    return orders.loc[keep]


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
        comp = int(((o["status"] == "completed") & (o["revenue"] > 0)).sum())
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
        ``change`` (relative, value / previous - 1), ``unit``, ``definition``.
    """
    p = completed_orders(orders)
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
        change = v / pv - 1 if pv and not np.isnan(pv) and not np.isnan(v) else np.nan
        rows.append((key, label, v, pv, change, unit, definition))
    return pd.DataFrame(
        rows, columns=["kpi", "label", "value", "previous", "change", "unit", "definition"]
    ).set_index("kpi")


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
    p = completed_orders(orders)
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


def headline(kpis: pd.DataFrame, *, currency: str = "¥") -> list[dict]:
    """Format a :func:`kpi_table` as display strings for the report index.

    Returns
    -------
    list of dict
        ``{"kpi", "label", "value", "previous", "change"}`` with formatted strings,
        and ``"good"``: True when the change is good news (a rise, or a fall of a KPI
        in :data:`LOWER_IS_BETTER`), False when bad, None without a change.
    """
    def fmt(v, unit):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "–"
        if unit == "currency":
            return f"{currency}{v:,.0f}" if abs(v) >= 100 else f"{currency}{v:,.2f}"
        if unit == "count":
            return f"{v:,.0f}"
        if unit == "share":
            return f"{100 * v:.1f}%"
        if unit == "score":
            return f"{v:.0f}"
        return f"{v:.2f}"

    out = []
    for key, r in kpis.iterrows():
        ch = r["change"]
        out.append({
            "kpi": key, "label": r["label"], "value": fmt(r["value"], r["unit"]),
            "previous": fmt(r["previous"], r["unit"]),
            "change": "–" if pd.isna(ch) else f"{100 * ch:+.1f}%",
            "good": None if pd.isna(ch) or ch == 0 else bool((ch > 0) != (key in LOWER_IS_BETTER)),
        })
    return out


def kpi_findings(kpis: pd.DataFrame, *, period: Period, currency: str = "¥") -> list[str]:
    """Sentences stating the main KPI movements, computed from :func:`kpi_table`.

    Returns
    -------
    list of str
        Markdown bullet texts, e.g. ``"Revenue was ¥1,234,567 in 2025-Q4, up 12.3% on 2025-Q3."``
    """
    fmt = {r["kpi"]: r for r in headline(kpis, currency=currency)}
    prev = period.previous().label
    out = []

    def moved(key):
        ch = kpis.loc[key, "change"]
        if pd.isna(ch):
            return f"(no comparison with {prev})"
        word = "up" if ch > 0 else "down"
        return f"{word} {abs(100 * ch):.1f}% on {prev}"

    if "revenue" in kpis.index:
        out.append(f"Revenue was **{fmt['revenue']['value']}** in {period.label}, {moved('revenue')}.")
    if {"active_customers", "new_customers"} <= set(kpis.index):
        act, new = kpis.loc["active_customers", "value"], kpis.loc["new_customers", "value"]
        share = new / act if act else np.nan
        out.append(
            f"**{fmt['active_customers']['value']}** customers bought ({moved('active_customers')}); "
            f"{fmt['new_customers']['value']} of them were new ({100 * share:.0f}% of active)."
        )
    if "aov" in kpis.index:
        out.append(f"The average order value was {fmt['aov']['value']} ({moved('aov')}).")
    if "retention_rate" in kpis.index and pd.notna(kpis.loc["retention_rate", "value"]):
        out.append(
            f"{fmt['retention_rate']['value']} of {prev}'s buyers bought again in {period.label} "
            f"(churn {fmt['churn_rate']['value']})."
        )
    if "cac" in kpis.index and pd.notna(kpis.loc["cac", "value"]):
        out.append(f"Acquiring a customer cost {fmt['cac']['value']} on average (CAC, {moved('cac')}).")
    if "nps" in kpis.index and pd.notna(kpis.loc["nps", "value"]):
        out.append(f"NPS was {fmt['nps']['value']} and CSAT {fmt['csat']['value']} satisfied answers.")
    return out

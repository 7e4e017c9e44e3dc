"""One label catalogue: the words a reader sees for column and feature names.

Tables (:func:`crmkit.reporting.tables.table`) and charts use :func:`label`, so a
column is called the same on every page. Analysis areas add their own names with
:func:`register` (at import of the area package); a name nobody registered falls back
to rules for the common patterns:

- one-hot features ``region_西南`` -> ``region: 西南`` (the prefix is a known label);
- windows ``complaints_90d`` -> ``complaints, last 90 days``;
- anything else: underscores become spaces.

Examples
--------
>>> label("days_since_visit"), label("region_西南"), label("complaints_90d")
('days since last web visit', 'region: 西南', 'complaints, last 90 days')
>>> label("recency_days")
'days since last purchase'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["LABELS", "label", "labels", "register", "yes_no"]

LABELS: dict[str, str] = {
    # identifiers and dates
    "customer_id": "customer",
    "order_id": "order",
    "product_id": "product",
    "order_date": "order date",
    "signup_date": "sign-up date",
    "first_purchase": "first purchase",
    "last_purchase": "last purchase",
    "as_of": "as of",
    # customer profile
    "acquisition_channel": "acquisition channel",
    "sales_channel": "sales channel",
    "crm_segment": "CRM segment",
    "region": "region",
    "city": "city",
    "gender": "gender",
    "birth_year": "year of birth",
    "category": "product category",
    # purchases
    "recency_days": "days since last purchase",
    "frequency": "purchases",
    "monetary": "spend",
    "revenue": "revenue",
    "orders": "orders",
    "avg_order_value": "average order value",
    "aov": "average order value",
    "tenure_days": "days since first purchase",
    "customers": "customers",
    "customer_share": "share of customers",
    "revenue_share": "share of revenue",
    "share": "share",
    "rows": "rows",
    "rows_affected": "rows affected",
    "missing": "missing values",
    "missing_share": "share missing",
    "distinct": "distinct values",
    "example": "example",
    "table": "table",
    "column": "column",
    "rule": "rule",
    "action": "what was done",
    "advice": "what to fix at the source",
    "examples": "examples",
    "value": "value",
    "previous": "previous period",
    "change": "change",
    "definition": "definition",
    "label": "measure",
    "kpi": "measure",
    # value and risk
    "p_alive": "chance still a customer",
    "clv": "predicted lifetime value",
    "churn_probability": "churn risk",
    "customer_value": "customer value",
    "value_at_risk": "value at risk",
    "top_reasons": "main reasons",
    "value_tier": "value tier",
    "segment": "segment",
    "stage": "lifecycle stage",
    "cluster": "cluster",
    "days_since_visit": "days since last web visit",
    "web_sessions": "web sessions",
    "nps_last": "latest NPS answer",
    "nps_mean": "average NPS answer",
    "csat_last": "latest CSAT answer",
    "csat_mean": "average CSAT answer",
    "complaints": "complaints",
    "tickets": "service tickets",
    "open_tickets": "open service tickets",
    "mean_resolution_days": "average days to resolve a ticket",
    "gap_ratio": "days since last purchase / usual gap",
    "median_gap_days": "usual days between purchases",
    "spend_trend": "spend trend (-1 stopped, +1 new)",
}
"""Core labels; areas add theirs with :func:`register`."""

_REGISTERED: dict[str, str] = {}
_WINDOW = re.compile(r"^(?P<base>.+?)_(?P<n>\d+)d$")


def register(mapping: Mapping[str, str]) -> None:
    """Add labels (an analysis area calls this once, at import)."""
    _REGISTERED.update({str(k): str(v) for k, v in mapping.items()})


def _known(name: str) -> str | None:
    return _REGISTERED.get(name) or LABELS.get(name)


def label(name) -> str:
    """The words for a column or feature name (see the module docstring for the rules)."""
    if not isinstance(name, str):
        return str(name)
    known = _known(name)
    if known is not None:
        return known
    m = _WINDOW.match(name)
    if m:
        return f"{label(m['base'])}, last {m['n']} days"
    # one-hot: the longest known prefix before an underscore
    parts = name.split("_")
    for i in range(len(parts) - 1, 0, -1):
        prefix = "_".join(parts[:i])
        known = _known(prefix)
        if known is not None:
            return f"{known}: {'_'.join(parts[i:])}"
    return name.replace("_", " ")


def labels(names) -> list[str]:
    """:func:`label` of each name."""
    return [label(n) for n in names]


def yes_no(value) -> str:
    """``yes`` / ``no`` for a boolean, the value unchanged otherwise."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return "yes" if bool(value) else "no"
    except ImportError:  # pragma: no cover
        pass
    return value

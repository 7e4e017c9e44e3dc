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

__all__ = ["LABELS", "VALUE_LABELS", "label", "labels", "register", "use_area", "value_label",
           "yes_no"]

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

VALUE_LABELS: dict[str, str] = {
    "at_risk": "at risk",
    "add_to_cart": "add to cart",
    "not_available": "not available",
}
"""Words for code-like *values* shown in tables (stages, event types, ...); areas add theirs
with :func:`register` (``values=``)."""

_AREA_LABELS: dict[str, dict[str, str]] = {}
_AREA_VALUES: dict[str, dict[str, str]] = {}
_current_area: str | None = None
_WINDOW = re.compile(r"^(?P<base>.+?)_(?P<n>\d+)d$")


def _caller_area() -> str:
    """The analysis area of the module that called :func:`register` (``crmkit.analysis.<area>``)."""
    import inspect

    frame = inspect.currentframe()
    try:
        caller = frame.f_back.f_back if frame and frame.f_back else None
        name = caller.f_globals.get("__name__", "") if caller else ""
    finally:
        del frame
    parts = name.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["crmkit", "analysis"] else name


def register(mapping: Mapping[str, str] | None = None, *,
             values: Mapping[str, str] | None = None, area: str | None = None) -> None:
    """Add an analysis area's labels of names (and of code-like values).

    An area calls this once, at import. Labels are kept per area: two areas may give the
    same name different words (``planted`` is a planted win rate on the sales-team page
    and a planted effect on the forecast page). :func:`label` prefers the area of the
    notebook being run (:func:`use_area`, set by :func:`crmkit.start`), then the labels
    the notebook registered itself, then the core catalogue. Other areas' words are used
    only when no area is set (a script or the console): a page's labels must not depend
    on which other areas happen to be imported (two areas name ``buyers`` differently).
    """
    area = area or _caller_area()
    _AREA_LABELS.setdefault(area, {}).update({str(k): str(v) for k, v in (mapping or {}).items()})
    _AREA_VALUES.setdefault(area, {}).update({str(k): str(v) for k, v in (values or {}).items()})


def use_area(area: str | None) -> None:
    """Prefer ``area``'s labels from now on (the notebook's own area; None: no preference)."""
    global _current_area
    _current_area = area


def _lookup(name: str, core: dict[str, str], by_area: dict[str, dict[str, str]]) -> str | None:
    # a notebook's labels never depend on which other areas happen to be imported:
    # its own area, then what the notebook registered itself, then the core catalogue
    for area in (_current_area, "__main__"):
        if area is not None and name in by_area.get(area, {}):
            return by_area[area][name]
    if name in core:
        return core[name]
    if _current_area is None:  # outside a notebook (scripts, the console): any area's words
        for labels_ in by_area.values():
            if name in labels_:
                return labels_[name]
    return None


def value_label(value):
    """Words for a code-like value (``at_risk`` -> ``at risk``); other values unchanged.

    Examples
    --------
    >>> value_label("at_risk"), value_label("Champions"), value_label(3)
    ('at risk', 'Champions', 3)
    """
    if not isinstance(value, str):
        return value
    found = _lookup(value, VALUE_LABELS, _AREA_VALUES)
    return value if found is None else found


def _known(name: str) -> str | None:
    return _lookup(name, LABELS, _AREA_LABELS)


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

"""Lifecycle stages as of a date, stage transitions, and value-tier migration.

Lifecycle stages
----------------
Each customer gets exactly one stage as of a day (``as_of``), from their purchases up
to the end of that day (completed orders with revenue > 0) and, for prospects, the
``customers`` table. Purchases are counted as **purchase days** (several orders on
one day are one visit). The thresholds are business rules kept as data
(:class:`~crmkit.config.lifecycle.LifecycleRules`, overridable from a params file's
``analysis: lifecycle:`` section). The first rule that matches wins, in this order
(:data:`STAGE_PRECEDENCE`):

1. ``prospect``: in the customers table, signed up by ``as_of`` (or no signup date),
   but no purchase yet;
2. ``lapsed``: last purchase ``churn_days`` or more days ago;
3. ``new``: first purchase less than ``new_days`` days ago;
4. ``reactivated``: came back after a gap of ``churn_days`` or more between two
   purchases, and that comeback was less than ``reactivated_days`` days ago;
5. ``at_risk``: last purchase ``at_risk_days`` or more days ago;
6. ``loyal``: at least ``loyal_min_purchases`` purchase days in the last
   ``loyal_window_days`` days;
7. ``active``: everyone else (bought recently, not new, not yet loyal).

"``n`` days ago" counts whole days from the purchase day to ``as_of`` (0 = that day).

Value tiers
-----------
:func:`value_tiers_at` ranks customers by revenue in a trailing window (default the
365 days up to and including ``as_of``) and splits them ABC-style: *high* are the
fewest top spenders who together make 80% of the window's revenue, *medium* the next
ones up to 95%, *low* the rest; customers without a purchase in the window have no
tier (``none``). (The same rule as :func:`crmkit.analysis.segmentation.value_tiers` on
all-time revenue; the two could share one implementation later.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...config.lifecycle import LifecycleRules
from ...data.keys import isin
from ...data.purchases import purchases
from ...periods import Period
from ..segmentation.segmentation import TIER_LABELS, value_tiers

__all__ = [
    "STAGES",
    "STAGE_PRECEDENCE",
    "NOT_YET",
    "STAGE_DESCRIPTIONS",
    "TIERS",
    "stage_definitions",
    "lifecycle_stages",
    "stage_counts",
    "stage_transitions",
    "value_tiers_at",
    "tier_migration",
    "migration_counts",
    "migration_profile",
]

STAGES = ("prospect", "new", "active", "loyal", "reactivated", "at_risk", "lapsed")
"""Stages in display order (from first contact to lost)."""

STAGE_PRECEDENCE = ("prospect", "lapsed", "new", "reactivated", "at_risk", "loyal", "active")
"""Order in which the stage rules are tried; the first that matches wins."""

NOT_YET = "not yet a customer"
"""``from_stage`` of customers unknown at the start of a transition period."""

STAGE_DESCRIPTIONS: dict[str, str] = {
    "prospect": "signed up, no purchase yet",
    "new": "first purchase less than {new_days} days ago",
    "active": "bought in the last {at_risk_days} days, not new, not (yet) loyal",
    "loyal": "{loyal_min_purchases}+ purchase days in the last {loyal_window_days} days, and bought in the last {at_risk_days} days",
    "reactivated": "came back after {churn_days}+ days without buying, less than {reactivated_days} days ago",
    "at_risk": "no purchase for {at_risk_days} to {churn_days} days",
    "lapsed": "no purchase for {churn_days}+ days",
}
"""Plain-words definition of each stage (format with the rules)."""

TIERS = TIER_LABELS
_DAY_US = 86_400_000_000
_TIER_LEVEL = {"none": 0, "low": 1, "medium": 2, "high": 3}


def _rules(rules: LifecycleRules | dict | None) -> dict:
    """The stage thresholds of ``rules`` (a :class:`LifecycleRules` or a mapping of overrides)."""
    return LifecycleRules.coerce(rules).stage_rules


def _day(ts) -> int:
    return int(np.datetime64(pd.Timestamp(ts).normalize(), "D").astype(np.int64))


def _purchase_days(orders: pd.DataFrame, as_of_day: int) -> pd.DataFrame:
    """Distinct (customer, day) purchases up to ``as_of_day``, sorted by customer and day."""
    p = purchases(orders)
    day = p["order_date"].to_numpy(dtype="datetime64[us]").view(np.int64) // _DAY_US
    keep = day <= as_of_day
    d = pd.DataFrame({"customer_id": p["customer_id"].to_numpy()[keep], "day": day[keep]})
    return d.drop_duplicates().sort_values(["customer_id", "day"], ignore_index=True)


def stage_definitions(rules: dict | None = None) -> pd.DataFrame:
    """The stage rules in plain words, in the order they are tried.

    Parameters
    ----------
    rules : dict, optional
        Overrides of :class:`~crmkit.config.lifecycle.LifecycleRules`.

    Returns
    -------
    DataFrame
        Columns ``precedence`` (1 = tried first), ``stage``, ``definition``.

    Examples
    --------
    >>> stage_definitions({"churn_days": 120}).iloc[1, 1:].tolist()
    ['lapsed', 'no purchase for 120+ days']
    """
    r = _rules(rules)
    return pd.DataFrame({
        "precedence": np.arange(1, len(STAGE_PRECEDENCE) + 1),
        "stage": list(STAGE_PRECEDENCE),
        "definition": [STAGE_DESCRIPTIONS[s].format(**r) for s in STAGE_PRECEDENCE],
    })


def lifecycle_stages(orders: pd.DataFrame, *, as_of, customers: pd.DataFrame | None = None,
                     rules: dict | None = None) -> pd.DataFrame:
    """Assign each customer one lifecycle stage as of a day.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (all history; purchases after ``as_of`` are ignored).
    as_of : date-like
        Reference day (inclusive).
    customers : DataFrame, optional
        Canonical customers (``customer_id``, optional ``signup_date``); needed for
        prospects. Without it only buyers get a stage.
    rules : dict, optional
        Overrides of :class:`~crmkit.config.lifecycle.LifecycleRules` (other keys of the ``lifecycle``
        params section, such as the tier rules, are ignored here).

    Returns
    -------
    DataFrame
        Index ``customer_id`` (sorted); columns ``stage`` (ordered categorical in
        :data:`STAGES` order), ``first_purchase``, ``last_purchase`` (datetime day,
        NaT for prospects), ``recency_days`` and ``tenure_days`` (Int64 whole days
        to ``as_of``, missing for prospects), ``purchase_days`` (int, all time) and
        ``recent_purchase_days`` (int, in the loyalty window).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "b", "b"], "revenue": 1.0,
    ...                   "order_date": pd.to_datetime(["2025-06-01", "2024-01-01",
    ...                                                 "2024-03-01", "2025-06-20"])})
    >>> lifecycle_stages(o, as_of="2025-06-30")["stage"].tolist()
    ['new', 'reactivated']
    """
    r = _rules(rules)
    as_of_day = _day(as_of)
    d = _purchase_days(orders, as_of_day)
    cid = d["customer_id"].to_numpy()
    day = d["day"].to_numpy()
    if len(d):
        starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])
        ends = np.r_[starts[1:], len(d)] - 1
        first, last = day[starts], day[ends]
        recent = np.add.reduceat((day > as_of_day - r["loyal_window_days"]).astype(np.int64), starts)
        # day of the latest purchase that followed a churn-length gap (a comeback)
        is_return = np.r_[0, np.diff(day)] >= r["churn_days"]
        is_return[starts] = False
        comeback = np.maximum.reduceat(np.where(is_return, day, np.iinfo(np.int64).min), starts)
    else:  # nobody has bought yet
        starts = ends = first = last = recent = comeback = np.zeros(0, dtype=np.int64)
    n_days = ends - starts + 1
    recency = as_of_day - last
    tenure = as_of_day - first
    since_comeback = as_of_day - comeback.astype(np.float64)  # huge when there was none
    conds = {
        "lapsed": recency >= r["churn_days"],
        "new": tenure < r["new_days"],
        "reactivated": since_comeback < r["reactivated_days"],
        "at_risk": recency >= r["at_risk_days"],
        "loyal": recent >= r["loyal_min_purchases"],
        "active": np.ones(len(starts), dtype=bool),
    }
    order = [s for s in STAGE_PRECEDENCE if s != "prospect"]
    stage = np.select([conds[s] for s in order], order, default="active")
    to_ts = lambda x: pd.to_datetime(x.astype("datetime64[D]")).as_unit("us")  # noqa: E731
    buyers = pd.DataFrame({
        "stage": stage,
        "first_purchase": to_ts(first), "last_purchase": to_ts(last),
        "recency_days": pd.array(recency, dtype="Int64"),
        "tenure_days": pd.array(tenure, dtype="Int64"),
        "purchase_days": n_days.astype(np.int64),
        "recent_purchase_days": recent.astype(np.int64),
    }, index=pd.Index(cid[starts], name="customer_id"))
    parts = [buyers]
    if customers is not None and len(customers):
        c = customers
        if "signup_date" in c.columns:
            c = c.loc[c["signup_date"].isna() | (c["signup_date"] < pd.Timestamp(as_of).normalize()
                                                  + pd.Timedelta(days=1))]
        ids = pd.Index(c["customer_id"].unique()).difference(buyers.index)
        if len(ids):
            parts.append(pd.DataFrame({
                "stage": "prospect",
                "first_purchase": pd.Series(pd.NaT, index=ids, dtype="datetime64[us]"),
                "last_purchase": pd.Series(pd.NaT, index=ids, dtype="datetime64[us]"),
                "recency_days": pd.array([pd.NA] * len(ids), dtype="Int64"),
                "tenure_days": pd.array([pd.NA] * len(ids), dtype="Int64"),
                "purchase_days": 0, "recent_purchase_days": 0,
            }, index=ids))
    out = pd.concat(parts) if len(parts) > 1 else buyers
    out = out.sort_index()
    out.index.name = "customer_id"
    out["stage"] = pd.Categorical(out["stage"], categories=list(STAGES), ordered=True)
    return out


def stage_counts(stages: pd.DataFrame) -> pd.DataFrame:
    """Customers per stage (every stage listed, zeros included).

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`lifecycle_stages`.

    Returns
    -------
    DataFrame
        Columns ``stage`` (str, :data:`STAGES` order), ``customers`` (int), ``share``.
    """
    n = stages["stage"].value_counts().reindex(list(STAGES), fill_value=0)
    total = int(n.sum())
    return pd.DataFrame({"stage": list(STAGES), "customers": n.to_numpy().astype(np.int64),
                         "share": n.to_numpy() / total if total else np.nan})


def stage_transitions(orders: pd.DataFrame, *, period: Period, as_of=None,
                      customers: pd.DataFrame | None = None,
                      rules: dict | None = None) -> pd.DataFrame:
    """How customers moved between stages from the end of the previous period to the end of this one.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    period : Period
        Report period; stages are taken at ``period.previous().end`` and at ``as_of``.
    as_of : date-like, optional
        The report's reference date (default ``period.end``; earlier when the data ends
        inside the period).
    customers : DataFrame, optional
        Canonical customers (for prospects).
    rules : dict, optional
        Overrides of :class:`~crmkit.config.lifecycle.LifecycleRules`.

    Returns
    -------
    DataFrame
        One row per (from, to) pair with at least one customer: ``from_stage`` (str,
        :data:`NOT_YET` for customers unknown at the start), ``to_stage`` (str),
        ``customers`` (int), ``share`` (of the ``from_stage`` customers). Sorted in
        stage order.
    """
    before = lifecycle_stages(orders, as_of=period.previous().end, customers=customers, rules=rules)
    after = lifecycle_stages(orders, as_of=period.end if as_of is None else as_of,
                             customers=customers, rules=rules)
    frm = before["stage"].astype(str).reindex(after.index).fillna(NOT_YET)
    d = pd.DataFrame({"from_stage": frm.to_numpy(), "to_stage": after["stage"].astype(str).to_numpy()})
    out = d.groupby(["from_stage", "to_stage"], sort=False).size().rename("customers").reset_index()
    rank = {s: i for i, s in enumerate((NOT_YET, *STAGES))}
    out = out.sort_values(["from_stage", "to_stage"], key=lambda s: s.map(rank), ignore_index=True)
    out["customers"] = out["customers"].astype(np.int64)
    out["share"] = out["customers"] / out.groupby("from_stage")["customers"].transform("sum")
    return out


def value_tiers_at(orders: pd.DataFrame, *, as_of, window_days: int = 365,
                   thresholds=(0.8, 0.95)) -> pd.DataFrame:
    """Value tier of each customer by revenue in the trailing window up to a day.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    as_of : date-like
        Last day of the window (inclusive).
    window_days : int, default 365
        Window length in days (``as_of`` and the ``window_days - 1`` days before).
    thresholds : pair of float, default (0.8, 0.95)
        Cumulative revenue shares closing the high and the medium tier. Customers
        spending the same amount share a tier; the customer who crosses a threshold
        is still inside the tier it closes.

    Returns
    -------
    DataFrame
        Index ``customer_id`` (customers with a purchase in the window, sorted);
        columns ``window_revenue`` (float) and ``value_tier`` (ordered categorical
        ``high < medium < low`` in :data:`TIERS` order).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": list("abcde"), "order_date": pd.Timestamp("2025-06-01"),
    ...                   "revenue": [50.0, 30.0, 10.0, 5.0, 5.0]})
    >>> value_tiers_at(o, as_of="2025-06-30")["value_tier"].tolist()
    ['high', 'high', 'medium', 'medium', 'medium']
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    p = purchases(orders)
    p = p.loc[(p["order_date"] < end) & (p["order_date"] >= end - pd.Timedelta(days=window_days))]
    rev = p.groupby("customer_id", sort=True)["revenue"].sum().rename("window_revenue").astype(float)
    out = rev.to_frame()
    # the ABC rule of the segmentation report, on the window's revenue
    out["value_tier"] = value_tiers(rev.to_frame("monetary"), thresholds=thresholds)
    out.index.name = "customer_id"
    return out


def tier_migration(orders: pd.DataFrame, *, period: Period, as_of=None, window_days: int = 365,
                   thresholds=(0.8, 0.95)) -> pd.DataFrame:
    """Value tier of each customer at the end of the previous period and of this one.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    period : Period
        Report period: tiers at ``period.previous().end`` and at ``as_of`` (default
        ``period.end``), each
        on its own trailing window (:func:`value_tiers_at`).
    window_days : int, default 365
    thresholds : pair of float, default (0.8, 0.95)

    Returns
    -------
    DataFrame
        Index ``customer_id`` (customers with a tier at either date); columns
        ``tier_before``, ``tier_after`` (str: high, medium, low or ``none``),
        ``revenue_before``, ``revenue_after`` (window revenue, 0 when none) and
        ``movement``: ``up``/``down`` (to a higher/lower tier), ``same``, ``entered``
        (no tier before) or ``lapsed`` (no tier now).
    """
    kw = dict(window_days=window_days, thresholds=thresholds)
    b = value_tiers_at(orders, as_of=period.previous().end, **kw)
    a = value_tiers_at(orders, as_of=period.end if as_of is None else as_of, **kw)
    ids = b.index.union(a.index)
    out = pd.DataFrame({
        "tier_before": b["value_tier"].astype(str).reindex(ids).fillna("none"),
        "tier_after": a["value_tier"].astype(str).reindex(ids).fillna("none"),
        "revenue_before": b["window_revenue"].reindex(ids).fillna(0.0),
        "revenue_after": a["window_revenue"].reindex(ids).fillna(0.0),
    }, index=ids)
    lb, la = out["tier_before"].map(_TIER_LEVEL), out["tier_after"].map(_TIER_LEVEL)
    out["movement"] = np.select(
        [lb == 0, la == 0, la > lb, la < lb], ["entered", "lapsed", "up", "down"], default="same")
    out.index.name = "customer_id"
    return out


def migration_counts(migration: pd.DataFrame) -> pd.DataFrame:
    """Customers per (tier before, tier after) pair.

    Parameters
    ----------
    migration : DataFrame
        Output of :func:`tier_migration`.

    Returns
    -------
    DataFrame
        Every pair of ``("high", "medium", "low", "none")`` (zeros included; none->none
        left out): ``tier_before``, ``tier_after``, ``customers`` (int), ``share``
        (of the ``tier_before`` customers), ``movement``.
    """
    levels = ["high", "medium", "low", "none"]
    n = migration.groupby(["tier_before", "tier_after"]).size()
    idx = pd.MultiIndex.from_product([levels, levels], names=["tier_before", "tier_after"])
    out = n.reindex(idx, fill_value=0).rename("customers").reset_index()
    out = out.loc[~((out["tier_before"] == "none") & (out["tier_after"] == "none"))].reset_index(drop=True)
    out["customers"] = out["customers"].astype(np.int64)
    row = out.groupby("tier_before")["customers"].transform("sum")
    out["share"] = out["customers"] / row.where(row > 0)
    lb, la = out["tier_before"].map(_TIER_LEVEL), out["tier_after"].map(_TIER_LEVEL)
    out["movement"] = np.select([lb == 0, la == 0, la > lb, la < lb],
                                ["entered", "lapsed", "up", "down"], default="same")
    return out


def migration_profile(orders: pd.DataFrame, migration: pd.DataFrame, *, period: Period,
                      customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the customers who moved up, stayed or moved down did in the report period.

    Only customers with a tier at both dates are compared (``up``, ``same``, ``down``).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders.
    migration : DataFrame
        Output of :func:`tier_migration` for the same ``period``.
    period : Period
    customers : DataFrame, optional
        With ``acquisition_channel``: the most common channel of each group is added.

    Returns
    -------
    DataFrame
        Index ``movement`` (up, same, down; groups without customers left out);
        columns ``customers`` (int), ``purchases_in_period`` (mean orders in the
        period), ``buyers_in_period`` (share with at least one order),
        ``aov_in_period`` (revenue / orders of the group in the period),
        ``revenue_in_period`` (mean per customer), ``tenure_days`` (median days
        since the first purchase at the period end) and, with customers,
        ``top_channel`` and ``top_channel_share``.
    """
    m = migration.loc[migration["movement"].isin(["up", "same", "down"])]
    p = purchases(orders)
    in_p = p.loc[period.contains(p["order_date"]) & isin(p["customer_id"], m.index)]
    g = in_p.groupby("customer_id")
    n_orders = g.size().reindex(m.index, fill_value=0)
    revenue = g["revenue"].sum().reindex(m.index, fill_value=0.0)
    first = p.loc[p["order_date"] < period.end_exclusive].groupby("customer_id")["order_date"].min()
    tenure = ((period.end - first.reindex(m.index).dt.normalize()) / np.timedelta64(1, "D"))
    d = pd.DataFrame({"movement": m["movement"], "n": n_orders, "rev": revenue, "tenure": tenure})
    s = d.groupby("movement")
    out = pd.DataFrame({
        "customers": s.size().astype(np.int64),
        "purchases_in_period": s["n"].mean(),
        "buyers_in_period": s["n"].agg(lambda x: float((x > 0).mean())),
        "aov_in_period": s["rev"].sum() / s["n"].sum().where(s["n"].sum() > 0),
        "revenue_in_period": s["rev"].mean(),
        "tenure_days": s["tenure"].median(),
    })
    if customers is not None and "acquisition_channel" in customers.columns:
        ch = customers.drop_duplicates("customer_id").set_index("customer_id")["acquisition_channel"]
        d["channel"] = ch.reindex(d.index).astype("object").fillna("unknown").to_numpy()
        top = d.groupby("movement")["channel"].agg(lambda x: x.value_counts().index[0])
        share = d.groupby("movement")["channel"].agg(lambda x: float(x.value_counts(normalize=True).iloc[0]))
        out["top_channel"], out["top_channel_share"] = top, share
    order = [x for x in ("up", "same", "down") if x in out.index]
    out = out.loc[order]
    out.index.name = "movement"
    return out



"""Acquisition: who each channel brought in, at what cost (CAC), from leads to first orders.

A customer is *acquired* on the sign-up day (``customers.signup_date``; the first
purchase when the sign-up date is missing) by the channel in
``customers.acquisition_channel``. CAC is the channel's marketing spend divided by the
customers it acquired in the same window: every customer row counts, whether or not it
has bought yet (the cost was paid to win the sign-up). Channel labels are matched
between ``customers`` and ``marketing_spend`` without case and surrounding spaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.purchases import purchases
from ...errors import CrmkitError
from ...periods import day as _day

__all__ = [
    "UNKNOWN_CHANNEL",
    "acquired_customers",
    "spend_in_window",
    "channel_summary",
    "campaign_summary",
    "cac_trend",
]

UNKNOWN_CHANNEL = "unknown"
"""Channel of customers whose acquisition channel is missing."""


def _key(labels: pd.Series) -> pd.Series:
    """Channel labels as matched between tables: text, stripped, lower case; missing -> unknown."""
    out = labels.astype("string").str.strip().str.lower()
    return out.fillna(UNKNOWN_CHANNEL).replace("", UNKNOWN_CHANNEL).astype(str)



def _in_window(dates: pd.Series, start, as_of) -> np.ndarray:
    keep = (dates < _day(as_of) + pd.Timedelta(days=1)).to_numpy(dtype=bool, na_value=False)
    if start is not None:
        keep = keep & (dates >= _day(start)).to_numpy(dtype=bool, na_value=False)
    return keep


def acquired_customers(customers: pd.DataFrame, *, orders: pd.DataFrame, as_of) -> pd.DataFrame:
    """One row per customer acquired up to ``as_of``: channel, day, first order.

    Parameters
    ----------
    customers : DataFrame
        Canonical customers with ``customer_id`` and ``acquisition_channel``
        (``signup_date`` optional).
    orders : DataFrame
        Canonical orders; only purchases count (:func:`crmkit.data.purchases.purchases`).
    as_of : date-like
        Reference day (inclusive).

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``acquisition_channel`` (matching key: lower case,
        missing -> "unknown"), ``acquired_at`` (day of sign-up, or of the first purchase
        when the sign-up date is missing), ``first_purchase`` (timestamp, NaT if none by
        ``as_of``), ``first_order_value`` (revenue of that order, NaN if none) and
        ``bought`` (bool). Customers with neither a sign-up date nor a purchase, or
        acquired after ``as_of``, are left out.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b", "c"], "acquisition_channel": ["Search", "social", None],
    ...                   "signup_date": pd.to_datetime(["2025-01-01", "2025-01-03", None])})
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "c"], "revenue": [50.0, 20.0, 10.0],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-02-01", "2025-01-05"])})
    >>> acquired_customers(c, orders=o, as_of="2025-03-31")[["acquisition_channel", "acquired_at", "first_order_value"]]
                acquisition_channel acquired_at  first_order_value
    customer_id
    a                        search  2025-01-01               50.0
    b                        social  2025-01-03                NaN
    c                       unknown  2025-01-05               10.0
    """
    if "acquisition_channel" not in customers.columns:
        raise CrmkitError("customers has no acquisition_channel column: the channel report needs "
                          "the channel that acquired each customer (map it in the params file)")
    c = customers.drop_duplicates("customer_id").set_index("customer_id")
    p = purchases(orders, as_of=as_of)[["customer_id", "order_date", "revenue"]]
    p = p.sort_values(["customer_id", "order_date"], kind="stable")
    first = p.drop_duplicates("customer_id").set_index("customer_id")
    out = pd.DataFrame({"acquisition_channel": _key(c["acquisition_channel"])}, index=c.index)
    fp = first["order_date"].reindex(out.index)
    signup = c["signup_date"] if "signup_date" in c.columns else pd.Series(pd.NaT, index=c.index)
    out["acquired_at"] = signup.dt.normalize().fillna(fp.dt.normalize())
    out["first_purchase"] = fp
    out["first_order_value"] = first["revenue"].reindex(out.index)
    out["bought"] = fp.notna()
    keep = out["acquired_at"].notna() & (out["acquired_at"] <= _day(as_of))
    return out.loc[keep]


def spend_in_window(marketing_spend: pd.DataFrame, *, start=None, as_of) -> pd.DataFrame:
    """The spend rows of ``[start, as_of]`` with a matching key ``channel`` (lower case)."""
    m = marketing_spend.loc[_in_window(marketing_spend["date"], start, as_of)].copy()
    m["channel"] = _key(m["channel"])
    return m


def channel_summary(marketing_spend: pd.DataFrame, *, acquired: pd.DataFrame, start=None,
                    as_of) -> pd.DataFrame:
    """Spend, leads, new customers, CAC and first orders per channel in ``[start, as_of]``.

    Parameters
    ----------
    marketing_spend : DataFrame
        Canonical marketing spend (``date``, ``channel``, ``spend``; ``leads``,
        ``conversions`` optional).
    acquired : DataFrame
        Output of :func:`acquired_customers`.
    start, as_of : date-like
        Window (both days inclusive); ``start=None``: from the first day.

    Returns
    -------
    DataFrame
        Index ``channel`` (every channel with spend or customers in the window, sorted
        by new customers), columns ``spend``, ``spend_share``, ``leads`` (NaN without
        a ``leads`` column), ``new_customers``, ``lead_conversion`` (new customers /
        leads), ``cac`` (spend / new customers; NaN for a channel without spend, such
        as organic, or without customers), ``buyers`` (new customers who have bought
        by ``as_of``), ``buyer_rate``, ``cost_per_buyer`` and ``first_order_value``
        (mean first order of the buyers).

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
    ...                   "channel": ["search", "search"], "spend": [60.0, 40.0], "leads": [10.0, 10.0]})
    >>> a = pd.DataFrame({"acquisition_channel": ["search", "search", "organic"],
    ...                   "acquired_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02"]),
    ...                   "first_order_value": [30.0, np.nan, 10.0], "bought": [True, False, True]})
    >>> channel_summary(m, acquired=a, as_of="2025-01-31")[["spend", "new_customers", "cac", "lead_conversion"]]
             spend  new_customers    cac  lead_conversion
    channel
    search   100.0              2   50.0              0.1
    organic    0.0              1    NaN              NaN
    """
    m = spend_in_window(marketing_spend, start=start, as_of=as_of)
    a = acquired.loc[_in_window(acquired["acquired_at"], start, as_of)]
    g = m.groupby("channel", sort=False)
    out = pd.DataFrame({"spend": g["spend"].sum()})
    out["leads"] = g["leads"].sum(min_count=1) if "leads" in m.columns else np.nan
    ga = a.groupby("acquisition_channel", sort=False)
    acq = pd.DataFrame({"new_customers": ga.size(), "buyers": ga["bought"].sum(),
                        "first_order_value": ga["first_order_value"].mean()})
    out = out.join(acq, how="outer")
    out.index.name = "channel"
    out["spend"] = out["spend"].fillna(0.0)
    out[["new_customers", "buyers"]] = out[["new_customers", "buyers"]].fillna(0).astype("int64")
    total = out["spend"].sum()
    out["spend_share"] = out["spend"] / total if total > 0 else np.nan
    paid = out["spend"] > 0
    out["cac"] = np.where(paid & (out["new_customers"] > 0), out["spend"] / out["new_customers"].where(
        out["new_customers"] > 0), np.nan)
    out["cost_per_buyer"] = np.where(paid & (out["buyers"] > 0), out["spend"] / out["buyers"].where(
        out["buyers"] > 0), np.nan)
    out["lead_conversion"] = out["new_customers"] / out["leads"].where(out["leads"] > 0)
    out["buyer_rate"] = out["buyers"] / out["new_customers"].where(out["new_customers"] > 0)
    cols = ["spend", "spend_share", "leads", "new_customers", "lead_conversion", "cac", "buyers",
            "buyer_rate", "cost_per_buyer", "first_order_value"]
    return out[cols].sort_values(["new_customers", "spend"], ascending=False, kind="stable")


def campaign_summary(marketing_spend: pd.DataFrame, *, start=None, as_of) -> pd.DataFrame:
    """Spend, leads, conversions and cost per conversion per campaign in ``[start, as_of]``.

    Customers carry a channel but no campaign, so a campaign's customers are the
    ``conversions`` the spend table credits to it; without that column the campaign
    CAC is missing.

    Returns
    -------
    DataFrame
        Columns ``channel``, ``campaign``, ``spend``, ``leads``, ``conversions``,
        ``lead_conversion`` (conversions / leads) and ``cac`` (spend / conversions),
        sorted by channel, then spend (largest first).

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2025-01-01"] * 3), "channel": ["email"] * 3,
    ...                   "campaign": ["promo", "news", "promo"], "spend": [30.0, 10.0, 30.0],
    ...                   "leads": [40.0, 10.0, 40.0], "conversions": [4.0, 2.0, 2.0]})
    >>> campaign_summary(m, as_of="2025-01-31")[["campaign", "spend", "cac", "lead_conversion"]]
      campaign  spend   cac  lead_conversion
    0    promo   60.0  10.0            0.075
    1     news   10.0   5.0            0.200
    """
    m = spend_in_window(marketing_spend, start=start, as_of=as_of)
    if "campaign" not in m.columns:
        m["campaign"] = m["channel"]
    m["campaign"] = m["campaign"].astype("string").fillna("(no campaign)").astype(str)
    cols = {"spend": ("spend", "sum")}
    for c in ("leads", "conversions"):
        if c in m.columns:
            cols[c] = (c, lambda s: s.sum(min_count=1))
    out = m.groupby(["channel", "campaign"], sort=False).agg(**cols).reset_index()
    for c in ("leads", "conversions"):
        if c not in out.columns:
            out[c] = np.nan
    out["lead_conversion"] = out["conversions"] / out["leads"].where(out["leads"] > 0)
    out["cac"] = out["spend"] / out["conversions"].where(out["conversions"] > 0)
    out = out.sort_values(["channel", "spend"], ascending=[True, False], kind="stable")
    return out[["channel", "campaign", "spend", "leads", "conversions", "lead_conversion", "cac"]].reset_index(
        drop=True)


def cac_trend(marketing_spend: pd.DataFrame, *, acquired: pd.DataFrame, as_of, freq: str = "M") -> pd.DataFrame:
    """CAC per channel and month (or quarter) up to ``as_of``: the trend.

    Returns
    -------
    DataFrame
        Long: ``month`` (period start), ``channel``, ``spend``, ``new_customers``,
        ``cac`` (NaN where either is 0); only channels with spend.

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-02-05"]), "channel": ["email"] * 2,
    ...                   "spend": [20.0, 30.0]})
    >>> a = pd.DataFrame({"acquisition_channel": ["email"] * 3,
    ...                   "acquired_at": pd.to_datetime(["2025-01-01", "2025-01-09", "2025-02-02"])})
    >>> cac_trend(m, acquired=a, as_of="2025-02-28")[["month", "cac"]]
           month   cac
    0 2025-01-01  10.0
    1 2025-02-01  30.0
    """
    m = spend_in_window(marketing_spend, as_of=as_of)
    a = acquired.loc[_in_window(acquired["acquired_at"], None, as_of)]
    a = a.loc[a["acquisition_channel"].isin(m["channel"].unique())]
    sp = m.groupby([m["date"].dt.to_period(freq).dt.start_time.rename("month"), "channel"])["spend"].sum()
    n = a.groupby([a["acquired_at"].dt.to_period(freq).dt.start_time.rename("month"),
                   a["acquisition_channel"].rename("channel")]).size()
    out = pd.concat([sp.rename("spend"), n.rename("new_customers")], axis=1).fillna(0.0)
    out["new_customers"] = out["new_customers"].astype("int64")
    out["cac"] = (out["spend"] / out["new_customers"].where(out["new_customers"] > 0)).where(out["spend"] > 0)
    return out.reset_index().sort_values(["month", "channel"], kind="stable").reset_index(drop=True)

"""What an acquired customer is worth per channel: value curves, lifetime value, payback.

Value is counted per acquired customer (prospects who never bought count as 0), in
**months since acquisition** (a month is 365.25 / 12 days), so that channels are
compared on customers of the same age:

- the *value curve* of a channel is, month by month, the mean value bought in that month
  by the customers observed for the whole month, summed up (a life table: customers
  acquired recently count for the months they have lived);
- the *payback period* is the first month in which that cumulative value reaches the
  channel's CAC;
- the *lifetime value* (LTV) of a customer is the value bought in the first
  ``months`` after acquisition: what was already bought, plus, for the months not yet
  seen, the purchases the BG/NBD model expects times the spend the Gamma-Gamma model
  expects (:mod:`crmkit.analysis.clv`). Customers who have not bought by the
  reference date are not predicted to (0).

Value is *margin* (revenue minus the order's product cost, discount and shipping) or
revenue: see :func:`order_values`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...data.keys import isin

__all__ = [
    "MONTH_DAYS",
    "order_values",
    "value_curves",
    "payback_months",
    "lifetime_values",
    "channel_value",
]

MONTH_DAYS = 365.25 / 12
"""Length of a month in days."""


def order_values(orders: pd.DataFrame, *, as_of, basis: str = "margin", order_items: pd.DataFrame | None = None,
                 products: pd.DataFrame | None = None, revenue_includes_discount: bool = False,
                 exclude_outliers: bool = True) -> tuple[pd.DataFrame, str]:
    """Purchases up to ``as_of`` with the value each one brought.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (purchases only are used).
    as_of : date-like
    basis : {"margin", "revenue"}, default "margin"
        ``margin``: revenue minus the order's own costs, as the profitability report
        counts them (:func:`crmkit.analysis.profitability.order_profit`: product cost,
        discount, shipping). Without any product cost the value is revenue.
    order_items, products : DataFrame, optional
        Product cost of orders without ``cost``.
    revenue_includes_discount : bool, default False
        As in the profitability rules.
    exclude_outliers : bool, default True
        Leave out the orders flagged ``is_outlier`` by the cleaning step.

    Returns
    -------
    (DataFrame, str)
        Columns ``customer_id``, ``order_date``, ``revenue``, ``value``; and the basis
        used (``"margin"`` or ``"revenue"``).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a"], "order_date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
    ...                   "revenue": [100.0, 50.0], "cost": [60.0, None], "discount": [5.0, 0.0]})
    >>> v, used = order_values(o, as_of="2025-01-31")
    >>> v["value"].tolist(), used
    ([35.0, 20.0], 'margin')
    """
    from ..profitability import cost_sources, order_profit

    if basis not in ("margin", "revenue"):
        raise ValueError(f"basis must be 'margin' or 'revenue', got {basis!r}")
    op = order_profit(orders, order_items=order_items, products=products, as_of=as_of,
                      revenue_includes_discount=revenue_includes_discount, exclude_outliers=exclude_outliers)
    op = op.loc[op["kind"] == "purchase"]
    out = op[["customer_id", "order_date", "revenue"]].copy()
    has_cost = cost_sources(orders, order_items=order_items, products=products)["product_cost"] is not None
    if basis == "margin" and has_cost:
        out["value"] = op["revenue"] - op["product_cost"] - op["discounts"] - op["shipping"]
        return out.reset_index(drop=True), "margin"
    out["value"] = op["revenue"]
    return out.reset_index(drop=True), "revenue"


def _months_since(values: pd.DataFrame, acquired: pd.DataFrame):
    """Month index (1 = first month) of each valued order of an acquired customer."""
    at = acquired["acquired_at"].reindex(values["customer_id"]).to_numpy()
    days = (values["order_date"].dt.normalize().to_numpy() - at) / np.timedelta64(1, "D")
    known = ~np.isnan(days) & (days >= 0)
    month = np.full(len(values), -1, dtype=np.int64)
    month[known] = np.floor(days[known] / MONTH_DAYS).astype(np.int64) + 1
    return month


def _observed_months(acquired: pd.DataFrame, as_of) -> np.ndarray:
    """Whole months between acquisition and the end of the ``as_of`` day."""
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    days = (end - acquired["acquired_at"]).dt.days.to_numpy(dtype=float)
    return np.floor(days / MONTH_DAYS).astype(np.int64)


def value_curves(values: pd.DataFrame, *, acquired: pd.DataFrame, as_of, months: int = 24) -> pd.DataFrame:
    """Mean and cumulative value per acquired customer by month since acquisition, per channel.

    Parameters
    ----------
    values : DataFrame
        From :func:`order_values` (``customer_id``, ``order_date``, ``value``).
    acquired : DataFrame
        From :func:`crmkit.analysis.channels.acquired_customers`.
    as_of : date-like
    months : int, default 24

    Returns
    -------
    DataFrame
        Long: ``channel``, ``month`` (1 .. ``months``; only months that at least one
        customer of the channel has lived in full), ``customers`` (observed for the
        whole month), ``value_per_customer`` (their mean value in that month) and
        ``cumulative_value`` (sum of the monthly means up to that month).

    Examples
    --------
    Two customers acquired on 1 January; ``b`` has been observed for one month only:

    >>> a = pd.DataFrame({"acquisition_channel": ["x", "x"],
    ...                   "acquired_at": pd.to_datetime(["2025-01-01", "2025-02-15"])}, index=["a", "b"])
    >>> v = pd.DataFrame({"customer_id": ["a", "a", "b"], "value": [10.0, 30.0, 20.0],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-02-10", "2025-02-15"])})
    >>> value_curves(v, acquired=a, as_of="2025-03-31", months=3)
      channel  month  customers  value_per_customer  cumulative_value
    0       x      1          2                15.0              15.0
    1       x      2          1                30.0              45.0
    """
    months = int(months)
    chan_codes, channels = pd.factorize(acquired["acquisition_channel"], sort=True)
    k = len(channels)
    observed = np.minimum(_observed_months(acquired, as_of), months)
    # customers observed through month m: those with observed >= m
    at_risk = np.zeros((k, months + 2), dtype=np.int64)
    np.add.at(at_risk, (chan_codes, observed), 1)
    at_risk = at_risk[:, ::-1].cumsum(axis=1)[:, ::-1][:, 1:months + 1]  # observed >= m for m = 1..months

    v = values.loc[isin(values["customer_id"], acquired.index)]
    month = _months_since(v, acquired)
    pos = acquired.index.get_indexer(v["customer_id"])
    ok = (month >= 1) & (month <= observed[pos])
    total = np.zeros((k, months), dtype=float)
    np.add.at(total, (chan_codes[pos[ok]], month[ok] - 1), v["value"].to_numpy(dtype=float)[ok])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(at_risk > 0, total / np.maximum(at_risk, 1), np.nan)
    out = pd.DataFrame({
        "channel": np.repeat(np.asarray(channels, dtype=object), months),
        "month": np.tile(np.arange(1, months + 1), k),
        "customers": at_risk.ravel(),
        "value_per_customer": mean.ravel(),
    })
    out = out.loc[out["customers"] > 0].reset_index(drop=True)
    out["cumulative_value"] = out.groupby("channel")["value_per_customer"].cumsum()
    return out


def payback_months(curves: pd.DataFrame, cac: pd.Series) -> pd.Series:
    """The first month in which a channel's cumulative value per customer reaches its CAC.

    Parameters
    ----------
    curves : DataFrame
        From :func:`value_curves`.
    cac : Series
        CAC per channel.

    Returns
    -------
    Series
        ``payback_months`` per channel of ``cac`` (whole months, 1 = within the first
        month); NaN when the curve never reaches the CAC in the months observed, or the
        channel has no CAC.

    Examples
    --------
    >>> c = pd.DataFrame({"channel": ["x", "x", "x", "y"], "month": [1, 2, 3, 1],
    ...                   "cumulative_value": [10.0, 25.0, 40.0, 5.0]})
    >>> payback_months(c, pd.Series({"x": 25.0, "y": 50.0})).tolist()
    [2.0, nan]
    """
    reached = curves.merge(cac.rename("cac"), left_on="channel", right_index=True)
    reached = reached.loc[reached["cumulative_value"] >= reached["cac"]]
    first = reached.groupby("channel")["month"].min()
    return first.reindex(cac.index).astype(float).rename("payback_months")


def _fit_btyd(orders: pd.DataFrame, *, as_of, time_unit: str):
    """BG/NBD and Gamma-Gamma fitted on the purchases up to ``as_of``, or a reason why not."""
    from .. import clv

    if "is_outlier" in orders.columns:
        orders = orders.loc[~orders["is_outlier"].astype(bool)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed fit is reported through converged_
            summary = clv.btyd_summary(orders, as_of=as_of, time_unit=time_unit)
            bg = clv.BetaGeoModel().fit(summary)
            gg = clv.GammaGammaModel().fit(summary)
    except (ValueError, FloatingPointError, ArithmeticError) as e:
        return None, None, None, f"the BG/NBD or Gamma-Gamma model could not be fitted ({e})"
    if not (getattr(bg, "converged_", True) and getattr(gg, "converged_", True)):
        return None, None, None, "the BG/NBD or Gamma-Gamma model did not converge"
    return summary, bg, gg, ""


def lifetime_values(values: pd.DataFrame, *, orders: pd.DataFrame, acquired: pd.DataFrame, as_of,
                    months: int = 24, time_unit: str = "W") -> pd.DataFrame:
    """Each acquired customer's value over the first ``months`` after acquisition.

    Observed value (purchases up to ``as_of`` within the first ``months``) plus the
    expected value of the rest of those months: BG/NBD expected purchases over the time
    left x Gamma-Gamma expected spend per purchase x the channel's value per unit of
    revenue (1 on a revenue basis). Both models are fitted on every purchase up to
    ``as_of`` (outliers flagged by the cleaning step left out).

    Parameters
    ----------
    values : DataFrame
        From :func:`order_values`.
    orders : DataFrame
        Canonical orders (to fit the models).
    acquired : DataFrame
        From :func:`crmkit.analysis.channels.acquired_customers`.
    as_of : date-like
    months : int, default 24
    time_unit : {"W", "D"}, default "W"

    Returns
    -------
    DataFrame
        Index ``customer_id`` (as ``acquired``); columns ``acquisition_channel``,
        ``acquired_at``, ``observed_months`` (whole months seen, at most ``months``),
        ``observed_value``, ``predicted_value`` and ``ltv`` (their sum).
        ``attrs["note"]`` says how the future was predicted, or why it was not (then
        ``predicted_value`` is 0 and LTV covers the months seen only).
    """
    months = int(months)
    horizon_days = months * MONTH_DAYS
    pos = acquired.index.get_indexer(values["customer_id"])
    v = values.loc[pos >= 0]
    pos = pos[pos >= 0]
    at = acquired["acquired_at"].to_numpy()
    age = (v["order_date"].dt.normalize().to_numpy() - at[pos]) / np.timedelta64(1, "D")
    inside = (age >= 0) & (age < horizon_days)
    observed_value = np.bincount(pos[inside], weights=v["value"].to_numpy(dtype=float)[inside],
                                 minlength=len(acquired))
    out = pd.DataFrame({
        "acquisition_channel": acquired["acquisition_channel"],
        "acquired_at": acquired["acquired_at"],
        "observed_months": np.minimum(_observed_months(acquired, as_of), months),
        "observed_value": observed_value,
        "predicted_value": 0.0,
    }, index=acquired.index)

    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    left_days = (acquired["acquired_at"] + pd.Timedelta(days=horizon_days) - end) / pd.Timedelta(days=1)
    left_days = left_days.clip(lower=0.0)
    summary, bg, gg, note = _fit_btyd(orders, as_of=as_of, time_unit=time_unit)
    if summary is not None:
        # revenue -> value: the channel's value per unit of revenue (1 on a revenue basis)
        chan = acquired["acquisition_channel"].reindex(v["customer_id"]).to_numpy()
        ratio = pd.Series(v["value"].to_numpy(), index=chan).groupby(level=0).sum() / pd.Series(
            v["revenue"].to_numpy(), index=chan).groupby(level=0).sum()
        todo = summary.index.intersection(left_days.index[left_days > 0])
        unit_days = 7.0 if time_unit == "W" else 1.0
        steps = np.round(left_days.reindex(todo).to_numpy() / unit_days).astype(np.int64)
        spend = gg.predict_spend(summary.loc[todo]).to_numpy()
        expected = np.zeros(len(todo))
        for step in np.unique(steps[steps > 0]):
            rows = np.flatnonzero(steps == step)
            expected[rows] = bg.predict_purchases(summary.loc[todo[rows]], t=float(step)).to_numpy()
        r = ratio.reindex(out.loc[todo, "acquisition_channel"]).fillna(1.0).to_numpy()
        out.loc[todo, "predicted_value"] = expected * spend * r
        note = ("months not yet seen: BG/NBD expected purchases x Gamma-Gamma expected spend"
                + (" x the channel's margin share of revenue" if not np.allclose(ratio.to_numpy(), 1) else ""))
    out["ltv"] = out["observed_value"] + out["predicted_value"]
    out.attrs["note"] = note
    return out


def channel_value(ltv: pd.DataFrame, *, summary: pd.DataFrame, value_curve: pd.DataFrame,
                  revenue_curve: pd.DataFrame | None = None, revenue_months: int = 12) -> pd.DataFrame:
    """LTV per acquired customer, LTV:CAC, payback and shares of spend and value per channel.

    Parameters
    ----------
    ltv : DataFrame
        From :func:`lifetime_values`, the customers acquired in the window of ``summary``.
    summary : DataFrame
        From :func:`crmkit.analysis.channels.channel_summary` over the same window
        (``spend``, ``new_customers``, ``cac``).
    value_curve : DataFrame
        From :func:`value_curves` on the value basis (for the payback).
    revenue_curve : DataFrame, optional
        From :func:`value_curves` on revenue (for the ``revenue_months`` revenue).
    revenue_months : int, default 12

    Returns
    -------
    DataFrame
        Index ``channel`` (as ``summary``); columns ``spend``, ``new_customers``,
        ``cac``, ``ltv`` (mean per acquired customer), ``predicted_share`` (share of the
        LTV that is predicted rather than seen), ``revenue_12m`` (cumulative revenue per
        acquired customer after ``revenue_months`` months; NaN when no customer of the
        channel has been observed that long), ``ltv_cac``, ``payback_months``,
        ``spend_share`` and ``value_share`` (both among the channels with spend),
        ``total_value``.

    Examples
    --------
    >>> s = pd.DataFrame({"spend": [100.0, 0.0], "new_customers": [2, 1], "cac": [50.0, np.nan]},
    ...                  index=pd.Index(["paid", "organic"], name="channel"))
    >>> l = pd.DataFrame({"acquisition_channel": ["paid", "paid", "organic"], "ltv": [200.0, 100.0, 80.0],
    ...                   "predicted_value": [50.0, 0.0, 0.0]})
    >>> c = pd.DataFrame({"channel": ["paid", "paid"], "month": [1, 2], "cumulative_value": [30.0, 60.0]})
    >>> channel_value(l, summary=s, value_curve=c)[["ltv", "ltv_cac", "payback_months", "value_share"]]
             ltv  ltv_cac  payback_months  value_share
    channel
    paid     150.0      3.0             2.0          1.0
    organic   80.0      NaN             NaN          NaN
    """
    g = ltv.groupby("acquisition_channel")
    out = summary[["spend", "new_customers", "cac"]].copy()
    total = g["ltv"].sum().reindex(out.index).fillna(0.0)
    out["ltv"] = total / out["new_customers"].where(out["new_customers"] > 0)
    out["predicted_share"] = g["predicted_value"].sum().reindex(out.index) / total.where(total != 0)
    if revenue_curve is not None:
        at = revenue_curve.loc[revenue_curve["month"] == int(revenue_months)].set_index("channel")
        out["revenue_12m"] = at["cumulative_value"].reindex(out.index)
    else:
        out["revenue_12m"] = np.nan
    out["ltv_cac"] = out["ltv"] / out["cac"]
    out["payback_months"] = payback_months(value_curve, out["cac"].dropna()).reindex(out.index)
    paid = out["spend"] > 0
    out["spend_share"] = (out["spend"] / out.loc[paid, "spend"].sum()).where(paid)
    out["total_value"] = total
    out["value_share"] = (total / total[paid].sum()).where(paid) if total[paid].sum() > 0 else np.nan
    return out

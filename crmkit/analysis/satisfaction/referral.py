"""Referral: how many new customers come by referral, and whether promoters refer more.

**Share of new customers acquired by referral**: new customers are those whose first
purchase falls in the window (the KPI overview's definition); referral is read from
``customers.acquisition_channel`` (the channel names in the rule
``referral_channels``, compared case-insensitively).

**Referral rate by NPS group** (needs the ``referrals`` table): every respondent is
put in the NPS group of their *first* answer; from that answer to the reference date
they are exposed, and the customers they referred in that time (``referred_at``, or
the referred customer's sign-up date) are counted. The rate is referrals per 100
customer-years with an exact Poisson interval; groups are compared by the rate ratio
with the usual log-scale interval ``exp(log RR +- z sqrt(1/a + 1/b))``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...data.purchases import purchases
from .scores import nps_group

__all__ = [
    "is_referral_channel",
    "referral_share",
    "referral_by_nps",
    "rate_ratio",
]

_YEAR_DAYS = 365.25


def is_referral_channel(channel, channels) -> np.ndarray:
    """True where the acquisition channel is one of ``channels`` (case and spaces ignored).

    Examples
    --------
    >>> is_referral_channel(pd.Series(["Referral ", "search", "推荐", None]), ["referral", "推荐"]).tolist()
    [True, False, True, False]
    """
    wanted = {str(c).strip().casefold() for c in channels}
    s = pd.Series(channel, dtype=object)
    norm = s.where(s.notna(), "").astype(str).str.strip().str.casefold()
    return norm.isin(wanted).to_numpy()


def referral_share(customers: pd.DataFrame, orders: pd.DataFrame, *, start, as_of, channels) -> dict:
    """New customers of a window and the share acquired by referral.

    Returns
    -------
    dict
        ``new_customers``, ``by_referral``, ``share`` (NaN without new customers or
        without ``acquisition_channel``), and the same over every customer with a
        purchase up to ``as_of``: ``customers``, ``customers_by_referral``,
        ``customer_share``.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b", "c"], "acquisition_channel": ["referral", "search", "referral"]})
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "c"], "revenue": 5.0,
    ...                   "order_date": pd.to_datetime(["2025-02-01", "2025-02-03", "2024-12-01"])})
    >>> r = referral_share(c, o, start="2025-01-01", as_of="2025-03-31", channels=["referral"])
    >>> r["new_customers"], r["by_referral"], r["share"], r["customer_share"]
    (2, 1, 0.5, 0.6666666666666666)
    """
    p = purchases(orders, as_of=as_of)
    first = p.groupby("customer_id")["order_date"].min()
    new = first.index[first >= pd.Timestamp(start).normalize()]
    out = {"new_customers": int(len(new)), "by_referral": 0, "share": np.nan,
           "customers": int(len(first)), "customers_by_referral": 0, "customer_share": np.nan}
    if "acquisition_channel" not in customers.columns:
        return out
    ch = customers.drop_duplicates("customer_id").set_index("customer_id")["acquisition_channel"]
    ref = is_referral_channel(ch.reindex(new), channels)
    every = is_referral_channel(ch.reindex(first.index), channels)
    out.update({"by_referral": int(ref.sum()), "share": float(ref.mean()) if len(new) else np.nan,
                "customers_by_referral": int(every.sum()),
                "customer_share": float(every.mean()) if len(first) else np.nan})
    return out


def _poisson_ci(k, exposure, z: float):
    k = np.asarray(k, dtype=float)
    a = 2 * stats.norm.sf(z)
    lo = np.where(k > 0, stats.chi2.ppf(a / 2, 2 * k) / 2, 0.0)
    hi = stats.chi2.ppf(1 - a / 2, 2 * (k + 1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return lo / exposure, hi / exposure


def rate_ratio(a: float, exposure_a: float, b: float, exposure_b: float, *, confidence: float = 0.95) -> dict:
    """Ratio of two Poisson rates with its log-scale interval.

    Examples
    --------
    >>> r = rate_ratio(40, 100.0, 10, 100.0)
    >>> r["ratio"], round(r["low"], 2), round(r["high"], 2)
    (4.0, 2.0, 8.0)
    """
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    if min(a, b) <= 0 or min(exposure_a, exposure_b) <= 0:
        return {"ratio": np.nan, "low": np.nan, "high": np.nan}
    ratio = (a / exposure_a) / (b / exposure_b)
    se = np.sqrt(1 / a + 1 / b)
    return {"ratio": float(ratio), "low": float(ratio * np.exp(-z * se)), "high": float(ratio * np.exp(z * se))}


def referral_by_nps(surveys: pd.DataFrame, referrals: pd.DataFrame, *, as_of,
                    customers: pd.DataFrame | None = None, confidence: float = 0.95):
    """Referrals per 100 customer-years after the first answer, by NPS group.

    Parameters
    ----------
    surveys : DataFrame
        Survey answers (``customer_id``, ``survey_date``, ``nps_score``).
    referrals : DataFrame
        Canonical referrals (``customer_id`` referred, ``referrer_id``, optional
        ``referred_at``).
    as_of : date-like
        End of the exposure (inclusive).
    customers : DataFrame, optional
        For the sign-up date of referred customers when ``referred_at`` is missing.
    confidence : float, default 0.95

    Returns
    -------
    (DataFrame, dict)
        Table indexed by ``nps_group`` (promoter, passive, detractor) with
        ``respondents`` (int), ``customer_years``, ``referrals`` (int),
        ``per_100_customer_years``, ``ci_low``, ``ci_high``; and the rate ratios
        ``promoter_vs_passive``, ``promoter_vs_detractor``, ``promoter_vs_others``
        (each a dict of :func:`rate_ratio`).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "nps_score": [10, 3],
    ...                   "survey_date": pd.to_datetime(["2025-01-01", "2025-01-01"])})
    >>> r = pd.DataFrame({"customer_id": ["x", "y", "z"], "referrer_id": ["a", "a", "b"],
    ...                   "referred_at": pd.to_datetime(["2025-03-01", "2024-12-01", "2025-05-01"])})
    >>> t, _ = referral_by_nps(s, r, as_of="2025-12-31")
    >>> t["referrals"].tolist()
    [1, 0, 1]
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    s = surveys.loc[(surveys["survey_date"] < end) & surveys["nps_score"].notna()]
    s = s.sort_values("survey_date", kind="stable").drop_duplicates("customer_id")
    first = pd.DataFrame({"answered": s["survey_date"].to_numpy(), "nps_group": nps_group(s["nps_score"])},
                         index=pd.Index(s["customer_id"].to_numpy(), name="customer_id"))
    when = referrals["referred_at"] if "referred_at" in referrals.columns else pd.Series(pd.NaT, index=referrals.index)
    if customers is not None and "signup_date" in customers.columns and when.isna().any():
        signup = customers.drop_duplicates("customer_id").set_index("customer_id")["signup_date"]
        when = when.fillna(referrals["customer_id"].map(signup))
    r = pd.DataFrame({"referrer": referrals["referrer_id"].to_numpy(), "at": when.to_numpy()})
    r = r.loc[r["at"].notna() & (r["at"] < end)]
    r = r.join(first, on="referrer", how="inner")
    r = r.loc[r["at"] > r["answered"]]
    years = (end - first["answered"]).dt.total_seconds() / 86_400 / _YEAR_DAYS
    order = ["promoter", "passive", "detractor"]
    table = pd.DataFrame({
        "respondents": first.groupby("nps_group").size(),
        "customer_years": years.groupby(first["nps_group"]).sum(),
        "referrals": r.groupby("nps_group").size(),
    }).reindex(order).fillna(0.0)
    table["respondents"] = table["respondents"].astype(np.int64)
    table["referrals"] = table["referrals"].astype(np.int64)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        table["per_100_customer_years"] = 100 * table["referrals"] / table["customer_years"]
        lo, hi = _poisson_ci(table["referrals"].to_numpy(), table["customer_years"].to_numpy(), z)
    table["ci_low"], table["ci_high"] = 100 * lo, 100 * hi
    table.index.name = "nps_group"
    k, e = table["referrals"], table["customer_years"]
    ratios = {
        "promoter_vs_passive": rate_ratio(k["promoter"], e["promoter"], k["passive"], e["passive"],
                                          confidence=confidence),
        "promoter_vs_detractor": rate_ratio(k["promoter"], e["promoter"], k["detractor"], e["detractor"],
                                            confidence=confidence),
        "promoter_vs_others": rate_ratio(k["promoter"], e["promoter"], k["passive"] + k["detractor"],
                                         e["passive"] + e["detractor"], confidence=confidence),
    }
    return table, ratios

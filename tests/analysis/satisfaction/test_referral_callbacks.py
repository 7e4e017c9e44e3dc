"""Referral share and rates by NPS group; the call-back list."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit.analysis import satisfaction as sat


def _ts(*values):
    return pd.to_datetime(list(values), format="ISO8601")


# --------------------------------------------------------------------------- referral
def test_referral_share_of_new_customers():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                              "acquisition_channel": ["Referral ", "search", "推荐", "referral"]})
    orders = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "d"], "revenue": [5.0, 5.0, 5.0, 5.0, 5.0],
                           "order_date": _ts("2025-02-01", "2025-02-03", "2025-03-01", "2024-12-01", "2025-02-01")})
    r = sat.referral_share(customers, orders, start="2025-01-01", as_of="2025-03-31",
                           channels=["referral", "推荐"])
    assert (r["new_customers"], r["by_referral"], r["share"]) == (3, 2, 2 / 3)  # d is not new
    assert (r["customers"], r["customers_by_referral"], r["customer_share"]) == (4, 3, 0.75)
    r = sat.referral_share(customers.drop(columns="acquisition_channel"), orders, start="2025-01-01",
                           as_of="2025-03-31", channels=["referral"])
    assert r["new_customers"] == 3 and math.isnan(r["share"])


def test_rate_ratio_and_poisson_interval():
    r = sat.rate_ratio(40, 100.0, 10, 100.0)
    assert r["ratio"] == 4.0
    assert (r["low"], r["high"]) == (pytest.approx(4 * math.exp(-1.959964 * math.sqrt(0.125))),
                                     pytest.approx(4 * math.exp(1.959964 * math.sqrt(0.125))))
    assert math.isnan(sat.rate_ratio(5, 10.0, 0, 10.0)["ratio"])


def test_referral_by_nps_counts_referrals_after_the_first_answer():
    surveys = pd.DataFrame({
        "customer_id": ["p", "p", "q", "r", "s"], "nps_score": [10, 2, 8, 0, None],
        "survey_date": _ts("2025-01-01", "2025-06-01", "2025-07-02", "2025-01-01", "2025-01-01")})
    referrals = pd.DataFrame({
        "customer_id": ["x1", "x2", "x3", "x4", "x5"], "referrer_id": ["p", "p", "p", "q", "s"],
        # p: one before its first answer (not counted), two after; q: one; s never answered
        "referred_at": _ts("2024-12-01", "2025-03-01", "2025-09-01", "2025-08-01", "2025-03-01")})
    t, ratios = sat.referral_by_nps(surveys, referrals, as_of="2025-12-31")
    assert t.index.tolist() == ["promoter", "passive", "detractor"]  # p counts as a promoter (first answer)
    assert t["respondents"].tolist() == [1, 1, 1] and t["referrals"].tolist() == [2, 1, 0]
    years = (pd.Timestamp("2026-01-01") - pd.Timestamp("2025-01-01")).days / 365.25
    assert t.loc["promoter", "customer_years"] == pytest.approx(years)
    assert t.loc["promoter", "per_100_customer_years"] == pytest.approx(200 / years)
    # exact Poisson interval: chi2(0.025, 2k)/2 .. chi2(0.975, 2k+2)/2 events per exposure
    assert t.loc["promoter", "ci_low"] == pytest.approx(100 * stats.chi2.ppf(0.025, 4) / 2 / years)
    assert t.loc["detractor", "ci_low"] == 0.0
    assert t.loc["detractor", "ci_high"] == pytest.approx(100 * 3.6889 / years, rel=1e-4)
    q_years = (pd.Timestamp("2026-01-01") - pd.Timestamp("2025-07-02")).days / 365.25
    assert ratios["promoter_vs_passive"]["ratio"] == pytest.approx((2 / years) / (1 / q_years))
    assert math.isnan(ratios["promoter_vs_detractor"]["ratio"])  # no detractor referrals


def test_referral_date_falls_back_on_signup():
    surveys = pd.DataFrame({"customer_id": ["p"], "nps_score": [9], "survey_date": _ts("2025-01-01")})
    referrals = pd.DataFrame({"customer_id": ["x1", "x2"], "referrer_id": ["p", "p"]})
    customers = pd.DataFrame({"customer_id": ["x1", "x2"], "signup_date": _ts("2024-06-01", "2025-02-01")})
    t, _ = sat.referral_by_nps(surveys, referrals, as_of="2025-12-31", customers=customers)
    assert t.loc["promoter", "referrals"] == 1


# --------------------------------------------------------------------------- call-backs
def test_callback_list_high_value_open_complaints_and_recent_detractors():
    value = pd.Series({"a": 500.0, "b": 50.0, "c": 900.0, "d": 800.0, "e": 700.0, "f": 1000.0})
    tickets = pd.DataFrame({
        "customer_id": ["a", "a", "b", "f", "e"], "is_complaint": [True, True, True, True, False],
        "created_at": _ts("2025-06-20", "2025-06-01", "2025-06-25", "2025-06-01", "2025-06-29"),
        "resolved_at": _ts(None, None, None, "2025-06-02", None)})
    surveys = pd.DataFrame({
        "customer_id": ["c", "d", "e", "e", "f"], "nps_score": [3, 9, 2, 9, 1],
        # e answered 2 then 9: the latest answer counts; f's detractor answer is 40 days old
        "survey_date": _ts("2025-06-28", "2025-06-28", "2025-06-10", "2025-06-20", "2025-05-21")})
    out, cut = sat.callback_list(as_of="2025-06-30", value=value, tickets=tickets, surveys=surveys,
                                 value_tiers=pd.Series({"c": "high", "a": "medium"}), callback_days=30,
                                 value_quantile=0.2)
    assert cut == pytest.approx(np.quantile(list(value), 0.2)) and cut == 500.0  # b (50) is below
    assert out.columns.tolist() == sat.CALLBACK_COLUMNS
    assert out["customer_id"].tolist() == ["c", "a"]
    assert out["priority"].tolist() == [1, 2]
    assert out.loc[1, "reason"] == "2 open complaints, 30 days old"  # ages run to the end of as_of
    assert (out.loc[1, "open_complaints"], out.loc[1, "oldest_open_days"]) == (2, 30.0)
    assert out.loc[0, "reason"] == "detractor (NPS 3) on 2025-06-28" and out.loc[0, "value_tier"] == "high"
    assert out["customer_value"].tolist() == [900.0, 500.0]


def test_callback_list_without_tables_is_empty():
    out, _ = sat.callback_list(as_of="2025-06-30", value=pd.Series({"a": 1.0}))
    assert out.empty and out.columns.tolist() == sat.CALLBACK_COLUMNS

"""NPS and CSAT with their intervals, by group and month, and the period comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import satisfaction as sat

Z = 1.959963984540054


# --------------------------------------------------------------------------- NPS interval
def test_nps_and_its_multinomial_variance_by_hand():
    # 2 promoters, 1 passive, 2 detractors: NPS 0; Var(NPS/100) = (0.4 + 0.4 - 0^2) / 5 = 0.16
    r = sat.nps_interval([10, 9, 7, 3, 0])
    assert (r["n"], r["promoters"], r["passives"], r["detractors"]) == (5, 0.4, 0.2, 0.4)
    assert r["nps"] == 0.0 and r["se"] == pytest.approx(40.0)
    assert (r["low"], r["high"]) == (pytest.approx(-Z * 40), pytest.approx(Z * 40))
    # 6 promoters, 3 passives, 1 detractor: NPS 50; Var = (0.6 + 0.1 - 0.25) / 10 = 0.045
    r = sat.nps_interval([9] * 6 + [8] * 3 + [6])
    assert r["nps"] == pytest.approx(50.0)
    assert r["se"] == pytest.approx(100 * math.sqrt(0.045))
    assert r["method"] == "multinomial variance"


def test_nps_category_boundaries():
    assert sat.nps_group([0, 6, 7, 8, 9, 10]).tolist() == ["detractor", "detractor", "passive", "passive",
                                                           "promoter", "promoter"]
    assert sat.nps_interval([6, 7, 8, 9])["nps"] == 0.0


def test_all_promoters_have_zero_variance_and_a_wilson_bound():
    r = sat.nps_interval([10] * 10)
    assert r["nps"] == 100.0 and r["se"] == 0.0
    assert r["method"].startswith("Wilson")
    lower = 10 / (10 + Z * Z)  # Wilson lower bound of the promoter share, the rest detractors
    assert r["low"] == pytest.approx(100 * (2 * lower - 1)) and r["low"] == pytest.approx(44.50, abs=0.01)
    assert r["high"] == 100.0
    # the bound tightens with more answers
    assert sat.nps_interval([9] * 100)["low"] > 90


def test_one_category_detractors_and_passives():
    r = sat.nps_interval([0] * 10)
    assert (r["nps"], r["low"]) == (-100.0, -100.0) and r["high"] == pytest.approx(-44.50, abs=0.01)
    r = sat.nps_interval([7, 8] * 5)
    rest = 100 * (1 - 10 / (10 + Z * Z))
    assert (r["nps"], r["low"], r["high"]) == (0.0, pytest.approx(-rest), pytest.approx(rest))


def test_no_answers_give_nan_not_an_error():
    r = sat.nps_interval([])
    assert r["n"] == 0 and all(math.isnan(r[k]) for k in ("nps", "se", "low", "high"))
    assert math.isnan(sat.nps_interval(pd.array([None, None], dtype="Int64"))["nps"])
    c = sat.csat_interval([])
    assert c["n"] == 0 and math.isnan(c["csat"])


def test_nps_interval_covers_the_truth_about_95_percent_of_the_time():
    # 4,000 samples of 200 answers from known shares: the multinomial interval should cover
    rng = np.random.default_rng(7)
    p = np.array([0.5, 0.3, 0.2])  # promoters, passives, detractors: true NPS 30
    counts = rng.multinomial(200, p, size=4000)
    answers = np.repeat(np.tile([10, 8, 0], 4000), counts.ravel())
    group = np.repeat(np.repeat(np.arange(4000), 3), counts.ravel())
    t = sat.score_table(pd.DataFrame({"nps_score": answers, "g": group}), by="g")
    coverage = ((t["nps_low"] <= 30) & (t["nps_high"] >= 30)).mean()
    assert 0.94 <= coverage <= 0.96


# --------------------------------------------------------------------------- CSAT
def test_csat_wilson_interval_matches_published_values():
    # Wilson 95% interval for 0 of 10: [0, 0.2775] (Newcombe 1998, Table I); 5 of 10: [0.2366, 0.7634]
    r = sat.csat_interval([1] * 10)
    assert r["csat"] == 0.0 and r["low"] == 0.0 and r["high"] == pytest.approx(0.2775, abs=1e-4)
    r = sat.csat_interval([5] * 5 + [3] * 5)
    assert (r["low"], r["high"]) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert sat.csat_interval([4, 5, 3, 2])["csat"] == 0.5  # 4 and 5 count as satisfied


# --------------------------------------------------------------------------- tables
def test_score_table_by_group():
    s = pd.DataFrame({"nps_score": pd.array([10, 9, 3, 10, 7, None], dtype="Int64"),
                      "csat_score": pd.array([5, 4, 1, None, 3, 5], dtype="Int64"),
                      "region": ["east", "east", "east", "west", "west", None]})
    t = sat.score_table(s, by="region", min_responses=3)
    assert t.index.tolist() == ["east", "west", "unknown"]
    assert t["responses"].tolist() == [3, 2, 0]
    assert t.loc["east", "nps"] == pytest.approx(100 * (2 / 3 - 1 / 3))
    assert t.loc["west", "nps"] == pytest.approx(50.0)
    assert math.isnan(t.loc["unknown", "nps"])
    assert t["csat_responses"].tolist() == [3, 1, 1]
    assert t.loc["east", "csat"] == pytest.approx(2 / 3) and t.loc["unknown", "csat"] == 1.0
    assert t["small"].tolist() == [False, True, True]
    overall = sat.score_table(s)
    assert overall.index.tolist() == ["all"] and overall.loc["all", "responses"] == 5


def test_score_trend_keeps_empty_months():
    s = pd.DataFrame({"nps_score": [10, 0, 9], "csat_score": [5, 1, 4],
                      "survey_date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-03-02"])})
    t = sat.score_trend(s, as_of="2025-04-30")
    assert t.index.tolist() == list(pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]))
    assert t["responses"].tolist() == [2, 0, 1, 0]
    assert t.loc["2025-01-01", "nps"] == 0.0 and math.isnan(t.loc["2025-02-01", "nps"])
    # answers after as_of are left out
    assert sat.score_trend(s, as_of="2025-01-31")["responses"].tolist() == [2]


def test_compare_scores_two_sample_test_by_hand():
    a = pd.DataFrame({"nps_score": [10] * 60 + [0] * 40, "csat_score": [5] * 80 + [1] * 20})
    b = pd.DataFrame({"nps_score": [10] * 40 + [0] * 60, "csat_score": [5] * 70 + [1] * 30})
    c = sat.compare_scores(a, b)
    se = math.hypot(100 * math.sqrt(0.96 / 100), 100 * math.sqrt(0.96 / 100))  # both Var = (1 - 0.2^2) / 100
    assert c.loc["nps", "change"] == pytest.approx(40.0)
    assert c.loc["nps", "change_low"] == pytest.approx(40 - Z * se)
    assert c.loc["nps", "p_value"] == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(40 / se / math.sqrt(2)))))
    assert bool(c.loc["nps", "beyond_noise"])
    se_c = math.sqrt(0.8 * 0.2 / 100 + 0.7 * 0.3 / 100)
    assert c.loc["csat", "change"] == pytest.approx(0.1)
    assert (c.loc["csat", "change_low"], c.loc["csat", "change_high"]) == (
        pytest.approx(0.1 - Z * se_c), pytest.approx(0.1 + Z * se_c))
    assert not bool(c.loc["csat", "beyond_noise"])  # the interval -0.02 .. +0.22 contains 0


def test_compare_scores_without_previous_answers():
    c = sat.compare_scores(pd.DataFrame({"nps_score": [10, 9]}), pd.DataFrame({"nps_score": []}))
    assert math.isnan(c.loc["nps", "change"]) and not bool(c.loc["nps", "beyond_noise"])
    assert c.loc["nps", "n_previous"] == 0


# --------------------------------------------------------------------------- context
def test_answer_context_links_the_last_purchase_before_the_answer():
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4"], "customer_id": ["a", "a", "a", "b"],
        "order_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-02-10"]),
        "revenue": [10.0, 20.0, 30.0, 5.0], "status": ["completed", "completed", "completed", "returned"],
        "sales_channel": ["web", "app", "store", "web"]})
    items = pd.DataFrame({"order_id": ["o1", "o2", "o2", "o3"], "product_id": ["p1", "p1", "p2", "p2"],
                          "quantity": [1.0, 1.0, 1.0, 1.0], "unit_price": [10.0, 5.0, 15.0, 30.0]})
    products = pd.DataFrame({"product_id": ["p1", "p2"], "category": ["food", "home"]})
    customers = pd.DataFrame({"customer_id": ["a", "b"], "region": ["east", "west"]})
    surveys = pd.DataFrame({"customer_id": ["a", "a", "b"], "nps_score": [9, 3, 8],
                            "survey_date": pd.to_datetime(["2025-02-03 00:00", "2025-01-01 12:00", "2025-02-12 00:00"])})
    ctx = sat.answer_context(surveys, orders=orders, customers=customers, order_items=items,
                             products=products, value_tiers=pd.Series({"a": "high"}))
    assert ctx.index.tolist() == [0, 1, 2]  # same rows, same order
    assert ctx["sales_channel"].tolist()[:2] == ["app", "web"]  # o2 for the first answer, o1 for the second
    assert ctx["category"].tolist()[:2] == ["home", "food"]  # o2's largest line is home (15 > 5)
    assert pd.isna(ctx.loc[2, "sales_channel"])  # b's only order was returned: no purchase before
    assert ctx["region"].tolist() == ["east", "east", "west"]
    assert ctx["value_tier"].tolist() == ["high", "high", "no purchase in the window"]
    assert ctx["nps_group"].tolist() == ["promoter", "detractor", "passive"]


def test_response_rate_counts_answers_per_purchase():
    o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "revenue": [10.0, 10.0, 10.0, 10.0],
                      "order_date": pd.to_datetime(["2025-01-02", "2025-01-05", "2025-01-09", "2025-01-31 23:00"], format="ISO8601")})
    s = pd.DataFrame({"customer_id": ["a", "b"], "survey_date": pd.to_datetime(["2025-01-06", "2025-02-01"])})
    r = sat.response_rate(s, o, start="2025-01-01", as_of="2025-01-31")
    assert (r["answers"], r["purchases"], r["respondents"], r["buyers"]) == (1, 4, 1, 3)
    assert r["response_rate"] == 0.25 and r["respondent_share"] == pytest.approx(1 / 3)

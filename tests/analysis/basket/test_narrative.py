"""Findings, actions and workshop checks of the basket page, from hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.basket import (
    basket_actions,
    basket_findings,
    basket_summary,
    category_sentence,
    evaluation_sentence,
    planted_pairs_check,
    recommendation_sentence,
    rule_sentences,
)
from crmkit.config.basket import BasketRules
from crmkit.errors import ParamsError

NAMES = pd.Series({"M": "Yoga Mat", "K": "Yoga Blocks", "S": "Smartphone", "C": "Phone Case",
                   "T": "T-Shirt"})


def _rules():
    rows = [  # antecedent, consequent, baskets, antecedent baskets, consequent baskets, confidence, lift
        (("M",), ("K",), 1227, 2026, 1242, 0.6056, 23.6),
        (("K",), ("M",), 1227, 1242, 2026, 0.9879, 23.6),
        (("S",), ("C",), 1504, 2555, 1520, 0.5886, 18.9),
        (("C",), ("S",), 1504, 1520, 2555, 0.9895, 18.9),
        (("T",), ("M",), 60, 500, 2026, 0.12, 2.9),
    ]
    r = pd.DataFrame(rows, columns=["antecedent", "consequent", "baskets", "antecedent_baskets",
                                    "consequent_baskets", "confidence", "lift"])
    return r.assign(support=r["baskets"] / 48000, leverage=0.01, conviction=2.0)


def _comparison(verdict="beats", gain=0.118):
    return pd.Series({"n": 5, "customers": 4244, "hit_rate": 0.37, "baseline_hit_rate": 0.37 - gain,
                      "hit_rate_gain": gain, "gain_se": 0.008, "precision": 0.0926,
                      "baseline_precision": 0.0534, "coverage": 0.89, "baseline_coverage": 0.042,
                      "verdict": verdict}, dtype=object)


def test_rule_sentences_read_from_the_trigger_product():
    s = rule_sentences(_rules(), NAMES, top=2)
    assert s[0] == ("61% of the 2,026 baskets with **Yoga Mat** also hold **Yoga Blocks**: 24 times as "
                    "often as an average basket (1,227 baskets).")
    assert s[1].startswith("59% of the 2,555 baskets with **Smartphone** also hold **Phone Case**: 19 times")
    assert rule_sentences(_rules().iloc[0:0], NAMES) == []


def test_category_sentence_branches():
    sizes = pd.DataFrame({"products": [1, 2, 2, 3], "categories": [1, 1, 2, 2]})
    apart = pd.DataFrame({"item": ["a", "b"], "other": ["b", "a"], "lift": [0.6, 0.6]})
    text = category_sentence(apart, sizes)
    assert text.startswith("33% of the baskets with two or more products stay within one product category.")
    assert "less often than chance would give (lift 0.6 to 0.6)" in text
    together = pd.DataFrame({"item": ["a", "b", "a"], "other": ["b", "a", "c"], "lift": [1.5, 1.5, 0.9]})
    assert "are a and b (1.5 times as often as if independent)" in category_sentence(together, sizes)
    flat = pd.DataFrame({"item": ["a"], "other": ["b"], "lift": [1.1]})
    assert "No pair of categories stands out (lift 1.1 to 1.1)" in category_sentence(flat, sizes)


@pytest.mark.parametrize("verdict, words", [
    ("beats", "**the recommender beats the popularity baseline**"),
    ("does not clearly beat", "**the recommender does not clearly beat the popularity baseline**"),
    ("loses to", "**the recommender does worse than the popularity baseline**"),
])
def test_evaluation_sentence_says_the_verdict_plainly(verdict, words):
    s = evaluation_sentence(_comparison(verdict))
    assert words in s
    assert "37% of customers, against 25% for the best sellers (+11.8 pts, standard error 0.8 pts" in s


def test_planted_pairs_check():
    check = planted_pairs_check(_rules(), [("M", "K"), ("S", "C"), ("T", "C")], names=NAMES)
    assert check["planted_pair"].tolist() == ["Yoga Mat -> Yoga Blocks", "Smartphone -> Phone Case",
                                      "T-Shirt -> Phone Case"]
    assert check["recovered"].tolist() == [True, True, False]
    assert check["lift_rank"].tolist()[:2] == [1, 2] and np.isnan(check["lift_rank"].iloc[2])
    assert check["confidence"].iloc[0] == pytest.approx(0.6056)


def test_findings_actions_and_summary():
    overview = pd.Series({"purchases": 48378, "baskets": 48358, "purchases_without_lines": 20,
                          "lines": 92912, "lines_not_purchases": 4657, "lines_unknown_order": 0,
                          "customers": 4616, "products": 120, "items_per_basket": 1.92,
                          "multi_item_share": 0.5616, "revenue": 1.0})
    cross = pd.DataFrame({"product_id": ["T", "S"], "companion_id": ["M", "C"], "not_yet_buyers": [888, 500],
                          "not_yet_share": [0.68, 0.4], "opportunity": [140886.5, 50000.0],
                          "expected_revenue": [7044.3, 2500.0]})
    recs = pd.DataFrame({"customer_id": ["c1", "c1", "c2"], "product_id": ["M", "K", "C"]})
    findings = basket_findings(overview=overview, rules=_rules(), category_text="Categories apart.",
                               cross=cross, comparison=_comparison(), names=NAMES, currency="¥")
    assert findings[0] == "48,358 baskets from 4,616 customers; 56% hold two or more products (1.9 on average)."
    assert findings[1].startswith("3 product pairs are bought together clearly more often than chance.")
    assert findings[2] == "Categories apart."
    assert ("888 buyers of **T-Shirt** (68% of them) have never bought **Yoga Mat**, ¥140,886 if each "
            "bought it once. The ten largest gaps add up to ¥190,886, about ¥9,544 at a 5% response") in findings[3]
    assert "beats the popularity baseline" in findings[4]
    actions = basket_actions(rules=_rules(), cross=cross, comparison=_comparison(), recommendations=recs,
                             names=NAMES, top_n=5)
    assert actions[0].startswith("Merchandising: show the companion in the cart")
    assert "Yoga Mat -> Yoga Blocks (61%)" in actions[0]
    assert "1,388 not-yet buyers" in actions[1] and "¥9,544 expected" in actions[1]
    assert actions[2].startswith("Personal recommendations: send each of the 2 active customers their top 5")
    lose = basket_actions(rules=_rules(), cross=cross, comparison=_comparison("does not clearly beat", 0.001),
                          recommendations=recs, names=NAMES)
    assert "does not beat the best sellers" in lose[-1]
    summary = basket_summary(overview=overview, rules=_rules(), cross=cross, comparison=_comparison(),
                             recommendations=recs, findings=findings, actions=actions, thresholds={"min_count": 20})
    assert summary["pairs"] == 3 and summary["recommended_customers"] == 2
    assert summary["top_pairs"][0]["antecedent"] == ["M"] and summary["evaluation"]["verdict"] == "beats"
    import json

    json.dumps(summary)  # JSON-ready


def test_recommendation_sentence():
    recs = pd.DataFrame({"customer_id": ["c1", "c1", "c2", "c2"], "reason": ["bought with"] * 3 + ["popular"]})
    s = recommendation_sentence(recs, active=3, active_days=365, top_n=2,
                                repeatable=pd.Series([True, False], index=["M", "K"]), names=NAMES)
    assert s.startswith("2 of the 3 active customers (a purchase in the last 365 days) get 2 "
                        "recommendations each; 75% of them come from what the customer bought")
    assert "Of the 2 products, 1 is bought again by enough of their buyers" in s and "Yoga Mat" in s


def test_rules_in_the_params_file():
    from crmkit.config import validate_params

    m = validate_params({"source": {"type": "bundled", "name": "demo"},
                         "analysis": {"basket": {"min_count": 50, "top_n": 10}}})
    assert m.analysis.basket.min_count == 50 and m.analysis.basket.min_support == 0.001
    for bad, msg in [({"min_suport": 0.1}, r"did you mean 'min_support'"),
                     ({"min_support": 1.5}, r"min_support: Input should be less than or equal to 1"),
                     ({"max_len": 1}, r"max_len: Input should be greater than or equal to 2"),
                     ({"top_n": "five"}, r"top_n: Input should be a valid integer")]:
        with pytest.raises(ParamsError, match=msg):
            validate_params({"source": {}, "analysis": {"basket": bad}})
    assert BasketRules().with_overrides(top_n=None, min_count=5).min_count == 5

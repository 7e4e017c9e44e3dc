"""Itemsets, rules, pairs and cross-sell: hand-computed baskets, brute force, planted pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.basket import (
    RULE_COLUMNS,
    association_rules,
    cross_sell,
    frequent_itemsets,
    lift_matrix,
    min_baskets,
    pair_rules,
    pair_table,
    prune_rules,
)


def _lines(baskets: dict[str, str], customers: dict[str, str] | None = None) -> pd.DataFrame:
    rows = [(o, (customers or {}).get(o, f"c_{o}"), item) for o, items in baskets.items() for item in items]
    d = pd.DataFrame(rows, columns=["order_id", "customer_id", "item"])
    return d.assign(order_date=pd.Timestamp("2025-01-01"), quantity=1.0, revenue=1.0)


# ten baskets: A in 6, B in 6, C in 5, D in 1; AB 4, AC 3, BC 3, ABC 2
TEN = _lines({"b1": "ABC", "b2": "AB", "b3": "AB", "b4": "AC", "b5": "A", "b6": "BC", "b7": "B",
              "b8": "C", "b9": "D", "b10": "ABC"})


def test_min_baskets_takes_the_larger_threshold():
    assert min_baskets(10, min_support=0.1, min_count=2) == 2
    assert min_baskets(10, min_support=0.3, min_count=2) == 3
    assert min_baskets(1_000_000, min_support=0.001, min_count=20) == 1000
    assert min_baskets(48_000, min_support=0.001, min_count=20) == 48  # no 49 from rounding


def test_frequent_itemsets_by_hand():
    fi = frequent_itemsets(TEN, min_support=0.1, min_count=2, max_len=3)
    got = dict(zip(fi["itemset"], fi["baskets"], strict=True))
    assert got == {("A",): 6, ("B",): 6, ("C",): 5, ("A", "B"): 4, ("A", "C"): 3, ("B", "C"): 3,
                   ("A", "B", "C"): 2}
    assert fi.loc[fi["itemset"] == ("A", "B"), "support"].item() == pytest.approx(0.4)
    # the ratio threshold (30% = 3 baskets) beats the count threshold here
    fi3 = frequent_itemsets(TEN, min_support=0.3, min_count=2)
    assert ("A", "B", "C") not in set(fi3["itemset"]) and ("B", "C") in set(fi3["itemset"])
    # pairs only
    assert frequent_itemsets(TEN, min_support=0.1, min_count=2, max_len=2)["size"].max() == 2


def test_frequent_itemsets_match_brute_force():
    """The pruning before FP-growth must not change the result: compare with counting every set."""
    rng = np.random.default_rng(7)
    items = list("ABCDEFGHIJKL")
    weights = np.linspace(3, 0.5, len(items))
    baskets = {}
    for b in range(400):
        k = int(rng.integers(1, 6))
        chosen = set(rng.choice(items, size=k, replace=False, p=weights / weights.sum()))
        if "A" in chosen and rng.random() < 0.5:
            chosen |= {"K", "L"}  # a planted triple among rare items
        baskets[f"o{b}"] = "".join(sorted(chosen))
    lines = _lines(baskets)
    for min_count, max_len in ((5, 3), (12, 3), (30, 3), (8, 4), (40, 2)):
        fi = frequent_itemsets(lines, min_support=0.001, min_count=min_count, max_len=max_len)
        got = dict(zip(fi["itemset"], fi["baskets"], strict=True))
        expected = {}
        for size in range(1, max_len + 1):
            for combo in itertools.combinations(items, size):
                n = sum(set(combo) <= set(s) for s in baskets.values())
                if n >= min_count:
                    expected[combo] = n
        assert got == expected, (min_count, max_len)
        if max_len == 3 and min_count == 30:
            assert ("A", "K", "L") in got  # the planted triple survives min_count 30


def test_association_rules_metrics_by_hand():
    r = association_rules(TEN, min_support=0.1, min_count=2, min_confidence=0.0, min_lift=0.0)
    assert list(r.columns) == RULE_COLUMNS
    assert len(r) == 12  # 2 per pair (3 pairs) + 6 from the triple
    ab = r.loc[(r["antecedent"] == ("A",)) & (r["consequent"] == ("B",))].iloc[0]
    assert (ab["baskets"], ab["antecedent_baskets"], ab["consequent_baskets"]) == (4, 6, 6)
    assert ab["support"] == pytest.approx(0.4)
    assert ab["confidence"] == pytest.approx(4 / 6)
    assert ab["lift"] == pytest.approx((4 / 6) / 0.6)
    assert ab["leverage"] == pytest.approx(0.4 - 0.6 * 0.6)
    assert ab["conviction"] == pytest.approx((1 - 0.6) / (1 - 4 / 6))
    abc = r.loc[(r["antecedent"] == ("A", "B")) & (r["consequent"] == ("C",))].iloc[0]
    assert abc["confidence"] == pytest.approx(0.5) and abc["lift"] == pytest.approx(1.0)
    assert abc["leverage"] == pytest.approx(0.0, abs=1e-12)
    # lift >= 1.1 keeps A <-> B (4/6 / 0.6) and the four rules splitting A, B, C as {A}|{B, C} or
    # {B}|{A, C}: A -> BC is (2/6) / 0.3, BC -> A is (2/3) / 0.6, the same 10/9 each
    strong = association_rules(TEN, min_support=0.1, min_count=2, min_confidence=0.0, min_lift=1.1)
    assert sorted(zip(strong["antecedent"], strong["consequent"], strict=True)) == [
        (("A",), ("B",)), (("A",), ("B", "C")), (("A", "C"), ("B",)), (("B",), ("A",)),
        (("B",), ("A", "C")), (("B", "C"), ("A",))]
    assert strong["lift"].to_numpy() == pytest.approx(np.full(6, 10 / 9))
    # confidence >= 0.6 keeps A -> B, B -> A (4/6), C -> A, C -> B (3/5), AC -> B, BC -> A (2/3);
    # A -> C, B -> C, AB -> C (1/2), C -> AB (2/5), A -> BC, B -> AC (1/3) fall out
    confident = association_rules(TEN, min_support=0.1, min_count=2, min_confidence=0.6, min_lift=0.0)
    assert sorted(zip(confident["antecedent"], confident["consequent"], strict=True)) == [
        (("A",), ("B",)), (("A", "C"), ("B",)), (("B",), ("A",)), (("B", "C"), ("A",)),
        (("C",), ("A",)), (("C",), ("B",))]
    assert r["lift"].is_monotonic_decreasing


def test_conviction_is_infinite_when_the_rule_never_fails():
    lines = _lines({"o1": "DE", "o2": "DE", "o3": "E", "o4": "F"})
    r = association_rules(lines, min_support=0.1, min_count=2, min_confidence=0.5, min_lift=1.0)
    de = r.loc[r["antecedent"] == ("D",)].iloc[0]
    assert de["confidence"] == 1.0 and np.isinf(de["conviction"])
    assert de["lift"] == pytest.approx(1 / 0.75)


def test_no_rules_gives_an_empty_frame_with_the_columns():
    r = association_rules(_lines({"o1": "A", "o2": "B"}), min_support=0.1, min_count=2)
    assert r.empty and list(r.columns) == RULE_COLUMNS


def test_prune_and_pair_rules():
    r = association_rules(TEN, min_support=0.1, min_count=2, min_confidence=0.0, min_lift=0.0)
    pruned = prune_rules(r)
    # every two-item antecedent repeats a one-item rule: AB -> C is 1/2 like A -> C; AC -> B is 2/3
    # against A -> B 4/6; BC -> A is 2/3 against B -> A 4/6 (not 5 points better)
    assert (pruned["antecedent"].map(len) == 1).all()
    assert len(pruned) == 12 - 3
    assert len(prune_rules(r, min_gain=-1.0)) == 12  # nothing is a repeat at a negative gain
    one = pair_rules(r)
    assert len(one) == 3  # AB, AC, BC once each
    # A (6 baskets) reads before C (5): A -> C and B -> C; A and B tie at 6 baskets and 4/6
    got = set(zip(one["antecedent"], one["consequent"], strict=True))
    assert {(("A",), ("C",)), (("B",), ("C",))} <= got


def test_pair_table_and_lift_matrix():
    p = pair_table(TEN)
    ab = p.loc[(p["item"] == "A") & (p["other"] == "B")].iloc[0]
    assert (ab["baskets"], ab["item_baskets"], ab["other_baskets"]) == (4, 6, 6)
    assert ab["confidence"] == pytest.approx(4 / 6) and ab["lift"] == pytest.approx(4 * 10 / 36)
    assert not (p["item"] == "D").any()  # D shares no basket
    m = lift_matrix(p, items=["A", "B", "C"])
    assert np.isnan(m.loc["A", "A"])
    assert m.loc["A", "C"] == m.loc["C", "A"] == pytest.approx(3 * 10 / 30)
    assert len(pair_table(TEN, min_count=4)) == 2  # only A-B in both directions


def test_cross_sell_by_hand():
    # c4 bought A and B in different baskets; c3 bought A only; C is an unrelated product
    baskets = {"o1": "AB", "o2": "AB", "o3": "A", "o4": "A", "o5": "B", "o6": "C", "o7": "C", "o8": "C"}
    customers = {"o1": "c1", "o2": "c2", "o3": "c3", "o4": "c4", "o5": "c4", "o6": "c5", "o7": "c5",
                 "o8": "c6"}
    lines = _lines(baskets, customers)
    revenue = {("o1", "B"): 10.0, ("o2", "B"): 20.0, ("o5", "B"): 30.0}
    lines["revenue"] = [revenue.get((o, i), 5.0) for o, i in zip(lines["order_id"], lines["item"], strict=True)]
    cs = cross_sell(lines, top=3, min_count=2, min_lift=1.2, response_rate=0.1)
    assert cs[["product_id", "companion_id"]].values.tolist() == [["A", "B"], ["B", "A"]]
    a = cs.iloc[0]
    assert a["baskets"] == 2 and a["confidence"] == pytest.approx(0.5)
    assert a["lift"] == pytest.approx(2 * 8 / (4 * 3))
    assert (a["buyers"], a["buyers_with_companion"], a["not_yet_buyers"]) == (4, 3, 1)  # c3 only
    assert a["not_yet_share"] == pytest.approx(0.25)
    assert a["companion_value"] == pytest.approx(20.0)  # mean of 10, 20, 30
    assert a["opportunity"] == pytest.approx(20.0) and a["expected_revenue"] == pytest.approx(2.0)
    b = cs.iloc[1]
    assert (b["buyers"], b["not_yet_buyers"], b["opportunity"]) == (3, 0, 0.0)
    # a stricter lift leaves nothing
    assert cross_sell(lines, min_count=2, min_lift=2.0).empty


# --------------------------------------------------------------------------- planted truth (demo)
def test_demo_planted_pairs_are_the_strongest_rules(demo_baskets):
    ds, lines = demo_baskets
    rules = association_rules(lines)  # the default thresholds of BasketRules
    planted = ds.truth["product_pairs"]
    top3 = pair_rules(rules).head(3)
    assert {frozenset(a + c) for a, c in zip(top3["antecedent"], top3["consequent"], strict=True)} == {
        frozenset(p) for p in planted}
    for a, b in planted:
        r = rules.loc[(rules["antecedent"] == (a,)) & (rules["consequent"] == (b,))].iloc[0]
        # companion B is added with probability 0.6 when A is in the basket, and is otherwise rare
        assert r["confidence"] == pytest.approx(ds.truth["pair_probability"], abs=0.05)
        assert r["lift"] > 10
    # every other pair is far weaker (the favourite-category effect gives lifts of about 2-3)
    assert pair_rules(rules)["lift"].iloc[3] < 5

"""Recommenders: similarities, the repurchase rule, fills and reasons, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from crmkit.analysis.basket import (
    RECOMMENDATION_COLUMNS,
    ItemRecommender,
    PopularityRecommender,
    active_customers,
    repurchase_shares,
)


def _lines(rows) -> pd.DataFrame:
    """rows: (order_id, customer_id, date, items)."""
    out = [(o, c, pd.Timestamp(d), i) for o, c, d, items in rows for i in items]
    d = pd.DataFrame(out, columns=["order_id", "customer_id", "order_date", "item"])
    return d.assign(quantity=1.0, revenue=1.0)


# n(A) = 4, n(B) = 3, n(C) = 2, n(D) = 1; co(A, B) = 2, co(A, C) = 1, co(C, D) = 1; nobody buys twice
SIX = _lines([("o1", "c1", "2025-01-01", "AB"), ("o2", "c2", "2025-01-02", "AB"),
              ("o3", "c3", "2025-01-03", "AC"), ("o4", "c4", "2025-01-04", "B"),
              ("o5", "c5", "2025-01-05", "CD"), ("o6", "c6", "2025-01-06", "A")])


def _sim(model) -> pd.DataFrame:
    s = model.similarity_.toarray()
    return pd.DataFrame(s, index=model.items_, columns=model.items_)


@pytest.mark.parametrize("a, expected", [
    # s(i, j) = co(i, j) / (n(i) ** (1 - a) * n(j) ** a)
    (0.5, {("A", "B"): 2 / np.sqrt(12), ("B", "A"): 2 / np.sqrt(12), ("A", "C"): 1 / np.sqrt(8),
           ("C", "D"): 1 / np.sqrt(2)}),
    (0.0, {("A", "B"): 2 / 4, ("B", "A"): 2 / 3, ("C", "A"): 1 / 2}),  # confidence
    (1.0, {("A", "B"): 2 / 3, ("B", "A"): 2 / 4, ("A", "C"): 1 / 2, ("C", "A"): 1 / 4}),
])
def test_similarity_by_hand(a, expected):
    s = _sim(ItemRecommender(popularity_penalty=a, min_pair_count=1).fit(SIX))
    for (i, j), v in expected.items():
        assert s.loc[i, j] == pytest.approx(v)
    assert np.all(np.diag(s) == 0) and s.loc["B", "C"] == 0  # never bought together


def test_min_pair_count_and_neighbours():
    s = _sim(ItemRecommender(min_pair_count=2).fit(SIX))
    assert (s > 0).sum().sum() == 2 and s.loc["A", "B"] > 0  # only A-B has two baskets
    s1 = _sim(ItemRecommender(min_pair_count=1, neighbours=1).fit(SIX))
    assert s1.loc["A", "B"] > 0 and s1.loc["A", "C"] == 0  # A keeps its strongest companion only
    assert s1.loc["C", "D"] > 0 and s1.loc["C", "A"] == 0


def test_recommend_scores_reasons_and_fill():
    model = ItemRecommender(top_n=3, min_pair_count=1).fit(SIX)
    rec = model.recommend(SIX, customers=["c6", "c3"])
    assert list(rec.columns) == RECOMMENDATION_COLUMNS
    c6 = rec.loc[rec["customer_id"] == "c6"]
    # A is bought and nobody buys anything twice: A is not offered again; D has no link: popular fill
    assert c6["product_id"].tolist() == ["B", "C", "D"]
    assert c6["rank"].tolist() == [1, 2, 3]
    assert c6["score"].tolist() == pytest.approx([2 / np.sqrt(12), 1 / np.sqrt(8), 0.0])
    assert c6["reason"].tolist() == ["bought with", "bought with", "popular"]
    assert c6["because_of"].tolist()[:2] == ["A", "A"] and pd.isna(c6["because_of"].iloc[2])
    c3 = rec.loc[rec["customer_id"] == "c3"]
    # c3 has A and C: D through C (0.707) before B through A (0.577); only two products left
    assert c3["product_id"].tolist() == ["D", "B"]
    assert c3["because_of"].tolist() == ["C", "A"]
    # an unknown customer gets the best sellers
    new = model.recommend(SIX, customers=["nobody"], top_n=2)
    assert new["product_id"].tolist() == ["A", "B"] and (new["reason"] == "popular").all()


def test_repurchase_shares_and_the_repeat_rule():
    lines = _lines([("o1", "c1", "2025-01-01", "A"), ("o2", "c1", "2025-02-01", "A"),
                    ("o3", "c2", "2025-01-01", "A"), ("o4", "c2", "2025-02-01", "B"),
                    ("o5", "c3", "2025-01-01", "B"), ("o6", "c4", "2025-01-01", "C"),
                    ("o7", "c4", "2025-01-01", "C")])  # two baskets on the same day count
    sh = repurchase_shares(lines)
    assert sh.loc["A"].tolist()[:3] == [2, 2, 1] and sh.loc["A", "repurchase_share"] == 0.5
    assert sh.loc["B", "returning_buyers"] == 0 and np.isnan(sh.loc["B", "repurchase_share"])
    assert sh.loc["C", "repurchase_share"] == 1.0
    kw = {"top_n": 3, "repurchase_share": 0.5, "repurchase_min_buyers": 1}
    for model in (ItemRecommender(**kw), PopularityRecommender(**kw)):
        model.fit(lines)
        assert model.repeatable_.to_dict() == {"A": True, "B": False, "C": True}
        rec = model.recommend(lines, customers=["c2"])
        # c2 bought A (repeatable: offered again) and B (not): B is left out
        assert rec["product_id"].tolist() == ["A", "C"]
    # a share measured on too few returning buyers does not count
    strict = PopularityRecommender(repurchase_share=0.5, repurchase_min_buyers=3).fit(lines)
    assert not strict.repeatable_.any()


def test_chunks_do_not_change_the_result():
    rng = np.random.default_rng(1)
    rows = [(f"o{k}", f"c{rng.integers(0, 40)}", f"2025-01-{1 + k % 28:02d}",
             "".join(rng.choice(list("ABCDEFGH"), size=rng.integers(1, 4), replace=False)))
            for k in range(200)]
    lines = _lines(rows)
    model = ItemRecommender(top_n=4, min_pair_count=2, repurchase_min_buyers=2).fit(lines)
    whole = model.recommend(lines)
    pieces = model.recommend(lines, chunk_size=3)
    pd.testing.assert_frame_equal(whole, pieces)
    assert whole.groupby("customer_id").size().max() == 4
    assert whole["customer_id"].nunique() == lines["customer_id"].nunique()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recommend_matches_a_dense_brute_force(seed):
    """Score every product for every customer, rank, compare with the sparse top-k."""
    rng = np.random.default_rng(seed)
    rows = [(f"o{k}", f"c{rng.integers(0, 60)}", f"2025-{1 + k % 12:02d}-01",
             "".join(rng.choice(list("ABCDEFGHIJKL"), size=rng.integers(1, 5), replace=False)))
            for k in range(300)]
    lines = _lines(rows)
    model = ItemRecommender(top_n=4, min_pair_count=2, neighbours=5, repurchase_share=0.3,
                            repurchase_min_buyers=3).fit(lines)
    rec = model.recommend(lines)
    items = list(model.items_)
    H = lines.assign(v=1).pivot_table(index="customer_id", columns="item", values="v",
                                      aggfunc="max", fill_value=0).reindex(columns=items, fill_value=0)
    scores = H.to_numpy(float) @ model.similarity_.toarray()
    pop = model.popularity_.to_numpy(float)
    for cust, h, sc in zip(H.index, H.to_numpy(bool), scores, strict=True):
        allowed = ~h | model.repeatable_.to_numpy()
        # best score first; ties (and zero scores) by popularity, then product ID
        order = sorted((j for j in range(len(items)) if allowed[j]),
                       key=lambda j: (-round(sc[j], 12), -pop[j], j))[:4]
        got = rec.loc[rec["customer_id"] == cust]
        assert got["product_id"].tolist() == [items[j] for j in order], cust
        assert got["score"].to_numpy() == pytest.approx(sc[order])
        for _, r in got.loc[got["score"] > 0].iterrows():
            contrib = {i: model.similarity_[items.index(i), items.index(r["product_id"])]
                       for i in np.array(items)[h]}
            assert contrib[r["because_of"]] == pytest.approx(max(contrib.values()))


def test_estimator_conventions():
    model = ItemRecommender(top_n=7, popularity_penalty=0.3)
    assert model.get_params()["top_n"] == 7 and clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.recommend(SIX)
    with pytest.raises(NotFittedError):
        PopularityRecommender().recommend(SIX)
    assert model.fit(SIX) is model and hasattr(model, "similarity_")


def test_active_customers():
    act = active_customers(SIX, as_of="2025-01-05", days=2)
    assert act.tolist() == ["c4", "c5"]  # 4 and 5 January; c6 buys after as_of


def test_demo_recommendations_exclude_what_is_not_bought_again(demo_baskets):
    ds, lines = demo_baskets
    model = ItemRecommender().fit(lines)
    customers = lines["customer_id"].drop_duplicates().head(300)
    rec = model.recommend(lines, customers=customers)
    assert rec.groupby("customer_id").size().eq(5).all()
    bought = lines[["customer_id", "item"]].drop_duplicates()
    again = rec.merge(bought, left_on=["customer_id", "product_id"], right_on=["customer_id", "item"])
    # products a customer already has come back only when their repurchase share passes the rule
    assert model.repeatable_.reindex(again["product_id"]).all()
    assert 0 < model.repeatable_.sum() < len(model.repeatable_)

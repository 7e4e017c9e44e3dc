"""crmkit.plots.basket: each chart draws on the given Axes, is titled, and shows the given numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import basket
from crmkit.plots import basket as bplots


def _lines():
    rows = [("o1", "c1", "AB"), ("o2", "c2", "AB"), ("o3", "c3", "AC"), ("o4", "c4", "B"),
            ("o5", "c5", "CD"), ("o6", "c1", "A"), ("o7", "c2", "ABD")]
    d = pd.DataFrame([(o, c, i) for o, c, items in rows for i in items],
                     columns=["order_id", "customer_id", "item"])
    return d.assign(order_date=pd.Timestamp("2025-01-01"), quantity=1.0, revenue=10.0)


def test_basket_sizes_bars_add_up_to_one():
    sizes = pd.DataFrame({"products": [1, 1, 2, 2, 3, 8], "categories": [1, 1, 1, 2, 2, 3]})
    fig, ax = plt.subplots()
    assert bplots.plot_basket_sizes(sizes, ax=ax) is ax
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5", "6+"]
    assert ax.get_title() == "How many products a basket holds"
    assert bplots.plot_basket_sizes(sizes.iloc[0:0]).texts[0].get_text() == "No baskets"


def test_top_rules_and_lift_matrix():
    lines = _lines()
    rules = basket.association_rules(lines, min_support=0.1, min_count=2, min_lift=1.0)
    shown = basket.name_rules(basket.pair_rules(rules), pd.Series({"A": "Apple", "B": "Banana"}))
    ax = bplots.plot_top_rules(shown)
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Apple  →  Banana"
    assert [p.get_width() for p in ax.patches] == pytest.approx(shown["lift"].tolist())
    assert "also take it" in ax.texts[0].get_text()
    m = basket.lift_matrix(basket.pair_table(lines))
    ax = bplots.plot_lift_matrix(m, title="Lift")
    im = ax.get_images()[0]
    lo, hi = im.get_clim()
    assert lo == pytest.approx(-hi)  # log scale centred on lift 1
    n_finite = int(np.isfinite(m.to_numpy()).sum())
    assert len(ax.texts) == n_finite and ax.get_title() == "Lift"
    assert bplots.plot_lift_matrix(m * np.nan).texts[0].get_text() == "No two items share a basket"


def test_cross_sell_and_recommendations_charts():
    lines = _lines()
    cs = basket.cross_sell(lines, min_count=2, min_lift=1.0)
    cs = cs.assign(product_name=cs["product_id"], companion_name=cs["companion_id"])
    ax = bplots.plot_cross_sell(cs, currency="¥")
    widths = [p.get_width() for p in ax.patches]
    assert widths[: len(cs)] == pytest.approx(cs["opportunity"].tolist())
    assert widths[len(cs):] == pytest.approx(cs["expected_revenue"].tolist())
    recs = basket.ItemRecommender(top_n=2, min_pair_count=1).fit(lines).recommend(lines)
    ax = bplots.plot_recommended_products(recs, names=pd.Series({"A": "Apple"}))
    shares = recs["product_id"].value_counts() / recs["customer_id"].nunique()
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx(sorted(shares))
    assert bplots.plot_cross_sell(cs.iloc[0:0]).texts[0].get_text() == "No companion passes the thresholds"


def test_hit_rates_one_line_per_model():
    ev = basket.evaluate_recommenders(_lines(), {"item": basket.ItemRecommender(min_pair_count=1),
                                                 "pop": basket.PopularityRecommender()}, n_values=(1, 2))
    fig, axes = plt.subplots(1, 2)
    bplots.plot_hit_rates(ev.metrics, ax=axes[0], names={"item": "item-to-item"})
    assert [line.get_label() for line in axes[0].get_lines()] == ["item-to-item", "pop"]
    assert list(axes[0].get_lines()[1].get_ydata()) == pytest.approx(
        ev.metrics.loc["pop", "hit_rate"].tolist())
    bplots.plot_hit_rates(ev.metrics, measure="coverage", ax=axes[1])
    assert axes[1].get_title() == "Held-out last baskets: coverage by list length"

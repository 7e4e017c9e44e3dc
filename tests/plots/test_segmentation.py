"""crmkit.plots.segmentation: each chart draws on the given Axes, is titled and labelled."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import segmentation as seg
from crmkit.plots import segmentation as segplots


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    n = 300
    rfm = pd.DataFrame({
        "recency_days": rng.integers(0, 400, n), "frequency": rng.geometric(0.4, n),
        "monetary": rng.lognormal(5, 1, n)}, index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))
    customers = seg.segment_customers(rfm)
    km = seg.RFMClusterer(random_state=0, k_range=(2, 5)).fit(rfm)
    return customers.assign(cluster=km.labels_), km


def test_segment_shares(fitted):
    customers, _ = fitted
    fig, ax = plt.subplots()
    out = segplots.plot_segment_shares(seg.segment_table(customers), ax=ax)
    assert out is ax
    assert ax.get_title() == "Customers and revenue by segment"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(seg.DEFAULT_SEGMENT_MAP)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["share of customers", "share of revenue"]
    assert segplots.plot_segment_shares(seg.tier_table(customers), title="Tiers").get_title() == "Tiers"


@pytest.mark.parametrize("value", ["customers", "monetary"])
def test_rf_heatmap(fitted, value):
    customers, _ = fitted
    grid = seg.rf_grid(customers)
    ax = segplots.plot_rf_heatmap(grid, value=value, currency="$")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 25
    top_right = grid.set_index(["r_score", "f_score"]).loc[(5, 5)]
    if value == "customers":
        assert f"{top_right['customers']}\nChampions" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]
    assert ax.get_xlabel().startswith("F score") and ax.get_ylabel().startswith("R score")


def test_revenue_concentration(fitted):
    customers, _ = fitted
    ax = segplots.plot_revenue_concentration(seg.revenue_concentration(customers), thresholds=(0.8, 0.95))
    assert ax.get_title().startswith("How concentrated")
    assert sum("tier ends" in t.get_text() for t in ax.texts) == 2
    x, y = ax.lines[0].get_data()
    assert x[0] == 0 and y[-1] == pytest.approx(1.0)


def test_k_selection_and_profiles(fitted):
    _, km = fitted
    ax = segplots.plot_k_selection(km.scores_, chosen=km.n_clusters_)
    assert ax.get_xlabel() == "number of clusters k"
    assert f"k used: {km.n_clusters_}" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = segplots.plot_cluster_profiles(km.profiles_)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == km.n_clusters_ and labels[0].startswith("cluster 1: ")
    assert len(ax.texts) == 3 * km.n_clusters_


def test_planted_crosstab_plot(fitted):
    customers, _ = fitted
    truth = pd.DataFrame({"customer_id": customers.index,
                          "customer_type": np.where(customers["monetary"] > 200, "vip", "other")})
    fig, ax = plt.subplots()
    out = segplots.plot_planted_crosstab(seg.planted_crosstab(customers, truth), ax=ax)
    assert out is ax and ax.get_ylabel() == "planted customer type"
    assert all(t.get_text().endswith("%") for t in ax.texts)


def test_style_group_table(fitted):
    customers, km = fitted
    html = segplots.style_group_table(seg.segment_table(customers), currency="$").to_html()
    assert "spend per customer ($)" in html and "% revenue" in html and "action" in html
    t = seg.segment_table(customers)
    assert f"{100 * t['customer_share'].iloc[0]:.1f}%" in html
    html = segplots.style_group_table(km.profiles_).to_html()
    assert "description" in html and "spend per customer (¥)" in html
    assert "min_monetary" not in html and "smallest spend" not in html

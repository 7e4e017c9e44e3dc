"""Tests for crmkit.plots.clv: the charts draw the numbers they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmkit.plots import clv as clv_plots


def _predictions(n=30):
    ids = pd.Index([f"C{i:03d}" for i in range(n)], name="customer_id")
    clv = np.linspace(300.0, 0.0, n)
    return pd.DataFrame({"clv": clv, "historical_clv": np.arange(n, dtype=float)}, index=ids)


def test_top_customers_shows_ids_and_values():
    ax = clv_plots.plot_top_customers(_predictions(), top=5, currency="$")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["C004", "C003", "C002", "C001", "C000"]  # largest at the top
    widths = [p.get_width() for p in ax.patches]
    assert widths[-1] == 300.0 and len(widths) == 5
    assert ax.collections[0].get_offsets()[:, 0].tolist() == [4.0, 3.0, 2.0, 1.0, 0.0]


def test_holdout_chart_draws_buckets_not_the_total():
    t = pd.DataFrame({"customers": [10, 5, 2], "actual": [0.2, 1.0, 1.1], "bgnbd": [0.25, 0.9, 1.1],
                      "own_rate": [0.0, 2.0, 1.1]}, index=pd.Index(["0", "1", "all"], name="bucket"))
    ax = clv_plots.plot_holdout_by_frequency(t)
    assert [p.get_height() for p in ax.patches] == [0.2, 1.0]
    assert [tk.get_text() for tk in ax.get_xticklabels()] == ["0\n(10)", "1\n(5)"]
    assert {ln.get_label() for ln in ax.lines} == {"BG/NBD", "naive: own past rate"}


def test_heatmap_rejects_unknown_values_and_orders_recency_top_down():
    grid = pd.DataFrame({"frequency": [0, 1, 1], "recency": [0.0, 5.0, 10.0], "T": 10.0,
                         "expected_purchases": [0.1, 0.5, 2.0], "probability_alive": [1.0, 0.4, 0.9]})
    grid.attrs.update({"t": 52.0, "T": 10.0, "time_unit": "W"})
    ax = clv_plots.plot_expectation_heatmap(grid, value="probability_alive")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["10", "5", "0"]
    assert "still active" in ax.get_title()
    with pytest.raises(ValueError, match="expected_purchases or probability_alive"):
        clv_plots.plot_expectation_heatmap(grid, value="clv")


def test_distribution_marks_mean_and_median():
    ax = clv_plots.plot_clv_distribution(_predictions(), currency="$")
    assert sorted(ln.get_label() for ln in ax.lines) == ["mean $150", "median $150"]
    assert ax.get_xscale() == "log"

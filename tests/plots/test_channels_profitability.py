"""Charts of the channel and profitability pages: what each one draws, on small frames."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import channels, profitability
from crmkit.plots import channels as cplots
from crmkit.plots import profitability as pplots


@pytest.fixture
def value():
    return pd.DataFrame({"spend": [300.0, 100.0, 0.0], "new_customers": [3, 2, 4], "cac": [100.0, 50.0, np.nan],
                         "ltv": [250.0, 600.0, 80.0], "ltv_cac": [2.5, 12.0, np.nan],
                         "spend_share": [0.75, 0.25, np.nan], "value_share": [0.3, 0.7, np.nan]},
                        index=pd.Index(["tv", "email", "organic"], name="channel"))


def test_ltv_cac_points_and_colours_match_across_charts(value):
    colors = cplots.channel_colors(["tv", "email", "organic"])
    ax = cplots.plot_ltv_cac(value, currency="¥", colors=colors)
    pts = [c.get_offsets()[0].tolist() for c in ax.collections]
    assert pts == [[100.0, 250.0], [50.0, 600.0]]  # organic has no CAC: not drawn
    assert [t.get_text() for t in ax.texts] == ["tv  2.5 : 1", "email  12.0 : 1"]
    assert ax.collections[1].get_facecolor()[0][:3] == pytest.approx(plt.matplotlib.colors.to_rgb(colors["email"]))
    assert ax.yaxis.get_major_formatter()(1500, 0) == "¥1,500"
    assert "CAC" in ax.get_title()


def test_payback_draws_multiples_of_cac():
    curves = pd.DataFrame({"channel": ["a", "a", "b"], "month": [1, 2, 1], "cumulative_value": [50.0, 150.0, 10.0]})
    ax = cplots.plot_payback(curves, pd.Series({"a": 50.0, "b": 20.0, "c": 1.0}))
    assert [line.get_ydata().tolist() for line in ax.lines[:2]] == [[1.0, 3.0], [0.5]]
    assert ax.get_xlabel() == "months since acquisition"


def test_spend_value_attribution_and_value_per_spend(value):
    ax = cplots.plot_spend_value_share(value)
    assert sorted(p.get_width() for p in ax.patches) == [0.25, 0.3, 0.7, 0.75]
    j = channels.Journeys.from_paths([["a", "b"], ["b"]], [True, True])
    ax = cplots.plot_attribution(channels.attribution_table(j))
    assert len(ax.patches) == 2 * 5 and [t.get_text() for t in ax.get_legend().get_texts()][-1] == "data-driven (Markov)"
    point = pd.DataFrame({"value_per_spend": [4.0, 1.0], "low": [3.0, 0.5], "high": [5.0, 1.5]}, index=["a", "b"])
    ax = cplots.plot_value_per_spend(point)
    assert [p.get_width() for p in ax.patches] == [1.0, 4.0]  # lowest at the bottom
    trend = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "channel": ["a", "a"],
                          "spend": [10.0, 20.0], "new_customers": [1, 1], "cac": [10.0, 20.0]})
    ax = cplots.plot_cac_trend(trend)
    assert ax.lines[0].get_ydata().tolist() == [10.0, 20.0]


def test_whale_curve_marks_the_peak_and_the_loss_makers():
    cp = pd.DataFrame({"profit": [-1.0, 6.0, -3.0, 8.0], "revenue": [5.0] * 4})
    ax = pplots.plot_whale_curve(profitability.whale_curve(cp), profitability.whale_summary(cp))
    assert ax.lines[0].get_ydata().tolist() == pytest.approx([0.0, 0.8, 1.4, 1.3, 1.0])
    assert any("peak: 140% of the total profit" in t.get_text() for t in ax.texts)
    assert ax.patches[0].get_x() == pytest.approx(0.5)  # the loss-makers' half is shaded


def test_deciles_groups_cost_structure_and_clv():
    cp = pd.DataFrame({"revenue": [100.0] * 10, "profit": [80.0, 70, 60, 50, 40, 30, 20, 10, -5, -25],
                       "product_cost": [10.0] * 10, "discounts": [0.0] * 8 + [80.0, 90.0], "shipping": [5.0] * 10,
                       "returns": [0.0] * 10, "service": [5.0, 15, 25, 35, 45, 55, 65, 75, 10, 20],
                       "g": list("xxxxxyyyyy")})
    ax = pplots.plot_profit_deciles(profitability.profit_deciles(cp))
    assert [p.get_height() for p in ax.patches] == [80.0, 70, 60, 50, 40, 30, 20, 10, -5, -25]
    ax = pplots.plot_profit_by(profitability.profit_by(cp, by="g"), group_label="group")
    assert any(t.get_text().startswith("40% lose money  (5 customers)") for t in ax.texts)
    ax = pplots.plot_cost_structure(profitability.cost_structure(cp))
    assert any(t.get_text() == "loss: 15% of revenue" for t in ax.texts)
    v = pd.DataFrame({"clv": [100.0, 50.0], "profit_clv": [30.0, -5.0]})
    ax = pplots.plot_profit_clv(v)
    assert [c.get_offsets().tolist() for c in ax.collections] == [[[100.0, 30.0]], [[50.0, -5.0]]]


def test_empty_frames_say_so():
    ax = cplots.plot_attribution(pd.DataFrame(columns=list(channels.MODELS)))
    assert ax.texts[0].get_text() == "no first purchase to attribute"
    ax = pplots.plot_whale_curve(profitability.whale_curve(pd.DataFrame({"profit": [-1.0]})),
                                 {"loss_makers": 1, "loss_share": 1.0})
    assert "not positive" in ax.texts[0].get_text()

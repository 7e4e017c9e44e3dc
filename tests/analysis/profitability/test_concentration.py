"""Deciles, the whale curve, groups, loss reasons and profit CLV on small hand-checked frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.profitability import (
    add_groups,
    clv_comparison,
    cost_structure,
    loss_reasons,
    profit_by,
    profit_clv,
    profit_deciles,
    whale_curve,
    whale_summary,
)


@pytest.fixture
def cp():
    """Ten customers: eight make 10..80, two lose 5 and 25 (total profit 335)."""
    profit = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, -5.0, -25.0]
    return pd.DataFrame({
        "revenue": [100.0] * 10, "profit": profit,
        "product_cost": [60.0] * 10, "discounts": [0.0] * 8 + [45.0, 5.0], "shipping": [5.0] * 10,
        "returns": [0.0] * 10, "service": [100.0 - 60 - 5 - p for p in profit[:8]] + [0.0, 55.0],
        "g": list("xxxxxyyyyy"),
    }, index=[f"c{i}" for i in range(10)])


def test_whale_curve_and_summary(cp):
    s = whale_summary(cp)
    assert (s["customers"], s["loss_makers"], s["losses"], s["profit"]) == (10, 2, -30.0, 330.0)
    assert s["loss_share"] == 0.2
    # ranked: 80, 70, ..., 10 (sum 360), then -5, -25: the peak is 360 / 330 after 8 of 10 customers
    assert s["peak_share"] == pytest.approx(360 / 330) and s["peak_customer_share"] == 0.8
    c = whale_curve(cp, points=None)
    assert c["customer_share"].tolist() == pytest.approx(np.arange(11) / 10)
    assert c["cumulative_profit"].tolist() == [0, 80, 150, 210, 260, 300, 330, 350, 360, 355, 330]
    assert c["profit_share"].iloc[-1] == 1.0


def test_whale_curve_keeps_the_peak_when_thinned():
    cp = pd.DataFrame({"profit": np.r_[np.linspace(100, 1, 5000), -np.linspace(1, 50, 1000)]})
    c = whale_curve(cp, points=50)
    assert len(c) <= 53 and c["cumulative_profit"].max() == pytest.approx(whale_summary(
        cp.assign(revenue=1.0))["peak_profit"])


def test_deciles(cp):
    d = profit_deciles(cp)
    assert d["customers"].tolist() == [1] * 10
    assert d["profit"].tolist() == [80.0, 70, 60, 50, 40, 30, 20, 10, -5, -25]
    assert d.loc[10, "loss_makers"] == 1 and d.loc[1, "profit_share"] == pytest.approx(80 / 330)


def test_profit_by_group(cp):
    t = profit_by(cp, by="g")
    # x: 10..50 (150, no losers); y: 60, 70, 80, -5, -25 (180, 2 of 5 lose)
    assert t.loc["x", "profit"] == 150.0 and t.loc["y", "loss_share"] == 0.4
    assert t.index[0] == "y" and t.loc["y", "margin"] == pytest.approx(180 / 500)


def test_cost_structure_and_loss_reasons(cp):
    st = cost_structure(cp)
    assert st.loc["makes money", "customers"] == 8 and st.loc["loses money", "discounts"] == pytest.approx(50 / 200)
    reason, table = loss_reasons(cp)
    # profitable customers spend 0% of revenue on discounts and usual_service on service: c8 exceeds them
    # most on discounts (45 beyond the usual 0), c9 on service (55 beyond 100 x usual_service)
    usual_service = cp["service"].iloc[:8].sum() / 800
    assert reason.tolist() == [""] * 8 + ["discounts", "service"]
    assert table.loc["service", "excess"] == pytest.approx(55 - 100 * usual_service)
    assert table.loc["discounts", "excess"] == 45.0 and table.loc["discounts", "cost_share_others"] == 0.0
    assert table["loss_makers"].sum() == 2 and table["share_of_losers"].sum() == 1.0


def test_add_groups_value_tiers_and_labels(cp):
    customers = pd.DataFrame({"customer_id": ["c0", "c1"], "region": ["East", None], "crm_segment": ["b2b", "b2c"]})
    rich = cp.assign(revenue=[500.0, 300.0, 100.0] + [10.0] * 6 + [0.0])
    g = add_groups(rich, customers=customers)
    assert g.loc["c0", "region"] == "East" and g.loc["c1", "region"] == "unknown"
    assert g.loc["c5", "crm_segment"] == "unknown"
    assert g.loc["c0", "value_tier"] == "high" and g.loc["c9", "value_tier"] == "low"  # no revenue: low


def test_clv_comparison_counts_customers_who_turn_negative():
    v = pd.DataFrame({"clv": [100.0, 80.0, 60.0, 40.0, 20.0], "profit_clv": [-10.0, 30.0, 20.0, 10.0, np.nan]})
    r = clv_comparison(v, top_share=0.5)
    assert r["customers"] == 4 and r["negative"] == 1 and r["negative_clv"] == 100.0
    assert r["top_overlap"] == 0.5 and r["profit_share"] == pytest.approx(50 / 280)


def test_profit_clv_is_the_clv_times_the_margin():
    from crmkit.analysis import clv
    from crmkit.data.bundled import load_cdnow

    orders = load_cdnow("sample").orders
    margins = pd.Series(0.25, index=orders["customer_id"].unique())
    margins.iloc[:10] = -0.1
    v, note = profit_clv(orders, margins=margins, as_of="1997-09-30", horizon_months=12, discount_rate=0.01)
    summary = clv.btyd_summary(orders, as_of="1997-09-30", time_unit="W")
    expected = clv.customer_lifetime_value(clv.BetaGeoModel().fit(summary), clv.GammaGammaModel().fit(summary),
                                           summary, horizon=12, discount_rate=0.01)
    np.testing.assert_allclose(v["clv"], expected["clv"])
    np.testing.assert_allclose(v["profit_clv"], expected["clv"] * margins.reindex(v.index))
    assert "BG/NBD" in note and (v.loc[margins.index[:10], "profit_clv"] <= 0).all()

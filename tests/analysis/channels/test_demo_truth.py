"""The demo's planted acquisition truth is recovered: CAC per channel, lead conversion, CAC per period."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analysis import channels
from crmkit.data.synthetic import make_demo


@pytest.fixture(scope="module")
def demo():
    return make_demo(defects=False, include=("customers", "orders", "marketing_spend", "events"))


@pytest.fixture(scope="module")
def acquired(demo):
    return channels.acquired_customers(demo.customers, orders=demo.orders, as_of="2025-12-30")


def test_cac_and_lead_conversion_are_the_planted_ones(demo, acquired):
    s = channels.channel_summary(demo.marketing_spend, acquired=acquired, as_of="2025-12-30")
    for ch, cac in demo.truth["cac"].items():
        assert s.loc[ch, "cac"] == pytest.approx(cac, rel=1e-9), ch  # spend = CAC x customers to the cent
        assert s.loc[ch, "lead_conversion"] == pytest.approx(demo.truth["lead_conversion"][ch], abs=0.01), ch
    assert channels.planted_cac_check(s, demo.truth)["recovered"].all()
    assert s.loc["search", "cac"] / s.loc["email", "cac"] == pytest.approx(80 / 12)


def test_cac_is_the_planted_one_in_every_month_and_quarter(demo, acquired):
    trend = channels.cac_trend(demo.marketing_spend, acquired=acquired, as_of="2025-12-30")
    planted = trend["channel"].map(demo.truth["cac"])
    assert (trend["cac"] - planted).abs().max() < 0.01
    q4 = channels.channel_summary(demo.marketing_spend, acquired=acquired, start="2025-10-01", as_of="2025-12-30")
    assert q4["cac"].dropna().to_dict() == pytest.approx({ch: demo.truth["cac"][ch] for ch in q4["cac"].dropna().index})


def test_attribution_of_the_demo_journeys(demo):
    j = channels.journeys(demo.events, orders=demo.orders, as_of="2025-12-30")
    t = channels.attribution_table(j)
    assert set(t.index) == set(demo.truth["funnel"])  # the traffic channels of the sessions
    for model in channels.MODELS:
        assert t[model].sum() == pytest.approx(j.n_conversions)
    # purchase sessions come from direct 40%, search 30%, social 15%, email 15% (truth["purchase_traffic"]);
    # social has the lowest view-to-purchase rate, so its extra browsing sessions open more journeys than it closes
    traffic = pd.Series(demo.truth["purchase_traffic"])
    last = t["last_touch"] / t["last_touch"].sum()
    assert (last - traffic.reindex(last.index)).abs().max() < 0.05
    assert t.loc["social", "first_touch"] > t.loc["social", "last_touch"]

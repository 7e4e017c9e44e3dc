"""Value per unit of spend, its bootstrap interval over months, the elasticity and the budget shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.channels import budget_shift, monthly_value, spend_elasticity, value_per_spend


def test_monthly_value_sums_spend_customers_and_ltv():
    ltv = pd.DataFrame({"acquisition_channel": ["a", "a", "a", "o"],
                        "acquired_at": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-02", "2025-01-05"]),
                        "ltv": [10.0, 30.0, 5.0, 99.0]})
    spend = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-02-10"]),
                          "channel": ["a", "A", "a"], "spend": [4.0, 6.0, 2.0]})
    m = monthly_value(ltv, spend, as_of="2025-02-28").set_index(["month", "channel"])
    assert m.loc[(pd.Timestamp("2025-01-01"), "a")].tolist() == [10.0, 2, 40.0]
    assert m.loc[(pd.Timestamp("2025-02-01"), "a")].tolist() == [2.0, 1, 5.0]
    assert "o" not in m.index.get_level_values("channel")  # no spend: not a paid channel


def _monthly(values_a, values_b, spend_a=10.0, spend_b=10.0):
    months = pd.date_range("2024-01-01", periods=len(values_a), freq="MS")
    return pd.DataFrame({
        "month": np.r_[months, months], "channel": ["a"] * len(months) + ["b"] * len(months),
        "spend": [spend_a] * len(months) + [spend_b] * len(months), "new_customers": 5,
        "value": np.r_[values_a, values_b]})


def test_value_per_spend_point_and_bootstrap():
    point, boot = value_per_spend(_monthly([50.0, 30.0], [20.0, 20.0]), draws=400, level=0.9, random_state=1)
    assert point.index.tolist() == ["a", "b"]
    assert point.loc["a", "value_per_spend"] == 4.0 and point.loc["b", "value_per_spend"] == 2.0
    # with two months the resampled ratios of a are 5 (Jan twice), 4 or 3 (Feb twice)
    assert set(np.round(boot["a"].unique(), 6)) <= {3.0, 4.0, 5.0}
    assert point.loc["a", "low"] == 3.0 and point.loc["a", "high"] == 5.0
    assert point.loc["b", "low"] == point.loc["b", "high"] == 2.0
    assert boot.shape == (400, 2)


def test_bootstrap_is_reproducible_and_months_move_together():
    m = _monthly(np.arange(1.0, 13.0) * 10, np.arange(1.0, 13.0) * 5)
    p1, b1 = value_per_spend(m, draws=200, random_state=7)
    p2, b2 = value_per_spend(m, draws=200, random_state=7)
    pd.testing.assert_frame_equal(b1, b2)
    # the same months are drawn for both channels: b is always exactly half of a
    np.testing.assert_allclose(b1["b"], b1["a"] / 2)


def test_spend_elasticity():
    m = pd.DataFrame({"channel": ["lin"] * 6 + ["sat"] * 6,
                      "spend": [10.0, 20, 40, 80, 160, 320] * 2,
                      "new_customers": [1, 2, 4, 8, 16, 32] + [10, 14, 20, 28, 40, 57]})
    e = spend_elasticity(m)
    assert e["lin"] == pytest.approx(1.0)
    assert e["sat"] == pytest.approx(0.5, abs=0.02)  # customers grow with the square root of spend
    assert np.isnan(spend_elasticity(m.head(4))["lin"])  # too few months


def test_budget_shift_from_weakest_to_strongest():
    point = pd.DataFrame({"value_per_spend": [6.0, 4.0, 1.0, 9.0], "new_customers": [100, 100, 100, 5]},
                         index=["a", "b", "c", "tiny"])
    boot = pd.DataFrame({"a": [5.0, 6.0, 7.0, 6.0], "b": [4.0] * 4, "c": [1.0, 2.0, 0.5, 8.0], "tiny": [9.0] * 4})
    s = budget_shift(point, boot, period_spend=pd.Series({"a": 100.0, "b": 50.0, "c": 200.0, "tiny": 10.0}),
                     share=0.1, min_customers=30, level=0.5)
    assert (s["from"], s["to"]) == ("c", "a")  # tiny has too few customers to be recommended
    assert s["amount"] == 20.0 and s["gain"] == pytest.approx(20.0 * 5.0)
    assert s["probability"] == 0.75  # a beat c in 3 of 4 draws
    diffs = np.array([4.0, 4.0, 6.5, -2.0])
    assert s["gain_low"] == pytest.approx(20 * np.quantile(diffs, 0.25))
    assert s["gain_high"] == pytest.approx(20 * np.quantile(diffs, 0.75))


def test_no_shift_with_a_single_candidate():
    point = pd.DataFrame({"value_per_spend": [6.0], "new_customers": [100]}, index=["a"])
    assert budget_shift(point, pd.DataFrame({"a": [6.0]}), period_spend=pd.Series({"a": 10.0})) is None

from __future__ import annotations

import pandas as pd

from crmkit.data.purchases import rfm_table


def test_rfm_table_hand_computed(tiny_orders):
    r = rfm_table(tiny_orders, as_of="2025-06-30")
    # purchases to 30 June: c1 Jan 10 (100), Apr 5 (50), Apr 20 (150); c2 Feb 1 (80; Feb 15 returned);
    # c3 May 1 (30), Jun 30 23:00 (70); c4 none (June order cancelled, July after as_of)
    exp = pd.DataFrame({
        "recency_days": [71, 149, 0], "frequency": [3, 1, 2], "monetary": [300.0, 80.0, 100.0],
        "avg_order_value": [100.0, 80.0, 50.0], "tenure_days": [171, 149, 60],
    }, index=pd.Index(["c1", "c2", "c3"], name="customer_id"))
    pd.testing.assert_frame_equal(r[exp.columns], exp)
    assert r.loc["c3", "last_purchase"] == pd.Timestamp("2025-06-30 23:00")


def test_rfm_window_start(tiny_orders):
    r = rfm_table(tiny_orders, as_of="2025-07-31", start="2025-04-01")
    assert r["frequency"].to_dict() == {"c1": 2, "c3": 2, "c4": 1}

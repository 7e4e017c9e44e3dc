"""The bundled CDNOW data matches the published description."""

from __future__ import annotations

import pandas as pd

from crmkit.data.bundled import CDNOW_ATTRIBUTION, load_cdnow


def test_cdnow_master_counts():
    ds = load_cdnow("master")
    o = ds.orders
    assert len(o) == 69_659 and o["customer_id"].nunique() == 23_570
    assert o["order_date"].min() == pd.Timestamp("1997-01-01")
    assert o["order_date"].max() == pd.Timestamp("1998-06-30")
    # every customer's first purchase is in 1997-Q1: the cohort the data describes
    assert o.groupby("customer_id")["order_date"].min().max() < pd.Timestamp("1997-04-01")
    assert "Fader" in CDNOW_ATTRIBUTION and ds.meta["attribution"] == CDNOW_ATTRIBUTION


def test_cdnow_sample_counts():
    o = load_cdnow("sample").orders
    assert len(o) == 6_919 and o["customer_id"].nunique() == 2_357
    assert o["revenue"].sum().round(2) == 244_091.94
    # the first records of customer 00004 as printed in the source file
    first = o[o.customer_id == "00004"].head(2)
    assert first["order_date"].tolist() == [pd.Timestamp("1997-01-01"), pd.Timestamp("1997-01-18")]
    assert first["revenue"].tolist() == [29.33, 29.73]

"""Numbers the end-to-end tests compare with, computed here with plain pandas.

They are derived independently of crmkit's analysis code (no crmkit function decides
what a purchase is), so a report that miscounts cannot agree with them by construction.
"""

from __future__ import annotations

import pandas as pd
import pytest


def _buyers(orders: pd.DataFrame, last_day: str) -> int:
    status = orders["status"].fillna("completed") if "status" in orders else "completed"
    keep = (status == "completed") & (orders["revenue"] > 0) & (
        orders["order_date"] < pd.Timestamp(last_day) + pd.Timedelta(days=1))
    return int(orders.loc[keep, "customer_id"].nunique())


@pytest.fixture(scope="session")
def demo_buyers() -> int:
    """Customers with a completed, positive purchase up to 2025-12-30 in the cleaned demo data."""
    import crmkit

    return _buyers(crmkit.prepare("params/demo.yaml").dataset.orders, "2025-12-30")


def _cdnow_raw() -> pd.DataFrame:
    from importlib import resources

    with resources.files("crmkit").joinpath("data", "files", "cdnow_master.txt.gz").open("rb") as f:
        raw = pd.read_csv(f, compression="gzip", sep=r"\s+", header=None, skiprows=1,
                          names=["customer_id", "date", "quantity", "revenue"], dtype={"date": str})
    raw["order_date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw


@pytest.fixture(scope="session")
def cdnow_buyers() -> int:
    """CDNOW customers with a positive purchase up to 1997-12-31, read from the raw file."""
    return _buyers(_cdnow_raw(), "1997-12-31")


@pytest.fixture(scope="session")
def cdnow_revenue_1997() -> float:
    """CDNOW revenue of positive purchases up to 1997-12-31, read from the raw file."""
    raw = _cdnow_raw()
    return float(raw.loc[(raw["order_date"] <= "1997-12-31") & (raw["revenue"] > 0), "revenue"].sum())

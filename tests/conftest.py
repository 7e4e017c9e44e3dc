"""Shared fixtures: headless matplotlib, figures closed after each test, tiny datasets."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / "reports" / ".cache" / "matplotlib"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def tiny_orders() -> pd.DataFrame:
    """Nine orders of four customers, small enough to check every KPI by hand.

    c1: 2025-01-10, 2025-04-05, 2025-04-20   (Q1 buyer, back in Q2 with 2 orders)
    c2: 2025-02-01, 2025-02-15 (returned)    (Q1 buyer, gone in Q2)
    c3: 2025-05-01, 2025-06-30 23:00         (new in Q2, 2 orders)
    c4: 2025-06-10 cancelled, 2025-07-01     (cancelled in Q2; first purchase in Q3)
    """
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(1, 10)],
        "customer_id": ["c1", "c1", "c1", "c2", "c2", "c3", "c3", "c4", "c4"],
        "order_date": pd.to_datetime([
            "2025-01-10", "2025-04-05", "2025-04-20", "2025-02-01", "2025-02-15",
            "2025-05-01", "2025-06-30 23:00", "2025-06-10", "2025-07-01",
        ], format="ISO8601"),
        "revenue": [100.0, 50.0, 150.0, 80.0, 40.0, 30.0, 70.0, 999.0, 20.0],
        "status": ["completed", "completed", "completed", "completed", "returned",
                   "completed", "completed", "cancelled", "completed"],
    })

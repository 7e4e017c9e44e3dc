"""The demo data as basket lines, shared by the basket tests (prepared once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def demo_baskets(demo_prepared):
    """(dataset, product-level lines up to the 2025-Q4 reference date), cleaned as for a report."""
    from crmkit.analysis.basket import basket_lines

    ds = demo_prepared.dataset
    lines = basket_lines(ds.order_items, orders=ds.orders, products=ds.products, as_of=ds.data_end)
    return ds, lines

from __future__ import annotations

from crmkit.data.schema import PII_COLUMNS, TABLES


def test_readme_documents_every_canonical_column(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f"#### `{table.name}`" in readme
        for col in table.columns:
            assert f"| `{col.name}` |" in readme, f"README misses {table.name}.{col.name}"


def test_only_orders_has_required_table_role_and_pii_is_customers_only():
    assert TABLES["orders"].required_columns == ["order_id", "customer_id", "order_date", "revenue"]
    assert PII_COLUMNS["customers"] == ["name", "email", "phone"]
    assert all(not cols for t, cols in PII_COLUMNS.items() if t != "customers")

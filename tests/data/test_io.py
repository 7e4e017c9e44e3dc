"""Loading real files: GBK CSV with Chinese headers, BOM CSV, Excel, Parquet, SQLite."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit.data.io import detect_encoding, load_dataset, parse_amounts, parse_dates, read_params
from crmkit.errors import DataValidationError, ParamsError

ORDERS_CN = pd.DataFrame({
    "订单编号": ["D001", "D002", "D003", "D004"],
    "客户编号": ["K01", "K01", "K02", "K03"],
    "下单日期": ["2024/3/5", "2024/12/31", "2025/1/2", "2025/2/28"],
    "金额": ["￥1,234.50", "￥99.00", "1,000", "(12.50)"],
    "备注": ["", "很好", "", "退款"],
})
MAPPING = {"order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期", "revenue": "金额"}


def _params(tmp_path, tables, source=None, **extra):
    p = {"dataset": "t", "source": source or {"type": "files", "path": "."}, "tables": tables, **extra}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(p, allow_unicode=True), encoding="utf-8")
    return path


def _expected_orders():
    return pd.DataFrame({
        "order_id": ["D001", "D002", "D003", "D004"],
        "customer_id": ["K01", "K01", "K02", "K03"],
        "order_date": pd.to_datetime(["2024-03-05", "2024-12-31", "2025-01-02", "2025-02-28"]),
        "revenue": [1234.5, 99.0, 1000.0, -12.5],
    })


def _check(df):
    exp = _expected_orders()
    assert list(df.columns) == list(exp.columns)  # only canonical columns, in canonical order
    assert df["order_id"].tolist() == exp["order_id"].tolist()
    assert df["customer_id"].tolist() == exp["customer_id"].tolist()
    assert (df["order_date"].dt.normalize() == exp["order_date"]).all()
    np.testing.assert_allclose(df["revenue"], exp["revenue"])


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings_detected(tmp_path, encoding):
    ORDERS_CN.to_csv(tmp_path / "订单.csv", index=False, encoding=encoding)
    assert detect_encoding(tmp_path / "订单.csv") in (
        {"gbk": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}[encoding],)
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "订单.csv", "columns": MAPPING}}))
    _check(ds.orders)


def test_excel_and_parquet(tmp_path):
    ORDERS_CN.to_excel(tmp_path / "o.xlsx", index=False, sheet_name="订单")
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "o.xlsx", "sheet": "订单", "columns": MAPPING}}))
    _check(ds.orders)
    typed = _expected_orders().rename(columns={"order_id": "id", "revenue": "amt"})
    typed.to_parquet(tmp_path / "o.parquet")
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "o.parquet", "columns": {"order_id": "id", "revenue": "amt"}}}))
    _check(ds.orders)


def test_sqlite_database_with_table_and_query(tmp_path):
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        ORDERS_CN.to_sql("orders_cn", con, index=False)
        pd.DataFrame({"cid": ["K01", "K02", "K03"], "chan": ["搜索", "社交", "搜索"]}).to_sql("kunden", con, index=False)
    src = {"type": "sql", "url": "sqlite:///crm.db"}  # relative to the params file
    path = _params(tmp_path, {
        "orders": {"table": "orders_cn", "columns": MAPPING},
        "customers": {"query": "SELECT cid, chan FROM kunden WHERE cid <> 'K03'",
                      "columns": {"customer_id": "cid", "acquisition_channel": "chan"}},
    }, source=src)
    ds = load_dataset(path)
    _check(ds.orders)
    assert ds.customers["customer_id"].tolist() == ["K01", "K02"]
    assert ds.customers["acquisition_channel"].tolist() == ["搜索", "社交"]


def test_integer_ids_from_excel_keep_their_text(tmp_path):
    df = pd.DataFrame({"order_id": [1, 2], "customer_id": [10.0, 20.0],
                       "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"]), "revenue": [1, 2]})
    df.to_excel(tmp_path / "o.xlsx", index=False)
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "o.xlsx"}}))
    assert ds.orders["customer_id"].tolist() == ["10", "20"]
    assert ds.orders["order_id"].tolist() == ["1", "2"]


@pytest.mark.parametrize("values, dayfirst, expected", [
    (["2024-03-05", "2024-12-31"], False, ["2024-03-05", "2024-12-31"]),
    (["2024/3/5", "2024/12/31"], False, ["2024-03-05", "2024-12-31"]),
    (["20240305", "20241231"], False, ["2024-03-05", "2024-12-31"]),
    (["05/03/2024", "31/12/2024"], True, ["2024-03-05", "2024-12-31"]),
    (["03/05/2024", "12/31/2024"], False, ["2024-03-05", "2024-12-31"]),
    (["2024年3月5日", "2024年12月31日"], False, ["2024-03-05", "2024-12-31"]),
    (["2024-03-05 14:30:00", "2024-12-31 08:00:00"], False, ["2024-03-05 14:30", "2024-12-31 08:00"]),
])
def test_parse_dates(values, dayfirst, expected):
    out = parse_dates(pd.Series(values), dayfirst=dayfirst)
    assert out.tolist() == pd.to_datetime(expected).tolist()


def test_parse_amounts():
    s = pd.Series(["¥1,234.50", "￥99", "1,000元", "(12.50)", "-3", "RMB 7.5", "abc", None])
    out = parse_amounts(s)
    np.testing.assert_allclose(out[:6], [1234.5, 99, 1000, -12.5, -3, 7.5])
    assert out[6:].isna().all()
    np.testing.assert_allclose(parse_amounts(pd.Series(["1.234,50 €"]), decimal=","), [1234.5])


def test_missing_required_column_names_file_and_alternatives(tmp_path):
    ORDERS_CN.to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    mapping = dict(MAPPING, order_id="订单号")  # a typo for 订单编号
    with pytest.raises(DataValidationError) as e:
        load_dataset(_params(tmp_path, {"orders": {"file": "订单.csv", "columns": mapping}}))
    msg = str(e.value)
    assert "订单.csv" in msg and "订单号" in msg and "order_id" in msg
    assert "close: 订单编号" in msg  # the full header is searched for a suggestion


def test_unparseable_values_listed_with_line_numbers(tmp_path):
    bad = ORDERS_CN.copy()
    bad.loc[1, "下单日期"] = "2024/13/45"
    bad.loc[3, "金额"] = "about 5"
    bad.to_csv(tmp_path / "o.csv", index=False, encoding="utf-8")
    with pytest.raises(DataValidationError) as e:
        load_dataset(_params(tmp_path, {"orders": {"file": "o.csv", "columns": MAPPING}}))
    probs = {p.column: p for p in e.value.problems}
    # header is line 1, so data row index 1 is line 3 and index 3 is line 5
    assert probs["下单日期"].examples == ["line 3: '2024/13/45'"]
    assert probs["金额"].examples == ["line 5: 'about 5'"]
    assert "o.csv" in str(e.value) and "a date such as" in str(e.value)


def test_on_invalid_drop_drops_and_logs(tmp_path):
    bad = ORDERS_CN.copy()
    bad.loc[1, "下单日期"] = "not a date"
    bad.to_csv(tmp_path / "o.csv", index=False)
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "o.csv", "columns": MAPPING, "on_invalid": "drop"}}))
    assert ds.orders["order_id"].tolist() == ["D001", "D003", "D004"]
    (note,) = ds.meta["load_notes"]
    assert note["rule"] == "dropped_unparseable" and note["rows_affected"] == 1
    assert "line 3" in note["examples"]


@pytest.mark.parametrize("tables, fragment", [
    ({"order": {"file": "o.csv"}}, "did you mean 'orders'"),
    ({"orders": {"file": "o.csv", "columns": {"ordre_id": "x"}}}, "did you mean 'order_id'"),
    ({"orders": {"file": "missing.csv"}}, "file not found"),
    ({"customers": {"file": "o.csv"}}, "'orders' table is required"),
])
def test_params_errors_are_clear(tmp_path, tables, fragment):
    ORDERS_CN.to_csv(tmp_path / "o.csv", index=False)
    with pytest.raises(ParamsError, match=fragment):
        load_dataset(_params(tmp_path, tables))


def test_params_file_not_yaml(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("source: [unclosed", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        read_params(p)


def test_example_export_loads(root):
    ds = load_dataset(root / "params" / "example_export.yaml")
    assert len(ds.orders) == 400 and len(ds.customers) == 60 and len(ds.tickets) == 40
    assert ds.orders["revenue"].dtype == "float64" and (ds.orders["revenue"] > 0).all()
    assert ds.orders["order_date"].max() <= pd.Timestamp("2025-03-31")
    assert set(ds.tickets["is_complaint"].unique()) == {True, False}

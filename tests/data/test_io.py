"""Loading real files: GBK CSV with Chinese headers, BOM CSV, Excel, Parquet, SQLite.

Nasty hand-made exports are written to tmp_path and read through a params file, as a
user's export would be: dates in mixed forms, placeholders for missing values, unknown
status words, rows dropped with ``on_invalid: drop``.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit.data.io import LOAD_RULES, load_dataset, read_params
from crmkit.data.parsing import detect_encoding
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
    notes = {n["rule"]: n for n in ds.meta["load_notes"]}
    assert list(notes) == list(LOAD_RULES)  # one note per rule, also when nothing was found
    note = notes["dropped_unparseable"]
    assert note["rows_affected"] == 1 and note["column"] == "order_date"
    assert note["examples"] == "line 3: order_date 'not a date'"
    assert note["revenue"] == 99.0  # the dropped order's amount, ￥99.00
    assert sum(n["rows_affected"] for r, n in notes.items() if r != "dropped_unparseable") == 0


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


# --------------------------------------------------------------------------- issue 9, defect 1
def _mixed_date_export(tmp_path, *, n=2209, n_cn=462, cn_form="年月日", seed=9):
    """A GBK orders export with Chinese headers whose dates mix forms, as reported.

    ``n_cn`` rows are written as 2024年3月5日 (or, with ``cn_form="garbage"``, as text
    no parser can read); the others as 2024-03-05, 2024/3/5 or 20240305 at random.
    Returns the params file and the true (dates, amounts) of every row.
    """
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    amounts = rng.integers(100, 500_000, n) / 100
    forms = rng.choice(["%Y-%m-%d", "{y}/{m}/{d}", "%Y%m%d"], n)
    cn = np.zeros(n, dtype=bool)
    cn[rng.choice(n, n_cn, replace=False)] = True
    text = []
    for day, form, is_cn in zip(days, forms, cn):
        if is_cn:
            text.append(f"{day.year}年{day.month}月{day.day}日" if cn_form == "年月日" else "下单日期不详")
        elif form.startswith("{"):
            text.append(f"{day.year}/{day.month}/{day.day}")
        else:
            text.append(day.strftime(form))
    pd.DataFrame({
        "订单编号": [f"D{i:05d}" for i in range(n)],
        "客户编号": [f"K{i % 700:04d}" for i in range(n)],
        "下单日期": text,
        "金额": [f"￥{a:,.2f}" for a in amounts],
    }).to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    params = _params(tmp_path, {"orders": {"file": "订单.csv", "columns": MAPPING, "on_invalid": "drop"}},
                     as_of="2025-12-31")
    return params, pd.Series(days), pd.Series(amounts), cn


def test_reported_case_mixed_dates_in_a_gbk_export_read_every_row(tmp_path):
    from crmkit.data.pipeline import prepare

    params, days, amounts, cn = _mixed_date_export(tmp_path)
    assert cn.sum() == 462
    prep = prepare(params)
    o = prep.dataset.orders
    assert len(o) == 2209  # before the fix 462 rows (21%) were dropped
    assert (o["order_date"] == days).all()
    assert o["revenue"].sum() == pytest.approx(amounts.sum())  # revenue complete, not a quarter short
    log = prep.cleaning_log.set_index(["table", "rule"])["rows_affected"]
    assert log[("orders", "dropped_unparseable")] == 0


def test_mixed_dates_in_excel_and_sql(tmp_path):
    df = ORDERS_CN.assign(下单日期=["2024年3月5日", "2024/12/31", "20250102", "2025-02-28"])
    df.to_excel(tmp_path / "o.xlsx", index=False)
    _check(load_dataset(_params(tmp_path, {"orders": {"file": "o.xlsx", "columns": MAPPING}})).orders)
    with sqlite3.connect(tmp_path / "crm.db") as con:
        df.to_sql("orders_cn", con, index=False)
    ds = load_dataset(_params(tmp_path, {"orders": {"table": "orders_cn", "columns": MAPPING}},
                              source={"type": "sql", "url": "sqlite:///crm.db"}))
    _check(ds.orders)


# --------------------------------------------------------------------------- issue 9, defect 10
def _placeholder_orders():
    """Orders whose export writes missing values as words; rows 2 and 4 have no customer."""
    return pd.DataFrame({
        "订单编号": ["D001", "D002", "D003", "D004", "D005", "D006"],
        "客户编号": ["K01", "-", "K02", "无", "K03", "K01"],
        "下单日期": ["2024/3/5", "2024/3/6", "2024/3/7", "2024/3/8", "2024/3/9", "2024/3/10"],
        "金额": ["￥100.00", "￥20.00", "￥30.00", "￥5.50", "￥40.00", "￥60.00"],
        "成本": ["50", "NULL", "N/A", "10", "#N/A", "30"],
        "状态": ["已完成", "已完成", "NULL", "已完成", "已退货", " 空 "],
        "销售渠道": ["app", "空", "web", "-", "app", "web"],
    })


PLACEHOLDER_MAPPING = dict(MAPPING, cost="成本", status="状态", sales_channel="销售渠道")


def test_placeholder_customer_ids_are_an_error_naming_file_column_and_lines(tmp_path):
    _placeholder_orders().to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    with pytest.raises(DataValidationError) as e:
        load_dataset(_params(tmp_path, {"orders": {"file": "订单.csv", "columns": PLACEHOLDER_MAPPING}}))
    (problem,) = e.value.problems
    assert problem.source == "订单.csv" and problem.column == "客户编号" and problem.n_rows == 2
    assert problem.examples == ["line 3: '-'", "line 5: '无'"]
    assert "placeholder values ('-', '无') in required column customer_id" in str(e.value)


def _placeholder_checks(ds, *, lines: bool, excel: bool = False):
    o = ds.orders
    # "-" and "无" never become customers: their orders are dropped, and logged
    assert o["order_id"].tolist() == ["D001", "D003", "D005", "D006"]
    assert sorted(o["customer_id"].unique()) == ["K01", "K02", "K03"]
    assert o["cost"].isna().tolist() == [False, True, True, False]
    assert o["status"].isna().tolist() == [False, True, False, True]  # NULL and 空 are missing
    assert o["sales_channel"].isna().tolist() == [False, False, False, False]
    notes = {n["rule"]: n for n in ds.meta["load_notes"] if n["table"] == "orders"}
    ph = notes["placeholder_missing"]
    # rows with at least one placeholder: D002, D003, D004, D005, D006; Excel stores
    # "#N/A" (D005's cost) as an error cell, which its reader gives as an empty cell
    assert ph["rows_affected"] == (4 if excel else 5)
    assert ph["column"] == "customer_id,cost,status,sales_channel"
    cost = "'NULL' x1, 'N/A' x1" + ("" if excel else ", '#N/A' x1")
    assert ph["examples"] == (f"customer_id: '-' x1, '无' x1; cost: {cost}; "
                              "status: 'NULL' x1, '空' x1; sales_channel: '空' x1, '-' x1")
    dropped = notes["dropped_missing_required"]
    assert dropped["rows_affected"] == 2 and dropped["column"] == "customer_id"
    assert dropped["revenue"] == pytest.approx(25.5)  # ￥20.00 + ￥5.50
    if lines:
        assert dropped["examples"] == "line 3: customer_id '-'; line 5: customer_id '无'"


def test_placeholders_with_on_invalid_drop_csv(tmp_path):
    _placeholder_orders().to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    spec = {"file": "订单.csv", "columns": PLACEHOLDER_MAPPING, "on_invalid": "drop"}
    _placeholder_checks(load_dataset(_params(tmp_path, {"orders": spec})), lines=True)


def test_placeholders_in_excel_parquet_and_sql(tmp_path):
    df = _placeholder_orders()
    df.to_excel(tmp_path / "o.xlsx", index=False)
    spec = {"columns": PLACEHOLDER_MAPPING, "on_invalid": "drop"}
    _placeholder_checks(load_dataset(_params(tmp_path, {"orders": {**spec, "file": "o.xlsx"}})),
                        lines=True, excel=True)
    df.to_parquet(tmp_path / "o.parquet")
    _placeholder_checks(load_dataset(_params(tmp_path, {"orders": {**spec, "file": "o.parquet"}})), lines=False)
    with sqlite3.connect(tmp_path / "crm.db") as con:
        df.to_sql("orders_cn", con, index=False)
    ds = load_dataset(_params(tmp_path, {"orders": {**spec, "table": "orders_cn"}},
                              source={"type": "sql", "url": "sqlite:///crm.db"}))
    _placeholder_checks(ds, lines=False)


def test_placeholders_reach_the_cleaning_log_and_customers_stay_real(tmp_path):
    from crmkit.data.pipeline import prepare

    _placeholder_orders().to_csv(tmp_path / "订单.csv", index=False, encoding="utf-8")
    pd.DataFrame({"客户编号": ["K01", "K02", "K03", "NULL"], "渠道": ["搜索", "无", "社交", "搜索"]}).to_csv(
        tmp_path / "客户.csv", index=False, encoding="gbk")
    prep = prepare(_params(tmp_path, {
        "orders": {"file": "订单.csv", "columns": PLACEHOLDER_MAPPING, "on_invalid": "drop"},
        "customers": {"file": "客户.csv", "on_invalid": "drop",
                      "columns": {"customer_id": "客户编号", "acquisition_channel": "渠道"}},
    }, as_of="2024-12-31"))
    log = prep.cleaning_log
    assert not log.duplicated(["table", "rule"]).any()  # one row per (table, rule)
    counts = log.set_index(["table", "rule"])["rows_affected"]
    assert counts[("orders", "placeholder_missing")] == 5
    assert counts[("customers", "placeholder_missing")] == 2  # 'NULL' id, '无' channel
    assert counts[("customers", "dropped_missing_required")] == 1
    assert counts[("orders", "missing_filled")] == 2  # NULL / 空 status -> completed
    assert counts[("orders", "unknown_customer")] == 0
    assert prep.dataset.customers["customer_id"].tolist() == ["K01", "K02", "K03"]
    assert prep.dataset.customers["acquisition_channel"].tolist() == ["搜索", "unknown", "社交"]


def test_placeholders_are_configurable(tmp_path):
    df = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["K1", "-", "缺失"],
                       "order_date": ["2024-01-01"] * 3, "revenue": ["1", "2", "3"]})
    df.to_csv(tmp_path / "o.csv", index=False)
    ds = load_dataset(_params(tmp_path, {"orders": {"file": "o.csv", "on_invalid": "drop"}},
                              cleaning={"placeholders": ["缺失"]}))
    # "-" is a value now (the user said so); only 缺失 is missing
    assert ds.orders["customer_id"].tolist() == ["K1", "-"]
    with pytest.raises(ParamsError, match="cleaning.placeholders"):
        read_params({"source": {"type": "files"}, "tables": {"orders": {"file": "o.csv"}},
                     "cleaning": {"placeholders": "NULL"}})


def test_on_invalid_must_be_error_or_drop(tmp_path):
    ORDERS_CN.to_csv(tmp_path / "o.csv", index=False)
    with pytest.raises(ParamsError, match="on_invalid must be error or drop"):
        load_dataset(_params(tmp_path, {"orders": {"file": "o.csv", "columns": MAPPING, "on_invalid": "skip"}}))


# --------------------------------------------------------------------------- issue 9, defect 11
def test_unknown_status_words_logged_and_mapped_from_params(tmp_path):
    from crmkit.data.pipeline import prepare
    from crmkit.data.purchases import is_purchase

    df = ORDERS_CN.assign(状态=["已完成", "退款成功", "待付款", "退款成功"])
    df.to_csv(tmp_path / "o.csv", index=False, encoding="gbk")
    mapping = dict(MAPPING, status="状态")
    prep = prepare(_params(tmp_path, {"orders": {"file": "o.csv", "columns": mapping}}, as_of="2025-12-31"))
    o = prep.dataset.orders
    assert o["status"].tolist() == ["completed", "退款成功", "待付款", "退款成功"]
    assert is_purchase(o).tolist() == [True, False, False, False]  # neither purchases ...
    row = prep.cleaning_log.set_index(["table", "rule"]).loc[("orders", "status_unknown")]
    assert row["rows_affected"] == 3
    assert row["revenue"] == pytest.approx(99.0 + 1000.0 - 12.5)
    # 退款成功: ￥99.00 + (12.50) = 86.5, shown without decimals
    assert row["examples"] == "'退款成功' x2 (¥86); '待付款' x1 (¥1,000)"

    params = _params(tmp_path, {"orders": {"file": "o.csv", "columns": mapping}}, as_of="2025-12-31",
                     cleaning={"status_map": {"退款成功": "returned", "待付款": "cancelled"}})
    prep = prepare(params)
    assert prep.dataset.orders["status"].tolist() == ["completed", "returned", "cancelled", "returned"]
    counts = prep.cleaning_log.set_index(["table", "rule"])["rows_affected"]
    assert counts[("orders", "status_unknown")] == 0 and counts[("orders", "status_mapped")] == 4
    with pytest.raises(ParamsError, match=r"cleaning\.status_map\.退款成功"):
        read_params({"source": {"type": "files"}, "tables": {"orders": {"file": "o.csv"}},
                     "cleaning": {"status_map": {"退款成功": "refund"}}})

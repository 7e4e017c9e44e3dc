"""Rows from the export to the clean data, rows dropped, unknown statuses: checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from crmkit.analysis.quality import arrival_table, dropped_rows, loaded_revenue, unknown_statuses
from crmkit.data.pipeline import prepare


@pytest.fixture
def messy_export(tmp_path):
    """A GBK export with Chinese headers and dates in mixed forms: 10 order lines (the
    header is line 1), of which line 4 repeats line 3 exactly, line 5 has an impossible
    date, line 6 a '-' customer, line 9 is dated after the export date and line 11
    re-uses order D001; 5 customer lines, the last repeating the one before with other
    spaces and case."""
    pd.DataFrame({
        "订单编号": ["D001", "D002", "D002", "D004", "D005", "D006", "D007", "D008", "D009", "D001"],
        "客户编号": ["K1", "K2", "K2", "K3", "-", "K1", "K2", "K3", "K1", "K2"],
        "下单日期": ["2024/3/5", "2024年3月6日", "2024年3月6日", "2024-13-01", "20240308", "2024.3.9",
                 "2024-03-10", "2025-01-05", "2024/3/11", "2024/3/12"],
        "金额": ["￥100.00", "￥20.00", "￥20.00", "￥7.00", "￥5.50", "￥60.00", "￥10.00", "￥1.00",
               "￥2.00", "￥3.00"],
    }).to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    pd.DataFrame({"客户编号": ["K1", "K2", "K3", "K4", "K4"],
                  "渠道": ["搜索", "社交", "搜索", "Social Ads", " social  ads"]}).to_csv(
        tmp_path / "客户.csv", index=False, encoding="gbk")
    params = {"dataset": "messy", "as_of": "2024-12-31", "source": {"type": "files", "path": "."},
              "tables": {
                  "orders": {"file": "订单.csv", "on_invalid": "drop", "columns": {
                      "order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期",
                      "revenue": "金额"}},
                  "customers": {"file": "客户.csv", "columns": {"customer_id": "客户编号",
                                                              "acquisition_channel": "渠道"}}}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


def test_arrival_table_follows_every_row(messy_export):
    prep = prepare(messy_export)
    arrival = arrival_table(prep.profile, prep.cleaning_log).set_index("table")
    assert arrival.loc["orders"].tolist() == [10, 2, 3, 5, 4]  # read, dropped, removed, left, columns
    assert arrival.loc["customers"].tolist() == [5, 0, 1, 4, 2]
    for table, df in prep.dataset.tables.items():
        assert arrival.loc[table, "rows_after_cleaning"] == len(df)  # the numbers the reports use
        listed = prep.profile.loc[prep.profile["table"] == table, "column"].tolist()
        assert arrival.loc[table, "columns"] == len(listed)  # as many as the profile lists


def test_arrival_table_on_the_demo_matches_the_clean_tables():
    from crmkit.data.bundled import load_demo
    from crmkit.data.cleaning import clean
    from crmkit.data.pipeline import profile_tables

    demo = load_demo()
    out, log = clean(demo)
    arrival = arrival_table(profile_tables(demo), log).set_index("table")
    for table, df in out.tables.items():
        assert arrival.loc[table, "rows_read"] == len(demo.tables[table])
        assert arrival.loc[table, "rows_after_cleaning"] == len(df)
    # 30 + 10 duplicates and 5 future-dated orders planted
    assert arrival.loc["orders", "removed_by_cleaning"] == 45


def test_dropped_rows_with_revenue_share(messy_export):
    prep = prepare(messy_export)
    d = dropped_rows(prep.profile, prep.cleaning_log).set_index("rule")
    assert d.loc["dropped_unparseable", "rows"] == 1 and d.loc["dropped_missing_required", "rows"] == 1
    assert (d["table_dropped"] == 2).all() and (d["rows_read"] == 10).all()
    assert d.loc["dropped_unparseable", "revenue"] == 7.0
    assert d.loc["dropped_missing_required", "revenue"] == 5.5
    # the export's revenue: every amount of the file, 228.50
    assert loaded_revenue(prep.profile) + 12.5 == pytest.approx(228.5)
    assert d.loc["dropped_unparseable", "revenue_share"] == pytest.approx(7.0 / 228.5)
    assert dropped_rows(prep.profile, prep.cleaning_log.assign(rows_affected=0)).empty


def test_unknown_statuses():
    o = pd.DataFrame({"status": ["completed", "退款成功", "待付款", "退款成功", "returned", "cancelled"],
                      "revenue": [60.0, 10.0, 5.0, 25.0, -10.0, 10.0]})
    u = unknown_statuses(o)
    assert u["status"].tolist() == ["退款成功", "待付款"]
    assert u["orders"].tolist() == [2, 1] and u["revenue"].tolist() == [35.0, 5.0]
    assert u["revenue_share"].tolist() == pytest.approx([0.35, 0.05])  # of 100 in all
    assert unknown_statuses(o[o["status"].isin(["completed", "returned"])]).empty
    assert unknown_statuses(o.drop(columns="status")).empty


def test_cleaning_rules_read_as_words_in_tables():
    """The cleaning log's rule keys are shown as words on the data-quality page."""
    from crmkit.analysis import quality  # noqa: F401  (registers the area's labels)
    from crmkit.labels import use_area, value_label

    use_area("quality")
    try:
        assert value_label("exact_duplicates") == "exact duplicates"
        assert value_label("resolved_before_created") == "resolved before created"
        assert value_label("orders") == "orders"  # table names stay as they are
    finally:
        use_area(None)

"""Alerts and findings of the data-quality page: sentences checked word for word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit.analysis.quality import findings, load_alerts, status_findings
from crmkit.data.pipeline import prepare


def _export(tmp_path, *, n=2209, n_bad=462, seed=9, status=None):
    """A GBK orders export; ``n_bad`` order dates no parser can read (with on_invalid: drop).

    Returns the params file and the amounts of all rows and of the unreadable ones.
    """
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    amounts = rng.integers(100, 500_000, n) / 100
    bad = np.zeros(n, dtype=bool)
    bad[rng.choice(n, n_bad, replace=False)] = True
    text = np.where(bad, "日期不详", [f"{d.year}年{d.month}月{d.day}日" for d in days])
    df = pd.DataFrame({"订单编号": [f"D{i:05d}" for i in range(n)],
                       "客户编号": [f"K{i % 700:04d}" for i in range(n)],
                       "下单日期": text, "金额": [f"￥{a:,.2f}" for a in amounts]})
    columns = {"order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期",
               "revenue": "金额"}
    if status is not None:
        df["状态"], columns["status"] = status, "状态"
    df.to_csv(tmp_path / "订单.csv", index=False, encoding="gbk")
    params = {"dataset": "t", "as_of": "2025-12-31", "currency": "¥",
              "source": {"type": "files", "path": "."},
              "tables": {"orders": {"file": "订单.csv", "on_invalid": "drop", "columns": columns}}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path, amounts, amounts[bad]


def test_rows_dropped_are_said_first(tmp_path):
    params, amounts, dropped = _export(tmp_path)
    prep = prepare(params)
    assert len(prep.dataset.orders) == 2209 - 462
    share = dropped.sum() / amounts.sum()  # the revenue the reports miss, from the generator
    expected = ("orders: 462 of 2,209 rows (20.9%) were dropped because their order date could not "
                f"be read; they carry {100 * share:.1f}% of the export's revenue, so revenue and "
                "customer counts in every report are understated. Fix the export or the date format.")
    assert load_alerts(prep.cleaning_log, prep.profile) == [expected]
    money = f"¥{dropped.sum():,.0f}"
    (with_money,) = load_alerts(prep.cleaning_log, prep.profile, currency="¥")
    assert f"they carry {money}, {100 * share:.1f}% of the export's revenue" in with_money
    # the data-quality findings open with it, in bold
    text = findings(prep.cleaning_log, tables=prep.dataset.tables, profile=prep.profile)
    assert text.splitlines()[0] == f"- **{expected}**"


@pytest.mark.parametrize("n_bad, alert", [(22, False), (23, True)])
def test_alert_above_one_percent_of_rows(tmp_path, n_bad, alert):
    # 22 of 2,209 rows is 0.996%, 23 is 1.04%
    params, _, _ = _export(tmp_path, n_bad=n_bad)
    prep = prepare(params)
    assert bool(load_alerts(prep.cleaning_log, prep.profile)) is alert


def test_several_reasons_and_other_tables():
    log = pd.DataFrame({
        "table": ["orders", "orders", "customers", "customers"],
        "rule": ["dropped_missing_required", "dropped_unparseable", "dropped_missing_required",
                 "placeholder_missing"],
        "column": ["customer_id", "order_date,revenue", "customer_id", "customer_id"],
        "rows_affected": [30, 70, 5, 5], "examples": [""] * 4, "revenue": [np.nan] * 4})
    profile = pd.DataFrame({"table": ["orders", "customers"], "column": ["order_id", "customer_id"],
                            "rows": [900, 95]})
    assert load_alerts(log, profile) == [
        "orders: 100 of 1,000 rows (10.0%) were dropped because their customer ID was empty or a "
        "placeholder such as '-' or 'NULL' (30 rows) or their order date or revenue could not be read "
        "(70 rows); revenue and customer counts in every report are understated. Fix the export or "
        "the date format.",
        "customers: 5 of 100 rows (5.0%) were dropped because their customer ID was empty or a "
        "placeholder such as '-' or 'NULL'; reports by acquisition channel, region or segment miss "
        "these customers. Fill the missing values in the export.",
    ]


def test_unknown_status_revenue_alert_above_one_percent(tmp_path):
    n = 2209
    status = np.array(["已完成"] * n, dtype=object)
    status[:40], status[40:52] = "退款成功", "待付款"
    params, amounts, _ = _export(tmp_path, n_bad=0, status=status)
    prep = prepare(params)
    share = amounts[:52].sum() / amounts.sum()
    assert share > 0.01
    refund, pending = amounts[:40].sum(), amounts[40:52].sum()
    (alert,) = load_alerts(prep.cleaning_log, prep.profile)
    assert alert == (
        f"orders: 52 orders holding {100 * share:.1f}% of the export's revenue have a status crmkit "
        f"does not know ('退款成功' x40 (¥{refund:,.0f}); '待付款' x12 (¥{pending:,.0f})); they count "
        "as neither purchases nor returns. Map each word to completed, returned or cancelled under "
        "'cleaning: status_map:' in the params file.")
    (with_money,) = load_alerts(prep.cleaning_log, prep.profile, currency="¥")
    assert f"holding {100 * share:.1f}% of the export's revenue (¥{amounts[:52].sum():,.0f}) have" in with_money
    # 12 orders of 2,209 below 1% of revenue: said on the page, not raised as an alert
    status[:40] = "已完成"
    params, amounts, _ = _export(tmp_path, n_bad=0, status=status)
    prep = prepare(params)
    assert amounts[40:52].sum() / amounts.sum() < 0.01
    assert load_alerts(prep.cleaning_log, prep.profile) == []
    assert "12 orders with a status word crmkit does not know: '待付款' (12 orders" in status_findings(
        prep.dataset.orders, currency="¥")


def test_findings_without_alerts_keep_their_shape():
    log = pd.DataFrame({"table": ["orders", "orders"], "rule": ["exact_duplicates", "outlier"],
                        "column": ["", "revenue"], "rows_affected": [3, 0],
                        "action": ["identical rows removed (first kept)", "x"], "examples": ["", ""],
                        "revenue": [np.nan, np.nan]})
    tables = {"orders": pd.DataFrame({"status": ["completed"] * 7, "revenue": [1.0] * 7})}
    assert findings(log, tables=tables).splitlines() == [
        "- 1 of 2 checks found something; the clean data has 7 rows in 1 tables.",
        "- **orders**: 3 rows — identical rows removed (first kept).",
        "- 3 rows were removed in all; every other repair kept the row.",
    ]

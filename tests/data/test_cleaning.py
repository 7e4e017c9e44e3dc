"""Each cleaning rule on a tiny hand-made dataset; counts and outcomes checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analysis.quality import compare_with_planted
from crmkit.config.cleaning import CleaningRules
from crmkit.data.cleaning import LOG_COLUMNS, clean, mask_pii, source_fixes
from crmkit.data.dataset import Dataset


def _log(log):
    return {(r.table, r.rule): r.rows_affected for r in log.itertuples()}


@pytest.fixture
def messy() -> Dataset:
    customers = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c4", "c5"],
        "acquisition_channel": ["search", "Search ", "SEARCH", "social", "social", None],
        "region": ["East", "East", None, "North", "North", "North"],
        "email": [" Li.Wei@Example.COM", "ok@example.com", "not-an-email", None, None, "x@y.cn"],
        "phone": ["+86 138 1234 5678", "13812345678", "0086-13900001111", "138-1234-5678",
                  "138-1234-5678", "+44 20 7946 0958"],
    })
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o2", "o3", "o4", "o5", "o6", "o7", "o1"],
        "customer_id": ["c1", "c2", "c2", "c3", "c9", "c1", "c2", "c3", "c1"],
        "order_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02", "2025-01-03",
                                      "2025-01-04", "2025-12-31 22:00", "2026-01-01", "2025-01-05",
                                      "2025-02-01"], format="ISO8601"),
        "revenue": [10.0, 20.0, 20.0, -5.0, 12.0, 11.0, 9.0, 5000.0, 99.0],
        "status": ["completed", "Completed", "Completed", "completed", "已完成", None,
                   "completed", "completed", "completed"],
    })
    surveys = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3"], "survey_date": pd.to_datetime(["2025-01-01"] * 3),
        "nps_score": pd.array([11, 9, 5], dtype="Int64"), "csat_score": pd.array([4, 0, 3], dtype="Int64"),
    })
    tickets = pd.DataFrame({
        "ticket_id": ["t1", "t2"], "customer_id": ["c1", "c2"],
        "created_at": pd.to_datetime(["2025-01-05", "2025-01-05"]),
        "resolved_at": pd.to_datetime(["2025-01-04", "2025-01-06"]),
    })
    return Dataset("messy", {"customers": customers, "orders": orders, "surveys": surveys,
                             "tickets": tickets}, as_of=pd.Timestamp("2025-12-31"))


def test_rule_counts(messy):
    out, log = clean(messy, rules=CleaningRules(outlier_factor=50))
    counts = _log(log)
    assert counts[("customers", "exact_duplicates")] == 1  # second c4 row
    assert counts[("customers", "text_normalised")] == 2  # "Search ", "SEARCH" -> "search" (tie: lower case)
    assert counts[("customers", "missing_filled")] == 2  # c3 region, c5 channel
    assert counts[("customers", "email_normalised")] == 1
    assert counts[("customers", "email_invalid")] == 1
    assert counts[("customers", "phone_normalised")] == 4  # +86 ..., 0086-..., 138-..., +44 spaces
    assert counts[("orders", "exact_duplicates")] == 1  # second o2
    assert counts[("orders", "duplicate_key")] == 1  # second o1 (different date/amount)
    assert counts[("orders", "text_normalised")] == 1  # "Completed" (the duplicate is gone)
    assert counts[("orders", "status_mapped")] == 1  # 已完成
    assert counts[("orders", "missing_filled")] == 1  # o5 status
    assert counts[("orders", "negative_amount_as_return")] == 1  # o3
    assert counts[("orders", "future_date")] == 1  # o6; o5 at 22:00 on as_of is kept
    assert counts[("orders", "unknown_customer")] == 1  # o4 of c9
    assert counts[("surveys", "invalid_score")] == 2
    assert counts[("tickets", "resolved_before_created")] == 1
    # outlier: completed positive orders o1 10, o2 20, o4 12, o5 11, o7 5000: median 12, 50x = 600
    assert counts[("orders", "outlier")] == 1


def test_cleaned_values(messy):
    out, _ = clean(messy)
    c = out.customers.set_index("customer_id")
    assert c["acquisition_channel"].tolist() == ["search", "search", "search", "social", "unknown"]
    assert c.loc["c3", "region"] == "unknown"
    assert c.loc["c1", "email"] == "li.wei@example.com" and pd.isna(c.loc["c3", "email"])
    assert c["phone"].tolist() == ["13812345678", "13812345678", "13900001111", "13812345678",
                                   "+442079460958"]
    o = out.orders.set_index("order_id")
    assert o.index.tolist() == ["o1", "o2", "o3", "o4", "o5", "o7"]
    assert o.loc["o1", "revenue"] == 10.0  # the first o1 is kept
    assert o["status"].tolist() == ["completed", "completed", "returned", "completed", "completed", "completed"]
    assert o["is_outlier"].tolist() == [False, False, False, False, False, True]
    s = out.surveys
    assert s["nps_score"].isna().tolist() == [True, False, False]
    assert s["csat_score"].isna().tolist() == [False, True, False]
    assert out.tickets["resolved_at"].isna().tolist() == [True, False]


def test_clean_is_pure(messy):
    before = {k: v.copy() for k, v in messy.tables.items()}
    clean(messy)
    for k, v in before.items():
        pd.testing.assert_frame_equal(messy.tables[k], v)


def test_log_masks_personal_data(messy):
    _, log = clean(messy)
    text = " ".join(log["examples"])
    assert "Li.Wei" not in text and "1234 5678" not in text
    assert "L***@Example.COM" in text
    assert mask_pii("13812345678", "phone") == "138****5678"


def test_every_rule_listed_even_when_nothing_found():
    ds = Dataset("ok", {"orders": pd.DataFrame({
        "order_id": ["a"], "customer_id": ["c"], "order_date": pd.to_datetime(["2025-01-01"]),
        "revenue": [1.0]})}, as_of=pd.Timestamp("2025-06-30"))
    out, log = clean(ds)
    assert set(log["rule"]) >= {"exact_duplicates", "near_duplicates", "duplicate_key", "status_unknown",
                                "negative_amount_as_return", "future_date", "outlier"}
    assert list(log.columns) == LOG_COLUMNS
    assert not log.duplicated(["table", "rule"]).any()  # one row per (table, rule)
    assert log["rows_affected"].sum() == 0
    assert out.orders["status"].tolist() == ["completed"]
    assert source_fixes(log).empty


def test_compare_with_planted(messy):
    _, log = clean(messy)
    cmp = compare_with_planted(log, {"orders.exact_duplicates": 1, "orders.future_date": 2})
    row = cmp.set_index("defect")
    assert bool(row.loc["orders.exact_duplicates", "match"])
    assert not bool(row.loc["orders.future_date", "match"])
    assert row.loc["tickets.resolved_before_created", "planted"] == 0


def test_demo_cleaning_log_finds_exactly_the_planted_defects():
    from crmkit.data.bundled import load_demo

    demo = load_demo()
    out, log = clean(demo)
    cmp = compare_with_planted(log, demo.truth["defects"])
    assert cmp["match"].all(), cmp[~cmp["match"]]
    assert cmp["planted"].sum() == 370  # 14 kinds of defect, all non-zero
    assert (cmp["planted"] > 0).sum() == 14
    # what remains is clean: no duplicate keys, nothing after the export date
    assert out.orders["order_id"].is_unique and out.customers["customer_id"].is_unique
    assert out.orders["order_date"].max() < pd.Timestamp("2026-01-01")


def test_demo_log_has_one_row_per_table_and_rule_and_no_new_findings():
    from crmkit.data.bundled import load_demo

    _, log = clean(load_demo())
    assert not log.duplicated(["table", "rule"]).any()
    counts = log.set_index(["table", "rule"])["rows_affected"]
    for table in ("orders", "customers", "events", "surveys", "tickets"):
        assert counts[(table, "near_duplicates")] == 0
    assert counts[("orders", "status_unknown")] == 0


# --------------------------------------------------------------------------- unknown statuses
def _orders(status, revenue):
    n = len(status)
    return pd.DataFrame({"order_id": [f"o{i}" for i in range(n)], "customer_id": ["c1"] * n,
                         "order_date": pd.to_datetime(["2025-01-01"] * n), "revenue": revenue,
                         "status": status})


def test_unknown_status_words_listed_with_rows_and_revenue():
    o = _orders(["completed", "退款成功", " 已发货", "待付款", "退款成功", "refunded", None],
                [100.0, 30.0, 20.0, 5.0, 12.0, 7.0, 50.0])
    out, log = clean(Dataset("x", {"orders": o}, currency="¥", as_of=pd.Timestamp("2025-06-30")))
    row = log.set_index(["table", "rule"]).loc[("orders", "status_unknown")]
    assert row["rows_affected"] == 4 and row["revenue"] == 67.0
    # most orders first: 退款成功 2 (¥42), then 1 each, by revenue
    assert row["examples"] == "'退款成功' x2 (¥42); '已发货' x1 (¥20); '待付款' x1 (¥5.00)"
    assert out.orders["status"].tolist() == ["completed", "退款成功", "已发货", "待付款", "退款成功",
                                             "returned", "completed"]
    assert row["action"] == "unknown order status words kept: neither purchases nor returns"
    assert source_fixes(log).set_index("rule").loc["status_unknown", "advice"].startswith(
        "Order status words crmkit does not know")


def test_status_map_maps_words_and_overrides_synonyms():
    o = _orders(["退款成功", "已发货", "待付款", "Shipped", "完成"], [30.0, 20.0, 5.0, 8.0, 9.0])
    rules = CleaningRules(status_map={"退款成功": "returned", "已发货": "completed", "待付款": "cancelled",
                                      "SHIPPED ": "cancelled"})
    out, log = clean(Dataset("x", {"orders": o}, as_of=pd.Timestamp("2025-06-30")), rules=rules)
    assert out.orders["status"].tolist() == ["returned", "completed", "cancelled", "cancelled", "completed"]
    counts = _log(log)
    assert counts[("orders", "status_unknown")] == 0 and counts[("orders", "status_mapped")] == 5


def test_status_map_accepts_only_the_three_statuses():
    with pytest.raises(ValueError, match="completed"):
        CleaningRules(status_map={"退款成功": "refunded"})


# --------------------------------------------------------------------------- near-duplicates
def test_rows_differing_only_by_spaces_and_case_are_duplicates():
    """Decision: a row equal to an earlier one once spaces and case in text columns are
    ignored is the same record written twice (rule near_duplicates; the first is kept).
    IDs, dates and amounts must match exactly."""
    events = pd.DataFrame({
        "customer_id": ["c1", "c1", "c1", "c2", "c2"],
        "timestamp": pd.to_datetime(["2025-01-01 10:00"] * 3 + ["2025-01-02 00:00"] * 2),
        "event_type": ["view", "View ", "click", "view", "view"],
        "channel": ["Search", "search", "Search", "social", "Social  Ads"],
    })
    customers = pd.DataFrame({
        "customer_id": ["c1", "c1", "c2", "c3"],
        "acquisition_channel": ["Search", " search", "social", "social"],
        "name": ["Li Wei", "li  wei ", "Wang Fang", "Zhang San"],
        "region": ["East", "East", "North", "North"],
    })
    surveys = pd.DataFrame({
        "customer_id": ["c1", "c1", "c2"], "survey_date": pd.to_datetime(["2025-01-01"] * 3),
        "nps_score": pd.array([9, 9, 7], dtype="Int64"), "comment": ["很好 Great", "很好  great", "ok"],
    })
    out, log = clean(Dataset("x", {"events": events, "customers": customers, "surveys": surveys},
                             as_of=pd.Timestamp("2025-06-30")))
    counts = _log(log)
    assert counts[("events", "near_duplicates")] == 1  # row 2 ("View ", "search") repeats row 1
    assert counts[("customers", "near_duplicates")] == 1  # c1 written twice, not two c1 records
    assert counts[("customers", "duplicate_key")] == 0
    assert counts[("surveys", "near_duplicates")] == 1
    assert counts[("events", "exact_duplicates")] == 0
    assert out.events["event_type"].tolist() == ["view", "click", "view", "view"]  # c2's differ by channel
    assert out.customers["customer_id"].tolist() == ["c1", "c2", "c3"]
    assert out.customers["name"].tolist()[0] == "Li Wei"  # the first in file order is kept
    ex = log.set_index(["table", "rule"]).loc[("customers", "near_duplicates"), "examples"]
    assert ex == "customer_id=c1" and "wei" not in ex.lower()  # no personal data in the log

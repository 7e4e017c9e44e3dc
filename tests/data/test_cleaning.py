"""Each cleaning rule on a tiny hand-made dataset; counts and outcomes checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analysis.quality import compare_with_planted
from crmkit.config.cleaning import CleaningRules
from crmkit.data.cleaning import clean, mask_pii, source_fixes
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
    assert set(log["rule"]) >= {"exact_duplicates", "duplicate_key", "negative_amount_as_return",
                                "future_date", "outlier"}
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

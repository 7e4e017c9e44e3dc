"""Complaint handling: rate, times with censoring, SLA at its boundary, backlog, matched comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import satisfaction as sat


def _ts(*values):
    return pd.to_datetime(list(values), format="ISO8601")


@pytest.fixture
def tickets() -> pd.DataFrame:
    """Complaints c1-c5 and an ordinary ticket, reference date 2025-01-31 (end 2025-02-01 00:00).

    c1 resolved after exactly 48 h; c2 after 48 h and 1 s; c3 after 10 h;
    c4 open, opened 2025-01-31 20:00 (4 h old: inside the 48-h level, not decided);
    c5 open since 2024-12-01 (62 days); t6 ordinary, resolved after 2 h.
    """
    return pd.DataFrame({
        "ticket_id": ["c1", "c2", "c3", "c4", "c5", "t6"],
        "customer_id": ["a", "a", "b", "c", "d", "e"],
        "created_at": _ts("2025-01-01", "2025-01-10", "2025-01-20", "2025-01-31 20:00", "2024-12-01",
                          "2025-01-05"),
        "first_response_at": _ts("2025-01-01 02:00", "2025-01-11 00:00", "2025-01-20 01:00", None,
                                 "2024-12-05", "2025-01-05 01:00"),
        "resolved_at": _ts("2025-01-03", "2025-01-12 00:00:01", "2025-01-20 10:00", None, None,
                           "2025-01-05 02:00"),
        "is_complaint": [True, True, True, True, True, False],
    })


def test_sla_share_at_its_boundary(tickets):
    s = sat.sla_share(tickets, sla_hours=48, start="2025-01-01", as_of="2025-01-31")
    # met: c1 (exactly 48 h) and c3; missed: c2 (one second late); pending: c4; c5 is before the window
    assert s == {"met": 2, "missed": 1, "pending": 1, "share": 2 / 3}
    s = sat.sla_share(tickets, sla_hours=48, as_of="2025-01-31")
    assert (s["met"], s["missed"], s["pending"]) == (2, 2, 1)  # c5, open for 62 days, has missed it
    first = sat.sla_share(tickets, sla_hours=24, start="2025-01-01", as_of="2025-01-31", column="first_response_at")
    assert (first["met"], first["missed"], first["pending"]) == (3, 0, 1)  # c2 answered after exactly 24 h: met
    # as of 2025-01-11 c2 is open and exactly 48 h old at the end of that day: not late yet
    s = sat.sla_share(tickets, sla_hours=48, start="2025-01-01", as_of="2025-01-11")
    assert (s["met"], s["missed"], s["pending"]) == (1, 0, 1)


def test_complaint_rate_per_1000_purchases(tickets):
    orders = pd.DataFrame({"customer_id": "z", "revenue": [10.0] * 1500 + [-5.0] * 10,
                           "order_date": pd.Timestamp("2025-01-15")})
    r = sat.complaint_rate(tickets, orders, start="2025-01-01", as_of="2025-01-31")
    assert (r["complaints"], r["orders"], r["complainers"]) == (4, 1500, 3)  # refunds are not orders
    assert r["per_1000_orders"] == pytest.approx(1000 * 4 / 1500)


def test_handling_times_censor_open_complaints(tickets):
    t = sat.handling_times(tickets, start="2025-01-01", as_of="2025-01-31")
    c = t.loc["complaints"]
    assert (c["tickets"], c["open"]) == (4, 1)
    # resolution hours 48, 48.0003, 10 and c4 censored at 4 h: KM drops to 2/3 at 10 h, 1/3 at 48 h
    assert c["resolution_median_hours"] == pytest.approx(48.0)
    assert c["resolution_p90_hours"] == pytest.approx(48 + 1 / 3600)
    # first response: 2 h, 24 h, 1 h, c4 censored at 4 h: KM 3/4 at 1 h, 1/2 at 2 h
    assert c["response_median_hours"] == pytest.approx(2.0)
    o = t.loc["other tickets"]
    assert (o["tickets"], o["open"], o["resolution_median_hours"]) == (1, 0, pytest.approx(2.0))


def test_handling_times_without_first_response_column(tickets):
    t = sat.handling_times(tickets.drop(columns="first_response_at"), as_of="2025-01-31")
    assert math.isnan(t.loc["complaints", "response_median_hours"])
    assert not math.isnan(t.loc["complaints", "resolution_median_hours"])


def test_backlog_and_age_bands(tickets):
    op = sat.backlog(tickets, as_of="2025-01-31")
    assert op["ticket_id"].tolist() == ["c5", "c4"]  # oldest first
    assert op["age_days"].tolist() == [pytest.approx(62.0), pytest.approx(4 / 24)]
    bands = sat.backlog_bands(op)
    assert bands.loc["under 2 days", "complaints"] == 1 and bands.loc["1-3 months", "complaints"] == 1
    assert int(bands.to_numpy().sum()) == 2
    # as of 2025-01-11 c2 was open (resolved on 01-12) and c4 did not exist yet
    assert set(sat.backlog(tickets, as_of="2025-01-11")["ticket_id"]) == {"c2", "c5"}


def test_repeat_complainers(tickets):
    r = sat.repeat_complainers(tickets, as_of="2025-01-31", days=365)
    assert r.index.tolist() == ["a"] and r.loc["a", "complaints"] == 2
    assert sat.repeat_complainers(tickets, as_of="2025-01-31", days=25).empty  # c1 is 31 days back


def test_complaint_trend(tickets):
    orders = pd.DataFrame({"customer_id": "z", "revenue": 10.0,
                           "order_date": pd.date_range("2024-12-01", "2025-01-31", freq="D")})
    t = sat.complaint_trend(tickets, orders, as_of="2025-01-31")
    assert t["complaints"].tolist() == [1, 4] and t["orders"].tolist() == [31, 31]
    assert t["per_1000_orders"].tolist() == [pytest.approx(1000 / 31), pytest.approx(4000 / 31)]


def test_complainer_comparison_exact_matching_by_hand():
    """Cut-off 2025-03-31 (as_of 2025-06-29, horizon 90 days). Strata by value tier x tenure.

    Two strata: 'old' customers (first purchase 2023) and 'new' ones (first purchase 2025-03).
    Complainers: 2 old (both churn) and 1 new (stays). Non-complainers: 4 old (1 churns),
    2 new (both churn). All spend the same, so the value tier is the same for everyone.
    Matched non-complainer churn = 2/3 x 1/4 + 1/3 x 2/2 = 0.5; complainers 2/3.
    """
    old = ["k1", "k2", "n1", "n2", "n3", "n4"]
    new = ["k3", "n5", "n6"]
    rows = []
    for c in old:
        rows += [(c, "2023-06-01"), (c, "2025-03-01")]
    for c in new:
        rows += [(c, "2025-03-01")]
    for c in ("k3", "n2", "n3", "n4"):  # buy again after the cut-off
        rows += [(c, "2025-05-01")]
    orders = pd.DataFrame(rows, columns=["customer_id", "order_date"])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders["revenue"] = 10.0
    # equal spend in the year before the cut-off for everyone: one order each in 2025-03
    tickets = pd.DataFrame({"customer_id": ["k1", "k2", "k3", "n1"], "is_complaint": [True, True, True, False],
                            "created_at": _ts("2025-03-10", "2025-02-01", "2025-03-30", "2025-03-10")})
    table, info = sat.complainer_comparison(orders, tickets, as_of="2025-06-29", horizon_days=90,
                                            lookback_days=365, comparison_days=90)
    assert info["cutoff"] == pd.Timestamp("2025-03-31")
    assert (info["complainers"], info["matched_complainers"], info["unmatched"], info["strata"]) == (3, 3, 0, 2)
    r = table.loc["churned"]
    assert r["complainers"] == pytest.approx(2 / 3)
    assert r["matched"] == pytest.approx(2 / 3 * 1 / 4 + 1 / 3 * 1.0)
    assert r["all_others"] == pytest.approx(3 / 6)
    assert r["difference"] == pytest.approx(2 / 3 - 0.5)
    # interval: complainers' variance / n plus the weighted strata variances / n
    var_c = np.var([1, 1, 0], ddof=1) / 3
    var_m = (2 / 3) ** 2 * np.var([1, 0, 0, 0], ddof=1) / 4 + (1 / 3) ** 2 * 0.0 / 2
    assert r["ci_high"] - r["difference"] == pytest.approx(1.959964 * math.sqrt(var_c + var_m), rel=1e-5)
    assert table.loc["repeat_purchases", "complainers"] == pytest.approx(1 / 3)

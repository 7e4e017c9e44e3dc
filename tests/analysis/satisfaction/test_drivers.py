"""What moves satisfaction: service history of an answer, driver frame, regression effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import satisfaction as sat


def _ts(*values):
    return pd.to_datetime(list(values), format="ISO8601")


def test_service_history_windows_and_slowness():
    answers = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e", "f"],
                            "survey_date": _ts("2025-06-30", "2025-06-30", "2025-06-30", "2025-06-30",
                                               "2025-06-30", "2025-06-30")})
    tickets = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        # a: resolved after exactly 3 days (not slow); b: 3 days and 1 second (slow);
        # c: still open at the answer; d: opened 91 days before (outside the window);
        # e: opened after the answer; f: resolved after more than 3 days but after the answer
        "created_at": _ts("2025-06-01", "2025-06-01", "2025-06-28", "2025-03-31 23:00", "2025-07-01",
                          "2025-06-29"),
        "resolved_at": _ts("2025-06-04", "2025-06-04 00:00:01", None, "2025-04-10", "2025-07-02",
                           "2025-07-05"),
        "is_complaint": [False, True, False, True, True, False],
    })
    h = sat.service_history(answers, tickets, window_days=90, slow_ticket_days=3)
    assert h["ticket_before"].tolist() == [True, True, True, False, False, True]
    assert h["complaint_before"].tolist() == [False, True, False, False, False, False]
    assert h["slow_ticket"].tolist() == [False, True, False, False, False, False]
    assert h["open_ticket"].tolist() == [False, False, True, False, False, True]
    assert h.index.equals(answers.index)


def test_service_history_without_tickets():
    answers = pd.DataFrame({"customer_id": ["a"], "survey_date": _ts("2025-06-30")})
    empty = pd.DataFrame({"customer_id": [], "created_at": pd.to_datetime([])})
    assert not sat.service_history(answers, empty).to_numpy().any()


def test_tenure_bands_edges():
    labels = sat.tenure_bands([0, 89.9, 90, 364, 365, 729, 730, np.nan], edges=(90, 365, 730))
    assert labels.tolist() == ["under 90 days", "under 90 days", "90-364 days", "90-364 days",
                               "365-729 days", "365-729 days", "730 days or more", "no purchase yet"]


def test_driver_frame_tenure_and_tier_at_the_answer():
    orders = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"],
                           "order_date": _ts("2024-01-10", "2025-05-10", "2025-05-20"),
                           "revenue": [100.0, 900.0, 10.0]})
    answers = pd.DataFrame({"customer_id": ["a", "b", "a"], "nps_score": [9, 4, 7],
                            "survey_date": _ts("2025-06-02", "2025-06-03", "2023-06-01")})
    f = sat.driver_frame(answers, as_of="2025-06-30", orders=orders, window_days=365)
    assert len(f) == 2  # the 2023 answer is outside the year
    assert f["tenure_band"].tolist() == ["365-729 days", "under 90 days"]
    # tiers at 2025-05-31 by revenue of the year before (ABC at 80% / 95%): a (900 of 910) is high;
    # the customers above b already make 98.9% > 95% of revenue, so b is low
    assert f["value_tier"].tolist() == ["high", "low"]
    assert f["nps_score"].tolist() == [9.0, 4.0]


def test_driver_effects_recover_planted_effects():
    # NPS answers = 8 - 2 x slow ticket + 1 x category "toys" + noise: OLS must recover -2 and +1
    rng = np.random.default_rng(3)
    n = 4000
    slow = rng.random(n) < 0.1
    ticket = slow | (rng.random(n) < 0.2)
    cat = np.where(rng.random(n) < 0.3, "toys", "food")
    y = 8 - 2 * slow + 1.0 * (cat == "toys") + rng.normal(0, 1.5, n)
    frame = pd.DataFrame({"nps_score": y, "slow_ticket": slow, "ticket_before": ticket,
                          "complaint_before": False, "category": cat})
    e = sat.driver_effects(frame)
    assert "complaint_before" not in e.index  # no variation: left out, not a singular fit
    s, t = e.loc["slow_ticket"], e.loc["category=toys"]
    assert s["ci_low"] < -2 < s["ci_high"] and s["ci_high"] < 0 and bool(s["significant"])
    assert t["ci_low"] < 1 < t["ci_high"] and t["reference"] == "food" and t["level"] == "toys"
    assert abs(e.loc["ticket_before", "effect"]) < 0.25
    assert e.loc["slow_ticket", "answers"] == slow.sum()
    assert e.loc["slow_ticket", "mean_with"] == pytest.approx(y[slow].mean())


def test_driver_effects_pool_rare_labels_and_handle_small_data():
    rng = np.random.default_rng(0)
    cat = np.array(["a"] * 200 + ["b"] * 150 + ["c"] * 10)
    frame = pd.DataFrame({"nps_score": rng.integers(0, 11, cat.size).astype(float), "category": cat})
    e = sat.driver_effects(frame, min_count=30)
    # "c" (10 answers, under min_count) is pooled as "other"; "a", the most common, is the reference
    assert e.index.tolist() == ["category=b", "category=other"]
    assert e.loc["category=other", "answers"] == 10 and (e["reference"] == "a").all()
    assert sat.driver_effects(frame.head(20)).empty

"""Notebook 07 (satisfaction and service) in the full demo, CDNOW and user-export runs."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from crmkit.analysis.satisfaction import CALLBACK_COLUMNS

pytestmark = pytest.mark.notebooks

STEM = "07_satisfaction"
UNMASKED_PHONE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)")


def _summary(report) -> dict:
    return json.loads(report.file("summaries/satisfaction.json").read_text(encoding="utf-8"))


def _callbacks(report) -> pd.DataFrame:
    return pd.read_csv(report.file("satisfaction_callbacks.csv"), dtype={"customer_id": str})


def test_demo_satisfaction_page(demo_report):
    html = demo_report.check(STEM)
    for heading in ("How satisfied are customers", "Who is more and less satisfied", "What moves satisfaction",
                    "What do customers say", "How well do we handle complaints", "Do complaints cost us customers",
                    "Referral", "What to do"):
        assert heading in html
    assert not UNMASKED_PHONE.search(html)  # comments with phone numbers are masked
    s = _summary(demo_report)
    nps = s["nps"]
    assert nps["n"] > 1000 and -100 < nps["value"] < 100
    assert nps["change_low"] < nps["change"] < nps["change_high"]
    assert s["findings"][0].startswith("NPS was") and len(s["findings"]) >= 4
    # planted: a ticket resolved after more than 3 days lowers the next answer by 2 points
    slow = next(d for d in s["drivers"] if d["term"] == "slow_ticket")
    assert slow["ci_low"] <= -2 <= slow["ci_high"] and slow["ci_high"] < 0
    # planted: complaints follow dropout, so complainers churn far more than matched customers
    churned = next(r for r in s["complainers_vs_matched"] if r["outcome"] == "churned")
    assert churned["ci_low"] > 0.25
    # planted: promoters refer 2.5 times as often as passives
    r = s["referral_rate_ratios"]["promoter_vs_passive"]
    assert r["low"] <= 2.5 <= r["high"] and r["low"] > 1.5
    # feedback themes in both languages, with the planted detractor words
    terms = pd.DataFrame(s["distinctive_terms"])
    assert {"zh", "en"} <= set(terms["language"])
    assert {"late", "太慢"} <= set(terms.loc[terms["side"] == "detractor", "term"])
    # complaint handling against the planted process (complaints: first response ~8 h, resolution ~72 h)
    times = {t["kind"]: t for t in s["handling_times"]}["complaints"]
    assert 5 < times["response_median_hours"] < 12 and 50 < times["resolution_median_hours"] < 100
    assert 0 < s["sla"]["share"] < 1 and s["complaints"]["per_1000_orders"] > 0


def test_demo_callbacks_csv(demo_report):
    s = _summary(demo_report)
    df = _callbacks(demo_report)
    assert list(df.columns) == CALLBACK_COLUMNS
    assert len(df) == s["callbacks"] > 0
    assert df["customer_id"].str.fullmatch(r"C\d{6}").all()  # IDs only, no personal data
    assert df["customer_value"].is_monotonic_decreasing
    assert (df["customer_value"] >= s["callback_value_threshold"] - 1e-6).all()
    assert df["priority"].tolist() == list(range(1, len(df) + 1))
    assert ((df["open_complaints"] > 0) | df["last_nps"].le(6)).all()


def test_cdnow_satisfaction_not_available(cdnow_report):
    st = cdnow_report.status(STEM)
    assert st["status"] == "not_available"
    html = cdnow_report.file(f"{STEM}.html").read_text(encoding="utf-8")
    assert "Not available for this dataset" in html and "surveys or tickets" in html


def test_export_satisfaction_renders_what_tickets_allow(export_report, root):
    html = export_report.check(STEM)
    assert "needs the <code>surveys</code> table" in html
    s = _summary(export_report)
    assert s["nps"] is None and s["drivers"] is None
    assert any("surveys" in a for a in s["actions"])
    # complaint counts against the raw export file (Chinese headers, 是/否 flags)
    raw = pd.read_csv(root / "params" / "example_export" / "tickets.csv", encoding="utf-8-sig")
    opened = pd.to_datetime(raw["创建时间"])
    complaint = raw["是否投诉"] == "是"
    in_q1 = (opened >= "2025-01-01") & (opened < "2025-04-01")
    assert s["complaints"]["complaints"] == int((complaint & in_q1).sum())
    year = (opened >= "2024-04-01") & (opened < "2025-04-01") & complaint
    assert s["repeat_complainers"] == int((raw.loc[year, "客户编号"].value_counts() >= 2).sum())
    df = _callbacks(export_report)
    assert list(df.columns) == CALLBACK_COLUMNS and len(df) == s["callbacks"]

"""Notebook 06 (churn) in the full demo and CDNOW runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

AT_RISK_COLUMNS = ["customer_id", "rank", "churn_probability", "customer_value", "value_at_risk",
                   "top_reasons"]


def _summary(report) -> dict:
    return json.loads(report.file("summaries/churn.json").read_text(encoding="utf-8"))


def _at_risk(report) -> pd.DataFrame:
    return pd.read_csv(report.file("churn_at_risk.csv"), dtype={"customer_id": str},
                       keep_default_na=False)


def test_demo_churn_notebook(demo_report):
    html = demo_report.check("06_churn")
    for heading in ("What counts as churn", "Out-of-time validation", "What drives churn",
                    "Customers at risk today", "planted churn drivers", "Findings"):
        assert heading in html
    s = _summary(demo_report)
    # one data end: the demo's last order day (2025-12-30) is earlier than its export date
    # (2025-12-31), so customers are scored as of 2025-12-30 and each cut-off is 90 days earlier
    assert (s["train_cutoff"], s["test_cutoff"], s["score_date"]) == ("2025-07-03", "2025-10-01", "2025-12-30")
    m = s["metrics"]
    best, base = m[s["best_model"]], m["recency baseline"]
    # recorded: gradient boosting ROC AUC 0.946 / PR AUC 0.966 against 0.878 / 0.913
    assert best["roc_auc"] >= base["roc_auc"] + 0.03
    assert best["pr_auc"] >= base["pr_auc"] + 0.02
    # the planted drivers: a complaint feature and a satisfaction feature in the top five
    top5 = s["top_drivers"][:5]
    assert any(f.startswith(("complaints_", "tickets_")) for f in top5), top5
    assert any(f.startswith(("nps_", "csat_")) for f in top5), top5
    assert "CLV" in s["value_basis"]  # value at risk from crmkit.clv on the demo


def test_demo_at_risk_csv(demo_report):
    s = _summary(demo_report)
    df = _at_risk(demo_report)
    assert list(df.columns) == AT_RISK_COLUMNS
    assert len(df) == s["at_risk_customers"] > 0
    assert df["value_at_risk"].is_monotonic_decreasing
    assert df["rank"].tolist() == list(range(1, len(df) + 1))
    assert (df["churn_probability"] >= s["threshold"]).all()
    assert df["customer_id"].str.fullmatch(r"C\d+").all()  # IDs only, no personal data
    assert (df["value_at_risk"] - df["churn_probability"] * df["customer_value"]).abs().max() < 1e-6
    assert df["value_at_risk"].sum() == pytest.approx(s["value_at_risk"])


def test_cdnow_churn_notebook(cdnow_report):
    html = cdnow_report.check("06_churn")
    s = _summary(cdnow_report)
    # 1997-Q4: scored on 1997-12-31 with cut-offs N and 2N days before; nothing later is used
    assert (s["train_cutoff"], s["test_cutoff"], s["score_date"]) == ("1997-07-04", "1997-10-02", "1997-12-31")
    assert 0.75 < s["base_rate"] < 0.9  # recorded: 82.2% of active customers churn in 90 days
    # transaction features only (CDNOW has no tickets, surveys or events)
    assert not any(f.startswith(("complaints_", "nps_", "csat_", "web_")) for f in s["top_drivers"])
    assert s["top_drivers"][0] == "recency_days"
    # the outcome of the scoring day is in the data: the realised check is shown
    assert "Did it come true?" in html and "The data already shows what happened next" in html
    assert "no planted truth" in html
    df = _at_risk(cdnow_report)
    assert list(df.columns) == AT_RISK_COLUMNS and len(df) == s["at_risk_customers"]
    assert df["value_at_risk"].is_monotonic_decreasing

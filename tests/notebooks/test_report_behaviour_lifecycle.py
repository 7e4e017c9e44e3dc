"""Notebooks 02 (behaviour) and 04 (lifecycle) in the full demo and CDNOW runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("stem", ["02_behaviour", "04_lifecycle"])
def test_notebooks_render_for_demo_and_cdnow(demo_report, cdnow_report, stem):
    demo_report.check(stem)
    cdnow_report.check(stem)


def test_demo_behaviour_report(demo_report):
    html = demo_report.check("02_behaviour")
    s = json.loads(demo_report.file("summaries/behaviour.json").read_text())
    assert s["window"] == ["2025-01-01", "2025-12-30"]
    assert s["weekend_ratio"] == pytest.approx(1.21, abs=0.06)  # planted 1.2076
    assert 0 < s["one_time_share"] < 0.5 and s["median_days_to_second"] > 0
    fest = pd.read_csv(demo_report.file("behaviour_festivals.csv"))
    assert fest.loc[fest["lift"].idxmax(), "festival"] == "Double 11"
    freq = pd.read_csv(demo_report.file("behaviour_frequency.csv"))
    assert freq["share"].sum() == pytest.approx(1.0)
    # every section ran: categories, funnel, the planted-truth table and the findings; nothing skipped
    for text in ("Per category:", "Most viewed without being bought",
                 "Festival days against normal days", "Sat 21:00-22:00"):  # planted evening peak
        assert text in html, text
    # the workshop table (shown on teaching pages) puts planted values next to measured ones
    assert "weekend / weekday orders" in demo_report.outputs("02_behaviour", tag="workshop")
    assert "Skipped" not in html and "no hourly view" not in html


def test_cdnow_behaviour_report_skips_what_it_cannot_show(cdnow_report):
    html = cdnow_report.check("02_behaviour")
    assert "no hourly view" in html
    assert "needs the order_items and products table(s)" in html and "needs the events table(s)" in html
    # no planted truth: the workshop section neither appears nor computes anything
    assert "For workshops" not in html and not cdnow_report.outputs("02_behaviour", tag="workshop").strip()
    s = json.loads(cdnow_report.file("summaries/behaviour.json").read_text())
    assert s["window"] == ["1997-01-01", "1997-12-31"]
    assert s["one_time_share"] == pytest.approx(0.55, abs=0.03)  # most CDNOW customers never return


def test_demo_lifecycle_report(demo_report):
    html = demo_report.check("04_lifecycle")
    s = json.loads(demo_report.file("summaries/lifecycle.json").read_text())
    stages = pd.read_csv(demo_report.file("lifecycle_stages.csv"))
    assert stages.columns.tolist() == ["customer_id", "stage", "recency_days", "purchase_days"]
    assert stages["customer_id"].is_unique
    assert stages["stage"].value_counts().to_dict() == {k: v for k, v in s["stages"].items() if v}
    assert s["stages"]["prospect"] > 0 and s["tier_movement"]["up"] > 0
    cohorts = pd.read_csv(demo_report.file("cohorts.csv"))
    assert cohorts["cohort"].nunique() == 24
    assert "truly dropped out" in demo_report.outputs("04_lifecycle", tag="workshop")  # demo only
    assert "only buyers get a stage" not in html and "the curve below is for all customers" not in html
    assert any("referral" in f and "social" in f for f in s["findings"])  # planted channel difference


def test_cdnow_lifecycle_report_without_customers_table(cdnow_report, cdnow_buyers):
    html = cdnow_report.check("04_lifecycle")
    assert "only buyers get a stage" in html and "the curve below is for all customers" in html
    assert "For workshops" not in html and not cdnow_report.outputs("04_lifecycle", tag="workshop").strip()
    s = json.loads(cdnow_report.file("summaries/lifecycle.json").read_text())
    assert "prospect" not in s["stages"]  # no customers table: buyers only
    assert sum(s["stages"].values()) == cdnow_buyers  # buyers with a positive purchase by 1997-12-31

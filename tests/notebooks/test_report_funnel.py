"""Notebook 10 (sales funnel) in the full demo, CDNOW and export runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

PIPELINE_COLUMNS = ["opportunity_id", "customer_id", "owner", "deal_stage", "amount", "age_days", "days_in_stage",
                    "usual_days", "stage_win_chance", "win_chance", "weighted_amount", "stalled"]


def _summary(report) -> dict:
    return json.loads(report.file("summaries/funnel.json").read_text(encoding="utf-8"))


def test_demo_funnel_page(demo_report):
    html = demo_report.check("10_funnel")
    for heading in ("How do deals move through the stages?", "How long does each stage take?",
                    "Which deals get through better?", "Deal cohorts", "Where is the bottleneck?",
                    "What is in the pipeline?", "What to do", "02_behaviour.html"):
        assert heading in html, heading
    assert "For workshops" not in html  # stakeholder page: workshop checks removed
    s = _summary(demo_report)
    # the planted bottleneck: proposal conversion, compared across salespeople
    b = s["bottleneck"]
    assert (b["deal_stage"], b["kind"], b["dimension"]) == ("proposal", "conversion", "owner")
    assert b["best_group"] in ("Song Lu", "Han Bin") and b["best_value"] > 0.75 > 0.6 > b["typical_value"]
    # planted: lead and qualified convert at 81% and 80% for everybody, the average rep wins 30%
    assert s["stage_conversion"]["lead"] == pytest.approx(0.8075, abs=0.04)
    assert s["stage_conversion"]["qualified"] == pytest.approx(0.7957, abs=0.05)
    assert s["win_rate"] == pytest.approx(0.30375, abs=0.04)
    assert s["period"] == "2025-Q4" and s["as_of"] == "2025-12-30"
    assert s["target_completion"] == pytest.approx(s["won_revenue_period"] / s["target_period"], abs=1e-4)
    assert "The bottleneck is the proposal stage" in s["findings"][1]
    assert len(s["findings"]) >= 3 and any("stalled" in a for a in s["actions"])


def test_demo_pipeline_csv(demo_report):
    s = _summary(demo_report)
    df = pd.read_csv(demo_report.file("pipeline_deals.csv"), dtype={"customer_id": str, "opportunity_id": str})
    assert list(df.columns) == PIPELINE_COLUMNS
    assert len(df) == s["open_deals"] and df["weighted_amount"].is_monotonic_decreasing
    assert df["amount"].sum() == pytest.approx(s["open_value"])
    assert df["weighted_amount"].sum() == pytest.approx(s["weighted_value"])
    assert df["customer_id"].str.fullmatch(r"C\d+").all()  # IDs only
    assert ((df["win_chance"] >= 0) & (df["win_chance"] <= 1)).all()
    assert df["stalled"].sum() == s["stalled_deals"]


def _workshop_html(report, stem: str) -> str:
    """The outputs of the workshop cells (run on every page, shown on teaching pages only)."""
    import nbformat

    nb = nbformat.read(report.file(f"notebooks/{stem}.ipynb"), as_version=4)
    return "".join(o.get("data", {}).get("text/html", "") + o.get("data", {}).get("text/markdown", "")
                   for c in nb.cells if "workshop" in c.metadata.get("tags", []) and c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_demo_funnel_workshop_check_recovers_the_plant(demo_report):
    html = _workshop_html(demo_report, "10_funnel")
    assert html.count(">yes<") == 5 and ">no<" not in html  # stage, kind, grouping, best and worst rep


@pytest.mark.parametrize("fixture", ["cdnow_report", "export_report"])
def test_funnel_not_available_without_deals(fixture, request):
    report = request.getfixturevalue(fixture)
    st = report.status("10_funnel")
    assert st["status"] == "not_available"
    assert sorted(st["missing_tables"]) == ["opportunities", "opportunity_stages"]
    html = report.file("10_funnel.html").read_text(encoding="utf-8")
    assert "needs opportunities" in html and "opportunity_stages" in html
    assert not report.file("pipeline_deals.csv").exists()

"""Notebook 11 (marketing channels) in the full demo, CDNOW and export runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

PLAN_COLUMNS = ["channel", "spend", "new_customers", "cac", "ltv", "predicted_share", "revenue_12m", "ltv_cac",
                "payback_months", "spend_share", "total_value", "value_share", "value_per_spend", "low", "high",
                "spend_elasticity", "recommended_change"]


def _summary(report) -> dict:
    return json.loads(report.file("summaries/channels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_spend():
    """The demo's marketing spend and customers, straight from the generator (no crmkit analysis code)."""
    from crmkit.data.synthetic import make_demo

    return make_demo(include=("customers", "marketing_spend"))


def test_demo_channels_page(demo_report, demo_spend):
    html = demo_report.check("11_channels")
    for heading in ("What did each channel cost in this period?", "Is acquisition getting dearer?",
                    "What is an acquired customer worth", "Does the spend go where the value is?",
                    "Which traffic channels lead to first purchases?", "Where would the next unit of budget buy",
                    "What to do", "05_clv.html", "3 : 1 rule of thumb"):
        assert heading in html, heading
    assert "For workshops" not in html  # stakeholder page: workshop checks removed
    s = _summary(demo_report)
    truth = demo_spend.truth
    # planted CAC per channel, over the whole history and in the quarter
    assert s["cac_history"] == pytest.approx(truth["cac"], rel=1e-6)
    assert s["cac_period"] == pytest.approx(truth["cac"], rel=1e-6)
    for ch, rate in truth["lead_conversion"].items():
        assert s["lead_conversion_history"][ch] == pytest.approx(rate, abs=0.01)
    # spend of the quarter, summed here with plain pandas
    m = demo_spend.marketing_spend
    q4 = m.loc[(m["date"] >= "2025-10-01") & (m["date"] <= "2025-12-30"), "spend"].sum()
    assert s["spend_period"] == pytest.approx(q4, abs=0.01)
    # every paid channel clears 3 : 1 in the demo, and LTV:CAC = LTV / CAC
    for ch, cac in truth["cac"].items():
        assert s["ltv_cac"][ch] == pytest.approx(s["ltv"][ch] / cac, rel=1e-3) and s["ltv_cac"][ch] > 3
    # the five attribution models share the same first purchases
    totals = {m: sum(v.values()) for m, v in s["attribution"].items()}
    assert all(t == pytest.approx(s["conversions_attributed"], abs=0.05) for t in totals.values())
    shift = s["budget_shift"]
    assert shift["from"] != shift["to"] and shift["gain_low"] <= shift["gain"] <= shift["gain_high"]
    assert 3 <= len(s["findings"]) <= 5 and any("Moving" in a for a in s["actions"])


def test_demo_channel_plan_csv(demo_report):
    s = _summary(demo_report)
    df = pd.read_csv(demo_report.file("channel_plan.csv"))
    assert list(df.columns) == PLAN_COLUMNS
    plan = df.set_index("channel")
    assert plan["recommended_change"].sum() == pytest.approx(0.0)
    shift = s["budget_shift"]
    assert plan.loc[shift["to"], "recommended_change"] == pytest.approx(shift["amount"])
    assert plan.loc[shift["from"], "value_per_spend"] == plan.dropna(subset=["value_per_spend"])["value_per_spend"].min()
    assert "organic" in plan.index and pd.isna(plan.loc["organic", "cac"])


def _workshop_html(report, stem: str) -> str:
    import nbformat

    nb = nbformat.read(report.file(f"notebooks/{stem}.ipynb"), as_version=4)
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   if "workshop" in c.metadata.get("tags", []) and c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_demo_channels_workshop_check_recovers_the_plant(demo_report):
    html = _workshop_html(demo_report, "11_channels")
    assert html.count(">yes<") == 5 and ">no<" not in html  # five paid channels


@pytest.mark.parametrize("fixture, missing", [("cdnow_report", ["customers", "marketing_spend"]),
                                              ("export_report", ["marketing_spend"])])
def test_channels_not_available_without_spend(fixture, missing, request):
    report = request.getfixturevalue(fixture)
    st = report.status("11_channels")
    assert st["status"] == "not_available" and sorted(st["missing_tables"]) == missing
    html = report.file("11_channels.html").read_text(encoding="utf-8")
    assert "needs " in html and "marketing_spend" in html
    assert not report.file("channel_plan.csv").exists()

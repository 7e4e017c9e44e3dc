"""Notebook 12 (customer profitability) in the full demo, CDNOW and export runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

COSTS = ["product_cost", "discounts", "shipping", "returns", "service"]


def _summary(report) -> dict:
    return json.loads(report.file("summaries/profitability.json").read_text(encoding="utf-8"))


def _csv(report) -> pd.DataFrame:
    return pd.read_csv(report.file("customer_profit.csv"), dtype={"customer_id": str}, keep_default_na=False,
                       na_values=[""])


def test_demo_profitability_page(demo_report):
    html = demo_report.check("12_profitability")
    for heading in ("How is profit spread over the customers?", "Who loses money, and why?",
                    "Which groups of customers make money?", "What are customers worth in profit?", "What to do",
                    "Whale curve"):
        assert heading in html, heading
    assert "For workshops" not in html
    s = _summary(demo_report)
    assert s["has_costs"] and all(v is not None for v in s["cost_sources"].values())
    # planted: about 7% of buyers are discount hunters who all lose money, 15% of social's buyers
    assert 0.08 < s["loss_share"] < 0.2 and s["loss_makers"] == round(s["loss_share"] * s["customers"])
    assert max(s["main_reasons"], key=s["main_reasons"].get) == "discounts"
    by_channel = s["loss_share_by_channel"]
    assert max((v, k) for k, v in by_channel.items() if k != "unknown")[1] == "social"
    assert s["peak_share"] > 1 and s["clv"]["profit_share"] < 0.5
    assert "**Discounts** are the main reason" in " ".join(s["findings"])
    assert s["actions"][0].startswith("Stop or cap discounts")


def test_demo_customer_profit_csv(demo_report):
    from crmkit.data.synthetic import make_demo

    s = _summary(demo_report)
    df = _csv(demo_report)
    assert len(df) == s["customers"] and df["customer_id"].str.fullmatch(r"C\d+").all()
    assert not {"name", "email", "phone"} & set(df.columns)  # IDs only
    assert df["profit"].is_monotonic_decreasing
    assert df["profit"].to_numpy() == pytest.approx((df["revenue"] - df[COSTS].sum(axis=1)).to_numpy(), abs=0.01)
    assert df["profit"].sum() == pytest.approx(s["profit"], abs=1)
    assert (df["main_reason"].notna() == (df["profit"] < 0)).all()
    truth = make_demo(include=("customers",)).truth["customers"].set_index("customer_id")["discount_hunter"]
    hunters = df.loc[df["customer_id"].map(truth).fillna(False).astype(bool) & (df["purchases"] > 0)]
    assert len(hunters) > 150 and (hunters["profit"] < 0).all()


def _workshop_html(report, stem: str) -> str:
    import nbformat

    nb = nbformat.read(report.file(f"notebooks/{stem}.ipynb"), as_version=4)
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   if "workshop" in c.metadata.get("tags", []) and c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_demo_profitability_workshop_check_recovers_the_plant(demo_report):
    html = _workshop_html(demo_report, "12_profitability")
    assert html.count(">yes<") == 3 and ">no<" not in html


def test_cdnow_has_no_costs_and_says_so(cdnow_report, cdnow_buyers):
    html = cdnow_report.check("12_profitability")
    assert "profit here equals revenue" in html
    s = _summary(cdnow_report)
    assert not s["has_costs"] and s["loss_makers"] == 0 and s["clv"] is None
    assert s["actions"][0].startswith("Add the cost of goods to the export")
    df = _csv(cdnow_report)
    assert (df["profit"] == df["revenue"]).all()
    # customers with a purchase in 1997 (the 12 months to 1997-12-31), counted from the raw file
    assert s["customers"] == cdnow_buyers


def test_export_without_product_cost_says_so(export_report):
    export_report.check("12_profitability")
    s = _summary(export_report)
    assert s["cost_sources"]["product_cost"] is None and s["cost_sources"]["service"] == "tickets"
    assert s["findings"][0].startswith("This export has **no product cost**")

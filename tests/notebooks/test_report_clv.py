"""Notebook 05 (customer lifetime value) in the full demo and CDNOW runs (see conftest)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

import crmkit
from crmkit.analysis import clv
from crmkit.analysis import clv as cr

pytestmark = pytest.mark.notebooks

STEM = "05_clv"
CSV_COLUMNS = ["customer_id", *cr.PREDICTION_COLUMNS]
HEADINGS = ("1. What the models see", "2. Looking back: historical CLV and the simple formula",
            "3. The models in plain words", "4. Can we trust the forecast? Holdout validation",
            "5. The models fitted on all data", "6. What the model has learned",
            "7. Predicted CLV per customer", "8. Did the forecast come true?", "What to do")


def _csv(report) -> pd.DataFrame:
    return pd.read_csv(report.file("clv_predictions.csv"), dtype={"customer_id": str})


def _summary(report) -> dict:
    return json.loads(report.file("summaries/clv.json").read_text(encoding="utf-8"))


def test_demo_clv_report(demo_report):
    html = demo_report.check(STEM)
    assert "crmkit-summary" in html  # the page opens with its findings and actions
    for heading in HEADINGS:
        assert heading in html
    assert html.count("data:image/png;base64") >= 5  # holdout, two heatmaps, distribution, top 20
    s = _summary(demo_report)
    # the demo data ends on 2025-12-30; a quarter of its 104 weeks, capped at 26 weeks
    assert s["observation_end"] == "2025-12-30" and s["holdout_weeks"] == 26
    assert s["calibration_end"] == "2025-07-01"
    # the models beat both naive baselines in total and per customer
    # (measured: BG/NBD +6.8% and MAE 1.84; best baseline +68.7% and MAE 3.46)
    assert abs(s["model_total_error"]) < 0.15 < abs(s["baseline_total_error"])
    assert s["model_mae"] < 0.6 * s["baseline_mae"]
    assert f"error {s['model_total_error']:+.1%}" in html
    # the workshop check (teaching pages): the planted BG/NBD and Gamma-Gamma parameters
    assert "33 of 33 planted quantities lie within 3 standard errors" in demo_report.outputs(
        STEM, tag="workshop")
    assert "For workshops" not in html  # a stakeholder page leaves workshop checks out
    assert "mean abs. error per customer" in html and "naive: own past rate" in html


def test_demo_clv_csv_is_the_models_output(demo_report, demo_buyers):
    """The CSV is sorted by CLV, shows IDs only and equals a refit on the cleaned data."""
    df = _csv(demo_report)
    assert list(df.columns) == CSV_COLUMNS  # no names, e-mails or phones
    assert df["customer_id"].is_unique and df["clv"].is_monotonic_decreasing
    s = _summary(demo_report)
    assert len(df) == s["customers"] == demo_buyers  # customers with a purchase by 2025-12-30
    assert df["clv"].sum() == pytest.approx(s["clv_total"])
    assert df["p_alive"].between(0, 1).all() and (df["clv"] >= 0).all()

    ds = crmkit.prepare("params/demo.yaml").dataset
    purchases = cr.model_orders(ds.orders)
    summary = clv.btyd_summary(purchases, as_of="2025-12-30", time_unit="W")
    models = cr.fit_models(summary)
    want = cr.clv_predictions(models["bgnbd"], models["gamma_gamma"], summary,
                              horizon_months=12, discount_rate=0.01,
                              historical=cr.historical_clv(purchases, as_of="2025-12-30"))
    got = df.set_index("customer_id")
    assert_series_equal(got["clv"], want["clv"], rtol=1e-6, check_names=False)
    assert_series_equal(got["historical_clv"], want["historical_clv"], rtol=1e-9, check_names=False)
    # planted truth: VIPs are about a tenth of customers and most of the top 100 by CLV
    types = ds.truth["customers"].set_index("customer_id")["customer_type"]
    assert (types.reindex(got.index[:100]) == "vip").mean() > 0.8


def test_cdnow_clv_report(cdnow_report, cdnow_buyers, cdnow_revenue_1997):
    html = cdnow_report.check(STEM)
    for heading in HEADINGS:
        assert heading in html
    assert "For workshops" not in html and not cdnow_report.outputs(STEM, tag="workshop").strip()
    s = _summary(cdnow_report)
    # 1997-Q4: 52 weeks of history, a quarter is 13 holdout weeks; 26 weeks of data after it
    assert (s["calibration_end"], s["observation_end"], s["holdout_weeks"]) == (
        "1997-10-01", "1997-12-31", 13)
    assert s["realised_weeks"] == pytest.approx(181 / 7)
    assert abs(s["model_total_error"]) < abs(s["baseline_total_error"])
    assert s["model_mae"] < s["baseline_mae"]
    # the forecast made on 1997-12-31 against the first half of 1998 (measured -2.8%)
    assert abs(s["realised"]["bgnbd"]["total_error"]) < 0.1
    assert "8. Did the forecast come true?" in html and "total error" in html
    assert any(f.startswith("Did it come true? For the 26 weeks after 1997-12-31") for f in s["findings"])
    df = _csv(cdnow_report)
    assert list(df.columns) == CSV_COLUMNS and len(df) == cdnow_buyers
    assert df["clv"].is_monotonic_decreasing
    # historical CLV is every purchase up to the report date
    assert df["historical_clv"].sum() == pytest.approx(s["historical_clv_total"])
    assert s["historical_clv_total"] == pytest.approx(cdnow_revenue_1997, abs=0.01)

"""Notebook 09 (sales forecast) in the full demo, CDNOW and export runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

HEADINGS = ("How have sales moved?", "What makes sales go up and down?",
            "Would the model have forecast the recent past well?", "What do we expect next?",
            "By sales channel", "Did the forecast come true?", "What to do")


def _summary(report) -> dict:
    return json.loads(report.file("summaries/forecast.json").read_text(encoding="utf-8"))


def _workshop_output(report) -> str:
    nb = nbformat.read(report.file("notebooks/09_forecast.ipynb"), as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "workshop" in c.metadata.get("tags", [])]
    return "".join(o.get("data", {}).get("text/html", "") for c in cells for o in c.get("outputs", []))


def test_demo_forecast_page(demo_report):
    html = demo_report.check("09_forecast")
    for heading in HEADINGS:
        assert heading in html, heading
    s = _summary(demo_report)
    assert 3 <= len(s["findings"]) <= 5 and s["actions"]
    nq = s["next_quarter"]
    # the demo's data end on 2025-12-30: the next quarter is 2026-Q1, forecast in yuan
    assert (nq["label"], nq["start"], nq["end"], nq["currency"]) == ("2026-Q1", "2026-01-01", "2026-03-31", "¥")
    assert 0 < nq["lower"] < nq["revenue"] < nq["upper"] and nq["interval"] == 0.8
    assert nq["orders_lower"] < nq["orders"] < nq["orders_upper"]
    assert nq["text"].startswith("2026-Q1: ¥") and "actual" not in nq  # the data do not cover 2026
    months = {m["period"]: m for m in s["months"]}
    assert list(months) == [f"2026-0{i}" for i in range(1, 7)]  # whole months only
    q1 = sum(months[m]["revenue"] for m in ("2026-01", "2026-02", "2026-03"))
    assert q1 == pytest.approx(nq["revenue"], rel=0.03)  # medians of months and of the quarter agree


def test_demo_model_beats_seasonal_naive_in_the_backtest(demo_report):
    b = _summary(demo_report)["backtest"]
    scores = b["scores"]
    assert b["model_wins"] and b["chosen"] in ("model", "model_spend")
    assert scores["model"]["folds"] == scores["naive_week"]["folds"] == 4
    # recorded: MASE 0.88 against 1.27 for "same weekday last week" (errors 31% smaller)
    assert scores["model"]["mase"] < 0.8 * scores["naive_week"]["mase"]
    assert scores["model"]["mape"] < scores["naive_week"]["mape"]
    assert scores["model"]["total_error"] < scores["naive_week"]["total_error"]


def test_demo_planted_seasonality_recovered_in_the_executed_notebook(demo_report):
    out = _workshop_output(demo_report)
    assert "yearly amplitude" in out and "Double 11" in out
    assert out.count(">yes<") == 19 and ">no<" not in out  # every planted effect recovered
    assert "planted seasonality" not in demo_report.check("09_forecast")  # workshop cells off the stakeholder page


def test_demo_forecast_csv(demo_report):
    df = pd.read_csv(demo_report.file("sales_forecast.csv"), parse_dates=["date"], keep_default_na=False)
    assert list(df.columns) == ["date", "revenue", "revenue_lower", "revenue_upper", "orders", "orders_lower",
                                "orders_upper", "festival"]
    assert (df["date"].iloc[0], df["date"].iloc[-1], len(df)) == (
        pd.Timestamp("2025-12-31"), pd.Timestamp("2026-06-30"), 182)
    assert (df["revenue_lower"] <= df["revenue"]).all() and (df["revenue"] <= df["revenue_upper"]).all()
    fest = df.set_index("date")["festival"]
    assert fest["2026-06-18"] == "618" and fest["2026-02-17"] == "Chinese New Year"
    # the planted 618 lift shows in the forecast: the day sells about 2.5 times its neighbours
    around = df.set_index("date")["revenue"].loc["2026-06-04":"2026-06-30"].drop(pd.Timestamp("2026-06-18"))
    assert df.set_index("date").loc["2026-06-18", "revenue"] > 1.8 * around.median()


def test_cdnow_forecast_of_1998_against_what_happened(cdnow_report):
    html = cdnow_report.check("09_forecast")
    assert "less than two years of history" in html  # no yearly curve from 9 months
    assert "No forecast by segment" in html  # CDNOW has no sales channel
    s = _summary(cdnow_report)
    nq = s["next_quarter"]
    assert (nq["label"], nq["currency"]) == ("1998-Q1", "$")
    # made from April-December 1997 only; the data show what happened: $262,823.89 in 1998-Q1
    assert nq["actual"] == pytest.approx(262_823.89)
    assert nq["lower"] < nq["revenue"] < nq["upper"]
    assert "What happened next: over 6 months (1998-01 to 1998-06)" in html
    assert any(f.startswith("What happened next") for f in s["findings"])


def test_export_forecast_page(export_report):
    export_report.check("09_forecast")
    assert _summary(export_report)["next_quarter"]["label"] == "2025-Q2"

"""Notebook 06 (churn): the demo and CDNOW runs (see conftest.demo_report), and the bundled
customer-table example rendered end to end through `crmkit report`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT, RenderedReport

pytestmark = pytest.mark.notebooks

AT_RISK_COLUMNS = ["customer_id", "rank", "churn_probability", "customer_value", "value_at_risk",
                   "top_reasons"]
SECTIONS = ("1. What counts as churn here", "2. Who leaves", "3. Three models and a simple baseline",
            "4. Can we trust the models?", "5. Whom to contact", "6. What drives churn",
            "7. Customers at risk today", "What to do")


def _summary(report) -> dict:
    return json.loads(report.file("summaries/churn.json").read_text(encoding="utf-8"))


def _at_risk(report) -> pd.DataFrame:
    return pd.read_csv(report.file("churn_at_risk.csv"), dtype={"customer_id": str},
                       keep_default_na=False)


def _visible(html: str) -> str:
    """The page's text without the folded method details (what a stakeholder reads first)."""
    html = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _page_conventions(html: str, s: dict) -> None:
    for heading in SECTIONS:
        assert heading in html, heading
    assert "What we found" in html and "What to do" in html
    assert html.index("What we found") < html.index("1. What counts as churn here")  # summary first
    assert 3 <= len(s["findings"]) and s["actions"]
    visible = _visible(html)
    assert "value = [" not in visible and "no planted truth" not in html
    assert not re.search(r"\b(True|False)\b", visible)


def test_demo_churn_notebook(demo_report):
    html = demo_report.check("06_churn")
    s = _summary(demo_report)
    _page_conventions(html, s)
    assert s["mode"] == "orders" and "Mode: churn derived from orders" in html
    # one data end: the demo's last order day (2025-12-30) is earlier than its export date
    # (2025-12-31), so customers are scored as of 2025-12-30 and each cut-off is 90 days earlier
    assert (s["train_cutoff"], s["test_cutoff"], s["score_date"]) == ("2025-07-03", "2025-10-01", "2025-12-30")
    m = s["metrics"]
    best, base = m[s["best_model"]], m["recency baseline"]
    # recorded: gradient boosting ROC AUC 0.943 / PR AUC 0.965 against 0.876 / 0.913
    assert best["roc_auc"] >= base["roc_auc"] + 0.03
    assert best["pr_auc"] >= base["pr_auc"] + 0.02
    assert s["findings"][1].startswith("Worth it")
    # the planted drivers: a complaint feature and a satisfaction feature in the top five
    top5 = s["top_drivers"][:5]
    assert any(f.startswith(("complaints_", "tickets_")) for f in top5), top5
    assert any(f.startswith(("nps_", "csat_")) for f in top5), top5
    assert "CLV" in s["value_basis"]  # value at risk from crmkit.clv on the demo
    # words, not feature names, where a manager reads
    visible = _visible(html)
    assert "days since last web visit" in visible and "days_since_visit" not in visible
    # the threshold of the list is the refitted model's own (both are reported)
    assert 0 < s["threshold"] < 1 and 0 < s["validation_threshold"] < 1


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
    _page_conventions(html, s)
    # 1997-Q4: scored on 1997-12-31 with cut-offs N and 2N days before; nothing later is used
    assert (s["train_cutoff"], s["test_cutoff"], s["score_date"]) == ("1997-07-04", "1997-10-02", "1997-12-31")
    assert 0.75 < s["base_rate"] < 0.9  # recorded: 82.2% of active customers churn in 90 days
    # transaction features only (CDNOW has no tickets, surveys or events)
    assert not any(f.startswith(("complaints_", "nps_", "csat_", "web_")) for f in s["top_drivers"])
    assert s["top_drivers"][0] == "recency_days"
    # recency alone is nearly as good as the models here, and the page says so
    gain = s["metrics"][s["best_model"]]["roc_auc"] - s["metrics"]["recency baseline"]["roc_auc"]
    assert gain < 0.03 and not s["findings"][1].startswith("Worth it")
    # the outcome of the scoring day is in the data: the realised check is shown
    assert "Did it come true?" in html and "The data already shows what happened next" in html
    assert "For workshops" not in html  # no planted truth: no workshop section at all
    df = _at_risk(cdnow_report)
    assert list(df.columns) == AT_RISK_COLUMNS and len(df) == s["at_risk_customers"]
    assert df["value_at_risk"].is_monotonic_decreasing


# --------------------------------------------------------------------------- customer-table mode
@pytest.fixture(scope="module")
def telecom_report(tmp_path_factory) -> RenderedReport:
    """The bundled telecom export (params/telecom_example.yaml): pages 00 and 06 only."""
    reports = tmp_path_factory.mktemp("report-telecom")
    proc = subprocess.run(
        [sys.executable, "-m", "crmkit", "report", "--params", "params/telecom_example.yaml",
         "--only", "00,06", "--jobs", "2", "--reports-dir", str(reports)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    return RenderedReport(reports, "telecom_example", "2025-Q4", proc)


def test_telecom_customer_table_page(telecom_report):
    from crmkit.data.telecom import make_telecom_export

    assert telecom_report.returncode == 0, telecom_report.stderr[-3000:]
    html = telecom_report.check("06_churn")
    s = _summary(telecom_report)
    _page_conventions(html, s)
    assert s["mode"] == "table" and "Mode: churn read from the customer table" in html
    assert "train_cutoff" not in s  # no cut-offs: a stratified holdout
    # the label as exported: 是/否 with Yes/No and 1/0 rows merged in, 10 empty
    assert "是, Yes, 1 read as left" in html and "10 rows have no label" in html
    _, truth = make_telecom_export()
    assert s["base_rate"] == pytest.approx(truth["churn_rate"], abs=0.005)
    # the baseline is the churn rate by contract type; the best model beats it
    assert s["baseline"] == "the churn rate by 合约类型"
    m = s["metrics"]
    assert m[s["best_model"]]["roc_auc"] >= m["churn-rate baseline"]["roc_auc"] + 0.05
    assert s["findings"][1].startswith("Worth it")
    # planted drivers recovered, named by their column in words
    assert set(s["top_drivers"][:3]) == set(truth["churn_drivers"])
    assert "合约类型: 两年" in html  # odds ratios and rules name the column and the level
    assert "By tenure" in html and "在网月数" in html
    # the at-risk list: customers who have not left, IDs only, by value at risk
    df = _at_risk(telecom_report)
    assert list(df.columns) == AT_RISK_COLUMNS and len(df) == s["at_risk_customers"] > 0
    assert df["customer_id"].str.fullmatch(r"T\d{5}").all()
    assert df["value_at_risk"].is_monotonic_decreasing
    assert (df["churn_probability"] >= s["threshold"]).all()
    raw, _ = make_telecom_export()
    left = raw.loc[raw["是否流失"].isin(["是", "Yes", "1"]), "客户编号"]
    assert not df["customer_id"].isin(left).any()  # nobody who already left
    monthly = pd.to_numeric(raw.set_index("客户编号")["月费"].str.replace("元", ""), errors="coerce")
    assert df["customer_value"].to_numpy() == pytest.approx(12 * monthly.loc[df["customer_id"]].to_numpy())
    assert df["top_reasons"].str.contains("合约类型|在网月数|客服来电次数").mean() > 0.8
    # no name or phone of the export anywhere in what the run wrote
    written = "".join(p.read_text(encoding="utf-8", errors="ignore")
                      for p in telecom_report.folder.rglob("*") if p.suffix in (".html", ".csv", ".json"))
    assert not any(name in written for name in raw["姓名"].head(200) if len(name) >= 3)
    assert not any(phone in written for phone in raw["手机"].head(200))


def test_telecom_other_pages_say_what_they_need(telecom_report):
    st = telecom_report.status("00_data_quality")
    assert st["status"] == "not_available" and "orders" in st["missing_tables"]

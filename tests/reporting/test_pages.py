"""Index pages and "not available" pages written by the runner (crmkit.reporting.pages)."""

from __future__ import annotations

import json
import re

from crmkit.periods import parse_period
from crmkit.reporting.pages import (
    coverage_text,
    not_available_page,
    period_index_page,
    summary_finding,
    write_reports_index,
)

REMOTE = re.compile(r"""(?:src|href)\s*=\s*['"]?\s*(?:https?:)?//""", re.I)


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_summary_finding_takes_the_first_finding_of_the_notebooks_summary(tmp_path):
    (tmp_path / "summaries").mkdir()
    (tmp_path / "summaries" / "kpi.json").write_text(json.dumps(
        {"findings": ["Revenue was **¥1,234**.", "Orders fell."], "headline": []}), encoding="utf-8")
    (tmp_path / "summaries" / "churn.json").write_text(json.dumps({"at_risk": 3}), encoding="utf-8")
    (tmp_path / "summaries" / "05_clv.json").write_text(json.dumps({"findings": ["By stem."]}))
    (tmp_path / "summaries" / "clv.json").write_text(json.dumps({"findings": ["By area."]}))
    assert summary_finding(tmp_path, "01_kpi_overview") == "Revenue was **¥1,234**."
    assert summary_finding(tmp_path, "05_clv") == "By stem."  # summaries/<stem>.json first
    assert summary_finding(tmp_path, "06_churn") == ""  # a summary without findings
    assert summary_finding(tmp_path, "02_behaviour") == ""  # no summary at all


def test_not_available_page_names_the_missing_tables_offline():
    page = not_available_page(title="Service and satisfaction", missing=["tickets", "surveys"],
                              dataset="cdnow", period="1997-Q4", reports_index_href="../../index.html")
    assert "Not available for this dataset: needs surveys / tickets." in page
    title = _title(page)
    assert "cdnow" in title and "1997-Q4" in title and "Service and satisfaction" in title
    assert "href='index.html'" in page and "href='../../index.html'" in page
    assert not REMOTE.search(page)


def test_coverage_is_stated_in_whole_percent_never_100_for_a_part():
    assert coverage_text(91 / 92, ("2025-10-01", "2025-12-30")) == \
        "data covers 2025-10-01 to 2025-12-30: 99% of the period"
    assert coverage_text(45 / 90, ("2025-01-01", "2025-02-14")).endswith(": 50% of the period")
    assert coverage_text(1 / 365, ("2025-12-31", "2025-12-31")).endswith(": 1% of the period")


def _index(**over):
    args = dict(
        dataset="demo", period=parse_period("2025-Q4"), audience="stakeholder",
        rows=[
            {"title": "Data quality", "status": "ok", "seconds": 8.44, "note": "",
             "finding": "", "href": "00_data_quality.html", "other_href": "teaching/00_data_quality.html"},
            {"title": "KPI overview", "status": "ok", "seconds": 12.0, "note": "",
             "finding": "Revenue was **¥1,234** <script>", "href": "01_kpi_overview.html",
             "other_href": None},
            {"title": "Service", "status": "not_available", "seconds": 0.0,
             "note": "needs surveys / tickets", "finding": "", "href": "07_service.html",
             "other_href": None},
        ],
        kpis=[{"label": "Revenue", "value": "¥1,234", "previous": "¥1,000", "change": "+23.4%",
               "good": True}],
        alerts=["orders: 462 of 2,209 rows (20.9%) were **dropped**."],
        coverage=91 / 92, covered=("2025-10-01", "2025-12-30"),
        prev_href="../2025-Q3/index.html", next_href=None, reports_index_href="../../index.html",
        other_href="teaching/index.html",
        footer={"version": "0.1.0", "fingerprint": "abc", "generated": "2025-12-31 09:00",
                "params_name": "/home/ana/params/demo.yaml", "run_json": "run.json"},
    )
    args.update(over)
    return period_index_page(**args)


def test_period_index_opens_with_alerts_then_kpis_then_the_reports():
    page = _index()
    title = _title(page)
    assert "demo" in title and "2025-Q4" in title
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    where = {k: text.index(k) for k in ("Data alerts", "Headline numbers", "Reports")}
    assert where["Data alerts"] < where["Headline numbers"] < where["Reports"]
    assert "<b>dropped</b>" in page  # Markdown bold in alerts and findings
    assert "Revenue was <b>¥1,234</b> &lt;script&gt;" in page  # and nothing else of the HTML
    assert "data covers 2025-10-01 to 2025-12-30: 99% of the period" in page
    assert "8.4 s" in page and "+23.4% vs previous period (¥1,000)" in page
    # the stakeholder page of a notebook, its teaching version, the neighbours, no local path
    assert "href='00_data_quality.html'" in page and "href='teaching/00_data_quality.html'" in page
    assert "href='../2025-Q3/index.html'" in page and "Next period" not in page
    assert "href='teaching/index.html'" in page and "href='../../index.html'" in page
    assert "demo.yaml" in page and "/home/ana" not in page
    assert not REMOTE.search(page)


def test_period_index_without_alerts_or_kpis_and_fully_covered():
    page = _index(alerts=[], kpis=[], coverage=1.0, other_href=None, audience="teaching")
    assert "Data alerts" not in page and "Headline numbers" not in page
    assert "data covers" not in page and "Teaching version" in page
    assert "(teaching)" in _title(page)


def _publish(reports, dataset, period, audience, notebooks):
    folder = reports / dataset / period / ("teaching" if audience == "teaching" else "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<html></html>")
    (folder / "run.json").write_text(json.dumps({
        "dataset": dataset, "period": period, "period_start": "1997-10-01",
        "period_end": "1997-12-31", "finished": "2025-01-01T10:00:00",
        "notebooks": [{"notebook": n, "status": s} for n, s in notebooks]}))


def test_reports_index_lists_every_period_with_both_versions(tmp_path):
    _publish(tmp_path, "cdnow", "1997-Q4", "stakeholder", [("00", "ok"), ("01", "failed")])
    _publish(tmp_path, "cdnow", "1997-Q4", "teaching", [("00", "ok")])
    _publish(tmp_path, "demo", "2025-Q4", "teaching", [("00", "ok")])
    _publish(tmp_path, "demo", ".staging-2025-Q3-1-abc", "stakeholder", [("00", "ok")])
    _publish(tmp_path, "demo", "_failed", "stakeholder", [("00", "ok")])
    page = write_reports_index(tmp_path).read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>(.*?)</tr>", page)
    assert len(rows) == 2  # staging and failed runs are not listed
    assert "href='cdnow/1997-Q4/index.html'>stakeholder" in rows[0]
    assert "href='cdnow/1997-Q4/teaching/index.html'>teaching" in rows[0]
    assert "1 of 2" in rows[0]  # notebooks rendered in the stakeholder version
    assert "href='demo/2025-Q4/teaching/index.html'>teaching" in rows[1]
    assert "stakeholder" not in rows[1]
    assert "cdnow" in _title(page) and "demo" in _title(page)
    assert not REMOTE.search(page)

"""Notebooks 00 and 01 in the full demo and CDNOW runs (see conftest.demo_report)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.notebooks


def test_demo_run_succeeds(demo_report):
    assert demo_report.returncode == 0, demo_report.stderr[-4000:]


def test_cdnow_run_succeeds(cdnow_report):
    assert cdnow_report.returncode == 0, cdnow_report.stderr[-4000:]


@pytest.mark.parametrize("stem", ["00_data_quality", "01_kpi_overview"])
def test_foundation_notebooks_render(demo_report, cdnow_report, stem):
    demo_report.check(stem)
    # CDNOW arrives clean (no missing values, nothing for cleaning to repair): 00 has no chart
    cdnow_report.check(stem, chart=stem != "00_data_quality")


def test_demo_quality_report_matches_planted_defects(demo_report):
    html = demo_report.check("00_data_quality")
    assert "crmkit-summary" in html and "For workshops" not in html
    # the workshop table (teaching pages) has a match column: every planted defect found exactly
    workshop = demo_report.outputs("00_data_quality", tag="workshop")
    assert "match" in workshop and "False" not in workshop and ">no<" not in workshop


def test_demo_index_headline(demo_report):
    kpi = json.loads(demo_report.file("summaries/kpi.json").read_text())
    labels = [k["label"] for k in kpi["headline"]]
    assert labels[:4] == ["Revenue", "Orders", "Active customers", "New customers"]
    assert "CAC" in labels and "NPS" in labels  # the demo has marketing spend and surveys
    index = demo_report.file("index.html").read_text(encoding="utf-8")
    assert kpi["headline"][0]["value"] in index


def test_reports_never_show_personal_data(demo_report):
    import pandas as pd

    from crmkit.data.bundled import load_demo

    customers = load_demo().customers
    emails = customers["email"].dropna().str.strip().str.lower().head(200)
    phones = customers["phone"].dropna().astype(str).head(200)
    names = customers["name"].dropna().head(200)
    for html_file in demo_report.folder.glob("*.html"):
        text = html_file.read_text(encoding="utf-8").lower()
        for values in (emails, phones, names.str.lower()):
            leaked = [v for v in values if isinstance(v, str) and len(v) > 5 and v in text]
            assert not leaked, f"{html_file.name} shows personal data: {leaked[:3]}"
    assert isinstance(customers, pd.DataFrame)


def test_run_log_says_only_what_happened(demo_report, cdnow_report):
    """No kernel shutdown noise ("ERROR | KeyboardInterrupt caught in kernel") and no
    papermill warning about a parameters cell in a successful run's output."""
    for report in (demo_report, cdnow_report):
        assert report.returncode == 0, report.stderr[-3000:]
        for noise in ("IPKernelApp", "ERROR", "Unable to parse", "Traceback", "Warning"):
            assert noise not in report.stderr, report.stderr[-3000:]
        assert "done:" in report.stderr


def test_index_colours_good_news_green(demo_report):
    """A fall in CAC is good news: the index colours each change by whether it is good."""
    import json
    import re

    kpi = json.loads(demo_report.file("summaries/kpi.json").read_text(encoding="utf-8"))
    index = demo_report.file("index.html").read_text(encoding="utf-8")
    cards = dict(re.findall(r"<div class='label'>([^<]+)</div><div class='value'>[^<]*</div>"
                            r"<div class='change ([a-z]*)'>", index))
    for k in kpi["headline"]:
        want = "" if k["good"] is None else "up" if k["good"] else "down"
        assert cards[k["label"]] == want, k
    assert {k["kpi"]: k["good"] for k in kpi["headline"]}.get("cac") is not None

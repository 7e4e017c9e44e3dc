"""The index pages of real runs (the session renders of tests/conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crmkit.reporting.pages import markdown_inline, summary_finding

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]
REMOTE = re.compile(r"https?://|(?:src|href)\s*=\s*['\"]?//", re.I)


def _body_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])


def test_demo_index_opens_with_alerts_then_kpis_then_each_report_and_its_finding(demo_report, demo_prepared):
    from crmkit.analysis.quality import load_alerts

    folder = demo_report.folder
    page = (folder / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert "demo" in title and "2025-Q4" in title
    # the demo export is dated 2025-12-31, its last order is on the 30th
    assert "data covers 2025-10-01 to 2025-12-30: 99% of the period" in page

    prep = demo_prepared
    alerts = load_alerts(prep.cleaning_log, prep.profile, currency=prep.dataset.currency)
    for alert in alerts:
        assert markdown_inline(alert) in page
    text = _body_text(page)
    headline = json.loads((folder / "summaries" / "kpi.json").read_text(encoding="utf-8"))["headline"]
    assert headline, "the KPI notebook wrote no headline numbers"
    first_kpi = text.index(headline[0]["label"])
    assert first_kpi < text.index("Reports")
    if alerts:
        assert text.index("Data alerts") < first_kpi
    else:
        assert "Data alerts" not in text

    with_findings = 0
    for n in demo_report.manifest["notebooks"]:
        row = re.search(rf"<tr><td><a href='{n['notebook']}\.html'>.*?</tr>", page, re.S)
        assert row, f"no row for {n['notebook']}"
        assert n["status"] in row.group(0).replace("_", " ")
        finding = summary_finding(folder, n["notebook"])
        if finding:
            with_findings += 1
            assert markdown_inline(finding) in row.group(0)
    assert with_findings >= 1  # at least the KPI overview states its top finding

    for link in re.findall(r"href='([^']+)'", page):
        assert (folder / link).resolve().is_file(), f"index links to missing {link}"


@pytest.mark.parametrize("fixture", ["demo_report", "cdnow_report"])
def test_pages_written_by_the_runner_load_nothing_remote(request, fixture):
    rendered = request.getfixturevalue(fixture)
    folder = rendered.folder
    reports = folder.parents[1]
    pages = [folder / "index.html", reports / "index.html"]
    pages += [folder / f"{n['notebook']}.html" for n in rendered.manifest["notebooks"]
              if n["status"] == "not_available"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not REMOTE.search(html), f"{page.name}: {REMOTE.search(html).group(0)}"
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        assert rendered.manifest["dataset"] in title
    top = (reports / "index.html").read_text(encoding="utf-8")
    period = rendered.manifest["period"]
    assert f"href='{rendered.manifest['dataset']}/{period}/index.html'>stakeholder" in top

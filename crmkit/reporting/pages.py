"""The pages the runner writes itself: period indexes, the reports index, "not available".

A report folder ``reports/<dataset>/<period>/`` holds the stakeholder pages and
``index.html``; ``teaching/`` inside it holds the teaching pages and their own
``index.html``. Both indexes show the same thing, with links relative to their folder:

1. data alerts of the data-quality step (rows dropped, revenue in unmapped statuses, ...);
2. the headline KPIs of the period (``summaries/kpi.json``);
3. one row per notebook: its stakeholder and teaching pages, status, time and its top
   finding (the first item of ``"findings"`` in ``summaries/<name>.json``).

``reports/index.html`` lists every dataset and period with links to both versions.
Every page is one file with an inline style sheet (the report pages' own, when the
template is installed): nothing is loaded from the network.
"""

from __future__ import annotations

import html
import json
import os
import re
import uuid
from pathlib import Path

__all__ = [
    "AUDIENCE_FOLDERS",
    "coverage_text",
    "markdown_inline",
    "not_available_page",
    "period_index_page",
    "reports_index_page",
    "summary_finding",
    "write_reports_index",
]

AUDIENCE_FOLDERS = {"stakeholder": "", "teaching": "teaching"}
"""Sub-folder of a period's report folder that holds each audience's pages."""

_TEMPLATE_CSS = Path(__file__).resolve().parent / "templates" / "crmkit" / "static" / "crmkit.css"
_INDEX_CSS = """
.crmkit-header h1{font-size:1.9rem;margin:.3rem 0 .4rem}
main h2{font-size:1.3rem;margin:1.4rem 0 .6rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.8rem;margin:1rem 0}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:.8rem 1rem}
.card .label{font-size:.85rem;color:#52606d}.card .value{font-size:1.5rem;font-weight:600}
.card .change{font-size:.85rem}.up{color:#2f8132}.down{color:#ba2525}
table.crmkit-list{border-collapse:collapse;width:100%;font-size:.92rem}
table.crmkit-list th,table.crmkit-list td{text-align:left;padding:.45rem .6rem;
border-bottom:1px solid #e4e7eb;vertical-align:top}
table.crmkit-list td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{border-radius:4px;padding:.1rem .45rem;font-size:.8rem;color:#fff;white-space:nowrap}
.badge.ok{background:#2f8132}.badge.failed{background:#ba2525}.badge.not_available{background:#7b8794}
.alerts{background:#fdf3e7;border-left:6px solid #c46a0a;border-radius:8px;padding:.4rem 1.2rem;margin:1rem 0}
.alerts h2{margin:.5rem 0 .3rem;font-size:1.1rem}.alerts li{margin:.2rem 0}
.finding{color:#323f4b}.note{color:#7b8794;font-size:.85rem}
"""
_FALLBACK_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans SC",sans-serif;
margin:0;color:#1f2933;background:#f5f7fa;line-height:1.5}
.crmkit-header,main,.crmkit-footer{max-width:1040px;margin:0 auto;padding:0 1.5rem}
main{background:#fff;border:1px solid #e4e7eb;border-radius:10px;padding:.5rem 2rem 1.5rem}
.crmkit-nav{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.9rem;padding-top:1rem}
.crmkit-context{color:#52606d}.crmkit-coverage{color:#8a4b08}
.crmkit-footer{color:#7b8794;font-size:.8rem;padding:.8rem 1.5rem 2rem}
"""


def _css() -> str:
    try:
        base = _TEMPLATE_CSS.read_text(encoding="utf-8")
    except OSError:
        base = _FALLBACK_CSS
    return base + _INDEX_CSS


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def markdown_inline(text: str) -> str:
    """Render a one-line Markdown finding as HTML: escape, ``**bold**``, ```code```.

    Examples
    --------
    >>> markdown_inline("Revenue rose **12%** to <b>?</b> in `2025-Q4`")
    'Revenue rose <b>12%</b> to &lt;b&gt;?&lt;/b&gt; in <code>2025-Q4</code>'
    """
    out = html.escape(str(text), quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _page(title: str, header: str, body: str, footer: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_css()}</style></head>"
            f"<body class='crmkit-page crmkit-index'><header class='crmkit-header'>{header}</header>"
            f"<main id='content'>{body}</main>"
            f"<footer class='crmkit-footer'>{footer}</footer></body></html>\n")


def _nav(links: list[tuple[str, str, str]]) -> str:
    """``links``: (href, text, css class) with None hrefs left out."""
    items = "".join(f"<a class='{cls}' href='{_e(href)}'>{_e(text)}</a>"
                    for href, text, cls in links if href)
    return f"<nav class='crmkit-nav' aria-label='Other reports'>{items}</nav>"


# --------------------------------------------------------------------------- summaries
def summary_finding(folder: str | Path, stem: str) -> str:
    """Return a notebook's top finding: the first item of ``findings`` in its summary file.

    The summary is ``summaries/<stem>.json`` (``01_kpi_overview``), or the name without
    its number (``kpi_overview``) or the first word of that (``kpi``: the name a
    notebook gives :meth:`crmkit.reporting.notebook.Session.save_summary`). Empty when
    there is none.
    """
    name = stem[3:] if re.match(r"\d\d_", stem) else stem
    for cand in dict.fromkeys((stem, name, name.split("_")[0])):
        path = Path(folder) / "summaries" / f"{cand}.json"
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ""
        findings = data.get("findings") if isinstance(data, dict) else None
        if isinstance(findings, list) and findings and isinstance(findings[0], str):
            return findings[0]
        return ""
    return ""


# --------------------------------------------------------------------------- pages
def not_available_page(*, title: str, missing: list[str], dataset: str, period: str,
                       index_href: str = "index.html", reports_index_href: str = "") -> str:
    """The page of a notebook whose tables the dataset does not have.

    Examples
    --------
    >>> page = not_available_page(title="Service", missing=["tickets", "surveys"],
    ...                           dataset="cdnow", period="1997-Q4")
    >>> "Not available for this dataset: needs surveys / tickets" in page
    True
    """
    header = (_nav([(index_href, f"← All reports for {dataset} · {period}", "crmkit-nav-index"),
                    (reports_index_href, "All datasets and periods", "crmkit-nav-all")])
              + f"<p class='crmkit-context'><b>{_e(dataset)}</b> · <b>{_e(period)}</b></p>"
              f"<h1>{_e(title)}</h1>")
    needs = " / ".join(sorted(missing))
    body = (f"<p>Not available for this dataset: needs {_e(needs)}.</p>"
            f"<p>This report needs the {_e(' and '.join(sorted(missing)))} table"
            f"{'s' if len(missing) > 1 else ''}: add {'them' if len(missing) > 1 else 'it'} "
            "to the params file (<code>tables:</code>) to get it.</p>")
    return _page(f"{title} · {dataset} · {period}", header, body)


def coverage_text(coverage: float, covered: tuple[str, str]) -> str:
    """Say how much of a period the data covers.

    A period covered in part never reads "100%" (nor a covered sliver "0%").

    Examples
    --------
    >>> coverage_text(91 / 92, ("2025-10-01", "2025-12-30"))
    'data covers 2025-10-01 to 2025-12-30: 99% of the period'
    >>> coverage_text(364 / 365, ("2025-01-01", "2025-12-30"))
    'data covers 2025-01-01 to 2025-12-30: 99% of the period'
    """
    share = round(100 * coverage)
    if 0 < coverage < 1:
        share = min(max(share, 1), 99)
    return f"data covers {covered[0]} to {covered[1]}: {share}% of the period"


def _kpi_cards(kpis: list[dict]) -> str:
    cards = ""
    for k in kpis:
        ch = str(k.get("change", "–"))
        good = k.get("good")
        cls = "" if good is None else "up" if good else "down"
        cards += (f"<div class='card'><div class='label'>{_e(k.get('label', ''))}</div>"
                  f"<div class='value'>{_e(k.get('value', ''))}</div>"
                  f"<div class='change {cls}'>{_e(ch)} vs previous period "
                  f"({_e(k.get('previous', '–'))})</div></div>")
    return f"<h2>Headline numbers</h2><div class='cards'>{cards}</div>" if cards else ""


def _alerts(alerts: list[str]) -> str:
    if not alerts:
        return ""
    items = "".join(f"<li>{markdown_inline(a)}</li>" for a in alerts)
    return (f"<section class='alerts' aria-label='Data alerts'><h2>Data alerts</h2>"
            f"<ul>{items}</ul></section>")


def period_index_page(*, dataset: str, period, audience: str, rows: list[dict],
                      kpis: list[dict], alerts: list[str], coverage: float,
                      covered: tuple[str, str], prev_href: str | None, next_href: str | None,
                      reports_index_href: str, other_href: str | None, footer: dict) -> str:
    """The index of one period's report, for the folder of ``audience``.

    Parameters
    ----------
    dataset : str
    period : crmkit.periods.Period
    audience : {"stakeholder", "teaching"}
        Whose folder the page is written to (the links are relative to it).
    rows : list of dict
        One per notebook: ``title``, ``status``, ``seconds``, ``note`` (text),
        ``finding`` (Markdown), ``href`` (this audience's page or None) and
        ``other_href`` (the other audience's page or None).
    kpis : list of dict
        Headline KPIs (``label``, ``value``, ``previous``, ``change``, ``good``).
    alerts : list of str
        Data alerts (Markdown), shown first.
    coverage : float
        Share of the period covered by the data; below 1 the page says so.
    covered : (str, str)
        First and last day of the period the data covers.
    prev_href, next_href : str or None
        The previous / next period's index, when published.
    reports_index_href : str
        ``reports/index.html``.
    other_href : str or None
        The other audience's index of this period.
    footer : dict
        ``version``, ``fingerprint``, ``generated``, ``params_name``, ``run_json``.
    """
    other = "teaching" if audience == "stakeholder" else "stakeholder"
    sub = (f"{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}, compared with "
           f"{period.previous().label}")
    cover = (f"<p class='crmkit-coverage'>{_e(coverage_text(coverage, covered))}</p>"
             if coverage < 1 else "")
    header = (_nav([(prev_href, "‹ Previous period", "crmkit-nav-prev"),
                    (next_href, "Next period ›", "crmkit-nav-next"),
                    (other_href, f"{other.capitalize()} version of this index", "crmkit-nav-other"),
                    (reports_index_href, "All datasets and periods", "crmkit-nav-all")])
              + f"<h1>{_e(dataset)} · {_e(period.label)}</h1>"
              f"<p class='crmkit-context'>{_e(sub)} · "
              f"<span class='crmkit-audience'>{audience.capitalize()} version</span></p>{cover}")
    lines = ""
    for r in rows:
        link = (f"<a href='{_e(r['href'])}'>{_e(r['title'])}</a>" if r.get("href")
                else _e(r["title"]))
        if r.get("other_href"):
            link += f" · <a class='note' href='{_e(r['other_href'])}'>{other} version</a>"
        status = str(r.get("status", ""))
        seconds = r.get("seconds")
        took = f"{seconds:.1f} s" if seconds and status == "ok" else ""
        finding = (f"<div class='finding'>{markdown_inline(r['finding'])}</div>"
                   if r.get("finding") else "")
        note = f"<div class='note'>{_e(r['note'])}</div>" if r.get("note") else ""
        lines += (f"<tr><td>{link}</td><td><span class='badge {_e(status)}'>"
                  f"{_e(status.replace('_', ' '))}</span></td><td class='num'>{took}</td>"
                  f"<td>{finding}{note}</td></tr>")
    body = (_alerts(alerts) + _kpi_cards(kpis)
            + "<h2>Reports</h2><table class='crmkit-list'><thead><tr><th>Report</th>"
              "<th>Status</th><th>Time</th><th>Top finding</th></tr></thead>"
            f"<tbody>{lines}</tbody></table>")
    foot = (f"crmkit {_e(footer.get('version', ''))} · params <code>"
            f"{_e(Path(str(footer.get('params_name', ''))).name)}</code> · data fingerprint "
            f"{_e(footer.get('fingerprint', ''))} · generated {_e(footer.get('generated', ''))}"
            + (f" · <a href='{_e(footer['run_json'])}'>run.json</a>" if footer.get("run_json") else ""))
    return _page(f"{dataset} {period.label} · crmkit reports"
                 + (" (teaching)" if audience == "teaching" else ""), header, body, foot)


def reports_index_page(entries: list[dict]) -> str:
    """``reports/index.html``: one row per dataset and period.

    Parameters
    ----------
    entries : list of dict
        ``dataset``, ``period``, ``dates``, ``stakeholder`` and ``teaching`` (relative
        links to each version's index, or None), ``rendered`` (text), ``generated``.
    """
    rows = ""
    for e in entries:
        versions = " · ".join(f"<a href='{_e(e[a])}'>{a}</a>" for a in ("stakeholder", "teaching")
                              if e.get(a))
        rows += (f"<tr><td>{_e(e['dataset'])}</td><td>{_e(e['period'])}</td>"
                 f"<td>{_e(e.get('dates', ''))}</td><td>{versions}</td>"
                 f"<td>{_e(e.get('rendered', ''))}</td><td>{_e(e.get('generated', ''))}</td></tr>")
    datasets = sorted({e["dataset"] for e in entries})
    header = ("<h1>crmkit reports</h1><p class='crmkit-context'>"
              + (_e(", ".join(datasets)) if datasets else "no reports yet") + "</p>")
    body = ("<table class='crmkit-list'><thead><tr><th>Dataset</th><th>Period</th><th>Dates</th>"
            "<th>Versions</th><th>Reports rendered</th><th>Generated</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
    return _page("crmkit reports: " + (", ".join(datasets) or "none"), header, body)


def write_reports_index(reports_dir: str | Path) -> Path:
    """Write ``reports/index.html``: every dataset and period with a published report."""
    reports_dir = Path(reports_dir)
    found: dict[tuple[str, str], dict] = {}
    for run in sorted(reports_dir.glob("*/*/run.json")) + sorted(reports_dir.glob("*/*/teaching/run.json")):
        audience = "teaching" if run.parent.name == "teaching" else "stakeholder"
        folder = run.parent.parent if audience == "teaching" else run.parent
        if folder.name.startswith((".", "_")) or folder.parent.name.startswith((".", "_")):
            continue
        try:
            m = json.loads(run.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rel = folder.relative_to(reports_dir).as_posix()
        e = found.setdefault((folder.parent.name, folder.name), {
            "dataset": m.get("dataset", folder.parent.name), "period": m.get("period", folder.name),
            "dates": f"{m.get('period_start', '')} to {m.get('period_end', '')}",
            "stakeholder": None, "teaching": None, "rendered": "", "generated": ""})
        sub = AUDIENCE_FOLDERS[audience]
        index = folder / sub / "index.html"
        if index.is_file():
            e[audience] = f"{rel}/{sub + '/' if sub else ''}index.html"
        nbs = m.get("notebooks", [])
        if audience == "stakeholder" or not e["rendered"]:
            e["rendered"] = f"{sum(n.get('status') == 'ok' for n in nbs)} of {len(nbs)}"
        e["generated"] = max(e["generated"], str(m.get("finished", "")))
    entries = [found[k] for k in sorted(found)]
    out = reports_dir / "index.html"
    tmp = out.with_name(f".index.html.tmp-{uuid.uuid4().hex[:6]}")
    tmp.write_text(reports_index_page(entries), encoding="utf-8")
    os.replace(tmp, out)
    return out

"""The rendered reports opened in headless Chromium, as a reader would open them.

For the index and every page of the demo (2025-Q4) and CDNOW (1997-Q4) reports:
no request leaves the machine, no console error, every image loads and has a
description, a notebook page opens with its summary box and has a "What to do"
section (it ends in an action), and the visible text shows
no ``True``/``False``, pandas dtype or ``Traceback``. A full-page screenshot of each
page goes to ``reports/.screenshots/<dataset>/`` for review.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the Playwright
driver (``pip install playwright``; it is pointed at that Chromium, so no browser is
downloaded). Without them the tests are skipped and say so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "reports" / ".screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
NO_DESCRIPTION = {"", "Chart", "No description has been provided for this image",
                  "Chart (no title was recorded for it)"}
# whole words a reader should never see; "object" only where a dtype would be (a table cell)
VISIBLE_WORDS = re.compile(r"\b(True|False|float64|float32|int64|int32|datetime64(?:\[ns\])?|"
                           r"Traceback)\b|dtype:")

_PAGE_FACTS = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('.jp-InputArea-editor, details:not([open]) > :not(summary)')
       .forEach(el => el.remove());  // code on teaching pages, folded method detail
  const holder = document.createElement('div');
  holder.style.position = 'absolute'; holder.style.left = '-99999px';
  holder.appendChild(clone); document.body.appendChild(holder);
  const text = clone.innerText; holder.remove();
  const main = document.querySelector('body.crmkit-page > main');
  const first = main ? main.firstElementChild : null;
  return {
    crmkit: document.body.classList.contains('crmkit-page'),
    title: document.title,
    headerBeforeMain: !!document.querySelector('body.crmkit-page > header.crmkit-header + main'),
    first: first ? (first.tagName.toLowerCase() + '.' + Array.from(first.classList).join('.')) : null,
    images: Array.from(document.images).map(i => ({
      alt: i.getAttribute('alt'), loaded: i.complete && i.naturalWidth > 0,
      src: i.getAttribute('src').slice(0, 40)})),
    actionHeading: Array.from(document.querySelectorAll('main h2'))
      .some(h => h.innerText.trim().startsWith('What to do')),
    objectCells: Array.from(document.querySelectorAll('td, th'))
      .filter(c => c.innerText.trim() === 'object').length,
    text: text,
  };
}"""


def _chromium() -> str | None:
    for candidate in (os.environ.get("CRMKIT_CHROMIUM"), shutil.which("chromium"),
                      "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (fresh profile) driven by Playwright; skipped when missing."""
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium is not installed: `apt-get install -y chromium` (Debian/Ubuntu, as "
                    "root) lets the browser check of the report pages run")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the Playwright driver is missing: `pip install playwright` (no browser "
                    "download: the tests use the system Chromium)")
    with tempfile.TemporaryDirectory(prefix="crmkit-chromium-") as profile, \
            sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900}, service_workers="block")
        try:
            yield context
        finally:
            context.close()


def _open(context, path: Path, shot: Path) -> tuple[dict, list[str]]:
    """Open one page; return its facts and the problems seen while loading it."""
    problems: list[str] = []
    page = context.new_page()

    def on_request(request):
        if not request.url.startswith(LOCAL_SCHEMES):
            problems.append(f"request to {request.url[:100]}")

    def block_remote(route):
        problems.append(f"request to {route.request.url[:100]}")
        route.abort()

    page.on("request", on_request)
    page.route(re.compile(r"^(https?|wss?|ftp)://"), block_remote)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text[:200]}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=60_000)
        facts = page.evaluate(_PAGE_FACTS)
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    return facts, sorted(set(problems))


def _page_problems(facts: dict, *, notebook_page: bool) -> list[str]:
    problems = []
    for image in facts["images"]:
        if not image["loaded"]:
            problems.append(f"image did not load ({image['src']}...)")
        if (image["alt"] or "").strip() in NO_DESCRIPTION:
            problems.append(f"image without a description (alt={image['alt']!r})")
    words = sorted({m.group(0) for m in VISIBLE_WORDS.finditer(facts["text"])})
    if words:
        problems.append(f"visible text shows {', '.join(words)}")
    if facts["objectCells"]:
        problems.append(f"{facts['objectCells']} table cell(s) show the dtype 'object'")
    if notebook_page:
        if not facts["crmkit"] or not facts["headerBeforeMain"]:
            problems.append("not a crmkit report page (no header before the main content)")
        elif not (facts["first"] or "").startswith("section.crmkit-summary"):
            problems.append(f"the first block after the header is {facts['first']}, "
                            "not the summary box")
        if not facts["actionHeading"]:
            problems.append("no 'What to do' section: the page ends in no action")
    return problems


def _check_report(report, browser) -> dict[str, list[str]]:
    """Open the index and every page of a rendered report; return the problems per page."""
    assert report.manifest, f"the report did not render:\n{report.stderr[-3000:]}"
    dataset = report.manifest["dataset"]
    found: dict[str, list[str]] = {}
    opened = 0
    folders = [report.folder] + [f for f in (report.folder / "teaching",) if f.is_dir()]
    for folder in folders:
        manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        pages = {"index.html": False}
        for entry in manifest["notebooks"]:
            for name in entry["html"]:
                pages[name] = entry["status"] == "ok"
        prefix = "" if folder == report.folder else f"{folder.name}-"
        for name, notebook_page in pages.items():
            path = folder / name
            key = f"{prefix}{name}"
            if not path.exists():
                found[key] = ["listed in run.json but missing"]
                continue
            facts, problems = _open(browser, path, SCREENSHOTS / dataset / f"{prefix}{path.stem}.png")
            opened += 1
            problems += _page_problems(facts, notebook_page=notebook_page)
            if notebook_page and dataset not in facts["title"]:
                problems.append(f"tab title {facts['title']!r} does not name the dataset")
            if problems:
                found[key] = problems
    assert opened >= 2, "no page was opened"
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(problems) for page, problems in found.items())


def test_demo_pages_in_a_real_browser(demo_report, browser):
    found = _check_report(demo_report, browser)
    assert not found, "\n" + _report(found)


def test_cdnow_pages_in_a_real_browser(cdnow_report, browser):
    found = _check_report(cdnow_report, browser)
    assert not found, "\n" + _report(found)

"""The pages of the bundled reports: offline, light, described (see conftest.demo_report)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.notebooks

MAX_PAGE_BYTES = 1_500_000
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


def _pages(report):
    folder = report.folder
    pages = sorted(folder.glob("*.html")) + sorted((folder / "teaching").glob("*.html"))
    assert pages, f"no pages in {folder}:\n{report.stderr[-3000:]}"
    return pages


def _remote_references(soup) -> list[str]:
    found = []
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                      ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data")):
        for el in soup.find_all(tag):
            if REMOTE.match(str(el.get(attr, ""))):
                found.append(f"<{tag} {attr}={el.get(attr)}>")
    for style in soup.find_all("style"):
        css = style.get_text()
        found += [f"CSS {m.group(0)}" for m in re.finditer(r"@import[^;]*|url\(\s*['\"]?(https?:)?//[^)]*\)", css)]
    for el in soup.find_all(style=True):
        if re.search(r"url\(\s*['\"]?(https?:)?//", el["style"]):
            found.append(f"inline style {el['style'][:80]}")
    return found


@pytest.mark.parametrize("name", ["demo_report", "cdnow_report"])
def test_pages_reference_nothing_remote_and_stay_light(name, request):
    report = request.getfixturevalue(name)
    problems = []
    for page in _pages(report):
        size = page.stat().st_size
        if size > MAX_PAGE_BYTES:
            problems.append(f"{page.name}: {size / 1e6:.2f} MB")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        problems += [f"{page.name}: {r}" for r in _remote_references(soup)]
        # no MathJax / require.js configuration left behind either
        problems += [f"{page.name}: script" for s in soup.find_all("script")
                     if "MathJax" in s.get_text() or "require" in s.get_text()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["demo_report", "cdnow_report"])
def test_every_chart_has_a_description(name, request):
    report = request.getfixturevalue(name)
    missing = []
    charts = 0
    for page in _pages(report):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for img in soup.find_all("img"):
            charts += 1
            alt = (img.get("alt") or "").strip()
            if not alt.startswith("Chart: ") or "No description" in alt:
                missing.append(f"{page.name}: alt={alt!r}")
    assert charts > 10
    assert not missing, "\n".join(missing)

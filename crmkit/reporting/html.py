"""Export an executed notebook to a report page: :func:`export_html`.

A page is JupyterLab's cell markup in crmkit's nbconvert template
(``templates/crmkit``): a header with the dataset, period and report name and links
to the period's index, to all reports and to the same report in the previous and
next period; the summary box first; a table of contents on long pages; a footer with
the crmkit version, the params file's *name* and the time the page was made. Pages
load nothing from the network (no require.js, MathJax or web fonts) and carry one
small style sheet, so each page is a single file that opens from disk.

Cell tags decide what a reader sees (:func:`prepare_notebook`):

============================  ===============================  ===============================
tag                           stakeholder page                 teaching page
============================  ===============================  ===============================
``summary``                   moved after the title, boxed     moved after the title, boxed
``method``                    folded into "Method details"     shown
``workshop``                  removed                          shown only with planted truth
``parameters``,               removed                          shown (absolute paths removed)
``injected-parameters``
``remove-cell``               removed                          removed
``hide-input``                code hidden (all code is)        code hidden
============================  ===============================  ===============================

Stakeholder pages show no code and no prompts. Chart images get the alt text that
:func:`crmkit.plots.set_theme` records with each figure (its titles and axis labels).
"""

from __future__ import annotations

import base64
import copy
import io
import os
import re
from functools import lru_cache
from pathlib import Path, PureWindowsPath

import nbformat

from .. import __version__

__all__ = [
    "export_html",
    "prepare_notebook",
    "render_html",
    "scrub_parameters",
    "AUDIENCE_LABELS",
    "MISSING_ALT",
    "TEMPLATE_DIR",
]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
"""Folder of crmkit's nbconvert templates (``crmkit/``)."""

AUDIENCE_LABELS = {"stakeholder": "Stakeholder version", "teaching": "Teaching version"}
"""What the header and footer call each audience's page."""

MISSING_ALT = "Chart (no title was recorded for it)"
"""Alt text of an image whose figure carried none (a chart drawn before ``set_theme``)."""

TOC_MIN_SECTIONS = 3
"""A page gets a table of contents from this many sections (h2 headings) on."""

_REQUIRED = ("dataset", "period", "title", "index_href", "reports_index_href", "params_name",
             "has_truth", "generated")
_OPTIONAL = {"period_start": "", "period_end": "", "prev_href": None, "next_href": None,
             "coverage": None, "data_end": None}
_ASSIGNMENT = re.compile(r"""^(?P<name>\w+)\s*=\s*(?P<q>['"])(?P<value>.*)(?P=q)\s*(?:#.*)?$""")


# --------------------------------------------------------------------------- cells
MINOR_GAP = 0.95
"""A period covered at least this much gets a plain note instead of a warning."""


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _is_absolute(path: str) -> bool:
    return os.path.isabs(path) or PureWindowsPath(path).is_absolute()


def scrub_parameters(source: str) -> str:
    """Remove local paths from a parameters cell's source.

    A string value that is an absolute path is replaced by its file name when it
    names a file (``/home/ana/params/demo.yaml`` -> ``demo.yaml``); a line whose value
    is an absolute folder (a run's scratch or staging folder) is dropped. Other lines
    are kept as they are.

    Examples
    --------
    >>> print(scrub_parameters('params_file = "/tmp/x/demo.yaml"\\noutput_dir = "/tmp/run-1"\\nperiod = "2025-Q4"'))
    params_file = "demo.yaml"
    period = "2025-Q4"
    """
    lines = []
    for line in source.splitlines():
        m = _ASSIGNMENT.match(line.strip())
        if m and _is_absolute(m["value"]):
            name = PureWindowsPath(m["value"]).name if "\\" in m["value"] else Path(m["value"]).name
            if "." not in name.strip("."):
                continue  # a folder: nothing a reader can use
            line = f'{m["name"]} = {m["q"]}{name}{m["q"]}'
        lines.append(line)
    return "\n".join(lines)


def prepare_notebook(nb, *, audience: str, has_truth: bool, title: str = ""):
    """Return a copy of an executed notebook arranged for one audience's page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (left unchanged).
    audience : {"stakeholder", "teaching"}
    has_truth : bool
        Whether the dataset has planted truth; ``workshop`` cells need it.
    title : str, default ""
        Report name; used as the page title when the notebook has no Markdown title cell.

    Returns
    -------
    nbformat.NotebookNode
        Cells in page order: the title (a Markdown cell, ``crmkit_page.title``), the
        ``summary`` cells, then the rest. Cells that open or close a wrapper carry
        ``metadata.crmkit_page.open`` / ``close`` lists (``"summary"``; ``"method"``
        for a fold on stakeholder pages, ``"method-open"`` on teaching pages).
    """
    if audience not in AUDIENCE_LABELS:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCE_LABELS)}, got {audience!r}")
    nb = copy.deepcopy(nb)
    drop = {"remove-cell"}
    if audience == "stakeholder":
        drop |= {"parameters", "injected-parameters", "workshop"}
    elif not has_truth:
        drop.add("workshop")
    cells = [c for c in nb.cells if not _tags(c) & drop]
    for c in cells:
        c.metadata.pop("crmkit_page", None)
        if "injected-parameters" in _tags(c):
            c.source = scrub_parameters(c.source)
        if "hide-input" in _tags(c):
            c.metadata["transient"] = {"remove_source": True}

    title_at = next((i for i, c in enumerate(cells)
                     if c.cell_type == "markdown" and c.source.lstrip().startswith("# ")), None)
    if title_at is None:
        title_at = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"), None)
    if title_at is None:
        title_cell = nbformat.v4.new_markdown_cell(f"# {title or 'Report'}")
    else:
        title_cell = cells.pop(title_at)
    summary = [c for c in cells if "summary" in _tags(c)]
    rest = [c for c in cells if "summary" not in _tags(c)]
    title_cell.metadata["crmkit_page"] = {"title": True}
    nb.cells = [title_cell, *summary, *rest]

    _wrap_runs(nb.cells, lambda c: "summary" in _tags(c), "summary")
    method = "method" if audience == "stakeholder" else "method-open"
    _wrap_runs(nb.cells, lambda c: "method" in _tags(c) and "summary" not in _tags(c), method)
    return nb


def _wrap_runs(cells, member, kind: str) -> None:
    """Mark the first and last cell of each contiguous run of ``member`` cells.

    A run that starts with a Markdown heading is labelled with it (the fold's title).
    """
    previous = False
    for i, cell in enumerate(cells):
        inside = member(cell)
        if inside and not previous:
            role = cell.metadata.setdefault("crmkit_page", {})
            role.setdefault("open", []).append(kind)
            heading = re.match(r"#{1,4}\s+(.+)", cell.source.lstrip()) if cell.cell_type == "markdown" else None
            if heading:
                role["label"] = re.sub(r"^\d+\.\s*", "", heading.group(1).strip())
        if inside and (i + 1 == len(cells) or not member(cells[i + 1])):
            cell.metadata.setdefault("crmkit_page", {}).setdefault("close", []).append(kind)
        previous = inside


# --------------------------------------------------------------------------- page
def _page_facts(page: dict, audience: str) -> dict:
    if audience not in AUDIENCE_LABELS:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCE_LABELS)}, got {audience!r}")
    missing = [k for k in _REQUIRED if k not in page]
    if missing:
        raise ValueError(f"export_html: page is missing {', '.join(missing)}")
    facts = {**_OPTIONAL, **page}
    facts["params_name"] = Path(str(facts["params_name"])).name  # never a local path
    facts["audience"] = audience
    facts["audience_label"] = AUDIENCE_LABELS[audience]
    facts["tab_title"] = f"{facts['title']} · {facts['dataset']} · {facts['period']}"
    facts["version"] = __version__
    facts["missing_alt"] = MISSING_ALT
    coverage = facts.get("coverage")
    facts["coverage_note"] = ""
    facts["coverage_minor"] = False
    if coverage is not None and coverage < 1:
        from ..fmt import pct

        end = facts.get("data_end")
        until = f" (data up to {end})" if end else ""
        if coverage >= MINOR_GAP:
            # a day or two short of the period end: say so, without alarm
            facts["coverage_minor"] = True
            facts["coverage_note"] = f"The data cover {pct(coverage)} of this period{until}."
        else:
            facts["coverage_note"] = (f"The data cover only {pct(coverage)} of this period{until}: "
                                      "figures for the period are partial.")
    return facts


def _exporter_class():
    """nbconvert's HTML exporter, with Markdown read as plain Markdown (no TeX maths).

    Pages load no MathJax (they must work offline and notebooks use no formulas), and
    with maths parsing on, two dollar amounts in one sentence ("$1,234 ... $56") were
    read as a formula: the text between them lost its Markdown (bold stayed ``**``).
    """
    import mistune
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class CrmkitHTMLExporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = IPythonRenderer(
                escape=False, attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer, block=mistune.BlockParser(),
                                    inline=mistune.InlineParser(hard_wrap=False)).render(source)

    return CrmkitHTMLExporter


@lru_cache(maxsize=2)
def _exporter(audience: str):
    """The nbconvert exporter of one audience (made once per process: compiling the
    templates takes longer than rendering a page)."""
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    c.HTMLExporter.template_name = "crmkit"
    c.HTMLExporter.embed_images = True
    # plain Pygments colours: JupyterLab's code style needs JupyterLab's CSS variables
    c.CSSHTMLHeaderPreprocessor.style = "default"
    if audience == "stakeholder":
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
    return _exporter_class()(config=c)


def render_html(nb, *, audience: str, page: dict) -> str:
    """Render a notebook prepared by :func:`prepare_notebook` into a page (HTML text).

    Parameters
    ----------
    nb : nbformat.NotebookNode
    audience : {"stakeholder", "teaching"}
    page : dict
        See :func:`export_html`.

    Returns
    -------
    str
    """
    facts = _page_facts(page, audience)
    exporter = _exporter(audience)
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": facts["title"]}, "crmkit": facts})
    return _finish_page(body)


def _finish_page(html: str) -> str:
    """Add what needs the whole page: the table of contents and the CJK glyphs it uses."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    main = soup.find("main")
    if main is not None:
        _add_contents(soup, main)
    face = _cjk_font_face(soup.body.get_text() if soup.body else "")
    if face and soup.head is not None:
        style = soup.new_tag("style", attrs={"id": "crmkit-cjk-font"})
        style.string = face
        soup.head.append(style)
    return str(soup)


_CJK = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def _cjk_font_face(text: str) -> str:
    """An ``@font-face`` rule with just the CJK characters of ``text`` (empty when none).

    Readers' machines usually have a CJK font, but not all do (a Linux server, a
    fresh container): the page then still shows Chinese, from a subset of the font
    that draws the charts (:func:`crmkit.plots.theme.cjk_font_path`), a few KB per page.
    """
    chars = "".join(sorted(set(_CJK.findall(text))))
    if not chars:
        return ""
    data = _cjk_subset(chars)
    if not data:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return ('@font-face{font-family:"crmkit CJK";font-display:swap;'
            f'src:url(data:font/otf;base64,{encoded}) format("opentype");}}')


@lru_cache(maxsize=16)
def _cjk_subset(chars: str) -> bytes:
    """The bundled CJK font cut down to ``chars`` (OpenType bytes; empty without the font)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from ..plots.theme import cjk_font_path

    path = cjk_font_path()
    if path is None:
        return b""
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    font = TTFont(str(path), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _add_contents(soup, main) -> None:
    """Insert a table of contents (the page's h2 sections) after the summary box."""
    sections = [h for h in main.find_all("h2")
                if h.get("id") and not h.find_parent(class_="crmkit-summary")
                and not h.find_parent("details")]
    if len(sections) < TOC_MIN_SECTIONS:
        return
    nav = soup.new_tag("nav", attrs={"class": "crmkit-toc", "aria-label": "Contents"})
    heading = soup.new_tag("h2", attrs={"class": "crmkit-toc-title"})
    heading.string = "On this page"
    items = soup.new_tag("ol")
    for h in sections:
        for a in h.select("a.anchor-link"):
            a.extract()
        text = re.sub(r"^\d+\.\s*", "", h.get_text(" ", strip=True))
        link = soup.new_tag("a", href=f"#{h['id']}")
        link.string = text
        item = soup.new_tag("li")
        item.append(link)
        items.append(item)
    nav.extend([heading, items])
    summary = main.find(class_="crmkit-summary")
    if summary is not None:
        summary.insert_after(nav)
    else:
        main.insert(0, nav)


def export_html(executed: Path, out: Path, *, audience: str, page: dict) -> None:
    """Write the report page of an executed notebook.

    Parameters
    ----------
    executed : Path
        The executed notebook (``.ipynb``).
    out : Path
        The HTML file to write.
    audience : {"stakeholder", "teaching"}
        Stakeholder pages hide code, parameters and workshop checks and fold method
        detail; teaching pages show them (workshop checks only with planted truth).
    page : dict
        Facts about the page: ``dataset``, ``period``, ``period_start``,
        ``period_end``, ``title`` (report name), ``index_href`` (the period's
        index), ``prev_href`` / ``next_href`` (the same report in the previous /
        next period, or None), ``reports_index_href``, ``params_name`` (a file name;
        a path is cut to its name), ``has_truth`` (bool), ``generated`` (text) and
        ``coverage`` (0-1, share of the period the data covers), ``data_end`` (text: the
        last day with data, named in the coverage note).

    Raises
    ------
    ValueError
        Unknown audience or a required page fact missing.
    """
    _page_facts(page, audience)  # fail before reading anything
    nb = nbformat.read(executed, as_version=4)
    nb = prepare_notebook(nb, audience=audience, has_truth=bool(page["has_truth"]),
                          title=str(page["title"]))
    Path(out).write_text(render_html(nb, audience=audience, page=page), encoding="utf-8")

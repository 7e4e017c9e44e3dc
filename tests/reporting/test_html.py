"""crmkit.reporting.html: a page per audience from a small hand-made executed notebook."""

from __future__ import annotations

import base64
import io
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crmkit import __version__
from crmkit.reporting.html import (
    MISSING_ALT,
    export_html,
    prepare_notebook,
    render_html,
    scrub_parameters,
)

PAGE = {
    "dataset": "demo", "period": "2025-Q4", "period_start": "2025-10-01",
    "period_end": "2025-12-31", "title": "Churn prediction", "index_href": "index.html",
    "prev_href": "../2025-Q3/06_churn.html", "next_href": None,
    "reports_index_href": "../../index.html", "params_name": "demo.yaml", "has_truth": True,
    "generated": "2026-01-05 09:30", "coverage": 1.0,
}


def _png(color: str = "red") -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    ax.set_facecolor(color)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _display(md: str):
    return new_output("display_data", data={"text/markdown": md, "text/plain": md})


def _stdout(text: str):
    return new_output("stream", name="stdout", text=text)


def _cell(source: str, tags=(), outputs=()):
    c = new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    c.outputs = list(outputs)
    c.execution_count = 1
    return c


def _notebook():
    """Title, parameters, sections with method and workshop cells, a summary cell at the end."""
    return new_notebook(cells=[
        new_markdown_cell("# Churn prediction\n\n*For retention managers.*"),
        _cell('params_file: str = "../params/demo.yaml"  # params file', tags=["parameters"]),
        _cell('# Parameters\nparams_file = "/home/ana/crm/params/demo.yaml"\n'
              'prepared_dir = "/tmp/crmkit-run-x1/prepared"\nperiod = "2025-Q4"\n'
              'output_dir = "/srv/reports/demo/.staging-2025-Q4-1"\nshow_pii = False\n',
              tags=["injected-parameters"]),
        _cell("import secret_setup", tags=["remove-cell"], outputs=[_stdout("SETUP NOISE\n")]),
        new_markdown_cell("## 1. What counts as churn\n\nA definition."),
        _cell("show_rules()", tags=["method"], outputs=[_display("RULES TABLE")]),
        _cell("show_cutoffs()", tags=["method"], outputs=[_display("CUTOFF TABLE")]),
        new_markdown_cell("## 2. Churn over time"),
        _cell("plot()", tags=["hide-input"], outputs=[new_output(
            "display_data", data={"image/png": _png(), "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": "Chart: Churn rate per month (churn rate by month)."}})]),
        _cell("plot_untitled()", outputs=[new_output(
            "display_data", data={"image/png": _png("blue"), "text/plain": "<Figure>"})]),
        new_markdown_cell("## 3. What drives churn"),
        _cell("tree_text()", tags=["method"], outputs=[_stdout("value = [0.39, 0.61]\n")]),
        new_markdown_cell("## 4. For workshops: planted drivers", metadata={"tags": ["workshop"]}),
        _cell("check_truth()", tags=["workshop"], outputs=[_display("PLANTED CHECK")]),
        _cell("display(summary(...))", tags=["summary"],
              outputs=[_display("## Summary\n\n**What we found**\n\n- 120 customers at risk.")]),
        _cell("versions()", outputs=[_stdout("crmkit 0.1.0\n")]),
    ])


def _render(audience: str, **page) -> BeautifulSoup:
    nb = prepare_notebook(_notebook(), audience=audience, has_truth=page.get("has_truth", True),
                          title="Churn prediction")
    return BeautifulSoup(render_html(nb, audience=audience, page={**PAGE, **page}), "html.parser")


def _main_blocks(soup):
    return [el for el in soup.find("main").children if getattr(el, "name", None)]


# --------------------------------------------------------------------------- cell order and tags
def test_summary_moves_after_title_in_both_audiences():
    for audience in ("stakeholder", "teaching"):
        nb = prepare_notebook(_notebook(), audience=audience, has_truth=True)
        assert nb.cells[0].source.startswith("# Churn prediction")
        assert nb.cells[0].metadata["crmkit_page"] == {"title": True}
        assert nb.cells[1].metadata["tags"] == ["summary"]
        assert nb.cells[1].metadata["crmkit_page"] == {"open": ["summary"], "close": ["summary"]}


def test_input_notebook_is_left_unchanged():
    nb = _notebook()
    before = nbformat.writes(nb)
    prepare_notebook(nb, audience="stakeholder", has_truth=False)
    assert nbformat.writes(nb) == before


def test_stakeholder_drops_parameters_workshop_and_removed_cells():
    nb = prepare_notebook(_notebook(), audience="stakeholder", has_truth=True)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert not {"parameters", "injected-parameters", "workshop", "remove-cell"} & set(tags)
    assert len(nb.cells) == 16 - 5  # parameters, injected, remove-cell and two workshop cells


def test_teaching_keeps_workshop_only_with_planted_truth():
    with_truth = prepare_notebook(_notebook(), audience="teaching", has_truth=True)
    without = prepare_notebook(_notebook(), audience="teaching", has_truth=False)
    count = lambda nb: sum("workshop" in c.metadata.get("tags", []) for c in nb.cells)  # noqa: E731
    assert count(with_truth) == 2
    assert count(without) == 0
    assert any("parameters" in c.metadata.get("tags", []) for c in without.cells)


def test_method_runs_are_marked_as_one_fold_each():
    nb = prepare_notebook(_notebook(), audience="stakeholder", has_truth=True)
    marks = [(c.source, c.metadata.get("crmkit_page", {})) for c in nb.cells
             if "method" in c.metadata.get("tags", [])]
    assert marks == [
        ("show_rules()", {"open": ["method"]}),
        ("show_cutoffs()", {"close": ["method"]}),
        ("tree_text()", {"open": ["method"], "close": ["method"]}),
    ]
    teaching = prepare_notebook(_notebook(), audience="teaching", has_truth=True)
    assert [c.metadata["crmkit_page"] for c in teaching.cells if c.source == "tree_text()"] == [
        {"open": ["method-open"], "close": ["method-open"]}]


def test_notebook_without_markdown_title_gets_the_report_name():
    nb = new_notebook(cells=[_cell("x = 1", outputs=[_stdout("1\n")])])
    out = prepare_notebook(nb, audience="stakeholder", has_truth=False, title="KPI overview")
    assert out.cells[0].cell_type == "markdown"
    assert out.cells[0].source == "# KPI overview"


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="stakeholder, teaching"):
        prepare_notebook(_notebook(), audience="board", has_truth=True)


# --------------------------------------------------------------------------- parameters
def test_scrub_parameters_keeps_file_names_and_drops_folders():
    src = ('# Parameters\nparams_file = "/home/ana/crm/params/demo.yaml"\n'
           'prepared_dir = "/tmp/crmkit-run-x1/prepared"\nperiod = "2025-Q4"\n'
           "output_dir = 'C:\\\\Users\\\\ana\\\\reports'\nother = 'C:\\\\data\\\\shop.csv'\n"
           'relative = "../params/demo.yaml"\nshow_pii = False')
    assert scrub_parameters(src).splitlines() == [
        "# Parameters", 'params_file = "demo.yaml"', 'period = "2025-Q4"', "other = 'shop.csv'",
        'relative = "../params/demo.yaml"', "show_pii = False"]


def test_teaching_page_shows_no_temporary_path():
    soup = _render("teaching")
    text = soup.get_text()
    assert 'params_file = "demo.yaml"' in text
    for leaked in ("/home/ana", "/tmp/crmkit-run", "/srv/reports", "prepared_dir", "output_dir"):
        assert leaked not in text


# --------------------------------------------------------------------------- the page
def test_title_header_and_footer():
    soup = _render("stakeholder")
    assert soup.title.string == "Churn prediction · demo · 2025-Q4"
    header = soup.find("header", class_="crmkit-header")
    assert header.find("h1").get_text(strip=True).startswith("Churn prediction")
    links = {a.get_text(" ", strip=True): a["href"] for a in header.find_all("a", href=True)}
    assert links["← All reports for demo · 2025-Q4"] == "index.html"
    assert links["‹ Previous period"] == "../2025-Q3/06_churn.html"
    assert links["All datasets and periods"] == "../../index.html"
    assert not any("Next period" in k for k in links)  # next_href is None
    assert "Stakeholder version" in header.get_text()
    footer = soup.find("footer").get_text(" ", strip=True)
    assert f"crmkit {__version__}" in footer
    assert "demo.yaml" in footer and "2026-01-05 09:30" in footer
    assert "Stakeholder version" in footer


def test_footer_shows_the_params_file_name_never_its_path():
    soup = _render("teaching", params_name="/home/ana/crm/params/demo.yaml")
    assert "/home/ana" not in str(soup)
    assert "demo.yaml" in soup.find("footer").get_text()
    assert "Teaching version" in soup.find("header").get_text()


def test_summary_box_is_the_first_thing_after_the_header():
    for audience in ("stakeholder", "teaching"):
        soup = _render(audience)
        first = _main_blocks(soup)[0]
        assert first.name == "section" and "crmkit-summary" in first["class"]
        assert "120 customers at risk" in first.get_text()


def test_contents_follow_the_summary_and_list_the_sections():
    soup = _render("stakeholder")
    blocks = _main_blocks(soup)
    toc = blocks[1]
    assert toc.name == "nav" and "crmkit-toc" in toc["class"]
    entries = [(a.get_text(), a["href"]) for a in toc.find_all("a")]
    assert [e[0] for e in entries] == ["What counts as churn", "Churn over time", "What drives churn"]
    for _, href in entries:  # each entry points at a heading on the page
        assert soup.find(id=href[1:]).name == "h2"
    teaching = _render("teaching")  # with planted truth the workshop section is listed too
    assert "For workshops: planted drivers" in teaching.find("nav", class_="crmkit-toc").get_text()


def test_short_page_has_no_contents():
    nb = new_notebook(cells=[new_markdown_cell("# KPI overview"), new_markdown_cell("## One"),
                             new_markdown_cell("## Two")])
    soup = BeautifulSoup(render_html(prepare_notebook(nb, audience="stakeholder", has_truth=False),
                                     audience="stakeholder", page=PAGE), "html.parser")
    assert soup.find("nav", class_="crmkit-toc") is None


def test_stakeholder_page_folds_method_hides_code_and_workshop():
    soup = _render("stakeholder")
    folds = soup.find_all("details", class_="crmkit-method")
    assert [d.find("summary").get_text() for d in folds] == ["Method details"] * 2
    assert "RULES TABLE" in folds[0].get_text() and "CUTOFF TABLE" in folds[0].get_text()
    assert "value = [0.39, 0.61]" in folds[1].get_text()
    text = soup.get_text()
    assert "PLANTED CHECK" not in text and "For workshops" not in text
    assert "SETUP NOISE" not in text
    assert soup.find(class_="jp-InputArea-editor") is None  # no code
    assert "In [" not in text and "Out[" not in text  # no prompts
    assert "show_rules()" not in text and "params_file" not in text


def test_teaching_page_shows_code_method_and_workshop():
    soup = _render("teaching")
    assert soup.find("details") is None
    assert len(soup.find_all("section", class_="crmkit-method-open")) == 2
    text = soup.get_text()
    assert "show_rules()" in text and "PLANTED CHECK" in text
    assert "plot()" not in text  # hide-input
    assert "SETUP NOISE" not in text  # remove-cell


def test_teaching_page_without_truth_has_no_workshop_section():
    soup = _render("teaching", has_truth=False)
    text = soup.get_text()
    assert "For workshops" not in text and "PLANTED CHECK" not in text


def test_images_carry_recorded_alt_text_never_the_nbconvert_default():
    soup = _render("stakeholder")
    alts = [img.get("alt") for img in soup.find_all("img")]
    assert alts == ["Chart: Churn rate per month (churn rate by month).", MISSING_ALT]
    assert "No description has been provided" not in str(soup)


def test_page_is_offline_and_small():
    soup = _render("teaching")
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                      ("source", "src")):
        for el in soup.find_all(tag):
            assert not str(el.get(attr, "")).startswith(("http://", "https://", "//")), el
    assert not soup.find_all("script")  # nothing to run: no require.js, MathJax, widgets
    for style in soup.find_all("style"):
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", style.get_text())
    # one small style sheet instead of JupyterLab's 250 KB one
    css = sum(len(s.get_text()) for s in soup.find_all("style"))
    assert css < 25_000, css


def test_cjk_text_gets_an_embedded_font_subset():
    nb = new_notebook(cells=[new_markdown_cell("# Customer behaviour (客户行为分析)"),
                             new_markdown_cell("Region 西南 and 华东.")])
    html = render_html(prepare_notebook(nb, audience="stakeholder", has_truth=False),
                       audience="stakeholder", page=PAGE)
    soup = BeautifulSoup(html, "html.parser")
    face = soup.find("style", id="crmkit-cjk-font").get_text()
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", face).group(1))
    from fontTools.ttLib import TTFont

    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert {chr(c) for c in cmap} == set("客户行为分析西南华东")
    assert len(data) < 30_000
    # a page without Chinese carries no font at all
    plain = render_html(prepare_notebook(new_notebook(cells=[new_markdown_cell("# KPI")]),
                                         audience="stakeholder", has_truth=False),
                        audience="stakeholder", page=PAGE)
    assert "crmkit-cjk-font" not in plain and "@font-face" not in plain


def test_partial_period_says_how_much_is_covered():
    soup = _render("stakeholder", coverage=0.4, data_end="2025-11-05")
    text = soup.find("header").get_text()
    assert "The data cover only 40% of this period (data up to 2025-11-05): figures" in text
    assert soup.find(class_="crmkit-coverage-minor") is None
    # one missing day at the end of a quarter is stated plainly, not as a warning
    minor = _render("stakeholder", coverage=90 / 91, data_end="2025-12-30")
    assert "The data cover 99% of this period (data up to 2025-12-30)." in minor.find("header").get_text()
    assert minor.find(class_="crmkit-coverage-minor") is not None
    assert _render("stakeholder").find(class_="crmkit-coverage") is None


def test_export_html_writes_the_page(tmp_path):
    executed = tmp_path / "06_churn.ipynb"
    nbformat.write(_notebook(), executed)
    out = tmp_path / "06_churn.html"
    export_html(executed, out, audience="stakeholder", page=PAGE)
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == "Churn prediction · demo · 2025-Q4"
    assert "crmkit-summary" in _main_blocks(soup)[0]["class"]


def test_export_html_names_missing_page_facts(tmp_path):
    executed = tmp_path / "x.ipynb"
    nbformat.write(_notebook(), executed)
    page = {k: v for k, v in PAGE.items() if k not in ("dataset", "generated")}
    with pytest.raises(ValueError, match="dataset, generated"):
        export_html(executed, tmp_path / "x.html", audience="stakeholder", page=page)
    assert not (tmp_path / "x.html").exists()


def test_a_folded_section_is_named_after_its_heading():
    nb = new_notebook(cells=[
        new_markdown_cell("# CLV"),
        new_markdown_cell("## 3. The models in plain words\n\nBG/NBD ...", metadata={"tags": ["method"]}),
        _cell("fit()", tags=["method"], outputs=[_display("PARAMETERS")]),
        new_markdown_cell("## 4. Holdout"),
    ])
    html = render_html(prepare_notebook(nb, audience="stakeholder", has_truth=False),
                       audience="stakeholder", page=PAGE)
    fold = BeautifulSoup(html, "html.parser").find("details", class_="crmkit-method")
    assert fold.find("summary").get_text() == "Method details: The models in plain words"
    assert "PARAMETERS" in fold.get_text() and "Holdout" not in fold.get_text()


def test_dollar_amounts_are_not_read_as_maths(tmp_path):
    """Two dollar amounts in one Markdown sentence stay text, and their bold renders."""
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    from crmkit.reporting.html import export_html

    nb = new_notebook(cells=[new_markdown_cell("# T"), new_markdown_cell(
        "Revenue was **$1,234** against **$567** a year ago.")])
    src, out = tmp_path / "n.ipynb", tmp_path / "n.html"
    nbformat.write(nb, src)
    export_html(src, out, audience="stakeholder", page=PAGE)
    html = out.read_text(encoding="utf-8")
    assert "<strong>$1,234</strong>" in html and "<strong>$567</strong>" in html
    assert "**$" not in html

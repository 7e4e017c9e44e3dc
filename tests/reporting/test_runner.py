"""End-to-end: the notebooks rendered through the real runner, as users run it (``crmkit report``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from crmkit.reporting.runner import find_notebooks, notebook_requirements

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]


def crmkit(*args, env=None, cwd=ROOT):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "crmkit", *args], capture_output=True, text=True,
                          env=e, cwd=cwd, timeout=900)


def _cdnow_revenue(first: str, last: str) -> float:
    """CDNOW revenue between two days, read from the raw bundled file with plain pandas."""
    from importlib import resources

    import pandas as pd

    with resources.files("crmkit").joinpath("data", "files", "cdnow_master.txt.gz").open("rb") as f:
        raw = pd.read_csv(f, compression="gzip", sep=r"\s+", header=None, skiprows=1,
                          names=["customer_id", "date", "quantity", "revenue"], dtype={"date": str})
    day = pd.to_datetime(raw["date"], format="%Y%m%d")
    return float(raw.loc[day.between(first, last), "revenue"].sum())


def hostile_env(tmp: Path) -> dict:
    """A HOME that cannot hold files and user-level kernelspecs that would break a run."""
    home = tmp / "home-is-a-file"
    home.write_text("not a directory")
    data = tmp / "jupyter-data"
    for name in ("python3", "crmkit", "crmkit-runner"):
        k = data / "kernels" / name
        k.mkdir(parents=True)
        (k / "kernel.json").write_text(json.dumps({
            "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "stale", "language": "python"}))
    return {"HOME": str(home), "JUPYTER_DATA_DIR": str(data), "XDG_CACHE_HOME": str(tmp / "xdg")}


def check_report(folder: Path, expected_notebooks: list[str]):
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    for link in links:
        assert (folder / link).is_file(), f"index links to missing {link}"
    for stem in expected_notebooks:
        assert f"{stem}.html" in links
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["failures"] == []
    assert {n["notebook"] for n in manifest["notebooks"]} == set(expected_notebooks)
    for n in manifest["notebooks"]:
        if n["status"] != "ok":
            continue
        html = (folder / f"{n['notebook']}.html").read_text(encoding="utf-8")
        if n["notebook"] != "00_data_quality":  # clean data (CDNOW) leaves nothing to chart there
            assert "data:image/png;base64" in html, f"{n['notebook']} has no chart"
        nb = nbformat.read(folder / "notebooks" / f"{n['notebook']}.ipynb", as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.output_type != "error"
                if out.output_type == "stream" and out.name == "stderr":
                    assert "Traceback" not in out.text and "Warning" not in out.text, out.text[:300]
    return manifest


@pytest.fixture(scope="module")
def cdnow_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cdnow")
    res = crmkit("report", "--params", "params/cdnow.yaml", "--period", "1997-Q4",
                 "--reports-dir", str(tmp / "reports"), "--jobs", "2", "--only", "00,01",
                 env=hostile_env(tmp))
    return tmp / "reports", res


def test_cdnow_report_renders(cdnow_run):
    reports, res = cdnow_run
    assert res.returncode == 0, res.stderr[-3000:]
    folder = reports / "cdnow" / "1997-Q4"
    m = check_report(folder, ["00_data_quality", "01_kpi_overview"])
    assert m["tables"] == {"orders": 69_659} and len(m["data_fingerprint"]) == 16
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Revenue" in index and f"${_cdnow_revenue('1997-10-01', '1997-12-31'):,.0f}" in index
    assert "1997-Q4" in (folder / "summaries" / "kpi.json").read_text()
    # progress lines name each notebook when it starts and when it ends, with its time
    assert re.search(r"\[\d/2\] 01_kpi_overview started", res.stderr)
    assert re.search(r"\[\d/2\] 01_kpi_overview ok in \d+\.\d s", res.stderr)
    assert not list((reports / "cdnow").glob(".staging-*"))


def test_stakeholder_html_hides_code_and_parameters(cdnow_run):
    reports, _ = cdnow_run
    html = (reports / "cdnow" / "1997-Q4" / "01_kpi_overview.html").read_text(encoding="utf-8")
    assert "jp-InputArea-editor" not in html.split("</style>")[-1]  # no code cells in the body
    assert "open_data" not in html and "prepared_dir" not in html and "injected" not in html
    assert "crmkit-summary" in html and "Revenue was" in html  # the summary block opens the page


def test_teaching_audience_shows_code_without_local_paths_and_backfill(tmp_path):
    """Teaching pages go to <period>/teaching/, show code, and no scratch or staging path."""
    reports = tmp_path / "reports"
    res = crmkit("report", "--params", "params/cdnow.yaml", "--period", "1998-01,1998-02",
                 "--audience", "teaching", "--only", "01", "--show-pii", "--reports-dir", str(reports))
    assert res.returncode == 0, res.stderr[-3000:]
    top = (reports / "index.html").read_text(encoding="utf-8")
    for p in ("1998-01", "1998-02"):
        assert f"href='cdnow/{p}/teaching/index.html'>teaching" in top
        folder = reports / "cdnow" / p
        assert not (folder / "01_kpi_overview.html").exists()  # no stakeholder page was asked for
        html = (folder / "teaching" / "01_kpi_overview.html").read_text(encoding="utf-8")
        assert "jp-InputArea-editor" in html.split("</style>")[-1] and "kpi_table" in html
        for local in ("/tmp/", str(tmp_path), str(ROOT), ".staging-", "crmkit-run-"):
            assert local not in html, f"{local} in the teaching page of {p}"
        from bs4 import BeautifulSoup

        text = BeautifulSoup(html, "html.parser").get_text()
        assert 'params_file = "cdnow.yaml"' in text  # the params file by name, readable
        # --show-pii and the audience reached the notebook
        executed = nbformat.read(folder / "teaching" / "notebooks" / "01_kpi_overview.ipynb", as_version=4)
        injected = next(c.source for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert "show_pii = True" in injected and 'audience = "teaching"' in injected
        index = (folder / "index.html").read_text(encoding="utf-8")
        assert "href='teaching/01_kpi_overview.html'" in index
    m = json.loads((reports / "cdnow" / "1998-02" / "teaching" / "run.json").read_text())
    assert (m["period_start"], m["audience"]) == ("1998-02-01", "teaching")
    # 1998-01 was published when 1998-02 rendered: February links back to January
    feb = (reports / "cdnow" / "1998-02" / "teaching" / "01_kpi_overview.html").read_text(encoding="utf-8")
    assert "../../1998-01/teaching/01_kpi_overview.html" in feb
    feb_index = (reports / "cdnow" / "1998-02" / "teaching" / "index.html").read_text(encoding="utf-8")
    assert "href='../../1998-01/teaching/index.html'" in feb_index


def _broken_notebooks(tmp: Path) -> Path:
    nbdir = tmp / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_data_quality.ipynb", nbdir)
    nb = nbformat.read(ROOT / "notebooks" / "01_kpi_overview.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell('raise ValueError("planted failure")'))
    nbformat.write(nb, nbdir / "01_kpi_overview.ipynb")
    return nbdir


def test_failed_notebook_keeps_previous_report(tmp_path):
    reports = tmp_path / "reports"
    ok = crmkit("report", "--params", "params/cdnow.yaml", "--period", "1997-Q4", "--only", "00",
                "--reports-dir", str(reports))
    assert ok.returncode == 0, ok.stderr[-2000:]
    good = reports / "cdnow" / "1997-Q4"
    before = {p.name: p.read_bytes() for p in good.glob("*.html")}
    bad = crmkit("report", "--params", "params/cdnow.yaml", "--period", "1997-Q4",
                 "--notebooks-dir", str(_broken_notebooks(tmp_path)), "--reports-dir", str(reports))
    assert bad.returncode == 1
    assert "01_kpi_overview" in bad.stderr and "ValueError: planted failure" in bad.stderr
    assert re.search(r"cell \d+ raised ValueError", bad.stderr)
    assert "previous report is unchanged" in bad.stderr
    assert {p.name: p.read_bytes() for p in good.glob("*.html")} == before  # untouched
    failed = reports / "cdnow" / "_failed" / "1997-Q4"
    executed = nbformat.read(failed / "notebooks" / "01_kpi_overview.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in executed.cells for o in c.get("outputs", []))
    manifest = json.loads((failed / "run.json").read_text())
    assert manifest["failures"][0]["notebook"] == "01_kpi_overview"
    assert not list((reports / "cdnow").glob(".staging-*"))


def test_bad_params_clear_message_and_nothing_written(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("dataset: x\nsource: {type: files, path: .}\ntables:\n  orders: {file: nope.csv}\n")
    res = crmkit("report", "--params", str(p), "--reports-dir", str(tmp_path / "reports"))
    assert res.returncode == 2
    assert "file not found" in res.stderr and "nope.csv" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "reports").exists()


def test_not_available_page_for_missing_tables(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "00_data_quality.ipynb", as_version=4)
    nb.metadata["crmkit"] = {"title": "Service", "requires": ["orders", "tickets", "surveys"]}
    nbformat.write(nb, nbdir / "07_satisfaction.ipynb")
    res = crmkit("report", "--params", "params/cdnow.yaml", "--period", "1997-Q4",
                 "--notebooks-dir", str(nbdir), "--reports-dir", str(tmp_path))
    assert res.returncode == 0, res.stderr[-2000:]
    page = (tmp_path / "cdnow" / "1997-Q4" / "07_satisfaction.html").read_text(encoding="utf-8")
    assert "Not available for this dataset: needs surveys / tickets" in page
    assert "cdnow" in page.split("</title>")[0] and "1997-Q4" in page.split("</title>")[0]
    m = json.loads((tmp_path / "cdnow" / "1997-Q4" / "run.json").read_text())
    assert m["notebooks"][0]["status"] == "not_available"


def test_two_runs_for_the_same_target_do_not_corrupt_each_other(tmp_path):
    e = dict(os.environ)
    cmd = [sys.executable, "-m", "crmkit", "report", "--params", "params/cdnow.yaml",
           "--period", "1997-Q4", "--only", "00", "--reports-dir", str(tmp_path)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1500:] for o in outs]
    check_report(tmp_path / "cdnow" / "1997-Q4", ["00_data_quality"])
    leftovers = [p.name for p in (tmp_path / "cdnow").iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert leftovers == []


def test_every_notebook_declares_its_tables():
    from crmkit.data.schema import TABLES

    for nb in find_notebooks(ROOT / "notebooks"):
        title, requires = notebook_requirements(nb)
        assert title and requires, nb.name
        for entry in requires:  # "surveys|tickets": either table will do
            assert set(entry.split("|")) <= set(TABLES), (nb.name, entry)


def test_only_keeps_the_other_notebooks_when_the_data_is_the_same(tmp_path):
    """``--only 01`` after ``--only 00`` publishes both; with other data only 01 is kept."""
    args = ["report", "--period", "1997-Q4", "--reports-dir", str(tmp_path)]
    first = crmkit(*args, "--params", "params/cdnow.yaml", "--only", "00")
    assert first.returncode == 0, first.stderr[-2000:]
    folder = tmp_path / "cdnow" / "1997-Q4"
    dq = (folder / "00_data_quality.html").read_bytes()
    started = json.loads((folder / "run.json").read_text())["started"]
    second = crmkit(*args, "--params", "params/cdnow.yaml", "--only", "01")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "keeping 1 notebook(s) from the previous report: 00_data_quality" in second.stderr
    check_report(folder, ["00_data_quality", "01_kpi_overview"])
    assert (folder / "00_data_quality.html").read_bytes() == dq
    assert (folder / "notebooks" / "00_data_quality.ipynb").is_file()
    runs = {n["notebook"]: n for n in json.loads((folder / "run.json").read_text())["notebooks"]}
    assert runs["00_data_quality"]["carried_from"] == started
    assert runs["01_kpi_overview"]["carried_from"] == ""
    assert f"from the run of {started}" in (folder / "index.html").read_text(encoding="utf-8")

    # the same dataset name with other data (the 2,357-customer sample): nothing is mixed
    other = tmp_path / "cdnow_other.yaml"
    other.write_text((ROOT / "params" / "cdnow.yaml").read_text(encoding="utf-8").replace(
        "name: cdnow ", "name: cdnow_sample "), encoding="utf-8")
    third = crmkit(*args, "--params", str(other), "--only", "00")
    assert third.returncode == 0, third.stderr[-2000:]
    assert "was made from different data" in third.stderr
    check_report(folder, ["00_data_quality"])
    assert (folder / "00_data_quality.html").read_bytes() != dq


def test_default_period_is_the_last_quarter_the_export_covers(tmp_path):
    """The demo export is dated 2025-12-31 (its last order is on the 30th): `latest` is 2025-Q4."""
    res = crmkit("report", "--only", "00", "--reports-dir", str(tmp_path))
    assert res.returncode == 0, res.stderr[-2000:]
    manifest = json.loads((tmp_path / "demo" / "2025-Q4" / "run.json").read_text())
    assert (manifest["period_start"], manifest["period_end"]) == ("2025-10-01", "2025-12-31")

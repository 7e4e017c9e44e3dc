"""The kernel zygote: which modules it imports, and kernels forked from it through the real runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from crmkit.reporting import zygote
from crmkit.reporting.kernel_launcher import ZYGOTE_ENV
from crmkit.reporting.resources import default_jobs

ROOT = Path(__file__).resolve().parents[2]


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    return path


def test_notebook_imports_lists_what_the_code_cells_import(tmp_path):
    nb = _notebook(
        tmp_path / "a.ipynb",
        "import matplotlib.pyplot as plt\nimport pandas as pd, numpy",
        "from crmkit.plots import churn as cplots\nfrom IPython.display import Markdown, display",
        "%matplotlib inline\nimport scipy",  # a magic: not plain Python, skipped
        "from . import sibling\nimport matplotlib_inline.backend_inline",  # relative; never warmed
        "def f():\n    import statsmodels.api as sm\n    return sm",
    )
    got = zygote.notebook_imports([nb])
    assert got == ["matplotlib.pyplot", "pandas", "numpy", "crmkit.plots", "crmkit.plots.churn",
                   "IPython.display", "IPython.display.Markdown", "IPython.display.display",
                   "statsmodels.api"]


def test_package_lazy_imports_finds_imports_inside_functions():
    got = zygote.package_lazy_imports()
    # the forecast models import statsmodels, the basket rules mlxtend, only when called
    assert "statsmodels.tsa.statespace.structural" in got and "mlxtend.frequent_patterns" in got
    assert not [m for m in got if m.startswith(("matplotlib_inline", "matplotlib.backends"))]
    # the runner's side (papermill, nbconvert) is not a kernel's business
    assert "papermill" not in got and "crmkit.reporting.html" not in got


def test_zygote_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("CRMKIT_NO_ZYGOTE", "1")
    assert not zygote.available()
    with zygote.KernelZygote([], env={}) as z:
        assert z.env == {}


@pytest.mark.skipif(not zygote.available(), reason="kernels are forked on Linux only")
def test_launcher_without_an_answering_zygote_starts_a_plain_kernel(tmp_path):
    """A socket nobody listens on: the launcher must still give a kernel (ipykernel itself)."""
    from crmkit.reporting import kernel_launcher

    env = {**os.environ, ZYGOTE_ENV: str(tmp_path / "nobody.sock")}
    code = ("import sys, crmkit.reporting.kernel_launcher as k, os\n"
            "os.execv = lambda exe, argv: (print('EXEC', ' '.join(argv[1:])), sys.exit(0))\n"
            "k.main(['launcher', '-f', 'conn.json'])\n")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert res.stdout.strip() == "EXEC -m ipykernel_launcher -f conn.json", res.stderr
    assert kernel_launcher._ask_zygote(str(tmp_path / "nobody.sock"), []) is None


# --------------------------------------------------------------------------- through the runner
PARAMETERS = """\
params_file: str = ""
prepared_dir: str = ""
period: str = "latest"
output_dir: str = ""
show_pii: bool = False
audience: str = "stakeholder\""""


def _probe_notebooks(folder: Path) -> Path:
    """Two notebooks that say how their kernel started, draw a chart and import pandas."""
    folder.mkdir(parents=True)
    for stem in ("01_a", "02_b"):
        params = nbformat.v4.new_code_cell(PARAMETERS)
        params.metadata["tags"] = ["parameters"]
        nb = nbformat.v4.new_notebook(cells=[
            params,
            nbformat.v4.new_code_cell(
                "import json, os, sys\n"
                "probe = {'pandas_before_import': 'pandas' in sys.modules, 'pid': os.getpid(),\n"
                "         'ppid': os.getppid(), 'cwd': os.getcwd(),\n"
                "         'threads': os.environ.get('OMP_NUM_THREADS'),\n"
                "         'x': globals().get('leaked_from_other_notebook'),\n"
                "         'data_in_memory': bool(getattr(sys.modules.get('crmkit.data.pipeline'), '_KEPT', None))}\n"
                f"leaked_from_other_notebook = {stem!r}"),
            nbformat.v4.new_code_cell("import pandas as pd\nimport matplotlib.pyplot as plt\n"
                                      "fig, ax = plt.subplots()\nax.plot([1, 2, 3])\nplt.show()"),
            nbformat.v4.new_code_cell(
                "from pathlib import Path\n"
                f"Path(output_dir, {stem!r} + '.json').write_text(json.dumps(probe))"),
        ])
        nb.metadata["crmkit"] = {"title": f"Probe {stem}", "requires": ["orders"]}
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{stem}.ipynb")
    return folder


def _report(nbdir: Path, reports: Path, **env):
    return subprocess.run(
        [sys.executable, "-m", "crmkit", "report", "--params",
         str(ROOT / "params" / "example_export.yaml"), "--period", "2025-Q1", "--jobs", "2",
         "--notebooks-dir", str(nbdir), "--reports-dir", str(reports)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env={**os.environ, **env})


@pytest.mark.notebooks
@pytest.mark.skipif(not zygote.available(), reason="kernels are forked on Linux only")
def test_kernels_are_forked_fresh_and_draw_charts(tmp_path):
    nbdir = _probe_notebooks(tmp_path / "nbs")
    res = _report(nbdir, tmp_path / "reports")
    assert res.returncode == 0, res.stderr[-3000:]
    folder = tmp_path / "reports" / "example_export" / "2025-Q1"
    probes = {s: json.loads((folder / f"{s}.json").read_text()) for s in ("01_a", "02_b")}
    for stem, p in probes.items():
        # forked: pandas was imported by the zygote before the notebook asked for it ...
        assert p["pandas_before_import"], stem
        # ... but the kernel is its own: a fresh namespace, its notebook's folder, own process
        assert p["x"] is None and p["cwd"] == str(nbdir)
        assert p["data_in_memory"]  # the zygote read the run's prepared data once
        # two notebooks at once share the cores: each kernel's BLAS and OpenMP get half
        assert p["threads"] == str(max(1, default_jobs() // 2))
    assert probes["01_a"]["pid"] != probes["02_b"]["pid"]
    assert probes["01_a"]["ppid"] == probes["02_b"]["ppid"]  # both children of the zygote
    for stem in ("01_a", "02_b"):
        executed = nbformat.read(folder / "notebooks" / f"{stem}.ipynb", as_version=4)
        outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        # the inline backend wired itself to the forked kernel: the chart is in the page
        assert any("image/png" in o.get("data", {}) for o in outputs), stem
        assert "<img" in (folder / f"{stem}.html").read_text(encoding="utf-8")


@pytest.mark.notebooks
def test_without_the_zygote_kernels_start_plainly(tmp_path):
    nbdir = _probe_notebooks(tmp_path / "nbs")
    res = _report(nbdir, tmp_path / "reports", CRMKIT_NO_ZYGOTE="1")
    assert res.returncode == 0, res.stderr[-3000:]
    folder = tmp_path / "reports" / "example_export" / "2025-Q1"
    p = json.loads((folder / "01_a.json").read_text())
    assert not p["pandas_before_import"] and not p["data_in_memory"] and p["cwd"] == str(nbdir)
    executed = nbformat.read(folder / "notebooks" / "01_a.ipynb", as_version=4)
    assert any("image/png" in o.get("data", {}) for c in executed.cells if c.cell_type == "code"
               for o in c.get("outputs", []))


@pytest.mark.skipif(not zygote.available(), reason="kernels are forked on Linux only")
def test_folders_of_killed_zygotes_are_removed_by_the_next_run(tmp_path, monkeypatch):
    import socket
    import tempfile
    import time

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "crmkit-z-dead"
    dead.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(dead / "zygote.sock"))  # bound, never listening: its zygote was killed
    live = tmp_path / "crmkit-z-live"
    live.mkdir()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(live / "zygote.sock"))
    listener.listen(1)
    young = tmp_path / "crmkit-z-young"  # a zygote still starting: no socket yet
    young.mkdir()
    old = time.time() - 3600
    for folder in (dead, live):
        os.utime(folder, (old, old))
    try:
        assert zygote._remove_dead_folders() == [dead]
    finally:
        listener.close()
    assert not dead.exists() and live.exists() and young.exists()

"""Shared fixtures: headless matplotlib, figures closed after each test, tiny datasets."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / "reports" / ".cache" / "matplotlib"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def demo_prepared():
    """The bundled demo, loaded and cleaned as ``crmkit report`` does, once per test process.

    Shared by every test that reads the demo: treat its tables as read-only (copy
    before changing one; :meth:`crmkit.data.dataset.Dataset.with_tables` makes a new
    dataset).
    """
    from crmkit.data.pipeline import prepare

    return prepare(ROOT / "params" / "demo.yaml")


@pytest.fixture(scope="session")
def demo_prepared_dir(demo_prepared, tmp_path_factory) -> str:
    """:func:`demo_prepared` saved as ``crmkit report`` saves it for its notebooks."""
    return str(demo_prepared.save(tmp_path_factory.mktemp("demo-prepared")))


@pytest.fixture
def tiny_orders() -> pd.DataFrame:
    """Nine orders of four customers, small enough to check every KPI by hand.

    c1: 2025-01-10, 2025-04-05, 2025-04-20   (Q1 buyer, back in Q2 with 2 orders)
    c2: 2025-02-01, 2025-02-15 (returned)    (Q1 buyer, gone in Q2)
    c3: 2025-05-01, 2025-06-30 23:00         (new in Q2, 2 orders)
    c4: 2025-06-10 cancelled, 2025-07-01     (cancelled in Q2; first purchase in Q3)
    """
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(1, 10)],
        "customer_id": ["c1", "c1", "c1", "c2", "c2", "c3", "c3", "c4", "c4"],
        "order_date": pd.to_datetime([
            "2025-01-10", "2025-04-05", "2025-04-20", "2025-02-01", "2025-02-15",
            "2025-05-01", "2025-06-30 23:00", "2025-06-10", "2025-07-01",
        ], format="ISO8601"),
        "revenue": [100.0, 50.0, 150.0, 80.0, 40.0, 30.0, 70.0, 999.0, 20.0],
        "status": ["completed", "completed", "completed", "completed", "returned",
                   "completed", "completed", "cancelled", "completed"],
    })


# --------------------------------------------------------------------------- end-to-end runs
class RenderedReport:
    """One ``crmkit report`` run of every notebook, shared by the end-to-end tests."""

    def __init__(self, reports: Path, dataset: str, period: str, proc):
        import json

        self.returncode, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        final = reports / dataset / period
        failed = reports / dataset / "_failed" / period
        # a failed run keeps its output aside; tests of the notebooks that worked still run
        self.folder = failed if failed.exists() else final
        self.manifest = json.loads((self.folder / "run.json").read_text()) if (self.folder / "run.json").exists() else {}

    def status(self, stem: str) -> dict:
        for n in self.manifest.get("notebooks", []):
            if n["notebook"] == stem:
                return n
        raise AssertionError(f"{stem} was not run; stderr:\n{self.stderr[-3000:]}")

    def check(self, stem: str, *, chart: bool = True) -> str:
        """Assert a notebook rendered (with a chart unless ``chart=False``) and without errors;
        return its HTML."""
        import nbformat

        st = self.status(stem)
        assert st["status"] == "ok", f"{stem}: {st['error']}\n{self.stderr[-3000:]}"
        html = (self.folder / f"{stem}.html").read_text(encoding="utf-8")
        assert not chart or "data:image/png;base64" in html, f"{stem} has no chart"
        nb = nbformat.read(self.folder / "notebooks" / f"{stem}.ipynb", as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.output_type != "error", f"{stem}: error output"
                if out.output_type == "stream" and out.name == "stderr":
                    assert "Traceback" not in out.text and "Warning" not in out.text, out.text[:500]
        return html

    def outputs(self, stem: str, *, tag: str | None = None) -> str:
        """The text a notebook's cells printed or displayed (only cells with ``tag`` if given).

        Workshop checks (cells tagged ``workshop``) run on every audience but are shown
        on teaching pages only: tests read them from the executed notebook.
        """
        import nbformat

        nb = nbformat.read(self.folder / "notebooks" / f"{stem}.ipynb", as_version=4)
        parts = []
        for cell in nb.cells:
            if tag is not None and tag not in cell.get("metadata", {}).get("tags", []):
                continue
            for out in cell.get("outputs", []):
                if out.output_type == "stream":
                    parts.append(out.text)
                elif "data" in out:
                    data = out["data"]
                    parts.append(data.get("text/html") or data.get("text/markdown")
                                 or data.get("text/plain") or "")
        return "\n".join(parts)

    def file(self, name: str) -> Path:
        return self.folder / name


def _render(tmp_path_factory, params: str, period: str, dataset: str) -> RenderedReport:
    import subprocess
    import sys

    reports = tmp_path_factory.mktemp(f"report-{dataset}")
    proc = subprocess.run(
        [sys.executable, "-m", "crmkit", "report", "--params", params, "--period", period,
         "--jobs", "2", "--reports-dir", str(reports)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    return RenderedReport(reports, dataset, period, proc)


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> RenderedReport:
    """Every notebook rendered for the demo data, latest quarter (2025-Q4)."""
    return _render(tmp_path_factory, "params/demo.yaml", "2025-Q4", "demo")


@pytest.fixture(scope="session")
def cdnow_report(tmp_path_factory) -> RenderedReport:
    """Every notebook rendered for CDNOW, 1997-Q4."""
    return _render(tmp_path_factory, "params/cdnow.yaml", "1997-Q4", "cdnow")


@pytest.fixture(scope="session")
def export_report(tmp_path_factory) -> RenderedReport:
    """Every notebook rendered for the small user-export example (params/example_export.yaml)."""
    return _render(tmp_path_factory, "params/example_export.yaml", "2025-Q1", "example_export")

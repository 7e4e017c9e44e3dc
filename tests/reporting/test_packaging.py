"""The wheel carries the notebooks and params files; an installed crmkit reports from any folder.

Builds a real wheel (``pip wheel --no-deps --no-build-isolation``, offline) from a
copy of the sources, installs it into a folder of its own and runs ``crmkit report``
from an unrelated folder with only that installation on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("crmkit", "notebooks", "params"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "-w", str(tmp / "dist"), str(src)],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (whl,) = (tmp / "dist").glob("crmkit-*.whl")
    return whl, proc.stdout + proc.stderr


def test_wheel_ships_every_notebook_and_params_file(wheel):
    whl, _ = wheel
    names = set(zipfile.ZipFile(whl).namelist())
    expected = {f"crmkit/bundled/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    expected |= {f"crmkit/bundled/params/{p.relative_to(ROOT / 'params').as_posix()}"
                 for p in (ROOT / "params").rglob("*") if p.is_file()}
    assert len(expected) >= 10 and expected <= names, sorted(expected - names)
    assert "crmkit/reporting/templates/crmkit/index.html.j2" in names  # the page template
    assert any(n.startswith("crmkit/data/files/") for n in names)  # CDNOW


def test_build_prints_no_license_deprecation_box(wheel):
    _, log = wheel
    assert "project.license` as a TOML table is deprecated" not in log
    assert "License classifiers are deprecated" not in log
    meta = [line for line in log.splitlines() if "deprecated" in line.lower()]
    assert meta == [], meta


def test_installed_crmkit_reports_from_any_folder(wheel, tmp_path):
    whl, _ = wheel
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                           "--target", str(target), str(whl)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    work = tmp_path / "analyst"  # no notebooks/ or params/ here
    shutil.copytree(ROOT / "params" / "example_export", work / "export")
    (work / "my.yaml").write_text(
        (ROOT / "params" / "example_export.yaml").read_text(encoding="utf-8")
        .replace("path: example_export", "path: export"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(target)}

    where = subprocess.run(
        [sys.executable, "-c", "import crmkit; from crmkit.reporting import resources as r; "
         "print(crmkit.__file__); print(r.default_notebooks_dir()); print(r.default_params_file())"],
        cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr
    module, notebooks, params = where.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(target)  # the installed copy, not the checkout
    assert Path(notebooks) == target / "crmkit" / "bundled" / "notebooks"
    assert Path(params) == target / "crmkit" / "bundled" / "params" / "demo.yaml"

    res = subprocess.run(
        [sys.executable, "-m", "crmkit", "report", "--params", "my.yaml", "--only", "00",
         "--period", "2025-Q1", "--reports-dir", "out"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    folder = work / "out" / "example_export" / "2025-Q1"
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"]
    assert manifest["tables"]["orders"] > 0
    assert (folder / "00_data_quality.html").is_file()

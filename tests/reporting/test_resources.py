"""Finding the notebooks and params files (checkout, editable install, installed wheel)."""

from __future__ import annotations

import os
from pathlib import Path

from crmkit.reporting import resources

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_folders_are_found_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./notebooks, no ./params here
    assert resources.bundled_dir("notebooks") == ROOT / "notebooks"
    assert resources.default_notebooks_dir() == ROOT / "notebooks"
    assert resources.default_params_file() == ROOT / "params" / "demo.yaml"


def test_local_notebooks_and_params_come_first(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_mine.ipynb").write_text("{}")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "demo.yaml").write_text("dataset: mine\n")
    monkeypatch.chdir(tmp_path)
    assert resources.default_notebooks_dir() == tmp_path / "notebooks"
    assert resources.default_params_file().resolve() == tmp_path / "params" / "demo.yaml"


def test_an_empty_local_notebooks_folder_does_not_hide_the_bundled_ones(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resources.default_notebooks_dir() == ROOT / "notebooks"


def test_packaged_folders_win_over_the_checkout(tmp_path, monkeypatch):
    """An installed wheel has crmkit/bundled/<name>: that is where the lookup goes."""
    (tmp_path / "bundled" / "notebooks").mkdir(parents=True)
    (tmp_path / "bundled" / "notebooks" / "00_x.ipynb").write_text("{}")
    monkeypatch.setattr(resources.resources, "files", lambda package: tmp_path)
    monkeypatch.chdir(tmp_path)
    assert resources.bundled_dir("notebooks") == tmp_path / "bundled" / "notebooks"
    assert resources.default_notebooks_dir() == tmp_path / "bundled" / "notebooks"
    # params are not in this fake package: the checkout's are used
    assert resources.bundled_dir("params") == ROOT / "params"


def test_default_jobs_is_the_number_of_usable_cores():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert resources.default_jobs() == max(1, expected)

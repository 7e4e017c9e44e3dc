"""Stored notebooks: no outputs, one `parameters` cell, the crmkit kernelspec, declared tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.reporting.notebooks import notebook_problems

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS][:2] == ["00", "01"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_clean(path):
    assert notebook_problems(path) == []

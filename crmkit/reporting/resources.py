"""Where the notebooks and bundled params files are, and how many notebooks to run at once.

A wheel ships ``notebooks/`` and ``params/`` inside the package, as
``crmkit/bundled/notebooks`` and ``crmkit/bundled/params`` (``setup.py`` copies them
at build time); a checkout or an editable install uses the folders next to the
package. A ``notebooks/`` folder in the current directory (an analyst's own copies)
comes first. This module imports nothing heavy: the command line uses it for
``--help`` defaults.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["bundled_dir", "default_jobs", "default_notebooks_dir", "default_params_file"]

_SOURCE_ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (editable install)


def bundled_dir(name: str) -> Path | None:
    """Return the folder ``notebooks`` or ``params`` that ships with crmkit, or None.

    Looks in the installed package first (``crmkit/bundled/<name>``, where a wheel puts
    it), then next to the package (a checkout or an editable install).

    Parameters
    ----------
    name : {"notebooks", "params"}

    Examples
    --------
    >>> (bundled_dir("params") / "demo.yaml").is_file()
    True
    """
    if name not in ("notebooks", "params"):
        raise ValueError(f"name must be 'notebooks' or 'params', got {name!r}")
    packaged = resources.files("crmkit").joinpath("bundled", name)
    if packaged.is_dir():
        return Path(str(packaged))
    source = _SOURCE_ROOT / name
    if source.is_dir() and (_SOURCE_ROOT / "pyproject.toml").is_file():
        return source
    return None


def default_notebooks_dir() -> Path:
    """``./notebooks`` when it holds notebooks, else the notebooks that ship with crmkit."""
    here = Path.cwd() / "notebooks"
    if any(here.glob("[0-9][0-9]_*.ipynb")):
        return here
    return bundled_dir("notebooks") or here


def default_params_file() -> Path:
    """``./params/demo.yaml`` when it exists, else the bundled demo params file."""
    here = Path("params") / "demo.yaml"
    if here.is_file():
        return here
    folder = bundled_dir("params")
    return folder / "demo.yaml" if folder is not None else here


def default_jobs() -> int:
    """The number of cores this process may use (at least 1): notebooks run that many at once."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return max(1, os.cpu_count() or 1)

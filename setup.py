"""Build hook: ship ``notebooks/`` and ``params/`` inside the crmkit package.

Everything else about the package is in ``pyproject.toml``. A wheel carries the
notebooks and the bundled params files as ``crmkit/bundled/notebooks`` and
``crmkit/bundled/params``, so an installed crmkit runs ``crmkit report`` from any
folder (:mod:`crmkit.reporting.resources` finds them). The folders stay where they
are in the repository (one copy of each notebook); an editable install reads them
there. ``MANIFEST.in`` puts them into the source distribution.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {
    "notebooks": ["[0-9][0-9]_*.ipynb"],
    "params": ["*.yaml", "*/*"],  # every params file and the data folders next to them
}


class BuildPyWithBundle(build_py):
    """``build_py`` that also copies the notebooks and params files into the build."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for folder, patterns in BUNDLED.items():
            for pattern in patterns:
                for src in sorted((ROOT / folder).glob(pattern)):
                    if not src.is_file():
                        continue
                    rel = src.relative_to(ROOT / folder)
                    dst = Path(self.build_lib, "crmkit", "bundled", folder, rel)
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dst)


setup(cmdclass={"build_py": BuildPyWithBundle})

"""Tiny helpers to write notebooks from Python (used by the tools/make_*.py scripts).

Notebooks are the source of truth once written; edit them in JupyterLab and run
``make nbclean`` afterwards. These helpers only make a first version easy to review.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from crmkit.notebooks import KERNELSPEC, normalise_notebook

PARAMETERS = '''params_file: str = "../params/demo.yaml"  # dataset params file (demo, cdnow or your export)
period: str = "latest"  # 2025-07, 2025-Q3, 2025, 2025-01-01:2025-03-31, latest or all
prepared_dir: str = ""  # set by `crmkit report`: the cleaned data shared by all notebooks
output_dir: str = ""  # set by `crmkit report`: where files next to the report are written
show_pii: bool = False  # names, e-mails and phones stay out of the report unless True'''

VERSIONS = '''import platform

print(f"crmkit {crmkit.__version__} · pandas {pd.__version__} · Python {platform.python_version()}")
print(f"data: {ds.name}, fingerprint {ds.fingerprint()}, params {data.params_file}")'''


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str):
    c = new_code_cell(text.strip("\n"))
    if tags:
        c.metadata["tags"] = list(tags)
    return c


def parameters(extra: str = ""):
    return code(PARAMETERS + ("\n" + extra.strip("\n") if extra else ""), "parameters")


def write(path, cells, *, title: str, requires: list[str]):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["crmkit"] = {"title": title, "requires": requires}
    nbformat.write(nb, path)
    normalise_notebook(path)

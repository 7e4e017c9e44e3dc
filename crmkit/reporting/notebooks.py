"""Keep stored notebooks clean: no outputs, one kernelspec, a ``parameters`` cell.

``crmkit`` stores notebooks without outputs (they are re-run by the report runner)
and with the kernelspec ``crmkit`` that ``make lab`` installs into the project's
virtual environment, so JupyterLab and the runner use the same interpreter.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

__all__ = ["KERNELSPEC", "normalise_notebook", "notebook_problems"]

KERNELSPEC = {"name": "crmkit", "display_name": "Python (crmkit)", "language": "python"}


def normalise_notebook(path: str | Path) -> bool:
    """Strip outputs and execution counts and set the kernelspec; return True if changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for k in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(k, None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.pop("widgets", None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def notebook_problems(path: str | Path) -> list[str]:
    """List what is wrong with a stored notebook (empty when it is clean)."""
    nb = nbformat.read(path, as_version=4)
    problems = []
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        problems.append(f"needs exactly one cell tagged 'parameters' (has {len(tagged)})")
    if any(c.cell_type == "code" and (c.outputs or c.execution_count) for c in nb.cells):
        problems.append("stored with outputs")
    if nb.metadata.get("kernelspec", {}).get("name") != KERNELSPEC["name"]:
        problems.append(f"kernelspec is not {KERNELSPEC['name']!r}")
    if "requires" not in nb.metadata.get("crmkit", {}):
        problems.append("metadata.crmkit.requires (tables the notebook needs) is missing")
    if len(tagged) == 1:
        problems += _unparsed_parameters(tagged[0])
    return problems


def _unparsed_parameters(cell) -> list[str]:
    """Parameter lines papermill cannot read (it then warns on every run).

    Papermill's parser rejects, for example, an ``=`` inside the trailing comment.
    """
    import logging

    from papermill.translators import PythonTranslator

    assigned = [m.group(1) for m in re.finditer(r"^(\w+)\s*(?::[^=\n]*)?=", cell.source, re.M)]
    logger = logging.getLogger("papermill")
    level, logger.level = logger.level, logging.CRITICAL
    try:
        parsed = {p.name for p in PythonTranslator.inspect(cell)}
    finally:
        logger.level = level
    return [f"papermill cannot parse the parameter line of {name!r} (no '=' in comments)"
            for name in assigned if name not in parsed]

"""What the area benchmarks share: each step runs in a fresh Python process, and results
are appended to ``bench/results_<area>.md``.

A benchmark script keeps its child program as a string (``CHILD``) that times one step
and prints one JSON line as its last output; :func:`run_child` runs it and returns that
line. A fresh process per step keeps the peak memory of one step apart from the next.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_child(code: str, *args, threads: int | None = None) -> dict:
    """Run ``code`` with ``args`` in a new interpreter; return its last stdout line as JSON.

    Parameters
    ----------
    code : str
        The child program (``python -c code arg ...``).
    *args
        Command-line arguments, turned into strings.
    threads : int, optional
        Cap the BLAS/OpenMP threads of the child (``OMP_NUM_THREADS`` and
        ``OPENBLAS_NUM_THREADS``); by default the child inherits the environment.
    """
    env = dict(os.environ)
    if threads is not None:
        env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                         text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def append_results(path: Path, lines: list[str], *, title: str, script: str) -> None:
    """Append ``lines`` to the results file ``path``, which starts with ``title`` when new."""
    if not path.exists():
        path.write_text(f"# {title}\n\nAppended by bench/{script} (see its docstring for the data "
                        "and the method). Wall-clock on the development machine (2 cores shared with "
                        "other work, so expect noise). No test asserts them.\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

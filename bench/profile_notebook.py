"""Time a notebook cell by cell, outside Jupyter, and profile its slow cells.

Usage::

    .venv/bin/python bench/profile_notebook.py notebooks/06_churn.ipynb \
        --prepared bench/data/report_100000/prepared --period 2025-Q4 [--profile 9,21] [--top 25]

The notebook's code cells run in order in one namespace, as a kernel would run them
(the ``parameters`` cell first, then the values given here, as papermill injects
them; matplotlib draws on the Agg backend; ``display`` prints nothing). Each cell's
wall and CPU time is printed, slowest first; ``--profile`` runs the listed cells
(numbers as printed: the cell's index in the notebook) under cProfile and prints
their top functions by cumulative time. ``--prepared`` is a folder written by
:meth:`crmkit.data.pipeline.Prepared.save`; when it does not exist yet it is
written from ``--params`` first (not timed). Nothing is recorded: the numbers go to
``bench/results_report.md`` by hand, with the load average printed here.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--prepared", required=True, help="folder of Prepared.save")
    ap.add_argument("--params", default=None, help="params file to prepare from if needed")
    ap.add_argument("--period", default="latest")
    ap.add_argument("--profile", default="", help="comma-separated cell indices to profile")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()

    import nbformat

    prepared = Path(args.prepared).resolve()
    if not (prepared / "dataset.json").exists():
        from crmkit.data.pipeline import prepare

        if not args.params:
            sys.exit(f"{prepared} does not exist: give --params to prepare it")
        t0 = time.perf_counter()
        prepare(args.params).save(prepared)
        print(f"prepared in {time.perf_counter() - t0:.0f} s: {prepared}", flush=True)
    import json

    info = json.loads((prepared / "dataset.json").read_text(encoding="utf-8"))
    nb = nbformat.read(args.notebook, as_version=4)
    out_dir = Path("/tmp") / f"profile_nb_{os.getpid()}"
    out_dir.mkdir(exist_ok=True)
    injected = (f"params_file = {info['params_file']!r}\nprepared_dir = {str(prepared)!r}\n"
                f"period = {args.period!r}\noutput_dir = {str(out_dir)!r}\n")
    wanted = {int(x) for x in args.profile.split(",") if x.strip()}

    import IPython.display

    IPython.display.display = lambda *a, **k: None  # noqa: E731 - no kernel to show anything
    ns: dict = {"__name__": "__main__"}
    os.chdir(Path(args.notebook).resolve().parent)
    print(f"load average at the start: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    times = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        src = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            src += "\n" + injected
        src = "\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!")))
        code = compile(src, f"<cell {i}>", "exec")
        prof = cProfile.Profile() if i in wanted else None
        t0, c0 = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        exec(code, ns)  # noqa: S102 - the notebook's own code
        if prof:
            prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        import matplotlib.pyplot as plt

        plt.close("all")
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")[:70]
        times.append((wall, cpu, i, first))
        print(f"cell {i:>2}: {wall:6.2f} s wall {cpu:6.2f} s CPU  {first}", flush=True)
        if prof:
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(args.top)
            print(s.getvalue())
    total = sum(t[0] for t in times)
    print(f"\ntotal {total:.1f} s wall, {sum(t[1] for t in times):.1f} s CPU; slowest cells:")
    for wall, _cpu, i, first in sorted(times, reverse=True)[:8]:
        print(f"  cell {i:>2}: {wall:6.2f} s ({wall / total:.0%})  {first}")
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

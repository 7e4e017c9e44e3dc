"""Benchmark: load + validate + clean + KPIs at 10x and 100x the demo size.

Usage: ``.venv/bin/python bench/bench_foundation.py [--scales 10 100]``

For each scale the demo generator writes customers and orders as CSV (in
``bench/data/``, git-ignored; generation is not timed), then a fresh Python process
loads them through a params file exactly as a user's export would be loaded, cleans
them and computes the KPI table, timing each step. Peak memory is the child process's
maximum resident set size. Results are appended to ``bench/results.md``.
Target (issue 2): 100x (about 5M orders) loads and cleans in under 60 s and 6 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    t = {}
    t0 = time.perf_counter()
    from crmkit.data.io import load_dataset
    from crmkit.data.cleaning import clean
    from crmkit.analysis.kpi import kpi_table
    from crmkit.periods import parse_period
    t["import"] = time.perf_counter() - t0
    t0 = time.perf_counter(); ds = load_dataset(sys.argv[1]); t["load_validate"] = time.perf_counter() - t0
    t0 = time.perf_counter(); clean_ds, log = clean(ds); t["clean"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    k = kpi_table(clean_ds.orders, period=parse_period("2025-Q4"))
    t["kpi"] = time.perf_counter() - t0
    t["rows_orders"] = len(clean_ds.orders); t["rows_customers"] = len(clean_ds.customers)
    t["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps(t))
""")


def make_data(scale: int) -> Path:
    folder = DATA / f"demo_x{scale}"
    params = folder / "params.yaml"
    if params.exists():
        return params
    from crmkit.data.io import write_dataset
    from crmkit.data.synthetic import make_demo

    folder.mkdir(parents=True, exist_ok=True)
    ds = make_demo(n_customers=5000 * scale, include=("customers", "orders"))
    ds = ds.with_tables()  # copy
    ds.tables = {k: v for k, v in ds.tables.items() if k in ("customers", "orders")}
    write_dataset(ds, folder, fmt="csv")
    params.write_text(
        "dataset: bench\nas_of: 2025-12-31\nsource: {type: files, path: .}\n"
        "tables:\n  orders: {file: orders.csv}\n  customers: {file: customers.csv}\n",
        encoding="utf-8")
    return params


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[10, 100])
    args = ap.parse_args()
    rows = []
    for scale in args.scales:
        params = make_data(scale)
        out = subprocess.run([sys.executable, "-c", CHILD, str(params)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["scale"] = scale
        r["csv_mb"] = sum(p.stat().st_size for p in params.parent.glob("*.csv")) / 1e6
        rows.append(r)
        print(json.dumps(r))
    import numpy
    import pandas

    lines = [
        f"\n## {dt.date.today()} · load + validate + clean + KPIs",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, pandas "
        f"{pandas.__version__}, numpy {numpy.__version__}",
        "",
        "| scale | orders | customers | CSV MB | load+validate s | clean s | KPIs s | load+clean s | peak RSS GB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scale']}x | {r['rows_orders']:,} | {r['rows_customers']:,} | {r['csv_mb']:.0f} | "
            f"{r['load_validate']:.1f} | {r['clean']:.1f} | {r['kpi']:.2f} | "
            f"{r['load_validate'] + r['clean']:.1f} | {r['peak_rss_gb']:.2f} |")
    lines.append("\nTarget: 100x loads and cleans in under 60 s and 6 GB on a 2-core machine.")
    with open(HERE / "results.md", "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

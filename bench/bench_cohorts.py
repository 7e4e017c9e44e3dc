"""Benchmark: the monthly cohort table (and retention curves, cohort summary) on millions of orders.

Usage: ``.venv/bin/python bench/bench_cohorts.py [--rows 1000000 10000000] [--repeat 3]``

For each size, synthetic orders are generated once and cached as Parquet in
``bench/data/`` (git-ignored; not timed): string customer IDs like ``C0001234``
(skewed: a few customers place many orders; about 0.58M customers for 10M
orders), timestamps over three years with microseconds,
5% returned orders and gamma-distributed amounts, i.e. the canonical orders table
after cleaning. A fresh Python process then reads the file and times each function
``--repeat`` times (the minimum and the median are reported). Peak memory is that
process's maximum resident set size, including the orders themselves (their size
after loading is reported too); since reading the Parquet file can peak higher than
the computations, one extra run of each function under ``tracemalloc`` gives the
memory the call itself allocates at its peak (numpy and pandas buffers).
Results are appended to ``bench/results_cohorts.md``.

Target (issue 4): ``cohort_table`` on 10M orders in under 3 s on a 2-core machine.
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
    import json, resource, statistics, sys, time, tracemalloc
    import pandas as pd
    from crmkit.analysis.lifecycle.cohorts import cohort_summary, cohort_table, retention_curves

    orders = pd.read_parquet(sys.argv[1])
    repeat = int(sys.argv[2])
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {"rows": len(orders), "customers": int(orders["customer_id"].nunique()),
           "data_gb": orders.memory_usage(deep=True).sum() / 1024**3, "rss_after_load_gb": kb / 1024**2}
    steps = {
        "cohort_table": lambda: cohort_table(orders, as_of="2024-12-31"),
        "retention_curves": lambda: retention_curves(orders, as_of="2024-12-31"),
        "cohort_summary": lambda: cohort_summary(orders, as_of="2024-12-31"),
    }
    for name, f in steps.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = f()
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        f()
        extra = tracemalloc.get_traced_memory()[1] / 1024**3
        tracemalloc.stop()
        out[name] = {"min": min(times), "median": statistics.median(times), "result_rows": len(r),
                     "extra_gb": extra}
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps(out))
""")


def make_data(rows: int) -> Path:
    """Write (once) ``rows`` synthetic canonical orders to bench/data and return the path."""
    path = DATA / f"cohort_orders_{rows}.parquet"
    if path.exists():
        return path
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(4)
    n_cust = max(rows // 10, 1)
    start = np.datetime64("2022-01-01T00:00:00", "us")
    span_us = np.int64(3 * 365 * 86_400) * 1_000_000
    acquired = rng.integers(0, span_us, n_cust)  # acquisition time per customer
    # customers with more orders are more common among the rows (a skewed customer base)
    cust = np.minimum((rng.pareto(1.5, rows) * n_cust / 20).astype(np.int64), n_cust - 1)
    offset = (rng.random(rows) * (span_us - acquired[cust])).astype(np.int64)
    offset[rng.random(rows) < 0.3] = 0  # many orders on the acquisition day
    order_date = start + (acquired[cust] + offset).astype("timedelta64[us]")
    digits = len(str(n_cust))
    orders = pd.DataFrame({
        "order_id": pd.array(np.char.add("O", np.arange(rows).astype(str)), dtype="str"),
        "customer_id": pd.array(np.char.add("C", np.char.zfill(cust.astype(str), digits)), dtype="str"),
        "order_date": order_date,
        "revenue": np.round(rng.gamma(2.0, 90.0, rows), 2),
        "status": pd.array(np.where(rng.random(rows) < 0.95, "completed", "returned"), dtype="str"),
        "is_outlier": np.zeros(rows, dtype=bool),
    })
    DATA.mkdir(parents=True, exist_ok=True)
    orders.to_parquet(path, index=False)
    return path


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    results = []
    for rows in args.rows:
        path = make_data(rows)
        proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(args.repeat)],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(json.dumps(r))
    import numpy
    import pandas

    lines = [
        f"\n## {dt.date.today()} · cohorts (bench/bench_cohorts.py)",
        f"machine: {os.cpu_count()} cores ({_cpu()}), shared with other work while recorded; "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}",
        "",
        "| orders | customers | orders in memory GB | cohort_table s (min / median) | cohort_table "
        "allocates GB | retention_curves s | cohort_summary s | peak RSS GB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['customers']:,} | {r['data_gb']:.2f} | "
            f"{r['cohort_table']['min']:.2f} / {r['cohort_table']['median']:.2f} | "
            f"{r['cohort_table']['extra_gb']:.2f} | "
            f"{r['retention_curves']['min']:.2f} / {r['retention_curves']['median']:.2f} | "
            f"{r['cohort_summary']['min']:.2f} / {r['cohort_summary']['median']:.2f} | "
            f"{r['peak_rss_gb']:.2f} |")
    lines.append(f"\nEach function run {args.repeat} times on orders already in memory (string customer IDs, "
                 "5% returns, 36 monthly cohorts); peak RSS includes the orders. Target: cohort_table on "
                 "10M orders in under 3 s.")
    with open(HERE / "results_cohorts.md", "a", encoding="utf-8") as f:
        if f.tell() == 0:
            f.write("# Cohort benchmark results\n\nAppended by bench/bench_cohorts.py. Wall-clock times on "
                    "the development machine; no test asserts them.\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

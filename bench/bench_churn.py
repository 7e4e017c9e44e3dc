"""Benchmark: churn labels and features for 1M customers and 10M orders.

Usage: ``.venv/bin/python bench/bench_churn.py [--customers 1000000] [--orders 10000000]``

Synthetic data is generated with numpy (not timed) and written as Parquet to
``bench/data/churn_<customers>_<orders>/`` (git-ignored): canonical orders
(string IDs, timestamps with a time of day, revenue, status with 3% returns and 2%
cancellations, three sales channels) and a customers table (signup date,
acquisition channel, region). Each step then runs in a fresh Python process that
reads the Parquet files and times only the step itself (wall clock, and the
process's CPU time, which is less sensitive to other work on a shared machine); peak
memory is that
process's maximum resident set size (data included). Results are appended to
``bench/results_churn.md``.

Target (churn issue): feature building for 1M customers / 10M orders under 20 s.
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
import time
from pathlib import Path

from harness import append_results  # bench/harness.py (the script's own folder is on sys.path)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CUTOFF = "2025-09-30"

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import pandas as pd
    from crmkit.analysis import churn
    folder, step, cutoff = sys.argv[1], sys.argv[2], sys.argv[3]
    orders = pd.read_parquet(f"{folder}/orders.parquet")
    customers = pd.read_parquet(f"{folder}/customers.parquet")
    t0, c0 = time.perf_counter(), time.process_time()
    if step == "features (orders)":
        out = churn.churn_features(orders, as_of=cutoff)
    elif step == "features (orders + customers)":
        out = churn.churn_features(orders, as_of=cutoff, customers=customers)
    elif step == "labels":
        out = churn.churn_labels(orders, as_of=cutoff, horizon_days=90, lookback_days=365)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"step": step, "seconds": seconds, "cpu_seconds": cpu, "rows_out": len(out),
                      "columns_out": out.shape[1],
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
""")

STEPS = ("features (orders)", "features (orders + customers)", "labels")


def make_data(n_customers: int, n_orders: int, seed: int = 0) -> Path:
    """Write synthetic canonical orders and customers (Parquet); return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"churn_{n_customers}_{n_orders}"
    if (folder / "orders.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"C{i:08d}" for i in range(n_customers)], dtype="str")
    start = np.datetime64("2024-01-01T00:00:00", "s")
    span = int((np.datetime64("2025-12-31T00:00:00", "s") - start) / np.timedelta64(1, "s"))
    # customers sign up over the first 18 months; heavy-tailed activity (some buy a lot)
    signup = rng.integers(0, int(span * 0.75), n_customers)
    weight = rng.gamma(0.8, 1.0, n_customers)
    cust = rng.choice(n_customers, size=n_orders, p=weight / weight.sum())
    offset = signup[cust] + (rng.random(n_orders) * (span - signup[cust])).astype(np.int64)
    status = rng.choice(np.array(["completed", "returned", "cancelled"]), size=n_orders,
                        p=[0.95, 0.03, 0.02])
    orders = pd.DataFrame({
        "order_id": pd.Index(np.arange(n_orders).astype(str), dtype="str"),
        "customer_id": ids.take(cust),
        "order_date": (start + offset.astype("timedelta64[s]")).astype("datetime64[us]"),
        "revenue": np.round(rng.lognormal(5.0, 0.8, n_orders), 2),
        "status": pd.array(status, dtype="str"),
        "sales_channel": pd.array(rng.choice(np.array(["web", "app", "store"]), n_orders), dtype="str"),
    })
    customers = pd.DataFrame({
        "customer_id": ids,
        "signup_date": (start + signup.astype("timedelta64[s]")).astype("datetime64[us]"),
        "acquisition_channel": pd.array(rng.choice(np.array(
            ["search", "social", "referral", "email", "offline", "organic"]), n_customers), dtype="str"),
        "region": pd.array(rng.choice(np.array(
            ["East", "North", "South", "Central", "Southwest", "Northwest", "Northeast"]),
            n_customers), dtype="str"),
    })
    orders.to_parquet(folder / "orders.parquet", index=False)
    customers.to_parquet(folder / "customers.parquet", index=False)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--orders", type=int, default=10_000_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    folder = make_data(args.customers, args.orders)
    print(f"data ready in {time.perf_counter() - t0:.0f} s: {folder}", file=sys.stderr)
    load = os.getloadavg()[0]
    rows = []
    for step in STEPS:
        out = subprocess.run([sys.executable, "-c", CHILD, str(folder), step, CUTOFF],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(json.dumps(r))
    import numpy
    import pandas
    import sklearn

    lines = [
        f"\n## {dt.date.today()} · churn labels and features, cut-off {CUTOFF}",
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start, Python "
        f"{platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
        f"scikit-learn {sklearn.__version__}",
        f"data: {args.customers:,} customers, {args.orders:,} orders (synthetic, numpy)",
        "",
        "| step | customers out | columns | wall s | CPU s | peak RSS GB (incl. data) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['step']} | {r['rows_out']:,} | {r['columns_out']} | "
                     f"{r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_rss_gb']:.2f} |")
    lines.append("\nTarget: feature building for 1M customers / 10M orders under 20 s. The wall "
                 "time includes waiting for the CPU when the machine is busy (see the load "
                 "average); the CPU time does not.")
    path = HERE / "results_churn.md"
    append_results(path, lines, title="Churn benchmark results", script="bench_churn.py")


if __name__ == "__main__":
    main()

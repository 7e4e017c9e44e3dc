"""Benchmark: RFM table + scores + segments + tiers + k-means at 1x, 10x and 100x the demo.

Usage: ``.venv/bin/python bench/bench_segmentation.py [--scales 1 10 100]``

For each scale the demo generator writes the clean orders of ``5000 x scale``
customers to ``bench/data/seg_orders_x<scale>.parquet`` (git-ignored; generation is
not timed). A fresh Python process then reads them and times each step of notebook
03: :func:`crmkit.rfm.rfm_table`, :func:`crmkit.segmentation.rfm_scores`,
:func:`~crmkit.segmentation.assign_segments`, :func:`~crmkit.segmentation.value_tiers`
and :class:`~crmkit.segmentation.RFMClusterer` (automatic k over 2..8: seven k-means
fits with 4 restarts each, silhouette on a 3,000-customer sample; scikit-learn is
imported before the clock starts). Peak memory is the
child's maximum resident set size (``ru_maxrss``), with the size after reading the
orders for reference. Results are appended to ``bench/results_segmentation.md``.
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
    import pandas as pd
    from crmkit.data.purchases import rfm_table
    from crmkit.analysis import segmentation as seg

    def rss_gb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    t0 = time.perf_counter()
    import sklearn.cluster, sklearn.metrics  # imported lazily by RFMClusterer.fit: time it apart
    t_import = time.perf_counter() - t0
    orders = pd.read_parquet(sys.argv[1])
    t = {"rows_orders": len(orders), "rss_after_load_gb": rss_gb(), "import_sklearn": t_import}
    t0 = time.perf_counter(); rfm = rfm_table(orders, as_of="2025-12-31"); t["rfm_table"] = time.perf_counter() - t0
    t0 = time.perf_counter(); scored = seg.rfm_scores(rfm); t["scores"] = time.perf_counter() - t0
    t0 = time.perf_counter(); scored["segment"] = seg.assign_segments(scored); t["segments"] = time.perf_counter() - t0
    t0 = time.perf_counter(); scored["value_tier"] = seg.value_tiers(scored); t["tiers"] = time.perf_counter() - t0
    t0 = time.perf_counter(); km = seg.RFMClusterer(random_state=0).fit(rfm); t["kmeans"] = time.perf_counter() - t0
    t["n_clusters"] = km.n_clusters_
    t["rows_customers"] = len(rfm)
    t["peak_rss_gb"] = rss_gb()
    print(json.dumps(t))
""")


def make_data(scale: int) -> Path:
    path = DATA / f"seg_orders_x{scale}.parquet"
    if path.exists():
        return path
    from crmkit.data.synthetic import make_demo

    DATA.mkdir(parents=True, exist_ok=True)
    ds = make_demo(n_customers=5000 * scale, include=("orders",), defects=False)
    ds.orders[["order_id", "customer_id", "order_date", "revenue", "status"]].to_parquet(path, index=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    args = ap.parse_args()
    rows = []
    for scale in args.scales:
        path = make_data(scale)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["scale"] = scale
        rows.append(r)
        print(json.dumps(r), flush=True)
    import numpy
    import pandas
    import sklearn

    load = os.getloadavg()[0]
    lines = [
        f"\n## {dt.date.today()} · RFM table + scores + segments + tiers + k-means (notebook 03)",
        f"machine: {os.cpu_count()} cores (load average {load:.1f} at the end: shared, expect noise), "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
        f"scikit-learn {sklearn.__version__}",
        "",
        "| scale | orders | customers | rfm_table s | scores s | segments s | tiers s | k-means (k=2..8) s | k chosen | total s | (sklearn import s) | RSS after load GB | peak RSS GB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        total = r["rfm_table"] + r["scores"] + r["segments"] + r["tiers"] + r["kmeans"]
        lines.append(
            f"| {r['scale']}x | {r['rows_orders']:,} | {r['rows_customers']:,} | {r['rfm_table']:.2f} | "
            f"{r['scores']:.2f} | {r['segments']:.3f} | {r['tiers']:.3f} | {r['kmeans']:.1f} | "
            f"{r['n_clusters']} | {total:.1f} | {r['import_sklearn']:.1f} | {r['rss_after_load_gb']:.2f} | "
            f"{r['peak_rss_gb']:.2f} |")
    lines.append("\nTotal excludes importing scikit-learn (paid once per notebook). k-means runs "
                 "single-threaded on purpose (see `RFMClusterer.fit`): with OpenMP threads on this "
                 "shared 2-core machine it was 3-50x slower.")
    results = HERE / "results_segmentation.md"
    if not results.exists():
        results.write_text("# Benchmark results: segmentation (notebook 03)\n\nAppended by "
                           "bench/bench_segmentation.py. Wall-clock on the development machine; "
                           "no test asserts them.\n", encoding="utf-8")
    with open(results, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

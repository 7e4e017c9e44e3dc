"""Time :func:`crmkit.synthetic.make_demo` at several sizes.

Usage::

    python bench/bench_synthetic.py                 # 1x and 10x, all tables
    python bench/bench_synthetic.py 100 customers,orders

Each size runs in a fresh process so that the peak memory reported is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

_CHILD = """
import json, resource, sys, time
from crmkit.data.synthetic import make_demo
scale, include = float(sys.argv[1]), sys.argv[2]
include = None if include == "all" else tuple(include.split(","))
t0 = time.perf_counter()
ds = make_demo(n_customers=int(5000 * scale), include=include)
seconds = time.perf_counter() - t0
rows = {name: len(df) for name, df in ds.tables.items()}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
print(json.dumps({"scale": scale, "include": include, "seconds": round(seconds, 2),
                  "peak_gb": round(peak, 2), "rows": rows}))
"""


def run(scale: float, include: str = "all") -> dict:
    """Generate one size in a child process and return its timing and row counts."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(scale), include],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    cases = [(float(argv[0]), argv[1] if len(argv) > 1 else "all")] if argv else [(1, "all"), (10, "all")]
    for scale, include in cases:
        t0 = time.perf_counter()
        res = run(scale, include)
        res["wall_seconds"] = round(time.perf_counter() - t0, 2)
        print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])

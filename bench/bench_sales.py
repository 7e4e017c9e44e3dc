"""Benchmark: the sales funnel and sales-team computations for 1M deals.

Usage: ``.venv/bin/python bench/bench_sales.py [--deals 1000000] [--owners 50]``

Synthetic deals are generated with numpy (not timed) and written as Parquet to
``bench/data/sales_<deals>_<owners>/`` (git-ignored): canonical ``opportunities`` over two
years (owners with win rates from 15% to 45%, six acquisition channels through a
customers table, log-normal amounts), their ``opportunity_stages`` history (lead ->
qualified -> proposal -> negotiation -> closed, lost deals leaving early, deals not
closed by the end open) and quarterly ``targets`` per owner: about 3.4 stage rows per
deal, as in the demo. Each step then runs in a fresh Python process that reads the
Parquet files and times only the step itself (wall clock, and the process's CPU time,
which is less sensitive to other work on a shared machine); peak memory is that
process's maximum resident set size (data included). Results are appended to
``bench/results_sales.md``.

The issue names no target for these two pages; the goal recorded here is that the
computations behind each page take well under a minute for 1M deals on two cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import textwrap
from pathlib import Path

from harness import (  # bench/harness.py (the script's own folder is on sys.path)
    append_results,
    run_child,
)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
AS_OF = "2025-12-30"

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import pandas as pd
    from crmkit.analysis import funnel, sales_team
    from crmkit.periods import parse_period
    folder, step, as_of = sys.argv[1], sys.argv[2], sys.argv[3]
    ops = pd.read_parquet(f"{folder}/opportunities.parquet")
    st = pd.read_parquet(f"{folder}/opportunity_stages.parquet")
    customers = pd.read_parquet(f"{folder}/customers.parquet")
    targets = pd.read_parquet(f"{folder}/targets.parquet")
    P = parse_period("2025-Q4")

    def history():
        return funnel.deal_history(ops, opportunity_stages=st, as_of=as_of, customers=customers,
                                   stages=["lead", "qualified", "proposal", "negotiation"], currency="¥")

    if step != "deal history":
        h = history()
        recent = h.since(365)
    t0, c0 = time.perf_counter(), time.process_time()
    if step == "deal history":
        out = history().spells
    elif step == "stage conversion, by owner":
        out = funnel.stage_conversion(recent, by="owner", min_at_risk=10)
    elif step == "cohort table":
        out = funnel.cohort_table(h, min_at_risk=10)
    elif step == "bottleneck (owner, channel, size)":
        out = funnel.bottleneck_table(recent, min_at_risk=10)
    elif step == "open pipeline weighted":
        out = funnel.score_open_deals(h, past=recent, min_at_risk=10)
    elif step == "sales-team scorecard":
        scored = funnel.score_open_deals(h, past=recent, min_at_risk=10)
        out = sales_team.owner_scorecard(h, period=P, targets=targets, scored=scored)
    elif step == "win-rate matrix":
        out = sales_team.win_rate_matrix(sales_team.win_rates(h))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"step": step, "seconds": seconds, "cpu_seconds": cpu, "rows_out": len(out),
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
""")

STEPS = ("deal history", "stage conversion, by owner", "cohort table", "bottleneck (owner, channel, size)",
         "open pipeline weighted", "sales-team scorecard", "win-rate matrix")


def make_data(n_deals: int, n_owners: int, seed: int = 0) -> Path:
    """Write synthetic canonical deals, stage history, customers and targets; return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"sales_{n_deals}_{n_owners}"
    if (folder / "targets.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    day = np.timedelta64(1, "D")
    start, end = np.datetime64("2024-01-01"), np.datetime64(AS_OF) + day
    span = (end - start) / day
    # more deals later (a growing pipeline), as in the demo
    created = start + (np.sqrt(rng.random(n_deals)) * span * 86_400).astype("timedelta64[s]")
    owner = rng.integers(0, n_owners, n_deals)
    rate = np.linspace(0.15, 0.45, n_owners)[owner]
    won = rng.random(n_deals) < rate
    lost_after = rng.choice(4, size=n_deals, p=[0.35, 0.30, 0.20, 0.15])
    reached = np.where(won, 4, lost_after + 1)  # stages entered before closing
    cycle = (1 + rng.gamma(2.0, 22.0, n_deals)) * 86_400
    closed_at = created + cycle.astype("timedelta64[s]")
    is_open = closed_at >= end
    amount = np.round(30_000 * np.exp(0.9 * rng.standard_normal(n_deals)), 2)
    n_customers = max(n_deals // 5, 1)
    ids = pd.Index([f"OPP{i:08d}" for i in range(n_deals)], dtype="str")
    owners = np.array([f"Rep {i:03d}" for i in range(n_owners)], dtype=object)
    ops = pd.DataFrame({
        "opportunity_id": ids,
        "customer_id": pd.Index([f"C{i:08d}" for i in rng.integers(0, n_customers, n_deals)], dtype="str"),
        "owner": pd.Series(owners[owner], dtype="str"),
        "created_at": created.astype("datetime64[ns]"),
        "stage": pd.Series(np.array(["lead", "qualified", "proposal", "negotiation", "closed"])[
            np.where(is_open, np.minimum(reached, 3), 4)], dtype="str"),
        "amount": amount,
        "closed_at": pd.Series(closed_at.astype("datetime64[ns]")).where(~is_open),
        "outcome": pd.Series(np.where(is_open, "open", np.where(won, "won", "lost")), dtype="str"),
    })
    # stage history: stage k entered at a sorted uniform fraction of the cycle, closed at its end
    n_rows = reached + 1
    deal = np.repeat(np.arange(n_deals), n_rows)
    pos = np.arange(deal.size) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    frac = np.sort(rng.random((n_deals, 3)), axis=1)
    closing = pos == n_rows[deal] - 1
    f = np.where(pos == 0, 0.0, np.where(closing, 1.0, frac[deal, np.clip(pos - 1, 0, 2)]))
    entered = created[deal] + (f * cycle[deal]).astype("timedelta64[s]") + pos.astype("timedelta64[s]")
    seen = entered < end
    st = pd.DataFrame({
        "opportunity_id": ids.take(deal[seen]),
        "stage": pd.Series(np.array(["lead", "qualified", "proposal", "negotiation", "closed"])[
            np.where(closing, 4, pos)[seen]], dtype="str"),
        "entered_at": entered[seen].astype("datetime64[ns]"),
    })
    customers = pd.DataFrame({
        "customer_id": pd.Index([f"C{i:08d}" for i in range(n_customers)], dtype="str"),
        "acquisition_channel": pd.Series(rng.choice(["search", "social", "referral", "email", "offline", "organic"],
                                                    n_customers), dtype="str"),
        "crm_segment": "business",
    })
    quarters = [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)] + ["2026-Q1"]
    targets = pd.DataFrame({
        "period": pd.Series(np.repeat(quarters, n_owners), dtype="str"),
        "owner": pd.Series(np.tile(owners, len(quarters)), dtype="str"),
        "channel": pd.Series([None] * len(quarters) * n_owners, dtype="str"),
        "target_amount": np.round(rng.uniform(0.5, 1.5, len(quarters) * n_owners) * n_deals / n_owners / 8 * 0.3
                                  * 45_000, -4),
    })
    ops.to_parquet(folder / "opportunities.parquet")
    st.to_parquet(folder / "opportunity_stages.parquet")
    customers.to_parquet(folder / "customers.parquet")
    targets.to_parquet(folder / "targets.parquet")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--owners", type=int, default=50)
    ap.add_argument("--no-record", action="store_true", help="print only, do not append to results_sales.md")
    args = ap.parse_args()
    import numpy as np
    import pandas as pd

    folder = make_data(args.deals, args.owners)
    n_rows = len(pd.read_parquet(folder / "opportunity_stages.parquet", columns=["stage"]))
    load = os.getloadavg()[0]
    results = []
    for step in STEPS:
        r = run_child(CHILD, folder, step, AS_OF, threads=1)
        results.append(r)
        print(f"{step:40s} {r['seconds']:7.1f} s wall {r['cpu_seconds']:7.1f} s CPU "
              f"{r['peak_rss_gb']:5.2f} GB  ({r['rows_out']:,} rows)", flush=True)
    if args.no_record:
        return
    lines = [
        f"\n## {dt.date.today():%Y-%m-%d} · sales funnel and sales team, as of {AS_OF}",
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start, Python "
        f"{platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}",
        f"data: {args.deals:,} deals, {n_rows:,} stage rows, {args.owners} owners (synthetic, numpy)",
        "",
        "| step | rows out | wall s | CPU s | peak RSS GB (incl. data) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['step']} | {r['rows_out']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
              f"{r['peak_rss_gb']:.2f} |" for r in results]
    lines.append("\nEach step but the first starts from the deal history already built (its time is the first "
                 "row). The wall time includes waiting for the CPU when the machine is busy (see the load "
                 "average); the CPU time does not.")
    path = HERE / "results_sales.md"
    append_results(path, lines, title="Sales funnel and sales-team benchmark results", script="bench_sales.py")


if __name__ == "__main__":
    main()

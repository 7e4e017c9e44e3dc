"""Benchmark: channel attribution over 10M events and customer profit for 1M customers.

Usage: ``.venv/bin/python bench/bench_money.py [--events 10000000] [--customers 1000000]``

Two synthetic datasets are generated with numpy (not timed) and written as Parquet to
``bench/data/money_*`` (git-ignored):

- **attribution**: canonical ``events`` (``customer_id``, ``timestamp``, ``session_id``,
  ``channel``; IDs as text, as an export would have them) of ``--customers`` customers over
  two years, about 5 events per session in six traffic channels, and ``orders``: 40% of the
  customers buy, the first purchase at the end of one of their sessions;
- **profit**: ``--customers`` customers with about 5 orders each (95% completed, 3%
  returned, 2% cancelled; ``cost``, ``discount``, ``shipping_cost``), 0.3 tickets per
  customer (10% complaints) and a customers table with segment, channel and region.

Each step runs in a fresh Python process that reads the Parquet files and times only the
step itself (wall clock and process CPU time); peak memory is that process's maximum
resident set size (data included). Targets (issue 13): attribution over 10M events and
profit for 1M customers each in under 60 s on two cores. Results are appended to
``bench/results_money.md``.
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
TARGET_SECONDS = 60.0

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import pandas as pd
    from crmkit.analysis import channels, profitability
    folder, step, as_of = sys.argv[1], sys.argv[2], sys.argv[3]
    if step.startswith("attribution"):
        events = pd.read_parquet(f"{folder}/events.parquet")
        orders = pd.read_parquet(f"{folder}/orders.parquet")
        rows_in = len(events)
    else:
        orders = pd.read_parquet(f"{folder}/orders.parquet")
        tickets = pd.read_parquet(f"{folder}/tickets.parquet")
        customers = pd.read_parquet(f"{folder}/customers.parquet")
        rows_in = len(orders)
    if step == "attribution: five models":
        j = channels.journeys(events, orders=orders, as_of=as_of)
    if step == "profit: deciles, whale curve, groups, loss reasons":
        cp = profitability.customer_profit(orders, tickets=tickets, start="2025-01-01", as_of=as_of)
    t0, c0 = time.perf_counter(), time.process_time()
    note = ""
    if step == "attribution: journeys from events":
        out = channels.journeys(events, orders=orders, as_of=as_of)
        note = f"{out.n_paths:,} journeys, {out.n_conversions:,} converting, {out.path.size:,} sessions"
        rows = out.n_paths
    elif step == "attribution: five models":
        out = channels.attribution_table(j)
        rows = len(out)
    elif step == "attribution: events to five models":
        j = channels.journeys(events, orders=orders, as_of=as_of)
        out = channels.attribution_table(j)
        rows = len(out)
    elif step == "profit: customer_profit":
        out = profitability.customer_profit(orders, tickets=tickets, start="2025-01-01", as_of=as_of)
        rows = len(out)
        note = f"{(out['profit'] < 0).mean():.1%} lose money"
    elif step == "profit: deciles, whale curve, groups, loss reasons":
        g = profitability.add_groups(cp, customers=customers)
        parts = [profitability.profit_deciles(g), profitability.whale_curve(g), profitability.whale_summary(g),
                 profitability.cost_structure(g), profitability.loss_reasons(g)[1]]
        parts += [profitability.profit_by(g, by=b) for b in ("crm_segment", "value_tier", "acquisition_channel",
                                                             "region")]
        rows = len(g)
    elif step == "profit: orders to every table":
        cp = profitability.customer_profit(orders, tickets=tickets, start="2025-01-01", as_of=as_of)
        g = profitability.add_groups(cp, customers=customers)
        parts = [profitability.profit_deciles(g), profitability.whale_curve(g), profitability.whale_summary(g),
                 profitability.cost_structure(g), profitability.loss_reasons(g)[1]]
        parts += [profitability.profit_by(g, by=b) for b in ("crm_segment", "value_tier", "acquisition_channel",
                                                             "region")]
        rows = len(g)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"step": step, "seconds": seconds, "cpu_seconds": cpu, "rows_in": rows_in, "rows_out": rows,
                      "note": note, "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
""")

ATTRIBUTION_STEPS = ("attribution: journeys from events", "attribution: five models",
                     "attribution: events to five models")
PROFIT_STEPS = ("profit: customer_profit", "profit: deciles, whale curve, groups, loss reasons",
                "profit: orders to every table")
TARGETED = {"attribution: events to five models", "profit: orders to every table"}
CHANNELS = ("direct", "search", "social", "email", "display", "affiliate")


def _ids(prefix: str, numbers, width: int):
    import pandas as pd

    return (prefix + pd.Series(numbers).astype("str").str.zfill(width)).astype("str")


def make_events(n_events: int, n_customers: int, seed: int = 0) -> Path:
    """Write synthetic events and orders for attribution; return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"money_events_{n_events}_{n_customers}"
    if (folder / "orders.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    span = int((np.datetime64(AS_OF) + np.timedelta64(1, "D") - start) / np.timedelta64(1, "s"))
    per_session = 1 + rng.poisson(4.0, size=n_events // 4 + 10)  # more than enough sessions
    ends = np.cumsum(per_session)
    n_sessions = int(np.searchsorted(ends, n_events) + 1)
    per_session = per_session[:n_sessions].copy()
    per_session[-1] -= ends[n_sessions - 1] - n_events
    ends = np.cumsum(per_session)
    sess_cust = rng.integers(0, n_customers, n_sessions)
    sess_start = rng.integers(0, span - 3600, n_sessions)
    sess_chan = rng.choice(len(CHANNELS), n_sessions, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05])
    sess = np.repeat(np.arange(n_sessions), per_session)
    offset = (np.arange(sess.size) - np.repeat(ends - per_session, per_session)) * 60
    events = pd.DataFrame({
        "customer_id": _ids("C", sess_cust, 7).take(sess).reset_index(drop=True),
        "timestamp": (start + (sess_start[sess] + offset).astype("timedelta64[s]")).astype("datetime64[ns]"),
        "event_type": pd.Series("view", index=range(sess.size), dtype="str"),
        "session_id": _ids("S", np.arange(n_sessions), 9).take(sess).reset_index(drop=True),
        "channel": pd.Categorical.from_codes(sess_chan[sess], CHANNELS),
    })
    # 40% of customers buy: the first purchase ends one of their sessions, some buy again later
    buyers = np.flatnonzero(rng.random(n_customers) < 0.4)
    last_session = np.full(n_customers, -1)
    last_session[sess_cust] = np.arange(n_sessions)
    has = buyers[last_session[buyers] >= 0]
    first = start + (sess_start[last_session[has]] + 3600).astype("timedelta64[s]")
    repeat = rng.poisson(1.5, has.size)
    rep_cust = np.repeat(has, repeat)
    rep_time = np.repeat(first, repeat) + rng.integers(1, 200, rep_cust.size).astype("timedelta64[D]")
    cust = np.r_[has, rep_cust]
    when = np.r_[first, rep_time]
    keep = when < np.datetime64(AS_OF) + np.timedelta64(1, "D")
    orders = pd.DataFrame({
        "order_id": _ids("O", np.arange(int(keep.sum())), 9),
        "customer_id": _ids("C", cust[keep], 7),
        "order_date": when[keep].astype("datetime64[ns]"),
        "revenue": np.round(rng.gamma(4.0, 40.0, int(keep.sum())), 2),
        "status": pd.Series("completed", index=range(int(keep.sum())), dtype="str"),
    })
    events.to_parquet(folder / "events.parquet")
    orders.to_parquet(folder / "orders.parquet")
    return folder


def make_profit(n_customers: int, seed: int = 1) -> Path:
    """Write synthetic orders, tickets and customers for the profit step; return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"money_profit_{n_customers}"
    if (folder / "customers.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_orders = rng.poisson(5.0, n_customers)
    cust = np.repeat(np.arange(n_customers), n_orders)
    m = cust.size
    start = np.datetime64("2024-01-01T00:00:00", "s")
    span = int((np.datetime64(AS_OF) + np.timedelta64(1, "D") - start) / np.timedelta64(1, "s"))
    revenue = np.round(rng.gamma(4.0, 40.0, m), 2)
    hunter = rng.random(n_customers) < 0.07
    disc_share = np.where(hunter[cust], rng.uniform(0.46, 0.6, m), np.where(rng.random(m) < 0.35,
                                                                            rng.uniform(0.05, 0.25, m), 0.0))
    orders = pd.DataFrame({
        "order_id": _ids("O", np.arange(m), 9),
        "customer_id": _ids("C", cust, 7),
        "order_date": (start + rng.integers(0, span, m).astype("timedelta64[s]")).astype("datetime64[ns]"),
        "revenue": revenue,
        "cost": np.round(revenue * rng.uniform(0.55, 0.7, m), 2),
        "discount": np.round(revenue * disc_share, 2),
        "shipping_cost": rng.choice([0.0, 6.0, 8.0, 10.0, 12.0, 15.0], m),
        "status": pd.Series(np.array(["completed", "returned", "cancelled"])[rng.choice(3, m, p=[0.95, 0.03, 0.02])],
                            dtype="str"),
    })
    n_t = int(0.3 * n_customers)
    tickets = pd.DataFrame({
        "ticket_id": _ids("T", np.arange(n_t), 8),
        "customer_id": _ids("C", rng.integers(0, n_customers, n_t), 7),
        "created_at": (start + rng.integers(0, span, n_t).astype("timedelta64[s]")).astype("datetime64[ns]"),
        "is_complaint": rng.random(n_t) < 0.1,
    })
    customers = pd.DataFrame({
        "customer_id": _ids("C", np.arange(n_customers), 7),
        "crm_segment": pd.Series(rng.choice(["consumer", "business"], n_customers, p=[0.9, 0.1]), dtype="str"),
        "acquisition_channel": pd.Series(rng.choice(["search", "social", "referral", "email", "offline", "organic"],
                                                    n_customers), dtype="str"),
        "region": pd.Series(rng.choice([f"region {i}" for i in range(30)], n_customers), dtype="str"),
    })
    orders.to_parquet(folder / "orders.parquet")
    tickets.to_parquet(folder / "tickets.parquet")
    customers.to_parquet(folder / "customers.parquet")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--no-record", action="store_true", help="print only, do not append to results_money.md")
    args = ap.parse_args()
    import numpy as np
    import pandas as pd

    ev_folder = make_events(args.events, args.customers)
    pr_folder = make_profit(args.customers)
    n_orders = len(pd.read_parquet(pr_folder / "orders.parquet", columns=["revenue"]))
    load = os.getloadavg()
    results = []
    for folder, steps in ((ev_folder, ATTRIBUTION_STEPS), (pr_folder, PROFIT_STEPS)):
        for step in steps:
            r = run_child(CHILD, folder, step, AS_OF, threads=1)
            results.append(r)
            print(f"{step:55s} {r['seconds']:7.1f} s wall {r['cpu_seconds']:7.1f} s CPU "
                  f"{r['peak_rss_gb']:5.2f} GB  {r['note']}", flush=True)
    if args.no_record:
        return
    end_load = os.getloadavg()
    lines = [
        f"\n## {dt.date.today():%Y-%m-%d} · attribution and customer profit, as of {AS_OF}",
        f"machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, pandas "
        f"{pd.__version__}, numpy {np.__version__}; load average (1, 5, 15 min) at the start "
        f"{', '.join(f'{x:.1f}' for x in load)} and at the end {', '.join(f'{x:.1f}' for x in end_load)}",
        f"data: attribution {args.events:,} events of {args.customers:,} customers in six channels; profit "
        f"{args.customers:,} customers with {n_orders:,} orders, {int(0.3 * args.customers):,} tickets "
        "(synthetic, numpy)",
        "",
        "| step | rows in | rows out | wall s | CPU s | target s | met | peak RSS GB (incl. data) | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        target = TARGET_SECONDS if r["step"] in TARGETED else None
        met = "" if target is None else ("yes" if r["seconds"] < target else "**no**")
        lines.append(f"| {r['step']} | {r['rows_in']:,} | {r['rows_out']:,} | {r['seconds']:.1f} | "
                     f"{r['cpu_seconds']:.1f} | {'' if target is None else f'< {target:.0f}'} | {met} | "
                     f"{r['peak_rss_gb']:.2f} | {r['note']} |")
    lines.append("\nThe targeted rows are the whole computation behind each page section (events to the five "
                 "attribution models; orders and tickets to every profit table); the other rows split it. Wall "
                 "time includes waiting for the CPU when the machine is busy (see the load average); CPU time "
                 "does not.")
    path = HERE / "results_money.md"
    append_results(path, lines, title="Attribution and profitability benchmark results", script="bench_money.py")
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()

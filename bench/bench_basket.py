"""Benchmark: association rules on 1M baskets, recommendations for 1M customers.

Usage: ``.venv/bin/python bench/bench_basket.py [--baskets 1000000] [--customers 1000000]
[--products 2000]``

Synthetic data is generated with numpy (not timed) and written as Parquet to
``bench/data/basket_*`` (git-ignored): canonical ``orders`` (string IDs, timestamps,
revenue, 3% returned), ``order_items`` and ``products`` (``products`` products in
categories of 50, popularity falling as 1 / rank ** 0.8 within a category). Each
customer has a favourite category (half of the lines come from it), baskets hold 1-5
lines, and 20 planted pairs add their companion to half of the baskets holding the
first product. Two datasets:

- **rules**: ``baskets`` baskets of ``baskets / 4`` customers;
- **recommendations**: ``customers`` customers with 1 + Poisson(1.5) baskets each.

Each step runs in a fresh Python process that reads the Parquet files and builds the
basket lines (not timed, except in the step that times them), then times only the
step (wall clock and the process's CPU time, which is less sensitive to other work on a
shared machine). Peak memory is that process's maximum resident set size, data
included. Results are appended to ``bench/results_basket.md``.

Targets (issue 12): rules on 1M baskets over 2,000 products in under 60 s and 4 GB;
recommendations for 1M customers in under 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import textwrap
import time
from pathlib import Path

from harness import (  # bench/harness.py (the script's own folder is on sys.path)
    append_results,
    run_child,
)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import pandas as pd
    from crmkit.analysis import basket
    from crmkit.config.basket import BasketRules
    folder, step = sys.argv[1], sys.argv[2]
    R = BasketRules()
    orders = pd.read_parquet(f"{folder}/orders.parquet")
    items = pd.read_parquet(f"{folder}/order_items.parquet")
    products = pd.read_parquet(f"{folder}/products.parquet")
    t0, c0 = time.perf_counter(), time.process_time()
    lines = basket.basket_lines(items, orders=orders, products=products)
    if step != "basket lines (product level)":
        t0, c0 = time.perf_counter(), time.process_time()
    n_baskets = lines["order_id"].nunique()
    need = basket.min_baskets(n_baskets, min_support=R.min_support, min_count=R.min_count)
    extra = {}
    if step == "basket lines (product level)":
        out = lines
    elif step == "itemsets + rules (products)":
        sets = basket.frequent_itemsets(lines, min_support=R.min_support, min_count=R.min_count,
                                        max_len=R.max_len)
        out = basket.association_rules(lines, itemsets=sets, min_confidence=R.min_confidence,
                                       min_lift=R.min_lift)
        extra = {"itemsets": len(sets)}
    elif step == "itemsets + rules (products, 10x lower support: 0.01%)":
        sets = basket.frequent_itemsets(lines, min_support=R.min_support / 10, min_count=R.min_count,
                                        max_len=R.max_len)
        out = basket.association_rules(lines, itemsets=sets, min_confidence=R.min_confidence,
                                       min_lift=R.min_lift)
        extra = {"itemsets": len(sets)}
    elif step == "lines + rules (categories)":
        cl = basket.basket_lines(items, orders=orders, products=products, level="category")
        out = basket.association_rules(cl, min_support=R.min_support, min_count=R.min_count,
                                       max_len=R.max_len, min_confidence=R.min_confidence,
                                       min_lift=R.min_lift)
    elif step == "cross-sell table":
        out = basket.cross_sell(lines, top=R.cross_sell_top, min_count=need, min_lift=R.min_lift)
    elif step == "recommender fit":
        out = basket.ItemRecommender().fit(lines).popularity_
    elif step == "fit + top 5 for every customer":
        rec = basket.ItemRecommender(top_n=5).fit(lines)
        out = rec.recommend(lines)
        extra = {"customers": int(out["customer_id"].nunique())}
    elif step == "held-out evaluation (2 models)":
        ev = basket.evaluate_recommenders(lines, {"item": basket.ItemRecommender(),
                                                  "pop": basket.PopularityRecommender()}, n_values=(5,))
        out = ev.metrics
        extra = {"customers": ev.held_out_baskets,
                 "hit_rate@5": {k[0]: round(v, 3) for k, v in ev.metrics["hit_rate"].items()}}
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"step": step, "seconds": seconds, "cpu_seconds": cpu, "rows_out": len(out),
                      "baskets": n_baskets, "lines": len(lines),
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
                      **extra}))
""")

RULE_STEPS = ("basket lines (product level)", "itemsets + rules (products)",
              "itemsets + rules (products, 10x lower support: 0.01%)",
              "lines + rules (categories)", "cross-sell table")
RECOMMEND_STEPS = ("basket lines (product level)", "recommender fit", "fit + top 5 for every customer",
                   "held-out evaluation (2 models)")


def make_data(kind: str, *, n_customers: int, n_baskets: int | None, n_products: int,
              seed: int = 0) -> Path:
    """Write synthetic canonical orders, order_items and products (Parquet); return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"basket_{kind}_{n_customers}_{n_baskets or 0}_{n_products}"
    if (folder / "order_items.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    per_cat = 50
    n_cat = max(1, n_products // per_cat)
    n_products = n_cat * per_cat
    within = 1.0 / np.arange(1, per_cat + 1) ** 0.8
    within /= within.sum()
    cat_mix = rng.dirichlet(np.full(n_cat, 5.0))
    price = np.round(rng.lognormal(4.5, 0.8, n_products), 2)

    if n_baskets is None:  # recommendations: every customer, 1 + Poisson(1.5) baskets
        per_customer = 1 + rng.poisson(1.5, n_customers)
        cust = np.repeat(np.arange(n_customers), per_customer)
    else:  # rules: baskets spread over customers with heavy-tailed activity
        w = rng.gamma(0.8, 1.0, n_customers)
        cust = rng.choice(n_customers, size=n_baskets, p=w / w.sum())
    m = cust.size
    favourite = rng.choice(n_cat, size=n_customers, p=cat_mix)
    size = 1 + rng.choice(5, size=m, p=[0.45, 0.30, 0.15, 0.07, 0.03])
    line_order = np.repeat(np.arange(m), size)
    fav = rng.random(line_order.size) < 0.5
    cat = np.where(fav, favourite[cust[line_order]], rng.choice(n_cat, size=line_order.size, p=cat_mix))
    product = cat * per_cat + rng.choice(per_cat, size=line_order.size, p=within)
    # 20 planted pairs: the 1st product of a category brings the 40th with probability 0.5
    pairs = [(c * per_cat, c * per_cat + 39) for c in range(min(20, n_cat))]
    add_o, add_p = [line_order], [product]
    for a, b in pairs:
        with_a = line_order[product == a]
        keep = with_a[rng.random(with_a.size) < 0.5]
        add_o.append(keep)
        add_p.append(np.full(keep.size, b))
    line_order, product = np.concatenate(add_o), np.concatenate(add_p)
    key = np.unique(line_order.astype(np.int64) * n_products + product)
    line_order, product = key // n_products, key % n_products
    qty = 1 + rng.choice(3, size=line_order.size, p=[0.8, 0.15, 0.05])
    revenue = np.bincount(line_order, weights=qty * price[product], minlength=m)

    start = np.datetime64("2024-01-01T00:00:00", "s")
    span = int((np.datetime64("2025-12-30T00:00:00", "s") - start) / np.timedelta64(1, "s"))
    order_ids = pd.Index(np.char.add("O", np.arange(m).astype(str)), dtype="str")
    product_ids = pd.Index(np.char.add("P", np.arange(n_products).astype(str)), dtype="str")
    orders = pd.DataFrame({
        "order_id": order_ids,
        "customer_id": pd.Index(np.char.add("C", cust.astype(str)), dtype="str"),
        "order_date": (start + rng.integers(0, span, m).astype("timedelta64[s]")).astype("datetime64[us]"),
        "revenue": np.round(revenue, 2),
        "status": pd.array(rng.choice(np.array(["completed", "returned"]), size=m, p=[0.97, 0.03]),
                           dtype="str"),
    })
    items = pd.DataFrame({
        "order_id": order_ids.take(line_order), "product_id": product_ids.take(product),
        "quantity": qty.astype(float), "unit_price": price[product],
    })
    products = pd.DataFrame({
        "product_id": product_ids, "product_name": product_ids,
        "category": pd.Index(np.char.add("cat", (np.arange(n_products) // per_cat).astype(str)), dtype="str"),
    })
    orders.to_parquet(folder / "orders.parquet", index=False)
    items.to_parquet(folder / "order_items.parquet", index=False)
    products.to_parquet(folder / "products.parquet", index=False)
    return folder


def _run(folder: Path, step: str) -> dict:
    r = run_child(CHILD, folder, step)
    print(json.dumps(r), flush=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baskets", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=2_000)
    ap.add_argument("--no-record", action="store_true", help="print only, do not append to results_basket.md")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rules_data = make_data("rules", n_customers=args.baskets // 4, n_baskets=args.baskets,
                           n_products=args.products)
    reco_data = make_data("recommend", n_customers=args.customers, n_baskets=None,
                          n_products=args.products)
    print(f"data ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    load = os.getloadavg()[0]
    rows = [("rules", _run(rules_data, s)) for s in RULE_STEPS]
    rows += [("recommendations", _run(reco_data, s)) for s in RECOMMEND_STEPS]
    import mlxtend
    import numpy
    import pandas
    import scipy

    lines = [
        f"\n## {dt.date.today()} · market basket and recommendations",
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start, Python "
        f"{platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
        f"scipy {scipy.__version__}, mlxtend {mlxtend.__version__}",
        f"data: rules: {rows[0][1]['baskets']:,} baskets ({rows[0][1]['lines']:,} lines) of "
        f"{args.baskets // 4:,} customers; recommendations: {args.customers:,} customers, "
        f"{rows[-1][1]['baskets']:,} baskets ({rows[-1][1]['lines']:,} lines); {args.products:,} "
        "products (synthetic, numpy); BasketRules defaults",
        "",
        "| data | step | rows out | wall s | CPU s | peak RSS GB (incl. data) | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, r in rows:
        notes = ", ".join(f"{k} {v}" for k, v in r.items() if k in ("itemsets", "customers", "hit_rate@5"))
        lines.append(f"| {kind} | {r['step']} | {r['rows_out']:,} | {r['seconds']:.1f} | "
                     f"{r['cpu_seconds']:.1f} | {r['peak_rss_gb']:.2f} | {notes} |")
    lines.append("\nTargets: rules on 1M baskets over 2,000 products under 60 s and 4 GB; "
                 "recommendations for 1M customers under 60 s. The wall time includes waiting for "
                 "the CPU when the machine is busy (see the load average); the CPU time does not.")
    if args.no_record:
        print("\n".join(lines))
        return
    path = HERE / "results_basket.md"
    append_results(path, lines, title="Market basket benchmark results", script="bench_basket.py")


if __name__ == "__main__":
    main()

"""Benchmark: NPS/CSAT tables and feedback themes for 1M survey answers with comments.

Usage: ``.venv/bin/python bench/bench_satisfaction.py [--answers 1000000] [--customers 200000]``

Synthetic data is generated with numpy (not timed) and written as Parquet to
``bench/data/satisfaction_<answers>/`` (git-ignored): survey answers (customer, time over
two years, NPS 0-10 and CSAT 1-5 drawn around a customer mood, a comment in Chinese
(55%) or English built from 1-3 clauses of 20 topics x 15 sentiment-matched phrases per
language, so most comments are distinct while clauses repeat as they do in real
feedback; 1% carry the customer's name and phone number) and a customers table
(region, acquisition channel, name, phone). Each step runs in a fresh Python process
that reads the Parquet files and times only the step (wall clock and the process's CPU
time, which is less sensitive to other work on a shared machine); peak memory is that
process's maximum resident set size (data included). Results are appended to
``bench/results_satisfaction.md``.

Steps, as the notebook runs them on a period's answers:

- *scores*: customer context joined to the answers (:func:`answer_context`), NPS and
  CSAT with intervals overall and by region, acquisition channel, value tier, segment,
  category and sales channel (:func:`score_table`), the monthly trend
  (:func:`score_trend`) and the comparison of the last quarter with the one before
  (:func:`compare_scores`);
- *themes*: masking names and phones (:func:`mask_text`), word counts per NPS group
  with jieba segmentation (:func:`term_counts`), distinctive terms
  (:func:`distinctive_terms`) and example comments (:func:`theme_examples`).

Target (satisfaction issue): both together under 30 s for 1M answers on two cores.
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

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import pandas as pd
    from crmkit.analysis import satisfaction as sat
    folder, step = sys.argv[1], sys.argv[2]
    surveys = pd.read_parquet(f"{folder}/surveys.parquet")
    customers = pd.read_parquet(f"{folder}/customers.parquet")
    extra = pd.read_parquet(f"{folder}/context.parquet")
    t0, c0 = time.perf_counter(), time.process_time()
    if step == "scores":
        ctx = sat.answer_context(surveys, customers=customers)
        ctx = ctx.join(extra)
        tables = {by: sat.score_table(ctx, by=by) for by in
                  ("region", "acquisition_channel", "value_tier", "segment", "category", "sales_channel")}
        tables["all"] = sat.score_table(ctx)
        trend = sat.score_trend(ctx, as_of="2025-12-31")
        cur = ctx.loc[ctx["survey_date"] >= "2025-10-01"]
        prev = ctx.loc[(ctx["survey_date"] >= "2025-07-01") & (ctx["survey_date"] < "2025-10-01")]
        comparison = sat.compare_scores(cur, prev)
        rows_out = sum(len(t) for t in tables.values()) + len(trend) + len(comparison)
    elif step == "themes":
        names = surveys["customer_id"].map(customers.set_index("customer_id")["name"])
        masked = sat.mask_text(surveys["comment"], names=names)
        groups = pd.Series(sat.nps_group(surveys["nps_score"]), index=surveys.index)
        counts = sat.term_counts(masked, groups)
        terms = sat.distinctive_terms(counts, group="promoter", other="detractor")
        themes = sat.theme_examples(masked, groups, terms, k=3)
        rows_out = len(themes)
        assert sat.find_pii([x for xs in themes["examples"] for x in xs], customers.head(50000)) == 0
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"step": step, "seconds": seconds, "cpu_seconds": cpu, "rows_out": rows_out,
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
""")

STEPS = ("scores", "themes")

_TOPICS_ZH = ("物流", "包装", "客服", "质量", "价格", "尺码", "颜色", "电池", "屏幕", "味道",
              "发货", "退款", "安装", "做工", "面料", "说明书", "赠品", "售后", "快递员", "手感")
_GOOD_ZH = ("很快", "很好", "不错", "超出预期", "非常满意", "很专业", "很耐心", "很划算", "很精致", "很舒服",
            "质感好", "没问题", "挺好的", "很贴心", "值得推荐")
_BAD_ZH = ("太慢了", "很差", "有问题", "不满意", "太贵了", "态度不好", "坏了", "不合适", "很失望", "没人管",
           "一直没回复", "和描述不符", "破损了", "质量堪忧", "退货麻烦")
_TOPICS_EN = ("delivery", "packaging", "support", "quality", "price", "size", "colour", "battery", "screen",
              "taste", "shipping", "refund", "installation", "stitching", "fabric", "manual", "gift",
              "after-sales", "courier", "feel")
_GOOD_EN = ("was fast", "is great", "was excellent", "exceeded expectations", "is perfect", "was professional",
            "was friendly", "is good value", "looks lovely", "is comfortable", "feels solid", "works fine",
            "is pretty good", "was thoughtful", "is worth it")
_BAD_EN = ("was too slow", "is poor", "has problems", "is disappointing", "is too expensive", "was rude",
           "broke quickly", "does not fit", "let me down", "was ignored", "never answered", "is not as described",
           "arrived damaged", "is terrible", "was a hassle")


def make_data(n_answers: int, n_customers: int, seed: int = 0) -> Path:
    """Write synthetic survey answers, customers and per-answer context (Parquet); return the folder."""
    import numpy as np
    import pandas as pd

    folder = DATA / f"satisfaction_{n_answers}_{n_customers}"
    if (folder / "surveys.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(1, n_customers + 1)).astype(str).str.zfill(7).radd("C")
    families = np.array(["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"])
    given = np.array(["Fang", "Wei", "Na", "Lei", "Min", "Jun", "Jing", "Tao", "Yan", "Bo"])
    names = pd.Series(families[rng.integers(0, 10, n_customers)]) + " " + pd.Series(given[rng.integers(0, 10, n_customers)])
    phones = "1" + pd.Series(rng.choice(["3", "5", "8"], n_customers)) + pd.Series(
        rng.choice(10**9, n_customers, replace=False)).astype(str).str.zfill(9)
    customers = pd.DataFrame({
        "customer_id": ids, "region": rng.choice(["East", "North", "South", "Central", "West"], n_customers),
        "acquisition_channel": rng.choice(["search", "social", "referral", "email", "organic"], n_customers),
        "name": names, "phone": phones})
    cust = rng.integers(0, n_customers, n_answers)
    mood = rng.normal(0, 1, n_customers)[cust]
    nps = np.clip(np.round(8 + 1.8 * mood + rng.normal(0, 1.2, n_answers)), 0, 10).astype(int)
    csat = np.clip(np.round(4 + 0.7 * mood + rng.normal(0, 0.6, n_answers)), 1, 5).astype(int)
    start = np.datetime64("2024-01-01T00:00:00").astype("datetime64[s]").astype(np.int64)
    ts = start + rng.integers(0, 731 * 86400, n_answers)
    # comments: 1-3 clauses, sentiment by the answer; Chinese or English
    zh = rng.random(n_answers) < 0.55
    k = rng.choice([1, 2, 3], n_answers, p=[0.5, 0.35, 0.15])
    good = nps >= 7
    parts = []
    for j in range(3):
        topic = rng.integers(0, 20, n_answers)
        phrase = rng.integers(0, 15, n_answers)
        flip = rng.random(n_answers) < 0.15  # mixed feelings
        pos = good ^ flip
        zh_clause = np.where(pos, np.asarray(_GOOD_ZH)[phrase], np.asarray(_BAD_ZH)[phrase])
        en_clause = np.where(pos, np.asarray(_GOOD_EN)[phrase], np.asarray(_BAD_EN)[phrase])
        clause = np.where(zh, np.char.add(np.asarray(_TOPICS_ZH)[topic], zh_clause),
                          np.char.add(np.char.add(np.asarray(_TOPICS_EN)[topic], " "), en_clause))
        parts.append(np.where(j < k, clause, ""))
    sep = np.where(zh, "，", ", ")
    text = pd.Series(parts[0])
    for j in (1, 2):
        text = text + pd.Series(np.where(parts[j] != "", np.char.add(sep, parts[j]), ""))
    pii = rng.random(n_answers) < 0.01
    signature = np.where(zh, "，我是" + names.to_numpy()[cust] + "，电话" + phones.to_numpy()[cust],
                         ". " + names.to_numpy()[cust] + ", call me on " + phones.to_numpy()[cust])
    text = text.where(~pii, text + pd.Series(signature))
    surveys = pd.DataFrame({
        "customer_id": ids.to_numpy()[cust], "survey_date": pd.to_datetime(ts, unit="s"),
        "nps_score": pd.array(nps, dtype="Int64"), "csat_score": pd.array(csat, dtype="Int64"),
        "comment": text.astype("str")})
    context = pd.DataFrame({
        "value_tier": rng.choice(["high", "medium", "low"], n_answers, p=[0.2, 0.3, 0.5]),
        "segment": rng.choice(["Champions", "Loyal", "Potential loyalists", "At risk", "Lost"], n_answers),
        "category": rng.choice(["apparel", "beauty", "electronics", "home", "food", "sports", "books", "baby"],
                               n_answers),
        "sales_channel": rng.choice(["web", "app", "mini-program", "store"], n_answers)})
    surveys.to_parquet(folder / "surveys.parquet")
    customers.to_parquet(folder / "customers.parquet")
    context.to_parquet(folder / "context.parquet")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--no-record", action="store_true", help="print only, do not append to the results file")
    args = ap.parse_args()
    import numpy as np
    import pandas as pd

    folder = make_data(args.answers, args.customers)
    s = pd.read_parquet(folder / "surveys.parquet", columns=["comment"])["comment"]
    distinct = s.nunique()
    load = os.getloadavg()[0]
    results = [run_child(CHILD, folder, step, threads=2) for step in STEPS]
    total = sum(r["seconds"] for r in results)
    lines = [
        f"\n## {dt.date.today():%Y-%m-%d} · NPS/CSAT tables and feedback themes",
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}",
        f"data: {args.answers:,} answers of {args.customers:,} customers, {distinct:,} distinct comments "
        "(55% Chinese, 1% with a name and phone)",
        "",
        "| step | rows out | wall s | CPU s | peak RSS GB (incl. data) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['step']} | {r['rows_out']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
              f"{r['peak_rss_gb']:.2f} |" for r in results]
    lines += ["", f"Total {total:.1f} s wall. Target: both steps together under 30 s for 1M answers on two cores. "
              "The wall time includes waiting for the CPU when the machine is busy (see the load average); "
              "the CPU time does not."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        path = HERE / "results_satisfaction.md"
        append_results(path, lines, title="Satisfaction benchmark results", script="bench_satisfaction.py")


if __name__ == "__main__":
    main()

"""Benchmark: the whole ``crmkit report`` on a large demo export and on the bundled demo.

Usage::

    .venv/bin/python bench/bench_report.py [--customers 100000] [--repeats 1] [--jobs N]
    .venv/bin/python bench/bench_report.py --demo [--repeats 3]

Large export (default): ``crmkit demo-data --customers 100000`` writes the synthetic
demo at 20 times its bundled size as CSV files into ``bench/data/report_<n>/csv/``
(git-ignored; about 100,000 customers, 1M orders, 5.4M events, 450 MB), once. A
params file of type ``files`` (``bench/data/report_<n>/params.yaml``) maps them the
way ``params/example_export.yaml`` maps a user's export, with the demo's business
rules. Then ``crmkit report`` runs on it with the default number of jobs (or
``--jobs``) into ``bench/data/reports/``, for the period ``--period`` (default
2025-Q4, the last quarter).

``--demo`` runs ``crmkit report --params params/demo.yaml`` (the bundled 5,000-customer
demo, what ``make report`` renders) into ``bench/data/reports/`` instead.

Each run is a fresh ``crmkit report`` process. Recorded per run: the total wall time
of the command, the load + validate + clean time (the runner prints it), each
notebook's time (``run.json``: papermill execution plus HTML export, in its own
kernel), the peak resident memory of the largest single process and the peak memory
of the whole process tree at once (proportional set size, so pages that kernels forked
from the zygote share are counted once; sampled every 0.5 s with psutil), the load
average when the run started, a speed gauge (:func:`speed_gauge`: the machine is
shared, and a busy moment slows everything), and the CPU time (user + system) of all
the processes of the run (sampled: forked kernels are nobody's waited-for children).
With ``--repeats`` the best and the median of each time are reported. Results are
appended to ``bench/results_report.md``. No test asserts them.

Targets (issue 9, 2-core machine): large export under 2 minutes in total with no
notebook over 30 s; bundled demo under 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
REPORTS = DATA / "reports"
TABLES = ("customers", "orders", "order_items", "products", "events", "tickets", "surveys",
          "marketing_spend", "opportunities", "opportunity_stages")


def make_export(n_customers: int) -> Path:
    """Write the demo export as CSV (once) and its params file; return the params file."""
    folder = DATA / f"report_{n_customers}"
    csv = folder / "csv"
    if not (csv / "opportunity_stages.csv").exists():  # the last file demo-data writes
        if csv.exists():
            for f in csv.iterdir():
                f.unlink()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "crmkit.reporting.cli", "demo-data", "--out",
                        str(csv), "--customers", str(n_customers)], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        print(f"export written in {time.perf_counter() - t0:.0f} s: {csv}", flush=True)
    demo = yaml.safe_load((ROOT / "params" / "demo.yaml").read_text(encoding="utf-8"))
    params = {
        "dataset": f"demo_{n_customers // 1000}k",
        "currency": demo["currency"],
        "as_of": demo["as_of"],
        "source": {"type": "files", "path": "csv", "encoding": "auto"},
        # canonical column names in the files: no column mapping needed
        "tables": {t: {"file": f"{t}.csv"} for t in TABLES if (csv / f"{t}.csv").exists()},
        "cleaning": demo.get("cleaning", {}),
        "analysis": demo.get("analysis", {}),
    }
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class _Peak:
    """Sample the resident memory of a process tree in a thread."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.tree = self.single = 0
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds when last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            rss, pss = [], []
            for p in procs:
                try:
                    mem = p.memory_full_info()  # PSS: pages shared by forked kernels count once
                    rss.append(mem.rss)
                    pss.append(getattr(mem, "pss", mem.rss))
                    t = p.cpu_times()
                    self.cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
            if rss:
                self.tree = max(self.tree, sum(pss))
                self.single = max(self.single, max(rss))
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def speed_gauge() -> float:
    """Seconds a fixed pure-Python loop takes now: how fast this shared machine is at the moment.

    The development machine is shared: with the venv's Python the loop takes about 0.7 s
    when the machine is quiet and twice that when it is busy. Times recorded with a slow
    gauge are slow for that reason (the machine can also get busy during a run).
    """
    t0 = time.perf_counter()
    s = 0
    for i in range(20_000_000):
        s += i
    return time.perf_counter() - t0


def run_once(params: Path, *, period: str, jobs: int | None, only: str | None) -> dict:
    """Run ``crmkit report`` once; return its times and memory."""
    cmd = [sys.executable, "-m", "crmkit.reporting.cli", "report", "--params", str(params),
           "--period", period, "--reports-dir", str(REPORTS)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if only:
        cmd += ["--only", only]
    load = os.getloadavg()
    gauge = speed_gauge()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = _Peak(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak.stop()
    # kernels forked by the zygote are not waited for by anyone: their CPU time is not
    # in the runner's rusage, so the sampled per-process times are added where larger
    waited = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cpu = max(waited, sum(peak.cpu.values()))
    if proc.returncode != 0:
        sys.exit(f"crmkit report failed ({proc.returncode}):\n{out}\n{err}")
    m = re.search(r"loaded and cleaned in ([\d.]+) s", err)
    folder = Path(out.strip().splitlines()[-1].split("-> ")[-1]).parent
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    return {
        "wall": wall, "cpu": cpu, "load_clean": float(m.group(1)) if m else float("nan"),
        "notebooks": {n["notebook"]: n["seconds"] for n in manifest["notebooks"]
                      if n["status"] == "ok" and not n.get("carried_from")},
        "failed": [n["notebook"] for n in manifest["notebooks"] if n["status"] == "failed"],
        "tables": manifest["tables"], "dataset": manifest["dataset"],
        "peak_tree_gb": peak.tree / 1024**3, "peak_single_gb": peak.single / 1024**3,
        "load": load, "gauge": gauge, "jobs_line": next((ln for ln in err.splitlines() if "at a time" in ln), ""),
    }


def _stat(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{min(values):.1f} / {statistics.median(values):.1f}"


def write_results(runs: list[dict], *, title: str, note: str, targets: str) -> None:
    first = runs[0]
    notebooks = sorted({nb for r in runs for nb in r["notebooks"]})
    jobs = re.search(r"(\d+) at a time", first["jobs_line"])
    lines = [
        f"\n## {dt.date.today()} · {title}",
        f"machine: {os.cpu_count()} cores, shared with other work; Python "
        f"{platform.python_version()}; load average (1 min) at the start of each run: "
        + ", ".join(f"{r['load'][0]:.1f}" for r in runs)
        + "; speed gauge (a fixed Python loop, about 0.7 s when the machine is quiet) before each run: "
        + ", ".join(f"{r['gauge']:.1f} s" for r in runs),
        f"data: {first['dataset']}: " + ", ".join(f"{t} {n:,}" for t, n in first["tables"].items()),
        f"runs: {len(runs)}, {jobs.group(1) if jobs else '?'} notebook(s) at a time"
        + (f"; {note}" if note else ""),
        "",
        "| step | " + ("s" if len(runs) == 1 else "best s / median s") + " |",
        "|---|---|",
        f"| **total (wall time of `crmkit report`)** | **{_stat([r['wall'] for r in runs])}** |",
        f"| CPU time, all processes (user + system; sampled every 0.5 s) | {_stat([r['cpu'] for r in runs])} |",
        f"| load + validate + clean | {_stat([r['load_clean'] for r in runs])} |",
    ]
    for nb in notebooks:
        vals = [r["notebooks"][nb] for r in runs if nb in r["notebooks"]]
        lines.append(f"| {nb} | {_stat(vals)} |")
    lines += [
        f"| peak RSS, largest process (GB) | {max(r['peak_single_gb'] for r in runs):.2f} |",
        f"| peak memory, all processes at once (GB, PSS: shared pages counted once) | "
        f"{max(r['peak_tree_gb'] for r in runs):.2f} |",
        "",
        targets,
    ]
    path = HERE / "results_report.md"
    if not path.exists():
        lines = [PREAMBLE.strip()] + lines
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


PREAMBLE = """
# Report benchmark results

Appended by `bench/bench_report.py` (see its docstring for the data and the method).
Wall-clock times on the development machine: 2 cores shared with 3-4 other engineers'
jobs while recorded, so the load average is given per run. A notebook's time is its
papermill run (kernel start, imports, computation) plus its HTML export; notebooks run
in parallel, so the total is less than their sum. No test asserts these numbers.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--demo", action="store_true", help="the bundled demo (params/demo.yaml)")
    ap.add_argument("--period", default="2025-Q4")
    ap.add_argument("--jobs", type=int, default=None, help="default: crmkit's default")
    ap.add_argument("--only", default=None, help="notebooks to run (crmkit report --only)")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--note", default="", help="a remark recorded with the results")
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args()
    if args.demo:
        params = ROOT / "params" / "demo.yaml"
        title = "`crmkit report` on the bundled demo (`make report`)"
        targets = "Target: every notebook of the demo report in under 60 s in total."
    else:
        params = make_export(args.customers)
        title = f"`crmkit report` on a {args.customers:,}-customer demo export (CSV files)"
        targets = ("Target (20x export, 100,000 customers): under 2 minutes in total, no "
                   "notebook over 30 s.")
    runs = []
    for _ in range(args.repeats):
        r = run_once(params, period=args.period, jobs=args.jobs, only=args.only)
        print(json.dumps({k: v for k, v in r.items() if k != "tables"}), flush=True)
        if r["failed"]:
            sys.exit(f"notebooks failed: {r['failed']}")
        runs.append(r)
    if not args.no_record:
        write_results(runs, title=title + (f", period {args.period}"), note=args.note,
                      targets=targets)


if __name__ == "__main__":
    main()

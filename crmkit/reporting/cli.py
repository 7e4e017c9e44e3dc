"""Command line: ``crmkit report``, ``crmkit validate``, ``crmkit demo-data``.

Exit status: 0 success, 1 a notebook failed, 2 bad input (params, data, options;
the message says what to fix, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from ..errors import CrmkitError
from .resources import default_jobs, default_params_file

__all__ = ["main"]


def _default_params() -> str:
    return str(default_params_file())


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crmkit", description="CRM analytics reports from notebooks.")
    p.add_argument("--version", action="version", version=f"crmkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("report", help="render the notebooks into HTML reports")
    r.add_argument("--params", default=None,
                   help="dataset params file (default: ./params/demo.yaml, else the bundled demo)")
    r.add_argument("--period", action="append", default=None,
                   help="2025-07, 2025-Q3, 2025, 2025-01-01:2025-03-31, latest or all; "
                        "repeat or comma-separate for a backfill (default: latest, the last quarter the export covers)")
    r.add_argument("--only", default=None, help="comma-separated notebooks to run (e.g. 00,01)")
    r.add_argument("--jobs", type=int, default=None,
                   help=f"notebooks run in parallel (default: the usable cores, {default_jobs()} here)")
    r.add_argument("--audience", choices=["stakeholder", "teaching", "both"], default="stakeholder",
                   help="stakeholder pages (default; code hidden) go to reports/<dataset>/<period>/, "
                        "teaching pages (code and method shown) to its teaching/ folder; "
                        "the other audience's published pages are kept")
    r.add_argument("--reports-dir", default="reports", help="output folder (default: reports)")
    r.add_argument("--notebooks-dir", default=None,
                   help="folder of NN_name.ipynb notebooks (default: ./notebooks, else the bundled ones)")
    r.add_argument("--show-pii", action="store_true",
                   help="allow names, e-mails and phones in reports (off by default)")

    v = sub.add_parser("validate", help="load, validate and clean a dataset; print the cleaning log")
    v.add_argument("--params", default=None)

    d = sub.add_parser("demo-data", help="write the synthetic demo dataset as CSV files")
    d.add_argument("--out", required=True, help="folder to write (must be empty or new)")
    d.add_argument("--seed", type=int, default=42)
    d.add_argument("--customers", type=int, default=5000)
    d.add_argument("--clean", action="store_true", help="without the planted data-quality defects")
    d.add_argument("--encoding", default="utf-8-sig", help="CSV encoding (default utf-8-sig, Excel-friendly)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            return _report(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "demo-data":
            return _demo_data(args)
    except CrmkitError as e:
        print(f"crmkit: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("crmkit: interrupted", file=sys.stderr)
        return 130
    return 2


def _report(args) -> int:
    from .runner import run_report

    periods = [x.strip() for p in (args.period or ["latest"]) for x in p.split(",") if x.strip()]
    only = [x for x in args.only.split(",") if x.strip()] if args.only else None
    if args.jobs is not None and args.jobs < 1:
        raise CrmkitError("--jobs must be 1 or more")
    results = run_report(
        args.params or _default_params(), periods=periods, only=only, jobs=args.jobs,
        audience=args.audience, reports_dir=args.reports_dir, notebooks_dir=args.notebooks_dir,
        show_pii=args.show_pii,
    )
    bad = [r for r in results if not r.ok]
    for r in results:
        where = Path(r.report_dir) / "index.html"
        print(f"{r.dataset} {r.period}: {'ok' if r.ok else 'FAILED'} -> "
              f"{where if r.ok else r.failed_dir}")
    return 1 if bad else 0


def _validate(args) -> int:
    import pandas as pd

    from ..data.pipeline import prepare

    prep = prepare(args.params or _default_params(),
                   progress=lambda line: print(line, file=sys.stderr, flush=True))
    ds = prep.dataset
    print(f"{ds.name}: " + ", ".join(f"{n} {len(t):,} rows" for n, t in ds.tables.items()))
    log = prep.cleaning_log
    found = log[log["rows_affected"] > 0]
    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(found[["table", "rule", "column", "rows_affected", "examples"]].to_string(index=False)
              if len(found) else "no cleaning needed")
    return 0


def _demo_data(args) -> int:
    from ..data.bundled import load_demo
    from ..data.io import write_dataset

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise CrmkitError(f"{out} is not empty; choose a new folder (nothing was overwritten)")
    try:
        ds = load_demo(seed=args.seed, n_customers=args.customers, defects=not args.clean)
    except ValueError as e:
        raise CrmkitError(str(e)) from None
    files = write_dataset(ds, out, fmt="csv", encoding=args.encoding)
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

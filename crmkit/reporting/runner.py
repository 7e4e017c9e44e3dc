"""Render the notebooks into HTML reports: ``reports/<dataset>/<period>/``.

How a run works (:func:`run_report`):

1. The dataset is loaded, validated and cleaned **once** (:func:`crmkit.data.pipeline.prepare`,
   with a progress line per table) and saved to a scratch folder that every notebook
   opens. Every requested period is checked against the data before anything runs: a
   period the data does not cover at all is refused (nothing is written).
2. For each period, each notebook runs with papermill in its own process, in a
   kernel that runs *this* interpreter (a private kernelspec, so a stale user-level
   ``python3`` kernel cannot be picked up), with the dataset, period and audience
   injected as parameters; up to ``jobs`` notebooks at once, each announced when it
   really starts and when it ends. Kernels that fail to start are retried once.
3. Each executed notebook is exported with crmkit's page template
   (:func:`crmkit.reporting.html.export_html`). Stakeholder pages go to the period's
   folder, teaching pages to its ``teaching/`` folder; a run for one audience keeps
   the other audience's published pages. A notebook whose required tables are
   missing gets a short "not available" page instead.
4. The indexes (:mod:`crmkit.reporting.pages`) and ``run.json`` are written, and the
   finished folder replaces the previous report in one step, under a lock. If any
   notebook failed, the previous report stays; the failed run is kept in
   ``reports/<dataset>/_failed/<period>/`` and the run reports which cell failed.

A run works in a staging folder ``reports/<dataset>/.staging-<period>-<pid>-<id>``
and holds a lock on a file inside it (:class:`crmkit.reporting.lock.FileLock`) until
the swap. A run killed on the way (``kill -9``) leaves its staging folder; the next
run for the dataset takes that folder's lock, which only a dead owner lets go of, and
removes it.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from .. import __version__
from ..data.pipeline import Prepared, prepare
from ..errors import CrmkitError
from ..periods import Period, parse_period
from .lock import FileLock
from .pages import (
    AUDIENCE_FOLDERS,
    coverage_text,
    not_available_page,
    period_index_page,
    summary_finding,
    write_reports_index,
)
from .resources import default_jobs, default_notebooks_dir
from .zygote import KernelZygote

__all__ = [
    "run_report",
    "resolve_periods",
    "remove_dead_staging",
    "NotebookResult",
    "PeriodResult",
    "find_notebooks",
    "notebook_requirements",
    "default_notebooks_dir",
    "KERNEL_NAME",
    "STAGING_LOCK",
    "write_reports_index",
]

KERNEL_NAME = "crmkit-runner"
AUDIENCES = ("stakeholder", "teaching", "both")
STAGING_LOCK = ".owner.lock"
"""The lock file inside a staging folder, held by the run that owns the folder."""
UNLOCKED_STAGING_AGE = 3600
"""Seconds after which a staging folder without a lock file counts as dead.

Only a run killed between creating its folder and locking it, or a run of a crmkit
older than the lock, leaves such a folder."""


@dataclass
class NotebookResult:
    """What happened to one notebook in one period, for one audience."""

    notebook: str
    title: str
    status: str  # ok, failed, not_available
    seconds: float = 0.0
    html: list[str] = field(default_factory=list)
    error: str = ""
    failed_cell: int | None = None
    missing_tables: list[str] = field(default_factory=list)
    carried_from: str = ""  # a partial run (--only) kept this result from the run started then
    audience: str = "stakeholder"


@dataclass
class PeriodResult:
    """The outcome of one period of a run (``notebooks``: every audience's results)."""

    dataset: str
    period: str
    ok: bool
    report_dir: str
    notebooks: list[NotebookResult]
    failed_dir: str = ""


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- notebooks
def find_notebooks(folder: str | Path, only: list[str] | None = None) -> list[Path]:
    """List ``NN_name.ipynb`` notebooks in order, optionally a subset.

    ``only`` entries match a notebook's number (``01``), name (``kpi_overview``)
    or stem (``01_kpi_overview``).
    """
    folder = Path(folder)
    nbs = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not nbs:
        raise CrmkitError(f"no notebooks (NN_name.ipynb) found in {folder}")
    if not only:
        return nbs
    chosen = []
    for want in only:
        w = want.strip().removesuffix(".ipynb")
        match = [p for p in nbs if w in (p.stem, p.stem[:2], p.stem[3:])]
        if not match:
            raise CrmkitError(
                f"--only {want!r} matches no notebook; available: {', '.join(p.stem for p in nbs)}"
            )
        chosen += [m for m in match if m not in chosen]
    return sorted(chosen)


def notebook_requirements(path: str | Path) -> tuple[str, list[str]]:
    """Return a notebook's title and required tables (``metadata.crmkit.requires``)."""
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("crmkit", {})
    title = meta.get("title")
    if not title:
        for c in nb.cells:
            if c.cell_type == "markdown" and c.source.lstrip().startswith("#"):
                title = c.source.lstrip().splitlines()[0].lstrip("#").strip()
                break
    return title or Path(path).stem, list(meta.get("requires", ["orders"]))


# --------------------------------------------------------------------------- periods
def resolve_periods(dataset, texts) -> list[Period]:
    """Parse the requested periods and refuse, all at once, those the data does not cover.

    ``latest`` is the dataset's last complete quarter; when the data does not reach
    back into it (an export shorter than a quarter), the quarter of the data end, which
    the data covers in part. Duplicates are dropped.

    Parameters
    ----------
    dataset : crmkit.data.dataset.Dataset
    texts : iterable of str
        Period texts (see :func:`crmkit.periods.parse_period`).

    Returns
    -------
    list of Period

    Raises
    ------
    CrmkitError
        Naming every period without data and the range the export covers.
    """
    periods: list[Period] = []
    problems: list[str] = []
    for text in texts:
        period = dataset.period(text)
        if str(text).strip() == "latest" and dataset.coverage(period) <= 0:
            q = dataset.data_end.to_period("Q")
            period = parse_period(f"{q.year}-Q{q.quarter}")
        try:
            dataset.check_period(period)
        except CrmkitError as e:
            problems.append(str(e))
            continue
        if period.label not in {p.label for p in periods}:
            periods.append(period)
    if problems:
        head = "nothing was rendered: " if len(problems) == 1 else "nothing was rendered:\n  - "
        raise CrmkitError(head + "\n  - ".join(problems))
    return periods


def _next_period(period: Period) -> Period | None:
    if period.kind == "month":
        return parse_period(str(period.start.to_period("M") + 1))
    if period.kind == "quarter":
        q = period.start.to_period("Q") + 1
        return parse_period(f"{q.year}-Q{q.quarter}")
    if period.kind == "year":
        return parse_period(str(period.start.year + 1))
    if period.kind == "range":
        import pandas as pd

        start = period.end + pd.Timedelta(days=1)
        end = start + pd.Timedelta(days=period.days - 1)
        return Period(start, end, f"{start:%Y-%m-%d}_{end:%Y-%m-%d}", "range")
    return None  # "all" has no neighbours


def _neighbours(period: Period) -> tuple[Period | None, Period | None]:
    return (period.previous() if period.kind != "all" else None), _next_period(period)


def _covered(dataset, period: Period) -> tuple[str, str]:
    first = max(period.start, dataset.data_start)
    last = min(period.end, dataset.data_end)
    return f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"


# --------------------------------------------------------------------------- kernel and env
def _kernel_env(scratch: Path, cache: Path, *, forked: bool = False, jobs: int = 1) -> dict[str, str]:
    kdir = scratch / "jupyter" / "kernels" / KERNEL_NAME
    kdir.mkdir(parents=True, exist_ok=True)
    # forked: kernels come from the run's zygote (crmkit.reporting.zygote) through a
    # launcher that falls back to a plain ipykernel when the zygote does not answer
    start = ([sys.executable, str(Path(__file__).with_name("kernel_launcher.py"))] if forked
             else [sys.executable, "-m", "ipykernel_launcher"])
    (kdir / "kernel.json").write_text(json.dumps({
        "argv": [*start, "-f", "{connection_file}",
                 # jupyter_client interrupts every kernel before shutting it down, and
                 # ipykernel logs that as an ERROR: keep the kernel's own log out of the
                 # run's output (cell errors reach the runner through the notebook)
                 "--IPKernelApp.log_level=CRITICAL"],
        "display_name": f"crmkit ({sys.executable})",
        "language": "python",
        "metadata": {"debugger": False},
    }))
    for d in ("runtime", "ipython"):
        (scratch / d).mkdir(exist_ok=True)
    (cache / "matplotlib").mkdir(parents=True, exist_ok=True)
    return {
        "JUPYTER_PATH": str(scratch / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "IPYTHONDIR": str(scratch / "ipython"),
        # cron may have no writable HOME: keep matplotlib's cache with the reports
        "MPLCONFIGDIR": str(cache / "matplotlib"),
        **_process_env(jobs),
    }


def _process_env(jobs: int) -> dict[str, str]:
    """What every process that runs notebook code needs (kernels and the zygote)."""
    threads = max(1, default_jobs() // max(1, jobs))
    return {
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # notebooks run side by side: each kernel's BLAS and OpenMP get its share of the
        # cores (numbers read once, when numpy and scikit-learn load), not all of them
        **{v: str(threads) for v in _THREAD_VARS},
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }


def _zygote_env(cache: Path, jobs: int) -> dict[str, str]:
    """The zygote's environment. It starts before the data are read, when nothing may be
    written under ``reports/`` yet (bad params leave no trace): it uses the report
    folder's matplotlib cache only when that exists already, else a private one."""
    env = _process_env(jobs)
    if (cache / "matplotlib").is_dir():
        env["MPLCONFIGDIR"] = str(cache / "matplotlib")
    return env


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def _is_startup_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel died", "kernel_info", "ZMQError", "Address already in use",
                                   "Kernel didn't respond", "TimeoutError"))


def _run_one(task: dict) -> dict:
    """Execute one notebook for one audience and export its page (runs in a worker process)."""
    import papermill as pm

    from .html import export_html

    os.environ.update(task["env"])
    stem, folder = task["stem"], Path(task["folder"])
    executed = folder / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = {"notebook": stem, "title": task["title"], "status": "ok", "html": [], "error": "",
              "failed_cell": None, "audience": task["audience"]}
    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                task["path"], str(executed), parameters=task["parameters"], kernel_name=KERNEL_NAME,
                cwd=str(Path(task["path"]).parent), progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, start_timeout=120,
            )
            break
        except pm.PapermillExecutionError as e:
            result.update(status="failed", failed_cell=e.exec_count,
                          error=f"cell {e.exec_count} raised {e.ename}: {e.evalue}".strip())
            break
        except Exception as e:  # noqa: BLE001 - kernel start-up problems get one retry
            if attempt == 1 and _is_startup_failure(e):
                time.sleep(1.0)
                continue
            result.update(status="failed", error=f"{type(e).__name__}: {e}")
            break
    if executed.exists():
        try:
            export_html(executed, folder / f"{stem}.html", audience=task["audience"],
                        page=task["page"])
            result["html"].append(f"{stem}.html")
        except Exception as e:  # noqa: BLE001 - reported as a failed notebook
            result.update(status="failed", error=result["error"] or f"HTML export failed: {e}")
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


# --------------------------------------------------------------------------- staging folders
def remove_dead_staging(dataset_dir: str | Path, *, say=None) -> list[Path]:
    """Remove the staging folders of runs that died, in ``dataset_dir``; return them.

    A live run holds the lock file inside its staging folder; if this process can take
    that lock, the owner is gone. A staging folder without a lock file is removed once
    it is older than :data:`UNLOCKED_STAGING_AGE` seconds.
    """
    removed = []
    for folder in sorted(Path(dataset_dir).glob(".staging-*")):
        if not folder.is_dir():
            continue
        lock = FileLock(folder / STAGING_LOCK)
        try:
            free = lock.acquire(blocking=False, create=False)
        except FileNotFoundError:
            try:
                age = time.time() - folder.stat().st_mtime
            except FileNotFoundError:
                continue  # moved into place meanwhile
            if age < UNLOCKED_STAGING_AGE:
                continue
            free = None
        if free is False:
            continue  # its run is alive
        if free:
            lock.release()  # a dead owner never comes back; Windows cannot delete an open file
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed and say is not None:
        say(f"  removed {len(removed)} staging folder(s) of runs that died: "
            + ", ".join(p.name for p in removed))
    return removed


def _period_lock(dataset_dir: Path, label: str) -> FileLock:
    return FileLock(dataset_dir / f".{label}.lock")


def _replace_dir(staging: Path, final: Path, lock: FileLock, *, before=None,
                 owner: FileLock | None = None) -> None:
    """Put ``staging`` in place of ``final`` under ``lock``; the old folder goes afterwards.

    ``before()`` runs under the lock first; ``owner`` (the staging folder's own lock)
    is given up and its file removed just before the swap.
    """
    with lock:
        if before is not None:
            before()
        if owner is not None:
            owner.release()
            (staging / STAGING_LOCK).unlink(missing_ok=True)
        old = None
        if final.exists():
            old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
        os.replace(staging, final)
        # this run's old folder, and any a killed run left between its two renames
        for stale in [old, *final.parent.glob(f".{final.name}.old-*")]:
            if stale is not None:
                shutil.rmtree(stale, ignore_errors=True)


def _copy_into(src: Path, dst: Path, *, skip: tuple[str, ...] = ()) -> None:
    for item in src.iterdir():
        if item.name in skip or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, dst / item.name, dirs_exist_ok=True)
        else:
            dst.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item, dst / item.name)


def _keep_other_audience(final: Path, staging: Path, audiences: list[str]) -> None:
    """Copy the published pages of the audience this run does not render into ``staging``."""
    if not final.is_dir():
        return
    if "stakeholder" not in audiences:
        _copy_into(final, staging, skip=("teaching", "index.html"))
    teaching = final / AUDIENCE_FOLDERS["teaching"]
    if "teaching" not in audiences and teaching.is_dir():
        _copy_into(teaching, staging / AUDIENCE_FOLDERS["teaching"], skip=("index.html",))


# --------------------------------------------------------------------------- entry point
@dataclass
class _Run:
    prepared: Prepared
    prepared_dir: Path
    dataset_dir: Path
    env: dict[str, str]
    fingerprint: str
    params_file: Path
    jobs: int
    audiences: list[str]
    show_pii: bool
    partial: bool
    alerts: list[str]
    say: Any


def run_report(
    params_file: str | Path,
    *,
    periods: list[str] | tuple[str, ...] = ("latest",),
    only: list[str] | None = None,
    jobs: int | None = None,
    audience: str = "stakeholder",
    reports_dir: str | Path = "reports",
    notebooks_dir: str | Path | None = None,
    show_pii: bool = False,
    progress=None,
) -> list[PeriodResult]:
    """Render the notebooks for a dataset and one or more periods.

    Parameters
    ----------
    params_file : str or Path
        Dataset params file (e.g. ``params/demo.yaml``).
    periods : list of str, default ("latest",)
        Period texts (see :func:`crmkit.periods.parse_period`); several give a backfill.
        Every period must overlap the data (:func:`resolve_periods`).
    only : list of str, optional
        Subset of notebooks (numbers or names). The other notebooks' results of the
        current report for the same period are carried over into the new one when that
        report was made from the same data (same fingerprint); otherwise they are left
        out and a message says so.
    jobs : int, optional
        Notebooks run in parallel processes; default: the number of usable cores
        (:func:`crmkit.reporting.resources.default_jobs`).
    audience : {"stakeholder", "teaching", "both"}, default "stakeholder"
        Stakeholder pages go to ``reports/<dataset>/<period>/``, teaching pages to its
        ``teaching/`` folder; the audience not rendered keeps its published pages.
    reports_dir : str or Path, default "reports"
    notebooks_dir : str or Path, optional
        Defaults to :func:`crmkit.reporting.resources.default_notebooks_dir`.
    show_pii : bool, default False
        Passed to the notebooks; personal data stays out of reports unless True.
    progress : callable, optional
        Called with one line of text per step (default: print to stderr).

    Returns
    -------
    list of PeriodResult
        One per period; ``ok`` is False when any notebook failed.

    Raises
    ------
    CrmkitError
        Bad params, data, periods or options (nothing is written to ``reports/`` then).
    """
    say = progress or _stderr
    if audience not in AUDIENCES:
        raise CrmkitError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise CrmkitError("jobs must be 1 or more")
    params_file = Path(params_file).resolve()
    nbs = find_notebooks(notebooks_dir or default_notebooks_dir(), only)
    reports_dir = Path(reports_dir).resolve()
    cache = reports_dir / ".cache"
    results = []
    # imports and reading the data are paid once per run, in the zygote (each kernel is
    # a fork of it); it imports while the data are loaded and cleaned here
    with KernelZygote(nbs, env=_zygote_env(cache, jobs)) as zygote:
        say(f"crmkit {__version__}: preparing {params_file.name} ...")
        t0 = time.perf_counter()
        prepared = prepare(params_file, progress=say)
        ds = prepared.dataset
        plist = resolve_periods(ds, periods)
        say(f"  {ds.name}: {', '.join(f'{n} {len(t):,}' for n, t in ds.tables.items())} rows "
            f"(loaded and cleaned in {time.perf_counter() - t0:.1f} s)")
        alerts = _data_alerts(prepared)
        dataset_dir = reports_dir / ds.name
        dataset_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="crmkit-run-") as scratch_s:
            scratch = Path(scratch_s)
            env = _kernel_env(scratch, cache, forked=bool(zygote.env), jobs=jobs)
            prepared_dir = prepared.save(scratch / "prepared")
            zygote.preload(prepared_dir)
            run = _Run(
                prepared=prepared, prepared_dir=prepared_dir,
                dataset_dir=dataset_dir, env={**env, **zygote.env},
                fingerprint=ds.fingerprint(), params_file=params_file, jobs=jobs,
                audiences=["stakeholder", "teaching"] if audience == "both" else [audience],
                show_pii=bool(show_pii), partial=bool(only), alerts=alerts, say=say)
            for period in plist:
                results.append(_run_period(run, nbs, period))
    with FileLock(reports_dir / ".index.lock"):
        write_reports_index(reports_dir)
    return results


def _data_alerts(prepared: Prepared) -> list[str]:
    """Plain-words alerts of the data-quality step (rows dropped, revenue in unknown statuses)."""
    try:
        from ..analysis.quality import load_alerts
    except ImportError:  # a crmkit without the data-quality alerts
        return []
    alerts = load_alerts(prepared.cleaning_log, prepared.profile,
                         currency=prepared.dataset.currency)
    return [str(a).strip() for a in alerts or [] if str(a).strip()]


def _carry_over(final: Path, folder: Path, running: set[str], fingerprint: str, lock: FileLock,
                say, audience: str) -> dict[str, NotebookResult]:
    """Copy an audience's published pages into ``folder`` for a partial run; return the kept results.

    Results (and files) of notebooks that are not in ``running`` are kept when the
    published report was made from the same data; the running notebooks overwrite
    their own files.
    """
    manifest_file = final / "run.json"
    if not manifest_file.exists():
        return {}
    try:
        with lock:
            old = json.loads(manifest_file.read_text(encoding="utf-8"))
            if old.get("data_fingerprint") != fingerprint:
                say(f"  the report in {final} was made from different data: the notebooks not run "
                    "now are left out of the new report")
                return {}
            shutil.copytree(final, folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("run.json", "index.html", ".*",
                                                          *(["teaching"] if audience != "teaching" else [])))
    except (OSError, ValueError) as e:
        say(f"  could not read the previous report in {final} ({e}); only the notebooks run now "
            "are in the new report")
        return {}
    kept = {}
    for entry in old.get("notebooks", []):
        if entry.get("notebook") in running:
            continue
        entry = {k: v for k, v in entry.items() if k in NotebookResult.__dataclass_fields__}
        entry["carried_from"] = entry.get("carried_from") or old.get("started", "")
        entry["audience"] = audience
        kept[entry["notebook"]] = NotebookResult(**entry)
    if kept:
        say(f"  keeping {len(kept)} notebook(s) from the previous report"
            + (" (teaching)" if audience == "teaching" else "") + f": {', '.join(sorted(kept))}")
    return kept


def _run_period(run: _Run, nbs: list[Path], period: Period) -> PeriodResult:
    remove_dead_staging(run.dataset_dir, say=run.say)
    staging = run.dataset_dir / f".staging-{period.label}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    staging.mkdir(parents=True)
    owner = FileLock(staging / STAGING_LOCK)
    owner.acquire(blocking=False)
    try:
        return _render_period(run, nbs, period, staging, owner)
    finally:
        owner.release()
        if staging.exists():  # an exception or an interrupt: nothing to keep
            shutil.rmtree(staging, ignore_errors=True)


def _page_href(dataset_dir: Path, period: Period | None, filename: str, audience: str) -> str | None:
    """Link from an audience's folder of one period to ``filename`` in another period, if published."""
    if period is None:
        return None
    sub = AUDIENCE_FOLDERS[audience]
    if not (dataset_dir / period.label / sub / filename).is_file():
        return None
    up = "../../" if sub else "../"
    return f"{up}{period.label}/{sub + '/' if sub else ''}{filename}"


def _render_period(run: _Run, nbs: list[Path], period: Period, staging: Path,
                   owner: FileLock) -> PeriodResult:
    ds, say, label = run.prepared.dataset, run.say, period.label
    final = run.dataset_dir / label
    lock = _period_lock(run.dataset_dir, label)
    coverage, covered = ds.coverage(period), _covered(ds, period)
    started = dt.datetime.now().isoformat(timespec="seconds")
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    meta = [(nb, *notebook_requirements(nb)) for nb in nbs]
    running = {nb.stem for nb in nbs}  # a partial run replaces these, keeps the others
    prev_p, next_p = _neighbours(period)
    both = len(run.audiences) > 1

    results: dict[str, dict[str, NotebookResult]] = {}
    tasks = []
    for aud in run.audiences:
        sub = AUDIENCE_FOLDERS[aud]
        folder = staging / sub
        folder.mkdir(parents=True, exist_ok=True)
        up = "../../../" if sub else "../../"
        results[aud] = (_carry_over(final / sub, folder, running, run.fingerprint, lock, say, aud)
                        if run.partial else {})
        for nb, title, requires in meta:
            missing = ds.missing(requires)
            if missing:
                (folder / f"{nb.stem}.html").write_text(not_available_page(
                    title=title, missing=missing, dataset=ds.name, period=label,
                    reports_index_href=f"{up}index.html"), encoding="utf-8")
                results[aud][nb.stem] = NotebookResult(
                    nb.stem, title, "not_available", 0.0, [f"{nb.stem}.html"],
                    missing_tables=missing, audience=aud)
                continue
            filename = f"{nb.stem}.html"
            tasks.append({
                "stem": nb.stem, "title": title, "path": str(nb), "audience": aud,
                "folder": str(folder), "env": run.env,
                "name": nb.stem + (f" ({aud})" if both else ""),
                "parameters": {
                    "params_file": str(run.params_file), "prepared_dir": str(run.prepared_dir),
                    "period": period.spec, "output_dir": str(folder),
                    "show_pii": run.show_pii, "audience": aud,
                },
                "page": {
                    "dataset": ds.name, "period": label,
                    "period_start": f"{period.start:%Y-%m-%d}", "period_end": f"{period.end:%Y-%m-%d}",
                    "title": title, "index_href": "index.html",
                    "prev_href": _page_href(run.dataset_dir, prev_p, filename, aud),
                    "next_href": _page_href(run.dataset_dir, next_p, filename, aud),
                    "reports_index_href": f"{up}index.html", "params_name": run.params_file.name,
                    "has_truth": bool(ds.truth), "generated": generated, "coverage": coverage,
                    "data_end": covered[1],
                },
            })

    say(f"[{ds.name} {label}] {len(tasks)} notebook(s) to run, {min(run.jobs, max(len(tasks), 1))} "
        f"at a time")
    if coverage < 1:
        say(f"  {coverage_text(coverage, covered)}")
    for aud in run.audiences:
        for r in results[aud].values():
            if r.status == "not_available":
                say(f"  - {r.notebook}: not available (needs {', '.join(r.missing_tables)})")
    for r in _execute(tasks, jobs=run.jobs, say=say):
        results[r.audience][r.notebook] = r

    ordered = {aud: [results[aud][s] for s in sorted(results[aud])] for aud in run.audiences}
    failed = [r for rs in ordered.values() for r in rs if r.status == "failed" and not r.carried_from]
    finished = dt.datetime.now().isoformat(timespec="seconds")
    for aud, rs in ordered.items():
        manifest = {
            "dataset": ds.name, "period": label, "period_start": str(period.start.date()),
            "period_end": str(period.end.date()), "params_file": str(run.params_file),
            "crmkit_version": __version__, "python": sys.version.split()[0],
            "data_fingerprint": run.fingerprint,
            "tables": {n: len(t) for n, t in ds.tables.items()},
            "data_covers": list(covered), "coverage": round(coverage, 4),
            "audience": aud, "started": started, "finished": finished,
            "notebooks": [asdict(r) for r in rs],
            "failures": [{"notebook": r.notebook, "error": r.error, "failed_cell": r.failed_cell}
                         for r in rs if r.status == "failed" and not r.carried_from],
        }
        (staging / AUDIENCE_FOLDERS[aud] / "run.json").write_text(
            json.dumps(manifest, indent=2), encoding="utf-8")
    everything = [r for rs in ordered.values() for r in rs]

    def write_indexes() -> None:
        _write_indexes(staging, run, period, coverage=coverage, covered=covered,
                       neighbours=(prev_p, next_p), generated=generated)

    if failed:
        failed_dir = run.dataset_dir / "_failed" / label
        failed_dir.parent.mkdir(parents=True, exist_ok=True)
        _replace_dir(staging, failed_dir, _period_lock(failed_dir.parent, label),
                     before=write_indexes, owner=owner)
        kept = "the previous report is unchanged" if final.exists() else "no report was published"
        for r in failed:
            sub = AUDIENCE_FOLDERS[r.audience]
            say(f"  FAILED {r.notebook}{' (teaching)' if sub else ''}: {r.error}\n    executed "
                f"notebook: {failed_dir / sub / 'notebooks' / (r.notebook + '.ipynb')}")
        say(f"[{ds.name} {label}] {len(failed)} notebook(s) failed; {kept} ({final})")
        return PeriodResult(ds.name, label, False, str(final), everything, str(failed_dir))

    def before_swap() -> None:
        _keep_other_audience(final, staging, run.audiences)
        write_indexes()

    _replace_dir(staging, final, lock, before=before_swap, owner=owner)
    shutil.rmtree(run.dataset_dir / "_failed" / label, ignore_errors=True)
    say(f"[{ds.name} {label}] done: {final / 'index.html'}")
    return PeriodResult(ds.name, label, True, str(final), everything)


def _execute(tasks: list[dict], *, jobs: int, say) -> list[NotebookResult]:
    """Run ``tasks`` with at most ``jobs`` at once; announce each when it starts and ends."""
    if not tasks:
        return []
    n = len(tasks)
    pending = list(enumerate(tasks, start=1))
    running: dict[cf.Future, tuple[int, dict]] = {}
    out = []
    ctx = mp.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=min(jobs, n), mp_context=ctx) as pool:
        while pending or running:
            # a task is handed over only when a worker is free, so "started" is when it starts
            while pending and len(running) < jobs:
                i, task = pending.pop(0)
                running[pool.submit(_run_one, task)] = (i, task)
                say(f"  [{i}/{n}] {task['name']} started")
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: running[f][0]):
                i, task = running.pop(fut)
                try:
                    r = fut.result()
                except Exception as e:  # noqa: BLE001 - a crashed worker is a failed notebook
                    traceback.print_exc()
                    r = {"notebook": task["stem"], "title": task["title"], "status": "failed",
                         "seconds": 0.0, "html": [], "error": f"{type(e).__name__}: {e}",
                         "failed_cell": None, "audience": task["audience"]}
                result = NotebookResult(**r)
                mark = "ok" if result.status == "ok" else "FAILED"
                say(f"  [{i}/{n}] {task['name']} {mark} in {result.seconds:.1f} s"
                    + (f": {result.error}" if result.error else ""))
                out.append(result)
    return out


def _read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_indexes(staging: Path, run: _Run, period: Period, *, coverage: float,
                   covered: tuple[str, str], neighbours, generated: str) -> None:
    """Write ``index.html`` of the period (stakeholder folder) and of ``teaching/`` if present."""
    ds = run.prepared.dataset
    folders = {aud: staging / sub for aud, sub in AUDIENCE_FOLDERS.items()}
    manifests = {aud: _read_manifest(f) for aud, f in folders.items()}
    entries = {aud: {n["notebook"]: n for n in (m or {}).get("notebooks", [])}
               for aud, m in manifests.items()}
    stems = sorted(set(entries["stakeholder"]) | set(entries["teaching"]))
    kpis = []
    for aud in ("stakeholder", "teaching"):
        kpi_file = folders[aud] / "summaries" / "kpi.json"
        if kpi_file.is_file():
            with contextlib.suppress(OSError, ValueError):
                kpis = json.loads(kpi_file.read_text(encoding="utf-8")).get("headline", [])
            break
    prev_p, next_p = neighbours
    targets = ["stakeholder"] + (["teaching"] if manifests["teaching"] is not None else [])
    for aud in targets:
        other = "teaching" if aud == "stakeholder" else "stakeholder"
        to_other = "teaching/" if aud == "stakeholder" else "../"
        rows = []
        for stem in stems:
            own, oth = entries[aud].get(stem), entries[other].get(stem)
            base = own or oth
            src = aud if own else other
            note = base.get("error") or ""
            if not note and base.get("missing_tables"):
                note = "needs " + " / ".join(sorted(base["missing_tables"]))
            if base.get("carried_from"):
                note = (note + " · " if note else "") + f"from the run of {base['carried_from']}"
            rows.append({
                "title": base.get("title", stem), "status": base.get("status", ""),
                "seconds": base.get("seconds"), "note": note,
                "finding": summary_finding(folders[src], stem) if base.get("status") == "ok" else "",
                "href": own["html"][0] if own and own.get("html") else None,
                "other_href": to_other + oth["html"][0] if oth and oth.get("html") else None,
            })
        sub = AUDIENCE_FOLDERS[aud]
        up = "../../../" if sub else "../../"
        own_manifest = manifests[aud] or manifests[other] or {}
        page = period_index_page(
            dataset=ds.name, period=period, audience=aud, rows=rows, kpis=kpis,
            alerts=run.alerts, coverage=coverage, covered=covered,
            prev_href=_page_href(run.dataset_dir, prev_p, "index.html", aud),
            next_href=_page_href(run.dataset_dir, next_p, "index.html", aud),
            reports_index_href=f"{up}index.html",
            other_href=(f"{to_other}index.html" if manifests[other] is not None else None),
            footer={"version": __version__, "fingerprint": own_manifest.get("data_fingerprint", ""),
                    "generated": generated, "params_name": run.params_file.name,
                    "run_json": "run.json" if manifests[aud] is not None else None})
        folders[aud].mkdir(parents=True, exist_ok=True)
        (folders[aud] / "index.html").write_text(page, encoding="utf-8")

"""Render the notebooks into HTML reports: ``reports/<dataset>/<period>/``.

How a run works (:func:`run_report`):

1. The dataset is loaded, validated and cleaned **once** (:func:`crmkit.data.pipeline.prepare`)
   and saved to a scratch folder that every notebook opens.
2. For each period, each notebook runs with papermill in its own process, in a
   kernel that runs *this* interpreter (a private kernelspec, so a stale user-level
   ``python3`` kernel cannot be picked up), with the dataset and period injected as
   parameters. Kernels that fail to start are retried once.
3. Each executed notebook is exported to HTML with nbconvert: ``stakeholder``
   (code hidden) or ``teaching`` (code shown). A notebook whose required tables
   are missing gets a short "not available" page instead.
4. ``index.html`` and ``run.json`` are written, and the finished folder replaces the
   previous report in one step, under a lock. If any notebook failed, the previous
   report stays; the failed run is kept in ``reports/<dataset>/_failed/<period>/``
   and the run reports which cell failed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import fcntl
import html
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

import nbformat

from .. import __version__
from ..data.pipeline import prepare
from ..errors import CrmkitError
from ..periods import Period

__all__ = [
    "run_report",
    "NotebookResult",
    "PeriodResult",
    "find_notebooks",
    "notebook_requirements",
    "default_notebooks_dir",
    "KERNEL_NAME",
    "write_reports_index",
]

KERNEL_NAME = "crmkit-runner"
AUDIENCES = ("stakeholder", "teaching", "both")


@dataclass
class NotebookResult:
    """What happened to one notebook in one period."""

    notebook: str
    title: str
    status: str  # ok, failed, not_available
    seconds: float = 0.0
    html: list[str] = field(default_factory=list)
    error: str = ""
    failed_cell: int | None = None
    missing_tables: list[str] = field(default_factory=list)
    carried_from: str = ""  # a partial run (--only) kept this result from the run started then


@dataclass
class PeriodResult:
    """The outcome of one period of a run."""

    dataset: str
    period: str
    ok: bool
    report_dir: str
    notebooks: list[NotebookResult]
    failed_dir: str = ""


# --------------------------------------------------------------------------- notebooks
def default_notebooks_dir() -> Path:
    """``./notebooks`` if it exists, else the ``notebooks/`` folder next to the package."""
    here = Path.cwd() / "notebooks"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "notebooks"


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


# --------------------------------------------------------------------------- kernel and env
def _kernel_env(scratch: Path, cache: Path) -> dict[str, str]:
    kdir = scratch / "jupyter" / "kernels" / KERNEL_NAME
    kdir.mkdir(parents=True, exist_ok=True)
    (kdir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
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
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }


def _is_startup_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel died", "kernel_info", "ZMQError", "Address already in use",
                                   "Kernel didn't respond", "TimeoutError"))


def _export_html(executed: Path, out: Path, audience: str, title: str) -> None:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    c = Config()
    hidden = {"remove-cell"}
    if audience == "stakeholder":
        hidden |= {"injected-parameters", "parameters"}
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.remove_cell_tags = hidden
    c.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    c.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=c, template_name="lab")
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    nb = nbformat.read(executed, as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    out.write_text(body, encoding="utf-8")


def _run_one(nb_path: str, staging: str, parameters: dict, env: dict, audience: str,
             title: str) -> dict:
    """Execute one notebook and export it (runs in a worker process)."""
    import papermill as pm

    os.environ.update(env)
    stem = Path(nb_path).stem
    executed = Path(staging) / "notebooks" / f"{stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = {"notebook": stem, "title": title, "status": "ok", "html": [], "error": "",
              "failed_cell": None}
    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                nb_path, str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
                cwd=str(Path(nb_path).parent), progress_bar=False, log_output=False,
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
    audiences = ["stakeholder", "teaching"] if audience == "both" else [audience]
    if executed.exists():
        for aud in audiences:
            name = f"{stem}.html" if aud == audiences[0] else f"{stem}.{aud}.html"
            try:
                _export_html(executed, Path(staging) / name, aud, title)
                result["html"].append(name)
            except Exception as e:  # noqa: BLE001
                result.update(status="failed", error=result["error"] or f"HTML export failed: {e}")
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


# --------------------------------------------------------------------------- pages
_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans SC",sans-serif;
max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1f2933;background:#fafbfc}
h1{margin-bottom:.2rem} .sub{color:#616e7c;margin-top:0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.8rem;margin:1.2rem 0}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:.8rem 1rem}
.card .label{font-size:.8rem;color:#616e7c}.card .value{font-size:1.5rem;font-weight:600}
.card .change{font-size:.8rem}.up{color:#2f8132}.down{color:#ba2525}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.5rem .7rem;border-bottom:1px solid #e4e7eb}
.badge{border-radius:4px;padding:.1rem .45rem;font-size:.8rem;color:#fff}
.ok{background:#2f8132}.failed{background:#ba2525}.not_available{background:#9aa5b1}
footer{margin-top:2rem;color:#9aa5b1;font-size:.8rem}
"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>")


def _not_available_page(title: str, missing: list[str], dataset: str) -> str:
    return _page(title, (
        f"<h1>{html.escape(title)}</h1><p class='sub'>Dataset <b>{html.escape(dataset)}</b></p>"
        f"<p>Not available for this dataset: needs {html.escape(', '.join(missing))}.</p>"
        "<p>Add the table to the params file (<code>tables:</code>) to get this report.</p>"
        "<p><a href='index.html'>Back to the index</a></p>"))


def _index_page(dataset: str, period: Period, results: list[NotebookResult], kpis: list[dict],
                manifest: dict) -> str:
    cards = ""
    for k in kpis:
        ch = k.get("change", "–")
        good = k.get("good")
        if good is None and ch[:1] in ("+", "-"):  # summaries written before "good" existed
            good = ch.startswith("+")
        cls = "" if good is None else "up" if good else "down"
        cards += (f"<div class='card'><div class='label'>{html.escape(k['label'])}</div>"
                  f"<div class='value'>{html.escape(k['value'])}</div>"
                  f"<div class='change {cls}'>{html.escape(ch)} vs previous ({html.escape(k['previous'])})</div></div>")
    rows = ""
    for r in results:
        link = (f"<a href='{html.escape(r.html[0])}'>{html.escape(r.title)}</a>"
                if r.html else html.escape(r.title))
        extra = "".join(f" · <a href='{html.escape(h)}'>teaching version</a>" for h in r.html[1:])
        note = html.escape(r.error) if r.error else (
            "needs " + ", ".join(r.missing_tables) if r.missing_tables else "")
        if r.carried_from:
            note = (note + " · " if note else "") + f"from the run of {html.escape(r.carried_from)}"

        rows += (f"<tr><td>{link}{extra}</td><td><span class='badge {r.status}'>"
                 f"{r.status.replace('_', ' ')}</span></td><td>{r.seconds:.1f} s</td>"
                 f"<td>{note}</td></tr>")
    body = (
        f"<h1>{html.escape(dataset)} · {html.escape(period.label)}</h1>"
        f"<p class='sub'>{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}, compared with "
        f"{period.previous().label}</p>"
        + (f"<div class='cards'>{cards}</div>" if cards else "")
        + "<h2>Reports</h2><table><tr><th>Notebook</th><th>Status</th><th>Time</th><th></th></tr>"
        + rows + "</table>"
        f"<footer>crmkit {__version__} · data fingerprint {manifest['data_fingerprint']} · "
        f"generated {manifest['finished']} · <a href='run.json'>run.json</a></footer>"
    )
    return _page(f"{dataset} {period.label}", body)


def write_reports_index(reports_dir: str | Path) -> Path:
    """Write ``reports/index.html``: every dataset and period with a published report."""
    reports_dir = Path(reports_dir)
    rows = ""
    for run in sorted(reports_dir.glob("*/*/run.json")):
        if run.parent.name.startswith((".", "_")):
            continue
        try:
            m = json.loads(run.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        n_ok = sum(n["status"] == "ok" for n in m.get("notebooks", []))
        rel = run.parent.relative_to(reports_dir).as_posix()
        rows += (f"<tr><td>{html.escape(m.get('dataset', ''))}</td>"
                 f"<td><a href='{html.escape(rel)}/index.html'>{html.escape(m.get('period', ''))}</a></td>"
                 f"<td>{m.get('period_start', '')} to {m.get('period_end', '')}</td>"
                 f"<td>{n_ok} of {len(m.get('notebooks', []))}</td>"
                 f"<td>{html.escape(m.get('finished', ''))}</td></tr>")
    body = ("<h1>crmkit reports</h1><table><tr><th>Dataset</th><th>Period</th><th>Dates</th>"
            "<th>Notebooks rendered</th><th>Generated</th></tr>" + rows + "</table>")
    out = reports_dir / "index.html"
    tmp = out.with_suffix(f".tmp-{uuid.uuid4().hex[:6]}")
    tmp.write_text(_page("crmkit reports", body), encoding="utf-8")
    os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------- swapping
@contextlib.contextmanager
def _lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _replace_dir(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final``; the old report is removed only afterwards."""
    with _lock(final.parent / f".{final.name}.lock"):
        old = None
        if final.exists():
            old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
        os.replace(staging, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- entry point
def run_report(
    params_file: str | Path,
    *,
    periods: list[str] | tuple[str, ...] = ("latest",),
    only: list[str] | None = None,
    jobs: int = 1,
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
    only : list of str, optional
        Subset of notebooks (numbers or names). The other notebooks' results of the
        current report for the same period are carried over into the new one when that
        report was made from the same data (same fingerprint); otherwise they are left
        out and a message says so.
    jobs : int, default 1
        Notebooks run in parallel processes.
    audience : {"stakeholder", "teaching", "both"}, default "stakeholder"
    reports_dir : str or Path, default "reports"
    notebooks_dir : str or Path, optional
        Defaults to :func:`default_notebooks_dir`.
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
        Bad params, data or options (nothing is written to ``reports/`` then).
    """
    say = progress or (lambda m: print(m, file=sys.stderr, flush=True))
    if audience not in AUDIENCES:
        raise CrmkitError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    params_file = Path(params_file).resolve()
    nbs = find_notebooks(notebooks_dir or default_notebooks_dir(), only)
    say(f"crmkit {__version__}: preparing {params_file.name} ...")
    t0 = time.perf_counter()
    prepared = prepare(params_file)
    ds = prepared.dataset
    plist = [ds.period(p) for p in periods]
    say(f"  {ds.name}: {', '.join(f'{n} {len(t):,}' for n, t in ds.tables.items())} rows "
        f"(loaded and cleaned in {time.perf_counter() - t0:.1f} s)")
    reports_dir = Path(reports_dir).resolve()
    dataset_dir = reports_dir / ds.name
    dataset_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = ds.fingerprint()
    results = []
    with tempfile.TemporaryDirectory(prefix="crmkit-run-") as scratch_s:
        scratch = Path(scratch_s)
        prepared_dir = prepared.save(scratch / "prepared")
        env = _kernel_env(scratch, reports_dir / ".cache")
        for period in plist:
            results.append(_run_period(
                nbs, period, prepared, prepared_dir, dataset_dir, env, fingerprint,
                params_file=params_file, jobs=jobs, audience=audience, show_pii=show_pii, say=say,
                partial=bool(only)))
    with _lock(reports_dir / ".index.lock"):
        write_reports_index(reports_dir)
    return results


def _carry_over(final: Path, staging: Path, running: set[str], fingerprint: str,
                say) -> dict[str, NotebookResult]:
    """Copy the published report into ``staging`` for a partial run; return the kept results.

    Results (and files) of notebooks that are not in ``running`` are kept when the
    published report was made from the same data; the running notebooks overwrite
    their own files.
    """
    manifest_file = final / "run.json"
    if not manifest_file.exists():
        return {}
    try:
        with _lock(final.parent / f".{final.name}.lock"):
            old = json.loads(manifest_file.read_text(encoding="utf-8"))
            if old.get("data_fingerprint") != fingerprint:
                say(f"  the report in {final} was made from different data: the notebooks not run "
                    "now are left out of the new report")
                return {}
            shutil.copytree(final, staging, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("run.json", "index.html"))
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
        kept[entry["notebook"]] = NotebookResult(**entry)
    if kept:
        say(f"  keeping {len(kept)} notebook(s) from the previous report: {', '.join(sorted(kept))}")
    return kept


def _run_period(nbs, period, prepared, prepared_dir, dataset_dir, env, fingerprint, *,
                params_file, jobs, audience, show_pii, say, partial=False) -> PeriodResult:
    ds = prepared.dataset
    label = period.label
    staging = dataset_dir / f".staging-{label}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    staging.mkdir(parents=True)
    started = dt.datetime.now().isoformat(timespec="seconds")
    say(f"[{ds.name} {label}] {len(nbs)} notebook(s), {jobs} at a time")
    carried = (_carry_over(dataset_dir / label, staging, {nb.stem for nb in nbs}, fingerprint, say)
               if partial else {})
    results: dict[str, NotebookResult] = {}
    todo = []
    for nb in nbs:
        title, requires = notebook_requirements(nb)
        missing = ds.missing(requires)
        if missing:
            (staging / f"{nb.stem}.html").write_text(
                _not_available_page(title, missing, ds.name), encoding="utf-8")
            results[nb.stem] = NotebookResult(nb.stem, title, "not_available", 0.0,
                                              [f"{nb.stem}.html"], missing_tables=missing)
            say(f"  - {nb.stem}: not available (needs {', '.join(missing)})")
        else:
            todo.append((nb, title))
    params = {
        "params_file": str(params_file), "prepared_dir": str(prepared_dir),
        "period": period.spec, "output_dir": str(staging), "show_pii": bool(show_pii),
    }
    ctx = mp.get_context("spawn")
    done = 0
    with cf.ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as pool:
        futs = {}
        for nb, title in todo:
            futs[pool.submit(_run_one, str(nb), str(staging), params, env, audience, title)] = nb
            if jobs <= 1:
                say(f"  [{len(futs)}/{len(todo)}] {nb.stem} ...")
        for fut in cf.as_completed(futs):
            nb = futs[fut]
            done += 1
            try:
                r = fut.result()
            except Exception as e:  # noqa: BLE001 - a crashed worker is a failed notebook
                r = {"notebook": nb.stem, "title": nb.stem, "status": "failed", "seconds": 0.0,
                     "html": [], "error": f"{type(e).__name__}: {e}", "failed_cell": None}
                traceback.print_exc()
            results[nb.stem] = NotebookResult(**r)
            mark = "ok" if r["status"] == "ok" else "FAILED: " + r["error"]
            say(f"    {nb.stem} {mark} ({r['seconds']:.1f} s; {done}/{len(todo)} done, "
                f"{len(todo) - done} left)")
    results.update(carried)
    ordered = [results[stem] for stem in sorted(results)]
    failed = [r for r in ordered if r.status == "failed" and not r.carried_from]
    kpis = []
    summary_file = staging / "summaries" / "kpi.json"
    if summary_file.exists():
        kpis = json.loads(summary_file.read_text(encoding="utf-8")).get("headline", [])
    manifest = {
        "dataset": ds.name, "period": label, "period_start": str(period.start.date()),
        "period_end": str(period.end.date()), "params_file": str(params_file),
        "crmkit_version": __version__, "python": sys.version.split()[0],
        "data_fingerprint": fingerprint,
        "tables": {n: len(t) for n, t in ds.tables.items()},
        "audience": audience, "started": started,
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "notebooks": [asdict(r) for r in ordered],
        "failures": [{"notebook": r.notebook, "error": r.error, "failed_cell": r.failed_cell}
                     for r in failed],
    }
    (staging / "run.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (staging / "index.html").write_text(_index_page(ds.name, period, ordered, kpis, manifest),
                                        encoding="utf-8")
    final = dataset_dir / label
    if failed:
        failed_dir = dataset_dir / "_failed" / label
        failed_dir.parent.mkdir(parents=True, exist_ok=True)
        _replace_dir(staging, failed_dir)
        kept = "the previous report is unchanged" if final.exists() else "no report was published"
        for r in failed:
            say(f"  FAILED {r.notebook}: {r.error}\n    executed notebook: "
                f"{failed_dir / 'notebooks' / (r.notebook + '.ipynb')}")
        say(f"[{ds.name} {label}] {len(failed)} notebook(s) failed; {kept} ({final})")
        return PeriodResult(ds.name, label, False, str(final), ordered, str(failed_dir))
    _replace_dir(staging, final)
    shutil.rmtree(dataset_dir / "_failed" / label, ignore_errors=True)
    say(f"[{ds.name} {label}] done: {final / 'index.html'}")
    return PeriodResult(ds.name, label, True, str(final), ordered)

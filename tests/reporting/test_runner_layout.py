"""The runner through the real CLI with tiny notebooks: progress, audiences, dead staging folders.

The notebooks here only sleep, print their parameters and write a summary: what is
under test is the runner (when it says what, where pages go, what it keeps and
removes), so each run takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from crmkit.reporting.lock import FileLock
from crmkit.reporting.runner import STAGING_LOCK

pytestmark = pytest.mark.notebooks
ROOT = Path(__file__).resolve().parents[2]
PARAMS = str(ROOT / "params" / "example_export.yaml")  # a small export read from files
PERIOD = "2025-Q1"
PARAMETERS = """\
params_file: str = ""  # dataset params file
prepared_dir: str = ""  # set by crmkit report
period: str = "latest"  # report period
output_dir: str = ""  # set by crmkit report
show_pii: bool = False  # personal data allowed
audience: str = "stakeholder"  # stakeholder or teaching"""


def tiny_notebooks(folder: Path, sleeps: dict[str, float]) -> Path:
    """Write one notebook per ``{stem: seconds to sleep}``."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, sleep in sleeps.items():
        params = nbformat.v4.new_code_cell(PARAMETERS)
        params.metadata["tags"] = ["parameters"]
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Tiny {stem}"),
            params,
            nbformat.v4.new_code_cell(f"import time\ntime.sleep({sleep})\n"
                                      "print(f'audience={audience} show_pii={show_pii}')"),
            nbformat.v4.new_code_cell(
                "from crmkit.reporting.tables import save_summary\n"
                f"save_summary(output_dir, {stem!r}, {{'findings': ['**{stem}** for ' + audience]}})"),
        ])
        nb.metadata["crmkit"] = {"title": f"Tiny {stem}", "requires": ["orders"]}
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{stem}.ipynb")
    return folder


def crmkit(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "crmkit", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def report(nbdir: Path, reports: Path, *more: str):
    return crmkit("report", "--params", PARAMS, "--period", PERIOD, "--notebooks-dir", str(nbdir),
                  "--reports-dir", str(reports), *more)


def _line(lines: list[str], pattern: str) -> int:
    hits = [i for i, ln in enumerate(lines) if re.search(pattern, ln)]
    assert len(hits) == 1, f"{pattern!r}: {len(hits)} matching lines in\n" + "\n".join(lines)
    return hits[0]


# --------------------------------------------------------------------------- progress
def test_one_job_announces_each_notebook_when_it_really_starts_and_ends(tmp_path):
    nbdir = tiny_notebooks(tmp_path / "nbs", {"01_a": 0, "02_b": 2.5, "03_c": 0})
    res = report(nbdir, tmp_path / "reports", "--jobs", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stderr.splitlines()
    # loading and cleaning a files export: a line per table with rows and seconds
    assert re.search(r"loaded orders: 400 rows in \d+\.\d s", res.stderr)
    assert re.search(r"loaded customers: 60 rows in \d+\.\d s", res.stderr)
    assert _line(lines, r"^\s+cleaned in \d+\.\d s") < _line(lines, r"\[1/3\] 01_a started")
    order = []
    for i, stem in enumerate(("01_a", "02_b", "03_c"), start=1):
        order += [_line(lines, rf"\[{i}/3\] {stem} started$"), _line(lines, rf"\[{i}/3\] {stem} ok in ")]
    assert order == sorted(order)  # start 1, end 1, start 2, end 2, start 3, end 3
    took = float(re.search(r"\[2/3\] 02_b ok in (\d+\.\d) s", res.stderr).group(1))
    assert took >= 2.5  # its own time, which includes the 2.5 s it sleeps
    assert "1 at a time" in res.stderr


def test_several_jobs_start_as_workers_free_up(tmp_path):
    nbdir = tiny_notebooks(tmp_path / "nbs", {"01_slow": 6, "02_quick": 0, "03_next": 0})
    res = report(nbdir, tmp_path / "reports", "--jobs", "2")
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stderr.splitlines()
    ends = [i for i, ln in enumerate(lines) if re.search(r"\] \S+ ok in ", ln)]
    assert len(ends) == 3
    assert _line(lines, r"01_slow started") < ends[0] and _line(lines, r"02_quick started") < ends[0]
    assert _line(lines, r"03_next started") > ends[0]  # it waited for a free worker
    assert "2 at a time" in res.stderr


def test_jobs_default_to_the_usable_cores(tmp_path):
    from crmkit.reporting.resources import default_jobs

    nbdir = tiny_notebooks(tmp_path / "nbs", {"01_a": 0, "02_b": 0, "03_c": 0, "04_d": 0})
    res = report(nbdir, tmp_path / "reports")
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"4 notebook(s) to run, {min(default_jobs(), 4)} at a time" in res.stderr


# --------------------------------------------------------------------------- audiences
def _injected(folder: Path, stem: str) -> str:
    nb = nbformat.read(folder / "notebooks" / f"{stem}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "index.html"}


def test_teaching_and_stakeholder_versions_live_side_by_side(tmp_path):
    nbdir = tiny_notebooks(tmp_path / "nbs", {"01_a": 0, "02_b": 0})
    reports = tmp_path / "reports"
    period = reports / "example_export" / PERIOD
    teaching = period / "teaching"

    first = report(nbdir, reports, "--audience", "stakeholder")
    assert first.returncode == 0, first.stderr[-3000:]
    assert (period / "01_a.html").is_file() and not teaching.exists()
    assert 'audience = "stakeholder"' in _injected(period, "01_a")
    stakeholder_files = {k: v for k, v in _files(period).items() if not k.startswith("teaching/")}

    # teaching alone: adds teaching/, keeps every published stakeholder file
    second = report(nbdir, reports, "--audience", "teaching")
    assert second.returncode == 0, second.stderr[-3000:]
    assert {k: v for k, v in _files(period).items() if not k.startswith("teaching/")} == stakeholder_files
    assert 'audience = "teaching"' in _injected(teaching, "01_a")
    assert json.loads((teaching / "run.json").read_text())["audience"] == "teaching"
    assert "audience=teaching" in (teaching / "notebooks" / "01_a.ipynb").read_text(encoding="utf-8")
    index = (period / "index.html").read_text(encoding="utf-8")
    assert "href='01_a.html'" in index and "href='teaching/01_a.html'" in index
    assert "href='teaching/index.html'" in index
    assert "<b>01_a</b> for stakeholder" in index  # the top finding of the stakeholder page
    t_index = (teaching / "index.html").read_text(encoding="utf-8")
    assert "href='01_a.html'" in t_index and "href='../01_a.html'" in t_index
    assert "<b>01_a</b> for teaching" in t_index and "href='../index.html'" in t_index
    teaching_files = {k: v for k, v in _files(period).items() if k.startswith("teaching/")}

    # stakeholder alone: replaces the stakeholder pages, keeps teaching/ as it was
    started = json.loads((period / "run.json").read_text())["started"]
    time.sleep(1.1)  # run.json's "started" has whole seconds
    third = report(nbdir, reports, "--audience", "stakeholder", "--only", "01")
    assert third.returncode == 0, third.stderr[-3000:]
    assert json.loads((period / "run.json").read_text())["started"] != started
    assert {k: v for k, v in _files(period).items() if k.startswith("teaching/")} == teaching_files
    assert "href='teaching/01_a.html'" in (period / "index.html").read_text(encoding="utf-8")

    # both, with --show-pii: both versions replaced, show_pii reaches every notebook
    fourth = report(nbdir, reports, "--audience", "both", "--show-pii")
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    assert re.search(r"\[\d/4\] 01_a \(teaching\) ok in", fourth.stderr)
    for folder, audience in ((period, "stakeholder"), (teaching, "teaching")):
        for stem in ("01_a", "02_b"):
            assert "show_pii = True" in _injected(folder, stem)
            assert f'audience = "{audience}"' in _injected(folder, stem)
    top = (reports / "index.html").read_text(encoding="utf-8")
    assert f"href='example_export/{PERIOD}/index.html'>stakeholder" in top
    assert f"href='example_export/{PERIOD}/teaching/index.html'>teaching" in top
    assert not [p.name for p in (reports / "example_export").iterdir() if p.name.startswith(".staging")]


# --------------------------------------------------------------------------- dead staging folders
def test_staging_folders_of_killed_runs_are_removed_by_the_next_run(tmp_path):
    reports = tmp_path / "reports"
    dataset = reports / "example_export"
    quick = tiny_notebooks(tmp_path / "quick", {"01_a": 0})
    slow = tiny_notebooks(tmp_path / "slow", {"01_a": 600})
    assert report(quick, reports).returncode == 0
    published = _files(dataset / PERIOD)

    proc = subprocess.Popen(
        [sys.executable, "-m", "crmkit", "report", "--params", PARAMS, "--period", PERIOD,
         "--notebooks-dir", str(slow), "--reports-dir", str(reports)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:  # wait until the run owns its staging folder
            owned = [p for p in dataset.glob(".staging-*") if (p / STAGING_LOCK).is_file()]
            probe = FileLock(owned[0] / STAGING_LOCK) if owned else None
            if probe is not None and probe.acquire(blocking=False, create=False) is False:
                break
            if probe is not None and probe.locked:
                probe.release()
            assert proc.poll() is None and time.monotonic() < deadline, "the run never started"
            time.sleep(0.2)
        dead = owned[0]
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 of `crmkit report`
        proc.wait(timeout=60)
    finally:
        with_workers = proc.pid  # its notebook workers and kernels are in its session
        try:
            os.killpg(with_workers, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert dead.is_dir()  # left behind by the killed run
    assert _files(dataset / PERIOD) == published  # the published report is intact

    alive = dataset / f".staging-{PERIOD}-1-alive"  # a run that is still working
    alive_lock = FileLock(alive / STAGING_LOCK)
    assert alive_lock.acquire(blocking=False)
    old_unlocked = dataset / f".staging-{PERIOD}-2-old"  # from a crmkit before the lock
    (old_unlocked / "notebooks").mkdir(parents=True)
    two_hours_ago = time.time() - 7200
    os.utime(old_unlocked, (two_hours_ago, two_hours_ago))
    fresh_unlocked = dataset / f".staging-{PERIOD}-3-fresh"  # a run between mkdir and lock
    fresh_unlocked.mkdir()
    try:
        again = report(quick, reports)
        assert again.returncode == 0, again.stderr[-3000:]
        assert not dead.exists() and not old_unlocked.exists()
        assert alive.is_dir() and fresh_unlocked.is_dir()
        assert "removed 2 staging folder(s) of runs that died" in again.stderr
        assert dead.name in again.stderr and old_unlocked.name in again.stderr
    finally:
        alive_lock.release()

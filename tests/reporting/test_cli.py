"""The command line: exit codes, messages, progress, light start-up."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from crmkit.reporting.cli import main


def test_validate_prints_cleaning_log(root, capsys):
    assert main(["validate", "--params", str(root / "params" / "example_export.yaml")]) == 0
    out = capsys.readouterr().out
    assert "orders 400 rows" in out and "status_mapped" in out


def test_user_error_exit_2_without_traceback(tmp_path, capsys):
    bad = tmp_path / "p.yaml"
    bad.write_text("dataset: x\nsource: {type: ftp}\n")
    assert main(["validate", "--params", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmkit: error:") and "source.type must be files, sql or bundled" in err
    assert "Traceback" not in err


def test_bad_period_and_only(root, capsys):
    assert main(["report", "--params", str(root / "params" / "cdnow.yaml"), "--period", "1997-13"]) == 2
    assert "month must be 01-12" in capsys.readouterr().err
    assert main(["report", "--params", str(root / "params" / "cdnow.yaml"), "--only", "99"]) == 2
    assert "matches no notebook" in capsys.readouterr().err


def test_demo_data_writes_csv_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo-data", "--out", str(tmp_path / "x", ), "--customers", "100"]) == 2
    assert "n_customers >= 500" in capsys.readouterr().err  # defects come in fixed counts
    assert main(["demo-data", "--out", str(out), "--customers", "600", "--seed", "3"]) == 0
    orders = pd.read_csv(out / "orders.csv", encoding="utf-8-sig")
    customers = pd.read_csv(out / "customers.csv", encoding="utf-8-sig")
    assert {"order_id", "customer_id", "order_date", "revenue"} <= set(orders.columns)
    assert customers["customer_id"].nunique() >= 500
    before = (out / "orders.csv").read_bytes()
    assert main(["demo-data", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "orders.csv").read_bytes() == before


# --------------------------------------------------------------------------- through the real CLI
def _crmkit(*args, cwd=None, timeout=600):
    import subprocess
    import sys
    from pathlib import Path

    return subprocess.run([sys.executable, "-m", "crmkit", *args], capture_output=True, text=True,
                          cwd=cwd or Path(__file__).resolve().parents[2], timeout=timeout)


HEAVY = ("pandas", "numpy", "scipy", "sklearn", "matplotlib", "seaborn", "papermill", "nbconvert",
         "nbformat", "pyarrow", "statsmodels", "crmkit.analysis", "crmkit.data", "crmkit.plots")


def _imported(stderr: str) -> set[str]:
    """Module names from ``python -X importtime`` output."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["--version"]])
def test_help_imports_nothing_heavy(args):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "crmkit", *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = _imported(proc.stderr)
    assert "crmkit.reporting.cli" in names  # the measurement saw crmkit's own imports
    heavy = sorted(n for n in names if n.split(".")[0] in HEAVY or n.startswith(HEAVY))
    assert heavy == []
    if args == ["report", "--help"]:
        from crmkit.reporting.resources import default_jobs

        assert f"the usable cores, {default_jobs()} here" in " ".join(proc.stdout.split())


def test_validate_shows_progress_per_table_and_for_cleaning(root, capsys):
    assert main(["validate", "--params", str(root / "params" / "example_export.yaml")]) == 0
    err = capsys.readouterr().err
    for table, rows in (("orders", 400), ("customers", 60)):
        assert re.search(rf"loaded {table}: {rows:,} rows in \d+\.\d s", err), err
    assert re.search(r"loaded tickets: [\d,]+ rows in \d+\.\d s", err)
    assert re.search(r"cleaned in \d+\.\d s", err)
    lines = err.splitlines()
    assert lines.index(next(ln for ln in lines if "cleaned in" in ln)) == len(lines) - 1


def test_a_period_without_data_is_refused_before_anything_is_written(tmp_path):
    res = _crmkit("report", "--params", "params/cdnow.yaml", "--period", "2025-Q4",
                  "--reports-dir", str(tmp_path / "reports"))
    assert res.returncode == 2, res.stderr[-2000:]
    assert ("period 2025-Q4 (2025-10-01 to 2025-12-31) has no data: the cdnow export covers "
            "1997-01-01 to 1998-06-30") in res.stderr
    assert "Traceback" not in res.stderr and "started" not in res.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_demo_periods_after_and_before_the_data_are_refused_together(tmp_path):
    """2030-Q1 (after) and 2023-Q1 (before the demo starts) next to a good period: nothing runs."""
    res = _crmkit("report", "--params", "params/demo.yaml", "--period", "2025-Q4,2030-Q1",
                  "--period", "2023-Q1", "--reports-dir", str(tmp_path / "reports"))
    assert res.returncode == 2, res.stderr[-2000:]
    for p in ("2030-Q1 (2030-01-01 to 2030-03-31)", "2023-Q1 (2023-01-01 to 2023-03-31)"):
        assert f"period {p} has no data: the demo export covers 2024-01-01 to 2025-12-30" in res.stderr
    assert "started" not in res.stderr and not (tmp_path / "reports").exists()
